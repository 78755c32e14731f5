/*
 * zeek_json.h - Zeek's JSON writer (LogAscii::use_json=T): one object a
 * line, conn and rdp records.  Names may be dotted ("id.orig_h") or use
 * underscores ("id_orig_h"); the log is told by "_path" or "@stream" when
 * present, else by its fields (conn_state/proto mean conn, cookie or
 * security_protocol mean rdp).  ts is epoch seconds, epoch milliseconds,
 * ISO 8601 or a quoted epoch; unset fields may be missing, null or "".
 */
#ifndef FANIN_ZEEK_JSON_H
#define FANIN_ZEEK_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "record.h"

/* True when a parsed first record looks like Zeek JSON. */
bool			 zeek_json_sniff(const json_t *object);

/*
 * The fast path of record.h for a line that cannot be RDP: when the raw
 * bytes surely hold a conn record whose ts reads, fill *event with its
 * dataset and times only and return 0.  Returns -1 when unsure; the line
 * must then be parsed.  The line holds no backslash.
 */
int			 zeek_json_conn_times(const char *line, size_t len,
			     struct flow_event *);

/*
 * Decode a whole record from the raw line when record_json_plain() holds
 * for it, giving what zeek_json_decode() gives for the parsed object:
 * returns 0 with *result (and *event or *reason) set, or -1 when the line
 * must be parsed (not plain, or a key the decoder reads given twice).
 */
int			 zeek_json_decode_raw(const char *line, size_t len,
			     struct flow_event *, enum record_result *result,
			     const char **reason);

/* Decode one parsed object; results and reasons as record_decode(). */
enum record_result	 zeek_json_decode(const json_t *object,
			     struct flow_event *, const char **reason);

#endif
