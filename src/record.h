/*
 * record.h - from one line of a log to a flow event.
 *
 * A file's format is recognised from its content (the first non-empty
 * line), never from its name: "#separator" or a "#fields"-less TSV header
 * is Zeek TSV, a JSON object with "event_type" is Suricata eve, a JSON
 * object with "ts" or "uid" is Zeek JSON.  The decoder keeps per-file state
 * (the Zeek TSV header in force), so one struct record_decoder serves one
 * input file.
 *
 * The format may change at any line (archives of a site that turned on
 * Zeek's use_json, read by one zcat; one tail -F over conn.log and
 * eve.json).  A line is looked at again only when it does not decode as
 * an event in the format in force: a JSON line in TSV, a Zeek header line
 * or a TSV row in JSON, an eve record among Zeek JSON ones or the other
 * way round.  When it is recognised as another format, that format is in
 * force from this line on and the line is decoded in it, wholly and with
 * the same fast paths; a TSV header stays known, so rows under it are
 * read again after a spell of JSON.  A line no format recognises keeps
 * the result and reason of the format in force.
 *
 * Each line gives one of the results below.  A rejected line carries a
 * short fixed reason ("bad-json", "bad-address", ...) that --stats counts.
 */
#ifndef FANIN_RECORD_H
#define FANIN_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "flow.h"

enum record_format {
	RECORD_UNKNOWN,		/* not yet seen a line that tells */
	RECORD_ZEEK_TSV,
	RECORD_ZEEK_JSON,
	RECORD_EVE
};

enum record_result {
	RECORD_EVENT,		/* *event filled in */
	RECORD_SKIP,		/* header, comment, blank, or a record that
				   is not a flow (dns, stats, ssh.log...) */
	RECORD_REJECT,		/* malformed: *reason says why */
	RECORD_UNRECOGNISED	/* the file is not a log fanin reads: the
				   caller stops reading it; *reason says why */
};

/*
 * Per-input limits a decoder honours, and what the caller needs of it.
 *
 * With every_event false the caller promises to use, of an event that is
 * not an RDP connection by filter.h's rule, only its times (start,
 * written) and dataset.  The decoders then read such a record no further
 * than that, and the JSON decoders skip parsing a line whose bytes hold
 * no rdp_ports number, no "rdp" in any case and no escape: these fast
 * paths are where a replay's time goes.  A record that could be RDP is
 * always decoded whole.  A time-only event has no uid, service or state,
 * setup unknown, no addresses and FLOW_NO_PORT ports, and for Zeek TSV
 * no transport.  Fields of a time-only record other than its times are
 * not checked, so a malformed one is not rejected.  With
 * every_event set (--events), or rdp_port_count 0, every event is whole.
 * rdp_ports must outlive the decoder.
 */
struct record_limits {
	unsigned	 max_json_depth;	/* deeper JSON is rejected */
	const int	*rdp_ports;		/* ports meaning RDP */
	size_t		 rdp_port_count;
	bool		 every_event;		/* each event is used whole */
};

struct record_decoder;

/* A new decoder for one input; its format is found from the first line. */
struct record_decoder	*record_decoder_new(const struct record_limits *);

/* Free the decoder and its header state. */
void			 record_decoder_free(struct record_decoder *);

/*
 * Decode one line (without its newline; not NUL terminated; may contain
 * any byte).  On RECORD_EVENT, *event is filled.  On RECORD_REJECT or
 * RECORD_UNRECOGNISED, *reason points at a static string.
 */
enum record_result	 record_decode(struct record_decoder *,
			     const char *line, size_t len,
			     struct flow_event *event, const char **reason);

/*
 * Shared by the JSON decoders: an address held in a JSON string (0, or -1
 * if none), and a port (null or missing gives FLOW_NO_PORT and 0; -1 when
 * not an integer 0-65535).
 */
int			 record_json_address(const json_t *value,
			     struct ip_addr *out);
int			 record_json_port(const json_t *value, int *port);

/* The format in force for this input: the one the last line was read in. */
enum record_format	 record_decoder_format(const struct record_decoder *);

/* How many times the input changed format after its first was found. */
unsigned long		 record_decoder_switches(const struct record_decoder *);

/* What --stats calls the format of an input that changed format. */
#define RECORD_FORMAT_MIXED	"mixed"

/* "zeek-tsv", "zeek-json", "eve" or "unknown". */
const char		*record_format_name(enum record_format);

/* What record_json_value() found for a key. */
enum record_json_kind {
	RECORD_JSON_ABSENT,	/* the key is not in the line */
	RECORD_JSON_STRING,	/* *value is the text between the quotes */
	RECORD_JSON_OTHER,	/* *value is a number or literal as written */
	RECORD_JSON_UNSURE	/* twice, or not followed by a plain value */
};

/*
 * For the decoders' fast paths: find key (quotes included, "\"ts\"") in
 * a JSON line that holds no backslash, without parsing it.  The answer is
 * sure only when the key occurs once; anything else is RECORD_JSON_UNSURE
 * and the line must be parsed.
 */
enum record_json_kind	 record_json_value(const char *line, size_t len,
			     const char *key, const char **value,
			     size_t *value_len);

/* One wanted top-level key of record_json_fields() and what it found. */
struct record_json_field {
	const char		*key;		/* without quotes: "ts" */
	size_t			 key_len;
	enum record_json_kind	 kind;		/* set by the scan */
	const char		*value;		/* as record_json_value() */
	size_t			 value_len;
};

/*
 * For the same fast paths: one pass over a line that holds no backslash,
 * reading it as a flat JSON object and filling in each wanted key.  A key
 * that occurs twice, or whose value is an object or array, is
 * RECORD_JSON_UNSURE.  Returns 0, or -1 when the line is not one object
 * of that shape (the line must then be parsed).
 */
int			 record_json_fields(const char *line, size_t len,
			     struct record_json_field *fields, size_t count);

/*
 * True when the line is one flat JSON object that jansson would accept
 * and whose every value record_json_fields() gives exactly: strings of
 * printable ASCII without a backslash, literals, and numbers with at most
 * 18 digits before any point and no exponent; no nested value, no other
 * byte.  A decoder may then read the record from the fields alone.
 */
bool			 record_json_plain(const char *line, size_t len);

/*
 * Read a JSON number as jansson would (strtod; integers of up to 18
 * digits) from len bytes.  Returns 0, or -1 when the text is not a plain
 * JSON number.
 */
int			 record_json_number(const char *text, size_t len,
			     double *out);

#endif
