/*
 * zeek_json.c - Zeek conn.log and rdp.log records written as JSON.
 *
 * Zeek's JSON writer puts one object on a line.  What varies between
 * sites is the spelling, not the content.  Field names keep Zeek's dots
 * ("id.orig_h") unless the scope separator was changed, which gives
 * "id_orig_h"; shippers such as the one behind the OTRF data sets add
 * "@stream" where Zeek itself writes "_path", and many files carry
 * neither, so the log is then told by the fields it has.  The timestamp
 * is a number of epoch seconds (or milliseconds, once a shipper has been
 * at it), an ISO 8601 string under JSON::TS_ISO8601, or an epoch number
 * in quotes.  An unset optional field is left out by default, written as
 * null with json_include_unset_fields, and sometimes written as "" by
 * other tools: all three mean the same here, so every read goes through
 * a helper that returns NULL for each of them and no caller ever sees a
 * JSON null or an empty string.
 *
 * Whether a connection was established comes from conn_state, by the
 * table in the design: the handshake states count, the refused and
 * unanswered ones do not, and OTH (the sensor missed the handshake) or
 * any UDP flow counts only with traffic in both directions.  An rdp.log
 * record exists only once the RDP negotiation was seen, so it is always
 * established.  ICMP connections store type and code in the port fields;
 * they are not ports and are dropped.
 *
 * The decoder reads a parsed jansson object and writes into the caller's
 * struct flow_event; it allocates nothing and copies each string once,
 * truncated on a UTF-8 boundary so the ECS writer never meets a split
 * character.
 */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <jansson.h>

#include "addr.h"
#include "flow.h"
#include "record.h"
#include "timestamp.h"
#include "zeek_json.h"
#include "zeek_tsv.h"

/* The Zeek logs this decoder turns into events; others are skipped. */
enum zeek_log {
	ZEEK_LOG_OTHER,
	ZEEK_LOG_CONN,
	ZEEK_LOG_RDP
};

/* Reasons for rejecting a record, counted by --stats. */
#define REASON_NOT_OBJECT	"not-object"
#define REASON_BAD_TIME		"bad-timestamp"
#define REASON_BAD_ADDRESS	"bad-address"
#define REASON_BAD_PORT		"bad-port"

/* A value, or NULL when it is missing, null or the empty string. */
static const json_t *
set_value(const json_t *value)
{
	if (value == NULL || json_is_null(value))
		return NULL;
	if (json_is_string(value) && json_string_length(value) == 0)
		return NULL;
	return value;
}

/* A field by its one name, NULL when unset. */
static const json_t *
get(const json_t *object, const char *name)
{
	return set_value(json_object_get(object, name));
}

/* A field under its dotted name or, failing that, its underscore name. */
static const json_t *
get_scoped(const json_t *object, const char *dotted, const char *underscored)
{
	const json_t	*value;

	value = get(object, dotted);
	if (value == NULL)
		value = get(object, underscored);
	return value;
}

/* The length of s cut to at most max bytes without splitting a character. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* Copy a JSON string into buf of size bytes; "" when it is no string. */
static void
copy_text(char *buf, size_t size, const json_t *value)
{
	size_t	 len = 0;

	if (json_is_string(value)) {
		len = utf8_cut(json_string_value(value),
		    json_string_length(value), size - 1);
		memcpy(buf, json_string_value(value), len);
	}
	buf[len] = '\0';
}

/* Copy a JSON string into buf in lower case ("TCP" becomes "tcp"). */
static void
copy_lower(char *buf, size_t size, const json_t *value)
{
	char	*p;

	copy_text(buf, size, value);
	for (p = buf; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
}

/* Join the strings of a JSON array (a Zeek set) with commas into buf. */
static void
join_set(char *buf, size_t size, const json_t *array)
{
	const json_t	*item;
	size_t		 used = 0, index, len;

	buf[0] = '\0';
	json_array_foreach(array, index, item) {
		if (!json_is_string(item) || json_string_length(item) == 0)
			continue;
		if (used > 0) {
			if (used + 1 >= size)
				break;
			buf[used++] = ',';
		}
		len = utf8_cut(json_string_value(item),
		    json_string_length(item), size - 1 - used);
		memcpy(buf + used, json_string_value(item), len);
		used += len;
		buf[used] = '\0';
		if (len < json_string_length(item))
			break;
	}
	if (used > 0 && buf[used - 1] == ',')
		buf[used - 1] = '\0';
}

/* Parse a time given as a JSON number or string; 0, or -1 if none. */
static int
read_time(const json_t *value, double *out)
{
	double	 number;

	if (json_is_number(value)) {
		number = json_number_value(value);
		if (!isfinite(number) || number < 0)
			return -1;
		*out = timestamp_from_number(number);
		return 0;
	}
	if (json_is_string(value))
		return timestamp_parse(json_string_value(value),
		    json_string_length(value), out);
	return -1;
}

/* A counter field as a number, 0 when unset, negative or not a number. */
static uint64_t
counter(const json_t *object, const char *name)
{
	double	v = json_number_value(json_object_get(object, name));

	return v > 0 && v < 1e18 ? (uint64_t)v : 0;
}

/* True when the transport names ICMP, whose "ports" are type and code. */
static bool
is_icmp(const char *transport)
{
	return strcmp(transport, "icmp") == 0 ||
	    strcmp(transport, "ipv6-icmp") == 0 ||
	    strcmp(transport, "icmp6") == 0;
}

/* Which log a record comes from: by _path or @stream, else by fields. */
static enum zeek_log
which_log(const json_t *object)
{
	const json_t	*path;
	const char	*name;

	path = get(object, "_path");
	if (!json_is_string(path))
		path = get(object, "@stream");
	if (json_is_string(path)) {
		name = json_string_value(path);
		if (strcmp(name, "conn") == 0)
			return ZEEK_LOG_CONN;
		if (strcmp(name, "rdp") == 0)
			return ZEEK_LOG_RDP;
		return ZEEK_LOG_OTHER;
	}
	if (get(object, "conn_state") != NULL || get(object, "proto") != NULL)
		return ZEEK_LOG_CONN;
	if (get(object, "cookie") != NULL ||
	    get(object, "security_protocol") != NULL ||
	    get(object, "result") != NULL)
		return ZEEK_LOG_RDP;
	return ZEEK_LOG_OTHER;
}

/* Classify a conn record's handshake with the table both Zeek formats use. */
static enum flow_setup
conn_setup(const json_t *object, const char *state, const char *transport)
{
	return zeek_conn_setup(state, strlen(state),
	    strcmp(transport, "udp") == 0, counter(object, "orig_pkts"),
	    counter(object, "resp_pkts"), counter(object, "orig_bytes"),
	    counter(object, "resp_bytes"));
}

/* Fill in the fields only a conn record has: service, state, duration. */
static void
decode_conn(const json_t *object, struct flow_event *event)
{
	const json_t	*service, *duration;
	double		 seconds;

	service = get(object, "service");
	if (json_is_array(service))
		join_set(event->service, sizeof event->service, service);
	else
		copy_text(event->service, sizeof event->service, service);

	copy_text(event->state, sizeof event->state,
	    get(object, "conn_state"));
	event->setup = conn_setup(object, event->state, event->transport);

	duration = get(object, "duration");
	if (json_is_number(duration)) {
		seconds = json_number_value(duration);
		if (isfinite(seconds) && seconds > 0)
			event->written = event->start + seconds;
	}
}

/* The keys the raw reading of a conn record looks at, in this order. */
enum raw_key {
	RAW_PATH,
	RAW_STREAM,
	RAW_CONN_STATE,
	RAW_PROTO,
	RAW_TS,
	RAW_DURATION,
	RAW_KEYS
};

/*
 * True when the scanned line is surely a conn record, by which_log()'s
 * rule: _path, or failing it @stream, says "conn"; or neither is there
 * and conn_state or proto holds a string.
 */
static bool
raw_is_conn(const struct record_json_field *f)
{
	const struct record_json_field	*path = NULL;

	if (f[RAW_PATH].kind != RECORD_JSON_ABSENT)
		path = &f[RAW_PATH];
	else if (f[RAW_STREAM].kind != RECORD_JSON_ABSENT)
		path = &f[RAW_STREAM];
	if (path != NULL)
		return path->kind == RECORD_JSON_STRING &&
		    path->value_len == 4 && memcmp(path->value, "conn", 4) == 0;
	return (f[RAW_CONN_STATE].kind == RECORD_JSON_STRING &&
	    f[RAW_CONN_STATE].value_len > 0) ||
	    (f[RAW_PROTO].kind == RECORD_JSON_STRING &&
	    f[RAW_PROTO].value_len > 0);
}

/*
 * The times of a conn record read from the raw line in one pass, as
 * read_time() and decode_conn() would read them from the parsed one.
 * Any doubt (a key twice, a value that is not plain, a time that does
 * not read, a line that is not one flat object) answers -1.
 */
int
zeek_json_conn_times(const char *line, size_t len, struct flow_event *event)
{
	struct record_json_field	 f[RAW_KEYS] = {
		[RAW_PATH] = { "_path", 5, 0, NULL, 0 },
		[RAW_STREAM] = { "@stream", 7, 0, NULL, 0 },
		[RAW_CONN_STATE] = { "conn_state", 10, 0, NULL, 0 },
		[RAW_PROTO] = { "proto", 5, 0, NULL, 0 },
		[RAW_TS] = { "ts", 2, 0, NULL, 0 },
		[RAW_DURATION] = { "duration", 8, 0, NULL, 0 },
	};
	const struct record_json_field	*ts = &f[RAW_TS];
	const struct record_json_field	*duration = &f[RAW_DURATION];
	double				 start, seconds;

	if (record_json_fields(line, len, f, RAW_KEYS) != 0 ||
	    !raw_is_conn(f))
		return -1;
	if (ts->kind == RECORD_JSON_STRING) {
		if (timestamp_parse(ts->value, ts->value_len, &start) != 0)
			return -1;
	} else if (ts->kind == RECORD_JSON_OTHER &&
	    record_json_number(ts->value, ts->value_len, &start) == 0) {
		if (!isfinite(start) || start < 0)
			return -1;
		start = timestamp_from_number(start);
	} else
		return -1;

	memset(event, 0, sizeof *event);
	event->dataset = FLOW_ZEEK_CONN;
	event->start = event->written = start;
	event->source_port = FLOW_NO_PORT;
	event->destination_port = FLOW_NO_PORT;
	if (duration->kind == RECORD_JSON_UNSURE)
		return -1;
	if (duration->kind == RECORD_JSON_OTHER &&
	    (duration->value[0] == '-' ||
	    (duration->value[0] >= '0' && duration->value[0] <= '9'))) {
		if (record_json_number(duration->value, duration->value_len,
		    &seconds) != 0)
			return -1;
		if (isfinite(seconds) && seconds > 0)
			event->written = start + seconds;
	}
	return 0;
}

/* The keys the raw decoding of a whole record reads. */
enum whole_key {
	WHOLE_PATH,
	WHOLE_STREAM,
	WHOLE_CONN_STATE,
	WHOLE_PROTO,
	WHOLE_COOKIE,
	WHOLE_SECURITY_PROTOCOL,
	WHOLE_RESULT,
	WHOLE_TS,
	WHOLE_ORIG_H,
	WHOLE_ORIG_H_UNDERSCORED,
	WHOLE_RESP_H,
	WHOLE_RESP_H_UNDERSCORED,
	WHOLE_ORIG_P,
	WHOLE_ORIG_P_UNDERSCORED,
	WHOLE_RESP_P,
	WHOLE_RESP_P_UNDERSCORED,
	WHOLE_UID,
	WHOLE_SERVICE,
	WHOLE_DURATION,
	WHOLE_ORIG_PKTS,
	WHOLE_RESP_PKTS,
	WHOLE_ORIG_BYTES,
	WHOLE_RESP_BYTES,
	WHOLE_KEYS
};

/* A scanned field as get() would give it: NULL for missing, null, "". */
static const struct record_json_field *
raw_get(const struct record_json_field *field)
{
	if (field->kind == RECORD_JSON_ABSENT)
		return NULL;
	if (field->kind == RECORD_JSON_OTHER && field->value_len == 4 &&
	    memcmp(field->value, "null", 4) == 0)
		return NULL;
	if (field->kind == RECORD_JSON_STRING && field->value_len == 0)
		return NULL;
	return field;
}

/* The dotted field or, when it is unset, the underscored one. */
static const struct record_json_field *
raw_get_scoped(const struct record_json_field *dotted,
    const struct record_json_field *underscored)
{
	const struct record_json_field	*field = raw_get(dotted);

	return field != NULL ? field : raw_get(underscored);
}

/* True when a scanned field is a string (a set one, from raw_get()). */
static bool
raw_is_string(const struct record_json_field *field)
{
	return field != NULL && field->kind == RECORD_JSON_STRING;
}

/* True when a scanned field is a number (a plain line has no other). */
static bool
raw_is_number(const struct record_json_field *field)
{
	return field != NULL && field->kind == RECORD_JSON_OTHER &&
	    (field->value[0] == '-' ||
	    (field->value[0] >= '0' && field->value[0] <= '9'));
}

/* As copy_text(), from a scanned field. */
static void
raw_copy_text(char *buf, size_t size, const struct record_json_field *field)
{
	size_t	 len = 0;

	if (raw_is_string(field)) {
		len = utf8_cut(field->value, field->value_len, size - 1);
		memcpy(buf, field->value, len);
	}
	buf[len] = '\0';
}

/* As counter(), from a scanned field present or not. */
static uint64_t
raw_counter(const struct record_json_field *field)
{
	double	v = 0;

	if (raw_is_number(field) &&
	    record_json_number(field->value, field->value_len, &v) != 0)
		v = 0;
	return v > 0 && v < 1e18 ? (uint64_t)v : 0;
}

/* As record_json_port(), from a scanned field or NULL. */
static int
raw_port(const struct record_json_field *field, int *port)
{
	double	number;

	*port = FLOW_NO_PORT;
	if (field == NULL)
		return 0;
	if (!raw_is_number(field) ||
	    memchr(field->value, '.', field->value_len) != NULL ||
	    record_json_number(field->value, field->value_len, &number) != 0)
		return -1;
	if (number < 0 || number > 65535)
		return -1;
	*port = (int)number;
	return 0;
}

/* As which_log(), from the scanned fields. */
static enum zeek_log
raw_which_log(const struct record_json_field *f)
{
	const struct record_json_field	*path;

	path = raw_get(&f[WHOLE_PATH]);
	if (!raw_is_string(path))
		path = raw_get(&f[WHOLE_STREAM]);
	if (raw_is_string(path)) {
		if (path->value_len == 4 && memcmp(path->value, "conn", 4) == 0)
			return ZEEK_LOG_CONN;
		if (path->value_len == 3 && memcmp(path->value, "rdp", 3) == 0)
			return ZEEK_LOG_RDP;
		return ZEEK_LOG_OTHER;
	}
	if (raw_get(&f[WHOLE_CONN_STATE]) != NULL ||
	    raw_get(&f[WHOLE_PROTO]) != NULL)
		return ZEEK_LOG_CONN;
	if (raw_get(&f[WHOLE_COOKIE]) != NULL ||
	    raw_get(&f[WHOLE_SECURITY_PROTOCOL]) != NULL ||
	    raw_get(&f[WHOLE_RESULT]) != NULL)
		return ZEEK_LOG_RDP;
	return ZEEK_LOG_OTHER;
}

/* As read_time(), from a scanned field or NULL. */
static int
raw_read_time(const struct record_json_field *field, double *out)
{
	double	 number;

	if (raw_is_number(field)) {
		if (record_json_number(field->value, field->value_len,
		    &number) != 0 || !isfinite(number) || number < 0)
			return -1;
		*out = timestamp_from_number(number);
		return 0;
	}
	if (raw_is_string(field))
		return timestamp_parse(field->value, field->value_len, out);
	return -1;
}

/* As decode_conn(), from the scanned fields. */
static void
raw_decode_conn(const struct record_json_field *f, struct flow_event *event)
{
	const struct record_json_field	*duration;
	double				 seconds;

	raw_copy_text(event->service, sizeof event->service,
	    raw_get(&f[WHOLE_SERVICE]));
	raw_copy_text(event->state, sizeof event->state,
	    raw_get(&f[WHOLE_CONN_STATE]));
	event->setup = zeek_conn_setup(event->state, strlen(event->state),
	    strcmp(event->transport, "udp") == 0,
	    raw_counter(&f[WHOLE_ORIG_PKTS]), raw_counter(&f[WHOLE_RESP_PKTS]),
	    raw_counter(&f[WHOLE_ORIG_BYTES]),
	    raw_counter(&f[WHOLE_RESP_BYTES]));

	duration = raw_get(&f[WHOLE_DURATION]);
	if (raw_is_number(duration) && record_json_number(duration->value,
	    duration->value_len, &seconds) == 0 && isfinite(seconds) &&
	    seconds > 0)
		event->written = event->start + seconds;
}

/*
 * Decode a whole record from the raw line, as zeek_json_decode() would
 * from the parsed one, when the line is plain (record.h); -1 otherwise,
 * and for a key given twice, so the line is then parsed.
 */
int
zeek_json_decode_raw(const char *line, size_t len, struct flow_event *event,
    enum record_result *result, const char **reason)
{
	struct record_json_field	 f[WHOLE_KEYS] = {
#define WHOLE_FIELD(key, name) [key] = { name, sizeof name - 1, 0, NULL, 0 }
		WHOLE_FIELD(WHOLE_PATH, "_path"),
		WHOLE_FIELD(WHOLE_STREAM, "@stream"),
		WHOLE_FIELD(WHOLE_CONN_STATE, "conn_state"),
		WHOLE_FIELD(WHOLE_PROTO, "proto"),
		WHOLE_FIELD(WHOLE_COOKIE, "cookie"),
		WHOLE_FIELD(WHOLE_SECURITY_PROTOCOL, "security_protocol"),
		WHOLE_FIELD(WHOLE_RESULT, "result"),
		WHOLE_FIELD(WHOLE_TS, "ts"),
		WHOLE_FIELD(WHOLE_ORIG_H, "id.orig_h"),
		WHOLE_FIELD(WHOLE_ORIG_H_UNDERSCORED, "id_orig_h"),
		WHOLE_FIELD(WHOLE_RESP_H, "id.resp_h"),
		WHOLE_FIELD(WHOLE_RESP_H_UNDERSCORED, "id_resp_h"),
		WHOLE_FIELD(WHOLE_ORIG_P, "id.orig_p"),
		WHOLE_FIELD(WHOLE_ORIG_P_UNDERSCORED, "id_orig_p"),
		WHOLE_FIELD(WHOLE_RESP_P, "id.resp_p"),
		WHOLE_FIELD(WHOLE_RESP_P_UNDERSCORED, "id_resp_p"),
		WHOLE_FIELD(WHOLE_UID, "uid"),
		WHOLE_FIELD(WHOLE_SERVICE, "service"),
		WHOLE_FIELD(WHOLE_DURATION, "duration"),
		WHOLE_FIELD(WHOLE_ORIG_PKTS, "orig_pkts"),
		WHOLE_FIELD(WHOLE_RESP_PKTS, "resp_pkts"),
		WHOLE_FIELD(WHOLE_ORIG_BYTES, "orig_bytes"),
		WHOLE_FIELD(WHOLE_RESP_BYTES, "resp_bytes"),
#undef WHOLE_FIELD
	};
	const struct record_json_field	*source, *destination;
	enum zeek_log			 log;
	size_t				 i;

	if (!record_json_plain(line, len) ||
	    record_json_fields(line, len, f, WHOLE_KEYS) != 0)
		return -1;
	for (i = 0; i < WHOLE_KEYS; i++)
		if (f[i].kind == RECORD_JSON_UNSURE)
			return -1;

	memset(event, 0, sizeof *event);
	*result = RECORD_REJECT;
	log = raw_which_log(f);
	if (log == ZEEK_LOG_OTHER) {
		*result = RECORD_SKIP;
		return 0;
	}
	if (raw_read_time(raw_get(&f[WHOLE_TS]), &event->start) != 0) {
		*reason = REASON_BAD_TIME;
		return 0;
	}
	event->written = event->start;

	source = raw_get_scoped(&f[WHOLE_ORIG_H], &f[WHOLE_ORIG_H_UNDERSCORED]);
	destination = raw_get_scoped(&f[WHOLE_RESP_H],
	    &f[WHOLE_RESP_H_UNDERSCORED]);
	if (!raw_is_string(source) || addr_parse(source->value,
	    source->value_len, &event->source) != 0 ||
	    !raw_is_string(destination) || addr_parse(destination->value,
	    destination->value_len, &event->destination) != 0) {
		*reason = REASON_BAD_ADDRESS;
		return 0;
	}

	/* rdp.log has no proto field: RDP's own log is of TCP sessions. */
	raw_copy_text(event->transport, sizeof event->transport,
	    raw_get(&f[WHOLE_PROTO]));
	for (i = 0; event->transport[i] != '\0'; i++)
		event->transport[i] = tolower(
		    (unsigned char)event->transport[i]);
	if (event->transport[0] == '\0' && log == ZEEK_LOG_RDP)
		strcpy(event->transport, "tcp");

	if (is_icmp(event->transport)) {
		event->source_port = FLOW_NO_PORT;
		event->destination_port = FLOW_NO_PORT;
	} else if (raw_port(raw_get_scoped(&f[WHOLE_ORIG_P],
	    &f[WHOLE_ORIG_P_UNDERSCORED]), &event->source_port) != 0 ||
	    raw_port(raw_get_scoped(&f[WHOLE_RESP_P],
	    &f[WHOLE_RESP_P_UNDERSCORED]), &event->destination_port) != 0) {
		*reason = REASON_BAD_PORT;
		return 0;
	}

	raw_copy_text(event->id, sizeof event->id, raw_get(&f[WHOLE_UID]));

	if (log == ZEEK_LOG_RDP) {
		event->dataset = FLOW_ZEEK_RDP;
		strcpy(event->service, "rdp");
		event->setup = FLOW_SETUP_ESTABLISHED;
	} else {
		event->dataset = FLOW_ZEEK_CONN;
		raw_decode_conn(f, event);
	}
	*result = RECORD_EVENT;
	return 0;
}

/*
 * True when a parsed first record looks like Zeek JSON: an object with
 * "ts" or "uid" and no "event_type" (which would make it eve).
 */
bool
zeek_json_sniff(const json_t *object)
{
	if (!json_is_object(object))
		return false;
	if (json_object_get(object, "event_type") != NULL)
		return false;
	return json_object_get(object, "ts") != NULL ||
	    json_object_get(object, "uid") != NULL;
}

/*
 * Decode one parsed Zeek JSON object into *event.  Returns RECORD_EVENT
 * for a conn or rdp record, RECORD_SKIP for any other log, RECORD_REJECT
 * with a static *reason ("not-object", "bad-timestamp", "bad-address",
 * "bad-port") when the record cannot give a usable event.  The object
 * stays the caller's; nothing is allocated.
 */
enum record_result
zeek_json_decode(const json_t *object, struct flow_event *event,
    const char **reason)
{
	enum zeek_log	 log;
	const char	*transport;
	bool		 icmp;

	memset(event, 0, sizeof *event);
	if (!json_is_object(object)) {
		*reason = REASON_NOT_OBJECT;
		return RECORD_REJECT;
	}
	log = which_log(object);
	if (log == ZEEK_LOG_OTHER)
		return RECORD_SKIP;

	if (read_time(get(object, "ts"), &event->start) != 0) {
		*reason = REASON_BAD_TIME;
		return RECORD_REJECT;
	}
	event->written = event->start;

	if (record_json_address(get_scoped(object, "id.orig_h", "id_orig_h"),
	    &event->source) != 0 ||
	    record_json_address(get_scoped(object, "id.resp_h", "id_resp_h"),
	    &event->destination) != 0) {
		*reason = REASON_BAD_ADDRESS;
		return RECORD_REJECT;
	}

	/* rdp.log has no proto field: RDP's own log is of TCP sessions. */
	copy_lower(event->transport, sizeof event->transport,
	    get(object, "proto"));
	transport = event->transport;
	if (*transport == '\0' && log == ZEEK_LOG_RDP)
		strcpy(event->transport, "tcp");

	icmp = is_icmp(transport);
	if (icmp) {
		event->source_port = FLOW_NO_PORT;
		event->destination_port = FLOW_NO_PORT;
	} else if (record_json_port(get_scoped(object, "id.orig_p",
	    "id_orig_p"), &event->source_port) != 0 ||
	    record_json_port(get_scoped(object, "id.resp_p", "id_resp_p"),
	    &event->destination_port) != 0) {
		*reason = REASON_BAD_PORT;
		return RECORD_REJECT;
	}

	copy_text(event->id, sizeof event->id, get(object, "uid"));

	if (log == ZEEK_LOG_RDP) {
		event->dataset = FLOW_ZEEK_RDP;
		strcpy(event->service, "rdp");
		event->setup = FLOW_SETUP_ESTABLISHED;
	} else {
		event->dataset = FLOW_ZEEK_CONN;
		decode_conn(object, event);
	}
	return RECORD_EVENT;
}
