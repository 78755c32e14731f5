/*
 * test_record.c - format recognition and the Zeek TSV decoder, line by
 * line, against the shared fault cases, real sensor files and inputs
 * written here in other shapes of the same faults.
 *
 * Each input is fed through one record_decoder the way the reader would:
 * one line at a time without its newline, stopping at the first
 * RECORD_UNRECOGNISED.  The test keeps every event and every reject with
 * its line number and reason, and asserts exact values: addresses in
 * canonical form, ports, transport, service, state, setup, times.
 *
 * Files come from SHARED_DIR (../shared): the cases and the real logs.
 * Compressed files are read with zlib's gzread, which passes plain files
 * through.  Without the shared tree the whole program is skipped (77), as
 * in make distcheck.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>

#include "addr.h"
#include "flow.h"
#include "record.h"
#include "timestamp.h"
#include "util.h"

#ifndef SHARED_DIR
#define SHARED_DIR	"../shared"
#endif

#define CASES		SHARED_DIR "/cases/"
#define ZEEK_DATA	SHARED_DIR "/data/zeek/"
#define BASELINES	ZEEK_DATA "zeek-baselines/"

/* One rejected line. */
struct reject {
	size_t		 line;
	const char	*reason;
};

/* Everything one input gave. */
struct run {
	struct flow_event	*events;
	size_t			 n_events;
	struct reject		*rejects;
	size_t			 n_rejects;
	size_t			 skips;
	size_t			 lines;
	const char		*unrecognised;	/* reason, or NULL */
	size_t			 unrecognised_line;
	enum record_format	 format;
	unsigned long		 switches;	/* changes of format */
};

/* The standard 21 conn.log columns of Zeek 2.6 to 5.x. */
#define CONN_HEADER \
	"#separator \\x09\n" \
	"#set_separator\t,\n" \
	"#empty_field\t(empty)\n" \
	"#unset_field\t-\n" \
	"#path\tconn\n" \
	"#open\t2026-01-05-10-00-00\n" \
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t" \
	"proto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\t" \
	"local_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\t" \
	"orig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n" \
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\t" \
	"interval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\t" \
	"count\tcount\tcount\tset[string]\n"

/* A conn.log row with the given parts and ordinary filler elsewhere. */
#define CONN_ROW(ts, uid, src, sport, dst, dport, proto, service, state) \
	ts "\t" uid "\t" src "\t" sport "\t" dst "\t" dport "\t" proto "\t" \
	service "\t-\t-\t-\t" state "\t-\t-\t0\tS\t1\t60\t0\t0\t-\n"

/* Free what a run holds. */
static void
run_free(struct run *run)
{
	free(run->events);
	free(run->rejects);
	memset(run, 0, sizeof *run);
}

/* Feed one line to the decoder and file the result; false to stop. */
static bool
run_line(struct run *run, struct record_decoder *decoder, const char *line,
    size_t len)
{
	struct flow_event	 event;
	const char		*reason = NULL;

	run->lines++;
	switch (record_decode(decoder, line, len, &event, &reason)) {
	case RECORD_EVENT:
		run->events = xrealloc(run->events,
		    (run->n_events + 1) * sizeof *run->events);
		run->events[run->n_events++] = event;
		break;
	case RECORD_SKIP:
		run->skips++;
		break;
	case RECORD_REJECT:
		assert_non_null(reason);
		run->rejects = xrealloc(run->rejects,
		    (run->n_rejects + 1) * sizeof *run->rejects);
		run->rejects[run->n_rejects].line = run->lines;
		run->rejects[run->n_rejects].reason = reason;
		run->n_rejects++;
		break;
	case RECORD_UNRECOGNISED:
		assert_non_null(reason);
		run->unrecognised = reason;
		run->unrecognised_line = run->lines;
		return false;
	}
	return true;
}

/* Decode len bytes of newline-separated lines with the given limits. */
static void
run_buffer_limits(struct run *run, const char *text, size_t len,
    const struct record_limits *limits)
{
	struct record_decoder	*decoder = record_decoder_new(limits);
	const char		*p = text, *end = text + len, *nl;

	memset(run, 0, sizeof *run);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!run_line(run, decoder, p, nl != NULL ?
		    (size_t)(nl - p) : (size_t)(end - p)))
			break;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	run->format = record_decoder_format(decoder);
	run->switches = record_decoder_switches(decoder);
	record_decoder_free(decoder);
}

/* Decode a C string of lines with default limits. */
static void
run_text(struct run *run, const char *text)
{
	run_buffer_limits(run, text, strlen(text), NULL);
}

/* Decode a C string of lines with the given limits. */
static void
run_text_limits(struct run *run, const char *text,
    const struct record_limits *limits)
{
	run_buffer_limits(run, text, strlen(text), limits);
}

/* How many rejects of a run have the given reason. */
static size_t
count_rejects(const struct run *run, const char *reason)
{
	size_t	i, n = 0;

	for (i = 0; i < run->n_rejects; i++)
		if (strcmp(run->rejects[i].reason, reason) == 0)
			n++;
	return n;
}

/* Read a whole file, decompressing gzip, into a NUL-terminated buffer. */
static char *
read_file(const char *path, size_t *len)
{
	gzFile	 gz = gzopen(path, "rb");
	char	*buf = NULL;
	size_t	 size = 0, used = 0;
	int	 n;

	if (gz == NULL)
		fail_msg("cannot open %s", path);
	gzbuffer(gz, 128 * 1024);
	for (;;) {
		if (size - used < 65536) {
			size = size * 2 + 65536;
			buf = xrealloc(buf, size + 1);
		}
		n = gzread(gz, buf + used, (unsigned)(size - used));
		if (n < 0)
			fail_msg("cannot read %s", path);
		if (n == 0)
			break;
		used += (size_t)n;
	}
	gzclose(gz);
	buf[used] = '\0';
	*len = used;
	return buf;
}

/* Decode a file (plain or gzip) with default limits. */
static void
run_file(struct run *run, const char *path)
{
	size_t	 len;
	char	*buf = read_file(path, &len);

	run_buffer_limits(run, buf, len, NULL);
	free(buf);
}

/* Decode a file after replacing every occurrence of one string. */
static void
run_file_replacing(struct run *run, const char *path, const char *from,
    const char *to)
{
	size_t	 len, n = strlen(from);
	char	*buf = read_file(path, &len), *p = buf;

	assert_int_equal(strlen(to), n);
	while ((p = strstr(p, from)) != NULL) {
		memcpy(p, to, n);
		p += n;
	}
	run_buffer_limits(run, buf, len, NULL);
	free(buf);
}

/* Count lines of a file that are neither blank nor '#' lines. */
static size_t
count_data_lines(const char *path)
{
	size_t	 len, count = 0;
	char	*buf = read_file(path, &len), *p = buf, *nl;

	while (p < buf + len) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		if (nl == NULL)
			nl = buf + len;
		if (nl > p && *p != '#')
			count++;
		p = nl + 1;
	}
	free(buf);
	return count;
}

/* The canonical text of an address, in a static buffer of four. */
static const char *
text_of(const struct ip_addr *addr)
{
	static char	bufs[4][ADDR_TEXT_MAX];
	static int	next;
	char		*buf = bufs[next++ % 4];

	addr_format(addr, buf);
	return buf;
}

/* Assert the endpoints and transport of an event. */
static void
assert_flow(const struct flow_event *event, const char *source,
    int source_port, const char *destination, int destination_port,
    const char *transport)
{
	assert_string_equal(text_of(&event->source), source);
	assert_int_equal(event->source_port, source_port);
	assert_string_equal(text_of(&event->destination), destination);
	assert_int_equal(event->destination_port, destination_port);
	assert_string_equal(event->transport, transport);
}

/* Assert how many events, rejects and whether the input was refused. */
static void
assert_counts(const struct run *run, size_t events, size_t rejects)
{
	if (run->unrecognised != NULL)
		fail_msg("unrecognised at line %zu: %s",
		    run->unrecognised_line, run->unrecognised);
	if (run->n_events != events || run->n_rejects != rejects)
		fail_msg("%zu events, %zu rejects (first: line %zu %s); "
		    "want %zu, %zu", run->n_events, run->n_rejects,
		    run->n_rejects ? run->rejects[0].line : 0,
		    run->n_rejects ? run->rejects[0].reason : "-",
		    events, rejects);
}

/* Assert that every reject of a run has one reason. */
static void
assert_all_rejects(const struct run *run, const char *reason)
{
	size_t	i;

	for (i = 0; i < run->n_rejects; i++)
		assert_string_equal(run->rejects[i].reason, reason);
}

/*
 * ================================================================
 * The shared fault cases
 * ================================================================
 */

/* 13: short rows with the needed columns pass, one without is rejected. */
static void
test_case13_field_count(void **state)
{
	struct run	run;

	(void)state;
	run_file(&run, CASES "13-tsv-field-count-mismatch/conn.log");
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_counts(&run, 4, 1);
	assert_flow(&run.events[0], "198.51.100.10", 62000, "203.0.113.5",
	    3389, "tcp");
	assert_flow(&run.events[1], "198.51.100.11", 62001, "203.0.113.5",
	    3389, "tcp");
	assert_flow(&run.events[2], "198.51.100.12", 62002, "203.0.113.5",
	    3389, "tcp");
	assert_flow(&run.events[3], "198.51.100.14", 62004, "203.0.113.5",
	    3389, "tcp");
	assert_string_equal(run.events[2].state, "S0");
	assert_int_equal(run.events[2].setup, FLOW_SETUP_ATTEMPT);
	assert_string_equal(run.events[2].id, "CfcA2");
	assert_true(run.events[2].start == 1767607202.0);
	assert_int_equal(run.rejects[0].line, 12);
	assert_string_equal(run.rejects[0].reason, "missing-field");
	run_free(&run);
}

/* 15: unset, a set-looking string, escaped and real "(empty)", \x09. */
static void
test_case15_sentinels(void **state)
{
	static const char	*services[] = {
		"", "ssl,http", "(empty)", "", "rdp\tx"
	};
	struct run		 run;
	size_t			 i;

	(void)state;
	run_file(&run, CASES "15-zeek-tsv-sentinels/conn.log");
	assert_counts(&run, 5, 0);
	for (i = 0; i < 5; i++) {
		assert_string_equal(run.events[i].service, services[i]);
		assert_int_equal(run.events[i].source.bytes[3], 10 + i);
		assert_int_equal(run.events[i].destination_port,
		    i == 1 ? 443 : 3389);
	}
	run_free(&run);
}

/* 17: the ts of each line, read by jansson, gives the exact instant. */
static void
test_case17_timestamps(void **state)
{
	static const double	 want[] = {
		1767607200.0, 1767607200.5, 1767607201.0, 1767607202.25
	};
	char			 buf[TIMESTAMP_TEXT_MAX];
	size_t			 len, i = 0;
	char			*text, *line, *save = NULL;
	json_t			*root, *ts;
	double			 t;

	(void)state;
	text = read_file(CASES "17-ts-iso8601/conn.log", &len);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), i++) {
		root = json_loads(line, 0, NULL);
		assert_non_null(root);
		ts = json_object_get(root, "ts");
		if (json_is_string(ts))
			assert_int_equal(timestamp_parse(json_string_value(ts),
			    json_string_length(ts), &t), 0);
		else
			t = timestamp_from_number(json_number_value(ts));
		assert_true(i < 4);
		assert_true(t == want[i]);
		json_decref(root);
	}
	assert_int_equal(i, 4);
	timestamp_format(want[1], buf);
	assert_string_equal(buf, "2026-01-05T10:00:00.500000Z");
	free(text);
}

/* 19: IPv6 rows of conn.log come out in canonical form. */
static void
test_case19_ipv6(void **state)
{
	struct run	run;

	(void)state;
	run_file(&run, CASES "19-ipv6-forms-zone/conn.log");
	assert_counts(&run, 2, 0);
	assert_flow(&run.events[0], "2001:db8::20", 42100, "2001:db8::5",
	    3389, "tcp");
	assert_flow(&run.events[1], "fe80::2", 5353, "ff02::fb", 5353, "udp");
	assert_string_equal(run.events[1].service, "dns");
	run_free(&run);
}

/* 20: ICMP type and code are not ports. */
static void
test_case20_icmp(void **state)
{
	struct run	run;

	(void)state;
	run_file(&run, CASES "20-icmp-no-ports/conn.log");
	assert_counts(&run, 2, 0);
	assert_flow(&run.events[0], "198.51.100.12", FLOW_NO_PORT,
	    "203.0.113.5", FLOW_NO_PORT, "icmp");
	assert_flow(&run.events[1], "198.51.100.13", FLOW_NO_PORT,
	    "203.0.113.5", FLOW_NO_PORT, "icmp");
	assert_string_equal(run.events[0].state, "OTH");
	assert_int_equal(run.events[0].setup, FLOW_SETUP_ATTEMPT);
	run_free(&run);
}

/* 22: each of the 13 conn_state values has its known class. */
static void
test_case22_conn_states(void **state)
{
	static const struct {
		const char	*state;
		enum flow_setup	 setup;
	} want[] = {
		{ "S0",		FLOW_SETUP_ATTEMPT },
		{ "S1",		FLOW_SETUP_ESTABLISHED },
		{ "SF",		FLOW_SETUP_ESTABLISHED },
		{ "REJ",	FLOW_SETUP_ATTEMPT },
		{ "S2",		FLOW_SETUP_ESTABLISHED },
		{ "S3",		FLOW_SETUP_ESTABLISHED },
		{ "RSTO",	FLOW_SETUP_ESTABLISHED },
		{ "RSTR",	FLOW_SETUP_ESTABLISHED },
		{ "RSTOS0",	FLOW_SETUP_ATTEMPT },
		{ "RSTRH",	FLOW_SETUP_ATTEMPT },
		{ "SH",		FLOW_SETUP_ATTEMPT },
		{ "SHR",	FLOW_SETUP_ATTEMPT },
		{ "OTH",	FLOW_SETUP_ATTEMPT }
	};
	struct run	run;
	size_t		i;

	(void)state;
	run_file(&run, CASES "22-conn-state-mapping/conn.log");
	assert_counts(&run, 13, 0);
	for (i = 0; i < 13; i++) {
		assert_string_equal(run.events[i].state, want[i].state);
		assert_int_equal(run.events[i].setup, want[i].setup);
		assert_int_equal(run.events[i].source.bytes[3], 10 + i);
		assert_string_equal(text_of(&run.events[i].destination),
		    "203.0.113.5");
	}
	run_free(&run);
}

/* 31: a second header block with other columns replaces the first. */
static void
test_case31_header_change(void **state)
{
	static const char	*sources[] = {
		"198.51.100.10", "198.51.100.11", "198.51.100.15",
		"198.51.100.16"
	};
	static const char	*uids[] = {
		"ChcA0", "ChcA1", "ChcB0", "ChcB1"
	};
	struct run		 run;
	size_t			 i;

	(void)state;
	run_file(&run, CASES "31-header-change-mid-file/conn.log");
	assert_counts(&run, 4, 0);
	for (i = 0; i < 4; i++) {
		assert_flow(&run.events[i], sources[i], 35000 + (i < 2 ? i :
		    98 + i), "203.0.113.5", 3389, "tcp");
		assert_string_equal(run.events[i].state, "S0");
		assert_int_equal(run.events[i].setup, FLOW_SETUP_ATTEMPT);
		assert_string_equal(run.events[i].service, "");
		assert_string_equal(run.events[i].id, uids[i]);
	}
	assert_true(run.events[2].start == 1767607240.0);
	run_free(&run);
}

/* 12: a glued, cut record is one bad line; the format waits for the next. */
static void
test_case12_poison_line(void **state)
{
	struct run	run;

	(void)state;
	run_file(&run, CASES "12-poison-line/eve.json");
	assert_null(run.unrecognised);
	assert_int_equal(run.format, RECORD_EVE);
	assert_true(run.n_rejects >= 1);
	assert_int_equal(run.rejects[0].line, 1);
	assert_string_equal(run.rejects[0].reason, "bad-json");
	run_free(&run);
}

/* 25: 100000 nested arrays are refused before jansson recurses. */
static void
test_case25_deep_nesting(void **state)
{
	struct record_limits	limits = { .max_json_depth = 2048 };
	struct run		run;
	size_t			len;
	char			*buf;

	(void)state;
	buf = read_file(CASES "25-json-deep-nesting/eve.json", &len);
	run_buffer_limits(&run, buf, len, &limits);
	assert_null(run.unrecognised);
	assert_int_equal(run.format, RECORD_EVE);
	assert_int_equal(run.n_rejects, 1);
	assert_int_equal(run.rejects[0].line, 2);
	assert_string_equal(run.rejects[0].reason, "bad-json");
	run_free(&run);
	free(buf);
}

/*
 * ================================================================
 * Real files
 * ================================================================
 */

/* Zeek's test baselines mask every time: each row is a bad timestamp. */
static void
test_baselines_masked(void **state)
{
	static const struct {
		const char	*file;
		size_t		 rows;
	} files[] = {
		{ "core.tunnels.teredo_bubble_with_payload_conn.log", 7 },
		{ "scripts.base.frameworks.logging.field-name-map_conn.log",
		    0 },
		{ "scripts.base.frameworks.logging.scope_sep_conn.log", 0 },
		{ "scripts.base.protocols.ftp.ftp-ipv6_conn.log", 6 },
		{ "scripts.base.protocols.rdp.rdp-no-cookie-msthash_rdp.log",
		    1 },
		{ "scripts.base.protocols.rdp.rdp-proprietary-encryption_"
		    "rdp.log", 2 },
		{ "scripts.base.protocols.rdp.rdp-to-ssl_rdp.log", 2 },
		{ "scripts.base.protocols.rdp.rdp-unknown-keyboard_rdp.log",
		    1 },
		{ "scripts.base.protocols.rdp.rdp-x509_rdp.log", 1 },
		{ "scripts.base.protocols.rdp.rdpeudp-handshake-fail_conn.log",
		    1 },
		{ "scripts.base.protocols.rdp.rdpeudp-handshake-success_"
		    "conn.log", 1 },
		{ "scripts.base.protocols.rdp.rdpeudp2-handshake-success_"
		    "conn.log", 1 }
	};
	char		path[512];
	struct run	run;
	size_t		i, rows;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s%s", BASELINES, files[i].file);
		rows = count_data_lines(path);
		if (files[i].rows != 0)
			assert_int_equal(rows, files[i].rows);
		run_file(&run, path);
		assert_int_equal(run.format, RECORD_ZEEK_TSV);
		assert_counts(&run, 0, rows);
		assert_all_rejects(&run, "bad-timestamp");
		run_free(&run);
	}
}

/* With the masks replaced by a time, the same files decode fully. */
static void
test_baselines_unmasked(void **state)
{
	struct run	run;
	size_t		rows;
	const char	*path;

	(void)state;
	/* field-name-map: src, src_port, dst, dst_port. */
	path = BASELINES "scripts.base.frameworks.logging.field-name-map_"
	    "conn.log";
	rows = count_data_lines(path);
	run_file_replacing(&run, path, "XXXXXXXXXX.XXXXXX",
	    "1300475167.096535");
	assert_counts(&run, rows, 0);
	assert_flow(&run.events[0], "173.192.163.128", 80, "141.142.220.235",
	    6705, "tcp");
	assert_string_equal(run.events[0].state, "OTH");
	assert_int_equal(run.events[0].setup, FLOW_SETUP_ATTEMPT);
	assert_flow(&run.events[1], "141.142.220.118", 32902, "141.142.2.2",
	    53, "udp");
	assert_int_equal(run.events[1].setup, FLOW_SETUP_ESTABLISHED);
	assert_true(run.events[1].written == 1300475167.096535 + 0.000317);
	run_free(&run);

	/* scope_sep: id_orig_h and friends. */
	path = BASELINES "scripts.base.frameworks.logging.scope_sep_conn.log";
	run_file_replacing(&run, path, "XXXXXXXXXX.XXXXXX",
	    "1300475167.096535");
	assert_counts(&run, count_data_lines(path), 0);
	assert_flow(&run.events[0], "173.192.163.128", 80, "141.142.220.235",
	    6705, "tcp");
	run_free(&run);

	/* Teredo: ICMPv6 over IPv6, ports dropped; a tunnel-parents set. */
	run_file_replacing(&run, BASELINES
	    "core.tunnels.teredo_bubble_with_payload_conn.log",
	    "XXXXXXXXXX.XXXXXX", "1300475167.096535");
	assert_counts(&run, 7, 0);
	assert_flow(&run.events[3], "2001:0:4137:9e50:8000:f12a:b9c8:2815",
	    FLOW_NO_PORT, "2001:4860:0:2001::68", FLOW_NO_PORT, "ipv6-icmp");
	assert_flow(&run.events[1], "192.168.2.16", 3797, "65.55.158.81",
	    3544, "udp");
	assert_string_equal(run.events[1].state, "SHR");
	assert_int_equal(run.events[1].setup, FLOW_SETUP_ATTEMPT);
	assert_string_equal(run.events[2].service, "teredo");
	run_free(&run);

	/* rdp.log: always established, transport tcp, service rdp. */
	run_file_replacing(&run, BASELINES
	    "scripts.base.protocols.rdp.rdp-proprietary-encryption_rdp.log",
	    "XXXXXXXXXX.XXXXXX", "1300475167.096535");
	assert_counts(&run, 2, 0);
	assert_int_equal(run.events[0].dataset, FLOW_ZEEK_RDP);
	assert_flow(&run.events[0], "172.21.128.16", 1311, "10.226.24.52",
	    3389, "tcp");
	assert_int_equal(run.events[0].setup, FLOW_SETUP_ESTABLISHED);
	assert_string_equal(run.events[0].service, "rdp");
	assert_string_equal(run.events[0].state, "");
	assert_string_equal(run.events[1].id, "ClEkJM2Vm5giqnMf4h");
	assert_true(run.events[1].written == run.events[1].start);
	run_free(&run);

	/* RDP over UDP: handshake done, and refused. */
	run_file_replacing(&run, BASELINES
	    "scripts.base.protocols.rdp.rdpeudp-handshake-success_conn.log",
	    "XXXXXXXXXX.XXXXXX", "1300475167.096535");
	assert_counts(&run, 1, 0);
	assert_flow(&run.events[0], "::1", 61291, "::1", 3389, "udp");
	assert_string_equal(run.events[0].service, "rdpeudp");
	assert_int_equal(run.events[0].setup, FLOW_SETUP_ESTABLISHED);
	run_free(&run);
	run_file_replacing(&run, BASELINES
	    "scripts.base.protocols.rdp.rdpeudp-handshake-fail_conn.log",
	    "XXXXXXXXXX.XXXXXX", "1300475167.096535");
	assert_counts(&run, 1, 0);
	assert_string_equal(run.events[0].state, "S0");
	assert_int_equal(run.events[0].setup, FLOW_SETUP_ATTEMPT);
	run_free(&run);
}

/* Baselines without a usable header are refused whole, or skipped. */
static void
test_baselines_headerless(void **state)
{
	struct run	run;

	(void)state;
	/* "###" then tab-separated rows: TSV without a header. */
	run_file(&run, BASELINES "supervisor.config-cluster-pcap_zeek.worker."
	    "conn.log");
	assert_int_equal(run.n_events, 0);
	assert_int_equal(run.n_rejects, 0);
	assert_string_equal(run.unrecognised, "missing-header");
	assert_int_equal(run.unrecognised_line, 2);
	run_free(&run);

	/* "###" then '|'-separated rows: nothing to recognise. */
	run_file(&run, BASELINES "scripts.base.frameworks.logging.ascii-"
	    "options_ssh.log");
	assert_int_equal(run.n_events, 0);
	assert_string_equal(run.unrecognised, "unrecognised-format");
	assert_int_equal(run.unrecognised_line, 2);
	run_free(&run);

	/* "###" then a tsv=T row of names: an ssh log, skipped whole. */
	run_file(&run, BASELINES "scripts.base.frameworks.logging.ascii-"
	    "tsv_ssh-filtered.log");
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_counts(&run, 0, 0);
	assert_int_equal(run.skips, 7);
	run_free(&run);

	/* "###" then JSON that is neither Zeek conn nor eve. */
	run_file(&run, BASELINES "scripts.base.frameworks.logging.ascii-"
	    "json-iso-timestamps_ssh.log");
	assert_int_equal(run.n_events, 0);
	assert_string_equal(run.unrecognised, "unrecognised-format");
	assert_int_equal(run.unrecognised_line, 2);
	run_free(&run);
}

/* RITA's edge cases: prose, a cut last line, rows without a header. */
static void
test_rita_edge(void **state)
{
	struct run		 run;
	struct flow_event	*last;
	size_t			 rows;

	(void)state;
	run_file(&run, ZEEK_DATA "rita-edge/text_file/conn.log");
	assert_int_equal(run.n_events, 0);
	assert_string_equal(run.unrecognised, "unrecognised-format");
	assert_int_equal(run.unrecognised_line, 1);
	run_free(&run);

	run_file(&run, ZEEK_DATA "rita-edge/truncated/conn_top.log");
	assert_int_equal(run.n_events, 0);
	assert_string_equal(run.unrecognised, "missing-header");
	assert_int_equal(run.unrecognised_line, 1);
	run_free(&run);

	/* The last row stops inside duration: still a flow, state unknown. */
	run_file(&run, ZEEK_DATA "rita-edge/truncated/conn.log");
	assert_counts(&run, 59, 0);
	last = &run.events[58];
	assert_flow(last, "10.55.182.100", 14275, "52.203.109.41", 443,
	    "tcp");
	assert_string_equal(last->id, "CWjAXr3YklCCTQsYPg");
	assert_string_equal(last->state, "");
	assert_int_equal(last->setup, FLOW_SETUP_UNKNOWN);
	assert_true(last->start == 1517336086.507674);
	assert_true(last->written == 1517336086.507674 + 0.065);
	assert_string_equal(run.events[0].state, "S0");
	run_free(&run);

	run_file(&run, ZEEK_DATA "rita-edge/open_conns/open/conn.log");
	rows = count_data_lines(ZEEK_DATA "rita-edge/open_conns/open/"
	    "conn.log");
	assert_counts(&run, rows, 0);
	assert_true(run.events[0].written == 1517422326.539915 + 108.985496);
	run_free(&run);

	/* _node_name comes first; columns are found by name. */
	run_file(&run, ZEEK_DATA "rita-edge/proxy_rolling/"
	    "conn.15:00:00-16:00:00.log.gz");
	rows = count_data_lines(ZEEK_DATA "rita-edge/proxy_rolling/"
	    "conn.15:00:00-16:00:00.log.gz");
	assert_counts(&run, rows, 0);
	assert_flow(&run.events[0], "10.0.0.11", 60570, "239.255.255.250",
	    1900, "udp");
	assert_true(run.events[0].start == 1714417137.321305);
	run_free(&run);
}

/* Large real files decode without a single reject. */
static void
test_real_files(void **state)
{
	static const char	*files[] = {
		"rita-edge/proxy_rolling/conn.16:00:00-17:00:00.log.gz",
		"ctu-normal/001-zeek-scenario-malicious.conn.log",
		"ctu-normal/008-zeek-mixed.conn.log.labeled.gz",
		"ctu-normal/010-zeek-mixed.conn.log.labeled.gz",
		"ctu-normal/011-zeek-mixed.conn.log.labeled.gz",
		"rita-sensor/2024-04-19/conn.00:00:00-01:00:00.log.gz",
		"rita-sensor/2024-04-20/conn.23:00:00-00:00:00.log.gz"
	};
	char			 path[512];
	struct run		 run;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s%s", ZEEK_DATA, files[i]);
		run_file(&run, path);
		assert_int_equal(run.format, RECORD_ZEEK_TSV);
		assert_counts(&run, count_data_lines(path), 0);
		run_free(&run);
	}
}

/* WRCCDC rdp.log: 4122 rdp.log records, each an established session. */
static void
test_wrccdc_rdp(void **state)
{
	struct run	run;
	size_t		i, to_3389 = 0;

	(void)state;
	run_file(&run, ZEEK_DATA "wrccdc-2018/rdp.log.gz");
	assert_counts(&run, 4122, 0);
	for (i = 0; i < run.n_events; i++) {
		assert_int_equal(run.events[i].dataset, FLOW_ZEEK_RDP);
		assert_int_equal(run.events[i].setup, FLOW_SETUP_ESTABLISHED);
		assert_string_equal(run.events[i].transport, "tcp");
		if (run.events[i].destination_port == 3389)
			to_3389++;
	}
	assert_true(to_3389 > 0);
	assert_flow(&run.events[0], "10.164.94.120", 39681, "10.47.3.155",
	    3389, "tcp");
	assert_string_equal(run.events[0].id, "CMwJl820SlYyy434c8");
	assert_true(run.events[0].start == 1521911721.258458);
	run_free(&run);
}

/* A pretty-printed JSON array opens with "[": not a log, no crash. */
static void
test_alert_sample_arrays(void **state)
{
	struct run	run;

	(void)state;
	run_file(&run, SHARED_DIR "/data/suricata/alert-samples/"
	    "honeypot-2018_alerts-only.json");
	assert_string_equal(run.unrecognised, "unrecognised-format");
	assert_int_equal(run.unrecognised_line, 1);
	run_free(&run);
	run_file(&run, SHARED_DIR "/data/suricata/alert-samples/"
	    "wrccdc-2018_alerts-only.json.gz");
	assert_string_equal(run.unrecognised, "unrecognised-format");
	run_free(&run);
}

/*
 * ================================================================
 * Other shapes of the same faults
 * ================================================================
 */

/* A second #fields with columns reordered, renamed and fewer. */
static void
test_header_reorder(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run, CONN_HEADER
	    CONN_ROW("1767607200.0", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "tcp", "rdp", "SF")
	    "#close\t2026-01-05-10-10-00\n"
	    "#fields\tid_resp_p\tid_resp_h\tconn_state\tproto\tid_orig_h\t"
	    "ts\tid_orig_p\n"
	    "3390\t203.0.113.6\tREJ\tTCP\t198.51.100.11\t1767607300.5\t1001\n"
	    "#fields\tts\tsrc\tdst\tproto\n"
	    "1767607400\t198.51.100.12\t203.0.113.7\tudp\n");
	assert_counts(&run, 3, 0);
	assert_flow(&run.events[0], "198.51.100.10", 1000, "203.0.113.5",
	    3389, "tcp");
	assert_flow(&run.events[1], "198.51.100.11", 1001, "203.0.113.6",
	    3390, "tcp");
	assert_string_equal(run.events[1].state, "REJ");
	assert_string_equal(run.events[1].service, "");
	assert_string_equal(run.events[1].id, "");
	assert_true(run.events[1].start == 1767607300.5);
	assert_flow(&run.events[2], "198.51.100.12", FLOW_NO_PORT,
	    "203.0.113.7", FLOW_NO_PORT, "udp");
	assert_int_equal(run.events[2].setup, FLOW_SETUP_UNKNOWN);
	run_free(&run);
}

/* Escapes: a tab, a backslash and a separator inside values. */
static void
test_escapes(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run, CONN_HEADER
	    CONN_ROW("1767607200.0", "C\\x09tab", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "tcp", "rdp\\x09x\\x2cy", "SF")
	    CONN_ROW("1767607201.0", "C\\\\b", "198.51.100.11", "1001",
	    "203.0.113.5", "3389", "tcp", "a\\\\x41\\x4", "SF")
	    CONN_ROW("1767607202.0", "Cc", "198.51.100.12", "1002",
	    "203.0.113.5", "3389", "tcp", "\\x2d", "SF")
	    CONN_ROW("1767607203.0", "Cd", "198.51.100.13", "1003",
	    "203.0.113.5", "3389", "tcp", "x\\", "SF"));
	assert_counts(&run, 4, 0);
	assert_string_equal(run.events[0].id, "C\ttab");
	assert_string_equal(run.events[0].service, "rdp\tx,y");
	assert_string_equal(run.events[1].id, "C\\b");
	assert_string_equal(run.events[1].service, "a\\x41\\x4");
	/* An escaped "-" is the text "-", not unset. */
	assert_string_equal(run.events[2].service, "-");
	assert_string_equal(run.events[3].service, "x\\");
	run_free(&run);
}

/* CRLF line ends, as a file copied through Windows has them. */
static void
test_crlf(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run,
	    "#separator \\x09\r\n"
	    "#unset_field\tNONE\r\n"
	    "#path\tconn\r\n"
	    "#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
	    "proto\tconn_state\r\n"
	    "\r\n"
	    "1767607200.5\t198.51.100.10\t1000\t203.0.113.5\t3389\ttcp\tSF\r\n"
	    "1767607201.5\t198.51.100.11\t1001\t203.0.113.5\t3389\ttcp\t"
	    "NONE\r\n");
	assert_counts(&run, 2, 0);
	assert_string_equal(run.events[0].state, "SF");
	assert_int_equal(run.events[0].setup, FLOW_SETUP_ESTABLISHED);
	assert_int_equal(run.events[0].destination_port, 3389);
	assert_string_equal(run.events[1].state, "");
	assert_int_equal(run.events[1].setup, FLOW_SETUP_UNKNOWN);
	run_free(&run);
}

/* Sentinels and separator come from the header, whatever they are. */
static void
test_custom_header(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run,
	    "#separator \\x7c\n"
	    "#set_separator|;\n"
	    "#empty_field|EMPTY\n"
	    "#unset_field|NONE\n"
	    "#path|conn\n"
	    "#fields|ts|uid|id.orig_h|id.orig_p|id.resp_h|id.resp_p|proto|"
	    "service|conn_state\n"
	    "1767607200|C1|198.51.100.10|NONE|203.0.113.5|3389|tcp|-|S0\n"
	    "1767607201|C2|198.51.100.11|1|203.0.113.5|3389|tcp|EMPTY|S0\n"
	    "1767607202|C3|198.51.100.12|2|203.0.113.5|3389|tcp|NONE|S0\n"
	    "1767607203|C4|198.51.100.13|3|203.0.113.5|3389|tcp|"
	    "(empty)|S0\n"
	    "1767607204|C5|198.51.100.14|4|203.0.113.5|3389|tcp|"
	    "a\\x7cb|S0\n");
	assert_counts(&run, 5, 0);
	assert_int_equal(run.events[0].source_port, FLOW_NO_PORT);
	assert_string_equal(run.events[0].service, "-");
	assert_string_equal(run.events[1].service, "");
	assert_string_equal(run.events[2].service, "");
	assert_string_equal(run.events[3].service, "(empty)");
	assert_string_equal(run.events[4].service, "a|b");
	assert_string_equal(run.events[4].state, "S0");
	run_free(&run);
}

/* Ports must be integers 0 to 65535; unset is no port. */
static void
test_ports(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run, CONN_HEADER
	    CONN_ROW("1767607200", "C0", "198.51.100.10", "0",
	    "203.0.113.5", "65535", "tcp", "-", "S0")
	    CONN_ROW("1767607201", "C1", "198.51.100.11", "93145",
	    "203.0.113.5", "3389", "tcp", "-", "S0")
	    CONN_ROW("1767607202", "C2", "198.51.100.12", "1000",
	    "203.0.113.5", "65536", "tcp", "-", "S0")
	    CONN_ROW("1767607203", "C3", "198.51.100.13", "-1",
	    "203.0.113.5", "3389", "tcp", "-", "S0")
	    CONN_ROW("1767607204", "C4", "198.51.100.14", "80/tcp",
	    "203.0.113.5", "3389", "tcp", "-", "S0")
	    CONN_ROW("1767607205", "C5", "198.51.100.15", "-",
	    "203.0.113.5", "(empty)", "tcp", "-", "S0")
	    CONN_ROW("1767607206", "C6", "198.51.100.16", "00080",
	    "203.0.113.5", "1e3", "tcp", "-", "S0")
	    CONN_ROW("1767607207", "C7", "198.51.100.17", "1",
	    "203.0.113.5", "999999999999999999999", "tcp", "-", "S0"));
	assert_counts(&run, 2, 6);
	assert_all_rejects(&run, "bad-port");
	assert_flow(&run.events[0], "198.51.100.10", 0, "203.0.113.5", 65535,
	    "tcp");
	assert_flow(&run.events[1], "198.51.100.15", FLOW_NO_PORT,
	    "203.0.113.5", FLOW_NO_PORT, "tcp");
	run_free(&run);
}

/* Bad and odd addresses; IPv4-mapped and zoned addresses normalised. */
static void
test_addresses(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run, CONN_HEADER
	    CONN_ROW("1767607200", "C0", "999.1.1.1", "1",
	    "203.0.113.5", "3389", "tcp", "-", "S0")
	    CONN_ROW("1767607201", "C1", "198.51.100.11", "1",
	    "host.example", "3389", "tcp", "-", "S0")
	    CONN_ROW("1767607202", "C2", "::ffff:198.51.100.12", "1",
	    "fe80::5%eth0", "3389", "tcp", "-", "S0")
	    CONN_ROW("1767607203", "C3", "2001:DB8:0:0::12", "1",
	    "[2001:db8::5]", "3389", "tcp", "-", "S0")
	    CONN_ROW("1767607204", "C4", "-", "1",
	    "203.0.113.5", "3389", "tcp", "-", "S0")
	    CONN_ROW("1767607205", "C5", "198.51.100.15", "1",
	    "(empty)", "3389", "tcp", "-", "S0"));
	assert_counts(&run, 2, 4);
	assert_string_equal(run.rejects[0].reason, "bad-address");
	assert_string_equal(run.rejects[1].reason, "bad-address");
	assert_string_equal(run.rejects[2].reason, "missing-field");
	assert_string_equal(run.rejects[3].reason, "missing-field");
	assert_flow(&run.events[0], "198.51.100.12", 1, "fe80::5", 3389,
	    "tcp");
	assert_flow(&run.events[1], "2001:db8::12", 1, "2001:db8::5", 3389,
	    "tcp");
	run_free(&run);
}

/* Times: masked, unset, ISO text in a TSV column, milliseconds. */
static void
test_times(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run, CONN_HEADER
	    CONN_ROW("XXXXXXXXXX.XXXXXX", "C0", "198.51.100.10", "1",
	    "203.0.113.5", "3389", "tcp", "-", "S0")
	    CONN_ROW("-", "C1", "198.51.100.11", "1",
	    "203.0.113.5", "3389", "tcp", "-", "S0")
	    CONN_ROW("2026-01-05T10:00:00.500000Z", "C2", "198.51.100.12",
	    "1", "203.0.113.5", "3389", "tcp", "-", "S0")
	    CONN_ROW("1767607200500", "C3", "198.51.100.13", "1",
	    "203.0.113.5", "3389", "tcp", "-", "S0")
	    CONN_ROW("-1767607200", "C4", "198.51.100.14", "1",
	    "203.0.113.5", "3389", "tcp", "-", "S0"));
	assert_counts(&run, 2, 3);
	assert_string_equal(run.rejects[0].reason, "bad-timestamp");
	assert_string_equal(run.rejects[1].reason, "missing-field");
	assert_string_equal(run.rejects[2].reason, "bad-timestamp");
	assert_true(run.events[0].start == 1767607200.5);
	assert_true(run.events[1].start == 1767607200.5);
	run_free(&run);
}

/* Duration sets the written time; bad or unset leaves it at the start. */
static void
test_written(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run,
	    "#fields\tts\tid.orig_h\tid.resp_h\tproto\tduration\n"
	    "1767607200.5\t198.51.100.10\t203.0.113.5\ttcp\t2.25\n"
	    "1767607200.5\t198.51.100.11\t203.0.113.5\ttcp\t-\n"
	    "1767607200.5\t198.51.100.12\t203.0.113.5\ttcp\tlong\n"
	    "1767607200.5\t198.51.100.13\t203.0.113.5\ttcp\t3600\n");
	assert_counts(&run, 4, 0);
	assert_true(run.events[0].written == 1767607202.75);
	assert_true(run.events[1].written == 1767607200.5);
	assert_true(run.events[2].written == 1767607200.5);
	assert_true(run.events[3].written == 1767610800.5);
	run_free(&run);
}

/*
 * Seconds as zeek_tsv.c read them before its table of scales: one
 * division per fraction digit.  The reference for bit-identical written
 * times.
 */
static int
reference_seconds(const char *text, double *out)
{
	double	value = 0, scale = 1;
	size_t	i = 0, digits = 0, len = strlen(text);

	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++)
		value = value * 10 + (text[i] - '0');
	if (i < len && text[i] == '.') {
		for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
			scale /= 10;
			value += (text[i] - '0') * scale;
			digits++;
		}
	}
	if (digits == 0 || i != len)
		return -1;
	*out = value;
	return 0;
}

/* True when an event is RDP by filter.h's rule for --ports=3389. */
static bool
event_is_rdp(const struct flow_event *ev)
{
	const char	*p;

	if (strcmp(ev->transport, "tcp") != 0 &&
	    strcmp(ev->transport, "udp") != 0)
		return false;
	if (ev->destination_port == 3389)
		return true;
	for (p = ev->service; p[0] != '\0'; p++)
		if ((p[0] | 0x20) == 'r' && (p[1] | 0x20) == 'd' &&
		    (p[2] | 0x20) == 'p')
			return true;
	return false;
}

/* Assert two events are equal field by field. */
static void
assert_same_event(const struct flow_event *a, const struct flow_event *b,
    const char *row)
{
	if (a->start != b->start || a->written != b->written ||
	    a->dataset != b->dataset ||
	    !addr_equal(&a->source, &b->source) ||
	    !addr_equal(&a->destination, &b->destination) ||
	    a->source_port != b->source_port ||
	    a->destination_port != b->destination_port ||
	    strcmp(a->transport, b->transport) != 0 ||
	    strcmp(a->service, b->service) != 0 ||
	    strcmp(a->state, b->state) != 0 || a->setup != b->setup ||
	    strcmp(a->id, b->id) != 0)
		fail_msg("events differ for row: %s", row);
}

/*
 * The quick path for rows that cannot be RDP agrees with the whole
 * decode on random rows of plain, odd, escaped and broken values: the
 * same times for every event, the same whole event for every RDP one,
 * the same rejection for a bad time, and a time-only event only for a
 * row the whole decode does not find to be RDP.  Durations give the
 * written time the one-division-a-digit reading gave.
 */
static void
test_times_only_rows(void **state)
{
	static const char	*times[] = {
		"1767607200.123456", "1767607200", "1767607200.5",
		"1767607200123.25", "XXXXXXXXXX.XXXXXX", "-", "(empty)", "",
		"2026-01-05T10:00:00.5Z", "1767607200.\\x31", "1.5e9",
		"99999999999999999999.5"
	};
	static const char	*addresses[] = {
		"10.1.2.3", "10.1.2.3", "2001:db8::7", "-", "10.1.2",
		"010.1.2.3", "::ffff:192.0.2.1", "\\x31\\x30.0.0.1", "",
		"(empty)", "300.1.1.1"
	};
	static const char	*ports[] = {
		"3389", "80", "53", "03389", "-", "(empty)", "65536", "x",
		"", "\\x333389", "0", "123456"
	};
	static const char	*protos[] = {
		"tcp", "udp", "tcp", "TCP", "icmp", "-", "", "\\x74cp"
	};
	static const char	*services[] = {
		"-", "(empty)", "rdp", "RDP", "ssl,rdp", "http", "\\x72dp",
		"dns", "x-rdp-ish", ""
	};
	static const char	*durations[] = {
		"-", "0.5", "1.000158", "12", "x", "", "(empty)",
		"3.12345678901234567890123456", "\\x31.5", "0.000001", "7."
	};
	static const char	*conn_states[] = {
		"SF", "S0", "REJ", "OTH", "-"
	};
	static const int	 rdp_ports[] = { 3389 };
	struct record_limits	 whole_limits = { 0, rdp_ports, 1, true };
	struct record_limits	 quick_limits = { 0, rdp_ports, 1, false };
	struct record_decoder	*whole, *quick;
	struct flow_event	 a, b;
	const char		*reason_a, *reason_b, *header = CONN_HEADER;
	const char		*nl, *duration;
	enum record_result	 ra, rb;
	unsigned		 seed = 20260105;
	char			 row[512];
	double			 seconds;
	size_t			 i, cut, time_only = 0;
	int			 n;

#define PICK(list) (list[rand_r(&seed) % (sizeof list / sizeof list[0])])
	(void)state;
	whole = record_decoder_new(&whole_limits);
	quick = record_decoder_new(&quick_limits);
	for (; (nl = strchr(header, '\n')) != NULL; header = nl + 1) {
		record_decode(whole, header, (size_t)(nl - header), &a,
		    &reason_a);
		record_decode(quick, header, (size_t)(nl - header), &b,
		    &reason_b);
	}
	for (i = 0; i < 200000; i++) {
		duration = PICK(durations);
		n = snprintf(row, sizeof row, "%s\tCuid%zu\t%s\t%s\t%s\t%s\t"
		    "%s\t%s\t%s\t10\t20\t%s\tT\tF\t0\tShADadFf\t3\t100\t2\t"
		    "90\t-", PICK(times), i, PICK(addresses), PICK(ports),
		    PICK(addresses), PICK(ports), PICK(protos),
		    PICK(services), duration, PICK(conn_states));
		assert_true(n > 0 && (size_t)n < sizeof row);
		/* One row in eight is cut short, possibly mid-value. */
		if (rand_r(&seed) % 8 == 0) {
			cut = 1 + (size_t)rand_r(&seed) % (size_t)n;
			row[cut] = '\0';
			duration = NULL;
		}
		ra = record_decode(whole, row, strlen(row), &a, &reason_a);
		rb = record_decode(quick, row, strlen(row), &b, &reason_b);
		if (ra == RECORD_SKIP || rb == RECORD_SKIP) {
			/* A row cut to blanks. */
			assert_int_equal(ra, rb);
			continue;
		}
		if (ra == RECORD_EVENT && event_is_rdp(&a)) {
			assert_int_equal(rb, RECORD_EVENT);
			assert_same_event(&a, &b, row);
			continue;
		}
		if (ra == RECORD_REJECT &&
		    strcmp(reason_a, "bad-timestamp") == 0) {
			assert_int_equal(rb, RECORD_REJECT);
			assert_string_equal(reason_a, reason_b);
			continue;
		}
		if (rb == RECORD_REJECT) {
			assert_int_equal(ra, RECORD_REJECT);
			assert_string_equal(reason_a, reason_b);
			continue;
		}
		assert_int_equal(rb, RECORD_EVENT);
		assert_false(event_is_rdp(&b));
		if (ra != RECORD_EVENT) {
			/* Rejected whole for a field the quick path skips. */
			assert_int_equal(b.destination_port, FLOW_NO_PORT);
			time_only++;
			continue;
		}
		if (a.start != b.start || a.written != b.written ||
		    a.dataset != b.dataset)
			fail_msg("times differ for row: %s", row);
		if (duration != NULL &&
		    reference_seconds(duration, &seconds) == 0 &&
		    a.written != a.start + seconds)
			fail_msg("written differs from one division a digit: "
			    "%s", row);
	}
#undef PICK
	/* The skipped checks were exercised, not just allowed. */
	assert_true(time_only > 0);
	record_decoder_free(whole);
	record_decoder_free(quick);
}

/* The established test for every state, transport and data shape. */
static void
test_setup_table(void **state)
{
	static const struct {
		const char	*proto, *state, *orig_pkts, *resp_pkts;
		const char	*orig_bytes, *resp_bytes;
		enum flow_setup	 setup;
	} rows[] = {
		{ "tcp", "SF", "1", "0", "0", "0", FLOW_SETUP_ESTABLISHED },
		{ "tcp", "S0", "3", "0", "0", "0", FLOW_SETUP_ATTEMPT },
		{ "tcp", "REJ", "1", "1", "0", "0", FLOW_SETUP_ATTEMPT },
		{ "tcp", "OTH", "5", "4", "0", "0", FLOW_SETUP_ESTABLISHED },
		{ "tcp", "OTH", "-", "-", "900", "1200",
		    FLOW_SETUP_ESTABLISHED },
		{ "tcp", "OTH", "5", "0", "900", "0", FLOW_SETUP_ATTEMPT },
		{ "tcp", "OTH", "-", "-", "-", "-", FLOW_SETUP_ATTEMPT },
		{ "tcp", "S1", "-", "-", "-", "-", FLOW_SETUP_ESTABLISHED },
		{ "udp", "S0", "3", "0", "3696", "0", FLOW_SETUP_ATTEMPT },
		{ "udp", "SF", "1", "1", "38", "89", FLOW_SETUP_ESTABLISHED },
		{ "udp", "SF", "-", "-", "-", "-", FLOW_SETUP_ESTABLISHED },
		{ "udp", "OTH", "2", "3", "0", "0", FLOW_SETUP_ESTABLISHED },
		{ "udp", "SHR", "0", "1", "0", "137", FLOW_SETUP_ATTEMPT },
		{ "UDP", "OTH", "4", "4", "-", "-", FLOW_SETUP_ESTABLISHED },
		{ "icmp", "OTH", "1", "1", "52", "52",
		    FLOW_SETUP_ESTABLISHED },
		{ "icmp", "OTH", "1", "0", "52", "0", FLOW_SETUP_ATTEMPT },
		{ "tcp", "XYZ", "5", "5", "5", "5", FLOW_SETUP_UNKNOWN },
		{ "tcp", "sf", "5", "5", "5", "5", FLOW_SETUP_UNKNOWN },
		{ "tcp", "-", "5", "5", "5", "5", FLOW_SETUP_UNKNOWN },
		{ "udp", "-", "5", "5", "5", "5", FLOW_SETUP_UNKNOWN }
	};
	char		text[2048];
	struct run	run;
	size_t		i;
	int		n;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		n = snprintf(text, sizeof text,
		    "#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\t"
		    "id.resp_p\tproto\tconn_state\torig_pkts\tresp_pkts\t"
		    "orig_bytes\tresp_bytes\n"
		    "1767607200\t198.51.100.10\t1000\t203.0.113.5\t3389\t"
		    "%s\t%s\t%s\t%s\t%s\t%s\n", rows[i].proto, rows[i].state,
		    rows[i].orig_pkts, rows[i].resp_pkts, rows[i].orig_bytes,
		    rows[i].resp_bytes);
		assert_true(n > 0 && (size_t)n < sizeof text);
		run_text(&run, text);
		assert_counts(&run, 1, 0);
		if (run.events[0].setup != rows[i].setup)
			fail_msg("row %zu (%s %s): setup %d, want %d", i,
			    rows[i].proto, rows[i].state,
			    run.events[0].setup, rows[i].setup);
		assert_string_equal(run.events[0].state,
		    strcmp(rows[i].state, "-") == 0 ? "" : rows[i].state);
		run_free(&run);
	}

	/* No conn_state column at all. */
	run_text(&run, "#fields\tts\tid.orig_h\tid.resp_h\tproto\t"
	    "orig_pkts\tresp_pkts\n"
	    "1767607200\t198.51.100.10\t203.0.113.5\tudp\t4\t4\n");
	assert_counts(&run, 1, 0);
	assert_int_equal(run.events[0].setup, FLOW_SETUP_UNKNOWN);
	run_free(&run);
}

/* Which log: #path, or columns when #path is missing; others skipped. */
static void
test_log_kinds(void **state)
{
	struct run	run;

	(void)state;
	/* rdp.log columns without #path. */
	run_text(&run,
	    "#separator \\x09\n"
	    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
	    "cookie\tresult\tsecurity_protocol\n"
	    "1767607200\tCr\t198.51.100.10\t50000\t203.0.113.5\t3389\t"
	    "admin\tSuccess\tHYBRID\n");
	assert_counts(&run, 1, 0);
	assert_int_equal(run.events[0].dataset, FLOW_ZEEK_RDP);
	assert_string_equal(run.events[0].transport, "tcp");
	assert_int_equal(run.events[0].setup, FLOW_SETUP_ESTABLISHED);
	run_free(&run);

	/* dns.log has proto and id.*, but its #path says what it is. */
	run_text(&run,
	    "#separator \\x09\n"
	    "#path\tdns\n"
	    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
	    "proto\tquery\n"
	    "1767607200\tCd\t198.51.100.10\t5353\t203.0.113.5\t53\tudp\t"
	    "example.org\n");
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_counts(&run, 0, 0);
	assert_int_equal(run.skips, 4);
	run_free(&run);

	/* A conn block then an rdp block in one file. */
	run_text(&run, CONN_HEADER
	    CONN_ROW("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "tcp", "-", "SF")
	    "#close\t2026-01-05-11-00-00\n"
	    "#separator \\x09\n"
	    "#path\trdp\n"
	    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
	    "cookie\n"
	    "1767607201\tCb\t198.51.100.11\t1001\t203.0.113.5\t3389\t-\n");
	assert_counts(&run, 2, 0);
	assert_int_equal(run.events[0].dataset, FLOW_ZEEK_CONN);
	assert_int_equal(run.events[1].dataset, FLOW_ZEEK_RDP);
	assert_string_equal(run.events[1].service, "rdp");
	run_free(&run);

	/* A conn log missing its responder column rejects every row. */
	run_text(&run, "#path\tconn\n#fields\tts\tid.orig_h\tproto\n"
	    "1767607200\t198.51.100.10\ttcp\n");
	assert_counts(&run, 0, 1);
	assert_string_equal(run.rejects[0].reason, "missing-field");
	run_free(&run);
}

/* The tsv=T writer: a first line of column names instead of #fields. */
static void
test_tsv_names_header(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run,
	    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
	    "conn_state\n"
	    "1767607200.5\tCa\t198.51.100.10\t1000\t203.0.113.5\t3389\ttcp\t"
	    "SF\n"
	    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
	    "conn_state\n");
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	/* A names row after data is a row with a bad ts, not a header. */
	assert_counts(&run, 1, 1);
	assert_string_equal(run.rejects[0].reason, "bad-timestamp");
	assert_flow(&run.events[0], "198.51.100.10", 1000, "203.0.113.5",
	    3389, "tcp");
	run_free(&run);
}

/* Rows before any header, in several shapes, refuse the whole input. */
static void
test_missing_header(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run, "1767607200\tCa\t198.51.100.10\t1000\t203.0.113.5\n");
	assert_string_equal(run.unrecognised, "missing-header");
	run_free(&run);

	run_text(&run, "# a remark\n"
	    "1767607200\tCa\t198.51.100.10\t1000\t203.0.113.5\n");
	assert_string_equal(run.unrecognised, "missing-header");
	assert_int_equal(run.unrecognised_line, 2);
	run_free(&run);

	/* #separator makes it Zeek TSV, but a row still needs #fields. */
	run_text(&run, "#separator \\x09\n#path\tconn\n"
	    "1767607200\tCa\t198.51.100.10\t1000\t203.0.113.5\n");
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_string_equal(run.unrecognised, "missing-header");
	run_free(&run);

	run_text(&run, "hello world\n");
	assert_string_equal(run.unrecognised, "unrecognised-format");
	run_free(&run);

	run_text(&run, "ts,uid,id.orig_h\n");
	assert_string_equal(run.unrecognised, "unrecognised-format");
	run_free(&run);
}

/* Long values are cut to the event's fields, never overflow them. */
static void
test_long_values(void **state)
{
	char		text[4096], service[300], uid[200];
	struct run	run;

	(void)state;
	memset(service, 's', sizeof service - 1);
	service[sizeof service - 1] = '\0';
	memset(uid, 'C', sizeof uid - 1);
	uid[sizeof uid - 1] = '\0';
	snprintf(text, sizeof text, "#fields\tts\tuid\tid.orig_h\tid.resp_h\t"
	    "proto\tservice\tconn_state\n"
	    "1767607200\t%s\t198.51.100.10\t203.0.113.5\ttcp\t%s\t"
	    "SFSFSFSFSFSFSFSFSFSF\n", uid, service);
	run_text(&run, text);
	assert_counts(&run, 1, 0);
	assert_int_equal(strlen(run.events[0].service), 63);
	assert_int_equal(strlen(run.events[0].id), 63);
	assert_int_equal(strlen(run.events[0].state), 15);
	assert_int_equal(run.events[0].setup, FLOW_SETUP_UNKNOWN);
	run_free(&run);
}

/* Blank lines, a byte order mark, and separators at the row's edges. */
static void
test_blank_and_edges(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run, "\n  \n\xef\xbb\xbf#separator \\x09\n"
	    "#fields\tts\tid.orig_h\tid.resp_h\tproto\n"
	    "\n"
	    "1767607200\t198.51.100.10\t203.0.113.5\ttcp\t\t\t\n"
	    "1767607201\t198.51.100.11\t203.0.113.5\n"
	    "1767607202\t198.51.100.12\t203.0.113.5\t\n"
	    "\t\t\t\n");
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_counts(&run, 1, 2);
	assert_all_rejects(&run, "missing-field");
	run_free(&run);
}

/* JSON: arrays, bad text, NUL bytes, depth, objects that are not logs. */
static void
test_json_lines(void **state)
{
	struct record_limits	 limits = { .max_json_depth = 3 };
	static const char	 with_nul[] =
	    "{\"ts\":1767607200,\0\"uid\":1}\n";
	struct run		 run;

	(void)state;
	run_text(&run, "[\n  {\"event_type\": \"alert\"}\n]\n");
	assert_string_equal(run.unrecognised, "unrecognised-format");
	assert_int_equal(run.unrecognised_line, 1);
	run_free(&run);

	run_text(&run, "{\"t\":\"2008-07-09T16:13:30.005432Z\"}\n");
	assert_string_equal(run.unrecognised, "unrecognised-format");
	run_free(&run);

	/* Bad lines while the format is still open do not decide it. */
	run_text(&run, "{\"ts\":\n{]\n{\"a\":1}{\"b\":2}\n");
	assert_int_equal(run.format, RECORD_UNKNOWN);
	assert_counts(&run, 0, 3);
	assert_all_rejects(&run, "bad-json");
	run_free(&run);

	run_buffer_limits(&run, with_nul, sizeof with_nul - 1, NULL);
	assert_counts(&run, 0, 1);
	assert_string_equal(run.rejects[0].reason, "bad-json");
	run_free(&run);

	/* Depth counts brackets outside strings only. */
	run_text_limits(&run,
	    "{\"ts\":1767607200,\"a\":{\"b\":{\"c\":1}}}\n"
	    "{\"ts\":1767607200,\"a\":{\"b\":\"[[[{{{\\\"]]]\"}}\n"
	    "{\"ts\":1767607200,\"a\":{\"b\":{\"c\":[1]}}}\n", &limits);
	assert_int_equal(run.format, RECORD_ZEEK_JSON);
	assert_int_equal(count_rejects(&run, "bad-json"), 1);
	assert_int_equal(run.rejects[run.n_rejects - 1].line, 3);
	run_free(&run);
}

/*
 * Once the format is eve or Zeek JSON, other shapes of JSON are bad JSON,
 * and a '#' remark that is no Zeek header is no new format.
 */
static void
test_json_after_format(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run, "{\"event_type\":\"stats\",\"timestamp\":"
	    "\"2026-01-05T10:00:00.000000+0000\"}\n"
	    "[{\"event_type\":\"flow\"}]\n"
	    "{\"event_type\":\"flow\",\n"
	    "\"event_type\":\"flow\"\n"
	    "   \n"
	    "{\"event_type\":\"dns\",\n"
	    "# a remark\n");
	assert_int_equal(run.format, RECORD_EVE);
	assert_null(run.unrecognised);
	assert_counts(&run, 0, 3);
	assert_all_rejects(&run, "bad-json");
	assert_int_equal(run.rejects[0].line, 2);
	assert_int_equal(run.rejects[2].line, 4);
	run_free(&run);

	run_text(&run, "{\"ts\":1767607200.0,\"uid\":\"Ca\","
	    "\"id.orig_h\":\"198.51.100.10\",\"id.orig_p\":1000,"
	    "\"id.resp_h\":\"203.0.113.5\",\"id.resp_p\":3389,"
	    "\"proto\":\"tcp\",\"conn_state\":\"SF\"}\n"
	    "{\"ts\":\n");
	assert_int_equal(run.format, RECORD_ZEEK_JSON);
	assert_int_equal(run.n_rejects, 1);
	assert_string_equal(run.rejects[0].reason, "bad-json");
	run_free(&run);
}

/*
 * ================================================================
 * A format that changes part-way
 * ================================================================
 */

/* A Zeek JSON conn record with the given parts, 2.5 s long. */
#define ZEEK_JSON_CONN(ts, uid, src, sport, dst, dport, state) \
	"{\"_path\":\"conn\",\"ts\":" ts ",\"uid\":\"" uid "\"," \
	"\"id.orig_h\":\"" src "\",\"id.orig_p\":" sport "," \
	"\"id.resp_h\":\"" dst "\",\"id.resp_p\":" dport "," \
	"\"proto\":\"tcp\",\"duration\":2.5,\"conn_state\":\"" state "\"," \
	"\"orig_pkts\":4,\"resp_pkts\":3}\n"

/* A Suricata eve flow event with the given parts; its flow ends at end. */
#define EVE_FLOW(start, end, id, src, sport, dst, dport, flags_tc) \
	"{\"timestamp\":\"" end "\",\"flow_id\":" id "," \
	"\"event_type\":\"flow\",\"src_ip\":\"" src "\"," \
	"\"src_port\":" sport ",\"dest_ip\":\"" dst "\"," \
	"\"dest_port\":" dport ",\"proto\":\"TCP\",\"flow\":{" \
	"\"pkts_toserver\":4,\"pkts_toclient\":3,\"start\":\"" start "\"," \
	"\"end\":\"" end "\",\"state\":\"closed\"},\"tcp\":{" \
	"\"tcp_flags\":\"1b\",\"tcp_flags_tc\":\"" flags_tc "\"}}\n"

/* An eve dns event, which is no flow. */
#define EVE_DNS \
	"{\"timestamp\":\"2026-01-05T10:00:09.000000+0000\",\"flow_id\":7," \
	"\"event_type\":\"dns\",\"src_ip\":\"198.51.100.10\"," \
	"\"src_port\":5353,\"dest_ip\":\"203.0.113.53\",\"dest_port\":53," \
	"\"proto\":\"UDP\",\"dns\":{\"type\":\"query\"," \
	"\"rrname\":\"example.org\"}}\n"

/* Times of the records below. */
#define T0		"2026-01-05T10:00:00.000000+0000"
#define T0_END		"2026-01-05T10:00:02.500000+0000"
#define T1		"2026-01-05T10:01:00.000000+0000"
#define T1_END		"2026-01-05T10:01:02.500000+0000"

/* Assert an event is the whole record of an established RDP session. */
static void
assert_whole_rdp(const struct flow_event *event, enum flow_dataset dataset,
    const char *source, int source_port, const char *id, double start)
{
	assert_int_equal(event->dataset, dataset);
	assert_flow(event, source, source_port, "203.0.113.5", 3389, "tcp");
	assert_string_equal(event->id, id);
	assert_int_equal(event->setup, FLOW_SETUP_ESTABLISHED);
	assert_true(event->start == start);
	assert_true(event->written == start + 2.5 || event->written == start);
}

/*
 * Each change of format at a line boundary: the line that changes it and
 * every later one are read in full in the new format, nothing rejected.
 */
static void
test_format_switches(void **state)
{
	struct run	run;

	(void)state;
	/* TSV to Zeek JSON: use_json turned on between two archives. */
	run_text(&run, CONN_HEADER
	    CONN_ROW("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "tcp", "-", "SF")
	    "#close\t2026-01-05-11-00-00\n"
	    ZEEK_JSON_CONN("1767607260", "Cb", "198.51.100.11", "1001",
	    "203.0.113.5", "3389", "SF")
	    ZEEK_JSON_CONN("1767607320", "Cc", "198.51.100.12", "1002",
	    "203.0.113.5", "3389", "SF"));
	assert_counts(&run, 3, 0);
	assert_int_equal(run.skips, 9);
	assert_int_equal(run.format, RECORD_ZEEK_JSON);
	assert_int_equal(run.switches, 1);
	assert_whole_rdp(&run.events[0], FLOW_ZEEK_CONN, "198.51.100.10",
	    1000, "Ca", 1767607200);
	assert_whole_rdp(&run.events[1], FLOW_ZEEK_CONN, "198.51.100.11",
	    1001, "Cb", 1767607260);
	assert_string_equal(run.events[1].state, "SF");
	assert_whole_rdp(&run.events[2], FLOW_ZEEK_CONN, "198.51.100.12",
	    1002, "Cc", 1767607320);
	run_free(&run);

	/* Zeek JSON to TSV: a header block ends the JSON. */
	run_text(&run,
	    ZEEK_JSON_CONN("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "SF")
	    CONN_HEADER
	    CONN_ROW("1767607260", "Cb", "198.51.100.11", "1001",
	    "203.0.113.5", "3389", "tcp", "rdp", "SF"));
	assert_counts(&run, 2, 0);
	assert_int_equal(run.skips, 8);
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_int_equal(run.switches, 1);
	assert_whole_rdp(&run.events[1], FLOW_ZEEK_CONN, "198.51.100.11",
	    1001, "Cb", 1767607260);
	assert_string_equal(run.events[1].service, "rdp");
	assert_string_equal(run.events[1].state, "SF");
	run_free(&run);

	/* Zeek JSON to eve: one tail -F over conn.log and eve.json. */
	run_text(&run,
	    ZEEK_JSON_CONN("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "SF")
	    EVE_FLOW(T1, T1_END, "1002", "198.51.100.11", "1001",
	    "203.0.113.5", "3389", "1b"));
	assert_counts(&run, 2, 0);
	assert_int_equal(run.format, RECORD_EVE);
	assert_int_equal(run.switches, 1);
	assert_whole_rdp(&run.events[1], FLOW_EVE_FLOW, "198.51.100.11",
	    1001, "1002", 1767607260);
	assert_string_equal(run.events[1].state, "closed");
	run_free(&run);

	/* Eve to Zeek JSON, its dns event skipped as in any eve file. */
	run_text(&run,
	    EVE_FLOW(T0, T0_END, "1001", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "1b")
	    EVE_DNS
	    ZEEK_JSON_CONN("1767607260", "Cb", "198.51.100.11", "1001",
	    "203.0.113.5", "3389", "SF"));
	assert_counts(&run, 2, 0);
	assert_int_equal(run.skips, 1);
	assert_int_equal(run.format, RECORD_ZEEK_JSON);
	assert_int_equal(run.switches, 1);
	assert_whole_rdp(&run.events[0], FLOW_EVE_FLOW, "198.51.100.10",
	    1000, "1001", 1767607200);
	assert_whole_rdp(&run.events[1], FLOW_ZEEK_CONN, "198.51.100.11",
	    1001, "Cb", 1767607260);
	run_free(&run);

	/* Eve to TSV, and TSV to eve. */
	run_text(&run,
	    EVE_FLOW(T0, T0_END, "1001", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "1b")
	    CONN_HEADER
	    CONN_ROW("1767607260", "Cb", "198.51.100.11", "1001",
	    "203.0.113.5", "3389", "tcp", "-", "SF"));
	assert_counts(&run, 2, 0);
	assert_int_equal(run.skips, 8);
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_whole_rdp(&run.events[1], FLOW_ZEEK_CONN, "198.51.100.11",
	    1001, "Cb", 1767607260);
	run_free(&run);
	run_text(&run, CONN_HEADER
	    CONN_ROW("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "tcp", "-", "SF")
	    EVE_DNS
	    EVE_FLOW(T1, T1_END, "1002", "198.51.100.11", "1001",
	    "203.0.113.5", "3389", "1b"));
	assert_counts(&run, 2, 0);
	assert_int_equal(run.skips, 9);
	assert_int_equal(run.format, RECORD_EVE);
	assert_int_equal(run.switches, 1);
	assert_whole_rdp(&run.events[1], FLOW_EVE_FLOW, "198.51.100.11",
	    1001, "1002", 1767607260);
	run_free(&run);

	/* tsv=T column names start a TSV log in a JSON stream. */
	run_text(&run,
	    ZEEK_JSON_CONN("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "SF")
	    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
	    "conn_state\n"
	    "1767607260\tCb\t198.51.100.11\t1001\t203.0.113.5\t3389\ttcp\t"
	    "SF\n");
	assert_counts(&run, 2, 0);
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_flow(&run.events[1], "198.51.100.11", 1001, "203.0.113.5",
	    3389, "tcp");
	run_free(&run);

	/* A byte order mark in front of the line that changes it. */
	run_text(&run,
	    ZEEK_JSON_CONN("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "SF")
	    "\xef\xbb\xbf" EVE_FLOW(T1, T1_END, "1002", "198.51.100.11",
	    "1001", "203.0.113.5", "3389", "1b"));
	assert_counts(&run, 2, 0);
	assert_int_equal(run.format, RECORD_EVE);
	run_free(&run);
}

/*
 * Interleaved logs, as one tail -F over conn.log and eve.json prints
 * them: TSV rows after eve lines are read by the header seen first, and
 * every turn is a change of format.
 */
static void
test_format_interleaved(void **state)
{
	struct run	run;

	(void)state;
	run_text(&run, CONN_HEADER
	    CONN_ROW("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "tcp", "-", "SF")
	    EVE_FLOW(T1, T1_END, "1002", "198.51.100.11", "1001",
	    "203.0.113.5", "3389", "1b")
	    CONN_ROW("1767607320", "Cc", "198.51.100.12", "1002",
	    "203.0.113.5", "3389", "tcp", "-", "SF")
	    ZEEK_JSON_CONN("1767607380", "Cd", "198.51.100.13", "1003",
	    "203.0.113.5", "3389", "SF")
	    CONN_ROW("1767607440", "Ce", "198.51.100.14", "1004",
	    "203.0.113.5", "3389", "tcp", "-", "SF"));
	assert_counts(&run, 5, 0);
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_int_equal(run.switches, 4);
	assert_whole_rdp(&run.events[1], FLOW_EVE_FLOW, "198.51.100.11",
	    1001, "1002", 1767607260);
	assert_whole_rdp(&run.events[2], FLOW_ZEEK_CONN, "198.51.100.12",
	    1002, "Cc", 1767607320);
	assert_whole_rdp(&run.events[3], FLOW_ZEEK_CONN, "198.51.100.13",
	    1003, "Cd", 1767607380);
	assert_whole_rdp(&run.events[4], FLOW_ZEEK_CONN, "198.51.100.14",
	    1004, "Ce", 1767607440);
	run_free(&run);
}

/*
 * After a change the new format's fast paths are in force: a line that
 * cannot be RDP is read for its times alone, so a bad address in it goes
 * unchecked (record.h), and an eve event that is no flow is skipped
 * unparsed, so a cut one is not bad JSON.  The line that changes the
 * format is decoded whole, and an RDP record always is.
 */
static void
test_format_switch_fast_paths(void **state)
{
	static const int	 rdp_ports[] = { 3389 };
	struct record_limits	 limits = { 0, rdp_ports, 1, false };
	struct run		 run;

	(void)state;
	run_text_limits(&run, CONN_HEADER
	    CONN_ROW("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "443", "tcp", "-", "SF")
	    /* Eve: the first line changes the format, the next are fast. */
	    EVE_DNS
	    "{\"event_type\":\"dns\",\n"
	    EVE_FLOW(T0, T0_END, "1001", "198.51.100.999", "1000",
	    "203.0.113.5", "443", "1b")
	    EVE_FLOW(T1, T1_END, "1002", "198.51.100.11", "1001",
	    "203.0.113.5", "3389", "1b")
	    /* Zeek JSON. */
	    ZEEK_JSON_CONN("1767607320", "Cc", "198.51.100.12", "1002",
	    "203.0.113.5", "443", "SF")
	    ZEEK_JSON_CONN("1767607380", "Cd", "198.51.100.999", "1003",
	    "203.0.113.5", "443", "SF")
	    ZEEK_JSON_CONN("1767607440", "Ce", "198.51.100.14", "1004",
	    "203.0.113.5", "3389", "SF")
	    /* TSV again, under a new header. */
	    CONN_HEADER
	    CONN_ROW("1767607500", "Cf", "198.51.100.999", "1005",
	    "203.0.113.5", "443", "tcp", "-", "SF")
	    CONN_ROW("1767607560", "Cg", "198.51.100.16", "1006",
	    "203.0.113.5", "3389", "tcp", "-", "SF"), &limits);
	assert_counts(&run, 8, 0);
	assert_int_equal(run.skips, 8 + 2 + 8);
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_int_equal(run.switches, 3);
	/* Fast: the TSV row before any change. */
	assert_int_equal(run.events[0].destination_port, FLOW_NO_PORT);
	/* Eve: fast for the flow that cannot be RDP, whole for RDP. */
	assert_int_equal(run.events[1].dataset, FLOW_EVE_FLOW);
	assert_int_equal(run.events[1].destination_port, FLOW_NO_PORT);
	assert_true(run.events[1].start == 1767607200);
	assert_true(run.events[1].written == 1767607202.5);
	assert_whole_rdp(&run.events[2], FLOW_EVE_FLOW, "198.51.100.11",
	    1001, "1002", 1767607260);
	/* Zeek JSON: the changing line whole, then fast, then RDP whole. */
	assert_flow(&run.events[3], "198.51.100.12", 1002, "203.0.113.5",
	    443, "tcp");
	assert_string_equal(run.events[3].id, "Cc");
	assert_int_equal(run.events[4].dataset, FLOW_ZEEK_CONN);
	assert_int_equal(run.events[4].destination_port, FLOW_NO_PORT);
	assert_true(run.events[4].start == 1767607380);
	assert_true(run.events[4].written == 1767607382.5);
	assert_whole_rdp(&run.events[5], FLOW_ZEEK_CONN, "198.51.100.14",
	    1004, "Ce", 1767607440);
	/* TSV: the quick path, then a whole RDP row. */
	assert_int_equal(run.events[6].destination_port, FLOW_NO_PORT);
	assert_true(run.events[6].start == 1767607500);
	assert_whole_rdp(&run.events[7], FLOW_ZEEK_CONN, "198.51.100.16",
	    1006, "Cg", 1767607560);
	run_free(&run);
}

/*
 * A line that fails in the format in force and is no other format's
 * keeps that format's result and reason; a bad record of the format in
 * force is no change either.
 */
static void
test_format_switch_refused(void **state)
{
	struct run	run;

	(void)state;
	/* JSON that is no log, and broken JSON, in a TSV log. */
	run_text(&run, CONN_HEADER
	    "{\"a\":1}\n"
	    "{\"ts\":\n"
	    "  {\"event_type\":\n"
	    CONN_ROW("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "tcp", "-", "SF"));
	assert_counts(&run, 1, 3);
	assert_all_rejects(&run, "bad-timestamp");
	assert_int_equal(run.format, RECORD_ZEEK_TSV);
	assert_int_equal(run.switches, 0);
	run_free(&run);

	/* A remark, a row with no header and a bad ts in Zeek JSON. */
	run_text(&run,
	    ZEEK_JSON_CONN("1767607200", "Ca", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "SF")
	    "# a remark\n"
	    "1767607260\tCb\t198.51.100.11\t1001\t203.0.113.5\t3389\n"
	    ZEEK_JSON_CONN("\"x\"", "Cc", "198.51.100.12", "1002",
	    "203.0.113.5", "3389", "SF"));
	assert_counts(&run, 1, 3);
	assert_string_equal(run.rejects[0].reason, "bad-json");
	assert_string_equal(run.rejects[1].reason, "bad-json");
	assert_string_equal(run.rejects[2].reason, "bad-timestamp");
	assert_int_equal(run.format, RECORD_ZEEK_JSON);
	assert_int_equal(run.switches, 0);
	run_free(&run);

	/* In eve, a line with no event_type that is no log is skipped. */
	run_text(&run,
	    EVE_FLOW(T0, T0_END, "1001", "198.51.100.10", "1000",
	    "203.0.113.5", "3389", "1b")
	    "{\"a\":1}\n"
	    "==> eve.json <==\n"
	    "{\"ts\":\n");
	assert_counts(&run, 1, 0);
	assert_int_equal(run.skips, 3);
	assert_int_equal(run.format, RECORD_EVE);
	assert_int_equal(run.switches, 0);
	run_free(&run);
}

/* The names --stats and the ECS writer print. */
static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(record_format_name(RECORD_ZEEK_TSV), "zeek-tsv");
	assert_string_equal(record_format_name(RECORD_ZEEK_JSON),
	    "zeek-json");
	assert_string_equal(record_format_name(RECORD_EVE), "eve");
	assert_string_equal(record_format_name(RECORD_UNKNOWN), "unknown");
	assert_string_equal(flow_dataset_name(FLOW_ZEEK_CONN), "zeek.conn");
	assert_string_equal(flow_dataset_name(FLOW_ZEEK_RDP), "zeek.rdp");
	assert_string_equal(flow_dataset_name(FLOW_EVE_FLOW),
	    "suricata.flow");
	assert_string_equal(flow_dataset_name(FLOW_EVE_RDP), "suricata.rdp");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_case13_field_count),
		cmocka_unit_test(test_case15_sentinels),
		cmocka_unit_test(test_case17_timestamps),
		cmocka_unit_test(test_case19_ipv6),
		cmocka_unit_test(test_case20_icmp),
		cmocka_unit_test(test_case22_conn_states),
		cmocka_unit_test(test_case31_header_change),
		cmocka_unit_test(test_case12_poison_line),
		cmocka_unit_test(test_case25_deep_nesting),
		cmocka_unit_test(test_baselines_masked),
		cmocka_unit_test(test_baselines_unmasked),
		cmocka_unit_test(test_baselines_headerless),
		cmocka_unit_test(test_rita_edge),
		cmocka_unit_test(test_real_files),
		cmocka_unit_test(test_wrccdc_rdp),
		cmocka_unit_test(test_alert_sample_arrays),
		cmocka_unit_test(test_header_reorder),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_custom_header),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_written),
		cmocka_unit_test(test_times_only_rows),
		cmocka_unit_test(test_setup_table),
		cmocka_unit_test(test_log_kinds),
		cmocka_unit_test(test_tsv_names_header),
		cmocka_unit_test(test_missing_header),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_blank_and_edges),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_json_after_format),
		cmocka_unit_test(test_format_switches),
		cmocka_unit_test(test_format_interleaved),
		cmocka_unit_test(test_format_switch_fast_paths),
		cmocka_unit_test(test_format_switch_refused),
		cmocka_unit_test(test_names)
	};

	if (access(SHARED_DIR "/cases", R_OK) != 0) {
		printf("skipped: %s not found\n", SHARED_DIR);
		return 77;
	}
	log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
