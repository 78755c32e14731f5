/*
 * test_json_records.c - the Zeek JSON and eve decoders against real and
 * hand-made records.
 *
 * Three kinds of test live here.  The first feeds records written inline,
 * one behaviour each: the conn_state table, unset fields, odd timestamps,
 * the tcp flags that mean a server accepted, the raw-byte pre-check.  The
 * second reads the fault cases in ../shared/cases, whose expected.txt
 * files say what must come out; the third reads real sensor logs from
 * ../shared/data and checks counts that were measured independently with
 * zcat, grep and jq when the test was written (the numbers are quoted
 * beside each assertion).
 *
 * Lines are read here with zlib, which passes plain files through, and
 * parsed with json_loadb as record.c does, so the decoders are tested on
 * their own, without the format detection in front of them.  A line the
 * JSON parser refuses is reported as "bad-json" by this file, not by the
 * decoders.  Every eve line is also put to eve_worth_parsing(), and any
 * line that decodes to an event must have been judged worth parsing.
 *
 * The shared directory is not part of a distribution tarball: without it
 * the whole program reports a skip (exit 77).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>

#include "addr.h"
#include "eve.h"
#include "flow.h"
#include "rdp_text.h"
#include "record.h"
#include "zeek_json.h"

#ifndef SHARED_DIR
#define SHARED_DIR	"../shared"
#endif

/* Longer than any line in the shared files (case 10 has a 1 MiB line). */
#define LINE_BUFFER_BYTES	(4u << 20)

/* Which decoder a file or a line goes to. */
enum decoder {
	DECODER_ZEEK,
	DECODER_EVE
};

/* What became of one line. */
struct decoded {
	enum record_result	 result;
	const char		*reason;	/* on RECORD_REJECT */
	bool			 worth;		/* eve_worth_parsing() */
	struct flow_event	 event;
};

/* Every line of one file, decoded, with the totals. */
struct decoded_file {
	struct decoded	*lines;
	size_t		 count;
	size_t		 events;
	size_t		 skips;
	size_t		 rejects;
};

/* Compare two epoch times to the microsecond, naming the expression. */
#define assert_time(actual, expected) do {				\
	double	actual_ = (actual), expected_ = (expected);		\
	if (fabs(actual_ - expected_) > 1e-6)				\
		fail_msg("%s is %.6f, expected %.6f", #actual,		\
		    actual_, expected_);				\
} while (0)

/* Compare an address with its canonical text. */
#define assert_address(address, text) do {				\
	char	buffer_[ADDR_TEXT_MAX];					\
	addr_format(&(address), buffer_);				\
	assert_string_equal(buffer_, (text));				\
} while (0)

/* Parse len bytes of text and decode them as one record. */
static enum record_result
decode_bytes(enum decoder decoder, const char *text, size_t len,
    struct flow_event *event, const char **reason)
{
	enum record_result	 result;
	json_error_t		 error;
	json_t			*object;

	object = json_loadb(text, len, 0, &error);
	if (object == NULL) {
		memset(event, 0, sizeof *event);
		*reason = "bad-json";
		return RECORD_REJECT;
	}
	if (decoder == DECODER_ZEEK)
		result = zeek_json_decode(object, event, reason);
	else
		result = eve_decode(object, event, reason);
	json_decref(object);
	return result;
}

/* Decode one NUL-terminated record. */
static enum record_result
decode(enum decoder decoder, const char *text, struct flow_event *event,
    const char **reason)
{
	*reason = NULL;
	return decode_bytes(decoder, text, strlen(text), event, reason);
}

/* Decode a record that must give an event, and return that event. */
static struct flow_event
decode_event(enum decoder decoder, const char *text)
{
	struct flow_event	 event;
	const char		*reason;

	if (decode(decoder, text, &event, &reason) != RECORD_EVENT)
		fail_msg("no event (%s) from %s", reason ? reason : "skip",
		    text);
	return event;
}

/* Decode a record that must be rejected, and return the reason. */
static const char *
decode_reject(enum decoder decoder, const char *text)
{
	struct flow_event	 event;
	const char		*reason;

	assert_int_equal(decode(decoder, text, &event, &reason),
	    RECORD_REJECT);
	assert_non_null(reason);
	return reason;
}

/* True when two events are the same, times to the bit. */
static bool
same_event(const struct flow_event *a, const struct flow_event *b)
{
	return memcmp(&a->start, &b->start, sizeof a->start) == 0 &&
	    memcmp(&a->written, &b->written, sizeof a->written) == 0 &&
	    a->dataset == b->dataset &&
	    addr_equal(&a->source, &b->source) &&
	    addr_equal(&a->destination, &b->destination) &&
	    a->source_port == b->source_port &&
	    a->destination_port == b->destination_port &&
	    strcmp(a->transport, b->transport) == 0 &&
	    strcmp(a->service, b->service) == 0 &&
	    strcmp(a->state, b->state) == 0 && a->setup == b->setup &&
	    strcmp(a->id, b->id) == 0;
}

/*
 * Where zeek_json_decode_raw() answers for a line, it must answer what
 * the parsed line gives: the same result, reason and event.  Returns
 * whether it answered.
 */
static bool
check_raw_decode(const char *line, size_t len, enum record_result parsed,
    const struct flow_event *event, const char *reason)
{
	struct flow_event	 raw;
	enum record_result	 result;
	const char		*raw_reason = NULL;

	if (zeek_json_decode_raw(line, len, &raw, &result, &raw_reason) != 0)
		return false;
	if (result != parsed)
		fail_msg("raw result %d, parsed %d: %.*s", result, parsed,
		    (int)len, line);
	if (result == RECORD_REJECT && strcmp(raw_reason, reason) != 0)
		fail_msg("raw reason %s, parsed %s: %.*s", raw_reason, reason,
		    (int)len, line);
	if (result == RECORD_EVENT && !same_event(&raw, event))
		fail_msg("raw event differs: %.*s", (int)len, line);
	return true;
}

/* Decode one line of a file into the next slot of *file. */
static void
decode_file_line(struct decoded_file *file, enum decoder decoder,
    const char *line, size_t len)
{
	struct decoded	*slot;

	file->lines = realloc(file->lines, (file->count + 1) * sizeof *slot);
	assert_non_null(file->lines);
	slot = &file->lines[file->count++];
	slot->reason = NULL;
	slot->worth = decoder == DECODER_EVE && eve_worth_parsing(line, len,
	    NULL);
	slot->result = decode_bytes(decoder, line, len, &slot->event,
	    &slot->reason);
	if (decoder == DECODER_ZEEK)
		(void)check_raw_decode(line, len, slot->result, &slot->event,
		    slot->reason);
	if (slot->result == RECORD_EVENT)
		file->events++;
	else if (slot->result == RECORD_SKIP)
		file->skips++;
	else
		file->rejects++;
	if (decoder == DECODER_EVE && slot->result == RECORD_EVENT &&
	    !slot->worth)
		fail_msg("line %zu decodes but was not worth parsing",
		    file->count);
}

/* Read and decode every line of a shared file, plain or gzip. */
static struct decoded_file
decode_file(enum decoder decoder, const char *relative)
{
	struct decoded_file	 file;
	char			 path[1024], *buffer;
	size_t			 len;
	gzFile			 gz;

	memset(&file, 0, sizeof file);
	snprintf(path, sizeof path, "%s/%s", SHARED_DIR, relative);
	gz = gzopen(path, "rb");
	if (gz == NULL)
		fail_msg("cannot open %s", path);
	buffer = malloc(LINE_BUFFER_BYTES);
	assert_non_null(buffer);
	while (gzgets(gz, buffer, LINE_BUFFER_BYTES) != NULL) {
		len = strlen(buffer);
		if (len > 0 && buffer[len - 1] == '\n')
			len--;
		else if (!gzeof(gz))
			fail_msg("%s: a line longer than the buffer", path);
		decode_file_line(&file, decoder, buffer, len);
	}
	assert_int_equal(gzclose(gz), Z_OK);
	free(buffer);
	return file;
}

/* Free what decode_file() allocated. */
static void
decoded_file_free(struct decoded_file *file)
{
	free(file->lines);
	memset(file, 0, sizeof *file);
}

/* The number of distinct source addresses among the events given. */
static size_t
distinct_sources(const struct flow_event *const *events, size_t n)
{
	size_t	 i, j, distinct = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (addr_equal(&events[i]->source, &events[j]->source))
				break;
		}
		if (j == i)
			distinct++;
	}
	return distinct;
}

/* Check the fields every synthetic case flow to 203.0.113.5 shares. */
static void
check_case_flow(const struct decoded *line, const char *source,
    enum flow_dataset dataset)
{
	assert_int_equal(line->result, RECORD_EVENT);
	assert_int_equal(line->event.dataset, dataset);
	assert_address(line->event.source, source);
	assert_address(line->event.destination, "203.0.113.5");
	assert_int_equal(line->event.destination_port, 3389);
	assert_string_equal(line->event.transport, "tcp");
}

/* ---------------------------------------------------------------- */
/* Zeek JSON, one behaviour at a time                                */
/* ---------------------------------------------------------------- */

/* A Zeek conn record with the given proto, state and counters. */
static struct flow_event
conn_with_state(const char *proto, const char *state, int orig_pkts,
    int resp_pkts, int orig_bytes, int resp_bytes)
{
	char	 text[512];

	snprintf(text, sizeof text, "{\"ts\":1767607200.0,\"uid\":\"Ct\","
	    "\"id.orig_h\":\"198.51.100.10\",\"id.orig_p\":45000,"
	    "\"id.resp_h\":\"203.0.113.5\",\"id.resp_p\":3389,"
	    "\"proto\":\"%s\",\"conn_state\":\"%s\",\"orig_pkts\":%d,"
	    "\"resp_pkts\":%d,\"orig_bytes\":%d,\"resp_bytes\":%d}",
	    proto, state, orig_pkts, resp_pkts, orig_bytes, resp_bytes);
	return decode_event(DECODER_ZEEK, text);
}

/* Every conn_state in the design's table, and what is outside it. */
static void
test_zeek_conn_state_table(void **unused)
{
	static const struct {
		const char	*proto, *state;
		int		 orig_pkts, resp_pkts, orig_bytes, resp_bytes;
		enum flow_setup	 setup;
	} table[] = {
		/* case 22's thirteen states, one packet out, none back */
		{ "tcp", "S0", 1, 0, 0, 0, FLOW_SETUP_ATTEMPT },
		{ "tcp", "S1", 1, 0, 0, 0, FLOW_SETUP_ESTABLISHED },
		{ "tcp", "SF", 1, 0, 0, 0, FLOW_SETUP_ESTABLISHED },
		{ "tcp", "REJ", 1, 0, 0, 0, FLOW_SETUP_ATTEMPT },
		{ "tcp", "S2", 1, 0, 0, 0, FLOW_SETUP_ESTABLISHED },
		{ "tcp", "S3", 1, 0, 0, 0, FLOW_SETUP_ESTABLISHED },
		{ "tcp", "RSTO", 1, 0, 0, 0, FLOW_SETUP_ESTABLISHED },
		{ "tcp", "RSTR", 1, 0, 0, 0, FLOW_SETUP_ESTABLISHED },
		{ "tcp", "RSTOS0", 1, 0, 0, 0, FLOW_SETUP_ATTEMPT },
		{ "tcp", "RSTRH", 1, 0, 0, 0, FLOW_SETUP_ATTEMPT },
		{ "tcp", "SH", 1, 0, 0, 0, FLOW_SETUP_ATTEMPT },
		{ "tcp", "SHR", 1, 0, 0, 0, FLOW_SETUP_ATTEMPT },
		{ "tcp", "OTH", 1, 0, 0, 0, FLOW_SETUP_ATTEMPT },
		/* a missed handshake with data both ways */
		{ "tcp", "OTH", 80, 79, 0, 0, FLOW_SETUP_ESTABLISHED },
		{ "tcp", "OTH", 0, 0, 421, 3985, FLOW_SETUP_ESTABLISHED },
		{ "tcp", "OTH", 0, 5, 0, 300, FLOW_SETUP_ATTEMPT },
		/* UDP: packets both ways, or Zeek's SF (a reply seen) */
		{ "udp", "SF", 1, 1, 48, 48, FLOW_SETUP_ESTABLISHED },
		{ "udp", "SF", 1, 0, 48, 0, FLOW_SETUP_ESTABLISHED },
		{ "udp", "S0", 2, 0, 96, 0, FLOW_SETUP_ATTEMPT },
		{ "udp", "SHR", 0, 1, 0, 111, FLOW_SETUP_ATTEMPT },
		/* a state outside the table is kept raw, not judged */
		{ "tcp", "XYZ", 3, 3, 10, 10, FLOW_SETUP_UNKNOWN }
	};
	struct flow_event	 event;
	size_t			 i;

	for (i = 0; i < sizeof table / sizeof *table; i++) {
		event = conn_with_state(table[i].proto, table[i].state,
		    table[i].orig_pkts, table[i].resp_pkts,
		    table[i].orig_bytes, table[i].resp_bytes);
		assert_string_equal(event.state, table[i].state);
		if (event.setup != table[i].setup)
			fail_msg("%s %s: setup %d, expected %d",
			    table[i].proto, table[i].state, event.setup,
			    table[i].setup);
	}

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200.0,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\",\"orig_pkts\":9,\"resp_pkts\":9}");
	assert_string_equal(event.state, "");
	assert_int_equal(event.setup, FLOW_SETUP_UNKNOWN);
}

/* Which records are conn, rdp or skipped, by path, stream or fields. */
static void
test_zeek_log_kinds(void **unused)
{
	struct flow_event	 event;
	const char		*reason;

	assert_int_equal(decode(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"_path\":\"dns\",\"id.orig_h\":\"198.51.100.10\","
	    "\"id.resp_h\":\"203.0.113.5\",\"proto\":\"udp\"}", &event,
	    &reason), RECORD_SKIP);
	assert_int_equal(decode(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"@stream\":\"ssh\",\"id_orig_h\":\"198.51.100.10\","
	    "\"id_resp_h\":\"203.0.113.5\",\"auth_success\":true}", &event,
	    &reason), RECORD_SKIP);
	assert_int_equal(decode(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"uid\":\"Cq\",\"id.orig_h\":\"198.51.100.10\","
	    "\"id.resp_h\":\"203.0.113.5\"}", &event, &reason),
	    RECORD_SKIP);

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200.25,"
	    "\"_path\":\"rdp\",\"uid\":\"CRd1\","
	    "\"id.orig_h\":\"198.51.100.10\","
	    "\"id.orig_p\":49152,\"id.resp_h\":\"203.0.113.5\","
	    "\"id.resp_p\":3389,\"cookie\":\"operator1\","
	    "\"result\":\"Success\",\"security_protocol\":\"HYBRID\"}");
	assert_int_equal(event.dataset, FLOW_ZEEK_RDP);
	assert_int_equal(event.setup, FLOW_SETUP_ESTABLISHED);
	assert_string_equal(event.transport, "tcp");
	assert_string_equal(event.service, "rdp");
	assert_string_equal(event.state, "");
	assert_string_equal(event.id, "CRd1");
	assert_int_equal(event.source_port, 49152);
	assert_time(event.start, 1767607200.25);
	assert_time(event.written, 1767607200.25);

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id_orig_h\":\"198.51.100.10\",\"id_orig_p\":49153,"
	    "\"id_resp_h\":\"203.0.113.5\",\"id_resp_p\":3389,"
	    "\"security_protocol\":\"SSL\"}");
	assert_int_equal(event.dataset, FLOW_ZEEK_RDP);

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"conn_state\":\"S0\"}");
	assert_int_equal(event.dataset, FLOW_ZEEK_CONN);
	assert_string_equal(event.transport, "");
	assert_int_equal(event.source_port, FLOW_NO_PORT);
}

/* Timestamps as numbers, milliseconds, strings; bad ones rejected. */
static void
test_zeek_times(void **unused)
{
	static const char *const bad[] = {
		"{\"id.orig_h\":\"198.51.100.10\","
		    "\"id.resp_h\":\"203.0.113.5\",\"proto\":\"tcp\"}",
		"{\"ts\":null,\"id.orig_h\":\"198.51.100.10\","
		    "\"id.resp_h\":\"203.0.113.5\",\"proto\":\"tcp\"}",
		"{\"ts\":\"\",\"id.orig_h\":\"198.51.100.10\","
		    "\"id.resp_h\":\"203.0.113.5\",\"proto\":\"tcp\"}",
		"{\"ts\":\"XXXXXXXXXX.XXXXXX\",\"id.orig_h\":\"198.51.100.10\","
		    "\"id.resp_h\":\"203.0.113.5\",\"proto\":\"tcp\"}",
		"{\"ts\":-5,\"id.orig_h\":\"198.51.100.10\","
		    "\"id.resp_h\":\"203.0.113.5\",\"proto\":\"tcp\"}",
		"{\"ts\":true,\"id.orig_h\":\"198.51.100.10\","
		    "\"id.resp_h\":\"203.0.113.5\",\"proto\":\"tcp\"}"
	};
	struct flow_event	 event;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_string_equal(decode_reject(DECODER_ZEEK, bad[i]),
		    "bad-timestamp");

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200500,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\",\"duration\":2.5}");
	assert_time(event.start, 1767607200.5);
	assert_time(event.written, 1767607203.0);

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\",\"duration\":null}");
	assert_time(event.written, 1767607200.0);
}

/* Addresses and ports: unset, null, out of range, ICMP type and code. */
static void
test_zeek_addresses_and_ports(void **unused)
{
	struct flow_event	 event;

	assert_string_equal(decode_reject(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":null,\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\"}"), "bad-address");
	assert_string_equal(decode_reject(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\"}"), "bad-address");
	assert_string_equal(decode_reject(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"proto\":\"tcp\"}"),
	    "bad-address");
	assert_string_equal(decode_reject(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.300\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\"}"), "bad-address");
	assert_string_equal(decode_reject(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"id.resp_p\":70000,\"proto\":\"tcp\"}"), "bad-port");
	assert_string_equal(decode_reject(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"id.resp_p\":\"3389/tcp\",\"proto\":\"tcp\"}"), "bad-port");
	assert_string_equal(decode_reject(DECODER_ZEEK, "[1,2]"),
	    "not-object");

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.12\",\"id.orig_p\":8,"
	    "\"id.resp_h\":\"203.0.113.5\",\"id.resp_p\":0,"
	    "\"proto\":\"icmp\",\"conn_state\":\"OTH\",\"orig_pkts\":1,"
	    "\"resp_pkts\":0}");
	assert_int_equal(event.source_port, FLOW_NO_PORT);
	assert_int_equal(event.destination_port, FLOW_NO_PORT);
	assert_string_equal(event.transport, "icmp");
	assert_int_equal(event.setup, FLOW_SETUP_ATTEMPT);

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"[2001:DB8::0010]\",\"id.orig_p\":0,"
	    "\"id.resp_h\":\"::ffff:203.0.113.5\",\"id.resp_p\":65535,"
	    "\"proto\":\"TCP\"}");
	assert_address(event.source, "2001:db8::10");
	assert_address(event.destination, "203.0.113.5");
	assert_int_equal(event.source_port, 0);
	assert_int_equal(event.destination_port, 65535);
	assert_string_equal(event.transport, "tcp");
}

/* Service as a string, a set, null, or too long for the event. */
static void
test_zeek_service(void **unused)
{
	struct flow_event	 event;
	char			 text[512], name[81];
	size_t			 i;

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\",\"service\":[\"ssl\",\"\",null,\"rdp\"]}");
	assert_string_equal(event.service, "ssl,rdp");

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\",\"service\":[]}");
	assert_string_equal(event.service, "");

	event = decode_event(DECODER_ZEEK, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\",\"service\":7}");
	assert_string_equal(event.service, "");

	/* 40 two-byte characters: cut to 31 of them, never mid-character */
	for (i = 0; i < 40; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[80] = '\0';
	snprintf(text, sizeof text, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\",\"service\":\"%s\"}", name);
	event = decode_event(DECODER_ZEEK, text);
	assert_int_equal(strlen(event.service), 62);
	assert_memory_equal(event.service, name, 62);

	snprintf(text, sizeof text, "{\"ts\":1767607200,"
	    "\"id.orig_h\":\"198.51.100.10\",\"id.resp_h\":\"203.0.113.5\","
	    "\"proto\":\"tcp\",\"service\":[\"%s\",\"rdp\"]}", name);
	event = decode_event(DECODER_ZEEK, text);
	assert_int_equal(strlen(event.service), 62);
}

/* What zeek_json_sniff() and eve_sniff() recognise. */
static void
test_sniff(void **unused)
{
	static const struct {
		const char	*text;
		bool		 zeek, eve;
	} table[] = {
		{ "{\"ts\":1767607200.0,\"uid\":\"C1\"}", true, false },
		{ "{\"uid\":\"C1\"}", true, false },
		{ "{\"ts\":\"2026-01-05T10:00:00Z\"}", true, false },
		{ "{\"event_type\":\"flow\",\"ts\":1}", false, true },
		{ "{\"event_type\":\"stats\"}", false, true },
		{ "{\"timestamp\":\"2026-01-05T10:00:00Z\"}", false, false },
		{ "[{\"ts\":1}]", false, false },
		{ "\"ts\"", false, false }
	};
	json_t	*object;
	size_t	 i;

	for (i = 0; i < sizeof table / sizeof *table; i++) {
		object = json_loads(table[i].text, JSON_DECODE_ANY, NULL);
		assert_non_null(object);
		assert_int_equal(zeek_json_sniff(object), table[i].zeek);
		assert_int_equal(eve_sniff(object), table[i].eve);
		json_decref(object);
	}
}

/* ---------------------------------------------------------------- */
/* eve, one behaviour at a time                                      */
/* ---------------------------------------------------------------- */

/* An eve TCP flow whose server sent the given flags ("" for no tcp). */
static struct flow_event
flow_with_flags(const char *flags_tc)
{
	char	 tcp[128], text[1024];

	if (*flags_tc == '\0')
		tcp[0] = '\0';
	else
		snprintf(tcp, sizeof tcp, ",\"tcp\":{\"tcp_flags\":\"1b\","
		    "\"tcp_flags_ts\":\"1b\",\"tcp_flags_tc\":\"%s\","
		    "\"syn\":true,\"ack\":true,\"state\":\"closed\"}",
		    flags_tc);
	snprintf(text, sizeof text, "{\"timestamp\":"
	    "\"2026-01-05T10:00:30.000000+0000\",\"flow_id\":1,"
	    "\"event_type\":\"flow\",\"src_ip\":\"198.51.100.10\","
	    "\"src_port\":50000,\"dest_ip\":\"203.0.113.5\","
	    "\"dest_port\":3389,\"proto\":\"TCP\",\"flow\":{"
	    "\"pkts_toserver\":2,\"pkts_toclient\":2,"
	    "\"start\":\"2026-01-05T12:00:00.000000+0200\","
	    "\"end\":\"2026-01-05T12:00:01.500000+0200\","
	    "\"state\":\"closed\"}%s}", tcp);
	return decode_event(DECODER_EVE, text);
}

/* The server's SYN+ACK, and nothing else, makes a TCP flow established. */
static void
test_eve_tcp_setup(void **unused)
{
	static const struct {
		const char	*flags_tc;
		enum flow_setup	 setup;
	} table[] = {
		{ "12", FLOW_SETUP_ESTABLISHED },	/* SYN ACK */
		{ "13", FLOW_SETUP_ESTABLISHED },	/* + FIN */
		{ "16", FLOW_SETUP_ESTABLISHED },	/* + RST */
		{ "1b", FLOW_SETUP_ESTABLISHED },	/* + FIN PSH */
		{ "1B", FLOW_SETUP_ESTABLISHED },
		{ "14", FLOW_SETUP_ATTEMPT },		/* refused */
		{ "10", FLOW_SETUP_ATTEMPT },		/* ACK, no SYN */
		{ "02", FLOW_SETUP_ATTEMPT },
		{ "00", FLOW_SETUP_ATTEMPT },
		{ "zz", FLOW_SETUP_UNKNOWN },
		{ "", FLOW_SETUP_UNKNOWN }		/* no tcp object */
	};
	struct flow_event	 event;
	size_t			 i;

	for (i = 0; i < sizeof table / sizeof *table; i++) {
		event = flow_with_flags(table[i].flags_tc);
		if (event.setup != table[i].setup)
			fail_msg("tcp_flags_tc \"%s\": setup %d, expected %d",
			    table[i].flags_tc, event.setup, table[i].setup);
	}

	event = flow_with_flags("12");
	assert_int_equal(event.dataset, FLOW_EVE_FLOW);
	assert_time(event.start, 1767607200.0);
	assert_time(event.written, 1767607201.5);
	assert_string_equal(event.state, "closed");
	assert_string_equal(event.transport, "tcp");
	assert_string_equal(event.service, "");
	assert_string_equal(event.id, "1");

	event = decode_event(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:30+0000\",\"event_type\":\"flow\","
	    "\"src_ip\":\"198.51.100.10\",\"dest_ip\":\"203.0.113.5\","
	    "\"proto\":\"TCP\",\"tcp\":{\"tcp_flags\":\"1b\"},"
	    "\"flow\":{\"start\":\"2026-01-05T10:00:00+0000\"}}");
	assert_int_equal(event.setup, FLOW_SETUP_UNKNOWN);
}

/* UDP and other transports by packets; ports absent or null. */
static void
test_eve_udp_and_ports(void **unused)
{
	struct flow_event	 event;

	event = decode_event(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:30+0000\",\"event_type\":\"flow\","
	    "\"src_ip\":\"198.51.100.10\",\"src_port\":null,"
	    "\"dest_ip\":\"203.0.113.5\",\"dest_port\":3389,"
	    "\"proto\":\"UDP\",\"flow\":{\"pkts_toserver\":4,"
	    "\"pkts_toclient\":3,\"start\":\"2026-01-05T10:00:00+0000\"}}");
	assert_int_equal(event.setup, FLOW_SETUP_ESTABLISHED);
	assert_int_equal(event.source_port, FLOW_NO_PORT);
	assert_string_equal(event.transport, "udp");
	assert_time(event.written, 1767607230.0);

	event = decode_event(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:30+0000\",\"event_type\":\"flow\","
	    "\"src_ip\":\"198.51.100.10\",\"src_port\":5000,"
	    "\"dest_ip\":\"203.0.113.5\",\"dest_port\":3389,"
	    "\"proto\":\"UDP\",\"flow\":{\"pkts_toserver\":4,"
	    "\"pkts_toclient\":0,\"start\":\"2026-01-05T10:00:00+0000\"}}");
	assert_int_equal(event.setup, FLOW_SETUP_ATTEMPT);

	event = decode_event(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:30+0000\",\"event_type\":\"flow\","
	    "\"src_ip\":\"2001:db8::10\",\"src_port\":1,"
	    "\"dest_ip\":\"2001:db8::5\",\"dest_port\":2,"
	    "\"proto\":\"IPv6-ICMP\",\"flow\":{\"pkts_toserver\":1,"
	    "\"start\":\"2026-01-05T10:00:00+0000\"}}");
	assert_int_equal(event.source_port, FLOW_NO_PORT);
	assert_int_equal(event.destination_port, FLOW_NO_PORT);
	assert_int_equal(event.setup, FLOW_SETUP_ATTEMPT);

	assert_string_equal(decode_reject(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:30+0000\",\"event_type\":\"flow\","
	    "\"src_ip\":\"198.51.100.10\",\"dest_ip\":\"203.0.113.5\","
	    "\"dest_port\":65536,\"proto\":\"TCP\","
	    "\"flow\":{\"start\":\"2026-01-05T10:00:00+0000\"}}"),
	    "bad-port");
}

/* Times, ids and services of flow and rdp events, and what is refused. */
static void
test_eve_fields(void **unused)
{
	struct flow_event	 event;

	event = decode_event(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:00+0000\",\"flow_id\":9223372036854775807,"
	    "\"event_type\":\"flow\",\"src_ip\":\"198.51.100.10\","
	    "\"dest_ip\":\"203.0.113.5\",\"proto\":\"TCP\","
	    "\"app_proto\":\"failed\",\"flow\":{"
	    "\"start\":\"2026-01-05T10:00:05+0000\"}}");
	assert_string_equal(event.id, "9223372036854775807");
	assert_string_equal(event.service, "failed");
	assert_string_equal(event.state, "");
	assert_time(event.start, 1767607205.0);
	assert_time(event.written, 1767607205.0);	/* never before start */

	event = decode_event(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:04.250000+0000\",\"flow_id\":\"abc\","
	    "\"event_type\":\"rdp\",\"src_ip\":\"203.0.113.5\","
	    "\"src_port\":3389,\"dest_ip\":\"198.51.100.12\","
	    "\"dest_port\":44002,\"proto\":\"TCP\","
	    "\"rdp\":{\"tx_id\":1,\"event_type\":\"connect_response\"}}");
	assert_int_equal(event.dataset, FLOW_EVE_RDP);
	assert_int_equal(event.setup, FLOW_SETUP_ESTABLISHED);
	assert_string_equal(event.service, "rdp");
	assert_string_equal(event.id, "abc");
	assert_time(event.start, 1767607204.25);
	assert_time(event.written, 1767607204.25);
	assert_address(event.source, "203.0.113.5");	/* as logged */
	assert_int_equal(event.source_port, 3389);

	event = decode_event(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:09+0000\",\"event_type\":\"rdp\","
	    "\"src_ip\":\"198.51.100.12\",\"dest_ip\":\"203.0.113.5\","
	    "\"proto\":\"TCP\",\"app_proto\":\"rdp\","
	    "\"flow\":{\"start\":\"2026-01-05T10:00:01+0000\"}}");
	assert_time(event.start, 1767607201.0);
	assert_time(event.written, 1767607209.0);
	assert_string_equal(event.id, "");

	assert_string_equal(decode_reject(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:00+0000\",\"event_type\":\"flow\","
	    "\"src_ip\":\"198.51.100.10\",\"dest_ip\":\"203.0.113.5\","
	    "\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":1}}"),
	    "bad-timestamp");
	assert_string_equal(decode_reject(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:00+0000\",\"event_type\":\"flow\","
	    "\"src_ip\":\"198.51.100.10\",\"dest_ip\":\"203.0.113.5\","
	    "\"proto\":\"TCP\",\"flow\":{\"start\":\"yesterday\"}}"),
	    "bad-timestamp");
	assert_string_equal(decode_reject(DECODER_EVE, "{\"event_type\":"
	    "\"rdp\",\"src_ip\":\"198.51.100.10\","
	    "\"dest_ip\":\"203.0.113.5\",\"proto\":\"TCP\"}"), "bad-timestamp");
	assert_string_equal(decode_reject(DECODER_EVE, "{\"timestamp\":"
	    "\"2026-01-05T10:00:00+0000\",\"event_type\":\"flow\","
	    "\"src_ip\":\"198.51.100.10\",\"dest_ip\":null,"
	    "\"proto\":\"TCP\",\"flow\":{\"start\":"
	    "\"2026-01-05T10:00:00+0000\"}}"), "bad-address");
	assert_string_equal(decode_reject(DECODER_EVE, "[42]"),
	    "not-object");
}

/* Event types that are not flows, or no event type, are skipped. */
static void
test_eve_skips(void **unused)
{
	static const char *const skipped[] = {
		"{\"event_type\":\"stats\",\"stats\":{\"uptime\":60}}",
		"{\"event_type\":\"alert\",\"src_ip\":\"198.51.100.10\","
		    "\"dest_ip\":\"203.0.113.5\",\"flow\":{\"start\":"
		    "\"2026-01-05T10:00:00+0000\"}}",
		"{\"timestamp\":\"2026-01-05T10:00:00+0000\"}",
		"{\"event_type\":null,\"src_ip\":\"198.51.100.10\"}",
		"{\"event_type\":7}",
		"{\"event_type\":\"Flow\"}",
		"{}"
	};
	struct flow_event	 event;
	const char		*reason;
	size_t			 i;

	for (i = 0; i < sizeof skipped / sizeof *skipped; i++) {
		if (decode(DECODER_EVE, skipped[i], &event, &reason) !=
		    RECORD_SKIP)
			fail_msg("not skipped: %s", skipped[i]);
	}
}

/* The raw-byte pre-check: no false "no" for a line that matters. */
static void
test_eve_worth_parsing(void **unused)
{
	static const struct {
		const char	*text;
		bool		 worth;
	} table[] = {
		{ "{\"event_type\":\"flow\",\"src_ip\":\"192.0.2.1\"}", true },
		{ "{\"event_type\":\"rdp\"}", true },
		{ "{\"event_type\" :\t \"flow\"}", true },
		{ "{ \"event_type\":\r\n\"rdp\" }", true },
		{ "{\"rdp\":{\"event_type\":\"initial_request\"},"
		    "\"event_type\":\"rdp\"}", true },
		{ "{\"x\":\"event_type\",\"event_type\":\"flow\"}", true },
		{ "{\"event_type\":\"fl\\u006fw\"}", true },
		{ "{\"event\\u005ftype\":\"flow\"}", true },
		{ "{\"event_type\":null}", true },
		{ "{\"event_type\":\"flo", true },
		{ "{\"event_type\":", true },
		{ "{\"event_type\":\"dns\",\"flow\":{}}", false },
		{ "{\"event_type\":\"alert\",\"app_proto\":\"rdp\"}", false },
		{ "{\"event_type\":\"flowbits\"}", false },
		{ "{\"event_type\":\"Flow\"}", false },
		{ "{\"event_type\":\"\"}", false },
		{ "{\"ua\":\"\\\"event_type\\\":\\\"flow\\\"\","
		    "\"event_type\":\"http\"}", false },
		{ "{\"timestamp\":\"2026-01-05T10:00:00+0000\"}", false },
		{ "", false }
	};
	static const char nul_line[] = "{\"a\":\"\0\",\"event_type\":\"flow\"}";
	size_t	 i;
	bool	 has_event_type;

	for (i = 0; i < sizeof table / sizeof *table; i++) {
		if (eve_worth_parsing(table[i].text, strlen(table[i].text),
		    NULL) != table[i].worth)
			fail_msg("worth parsing should be %d: %s",
			    table[i].worth, table[i].text);
	}
	assert_true(eve_worth_parsing(nul_line, sizeof nul_line - 1, NULL));
	/* only the given length is read: "flow" lies past it */
	assert_true(eve_worth_parsing("{\"event_type\":\"flow\"}", 15,
	    NULL));
	assert_false(eve_worth_parsing("{\"event_type\":\"dns\"}", 12,
	    NULL));
	/* A skipped line says whether it had an event_type at all. */
	has_event_type = false;
	assert_false(eve_worth_parsing("{\"event_type\":\"dns\"}", 20,
	    &has_event_type));
	assert_true(has_event_type);
	assert_false(eve_worth_parsing("{\"ts\":1767607200,\"uid\":\"C1\"}",
	    28, &has_event_type));
	assert_false(has_event_type);
	has_event_type = true;
	assert_false(eve_worth_parsing("#fields\tts\tuid", 14,
	    &has_event_type));
	assert_false(has_event_type);
}

/* ---------------------------------------------------------------- */
/* The fault cases in ../shared/cases                                */
/* ---------------------------------------------------------------- */

/* Case 12: a line cut short and glued to the next is refused alone. */
static void
test_case_poison_line(void **unused)
{
	struct decoded_file	 file;

	file = decode_file(DECODER_EVE, "cases/12-poison-line/eve.json");
	assert_int_equal(file.count, 3);
	assert_int_equal(file.lines[0].result, RECORD_REJECT);
	assert_string_equal(file.lines[0].reason, "bad-json");
	check_case_flow(&file.lines[1], "198.51.100.12", FLOW_EVE_FLOW);
	check_case_flow(&file.lines[2], "198.51.100.13", FLOW_EVE_FLOW);
	assert_time(file.lines[1].event.start, 1767607202.0);
	assert_string_equal(file.lines[2].event.id, "5003");
	decoded_file_free(&file);
}

/* Case 17: ts as a number, ISO 8601 Z, ISO with offset, quoted epoch. */
static void
test_case_ts_iso8601(void **unused)
{
	static const double	 starts[] = {
		1767607200.0, 1767607200.5, 1767607201.0, 1767607202.25
	};
	struct decoded_file	 file;
	struct flow_event	*event;
	char			 source[32], uid[8];
	size_t			 i;

	file = decode_file(DECODER_ZEEK, "cases/17-ts-iso8601/conn.log");
	assert_int_equal(file.count, 4);
	assert_int_equal(file.events, 4);
	for (i = 0; i < 4; i++) {
		event = &file.lines[i].event;
		snprintf(source, sizeof source, "198.51.100.%zu", 10 + i);
		snprintf(uid, sizeof uid, "CisA%zu", i);
		check_case_flow(&file.lines[i], source, FLOW_ZEEK_CONN);
		assert_time(event->start, starts[i]);
		assert_time(event->written, starts[i]);
		assert_int_equal(event->source_port, 40000 + (int)i);
		assert_string_equal(event->id, uid);
		assert_string_equal(event->state, "S0");
		assert_string_equal(event->service, "");
		assert_int_equal(event->setup, FLOW_SETUP_ATTEMPT);
	}
	decoded_file_free(&file);
}

/* Case 19: five spellings, four distinct sources, one destination. */
static void
test_case_ipv6_forms(void **unused)
{
	static const char *const sources[] = {
		"2001:db8::10", "2001:db8::10", "2001:db8::11", "fe80::1",
		"192.0.2.33"
	};
	const struct flow_event	*events[5];
	struct decoded_file	 file;
	size_t			 i;

	file = decode_file(DECODER_EVE, "cases/19-ipv6-forms-zone/eve.json");
	assert_int_equal(file.count, 5);
	assert_int_equal(file.events, 5);
	for (i = 0; i < 5; i++) {
		events[i] = &file.lines[i].event;
		assert_address(events[i]->source, sources[i]);
		assert_address(events[i]->destination, "2001:db8::5");
		assert_int_equal(events[i]->destination_port, 3389);
		assert_int_equal(events[i]->source_port, 42000 + (int)i);
		assert_time(events[i]->start, 1767607200.0 + i);
		assert_time(events[i]->written, 1767607201.0 + i);
		assert_string_equal(events[i]->service, "rdp");
		assert_string_equal(events[i]->state, "closed");
		assert_int_equal(events[i]->setup, FLOW_SETUP_UNKNOWN);
	}
	assert_int_equal(events[4]->source.family, 4);
	assert_string_equal(events[3]->id, "7003");
	assert_int_equal(distinct_sources(events, 5), 4);
	decoded_file_free(&file);
}

/* Case 20: ICMP flows have no ports and keep their own transport. */
static void
test_case_icmp_no_ports(void **unused)
{
	struct decoded_file	 file;
	struct flow_event	*event;

	file = decode_file(DECODER_EVE, "cases/20-icmp-no-ports/eve.json");
	assert_int_equal(file.count, 3);
	assert_int_equal(file.events, 3);

	event = &file.lines[0].event;
	assert_address(event->source, "198.51.100.10");
	assert_string_equal(event->transport, "icmp");
	assert_int_equal(event->source_port, FLOW_NO_PORT);
	assert_int_equal(event->destination_port, FLOW_NO_PORT);
	assert_string_equal(event->service, "");
	assert_int_equal(event->setup, FLOW_SETUP_ESTABLISHED);

	event = &file.lines[1].event;
	assert_address(event->source, "2001:db8::10");
	assert_string_equal(event->transport, "ipv6-icmp");
	assert_int_equal(event->source_port, FLOW_NO_PORT);
	assert_int_equal(event->destination_port, FLOW_NO_PORT);

	check_case_flow(&file.lines[2], "198.51.100.11", FLOW_EVE_FLOW);
	assert_int_equal(file.lines[2].event.source_port, 43000);
	decoded_file_free(&file);
}

/* Case 21: stats and a typeless alert skipped, an empty src_ip refused. */
static void
test_case_non_flow_events(void **unused)
{
	struct decoded_file	 file;
	struct flow_event	*rdp;

	file = decode_file(DECODER_EVE,
	    "cases/21-non-flow-and-ipless-events/eve.json");
	assert_int_equal(file.count, 5);
	assert_int_equal(file.lines[0].result, RECORD_SKIP);
	assert_false(file.lines[0].worth);
	assert_int_equal(file.lines[1].result, RECORD_SKIP);
	assert_false(file.lines[1].worth);
	assert_int_equal(file.lines[2].result, RECORD_REJECT);
	assert_string_equal(file.lines[2].reason, "bad-address");
	check_case_flow(&file.lines[3], "198.51.100.11", FLOW_EVE_FLOW);
	check_case_flow(&file.lines[4], "198.51.100.12", FLOW_EVE_RDP);
	assert_int_equal(file.events, 2);
	assert_int_equal(file.skips, 2);
	assert_int_equal(file.rejects, 1);

	rdp = &file.lines[4].event;
	assert_int_equal(rdp->setup, FLOW_SETUP_ESTABLISHED);
	assert_time(rdp->start, 1767607204.0);
	assert_string_equal(rdp->service, "rdp");
	assert_string_equal(rdp->id, "9002");
	assert_string_equal(rdp->state, "");
	decoded_file_free(&file);
}

/* Case 23: service missing, null or "" is unset; a null port is none. */
static void
test_case_unset_null_missing(void **unused)
{
	static const char *const services[] = { "", "", "", "rdp", "" };
	const struct flow_event	*events[5];
	struct decoded_file	 file;
	char			 source[32];
	size_t			 i;

	file = decode_file(DECODER_ZEEK,
	    "cases/23-unset-null-vs-missing/conn.log");
	assert_int_equal(file.count, 5);
	assert_int_equal(file.events, 5);
	for (i = 0; i < 5; i++) {
		snprintf(source, sizeof source, "198.51.100.%zu", 10 + i);
		check_case_flow(&file.lines[i], source, FLOW_ZEEK_CONN);
		events[i] = &file.lines[i].event;
		assert_string_equal(events[i]->service, services[i]);
		assert_time(events[i]->written, 1767607200.0 + i);
	}
	assert_int_equal(events[3]->source_port, 46003);
	assert_int_equal(events[4]->source_port, FLOW_NO_PORT);
	assert_int_equal(distinct_sources(events, 5), 5);
	decoded_file_free(&file);
}

/* Case 25: 100000 nested arrays are refused by the parser, no crash. */
static void
test_case_deep_nesting(void **unused)
{
	struct decoded_file	 file;

	file = decode_file(DECODER_EVE, "cases/25-json-deep-nesting/eve.json");
	assert_int_equal(file.count, 3);
	check_case_flow(&file.lines[0], "198.51.100.11", FLOW_EVE_FLOW);
	assert_int_equal(file.lines[1].result, RECORD_REJECT);
	assert_string_equal(file.lines[1].reason, "bad-json");
	assert_true(file.lines[1].worth);
	check_case_flow(&file.lines[2], "198.51.100.12", FLOW_EVE_FLOW);
	decoded_file_free(&file);
}

/* Case 10: the 1 MiB http line is judged not worth parsing. */
static void
test_case_long_line(void **unused)
{
	struct decoded_file	 file;
	size_t			 i;

	file = decode_file(DECODER_EVE, "cases/10-long-line/eve.json");
	assert_int_equal(file.count, 5);
	assert_false(file.lines[1].worth);
	assert_int_equal(file.lines[1].result, RECORD_SKIP);
	assert_int_equal(file.events, 4);
	for (i = 0; i < 5; i++) {
		if (i != 1)
			assert_true(file.lines[i].worth);
	}
	decoded_file_free(&file);
}

/* ---------------------------------------------------------------- */
/* Real sensor logs in ../shared/data                                */
/* ---------------------------------------------------------------- */

/*
 * Stratosphere's Suricata log: 5000 lines, 3512 flow events (grep -c).
 * Setups by jq: 382 TCP flows with SYN+ACK in tcp_flags_tc (361 "12",
 * 12 "13", 4 "16", 5 "1b") and 199 UDP flows with packets both ways are
 * established; the other 2931 are attempts.  19 flows go to port 3389
 * from 19 sources, every one refused with RST+ACK ("14").
 */
static void
test_real_slips_eve(void **unused)
{
	const struct flow_event	*rdp[32] = { NULL };
	struct decoded_file	 file;
	struct flow_event	*event;
	size_t			 i, worth = 0, established = 0, attempts = 0;
	size_t			 n_rdp = 0;

	file = decode_file(DECODER_EVE,
	    "data/suricata/slips/test6-malicious.suricata.json.gz");
	assert_int_equal(file.count, 5000);
	assert_int_equal(file.events, 3512);
	assert_int_equal(file.skips, 1488);
	assert_int_equal(file.rejects, 0);
	for (i = 0; i < file.count; i++) {
		worth += file.lines[i].worth;
		if (file.lines[i].result != RECORD_EVENT)
			continue;
		event = &file.lines[i].event;
		assert_int_equal(event->dataset, FLOW_EVE_FLOW);
		established += event->setup == FLOW_SETUP_ESTABLISHED;
		attempts += event->setup == FLOW_SETUP_ATTEMPT;
		if (event->destination_port == 3389 && n_rdp < 32)
			rdp[n_rdp++] = event;
	}
	assert_int_equal(worth, 3512);
	assert_int_equal(established, 581);
	assert_int_equal(attempts, 2931);
	assert_int_equal(n_rdp, 19);
	assert_int_equal(distinct_sources(rdp, n_rdp), 19);
	for (i = 0; i < n_rdp; i++)
		assert_int_equal(rdp[i]->setup, FLOW_SETUP_ATTEMPT);

	/* the first, placed by flow.start, not the shared timestamp */
	assert_address(rdp[0]->source, "79.124.62.55");
	assert_address(rdp[0]->destination, "192.168.1.129");
	assert_int_equal(rdp[0]->source_port, 46653);
	assert_time(rdp[0]->start, 1623051385.377240);
	assert_time(rdp[0]->written, 1623051385.377494);
	assert_string_equal(rdp[0]->id, "704021584789912");
	assert_string_equal(rdp[0]->state, "closed");
	assert_string_equal(rdp[0]->service, "");
	decoded_file_free(&file);
}

/*
 * OTRF APT29 day 2: 64 conn records with "@stream" and underscore
 * names.  By jq, 63 are established and 1 an attempt; the one RDP row
 * is OTH with 80 packets out and 79 back over 118 s: established.
 */
static void
test_real_otrf_apt29(void **unused)
{
	struct decoded_file	 file;
	struct flow_event	*event, *rdp = NULL;
	size_t			 i, established = 0, n_rdp = 0;

	file = decode_file(DECODER_ZEEK,
	    "data/zeek/otrf-apt29/apt29_day2_UTICA-ONE-DRIVE_conn.log");
	assert_int_equal(file.count, 64);
	assert_int_equal(file.events, 64);
	for (i = 0; i < file.count; i++) {
		event = &file.lines[i].event;
		assert_int_equal(event->dataset, FLOW_ZEEK_CONN);
		established += event->setup == FLOW_SETUP_ESTABLISHED;
		if (event->destination_port == 3389) {
			rdp = event;
			n_rdp++;
		}
	}
	assert_int_equal(established, 63);
	assert_int_equal(n_rdp, 1);
	assert_non_null(rdp);
	assert_address(rdp->source, "172.18.39.2");
	assert_address(rdp->destination, "10.0.1.5");
	assert_int_equal(rdp->source_port, 53467);
	assert_string_equal(rdp->state, "OTH");
	assert_int_equal(rdp->setup, FLOW_SETUP_ESTABLISHED);
	assert_string_equal(rdp->service, "");
	assert_string_equal(rdp->id, "CyYDW11ecylxzMvwx1");
	assert_time(rdp->start, 1588317520.93999);
	assert_time(rdp->written, 1588317520.93999 + 118.48390293121338);
	decoded_file_free(&file);
}

/*
 * CTU port scan, Zeek JSON without "_path": 4504 records (wc -l).  By
 * jq: 383 ICMP (no ports), 36 to port 3389 from one source, 8 with
 * service dns, 236 established and 4268 attempts.
 */
static void
test_real_ctu_port_scan(void **unused)
{
	const struct flow_event	*rdp[64] = { NULL };
	struct decoded_file	 file;
	struct flow_event	*event;
	size_t			 i, no_ports = 0, dns = 0, n_rdp = 0;
	size_t			 established = 0, attempts = 0;

	file = decode_file(DECODER_ZEEK, "data/zeek/ctu-normal/"
	    "002-zeek-scenario-port-scanning.conn.json.log.gz");
	assert_int_equal(file.count, 4504);
	assert_int_equal(file.events, 4504);
	for (i = 0; i < file.count; i++) {
		event = &file.lines[i].event;
		no_ports += event->source_port == FLOW_NO_PORT &&
		    event->destination_port == FLOW_NO_PORT &&
		    strcmp(event->transport, "icmp") == 0;
		dns += strcmp(event->service, "dns") == 0;
		established += event->setup == FLOW_SETUP_ESTABLISHED;
		attempts += event->setup == FLOW_SETUP_ATTEMPT;
		if (event->destination_port == 3389 && n_rdp < 64)
			rdp[n_rdp++] = event;
	}
	assert_int_equal(no_ports, 383);
	assert_int_equal(dns, 8);
	assert_int_equal(established, 236);
	assert_int_equal(attempts, 4268);
	assert_int_equal(n_rdp, 36);
	assert_int_equal(distinct_sources(rdp, n_rdp), 1);
	decoded_file_free(&file);
}

/*
 * RITA's Zeek JSON with every conn field and "_path": 29 records (wc
 * -l), all established by jq (28 TCP SF, S1 or RSTO, one UDP SF with a
 * packet each way); services: 19 ssl, 9 http, 1 unset.
 */
static void
test_real_rita_all_fields(void **unused)
{
	struct decoded_file	 file;
	struct flow_event	*event;
	size_t			 i, ssl = 0, http = 0, unset = 0;
	size_t			 established = 0;

	file = decode_file(DECODER_ZEEK,
	    "data/zeek/rita-edge/json_with_all_fields/conn.log");
	assert_int_equal(file.count, 29);
	assert_int_equal(file.events, 29);
	for (i = 0; i < file.count; i++) {
		event = &file.lines[i].event;
		ssl += strcmp(event->service, "ssl") == 0;
		http += strcmp(event->service, "http") == 0;
		unset += event->service[0] == '\0';
		established += event->setup == FLOW_SETUP_ESTABLISHED;
	}
	assert_int_equal(ssl, 19);
	assert_int_equal(http, 9);
	assert_int_equal(unset, 1);
	assert_int_equal(established, 29);

	event = &file.lines[28].event;
	assert_string_equal(event->transport, "udp");
	assert_int_equal(event->destination_port, 123);
	assert_time(event->written, 1517422419.710191 + 0.048235);
	decoded_file_free(&file);
}

/* The one-pass key scan: values, kinds, doubt and refusal. */
static void
test_raw_fields(void **unused)
{
	struct record_json_field	 f[3] = {
		{ "ts", 2, 0, NULL, 0 },
		{ "proto", 5, 0, NULL, 0 },
		{ "tunnel_parents", 14, 0, NULL, 0 },
	};
	const char			*line;

	(void)unused;
	line = "{\"ts\": 12.5 , \"x\":{\"ts\":[1,{\"a\":\"]\"}]},"
	    "\"proto\":\"tcp\",\"tunnel_parents\":[\"C1\"]}";
	assert_int_equal(record_json_fields(line, strlen(line), f, 3), 0);
	assert_int_equal(f[0].kind, RECORD_JSON_OTHER);
	assert_int_equal(f[0].value_len, 4);
	assert_memory_equal(f[0].value, "12.5", 4);
	assert_int_equal(f[1].kind, RECORD_JSON_STRING);
	assert_int_equal(f[1].value_len, 3);
	assert_memory_equal(f[1].value, "tcp", 3);
	assert_int_equal(f[2].kind, RECORD_JSON_UNSURE);

	line = "{\"ts\":1,\"ts\":2}";
	assert_int_equal(record_json_fields(line, strlen(line), f, 3), 0);
	assert_int_equal(f[0].kind, RECORD_JSON_UNSURE);
	assert_int_equal(f[1].kind, RECORD_JSON_ABSENT);

	line = "{\"proto\":\"\"}";
	assert_int_equal(record_json_fields(line, strlen(line), f, 3), 0);
	assert_int_equal(f[1].kind, RECORD_JSON_STRING);
	assert_int_equal(f[1].value_len, 0);

	line = " { } ";
	assert_int_equal(record_json_fields(line, strlen(line), f, 3), 0);
	assert_int_equal(f[0].kind, RECORD_JSON_ABSENT);

	/* Not one flat object: the caller must parse the line. */
	assert_int_equal(record_json_fields("{\"ts\":1", 7, f, 3), -1);
	assert_int_equal(record_json_fields("{\"ts\":1}x", 9, f, 3), -1);
	assert_int_equal(record_json_fields("{\"ts\":}", 7, f, 3), -1);
	assert_int_equal(record_json_fields("{\"ts\" 1}", 8, f, 3), -1);
	assert_int_equal(record_json_fields("{\"ts\":1,}", 9, f, 3), -1);
	assert_int_equal(record_json_fields("[1]", 3, f, 3), -1);
	assert_int_equal(record_json_fields("{\"a\":[1}", 8, f, 3), -1);
	assert_int_equal(record_json_fields("", 0, f, 3), -1);
}

/*
 * Whenever the raw reading of a conn record's times answers, it answers
 * what the parsed record gives; lines it is unsure of answer -1.
 */
static void
test_raw_conn_times(void **unused)
{
	static const char	*lines[] = {
		"{\"ts\":1600000000.5,\"proto\":\"tcp\",\"duration\":2.25}",
		"{\"_path\":\"conn\",\"ts\":\"2020-09-13T12:26:40.5Z\"}",
		"{\"@stream\":\"conn\",\"ts\":1600000000500,"
		    "\"conn_state\":\"S0\"}",
		"{\"conn_state\":\"SF\",\"ts\":\"1600000000.5\","
		    "\"duration\":null,\"tunnel_parents\":[\"a\",\"b\"]}",
		"{\"ts\":1600000000.5,\"proto\":\"tcp\",\"duration\":-1}",
		"{\"_path\":\"dns\",\"ts\":1600000000.5,\"proto\":\"udp\"}",
		"{\"_path\":null,\"ts\":1600000000.5,\"proto\":\"udp\"}",
		"{\"ts\":1600000000.5,\"ts\":1.0,\"proto\":\"tcp\"}",
		"{\"ts\":1600000000.5,\"proto\":\"tcp\",\"duration\":[1]}",
		"{\"ts\":1600000000.5,\"conn_state\":\"\",\"proto\":\"tcp\"}",
		"{\"ts\":1600000000.5,\"uid\":\"C1\"}",
		"{\"ts\":-5,\"proto\":\"tcp\"}",
		"{\"ts\":1e400,\"proto\":\"tcp\"}",
	};
	static const int	 answers[] = {
		0, 0, 0, 0, 0, -1, -1, -1, -1, 0, -1, -1, -1
	};
	struct flow_event	 raw, parsed;
	const char		*reason;
	char			 whole[512];
	size_t			 i;

	(void)unused;
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		if (zeek_json_conn_times(lines[i], strlen(lines[i]),
		    &raw) != answers[i])
			fail_msg("line %zu: answer is not %d", i, answers[i]);
		if (answers[i] != 0)
			continue;
		/* The parsed record needs its addresses to be an event. */
		snprintf(whole, sizeof whole, "{\"id.orig_h\":\"10.0.0.1\","
		    "\"id.orig_p\":1,\"id.resp_h\":\"10.0.0.2\","
		    "\"id.resp_p\":80,%s", lines[i] + 1);
		if (decode(DECODER_ZEEK, whole, &parsed, &reason) !=
		    RECORD_EVENT)
			fail_msg("line %zu gives no parsed event", i);
		assert_int_equal(raw.dataset, parsed.dataset);
		assert_time(raw.start, parsed.start);
		assert_time(raw.written, parsed.written);
	}
}

/*
 * The raw decoding of whole Zeek records agrees with the parsed one on
 * random records of plain, odd, unset, repeated and broken fields, in
 * both spellings of the scoped names (and on every line of the real
 * Zeek files, in decode_file_line()).
 */
static void
test_raw_whole_records(void **unused)
{
	static const char	*paths[] = {
		"", "\"_path\":\"conn\",", "\"_path\":\"rdp\",",
		"\"_path\":\"dns\",", "\"@stream\":\"conn\",",
		"\"_path\":\"\",",
		"\"_path\":null,\"@stream\":\"rdp\",", "\"_path\":5,",
		"\"cookie\":\"admin\",", "\"result\":\"Success\","
	};
	static const char	*times[] = {
		"1767607200.123456", "1767607200", "\"1767607200.5\"",
		"1767607200123.25", "-5", "-0", "-0.0", "null", "\"\"", "true",
		"\"2026-01-05T10:00:00.5Z\"", "1.5e9", "01", "\"x\"",
		"12345678901234567", "0.1000000000000000055511151231257827"
	};
	static const char	*addresses[] = {
		"\"10.0.0.1\"", "\"2001:db8::1\"", "\"\"", "null", "7",
		"\"10.0.0.300\"", "\"::ffff:10.0.0.1\""
	};
	static const char	*ports[] = {
		"3389", "80", "0", "-0", "65535", "65536", "-1", "3389.0",
		"\"3389\"", "null", "\"\"", "1e3", "true", "033"
	};
	static const char	*protos[] = {
		"\"tcp\"", "\"udp\"", "\"TCP\"", "\"icmp\"", "\"icmp6\"",
		"\"\"",
		"null", "6"
	};
	static const char	*services[] = {
		"\"rdp\"", "\"ssl,rdp\"", "\"http\"", "null", "\"\"",
		"[\"rdp\"]",
		"42"
	};
	static const char	*numbers[] = {
		"1", "0", "-3", "2.5", "null", "\"7\"", "1e2", "[1]",
		"123456789012345678901", "true"
	};
	static const char	*states[] = {
		"\"SF\"", "\"S0\"", "\"REJ\"", "\"OTH\"", "\"\"", "null", "3"
	};
	static const char	*uids[] = {
		"\"CAbc\"", "\"\"", "null", "\"C\\u0041\"", "\"C\xc3\xa9\"", "9"
	};
	static const char	*scopes[] = { "id.", "id_" };
	struct flow_event	 parsed;
	enum record_result	 result;
	const char		*reason;
	unsigned		 seed = 20260105;
	char			 line[1024];
	size_t			 i, cut, answered = 0;
	int			 n;

#define PICK(list) (list[rand_r(&seed) % (sizeof list / sizeof list[0])])
	(void)unused;
	for (i = 0; i < 100000; i++) {
		n = snprintf(line, sizeof line, "{%s\"ts\":%s,\"uid\":%s,"
		    "\"%sorig_h\":%s,\"%sorig_p\":%s,\"%sresp_h\":%s,"
		    "\"%sresp_p\":%s,\"proto\":%s,\"service\":%s,"
		    "\"duration\":%s,\"orig_bytes\":%s,\"resp_bytes\":%s,"
		    "\"conn_state\":%s,\"orig_pkts\":%s,\"resp_pkts\":%s%s}",
		    PICK(paths), PICK(times), PICK(uids), PICK(scopes),
		    PICK(addresses), PICK(scopes), PICK(ports), PICK(scopes),
		    PICK(addresses), PICK(scopes), PICK(ports), PICK(protos),
		    PICK(services), PICK(numbers), PICK(numbers),
		    PICK(numbers), PICK(states), PICK(numbers), PICK(numbers),
		    rand_r(&seed) % 8 == 0 ? ",\"ts\":1" :
		    rand_r(&seed) % 8 == 0 ? ", \"x\" : [1,{}] " : "");
		assert_true(n > 0 && (size_t)n < sizeof line);
		/* One record in sixteen is cut short, possibly mid-value. */
		if (rand_r(&seed) % 16 == 0) {
			cut = 1 + (size_t)rand_r(&seed) % (size_t)n;
			line[cut] = '\0';
			n = (int)cut;
		}
		reason = NULL;
		result = decode_bytes(DECODER_ZEEK, line, (size_t)n, &parsed,
		    &reason);
		if (check_raw_decode(line, (size_t)n, result, &parsed, reason))
			answered++;
	}
#undef PICK
	/* A few in a hundred are plain throughout, so answered raw. */
	if (answered < 3000)
		fail_msg("raw decoding answered only %zu records", answered);
}

/* Lines that are plain, and lines that must be parsed. */
static void
test_raw_plain(void **unused)
{
	static const char	*plain[] = {
		"{}", " { } ", "{\"a\":1}", "{\"a\" : -0.5 ,\"b\":\"x y\"}\r",
		"{\"a\":true,\"b\":false,\"c\":null,\"\":\"\"}",
		"{\"a\":123456789012345678}", "{\"a\":0.000000000001}"
	};
	static const char	*not_plain[] = {
		"", "[]", "{", "{\"a\":1,}", "{\"a\":[1]}", "{\"a\":{}}",
		"{\"a\":\"\\n\"}", "{\"a\":\"\xc3\xa9\"}", "{\"a\":\"\t\"}",
		"{\"a\":1e5}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
		"{\"a\":-}", "{\"a\":tru}", "{\"a\":nulll}", "{\"a\":+1}",
		"{\"a\":1234567890123456789}", "{\"a\":1}x", "{\"a\" 1}",
		"{\"a\":1 2}", "{a:1}"
	};
	size_t			 i;

	(void)unused;
	for (i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (!record_json_plain(plain[i], strlen(plain[i])))
			fail_msg("not plain: %s", plain[i]);
	for (i = 0; i < sizeof not_plain / sizeof not_plain[0]; i++)
		if (record_json_plain(not_plain[i], strlen(not_plain[i])))
			fail_msg("plain: %s", not_plain[i]);
}

/*
 * record_json_number() reads numbers to the bit as jansson does, on
 * edge cases and on random numbers of every length and scale.
 */
static void
test_json_number(void **unused)
{
	static const char	*cases[] = {
		"0", "-0", "-0.0", "0.1", "1767607200.123456",
		"9007199254740992", "9007199254740993", "-9007199254740993",
		"123456789012345678", "0.30000000000000004",
		"1.7976931348623157", "4.9406564584124654", "2.5e-3", "1E22",
		"0.1234567890123456789", "12345678901234567.5"
	};
	unsigned		 seed = 20260106;
	char			 text[64], array[80];
	json_t			*parsed;
	double			 ours, theirs;
	size_t			 i, k, d, digits, point;

	(void)unused;
	for (i = 0; i < sizeof cases / sizeof cases[0] + 200000; i++) {
		if (i < sizeof cases / sizeof cases[0])
			snprintf(text, sizeof text, "%s", cases[i]);
		else {
			/* 1 to 20 random digits, a point after any of them. */
			digits = 1 + (size_t)rand_r(&seed) % 20;
			point = 1 + (size_t)rand_r(&seed) % digits;
			k = 0;
			if (rand_r(&seed) % 4 == 0)
				text[k++] = '-';
			for (d = 0; d < digits; d++) {
				if (d == point)
					text[k++] = '.';
				/* No leading zero before more whole digits. */
				text[k++] = (char)('0' + (d == 0 && point > 1 ?
				    1 + rand_r(&seed) % 9 :
				    rand_r(&seed) % 10));
			}
			text[k] = '\0';
		}
		snprintf(array, sizeof array, "[%s]", text);
		parsed = json_loads(array, 0, NULL);
		if (parsed == NULL) {
			assert_int_not_equal(record_json_number(text,
			    strlen(text), &ours), 0);
			continue;
		}
		theirs = json_number_value(json_array_get(parsed, 0));
		json_decref(parsed);
		if (record_json_number(text, strlen(text), &ours) != 0)
			continue;	/* an integer too long: jansson's */
		if (memcmp(&ours, &theirs, sizeof ours) != 0)
			fail_msg("%s reads %.17g, jansson %.17g", text, ours,
			    theirs);
	}
}

/*
 * The vector test of RDP bytes gives the answer of the byte scan, on
 * random lines rich in the letters and digits it looks for, with the
 * patterns at every place relative to a block, and with several ports.
 */
static void
test_rdp_text(void **unused)
{
	static const int	 one[] = { 3389 };
	static const int	 several[] = { 3389, 1, 65535, 22, 443 };
	static const char	 alphabet[] = "rRdDpP3389\\\\0145622\":,{} ";
	struct rdp_text		 text[2];
	unsigned		 seed = 20260107;
	char			 line[200];
	size_t			 i, j, k, len;
	bool			 fast, slow;

	(void)unused;
	assert_int_equal(rdp_text_init(&text[0], one, 1), 0);
	assert_int_equal(rdp_text_init(&text[1], several, 5), 0);
	assert_int_equal(rdp_text_init(&text[1], several, 0), -1);
	assert_int_equal(rdp_text_init(&text[1], several, 5), 0);
	for (i = 0; i < 400000; i++) {
		len = (size_t)rand_r(&seed) % sizeof line;
		for (j = 0; j < len; j++)
			line[j] = rand_r(&seed) % 4 == 0 ?
			    alphabet[rand_r(&seed) % (sizeof alphabet - 1)] :
			    (char)('a' + rand_r(&seed) % 26 % 3 + 4);
		k = i % 2;
		fast = rdp_text_may_match(&text[k], line, len);
		slow = rdp_text_may_match_bytewise(&text[k], line, len);
		if (fast != slow)
			fail_msg("vector %d, bytes %d: %.*s", fast, slow,
			    (int)len, line);
	}
	/* Each pattern alone, at each place in a line of filler. */
	for (len = 3; len < 60; len++)
		for (j = 0; j + 3 <= len; j++) {
			memset(line, 'x', len);
			memcpy(line + j, j % 2 ? "RdP" : "389", 3);
			if (!rdp_text_may_match(&text[1], line, len) !=
			    (j % 2 == 0))
				fail_msg("missed at %zu of %zu", j, len);
			if (j + 4 <= len) {
				memcpy(line + j, "3389", 4);
				assert_true(rdp_text_may_match(&text[0], line,
				    len));
			}
		}
}

/* Run every test, or skip them all when the shared files are absent. */
int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_zeek_conn_state_table),
		cmocka_unit_test(test_zeek_log_kinds),
		cmocka_unit_test(test_zeek_times),
		cmocka_unit_test(test_zeek_addresses_and_ports),
		cmocka_unit_test(test_zeek_service),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_eve_tcp_setup),
		cmocka_unit_test(test_eve_udp_and_ports),
		cmocka_unit_test(test_eve_fields),
		cmocka_unit_test(test_eve_skips),
		cmocka_unit_test(test_eve_worth_parsing),
		cmocka_unit_test(test_case_poison_line),
		cmocka_unit_test(test_case_ts_iso8601),
		cmocka_unit_test(test_case_ipv6_forms),
		cmocka_unit_test(test_case_icmp_no_ports),
		cmocka_unit_test(test_case_non_flow_events),
		cmocka_unit_test(test_case_unset_null_missing),
		cmocka_unit_test(test_case_deep_nesting),
		cmocka_unit_test(test_case_long_line),
		cmocka_unit_test(test_real_slips_eve),
		cmocka_unit_test(test_real_otrf_apt29),
		cmocka_unit_test(test_real_ctu_port_scan),
		cmocka_unit_test(test_real_rita_all_fields),
		cmocka_unit_test(test_raw_fields),
		cmocka_unit_test(test_raw_conn_times),
		cmocka_unit_test(test_raw_whole_records),
		cmocka_unit_test(test_raw_plain),
		cmocka_unit_test(test_json_number),
		cmocka_unit_test(test_rdp_text)
	};

	if (access(SHARED_DIR "/cases", R_OK) != 0 ||
	    access(SHARED_DIR "/data", R_OK) != 0) {
		fprintf(stderr, "skip: %s is absent\n", SHARED_DIR);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
