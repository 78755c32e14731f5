/*
 * follow.h - watching paths: which files are there, which file each one
 * is, and reading each from where it stands.
 *
 * A file is an identity, not a name: its device and inode, and a
 * fingerprint of its first record.  A file renamed inside a watched
 * directory is the same file under a new name; a file whose first record
 * equals one already read (its rotated, compressed copy) continues where
 * that one stopped; a file that is gone is drained to its end before it
 * is let go; a file that shrinks or whose first record changes is read
 * again from the start.
 */
#ifndef FANIN_FOLLOW_H
#define FANIN_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "state.h"

struct follow;

/* Called before a drained file is let go, so its end can be saved. */
typedef void (*follow_release_fn)(void *arg);

/*
 * Watch paths (files, directories searched recursively, or symlinks to
 * either).  With live set, files are read as they grow and watched for
 * rotation; without, each is read once as finished.  known are the files
 * of a state file (copied): a file whose fingerprint is among them
 * continues at their offset.  Paths whose file is one of ignore (the
 * outputs and the state) are never read.  The settings must outlive the
 * watcher.
 */
struct follow	*follow_new(char *const *paths, size_t npaths,
		     const struct input_settings *, bool live,
		     const struct state_file *known, size_t nknown,
		     const char *const *ignore, size_t nignore);

/*
 * Look at every watched path once and read what is new, handing each
 * flow event to fn.  release is called before a file that is gone is let
 * go.  *progress is set when anything was read or let go.  Returns 0, or
 * 1 when an input could not be read or a finished one was truncated.
 */
int		 follow_scan(struct follow *, input_event_fn fn, void *arg,
		     follow_release_fn release, bool *progress);

/*
 * Sleep until a watched directory changes (inotify) or timeout_ms passes
 * (less when a file gone from view is waited for, and at most 1 s where
 * inotify is missing).  A signal ends the wait early.
 */
void		 follow_wait(struct follow *, int timeout_ms);

/*
 * Where reading stands in every file it knows, for the state file: the
 * files being read and those let go.  *out is malloc'd, its paths too;
 * free with follow_snapshot_free().
 */
size_t		 follow_snapshot(const struct follow *,
		     struct state_file **out);

/* Free a snapshot. */
void		 follow_snapshot_free(struct state_file *, size_t);

/* Every file seen so far, for --stats; the array stays the watcher's. */
size_t		 follow_files(const struct follow *,
		     struct input_file ***out);

/* Whether inotify is in use (else polling). */
bool		 follow_uses_inotify(const struct follow *);

/* A file's first record, as the watcher compares files by it. */
struct follow_fingerprint {
	uint64_t	 hash;		/* XXH64 of the record's bytes */
	uint64_t	 offset;	/* where it starts, decompressed */
	size_t		 len;		/* 0: only headers as far as looked */
};

/*
 * Fingerprint the file open on fd through its decompressor (fd's offset
 * is left at 0; path is for messages).  Returns 1 when the first record
 * was found whole, else 0 (not complete yet, or unreadable).
 */
int		 follow_fingerprint(int fd, const char *path,
		     struct follow_fingerprint *);

/* Close every file and free the watcher. */
void		 follow_free(struct follow *);

#endif
