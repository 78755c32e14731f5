/*
 * eve.h - Suricata eve.json: "flow" and "rdp" events.  Other event types
 * are skipped, cheaply: eve_worth_parsing() looks at the raw bytes for an
 * event_type that can matter before any JSON is parsed.
 *
 * Flows are placed in time by flow.start, not by the record's timestamp
 * (written at flow timeout).  An rdp event may be logged server to client;
 * the decoder keeps the record's own direction and the filter orients it
 * by the RDP ports (filter.h).  Established means the server's SYN+ACK
 * in tcp.tcp_flags_tc, or (UDP) packets both ways; an rdp event is always
 * established.
 */
#ifndef FANIN_EVE_H
#define FANIN_EVE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "record.h"

/* True when a parsed first record looks like eve (has "event_type"). */
bool			 eve_sniff(const json_t *object);

/*
 * False only when the raw line surely holds no flow or rdp event, so it
 * can be skipped without parsing.  Never false for a line that matters.
 * When false, *has_event_type (if not NULL) is set: false means the line
 * holds no "event_type" key, so it is no eve event at all.
 */
bool			 eve_worth_parsing(const char *line, size_t len,
			     bool *has_event_type);

/*
 * The fast path of record.h for a line that cannot be RDP: when the raw
 * bytes surely hold one flow event whose flow.start reads, fill *event
 * with its dataset and times only and return 0.  Returns -1 when unsure;
 * the line must then be parsed.  The line holds no backslash.
 */
int			 eve_flow_times(const char *line, size_t len,
			     struct flow_event *);

/* Decode one parsed object; results and reasons as record_decode(). */
enum record_result	 eve_decode(const json_t *object,
			     struct flow_event *, const char **reason);

#endif
