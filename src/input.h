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

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "flow.h"
#include "lines.h"
#include "record.h"
#include "stats.h"
#include "stream.h"

/* How an input is read. */
struct input_settings {
	size_t			 max_line;
	struct record_limits	 limits;
};

/* One input file and where reading it stands. */
struct input_file {
	char			*path;
	bool			 is_stdin;
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
};

/* Called for every flow event decoded from a file. */
typedef void (*input_event_fn)(void *arg, struct input_file *,
    struct flow_event *, const struct line *);

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

/* Close the file's stream and decoders (the stats stay). */
void	 input_close(struct input_file *);

/* Close and free a file and its stats. */
void	 input_free(struct input_file *);

#endif
