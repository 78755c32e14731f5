/*
 * eve.c - Suricata eve.json flow and rdp events to flow events.
 *
 * An eve file mixes every kind of event Suricata writes: on a real
 * sensor alerts, dns, http, tls, fileinfo and stats outnumber the flow
 * events, and each of them is a JSON object of some hundreds of bytes.
 * Only two kinds matter here: "flow", written once per flow when it
 * times out or the engine stops, and "rdp", written for each RDP
 * transaction.  eve_worth_parsing() looks at the raw bytes first, so
 * that the others are skipped without building a JSON tree.  It searches
 * for the key "event_type" and reads the string after it; nested objects
 * can hold their own event_type (an rdp event has rdp.event_type), so
 * every occurrence is looked at and the line is worth parsing when any
 * of them says flow or rdp.  Anything it cannot read cheaply - an escape
 * inside the value, a value that is no string, a line cut short, an
 * escaped key - makes it answer yes and leaves the decision to the
 * parser: a wasted parse costs microseconds, a lost flow costs a missed
 * alert.
 *
 * Time.  A flow event's "timestamp" is when the record was written, and
 * some sensors stamp every flow record with the same time (the capture
 * start, in the Stratosphere data), so a flow is placed by flow.start and
 * its written time is flow.end.  An rdp event is written as the
 * transaction is seen, so its timestamp is its start unless a flow
 * object says better.
 *
 * Establishment.  Suricata's per-direction TCP flags are hex strings;
 * tcp.tcp_flags_tc holds what the server sent, and SYN (0x02) with ACK
 * (0x10) there means the server accepted the connection.  A closed port
 * answers RST+ACK, which also gives packets both ways and a "closed"
 * state, so neither of those is evidence.  The aggregate tcp.syn and
 * tcp.ack booleans cover both directions and are no evidence either.
 * Other transports count as established with packets both ways.
 *
 * flow_id is a 64-bit integer in the JSON and is printed as decimal text.
 * Nothing is allocated: strings are copied once into the event, cut on a
 * UTF-8 boundary when too long.
 */
#define _GNU_SOURCE		/* memmem */

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "addr.h"
#include "eve.h"
#include "flow.h"
#include "record.h"
#include "timestamp.h"

/* Reasons for rejecting an event, counted by --stats. */
#define REASON_NOT_OBJECT	"not-object"
#define REASON_BAD_TIME		"bad-timestamp"
#define REASON_BAD_ADDRESS	"bad-address"
#define REASON_BAD_PORT		"bad-port"

/* TCP flag bits as Suricata prints them in tcp_flags_tc. */
#define TCP_FLAG_SYN		0x02
#define TCP_FLAG_ACK		0x10

/* The key the raw-byte check looks for, quotes included. */
static const char	event_type_key[] = "\"event_type\"";

/* The flow object's opening, as Suricata writes it. */
static const char	flow_key[] = "\"flow\":{";

/* A value, or NULL when it is missing, null or the empty string. */
static const json_t *
get(const json_t *object, const char *name)
{
	const json_t	*value;

	value = json_object_get(object, name);
	if (value == NULL || json_is_null(value))
		return NULL;
	if (json_is_string(value) && json_string_length(value) == 0)
		return NULL;
	return value;
}

/* Copy a JSON string into buf of size bytes, cut on a UTF-8 boundary. */
static void
copy_text(char *buf, size_t size, const json_t *value)
{
	const char	*s;
	size_t		 len = 0;

	if (json_is_string(value)) {
		s = json_string_value(value);
		len = json_string_length(value);
		if (len > size - 1) {
			len = size - 1;
			while (len > 0 &&
			    ((unsigned char)s[len] & 0xc0) == 0x80)
				len--;
		}
		memcpy(buf, s, len);
	}
	buf[len] = '\0';
}

/* Parse a time held in a JSON string; 0, or -1 if none. */
static int
read_time(const json_t *value, double *out)
{
	if (!json_is_string(value))
		return -1;
	return timestamp_parse(json_string_value(value),
	    json_string_length(value), out);
}

/* True when the flow object counts packets in both directions. */
static bool
packets_both_ways(const json_t *flow)
{
	return json_number_value(json_object_get(flow, "pkts_toserver")) > 0 &&
	    json_number_value(json_object_get(flow, "pkts_toclient")) > 0;
}

/* Classify a TCP flow by the flags the server sent. */
static enum flow_setup
tcp_setup(const json_t *tcp)
{
	const json_t	*flags;
	const char	*text;
	char		*end;
	unsigned long	 bits;

	flags = get(tcp, "tcp_flags_tc");
	if (!json_is_string(flags))
		return FLOW_SETUP_UNKNOWN;
	text = json_string_value(flags);
	bits = strtoul(text, &end, 16);
	if (end == text || *end != '\0')
		return FLOW_SETUP_UNKNOWN;
	if ((bits & (TCP_FLAG_SYN | TCP_FLAG_ACK)) ==
	    (TCP_FLAG_SYN | TCP_FLAG_ACK))
		return FLOW_SETUP_ESTABLISHED;
	return FLOW_SETUP_ATTEMPT;
}

/* Classify a flow event's handshake from its tcp or flow counters. */
static enum flow_setup
flow_setup(const json_t *object, const json_t *flow, const char *transport)
{
	const json_t	*tcp;

	if (strcmp(transport, "tcp") == 0) {
		tcp = get(object, "tcp");
		if (!json_is_object(tcp))
			return FLOW_SETUP_UNKNOWN;
		return tcp_setup(tcp);
	}
	if (!json_is_object(flow))
		return FLOW_SETUP_UNKNOWN;
	if (packets_both_ways(flow))
		return FLOW_SETUP_ESTABLISHED;
	return FLOW_SETUP_ATTEMPT;
}

/* Write flow_id (an integer, or text from some shippers) into buf. */
static void
copy_flow_id(char *buf, size_t size, const json_t *value)
{
	if (json_is_integer(value))
		snprintf(buf, size, "%" PRId64,
		    (int64_t)json_integer_value(value));
	else
		copy_text(buf, size, value);
}

/*
 * Set start and written: a flow is placed by flow.start and was written
 * at flow.end; an rdp event by flow.start if it has one, else its own
 * timestamp.  Returns 0, or -1 when no start time can be read.
 */
static int
decode_times(const json_t *object, const json_t *flow, bool is_flow,
    struct flow_event *event)
{
	double	 stamp, end;
	bool	 have_stamp;

	have_stamp = read_time(get(object, "timestamp"), &stamp) == 0;
	if (read_time(get(flow, "start"), &event->start) != 0) {
		if (is_flow || !have_stamp)
			return -1;
		event->start = stamp;
	}
	if (read_time(get(flow, "end"), &end) == 0)
		event->written = end;
	else if (have_stamp)
		event->written = stamp;
	else
		event->written = event->start;
	if (event->written < event->start)
		event->written = event->start;
	return 0;
}

/* True when a parsed first record looks like eve (has "event_type"). */
bool
eve_sniff(const json_t *object)
{
	return json_is_object(object) &&
	    json_object_get(object, "event_type") != NULL;
}

/*
 * Read the value after one "event_type" key at p (just past the key).
 * Returns 1 for flow or rdp, 0 for another plain string, and -1 when the
 * value cannot be told without parsing.
 */
static int
classify_event_type(const char *p, const char *end)
{
	const char	*value, *close;
	size_t		 len;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	if (p == end || *p != ':')
		return 0;	/* a value that happens to read event_type */
	p++;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	if (p == end || *p != '"')
		return -1;
	value = p + 1;
	close = memchr(value, '"', end - value);
	if (close == NULL || memchr(value, '\\', close - value) != NULL)
		return -1;
	len = close - value;
	if ((len == 4 && memcmp(value, "flow", 4) == 0) ||
	    (len == 3 && memcmp(value, "rdp", 3) == 0))
		return 1;
	return 0;
}

/*
 * False only when the raw line surely holds no flow or rdp event: every
 * "event_type" key in it is followed by some other plain string, or it
 * has no such key and no \u escape that could spell one.  When false,
 * *has_event_type (unless NULL) says whether the key was there at all:
 * a line without it is no eve event of any kind.
 */
bool
eve_worth_parsing(const char *line, size_t len, bool *has_event_type)
{
	const char	*p = line, *end = line + len, *hit;
	size_t		 key_len = sizeof event_type_key - 1;
	bool		 seen = false;

	while ((hit = memmem(p, end - p, event_type_key, key_len)) != NULL) {
		seen = true;
		p = hit + key_len;
		if (classify_event_type(p, end) != 0)
			return true;
	}
	if (has_event_type != NULL)
		*has_event_type = seen;
	if (!seen)
		return memmem(line, len, "\\u", 2) != NULL;
	return false;
}

/* Parse a raw string value found by record_json_value(); 0 or -1. */
static int
raw_time(enum record_json_kind kind, const char *text, size_t len,
    double *out)
{
	if (kind != RECORD_JSON_STRING)
		return -1;
	return timestamp_parse(text, len, out);
}

/*
 * The times of a flow event read from the raw line, as decode_times()
 * would read them from the parsed one.  Sure only when "event_type",
 * "flow", "start", "end" and "timestamp" each occur at most once, the
 * event_type is flow and flow.start, after the flow object's opening,
 * reads: in an eve flow event those keys have no other home.
 */
int
eve_flow_times(const char *line, size_t len, struct flow_event *event)
{
	const char		*text, *flow;
	size_t			 text_len;
	enum record_json_kind	 kind;
	double			 start, end, stamp;

	if (record_json_value(line, len, event_type_key, &text, &text_len) !=
	    RECORD_JSON_STRING || text_len != 4 || memcmp(text, "flow", 4) != 0)
		return -1;
	flow = memmem(line, len, flow_key, sizeof flow_key - 1);
	if (flow == NULL || memmem(flow + 1, len - (size_t)(flow + 1 - line),
	    flow_key, sizeof flow_key - 1) != NULL)
		return -1;
	kind = record_json_value(line, len, "\"start\"", &text, &text_len);
	if (raw_time(kind, text, text_len, &start) != 0 || text < flow)
		return -1;
	memset(event, 0, sizeof *event);
	event->dataset = FLOW_EVE_FLOW;
	event->start = start;
	event->source_port = FLOW_NO_PORT;
	event->destination_port = FLOW_NO_PORT;
	kind = record_json_value(line, len, "\"end\"", &text, &text_len);
	if (kind == RECORD_JSON_UNSURE)
		return -1;
	if (raw_time(kind, text, text_len, &end) == 0)
		event->written = end;
	else {
		kind = record_json_value(line, len, "\"timestamp\"", &text,
		    &text_len);
		if (kind == RECORD_JSON_UNSURE)
			return -1;
		event->written = raw_time(kind, text, text_len, &stamp) == 0 ?
		    stamp : start;
	}
	if (event->written < event->start)
		event->written = event->start;
	return 0;
}

/*
 * Decode one parsed eve object into *event.  Returns RECORD_EVENT for a
 * flow or rdp event, RECORD_SKIP for any other event type or none,
 * RECORD_REJECT with a static *reason ("not-object", "bad-timestamp",
 * "bad-address", "bad-port") when the event cannot give a usable flow.
 * The object stays the caller's; nothing is allocated.
 */
enum record_result
eve_decode(const json_t *object, struct flow_event *event,
    const char **reason)
{
	const json_t	*type, *flow, *app_proto;
	const char	*name;
	char		*p;
	bool		 is_flow;

	memset(event, 0, sizeof *event);
	if (!json_is_object(object)) {
		*reason = REASON_NOT_OBJECT;
		return RECORD_REJECT;
	}
	type = get(object, "event_type");
	if (!json_is_string(type))
		return RECORD_SKIP;
	name = json_string_value(type);
	if (strcmp(name, "flow") == 0)
		is_flow = true;
	else if (strcmp(name, "rdp") == 0)
		is_flow = false;
	else
		return RECORD_SKIP;
	event->dataset = is_flow ? FLOW_EVE_FLOW : FLOW_EVE_RDP;

	flow = get(object, "flow");
	if (!json_is_object(flow))
		flow = NULL;
	if (decode_times(object, flow, is_flow, event) != 0) {
		*reason = REASON_BAD_TIME;
		return RECORD_REJECT;
	}

	if (record_json_address(get(object, "src_ip"),
	    &event->source) != 0 ||
	    record_json_address(get(object, "dest_ip"),
	    &event->destination) != 0) {
		*reason = REASON_BAD_ADDRESS;
		return RECORD_REJECT;
	}

	copy_text(event->transport, sizeof event->transport,
	    get(object, "proto"));
	for (p = event->transport; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);

	if (strcmp(event->transport, "icmp") == 0 ||
	    strcmp(event->transport, "ipv6-icmp") == 0) {
		event->source_port = FLOW_NO_PORT;
		event->destination_port = FLOW_NO_PORT;
	} else if (record_json_port(get(object, "src_port"),
	    &event->source_port) != 0 ||
	    record_json_port(get(object, "dest_port"),
	    &event->destination_port) != 0) {
		*reason = REASON_BAD_PORT;
		return RECORD_REJECT;
	}

	app_proto = get(object, "app_proto");
	if (app_proto != NULL)
		copy_text(event->service, sizeof event->service, app_proto);
	else if (!is_flow)
		strcpy(event->service, "rdp");

	copy_flow_id(event->id, sizeof event->id, get(object, "flow_id"));
	copy_text(event->state, sizeof event->state, get(flow, "state"));

	if (is_flow)
		event->setup = flow_setup(object, flow, event->transport);
	else
		event->setup = FLOW_SETUP_ESTABLISHED;
	return RECORD_EVENT;
}
