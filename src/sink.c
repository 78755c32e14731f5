/*
 * sink.c - NDJSON lines to a file opened for append, or to stdout.
 *
 * Whoever reads fanin's output (Filebeat, Fluent Bit, Vector, a person
 * with tail -f) reads it while it grows.  Each line therefore goes out in
 * one write() of the line and its newline together: on a file opened with
 * O_APPEND the kernel places that write at the end in one step, so a
 * reader never sees half a line from a normal write, and two lines never
 * interleave.
 *
 * Lines wait in a queue (oldest first) until they are written.  A line
 * that is written only in part keeps its place at the head with the count
 * of bytes already out, and the rest is written next, straight away.  A
 * write that fails because the disk is full, the device failed, the file
 * is at its size limit or a non-blocking reader is slow (ENOSPC, EIO,
 * EDQUOT, EFBIG, EAGAIN, ...) leaves the line queued and reports 1; the
 * next sink_write_line() or sink_flush() tries again from where it
 * stopped, so no line is lost while writing can resume.  The queue has no
 * bound: alerts are few (at most 100 per 15 minutes) and losing one is
 * worse than holding a few kilobytes.  EPIPE means the reader of stdout
 * (or of a FIFO) is gone for good: the sink is then broken and every
 * later call returns -1.  Ignoring SIGPIPE, so that EPIPE arrives at all,
 * is the caller's job, and so is ignoring SIGXFSZ, so that a file size
 * limit is EFBIG rather than a core dump.
 *
 * The path is opened with O_NOFOLLOW: fanin often runs with more rights
 * than the directory it writes into, and a symlink planted at the output
 * path must not redirect its writes onto another file.  Reopening (after
 * logrotate renamed the file, on SIGHUP) opens the path anew before it
 * lets the old descriptor go, so a failed reopen keeps writing to the
 * renamed file instead of losing lines.  A line cut in half by a failed
 * write is finished in the old file if it can be, and otherwise written
 * whole to the new one, so the new file starts on a line boundary.  A
 * line still half written when the sink closes is cut off the end of a
 * regular file, and a file opened that does not end with a newline (a
 * crash in mid-line) gets one first, so a cut line never swallows the
 * next.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "sink.h"
#include "util.h"

/* One line and its newline, and how much of it is already out. */
struct queued_line {
	struct queued_line	*next;
	size_t			 length;	/* bytes, newline included */
	size_t			 written;	/* bytes already written */
	char			 bytes[];
};

struct sink {
	char			*path;		/* as given; "-" is stdout */
	int			 fd;
	bool			 is_stdout;
	bool			 broken;	/* the reader is gone (EPIPE) */
	struct queued_line	*head;		/* oldest, written first */
	struct queued_line	*tail;
	size_t			 pending;	/* lines in the queue */
	char			 error[256];	/* why lines wait, or "" */
};

static volatile sig_atomic_t	*stop_flag;	/* sink_stop_on() */

/* Give up an open that a signal interrupted once *flag is set. */
void
sink_stop_on(volatile sig_atomic_t *flag)
{
	stop_flag = flag;
}

/* The name used in messages: the path, or "stdout". */
static const char *
display_name(const struct sink *sink)
{
	return sink->is_stdout ? "stdout" : sink->path;
}

/*
 * Open path for append, created 0640, never through a symlink, except
 * the system's own names for open descriptors (/dev/stdout, /dev/fd/N),
 * which are symlinks that only root can plant.
 */
static int
open_path(const char *path, char *err, size_t errlen)
{
	int	fd, nofollow = O_NOFOLLOW;

	if (strcmp(path, "/dev/stdout") == 0 ||
	    strcmp(path, "/dev/stderr") == 0 ||
	    strncmp(path, "/dev/fd/", 8) == 0)
		nofollow = 0;
	/* A FIFO waits here for its reader; SIGTERM ends the wait. */
	do {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | nofollow |
		    O_CLOEXEC, 0640);
	} while (fd == -1 && errno == EINTR &&
	    (stop_flag == NULL || !*stop_flag));
	if (fd != -1)
		return fd;

	if (errno == ELOOP || errno == EMLINK)
		snprintf(err, errlen, "%s: is a symbolic link; refusing to "
		    "write through it", path);
	else
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

/*
 * End a regular file that does not end with a newline (a line cut by a
 * crash or a disk that stayed full) with one, so the next line starts on
 * its own and only the cut one is lost.
 */
static void
end_line(int fd, const char *path)
{
	struct stat	st;
	char		last;
	int		rfd;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return;
	/* fd is write-only (O_RDWR would change what a FIFO does). */
	if ((rfd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return;
	if (pread(rfd, &last, 1, st.st_size - 1) == 1 && last != '\n')
		(void)write(fd, "\n", 1);
	close(rfd);
}

/*
 * Cut a half-written head line off the end of a regular file, so the
 * file ends on a line boundary when the rest cannot be written.
 */
static void
cut_partial(struct sink *sink)
{
	struct queued_line	*head = sink->head;
	struct stat		 st;

	if (head == NULL || head->written == 0 || sink->is_stdout ||
	    fstat(sink->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (off_t)head->written > st.st_size)
		return;
	if (ftruncate(sink->fd, st.st_size - (off_t)head->written) == 0)
		head->written = 0;
}

/* See sink.h. */
struct sink *
sink_open(const char *path, char *err, size_t errlen)
{
	struct sink	*sink;
	int		 fd;
	bool		 is_stdout = strcmp(path, "-") == 0;

	if (is_stdout) {
		fd = STDOUT_FILENO;
		if (fcntl(fd, F_GETFD) == -1) {
			snprintf(err, errlen, "stdout: %s", strerror(errno));
			return NULL;
		}
	} else if ((fd = open_path(path, err, errlen)) == -1)
		return NULL;
	else
		end_line(fd, path);

	sink = xcalloc(1, sizeof *sink);
	sink->path = xstrdup(path);
	sink->fd = fd;
	sink->is_stdout = is_stdout;
	return sink;
}

/* Take the head line off the queue and free it. */
static void
pop_line(struct sink *sink)
{
	struct queued_line	*line = sink->head;

	sink->head = line->next;
	if (sink->head == NULL)
		sink->tail = NULL;
	sink->pending--;
	free(line);
}

/*
 * Write the rest of the head line to fd, retrying after a signal and
 * after a partial write.  Returns 0 when the line is out, or the errno of
 * the write that failed (the line's progress is kept).
 */
static int
write_head(struct queued_line *line, int fd)
{
	ssize_t	n;

	while (line->written < line->length) {
		n = write(fd, line->bytes + line->written,
		    line->length - line->written);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno;
		if (n == 0)		/* a device that takes nothing */
			return EIO;
		line->written += (size_t)n;
	}
	return 0;
}

/*
 * Write queued lines, oldest first, until the queue is empty or a write
 * fails; returns as sink_write_line().
 */
static int
drain(struct sink *sink)
{
	int	error;

	if (sink->broken)
		return -1;
	while (sink->head != NULL) {
		error = write_head(sink->head, sink->fd);
		if (error == 0) {
			pop_line(sink);
			continue;
		}
		snprintf(sink->error, sizeof sink->error, "%s: %s",
		    display_name(sink), strerror(error));
		if (error == EPIPE) {
			sink->broken = true;
			return -1;
		}
		return 1;
	}
	sink->error[0] = '\0';
	return 0;
}

/* See sink.h. */
int
sink_write_line(struct sink *sink, const char *text, size_t len)
{
	struct queued_line	*line;

	if (sink->broken)
		return -1;

	line = xmalloc(sizeof *line + len + 1);
	line->next = NULL;
	line->length = len + 1;
	line->written = 0;
	memcpy(line->bytes, text, len);
	line->bytes[len] = '\n';

	if (sink->tail != NULL)
		sink->tail->next = line;
	else
		sink->head = line;
	sink->tail = line;
	sink->pending++;
	return drain(sink);
}

/* See sink.h. */
int
sink_flush(struct sink *sink)
{
	return drain(sink);
}

/* See sink.h. */
int
sink_reopen(struct sink *sink)
{
	struct queued_line	*head = sink->head;
	int			 fd;

	if (sink->is_stdout)
		return 0;
	fd = open_path(sink->path, sink->error, sizeof sink->error);
	if (fd == -1)
		return -1;
	end_line(fd, sink->path);

	/*
	 * Keep the new file on a line boundary: finish a half-written line
	 * in the file where it started, or else write it again whole.
	 */
	if (head != NULL && head->written > 0) {
		if (write_head(head, sink->fd) == 0)
			pop_line(sink);
		else
			head->written = 0;
	}

	close(sink->fd);
	sink->fd = fd;
	sink->broken = false;
	return 0;
}

/* See sink.h. */
size_t
sink_pending(const struct sink *sink)
{
	return sink->pending;
}

/* See sink.h. */
const char *
sink_error(const struct sink *sink)
{
	return sink->error;
}

/* See sink.h. */
const char *
sink_path(const struct sink *sink)
{
	return sink->path;
}

/* See sink.h. */
int
sink_close(struct sink *sink)
{
	useconds_t	wait = 100000;
	int		tries, rc;

	if (sink == NULL)
		return 0;
	/* Last chance for queued lines: a full disk may free up, so try for
	   about six seconds before giving them up (a broken pipe, never). */
	for (tries = 0; (rc = drain(sink)) > 0 && tries < 6; tries++) {
		usleep(wait);
		wait *= 2;
	}
	if (rc != 0) {
		cut_partial(sink);
		log_warn("%s: %zu lines could not be written and are lost "
		    "(%s)", display_name(sink), sink->pending, sink->error);
	}
	while (sink->head != NULL)
		pop_line(sink);
	if (!sink->is_stdout)
		close(sink->fd);
	free(sink->path);
	free(sink);
	return rc == 0 ? 0 : -1;
}
