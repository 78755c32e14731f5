/*
 * rdp_text.c - whether the bytes of a JSON line could spell an RDP record.
 *
 * This test runs on every JSON line of a replay, so it is where much of
 * the time of a Zeek JSON file goes.  It asks three questions of the
 * bytes: is there a backslash, is there "rdp" in any case, is there one
 * of the port texts ("3389").  Any yes sends the line to the parser.
 *
 * With SSE2 (every x86-64) the three are asked of sixteen bytes at once.
 * A block is compared with each byte wanted, giving a mask of matching
 * positions per byte; the masks of a pattern's later bytes are shifted
 * down by their place in the pattern and ANDed with the first's, so a
 * position survives only where the whole pattern starts.  A pattern that
 * starts near the end of a block runs past it and is lost to the shift,
 * so blocks overlap: each next one starts longest - 1 bytes before the
 * previous ended, where longest is the longest pattern, and every start
 * is then seen whole in some block.  The last bytes are copied into a
 * block padded with NUL, which no pattern holds, so reading never runs
 * past the line.
 *
 * Elsewhere the scan is by words of eight bytes (a bit trick finds a
 * word with a 'd' or a backslash in it) and memmem(3) per port, the way
 * this test was first written; the unit tests hold the two to the same
 * answers.
 */
#define _GNU_SOURCE		/* memmem */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "rdp_text.h"

/* Write the ports as digits; see rdp_text.h. */
int
rdp_text_init(struct rdp_text *text, const int *ports, size_t count)
{
	size_t	i;
	int	n;

	memset(text, 0, sizeof *text);
	if (count == 0 || count > RDP_TEXT_PORTS_MAX)
		return -1;
	text->longest = 3;	/* "rdp" */
	for (i = 0; i < count; i++) {
		if (ports[i] < 0 || ports[i] > 65535)
			return -1;
		n = snprintf(text->port_text[i], sizeof text->port_text[i],
		    "%d", ports[i]);
		if (n < 0 || (size_t)n >= sizeof text->port_text[i])
			return -1;
		text->port_text_len[i] = (size_t)n;
		if ((size_t)n > text->longest)
			text->longest = (size_t)n;
	}
	text->port_texts = count;
	return 0;
}

/* True when some byte of the word x is zero (the classic bit trick). */
static inline bool
word_has_zero(uint64_t x)
{
	return ((x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL) != 0;
}

/*
 * True when the bytes hold a backslash or "rdp" in any case.  A word of
 * eight bytes at a time is folded to lower case (a byte OR 0x20) and
 * tested for 'd' and for '|', which is what a backslash folds to; only a
 * word with such a byte is looked at byte by byte.
 */
static bool
has_escape_or_rdp(const char *line, size_t len)
{
	const uint64_t	 fold = 0x2020202020202020ULL;
	const uint64_t	 d = 0x6464646464646464ULL;
	const uint64_t	 bar = 0x7c7c7c7c7c7c7c7cULL;
	uint64_t	 word;
	size_t		 i = 0, j, stop;

	while (i < len) {
		if (i + 8 <= len) {
			memcpy(&word, line + i, 8);
			word |= fold;
			if (!word_has_zero(word ^ d) &&
			    !word_has_zero(word ^ bar)) {
				i += 8;
				continue;
			}
			stop = i + 8;
		} else
			stop = len;
		for (j = i; j < stop; j++) {
			if (line[j] == '\\')
				return true;
			if ((line[j] | 0x20) == 'd' && j > 0 && j + 1 < len &&
			    (line[j - 1] | 0x20) == 'r' &&
			    (line[j + 1] | 0x20) == 'p')
				return true;
		}
		i = stop;
	}
	return false;
}

/* The answer of rdp_text_may_match() without vector instructions. */
bool
rdp_text_may_match_bytewise(const struct rdp_text *text, const char *line,
    size_t len)
{
	size_t	i;

	if (has_escape_or_rdp(line, len))
		return true;
	for (i = 0; i < text->port_texts; i++)
		if (memmem(line, len, text->port_text[i],
		    text->port_text_len[i]) != NULL)
			return true;
	return false;
}

#if defined(__SSE2__)

/* The bytes a block is compared with, each repeated sixteen times. */
struct wanted {
	__m128i	 fold, backslash, r, d, p;
	__m128i	 digit[RDP_TEXT_PORTS_MAX][5];
};

/*
 * Positions of block where the port text of wanted digits, n of them
 * (1 to 5), starts whole.
 */
static inline __m128i
port_starts(__m128i block, const __m128i *digit, size_t n)
{
	__m128i	 starts = _mm_cmpeq_epi8(block, digit[0]);

	if (n > 1)
		starts = _mm_and_si128(starts,
		    _mm_srli_si128(_mm_cmpeq_epi8(block, digit[1]), 1));
	if (n > 2)
		starts = _mm_and_si128(starts,
		    _mm_srli_si128(_mm_cmpeq_epi8(block, digit[2]), 2));
	if (n > 3)
		starts = _mm_and_si128(starts,
		    _mm_srli_si128(_mm_cmpeq_epi8(block, digit[3]), 3));
	if (n > 4)
		starts = _mm_and_si128(starts,
		    _mm_srli_si128(_mm_cmpeq_epi8(block, digit[4]), 4));
	return starts;
}

/* True when a pattern starts in the first 17 - longest bytes of block. */
static inline bool
block_may_match(const struct rdp_text *text, const struct wanted *w,
    __m128i block)
{
	const __m128i	 folded = _mm_or_si128(block, w->fold);
	__m128i		 hits;
	size_t		 i;

	hits = _mm_and_si128(_mm_cmpeq_epi8(folded, w->r), _mm_and_si128(
	    _mm_srli_si128(_mm_cmpeq_epi8(folded, w->d), 1),
	    _mm_srli_si128(_mm_cmpeq_epi8(folded, w->p), 2)));
	hits = _mm_or_si128(hits, _mm_cmpeq_epi8(block, w->backslash));
	for (i = 0; i < text->port_texts; i++)
		hits = _mm_or_si128(hits, port_starts(block, w->digit[i],
		    text->port_text_len[i]));
	return _mm_movemask_epi8(hits) != 0;
}

/* Sixteen bytes at a time, in blocks that overlap by longest - 1. */
bool
rdp_text_may_match(const struct rdp_text *text, const char *line,
    size_t len)
{
	const size_t	 stride = 17 - text->longest;
	struct wanted	 w;
	unsigned char	 last[16];
	size_t		 i, k;

	w.fold = _mm_set1_epi8(0x20);
	w.backslash = _mm_set1_epi8('\\');
	w.r = _mm_set1_epi8('r');
	w.d = _mm_set1_epi8('d');
	w.p = _mm_set1_epi8('p');
	for (i = 0; i < text->port_texts; i++)
		for (k = 0; k < text->port_text_len[i]; k++)
			w.digit[i][k] = _mm_set1_epi8(text->port_text[i][k]);

	for (i = 0; len - i >= 16; i += stride)
		if (block_may_match(text, &w,
		    _mm_loadu_si128((const __m128i *)(line + i))))
			return true;
	if (i >= len)
		return false;
	/* Fewer than sixteen bytes are left: NUL matches no pattern. */
	memset(last, 0, sizeof last);
	memcpy(last, line + i, len - i);
	return block_may_match(text, &w,
	    _mm_loadu_si128((const __m128i *)last));
}

#else

/* Without SSE2, the scan of words and memmem(3). */
bool
rdp_text_may_match(const struct rdp_text *text, const char *line,
    size_t len)
{
	return rdp_text_may_match_bytewise(text, line, len);
}

#endif
