/*
 * follow.c - watching files and directories as sensors write, rotate,
 * compress and truncate them.
 *
 * Every look (follow_scan) lists the watched paths, stats each name, and
 * matches what it finds to the files already open by device and inode.
 * Holding a file open pins its inode, so a match to an open file is
 * always the same file, whatever its name now: Zeek's hourly rename of
 * conn.log inside the watched directory changes nothing but the name.
 *
 * A new file is first fingerprinted: XXH64 of its first record (the first
 * line that is not a '#' header, up to its newline or 1 KiB, NUL bytes
 * included), read through the decompressor, so that a plain file and its
 * gzip or zstd copy have the same fingerprint.  A Zeek header is the same
 * in every hour's file; the first record is not.  A file whose first
 * record is not complete yet is left alone until it is: reading it now
 * could only give header lines.  When the fingerprint equals that of a
 * file already read (open now, let go earlier, or saved in the state),
 * the new file is the same content under another identity, a rotated
 * copy, and reading continues at the decompressed offset the other one
 * reached; a compressed copy is decoded from the start and its lines
 * before that offset skipped.
 *
 * A file no name leads to any more is drained: read to its end as a
 * finished file (so a last line without newline is taken), the caller
 * saves the state, and only then is it closed.  A deleted file goes at
 * once; one renamed out of view is given a short grace in case its
 * writer still appends (Suricata writes to the old file until it
 * reopens).  A plain file that became smaller than what was read from it
 * was truncated (copytruncate), and one whose first record changed was
 * rewritten in place: both are read again from the start.  A compressed
 * file that ended cleanly is closed until it changes, so a directory of
 * archives does not hold a descriptor per file.
 *
 * Waiting uses inotify on every directory that holds a watched file:
 * poll() blocks on its descriptor, so nothing runs while nothing changes.
 * A watched path that is not there yet (the sensor has not started) is
 * looked for once a second, and a watched directory deleted and made
 * again is watched again.  Without inotify, fanin looks once a second.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

#include <xxhash.h>

#include "follow.h"
#include "util.h"

#define FINGERPRINT_BYTES	1024
#define FINGERPRINT_SCAN	(1024 * 1024)
#define GRACE_SECONDS		2.0
#define KNOWN_MAX		1000
#define POLL_FALLBACK_MS	1000

/* One file being watched. */
struct tracked {
	struct input_file	*in;
	char			*name;		/* the name it was last seen
						   under */
	bool			 fingerprinted;
	uint64_t		 fingerprint;
	uint64_t		 fp_offset;	/* where the first record
						   starts */
	size_t			 fp_len;	/* 0: none to compare */
	bool			 seen;		/* found by name this look */
	bool			 released;
	bool			 dormant;	/* closed at a clean end */
	bool			 from_start;	/* truncated: its new content
						   starts at 0, whatever its
						   first record */
	double			 last_change;	/* wall clock */
	off_t			 size;
	struct timespec		 mtime;
	off_t			 fp_tried_size;	/* as it was when its first
						   record was last looked
						   for and not found */
	struct timespec		 fp_tried_mtime;
};

/* A path found under a watched path, with its stat. */
struct candidate {
	char		*name;
	struct stat	 st;
	bool		 probed;	/* probed_fp taken when ordered */
	uint64_t	 probed_fp;	/* its first record then */
};

/* A file named like a rotated output, and whether it held a log. */
struct rotated_verdict {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	bool		 is_log;
};

#define VERDICTS_MAX	64

struct follow {
	char			**roots;
	size_t			  nroots;
	char			**ignore;
	size_t			  nignore;
	const struct input_settings *set;
	bool			  live;
	bool			  first_look_done;
	struct tracked		**files;
	size_t			  nfiles;
	struct input_file	**inputs;	/* every file's input, for
						   --stats */
	struct state_file	 *known;	/* let go, or from the state */
	size_t			  nknown;
	int			  inotify_fd;	/* -1: polling */
	char			**dirs;		/* watched by inotify */
	int			 *wds;		/* their watch descriptors */
	size_t			  ndirs;
	bool			  missing;	/* a watched path is not there:
						   look at least every second */
	struct candidate	 *cands;
	size_t			  ncands;
	struct rotated_verdict	  verdicts[VERDICTS_MAX];
	size_t			  nverdicts;
};

/* ---------------------------------------------------------------- */
/* Small helpers                                                    */
/* ---------------------------------------------------------------- */

/* The wall clock in seconds. */
static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The descriptor a tracked file is open on, or -1. */
static int
tracked_fd(const struct tracked *t)
{
	if (t->in->stream != NULL)
		return stream_fd(t->in->stream);
	return t->in->fd;
}

/*
 * Watch the directory that holds path (inotify), once.  The directory is
 * taken from the name as given, so a file that does not exist yet is
 * watched for all the same.
 */
static void
watch_directory_of(struct follow *fw, const char *path, bool is_dir)
{
#ifdef __linux__
	char	*parent, *dir, *copy, resolved[PATH_MAX];
	size_t	 i;
	int	 wd;

	if (fw->inotify_fd < 0 || !fw->live)
		return;
	parent = is_dir ? xstrdup(path) : path_directory(path);
	if (realpath(parent, resolved) == NULL) {
		free(parent);
		return;
	}
	free(parent);
	copy = xstrdup(resolved);
	dir = copy;
	for (i = 0; i < fw->ndirs; i++)
		if (strcmp(fw->dirs[i], dir) == 0) {
			free(copy);
			return;
		}
	if ((wd = inotify_add_watch(fw->inotify_fd, dir, IN_MODIFY |
	    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
	    IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF |
	    IN_MOVE_SELF)) == -1) {
		log_warn("dir=%s cannot be watched (%s); looking every "
		    "second instead", dir, strerror(errno));
		free(copy);
		close(fw->inotify_fd);
		fw->inotify_fd = -1;
		return;
	}
	fw->dirs = xrealloc(fw->dirs, (fw->ndirs + 1) * sizeof *fw->dirs);
	fw->wds = xrealloc(fw->wds, (fw->ndirs + 1) * sizeof *fw->wds);
	fw->wds[fw->ndirs] = wd;
	fw->dirs[fw->ndirs++] = copy;
#else
	(void)fw;
	(void)path;
	(void)is_dir;
#endif
}

/* ---------------------------------------------------------------- */
/* Listing the watched paths                                        */
/* ---------------------------------------------------------------- */

/*
 * True for what logrotate and savelog add to a name: ".1", ".2.gz",
 * "-20261204", or a compressor's own suffix.
 */
static bool
rotation_suffix(const char *rest)
{
	static const char *const	 compressed[] = { ".gz", ".zst", ".xz",
					     ".bz2", ".old" };
	size_t				 i;

	if ((rest[0] == '.' || rest[0] == '-') && rest[1] >= '0' &&
	    rest[1] <= '9')
		return true;
	for (i = 0; i < sizeof compressed / sizeof compressed[0]; i++)
		if (strcmp(rest, compressed[i]) == 0)
			return true;
	return false;
}

/*
 * True when name is a rotated copy of output (alerts.json.1,
 * alerts.json.2.gz, alerts.json-20261204 beside alerts.json): the same
 * directory, and the output's name followed by a rotation's suffix.
 */
static bool
rotated_output(const char *name, const char *output)
{
	const char	*nb = strrchr(name, '/'), *ob = strrchr(output, '/');
	struct stat	 a, b;
	char		*da, *db;
	size_t		 len;
	bool		 same;

	nb = nb != NULL ? nb + 1 : name;
	ob = ob != NULL ? ob + 1 : output;
	len = strlen(ob);
	if (len == 0 || strncmp(nb, ob, len) != 0 || !rotation_suffix(nb + len))
		return false;
	da = path_directory(name);
	db = path_directory(output);
	same = stat(da, &a) == 0 && stat(db, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	free(da);
	free(db);
	return same;
}

/*
 * Whether a file named like a rotated output holds a log, looked into
 * once while it stays the same (every look meets it again).
 */
static bool
holds_log(struct follow *fw, const char *name, const struct stat *st)
{
	struct rotated_verdict	*v;
	size_t			 i;

	for (i = 0; i < fw->nverdicts; i++) {
		v = &fw->verdicts[i];
		if (v->dev == st->st_dev && v->ino == st->st_ino &&
		    v->size == st->st_size &&
		    v->mtime.tv_sec == st->st_mtim.tv_sec &&
		    v->mtime.tv_nsec == st->st_mtim.tv_nsec)
			return v->is_log;
	}
	if (fw->nverdicts == VERDICTS_MAX)
		fw->nverdicts = 0;
	v = &fw->verdicts[fw->nverdicts++];
	v->dev = st->st_dev;
	v->ino = st->st_ino;
	v->size = st->st_size;
	v->mtime = st->st_mtim;
	v->is_log = input_looks_like_log(name);
	return v->is_log;
}

/*
 * True when st is one of the files never to read: the outputs and the
 * state, their temporary files, and rotated copies of them.
 */
static bool
ignored(struct follow *fw, const char *name, const struct stat *st)
{
	struct stat	other;
	size_t		i, len;

	for (i = 0; i < fw->nignore; i++) {
		len = strlen(fw->ignore[i]);
		if (strncmp(name, fw->ignore[i], len) == 0 &&
		    strncmp(name + len, ".tmp.", 5) == 0)
			return true;
		if (stat(fw->ignore[i], &other) == 0 &&
		    other.st_dev == st->st_dev && other.st_ino == st->st_ino)
			return true;
		if (rotated_output(name, fw->ignore[i]) &&
		    !holds_log(fw, name, st))
			return true;
	}
	return false;
}

/* Add one regular file found by name. */
static void
add_candidate(struct follow *fw, const char *name, const struct stat *st)
{
	if (ignored(fw, name, st))
		return;
	fw->cands = xrealloc(fw->cands, (fw->ncands + 1) * sizeof *fw->cands);
	fw->cands[fw->ncands].name = xstrdup(name);
	fw->cands[fw->ncands].st = *st;
	fw->cands[fw->ncands].probed = false;
	fw->cands[fw->ncands].probed_fp = 0;
	fw->ncands++;
}

/* Watch a directory found by input_walk() (input_dir_fn). */
static void
walk_directory(void *arg, const char *dir)
{
	watch_directory_of(arg, dir, true);
}

/*
 * Take a file found by input_walk() as a candidate (input_file_fn); a
 * directory that could not be listed (st NULL) is looked at again at
 * the next look.
 */
static void
walk_file(void *arg, const char *path, const struct stat *st)
{
	if (st != NULL)
		add_candidate(arg, path, st);
}

/* List every file the watched paths lead to now. */
static void
list_candidates(struct follow *fw)
{
	struct stat	st;
	size_t		i;

	for (i = 0; i < fw->ncands; i++)
		free(fw->cands[i].name);
	fw->ncands = 0;
	fw->missing = false;
	for (i = 0; i < fw->nroots; i++) {
		if (stat(fw->roots[i], &st) != 0) {
			fw->missing = true;
			/* A watched file not there yet: watch its directory. */
			if (!fw->first_look_done)
				log_warn("file=%s is not there (%s); waiting "
				    "for it", fw->roots[i], strerror(errno));
			watch_directory_of(fw, fw->roots[i], false);
			continue;
		}
		if (S_ISDIR(st.st_mode))
			input_walk(fw->roots[i], walk_directory, walk_file, fw);
		else {
			watch_directory_of(fw, fw->roots[i], false);
			add_candidate(fw, fw->roots[i], &st);
		}
	}
}

/* ---------------------------------------------------------------- */
/* Fingerprints                                                     */
/* ---------------------------------------------------------------- */

/* Where the scan for the first record stands. */
struct fp_scan {
	bool		 line_start;
	bool		 header_line;
	bool		 collecting;
	uint64_t	 at;		/* decompressed offset */
	uint64_t	 start;
	char		 buf[FINGERPRINT_BYTES];
	size_t		 len;
};

/*
 * Feed bytes to the scan.  Returns 1 when the first record is complete
 * (its newline seen, or FINGERPRINT_BYTES of it), else 0.
 */
static int
fp_feed(struct fp_scan *s, const char *p, size_t n)
{
	size_t	i;
	char	c;

	for (i = 0; i < n; i++, s->at++) {
		c = p[i];
		if (s->collecting) {
			if (c == '\n')
				return 1;
			s->buf[s->len++] = c;
			if (s->len == FINGERPRINT_BYTES)
				return 1;
		} else if (s->header_line) {
			if (c == '\n') {
				s->header_line = false;
				s->line_start = true;
			}
		} else if (c == '#') {
			s->header_line = true;
		} else if (c != '\n' && c != '\r') {
			s->collecting = true;
			s->start = s->at;
			s->buf[s->len++] = c;
		}
	}
	return 0;
}

/* Fingerprint the file open on fd; see follow.h. */
int
follow_fingerprint(int fd, const char *path, struct follow_fingerprint *fp)
{
	static char	 buf[64 * 1024];
	struct fp_scan	 s;
	struct stream	*st;
	char		 err[256];
	ssize_t		 n;
	int		 dupfd, found = 0;

	memset(&s, 0, sizeof s);
	s.line_start = true;
	if ((dupfd = dup(fd)) == -1)
		return 0;
	(void)lseek(dupfd, 0, SEEK_SET);
	if ((st = stream_fdopen(dupfd, path, err, sizeof err)) == NULL)
		return 0;
	while (!found && stream_offset_out(st) < FINGERPRINT_SCAN) {
		n = stream_read(st, buf, sizeof buf);
		if (n <= 0)
			break;
		found = fp_feed(&s, buf, (size_t)n);
	}
	if (!found && stream_offset_out(st) >= FINGERPRINT_SCAN) {
		/* Only headers as far as we look: nothing to compare. */
		found = 1;
		s.len = 0;
	}
	stream_close(st);
	(void)lseek(fd, 0, SEEK_SET);
	if (!found)
		return 0;
	fp->hash = XXH64(s.buf, s.len, 0);
	fp->offset = s.start;
	fp->len = s.len;
	return 1;
}

/* Take fp as the tracked file's fingerprint. */
static void
adopt_fingerprint(struct tracked *t, const struct follow_fingerprint *fp)
{
	t->fingerprinted = true;
	t->fp_offset = fp->offset;
	t->fp_len = fp->len;
	t->fingerprint = fp->hash;
}

/*
 * Fingerprint a tracked file open on fd.  Returns 1 when the first
 * record was found, 0 when it is not complete yet.
 */
static int
fingerprint(struct tracked *t, int fd)
{
	struct follow_fingerprint	 fp;

	if (follow_fingerprint(fd, t->in->path, &fp) == 0)
		return 0;
	adopt_fingerprint(t, &fp);
	return 1;
}

/*
 * Whether the first record of an open plain file is still the one
 * fingerprinted (read straight from the file, no decoder).
 */
static bool
first_record_unchanged(const struct tracked *t, int fd)
{
	char	buf[FINGERPRINT_BYTES];
	ssize_t	n;

	if (t->fp_len == 0)
		return true;
	n = pread(fd, buf, t->fp_len, (off_t)t->fp_offset);
	return n == (ssize_t)t->fp_len &&
	    XXH64(buf, t->fp_len, 0) == t->fingerprint;
}

/* ---------------------------------------------------------------- */
/* Known files and where to start                                   */
/* ---------------------------------------------------------------- */

/* Remember a file let go, replacing an older entry of the same file. */
static void
remember(struct follow *fw, const struct state_file *sf)
{
	size_t	i;

	for (i = 0; i < fw->nknown; i++) {
		if (fw->known[i].fingerprint != sf->fingerprint ||
		    fw->known[i].dev != sf->dev ||
		    fw->known[i].inode != sf->inode)
			continue;
		if (fw->known[i].offset > sf->offset)
			return;
		free(fw->known[i].path);
		fw->known[i] = *sf;
		fw->known[i].path = xstrdup(sf->path);
		return;
	}
	if (fw->nknown == KNOWN_MAX) {
		free(fw->known[0].path);
		memmove(fw->known, fw->known + 1,
		    (fw->nknown - 1) * sizeof *fw->known);
		fw->nknown--;
	}
	fw->known = xrealloc(fw->known, (fw->nknown + 1) * sizeof *fw->known);
	fw->known[fw->nknown] = *sf;
	fw->known[fw->nknown].path = xstrdup(sf->path);
	fw->nknown++;
}

/*
 * Forget saved entries of an identity that now holds other content.  A
 * file read to its end and let go (in this run, or in an earlier one
 * whose state says so) loses nothing by it; one saved while it was still
 * being read may have had records left after its offset.
 */
static void
forget_reused_inode(struct follow *fw, const struct tracked *t)
{
	struct state_file	*k;
	size_t			 i;

	for (i = 0; i < fw->nknown;) {
		k = &fw->known[i];
		if (k->dev != (uint64_t)t->in->dev ||
		    k->inode != (uint64_t)t->in->ino ||
		    k->fingerprint == t->fingerprint) {
			i++;
			continue;
		}
		if (k->drained)
			log_debug("file=%s reuses the inode of file=%s, read "
			    "to its end and let go", t->name, k->path);
		else if (strcmp(k->path, t->name) == 0)
			log_warn("file=%s holds other records than when its "
			    "offset=%llu was saved (truncated or rewritten "
			    "since); read from its start", t->name,
			    (unsigned long long)k->offset);
		else
			log_warn("file=%s reuses the inode of file=%s, which "
			    "is gone; its saved offset=%llu is dropped "
			    "(records after it are read only where a copy "
			    "of it is watched, e.g. the archive)", t->name,
			    k->path, (unsigned long long)k->offset);
		free(k->path);
		memmove(fw->known + i, fw->known + i + 1,
		    (fw->nknown - i - 1) * sizeof *fw->known);
		fw->nknown--;
	}
}

/*
 * Decide where a newly fingerprinted file starts: where it stopped
 * itself (same identity and content, from the state), else where the
 * furthest read file of the same content stopped, else at 0.
 */
static void
choose_start(struct follow *fw, struct tracked *t)
{
	const char	*from = NULL;
	uint64_t	 best = 0, header = INPUT_NO_HEADER, at;
	size_t		 i;

	forget_reused_inode(fw, t);
	t->in->resume_offset = 0;
	t->in->header_offset = INPUT_NO_HEADER;
	if (t->fp_len == 0 || t->from_start) {
		t->from_start = false;
		return;
	}
	for (i = 0; i < fw->nknown; i++) {
		if (fw->known[i].fingerprint == t->fingerprint &&
		    fw->known[i].dev == (uint64_t)t->in->dev &&
		    fw->known[i].inode == (uint64_t)t->in->ino) {
			t->in->resume_offset = fw->known[i].offset;
			t->in->header_offset = fw->known[i].header_offset;
			return;
		}
	}
	for (i = 0; i < fw->nfiles; i++) {
		struct tracked	*o = fw->files[i];

		if (o == t || !o->fingerprinted || o->fp_len == 0 ||
		    o->fingerprint != t->fingerprint)
			continue;
		at = input_offset(o->in);
		if (at > best) {
			best = at;
			header = o->in->header_offset;
			from = o->name;
		}
	}
	for (i = 0; i < fw->nknown; i++) {
		if (fw->known[i].fingerprint != t->fingerprint ||
		    fw->known[i].offset <= best)
			continue;
		best = fw->known[i].offset;
		header = fw->known[i].header_offset;
		from = fw->known[i].path;
	}
	if (best == 0)
		return;
	at = input_resume_from_copy(t->in, tracked_fd(t), best, header);
	if (at == best && fw->live)
		/* Every rotation makes one: worth no warning. */
		log_debug("file=%s holds the records of file=%s (same first "
		    "record); continuing at offset=%llu, nothing read twice",
		    t->name, from, (unsigned long long)best);
	else if (at == best)
		log_warn("file=%s holds the records of file=%s (same first "
		    "record); continuing at offset=%llu, nothing read twice",
		    t->name, from, (unsigned long long)best);
	else
		log_warn("file=%s holds the first records of file=%s, which "
		    "was read to offset=%llu; this file is shorter there or "
		    "differs, so it continues at its line boundary "
		    "offset=%llu", t->name, from, (unsigned long long)best,
		    (unsigned long long)at);
}

/* ---------------------------------------------------------------- */
/* Reading and letting go                                           */
/* ---------------------------------------------------------------- */

/* Read what a file holds now; returns input_read()'s result. */
static int
read_file(struct follow *fw, struct tracked *t, bool finished,
    input_event_fn fn, void *arg, bool *progress)
{
	uint64_t	before = input_offset(t->in);
	int		rc;

	rc = input_read(t->in, fw->set, finished, fn, arg);
	if (input_offset(t->in) != before) {
		t->last_change = now();
		*progress = true;
	}
	return rc;
}

/* Drain a file that is gone, save where it ended, and close it. */
static int
release(struct follow *fw, struct tracked *t, input_event_fn fn, void *arg,
    follow_release_fn on_release, bool *progress)
{
	struct state_file	sf;
	int			rc = 0;

	if (!t->fingerprinted && tracked_fd(t) >= 0)
		(void)fingerprint(t, tracked_fd(t));
	if (!t->dormant && !t->in->done && tracked_fd(t) >= 0)
		rc = read_file(fw, t, true, fn, arg, progress);
	if (fw->set->stop != NULL && *fw->set->stop)
		return rc;
	if (t->fingerprinted && t->fp_len > 0) {
		memset(&sf, 0, sizeof sf);
		sf.dev = (uint64_t)t->in->dev;
		sf.inode = (uint64_t)t->in->ino;
		sf.fingerprint = t->fingerprint;
		sf.offset = input_offset(t->in);
		sf.header_offset = t->in->header_offset;
		sf.path = t->name;
		sf.drained = true;
		remember(fw, &sf);
	}
	if (fw->live)
		log_debug("file=%s gone from view; read to its end at "
		    "offset=%llu and let go", t->name,
		    (unsigned long long)input_offset(t->in));
	if (on_release != NULL)
		on_release(arg);
	input_close(t->in);
	if (t->in->fd >= 0) {
		close(t->in->fd);
		t->in->fd = -1;
	}
	t->released = true;
	*progress = true;
	return rc;
}

/*
 * Notice truncation and rewriting of an open plain file; either makes
 * it read again from the start.  Before a truncated file is read again,
 * where it had got to is remembered under its first record alone (no
 * device or inode), so the copy that copytruncate made, which appears
 * under a new name and may hold records not read yet, goes on from
 * there instead of being read from its start.
 */
static void
check_rewritten(struct follow *fw, struct tracked *t)
{
	struct state_file	 before;
	struct stat	st;
	int		fd = tracked_fd(t);

	if (t->in->stream == NULL || fd < 0 || fstat(fd, &st) != 0 ||
	    stream_compression(t->in->stream) != STREAM_PLAIN)
		return;
	if ((uint64_t)st.st_size < input_consumed(t->in)) {
		log_warn("file=%s truncated (size=%lld, offset=%llu); reading "
		    "again from the start", t->name, (long long)st.st_size,
		    (unsigned long long)input_consumed(t->in));
		if (t->fingerprinted && t->fp_len > 0) {
			memset(&before, 0, sizeof before);
			before.fingerprint = t->fingerprint;
			before.offset = input_offset(t->in);
			before.header_offset = t->in->header_offset;
			before.path = t->name;
			remember(fw, &before);
		}
		t->from_start = true;
	} else if ((st.st_size != t->size ||
	    st.st_mtim.tv_sec != t->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != t->mtime.tv_nsec) &&
	    !first_record_unchanged(t, fd)) {
		log_warn("file=%s rewritten in place (its first record "
		    "changed); reading again from the start", t->name);
	} else {
		t->size = st.st_size;
		t->mtime = st.st_mtim;
		return;
	}
	t->size = st.st_size;
	t->mtime = st.st_mtim;
	if (input_rewind(t->in) != 0)
		return;
	t->fingerprinted = false;
}

/* Open a dormant file again by its name if it is still that file. */
static bool
wake(struct follow *fw, struct tracked *t, const struct stat *st)
{
	uint64_t	old = t->fingerprint;
	int		fd;

	if (st->st_size == t->size &&
	    st->st_mtim.tv_sec == t->mtime.tv_sec &&
	    st->st_mtim.tv_nsec == t->mtime.tv_nsec)
		return false;
	if ((fd = open(t->name, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	t->in->fd = fd;
	t->dormant = false;
	t->in->done = false;
	if (fingerprint(t, fd) == 1 && t->fingerprint != old) {
		log_warn("file=%s is another file now (its first record "
		    "changed); reading it from the start", t->name);
		t->in->resume_offset = 0;
		t->in->header_offset = INPUT_NO_HEADER;
	}
	return true;
}

/* Close a compressed file that ended cleanly until it changes. */
static void
maybe_sleep(struct tracked *t)
{
	struct stat	st;

	if (t->in->stream == NULL || t->in->done ||
	    stream_compression(t->in->stream) == STREAM_PLAIN ||
	    stream_status(t->in->stream) != STREAM_OK ||
	    line_reader_pending(t->in->lines) != 0 ||
	    fstat(stream_fd(t->in->stream), &st) != 0)
		return;
	t->size = st.st_size;
	t->mtime = st.st_mtim;
	input_close(t->in);
	t->dormant = true;
}

/*
 * Fingerprint a file not yet opened and choose where it starts.  Returns
 * false when it must wait: live, and its first record is not complete.
 */
static bool
fingerprint_now(struct follow *fw, struct tracked *t)
{
	struct stat	st;
	bool		have_st;
	int		fd = tracked_fd(t);

	/* Unchanged since its first record was looked for: still none. */
	have_st = fd >= 0 && fstat(fd, &st) == 0;
	if (fw->live && have_st && st.st_size == t->fp_tried_size &&
	    st.st_mtim.tv_sec == t->fp_tried_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == t->fp_tried_mtime.tv_nsec)
		return false;
	if (fd >= 0 && fingerprint(t, fd) == 1) {
		choose_start(fw, t);
		return true;
	}
	if (have_st) {
		t->fp_tried_size = st.st_size;
		t->fp_tried_mtime = st.st_mtim;
	}
	return !fw->live;
}

/*
 * Bring one file up to date: fingerprint it if needed, notice
 * truncation, read what is new.  Returns 1 when it could not be read.
 */
static int
update(struct follow *fw, struct tracked *t, input_event_fn fn, void *arg,
    bool *progress)
{
	int	rc;

	if (!t->fingerprinted && t->in->stream == NULL &&
	    !fingerprint_now(fw, t))
		return 0;
	check_rewritten(fw, t);
	if (!t->fingerprinted && t->in->stream == NULL &&
	    !fingerprint_now(fw, t))
		return 0;
	rc = read_file(fw, t, !fw->live, fn, arg, progress);
	if (fw->live)
		maybe_sleep(t);
	return rc != 0;
}

/*
 * Start watching a file found under a new identity.  Returns NULL when
 * it cannot be opened, setting *relist when the name no longer leads to
 * the file that was listed and ordered: gone, another inode, or the same
 * inode reused by a newer file (its first record changed).  The listing
 * is then out of date, and files written meanwhile, older than those
 * still to come in this look, may be missing from it.
 */
static struct tracked *
track(struct follow *fw, const struct candidate *c, bool *relist)
{
	struct follow_fingerprint	 fp;
	struct tracked			*t;
	struct stat			 st;
	bool				 have_fp = false;
	int				 fd;

	*relist = false;
	if ((fd = open(c->name, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		*relist = errno == ENOENT;
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	if (c->probed)
		have_fp = follow_fingerprint(fd, c->name, &fp) == 1;
	if (st.st_dev != c->st.st_dev || st.st_ino != c->st.st_ino ||
	    (have_fp && fp.len > 0 && fp.hash != c->probed_fp)) {
		log_debug("file=%s is not the file listed any more; listing "
		    "again", c->name);
		close(fd);
		*relist = true;
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->in = input_new(c->name);
	t->in->fd = fd;
	t->in->dev = st.st_dev;
	t->in->ino = st.st_ino;
	t->name = xstrdup(c->name);
	t->last_change = now();
	t->size = -1;
	t->fp_tried_size = -1;
	t->seen = true;
	fw->files = xrealloc(fw->files, (fw->nfiles + 1) * sizeof *fw->files);
	fw->files[fw->nfiles++] = t;
	fw->inputs = xrealloc(fw->inputs,
	    (fw->nfiles + 1) * sizeof *fw->inputs);
	fw->inputs[fw->nfiles - 1] = t->in;
	watch_directory_of(fw, c->name, false);
	log_debug("file=%s new (size=%lld); watched", c->name,
	    (long long)st.st_size);
	/* Its first record was just read: no need to read it again. */
	if (have_fp) {
		adopt_fingerprint(t, &fp);
		choose_start(fw, t);
	}
	return t;
}

/* The tracked file a candidate is, by device and inode, or NULL. */
static struct tracked *
match(struct follow *fw, const struct candidate *c)
{
	size_t	i;

	for (i = 0; i < fw->nfiles; i++) {
		struct tracked	*t = fw->files[i];

		if (!t->released && t->in->dev == c->st.st_dev &&
		    t->in->ino == c->st.st_ino)
			return t;
	}
	return NULL;
}

/*
 * The order new files are read in: by their first record's time, as a
 * replay orders them.  At the first look that is the whole directory; at
 * a later one, more than one new file means several hours were written
 * and rotated while fanin was busy or slow to start, and reading them as
 * listed would make the older hours late.
 */
static size_t
order_new(const struct follow *fw, struct candidate **news, size_t n)
{
	struct follow_fingerprint	  fp;
	struct input_file		**probe;
	struct candidate		 *tmp;
	struct stat			  st;
	size_t				  i, j;
	int				  fd;

	if (n < 2)
		return n;
	/* What each file holds as it is ordered, for track() to check. */
	for (i = 0; i < n; i++) {
		if ((fd = open(news[i]->name, O_RDONLY | O_CLOEXEC |
		    O_NOCTTY | O_NONBLOCK)) == -1)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_dev == news[i]->st.st_dev &&
		    st.st_ino == news[i]->st.st_ino &&
		    follow_fingerprint(fd, news[i]->name, &fp) == 1 &&
		    fp.len > 0) {
			news[i]->probed = true;
			news[i]->probed_fp = fp.hash;
		}
		close(fd);
	}
	probe = xcalloc(n, sizeof *probe);
	for (i = 0; i < n; i++) {
		probe[i] = input_new(news[i]->name);
	}
	input_order(probe, n, fw->set);
	for (i = 0; i < n; i++) {
		for (j = i; j < n; j++)
			if (strcmp(news[j]->name, probe[i]->path) == 0)
				break;
		if (j < n) {
			tmp = news[i];
			news[i] = news[j];
			news[j] = tmp;
		}
		input_free(probe[i]);
	}
	free(probe);
	return n;
}

/* ---------------------------------------------------------------- */
/* The public API                                                   */
/* ---------------------------------------------------------------- */

/* Watch paths. */
struct follow *
follow_new(char *const *paths, size_t npaths,
    const struct input_settings *set, bool live,
    const struct state_file *known, size_t nknown,
    const char *const *ignore, size_t nignore)
{
	struct follow	*fw = xcalloc(1, sizeof *fw);
	size_t		 i;

	fw->set = set;
	fw->live = live;
	fw->roots = xcalloc(npaths + 1, sizeof *fw->roots);
	for (i = 0; i < npaths; i++)
		fw->roots[fw->nroots++] = xstrdup(paths[i]);
	fw->ignore = xcalloc(nignore + 1, sizeof *fw->ignore);
	for (i = 0; i < nignore; i++)
		if (ignore[i] != NULL && strcmp(ignore[i], "-") != 0)
			fw->ignore[fw->nignore++] = xstrdup(ignore[i]);
	for (i = 0; i < nknown; i++)
		remember(fw, &known[i]);
	fw->inotify_fd = -1;
#ifdef __linux__
	if (live)
		fw->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
#endif
	return fw;
}

/* Look at every watched path once and read what is new. */
int
follow_scan(struct follow *fw, input_event_fn fn, void *arg,
    follow_release_fn on_release, bool *progress)
{
	struct candidate	**news;
	struct tracked		 *t;
	struct stat		  st;
	size_t			  i, nnew = 0;
	int			  rc = 0, fd;
	bool			  relist;

	*progress = false;
	list_candidates(fw);
	for (i = 0; i < fw->nfiles; i++)
		fw->files[i]->seen = false;
	news = xcalloc(fw->ncands + 1, sizeof *news);
	for (i = 0; i < fw->ncands; i++) {
		if ((t = match(fw, &fw->cands[i])) == NULL) {
			news[nnew++] = &fw->cands[i];
			continue;
		}
		t->seen = true;
		if (strcmp(t->name, fw->cands[i].name) != 0) {
			log_debug("file=%s now named %s; same file, read on",
			    t->name, fw->cands[i].name);
			free(t->name);
			t->name = xstrdup(fw->cands[i].name);
		}
		if (t->dormant && !wake(fw, t, &fw->cands[i].st))
			continue;
	}

	/* Files no name leads to: drain and let go. */
	for (i = 0; i < fw->nfiles; i++) {
		t = fw->files[i];
		if (t->released || t->seen)
			continue;
		fd = tracked_fd(t);
		if (!fw->live || t->dormant || fd < 0 ||
		    fstat(fd, &st) != 0 || st.st_nlink == 0 ||
		    now() - t->last_change >= GRACE_SECONDS)
			rc |= release(fw, t, fn, arg, on_release, progress);
	}

	/* Files already known: what is new in them. */
	for (i = 0; i < fw->nfiles; i++) {
		t = fw->files[i];
		if (fw->set->stop != NULL && *fw->set->stop)
			break;
		if (!t->released && !t->dormant && !t->in->done)
			rc |= update(fw, t, fn, arg, progress);
	}

	/*
	 * New files, one at a time, so a copy sees what its twin read.  A
	 * listing found out of date ends the look; the next one lists and
	 * orders again.
	 */
	nnew = order_new(fw, news, nnew);
	for (i = 0; i < nnew; i++) {
		if (fw->set->stop != NULL && *fw->set->stop)
			break;
		if ((t = track(fw, news[i], &relist)) == NULL) {
			if (relist)
				break;
			continue;
		}
		*progress = true;
		rc |= update(fw, t, fn, arg, progress);
		if (!fw->live)
			rc |= release(fw, t, fn, arg, NULL, progress);
	}
	free(news);
	fw->first_look_done = true;
	return rc;
}

/*
 * Forget the directories whose watch the kernel removed (IN_IGNORED: the
 * directory was deleted or its file system unmounted), so that one made
 * again under the same name is watched again at the next look.
 */
static void
forget_removed_watches(struct follow *fw, const char *buf, size_t len)
{
#ifdef __linux__
	struct inotify_event	 ev;
	size_t			 at, i;

	for (at = 0; at + sizeof ev <= len; at += sizeof ev + ev.len) {
		memcpy(&ev, buf + at, sizeof ev);
		if ((ev.mask & IN_IGNORED) == 0)
			continue;
		for (i = 0; i < fw->ndirs; i++) {
			if (fw->wds[i] != ev.wd)
				continue;
			free(fw->dirs[i]);
			fw->dirs[i] = fw->dirs[fw->ndirs - 1];
			fw->wds[i] = fw->wds[fw->ndirs - 1];
			fw->ndirs--;
			break;
		}
	}
#else
	(void)fw;
	(void)buf;
	(void)len;
#endif
}

/* Sleep until a watched directory changes or the timeout passes. */
void
follow_wait(struct follow *fw, int timeout_ms)
{
	char		buf[16384];
	struct pollfd	pfd;
	size_t		i;
	ssize_t		n;

	for (i = 0; i < fw->nfiles; i++) {
		/* A file gone from view is looked at again after its grace. */
		if (!fw->files[i]->released && !fw->files[i]->seen &&
		    timeout_ms > POLL_FALLBACK_MS)
			timeout_ms = POLL_FALLBACK_MS;
	}
	if (fw->missing && timeout_ms > POLL_FALLBACK_MS)
		timeout_ms = POLL_FALLBACK_MS;
	if (fw->inotify_fd < 0) {
		if (timeout_ms > POLL_FALLBACK_MS)
			timeout_ms = POLL_FALLBACK_MS;
		(void)poll(NULL, 0, timeout_ms);
		return;
	}
	pfd.fd = fw->inotify_fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, timeout_ms) > 0) {
		/* The events only wake us; the next look finds the change. */
		while ((n = read(fw->inotify_fd, buf, sizeof buf)) > 0)
			forget_removed_watches(fw, buf, (size_t)n);
	}
}

/* Where reading stands in every file it knows. */
size_t
follow_snapshot(const struct follow *fw, struct state_file **out)
{
	struct state_file	*s;
	size_t			 n = 0, i, j;

	s = xcalloc(fw->nfiles + fw->nknown + 1, sizeof *s);
	for (i = 0; i < fw->nfiles; i++) {
		const struct tracked	*t = fw->files[i];

		if (t->released || !t->fingerprinted || t->fp_len == 0)
			continue;
		s[n].dev = (uint64_t)t->in->dev;
		s[n].inode = (uint64_t)t->in->ino;
		s[n].fingerprint = t->fingerprint;
		s[n].offset = input_offset(t->in);
		s[n].header_offset = t->in->header_offset;
		s[n].path = xstrdup(t->name);
		n++;
	}
	for (i = 0; i < fw->nknown; i++) {
		for (j = 0; j < n; j++)
			if (s[j].fingerprint == fw->known[i].fingerprint &&
			    s[j].dev == fw->known[i].dev &&
			    s[j].inode == fw->known[i].inode)
				break;
		if (j < n)
			continue;
		s[n] = fw->known[i];
		s[n].path = xstrdup(fw->known[i].path);
		n++;
	}
	*out = s;
	return n;
}

/* Free a snapshot. */
void
follow_snapshot_free(struct state_file *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(s[i].path);
	free(s);
}

/* Every file seen so far. */
size_t
follow_files(const struct follow *fw, struct input_file ***out)
{
	*out = fw->inputs;
	return fw->nfiles;
}

/* Whether inotify is in use. */
bool
follow_uses_inotify(const struct follow *fw)
{
	return fw->inotify_fd >= 0;
}

/* Close every file and free the watcher. */
void
follow_free(struct follow *fw)
{
	size_t	i;

	if (fw == NULL)
		return;
	for (i = 0; i < fw->nfiles; i++) {
		input_free(fw->files[i]->in);
		free(fw->files[i]->name);
		free(fw->files[i]);
	}
	for (i = 0; i < fw->ncands; i++)
		free(fw->cands[i].name);
	for (i = 0; i < fw->nknown; i++)
		free(fw->known[i].path);
	for (i = 0; i < fw->nroots; i++)
		free(fw->roots[i]);
	for (i = 0; i < fw->nignore; i++)
		free(fw->ignore[i]);
	for (i = 0; i < fw->ndirs; i++)
		free(fw->dirs[i]);
	if (fw->inotify_fd >= 0)
		close(fw->inotify_fd);
	free(fw->cands);
	free(fw->known);
	free(fw->roots);
	free(fw->ignore);
	free(fw->dirs);
	free(fw->wds);
	free(fw->files);
	free(fw->inputs);
	free(fw);
}
