/*
 * lines.h - framing decompressed bytes into lines.
 *
 * Bytes are fed in as they arrive; complete lines come out.  A last line
 * without its newline waits for more bytes, and is handed out only when
 * the caller says the input is finished.  A line longer than max_line is
 * discarded up to its newline and counted, never split into records.
 * Runs of NUL bytes (the hole a copytruncate leaves before a writer that
 * does not use O_APPEND) are skipped and counted; they never reach a
 * decoder.  A trailing "\r" is removed.
 */
#ifndef FANIN_LINES_H
#define FANIN_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct line_reader;

/* One line handed out by line_reader_next(). */
struct line {
	const char	*text;		/* not NUL terminated; valid until the
					   next call into the reader */
	size_t		 len;
	uint64_t	 number;	/* 1-based physical line number */
	uint64_t	 offset;	/* byte offset of the line's start in
					   the decompressed stream */
};

/* Where a line is: its number and the stream offset of its start. */
struct line_place {
	uint64_t	 number;
	uint64_t	 offset;
};

/* A reader that keeps lines up to max_line bytes. */
struct line_reader	*line_reader_new(size_t max_line);

/* Free the reader and its buffer. */
void			 line_reader_free(struct line_reader *);

/* Append len bytes of input. */
void			 line_reader_feed(struct line_reader *,
			     const void *bytes, size_t len);

/*
 * Take the next complete line.  Returns true and fills *out, or false when
 * no complete line is buffered.  With finished set, a final unterminated
 * line is handed out too.
 */
bool			 line_reader_next(struct line_reader *,
			     bool finished, struct line *out);

/* Bytes buffered but not yet handed out (a partial last line). */
size_t			 line_reader_pending(const struct line_reader *);

/* Drop whatever partial line is buffered (a cut compressed stream). */
void			 line_reader_discard(struct line_reader *);

/* Lines discarded for being longer than max_line. */
uint64_t		 line_reader_long_lines(const struct line_reader *);

/* NUL bytes skipped. */
uint64_t		 line_reader_nul_bytes(const struct line_reader *);

/* Where the first long line was (valid once one was discarded). */
struct line_place	 line_reader_first_long(const struct line_reader *);

/* The line that held the first NUL skipped (valid once one was). */
struct line_place	 line_reader_first_nul(const struct line_reader *);

/* Offset just past the last line handed out (a safe resume point). */
uint64_t		 line_reader_offset(const struct line_reader *);

#endif
