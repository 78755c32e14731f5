/*
 * test_report.c - the HTML page of --report.
 *
 * Each test builds spikes by hand (or from a real model), writes the page
 * to a temporary directory and reads it back as text: the page has one
 * SVG chart per alert with exactly one bar per bucket of history and one
 * spike bar, names the destination and every source, escapes text that
 * could carry markup, fetches nothing and runs no script, says so when
 * there is no alert, and is written atomically with mode 0640.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "addr.h"
#include "flow.h"
#include "model.h"
#include "report.h"

#define BUCKET_START	1767700800.0	/* 2026-01-06T12:00:00Z */
#define SPAN		21600u
#define HOSTILE		"<script>alert('x')</script>&\"lb"

/* The scratch directory and the page written in it. */
struct fixture {
	char		 dir[256];
	char		 path[300];
	char		*page;
};

/* ---------------------------------------------------------------------
 * Helpers.
 */

/* Parse an address the test knows to be valid. */
static struct ip_addr
ip(const char *text)
{
	struct ip_addr	addr;

	assert_int_equal(addr_parse(text, strlen(text), &addr), 0);
	return addr;
}

/* A spike on destination with n sources 10.1.0.1 ...; free with free(). */
static void
make_spike(struct spike *sp, const char *destination, size_t n,
    const char *mode)
{
	char	text[ADDR_TEXT_MAX];
	size_t	i;

	memset(sp, 0, sizeof *sp);
	sp->destination = ip(destination);
	sp->destination_port = 3389;
	sp->bucket_start = BUCKET_START;
	sp->bucket_span = SPAN;
	sp->timestamp = BUCKET_START + 7506.5;
	sp->distinct_sources = n;
	sp->typical = 1.25;
	sp->score = 88;
	sp->mode = mode;
	sp->connections = 2 * n;
	sp->sources = calloc(n ? n : 1, sizeof *sp->sources);
	assert_non_null(sp->sources);
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof text, "10.1.0.%zu", i + 1);
		sp->sources[i].ip = ip(text);
		sp->sources[i].first = BUCKET_START + 7000 + 30.0 * i;
		sp->sources[i].connections = 1 + i % 3;
		sp->sources[i].seen_before = i == 0;
	}
	sp->nsources = n;
}

/* Make the scratch directory. */
static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/test_report.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/report.html", f->dir);
	*state = f;
	return 0;
}

/* Remove the scratch directory and everything in it. */
static int
teardown(void **state)
{
	struct fixture	*f = *state;
	struct dirent	*e;
	char		 path[512];
	DIR		*d;

	if ((d = opendir(f->dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", f->dir,
			    e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f->page);
	free(f);
	return 0;
}

/* Write the report to the fixture's path and read the page back. */
static const char *
write_and_read(struct fixture *f, const struct report *r)
{
	char	err[256];
	FILE	*fp;
	long	size;

	assert_int_equal(report_write(r, f->path, err, sizeof err), 0);
	fp = fopen(f->path, "r");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	assert_true(size > 0);
	rewind(fp);
	free(f->page);
	f->page = malloc((size_t)size + 1);
	assert_non_null(f->page);
	assert_int_equal(fread(f->page, 1, (size_t)size, fp), (size_t)size);
	f->page[size] = '\0';
	fclose(fp);
	return f->page;
}

/* How many times needle occurs in haystack. */
static size_t
occurrences(const char *haystack, const char *needle)
{
	size_t	n = 0;

	while ((haystack = strstr(haystack, needle)) != NULL) {
		n++;
		haystack += strlen(needle);
	}
	return n;
}

/* How many entries the scratch directory holds. */
static size_t
directory_entries(const char *dir)
{
	struct dirent	*e;
	DIR		*d = opendir(dir);
	size_t		 n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The page fetches nothing and runs nothing. */
static void
assert_self_contained(const char *page)
{
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "<link"));
	assert_null(strstr(page, "<img"));
	assert_null(strstr(page, "<iframe"));
	assert_null(strstr(page, "src="));
	assert_null(strstr(page, "url("));
	assert_null(strstr(page, "@import"));
	assert_null(strstr(page, "href=\"http"));
	assert_null(strstr(page, "onload="));
	assert_null(strstr(page, "onerror="));
	assert_null(strstr(page, "onclick="));
	assert_non_null(strstr(page, "default-src 'none'"));
}

/* ---------------------------------------------------------------------
 * Tests.
 */

/* No alert: the page says so, has no chart, and is still a full page. */
static void
test_no_alerts(void **state)
{
	struct fixture	*f = *state;
	struct report	*r = report_new();
	const char	*page;
	struct stat	 st;

	report_observe(r, BUCKET_START);
	report_observe(r, BUCKET_START + 3600);
	page = write_and_read(f, r);
	assert_true(strncmp(page, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(page, "id=\"no-alerts\""));
	assert_non_null(strstr(page, "0 alerts"));
	assert_non_null(strstr(page, "2026-01-06 12:00:00"));
	assert_non_null(strstr(page, "2026-01-06 13:00:00"));
	assert_null(strstr(page, "<svg"));
	assert_non_null(strstr(page, "</html>"));
	assert_self_contained(page);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(directory_entries(f->dir), 1);
	report_free(r);
}

/* One alert: chart, destination, sources, exact bars, escaped text. */
static void
test_one_alert(void **state)
{
	struct fixture	*f = *state;
	struct report	*r = report_new();
	struct spike	 sp;
	uint32_t	 counts[REPORT_HISTORY];
	const char	*page;
	size_t		 i;

	for (i = 0; i < REPORT_HISTORY; i++)
		counts[i] = i % 4 == 0 ? 1 : 0;
	counts[REPORT_HISTORY - 1] = 10;
	make_spike(&sp, "10.20.0.15", 10, HOSTILE);
	report_add_history(r, &sp, counts, REPORT_HISTORY,
	    BUCKET_START - (REPORT_HISTORY - 1) * (double)SPAN, 1.25, 6);
	free(sp.sources);

	page = write_and_read(f, r);
	assert_int_equal(occurrences(page, "<svg"), 1);
	assert_int_equal(occurrences(page, "<rect class=\"bar"),
	    REPORT_HISTORY);
	assert_int_equal(occurrences(page, "<rect class=\"bar spike\""), 1);
	assert_int_equal(occurrences(page, "<rect class=\"band\""), 1);
	assert_int_equal(occurrences(page, "<line class=\"level\""), 1);
	assert_non_null(strstr(page, "class=\"ip destination\">10.20.0.15"));
	assert_non_null(strstr(page, "port 3389"));
	assert_non_null(strstr(page, "1 alert<"));
	for (i = 1; i <= 10; i++) {
		char	needle[64];

		snprintf(needle, sizeof needle, ">10.1.0.%zu<", i);
		assert_int_equal(occurrences(page, needle), 1);
	}
	assert_int_equal(occurrences(page, "no, new"), 9);
	assert_non_null(strstr(page, "2026-01-06 14:05:06"));

	/* The hostile text is there, escaped, and never raw. */
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "alert('x')"));
	assert_non_null(strstr(page, "&lt;script&gt;alert(&#39;x&#39;)"
	    "&lt;/script&gt;&amp;&quot;lb"));
	assert_self_contained(page);
	assert_int_equal(directory_entries(f->dir), 1);
	report_free(r);
}

/* More history than drawn keeps the newest; none draws the spike alone. */
static void
test_history_lengths(void **state)
{
	struct fixture	*f = *state;
	struct report	*r = report_new();
	struct spike	 sp;
	uint32_t	 counts[40];
	const char	*page;
	size_t		 i;

	for (i = 0; i < 40; i++)
		counts[i] = (uint32_t)i;
	make_spike(&sp, "2001:db8::7", 3, "population");
	report_add_history(r, &sp, counts, 40,
	    BUCKET_START - 39 * (double)SPAN, 2, INFINITY);
	report_add_history(r, &sp, NULL, 0, 0, NAN, NAN);
	free(sp.sources);

	page = write_and_read(f, r);
	assert_int_equal(occurrences(page, "<svg"), 2);
	assert_int_equal(occurrences(page, "<rect class=\"bar"),
	    REPORT_HISTORY + 1);
	assert_int_equal(occurrences(page, "<rect class=\"bar spike\""), 2);
	assert_int_equal(occurrences(page, "<rect class=\"band\""), 0);
	assert_int_equal(occurrences(page, "<line class=\"level\""), 1);
	assert_true(occurrences(page, ">2001:db8::7<") >= 2);
	assert_non_null(strstr(page, "2 alerts<"));
	assert_non_null(strstr(page, ": 39 distinct sources</title>"));
	assert_null(strstr(page, ": 11 distinct sources</title>"));
	report_free(r);
}

/* A truncated source list says how many the bucket really has. */
static void
test_truncated_sources(void **state)
{
	struct fixture	*f = *state;
	struct report	*r = report_new();
	struct spike	 sp;
	uint32_t	 counts[2] = { 4, 250 };
	const char	*page;

	make_spike(&sp, "192.0.2.9", 100, "baseline");
	sp.distinct_sources = 250;
	sp.sources_truncated = true;
	report_add_history(r, &sp, counts, 2, BUCKET_START - SPAN, 4, 12);
	free(sp.sources);
	page = write_and_read(f, r);
	assert_non_null(strstr(page, "Only the first 100 sources are "
	    "listed; the bucket has 250."));
	assert_int_equal(occurrences(page, "<tr><td class=\"num\">"), 100);
	report_free(r);
}

/* A connection from source to destination at start, counted. */
static struct flow_event
event(const char *source, const char *destination, double start,
    unsigned id)
{
	struct flow_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.start = start;
	ev.written = start + 2;
	ev.dataset = FLOW_ZEEK_CONN;
	ev.source = ip(source);
	ev.destination = ip(destination);
	ev.source_port = 49152 + (int)id;
	ev.destination_port = 3389;
	snprintf(ev.transport, sizeof ev.transport, "tcp");
	snprintf(ev.service, sizeof ev.service, "rdp");
	snprintf(ev.state, sizeof ev.state, "SF");
	ev.setup = FLOW_SETUP_ESTABLISHED;
	snprintf(ev.id, sizeof ev.id, "Cr%u", id);
	return ev;
}

/* Through a real model: the page draws what model_history() returns. */
static void
test_from_model(void **state)
{
	struct fixture		*f = *state;
	struct model_config	 mc = {
		.bucket_span = SPAN, .threshold = 0, .min_sources = 4,
		.lateness = 3600, .learning = 0, .max_alert_sources = 100
	};
	struct model		*m = model_new(&mc);
	struct report		*r = report_new();
	struct flow_event	 ev;
	struct spike		 sp;
	uint32_t		 counts[REPORT_HISTORY];
	double			 first, level, band;
	const char		*page;
	char			 source[32];
	unsigned		 id = 0, k;
	size_t			 n;
	int			 spikes = 0;

	ev = event("10.9.0.1", "10.20.0.15", BUCKET_START - 2 * SPAN, id++);
	assert_int_equal(model_add(m, &ev, &sp), 0);
	ev = event("10.9.0.1", "10.20.0.15", BUCKET_START - SPAN, id++);
	assert_int_equal(model_add(m, &ev, &sp), 0);
	for (k = 1; k <= 5 && spikes == 0; k++) {
		snprintf(source, sizeof source, "10.9.1.%u", k);
		ev = event(source, "10.20.0.15", BUCKET_START + 60 * k, id++);
		spikes = model_add(m, &ev, &sp);
	}
	assert_int_equal(spikes, 1);
	report_add(r, &sp, m);
	n = model_history(m, &sp.destination, sp.timestamp, counts,
	    REPORT_HISTORY, &first, &level, &band);
	assert_true(n >= 1 && n <= REPORT_HISTORY);
	assert_int_equal(counts[n - 1], sp.distinct_sources);
	spike_clear(&sp);

	page = write_and_read(f, r);
	assert_int_equal(occurrences(page, "<rect class=\"bar"), n);
	assert_int_equal(occurrences(page, "<rect class=\"bar spike\""), 1);
	assert_non_null(strstr(page, "10.20.0.15"));
	assert_non_null(strstr(page, ">10.9.1.4<"));
	assert_non_null(strstr(page, ">fixed<"));
	report_free(r);
	model_free(m);
}

/* A second write replaces the page whole and leaves no temporary file. */
static void
test_rewrite(void **state)
{
	struct fixture	*f = *state;
	struct report	*r = report_new();
	struct spike	 sp;
	const char	*page;

	page = write_and_read(f, r);
	assert_non_null(strstr(page, "id=\"no-alerts\""));
	make_spike(&sp, "10.20.0.16", 5, "baseline");
	report_add_history(r, &sp, NULL, 0, 0, 1, 5);
	free(sp.sources);
	page = write_and_read(f, r);
	assert_null(strstr(page, "id=\"no-alerts\""));
	assert_non_null(strstr(page, "10.20.0.16"));
	assert_int_equal(occurrences(page, "<!DOCTYPE html>"), 1);
	assert_int_equal(directory_entries(f->dir), 1);
	report_free(r);
}

/* A path that cannot be written: -1, a cause naming it, nothing left. */
static void
test_write_failure(void **state)
{
	struct fixture	*f = *state;
	struct report	*r = report_new();
	char		 path[400], err[512];

	snprintf(path, sizeof path, "%s/missing/report.html", f->dir);
	err[0] = '\0';
	assert_int_equal(report_write(r, path, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	assert_int_equal(directory_entries(f->dir), 0);
	report_free(r);
}

/* NULL reports are ignored, so a run without --report needs no tests. */
static void
test_null_report(void **state)
{
	struct spike	sp;

	(void)state;
	make_spike(&sp, "10.20.0.15", 1, "fixed");
	report_observe(NULL, BUCKET_START);
	report_add_history(NULL, &sp, NULL, 0, 0, 0, 0);
	report_add(NULL, &sp, NULL);
	report_free(NULL);
	free(sp.sources);
}

/* Run every test, each in a fresh scratch directory. */
int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_no_alerts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_alert, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_history_lengths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncated_sources, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_from_model, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rewrite, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup,
		    teardown),
		cmocka_unit_test(test_null_report),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
