/*
 * test_stream.c - decompression by magic bytes, of finished, cut and
 * growing files.
 *
 * The fault cases in ../shared/cases give the real shapes: a gzip of three
 * members, a zstd file complete and cut 40 bytes short, a gzip still being
 * written.  Each case's expected.txt states the numbers asserted here.
 * Other shapes of the same faults (zero padding, garbage after a member,
 * skippable frames, a magic not yet complete) are built in the test with
 * zlib and libzstd.  A file "growing" is a temporary file appended to
 * between reads; a pipe set non-blocking stands for a writer that pauses.
 *
 * The whole program is skipped (exit 77) without the shared cases.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>
#include <zstd.h>

#include "stream.h"
#include "util.h"

#ifdef SHARED_DIR
#define CASES	SHARED_DIR "/cases/"
#else
#define CASES	""
#endif

/* A growable byte buffer. */
struct bytes {
	char	*data;
	size_t	 len;
	size_t	 size;
};

/* Append len bytes to b. */
static void
bytes_add(struct bytes *b, const void *p, size_t len)
{
	if (b->len + len + 1 > b->size) {
		b->size = (b->len + len + 1) * 2;
		b->data = xrealloc(b->data, b->size);
	}
	memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

/* Free b's memory and empty it. */
static void
bytes_free(struct bytes *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Count the occurrences of c in b. */
static size_t
count_char(const struct bytes *b, char c)
{
	size_t	i, n = 0;

	for (i = 0; i < b->len; i++)
		if (b->data[i] == c)
			n++;
	return n;
}

/* Count the occurrences of the string needle in b. */
static size_t
count_string(const struct bytes *b, const char *needle)
{
	const char	*p = b->data;
	size_t		 n = 0;

	if (p == NULL)
		return 0;
	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* Bytes after the last newline of b. */
static size_t
partial_tail(const struct bytes *b)
{
	size_t	i = b->len;

	while (i > 0 && b->data[i - 1] != '\n')
		i--;
	return b->len - i;
}

/* Read a whole file into b. */
static void
slurp(const char *path, struct bytes *b)
{
	char	chunk[8192];
	ssize_t	n;
	int	fd;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		bytes_add(b, chunk, (size_t)n);
	assert_int_equal(n, 0);
	close(fd);
}

/* Write len bytes to fd, all of them. */
static void
write_all(int fd, const void *p, size_t len)
{
	const char	*c = p;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, c, len);
		assert_true(n > 0);
		c += n;
		len -= (size_t)n;
	}
}

/* Make an empty temporary file; its path goes into path. */
static int
temp_file(char *path, size_t len)
{
	const char	*dir = getenv("TMPDIR");
	size_t		 n;
	int		 fd;

	/* mkstemp() replaces the six trailing X's. */
	n = (size_t)snprintf(path, len, "%s/test_stream.", dir ? dir : "/tmp");
	assert_true(n + 7 <= len);
	memset(path + n, 'X', 6);
	path[n + 6] = '\0';
	fd = mkstemp(path);
	assert_true(fd >= 0);
	return fd;
}

/* Read until the stream has nothing more; returns the last result. */
static ssize_t
drain(struct stream *s, struct bytes *out, size_t chunk)
{
	char	*buf = xmalloc(chunk);
	ssize_t	 n;

	while ((n = stream_read(s, buf, chunk)) > 0)
		bytes_add(out, buf, (size_t)n);
	free(buf);
	return n;
}

/* Open path, which must open. */
static struct stream *
must_open(const char *path)
{
	char		 err[512];
	struct stream	*s = stream_open(path, err, sizeof err);

	if (s == NULL)
		fail_msg("%s", err);
	return s;
}

/* Decompress a gzip file with zlib's own reader, as a reference. */
static void
gunzip_reference(const char *path, struct bytes *out)
{
	gzFile	gz = gzopen(path, "rb");
	char	chunk[8192];
	int	n;

	assert_non_null(gz);
	while ((n = gzread(gz, chunk, sizeof chunk)) > 0)
		bytes_add(out, chunk, (size_t)n);
	assert_int_equal(n, 0);
	gzclose(gz);
}

/* Decompress a whole zstd file in one call, as a reference. */
static void
unzstd_reference(const struct bytes *in, struct bytes *out)
{
	size_t	n;

	/* The frame does not record its size; 8 MiB is ample here. */
	out->size = 8 * 1024 * 1024;
	out->data = xmalloc(out->size);
	n = ZSTD_decompress(out->data, out->size - 1, in->data, in->len);
	assert_false(ZSTD_isError(n));
	out->len = n;
	out->data[n] = '\0';
}

/* One gzip member holding text. */
static void
gzip_member(const char *text, struct bytes *out)
{
	unsigned char	buf[1024];
	z_stream	z;

	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)strlen(text);
	z.next_out = buf;
	z.avail_out = sizeof buf;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	bytes_add(out, buf, sizeof buf - z.avail_out);
	deflateEnd(&z);
}

/* One zstd frame holding text. */
static void
zstd_frame(const char *text, struct bytes *out)
{
	char	buf[1024];
	size_t	n;

	n = ZSTD_compress(buf, sizeof buf, text, strlen(text), 3);
	assert_false(ZSTD_isError(n));
	bytes_add(out, buf, n);
}

/* One skippable zstd frame with a few bytes of payload. */
static void
zstd_skippable(unsigned variant, struct bytes *out)
{
	unsigned char	frame[8 + 5] = {
		0x50, 0x2a, 0x4d, 0x18, 5, 0, 0, 0, 'm', 'e', 't', 'a', 0
	};

	frame[0] |= variant & 0x0f;
	bytes_add(out, frame, sizeof frame);
}

/* Write b to a new temporary file and open a stream on it. */
static struct stream *
open_bytes(const struct bytes *b, char *path, size_t len)
{
	int	fd = temp_file(path, len);

	write_all(fd, b->data, b->len);
	close(fd);
	return must_open(path);
}

/* Case 26: three gzip members give all six rows, header once. */
static void
test_gzip_multi_member(void **state)
{
	const char	*path = CASES "26-gzip-multi-member/"
			    "conn.10:00:00-11:00:00.log.gz";
	struct bytes	 out = { 0 }, ref = { 0 };
	struct stream	*s = must_open(path);
	char		 row[32];
	int		 i;

	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(stream_compression(s), STREAM_GZIP);
	assert_string_equal(stream_compression_name(stream_compression(s)),
	    "gzip");
	assert_int_equal(stream_offset_in(s), 575);
	assert_int_equal(stream_offset_out(s), out.len);
	assert_string_equal(stream_error(s), "");

	gunzip_reference(path, &ref);
	assert_int_equal(out.len, ref.len);
	assert_memory_equal(out.data, ref.data, ref.len);
	assert_int_equal(count_char(&out, '\n'), 15);
	assert_int_equal(count_string(&out, "\n1767607"), 6);
	assert_int_equal(count_string(&out, "#fields"), 1);
	assert_int_equal(count_string(&out, "#close"), 1);
	for (i = 0; i < 6; i++) {
		snprintf(row, sizeof row, "\t198.51.100.%d\t", 10 + i);
		assert_int_equal(count_string(&out, row), 1);
	}
	stream_close(s);
	bytes_free(&out);
	bytes_free(&ref);
}

/* Case 26 again, output one byte per call: member ends fall anywhere. */
static void
test_gzip_one_byte_reads(void **state)
{
	const char	*path = CASES "26-gzip-multi-member/"
			    "conn.10:00:00-11:00:00.log.gz";
	struct bytes	 out = { 0 }, ref = { 0 };
	struct stream	*s = must_open(path);

	assert_int_equal(drain(s, &out, 1), 0);
	assert_int_equal(stream_status(s), STREAM_OK);
	gunzip_reference(path, &ref);
	assert_int_equal(out.len, ref.len);
	assert_memory_equal(out.data, ref.data, ref.len);
	stream_close(s);
	bytes_free(&out);
	bytes_free(&ref);
}

/* Case 26 written one compressed byte at a time while being read. */
static void
test_gzip_growing_byte_by_byte(void **state)
{
	const char	*path = CASES "26-gzip-multi-member/"
			    "conn.10:00:00-11:00:00.log.gz";
	struct bytes	 gz = { 0 }, out = { 0 }, ref = { 0 };
	struct stream	*s;
	char		 tmp[256];
	size_t		 i, boundaries = 0;
	int		 fd;

	slurp(path, &gz);
	fd = temp_file(tmp, sizeof tmp);
	s = must_open(tmp);
	for (i = 0; i < gz.len; i++) {
		write_all(fd, gz.data + i, 1);
		assert_int_equal(drain(s, &out, 4096), 0);
		if (i == 0) {
			/* Only 1f: the magic is not complete yet. */
			assert_int_equal(stream_compression(s),
			    STREAM_PLAIN);
			assert_int_equal(out.len, 0);
		}
		if (stream_status(s) == STREAM_OK)
			boundaries++;
		else
			assert_int_equal(stream_status(s), STREAM_MID_FRAME);
	}
	/* Clean only at the end of each of the three members. */
	assert_int_equal(boundaries, 3);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(stream_offset_in(s), gz.len);
	gunzip_reference(path, &ref);
	assert_int_equal(out.len, ref.len);
	assert_memory_equal(out.data, ref.data, ref.len);
	close(fd);
	stream_close(s);
	unlink(tmp);
	bytes_free(&gz);
	bytes_free(&out);
	bytes_free(&ref);
}

/* Case 28: the complete file gives 1500 lines in order, no error. */
static void
test_zstd_complete(void **state)
{
	const char	*path = CASES "28-zstd-truncated-or-growing/"
			    "complete.conn.log.zst";
	struct bytes	 out = { 0 }, zst = { 0 }, ref = { 0 };
	struct stream	*s = must_open(path);
	char		 uid[32];
	const char	*p;
	int		 i;

	assert_int_equal(drain(s, &out, 65536), 0);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(stream_compression(s), STREAM_ZSTD);
	assert_int_equal(stream_offset_in(s), 5286);
	assert_string_equal(stream_error(s), "");
	assert_int_equal(count_char(&out, '\n'), 1500);
	assert_int_equal(partial_tail(&out), 0);

	p = out.data;
	for (i = 0; i < 1500; i++) {
		snprintf(uid, sizeof uid, "\"uid\":\"CztA%04d\"", i);
		p = strstr(p, uid);
		assert_non_null(p);
	}
	slurp(path, &zst);
	unzstd_reference(&zst, &ref);
	assert_int_equal(out.len, ref.len);
	assert_int_equal(stream_offset_out(s), ref.len);
	assert_memory_equal(out.data, ref.data, ref.len);
	stream_close(s);
	bytes_free(&out);
	bytes_free(&zst);
	bytes_free(&ref);
}

/* Case 28: output one byte per call, so the decoder holds output back. */
static void
test_zstd_one_byte_reads(void **state)
{
	const char	*path = CASES "28-zstd-truncated-or-growing/"
			    "complete.conn.log.zst";
	struct bytes	 out = { 0 }, zst = { 0 }, ref = { 0 };
	struct stream	*s = must_open(path);

	assert_int_equal(drain(s, &out, 1), 0);
	assert_int_equal(stream_status(s), STREAM_OK);
	slurp(path, &zst);
	unzstd_reference(&zst, &ref);
	assert_int_equal(out.len, ref.len);
	assert_memory_equal(out.data, ref.data, ref.len);
	stream_close(s);
	bytes_free(&out);
	bytes_free(&zst);
	bytes_free(&ref);
}

/* Case 28: the cut file gives 1032 lines and 16 bytes, mid-frame. */
static void
test_zstd_truncated(void **state)
{
	const char	*path = CASES "28-zstd-truncated-or-growing/"
			    "truncated.conn.log.zst";
	const char	*whole = CASES "28-zstd-truncated-or-growing/"
			    "complete.conn.log.zst";
	struct bytes	 out = { 0 }, zst = { 0 }, ref = { 0 };
	struct stream	*s = must_open(path);

	assert_int_equal(drain(s, &out, 65536), 0);
	assert_int_equal(stream_status(s), STREAM_MID_FRAME);
	assert_int_equal(stream_compression(s), STREAM_ZSTD);
	assert_string_equal(stream_error(s), "");
	assert_int_equal(stream_offset_in(s), 5246);
	assert_int_equal(count_char(&out, '\n'), 1032);
	assert_int_equal(partial_tail(&out), 16);

	/* What came out is exactly the start of the complete file. */
	slurp(whole, &zst);
	unzstd_reference(&zst, &ref);
	assert_true(out.len < ref.len);
	assert_memory_equal(out.data, ref.data, out.len);

	/* Asking again changes nothing: still waiting, not an error. */
	assert_int_equal(drain(s, &out, 65536), 0);
	assert_int_equal(stream_status(s), STREAM_MID_FRAME);
	stream_close(s);
	bytes_free(&out);
	bytes_free(&zst);
	bytes_free(&ref);
}

/* Case 28: the complete file written 97 bytes at a time while read. */
static void
test_zstd_growing_file(void **state)
{
	const char	*path = CASES "28-zstd-truncated-or-growing/"
			    "complete.conn.log.zst";
	struct bytes	 zst = { 0 }, out = { 0 }, ref = { 0 };
	struct stream	*s;
	char		 tmp[256];
	size_t		 at, n;
	int		 fd;

	slurp(path, &zst);
	unzstd_reference(&zst, &ref);
	fd = temp_file(tmp, sizeof tmp);
	s = must_open(tmp);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(stream_status(s), STREAM_OK);
	for (at = 0; at < zst.len; at += n) {
		n = zst.len - at < 97 ? zst.len - at : 97;
		write_all(fd, zst.data + at, n);
		assert_int_equal(drain(s, &out, 4096), 0);
		assert_int_equal(stream_status(s), at + n < zst.len ?
		    STREAM_MID_FRAME : STREAM_OK);
		assert_int_equal(stream_offset_in(s), at + n);
		assert_true(out.len <= ref.len);
		assert_memory_equal(out.data, ref.data, out.len);
	}
	assert_int_equal(out.len, ref.len);
	assert_int_equal(count_char(&out, '\n'), 1500);
	assert_int_equal(count_string(&out, "\"uid\":\"CztA0777\""), 1);
	close(fd);
	stream_close(s);
	unlink(tmp);
	bytes_free(&zst);
	bytes_free(&out);
	bytes_free(&ref);
}

/* Case 28 through a non-blocking pipe, 61 bytes per write. */
static void
test_zstd_through_pipe(void **state)
{
	const char	*path = CASES "28-zstd-truncated-or-growing/"
			    "complete.conn.log.zst";
	struct bytes	 zst = { 0 }, out = { 0 }, ref = { 0 };
	struct stream	*s;
	char		 err[256];
	size_t		 at, n;
	int		 fds[2];

	slurp(path, &zst);
	unzstd_reference(&zst, &ref);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	s = stream_fdopen(fds[0], "pipe", err, sizeof err);
	assert_non_null(s);
	assert_int_equal(stream_fd(s), fds[0]);
	for (at = 0; at < zst.len; at += n) {
		n = zst.len - at < 61 ? zst.len - at : 61;
		write_all(fds[1], zst.data + at, n);
		assert_int_equal(drain(s, &out, 8192), 0);
	}
	close(fds[1]);
	assert_int_equal(drain(s, &out, 8192), 0);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(out.len, ref.len);
	assert_memory_equal(out.data, ref.data, ref.len);
	stream_close(s);
	bytes_free(&zst);
	bytes_free(&out);
	bytes_free(&ref);
}

/* Case 29: two rows while the gzip is open, all five once it ends. */
static void
test_gzip_being_written(void **state)
{
	const char	*dir = CASES "29-gzip-being-written/";
	char		 p1[512], p2[512], tmp[256], row[32];
	struct bytes	 a = { 0 }, b = { 0 }, out = { 0 }, ref = { 0 };
	struct stream	*s;
	int		 fd, i;

	snprintf(p1, sizeof p1, "%sphase1.conn.log.gz", dir);
	snprintf(p2, sizeof p2, "%sphase2.append.bin", dir);
	slurp(p1, &a);
	slurp(p2, &b);
	fd = temp_file(tmp, sizeof tmp);
	write_all(fd, a.data, a.len);
	s = must_open(tmp);

	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(stream_status(s), STREAM_MID_FRAME);
	assert_string_equal(stream_error(s), "");
	assert_int_equal(count_string(&out, "\n1767607"), 3);
	assert_int_equal(count_string(&out, "\tCgwA0\t"), 1);
	assert_int_equal(count_string(&out, "\tCgwA1\t"), 1);
	assert_true(partial_tail(&out) > 0);
	out.data[out.len - partial_tail(&out)] = '\0';
	assert_int_equal(count_string(&out, "\n1767607"), 2);
	out.data[out.len - partial_tail(&out)] = '1';

	write_all(fd, b.data, b.len);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(stream_offset_in(s), a.len + b.len);
	assert_int_equal(count_string(&out, "\n1767607"), 5);
	for (i = 0; i < 5; i++) {
		snprintf(row, sizeof row, "\tCgwA%d\t198.51.100.%d\t", i,
		    10 + i);
		assert_int_equal(count_string(&out, row), 1);
	}
	assert_int_equal(count_string(&out, "#close"), 1);

	close(fd);
	gunzip_reference(tmp, &ref);
	assert_int_equal(out.len, ref.len);
	assert_memory_equal(out.data, ref.data, ref.len);
	stream_close(s);
	unlink(tmp);
	bytes_free(&a);
	bytes_free(&b);
	bytes_free(&out);
	bytes_free(&ref);
}

/* Zero padding after and between members is skipped. */
static void
test_gzip_zero_padding(void **state)
{
	static const char	 zeros[1000];
	struct bytes		 gz = { 0 }, out = { 0 };
	struct stream		*s;
	char			 tmp[256];

	gzip_member("alpha\n", &gz);
	bytes_add(&gz, zeros, 10);
	gzip_member("beta\n", &gz);
	bytes_add(&gz, zeros, sizeof zeros);
	s = open_bytes(&gz, tmp, sizeof tmp);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(out.len, 11);
	assert_memory_equal(out.data, "alpha\nbeta\n", 11);
	assert_int_equal(stream_offset_in(s), gz.len);
	stream_close(s);
	unlink(tmp);
	bytes_free(&gz);
	bytes_free(&out);
}

/* Bytes after a member that start no member are corrupt, named. */
static void
test_gzip_trailing_garbage(void **state)
{
	struct bytes	 gz = { 0 }, out = { 0 };
	struct stream	*s;
	char		 tmp[256];

	gzip_member("alpha\nbeta\n", &gz);
	bytes_add(&gz, "garbage!\n", 9);
	s = open_bytes(&gz, tmp, sizeof tmp);
	assert_int_equal(drain(s, &out, 4096), -1);
	assert_int_equal(out.len, 11);
	assert_memory_equal(out.data, "alpha\nbeta\n", 11);
	assert_int_equal(stream_status(s), STREAM_CORRUPT);
	assert_non_null(strstr(stream_error(s), tmp));
	assert_non_null(strstr(stream_error(s), "gzip"));
	/* The stream stays in error. */
	assert_int_equal(drain(s, &out, 4096), -1);
	stream_close(s);
	unlink(tmp);
	bytes_free(&gz);
	bytes_free(&out);
}

/* A member whose CRC does not match is corrupt. */
static void
test_gzip_bad_crc(void **state)
{
	struct bytes	 gz = { 0 }, out = { 0 };
	struct stream	*s;
	char		 tmp[256];

	gzip_member("alpha\nbeta\n", &gz);
	gz.data[gz.len - 8] ^= 0x55;
	s = open_bytes(&gz, tmp, sizeof tmp);
	assert_int_equal(drain(s, &out, 4096), -1);
	assert_int_equal(stream_status(s), STREAM_CORRUPT);
	assert_non_null(strstr(stream_error(s), tmp));
	stream_close(s);
	unlink(tmp);
	bytes_free(&gz);
	bytes_free(&out);
}

/* Skippable frames, first and between frames, are passed over. */
static void
test_zstd_skippable_frames(void **state)
{
	struct bytes	 zst = { 0 }, out = { 0 };
	struct stream	*s;
	char		 tmp[256];

	zstd_skippable(0, &zst);
	zstd_frame("alpha\n", &zst);
	zstd_skippable(0x0e, &zst);
	zstd_frame("beta\n", &zst);
	zstd_skippable(0x03, &zst);
	s = open_bytes(&zst, tmp, sizeof tmp);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(stream_compression(s), STREAM_ZSTD);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(out.len, 11);
	assert_memory_equal(out.data, "alpha\nbeta\n", 11);
	assert_int_equal(stream_offset_in(s), zst.len);
	stream_close(s);
	unlink(tmp);
	bytes_free(&zst);
	bytes_free(&out);
}

/* Bytes after a frame that are no frame are corrupt, named. */
static void
test_zstd_trailing_garbage(void **state)
{
	struct bytes	 zst = { 0 }, out = { 0 };
	struct stream	*s;
	char		 tmp[256];

	zstd_frame("alpha\n", &zst);
	bytes_add(&zst, "garbage!\n", 9);
	s = open_bytes(&zst, tmp, sizeof tmp);
	assert_int_equal(drain(s, &out, 4096), -1);
	assert_int_equal(out.len, 6);
	assert_int_equal(stream_status(s), STREAM_CORRUPT);
	assert_non_null(strstr(stream_error(s), tmp));
	assert_non_null(strstr(stream_error(s), "zstd"));
	stream_close(s);
	unlink(tmp);
	bytes_free(&zst);
	bytes_free(&out);
}

/* A magic not yet complete decides nothing until the rest arrives. */
static void
test_magic_arrives_late(void **state)
{
	struct bytes	 zst = { 0 }, gz = { 0 }, out = { 0 };
	struct stream	*s;
	char		 tmp[256];
	int		 fd;

	zstd_frame("alpha\n", &zst);
	fd = temp_file(tmp, sizeof tmp);
	write_all(fd, zst.data, 2);
	s = must_open(tmp);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(stream_compression(s), STREAM_PLAIN);
	assert_int_equal(stream_status(s), STREAM_MID_FRAME);
	write_all(fd, zst.data + 2, 1);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(out.len, 0);
	write_all(fd, zst.data + 3, zst.len - 3);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(stream_compression(s), STREAM_ZSTD);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(out.len, 6);
	assert_memory_equal(out.data, "alpha\n", 6);
	close(fd);
	stream_close(s);
	unlink(tmp);

	out.len = 0;
	gzip_member("beta\n", &gz);
	fd = temp_file(tmp, sizeof tmp);
	write_all(fd, gz.data, 1);
	s = must_open(tmp);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(stream_status(s), STREAM_MID_FRAME);
	write_all(fd, gz.data + 1, gz.len - 1);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(stream_compression(s), STREAM_GZIP);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.data, "beta\n", 5);
	close(fd);
	stream_close(s);
	unlink(tmp);
	bytes_free(&zst);
	bytes_free(&gz);
	bytes_free(&out);
}

/* Plain text, short or empty, comes out as it is. */
static void
test_plain(void **state)
{
	struct bytes	 in = { 0 }, out = { 0 };
	struct stream	*s;
	char		 tmp[256];

	s = open_bytes(&in, tmp, sizeof tmp);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(stream_compression(s), STREAM_PLAIN);
	stream_close(s);
	unlink(tmp);

	bytes_add(&in, "x", 1);
	s = open_bytes(&in, tmp, sizeof tmp);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(out.len, 1);
	assert_int_equal(stream_status(s), STREAM_OK);
	stream_close(s);
	unlink(tmp);

	out.len = in.len = 0;
	bytes_add(&in, "{\"ts\":1}\n\x1f\x8b not gzip here\n", 27);
	s = open_bytes(&in, tmp, sizeof tmp);
	assert_int_equal(drain(s, &out, 5), 0);
	assert_int_equal(stream_compression(s), STREAM_PLAIN);
	assert_int_equal(stream_status(s), STREAM_OK);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);
	assert_int_equal(stream_offset_in(s), in.len);
	assert_int_equal(stream_offset_out(s), in.len);
	stream_close(s);
	unlink(tmp);
	bytes_free(&in);
	bytes_free(&out);
}

/* "-" reads standard input and leaves it open. */
static void
test_stdin(void **state)
{
	struct bytes	 gz = { 0 }, out = { 0 };
	struct stream	*s;
	char		 tmp[256];
	int		 fd, saved;

	gzip_member("from stdin\n", &gz);
	fd = temp_file(tmp, sizeof tmp);
	write_all(fd, gz.data, gz.len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	saved = dup(STDIN_FILENO);
	assert_true(dup2(fd, STDIN_FILENO) == STDIN_FILENO);
	close(fd);
	s = must_open("-");
	assert_int_equal(stream_fd(s), STDIN_FILENO);
	assert_int_equal(drain(s, &out, 4096), 0);
	assert_int_equal(out.len, 11);
	assert_memory_equal(out.data, "from stdin\n", 11);
	stream_close(s);
	assert_int_not_equal(fcntl(STDIN_FILENO, F_GETFD), -1);
	dup2(saved, STDIN_FILENO);
	close(saved);
	unlink(tmp);
	bytes_free(&gz);
	bytes_free(&out);
}

/* A file that cannot be opened gives NULL, errno and the file's name. */
static void
test_open_missing(void **state)
{
	char	err[256];

	errno = 0;
	assert_null(stream_open("/nonexistent/fanin/conn.log", err,
	    sizeof err));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "/nonexistent/fanin/conn.log"));
}

/* Run every test, or skip all without the shared cases. */
int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_gzip_multi_member),
		cmocka_unit_test(test_gzip_one_byte_reads),
		cmocka_unit_test(test_gzip_growing_byte_by_byte),
		cmocka_unit_test(test_zstd_complete),
		cmocka_unit_test(test_zstd_one_byte_reads),
		cmocka_unit_test(test_zstd_truncated),
		cmocka_unit_test(test_zstd_growing_file),
		cmocka_unit_test(test_zstd_through_pipe),
		cmocka_unit_test(test_gzip_being_written),
		cmocka_unit_test(test_gzip_zero_padding),
		cmocka_unit_test(test_gzip_trailing_garbage),
		cmocka_unit_test(test_gzip_bad_crc),
		cmocka_unit_test(test_zstd_skippable_frames),
		cmocka_unit_test(test_zstd_trailing_garbage),
		cmocka_unit_test(test_magic_arrives_late),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_open_missing),
	};
	struct stat	st;

	if (CASES[0] == '\0' || stat(CASES, &st) != 0) {
		fprintf(stderr, "test_stream: no shared cases; skipped\n");
		return 77;
	}
	log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
