/*
 * test_ecs.c - every document ecs.c writes is valid ECS 9.4.
 *
 * Each alert and flow event built here is parsed back and walked leaf by
 * leaf against the ECS field list in ../shared/ecs/ecs_fields.json (name ->
 * type, normalize, allowed values).  A leaf outside "fanin." must be an
 * ECS field; its JSON type must fit the ECS type (keyword and text are
 * strings, ip parses as a canonical address, date is RFC 3339 UTC, long is
 * an integer, float a number, boolean a bool); a field ECS normalizes to
 * an array is an array; event.kind, event.category and event.type hold
 * allowed values only.  The groups must come in the documented order.
 *
 * The alert id is pinned to values computed with the xxh128sum tool, so a
 * change of hash, byte order or canonical string shows up here.
 *
 * Without the shared directory (make distcheck) the schema tests cannot
 * run: the others still do, and the program exits 77 (skipped) if they
 * pass.
 */
#define _GNU_SOURCE		/* strptime, timegm */

#include <arpa/inet.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "addr.h"
#include "ecs.h"
#include "flow.h"
#include "model.h"

#ifndef SHARED_DIR
#define SHARED_DIR	""
#endif
#define SCHEMA_PATH	SHARED_DIR "/ecs/ecs_fields.json"

#define BUCKET_START	1767592800.0	/* 2026-01-05T06:00:00Z */
#define SPAN		21600u
#define CREATED		1767607260.25	/* 2026-01-05T10:01:00.25Z */

static json_t	*schema;

/* The top-level groups, in the only order they may appear. */
static const char *const group_order[] = {
	"@timestamp", "ecs", "event", "rule", "threat", "destination", "source",
	"network", "related", "message", "fanin"
};

/* ---------------------------------------------------------------------
 * Building inputs.
 */

/* Parse an address the test knows to be valid. */
static struct ip_addr
ip(const char *text)
{
	struct ip_addr	addr;

	assert_int_equal(addr_parse(text, strlen(text), &addr), 0);
	return addr;
}

/* A spike on destination with n sources, IPv4 or IPv6 like it. */
static void
make_spike(struct spike *spike, const char *destination, size_t n)
{
	char	text[ADDR_TEXT_MAX];
	size_t	i;

	memset(spike, 0, sizeof *spike);
	spike->destination = ip(destination);
	spike->destination_port = 3389;
	spike->timestamp = BUCKET_START + 14400.5;
	spike->bucket_start = BUCKET_START;
	spike->bucket_span = SPAN;
	spike->distinct_sources = n;
	spike->typical = 1.234;
	spike->score = 98;
	spike->mode = "population";
	spike->connections = 2 * n + 1;
	spike->sources = calloc(n ? n : 1, sizeof *spike->sources);
	assert_non_null(spike->sources);
	spike->nsources = n;
	for (i = 0; i < n; i++) {
		if (spike->destination.family == 4)
			snprintf(text, sizeof text, "198.51.%zu.%zu",
			    100 + i / 200, 10 + i % 200);
		else
			snprintf(text, sizeof text, "2001:db8:1::%zx", i + 16);
		spike->sources[i].ip = ip(text);
		spike->sources[i].first = BUCKET_START + 60.0 * (double)i;
		spike->sources[i].connections = 1 + i % 3;
		spike->sources[i].seen_before = i % 2 == 0;
	}
}

/* A plain established RDP connection of the given dataset. */
static void
make_flow(struct flow_event *flow, enum flow_dataset dataset)
{
	memset(flow, 0, sizeof *flow);
	flow->start = 1767607200.5;
	flow->written = flow->start + 12.0;
	flow->dataset = dataset;
	flow->source = ip("198.51.100.10");
	flow->destination = ip("203.0.113.5");
	flow->source_port = 49152;
	flow->destination_port = 3389;
	strcpy(flow->transport, "tcp");
	strcpy(flow->service, "rdp");
	strcpy(flow->state, "SF");
	flow->setup = FLOW_SETUP_ESTABLISHED;
	strcpy(flow->id, "CHhAvVGS1DHFjwGM9");
}

/* ---------------------------------------------------------------------
 * Reading documents back.
 */

/* Parse one line; it must be a single JSON object with no newline. */
static json_t *
parse(const char *line)
{
	json_error_t	 error;
	json_t		*document;

	assert_non_null(line);
	assert_null(strchr(line, '\n'));
	document = json_loads(line, JSON_REJECT_DUPLICATES, &error);
	if (document == NULL)
		fail_msg("not JSON (%s): %s", error.text, line);
	assert_true(json_is_object(document));
	return document;
}

/* The value at a dotted path of nested objects, or NULL. */
static json_t *
get(json_t *document, const char *path)
{
	char	 key[128];
	size_t	 len;
	json_t	*value = document;

	while (value != NULL && *path != '\0') {
		len = strcspn(path, ".");
		assert_true(len < sizeof key);
		memcpy(key, path, len);
		key[len] = '\0';
		value = json_object_get(value, key);
		path += len + (path[len] == '.');
	}
	return value;
}

/* The string at path, which must exist. */
static const char *
get_string(json_t *document, const char *path)
{
	json_t	*value = get(document, path);

	if (!json_is_string(value))
		fail_msg("%s is not a string", path);
	return json_string_value(value);
}

/* The integer at path, which must exist. */
static long long
get_integer(json_t *document, const char *path)
{
	json_t	*value = get(document, path);

	if (!json_is_integer(value))
		fail_msg("%s is not an integer", path);
	return json_integer_value(value);
}

/* The array at path must hold exactly the given strings. */
static void
assert_strings(json_t *document, const char *path, ...)
{
	json_t		*array = get(document, path);
	const char	*want;
	size_t		 i = 0;
	va_list		 ap;

	if (!json_is_array(array))
		fail_msg("%s is not an array", path);
	va_start(ap, path);
	while ((want = va_arg(ap, const char *)) != NULL) {
		assert_true(i < json_array_size(array));
		assert_string_equal(json_string_value(json_array_get(array,
		    i)), want);
		i++;
	}
	va_end(ap);
	assert_int_equal(json_array_size(array), i);
}

/* ---------------------------------------------------------------------
 * The ECS schema check.
 */

/* Whether text is an address in canonical form (as inet_ntop writes). */
static int
is_canonical_ip(const char *text)
{
	unsigned char	bytes[16];
	char		again[INET6_ADDRSTRLEN];
	int		family = strchr(text, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(family, text, bytes) != 1)
		return 0;
	inet_ntop(family, bytes, again, sizeof again);
	return strcmp(text, again) == 0;
}

/* Whether text is "YYYY-MM-DDTHH:MM:SS.ffffffZ", a real UTC time. */
static int
is_rfc3339(const char *text)
{
	static const char	pattern[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	struct tm		tm, back;
	time_t			t;
	size_t			i;

	if (strlen(text) != sizeof pattern - 1)
		return 0;
	for (i = 0; pattern[i] != '\0'; i++) {
		if (pattern[i] == 'd' ? text[i] < '0' || text[i] > '9' :
		    text[i] != pattern[i])
			return 0;
	}
	memset(&tm, 0, sizeof tm);
	if (strptime(text, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return 0;
	back = tm;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return tm.tm_mday == back.tm_mday && tm.tm_hour == back.tm_hour &&
	    tm.tm_min == back.tm_min && tm.tm_sec == back.tm_sec;
}

/* Whether the field's normalize list holds "array". */
static int
normalized_to_array(json_t *field)
{
	json_t	*normalize = json_object_get(field, "normalize"), *item;
	size_t	 i;

	json_array_foreach(normalize, i, item) {
		if (strcmp(json_string_value(item), "array") == 0)
			return 1;
	}
	return 0;
}

/* One scalar value must fit the ECS type and allowed values of name. */
static void
check_scalar(const char *name, json_t *field, json_t *value)
{
	const char	*type = json_string_value(json_object_get(field,
			    "type"));
	json_t		*allowed = json_object_get(field, "allowed_values");
	json_t		*item;
	size_t		 i;
	int		 found = 0;

	assert_non_null(type);
	if (strcmp(type, "keyword") == 0 || strcmp(type, "wildcard") == 0 ||
	    strcmp(type, "constant_keyword") == 0 ||
	    strcmp(type, "match_only_text") == 0 ||
	    strcmp(type, "text") == 0) {
		if (!json_is_string(value) || json_string_length(value) == 0)
			fail_msg("%s (%s) is not a non-empty string", name,
			    type);
	} else if (strcmp(type, "ip") == 0) {
		if (!json_is_string(value) ||
		    !is_canonical_ip(json_string_value(value)))
			fail_msg("%s is not a canonical address", name);
	} else if (strcmp(type, "date") == 0) {
		if (!json_is_string(value) ||
		    !is_rfc3339(json_string_value(value)))
			fail_msg("%s is not an RFC 3339 UTC time", name);
	} else if (strcmp(type, "long") == 0 ||
	    strcmp(type, "integer") == 0) {
		if (!json_is_integer(value))
			fail_msg("%s (%s) is not an integer", name, type);
	} else if (strcmp(type, "float") == 0 ||
	    strcmp(type, "double") == 0 ||
	    strcmp(type, "scaled_float") == 0) {
		if (!json_is_number(value))
			fail_msg("%s (%s) is not a number", name, type);
	} else if (strcmp(type, "boolean") == 0) {
		if (!json_is_boolean(value))
			fail_msg("%s is not a boolean", name);
	} else
		fail_msg("%s has type %s, which fanin never writes", name,
		    type);

	if (allowed == NULL)
		return;
	json_array_foreach(allowed, i, item) {
		if (strcmp(json_string_value(item),
		    json_string_value(value)) == 0)
			found = 1;
	}
	if (!found)
		fail_msg("%s: \"%s\" is not an allowed value", name,
		    json_string_value(value));
}

/* One leaf must be an ECS field of the right shape. */
static void
check_leaf(const char *name, json_t *value)
{
	json_t	*field = json_object_get(schema, name), *item;
	size_t	 i;

	if (field == NULL)
		fail_msg("%s is not an ECS field", name);
	if (!normalized_to_array(field)) {
		if (json_is_array(value))
			fail_msg("%s is an array; ECS wants one value", name);
		check_scalar(name, field, value);
		return;
	}
	if (!json_is_array(value) || json_array_size(value) == 0)
		fail_msg("%s must be a non-empty array", name);
	json_array_foreach(value, i, item)
		check_scalar(name, field, item);
}

/* The detector's own figures: any shape, but an ip is never "". */
static void
check_fanin(const char *name, json_t *value)
{
	const char	*last = strrchr(name, '.');
	json_t		*item;
	const char	*key;
	char		 child[256];
	size_t		 i;

	if (json_is_object(value)) {
		json_object_foreach(value, key, item) {
			snprintf(child, sizeof child, "%s.%s", name, key);
			check_fanin(child, item);
		}
	} else if (json_is_array(value)) {
		json_array_foreach(value, i, item)
			check_fanin(name, item);
	} else if (last != NULL && strcmp(last, ".ip") == 0) {
		if (!json_is_string(value) ||
		    !is_canonical_ip(json_string_value(value)))
			fail_msg("%s is not a canonical address", name);
	}
}

/* Walk an object whose fields sit under prefix ("" at the top). */
static void
check_object(const char *prefix, json_t *object)
{
	const char	*key;
	json_t		*value;
	char		 name[256];

	json_object_foreach(object, key, value) {
		if (strchr(key, '.') != NULL)
			fail_msg("dotted key \"%s\" under \"%s\"", key,
			    prefix);
		snprintf(name, sizeof name, "%s%s%s", prefix,
		    *prefix ? "." : "", key);
		if (strcmp(name, "fanin") == 0)
			check_fanin(name, value);
		else if (json_is_object(value))
			check_object(name, value);
		else
			check_leaf(name, value);
	}
}

/* The top-level groups must follow group_order. */
static void
check_order(json_t *document)
{
	const char	*key;
	json_t		*value;
	size_t		 next = 0, n = sizeof group_order / sizeof *group_order;

	json_object_foreach(document, key, value) {
		while (next < n && strcmp(group_order[next], key) != 0)
			next++;
		if (next == n)
			fail_msg("group \"%s\" out of order or unknown", key);
		next++;
	}
}

/* Parse a line (freed here) and hold it to ECS; returns the document. */
static json_t *
validate(char *line)
{
	json_t	*document = parse(line);

	free(line);
	assert_true(strcmp(json_object_iter_key(json_object_iter(document)),
	    "@timestamp") == 0);
	check_order(document);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(document, "ecs"), "version")), "9.4.0");
	check_object("", document);
	return document;
}

/* ---------------------------------------------------------------------
 * Alerts.
 */

/* An IPv4 alert with three sources: every documented field, exactly. */
static void
test_alert_fields(void **state)
{
	struct spike	 spike;
	json_t		*doc, *source;
	char		 id[ECS_ALERT_ID_LEN + 1];

	make_spike(&spike, "203.0.113.5", 3);
	doc = validate(ecs_alert(&spike, CREATED));

	assert_string_equal(get_string(doc, "@timestamp"),
	    "2026-01-05T10:00:00.500000Z");
	assert_string_equal(get_string(doc, "event.kind"), "alert");
	assert_strings(doc, "event.category", "network",
	    "intrusion_detection", NULL);
	assert_strings(doc, "event.type", "info", NULL);
	assert_int_equal(get_integer(doc, "event.severity"), 21);
	assert_int_equal(get_integer(doc, "event.risk_score"), 21);
	assert_int_equal(get_integer(doc, "event.risk_score_norm"), 98);
	assert_string_equal(get_string(doc, "event.dataset"), "fanin.alert");
	assert_string_equal(get_string(doc, "event.created"),
	    "2026-01-05T10:01:00.250000Z");
	assert_string_equal(get_string(doc, "event.start"),
	    "2026-01-05T06:00:00.000000Z");
	assert_string_equal(get_string(doc, "event.end"),
	    "2026-01-05T12:00:00.000000Z");
	ecs_alert_id(&spike.destination, BUCKET_START, SPAN, id);
	assert_string_equal(get_string(doc, "event.id"), id);

	assert_string_equal(get_string(doc, "rule.name"), ECS_RULE_NAME);
	assert_string_equal(get_string(doc, "rule.uuid"),
	    "18a5dd9a-e3fa-4996-99b1-ae533b8f27fc");
	assert_string_equal(get_string(doc, "rule.ruleset"), "fanin");
	assert_string_equal(get_string(doc, "rule.version"), "5");

	assert_string_equal(get_string(doc, "threat.framework"),
	    "MITRE ATT&CK");
	assert_strings(doc, "threat.tactic.id", "TA0008", NULL);
	assert_strings(doc, "threat.tactic.name", "Lateral Movement", NULL);
	assert_strings(doc, "threat.tactic.reference",
	    "https://attack.mitre.org/tactics/TA0008/", NULL);
	assert_strings(doc, "threat.technique.id", "T1210", NULL);
	assert_strings(doc, "threat.technique.name",
	    "Exploitation of Remote Services", NULL);
	assert_strings(doc, "threat.technique.reference",
	    "https://attack.mitre.org/techniques/T1210/", NULL);

	assert_string_equal(get_string(doc, "destination.ip"), "203.0.113.5");
	assert_int_equal(get_integer(doc, "destination.port"), 3389);
	assert_null(get(doc, "source"));
	assert_string_equal(get_string(doc, "network.protocol"), "rdp");
	assert_strings(doc, "related.ip", "203.0.113.5", "198.51.100.10",
	    "198.51.100.11", "198.51.100.12", NULL);
	assert_string_equal(get_string(doc, "message"),
	    "203.0.113.5 received RDP from 3 distinct sources between "
	    "2026-01-05T06:00:00Z and 12:00:00Z, typically 1.23; score 98 "
	    "(population)");

	assert_int_equal(get_integer(doc, "fanin.distinct_sources"), 3);
	assert_true(json_real_value(get(doc, "fanin.typical")) == 1.23);
	assert_int_equal(get_integer(doc, "fanin.score"), 98);
	assert_string_equal(get_string(doc, "fanin.mode"), "population");
	assert_int_equal(get_integer(doc, "fanin.bucket_span"), 21600);
	assert_int_equal(get_integer(doc, "fanin.connections"), 7);
	assert_int_equal(json_array_size(get(doc, "fanin.sources")), 3);
	source = json_array_get(get(doc, "fanin.sources"), 1);
	assert_string_equal(get_string(source, "ip"), "198.51.100.11");
	assert_string_equal(get_string(source, "first"),
	    "2026-01-05T06:01:00.000000Z");
	assert_int_equal(get_integer(source, "connections"), 2);
	assert_true(json_is_false(get(source, "seen_before")));
	assert_true(json_is_false(get(doc, "fanin.sources_truncated")));

	json_decref(doc);
	free(spike.sources);
}

/* The raw line: compact, nested, clean decimals, groups in order. */
static void
test_alert_line(void **state)
{
	static const char	 start[] = "{\"@timestamp\":"
				    "\"2026-01-05T10:00:00.500000Z\","
				    "\"ecs\":{\"version\":\"9.4.0\"},"
				    "\"event\":{\"kind\":\"alert\",";
	struct spike		 spike;
	char			*line;

	make_spike(&spike, "203.0.113.5", 3);
	line = ecs_alert(&spike, CREATED);
	assert_non_null(line);
	assert_true(strncmp(line, start, sizeof start - 1) == 0);
	assert_non_null(strstr(line, "\"typical\":1.23,"));
	assert_non_null(strstr(line, "\"risk_score\":21,"));
	assert_null(strstr(line, "\"event.kind\""));
	assert_null(strstr(line, "\": "));
	free(line);
	free(spike.sources);
}

/* No sources listed: related.ip is the destination alone. */
static void
test_alert_no_sources(void **state)
{
	struct spike	 spike;
	json_t		*doc;

	make_spike(&spike, "203.0.113.5", 0);
	spike.distinct_sources = 1;
	spike.destination_port = FLOW_NO_PORT;
	doc = validate(ecs_alert(&spike, CREATED));
	assert_strings(doc, "related.ip", "203.0.113.5", NULL);
	assert_int_equal(json_array_size(get(doc, "fanin.sources")), 0);
	assert_null(get(doc, "destination.port"));
	assert_non_null(strstr(get_string(doc, "message"),
	    "from 1 distinct source between"));
	json_decref(doc);
	free(spike.sources);
}

/* 150 sources on IPv6: related.ip stops at the destination plus 100. */
static void
test_alert_ipv6_many_sources(void **state)
{
	struct spike	 spike;
	json_t		*doc, *related;

	make_spike(&spike, "2001:DB8:0:0::5", 150);
	spike.sources_truncated = true;
	spike.distinct_sources = 4000;
	doc = validate(ecs_alert(&spike, CREATED));
	related = get(doc, "related.ip");
	assert_int_equal(json_array_size(related), 101);
	assert_string_equal(json_string_value(json_array_get(related, 0)),
	    "2001:db8::5");
	assert_string_equal(json_string_value(json_array_get(related, 1)),
	    "2001:db8:1::10");
	assert_string_equal(json_string_value(json_array_get(related, 100)),
	    "2001:db8:1::73");
	assert_string_equal(get_string(doc, "destination.ip"), "2001:db8::5");
	assert_int_equal(json_array_size(get(doc, "fanin.sources")), 150);
	assert_true(json_is_true(get(doc, "fanin.sources_truncated")));
	assert_non_null(strstr(get_string(doc, "message"),
	    "2001:db8::5 received RDP from 4000 distinct sources"));
	json_decref(doc);
	free(spike.sources);
}

/* 150 IPv4 sources, one of them the destination itself. */
static void
test_alert_ipv4_many_sources(void **state)
{
	struct spike	 spike;
	json_t		*doc, *related;
	size_t		 i;

	make_spike(&spike, "198.51.100.12", 150);
	doc = validate(ecs_alert(&spike, CREATED));
	related = get(doc, "related.ip");
	assert_int_equal(json_array_size(related), 101);
	for (i = 1; i < json_array_size(related); i++)
		assert_string_not_equal(json_string_value(
		    json_array_get(related, i)), "198.51.100.12");
	json_decref(doc);
	free(spike.sources);
}

/* A bucket that ends on the next day, fixed mode, a typical of 0. */
static void
test_alert_message_next_day(void **state)
{
	struct spike	 spike;
	json_t		*doc;

	make_spike(&spike, "203.0.113.5", 5);
	spike.bucket_start = BUCKET_START + 12 * 3600;
	spike.timestamp = spike.bucket_start + 1;
	spike.typical = 0;
	spike.score = 100;
	spike.mode = "fixed";
	doc = validate(ecs_alert(&spike, CREATED));
	assert_string_equal(get_string(doc, "message"),
	    "203.0.113.5 received RDP from 5 distinct sources between "
	    "2026-01-05T18:00:00Z and 2026-01-06T00:00:00Z, typically 0; "
	    "score 100 (fixed)");
	assert_true(json_number_value(get(doc, "fanin.typical")) == 0);
	json_decref(doc);
	free(spike.sources);
}

/* A typical that is no number is written as null, not as garbage. */
static void
test_alert_typical_not_finite(void **state)
{
	struct spike	 spike;
	json_t		*doc;

	make_spike(&spike, "203.0.113.5", 5);
	spike.typical = NAN;
	doc = validate(ecs_alert(&spike, CREATED));
	assert_true(json_is_null(get(doc, "fanin.typical")));
	json_decref(doc);
	free(spike.sources);
}

/* ---------------------------------------------------------------------
 * The alert id.
 */

/* The id is 32 lowercase hex digits, pinned to xxh128sum's answer. */
static void
test_alert_id_pinned(void **state)
{
	struct ip_addr	v4 = ip("203.0.113.5"), v6 = ip("2001:db8::5");
	char		id[ECS_ALERT_ID_LEN + 1];

	/* printf '%s' '<uuid>|203.0.113.5|1767592800|21600' | xxh128sum */
	ecs_alert_id(&v4, BUCKET_START, SPAN, id);
	assert_string_equal(id, "dea9b86b809ced5a82ca83758707a1d7");
	/* printf '%s' '<uuid>|2001:db8::5|1767592800|3600' | xxh128sum */
	ecs_alert_id(&v6, BUCKET_START, 3600, id);
	assert_string_equal(id, "0caea7ea641f75629d0c18235e40cac1");
}

/* The same spike gives the same id, whatever spelling of the address. */
static void
test_alert_id_stable(void **state)
{
	struct ip_addr	a = ip("203.0.113.5"), b = ip("::ffff:203.0.113.5");
	struct ip_addr	c = ip("2001:db8::5"), d = ip("2001:0DB8:0::0:5");
	char		x[ECS_ALERT_ID_LEN + 1], y[ECS_ALERT_ID_LEN + 1];

	ecs_alert_id(&a, BUCKET_START, SPAN, x);
	ecs_alert_id(&b, BUCKET_START, SPAN, y);
	assert_string_equal(x, y);
	ecs_alert_id(&c, BUCKET_START, SPAN, x);
	ecs_alert_id(&d, BUCKET_START, SPAN, y);
	assert_string_equal(x, y);
	assert_int_equal(strspn(x, "0123456789abcdef"), ECS_ALERT_ID_LEN);
	assert_int_equal(strlen(x), ECS_ALERT_ID_LEN);
}

/* Another bucket, destination or span is another id. */
static void
test_alert_id_differs(void **state)
{
	struct ip_addr	a = ip("203.0.113.5"), b = ip("203.0.113.6");
	char		base[ECS_ALERT_ID_LEN + 1], other[ECS_ALERT_ID_LEN + 1];

	ecs_alert_id(&a, BUCKET_START, SPAN, base);
	ecs_alert_id(&a, BUCKET_START + SPAN, SPAN, other);
	assert_string_not_equal(base, other);
	ecs_alert_id(&b, BUCKET_START, SPAN, other);
	assert_string_not_equal(base, other);
	ecs_alert_id(&a, BUCKET_START, 3600, other);
	assert_string_not_equal(base, other);
}

/* ---------------------------------------------------------------------
 * Flow events.
 */

/* Each dataset: the documented fields and nothing outside ECS. */
static void
test_event_datasets(void **state)
{
	static const enum flow_dataset	datasets[] = {
		FLOW_ZEEK_CONN, FLOW_ZEEK_RDP, FLOW_EVE_FLOW, FLOW_EVE_RDP
	};
	struct flow_event		flow;
	json_t				*doc;
	size_t				 i;

	for (i = 0; i < sizeof datasets / sizeof *datasets; i++) {
		make_flow(&flow, datasets[i]);
		if (datasets[i] == FLOW_EVE_FLOW ||
		    datasets[i] == FLOW_EVE_RDP)
			strcpy(flow.id, "1234567890123456");
		doc = validate(ecs_event(&flow, i % 2 == 0));
		assert_string_equal(get_string(doc, "@timestamp"),
		    "2026-01-05T10:00:00.500000Z");
		assert_string_equal(get_string(doc, "event.kind"), "event");
		assert_strings(doc, "event.category", "network", NULL);
		assert_strings(doc, "event.type", "connection", NULL);
		assert_string_equal(get_string(doc, "event.dataset"),
		    flow_dataset_name(datasets[i]));
		assert_string_equal(get_string(doc, "event.id"), flow.id);
		assert_string_equal(get_string(doc, "source.ip"),
		    "198.51.100.10");
		assert_int_equal(get_integer(doc, "source.port"), 49152);
		assert_string_equal(get_string(doc, "destination.ip"),
		    "203.0.113.5");
		assert_int_equal(get_integer(doc, "destination.port"), 3389);
		assert_string_equal(get_string(doc, "network.transport"),
		    "tcp");
		assert_string_equal(get_string(doc, "network.protocol"),
		    "rdp");
		assert_true(json_is_boolean(get(doc, "fanin.counted")));
		assert_true(json_boolean_value(get(doc, "fanin.counted")) ==
		    (i % 2 == 0));
		assert_string_equal(get_string(doc, "fanin.state"), "SF");
		assert_string_equal(get_string(doc, "fanin.setup"),
		    "established");
		json_decref(doc);
	}
}

/* network.protocol: rdp when a service list names it, else the first. */
static void
test_event_protocol(void **state)
{
	static const char	*cases[][2] = {
		{ "ssl,http", "ssl" }, { "SSL,RDP", "rdp" },
		{ "ssl,rdp,x", "rdp" }, { "http", "http" }, { ",ssl", NULL },
	};
	struct flow_event	 flow;
	json_t			*doc;
	size_t			 i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		make_flow(&flow, FLOW_ZEEK_CONN);
		snprintf(flow.service, sizeof flow.service, "%s",
		    cases[i][0]);
		doc = validate(ecs_event(&flow, true));
		if (cases[i][1] == NULL)
			assert_null(get(doc, "network.protocol"));
		else
			assert_string_equal(get_string(doc,
			    "network.protocol"), cases[i][1]);
		json_decref(doc);
	}
}

/* ICMP on IPv6: no ports, even when a decoder left type and code. */
static void
test_event_icmp(void **state)
{
	struct flow_event	 flow;
	json_t			*doc;

	make_flow(&flow, FLOW_EVE_FLOW);
	flow.source = ip("2001:db8::10");
	flow.destination = ip("2001:db8::5");
	strcpy(flow.transport, "IPv6-ICMP");
	flow.service[0] = '\0';
	flow.state[0] = '\0';
	flow.setup = FLOW_SETUP_UNKNOWN;
	flow.source_port = FLOW_NO_PORT;
	flow.destination_port = FLOW_NO_PORT;
	doc = validate(ecs_event(&flow, false));
	assert_null(get(doc, "source.port"));
	assert_null(get(doc, "destination.port"));
	assert_string_equal(get_string(doc, "source.ip"), "2001:db8::10");
	assert_string_equal(get_string(doc, "network.transport"),
	    "ipv6-icmp");
	assert_null(get(doc, "network.protocol"));
	assert_null(get(doc, "fanin.state"));
	assert_string_equal(get_string(doc, "fanin.setup"), "unknown");
	json_decref(doc);

	make_flow(&flow, FLOW_ZEEK_CONN);
	strcpy(flow.transport, "icmp");
	flow.source_port = 8;		/* echo request, as Zeek writes it */
	flow.destination_port = 0;
	doc = validate(ecs_event(&flow, false));
	assert_null(get(doc, "source.port"));
	assert_null(get(doc, "destination.port"));
	json_decref(doc);
}

/* Nothing known: no empty strings, no empty groups, no "" in an ip. */
static void
test_event_sparse(void **state)
{
	struct flow_event	 flow;
	json_t			*doc;

	make_flow(&flow, FLOW_ZEEK_RDP);
	memset(&flow.source, 0, sizeof flow.source);
	flow.source_port = FLOW_NO_PORT;
	flow.transport[0] = '\0';
	flow.service[0] = '\0';
	flow.state[0] = '\0';
	flow.id[0] = '\0';
	flow.setup = FLOW_SETUP_ATTEMPT;
	doc = validate(ecs_event(&flow, false));
	assert_null(get(doc, "source"));
	assert_null(get(doc, "event.id"));
	assert_null(get(doc, "network"));
	assert_string_equal(get_string(doc, "destination.ip"), "203.0.113.5");
	assert_string_equal(get_string(doc, "fanin.setup"), "attempt");
	json_decref(doc);
}

/* A Zeek service list is one protocol, lowercased: "SSL,RDP" is rdp. */
static void
test_event_service_lowercased(void **state)
{
	struct flow_event	 flow;
	json_t			*doc;

	make_flow(&flow, FLOW_ZEEK_CONN);
	strcpy(flow.service, "SSL,RDP");
	strcpy(flow.state, "RSTO");
	doc = validate(ecs_event(&flow, true));
	assert_string_equal(get_string(doc, "network.protocol"), "rdp");
	assert_string_equal(get_string(doc, "fanin.state"), "RSTO");
	json_decref(doc);
}

/* Ill-formed UTF-8 from a log becomes U+FFFD; the rest is kept. */
static void
test_event_invalid_utf8(void **state)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "rdp\xff", "rdp\xef\xbf\xbd" },
		{ "Caf\xc3\xa9", "caf\xc3\xa9" },
		{ "\xc0\x80x", "\xef\xbf\xbd\xef\xbf\xbdx" },
		{ "\xe0\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xe2\x82X", "\xef\xbf\xbdx" },
		{ "a\xf0\x9f\x98", "a\xef\xbf\xbd" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "\xf4\x90\x80\x80",
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "rdp\tx", "rdp\tx" },
	};
	struct flow_event	 flow;
	json_t			*doc;
	size_t			 i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		make_flow(&flow, FLOW_ZEEK_CONN);
		strcpy(flow.service, cases[i].in);
		strcpy(flow.state, cases[i].in);
		strcpy(flow.id, "C\xfe\xfe");
		doc = validate(ecs_event(&flow, false));
		assert_string_equal(get_string(doc, "network.protocol"),
		    cases[i].out);
		assert_string_equal(get_string(doc, "event.id"),
		    "C\xef\xbf\xbd\xef\xbf\xbd");
		json_decref(doc);
	}

	make_flow(&flow, FLOW_ZEEK_CONN);
	memset(flow.service, 0xff, sizeof flow.service - 1);
	flow.service[sizeof flow.service - 1] = '\0';
	doc = validate(ecs_event(&flow, false));
	assert_int_equal(strlen(get_string(doc, "network.protocol")),
	    3 * (sizeof flow.service - 1));
	json_decref(doc);
}

/* The event line itself, as a shipper will read it. */
static void
test_event_line(void **state)
{
	struct flow_event	 flow;
	char			*line;

	make_flow(&flow, FLOW_ZEEK_CONN);
	line = ecs_event(&flow, true);
	assert_string_equal(line, "{\"@timestamp\":"
	    "\"2026-01-05T10:00:00.500000Z\","
	    "\"ecs\":{\"version\":\"9.4.0\"},\"event\":{\"kind\":\"event\","
	    "\"category\":[\"network\"],\"type\":[\"connection\"],"
	    "\"dataset\":\"zeek.conn\",\"id\":\"CHhAvVGS1DHFjwGM9\"},"
	    "\"destination\":{\"ip\":\"203.0.113.5\",\"port\":3389},"
	    "\"source\":{\"ip\":\"198.51.100.10\",\"port\":49152},"
	    "\"network\":{\"transport\":\"tcp\",\"protocol\":\"rdp\"},"
	    "\"fanin\":{\"counted\":true,\"service\":\"rdp\","
	    "\"state\":\"SF\",\"setup\":\"established\"}}");
	free(line);
}

/* Load the ECS field list once for the schema tests. */
static int
load_schema(void **state)
{
	json_error_t	error;

	schema = json_load_file(SCHEMA_PATH, 0, &error);
	if (schema == NULL) {
		fprintf(stderr, "%s: %s\n", SCHEMA_PATH, error.text);
		return -1;
	}
	return 0;
}

/* Release the ECS field list. */
static int
free_schema(void **state)
{
	json_decref(schema);
	return 0;
}

/* Run the schema-free tests; the rest only when ../shared is there. */
int
main(void)
{
	const struct CMUnitTest	plain[] = {
		cmocka_unit_test(test_alert_id_pinned),
		cmocka_unit_test(test_alert_id_stable),
		cmocka_unit_test(test_alert_id_differs),
		cmocka_unit_test(test_alert_line),
		cmocka_unit_test(test_event_line),
	};
	const struct CMUnitTest	with_schema[] = {
		cmocka_unit_test(test_alert_fields),
		cmocka_unit_test(test_alert_no_sources),
		cmocka_unit_test(test_alert_ipv6_many_sources),
		cmocka_unit_test(test_alert_ipv4_many_sources),
		cmocka_unit_test(test_alert_message_next_day),
		cmocka_unit_test(test_alert_typical_not_finite),
		cmocka_unit_test(test_event_datasets),
		cmocka_unit_test(test_event_protocol),
		cmocka_unit_test(test_event_icmp),
		cmocka_unit_test(test_event_sparse),
		cmocka_unit_test(test_event_service_lowercased),
		cmocka_unit_test(test_event_invalid_utf8),
	};
	int			failed;

	failed = cmocka_run_group_tests_name("ecs", plain, NULL, NULL);
	if (SHARED_DIR[0] == '\0' || access(SCHEMA_PATH, R_OK) != 0) {
		fprintf(stderr, "test_ecs: %s not found; schema tests "
		    "skipped\n", SCHEMA_PATH);
		return failed ? 1 : 77;
	}
	failed += cmocka_run_group_tests_name("ecs-schema", with_schema,
	    load_schema, free_schema);
	return failed ? 1 : 0;
}
