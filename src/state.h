/*
 * state.h - the state file: where reading stands in every file, and the
 * model, written together so that a restart continues where a run stopped.
 *
 * The file is one header line and a JSON body:
 *
 *	fanin-state 1 xxh64=<16 hex digits of XXH64 of the body, seed 0>
 *	{"version":1,"files":[...],"model":{...},"run":{...}}
 *
 * Each entry of "files" is one file identity: "dev" and "inode" (JSON
 * integers), "fingerprint" (16 hex digits), "offset" (decompressed bytes
 * read, always at a line boundary; a JSON integer, 64-bit), "header" (the
 * decompressed offset of the Zeek header block in force, or -1) and
 * "path" (the name it was last seen under, for people).  "model" is what
 * model_save() gives, or absent; "run" holds what the run keeps besides
 * (the alert cap's windows, an alert being written).
 */
#ifndef FANIN_STATE_H
#define FANIN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define STATE_VERSION		1
#define STATE_NO_HEADER		UINT64_MAX

/* Where reading stands in one file identity. */
struct state_file {
	uint64_t	 dev;
	uint64_t	 inode;
	uint64_t	 fingerprint;
	uint64_t	 offset;	/* decompressed, at a line boundary */
	uint64_t	 header_offset;	/* or STATE_NO_HEADER */
	char		*path;		/* malloc'd; for messages only */
	bool		 drained;	/* read to its end and let go */
};

/* Everything a state file holds. */
struct state {
	struct state_file	*files;		/* malloc'd array */
	size_t			 nfiles;
	json_t			*model;		/* NULL: none saved */
	json_t			*run;		/* NULL: none saved */
};

/*
 * Read the state at path into *out (zeroed first).  Returns 0 when read,
 * 1 when there is no file at path or an empty one (a first run; *out
 * stays empty), or -1 with a message in err naming the file and the
 * fault: a symlink, a header that is not fanin's, a checksum that does
 * not match, a body that is not the JSON described above.  The caller
 * frees *out with state_clear() in every case.
 */
int	 state_load(const char *path, struct state *out, char *err,
	     size_t errlen);

/*
 * Write st to path atomically: a temporary file in the same directory,
 * created 0600, written, fsync'd, renamed over path, and the directory
 * fsync'd.  A symlink at path is refused.  The model and run JSON are
 * borrowed, not stolen.  Returns 0, or -1 with a message in err (path is
 * left as it was).
 */
int	 state_save(const char *path, const struct state *st, char *err,
	     size_t errlen);

/* Free what a state holds and zero it. */
void	 state_clear(struct state *);

#endif
