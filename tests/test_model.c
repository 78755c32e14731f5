/*
 * test_model.c - the detector's decisions on small stories told in event
 * time: a quiet server that suddenly takes ten new sources, a busy one
 * that never should alert, a jump host busy every morning, a newcomer, the
 * floor of sources, late and duplicate records, order and restarts, a
 * first learning that jumps in event time do not end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "util.h"

#define DAY		86400.0
#define HOUR		3600.0
#define MINUTE		60.0
#define SPAN		21600

/* 2024-01-01 00:00:00 UTC: a day boundary, so buckets start at 00, 06... */
#define T0		1704067200.0

#define MAX_SPIKES	256

/* Spikes a run produced, kept for comparison. */
struct run {
	struct model	*model;
	struct spike	 spikes[MAX_SPIKES];
	size_t		 nspikes;
};

/* A growable list of events, for the longer stories. */
struct story {
	struct flow_event	*events;
	size_t			 n;
	size_t			 cap;
};

/* The next value of a splitmix64 stream. */
static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform double in [0, 1). */
static double
uniform(uint64_t *state)
{
	return (double)(splitmix64(state) >> 11) / 9007199254740992.0;
}

/* The default settings of the command line. */
static struct model_config
default_config(void)
{
	struct model_config	c;

	memset(&c, 0, sizeof c);
	c.bucket_span = SPAN;
	c.threshold = 70;
	c.min_sources = 5;
	c.lateness = 3600;
	c.learning = 86400;
	c.max_alert_sources = 100;
	return c;
}

/* Source number n as an address: 10.x.y.z. */
static struct ip_addr
source_ip(unsigned n)
{
	struct ip_addr	ip;
	char		text[32];

	snprintf(text, sizeof text, "10.%u.%u.%u", (n >> 16) & 255,
	    (n >> 8) & 255, n & 255);
	assert_int_equal(addr_parse(text, strlen(text), &ip), 0);
	return ip;
}

/* Destination number n as an address: 192.168.x.y. */
static struct ip_addr
destination_ip(unsigned n)
{
	struct ip_addr	ip;
	char		text[32];

	snprintf(text, sizeof text, "192.168.%u.%u", (n >> 8) & 255,
	    n & 255);
	assert_int_equal(addr_parse(text, strlen(text), &ip), 0);
	return ip;
}

/* One RDP connection from source to destination at start. */
static struct flow_event
connection(unsigned source, unsigned destination, double start)
{
	struct flow_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.start = start;
	ev.written = start + 5;
	ev.dataset = FLOW_ZEEK_RDP;
	ev.source = source_ip(source);
	ev.destination = destination_ip(destination);
	ev.source_port = 50000;
	ev.destination_port = 3389;
	snprintf(ev.transport, sizeof ev.transport, "tcp");
	snprintf(ev.service, sizeof ev.service, "rdp");
	ev.setup = FLOW_SETUP_ESTABLISHED;
	return ev;
}

/* A fresh run with this config. */
static void
run_start(struct run *r, const struct model_config *c)
{
	memset(r, 0, sizeof *r);
	r->model = model_new(c);
	assert_non_null(r->model);
}

/* Feed one event; keep the spike it makes.  Returns model_add's value. */
static int
feed(struct run *r, const struct flow_event *ev)
{
	struct spike	s;
	int		made;

	memset(&s, 0, sizeof s);
	made = model_add(r->model, ev, &s);
	if (made == 1) {
		assert_true(r->nspikes < MAX_SPIKES);
		r->spikes[r->nspikes++] = s;
	}
	return made;
}

/* Free the run's spikes and model. */
static void
run_end(struct run *r)
{
	size_t	i;

	for (i = 0; i < r->nspikes; i++)
		spike_clear(&r->spikes[i]);
	model_free(r->model);
	r->model = NULL;
}

/* The model's counters now. */
static struct model_stats
stats_of(const struct run *r)
{
	struct model_stats	s;

	model_get_stats(r->model, &s);
	return s;
}

/* True when the spike is for destination n. */
static bool
spike_for(const struct spike *s, unsigned n)
{
	struct ip_addr	ip = destination_ip(n);

	return addr_equal(&s->destination, &ip);
}

/* Append an event to a story. */
static void
story_add(struct story *st, const struct flow_event *ev)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 256;
		st->events = xrealloc(st->events,
		    st->cap * sizeof *st->events);
	}
	st->events[st->n++] = *ev;
}

/* Order events by start, then written, for a story told in time order. */
static int
event_order(const void *a, const void *b)
{
	const struct flow_event	*x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->written != y->written)
		return x->written < y->written ? -1 : 1;
	return 0;
}

/*
 * A destination sees one to three of its regular sources (regulars,
 * regulars + 1, regulars + 2) somewhere in each of the given number of
 * 6-hour buckets from the bucket that starts at from.
 */
static void
quiet_buckets(struct story *st, unsigned destination, unsigned regulars,
    double from, int buckets, uint64_t *seed)
{
	struct flow_event	ev;
	int			b, k, n;

	for (b = 0; b < buckets; b++) {
		n = 1 + (int)(splitmix64(seed) % 3);
		for (k = 0; k < n; k++) {
			ev = connection(regulars + (unsigned)k, destination,
			    from + b * (double)SPAN + 600 +
			    uniform(seed) * (SPAN - 1200));
			story_add(st, &ev);
		}
	}
}

/* The same for the given number of days from T0. */
static void
quiet_history(struct story *st, unsigned destination, unsigned regulars,
    int days, uint64_t *seed)
{
	quiet_buckets(st, destination, regulars, T0, days * 4, seed);
}

/*
 * Let event time pass from one time to another with a DNS record every
 * hour, so the first learning counts it (a jump would count one bucket).
 */
static void
pass_time(struct run *r, double from, double to)
{
	struct flow_event	ev;
	double			t;

	for (t = from; t <= to; t += HOUR) {
		ev = connection(0, 0, t);
		ev.destination_port = 53;
		snprintf(ev.service, sizeof ev.service, "dns");
		model_observe(r->model, &ev);
	}
}

/* Feed a whole story in its order. */
static void
feed_story(struct run *r, const struct story *st, size_t from, size_t to)
{
	size_t	i;

	for (i = from; i < to; i++)
		feed(r, &st->events[i]);
}

/*
 * Four days of one to three sources per bucket, then ten new sources
 * within an hour: a spike with a score of 70 or more, judged on the
 * destination's own baseline, listing the regulars as seen before.
 */
static void
test_quiet_then_ten_new(void **state)
{
	struct model_config	 c = default_config();
	struct story		 st = { 0 };
	struct flow_event	 ev;
	struct run		 r;
	struct spike		*s;
	uint64_t		 seed = 1;
	size_t			 i;
	int			 k;

	quiet_history(&st, 1, 100, 4, &seed);
	qsort(st.events, st.n, sizeof *st.events, event_order);
	run_start(&r, &c);
	feed_story(&r, &st, 0, st.n);
	assert_int_equal(r.nspikes, 0);

	ev = connection(100, 1, T0 + 4 * DAY + 6 * HOUR + 30 * MINUTE);
	feed(&r, &ev);
	for (k = 0; k < 10; k++) {
		ev = connection(500 + (unsigned)k, 1,
		    T0 + 4 * DAY + 10 * HOUR + k * 6 * MINUTE);
		ev.destination_port = 3390 + k;
		feed(&r, &ev);
	}
	assert_int_equal(r.nspikes, 1);
	s = &r.spikes[0];
	assert_true(spike_for(s, 1));
	assert_true(s->score >= 70);
	assert_string_equal(s->mode, "baseline");
	assert_true(s->bucket_start == T0 + 4 * DAY + 6 * HOUR);
	assert_int_equal(s->bucket_span, SPAN);
	assert_true(s->typical >= 1 && s->typical <= 3);
	assert_int_equal(s->distinct_sources, s->nsources);
	assert_true(s->distinct_sources <= 11);
	assert_true(s->timestamp > T0 + 4 * DAY + 10 * HOUR);
	assert_int_equal(s->destination_port,
	    3390 + (int)s->distinct_sources - 2);
	assert_false(s->sources_truncated);
	assert_true(s->sources[0].seen_before);
	for (i = 1; i < s->nsources; i++) {
		assert_false(s->sources[i].seen_before);
		assert_true(s->sources[i].first >= s->sources[i - 1].first);
		assert_int_equal(s->sources[i].connections, 1);
	}
	assert_int_equal(stats_of(&r).spikes, 1);
	run_end(&r);
	free(st.events);
}

/*
 * A destination that 20 to 30 scanning sources reach in every bucket from
 * the first hour: it alerts only in learning (suppressed), never after.
 */
static void
test_busy_from_the_start(void **state)
{
	struct model_config	c = default_config();
	struct story		st = { 0 };
	struct flow_event	ev;
	struct run		r;
	uint64_t		seed = 2;
	unsigned		next = 1000;
	int			b, k, n;

	for (b = 0; b < 5 * 4; b++) {
		n = 20 + (int)(splitmix64(&seed) % 11);
		for (k = 0; k < n; k++) {
			ev = connection(next++, 7, T0 + b * (double)SPAN +
			    uniform(&seed) * SPAN);
			story_add(&st, &ev);
		}
	}
	qsort(st.events, st.n, sizeof *st.events, event_order);
	run_start(&r, &c);
	feed_story(&r, &st, 0, st.n);
	assert_int_equal(r.nspikes, 0);
	assert_true(stats_of(&r).learning_suppressed >= 1);
	run_end(&r);
	free(st.events);
}

/*
 * A jump host the same 20 colleagues use every morning, otherwise idle
 * but for one evening session a day: no spike on the third morning.
 */
static void
test_morning_jump_host(void **state)
{
	struct model_config	c = default_config();
	struct story		st = { 0 };
	struct flow_event	ev;
	struct run		r;
	uint64_t		seed = 3;
	int			day, k;

	for (day = 0; day < 3; day++) {
		for (k = 0; k < 20; k++) {
			ev = connection(200 + (unsigned)k, 9, T0 + day * DAY +
			    7 * HOUR + uniform(&seed) * 3 * HOUR);
			story_add(&st, &ev);
		}
		ev = connection(300, 9, T0 + day * DAY + 20 * HOUR);
		story_add(&st, &ev);
		ev = connection(301, 9, T0 + day * DAY + 14 * HOUR);
		story_add(&st, &ev);
	}
	qsort(st.events, st.n, sizeof *st.events, event_order);
	run_start(&r, &c);
	feed_story(&r, &st, 0, st.n);
	assert_int_equal(r.nspikes, 0);
	run_end(&r);
	free(st.events);
}

/* The same, with nothing at all outside the mornings. */
static void
test_morning_jump_host_only(void **state)
{
	struct model_config	c = default_config();
	struct story		st = { 0 };
	struct flow_event	ev;
	struct run		r;
	uint64_t		seed = 4;
	int			day, k;

	for (day = 0; day < 3; day++) {
		for (k = 0; k < 20; k++) {
			ev = connection(200 + (unsigned)k, 9, T0 + day * DAY +
			    7 * HOUR + uniform(&seed) * 3 * HOUR);
			story_add(&st, &ev);
		}
	}
	qsort(st.events, st.n, sizeof *st.events, event_order);
	run_start(&r, &c);
	feed_story(&r, &st, 0, st.n);
	assert_int_equal(r.nspikes, 0);
	run_end(&r);
	free(st.events);
}

/*
 * Thirty quiet destinations make a population; after learning a brand-new
 * destination takes 25 sources in ten minutes: a spike, mode population.
 */
static void
test_new_destination(void **state)
{
	struct model_config	 c = default_config();
	struct story		 st = { 0 };
	struct flow_event	 ev;
	struct run		 r;
	struct spike		*s;
	uint64_t		 seed = 5;
	unsigned		 d;
	int			 k;

	for (d = 0; d < 30; d++)
		quiet_history(&st, 10 + d, 100 + 10 * d, 2, &seed);
	for (k = 0; k < 25; k++) {
		ev = connection(5000 + (unsigned)k, 99,
		    T0 + 2 * DAY + HOUR + k * 24);
		story_add(&st, &ev);
	}
	qsort(st.events, st.n, sizeof *st.events, event_order);
	run_start(&r, &c);
	feed_story(&r, &st, 0, st.n);
	assert_int_equal(r.nspikes, 1);
	s = &r.spikes[0];
	assert_true(spike_for(s, 99));
	assert_string_equal(s->mode, "population");
	assert_true(s->score >= 70);
	assert_true(s->typical >= 1 && s->typical <= 3);
	assert_true(s->distinct_sources >= 5);
	run_end(&r);
	free(st.events);
}

/*
 * With no population yet the prior is 0.35 sources a bucket, Poisson:
 * five sources have P = 3.3e-5, score round(17.5 * 4.49) = 78; four
 * would score 58, below the threshold (and below min_sources).
 */
static void
test_prior_score(void **state)
{
	struct model_config	 c = default_config();
	struct flow_event	 ev;
	struct run		 r;
	struct spike		*s;
	int			 k;

	run_start(&r, &c);
	ev = connection(1, 2, T0 + 600);
	feed(&r, &ev);
	pass_time(&r, T0 + HOUR, T0 + DAY);
	for (k = 0; k < 10; k++) {
		ev = connection(10 + (unsigned)k, 3, T0 + DAY + HOUR + k);
		feed(&r, &ev);
	}
	assert_int_equal(r.nspikes, 1);
	s = &r.spikes[0];
	assert_int_equal(s->distinct_sources, 5);
	assert_int_equal(s->score, 78);
	assert_true(s->typical == 0.35);
	assert_string_equal(s->mode, "population");
	run_end(&r);
}

/* Below min_sources nothing spikes, in fixed or scored mode. */
static void
test_min_sources(void **state)
{
	struct model_config	c = default_config();
	struct flow_event	ev;
	struct run		r;
	int			k;

	c.threshold = 0;
	run_start(&r, &c);
	for (k = 0; k < 4; k++) {
		ev = connection(10 + (unsigned)k, 3, T0 + k);
		assert_int_equal(feed(&r, &ev), 0);
		assert_int_equal(feed(&r, &ev), 0);
	}
	ev = connection(20, 3, T0 + 10);
	assert_int_equal(feed(&r, &ev), 1);
	assert_string_equal(r.spikes[0].mode, "fixed");
	assert_int_equal(r.spikes[0].score, 100);
	assert_true(r.spikes[0].typical == 0);
	assert_int_equal(r.spikes[0].connections, 9);
	run_end(&r);

	c = default_config();
	c.min_sources = 8;
	run_start(&r, &c);
	ev = connection(1, 2, T0 + 600);
	feed(&r, &ev);
	pass_time(&r, T0 + HOUR, T0 + DAY);
	for (k = 0; k < 7; k++) {
		ev = connection(10 + (unsigned)k, 3, T0 + DAY + HOUR + k);
		assert_int_equal(feed(&r, &ev), 0);
	}
	ev = connection(30, 3, T0 + DAY + HOUR + 30);
	assert_int_equal(feed(&r, &ev), 1);
	assert_int_equal(r.spikes[0].distinct_sources, 8);
	run_end(&r);
}

/* In the first day nothing is scored, but it is counted. */
static void
test_learning(void **state)
{
	struct model_config	c = default_config();
	struct flow_event	ev;
	struct run		r;
	int			k;

	run_start(&r, &c);
	for (k = 0; k < 40; k++) {
		ev = connection(10 + (unsigned)k, 3, T0 + HOUR + k);
		feed(&r, &ev);
	}
	for (k = 0; k < 40; k++) {
		ev = connection(10 + (unsigned)k, 4, T0 + 13 * HOUR + k);
		feed(&r, &ev);
	}
	assert_int_equal(r.nspikes, 0);
	assert_int_equal(stats_of(&r).learning_suppressed, 2);
	assert_int_equal(stats_of(&r).events, 80);
	run_end(&r);
}

/* Ten new sources to a destination, one every six minutes from start. */
static void
ten_new(struct story *st, unsigned destination, unsigned first,
    double start)
{
	struct flow_event	ev;
	int			k;

	for (k = 0; k < 10; k++) {
		ev = connection(first + (unsigned)k, destination,
		    start + k * 6 * MINUTE);
		story_add(st, &ev);
	}
}

/* The end of the first learning as the model would save it. */
static double
learning_end_of(const struct run *r)
{
	json_t	*saved = model_save(r->model);
	double	 end;

	end = json_number_value(json_object_get(saved, "learning_end"));
	json_decref(saved);
	return end;
}

/*
 * Fifty minutes of records timed from 1970 (a capture with epoch-relative
 * times, one of them RDP), then three quiet days: the learning is the
 * first 24 hours of the real traffic, so ten new sources at 20:00 on its
 * first day are suppressed and ten at 10:00 on its second alert.
 */
static void
test_learning_after_1970(void **state)
{
	struct model_config	 c = default_config();
	struct story		 st = { 0 };
	struct flow_event	 ev;
	struct run		 r;
	uint64_t		 seed = 11;
	unsigned		 d;
	int			 k;

	for (d = 0; d < 3; d++)
		quiet_history(&st, 1 + d, 100 + 10 * d, 3, &seed);
	ten_new(&st, 1, 500, T0 + 20 * HOUR);
	ten_new(&st, 2, 600, T0 + DAY + 10 * HOUR);
	qsort(st.events, st.n, sizeof *st.events, event_order);

	run_start(&r, &c);
	for (k = 0; k < 50; k++) {
		ev = connection(900, 9, 20 + k * MINUTE);
		ev.destination_port = 53;
		model_observe(r.model, &ev);
	}
	ev = connection(901, 9, 30 * MINUTE);
	assert_int_equal(feed(&r, &ev), 0);
	assert_true(learning_end_of(&r) == 20 + DAY);
	feed(&r, &st.events[0]);
	assert_true(learning_end_of(&r) == st.events[0].written + DAY);
	feed_story(&r, &st, 1, st.n);

	assert_int_equal(r.nspikes, 1);
	assert_true(spike_for(&r.spikes[0], 2));
	assert_true(r.spikes[0].bucket_start == T0 + DAY + 6 * HOUR);
	assert_int_equal(r.spikes[0].distinct_sources, 8);
	assert_int_equal(r.spikes[0].score, 70);
	assert_true(r.spikes[0].typical == 1.4);
	assert_string_equal(r.spikes[0].mode, "baseline");
	assert_int_equal(stats_of(&r).learning_suppressed, 1);
	assert_int_equal(stats_of(&r).late_records, 0);
	run_end(&r);
	free(st.events);
}

/*
 * Twelve quiet hours, two weeks of nothing, three quiet days: the gap
 * does not end the learning but starts it again, so ten new sources 20
 * hours after it are suppressed and ten a day and 10 hours after alert.
 */
static void
test_learning_across_gap(void **state)
{
	struct model_config	 c = default_config();
	struct story		 st = { 0 };
	struct run		 r;
	uint64_t		 seed = 12;
	double			 after = T0 + 14 * DAY + 12 * HOUR;
	size_t			 i;
	unsigned		 d;

	for (d = 0; d < 3; d++) {
		quiet_buckets(&st, 1 + d, 100 + 10 * d, T0, 2, &seed);
		quiet_buckets(&st, 1 + d, 100 + 10 * d, after, 12, &seed);
	}
	ten_new(&st, 1, 500, after + 20 * HOUR);
	ten_new(&st, 2, 600, after + DAY + 10 * HOUR);
	qsort(st.events, st.n, sizeof *st.events, event_order);

	run_start(&r, &c);
	for (i = 0; i < st.n && st.events[i].start < after; i++)
		feed(&r, &st.events[i]);
	assert_true(learning_end_of(&r) == st.events[0].start + DAY);
	feed(&r, &st.events[i]);
	assert_true(learning_end_of(&r) == st.events[i].written + DAY);
	feed_story(&r, &st, i + 1, st.n);

	assert_int_equal(r.nspikes, 1);
	assert_true(spike_for(&r.spikes[0], 2));
	assert_true(r.spikes[0].bucket_start == after + DAY + 6 * HOUR);
	assert_int_equal(r.spikes[0].distinct_sources, 8);
	assert_int_equal(r.spikes[0].score, 70);
	assert_string_equal(r.spikes[0].mode, "baseline");
	assert_true(r.spikes[0].typical == 1.4);
	assert_int_equal(stats_of(&r).learning_suppressed, 1);
	run_end(&r);
	free(st.events);
}

/*
 * A jump of more than a bucket but less than the history counts as one
 * bucket: twelve hours, a gap of two days, and the learning ends six
 * hours after the gap; a save and restore in the gap keeps that.
 */
static void
test_learning_short_gap(void **state)
{
	struct model_config	 c = default_config();
	struct flow_event	 ev;
	struct run		 r;
	struct model		*next;
	json_t			*saved;
	const char		*cause = NULL;
	int			 h;

	run_start(&r, &c);
	for (h = 0; h <= 12; h++) {
		ev = connection(1, 1, T0 + h * HOUR);
		feed(&r, &ev);
	}
	assert_true(learning_end_of(&r) == T0 + DAY);

	saved = model_save(r.model);
	next = model_new(&c);
	assert_int_equal(model_restore(next, saved, &cause), 0);
	json_decref(saved);
	model_free(r.model);
	r.model = next;

	ev = connection(1, 1, T0 + 60 * HOUR);
	feed(&r, &ev);
	assert_true(learning_end_of(&r) ==
	    T0 + DAY + (60 * HOUR - 12 * HOUR) - SPAN);
	assert_true(learning_end_of(&r) == T0 + 66 * HOUR);
	run_end(&r);
}

/*
 * A state saved by an earlier version in the middle of its learning
 * (learning_end, watermark, nothing else) loads, and its learning ends
 * where it said: ten new sources just before are suppressed, just after
 * alert.
 */
static void
test_learning_old_state(void **state)
{
	struct model_config	 c = default_config();
	struct flow_event	 ev;
	struct run		 r;
	json_t			*old;
	json_error_t		 error;
	const char		*cause = NULL;
	char			 text[256];
	int			 h, k;

	snprintf(text, sizeof text, "{\"version\":1,\"bucket_span\":%d,"
	    "\"learning_end\":%.1f,\"watermark\":%.1f,\"population\":[],"
	    "\"destinations\":[],\"recent_ids\":[]}", SPAN,
	    T0 + 20 * HOUR, T0 + 2 * HOUR);
	old = json_loads(text, 0, &error);
	assert_non_null(old);
	run_start(&r, &c);
	assert_int_equal(model_restore(r.model, old, &cause), 0);
	json_decref(old);

	for (h = 3; h < 24; h++) {
		ev = connection(1, 1, T0 + h * HOUR);
		feed(&r, &ev);
		if (h == 19 || h == 20) {
			for (k = 0; k < 10; k++) {
				ev = connection(100 * (unsigned)h +
				    (unsigned)k, 2 + (unsigned)h,
				    T0 + h * HOUR + 50 * MINUTE + k);
				feed(&r, &ev);
			}
		}
	}
	assert_true(learning_end_of(&r) == T0 + 20 * HOUR);
	assert_int_equal(r.nspikes, 1);
	assert_true(spike_for(&r.spikes[0], 22));
	assert_int_equal(stats_of(&r).learning_suppressed, 1);
	run_end(&r);
}

/* A record for a final bucket is counted as late and changes nothing. */
static void
test_late_record(void **state)
{
	struct model_config	 c = default_config();
	struct flow_event	 ev;
	struct model_stats	 before, after;
	struct run		 r;
	json_t			*saved, *again;
	int			 k;

	c.threshold = 0;
	run_start(&r, &c);
	for (k = 0; k < 4; k++) {
		ev = connection(10 + (unsigned)k, 3, T0 + HOUR + k);
		feed(&r, &ev);
	}
	ev = connection(50, 8, T0 + SPAN + HOUR + 1);
	feed(&r, &ev);
	saved = model_save(r.model);
	before = stats_of(&r);

	ev = connection(99, 3, T0 + 2 * HOUR);
	ev.written = T0 + 2 * HOUR + 60;
	snprintf(ev.id, sizeof ev.id, "Clate");
	assert_int_equal(feed(&r, &ev), 0);
	after = stats_of(&r);
	assert_int_equal(after.late_records, before.late_records + 1);
	assert_int_equal(after.events, before.events + 1);
	assert_int_equal(after.spikes, before.spikes);
	assert_int_equal(after.destinations, before.destinations);
	assert_int_equal(after.memory_bytes, before.memory_bytes);
	again = model_save(r.model);
	assert_true(json_equal(saved, again));
	json_decref(saved);
	json_decref(again);
	assert_int_equal(r.nspikes, 0);
	run_end(&r);
}

/*
 * A long session whose start bucket is final is not late: written just
 * now, it counts in the oldest open bucket.
 */
static void
test_long_session_not_late(void **state)
{
	struct model_config	 c = default_config();
	struct flow_event	 ev;
	struct model_stats	 before, after;
	struct run		 r;
	int			 k;

	c.threshold = 0;
	c.min_sources = 2;
	run_start(&r, &c);
	for (k = 0; k < 4; k++) {
		ev = connection(10 + (unsigned)k, 3, T0 + HOUR + k);
		feed(&r, &ev);
	}
	ev = connection(50, 8, T0 + SPAN + 2 * HOUR);
	feed(&r, &ev);
	before = stats_of(&r);
	ev = connection(60, 8, T0 + 2 * HOUR);
	ev.written = T0 + SPAN + 2 * HOUR + 10;
	assert_int_equal(feed(&r, &ev), 1);
	after = stats_of(&r);
	assert_int_equal(after.late_records, before.late_records);
	assert_int_equal(r.spikes[r.nspikes - 1].distinct_sources, 2);
	assert_true(r.spikes[r.nspikes - 1].bucket_start == T0 + SPAN);
	run_end(&r);
}

/*
 * Under the memory cap, a flood of one-off destinations (spoofed or
 * scanned) keeps the model at the cap, evicts the idle ones, and a real
 * spike still alerts.
 */
static void
test_memory_cap(void **state)
{
	struct model_config	c = default_config();
	struct flow_event	ev;
	struct run		r;
	struct model_stats	st;
	unsigned		k;

	c.threshold = 0;
	c.min_sources = 10;
	c.max_destinations = 100;
	run_start(&r, &c);
	for (k = 0; k < 5000; k++) {
		ev = connection(k, 1000 + k, T0 + HOUR + k * 0.5);
		feed(&r, &ev);
	}
	st = stats_of(&r);
	assert_int_equal(st.destinations, 100);
	assert_int_equal(st.evicted_destinations, 4900);
	for (k = 0; k < 10; k++) {
		ev = connection(20000 + k, 7, T0 + 2 * HOUR + k);
		feed(&r, &ev);
	}
	assert_int_equal(r.nspikes, 1);
	assert_int_equal(r.spikes[0].distinct_sources, 10);
	assert_int_equal(stats_of(&r).destinations, 100);
	run_end(&r);
}

/* A record for the previous bucket, within the lateness, still counts. */
static void
test_out_of_order_within_lateness(void **state)
{
	struct model_config	c = default_config();
	struct flow_event	ev;
	struct run		r;
	int			k;

	c.threshold = 0;
	run_start(&r, &c);
	for (k = 0; k < 4; k++) {
		ev = connection(10 + (unsigned)k, 3, T0 + 5 * HOUR + k);
		feed(&r, &ev);
	}
	ev = connection(50, 3, T0 + SPAN + 30 * MINUTE);
	feed(&r, &ev);
	ev = connection(60, 3, T0 + 5 * HOUR + 50 * MINUTE);
	ev.destination_port = 3391;
	assert_int_equal(feed(&r, &ev), 1);
	assert_true(r.spikes[0].bucket_start == T0);
	assert_int_equal(r.spikes[0].destination_port, 3391);
	assert_true(r.spikes[0].timestamp == T0 + 5 * HOUR + 50 * MINUTE);
	assert_int_equal(stats_of(&r).late_records, 0);
	run_end(&r);
}

/* One spike per destination and bucket, however far the count goes. */
static void
test_one_spike_per_bucket(void **state)
{
	struct model_config	c = default_config();
	struct flow_event	ev;
	struct run		r;
	int			k;

	run_start(&r, &c);
	ev = connection(1, 2, T0 + 600);
	feed(&r, &ev);
	pass_time(&r, T0 + HOUR, T0 + DAY);
	for (k = 0; k < 300; k++) {
		ev = connection(1000 + (unsigned)k, 3, T0 + DAY + HOUR + k);
		feed(&r, &ev);
	}
	assert_int_equal(r.nspikes, 1);
	assert_int_equal(stats_of(&r).spikes, 1);
	run_end(&r);
}

/* A conn and an rdp record of one uid are one connection. */
static void
test_duplicate_uid(void **state)
{
	struct model_config	c = default_config();
	struct flow_event	ev;
	struct run		r;
	int			k;

	c.threshold = 0;
	run_start(&r, &c);
	for (k = 0; k < 5; k++) {
		ev = connection(10 + (unsigned)k, 3, T0 + HOUR + k);
		snprintf(ev.id, sizeof ev.id, "CuID%d", k);
		ev.dataset = FLOW_ZEEK_RDP;
		feed(&r, &ev);
		ev.dataset = FLOW_ZEEK_CONN;
		ev.written = ev.start + 1800;
		feed(&r, &ev);
	}
	ev = connection(10, 3, T0 + HOUR + 100);
	feed(&r, &ev);
	assert_int_equal(r.nspikes, 1);
	assert_int_equal(r.spikes[0].distinct_sources, 5);
	assert_int_equal(r.spikes[0].connections, 5);
	assert_int_equal(stats_of(&r).duplicate_connections, 5);
	assert_int_equal(stats_of(&r).events, 11);
	run_end(&r);
}

/* The alert lists at most max_alert_sources, first seen first. */
static void
test_source_list(void **state)
{
	struct model_config	 c = default_config();
	struct flow_event	 ev;
	struct run		 r;
	struct spike		*s;
	int			 k;

	c.threshold = 0;
	c.max_alert_sources = 3;
	run_start(&r, &c);
	for (k = 0; k < 5; k++) {
		ev = connection(20 - (unsigned)k, 3, T0 + HOUR + 100 - k);
		feed(&r, &ev);
	}
	assert_int_equal(r.nspikes, 1);
	s = &r.spikes[0];
	assert_int_equal(s->nsources, 3);
	assert_true(s->sources_truncated);
	assert_int_equal(s->distinct_sources, 5);
	assert_true(s->sources[0].first == T0 + HOUR + 98);
	assert_true(s->sources[2].first == T0 + HOUR + 100);
	run_end(&r);
}

/*
 * A longer story for order and restart: quiet destinations, a burst on
 * one, a newcomer, and a second record for a third of the connections.
 */
static void
long_story(struct story *st)
{
	struct flow_event	ev;
	uint64_t		seed = 77;
	unsigned		d, id = 0;
	size_t			i, n;
	int			k;

	for (d = 0; d < 12; d++)
		quiet_history(st, 20 + d, 100 + 10 * d, 5, &seed);
	for (k = 0; k < 14; k++) {
		ev = connection(7000 + (unsigned)k, 20,
		    T0 + 4 * DAY + 10 * HOUR + k * 3 * MINUTE);
		story_add(st, &ev);
	}
	for (k = 0; k < 20; k++) {
		ev = connection(8000 + (unsigned)k, 60,
		    T0 + 3 * DAY + 14 * HOUR + k * MINUTE);
		story_add(st, &ev);
	}
	n = st->n;
	for (i = 0; i < n; i++) {
		ev = st->events[i];
		snprintf(ev.id, sizeof ev.id, "C%u", id++);
		ev.written = ev.start + 1 + uniform(&seed) * 600;
		st->events[i] = ev;
		if (splitmix64(&seed) % 3 == 0) {
			ev.dataset = FLOW_ZEEK_CONN;
			ev.written += 60;
			story_add(st, &ev);
		}
	}
	qsort(st->events, st->n, sizeof *st->events, event_order);
}

/* Order spikes by destination, then bucket. */
static int
spike_order(const void *a, const void *b)
{
	const struct spike	*x = a, *y = b;
	int			 c;

	c = memcmp(x->destination.bytes, y->destination.bytes,
	    sizeof x->destination.bytes);
	if (c != 0)
		return c;
	return (x->bucket_start > y->bucket_start) -
	    (x->bucket_start < y->bucket_start);
}

/* The same events shuffled within half-hour windows: the same spikes. */
static void
test_order_independent(void **state)
{
	struct model_config	c = default_config();
	struct story		st = { 0 };
	struct flow_event	tmp;
	struct run		a, b;
	uint64_t		seed = 9;
	size_t			i, j, from, to;

	long_story(&st);
	run_start(&a, &c);
	feed_story(&a, &st, 0, st.n);
	assert_true(a.nspikes >= 2);

	for (from = 1; from < st.n; from = to) {
		for (to = from; to < st.n && st.events[to].start <
		    st.events[from].start + 30 * MINUTE; to++)
			continue;
		for (i = to - 1; i > from; i--) {
			j = from + splitmix64(&seed) % (i - from + 1);
			tmp = st.events[i];
			st.events[i] = st.events[j];
			st.events[j] = tmp;
		}
	}
	run_start(&b, &c);
	feed_story(&b, &st, 0, st.n);
	assert_int_equal(stats_of(&b).late_records, 0);
	assert_int_equal(a.nspikes, b.nspikes);
	qsort(a.spikes, a.nspikes, sizeof *a.spikes, spike_order);
	qsort(b.spikes, b.nspikes, sizeof *b.spikes, spike_order);
	for (i = 0; i < a.nspikes; i++) {
		assert_true(addr_equal(&a.spikes[i].destination,
		    &b.spikes[i].destination));
		assert_true(a.spikes[i].bucket_start ==
		    b.spikes[i].bucket_start);
	}
	assert_int_equal(stats_of(&a).duplicate_connections,
	    stats_of(&b).duplicate_connections);
	run_end(&a);
	run_end(&b);
	free(st.events);
}

/* Two spikes are the same alert, field by field. */
static void
assert_same_spike(const struct spike *x, const struct spike *y)
{
	size_t	i;

	assert_true(addr_equal(&x->destination, &y->destination));
	assert_true(x->bucket_start == y->bucket_start);
	assert_true(x->timestamp == y->timestamp);
	assert_int_equal(x->score, y->score);
	assert_int_equal(x->distinct_sources, y->distinct_sources);
	assert_int_equal(x->connections, y->connections);
	assert_true(x->typical == y->typical);
	assert_string_equal(x->mode, y->mode);
	assert_int_equal(x->nsources, y->nsources);
	assert_int_equal(x->sources_truncated, y->sources_truncated);
	for (i = 0; i < x->nsources; i++) {
		assert_true(addr_equal(&x->sources[i].ip, &y->sources[i].ip));
		assert_true(x->sources[i].first == y->sources[i].first);
		assert_int_equal(x->sources[i].connections,
		    y->sources[i].connections);
		assert_int_equal(x->sources[i].seen_before,
		    y->sources[i].seen_before);
	}
}

/*
 * Save in the middle of a bucket, restore into a new model through the
 * JSON text, go on: the same spikes as a run never interrupted.
 */
static void
test_save_restore(void **state)
{
	struct model_config	 c = default_config();
	struct story		 st = { 0 };
	struct run		 a, b;
	struct model		*next;
	json_t			*saved, *loaded;
	json_error_t		 error;
	const char		*cause = NULL;
	char			*text;
	size_t			 i, half;

	long_story(&st);
	run_start(&a, &c);
	feed_story(&a, &st, 0, st.n);

	for (half = 0; half < st.n &&
	    st.events[half].start < T0 + 4 * DAY + 10 * HOUR +
	    10 * MINUTE; half++)
		continue;
	run_start(&b, &c);
	feed_story(&b, &st, 0, half);
	saved = model_save(b.model);
	text = json_dumps(saved, JSON_COMPACT);
	json_decref(saved);
	loaded = json_loads(text, 0, &error);
	assert_non_null(loaded);
	free(text);

	next = model_new(&c);
	assert_int_equal(model_restore(next, loaded, &cause), 0);
	model_free(b.model);
	b.model = next;
	feed_story(&b, &st, half, st.n);

	assert_true(a.nspikes >= 2);
	assert_int_equal(a.nspikes, b.nspikes);
	for (i = 0; i < a.nspikes; i++)
		assert_same_spike(&a.spikes[i], &b.spikes[i]);
	assert_int_equal(stats_of(&a).destinations,
	    stats_of(&b).destinations);

	c.bucket_span = 3600;
	next = model_new(&c);
	assert_int_equal(model_restore(next, loaded, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "bucket span"));
	model_free(next);
	json_decref(loaded);
	run_end(&a);
	run_end(&b);
	free(st.events);
}

/* Restore a copy with one value replaced: -1 with a cause, or usable. */
static void
check_damaged(const json_t *good, const char *path, json_t *value,
    const struct model_config *c)
{
	json_t			*copy = json_deep_copy(good), *parent = copy;
	struct model		*m = model_new(c);
	struct flow_event	 ev;
	struct spike		 s;
	const char		*cause = NULL;
	char			 buf[128], *part, *next;

	snprintf(buf, sizeof buf, "%s", path);
	part = buf;
	while ((next = strchr(part, '/')) != NULL) {
		*next = '\0';
		if (json_is_array(parent))
			parent = json_array_get(parent, (size_t)atoi(part));
		else
			parent = json_object_get(parent, part);
		assert_non_null(parent);
		part = next + 1;
	}
	if (json_is_array(parent))
		json_array_set_new(parent, (size_t)atoi(part), value);
	else
		json_object_set_new(parent, part, value);
	if (model_restore(m, copy, &cause) == -1)
		assert_non_null(cause);
	ev = connection(1, 20, T0 + 5 * DAY);
	memset(&s, 0, sizeof s);
	if (model_add(m, &ev, &s) == 1)
		spike_clear(&s);
	model_free(m);
	json_decref(copy);
}

/* The path of a field of the first destination with an open bucket. */
static const char *
open_path(const json_t *good, const char *field)
{
	static char	 path[128];
	json_t		*dests = json_object_get(good, "destinations"), *d;
	size_t		 i;

	json_array_foreach(dests, i, d) {
		if (json_array_size(json_object_get(d, "open")) > 0)
			break;
	}
	assert_true(i < json_array_size(dests));
	snprintf(path, sizeof path, "destinations/%zu/%s", i, field);
	return path;
}

/* Hostile or damaged state is refused, and never crashes. */
static void
test_restore_rejects(void **state)
{
	struct model_config	 c = default_config();
	struct story		 st = { 0 };
	struct run		 r;
	struct model		*m;
	json_t			*good, *bad;
	const char		*cause;

	long_story(&st);
	run_start(&r, &c);
	feed_story(&r, &st, 0, st.n / 2);
	good = model_save(r.model);

	m = model_new(&c);
	cause = NULL;
	bad = json_string("model");
	assert_int_equal(model_restore(m, bad, &cause), -1);
	assert_non_null(cause);
	json_decref(bad);
	bad = json_pack("{s:i, s:i}", "version", 99, "bucket_span", SPAN);
	assert_int_equal(model_restore(m, bad, &cause), -1);
	assert_non_null(strstr(cause, "version"));
	json_decref(bad);
	model_free(m);

	check_damaged(good, "version", json_string("1"), &c);
	check_damaged(good, "watermark", json_string("soon"), &c);
	check_damaged(good, "population", json_integer(3), &c);
	check_damaged(good, "population/0", json_pack("[i,i]", 5000, 1),
	    &c);
	check_damaged(good, "destinations/0/ip", json_string("10.0.0"), &c);
	check_damaged(good, "destinations/0/first_bucket",
	    json_integer(17), &c);
	check_damaged(good, "destinations/0/history",
	    json_pack("[i,i,i]", 1, -2, 3), &c);
	check_damaged(good, "destinations/0/seen/0", json_string("xyz"), &c);
	check_damaged(good, open_path(good, "open/0/sketch"),
	    json_string("0100ff"), &c);
	check_damaged(good, open_path(good, "open/0/sketch"),
	    json_string("zz"), &c);
	check_damaged(good, open_path(good, "open/0/start"),
	    json_real(1.5), &c);
	check_damaged(good, open_path(good, "open/0/start"),
	    json_integer(21601), &c);
	check_damaged(good, open_path(good, "open/0/sources"),
	    json_pack("[{s:s}]", "ip", "10.1.1.1"), &c);
	check_damaged(good, open_path(good, "open"),
	    json_pack("[{}]"), &c);
	check_damaged(good, "destinations/1", json_deep_copy(
	    json_array_get(json_object_get(good, "destinations"), 0)), &c);
	check_damaged(good, "recent_ids/0", json_pack("[s,i]",
	    "0000000000000000", 0), &c);
	check_damaged(good, "destinations", json_null(), &c);

	json_decref(good);
	run_end(&r);
	free(st.events);
}

/*
 * A thousand quiet destinations cost well under a kilobyte each, and a
 * destination silent for a whole ring of buckets is forgotten.
 */
static void
test_memory(void **state)
{
	struct model_config	c = default_config();
	struct flow_event	ev;
	struct model_stats	s;
	struct run		r;
	unsigned		d, k;
	int			b;

	run_start(&r, &c);
	for (b = 0; b < 30; b++) {
		for (d = 0; d < 1000; d++) {
			for (k = 0; k <= (d + (unsigned)b) % 5; k++) {
				ev = connection(100 + k, 1000 + d,
				    T0 + b * (double)SPAN + d + k);
				feed(&r, &ev);
			}
		}
	}
	ev = connection(1, 1, T0 + 29 * (double)SPAN + 2 * HOUR);
	feed(&r, &ev);
	s = stats_of(&r);
	assert_int_equal(s.destinations, 1001);
	print_message("memory per quiet destination: %zu bytes\n",
	    s.memory_bytes / 1001);
	assert_true(s.memory_bytes / 1001 < 1024);
	ev = connection(1, 1, T0 + 60 * (double)SPAN);
	feed(&r, &ev);
	s = stats_of(&r);
	assert_int_equal(s.destinations, 1);
	run_end(&r);
}

/*
 * model_history: six buckets of 1, 2, 3, 1, 2, 3 sources; the counts come
 * back oldest first, cut to max, padded with the empty buckets since; the
 * band is the count at which the next source makes a spike.
 */
static void
test_history(void **state)
{
	struct model_config	c = default_config();
	struct flow_event	ev;
	struct ip_addr		ip = destination_ip(4), other;
	struct run		r;
	uint32_t		counts[40];
	double			first = -1, level = -1, band = -1;
	size_t			n;
	unsigned		k, next = 900;
	int			b;
	const uint32_t		want[] = { 1, 2, 3, 1, 2, 3 };

	run_start(&r, &c);
	for (b = 0; b < 6; b++) {
		for (k = 0; k < want[b]; k++) {
			ev = connection(100 + k, 4,
			    T0 + b * (double)SPAN + 600 + k);
			feed(&r, &ev);
		}
	}
	n = model_history(r.model, &ip, T0 + 5 * (double)SPAN + 900,
	    counts, 40, &first, &level, &band);
	assert_int_equal(n, 6);
	assert_memory_equal(counts, want, sizeof want);
	assert_true(first == T0);
	assert_true(level > 1.7 && level < 1.9);
	assert_true(band > 5 && band < 30 && band == (double)(int)band);

	n = model_history(r.model, &ip, T0 + 5 * (double)SPAN + 900,
	    counts, 4, &first, NULL, NULL);
	assert_int_equal(n, 4);
	assert_memory_equal(counts, want + 2, 4 * sizeof *counts);
	assert_true(first == T0 + 2 * (double)SPAN);

	n = model_history(r.model, &ip, T0 + 7 * (double)SPAN + 10,
	    counts, 40, &first, NULL, NULL);
	assert_int_equal(n, 8);
	assert_int_equal(counts[5], 3);
	assert_int_equal(counts[6], 0);
	assert_int_equal(counts[7], 0);

	other = destination_ip(5);
	assert_int_equal(model_history(r.model, &other, T0, counts, 40,
	    &first, &level, &band), 0);

	/* The band is where a spike starts: new sources in bucket 5. */
	for (k = 3; k + 1 < (unsigned)band; k++) {
		ev = connection(next++, 4, T0 + 5 * (double)SPAN + 1000 + k);
		assert_int_equal(feed(&r, &ev), 0);
	}
	ev = connection(next++, 4, T0 + 5 * (double)SPAN + 2000);
	assert_int_equal(feed(&r, &ev), 1);
	assert_int_equal(r.spikes[0].distinct_sources, (uint64_t)band);
	run_end(&r);

	c.threshold = 0;
	run_start(&r, &c);
	ev = connection(1, 4, T0);
	feed(&r, &ev);
	n = model_history(r.model, &ip, T0, counts, 40, &first, &level,
	    &band);
	assert_int_equal(n, 1);
	assert_int_equal(counts[0], 1);
	assert_true(level == 0 && band == 5);
	run_end(&r);
}

/*
 * A destination with one source every other bucket; ten new sources
 * within an hour, four before a bucket boundary and six after: neither
 * bucket alone is a spike, their union is, reported in the second.
 */
static void
test_straddle(void **state)
{
	struct model_config	c = default_config();
	struct story		st = { 0 };
	struct flow_event	ev;
	struct run		r;
	uint64_t		seed = 11;
	double			edge = T0 + 4 * DAY + 12 * HOUR;
	int			k;

	for (k = 0; k < 16; k += 2) {
		ev = connection(100, 1, T0 + k * (double)SPAN +
		    uniform(&seed) * SPAN);
		story_add(&st, &ev);
	}
	for (k = 0; k < 10; k++) {
		ev = connection(700 + (unsigned)k, 1,
		    edge - 20 * MINUTE + k * 5 * MINUTE);
		story_add(&st, &ev);
	}
	qsort(st.events, st.n, sizeof *st.events, event_order);
	run_start(&r, &c);
	feed_story(&r, &st, 0, st.n);
	assert_int_equal(r.nspikes, 1);
	assert_true(r.spikes[0].bucket_start == edge);
	assert_true(r.spikes[0].score >= 70);
	run_end(&r);
	free(st.events);
}

/*
 * Under the prior, three new sources in the last half hour before a
 * boundary and three just after: each bucket alone is below min_sources,
 * their union is a spike at its fifth source.  It is judged against the
 * second bucket's level and the share of the first that its last hour
 * (the lateness) is: Poisson with 0.35 + 0.35 / 6, P(X >= 5) = 6.7e-5,
 * score 73.  Reported in the second bucket with the five sources and
 * connections, three of them from before the boundary.
 */
static void
test_straddle_floor(void **state)
{
	struct model_config	 c = default_config();
	struct flow_event	 ev;
	struct run		 r;
	struct spike		*s;
	double			 edge = T0 + 2 * DAY;
	unsigned		 k, earlier = 0;

	run_start(&r, &c);
	ev = connection(1, 2, T0 + 600);
	feed(&r, &ev);
	pass_time(&r, T0 + HOUR, edge - 4 * HOUR);
	for (k = 0; k < 6; k++) {
		ev = connection(10 + k, 3, edge + (k < 3 ? -30.0 : 1.0) *
		    MINUTE + k);
		feed(&r, &ev);
	}
	assert_int_equal(r.nspikes, 1);
	s = &r.spikes[0];
	assert_true(s->bucket_start == edge);
	assert_int_equal(s->distinct_sources, 5);
	assert_int_equal(s->score, 73);
	assert_int_equal(s->connections, 5);
	assert_int_equal(s->nsources, 5);
	for (k = 0; k < s->nsources; k++) {
		assert_false(s->sources[k].seen_before);
		if (s->sources[k].first < edge)
			earlier++;
	}
	assert_int_equal(earlier, 3);
	run_end(&r);
}

/*
 * The population weighs every destination the same: thirty quiet hosts
 * (one source every other day) and five busy servers (25 sources in each
 * working bucket, so more non-empty buckets than all the quiet hosts
 * together) over nine days.  A destination never seen before that then
 * gets ten new sources within an hour is judged against a typical
 * destination, a quiet one, and alerts; counted bucket by bucket, the
 * busy servers' many buckets made the median theirs and it did not.
 */
static void
test_population_per_destination(void **state)
{
	struct model_config	 c = default_config();
	struct story		 st = { NULL, 0, 0 };
	struct flow_event	 ev;
	struct run		 r;
	uint64_t		 seed = 7;
	double			 spike = T0 + 8 * DAY + 14 * HOUR;
	unsigned		 day, q, b, u;

	(void)state;
	for (day = 0; day < 9; day++) {
		for (q = 0; q < 30; q++) {
			if ((day + q) % 2 != 0)
				continue;
			ev = connection(1000 + q % 5, 100 + q, T0 + day * DAY +
			    9 * HOUR + uniform(&seed) * 8 * HOUR);
			story_add(&st, &ev);
		}
		for (b = 0; b < 5; b++)
			for (u = 0; u < 25; u++) {
				ev = connection(2000 + 100 * b + u, 200 + b,
				    T0 + day * DAY + 8 * HOUR +
				    uniform(&seed) * 9 * HOUR);
				story_add(&st, &ev);
			}
	}
	for (u = 0; u < 10; u++) {
		ev = connection(5000 + u, 300, spike + u * 5 * MINUTE);
		story_add(&st, &ev);
	}
	qsort(st.events, st.n, sizeof *st.events, event_order);
	run_start(&r, &c);
	feed_story(&r, &st, 0, st.n);
	assert_int_equal(r.nspikes, 1);
	assert_true(r.spikes[0].bucket_start == T0 + 8 * DAY + 12 * HOUR);
	assert_string_equal(r.spikes[0].mode, "population");
	assert_true(r.spikes[0].score >= 70);
	run_end(&r);
	free(st.events);
}

/*
 * Sources of the bucket before that came earlier than its last hour are
 * not part of a spike across the boundary: three new sources three hours
 * before it and three just after are two quiet buckets (each bucket
 * alone is below min_sources, and the union holds only the three after).
 */
static void
test_straddle_tail(void **state)
{
	struct model_config	 c = default_config();
	struct flow_event	 ev;
	struct run		 r;
	double			 edge = T0 + 2 * DAY;
	unsigned		 k;

	(void)state;
	run_start(&r, &c);
	ev = connection(1, 2, T0 + 600);
	feed(&r, &ev);
	pass_time(&r, T0 + HOUR, edge - 4 * HOUR);
	for (k = 0; k < 6; k++) {
		ev = connection(10 + k, 3, edge + (k < 3 ? -180.0 : 1.0) *
		    MINUTE + k);
		feed(&r, &ev);
	}
	assert_int_equal(r.nspikes, 0);
	run_end(&r);
}

/*
 * After learning, a new server that 25 users reach in its first bucket
 * and 25 in its second: the first may alert (a spike from nothing), the
 * second must not, now that its own bucket says it is busy.
 */
static void
test_busy_newcomer(void **state)
{
	struct model_config	c = default_config();
	struct story		st = { 0 };
	struct flow_event	ev;
	struct run		r;
	uint64_t		seed = 12;
	unsigned		d;
	int			b, k;

	for (d = 0; d < 30; d++)
		quiet_history(&st, 10 + d, 100 + 10 * d, 3, &seed);
	for (b = 0; b < 2; b++) {
		for (k = 0; k < 25; k++) {
			ev = connection(3000 + (unsigned)k, 77, T0 + 2 * DAY +
			    (6 + 6 * b) * HOUR + uniform(&seed) * 5 * HOUR);
			story_add(&st, &ev);
		}
	}
	qsort(st.events, st.n, sizeof *st.events, event_order);
	run_start(&r, &c);
	feed_story(&r, &st, 0, st.n);
	assert_true(r.nspikes <= 1);
	if (r.nspikes == 1)
		assert_true(r.spikes[0].bucket_start == T0 + 2 * DAY +
		    6 * HOUR);
	run_end(&r);
	free(st.events);
}

/* Run every test. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_then_ten_new),
		cmocka_unit_test(test_busy_from_the_start),
		cmocka_unit_test(test_morning_jump_host),
		cmocka_unit_test(test_morning_jump_host_only),
		cmocka_unit_test(test_new_destination),
		cmocka_unit_test(test_prior_score),
		cmocka_unit_test(test_min_sources),
		cmocka_unit_test(test_learning),
		cmocka_unit_test(test_learning_after_1970),
		cmocka_unit_test(test_learning_across_gap),
		cmocka_unit_test(test_learning_short_gap),
		cmocka_unit_test(test_learning_old_state),
		cmocka_unit_test(test_late_record),
		cmocka_unit_test(test_long_session_not_late),
		cmocka_unit_test(test_memory_cap),
		cmocka_unit_test(test_out_of_order_within_lateness),
		cmocka_unit_test(test_one_spike_per_bucket),
		cmocka_unit_test(test_duplicate_uid),
		cmocka_unit_test(test_source_list),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_save_restore),
		cmocka_unit_test(test_restore_rejects),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_straddle),
		cmocka_unit_test(test_straddle_floor),
		cmocka_unit_test(test_straddle_tail),
		cmocka_unit_test(test_population_per_destination),
		cmocka_unit_test(test_busy_newcomer),
	};

	log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
