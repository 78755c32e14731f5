/*
 * zeek_tsv.c - Zeek's ASCII writer (conn.log, rdp.log) to flow events.
 *
 * A Zeek TSV log describes itself.  A block of '#' lines opens it:
 *
 *	#separator \x09			the column separator, escaped
 *	#set_separator	,		between members of a set
 *	#empty_field	(empty)		an empty string or set
 *	#unset_field	-		a field with no value
 *	#path	conn			which log this is
 *	#fields	ts	uid ...		the column names, in order
 *	#types	time	string	addr ...
 *
 * and "#close" ends it.  Blocks may follow one another in one file (logs
 * concatenated, a writer restarted), each with its own columns, so every
 * "#fields" replaces the column map and nothing is ever found by position.
 * The tsv=T writer drops the '#' lines and writes the column names as the
 * first line instead; that line is taken as "#fields".  A data line with no
 * column map before it makes the whole file unrecognisable: guessing the
 * columns of someone's TSV would turn noise into flows.
 *
 * Values are compared with the header's sentinels before unescaping, so a
 * literal "(empty)", which Zeek writes as "\x28empty)", stays text, and
 * "(empty)" itself means an empty value.  Zeek escapes a separator inside
 * a value as \xNN and a backslash as "\\"; columns are therefore split on
 * raw separator bytes and only the values used are unescaped.
 *
 * "#set_separator" and "#types" are not needed: a set such as service
 * "ssl,http" is kept whole as the text it is, and each value used has one
 * known meaning whatever its declared type.
 *
 * The column map is built once per header: for each header position the
 * slot (ts, id.orig_h, ...) it fills, or none.  A row is cut in one pass
 * up to the last wanted column, so trailing columns cost nothing, extra
 * trailing columns (a stray tab) are ignored and a short row leaves the
 * missing slots absent.  No memory is allocated per row.  Unless every
 * event is wanted (record.h), a conn row is first offered to
 * decode_quick(), which cuts only up to ts, id.resp_p, service and
 * duration, finding eight separators at a time, and when the port and
 * service rule RDP out reads the times and stops: addresses, the other
 * port and proto are not checked, so such a row with a bad one is not
 * counted as rejected (as with the JSON decoders).  Every other row is
 * decoded whole by decode_row().  A plain dotted quad is read here
 * without inet_pton(); anything else goes to addr_parse().  On the
 * benchmark's 1M-row conn.log (contrib/bench) the quick path makes the
 * whole run about twice as fast.
 *
 * Whether a connection was established comes from conn_state; see
 * zeek_conn_setup().  Zeek keeps the ICMP type and code in the port
 * columns; they are not ports and are dropped.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "timestamp.h"
#include "util.h"
#include "zeek_tsv.h"

/* The values a row is read for, in no particular order. */
enum slot {
	SLOT_TS,
	SLOT_UID,
	SLOT_ORIG_H,
	SLOT_ORIG_P,
	SLOT_RESP_H,
	SLOT_RESP_P,
	SLOT_PROTO,
	SLOT_SERVICE,
	SLOT_DURATION,
	SLOT_CONN_STATE,
	SLOT_ORIG_PKTS,
	SLOT_RESP_PKTS,
	SLOT_ORIG_BYTES,
	SLOT_RESP_BYTES,
	SLOT_COUNT,
	SLOT_NONE = -1
};

/* Which log the rows in force belong to. */
enum log_kind {
	LOG_UNKNOWN,		/* no #path, no #fields yet */
	LOG_CONN,
	LOG_RDP,
	LOG_OTHER		/* dns, ssh, ...: rows are skipped */
};

/*
 * A column name and the slot it fills.  A '.' in the name stands for any
 * one punctuation byte, so "id.orig_h" also matches "id_orig_h" and other
 * scope separators.  "src" and friends come from Zeek's field-name-map.
 */
static const struct {
	const char	*name;
	enum slot	 slot;
} column_names[] = {
	{ "ts",			SLOT_TS },
	{ "uid",		SLOT_UID },
	{ "id.orig_h",		SLOT_ORIG_H },
	{ "id.orig_p",		SLOT_ORIG_P },
	{ "id.resp_h",		SLOT_RESP_H },
	{ "id.resp_p",		SLOT_RESP_P },
	{ "src",		SLOT_ORIG_H },
	{ "src_port",		SLOT_ORIG_P },
	{ "dst",		SLOT_RESP_H },
	{ "dst_port",		SLOT_RESP_P },
	{ "proto",		SLOT_PROTO },
	{ "service",		SLOT_SERVICE },
	{ "duration",		SLOT_DURATION },
	{ "conn_state",		SLOT_CONN_STATE },
	{ "orig_pkts",		SLOT_ORIG_PKTS },
	{ "resp_pkts",		SLOT_RESP_PKTS },
	{ "orig_bytes",		SLOT_ORIG_BYTES },
	{ "resp_bytes",		SLOT_RESP_BYTES }
};

/* Columns that only rdp.log has; they tell it apart when #path is absent. */
static const char	*rdp_only_columns[] = {
	"cookie", "result", "security_protocol"
};

/* How a conn_state value bears on the handshake. */
enum state_class {
	STATE_ESTABLISHED,	/* handshake seen */
	STATE_ATTEMPT,		/* refused, unanswered or half open */
	STATE_BY_DATA		/* no handshake seen: judge by the data */
};

/* Every conn_state Zeek writes (base/protocols/conn/main.zeek). */
static const struct {
	const char		*name;
	enum state_class	 class;
} conn_states[] = {
	{ "S0",		STATE_ATTEMPT },	/* SYN, no reply */
	{ "S1",		STATE_ESTABLISHED },	/* open, not closed */
	{ "SF",		STATE_ESTABLISHED },	/* opened and closed */
	{ "REJ",	STATE_ATTEMPT },	/* SYN answered by RST */
	{ "S2",		STATE_ESTABLISHED },	/* orig closed only */
	{ "S3",		STATE_ESTABLISHED },	/* resp closed only */
	{ "RSTO",	STATE_ESTABLISHED },	/* open, orig reset */
	{ "RSTR",	STATE_ESTABLISHED },	/* open, resp reset */
	{ "RSTOS0",	STATE_ATTEMPT },	/* SYN, then orig RST */
	{ "RSTRH",	STATE_ATTEMPT },	/* SYN-ACK, resp RST */
	{ "SH",		STATE_ATTEMPT },	/* SYN, then orig FIN */
	{ "SHR",	STATE_ATTEMPT },	/* SYN-ACK, resp FIN */
	{ "OTH",	STATE_BY_DATA }		/* midstream, no SYN */
};

#define SEPARATOR_MAX	8
#define SENTINEL_MAX	32

/* Columns a quick row may be cut to; a later duration reads slowly. */
#define QUICK_COLUMNS_MAX	32

/* Fraction digits whose scale parse_seconds() takes from a table. */
#define FRACTION_SCALES	20

/* The header in force for one input. */
struct zeek_tsv {
	char		 separator[SEPARATOR_MAX];
	size_t		 separator_len;
	char		 empty_field[SENTINEL_MAX];
	size_t		 empty_len;
	char		 unset_field[SENTINEL_MAX];
	size_t		 unset_len;

	enum log_kind	 path_kind;	/* from #path; LOG_UNKNOWN: none */
	enum log_kind	 kind;		/* what the rows are */
	bool		 have_fields;	/* a column map is in force */
	bool		 seen_row;	/* a non-'#' line went by */
	bool		 has_conn_columns;
	bool		 has_rdp_columns;

	signed char	*slot_at;	/* per column: a slot, SLOT_NONE */
	size_t		 columns;	/* columns named by the header */
	size_t		 columns_read;	/* up to the last wanted one */
	size_t		 columns_quick;	/* up to the last one a row that
					   is not RDP needs */
	int		 first_column[SLOT_COUNT];	/* or -1 */
	size_t		 quick_columns;	/* decode_quick() cuts these; 0:
					   it cannot serve this header */
	double		 fraction_scale[FRACTION_SCALES];

	const int	*rdp_ports;	/* see struct record_limits */
	size_t		 rdp_port_count;
	bool		 times_only;	/* non-RDP rows may stop at times */
};

/* One cut-out column of a row: raw bytes, or absent when the row is short. */
struct field {
	const char	*text;
	size_t		 len;
	bool		 present;
};

/* What a field holds after the sentinels are applied. */
enum value {
	VALUE_ABSENT,		/* the row ended before this column */
	VALUE_UNSET,		/* "-", or nothing at all */
	VALUE_EMPTY,		/* "(empty)" */
	VALUE_TEXT
};

/* A decoder with Zeek's default separators and no columns. */
struct zeek_tsv *
zeek_tsv_new(const struct record_limits *limits)
{
	struct zeek_tsv	*tsv = xcalloc(1, sizeof *tsv);
	double		 scale = 1;
	size_t		 i;

	/* The scales parse_seconds() once computed digit by digit. */
	for (i = 0; i < FRACTION_SCALES; i++) {
		scale /= 10;
		tsv->fraction_scale[i] = scale;
	}
	if (limits != NULL && limits->rdp_port_count > 0) {
		tsv->rdp_ports = limits->rdp_ports;
		tsv->rdp_port_count = limits->rdp_port_count;
		tsv->times_only = !limits->every_event;
	}

	tsv->separator[0] = '\t';
	tsv->separator_len = 1;
	memcpy(tsv->empty_field, "(empty)", 7);
	tsv->empty_len = 7;
	tsv->unset_field[0] = '-';
	tsv->unset_len = 1;
	return tsv;
}

/* Free the decoder and its column map. */
void
zeek_tsv_free(struct zeek_tsv *tsv)
{
	if (tsv == NULL)
		return;
	free(tsv->slot_at);
	free(tsv);
}

/* True when a column map ("#fields", or tsv=T names) is in force. */
bool
zeek_tsv_has_fields(const struct zeek_tsv *tsv)
{
	return tsv->have_fields;
}

/*
 * Undo Zeek's escaping ("\xNN" and "\\") of len bytes into buf of size
 * bytes, NUL terminated and cut to fit.  Returns the unescaped length,
 * which is at least size when the value was cut.
 */
static size_t
unescape(const char *text, size_t len, char *buf, size_t size)
{
	size_t	in = 0, out = 0;
	int	high, low;
	char	c;

	while (in < len) {
		c = text[in++];
		if (c == '\\' && in < len && text[in] == '\\')
			in++;
		else if (c == '\\' && in + 2 < len && text[in] == 'x' &&
		    (high = hex_value(text[in + 1])) >= 0 &&
		    (low = hex_value(text[in + 2])) >= 0) {
			c = (char)(high << 4 | low);
			in += 3;
		}
		if (out + 1 < size)
			buf[out] = c;
		out++;
	}
	if (size > 0)
		buf[out < size ? out : size - 1] = '\0';
	return out;
}

/* True when len bytes at text equal the slen bytes at s. */
static bool
bytes_equal(const char *text, size_t len, const char *s, size_t slen)
{
	return len == slen && (len == 0 || (text[0] == s[0] &&
	    memcmp(text, s, len) == 0));
}

/* True when a value holds a backslash, so needs unescaping. */
static bool
has_escape(const char *text, size_t len)
{
	size_t	i;

	/* Values are short: a plain loop beats a call to memchr. */
	for (i = 0; i < len; i++)
		if (text[i] == '\\')
			return true;
	return false;
}

/*
 * Apply the sentinels to a field and, for text, unescape it into buf when
 * it holds a backslash.  *text and *len then give the value (in the row or
 * in buf; not NUL terminated in the row).
 */
static enum value
field_value(const struct zeek_tsv *tsv, const struct field *field,
    char *buf, size_t size, const char **text, size_t *len)
{
	if (!field->present)
		return VALUE_ABSENT;
	if (field->len == 0 ||
	    bytes_equal(field->text, field->len, tsv->unset_field,
	    tsv->unset_len))
		return VALUE_UNSET;
	if (bytes_equal(field->text, field->len, tsv->empty_field,
	    tsv->empty_len))
		return VALUE_EMPTY;
	if (!has_escape(field->text, field->len)) {
		*text = field->text;
		*len = field->len;
		return VALUE_TEXT;
	}
	*len = unescape(field->text, field->len, buf, size);
	if (*len >= size)
		*len = size - 1;
	*text = buf;
	return VALUE_TEXT;
}

/* Copy a value into a fixed event string, cut to fit, or "" if none. */
static void
copy_value(const struct zeek_tsv *tsv, const struct field *field,
    char *out, size_t size)
{
	char		 buf[256];
	const char	*text;
	size_t		 len;

	out[0] = '\0';
	if (field_value(tsv, field, buf, sizeof buf, &text, &len) != VALUE_TEXT)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(out, text, len);
	out[len] = '\0';
}

/* Read an unsigned decimal integer of up to 19 digits. */
static int
parse_count(const char *text, size_t len, uint64_t *out)
{
	uint64_t	value = 0;
	size_t		i;

	if (len == 0 || len > 19)
		return -1;
	for (i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		value = value * 10 + (uint64_t)(text[i] - '0');
	}
	*out = value;
	return 0;
}

/* A count column as a number, 0 when unset, absent or not a number. */
static uint64_t
count_value(const struct zeek_tsv *tsv, const struct field *field)
{
	char		 buf[32];
	const char	*text;
	size_t		 len;
	uint64_t	 value;

	if (field_value(tsv, field, buf, sizeof buf, &text, &len) !=
	    VALUE_TEXT || parse_count(text, len, &value) != 0)
		return 0;
	return value;
}

/*
 * Read seconds as "123", "0.065" or "3.000158"; -1 when it is not that.
 * Each fraction digit adds digit times 10^-k, with 10^-k taken from a
 * table that holds what dividing 1 by 10 k times gives: the same double
 * the digit-by-digit division always gave, without a division a digit.
 */
static int
parse_seconds(const struct zeek_tsv *tsv, const char *text, size_t len,
    double *out)
{
	double	value = 0, scale = 1;
	size_t	i = 0, digits = 0, places = 0;

	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++)
		value = value * 10 + (text[i] - '0');
	if (i < len && text[i] == '.') {
		for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
			if (places < FRACTION_SCALES)
				scale = tsv->fraction_scale[places];
			else
				scale /= 10;
			places++;
			value += (text[i] - '0') * scale;
			digits++;
		}
	}
	if (digits == 0 || i != len)
		return -1;
	*out = value;
	return 0;
}

/* Parse a port column into *port; FLOW_NO_PORT when unset or absent. */
static int
port_value(const struct zeek_tsv *tsv, const struct field *field, int *port)
{
	char		 buf[16];
	const char	*text;
	size_t		 len;
	uint64_t	 value;

	*port = FLOW_NO_PORT;
	if (field_value(tsv, field, buf, sizeof buf, &text, &len) !=
	    VALUE_TEXT)
		return 0;
	if (len > 5 || parse_count(text, len, &value) != 0 || value > 65535)
		return -1;
	*port = (int)value;
	return 0;
}

/*
 * Read a plain dotted quad ("10.1.2.3": four numbers of one to three
 * digits, none above 255, no leading zero) into *addr.  Returns -1 for
 * anything else, which addr_parse() then judges; for the text accepted
 * here it gives the same value, so this is only a shortcut.  Each number
 * is read digit by digit with no loop, as it has three digits at most.
 */
static int
parse_dotted_quad(const char *text, size_t len, struct ip_addr *addr)
{
	const unsigned char	*p = (const unsigned char *)text;
	const unsigned char	*end = p + len;
	unsigned		 part, value, digit;
	uint8_t			 bytes[4];

	for (part = 0; part < 4; part++) {
		if (p == end || (value = *p++ - (unsigned)'0') > 9)
			return -1;
		if (p < end && (digit = *p - (unsigned)'0') <= 9) {
			if (value == 0)
				return -1;
			value = value * 10 + digit;
			p++;
			if (p < end && (digit = *p - (unsigned)'0') <= 9) {
				value = value * 10 + digit;
				p++;
			}
		}
		if (value > 255)
			return -1;
		bytes[part] = (uint8_t)value;
		if (part < 3 && (p == end || *p++ != '.'))
			return -1;
	}
	if (p != end)
		return -1;
	memset(addr, 0, sizeof *addr);
	addr->family = 4;
	memcpy(addr->bytes, bytes, sizeof bytes);
	return 0;
}

/* Parse an address column; -1 when missing, -2 when not an address. */
static int
address_value(const struct zeek_tsv *tsv, const struct field *field,
    struct ip_addr *addr)
{
	char		 buf[128];
	const char	*text;
	size_t		 len;

	if (field_value(tsv, field, buf, sizeof buf, &text, &len) !=
	    VALUE_TEXT)
		return -1;
	if (parse_dotted_quad(text, len, addr) == 0)
		return 0;
	if (addr_parse(text, len, addr) != 0)
		return -2;
	return 0;
}

/*
 * Decide from conn_state (state_len bytes, 0 when absent) whether the
 * connection was established.  OTH means Zeek saw no handshake, so data
 * in both directions decides; UDP has no handshake at all, so packets
 * both ways are enough whatever the state.  Unknown states stay unknown.
 */
enum flow_setup
zeek_conn_setup(const char *state, size_t state_len, bool udp,
    uint64_t orig_pkts, uint64_t resp_pkts, uint64_t orig_bytes,
    uint64_t resp_bytes)
{
	bool	packets_both_ways = orig_pkts > 0 && resp_pkts > 0;
	bool	bytes_both_ways = orig_bytes > 0 && resp_bytes > 0;
	size_t	i;

	if (state_len == 0)
		return FLOW_SETUP_UNKNOWN;
	for (i = 0; i < sizeof conn_states / sizeof conn_states[0]; i++) {
		if (!bytes_equal(state, state_len, conn_states[i].name,
		    strlen(conn_states[i].name)))
			continue;
		if (udp && packets_both_ways)
			return FLOW_SETUP_ESTABLISHED;
		switch (conn_states[i].class) {
		case STATE_ESTABLISHED:
			return FLOW_SETUP_ESTABLISHED;
		case STATE_ATTEMPT:
			return FLOW_SETUP_ATTEMPT;
		case STATE_BY_DATA:
			if (packets_both_ways || bytes_both_ways)
				return FLOW_SETUP_ESTABLISHED;
			return FLOW_SETUP_ATTEMPT;
		}
	}
	return FLOW_SETUP_UNKNOWN;
}

/* Compare a column name with a wanted name whose '.' is any punctuation. */
static bool
name_matches(const char *name, size_t len, const char *want)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (want[i] == '\0')
			return false;
		if (want[i] == '.') {
			if ((name[i] >= 'a' && name[i] <= 'z') ||
			    (name[i] >= 'A' && name[i] <= 'Z') ||
			    (name[i] >= '0' && name[i] <= '9'))
				return false;
		} else if (name[i] != want[i])
			return false;
	}
	return want[i] == '\0';
}

/* The slot a column name fills, or SLOT_NONE. */
static enum slot
slot_for_name(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof column_names / sizeof column_names[0]; i++)
		if (name_matches(name, len, column_names[i].name))
			return column_names[i].slot;
	return SLOT_NONE;
}

/* True when a column name is one that only rdp.log has. */
static bool
is_rdp_column(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof rdp_only_columns / sizeof rdp_only_columns[0];
	    i++)
		if (bytes_equal(name, len, rdp_only_columns[i],
		    strlen(rdp_only_columns[i])))
			return true;
	return false;
}

/* Find the next separator in len bytes at text, or NULL. */
static const char *
find_separator(const struct zeek_tsv *tsv, const char *text, size_t len)
{
	const char	*p, *end = text + len;

	if (tsv->separator_len == 1)
		return memchr(text, tsv->separator[0], len);
	for (p = text; (p = memchr(p, tsv->separator[0], end - p)) != NULL;
	    p++) {
		if ((size_t)(end - p) < tsv->separator_len)
			return NULL;
		if (memcmp(p, tsv->separator, tsv->separator_len) == 0)
			return p;
	}
	return NULL;
}

/* True for the slots read from every row, RDP or not. */
static bool
is_quick_slot(enum slot slot)
{
	switch (slot) {
	case SLOT_TS:
	case SLOT_ORIG_H:
	case SLOT_ORIG_P:
	case SLOT_RESP_H:
	case SLOT_RESP_P:
	case SLOT_PROTO:
	case SLOT_SERVICE:
	case SLOT_DURATION:
		return true;
	default:
		return false;
	}
}

/* Settle what the rows are from #path, or else from the column names. */
static void
settle_kind(struct zeek_tsv *tsv)
{
	if (tsv->path_kind != LOG_UNKNOWN)
		tsv->kind = tsv->path_kind;
	else if (!tsv->have_fields)
		tsv->kind = LOG_UNKNOWN;
	else if (tsv->has_conn_columns)
		tsv->kind = LOG_CONN;
	else if (tsv->has_rdp_columns)
		tsv->kind = LOG_RDP;
	else
		tsv->kind = LOG_OTHER;
}

/*
 * How many leading columns decode_quick() must cut under the column map
 * just built, or 0 when it cannot serve it: it needs a one-byte
 * separator and ts and id.resp_p named within the first
 * QUICK_COLUMNS_MAX columns (service and duration it reads if there).
 */
static size_t
quick_columns(const struct zeek_tsv *tsv)
{
	static const enum slot	 used[] = {
		SLOT_TS, SLOT_RESP_P, SLOT_SERVICE, SLOT_DURATION
	};
	size_t			 i, columns = 0;
	int			 column;

	if (!tsv->times_only || tsv->separator_len != 1 ||
	    tsv->first_column[SLOT_TS] < 0 ||
	    tsv->first_column[SLOT_RESP_P] < 0)
		return 0;
	for (i = 0; i < sizeof used / sizeof used[0]; i++) {
		column = tsv->first_column[used[i]];
		if (column >= 0 && (size_t)column + 1 > columns)
			columns = (size_t)column + 1;
	}
	return columns <= QUICK_COLUMNS_MAX ? columns : 0;
}

/* Build the column map from separated names (a #fields value). */
static void
set_fields(struct zeek_tsv *tsv, const char *names, size_t len)
{
	const char	*end, *p = names;
	size_t		 n = 0, count = 1, name_len;
	enum slot	 slot;

	for (end = names; (end = find_separator(tsv, end, len -
	    (end - names))) != NULL; end += tsv->separator_len)
		count++;
	tsv->slot_at = xrealloc(tsv->slot_at, count);
	tsv->columns = count;
	tsv->columns_read = 0;
	tsv->columns_quick = 0;
	tsv->has_conn_columns = false;
	tsv->has_rdp_columns = false;
	for (n = 0; n < SLOT_COUNT; n++)
		tsv->first_column[n] = -1;

	for (n = 0; n < count; n++) {
		end = find_separator(tsv, p, len - (p - names));
		name_len = end != NULL ? (size_t)(end - p) :
		    len - (size_t)(p - names);
		slot = slot_for_name(p, name_len);
		tsv->slot_at[n] = (signed char)slot;
		if (slot != SLOT_NONE)
			tsv->columns_read = n + 1;
		if (slot != SLOT_NONE && is_quick_slot(slot))
			tsv->columns_quick = n + 1;
		if (slot != SLOT_NONE && tsv->first_column[slot] < 0 &&
		    n < INT_MAX)
			tsv->first_column[slot] = (int)n;
		if (slot == SLOT_PROTO || slot == SLOT_CONN_STATE)
			tsv->has_conn_columns = true;
		if (is_rdp_column(p, name_len))
			tsv->has_rdp_columns = true;
		if (end != NULL)
			p = end + tsv->separator_len;
	}
	tsv->have_fields = true;
	tsv->quick_columns = quick_columns(tsv);
	settle_kind(tsv);
}

/* Store an unescaped sentinel string ("-", "(empty)") from the header. */
static void
set_sentinel(char *out, size_t *out_len, const char *text, size_t len)
{
	char	buf[SENTINEL_MAX];
	size_t	n;

	n = unescape(text, len, buf, sizeof buf);
	if (n == 0 || n >= sizeof buf)
		return;
	memcpy(out, buf, n);
	*out_len = n;
}

/* Handle one '#' line: a header keyword, or a comment to ignore. */
static void
decode_header(struct zeek_tsv *tsv, const char *line, size_t len)
{
	const char	*value;
	size_t		 key_len, value_len;
	char		 buf[SEPARATOR_MAX + 1];

	for (key_len = 0; key_len < len; key_len++)
		if (line[key_len] == ' ' || line[key_len] == tsv->separator[0])
			break;
	if (key_len == len)
		return;
	value = line + key_len + 1;
	if (line[key_len] != ' ' && tsv->separator_len > 1) {
		if (len - key_len < tsv->separator_len)
			return;
		value = line + key_len + tsv->separator_len;
	}
	value_len = len - (size_t)(value - line);

	if (bytes_equal(line, key_len, "#separator", 10)) {
		size_t	n = unescape(value, value_len, buf, sizeof buf);

		if (n > 0 && n < SEPARATOR_MAX) {
			memcpy(tsv->separator, buf, n);
			tsv->separator_len = n;
		}
		/* A new header block starts; its #path comes next. */
		tsv->path_kind = LOG_UNKNOWN;
		settle_kind(tsv);
	} else if (bytes_equal(line, key_len, "#empty_field", 12))
		set_sentinel(tsv->empty_field, &tsv->empty_len, value,
		    value_len);
	else if (bytes_equal(line, key_len, "#unset_field", 12))
		set_sentinel(tsv->unset_field, &tsv->unset_len, value,
		    value_len);
	else if (bytes_equal(line, key_len, "#path", 5)) {
		if (bytes_equal(value, value_len, "conn", 4))
			tsv->path_kind = LOG_CONN;
		else if (bytes_equal(value, value_len, "rdp", 3))
			tsv->path_kind = LOG_RDP;
		else
			tsv->path_kind = LOG_OTHER;
		settle_kind(tsv);
	} else if (bytes_equal(line, key_len, "#fields", 7))
		set_fields(tsv, value, value_len);
}

/*
 * True when a tab-separated line is a row of column names (the tsv=T
 * writer's first line): two or more names, each a letter or '_' then
 * letters, digits, '_' or '.', and at least one a column fanin reads.
 */
static bool
is_column_names(const char *line, size_t len)
{
	size_t	i, start = 0, names = 0;
	bool	known = false;
	char	c;

	for (i = 0; i <= len; i++) {
		if (i < len && line[i] != '\t') {
			c = line[i];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    c == '_')
				continue;
			if (i > start && ((c >= '0' && c <= '9') || c == '.'))
				continue;
			return false;
		}
		if (i == start)
			return false;
		if (slot_for_name(line + start, i - start) != SLOT_NONE)
			known = true;
		names++;
		start = i + 1;
	}
	return names >= 2 && known;
}

/* True for a '#' line that only a Zeek TSV header would hold. */
static bool
is_header_keyword(const char *line, size_t len)
{
	static const char	*keywords[] = {
		"#separator", "#set_separator", "#empty_field",
		"#unset_field", "#path", "#open", "#fields", "#types"
	};
	size_t			 i, n;

	for (i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
		n = strlen(keywords[i]);
		if (len > n && memcmp(line, keywords[i], n) == 0 &&
		    (line[n] == ' ' || line[n] == '\t'))
			return true;
	}
	return false;
}

/* See zeek_tsv.h: a Zeek header line, or a tsv=T row of column names. */
bool
zeek_tsv_sniff(const char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > 0 && line[0] == '#')
		return is_header_keyword(line, len);
	return is_column_names(line, len);
}

/*
 * Find where the column starting at p ends: at the next separator, or at
 * end.  A one-byte separator is looked for eight bytes at a time: the
 * word XOR the separator repeated has a zero byte exactly where the
 * separator is, and (x - 0x01..01) & ~x & 0x80..80 is non-zero exactly
 * when x has a zero byte.  The word that has one is then walked byte by
 * byte, which finds the first hit whatever the byte order.  Columns are
 * short, so this beats a call to memchr.
 */
static const char *
column_end(const struct zeek_tsv *tsv, const char *p, const char *end)
{
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 highs = 0x8080808080808080ULL;
	const char	*hit;
	char		 separator = tsv->separator[0];
	uint64_t	 pattern, word;

	if (tsv->separator_len == 1) {
		pattern = ones * (unsigned char)separator;
		while (end - p >= 8) {
			memcpy(&word, p, sizeof word);
			word ^= pattern;
			if (((word - ones) & ~word & highs) != 0)
				break;
			p += 8;
		}
		while (p < end && *p != separator)
			p++;
		return p;
	}
	hit = find_separator(tsv, p, (size_t)(end - p));
	return hit != NULL ? hit : end;
}

/* Where cutting a row stands: the next column and where it starts. */
struct row_cursor {
	const char	*p;
	const char	*end;
	size_t		 column;
	bool		 done;		/* the row has no more columns */
};

/* Start cutting a row: no fields found yet. */
static void
split_start(struct row_cursor *cursor, const char *line, size_t len,
    struct field fields[SLOT_COUNT])
{
	memset(fields, 0, SLOT_COUNT * sizeof fields[0]);
	cursor->p = line;
	cursor->end = line + len;
	cursor->column = 0;
	cursor->done = false;
}

/*
 * Cut the row on up to (not including) column upto, filling the fields
 * the column map wants.  A row is cut in two steps: the columns every row
 * needs, then, for a row that may be RDP, the rest.
 */
static void
split_row(const struct zeek_tsv *tsv, struct row_cursor *cursor,
    size_t upto, struct field fields[SLOT_COUNT])
{
	const char	*stop;
	int		 slot;

	for (; cursor->column < upto && !cursor->done; cursor->column++) {
		stop = column_end(tsv, cursor->p, cursor->end);
		slot = tsv->slot_at[cursor->column];
		if (slot != SLOT_NONE && !fields[slot].present) {
			fields[slot].text = cursor->p;
			fields[slot].len = (size_t)(stop - cursor->p);
			fields[slot].present = true;
		}
		if (stop == cursor->end)
			cursor->done = true;
		else
			cursor->p = stop + tsv->separator_len;
	}
}

/* Set transport from the proto column (conn) or to tcp (rdp). */
static int
set_transport(const struct zeek_tsv *tsv, const struct field *field,
    struct flow_event *event)
{
	char	*t = event->transport;
	size_t	 i;

	if (tsv->kind == LOG_RDP) {
		memcpy(t, "tcp", 4);
		return 0;
	}
	copy_value(tsv, field, t, sizeof event->transport);
	if (t[0] == '\0')
		return -1;
	for (i = 0; t[i] != '\0'; i++)
		if (t[i] >= 'A' && t[i] <= 'Z')
			t[i] = (char)(t[i] - 'A' + 'a');
	/* Zeek says "icmp" for ICMPv6 too; ECS calls that "ipv6-icmp". */
	if (strcmp(t, "icmp") == 0 && event->destination.family == 6)
		memcpy(t, "ipv6-icmp", 10);
	return 0;
}

/* Set written from the duration column, when it holds one. */
static void
decode_duration(const struct zeek_tsv *tsv, const struct field *field,
    struct flow_event *event)
{
	char		 buf[32];
	const char	*text;
	size_t		 len;
	double		 duration;

	if (field_value(tsv, field, buf, sizeof buf, &text, &len) ==
	    VALUE_TEXT && parse_seconds(tsv, text, len, &duration) == 0)
		event->written = event->start + duration;
}

/* True when the raw bytes hold "rdp" in any case, or a backslash. */
static bool
may_name_rdp(const char *text, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (text[i] == '\\')
			return true;
		if ((text[i] | 0x20) == 'r' && i + 2 < len &&
		    (text[i + 1] | 0x20) == 'd' && (text[i + 2] | 0x20) == 'p')
			return true;
	}
	return false;
}

/*
 * True when a conn row, decoded up to its ports, may be an RDP
 * connection by filter.h's rule: tcp or udp, and a responder port of
 * rdp_ports or a service that names rdp (or holds an escape that might).
 */
static bool
conn_may_be_rdp(const struct zeek_tsv *tsv, const struct field *service,
    const struct flow_event *event)
{
	size_t	i;

	if (strcmp(event->transport, "tcp") != 0 &&
	    strcmp(event->transport, "udp") != 0)
		return false;
	for (i = 0; i < tsv->rdp_port_count; i++)
		if (event->destination_port == tsv->rdp_ports[i])
			return true;
	return service->present && may_name_rdp(service->text, service->len);
}

/* Fill in what only conn.log has: service, state, setup, duration. */
static void
decode_conn_details(const struct zeek_tsv *tsv,
    const struct field fields[SLOT_COUNT], struct flow_event *event)
{
	copy_value(tsv, &fields[SLOT_SERVICE], event->service,
	    sizeof event->service);
	copy_value(tsv, &fields[SLOT_CONN_STATE], event->state,
	    sizeof event->state);
	event->setup = zeek_conn_setup(event->state, strlen(event->state),
	    strcmp(event->transport, "udp") == 0,
	    count_value(tsv, &fields[SLOT_ORIG_PKTS]),
	    count_value(tsv, &fields[SLOT_RESP_PKTS]),
	    count_value(tsv, &fields[SLOT_ORIG_BYTES]),
	    count_value(tsv, &fields[SLOT_RESP_BYTES]));
	decode_duration(tsv, &fields[SLOT_DURATION], event);
}

/*
 * Find the first want columns of a row cut on a one-byte separator, as
 * offsets: column i is [starts[i], ends[i]).  Returns how many columns
 * the row has, want at most.  On a little-endian machine eight bytes are
 * tested at a time: x, the word XOR the separator repeated, is zero
 * exactly at a separator, and ~(((x & 0x7f..7f) + 0x7f..7f) | x |
 * 0x7f..7f) keeps the high bit of exactly those bytes (no carry crosses
 * a byte), so each set bit, lowest first, is the next separator.
 */
static size_t
cut_front(char separator, const char *line, size_t len, size_t want,
    size_t *starts, size_t *ends)
{
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 lows = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t	 pattern = ones * (unsigned char)separator, word, hits;
	size_t		 pos = 0, at, n = 0;

	starts[0] = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; len - pos >= sizeof word; pos += sizeof word) {
		memcpy(&word, line + pos, sizeof word);
		word ^= pattern;
		hits = ~(((word & lows) + lows) | word | lows);
		for (; hits != 0; hits &= hits - 1) {
			at = pos + (size_t)(__builtin_ctzll(hits) >> 3);
			ends[n] = at;
			if (++n == want)
				return n;
			starts[n] = at + 1;
		}
	}
#endif
	for (; pos < len; pos++) {
		if (line[pos] != separator)
			continue;
		ends[n] = pos;
		if (++n == want)
			return n;
		starts[n] = pos + 1;
	}
	ends[n] = len;
	return n + 1;
}

/* True when a raw field is unset or empty by the header's sentinels. */
static bool
is_sentinel(const struct zeek_tsv *tsv, const char *text, size_t len)
{
	return len == 0 ||
	    bytes_equal(text, len, tsv->unset_field, tsv->unset_len) ||
	    bytes_equal(text, len, tsv->empty_field, tsv->empty_len);
}

/*
 * Read a raw port field as port_value() would read it when it holds one
 * to five digits and is no sentinel; false for anything else.
 */
static bool
quick_port(const struct zeek_tsv *tsv, const struct field *field, int *port)
{
	unsigned	value = 0;
	size_t		i;

	if (!field->present || field->len > 5 ||
	    is_sentinel(tsv, field->text, field->len))
		return false;
	for (i = 0; i < field->len; i++) {
		if (field->text[i] < '0' || field->text[i] > '9')
			return false;
		value = value * 10 + (unsigned)(field->text[i] - '0');
	}
	if (value > 65535)
		return false;
	*port = (int)value;
	return true;
}

/*
 * Decode a conn row that cannot be RDP for its times alone (record.h):
 * only ts, id.resp_p, service and duration are cut out and looked at.
 * A responder port of plain digits not among rdp_ports and a service not
 * naming rdp rule RDP out, whatever the transport, so the addresses,
 * the other port and proto are neither read nor checked.  For any other
 * row (a port that is unset, escaped or an RDP one, a service that may
 * name rdp, a ts that is not a plain time) it returns false with nothing
 * decided, and decode_row() reads the row whole.
 */
static bool
decode_quick(const struct zeek_tsv *tsv, const char *line, size_t len,
    struct flow_event *event)
{
	static const enum slot	 quick_slots[] = {
		SLOT_TS, SLOT_RESP_P, SLOT_SERVICE, SLOT_DURATION
	};
	size_t			 starts[QUICK_COLUMNS_MAX];
	size_t			 ends[QUICK_COLUMNS_MAX];
	struct field		 f[SLOT_COUNT];
	const struct field	*duration = &f[SLOT_DURATION];
	size_t			 count, i;
	int			 column, port;
	enum slot		 slot;
	double			 seconds;

	count = cut_front(tsv->separator[0], line, len, tsv->quick_columns,
	    starts, ends);
	for (i = 0; i < sizeof quick_slots / sizeof quick_slots[0]; i++) {
		slot = quick_slots[i];
		column = tsv->first_column[slot];
		f[slot].present = column >= 0 && (size_t)column < count;
		if (!f[slot].present)
			continue;
		f[slot].text = line + starts[column];
		f[slot].len = ends[column] - starts[column];
	}

	if (!quick_port(tsv, &f[SLOT_RESP_P], &port))
		return false;
	for (i = 0; i < tsv->rdp_port_count; i++)
		if (port == tsv->rdp_ports[i])
			return false;
	if (f[SLOT_SERVICE].present &&
	    may_name_rdp(f[SLOT_SERVICE].text, f[SLOT_SERVICE].len))
		return false;
	if (!f[SLOT_TS].present ||
	    is_sentinel(tsv, f[SLOT_TS].text, f[SLOT_TS].len) ||
	    timestamp_parse(f[SLOT_TS].text, f[SLOT_TS].len,
	    &event->start) != 0)
		return false;

	event->written = event->start;
	if (duration->present &&
	    !is_sentinel(tsv, duration->text, duration->len)) {
		/* Raw digits read as decode_duration() would read them. */
		if (parse_seconds(tsv, duration->text, duration->len,
		    &seconds) == 0)
			event->written = event->start + seconds;
		else
			decode_duration(tsv, duration, event);
	}
	/* A time-only event: no addresses, transport or ports (record.h). */
	event->dataset = FLOW_ZEEK_CONN;
	memset(&event->source, 0, sizeof event->source);
	memset(&event->destination, 0, sizeof event->destination);
	event->source_port = FLOW_NO_PORT;
	event->destination_port = FLOW_NO_PORT;
	event->transport[0] = '\0';
	event->service[0] = '\0';
	event->state[0] = '\0';
	event->id[0] = '\0';
	event->setup = FLOW_SETUP_UNKNOWN;
	return true;
}

/* Turn one data row into an event, by the column map in force. */
static enum record_result
decode_row(const struct zeek_tsv *tsv, const char *line, size_t len,
    struct flow_event *event, const char **reason)
{
	struct field	 fields[SLOT_COUNT];
	struct row_cursor cursor;
	char		 buf[64];
	const char	*text;
	size_t		 text_len;
	int		 rc;

	split_start(&cursor, line, len, fields);
	split_row(tsv, &cursor, tsv->times_only ? tsv->columns_quick :
	    tsv->columns_read, fields);
	memset(event, 0, sizeof *event);
	event->dataset = tsv->kind == LOG_RDP ? FLOW_ZEEK_RDP : FLOW_ZEEK_CONN;

	if (field_value(tsv, &fields[SLOT_TS], buf, sizeof buf, &text,
	    &text_len) != VALUE_TEXT)
		goto missing;
	if (timestamp_parse(text, text_len, &event->start) != 0) {
		*reason = "bad-timestamp";
		return RECORD_REJECT;
	}
	event->written = event->start;

	if ((rc = address_value(tsv, &fields[SLOT_ORIG_H],
	    &event->source)) == 0)
		rc = address_value(tsv, &fields[SLOT_RESP_H],
		    &event->destination);
	if (rc == -1)
		goto missing;
	if (rc == -2) {
		*reason = "bad-address";
		return RECORD_REJECT;
	}
	if (set_transport(tsv, &fields[SLOT_PROTO], event) != 0)
		goto missing;

	if (strcmp(event->transport, "icmp") == 0 ||
	    strcmp(event->transport, "ipv6-icmp") == 0) {
		/* Type and code, not ports. */
		event->source_port = FLOW_NO_PORT;
		event->destination_port = FLOW_NO_PORT;
	} else if (port_value(tsv, &fields[SLOT_ORIG_P],
	    &event->source_port) != 0 || port_value(tsv,
	    &fields[SLOT_RESP_P], &event->destination_port) != 0) {
		*reason = "bad-port";
		return RECORD_REJECT;
	}

	if (tsv->kind == LOG_CONN && tsv->times_only &&
	    !conn_may_be_rdp(tsv, &fields[SLOT_SERVICE], event)) {
		/* Only its times matter (record.h): skip the rest. */
		decode_duration(tsv, &fields[SLOT_DURATION], event);
		return RECORD_EVENT;
	}
	split_row(tsv, &cursor, tsv->columns_read, fields);
	copy_value(tsv, &fields[SLOT_UID], event->id, sizeof event->id);
	if (tsv->kind == LOG_RDP) {
		memcpy(event->service, "rdp", 4);
		event->setup = FLOW_SETUP_ESTABLISHED;
	} else
		decode_conn_details(tsv, fields, event);
	return RECORD_EVENT;

missing:
	*reason = "missing-field";
	return RECORD_REJECT;
}

/* Decode one line of a Zeek TSV log; see zeek_tsv.h. */
enum record_result
zeek_tsv_decode(struct zeek_tsv *tsv, const char *line, size_t len,
    struct flow_event *event, const char **reason)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return RECORD_SKIP;
	if (line[0] == '#') {
		decode_header(tsv, line, len);
		return RECORD_SKIP;
	}

	if (!tsv->have_fields) {
		/* Only the first row may name the columns (tsv=T). */
		if (!tsv->seen_row && is_column_names(line, len)) {
			tsv->seen_row = true;
			set_fields(tsv, line, len);
			return RECORD_SKIP;
		}
		tsv->seen_row = true;
		*reason = "missing-header";
		return RECORD_UNRECOGNISED;
	}
	tsv->seen_row = true;

	switch (tsv->kind) {
	case LOG_CONN:
		if (tsv->quick_columns > 0 && tsv->separator_len == 1 &&
		    decode_quick(tsv, line, len, event))
			return RECORD_EVENT;
		return decode_row(tsv, line, len, event, reason);
	case LOG_RDP:
		return decode_row(tsv, line, len, event, reason);
	default:
		return RECORD_SKIP;
	}
}
