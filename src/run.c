/*
 * run.c - wiring the stages together.
 *
 * Files are read one after the other in event-time order.  Each flow event
 * goes to the filter; an event that counts goes to the model; a spike the
 * model reports becomes an ECS alert, unless the cap of 100 alerts per
 * epoch-aligned 15 minutes of alert time is reached, in which case it is
 * counted as suppressed.  With --events every flow event is also written,
 * saying whether it counted.
 *
 * With --follow the files are watched (follow.c) and read as they grow
 * until SIGTERM or SIGINT; with --state, where reading stands and the
 * model are checkpointed together (state.c), so that a restart goes on
 * from the last checkpoint: every record after it is read again and
 * reaches a model that has not seen it, so each record counts once.
 *
 * Alerts are written exactly once across a crash.  Before an alert is
 * written, a checkpoint is taken that includes the alert itself and
 * reading up to the line that raised it; the model in that checkpoint
 * already holds the bucket as alerted.  A restart from it looks for the
 * alert at the end of the output and writes it only if it is missing.
 * A crash before that checkpoint is complete leaves the previous one,
 * from which the alert is raised afresh; a crash after it finds the
 * alert either written or not, and writes it once.  Event lines
 * (--events) written after the last checkpoint are written again by a
 * restart: at least once.  A checkpoint is taken only while no alert
 * waits in the output's retry queue, so a saved state never claims an
 * alert that is not on disk.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "ecs.h"
#include "filter.h"
#include "follow.h"
#include "input.h"
#include "model.h"
#include "progress.h"
#include "report.h"
#include "run.h"
#include "sink.h"
#include "state.h"
#include "stats.h"
#include "util.h"

#define ALERT_CAP		100
#define ALERT_CAP_WINDOW	900.0
#define CHECKPOINT_SECONDS	5.0
#define IDLE_LOOK_MS		10000
#define OUTPUT_TAIL_BYTES	(1024 * 1024)

/* Set by the signal handlers, read by the loops. */
static volatile sig_atomic_t	stop_requested;
static volatile sig_atomic_t	reopen_requested;

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
	struct report		*report;	/* NULL without --report */
	struct progress		*progress;	/* NULL off a terminal */
	uint64_t		 bytes_done;	/* of the files finished */
	uint64_t		 events_seen;
	struct run_stats	 stats;
	struct cap_window	*windows;
	size_t			 nwindows;
	int			 output_failed;
	struct follow		*follow;
	bool			 dirty;		/* read since the checkpoint */
	double			 last_checkpoint;
	int			 state_failed;
	struct options		*reloaded;	/* options of the last
						   SIGHUP, or NULL */
};

/* The wall clock, for event.created. */
static double
wall_clock(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* A monotonic clock, for checkpoint intervals. */
static double
monotonic(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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

/*
 * After a write failure that lines could wait out: once both outputs
 * have written everything, the episode is over (said, and a new failure
 * is reported again; the run no longer ends with status 1 for it).
 */
static void
recovered(struct run_state *rs)
{
	if (rs->output_failed != 1 ||
	    (rs->alerts != NULL && sink_flush(rs->alerts) != 0) ||
	    (rs->events != NULL && sink_flush(rs->events) != 0))
		return;
	log_warn("outputs written again; no line lost");
	rs->output_failed = 0;
}

/* Write one line to a sink, reporting a failure once per episode. */
static void
emit(struct run_state *rs, struct sink *sink, char *line)
{
	int	rc;

	rc = sink_write_line(sink, line, strlen(line));
	free(line);
	if (rc == 0) {
		recovered(rs);
		return;
	}
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

static int	checkpoint(struct run_state *, const char *pending_alert);

/*
 * Turn a spike into an alert, within the cap.  With a state file, the
 * alert is first saved in a checkpoint (see the top of this file).
 */
static void
raise_alert(struct run_state *rs, struct spike *sp)
{
	char	*line;

	if (!cap_take(rs, sp->timestamp)) {
		rs->stats.alerts_suppressed++;
		return;
	}
	rs->stats.alerts++;
	line = ecs_alert(sp, wall_clock());
	if (rs->opts->state != NULL)
		(void)checkpoint(rs, line);
	emit(rs, rs->alerts, line);
	report_add(rs->report, sp, rs->model);
}

/* Take one flow event from an input (input_event_fn). */
static void
on_event(void *arg, struct input_file *f, struct flow_event *ev,
    const struct line *l)
{
	struct run_state	*rs = arg;
	enum filter_verdict	 verdict;
	struct spike		 sp;
	bool			 late;

	report_observe(rs->report, ev->start);
	if (rs->progress != NULL && (++rs->events_seen & 8191) == 0 &&
	    f->stream != NULL)
		progress_update(rs->progress,
		    rs->bytes_done + stream_offset_in(f->stream));
	verdict = filter_check(&rs->filter, ev);
	if (verdict != FILTER_NOT_RDP)
		f->stats.rdp_events++;
	late = verdict == FILTER_COUNTED && model_late(rs->model, ev);
	/* The event line goes first: an alert's checkpoint follows it. */
	if (rs->events != NULL)
		emit(rs, rs->events, ecs_event(ev,
		    verdict == FILTER_COUNTED && !late));
	switch (verdict) {
	case FILTER_COUNTED:
		if (!late)
			f->stats.counted++;
		else
			f->late_seen++;
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
}

/* Open the alert and event outputs. */
static int
open_outputs(struct run_state *rs)
{
	char	err[512];

	rs->alerts = sink_open(rs->opts->output, err, sizeof err);
	if (rs->alerts == NULL) {
		if (!stop_requested)
			log_error("%s", err);
		return -1;
	}
	if (rs->opts->events == NULL)
		return 0;
	rs->events = sink_open(rs->opts->events, err, sizeof err);
	if (rs->events == NULL) {
		if (!stop_requested)
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
	mc->max_destinations = o->max_destinations;
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
	rs->stats.evicted_destinations = ms.evicted_destinations;
}

/* ---------------------------------------------------------------- */
/* The state file                                                   */
/* ---------------------------------------------------------------- */

/* The run's own part of the state: the cap's windows, an alert. */
static json_t *
run_json(const struct run_state *rs, const char *pending_alert)
{
	json_t	*windows = json_array();
	size_t	 i;

	for (i = 0; i < rs->nwindows; i++)
		json_array_append_new(windows, json_pack("[I, i]",
		    (json_int_t)rs->windows[i].window,
		    (int)rs->windows[i].alerts));
	return json_pack("{s:o, s:s?}", "alert_windows", windows,
	    "pending_alert", pending_alert);
}

/*
 * Save reading positions and the model together, with pending_alert
 * (or NULL) as the alert about to be written.  Skipped while an alert
 * waits to be written.  Returns 0, or -1 when nothing was saved.
 */
static int
checkpoint(struct run_state *rs, const char *pending_alert)
{
	struct state	st;
	char		err[1024];
	int		rc;

	if (rs->opts->state == NULL || rs->follow == NULL)
		return 0;
	if (sink_pending(rs->alerts) > 0)
		return -1;
	memset(&st, 0, sizeof st);
	st.nfiles = follow_snapshot(rs->follow, &st.files);
	st.model = model_save(rs->model);
	st.run = run_json(rs, pending_alert);
	rc = state_save(rs->opts->state, &st, err, sizeof err);
	follow_snapshot_free(st.files, st.nfiles);
	st.files = NULL;
	st.nfiles = 0;
	state_clear(&st);
	if (rc != 0) {
		if (!rs->state_failed)
			log_error("%s; will retry", err);
		rs->state_failed = 1;
		return -1;
	}
	if (rs->state_failed)
		log_warn("state=%s saved again", rs->opts->state);
	rs->state_failed = 0;
	rs->dirty = false;
	rs->last_checkpoint = monotonic();
	return 0;
}

/* Checkpoint before a file that is gone is let go (follow_release_fn). */
static void
on_release(void *arg)
{
	(void)checkpoint(arg, NULL);
}

/* Whether the len bytes of needle occur in the n bytes of hay. */
static bool
contains(const char *hay, size_t n, const char *needle, size_t len)
{
	const char	*p = hay, *end = hay + n;

	while (len > 0 && (size_t)(end - p) >= len &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - len + 1)) != NULL) {
		if (memcmp(p, needle, len) == 0)
			return true;
		p++;
	}
	return false;
}

/* Whether line is among the last bytes of the file at path. */
static bool
output_holds(const char *path, const char *line)
{
	struct stat	 st;
	char		*buf;
	size_t		 len = strlen(line);
	off_t		 from;
	ssize_t		 n;
	bool		 found = false;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	if (fstat(fd, &st) == 0) {
		from = st.st_size > OUTPUT_TAIL_BYTES ?
		    st.st_size - OUTPUT_TAIL_BYTES : 0;
		buf = xmalloc(OUTPUT_TAIL_BYTES + 1);
		n = pread(fd, buf, OUTPUT_TAIL_BYTES, from);
		found = n > 0 && contains(buf, (size_t)n, line, len);
		free(buf);
	}
	close(fd);
	return found;
}

/* Restore the run's part of the state; write an alert lost in a crash. */
static void
restore_run(struct run_state *rs, const json_t *run)
{
	const json_t	*windows, *w;
	const char	*pending;
	size_t		 i;

	windows = json_object_get(run, "alert_windows");
	for (i = 0; i < json_array_size(windows); i++) {
		w = json_array_get(windows, i);
		rs->windows = xrealloc(rs->windows,
		    (rs->nwindows + 1) * sizeof *rs->windows);
		rs->windows[rs->nwindows].window =
		    json_integer_value(json_array_get(w, 0));
		rs->windows[rs->nwindows].alerts =
		    (unsigned)json_integer_value(json_array_get(w, 1));
		rs->nwindows++;
	}
	pending = json_string_value(json_object_get(run, "pending_alert"));
	if (pending == NULL)
		return;
	if (strcmp(rs->opts->output, "-") != 0 &&
	    output_holds(rs->opts->output, pending))
		return;
	log_warn("output=%s lacks the alert saved just before the last stop; "
	    "written now", rs->opts->output);
	emit(rs, rs->alerts, xstrdup(pending));
}

/*
 * 0 when a file can be made in the directory that holds path (where the
 * state's or the report's temporary file goes), else -1 with errno set.
 */
static int
state_dir_writable(const char *path)
{
	char	*dir = path_directory(path);
	int	 rc;

	rc = access(dir, W_OK | X_OK);
	free(dir);
	return rc;
}

/*
 * True (said) when a file fanin would write is an existing Zeek or
 * Suricata log, found in a directory being read or anywhere else:
 * appending alerts to it, or renaming a report over it, would destroy a
 * log.  A usage error, before anything is written.
 */
static bool
outputs_name_logs(const struct options *o)
{
	const char	*path[OPTIONS_WRITTEN];
	struct stat	 st;
	size_t		 i;

	options_written(o, path);
	for (i = 0; i < OPTIONS_WRITTEN; i++) {
		if (path[i] == NULL || strcmp(path[i], "-") == 0 ||
		    stat(path[i], &st) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_size == 0 || !input_looks_like_log(path[i]))
			continue;
		log_error("%s names '%s', which is a Zeek or Suricata log; "
		    "fanin would write over it (give another path)",
		    options_written_names[i], path[i]);
		return true;
	}
	return false;
}

/*
 * Check before reading that the report can be written at the end: its
 * directory takes a new file, and the path is not a symlink, device or
 * pipe, which renaming the page into place would replace (a report at
 * /dev/stdout would remove that link).  Returns 0, or -1 (reported).
 */
static int
check_report_path(const char *path)
{
	struct stat	st;

	if (path == NULL)
		return 0;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		log_error("report=%s is not a regular file; refused, since "
		    "the page is renamed into place and would replace it "
		    "(give a file path)", path);
		return -1;
	}
	if (state_dir_writable(path) != 0) {
		log_error("report=%s cannot be written there (%s); not "
		    "starting", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Read the state file, if any, into the model and the run.  Returns 0,
 * or -1 (reported) when it cannot be used.  *out keeps the file entries.
 */
static int
restore(struct run_state *rs, struct state *out)
{
	char		 err[1024];
	const char	*cause;
	int		 rc;

	memset(out, 0, sizeof *out);
	if (rs->opts->state == NULL)
		return 0;
	if (state_dir_writable(rs->opts->state) != 0) {
		log_error("state=%s cannot be written there (%s); not "
		    "starting, since no checkpoint could be kept",
		    rs->opts->state, strerror(errno));
		return -1;
	}
	rc = state_load(rs->opts->state, out, err, sizeof err);
	if (rc < 0) {
		log_error("%s; not starting (move the file away to start "
		    "afresh)", err);
		return -1;
	}
	if (rc == 1)
		return 0;
	if (out->model != NULL &&
	    model_restore(rs->model, out->model, &cause) != 0) {
		log_error("state=%s model refused: %s; not starting (move the "
		    "file away to start afresh)", rs->opts->state, cause);
		return -1;
	}
	if (out->run != NULL)
		restore_run(rs, out->run);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Signals                                                          */
/* ---------------------------------------------------------------- */

/* SIGTERM, SIGINT: stop after the line in hand. */
static void
on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* SIGHUP: reopen the outputs at the next chance. */
static void
on_hup_signal(int sig)
{
	(void)sig;
	reopen_requested = 1;
}

/* Install the handlers, without SA_RESTART so a wait ends at once. */
static void
install_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup_signal;
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * Parse the command line again as it was given (Linux keeps it in
 * /proc/self/cmdline), so the config file's exclusions are reread.
 * Returns new options, or NULL when that is not possible.
 */
static struct options *
parse_again(void)
{
	struct options	*o;
	char		*buf = NULL, **argv = NULL, err[512];
	size_t		 len = 0, size = 0, argc = 0, i;
	ssize_t		 n;
	int		 fd;

	if ((fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	do {
		if (len + 4096 > size)
			buf = xrealloc(buf, size += 65536);
		n = read(fd, buf + len, size - len - 1);
		len += n > 0 ? (size_t)n : 0;
	} while (n > 0);
	close(fd);
	buf[len] = '\0';
	for (i = 0; i < len; i += strlen(buf + i) + 1) {
		argv = xrealloc(argv, (argc + 2) * sizeof *argv);
		argv[argc++] = buf + i;
	}
	o = xcalloc(1, sizeof *o);
	if (argc == 0 || options_parse(o, (int)argc, argv, err,
	    sizeof err) != 0) {
		log_warn("config not reloaded on SIGHUP (%s); the exclusions "
		    "in force stay", argc == 0 ? "no command line" : err);
		options_free(o);
		free(o);
		o = NULL;
	}
	free(argv);
	free(buf);
	return o;
}

/* SIGHUP: reopen the outputs, reload the exclusions. */
static void
reopen(struct run_state *rs)
{
	struct options	*o;

	reopen_requested = 0;
	if (sink_reopen(rs->alerts) != 0)
		log_error("output=%s cannot be reopened (%s); writing on to "
		    "the old file", sink_path(rs->alerts),
		    sink_error(rs->alerts));
	if (rs->events != NULL && sink_reopen(rs->events) != 0)
		log_error("events=%s cannot be reopened (%s); writing on to "
		    "the old file", sink_path(rs->events),
		    sink_error(rs->events));
	/*
	 * The last alert is in the old file now: a checkpoint says so, or a
	 * crash before the next one would find the new file without it and
	 * write it again.
	 */
	if (sink_pending(rs->alerts) == 0)
		(void)checkpoint(rs, NULL);
	if ((o = parse_again()) == NULL)
		return;
	filter_init(&rs->filter, o);
	if (rs->reloaded != NULL) {
		options_free(rs->reloaded);
		free(rs->reloaded);
	}
	rs->reloaded = o;
	log_warn("SIGHUP: outputs reopened, exclusions reloaded");
}

/* ---------------------------------------------------------------- */
/* Reading                                                          */
/* ---------------------------------------------------------------- */

/*
 * A file a replay has read: its first record, whether it was a log (one
 * that was not is nobody's copy), and how far it got.
 */
struct replayed {
	bool				 have;
	bool				 log;
	struct follow_fingerprint	 fp;
	uint64_t			 reached;
	uint64_t			 header_offset;
};

/*
 * XXH64 of the first len decompressed bytes of path (fewer when the file
 * holds fewer) into *hash; returns how many bytes were hashed, or -1
 * when the file cannot be read.
 */
static int64_t
prefix_hash(const char *path, uint64_t len, uint64_t *hash)
{
	static char	 buf[64 * 1024];
	XXH64_state_t	*state;
	struct stream	*st;
	char		 err[256];
	uint64_t	 done = 0;
	ssize_t		 n;

	if ((st = stream_open(path, err, sizeof err)) == NULL)
		return -1;
	if ((state = XXH64_createState()) == NULL) {
		stream_close(st);
		return -1;
	}
	(void)XXH64_reset(state, 0);
	while (done < len && (n = stream_read(st, buf, sizeof buf)) > 0) {
		if ((uint64_t)n > len - done)
			n = (ssize_t)(len - done);
		(void)XXH64_update(state, buf, (size_t)n);
		done += (uint64_t)n;
	}
	stream_close(st);
	*hash = XXH64_digest(state);
	XXH64_freeState(state);
	return (int64_t)done;
}

/*
 * How far file b repeats file a, which was read up to len: len when b
 * begins with those bytes, b's whole length when all of b is a prefix of
 * them (a shorter, earlier copy), else 0.
 */
static uint64_t
repeated_prefix(const char *a, const char *b, uint64_t len)
{
	uint64_t	ha, hb;
	int64_t		nb;

	if ((nb = prefix_hash(b, len, &hb)) <= 0)
		return 0;
	if (prefix_hash(a, (uint64_t)nb, &ha) != nb || ha != hb)
		return 0;
	return (uint64_t)nb;
}

/*
 * Before files[i] is read: fingerprint it, and when a file read before
 * it has the same first record and the same bytes up to where that one
 * got to (a live file and its rotated, perhaps compressed, copy both
 * given), start it there, so no record is read twice; one that is all a
 * prefix of what was read (an earlier, shorter copy) is read no further.
 * Files that only share a first record (test outputs with masked times)
 * are read whole.
 */
static void
skip_copy(struct input_file **files, struct replayed *seen, size_t i)
{
	struct input_file	*f = files[i];
	struct stat		 st;
	uint64_t		 best = 0, got;
	size_t			 j, from = 0;
	int			 fd;

	/* A FIFO is never opened here: its data would be lost. */
	if (f->is_stdin || stat(f->path, &st) == -1 || !S_ISREG(st.st_mode))
		return;
	if ((fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    follow_fingerprint(fd, f->path, &seen[i].fp) == 1 &&
	    seen[i].fp.len > 0)
		seen[i].have = true;
	close(fd);
	for (j = 0; seen[i].have && j < i; j++) {
		if (!seen[j].have || !seen[j].log ||
		    seen[j].fp.hash != seen[i].fp.hash ||
		    seen[j].reached <= best)
			continue;
		if ((got = repeated_prefix(files[j]->path, f->path,
		    seen[j].reached)) > best) {
			best = got;
			from = j;
		}
	}
	if (best == 0)
		return;
	log_warn("file=%s holds the records of file=%s (same first record); "
	    "continuing at offset=%llu, nothing read twice", f->path,
	    files[from]->path, (unsigned long long)best);
	f->resume_offset = best;
	f->header_offset = seen[from].header_offset;
}

/*
 * Leave out of a replay the files fanin writes itself, found in a
 * directory given as input (the alerts of an earlier run beside the
 * logs, say).  Returns the number of files left.
 */
static size_t
drop_written(const struct options *o, struct input_file **files, size_t n)
{
	const char	*path[OPTIONS_WRITTEN];
	struct stat	 out[OPTIONS_WRITTEN], st;
	bool		 have[OPTIONS_WRITTEN], drop;
	size_t		 i, j, kept = 0;

	options_written(o, path);
	for (j = 0; j < OPTIONS_WRITTEN; j++)
		have[j] = path[j] != NULL && stat(path[j], &out[j]) == 0 &&
		    S_ISREG(out[j].st_mode);
	for (i = 0; i < n; i++) {
		drop = false;
		if (!files[i]->is_stdin && stat(files[i]->path, &st) == 0)
			for (j = 0; j < OPTIONS_WRITTEN && !drop; j++)
				drop = have[j] &&
				    out[j].st_dev == st.st_dev &&
				    out[j].st_ino == st.st_ino;
		if (drop) {
			log_debug("file=%s is an output of this run; not read",
			    files[i]->path);
			input_free(files[i]);
			continue;
		}
		files[kept++] = files[i];
	}
	return kept;
}

/*
 * Say when every RDP record of a file came too late to count: it was read
 * after newer input (stdin, which a replay reads first, or a file whose
 * first record is older than the rest of it).
 */
static void
warn_all_late(const struct input_file *f)
{
	if (f->late_seen == 0 || f->stats.counted > 0)
		return;
	log_warn("file=%s all %llu of its RDP records are older than "
	    "--lateness allows after what was read before it (stdin is read "
	    "first); counted in late_records, not merged", f->path,
	    (unsigned long long)f->late_seen);
}

/* Read every input in order; returns 1 if any could not be read. */
static int
read_inputs(struct run_state *rs, struct input_file **files, size_t n,
    const struct input_settings *set)
{
	struct stat	 st;
	struct replayed	*seen;
	uint64_t	 total = 0;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < n; i++)
		if (!files[i]->is_stdin && stat(files[i]->path, &st) == 0 &&
		    S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	rs->progress = progress_new(total);
	seen = xcalloc(n + 1, sizeof *seen);
	for (i = 0; i < n && rs->output_failed < 2; i++) {
		skip_copy(files, seen, i);
		if (input_read(files[i], set, true, on_event, rs) != 0)
			rc = 1;
		warn_all_late(files[i]);
		seen[i].reached = input_offset(files[i]);
		seen[i].log = !files[i]->stats.unrecognised &&
		    !files[i]->stats.unreadable &&
		    files[i]->stats.events > 0;
		seen[i].header_offset = files[i]->header_offset;
		rs->bytes_done += files[i]->stats.bytes_read;
		input_close(files[i]);
	}
	free(seen);
	progress_done(rs->progress);
	rs->progress = NULL;
	return rc;
}

/*
 * Watch the inputs (--follow) or read them once with a state file,
 * checkpointing as it goes.  Returns the exit status of the reading.
 */
static int
watch_inputs(struct run_state *rs, const struct input_settings *set,
    const struct state *saved)
{
	const char	 *ignore[OPTIONS_WRITTEN];
	char		**paths;
	bool		  progress;
	double		  wait;
	size_t		  i, npaths = 0;
	int		  rc = 0;

	options_written(rs->opts, ignore);
	/* stdin has no offsets to keep: read_stdin() read it already. */
	paths = xcalloc(rs->opts->npaths + 1, sizeof *paths);
	for (i = 0; i < rs->opts->npaths; i++)
		if (strcmp(rs->opts->paths[i], "-") != 0)
			paths[npaths++] = rs->opts->paths[i];
	rs->follow = follow_new(paths, npaths, set, rs->opts->follow,
	    saved->files, saved->nfiles, ignore, OPTIONS_WRITTEN);
	free(paths);
	rs->last_checkpoint = monotonic();
	for (;;) {
		rc |= follow_scan(rs->follow, on_event, rs, on_release,
		    &progress);
		if (progress)
			rs->dirty = true;
		if (sink_pending(rs->alerts) > 0)
			(void)sink_flush(rs->alerts);
		recovered(rs);
		if (stop_requested || rs->output_failed >= 2 ||
		    !rs->opts->follow)
			break;
		if (reopen_requested)
			reopen(rs);
		wait = CHECKPOINT_SECONDS - (monotonic() - rs->last_checkpoint);
		if (rs->dirty && wait <= 0) {
			(void)checkpoint(rs, NULL);
			wait = CHECKPOINT_SECONDS;
		}
		follow_wait(rs->follow, rs->dirty ? (int)(wait * 1000) + 1 :
		    IDLE_LOOK_MS);
	}
	(void)checkpoint(rs, NULL);
	return stop_requested && rs->opts->follow ? 0 : rc;
}

/*
 * With --state and no --follow, read stdin ("-") whole before the files,
 * as a replay reads it first: its records reach the model, which the
 * state then keeps, though stdin itself cannot be resumed.  Returns the
 * file read (for --stats), or NULL when "-" is not an input.
 */
static struct input_file *
read_stdin(struct run_state *rs, const struct input_settings *set, int *rc)
{
	struct input_file	*in;
	size_t			 i;

	for (i = 0; i < rs->opts->npaths; i++)
		if (strcmp(rs->opts->paths[i], "-") == 0)
			break;
	if (i == rs->opts->npaths)
		return NULL;
	in = input_new("-");
	if (input_read(in, set, true, on_event, rs) != 0)
		*rc = 1;
	input_close(in);
	rs->dirty = true;
	return in;
}

/* Print --stats for the files read. */
static void
print_stats(struct run_state *rs, struct input_file **files, size_t n)
{
	struct file_stats	**fstats;
	size_t			  i;

	collect_model_stats(rs);
	fstats = xcalloc(n + 1, sizeof *fstats);
	for (i = 0; i < n; i++)
		fstats[i] = &files[i]->stats;
	stats_print(stderr, fstats, n, &rs->stats);
	free(fstats);
}

/* Write the --report page, if asked for; -1 when it cannot be written. */
static int
write_report(struct run_state *rs)
{
	char	err[512];

	if (rs->report == NULL)
		return 0;
	if (report_write(rs->report, rs->opts->report, err, sizeof err) == 0)
		return 0;
	log_error("%s", err);
	return -1;
}

/* Read every input of opts and write alerts; returns the exit status. */
int
run(const struct options *opts)
{
	struct run_state	 rs;
	struct model_config	 mc;
	struct input_settings	 set;
	struct input_file	**files = NULL, **all, *piped = NULL;
	struct state		 saved;
	size_t			 nfiles = 0, i;
	int			 rc = 1;
	bool			 lost;

	memset(&rs, 0, sizeof rs);
	memset(&saved, 0, sizeof saved);
	rs.opts = opts;
	stop_requested = 0;
	reopen_requested = 0;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	install_signals();
	filter_init(&rs.filter, opts);
	model_settings(opts, &mc);
	rs.model = model_new(&mc);
	rs.report = opts->report != NULL ? report_new() : NULL;
	memset(&set, 0, sizeof set);
	set.max_line = opts->max_line;
	set.max_ahead = opts->max_ahead;
	set.limits.max_json_depth = opts->max_json_depth;
	set.limits.rdp_ports = opts->ports;
	set.limits.rdp_port_count = opts->nports;
	set.limits.every_event = opts->events != NULL;
	set.stop = &stop_requested;
	stream_stop_on(&stop_requested);
	sink_stop_on(&stop_requested);
	if (outputs_name_logs(opts)) {
		rc = 2;
		goto out;
	}
	if (check_report_path(opts->report) != 0)
		goto out;
	if (open_outputs(&rs) != 0 || restore(&rs, &saved) != 0) {
		/* SIGTERM while an output FIFO waited for its reader. */
		if (stop_requested)
			rc = 0;
		goto out;
	}

	if (opts->follow || opts->state != NULL) {
		rc = 0;
		if (!opts->follow)
			piped = read_stdin(&rs, &set, &rc);
		rc |= watch_inputs(&rs, &set, &saved);
		nfiles = follow_files(rs.follow, &files);
	} else {
		nfiles = input_expand(opts->paths, opts->npaths, &files);
		nfiles = drop_written(opts, files, nfiles);
		input_order(files, nfiles, &set);
		rc = read_inputs(&rs, files, nfiles, &set);
	}
	if (rs.output_failed >= 2 || rs.state_failed)
		rc = 1;
	if (write_report(&rs) != 0)
		rc = 1;
	if (opts->stats && piped != NULL) {
		all = xcalloc(nfiles + 1, sizeof *all);
		all[0] = piped;
		memcpy(all + 1, files, nfiles * sizeof *files);
		print_stats(&rs, all, nfiles + 1);
		free(all);
	} else if (opts->stats)
		print_stats(&rs, files, nfiles);
out:
	if (rs.follow != NULL)
		follow_free(rs.follow);
	else {
		for (i = 0; i < nfiles; i++)
			input_free(files[i]);
		free(files);
	}
	state_clear(&saved);
	input_free(piped);
	/* Lines a full disk kept waiting get their last chance in
	   sink_close(); the run failed only if some are lost. */
	lost = sink_close(rs.alerts) != 0;
	lost |= sink_close(rs.events) != 0;
	if (lost)
		rc = 1;
	else if (rs.output_failed == 1)
		log_warn("outputs written again; no line lost");
	if (rs.reloaded != NULL) {
		options_free(rs.reloaded);
		free(rs.reloaded);
	}
	free(rs.windows);
	report_free(rs.report);
	model_free(rs.model);
	return rc;
}
