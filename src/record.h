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
 * Each line gives one of the results below.  A rejected line carries a
 * short fixed reason ("bad-json", "bad-address", ...) that --stats counts.
 */
#ifndef FANIN_RECORD_H
#define FANIN_RECORD_H

#include <stddef.h>

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

/* Per-input limits a decoder honours. */
struct record_limits {
	unsigned	 max_json_depth;	/* deeper JSON is rejected */
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

/* The format found so far for this input. */
enum record_format	 record_decoder_format(const struct record_decoder *);

/* "zeek-tsv", "zeek-json", "eve" or "unknown". */
const char		*record_format_name(enum record_format);

#endif
