/*
 * test_lines.c - framing bytes into lines: partial lines, long lines, NUL
 * holes, CRLF, line numbers and offsets.
 *
 * The fault cases in ../shared/cases give the real shapes: a 200000-byte
 * NUL hole before three eve lines (03), a 1 MiB line among short ones
 * (10), a last line without its newline, live and rotated (11).  Each is
 * fed whole, in 4 KiB chunks and a byte at a time, and must give the same
 * lines.  A last test compares the reader with a plain model of the rules
 * on random input full of NUL runs, long lines and CRs.
 *
 * The whole program is skipped (exit 77) without the shared cases.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lines.h"
#include "util.h"

#ifdef SHARED_DIR
#define CASES	SHARED_DIR "/cases/"
#else
#define CASES	""
#endif

/* One line as handed out, copied. */
struct got {
	char		*text;
	size_t		 len;
	uint64_t	 number;
	uint64_t	 offset;
};

/* The lines handed out so far, and the most bytes left pending. */
struct got_list {
	struct got	*lines;
	size_t		 count;
	size_t		 size;
	size_t		 max_pending;
};

/* Take every line the reader has now; with finished, the last one too. */
static void
take_lines(struct line_reader *r, bool finished, struct got_list *g)
{
	struct line	 l;
	struct got	*c;

	while (line_reader_next(r, finished, &l)) {
		assert_null(memchr(l.text, '\0', l.len));
		if (g->count == g->size) {
			g->size = g->size ? 2 * g->size : 16;
			g->lines = xrealloc(g->lines,
			    g->size * sizeof *g->lines);
		}
		c = &g->lines[g->count++];
		c->text = xstrndup(l.text, l.len);
		c->len = l.len;
		c->number = l.number;
		c->offset = l.offset;
	}
	if (line_reader_pending(r) > g->max_pending)
		g->max_pending = line_reader_pending(r);
}

/* Free the copied lines. */
static void
got_free(struct got_list *g)
{
	size_t	i;

	for (i = 0; i < g->count; i++)
		free(g->lines[i].text);
	free(g->lines);
	memset(g, 0, sizeof *g);
}

/* Feed data in chunks, taking lines after each; then finish if asked. */
static void
feed_chunks(struct line_reader *r, const char *data, size_t len,
    size_t chunk, bool finished, struct got_list *g)
{
	size_t	at, n;

	for (at = 0; at < len; at += n) {
		n = len - at < chunk ? len - at : chunk;
		line_reader_feed(r, data + at, n);
		take_lines(r, false, g);
	}
	if (finished)
		take_lines(r, true, g);
}

/* Read a whole file; the caller frees it. */
static char *
slurp(const char *path, size_t *len)
{
	struct stat	 st;
	char		*data;
	ssize_t		 n;
	size_t		 at = 0;
	int		 fd;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	data = xmalloc((size_t)st.st_size + 1);
	while ((n = read(fd, data + at, (size_t)st.st_size - at)) > 0)
		at += (size_t)n;
	assert_int_equal(at, (size_t)st.st_size);
	close(fd);
	*len = at;
	return data;
}

/* Assert one line's text, number and offset. */
static void
check_line(const struct got *g, const char *text, uint64_t number,
    uint64_t offset)
{
	assert_int_equal(g->len, strlen(text));
	assert_string_equal(g->text, text);
	assert_int_equal(g->number, number);
	assert_int_equal(g->offset, offset);
}

/* Case 03: the NUL hole is skipped and counted; three lines follow. */
static void
test_nul_hole(void **state)
{
	static const size_t	 chunks[] = { 1, 4096, SIZE_MAX };
	const char		*path = CASES
				    "03-nul-hole-after-copytruncate/eve.json";
	struct line_reader	*r;
	struct got_list		 g = { 0 };
	char			*data, ip[32];
	size_t			 len, i, k;

	data = slurp(path, &len);
	assert_int_equal(len, 201335);
	for (k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
		r = line_reader_new(65536);
		feed_chunks(r, data, len, chunks[k], true, &g);
		assert_int_equal(g.count, 3);
		assert_int_equal(line_reader_nul_bytes(r), 200000);
		assert_int_equal(line_reader_long_lines(r), 0);
		assert_true(g.max_pending <= 444);
		for (i = 0; i < 3; i++) {
			assert_int_equal(g.lines[i].number, i + 1);
			assert_int_equal(g.lines[i].offset,
			    200000 + 445 * i);
			assert_int_equal(g.lines[i].len, 444);
			assert_int_equal(g.lines[i].text[0], '{');
			snprintf(ip, sizeof ip, "\"src_ip\":\"198.51.100.%zu\"",
			    10 + i);
			assert_non_null(strstr(g.lines[i].text, ip));
		}
		assert_int_equal(line_reader_offset(r), 201335);
		assert_int_equal(line_reader_pending(r), 0);
		line_reader_free(r);
		got_free(&g);
	}
	free(data);
}

/* Case 10: the 1 MiB line is dropped whole and counted once. */
static void
test_long_line(void **state)
{
	static const size_t	 chunks[] = { 1, 4096, SIZE_MAX };
	static const uint64_t	 numbers[] = { 1, 3, 4, 5 };
	static const uint64_t	 offsets[] = { 0, 1049218, 1049663,
				    1050108 };
	const char		*path = CASES "10-long-line/eve.json";
	struct line_reader	*r;
	struct got_list		 g = { 0 };
	char			*data, ip[32];
	size_t			 len, i, k;

	data = slurp(path, &len);
	assert_int_equal(len, 1050553);
	for (k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
		r = line_reader_new(65536);
		feed_chunks(r, data, len, chunks[k], true, &g);
		assert_int_equal(g.count, 4);
		assert_int_equal(line_reader_long_lines(r), 1);
		assert_int_equal(line_reader_nul_bytes(r), 0);
		/* Never more than one line's worth held back. */
		assert_true(g.max_pending <= 65536);
		for (i = 0; i < 4; i++) {
			assert_int_equal(g.lines[i].number, numbers[i]);
			assert_int_equal(g.lines[i].offset, offsets[i]);
			assert_int_equal(g.lines[i].len, 444);
			assert_non_null(strstr(g.lines[i].text,
			    "\"event_type\":\"flow\""));
			snprintf(ip, sizeof ip, "\"src_ip\":\"198.51.100.%zu\"",
			    11 + i);
			assert_non_null(strstr(g.lines[i].text, ip));
		}
		assert_int_equal(line_reader_offset(r), len);
		line_reader_free(r);
		got_free(&g);
	}
	free(data);
}

/* Case 11, closed file: the unterminated line waits for finished. */
static void
test_partial_last_line_closed(void **state)
{
	const char		*path = CASES
				    "11-partial-last-line/closed/eve.json.1";
	struct line_reader	*r = line_reader_new(65536);
	struct got_list		 g = { 0 };
	char			*data;
	size_t			 len;

	data = slurp(path, &len);
	assert_int_equal(len, 889);
	feed_chunks(r, data, len, 4096, false, &g);
	assert_int_equal(g.count, 1);
	assert_int_equal(line_reader_pending(r), 444);
	assert_int_equal(line_reader_offset(r), 445);
	/* Asking again without finished changes nothing. */
	take_lines(r, false, &g);
	assert_int_equal(g.count, 1);

	take_lines(r, true, &g);
	assert_int_equal(g.count, 2);
	assert_int_equal(g.lines[1].number, 2);
	assert_int_equal(g.lines[1].offset, 445);
	assert_int_equal(g.lines[1].len, 444);
	assert_non_null(strstr(g.lines[1].text, "198.51.100.11"));
	assert_int_equal(g.lines[1].text[443], '}');
	assert_int_equal(line_reader_pending(r), 0);
	assert_int_equal(line_reader_offset(r), 889);
	/* Flushed once only. */
	take_lines(r, true, &g);
	assert_int_equal(g.count, 2);
	line_reader_free(r);
	got_free(&g);
	free(data);
}

/* Case 11, live file: the half line waits, then comes out once, whole. */
static void
test_partial_last_line_live(void **state)
{
	const char		*dir = CASES "11-partial-last-line/live/";
	struct line_reader	*r = line_reader_new(65536);
	struct got_list		 g = { 0 };
	char			 path[512], *one, *two;
	size_t			 len1, len2;

	snprintf(path, sizeof path, "%sphase1-eve.json", dir);
	one = slurp(path, &len1);
	snprintf(path, sizeof path, "%sphase2-rest.json", dir);
	two = slurp(path, &len2);

	feed_chunks(r, one, len1, 4096, false, &g);
	assert_int_equal(g.count, 1);
	assert_non_null(strstr(g.lines[0].text, "198.51.100.10"));
	assert_int_equal(line_reader_pending(r), 222);
	/* The resume point is the start of the half line. */
	assert_int_equal(line_reader_offset(r), 445);

	feed_chunks(r, two, len2, 4096, false, &g);
	assert_int_equal(g.count, 2);
	assert_int_equal(g.lines[1].number, 2);
	assert_int_equal(g.lines[1].offset, 445);
	assert_int_equal(g.lines[1].len, 444);
	assert_non_null(strstr(g.lines[1].text, "198.51.100.11"));
	assert_int_equal(line_reader_offset(r), 890);
	assert_int_equal(line_reader_pending(r), 0);
	take_lines(r, true, &g);
	assert_int_equal(g.count, 2);
	line_reader_free(r);
	got_free(&g);
	free(one);
	free(two);
}

/* A line split over many one-byte feeds comes out once, whole. */
static void
test_one_byte_feeds(void **state)
{
	static const char	 text[] = "alpha\r\nbeta\n\ngamma";
	struct line_reader	*r = line_reader_new(64);
	struct got_list		 g = { 0 };

	feed_chunks(r, text, sizeof text - 1, 1, false, &g);
	assert_int_equal(g.count, 3);
	assert_int_equal(line_reader_pending(r), 5);
	take_lines(r, true, &g);
	assert_int_equal(g.count, 4);
	check_line(&g.lines[0], "alpha", 1, 0);
	check_line(&g.lines[1], "beta", 2, 7);
	check_line(&g.lines[2], "", 3, 12);
	check_line(&g.lines[3], "gamma", 4, 13);
	assert_int_equal(line_reader_offset(r), 18);
	line_reader_free(r);
	got_free(&g);
}

/* Only a CR before the newline (or at the very end) is removed. */
static void
test_crlf(void **state)
{
	static const char	 text[] = "a\r\n\r\nx\ry\r\r\nb\r";
	struct line_reader	*r = line_reader_new(64);
	struct got_list		 g = { 0 };

	feed_chunks(r, text, sizeof text - 1, 4096, true, &g);
	assert_int_equal(g.count, 4);
	check_line(&g.lines[0], "a", 1, 0);
	check_line(&g.lines[1], "", 2, 3);
	check_line(&g.lines[2], "x\ry\r", 3, 5);
	check_line(&g.lines[3], "b", 4, 11);
	line_reader_free(r);
	got_free(&g);
}

/* max_line bytes are kept; one more and the line is dropped. */
static void
test_max_line_boundary(void **state)
{
	static const char	 text[] = "12345678\n123456789\n"
				    "abcdefg\r\nabcdefgh\r\nend\n";
	struct line_reader	*r = line_reader_new(8);
	struct got_list		 g = { 0 };

	feed_chunks(r, text, sizeof text - 1, 3, true, &g);
	assert_int_equal(g.count, 3);
	check_line(&g.lines[0], "12345678", 1, 0);
	check_line(&g.lines[1], "abcdefg", 3, 19);
	check_line(&g.lines[2], "end", 5, 38);
	assert_int_equal(line_reader_long_lines(r), 2);
	line_reader_free(r);
	got_free(&g);
}

/* A long line ending at the end of input, without newline, is dropped. */
static void
test_long_line_at_end(void **state)
{
	struct line_reader	*r = line_reader_new(16);
	struct got_list		 g = { 0 };
	char			 text[64];

	memcpy(text, "short\n", 6);
	memset(text + 6, 'x', 40);
	feed_chunks(r, text, 46, 7, false, &g);
	assert_int_equal(g.count, 1);
	assert_int_equal(line_reader_long_lines(r), 1);
	assert_int_equal(line_reader_pending(r), 0);
	take_lines(r, true, &g);
	assert_int_equal(g.count, 1);
	check_line(&g.lines[0], "short", 1, 0);
	assert_int_equal(line_reader_offset(r), 6);
	assert_int_equal(line_reader_long_lines(r), 1);
	line_reader_free(r);
	got_free(&g);
}

/* 16 MiB without a newline is never buffered; the tail is not a line. */
static void
test_huge_line_memory(void **state)
{
	struct line_reader	*r = line_reader_new(65536);
	struct got_list		 g = { 0 };
	size_t			 chunk = 1024 * 1024, i;
	char			*block = xmalloc(chunk);

	memset(block, '{', chunk);
	line_reader_feed(r, "first\n", 6);
	take_lines(r, false, &g);
	for (i = 0; i < 16; i++) {
		line_reader_feed(r, block, chunk);
		take_lines(r, false, &g);
		assert_int_equal(line_reader_pending(r), 0);
	}
	line_reader_feed(r, "}\nok\n", 5);
	take_lines(r, true, &g);
	assert_int_equal(g.count, 2);
	check_line(&g.lines[0], "first", 1, 0);
	check_line(&g.lines[1], "ok", 3, 6 + 16 * chunk + 2);
	assert_int_equal(line_reader_long_lines(r), 1);
	line_reader_free(r);
	got_free(&g);
	free(block);
}

/* NULs inside and between lines are removed; offsets stay true. */
static void
test_nul_inside_lines(void **state)
{
	static const char	 text[] = "ab\0\0cd\n\0ef\n\0\0\0\n\0";
	struct line_reader	*r = line_reader_new(64);
	struct got_list		 g = { 0 };

	feed_chunks(r, text, sizeof text - 1, 2, true, &g);
	assert_int_equal(g.count, 3);
	check_line(&g.lines[0], "abcd", 1, 0);
	check_line(&g.lines[1], "ef", 2, 8);
	check_line(&g.lines[2], "", 3, 14);
	assert_int_equal(line_reader_nul_bytes(r), 7);
	assert_int_equal(line_reader_offset(r), 15);
	line_reader_free(r);
	got_free(&g);
}

/*
 * Where the first NUL and the first long line were, whatever the chunks:
 * the NUL run starts line 2 at offset 3, the line of twelve bytes past
 * max_line 8 is line 4 at offset 10.
 */
static void
test_first_places(void **state)
{
	static const char	 text[] = "ok\n\0\0x\nyy\nzzzzzzzzzzzz\nw\n"
				     "\0q\nzzzzzzzzzz\n";
	static const size_t	 chunks[] = { 1, 3, 5, 4096 };
	struct line_reader	*r;
	struct line_place	 at;
	struct got_list		 g = { 0 };
	size_t			 i;

	for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		r = line_reader_new(8);
		feed_chunks(r, text, sizeof text - 1, chunks[i], true, &g);
		assert_int_equal(line_reader_nul_bytes(r), 3);
		assert_int_equal(line_reader_long_lines(r), 2);
		at = line_reader_first_nul(r);
		assert_int_equal(at.number, 2);
		assert_int_equal(at.offset, 3);
		at = line_reader_first_long(r);
		assert_int_equal(at.number, 4);
		assert_int_equal(at.offset, 10);
		line_reader_free(r);
		got_free(&g);
		memset(&g, 0, sizeof g);
	}
}

/* A dropped partial line is gone; later bytes make a new line. */
static void
test_discard(void **state)
{
	struct line_reader	*r = line_reader_new(64);
	struct got_list		 g = { 0 };

	feed_chunks(r, "a\npa\0rt", 7, 4096, false, &g);
	assert_int_equal(line_reader_pending(r), 4);
	line_reader_discard(r);
	assert_int_equal(line_reader_pending(r), 0);
	take_lines(r, true, &g);
	assert_int_equal(g.count, 1);
	assert_int_equal(line_reader_offset(r), 2);
	feed_chunks(r, "b\n", 2, 4096, true, &g);
	assert_int_equal(g.count, 2);
	check_line(&g.lines[0], "a", 1, 0);
	check_line(&g.lines[1], "b", 3, 7);
	line_reader_free(r);
	got_free(&g);
}

/* Many lines in one feed, read back before the next; buffer grows. */
static void
test_many_lines_one_feed(void **state)
{
	struct line_reader	*r = line_reader_new(128);
	struct got_list		 g = { 0 };
	size_t			 n = 20000, i, len = 0;
	char			*text = xmalloc(n * 16);

	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "line %09zu\n", i);
	feed_chunks(r, text, len / 2 + 3, SIZE_MAX, false, &g);
	feed_chunks(r, text + len / 2 + 3, len - len / 2 - 3, SIZE_MAX, true,
	    &g);
	assert_int_equal(g.count, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(g.lines[i].number, i + 1);
		assert_int_equal(g.lines[i].offset, 15 * i);
		assert_int_equal(g.lines[i].len, 14);
	}
	assert_string_equal(g.lines[n - 1].text, "line 000019999");
	line_reader_free(r);
	got_free(&g);
	free(text);
}

/* A small deterministic generator (xorshift64). */
static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * The rules written plainly, over the whole input at once: split at '\n';
 * drop NULs; a line with more than max_line other bytes is counted long,
 * and only the NULs before its (max_line + 1)th byte count as skipped;
 * a line's offset is that of its first byte that is not NUL.
 */
static void
model_lines(const char *data, size_t len, size_t max_line,
    struct got_list *g, uint64_t *nuls, uint64_t *longs)
{
	size_t		 at = 0, end, i, kept, lead, line_nuls;
	uint64_t	 number = 0;
	struct got	*c;
	char		*text;

	*nuls = *longs = 0;
	while (at < len) {
		end = at;
		while (end < len && data[end] != '\n')
			end++;
		number++;
		text = xmalloc(end - at + 1);
		kept = lead = line_nuls = 0;
		for (i = at; i < end; i++) {
			if (data[i] == '\0') {
				if (kept == 0)
					lead++;
				if (kept <= max_line)
					line_nuls++;
			} else if (kept++ <= max_line)
				text[kept - 1] = data[i];
		}
		*nuls += line_nuls;
		if (kept > max_line)
			(*longs)++;
		else if (kept > 0 || end < len) {
			if (kept > 0 && text[kept - 1] == '\r')
				kept--;
			if (g->count == g->size) {
				g->size = g->size ? 2 * g->size : 16;
				g->lines = xrealloc(g->lines,
				    g->size * sizeof *g->lines);
			}
			c = &g->lines[g->count++];
			c->text = xstrndup(text, kept);
			c->len = kept;
			c->number = number;
			c->offset = at + lead;
		}
		free(text);
		at = end + 1;
	}
}

/* Random input with NUL runs, long lines and CRs, fed in random chunks. */
static void
test_against_model(void **state)
{
	uint64_t		 seed = 0x9e3779b97f4a7c15ULL, nuls, longs;
	struct line_reader	*r;
	struct got_list		 g = { 0 }, want = { 0 };
	size_t			 len, at, n, i, k, max_line;
	char			*data = xmalloc(1 << 16);
	int			 round;

	for (round = 0; round < 200; round++) {
		max_line = 1 + next_random(&seed) % 40;
		len = next_random(&seed) % (1 << 16);
		for (i = 0; i < len; i++) {
			k = next_random(&seed) % 100;
			data[i] = k < 8 ? '\n' : k < 14 ? '\0' :
			    k < 16 ? '\r' : 'a' + k % 26;
		}
		r = line_reader_new(max_line);
		for (at = 0; at < len; at += n) {
			n = 1 + next_random(&seed) % 200;
			if (n > len - at)
				n = len - at;
			line_reader_feed(r, data + at, n);
			take_lines(r, false, &g);
			assert_true(line_reader_pending(r) <= max_line);
		}
		take_lines(r, true, &g);
		model_lines(data, len, max_line, &want, &nuls, &longs);
		assert_int_equal(g.count, want.count);
		for (i = 0; i < g.count; i++)
			check_line(&g.lines[i], want.lines[i].text,
			    want.lines[i].number, want.lines[i].offset);
		assert_int_equal(line_reader_nul_bytes(r), nuls);
		assert_int_equal(line_reader_long_lines(r), longs);
		line_reader_free(r);
		got_free(&g);
		got_free(&want);
	}
	free(data);
}

/* Run every test, or skip all without the shared cases. */
int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_nul_hole),
		cmocka_unit_test(test_first_places),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_partial_last_line_closed),
		cmocka_unit_test(test_partial_last_line_live),
		cmocka_unit_test(test_one_byte_feeds),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_max_line_boundary),
		cmocka_unit_test(test_long_line_at_end),
		cmocka_unit_test(test_huge_line_memory),
		cmocka_unit_test(test_nul_inside_lines),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_many_lines_one_feed),
		cmocka_unit_test(test_against_model),
	};
	struct stat	st;

	if (CASES[0] == '\0' || stat(CASES, &st) != 0) {
		fprintf(stderr, "test_lines: no shared cases; skipped\n");
		return 77;
	}
	log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
