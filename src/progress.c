/*
 * progress.c - the progress line of a replay on a terminal.
 *
 * The line is drawn with a carriage return and cleared with an ANSI
 * erase, so the warnings and the --stats lines that follow start on a
 * clean line.  Sizes are compressed bytes, as the files hold them, so the
 * total is known before reading starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"

struct progress {
	uint64_t	 total;
	double		 started;
	double		 drawn;		/* when last drawn */
	int		 shown;		/* a line is on the screen */
};

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Write bytes as "812 MB" or "3.4 GB" into buf. */
static void
human(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= 1000000000ULL)
		snprintf(buf, len, "%.1f GB", bytes / 1e9);
	else
		snprintf(buf, len, "%.0f MB", bytes / 1e6);
}

/* A progress line for total bytes, or NULL when stderr is no terminal. */
struct progress *
progress_new(uint64_t total)
{
	struct progress	*p;

	if (!isatty(STDERR_FILENO) || total == 0)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->total = total;
	p->started = p->drawn = now();
	return p;
}

/* Redraw the line if half a second has passed since the last time. */
void
progress_update(struct progress *p, uint64_t done)
{
	double	t, rate, left;
	char	a[32], b[32];

	if (p == NULL || (t = now()) - p->drawn < 0.5)
		return;
	p->drawn = t;
	if (done > p->total)
		done = p->total;
	rate = done / (t - p->started);
	left = rate > 0 ? (p->total - done) / rate : 0;
	human(done, a, sizeof a);
	human(p->total, b, sizeof b);
	fprintf(stderr, "\rfanin: %s of %s read (%.0f%%), %.0f MB/s, "
	    "%.0f s left\033[K", a, b, 100.0 * done / p->total, rate / 1e6,
	    left);
	fflush(stderr);
	p->shown = 1;
}

/* Clear the line and free. */
void
progress_done(struct progress *p)
{
	if (p == NULL)
		return;
	if (p->shown)
		fputs("\r\033[K", stderr);
	free(p);
}
