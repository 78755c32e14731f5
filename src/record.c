/*
 * record.c - which log a file is, and one line of it to a flow event.
 *
 * fanin is handed files by directory and by glob, named anything, so the
 * format is read from the content: the first line that says something.
 *
 *	"#separator", "#fields", ...	Zeek TSV
 *	ts<TAB>uid<TAB>id.orig_h ...	Zeek TSV from the tsv=T writer
 *	{ ... "event_type" ... }	Suricata eve.json
 *	{ ... "ts" or "uid" ... }	Zeek JSON
 *	"[" or anything else		not a log fanin reads
 *
 * Other '#' lines ("###" from Zeek's test baselines, a "#!" or a remark)
 * are handed to the TSV decoder, which ignores them, and the decision
 * waits for the next line.  A line of tab-separated values with no column
 * names before it is refused as "missing-header" rather than guessed at.
 * Blank lines never decide anything.
 *
 * Once decided, the format holds until a line does not decode as an event
 * in it and is recognised as another's (record.h).  The test that sends a
 * line to be looked at again is one byte, made only after the line
 * failed: in TSV, a line that may open JSON ('{', or a byte order mark
 * or indentation before one); in JSON, a line that does not start with
 * '{'.  A JSON line in a JSON format is offered to the other JSON log
 * only when it failed where a parsed object is at hand, or, in eve, when
 * the raw check found no "event_type" key at all; the eve lines skipped
 * unparsed, most of an eve file, cost nothing more.  A TSV row in a JSON
 * format is recognised by a Zeek header line, a tsv=T row of names, or
 * the TSV header read earlier, which is kept through the JSON.
 *
 * JSON lines are parsed with jansson from the explicit length, so a NUL
 * byte cannot cut a line short unnoticed; a line holding one is refused
 * before jansson sees it.  Nesting is bounded before parsing by a scan of
 * brackets outside strings, which costs one pass over the bytes and keeps
 * a hostile line from exhausting the stack of an older jansson, or this
 * one built with a larger JSON_PARSER_MAX_DEPTH.  Eve lines are first
 * offered to eve_worth_parsing(), so dns, alert and stats events, most of
 * an eve file, are skipped without building a JSON tree.
 *
 * Most lines of a replay are not RDP, and of those only the times count
 * (they move event time on).  Unless every event is wanted (--events),
 * a JSON line whose bytes hold none of the RDP ports as digits, no "rdp"
 * in any case and no backslash (rdp_text.c, sixteen bytes at a time) is
 * read by eve_flow_times() or zeek_json_conn_times() for its times
 * alone, with no JSON tree built; they answer "unsure" at any doubt and
 * the line is then decoded whole.  The byte test can only say "maybe"
 * too often, never too rarely, so an RDP line is always decoded whole.
 * What this gives up: a line so skipped is not checked as JSON or for
 * its addresses, so a malformed non-RDP line is not counted as rejected.
 *
 * Decoding whole does not always take jansson either: a Zeek JSON line
 * that is plain (record_json_plain(): one flat object of ASCII strings
 * without escapes, literals and short numbers, which jansson would
 * accept and read exactly as the raw scan does) is decoded from its
 * scanned fields by zeek_json_decode_raw(), which follows
 * zeek_json_decode() step by step.  Any other line is parsed.  The unit
 * tests and fuzz_json hold the two decoders to the same results.
 *
 * Reasons for a rejected line are fixed strings counted by --stats:
 * "bad-json" here, the field reasons from the decoders, and for an input
 * that is not a log "unrecognised-format" or "missing-header".
 */
#define _GNU_SOURCE		/* memmem */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "eve.h"
#include "rdp_text.h"
#include "record.h"
#include "util.h"
#include "zeek_json.h"
#include "zeek_tsv.h"

/* Nesting allowed when the caller gives no limit; eve needs about five. */
#define DEFAULT_JSON_DEPTH	64

/* The decoding state of one input. */
struct record_decoder {
	enum record_format	 format;
	unsigned		 max_json_depth;
	struct record_limits	 limits;
	bool			 times_only;	/* see record.h */
	struct rdp_text		 rdp_text;	/* what may be RDP */
	struct zeek_tsv		*tsv;	/* made at the first '#' line
					   or TSV row; kept while the
					   input is in another format */
	unsigned long		 switches;	/* format changes so far */
};

/* A decoder that has not yet seen its input's format. */
struct record_decoder *
record_decoder_new(const struct record_limits *limits)
{
	struct record_decoder	*decoder = xcalloc(1, sizeof *decoder);

	decoder->format = RECORD_UNKNOWN;
	decoder->max_json_depth = DEFAULT_JSON_DEPTH;
	if (limits != NULL) {
		decoder->limits = *limits;
		if (limits->max_json_depth > 0)
			decoder->max_json_depth = limits->max_json_depth;
		/* With too many ports, or none, every line is parsed. */
		decoder->times_only = !limits->every_event &&
		    rdp_text_init(&decoder->rdp_text, limits->rdp_ports,
		    limits->rdp_port_count) == 0;
	}
	return decoder;
}

/* Free the decoder and the TSV header it holds. */
void
record_decoder_free(struct record_decoder *decoder)
{
	if (decoder == NULL)
		return;
	zeek_tsv_free(decoder->tsv);
	free(decoder);
}

/* The format settled on so far. */
enum record_format
record_decoder_format(const struct record_decoder *decoder)
{
	return decoder->format;
}

/* How many times the format changed after it was first settled. */
unsigned long
record_decoder_switches(const struct record_decoder *decoder)
{
	return decoder->switches;
}

/* The short name of a format, as --stats prints it. */
const char *
record_format_name(enum record_format format)
{
	switch (format) {
	case RECORD_ZEEK_TSV:
		return "zeek-tsv";
	case RECORD_ZEEK_JSON:
		return "zeek-json";
	case RECORD_EVE:
		return "eve";
	default:
		return "unknown";
	}
}

/* The ECS event.dataset of a flow event's source record. */
const char *
flow_dataset_name(enum flow_dataset dataset)
{
	switch (dataset) {
	case FLOW_ZEEK_CONN:
		return "zeek.conn";
	case FLOW_ZEEK_RDP:
		return "zeek.rdp";
	case FLOW_EVE_FLOW:
		return "suricata.flow";
	case FLOW_EVE_RDP:
		return "suricata.rdp";
	}
	return "unknown";
}

/* True when every byte is blank (space, tab, CR) or there are none. */
static bool
is_blank(const char *line, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

/*
 * True when brackets outside strings nest deeper than max.  Unbalanced
 * input is left for the parser to refuse.
 */
static bool
json_too_deep(const char *line, size_t len, unsigned max)
{
	unsigned	depth = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		switch (line[i]) {
		case '"':
			/* Skip the string, escaped quotes included. */
			for (i++; i < len && line[i] != '"'; i++)
				if (line[i] == '\\')
					i++;
			break;
		case '{':
		case '[':
			if (++depth > max)
				return true;
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		}
	}
	return false;
}

/* Skip blanks from p; returns the first other byte's position. */
static const char *
skip_blanks(const char *p, const char *end)
{
	/* Every blank is at most a space: most calls end at this test. */
	while (p < end && (unsigned char)*p <= ' ' && (*p == ' ' ||
	    *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* The bytes that end a bare JSON value (number or literal). */
static const bool	ends_bare_value[256] = {
	[','] = true, ['}'] = true, [']'] = true, [' '] = true,
	['\t'] = true, ['\r'] = true, ['\n'] = true
};

/* Find a key's raw value without parsing; see record.h. */
enum record_json_kind
record_json_value(const char *line, size_t len, const char *key,
    const char **value, size_t *value_len)
{
	const char	*end = line + len, *hit, *p, *close;
	size_t		 key_len = strlen(key);

	hit = memmem(line, len, key, key_len);
	if (hit == NULL)
		return RECORD_JSON_ABSENT;
	p = hit + key_len;
	if (memmem(p, (size_t)(end - p), key, key_len) != NULL)
		return RECORD_JSON_UNSURE;
	p = skip_blanks(p, end);
	if (p == end || *p != ':')
		return RECORD_JSON_UNSURE;
	p = skip_blanks(p + 1, end);
	if (p == end)
		return RECORD_JSON_UNSURE;
	if (*p == '"') {
		close = memchr(p + 1, '"', (size_t)(end - p - 1));
		if (close == NULL)
			return RECORD_JSON_UNSURE;
		*value = p + 1;
		*value_len = (size_t)(close - p - 1);
		return RECORD_JSON_STRING;
	}
	if (*p == '{' || *p == '[')
		return RECORD_JSON_UNSURE;
	for (*value = p; p < end && *p != ',' && *p != '}' && *p != ']' &&
	    *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n'; p++)
		;
	*value_len = (size_t)(p - *value);
	return *value_len > 0 ? RECORD_JSON_OTHER : RECORD_JSON_UNSURE;
}

/*
 * Past a JSON value nested in brackets, from its opening one; NULL when
 * the line ends first.  The line holds no backslash, so a string runs
 * from one quote to the next.
 */
static const char *
skip_nested(const char *p, const char *end)
{
	unsigned	 depth = 0;

	for (; p < end; p++) {
		if (*p == '"') {
			p = memchr(p + 1, '"', (size_t)(end - p - 1));
			if (p == NULL)
				return NULL;
		} else if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
	}
	return NULL;
}

/* Record what a scan found for key, if it is a wanted one. */
static void
note_field(struct record_json_field *fields, size_t count, const char *key,
    size_t key_len, enum record_json_kind kind, const char *value,
    size_t value_len)
{
	size_t	 i;

	for (i = 0; i < count; i++) {
		if (fields[i].key_len != key_len || (key_len > 0 &&
		    fields[i].key[0] != key[0]) ||
		    memcmp(fields[i].key, key, key_len) != 0)
			continue;
		if (fields[i].kind != RECORD_JSON_ABSENT)
			kind = RECORD_JSON_UNSURE;
		fields[i].kind = kind;
		fields[i].value = value;
		fields[i].value_len = value_len;
	}
}

/* Scan a flat JSON object for the wanted keys; see record.h. */
int
record_json_fields(const char *line, size_t len,
    struct record_json_field *fields, size_t count)
{
	const char		*end = line + len, *p, *key, *close, *value;
	size_t			 key_len, i;
	enum record_json_kind	 kind;
	uint64_t		 wanted_first[4] = { 0 };
	unsigned		 first;

	/* A bit for the first byte of each wanted key (0 for ""). */
	for (i = 0; i < count; i++) {
		fields[i].kind = RECORD_JSON_ABSENT;
		first = fields[i].key_len > 0 ?
		    (unsigned char)fields[i].key[0] : 0;
		wanted_first[first / 64] |= 1ULL << (first % 64);
	}
	p = skip_blanks(line, end);
	if (p == end || *p++ != '{')
		return -1;
	p = skip_blanks(p, end);
	if (p < end && *p == '}')
		return skip_blanks(p + 1, end) == end ? 0 : -1;
	for (;;) {
		if (p == end || *p != '"')
			return -1;
		key = p + 1;
		if ((close = memchr(key, '"', (size_t)(end - key))) == NULL)
			return -1;
		key_len = (size_t)(close - key);
		p = skip_blanks(close + 1, end);
		if (p == end || *p != ':')
			return -1;
		p = skip_blanks(p + 1, end);
		if (p == end)
			return -1;
		value = p;
		if (*p == '"') {
			close = memchr(p + 1, '"', (size_t)(end - p - 1));
			if (close == NULL)
				return -1;
			kind = RECORD_JSON_STRING;
			value = p + 1;
			p = close + 1;
		} else if (*p == '{' || *p == '[') {
			if ((p = skip_nested(p, end)) == NULL)
				return -1;
			kind = RECORD_JSON_UNSURE;
		} else {
			while (p < end && !ends_bare_value[(unsigned char)*p])
				p++;
			if (p == value)
				return -1;
			kind = RECORD_JSON_OTHER;
		}
		first = key_len > 0 ? (unsigned char)key[0] : 0;
		if (wanted_first[first / 64] & (1ULL << (first % 64)))
			note_field(fields, count, key, key_len, kind, value,
			    (size_t)(p - value) -
			    (kind == RECORD_JSON_STRING));
		p = skip_blanks(p, end);
		if (p == end)
			return -1;
		if (*p == '}')
			return skip_blanks(p + 1, end) == end ? 0 : -1;
		if (*p++ != ',')
			return -1;
		p = skip_blanks(p, end);
	}
}

/*
 * Length of the run of decimal digits at the front of p, each also added
 * to *mantissa while *digits, which counts them all, stays below 20 (so
 * the sum cannot overflow; past that *mantissa is of no use).
 */
static size_t
digit_run(const char *p, const char *end, uint64_t *mantissa,
    size_t *digits)
{
	const char	*start = p;
	unsigned	 digit;

	while (p < end && (digit = (unsigned)(unsigned char)*p - '0') <= 9) {
		if (++*digits < 20)
			*mantissa = *mantissa * 10 + digit;
		p++;
	}
	return (size_t)(p - start);
}

/* Powers of ten that a double holds exactly, for record_json_number(). */
static const double	exact_powers_of_ten[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* Integers up to this are exact in a double. */
#define EXACT_INTEGER_MAX	9007199254740992ULL	/* 2^53 */

/*
 * Read a plain JSON number as jansson would; see record.h.  Without an
 * exponent, with at most 19 digits forming an integer no larger than 2^53
 * and at most 22 of them after the point, the digits and the power of ten
 * are both exact doubles and one division rounds correctly: the value
 * strtod gives (timestamp.c relies on the same), at a fraction of its
 * cost.  Every other number goes to strtod.
 */
int
record_json_number(const char *text, size_t len, double *out)
{
	const char	*p = text, *end = text + len;
	char		 buf[40];
	size_t		 n, digits = 0, fraction = 0, exponent_digits = 0;
	uint64_t	 mantissa = 0, exponent = 0;
	bool		 integer = true, negative = false, exact = true;

	if (len == 0 || len >= sizeof buf)
		return -1;
	if (*p == '-') {
		negative = true;
		p++;
	}
	n = digit_run(p, end, &mantissa, &digits);
	if (n == 0 || (n > 1 && *p == '0'))
		return -1;
	p += n;
	if (p < end && *p == '.') {
		integer = false;
		if ((fraction = digit_run(p + 1, end, &mantissa,
		    &digits)) == 0)
			return -1;
		p += 1 + fraction;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		integer = exact = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if ((n = digit_run(p, end, &exponent, &exponent_digits)) == 0)
			return -1;
		p += n;
	}
	/* jansson refuses integers past long long; leave those to it. */
	if (p != end || (integer && len > 18))
		return -1;
	if (exact && digits <= 19 && mantissa <= EXACT_INTEGER_MAX) {
		*out = (double)mantissa / exact_powers_of_ten[fraction];
		/* jansson reads the integer -0 as 0, a real -0.0 as -0.0. */
		if (negative && !(integer && mantissa == 0))
			*out = -*out;
		return 0;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return 0;
}

/* Past a string's text from just after its opening quote; see below. */
static const char *
plain_string_end(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (*p == '"')
			return p;
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e ||
		    *p == '\\')
			return NULL;
	}
	return NULL;
}

/*
 * True when a bare value is one jansson reads, and reads as plainly as
 * record_json_number() does: a literal, or a number with at most 18
 * digits before any point and no exponent, shorter than 40 bytes (so it
 * can neither overflow nor be too long for record_json_number()).
 */
static bool
plain_bare_value(const char *p, size_t len)
{
	size_t	i = 0, whole;

	if ((len == 4 && (memcmp(p, "true", 4) == 0 ||
	    memcmp(p, "null", 4) == 0)) ||
	    (len == 5 && memcmp(p, "false", 5) == 0))
		return true;
	if (len >= 40)
		return false;
	if (i < len && p[i] == '-')
		i++;
	for (whole = i; i < len && p[i] >= '0' && p[i] <= '9'; i++)
		;
	whole = i - whole;
	if (whole == 0 || whole > 18 || (whole > 1 && p[i - whole] == '0'))
		return false;
	if (i < len && p[i] == '.') {
		if (++i == len)
			return false;
		while (i < len && p[i] >= '0' && p[i] <= '9')
			i++;
	}
	return i == len;
}

/* Whether a line is one plain flat JSON object; see record.h. */
bool
record_json_plain(const char *line, size_t len)
{
	const char	*end = line + len, *p, *value;

	p = skip_blanks(line, end);
	if (p == end || *p++ != '{')
		return false;
	p = skip_blanks(p, end);
	if (p < end && *p == '}')
		return skip_blanks(p + 1, end) == end;
	for (;;) {
		if (p == end || *p != '"' ||
		    (p = plain_string_end(p + 1, end)) == NULL)
			return false;
		p = skip_blanks(p + 1, end);
		if (p == end || *p != ':')
			return false;
		p = skip_blanks(p + 1, end);
		if (p == end)
			return false;
		if (*p == '"') {
			if ((p = plain_string_end(p + 1, end)) == NULL)
				return false;
			p++;
		} else {
			for (value = p; p < end &&
			    !ends_bare_value[(unsigned char)*p]; p++)
				;
			if (!plain_bare_value(value, (size_t)(p - value)))
				return false;
		}
		p = skip_blanks(p, end);
		if (p == end)
			return false;
		if (*p == '}')
			return skip_blanks(p + 1, end) == end;
		if (*p++ != ',')
			return false;
		p = skip_blanks(p, end);
	}
}

/*
 * Parse a JSON line in which jansson found a number too big for it (an
 * integer past 64 bits, a real past a double): every such number, outside
 * strings, is replaced by null, so a huge counter in a field fanin does
 * not use costs nothing.  Returns the object, or NULL.
 */
static json_t *
load_without_huge_numbers(const char *line, size_t len)
{
	char		*copy = xmalloc(len);
	size_t		 i = 0, o = 0, start, digits;
	bool		 in_string = false;
	json_error_t	 error;
	json_t		*root;

	while (i < len) {
		char	c = line[i];

		if (in_string || (c != '-' && (c < '0' || c > '9'))) {
			if (in_string && c == '\\' && i + 1 < len)
				copy[o++] = line[i++];
			else if (c == '"')
				in_string = !in_string;
			copy[o++] = line[i++];
			continue;
		}
		start = i;
		digits = 0;
		while (i < len && strchr("0123456789+-.eE", line[i]) != NULL) {
			if (line[i] >= '0' && line[i] <= '9')
				digits++;
			i++;
		}
		if (digits > 18 || memchr(line + start, 'e', i - start) ||
		    memchr(line + start, 'E', i - start)) {
			double	v = strtod(line + start, NULL);

			if (digits > 18 || !isfinite(v) || fabs(v) > 1e300) {
				memcpy(copy + o, "null", 4);
				o += 4;
				continue;
			}
		}
		memcpy(copy + o, line + start, i - start);
		o += i - start;
	}
	root = json_loadb(copy, o, JSON_ALLOW_NUL, &error);
	free(copy);
	return root;
}

/*
 * Parse one JSON line into an object, the nesting bounded first.  Returns
 * NULL when the line is not one JSON object.
 */
static json_t *
parse_object(const struct record_decoder *decoder, const char *line,
    size_t len)
{
	json_t		*root;
	json_error_t	 error;

	if (memchr(line, '\0', len) != NULL ||
	    json_too_deep(line, len, decoder->max_json_depth))
		return NULL;
	root = json_loadb(line, len, JSON_ALLOW_NUL, &error);
	if (root == NULL && (strstr(error.text, "too big") != NULL ||
	    strstr(error.text, "overflow") != NULL))
		root = load_without_huge_numbers(line, len);
	if (root != NULL && !json_is_object(root)) {
		json_decref(root);
		root = NULL;
	}
	return root;
}

/* Which JSON log a parsed object is by its keys, or RECORD_UNKNOWN. */
static enum record_format
sniff_object(const json_t *root)
{
	if (eve_sniff(root))
		return RECORD_EVE;
	if (zeek_json_sniff(root))
		return RECORD_ZEEK_JSON;
	return RECORD_UNKNOWN;
}

/* Decode a parsed object as a record of the given JSON format. */
static enum record_result
decode_object(enum record_format format, const json_t *root,
    struct flow_event *event, const char **reason)
{
	if (format == RECORD_EVE)
		return eve_decode(root, event, reason);
	return zeek_json_decode(root, event, reason);
}

/* Put another format in force, from the line being decoded on. */
static void
switch_format(struct record_decoder *decoder, enum record_format format)
{
	decoder->format = format;
	decoder->switches++;
}

/*
 * A parsed line that the format in force read as result (with *reason):
 * when the object is a record of the other JSON log, or of one at all
 * while the format is TSV, switch to that format and decode it there;
 * otherwise result stands.
 */
static enum record_result
switch_to_json(struct record_decoder *decoder, const json_t *root,
    struct flow_event *event, const char **reason,
    enum record_result result)
{
	enum record_format	 found = sniff_object(root);

	if (found == RECORD_UNKNOWN || found == decoder->format)
		return result;
	switch_format(decoder, found);
	return decode_object(found, root, event, reason);
}

/*
 * Decode a JSON line; with the format not yet known, the object decides
 * it.  A line the format in force cannot read is offered to the other
 * JSON log here, where its parsed object is at hand (record.h).
 */
static enum record_result
decode_json(struct record_decoder *decoder, const char *line, size_t len,
    struct flow_event *event, const char **reason)
{
	json_t			*root;
	enum record_result	 result;
	bool			 has_event_type;

	if (decoder->format == RECORD_EVE &&
	    !eve_worth_parsing(line, len, &has_event_type)) {
		if (has_event_type || len == 0 || line[0] != '{')
			return RECORD_SKIP;
		/* No event_type: no eve event, perhaps a Zeek record. */
		if ((root = parse_object(decoder, line, len)) == NULL)
			return RECORD_SKIP;
		result = switch_to_json(decoder, root, event, reason,
		    RECORD_SKIP);
		json_decref(root);
		return result;
	}
	if (decoder->times_only &&
	    !rdp_text_may_match(&decoder->rdp_text, line, len)) {
		/* Only its times can matter (record.h): try without jansson. */
		if (decoder->format == RECORD_EVE &&
		    eve_flow_times(line, len, event) == 0)
			return RECORD_EVENT;
		if (decoder->format == RECORD_ZEEK_JSON &&
		    zeek_json_conn_times(line, len, event) == 0)
			return RECORD_EVENT;
	}
	/*
	 * A plain Zeek line is read whole without jansson (record.h); one
	 * it rejects is parsed, in case it is an eve record.
	 */
	if (decoder->format == RECORD_ZEEK_JSON &&
	    zeek_json_decode_raw(line, len, event, &result, reason) == 0 &&
	    result != RECORD_REJECT)
		return result;
	if ((root = parse_object(decoder, line, len)) == NULL) {
		*reason = "bad-json";
		return RECORD_REJECT;
	}

	if (decoder->format == RECORD_UNKNOWN &&
	    (decoder->format = sniff_object(root)) == RECORD_UNKNOWN) {
		json_decref(root);
		*reason = "unrecognised-format";
		return RECORD_UNRECOGNISED;
	}
	result = decode_object(decoder->format, root, event, reason);
	if (result != RECORD_EVENT)
		result = switch_to_json(decoder, root, event, reason, result);
	json_decref(root);
	return result;
}

/* The TSV decoder, made on first use. */
static struct zeek_tsv *
tsv_decoder(struct record_decoder *decoder)
{
	if (decoder->tsv == NULL)
		decoder->tsv = zeek_tsv_new(&decoder->limits);
	return decoder->tsv;
}

/*
 * Past a byte order mark and indentation, which say nothing about the
 * format: the rest of the line in *start and *rest_len.
 */
static void
skip_line_lead(const char *line, size_t len, const char **start,
    size_t *rest_len)
{
	if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	*start = line;
	*rest_len = len;
}

/* Decide the format from the first line that tells, and decode it. */
static enum record_result
decode_first(struct record_decoder *decoder, const char *line, size_t len,
    struct flow_event *event, const char **reason)
{
	const char	*p;
	size_t		 n;

	skip_line_lead(line, len, &p, &n);
	if (n == 0)
		return RECORD_SKIP;

	if (p[0] == '#') {
		if (zeek_tsv_sniff(p, n))
			decoder->format = RECORD_ZEEK_TSV;
		return zeek_tsv_decode(tsv_decoder(decoder), p, n, event,
		    reason);
	}
	if (p[0] == '{')
		return decode_json(decoder, p, n, event, reason);
	if (zeek_tsv_sniff(p, n)) {
		decoder->format = RECORD_ZEEK_TSV;
		return zeek_tsv_decode(tsv_decoder(decoder), p, n, event,
		    reason);
	}
	*reason = memchr(p, '\t', n) != NULL ? "missing-header" :
	    "unrecognised-format";
	return RECORD_UNRECOGNISED;
}

/*
 * A line (lead skipped) that a JSON format in force read as result: when
 * it is a Zeek header line or a tsv=T row of column names, switch to Zeek
 * TSV and decode it there, a row of names starting a new TSV log; when a
 * TSV header read earlier in the input is still known and reads the line
 * as an event, switch back to it.  Otherwise result stands.
 */
static enum record_result
switch_to_tsv(struct record_decoder *decoder, const char *line, size_t len,
    struct flow_event *event, const char **reason,
    enum record_result result)
{
	const char		*tsv_reason;

	if (zeek_tsv_sniff(line, len)) {
		if (line[0] != '#') {
			zeek_tsv_free(decoder->tsv);
			decoder->tsv = NULL;
		}
		switch_format(decoder, RECORD_ZEEK_TSV);
		return zeek_tsv_decode(tsv_decoder(decoder), line, len, event,
		    reason);
	}
	if (line[0] == '#' || decoder->tsv == NULL ||
	    !zeek_tsv_has_fields(decoder->tsv) ||
	    zeek_tsv_decode(decoder->tsv, line, len, event, &tsv_reason) !=
	    RECORD_EVENT)
		return result;
	switch_format(decoder, RECORD_ZEEK_TSV);
	return RECORD_EVENT;
}

/* True when a line starting with c may be JSON, once its lead is gone. */
static bool
may_open_json(char c)
{
	return c == '{' || c == ' ' || c == '\t' || c == '\xef';
}

/*
 * A line that the format in force read as result (with *reason), not as
 * an event: see whether it opens another format, and if so switch to it
 * and decode the line there (record.h).  Only lines that failed come
 * here, so a file of one format pays nothing for the check.  A JSON line
 * in a JSON format was offered to the other JSON log by decode_json().
 */
static enum record_result
decode_other_format(struct record_decoder *decoder, const char *line,
    size_t len, struct flow_event *event, const char **reason,
    enum record_result result)
{
	const char	*p;
	size_t		 n;
	json_t		*root;

	skip_line_lead(line, len, &p, &n);
	if (n == 0)
		return result;
	if (p[0] != '{')
		return decoder->format == RECORD_ZEEK_TSV ? result :
		    switch_to_tsv(decoder, p, n, event, reason, result);
	/* decode_json() saw the line as it was, byte order mark and all. */
	if (decoder->format != RECORD_ZEEK_TSV && p == line)
		return result;
	if ((root = parse_object(decoder, p, n)) == NULL)
		return result;
	result = switch_to_json(decoder, root, event, reason, result);
	json_decref(root);
	return result;
}

/* Parse an address held in a JSON string; 0, or -1 if none. */
int
record_json_address(const json_t *value, struct ip_addr *out)
{
	if (!json_is_string(value))
		return -1;
	return addr_parse(json_string_value(value), json_string_length(value),
	    out);
}

/* Read a port; unset gives FLOW_NO_PORT; -1 when not a port number. */
int
record_json_port(const json_t *value, int *port)
{
	json_int_t	 number;

	*port = FLOW_NO_PORT;
	if (value == NULL)
		return 0;
	if (!json_is_integer(value))
		return -1;
	number = json_integer_value(value);
	if (number < 0 || number > 65535)
		return -1;
	*port = (int)number;
	return 0;
}

/* Decode one line of an input; see record.h. */
enum record_result
record_decode(struct record_decoder *decoder, const char *line, size_t len,
    struct flow_event *event, const char **reason)
{
	enum record_result	 result;

	if (len == 0 || ((line[0] == ' ' || line[0] == '\t' ||
	    line[0] == '\r') && is_blank(line, len)))
		return RECORD_SKIP;

	switch (decoder->format) {
	case RECORD_ZEEK_TSV:
		result = zeek_tsv_decode(decoder->tsv, line, len, event,
		    reason);
		break;
	case RECORD_ZEEK_JSON:
	case RECORD_EVE:
		result = decode_json(decoder, line, len, event, reason);
		break;
	default:
		return decode_first(decoder, line, len, event, reason);
	}
	/* The first byte tells whether another format might read it. */
	if (result == RECORD_EVENT ||
	    (decoder->format == RECORD_ZEEK_TSV ? !may_open_json(line[0]) :
	    line[0] == '{'))
		return result;
	return decode_other_format(decoder, line, len, event, reason, result);
}
