/*
 * stream.h - the bytes of one input, decompressed.
 *
 * Compression is chosen by the first bytes of the file, never its name:
 * 28 b5 2f fd is zstd (any number of frames, skippable frames ignored),
 * 1f 8b is gzip (any number of members), anything else is read as is.
 *
 * A stream may be read while its file still grows.  stream_read() returning
 * 0 means "nothing more now"; stream_status() then tells whether the data
 * ended cleanly or in the middle of a compressed frame.  In follow mode a
 * frame cut short means "wait for more bytes" and the next stream_read()
 * continues where decoding stopped; for a file known to be finished it
 * means the file was truncated.
 */
#ifndef FANIN_STREAM_H
#define FANIN_STREAM_H

#include <stdint.h>
#include <sys/types.h>
#include <signal.h>

enum stream_compression {
	STREAM_PLAIN,
	STREAM_GZIP,
	STREAM_ZSTD
};

enum stream_status {
	STREAM_OK,		/* at a clean boundary (plain: always) */
	STREAM_MID_FRAME,	/* input ended inside a compressed frame */
	STREAM_CORRUPT		/* the decoder rejected the data */
};

struct stream;

/*
 * Give up a wait in open() or read() that a signal interrupted when
 * *flag is non-zero then (SIGTERM while a FIFO has no writer): open
 * fails with EINTR, a read returns nothing for now.  NULL: always retry.
 */
void		 stream_stop_on(volatile sig_atomic_t *flag);

/*
 * Open path ("-" for stdin) for reading.  Returns NULL on error with
 * errno set and a message in err (errlen bytes) naming the file.  The
 * compression is decided at the first stream_read() that sees bytes.
 */
struct stream	*stream_open(const char *path, char *err, size_t errlen);

/* Wrap an already open descriptor; name is used in messages. */
struct stream	*stream_fdopen(int fd, const char *name, char *err,
		     size_t errlen);

/*
 * Read up to len decompressed bytes into buf.  Returns the count, 0 when
 * no more bytes are available now, or -1 on a read or decode error (a
 * message is in stream_error()).  After -1 the stream stays in error.
 */
ssize_t		 stream_read(struct stream *, void *buf, size_t len);

/* Where decoding stands, after stream_read() returned 0 or -1. */
enum stream_status stream_status(const struct stream *);

/* The compression in use (STREAM_PLAIN until the first bytes are seen). */
enum stream_compression stream_compression(const struct stream *);

/* "plain", "gzip" or "zstd". */
const char	*stream_compression_name(enum stream_compression);

/* Bytes consumed from the file so far (compressed bytes). */
uint64_t	 stream_offset_in(const struct stream *);

/* Bytes handed out so far (decompressed). */
uint64_t	 stream_offset_out(const struct stream *);

/* The last error message, or "" if none. */
const char	*stream_error(const struct stream *);

/* The underlying descriptor (for fstat in follow mode). */
int		 stream_fd(const struct stream *);

/* Close the file and free the decoder. */
void		 stream_close(struct stream *);

#endif
