/*
 * run.c - wiring the stages together.
 *
 * Files are read one after the other in event-time order.  Each flow event
 * goes to the filter; an event that counts goes to the model; a spike the
 * model reports becomes an ECS alert, unless the cap of 100 alerts per
 * epoch-aligned 15 minutes of alert time is reached, in which case it is
 * counted as suppressed.  With --events every flow event is also written,
 * saying whether it counted.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "ecs.h"
#include "filter.h"
#include "input.h"
#include "model.h"
#include "run.h"
#include "sink.h"
#include "stats.h"
#include "util.h"

#define ALERT_CAP		100
#define ALERT_CAP_WINDOW	900.0

/* Alerts written in one 15-minute window of alert time. */
struct cap_window {
	int64_t		 window;
	unsigned	 alerts;
};

/* Everything one run holds. */
struct run_state {
	const struct options	*opts;
	struct filter		 filter;
	struct model		*model;
	struct sink		*alerts;
	struct sink		*events;
	struct run_stats	 stats;
	struct cap_window	*windows;
	size_t			 nwindows;
	int			 output_failed;
};

/* The wall clock, for event.created. */
static double
wall_clock(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/*
 * Take one slot under the alert cap for an alert at time t.  Returns true
 * when the alert may be written.
 */
static bool
cap_take(struct run_state *rs, double t)
{
	int64_t	window = (int64_t)floor(t / ALERT_CAP_WINDOW);
	size_t	i;

	for (i = rs->nwindows; i-- > 0;) {
		if (rs->windows[i].window != window)
			continue;
		if (rs->windows[i].alerts >= ALERT_CAP)
			return false;
		rs->windows[i].alerts++;
		return true;
	}
	rs->windows = xrealloc(rs->windows,
	    (rs->nwindows + 1) * sizeof *rs->windows);
	rs->windows[rs->nwindows].window = window;
	rs->windows[rs->nwindows].alerts = 1;
	rs->nwindows++;
	return true;
}

/* Write one line to a sink, reporting a failure once per episode. */
static void
emit(struct run_state *rs, struct sink *sink, char *line)
{
	int	rc;

	rc = sink_write_line(sink, line, strlen(line));
	free(line);
	if (rc == 0)
		return;
	rs->stats.output_errors++;
	if (rc < 0) {
		if (!rs->output_failed)
			log_error("output=%s cannot be written (%s); stopping",
			    sink_path(sink), sink_error(sink));
		rs->output_failed = 2;
	} else if (!rs->output_failed) {
		log_error("output=%s write failed (%s); lines kept and "
		    "retried", sink_path(sink), sink_error(sink));
		rs->output_failed = 1;
	}
}

/* Turn a spike into an alert, within the cap. */
static void
raise_alert(struct run_state *rs, struct spike *sp)
{
	if (!cap_take(rs, sp->timestamp)) {
		rs->stats.alerts_suppressed++;
		return;
	}
	rs->stats.alerts++;
	emit(rs, rs->alerts, ecs_alert(sp, wall_clock()));
}

/* Take one flow event from an input (input_event_fn). */
static void
on_event(void *arg, struct input_file *f, struct flow_event *ev,
    const struct line *l)
{
	struct run_state	*rs = arg;
	enum filter_verdict	 verdict;
	struct spike		 sp;

	verdict = filter_check(&rs->filter, ev);
	if (verdict != FILTER_NOT_RDP)
		f->stats.rdp_events++;
	switch (verdict) {
	case FILTER_COUNTED:
		f->stats.counted++;
		if (model_add(rs->model, ev, &sp) == 1) {
			raise_alert(rs, &sp);
			spike_clear(&sp);
		}
		break;
	case FILTER_NOT_ESTABLISHED:
		f->stats.not_established++;
		model_observe(rs->model, ev);
		break;
	case FILTER_EXCLUDED_SOURCE:
	case FILTER_EXCLUDED_DESTINATION:
		f->stats.excluded++;
		model_observe(rs->model, ev);
		break;
	case FILTER_NOT_RDP:
		model_observe(rs->model, ev);
		break;
	}
	if (rs->events != NULL)
		emit(rs, rs->events, ecs_event(ev,
		    verdict == FILTER_COUNTED));
}

/* Open the alert and event outputs. */
static int
open_outputs(struct run_state *rs)
{
	char	err[512];

	rs->alerts = sink_open(rs->opts->output, err, sizeof err);
	if (rs->alerts == NULL) {
		log_error("%s", err);
		return -1;
	}
	if (rs->opts->events == NULL)
		return 0;
	rs->events = sink_open(rs->opts->events, err, sizeof err);
	if (rs->events == NULL) {
		log_error("%s", err);
		return -1;
	}
	return 0;
}

/* Build the model's settings from the options. */
static void
model_settings(const struct options *o, struct model_config *mc)
{
	memset(mc, 0, sizeof *mc);
	mc->bucket_span = o->bucket_span;
	mc->threshold = o->threshold;
	mc->min_sources = o->min_sources;
	mc->lateness = o->lateness;
	mc->learning = o->learning;
	mc->max_alert_sources = 100;
}

/* Copy the model's figures into the run's stats. */
static void
collect_model_stats(struct run_state *rs)
{
	struct model_stats	ms;

	model_get_stats(rs->model, &ms);
	rs->stats.late_records = ms.late_records;
	rs->stats.duplicate_connections = ms.duplicate_connections;
	rs->stats.learning_suppressed = ms.learning_suppressed;
	rs->stats.destinations = ms.destinations;
	rs->stats.model_bytes = ms.memory_bytes;
}

/* Read every input in order; returns 1 if any could not be read. */
static int
read_inputs(struct run_state *rs, struct input_file **files, size_t n,
    const struct input_settings *set)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n && rs->output_failed < 2; i++) {
		if (input_read(files[i], set, true, on_event, rs) != 0)
			rc = 1;
		input_close(files[i]);
	}
	return rc;
}

/* Read every input of opts and write alerts; returns the exit status. */
int
run(const struct options *opts)
{
	struct run_state	 rs;
	struct model_config	 mc;
	struct input_settings	 set;
	struct input_file	**files = NULL;
	struct file_stats	**fstats;
	size_t			 nfiles = 0, i;
	int			 rc = 1;

	memset(&rs, 0, sizeof rs);
	rs.opts = opts;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	filter_init(&rs.filter, opts);
	model_settings(opts, &mc);
	rs.model = model_new(&mc);
	memset(&set, 0, sizeof set);
	set.max_line = opts->max_line;
	set.limits.max_json_depth = opts->max_json_depth;
	set.limits.rdp_ports = opts->ports;
	set.limits.rdp_port_count = opts->nports;
	set.limits.every_event = opts->events != NULL;
	if (open_outputs(&rs) != 0)
		goto out;

	nfiles = input_expand(opts->paths, opts->npaths, &files);
	input_order(files, nfiles, &set);
	rc = read_inputs(&rs, files, nfiles, &set);
	if (rs.output_failed)
		rc = 1;

	collect_model_stats(&rs);
	if (opts->stats) {
		fstats = xcalloc(nfiles + 1, sizeof *fstats);
		for (i = 0; i < nfiles; i++)
			fstats[i] = &files[i]->stats;
		stats_print(stderr, fstats, nfiles, &rs.stats);
		free(fstats);
	}
out:
	for (i = 0; i < nfiles; i++)
		input_free(files[i]);
	free(files);
	if (rs.alerts != NULL)
		sink_close(rs.alerts);
	if (rs.events != NULL)
		sink_close(rs.events);
	free(rs.windows);
	model_free(rs.model);
	return rc;
}
