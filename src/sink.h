/*
 * sink.h - where NDJSON lines go: a file opened for append, or stdout.
 *
 * Each line is written with one write() so that a reader (a shipper
 * tailing the file) never sees half a line from fanin.  A write that fails
 * (ENOSPC, EIO) keeps its line queued; the next write or flush tries again,
 * so no line is lost while writing can resume.  A closed reader on stdout
 * (EPIPE) is reported as final.
 */
#ifndef FANIN_SINK_H
#define FANIN_SINK_H

#include <signal.h>
#include <stddef.h>

struct sink;

/*
 * Open path for append ("-" for stdout), created with mode 0640 and
 * never through a symlink.  Returns NULL with a message in err.
 */
struct sink	*sink_open(const char *path, char *err, size_t errlen);

/*
 * Queue one line (without newline) and write what is queued.  Returns 0
 * when everything queued is written, 1 when lines wait for a retry (the
 * cause in sink_error()), -1 when the sink can never be written again
 * (stdout reader gone).
 */
int		 sink_write_line(struct sink *, const char *line, size_t len);

/* Try again to write queued lines; returns as sink_write_line(). */
int		 sink_flush(struct sink *);

/* Reopen the same path (after logrotate renamed the file).  0 or -1. */
int		 sink_reopen(struct sink *);

/* Lines waiting to be written. */
size_t		 sink_pending(const struct sink *);

/* The last error, or "". */
const char	*sink_error(const struct sink *);

/* The path given at open ("-" for stdout). */
const char	*sink_path(const struct sink *);

/*
 * Give up an open of an output (a FIFO waiting for its reader) that a
 * signal interrupted when *flag is non-zero then.
 */
void		 sink_stop_on(volatile sig_atomic_t *flag);

/*
 * Flush what can be written (a full disk gets a few seconds), close,
 * free.  Returns 0 when every line was written, -1 when some are lost.
 */
int		 sink_close(struct sink *);

#endif
