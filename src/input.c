/*
 * input.c - expanding paths, ordering files by event time, and the read
 * loop from file bytes to flow events.
 *
 * The read loop is the same for a replay and a live file: take what the
 * stream has now, frame it into lines, decode each line.  It ends when the
 * stream has nothing more now.  What that means depends on the caller: for
 * a finished file it is the end, and a compressed frame left open is a
 * truncation; for a followed file it is only "wait for more bytes".
 *
 * A file can be entered in the middle, where a previous run or a copy of
 * the same file stopped (resume_offset).  A plain file is entered by
 * seeking; a compressed one by decoding from the start and skipping the
 * lines before the offset.  Either way the decoder must first see the
 * Zeek header block in force there, or a TSV row could not be read: a
 * seek is preceded by reading the header block at header_offset, and the
 * skipped lines of a compressed file still pass their '#' lines to the
 * decoder.
 */
#define _GNU_SOURCE		/* memmem */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "input.h"
#include "util.h"

#define READ_CHUNK		(128 * 1024)
#define PROBE_LIMIT		(8 * 1024 * 1024)
#define WARNINGS_PER_FILE	5
#define HEADER_LIMIT		(64 * 1024)

struct walk_dir;
static void	walk(const char *, int, const struct walk_dir *, input_dir_fn,
		    input_file_fn, void *);

/* A growing list of files. */
struct file_list {
	struct input_file	**items;
	size_t			  count;
	size_t			  size;
};

/* Make a file entry for path. */
static struct input_file *
file_new(const char *path, const struct stat *st)
{
	struct input_file	*f = xcalloc(1, sizeof *f);

	f->path = xstrdup(path);
	f->stats.path = f->path;
	f->is_stdin = strcmp(path, "-") == 0;
	f->first_time = f->is_stdin ? -INFINITY : INFINITY;
	f->fd = -1;
	f->header_offset = INPUT_NO_HEADER;
	if (st != NULL) {
		f->dev = st->st_dev;
		f->ino = st->st_ino;
	}
	return f;
}

/* A new file entry for path, not yet opened. */
struct input_file *
input_new(const char *path)
{
	return file_new(path, NULL);
}

/* Append a file unless the same file (device and inode) is there. */
static void
list_add(struct file_list *list, const char *path, const struct stat *st)
{
	size_t	i;

	if (st != NULL) {
		for (i = 0; i < list->count; i++) {
			if (list->items[i]->dev == st->st_dev &&
			    list->items[i]->ino == st->st_ino &&
			    !list->items[i]->is_stdin)
				return;
		}
	}
	if (list->count == list->size) {
		list->size = list->size ? list->size * 2 : 16;
		list->items = xrealloc(list->items,
		    list->size * sizeof *list->items);
	}
	list->items[list->count++] = file_new(path, st);
}

/* Compare two names for qsort. */
static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory being walked, and the one that led to it. */
struct walk_dir {
	dev_t			 dev;
	ino_t			 ino;
	const struct walk_dir	*parent;
};

/* True when st is dir itself or one of the directories above it. */
static bool
walk_above(const struct walk_dir *dir, const struct stat *st)
{
	for (; dir != NULL; dir = dir->parent)
		if (dir->dev == st->st_dev && dir->ino == st->st_ino)
			return true;
	return false;
}

/*
 * Walk dir in name order, recursively: on_dir for each directory (dir
 * itself first), on_file for each regular file.  Symlinks are followed,
 * to files and to directories (zeekctl's logs/current is a link to
 * spool/logger), except a link to a directory the walk is already in,
 * which would loop: that one is passed over without a word, as every
 * rescan would repeat it.
 */
void
input_walk(const char *dir, input_dir_fn on_dir, input_file_fn on_file,
    void *arg)
{
	walk(dir, 0, NULL, on_dir, on_file, arg);
}

/* input_walk() at a depth, which stops runaway nesting. */
static void
walk(const char *dir, int depth, const struct walk_dir *parent,
    input_dir_fn on_dir, input_file_fn on_file, void *arg)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	struct walk_dir	 self;
	char		**names = NULL, *path;
	size_t		 n = 0, i;

	if (stat(dir, &st) == 0) {
		self.dev = st.st_dev;
		self.ino = st.st_ino;
	} else
		self.dev = self.ino = 0;
	self.parent = parent;
	if (depth > 32 || (d = opendir(dir)) == NULL) {
		log_error("file=%s cannot list directory: %s; skipped", dir,
		    depth > 32 ? "nested too deep" : strerror(errno));
		on_file(arg, dir, NULL);
		return;
	}
	if (on_dir != NULL)
		on_dir(arg, dir);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, compare_names);
	for (i = 0; i < n; i++) {
		path = xmalloc(strlen(dir) + strlen(names[i]) + 2);
		sprintf(path, "%s%s%s", dir,
		    dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		if (stat(path, &st) != 0)
			;
		else if (S_ISDIR(st.st_mode) && !walk_above(&self, &st))
			walk(path, depth + 1, &self, on_dir, on_file, arg);
		else if (S_ISREG(st.st_mode))
			on_file(arg, path, &st);
		free(path);
		free(names[i]);
	}
	free(names);
}

/*
 * Add a file found by input_walk() to the list (input_file_fn); a
 * directory that could not be listed (st NULL) is added as unreadable,
 * already reported.
 */
static void
walk_add(void *arg, const char *path, const struct stat *st)
{
	struct file_list	*list = arg;

	list_add(list, path, st);
	if (st == NULL) {
		list->items[list->count - 1]->stats.unreadable = 1;
		list->items[list->count - 1]->done = true;
	}
}

/* Expand the command line's paths into files. */
size_t
input_expand(char *const *paths, size_t npaths, struct input_file ***out)
{
	struct file_list	list = { NULL, 0, 0 };
	struct stat		st;
	size_t			i;

	for (i = 0; i < npaths; i++) {
		if (strcmp(paths[i], "-") == 0)
			list_add(&list, paths[i], NULL);
		else if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			input_walk(paths[i], NULL, walk_add, &list);
		else if (stat(paths[i], &st) == 0)
			list_add(&list, paths[i], &st);
		else
			list_add(&list, paths[i], NULL);
	}
	*out = list.items;
	return list.count;
}

/* See input.h. */
bool
input_looks_like_log(const char *path)
{
	static const char *const	 marks[] = { "#separator", "#fields",
					     "\"event_type\"", "\"id.orig_h\"",
					     "\"id_orig_h\"", "\"orig_h\"" };
	static char			 buf[16384];
	struct stream			*st;
	char				 err[256];
	ssize_t				 n, got = 0;
	size_t				 i;

	if ((st = stream_open(path, err, sizeof err)) == NULL)
		return false;
	while (got < (ssize_t)sizeof buf - 1 &&
	    (n = stream_read(st, buf + got, sizeof buf - 1 - got)) > 0)
		got += n;
	stream_close(st);
	buf[got > 0 ? got : 0] = '\0';
	for (i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (memmem(buf, (size_t)(got > 0 ? got : 0), marks[i],
		    strlen(marks[i])) != NULL)
			return true;
	return false;
}

/* True when the first bytes of fd announce gzip or zstd. */
static bool
is_compressed(int fd)
{
	unsigned char	b[4];

	if (pread(fd, b, sizeof b, 0) != (ssize_t)sizeof b)
		return false;
	if (b[0] == 0x1f && b[1] == 0x8b)
		return true;
	if (b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return true;
	return (b[0] & 0xf0) == 0x50 && b[1] == 0x2a && b[2] == 0x4d &&
	    b[3] == 0x18;
}

/*
 * Give the decoder the Zeek header block that starts at header_offset of
 * a plain file: its '#' lines, up to the first line that is not one.
 */
static void
read_header_block(struct input_file *f, int fd)
{
	char		*buf = xmalloc(HEADER_LIMIT), *p, *nl, *end;
	struct flow_event ev;
	const char	*reason;
	ssize_t		 n;

	n = pread(fd, buf, HEADER_LIMIT, (off_t)f->header_offset);
	end = buf + (n > 0 ? n : 0);
	for (p = buf; p < end && *p == '#'; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		(void)record_decode(f->decoder, p, (size_t)(nl - p), &ev,
		    &reason);
	}
	free(buf);
}

/*
 * Prepare to enter the file at resume_offset: seek a plain file there
 * after its header block, or skip a compressed file's lines up to it.
 */
static void
enter_at_offset(struct input_file *f, int fd)
{
	f->base = 0;
	f->skip_until = 0;
	if (f->resume_offset == 0)
		return;
	if (is_compressed(fd) || f->reach_by_reading) {
		f->reach_by_reading = false;
		f->skip_until = f->resume_offset;
		return;
	}
	if (f->header_offset != INPUT_NO_HEADER &&
	    f->header_offset < f->resume_offset)
		read_header_block(f, fd);
	if (lseek(fd, (off_t)f->resume_offset, SEEK_SET) == -1) {
		log_warn("file=%s cannot seek to offset=%llu (%s); reading "
		    "from the start", f->path,
		    (unsigned long long)f->resume_offset, strerror(errno));
		(void)lseek(fd, 0, SEEK_SET);
		f->skip_until = f->resume_offset;
		return;
	}
	f->base = f->resume_offset;
}

/* The offset just past the last newline before at, or 0. */
static uint64_t
line_start_before(int fd, uint64_t at)
{
	char		buf[4096];
	uint64_t	start;
	size_t		n, i;

	while (at > 0) {
		n = at < sizeof buf ? (size_t)at : sizeof buf;
		start = at - n;
		if (pread(fd, buf, n, (off_t)start) != (ssize_t)n)
			return 0;
		for (i = n; i > 0; i--)
			if (buf[i - 1] == '\n')
				return start + i;
		at = start;
	}
	return 0;
}

/* See input.h. */
uint64_t
input_resume_from_copy(struct input_file *f, int fd, uint64_t offset,
    uint64_t header_offset)
{
	struct stat	st;
	uint64_t	at;

	f->resume_offset = offset;
	f->header_offset = header_offset;
	f->reach_by_reading = false;
	if (offset == 0 || is_compressed(fd) || fstat(fd, &st) != 0)
		return offset;
	/*
	 * Shorter than the copy's offset: a copy still being written (cp
	 * in a copytruncate) waits to reach it, unless this file ends just
	 * where the copy's last header block began: its #close is all this
	 * file lacks.
	 */
	if (offset > (uint64_t)st.st_size &&
	    header_offset != (uint64_t)st.st_size)
		return offset;
	at = offset < (uint64_t)st.st_size ? offset : (uint64_t)st.st_size;
	at = line_start_before(fd, at);
	if (at == offset && (header_offset == INPUT_NO_HEADER ||
	    header_offset < offset))
		return offset;
	f->resume_offset = at;
	f->header_offset = INPUT_NO_HEADER;
	f->reach_by_reading = at > 0;
	return at;
}

/* Open the file's stream and decoders if they are not open. */
static int
file_open(struct input_file *f, const struct input_settings *set)
{
	char		 err[512];
	struct stat	 st;

	if (f->stream != NULL)
		return 0;
	f->lines = line_reader_new(set->max_line);
	f->decoder = record_decoder_new(&set->limits);
	f->max_ahead = set->max_ahead;
	f->in_header = false;
	if (f->fd >= 0) {
		enter_at_offset(f, f->fd);
		f->stream = stream_fdopen(f->fd, f->path, err, sizeof err);
		f->fd = -1;
	} else {
		f->stream = stream_open(f->path, err, sizeof err);
		if (f->stream != NULL && !f->is_stdin)
			enter_at_offset(f, stream_fd(f->stream));
	}
	if (f->stream == NULL) {
		/* SIGTERM ended a wait for a FIFO's writer: no failure. */
		if (errno == EINTR && set->stop != NULL && *set->stop)
			log_debug("%s; stopping", err);
		else {
			log_error("%s; the other inputs go on", err);
			f->stats.unreadable = 1;
		}
		f->done = true;
		line_reader_free(f->lines);
		record_decoder_free(f->decoder);
		f->lines = NULL;
		f->decoder = NULL;
		return -1;
	}
	if (fstat(stream_fd(f->stream), &st) == 0) {
		f->is_stream = !S_ISREG(st.st_mode);
		if (!f->is_stdin) {
			f->dev = st.st_dev;
			f->ino = st.st_ino;
		}
	}
	return 0;
}

/* The decompressed offset reading has reached. */
uint64_t
input_offset(const struct input_file *f)
{
	uint64_t	at;

	if (f->lines == NULL)
		return f->resume_offset;
	at = f->base + line_reader_offset(f->lines);
	return at > f->resume_offset ? at : f->resume_offset;
}

/* Bytes of the file consumed so far. */
uint64_t
input_consumed(const struct input_file *f)
{
	if (f->stream == NULL)
		return 0;
	return f->base + stream_offset_in(f->stream);
}

/* Read the same open file again from its start. */
int
input_rewind(struct input_file *f)
{
	int	fd = -1;

	if (f->stream != NULL && (fd = dup(stream_fd(f->stream))) == -1)
		return -1;
	input_close(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
	if (fd >= 0)
		(void)lseek(fd, 0, SEEK_SET);
	f->resume_offset = 0;
	f->header_offset = INPUT_NO_HEADER;
	f->reach_by_reading = false;
	f->done = false;
	return 0;
}

/* Close the file's stream and decoders; the stats stay. */
void
input_close(struct input_file *f)
{
	f->resume_offset = input_offset(f);
	f->base = 0;
	f->skip_until = 0;
	if (f->stream != NULL) {
		f->bytes_in_before += stream_offset_in(f->stream);
		f->bytes_out_before += stream_offset_out(f->stream);
		stream_close(f->stream);
	}
	if (f->lines != NULL)
		line_reader_free(f->lines);
	if (f->decoder != NULL)
		record_decoder_free(f->decoder);
	f->stream = NULL;
	f->lines = NULL;
	f->decoder = NULL;
}

/* Close and free a file. */
void
input_free(struct input_file *f)
{
	if (f == NULL)
		return;
	input_close(f);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

/* Report a rejected line, the first few times for each file. */
static void
warn_reject(struct input_file *f, const struct line *l, const char *reason)
{
	stats_reject(&f->stats, reason, l->number);
	if (f->warnings < WARNINGS_PER_FILE)
		log_warn("file=%s line=%llu offset=%llu rejected (%s); "
		    "skipped", f->path, (unsigned long long)l->number,
		    (unsigned long long)l->offset, reason);
	else if (f->warnings == WARNINGS_PER_FILE)
		log_warn("file=%s more rejected lines are counted, not "
		    "shown (see --stats)", f->path);
	f->warnings++;
}

/*
 * True for the line tail(1) writes when following several files, before
 * the lines of each ("==> conn.log <=="): no record, skipped unsaid.
 */
static bool
is_tail_banner(const struct line *l)
{
	return l->len >= 8 && memcmp(l->text, "==> ", 4) == 0 &&
	    memcmp(l->text + l->len - 4, " <==", 4) == 0;
}

/*
 * Say, once per file, where the first overlong line and the first NUL
 * bytes were skipped, as soon as the lines before them have been handed
 * out (before is the number of the line about to be, UINT64_MAX at the
 * end), so the messages come in the order of the lines; NUL bytes
 * dropped from a line are said before the line is judged.
 */
static void
warn_skipped(struct input_file *f, uint64_t before)
{
	struct line_place	at;

	if (!f->long_said && line_reader_long_lines(f->lines) > 0 &&
	    (at = line_reader_first_long(f->lines)).number < before) {
		log_warn("file=%s line=%llu offset=%llu longer than "
		    "--max-line; skipped, counted in --stats long_lines",
		    f->path, (unsigned long long)at.number,
		    (unsigned long long)(f->base + at.offset));
		f->long_said = true;
	}
	if (!f->nul_said && line_reader_nul_bytes(f->lines) > 0 &&
	    (at = line_reader_first_nul(f->lines)).number <= before) {
		log_warn("file=%s line=%llu NUL bytes skipped (the hole a "
		    "copytruncate leaves?); counted in --stats nul_bytes",
		    f->path, (unsigned long long)at.number);
		f->nul_said = true;
	}
}

/*
 * Decode the complete lines buffered now.  Returns 1 when the file turned
 * out not to be a log (reading it stops), else 0.
 */
static int
decode_lines(struct input_file *f, bool finished, input_event_fn fn,
    void *arg, volatile sig_atomic_t *stop)
{
	struct line		 l;
	struct flow_event	 ev;
	const char		*reason;
	uint64_t		 at;
	double			 latest = INFINITY;

	if (f->max_ahead > 0)
		latest = (double)time(NULL) + f->max_ahead;
	while ((stop == NULL || !*stop) &&
	    line_reader_next(f->lines, finished, &l)) {
		at = f->base + l.offset;
		if (l.len > 0 && l.text[0] == '#') {
			if (!f->in_header)
				f->header_offset = at;
			f->in_header = true;
		} else
			f->in_header = false;
		if (at < f->skip_until) {
			/* Read before; only a header changes anything. */
			if (f->in_header)
				(void)record_decode(f->decoder, l.text, l.len,
				    &ev, &reason);
			continue;
		}
		f->stats.lines++;
		if (!f->long_said || !f->nul_said)
			warn_skipped(f, l.number);
		if (is_tail_banner(&l)) {
			f->stats.skipped++;
			continue;
		}
		switch (record_decode(f->decoder, l.text, l.len, &ev,
		    &reason)) {
		case RECORD_EVENT:
			if (ev.start > latest) {
				/* One such record would make all else late. */
				warn_reject(f, &l, "future-timestamp");
				break;
			}
			f->stats.events++;
			fn(arg, f, &ev, &l);
			break;
		case RECORD_SKIP:
			f->stats.skipped++;
			break;
		case RECORD_REJECT:
			warn_reject(f, &l, reason);
			break;
		case RECORD_UNRECOGNISED:
			/*
			 * A pipe cannot be looked at again, and a file
			 * entered where an earlier read stopped is a log
			 * already: their lines go on, each judged alone.
			 */
			if (f->is_stream || f->base > 0 || f->skip_until > 0) {
				warn_reject(f, &l, reason);
				break;
			}
			log_warn("file=%s line=%llu not a Zeek or Suricata "
			    "log (%s); file skipped", f->path,
			    (unsigned long long)l.number, reason);
			f->stats.unrecognised = 1;
			return 1;
		}
	}
	return 0;
}

/*
 * Copy the stream's and framer's figures into the file's stats, and say
 * where NUL bytes or an overlong line were first skipped if not yet said.
 */
static void
update_stats(struct input_file *f)
{
	warn_skipped(f, UINT64_MAX);
	f->stats.bytes_read = f->bytes_in_before +
	    stream_offset_in(f->stream);
	f->stats.bytes_decoded = f->bytes_out_before +
	    stream_offset_out(f->stream);
	f->stats.compression = stream_compression_name(
	    stream_compression(f->stream));
	/* A file that changed format part-way stays "mixed", reopened too. */
	if (record_decoder_switches(f->decoder) > 0 ||
	    (f->stats.format != NULL &&
	    strcmp(f->stats.format, RECORD_FORMAT_MIXED) == 0))
		f->stats.format = RECORD_FORMAT_MIXED;
	else
		f->stats.format = record_format_name(
		    record_decoder_format(f->decoder));
	f->stats.long_lines = line_reader_long_lines(f->lines);
	f->stats.nul_bytes = line_reader_nul_bytes(f->lines);
}

/*
 * A compressed file found not to be a log may be a log whose damage hit
 * its first bytes (the gzip checksum is only at the end): decompress the
 * rest, so corrupt or cut data is reported as such, with status 1.
 * Returns 0 when the stream is sound (or plain), else -1.
 */
static int
check_compressed_rest(struct input_file *f, const struct input_settings *set)
{
	static char	buf[READ_CHUNK];
	size_t		len = strlen(f->path);
	ssize_t		n;

	if (stream_compression(f->stream) == STREAM_PLAIN) {
		/* A damaged magic number makes a .gz read as plain text. */
		if ((len > 3 && strcmp(f->path + len - 3, ".gz") == 0) ||
		    (len > 4 && strcmp(f->path + len - 4, ".zst") == 0)) {
			log_error("file=%s is named as compressed but starts "
			    "with neither gzip's nor zstd's magic number: "
			    "damaged?", f->path);
			f->stats.unreadable = 1;
			return -1;
		}
		return 0;
	}
	while ((n = stream_read(f->stream, buf, sizeof buf)) > 0)
		if (set->stop != NULL && *set->stop)
			return 0;
	if (n < 0) {
		log_error("%s; the file is damaged, which is why it did not "
		    "read as a log", stream_error(f->stream));
		f->stats.unreadable = 1;
		return -1;
	}
	if (stream_status(f->stream) == STREAM_MID_FRAME) {
		log_error("file=%s truncated %s stream", f->path,
		    stream_compression_name(stream_compression(f->stream)));
		f->stats.truncated = 1;
		return -1;
	}
	return 0;
}

/* Read what the file holds now and hand every flow event to fn. */
int
input_read(struct input_file *f, const struct input_settings *set,
    bool finished, input_event_fn fn, void *arg)
{
	static char	buf[READ_CHUNK];
	ssize_t		n;
	int		rc = 0;

	if (f->done || file_open(f, set) != 0)
		return f->stats.unreadable ? -1 : 0;
	for (;;) {
		n = stream_read(f->stream, buf, sizeof buf);
		if (n < 0) {
			log_error("%s; rest of file skipped",
			    stream_error(f->stream));
			f->stats.unreadable = 1;
			f->done = true;
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		line_reader_feed(f->lines, buf, (size_t)n);
		if (decode_lines(f, false, fn, arg, set->stop) != 0) {
			f->done = true;
			if (finished && check_compressed_rest(f, set) != 0)
				rc = -1;
			break;
		}
		if (set->stop != NULL && *set->stop)
			break;
	}
	if (!f->done && finished && (set->stop == NULL || !*set->stop)) {
		/* The data ended; a frame still open means the file was cut. */
		if (stream_status(f->stream) == STREAM_MID_FRAME) {
			log_error("file=%s truncated %s stream: complete lines "
			    "read, the partial last line dropped", f->path,
			    stream_compression_name(
			    stream_compression(f->stream)));
			line_reader_discard(f->lines);
			f->stats.truncated = 1;
			rc = -1;
		}
		decode_lines(f, true, fn, arg, NULL);
		f->done = true;
	}
	update_stats(f);
	return rc;
}

/* Stop a probe at the first event. */
static void
probe_event(void *arg, struct input_file *f, struct flow_event *ev,
    const struct line *l)
{
	double	*first = arg;

	if (isinf(*first))
		*first = ev->start;
}

/* Find the start time of the file's first record with a short read. */
static double
probe_first_time(const struct input_file *f, const struct input_settings *set)
{
	struct input_file	 p;
	static char		 buf[64 * 1024];
	double			 first = INFINITY;
	ssize_t			 n;
	char			 err[512];

	memset(&p, 0, sizeof p);
	p.fd = -1;
	p.header_offset = INPUT_NO_HEADER;
	p.path = f->path;
	p.stats.path = f->path;
	p.warnings = WARNINGS_PER_FILE + 1;
	if ((p.stream = stream_open(f->path, err, sizeof err)) == NULL)
		return INFINITY;
	p.lines = line_reader_new(set->max_line);
	p.decoder = record_decoder_new(&set->limits);
	p.max_ahead = set->max_ahead;
	log_set_quiet(1);
	while (isinf(first) && stream_offset_out(p.stream) < PROBE_LIMIT) {
		n = stream_read(p.stream, buf, sizeof buf);
		if (n <= 0)
			break;
		line_reader_feed(p.lines, buf, (size_t)n);
		if (decode_lines(&p, false, probe_event, &first, NULL) != 0)
			break;
	}
	if (isinf(first))
		decode_lines(&p, true, probe_event, &first, NULL);
	log_set_quiet(0);
	input_close(&p);
	return first;
}

/* Order files by first record time, stdin first, ties by path. */
static int
compare_first_time(const void *a, const void *b)
{
	const struct input_file	*fa = *(struct input_file *const *)a;
	const struct input_file	*fb = *(struct input_file *const *)b;

	if (fa->first_time < fb->first_time)
		return -1;
	if (fa->first_time > fb->first_time)
		return 1;
	return strcmp(fa->path, fb->path);
}

/* Probe every file's first record time and sort the files by it. */
void
input_order(struct input_file **files, size_t nfiles,
    const struct input_settings *set)
{
	size_t	i;

	struct stat	st;

	for (i = 0; i < nfiles; i++) {
		if (files[i]->is_stdin)
			continue;
		/* A pipe or device can be read only once: read it first,
		   unprobed, as stdin is. */
		if (stat(files[i]->path, &st) == 0 && !S_ISREG(st.st_mode))
			files[i]->first_time = -INFINITY;
		else
			files[i]->first_time = probe_first_time(files[i], set);
	}
	if (nfiles > 1)
		qsort(files, nfiles, sizeof *files, compare_first_time);
}
