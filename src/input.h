/*
 * input.h - the inputs of a run: which files, in which order, and reading
 * each one from bytes to flow events.
 *
 * Paths on the command line expand to files: a directory is searched
 * recursively for regular files, "-" is stdin, and one file named twice is
 * read once.  A replay reads its files in the order of their first
 * record's time, found by a short probe of each file, so the order on the
 * command line does not matter.
 */
#ifndef FANIN_INPUT_H
#define FANIN_INPUT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "flow.h"
#include "lines.h"
#include "record.h"
#include "stats.h"
#include "stream.h"

/* How an input is read. */
struct input_settings {
	size_t			 max_line;
	unsigned		 max_ahead;	/* seconds a record may be
						   stamped past the clock; 0:
						   no limit */
	struct record_limits	 limits;
	volatile sig_atomic_t	*stop;		/* when set and non-zero,
						   reading stops after the
						   line in hand */
};

/* No Zeek header block seen (input_file.header_offset). */
#define INPUT_NO_HEADER		UINT64_MAX

/* One input file and where reading it stands. */
struct input_file {
	char			*path;
	bool			 is_stdin;
	bool			 is_stream;	/* a pipe or device: read
						   once, never given up on */
	dev_t			 dev;
	ino_t			 ino;
	double			 first_time;	/* first record's start */
	struct stream		*stream;
	struct line_reader	*lines;
	struct record_decoder	*decoder;
	struct file_stats	 stats;
	bool			 done;		/* read to its end, or given
						   up on */
	unsigned		 warnings;	/* rejection messages shown */
	unsigned		 max_ahead;	/* input_settings.max_ahead */

	/* Resuming and following (all offsets are decompressed bytes). */
	int			 fd;		/* opened by the caller and
						   handed over, or -1 */
	uint64_t		 resume_offset;	/* start reading here (a line
						   boundary) */
	uint64_t		 header_offset;	/* the Zeek header block in
						   force, or INPUT_NO_HEADER */
	uint64_t		 base;		/* where a plain file was
						   entered by seeking */
	uint64_t		 skip_until;	/* lines before this are
						   skipped (headers decoded) */
	bool			 reach_by_reading; /* reach resume_offset
						   by reading, not seeking */
	bool			 in_header;	/* the last line was '#' */
	uint64_t		 bytes_in_before; /* read by streams closed
						   since (reopened, rewound) */
	uint64_t		 bytes_out_before;
	uint64_t		 late_seen;	/* RDP records too late to
						   count (run.c) */
	bool			 long_said;	/* a long line was reported */
	bool			 nul_said;	/* NUL bytes were reported */
};

/* Called for every flow event decoded from a file. */
typedef void (*input_event_fn)(void *arg, struct input_file *,
    struct flow_event *, const struct line *);

/*
 * A new file entry for path, not yet opened, read from its start.  Free
 * with input_free().
 */
struct input_file *input_new(const char *path);

/* Called by input_walk() for each directory and each regular file. */
typedef void (*input_dir_fn)(void *arg, const char *dir);
typedef void (*input_file_fn)(void *arg, const char *path,
    const struct stat *st);

/*
 * Walk dir in name order, recursively: on_dir (may be NULL) for each
 * directory, dir itself first, and on_file for each regular file.
 * Symlinks are followed, to files and to directories, except a link to a
 * directory the walk is already in.  A directory that cannot be listed
 * is reported, handed to on_file with a NULL stat (so a replay counts
 * it as unreadable), and skipped.
 */
void	 input_walk(const char *dir, input_dir_fn on_dir,
	     input_file_fn on_file, void *arg);

/*
 * Expand the command line's paths into files.  A path that does not exist
 * or cannot be listed is kept as a file that will report the error when
 * read.  Returns the number of files; *out is malloc'd.
 */
size_t	 input_expand(char *const *paths, size_t npaths,
	     struct input_file ***out);

/*
 * Find each file's first record time and sort the files by it (stdin
 * first, files with no record last, ties by path).
 */
void	 input_order(struct input_file **files, size_t nfiles,
	     const struct input_settings *);

/*
 * Read what the file holds now and hand every flow event to fn.  With
 * finished set, the file is read as complete: a last line without newline
 * is decoded, and a compressed stream that ends inside a frame is reported
 * as truncated (its partial line dropped).  Returns 0, or -1 when the file
 * could not be read or was truncated (reported, counted in its stats).
 */
int	 input_read(struct input_file *, const struct input_settings *,
	     bool finished, input_event_fn fn, void *arg);

/*
 * True when the first 16 KiB of path (decompressed) hold what only a
 * Zeek or Suricata log holds: a Zeek header line, or the field names of
 * Zeek JSON or eve.  fanin's own outputs (ECS documents, its state, its
 * report) do not.
 */
bool	 input_looks_like_log(const char *path);

/*
 * Start the file, not yet opened, where a copy of its content stopped:
 * another file with the same first record, read to offset (decompressed),
 * its header block at header_offset.  A compressed file is decoded from
 * its start and its lines before offset skipped.  A plain file is
 * entered by seeking where the copy's position fits it: at a line
 * boundary, or past its end while it is still being written.  Where it
 * does not (the file ends where the copy's #close began, or the bytes
 * differ), the start is the last line boundary at or before offset,
 * reached by reading so that the file's own header is decoded.  Returns
 * the offset it will start at.
 */
uint64_t input_resume_from_copy(struct input_file *, int fd,
	     uint64_t offset, uint64_t header_offset);

/*
 * Close the file's stream and decoders (the stats stay).  The offset
 * reached becomes resume_offset, so a later input_read() opens the path
 * again and continues there.
 */
void	 input_close(struct input_file *);

/*
 * The decompressed offset reading has reached: just past the last line
 * handed to the decoder, or resume_offset before the file is opened.
 * Resuming there (input_file.resume_offset) reads no line twice.
 */
uint64_t input_offset(const struct input_file *);

/*
 * Bytes of the file itself consumed so far (compressed bytes for a
 * compressed file); 0 when not open.  A plain file smaller than this was
 * truncated.
 */
uint64_t input_consumed(const struct input_file *);

/*
 * Read the same open file again from its first byte (it was truncated or
 * rewritten in place): the decoders start afresh, the stats stay.
 * Returns 0, or -1 when the file could not be reopened.
 */
int	 input_rewind(struct input_file *);

/* Close and free a file and its stats. */
void	 input_free(struct input_file *);

#endif
