/*
 * lines.c - framing decompressed bytes into lines.
 *
 * The reader keeps one buffer.  Bytes [start, tail) are complete lines not
 * yet handed out, each ending in '\n'; bytes [tail, end) are the partial
 * line after the last newline.  line_reader_feed() does the filtering as
 * bytes arrive, so the buffer only ever holds what may be handed out:
 *
 *   - NUL bytes are dropped and counted.  A copytruncate hole can be
 *     gigabytes of them, and it must not become a "line".
 *   - When the partial line would pass max_line bytes, it is dropped and
 *     the reader discards input up to the next newline without keeping
 *     it.  The line is counted once, when discarding starts; its tail is
 *     never taken for a new line, because only a newline ends discarding.
 *     So the buffer holds at most max_line bytes of partial line, plus the
 *     complete lines of one feed.  Bytes of a discarded line are not
 *     looked at, so NULs inside one are not counted as NULs.
 *
 * Dropped bytes still count in stream offsets and line numbers.  Each
 * drop is remembered as a gap: "count bytes (and lines whole lines) were
 * removed before buffer position pos".  A gap at a line's first position
 * moves that line's offset and number; a gap inside a line only moves the
 * lines after it.  Gaps are rare (a NUL run, a long line), so a small
 * array that is consumed from the front serves.
 *
 * line_reader_next() finds the newline with memchr() only within
 * [start, tail), where one is known to be, and hands out a pointer into
 * the buffer without copying.  The buffer is compacted in
 * line_reader_feed() only, when new bytes do not fit, so a pointer handed
 * out stays valid until the next feed.
 */
#define _GNU_SOURCE		/* memrchr */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "util.h"

/* The smallest buffer allocated; lines are usually a few hundred bytes. */
#define LINES_MIN_BUFFER	(64 * 1024)

/* Bytes dropped before a buffer position. */
struct gap {
	size_t		 pos;
	uint64_t	 bytes;
	uint64_t	 lines;
};

struct line_reader {
	char		*buf;
	size_t		 size;
	size_t		 start;		/* first byte not handed out */
	size_t		 tail;		/* first byte after the last '\n' */
	size_t		 end;		/* first free byte */
	size_t		 max_line;
	bool		 discarding;	/* inside a line past max_line */

	struct gap	*gaps;
	size_t		 gaps_first;
	size_t		 gaps_count;
	size_t		 gaps_size;

	uint64_t	 start_offset;	/* stream offset of buf[start] */
	uint64_t	 next_number;	/* number of the line at start */
	uint64_t	 long_lines;
	uint64_t	 nul_bytes;
	struct line_place first_long;	/* where the first long line was */
	struct line_place first_nul;	/* the line of the first NUL */
};

/* Make an empty reader. */
struct line_reader *
line_reader_new(size_t max_line)
{
	struct line_reader	*r = xcalloc(1, sizeof *r);

	r->max_line = max_line;
	r->size = LINES_MIN_BUFFER;
	if (max_line < SIZE_MAX / 2 && r->size < 2 * max_line)
		r->size = 2 * max_line;
	r->buf = xmalloc(r->size);
	r->next_number = 1;
	return r;
}

/* Free the reader. */
void
line_reader_free(struct line_reader *r)
{
	if (r == NULL)
		return;
	free(r->gaps);
	free(r->buf);
	free(r);
}

/* Record that bytes (and whole lines) were dropped before pos. */
static void
add_gap(struct line_reader *r, size_t pos, uint64_t bytes, uint64_t lines)
{
	struct gap	*last;

	if (r->gaps_count > 0) {
		last = &r->gaps[r->gaps_first + r->gaps_count - 1];
		if (last->pos == pos) {
			last->bytes += bytes;
			last->lines += lines;
			return;
		}
	}
	if (r->gaps_first > 0 && r->gaps_first + r->gaps_count ==
	    r->gaps_size) {
		memmove(r->gaps, r->gaps + r->gaps_first,
		    r->gaps_count * sizeof *r->gaps);
		r->gaps_first = 0;
	}
	if (r->gaps_first + r->gaps_count == r->gaps_size) {
		r->gaps_size = r->gaps_size ? 2 * r->gaps_size : 8;
		r->gaps = xrealloc(r->gaps, r->gaps_size * sizeof *r->gaps);
	}
	last = &r->gaps[r->gaps_first + r->gaps_count++];
	last->pos = pos;
	last->bytes = bytes;
	last->lines = lines;
}

/*
 * Take the gaps before positions up to and including pos off the front;
 * add up their bytes and lines.
 */
static void
take_gaps(struct line_reader *r, size_t pos, uint64_t *bytes,
    uint64_t *lines)
{
	struct gap	*g;

	*bytes = *lines = 0;
	while (r->gaps_count > 0) {
		g = &r->gaps[r->gaps_first];
		if (g->pos > pos)
			break;
		*bytes += g->bytes;
		*lines += g->lines;
		r->gaps_first++;
		r->gaps_count--;
	}
	if (r->gaps_count == 0)
		r->gaps_first = 0;
}

/* Make room for len more bytes, moving the unread bytes down if it helps. */
static void
make_room(struct line_reader *r, size_t len)
{
	size_t	i, keep = r->end - r->start;

	if (r->size - r->end >= len)
		return;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, keep);
		for (i = 0; i < r->gaps_count; i++)
			r->gaps[r->gaps_first + i].pos -= r->start;
		r->tail -= r->start;
		r->end -= r->start;
		r->start = 0;
	}
	if (r->size - r->end >= len)
		return;
	while (r->size - r->end < len)
		r->size *= 2;
	r->buf = xrealloc(r->buf, r->size);
}

/*
 * Sum and remove the gaps inside the partial line (after its first
 * position); they become part of whatever replaces it.
 */
static uint64_t
take_partial_gaps(struct line_reader *r)
{
	uint64_t	 bytes = 0;
	struct gap	*g;

	while (r->gaps_count > 0) {
		g = &r->gaps[r->gaps_first + r->gaps_count - 1];
		if (g->pos <= r->tail)
			break;
		bytes += g->bytes;
		r->gaps_count--;
	}
	return bytes;
}

/*
 * The number and stream offset of the line that starts at r->tail (the
 * partial one): the complete lines before it, and every gap up to its
 * first position, come before it.
 */
static struct line_place
place_of_partial(const struct line_reader *r)
{
	struct line_place	 at;
	const struct gap	*g;
	const char		*p = r->buf + r->start;
	const char		*stop = r->buf + r->tail;
	size_t			 i;

	at.number = r->next_number;
	at.offset = r->start_offset + (r->tail - r->start);
	while (p < stop && (p = memchr(p, '\n', (size_t)(stop - p))) !=
	    NULL) {
		at.number++;
		p++;
	}
	for (i = 0; i < r->gaps_count; i++) {
		g = &r->gaps[r->gaps_first + i];
		if (g->pos > r->tail)
			break;
		at.number += g->lines;
		at.offset += g->bytes;
	}
	return at;
}

/*
 * The partial line is too long: drop it and discard up to its newline.
 * Its bytes, and the gaps inside it, become one gap of one line at its
 * start, which grows as discarding goes on.
 */
static void
start_discarding(struct line_reader *r)
{
	uint64_t	bytes = r->end - r->tail;

	if (r->long_lines == 0)
		r->first_long = place_of_partial(r);
	bytes += take_partial_gaps(r);
	r->end = r->tail;
	add_gap(r, r->tail, bytes, 1);
	r->discarding = true;
	r->long_lines++;
}

/* Length of the run of NUL bytes at the front of p. */
static size_t
nul_run(const char *p, size_t len)
{
	static const char	zeros[64];
	size_t			n = 0;

	while (len - n >= sizeof zeros && memcmp(p + n, zeros,
	    sizeof zeros) == 0)
		n += sizeof zeros;
	while (n < len && p[n] == '\0')
		n++;
	return n;
}

/*
 * Append a run without NUL bytes.  When the partial line and the whole
 * run together fit in max_line, no line can be too long and the run is
 * copied at once; otherwise line by line, so that a line past max_line
 * is caught before it is copied.  Returns the bytes used; fewer than len
 * when discarding started.
 */
static size_t
append_clean(struct line_reader *r, const char *p, size_t len)
{
	const char	*nl;
	size_t		 used = 0, content, take;

	if (len <= r->max_line && r->end - r->tail <= r->max_line - len) {
		/* No line here can pass max_line: one copy for the lot. */
		make_room(r, len);
		memcpy(r->buf + r->end, p, len);
		r->end += len;
		if ((nl = memrchr(p, '\n', len)) != NULL)
			r->tail = r->end - len + (size_t)(nl - p) + 1;
		return len;
	}
	while (used < len) {
		nl = memchr(p + used, '\n', len - used);
		content = nl != NULL ? (size_t)(nl - (p + used)) : len - used;
		if (content > r->max_line ||
		    r->end - r->tail > r->max_line - content) {
			start_discarding(r);
			break;
		}
		take = nl != NULL ? content + 1 : content;
		make_room(r, take);
		memcpy(r->buf + r->end, p + used, take);
		r->end += take;
		if (nl != NULL)
			r->tail = r->end;
		used += take;
	}
	return used;
}

/*
 * Add input.  The loop ends when every byte is either in the buffer, in a
 * gap (NUL run), or discarded as part of a long line.
 */
void
line_reader_feed(struct line_reader *r, const void *bytes, size_t len)
{
	const char	*p = bytes, *nl, *nul;
	size_t		 n;

	if (r->start == r->end) {
		/* Everything handed out: start at the front for free. */
		for (n = 0; n < r->gaps_count; n++)
			r->gaps[r->gaps_first + n].pos = 0;
		r->start = r->tail = r->end = 0;
	}
	while (len > 0) {
		if (r->discarding) {
			nl = memchr(p, '\n', len);
			n = nl != NULL ? (size_t)(nl - p) + 1 : len;
			r->gaps[r->gaps_first + r->gaps_count - 1].bytes += n;
			if (nl != NULL)
				r->discarding = false;
		} else if (*p == '\0') {
			n = nul_run(p, len);
			if (r->nul_bytes == 0)
				r->first_nul = place_of_partial(r);
			r->nul_bytes += n;
			add_gap(r, r->end, n, 0);
		} else {
			nul = memchr(p, '\0', len);
			n = nul != NULL ? (size_t)(nul - p) : len;
			n = append_clean(r, p, n);
		}
		p += n;
		len -= n;
	}
}

/*
 * Hand out the next complete line, or with finished the partial one.  The
 * gaps up to the line's end are settled here: those at its first position
 * come before it, the others inside it.
 */
bool
line_reader_next(struct line_reader *r, bool finished, struct line *out)
{
	const char	*nl;
	size_t		 stop, next;
	uint64_t	 lead_bytes, lead_lines, in_bytes, in_lines;

	if (r->start < r->tail) {
		nl = memchr(r->buf + r->start, '\n', r->tail - r->start);
		stop = (size_t)(nl - r->buf);
		next = stop + 1;
	} else if (finished && r->start < r->end) {
		stop = next = r->end;
		r->tail = r->end;
	} else
		return false;

	take_gaps(r, r->start, &lead_bytes, &lead_lines);
	take_gaps(r, stop, &in_bytes, &in_lines);

	out->text = r->buf + r->start;
	out->len = stop - r->start;
	if (out->len > 0 && out->text[out->len - 1] == '\r')
		out->len--;
	out->number = r->next_number + lead_lines;
	out->offset = r->start_offset + lead_bytes;

	r->next_number = out->number + 1 + in_lines;
	r->start_offset = out->offset + (next - r->start) + in_bytes;
	r->start = next;
	return true;
}

/* Bytes waiting in the buffer. */
size_t
line_reader_pending(const struct line_reader *r)
{
	return r->end - r->start;
}

/*
 * Drop the partial line.  It is gone from the input for good, so it
 * becomes a gap of one line: bytes fed later, if any, start a new line.
 * A long line being discarded is already such a gap.
 */
void
line_reader_discard(struct line_reader *r)
{
	uint64_t	bytes = r->end - r->tail;

	if (r->discarding) {
		r->discarding = false;
		return;
	}
	if (bytes == 0)
		return;
	bytes += take_partial_gaps(r);
	r->end = r->tail;
	add_gap(r, r->tail, bytes, 1);
}

/* Lines discarded as too long. */
uint64_t
line_reader_long_lines(const struct line_reader *r)
{
	return r->long_lines;
}

/* Where the first line discarded as too long was. */
struct line_place
line_reader_first_long(const struct line_reader *r)
{
	return r->first_long;
}

/* The line that held the first NUL byte skipped. */
struct line_place
line_reader_first_nul(const struct line_reader *r)
{
	return r->first_nul;
}

/* NUL bytes skipped. */
uint64_t
line_reader_nul_bytes(const struct line_reader *r)
{
	return r->nul_bytes;
}

/* The stream offset just past the last line handed out. */
uint64_t
line_reader_offset(const struct line_reader *r)
{
	return r->start_offset;
}
