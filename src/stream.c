/*
 * stream.c - the bytes of one input, decompressed.
 *
 * A stream owns one descriptor, one input buffer of compressed bytes and,
 * once the first bytes are known, one decoder.  The compression is decided
 * by magic bytes alone: 28 b5 2f fd (or a skippable frame's magic, which
 * pzstd puts first) is zstd, 1f 8b is gzip, anything else is plain.  While
 * the bytes read so far are a proper prefix of a magic (a file caught in
 * its first write), nothing is decided and nothing handed out: the bytes
 * wait in the input buffer and stream_status() says STREAM_MID_FRAME.
 *
 * Every read loop below ends for one of three reasons, and the difference
 * matters to a tailer:
 *
 *   - the caller's buffer is full: the decoder may hold more output, and
 *     the next stream_read() asks it first;
 *   - read(2) returned 0 (or EAGAIN on a non-blocking pipe): there is
 *     nothing more now.  Ending inside a zstd frame (the last
 *     ZSTD_decompressStream() return was not 0) or a gzip member (no
 *     Z_STREAM_END yet) is not an error here: the decoder keeps its state,
 *     so when the file grows the next stream_read() continues exactly
 *     where decoding stopped.  Whether that means "wait" or "truncated" is
 *     the caller's call, from stream_status();
 *   - the decoder rejected the data: the stream stays in error.
 *
 * When stream_read() returns 0 every byte read from the file has been
 * given to the decoder, so stream_offset_in() equals what was read (apart
 * from an undecided magic prefix).
 *
 * gzip files may hold several members (concatenated .gz files, or a
 * writer that starts a member per flush): after Z_STREAM_END the inflater
 * is reset for the next member.  Zero bytes between or after members
 * (padding from tape or block writers) are skipped; any other byte that
 * does not start a valid member is reported as corrupt.  zstd's streaming
 * decoder already walks any number of frames and skips skippable ones.
 *
 * A descriptor given to stream_fdopen() belongs to the stream from then on
 * and is closed by stream_close(); standard input opened as "-" is left
 * open.
 *
 * Decompressing costs about as much as parsing what comes out, so a
 * compressed regular file is decoded one step ahead on a second thread
 * (read_ahead_worker()): it fills up to AHEAD_BUFFERS buffers with the
 * output of read_zstd() or read_gzip(), and stream_read() hands them
 * out.  The worker owns the decoder, the input buffer and the error
 * while it runs; it stops when the file has nothing more now or the
 * decoder fails, and stream_read() returns 0 or -1 only after it has
 * been joined, so stream_status() and stream_error() read settled
 * state.  The next stream_read() starts a new worker (a followed file
 * that grew).  Pipes are decoded on the caller's thread: a read there
 * may block, and stream_close() could not stop it.  On the benchmark's
 * zstd file (contrib/bench) this takes fanin from the sum of the two
 * costs to about the larger one.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>
#include <zlib.h>
#include <zstd.h>

#include "stream.h"
#include "util.h"

static volatile sig_atomic_t	*stop_flag;	/* stream_stop_on() */

/* True when a wait a signal interrupted is to be given up. */
static bool
stop_now(void)
{
	return stop_flag != NULL && *stop_flag;
}

/* Give up interrupted waits once *flag is set; see stream.h. */
void
stream_stop_on(volatile sig_atomic_t *flag)
{
	stop_flag = flag;
}

/* Compressed bytes read at a time for gzip and for sniffing the magic. */
#define GZIP_INPUT_SIZE	(64 * 1024)

/* Decompressed buffers the read-ahead thread may fill, and their size. */
#define AHEAD_BUFFERS	4
#define AHEAD_SIZE	(256 * 1024)

/* Whether the first bytes tell the compression yet. */
enum sniff_result {
	SNIFF_NEED_MORE,
	SNIFF_PLAIN,
	SNIFF_GZIP,
	SNIFF_ZSTD
};

/*
 * The read-ahead thread and its buffers.  Filled buffers form a ring:
 * count of them from head; the caller reads buf[head] from pos.  The
 * worker writes only the buffer after the filled ones, so buffer
 * contents need no lock; the indices, flags and offset_in do.
 */
struct ahead {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 changed;
	bool			 running;	/* started, not yet joined */
	bool			 ended;		/* the worker has stopped */
	bool			 stop;		/* stream_close() asks it to */
	ssize_t			 end_result;	/* 0 or -1, when ended */
	uint64_t		 offset_in;	/* published by the worker */
	unsigned char		*buf[AHEAD_BUFFERS];
	size_t			 len[AHEAD_BUFFERS];
	size_t			 head;
	size_t			 count;
	size_t			 pos;
};

struct stream {
	int			 fd;
	bool			 close_fd;
	char			*name;

	bool			 decided;
	enum stream_compression	 compression;
	bool			 failed;
	bool			 corrupt;
	char			 error[512];

	/* Compressed bytes read but not yet given to the decoder. */
	unsigned char		*in;
	size_t			 in_size;
	size_t			 in_pos;
	size_t			 in_len;

	ZSTD_DStream		*zstd;
	size_t			 zstd_last;	/* 0: between frames */

	z_stream		 gzip;
	bool			 gzip_ready;
	bool			 gzip_in_member;
	uint64_t		 gzip_members;

	uint64_t		 offset_in;
	uint64_t		 offset_out;

	bool			 regular;	/* may read ahead */
	struct ahead		*ahead;		/* NULL until first used */
};

/* Record an error message; the stream answers -1 from now on. */
static void
set_error(struct stream *s, bool corrupt, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(s->error, sizeof s->error, "file=%s byte=%" PRIu64
	    " (decompressed offset=%" PRIu64 ") ", s->name, s->offset_in,
	    s->offset_out);
	if (n < 0 || (size_t)n >= sizeof s->error)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(s->error + n, sizeof s->error - n, fmt, ap);
	va_end(ap);
	s->failed = true;
	s->corrupt = corrupt;
}

/* Make a stream around fd with an input buffer and no decoder yet. */
static struct stream *
stream_new(int fd, const char *name, bool close_fd)
{
	struct stream	*s = xcalloc(1, sizeof *s);
	struct stat	 st;

	s->fd = fd;
	s->close_fd = close_fd;
	s->name = xstrdup(name);
	s->compression = STREAM_PLAIN;
	s->in_size = GZIP_INPUT_SIZE;
	s->in = xmalloc(s->in_size);
	s->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	return s;
}

/* Open path, or standard input for "-". */
struct stream *
stream_open(const char *path, char *err, size_t errlen)
{
	int	fd;
	int	saved;

	if (strcmp(path, "-") == 0)
		return stream_new(STDIN_FILENO, "-", false);
	errno = EINTR;
	fd = -1;
	while (fd == -1 && errno == EINTR && !stop_now())
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		saved = errno;
		snprintf(err, errlen, "file=%s cannot open: %s", path,
		    strerror(saved));
		errno = saved;
		return NULL;
	}
	return stream_new(fd, path, true);
}

/* Wrap fd, which the stream now owns. */
struct stream *
stream_fdopen(int fd, const char *name, char *err, size_t errlen)
{
	if (fd < 0) {
		snprintf(err, errlen, "file=%s bad descriptor", name);
		errno = EBADF;
		return NULL;
	}
	return stream_new(fd, name, true);
}

/*
 * Read into buf, retrying EINTR.  Returns the count, 0 when nothing is
 * there now (end of file, or EAGAIN on a non-blocking descriptor), or -1
 * with the error recorded.
 */
static ssize_t
read_some(struct stream *s, void *buf, size_t len)
{
	ssize_t	n;

	for (;;) {
		n = read(s->fd, buf, len);
		if (n >= 0)
			return n;
		if (errno == EINTR && !stop_now())
			continue;
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		set_error(s, false, "read failed: %s", strerror(errno));
		return -1;
	}
}

/*
 * Refill the input buffer once it is used up.  Returns the bytes now
 * waiting, 0 when the file has nothing more now, or -1 on error.
 */
static ssize_t
refill(struct stream *s)
{
	ssize_t	n;

	if (s->in_pos < s->in_len)
		return (ssize_t)(s->in_len - s->in_pos);
	s->in_pos = s->in_len = 0;
	if ((n = read_some(s, s->in, s->in_size)) <= 0)
		return n;
	s->in_len = (size_t)n;
	return n;
}

/* Tell the compression from the first n bytes, if they are enough. */
static enum sniff_result
sniff(const unsigned char *b, size_t n)
{
	static const unsigned char	 zstd_magic[4] = {
		0x28, 0xb5, 0x2f, 0xfd
	};
	static const unsigned char	 skippable[4] = {
		0x50, 0x2a, 0x4d, 0x18
	};
	size_t				 i, k = n < 4 ? n : 4;

	if (n == 0)
		return SNIFF_NEED_MORE;
	if (b[0] == 0x1f) {
		if (n == 1)
			return SNIFF_NEED_MORE;
		return b[1] == 0x8b ? SNIFF_GZIP : SNIFF_PLAIN;
	}
	if (memcmp(b, zstd_magic, k) == 0)
		return k == 4 ? SNIFF_ZSTD : SNIFF_NEED_MORE;
	/* A skippable frame: 0x184d2a50 to 0x184d2a5f, little-endian. */
	if ((b[0] & 0xf0) != skippable[0])
		return SNIFF_PLAIN;
	for (i = 1; i < k; i++)
		if (b[i] != skippable[i])
			return SNIFF_PLAIN;
	return k == 4 ? SNIFF_ZSTD : SNIFF_NEED_MORE;
}

/* Set up the decoder for the compression just found. */
static int
start_decoder(struct stream *s, enum sniff_result kind)
{
	size_t	size;
	int	rc;

	switch (kind) {
	case SNIFF_GZIP:
		s->compression = STREAM_GZIP;
		/* 15 + 16: a 32 KiB window, gzip wrapper only. */
		rc = inflateInit2(&s->gzip, 15 + 16);
		if (rc != Z_OK) {
			set_error(s, false, "cannot start gzip decoder: %s",
			    zError(rc));
			return -1;
		}
		s->gzip_ready = true;
		break;
	case SNIFF_ZSTD:
		s->compression = STREAM_ZSTD;
		if ((s->zstd = ZSTD_createDStream()) == NULL) {
			set_error(s, false, "cannot start zstd decoder");
			return -1;
		}
		ZSTD_initDStream(s->zstd);
		size = ZSTD_DStreamInSize();
		if (size > s->in_size) {
			s->in = xrealloc(s->in, size);
			s->in_size = size;
		}
		break;
	default:
		s->compression = STREAM_PLAIN;
		break;
	}
	s->decided = true;
	log_debug("file=%s compression=%s", s->name,
	    stream_compression_name(s->compression));
	return 0;
}

/*
 * Read until the magic bytes decide the compression.  Returns 1 when
 * decided, 0 when the file holds too few bytes yet, -1 on error.  The loop
 * ends because every read either adds bytes (and four always decide) or
 * returns 0.
 */
static int
decide(struct stream *s)
{
	enum sniff_result	kind;
	ssize_t			n;

	for (;;) {
		kind = sniff(s->in + s->in_pos, s->in_len - s->in_pos);
		if (kind != SNIFF_NEED_MORE)
			break;
		if (s->in_pos > 0) {
			memmove(s->in, s->in + s->in_pos,
			    s->in_len - s->in_pos);
			s->in_len -= s->in_pos;
			s->in_pos = 0;
		}
		n = read_some(s, s->in + s->in_len, s->in_size - s->in_len);
		if (n <= 0)
			return (int)n;
		s->in_len += (size_t)n;
	}
	return start_decoder(s, kind) == 0 ? 1 : -1;
}

/* Hand out plain bytes: first any sniffed ones, then straight from read. */
static ssize_t
read_plain(struct stream *s, unsigned char *buf, size_t len)
{
	size_t	n = s->in_len - s->in_pos;
	ssize_t	got;

	if (n > 0) {
		if (n > len)
			n = len;
		memcpy(buf, s->in + s->in_pos, n);
		s->in_pos += n;
		s->offset_in += n;
		return (ssize_t)n;
	}
	if ((got = read_some(s, buf, len)) > 0)
		s->offset_in += (uint64_t)got;
	return got;
}

/*
 * Decode zstd into buf.  The loop ends when buf is full, when the file has
 * no more bytes now, or on corrupt data.  Without input and between frames
 * (last return 0) the decoder holds nothing, so it is not asked; in a
 * frame it is asked even without input, for output it held back when the
 * caller's buffer filled up.
 */
static ssize_t
read_zstd(struct stream *s, unsigned char *buf, size_t len)
{
	ZSTD_outBuffer	out = { buf, len, 0 };
	ZSTD_inBuffer	in;
	size_t		ret, before_out;
	ssize_t		n;

	for (;;) {
		if (s->in_pos < s->in_len || s->zstd_last != 0) {
			in.src = s->in;
			in.size = s->in_len;
			in.pos = s->in_pos;
			before_out = out.pos;
			ret = ZSTD_decompressStream(s->zstd, &out, &in);
			s->offset_in += in.pos - s->in_pos;
			if (ZSTD_isError(ret)) {
				s->in_pos = in.pos;
				set_error(s, true, "corrupt zstd data: %s",
				    ZSTD_getErrorName(ret));
				break;
			}
			/* The library promises progress; a stall is a bug. */
			if (in.pos == s->in_pos && out.pos == before_out &&
			    in.pos < in.size && out.pos < out.size) {
				set_error(s, true, "zstd decoder stalled");
				break;
			}
			s->in_pos = in.pos;
			s->zstd_last = ret;
		}
		if (out.pos == out.size)
			break;
		if (s->in_pos < s->in_len)
			continue;
		/* Input used up: read more, or stop (mid-frame = wait). */
		if ((n = refill(s)) <= 0)
			break;
	}
	if (s->failed && out.pos == 0)
		return -1;
	return (ssize_t)out.pos;
}

/*
 * Between gzip members: skip zero padding, then reset the inflater if
 * another member starts.  Returns true when a member is open.
 */
static bool
gzip_next_member(struct stream *s)
{
	while (s->in_pos < s->in_len && s->in[s->in_pos] == 0) {
		s->in_pos++;
		s->offset_in++;
	}
	if (s->in_pos == s->in_len)
		return false;
	if (s->gzip_members > 0)
		inflateReset(&s->gzip);
	s->gzip_in_member = true;
	return true;
}

/*
 * Decode gzip into buf.  The loop ends when buf is full, when the file has
 * no more bytes now (inside a member: wait for more, the z_stream keeps
 * its place), or on corrupt data, including bytes after a member that do
 * not start another one.
 */
static ssize_t
read_gzip(struct stream *s, unsigned char *buf, size_t len)
{
	z_stream	*z = &s->gzip;
	size_t		 produced = 0, used, made;
	ssize_t		 n;
	int		 rc;

	for (;;) {
		if (s->gzip_in_member || gzip_next_member(s)) {
			z->next_in = s->in + s->in_pos;
			z->avail_in = (uInt)(s->in_len - s->in_pos);
			z->next_out = buf + produced;
			z->avail_out = (uInt)(len - produced);
			rc = inflate(z, Z_NO_FLUSH);
			used = (s->in_len - s->in_pos) - z->avail_in;
			made = (len - produced) - z->avail_out;
			s->in_pos += used;
			s->offset_in += used;
			produced += made;
			if (rc == Z_STREAM_END) {
				s->gzip_in_member = false;
				s->gzip_members++;
			} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
				set_error(s, true, "corrupt gzip data%s: %s",
				    s->gzip_members > 0 ?
				    " after a complete member" : "",
				    z->msg != NULL ? z->msg : zError(rc));
				break;
			} else if (used == 0 && made == 0 &&
			    s->in_pos < s->in_len && produced < len) {
				set_error(s, true, "gzip decoder stalled");
				break;
			}
		}
		if (produced == len)
			break;
		if (s->in_pos < s->in_len)
			continue;
		/* Input used up: read more, or stop (mid-member = wait). */
		if ((n = refill(s)) <= 0)
			break;
	}
	if (s->failed && produced == 0)
		return -1;
	return (ssize_t)produced;
}

/* Decode into buf on the calling thread, by the compression in use. */
static ssize_t
decode_some(struct stream *s, unsigned char *buf, size_t len)
{
	if (s->compression == STREAM_GZIP)
		return read_gzip(s, buf, len);
	return read_zstd(s, buf, len);
}

/*
 * The read-ahead thread: fill free buffers until the file has nothing
 * more now, the decoder fails, or stream_close() says stop.
 */
static void *
read_ahead_worker(void *arg)
{
	struct stream	*s = arg;
	struct ahead	*a = s->ahead;
	size_t		 slot;
	ssize_t		 n;

	for (;;) {
		pthread_mutex_lock(&a->lock);
		while (a->count == AHEAD_BUFFERS && !a->stop)
			pthread_cond_wait(&a->changed, &a->lock);
		if (a->stop) {
			a->ended = true;
			pthread_mutex_unlock(&a->lock);
			return NULL;
		}
		slot = (a->head + a->count) % AHEAD_BUFFERS;
		pthread_mutex_unlock(&a->lock);

		n = decode_some(s, a->buf[slot], AHEAD_SIZE);

		pthread_mutex_lock(&a->lock);
		a->offset_in = s->offset_in;
		if (n > 0) {
			a->len[slot] = (size_t)n;
			a->count++;
		} else {
			a->ended = true;
			a->end_result = n;
		}
		pthread_cond_signal(&a->changed);
		pthread_mutex_unlock(&a->lock);
		if (n <= 0)
			return NULL;
	}
}

/*
 * Start the read-ahead thread.  Returns -1 when it cannot be started;
 * the stream then decodes on the caller's thread, as it would anyway.
 */
static int
read_ahead_start(struct stream *s)
{
	struct ahead	*a = s->ahead;
	size_t		 i;

	if (a == NULL) {
		a = s->ahead = xcalloc(1, sizeof *a);
		for (i = 0; i < AHEAD_BUFFERS; i++)
			a->buf[i] = xmalloc(AHEAD_SIZE);
		pthread_mutex_init(&a->lock, NULL);
		pthread_cond_init(&a->changed, NULL);
	}
	a->ended = a->stop = false;
	a->head = a->count = a->pos = 0;
	a->offset_in = s->offset_in;
	if (pthread_create(&a->thread, NULL, read_ahead_worker, s) != 0)
		return -1;
	a->running = true;
	return 0;
}

/* Wait for the read-ahead thread to end and take its state back. */
static void
read_ahead_join(struct stream *s)
{
	pthread_join(s->ahead->thread, NULL);
	s->ahead->running = false;
}

/*
 * Hand out bytes the read-ahead thread decoded, waiting for some if none
 * are ready.  When it has stopped and every buffer is handed out, it is
 * joined and its last result (0 or -1) returned.
 */
static ssize_t
read_ahead(struct stream *s, unsigned char *buf, size_t len)
{
	struct ahead	*a = s->ahead;
	size_t		 n;
	ssize_t		 result;

	pthread_mutex_lock(&a->lock);
	while (a->count == 0 && !a->ended)
		pthread_cond_wait(&a->changed, &a->lock);
	if (a->count == 0) {
		result = a->end_result;
		pthread_mutex_unlock(&a->lock);
		read_ahead_join(s);
		return result;
	}
	pthread_mutex_unlock(&a->lock);

	n = a->len[a->head] - a->pos;
	if (n > len)
		n = len;
	memcpy(buf, a->buf[a->head] + a->pos, n);
	a->pos += n;
	if (a->pos == a->len[a->head]) {
		pthread_mutex_lock(&a->lock);
		a->head = (a->head + 1) % AHEAD_BUFFERS;
		a->count--;
		a->pos = 0;
		pthread_cond_signal(&a->changed);
		pthread_mutex_unlock(&a->lock);
	}
	return (ssize_t)n;
}

/* Stop the read-ahead thread, if it runs, and free its buffers. */
static void
read_ahead_free(struct stream *s)
{
	struct ahead	*a = s->ahead;
	size_t		 i;

	if (a == NULL)
		return;
	if (a->running) {
		pthread_mutex_lock(&a->lock);
		a->stop = true;
		pthread_cond_signal(&a->changed);
		pthread_mutex_unlock(&a->lock);
		read_ahead_join(s);
	}
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->changed);
	for (i = 0; i < AHEAD_BUFFERS; i++)
		free(a->buf[i]);
	free(a);
	s->ahead = NULL;
}

/*
 * Read decompressed bytes.  Bytes decoded before an error are handed out
 * first; the error is returned by the next call.
 */
ssize_t
stream_read(struct stream *s, void *buf, size_t len)
{
	ssize_t	n;
	int	rc;

	if (len == 0)
		return 0;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (s->ahead == NULL || !s->ahead->running) {
		if (s->failed)
			return -1;
		if (!s->decided && (rc = decide(s)) <= 0)
			return rc;
		if (s->compression != STREAM_PLAIN && s->regular)
			read_ahead_start(s);
	}
	if (s->ahead != NULL && s->ahead->running) {
		if ((n = read_ahead(s, buf, len)) > 0)
			s->offset_out += (uint64_t)n;
		return n;
	}
	switch (s->compression) {
	case STREAM_GZIP:
		if (len > UINT_MAX)
			len = UINT_MAX;
		n = read_gzip(s, buf, len);
		break;
	case STREAM_ZSTD:
		n = read_zstd(s, buf, len);
		break;
	default:
		n = read_plain(s, buf, len);
		break;
	}
	if (n > 0)
		s->offset_out += (uint64_t)n;
	return n;
}

/* Where decoding stands: clean boundary, inside a frame, or rejected. */
enum stream_status
stream_status(const struct stream *s)
{
	if (s->corrupt)
		return STREAM_CORRUPT;
	if (!s->decided)
		return s->in_len > s->in_pos ? STREAM_MID_FRAME : STREAM_OK;
	switch (s->compression) {
	case STREAM_GZIP:
		return s->gzip_in_member ? STREAM_MID_FRAME : STREAM_OK;
	case STREAM_ZSTD:
		return s->zstd_last != 0 ? STREAM_MID_FRAME : STREAM_OK;
	default:
		return STREAM_OK;
	}
}

/* The compression in use. */
enum stream_compression
stream_compression(const struct stream *s)
{
	return s->compression;
}

/* A compression's name for messages and statistics. */
const char *
stream_compression_name(enum stream_compression c)
{
	switch (c) {
	case STREAM_GZIP:
		return "gzip";
	case STREAM_ZSTD:
		return "zstd";
	default:
		return "plain";
	}
}

/* Compressed bytes consumed. */
uint64_t
stream_offset_in(const struct stream *s)
{
	uint64_t	offset;

	if (s->ahead == NULL || !s->ahead->running)
		return s->offset_in;
	pthread_mutex_lock(&s->ahead->lock);
	offset = s->ahead->offset_in;
	pthread_mutex_unlock(&s->ahead->lock);
	return offset;
}

/* Decompressed bytes handed out. */
uint64_t
stream_offset_out(const struct stream *s)
{
	return s->offset_out;
}

/* The last error, or "". */
const char *
stream_error(const struct stream *s)
{
	return s->error;
}

/* The descriptor underneath. */
int
stream_fd(const struct stream *s)
{
	return s->fd;
}

/* Free the decoder and buffers, and close the descriptor if ours. */
void
stream_close(struct stream *s)
{
	if (s == NULL)
		return;
	read_ahead_free(s);
	if (s->gzip_ready)
		inflateEnd(&s->gzip);
	if (s->zstd != NULL)
		ZSTD_freeDStream(s->zstd);
	if (s->close_fd)
		close(s->fd);
	free(s->in);
	free(s->name);
	free(s);
}
