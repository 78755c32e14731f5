/*
 * ecs.c - alerts and flow events as ECS 9.4 JSON documents.
 *
 * Every document is one jansson object built in a fixed order and dumped
 * compact, keys in insertion order, so that two runs over the same logs
 * write byte-identical lines and a reader always finds the groups in the
 * same place: @timestamp, event, rule, threat, destination, source,
 * network, related, message, and last the detector's own figures under
 * "fanin".  Groups are nested objects ("event": {"kind": ...}), never
 * dotted keys, which is what Elasticsearch and most shippers expect.
 *
 * Text that comes from a log (a Zeek uid, a service, a connection state)
 * may hold any byte.  JSON must be UTF-8 and jansson refuses a string that
 * is not, so such text goes through a sanitizer first: each maximal
 * ill-formed subsequence becomes one U+FFFD, as the Unicode standard
 * recommends, and everything well formed passes untouched.  Addresses and
 * times are formatted here from binary values and are plain ASCII.
 *
 * An address field is written only when the address is known: an empty
 * string in an ECS ip field makes Elasticsearch reject the whole document.
 * Ports are written only when the record has one; ICMP type and code are
 * never written as ports even if a decoder left them in the port slots.
 *
 * The alert's event.id is XXH3-128 over "rule uuid|destination|bucket
 * start|span", written as 32 lowercase hex digits in xxHash's canonical
 * (big-endian) byte order.  It depends on nothing but the spike's identity,
 * so a replay, a restart or a second sensor reporting the same bucket gives
 * the same id and a SIEM can de-duplicate on it.  Interim alerts for the
 * bucket in progress share the id of the bucket they belong to.
 *
 * Numbers: counts are JSON integers, fanin.typical is rounded to two
 * decimals, and the dump uses 15 significant digits so that 2.91 is written
 * as 2.91 rather than 2.9100000000000001.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <xxhash.h>

#include "addr.h"
#include "ecs.h"
#include "flow.h"
#include "model.h"
#include "timestamp.h"
#include "util.h"

/* How many sources related.ip lists besides the destination. */
#define RELATED_SOURCES_MAX	100

/* How documents are dumped: one line, insertion order, clean decimals. */
#define DUMP_FLAGS	(JSON_COMPACT | JSON_PRESERVE_ORDER | \
			    JSON_REAL_PRECISION(15))

/* The seed rule's page, written as rule.reference. */
#define RULE_REFERENCE	"https://www.elastic.co/guide/en/security/" \
			"current/prebuilt-rule-8-17-4-spike-in-number-of-" \
			"connections-made-to-a-destination-ip.html"

/* rule.description: what the rule sees, in one sentence. */
#define RULE_DESCRIPTION "Many distinct sources opened RDP connections " \
			"to one destination that normally sees few, a sign " \
			"of lateral movement from several compromised hosts."

/* ---------------------------------------------------------------------
 * Building objects.  jansson returns NULL only when memory runs out (or
 * on invalid UTF-8, which the sanitizer below rules out), so a NULL here
 * aborts in one place like the x*alloc wrappers.
 */

/* Abort: jansson could not allocate a value. */
static void
json_out_of_memory(const char *key)
{
	fprintf(stderr, "fanin: fatal: out of memory building \"%s\"\n",
	    key);
	abort();
}

/* Add value under key, taking the reference; abort when value is NULL. */
static void
put(json_t *object, const char *key, json_t *value)
{
	if (value == NULL || json_object_set_new(object, key, value) != 0)
		json_out_of_memory(key);
}

/* A new empty object, never NULL. */
static json_t *
new_object(void)
{
	json_t	*object = json_object();

	if (object == NULL)
		json_out_of_memory("{}");
	return object;
}

/* A new empty array, never NULL. */
static json_t *
new_array(void)
{
	json_t	*array = json_array();

	if (array == NULL)
		json_out_of_memory("[]");
	return array;
}

/* Append value to array, taking the reference; abort when NULL. */
static void
append(json_t *array, json_t *value)
{
	if (value == NULL || json_array_append_new(array, value) != 0)
		json_out_of_memory("[]");
}

/* An array holding one string constant. */
static json_t *
one_string_array(const char *text)
{
	json_t	*array = new_array();

	append(array, json_string(text));
	return array;
}

/* Dump a finished document as one line and release it. */
static char *
dump(json_t *document)
{
	char	*line;

	line = json_dumps(document, DUMP_FLAGS);
	if (line == NULL)
		json_out_of_memory("document");
	json_decref(document);
	return line;
}

/* ---------------------------------------------------------------------
 * Text from logs: well-formed UTF-8 in, well-formed UTF-8 out.
 */

/*
 * The length of the well-formed UTF-8 sequence at s (1 to 4), or 0 when
 * the bytes there are ill formed; then *skip is the length of the maximal
 * ill-formed subpart (at least 1), which is replaced by one U+FFFD.
 */
static size_t
utf8_sequence(const unsigned char *s, size_t len, size_t *skip)
{
	unsigned char	lead = s[0], low = 0x80, high = 0xbf;
	size_t		need, have;

	*skip = 1;
	if (lead < 0x80)
		return 1;
	if (lead >= 0xc2 && lead <= 0xdf)
		need = 1;
	else if (lead >= 0xe0 && lead <= 0xef) {
		need = 2;
		if (lead == 0xe0)
			low = 0xa0;	/* no overlong forms */
		else if (lead == 0xed)
			high = 0x9f;	/* no UTF-16 surrogates */
	} else if (lead >= 0xf0 && lead <= 0xf4) {
		need = 3;
		if (lead == 0xf0)
			low = 0x90;	/* no overlong forms */
		else if (lead == 0xf4)
			high = 0x8f;	/* nothing past U+10FFFF */
	} else
		return 0;

	for (have = 1; have <= need && have < len; have++) {
		if (s[have] < low || s[have] > high)
			break;
		low = 0x80;
		high = 0xbf;
	}
	if (have == need + 1)
		return have;
	*skip = have;
	return 0;
}

/*
 * A JSON string of len bytes of log text: ill-formed UTF-8 replaced by
 * U+FFFD, and ASCII letters lowercased when lower is set.
 */
static json_t *
log_text(const char *text, size_t len, bool lower)
{
	const unsigned char	*in = (const unsigned char *)text;
	char			*out;
	size_t			 i = 0, n = 0, length, skip, k;
	json_t			*value;

	out = xmalloc(len * 3 + 1);	/* one byte can become EF BF BD */
	while (i < len) {
		length = utf8_sequence(in + i, len - i, &skip);
		if (length == 0) {
			memcpy(out + n, "\xef\xbf\xbd", 3);
			n += 3;
			i += skip;
			continue;
		}
		for (k = 0; k < length; k++) {
			out[n] = (char)in[i + k];
			if (lower && out[n] >= 'A' && out[n] <= 'Z')
				out[n] = (char)(out[n] - 'A' + 'a');
			n++;
		}
		i += length;
	}
	value = json_stringn(out, n);
	free(out);
	return value;
}

/*
 * Add a field of log text unless it is empty; text is NUL terminated
 * within size bytes (a struct flow_event array).
 */
static void
put_log_text(json_t *object, const char *key, const char *text,
    size_t size, bool lower)
{
	size_t	len = strnlen(text, size);

	if (len != 0)
		put(object, key, log_text(text, len, lower));
}

/* ---------------------------------------------------------------------
 * Addresses, ports, times and numbers.
 */

/* Add an address as canonical text, or nothing when it is unknown. */
static void
put_ip(json_t *object, const char *key, const struct ip_addr *ip)
{
	char	text[ADDR_TEXT_MAX];

	if (ip->family != 4 && ip->family != 6)
		return;
	addr_format(ip, text);
	if (text[0] != '\0')
		put(object, key, json_string(text));
}

/* Add a port when there is one. */
static void
put_port(json_t *object, const char *key, int port)
{
	if (port >= 0 && port <= 65535)
		put(object, key, json_integer(port));
}

/* Add a time as RFC 3339 UTC with microseconds. */
static void
put_time(json_t *object, const char *key, double t)
{
	char	text[TIMESTAMP_TEXT_MAX];

	timestamp_format(t, text);
	put(object, key, json_string(text));
}

/* A count as a JSON integer (jansson's integers are signed). */
static json_t *
count(uint64_t n)
{
	if (n > (uint64_t)INT64_MAX)
		n = (uint64_t)INT64_MAX;
	return json_integer((json_int_t)n);
}

/* A figure rounded to two decimals, or null when it is no number. */
static json_t *
two_decimals(double value)
{
	if (!isfinite(value))
		return json_null();
	return json_real(round(value * 100.0) / 100.0);
}

/* Whether a transport carries ICMP type and code instead of ports. */
static bool
is_icmp(const char *transport)
{
	return strcasecmp(transport, "icmp") == 0 ||
	    strcasecmp(transport, "ipv6-icmp") == 0 ||
	    strcasecmp(transport, "icmp6") == 0;
}

/* ---------------------------------------------------------------------
 * The alert id.
 */

/* See ecs.h. */
void
ecs_alert_id(const struct ip_addr *destination, double bucket_start,
    unsigned bucket_span, char *buf)
{
	char			 ip[ADDR_TEXT_MAX] = "", text[160];
	XXH128_hash_t		 hash;
	XXH128_canonical_t	 canonical;
	int			 len;
	size_t			 i;

	if (destination->family == 4 || destination->family == 6)
		addr_format(destination, ip);
	len = snprintf(text, sizeof text, "%s|%s|%lld|%u", ECS_RULE_UUID, ip,
	    (long long)floor(bucket_start), bucket_span);
	hash = XXH3_128bits(text, (size_t)len);
	XXH128_canonicalFromHash(&canonical, hash);
	for (i = 0; i < sizeof canonical.digest; i++)
		snprintf(buf + 2 * i, 3, "%02x", canonical.digest[i]);
	buf[ECS_ALERT_ID_LEN] = '\0';
}

/* ---------------------------------------------------------------------
 * The alert document, group by group.
 */

/* Write a figure with at most two decimals and no trailing zeros. */
static void
figure_text(double value, char *buf, size_t size)
{
	char	*end;

	if (!isfinite(value)) {
		snprintf(buf, size, "unknown");
		return;
	}
	snprintf(buf, size, "%.2f", value);
	end = buf + strlen(buf);
	while (end > buf && end[-1] == '0')
		*--end = '\0';
	if (end > buf && end[-1] == '.')
		*--end = '\0';
}

/*
 * Write a bucket bound for the message: whole seconds, and only the time
 * of day when same_day_as (the other bound) falls on the same date.
 */
static void
bound_text(double t, const char *same_day_as, char *buf, size_t size)
{
	char	full[TIMESTAMP_TEXT_MAX];

	timestamp_format(t, full);
	if (same_day_as != NULL && strncmp(full, same_day_as, 10) == 0)
		snprintf(buf, size, "%.8sZ", full + 11);
	else
		snprintf(buf, size, "%.19sZ", full);
}

/*
 * The message: one sentence a person reads in a SIEM's alert list, e.g.
 * "203.0.113.5 received RDP from 25 distinct sources between
 * 2026-01-05T06:00:00Z and 12:00:00Z, typically 1.2; score 98
 * (population)".
 */
static json_t *
alert_message(const struct spike *spike)
{
	char	ip[ADDR_TEXT_MAX] = "an unknown address";
	char	start[TIMESTAMP_TEXT_MAX], end[TIMESTAMP_TEXT_MAX];
	char	typical[64], mode[32] = "", text[512];

	if (spike->destination.family == 4 || spike->destination.family == 6)
		addr_format(&spike->destination, ip);
	bound_text(spike->bucket_start, NULL, start, sizeof start);
	bound_text(spike->bucket_start + spike->bucket_span, start, end,
	    sizeof end);
	figure_text(spike->typical, typical, sizeof typical);
	if (spike->mode != NULL)
		snprintf(mode, sizeof mode, " (%s)", spike->mode);

	snprintf(text, sizeof text, "%s received RDP from %llu distinct "
	    "source%s between %s and %s, typically %s; score %u%s", ip,
	    (unsigned long long)spike->distinct_sources,
	    spike->distinct_sources == 1 ? "" : "s", start, end, typical,
	    spike->score, mode);
	return json_string(text);
}

/* The alert's event group. */
static json_t *
alert_event(const struct spike *spike, double created)
{
	json_t	*event = new_object(), *category = new_array();
	char	 id[ECS_ALERT_ID_LEN + 1];

	append(category, json_string("network"));
	append(category, json_string("intrusion_detection"));
	ecs_alert_id(&spike->destination, spike->bucket_start,
	    spike->bucket_span, id);

	put(event, "kind", json_string("alert"));
	put(event, "category", category);
	put(event, "type", one_string_array("info"));
	put(event, "severity", json_integer(21));
	put(event, "risk_score", json_integer(21));
	put(event, "risk_score_norm", json_integer(spike->score));
	put(event, "module", json_string("fanin"));
	put(event, "dataset", json_string("fanin.alert"));
	put(event, "id", json_string(id));
	put_time(event, "created", created);
	put_time(event, "start", spike->bucket_start);
	put_time(event, "end", spike->bucket_start + spike->bucket_span);
	return event;
}

/* The alert's rule group: the Elastic rule fanin reproduces. */
static json_t *
alert_rule(void)
{
	json_t	*rule = new_object();

	put(rule, "name", json_string(ECS_RULE_NAME));
	put(rule, "uuid", json_string(ECS_RULE_UUID));
	put(rule, "ruleset", json_string("fanin"));
	put(rule, "version", json_string(ECS_RULE_VERSION));
	put(rule, "description", json_string(RULE_DESCRIPTION));
	put(rule, "reference", json_string(RULE_REFERENCE));
	return rule;
}

/* The alert's threat group: MITRE ATT&CK TA0008 and T1210. */
static json_t *
alert_threat(void)
{
	json_t	*threat = new_object();
	json_t	*tactic = new_object(), *technique = new_object();

	put(tactic, "id", one_string_array("TA0008"));
	put(tactic, "name", one_string_array("Lateral Movement"));
	put(tactic, "reference",
	    one_string_array("https://attack.mitre.org/tactics/TA0008/"));

	put(technique, "id", one_string_array("T1210"));
	put(technique, "name",
	    one_string_array("Exploitation of Remote Services"));
	put(technique, "reference",
	    one_string_array("https://attack.mitre.org/techniques/T1210/"));

	put(threat, "framework", json_string("MITRE ATT&CK"));
	put(threat, "tactic", tactic);
	put(threat, "technique", technique);
	return threat;
}

/* Append an address as canonical text; false when it is unknown. */
static bool
append_ip(json_t *array, const struct ip_addr *ip)
{
	char	text[ADDR_TEXT_MAX];

	if (ip->family != 4 && ip->family != 6)
		return false;
	addr_format(ip, text);
	append(array, json_string(text));
	return true;
}

/* The alert's related group: the destination, then up to 100 sources. */
static json_t *
alert_related(const struct spike *spike)
{
	json_t	*related = new_object(), *ips = new_array();
	size_t	 i, listed = 0;

	append_ip(ips, &spike->destination);
	for (i = 0; i < spike->nsources && listed < RELATED_SOURCES_MAX; i++) {
		if (addr_equal(&spike->sources[i].ip, &spike->destination))
			continue;
		if (append_ip(ips, &spike->sources[i].ip))
			listed++;
	}
	put(related, "ip", ips);
	return related;
}

/* One source as listed under fanin.sources. */
static json_t *
alert_source(const struct spike_source *source)
{
	json_t	*object = new_object();

	put_ip(object, "ip", &source->ip);
	put_time(object, "first", source->first);
	put(object, "connections", count(source->connections));
	put(object, "seen_before", json_boolean(source->seen_before));
	return object;
}

/* The detector's own figures about the spike. */
static json_t *
alert_fanin(const struct spike *spike)
{
	json_t	*fanin = new_object(), *sources = new_array();
	size_t	 i;

	for (i = 0; i < spike->nsources; i++)
		append(sources, alert_source(&spike->sources[i]));

	put(fanin, "distinct_sources", count(spike->distinct_sources));
	put(fanin, "typical", two_decimals(spike->typical));
	put(fanin, "score", json_integer(spike->score));
	if (spike->mode != NULL)
		put(fanin, "mode", json_string(spike->mode));
	put(fanin, "bucket_span", json_integer(spike->bucket_span));
	put(fanin, "connections", count(spike->connections));
	put(fanin, "sources", sources);
	put(fanin, "sources_truncated",
	    json_boolean(spike->sources_truncated));
	return fanin;
}

/* The ecs group: the version of the schema the document follows. */
static json_t *
ecs_group(void)
{
	json_t	*ecs = new_object();

	put(ecs, "version", json_string(ECS_VERSION));
	return ecs;
}

/* See ecs.h. */
char *
ecs_alert(const struct spike *spike, double created)
{
	json_t	*document = new_object();
	json_t	*destination = new_object(), *network = new_object();

	put_ip(destination, "ip", &spike->destination);
	put_port(destination, "port", spike->destination_port);
	put(network, "protocol", json_string("rdp"));

	put_time(document, "@timestamp", spike->timestamp);
	put(document, "ecs", ecs_group());
	put(document, "event", alert_event(spike, created));
	put(document, "rule", alert_rule());
	put(document, "threat", alert_threat());
	put(document, "destination", destination);
	put(document, "network", network);
	put(document, "related", alert_related(spike));
	put(document, "message", alert_message(spike));
	put(document, "fanin", alert_fanin(spike));
	return dump(document);
}

/* ---------------------------------------------------------------------
 * The flow event document (--events).
 */

/* The word written as fanin.setup. */
static const char *
setup_name(enum flow_setup setup)
{
	switch (setup) {
	case FLOW_SETUP_ESTABLISHED:
		return "established";
	case FLOW_SETUP_ATTEMPT:
		return "attempt";
	case FLOW_SETUP_UNKNOWN:
		break;
	}
	return "unknown";
}

/* The flow event's event group. */
static json_t *
flow_event_group(const struct flow_event *flow)
{
	json_t		*event = new_object();
	const char	*dataset = flow_dataset_name(flow->dataset);

	put(event, "kind", json_string("event"));
	put(event, "category", one_string_array("network"));
	put(event, "type", one_string_array("connection"));
	if (dataset != NULL)
		put(event, "dataset", json_string(dataset));
	put_log_text(event, "id", flow->id, sizeof flow->id, false);
	return event;
}

/* One end of the connection: its address and, when it has one, port. */
static json_t *
flow_endpoint(const struct ip_addr *ip, int port, bool icmp)
{
	json_t	*endpoint = new_object();

	put_ip(endpoint, "ip", ip);
	if (!icmp)
		put_port(endpoint, "port", port);
	return endpoint;
}

/* Add a group unless it came out empty. */
static void
put_group(json_t *object, const char *key, json_t *group)
{
	if (json_object_size(group) == 0) {
		json_decref(group);
		return;
	}
	put(object, key, group);
}

/*
 * The ECS network.protocol of a Zeek or eve service, which may list
 * several ("ssl,rdp", "ssl,http"): rdp when it is one of them, else the
 * first.  Sets *len to the length of the name in service.
 */
static const char *
protocol_of(const char *service, size_t size, size_t *len)
{
	const char	*p = service, *end = service + strnlen(service, size);
	size_t		 n;

	while (p < end) {
		n = strcspn(p, ",");
		if (p + n > end)
			n = (size_t)(end - p);
		if (n == 3 && strncasecmp(p, "rdp", 3) == 0) {
			*len = 3;
			return p;
		}
		p += n + 1;
	}
	*len = strcspn(service, ",");
	if (service + *len > end)
		*len = (size_t)(end - service);
	return service;
}

/* See ecs.h. */
char *
ecs_event(const struct flow_event *flow, bool counted)
{
	json_t	*document = new_object();
	json_t		*network = new_object(), *fanin = new_object();
	bool		 icmp = is_icmp(flow->transport);
	const char	*protocol;
	size_t		 protocol_len;

	put_log_text(network, "transport", flow->transport,
	    sizeof flow->transport, true);
	protocol = protocol_of(flow->service, sizeof flow->service,
	    &protocol_len);
	put_log_text(network, "protocol", protocol, protocol_len, true);

	put(fanin, "counted", json_boolean(counted));
	put_log_text(fanin, "service", flow->service, sizeof flow->service,
	    false);
	put_log_text(fanin, "state", flow->state, sizeof flow->state,
	    false);
	put(fanin, "setup", json_string(setup_name(flow->setup)));

	put_time(document, "@timestamp", flow->start);
	put(document, "ecs", ecs_group());
	put(document, "event", flow_event_group(flow));
	put_group(document, "destination", flow_endpoint(&flow->destination,
	    flow->destination_port, icmp));
	put_group(document, "source", flow_endpoint(&flow->source,
	    flow->source_port, icmp));
	put_group(document, "network", network);
	put(document, "fanin", fanin);
	return dump(document);
}
