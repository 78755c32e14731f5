/*
 * test_sketch.c - the distinct counter: exact while small, within its
 * error bound once promoted, a true union under merge, and an encoding
 * that survives a round trip and refuses garbage without crashing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "sketch.h"

/* 1.04 / sqrt(2^14): the standard error of the promoted sketch. */
#define STANDARD_ERROR	(1.04 / 128.0)

/* The next value of a splitmix64 stream: good, fixed-seed hashes. */
static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A sketch holding n hashes from the stream seeded with seed. */
static struct sketch *
filled(uint64_t seed, uint64_t n)
{
	struct sketch	*s = sketch_new();
	uint64_t	 i;

	for (i = 0; i < n; i++)
		sketch_add(s, splitmix64(&seed));
	return s;
}

/* True when two sketches encode to the same bytes. */
static bool
same_bytes(const struct sketch *a, const struct sketch *b)
{
	uint8_t	*ea, *eb;
	size_t	 la, lb;
	bool	 same;

	ea = sketch_encode(a, &la);
	eb = sketch_encode(b, &lb);
	same = la == lb && memcmp(ea, eb, la) == 0;
	free(ea);
	free(eb);
	return same;
}

/* An empty sketch counts zero, exactly, in a header's worth of bytes. */
static void
test_empty(void **state)
{
	struct sketch	*s = sketch_new();

	assert_int_equal(sketch_count(s), 0);
	assert_true(sketch_is_exact(s));
	assert_true(sketch_bytes(s) <= 16);
	sketch_free(s);
	sketch_free(NULL);
}

/* Every count up to the promotion is exact; repeats change nothing. */
static void
test_exact_until_promotion(void **state)
{
	struct sketch	*s = sketch_new();
	uint64_t	 seed = 42, first = 0, h, i;

	for (i = 1; i <= 128; i++) {
		h = splitmix64(&seed);
		if (i == 1)
			first = h;
		assert_true(sketch_add(s, h));
		assert_false(sketch_add(s, h));
		assert_false(sketch_add(s, first));
		assert_int_equal(sketch_count(s), i);
		assert_true(sketch_is_exact(s));
	}
	assert_true(sketch_add(s, splitmix64(&seed)));
	assert_false(sketch_is_exact(s));
	assert_int_equal(sketch_count(s), 129);
	assert_false(sketch_add(s, first));
	assert_int_equal(sketch_count(s), 129);
	sketch_free(s);
}

/* A quiet destination's sketch costs tens of bytes. */
static void
test_memory(void **state)
{
	struct sketch	*s;

	s = filled(7, 1);
	assert_true(sketch_bytes(s) <= 48);
	sketch_free(s);
	s = filled(7, 5);
	assert_true(sketch_bytes(s) <= 80);
	sketch_free(s);
	s = filled(7, 1000);
	assert_true(sketch_bytes(s) > 16384);
	assert_true(sketch_bytes(s) < 17000);
	sketch_free(s);
}

/* Check the estimate for n elements under several seeds. */
static void
check_accuracy(uint64_t n, int seeds)
{
	struct sketch	*s;
	double		 error;
	int		 k;

	for (k = 0; k < seeds; k++) {
		s = filled(1000003ULL * (uint64_t)k + n, n);
		error = fabs((double)sketch_count(s) - (double)n) / (double)n;
		assert_true(error <= 3 * STANDARD_ERROR);
		sketch_free(s);
	}
}

/* 10^3 distinct elements: within three standard errors. */
static void
test_accuracy_thousand(void **state)
{
	check_accuracy(1000, 20);
}

/* 10^5 distinct elements: within three standard errors. */
static void
test_accuracy_hundred_thousand(void **state)
{
	check_accuracy(100000, 5);
}

/* 10^6 distinct elements: within three standard errors. */
static void
test_accuracy_million(void **state)
{
	check_accuracy(1000000, 2);
}

/* Merge src (from seed b, nb elements) into a copy of a; compare. */
static void
check_merge(uint64_t na, uint64_t nb, uint64_t overlap)
{
	struct sketch	*a, *b, *both;
	uint64_t	 sa = 11, sb = 99, i, h;

	a = sketch_new();
	b = sketch_new();
	both = sketch_new();
	for (i = 0; i < na; i++) {
		h = splitmix64(&sa);
		sketch_add(a, h);
		sketch_add(both, h);
		if (i < overlap)
			sketch_add(b, h);
	}
	for (i = 0; i < nb; i++) {
		h = splitmix64(&sb);
		sketch_add(b, h);
		sketch_add(both, h);
	}
	sketch_merge(a, b);
	assert_int_equal(sketch_count(a), sketch_count(both));
	assert_int_equal(sketch_is_exact(a), sketch_is_exact(both));
	assert_true(same_bytes(a, both));
	sketch_merge(a, a);
	assert_true(same_bytes(a, both));
	sketch_free(a);
	sketch_free(b);
	sketch_free(both);
}

/* Exact with exact, staying exact and overflowing into registers. */
static void
test_merge_exact_exact(void **state)
{
	check_merge(0, 0, 0);
	check_merge(3, 0, 0);
	check_merge(0, 3, 0);
	check_merge(20, 30, 10);
	check_merge(100, 100, 72);
	check_merge(100, 100, 0);
}

/* Exact into registers and registers into exact. */
static void
test_merge_exact_hll(void **state)
{
	check_merge(5000, 40, 20);
	check_merge(40, 5000, 20);
}

/* Registers with registers. */
static void
test_merge_hll_hll(void **state)
{
	check_merge(5000, 7000, 1000);
	check_merge(200000, 300000, 50000);
}

/* Encode, decode and encode again: the same bytes and the same count. */
static void
check_round_trip(uint64_t n)
{
	struct sketch	*s = filled(n + 5, n), *back;
	uint8_t		*bytes;
	size_t		 len;

	bytes = sketch_encode(s, &len);
	back = sketch_decode(bytes, len);
	assert_non_null(back);
	assert_int_equal(sketch_count(back), sketch_count(s));
	assert_int_equal(sketch_is_exact(back), sketch_is_exact(s));
	assert_true(same_bytes(s, back));
	assert_int_equal(sketch_add(back, 1), sketch_add(s, 1));
	assert_true(same_bytes(s, back));
	free(bytes);
	sketch_free(s);
	sketch_free(back);
}

/* Round trips of every shape: empty, exact, sparse and dense. */
static void
test_round_trip(void **state)
{
	check_round_trip(0);
	check_round_trip(1);
	check_round_trip(128);
	check_round_trip(129);
	check_round_trip(3000);
	check_round_trip(100000);
}

/* Decode a copy of valid bytes with one byte changed; expect NULL. */
static void
expect_rejected(const uint8_t *bytes, size_t len, size_t at, uint8_t value)
{
	uint8_t	*copy = malloc(len);

	memcpy(copy, bytes, len);
	copy[at] = value;
	assert_null(sketch_decode(copy, len));
	free(copy);
}

/* Every field is checked: version, kind, size, order, rank, precision. */
static void
test_decode_rejects(void **state)
{
	struct sketch	*exact = filled(3, 3), *sparse = filled(3, 300);
	struct sketch	*dense = filled(3, 100000);
	uint8_t		*e, *s, *d, zero = 0;
	size_t		 el, sl, dl;

	e = sketch_encode(exact, &el);
	s = sketch_encode(sparse, &sl);
	d = sketch_encode(dense, &dl);
	assert_int_equal(d[1], 1);
	assert_int_equal(s[1], 2);

	assert_null(sketch_decode(NULL, 0));
	assert_null(sketch_decode(&zero, 1));
	assert_null(sketch_decode(e, el - 1));
	assert_null(sketch_decode(s, sl - 1));
	assert_null(sketch_decode(d, dl - 1));
	assert_null(sketch_decode(e, 3));
	expect_rejected(e, el, 0, 2);
	expect_rejected(e, el, 1, 7);
	expect_rejected(e, el, 2, 4);
	expect_rejected(e, el, 3, 1);
	memcpy(e + 12, e + 4, 8);		/* two equal hashes */
	assert_null(sketch_decode(e, el));
	expect_rejected(s, sl, 2, 12);		/* precision */
	expect_rejected(s, sl, 7, 0);		/* a zero rank listed */
	expect_rejected(s, sl, 7, 52);		/* a rank past q + 1 */
	expect_rejected(s, sl, 6, 0x40);	/* index past m */
	expect_rejected(s, sl, 9, 0xff);	/* index past m */
	memcpy(s + 8, s + 5, 2);		/* an index repeated */
	assert_null(sketch_decode(s, sl));
	expect_rejected(d, dl, 2, 15);
	expect_rejected(d, dl, 100, 52);
	free(e);
	free(s);
	free(d);
	sketch_free(exact);
	sketch_free(sparse);
	sketch_free(dense);
}

/* Decode whatever comes; use it if it is a sketch. */
static void
decode_any(const uint8_t *bytes, size_t len)
{
	struct sketch	*s = sketch_decode(bytes, len);
	uint8_t		*again;
	size_t		 alen;

	if (s == NULL)
		return;
	(void)sketch_count(s);
	sketch_add(s, 12345);
	again = sketch_encode(s, &alen);
	free(again);
	sketch_free(s);
}

/* Random bytes, and valid bytes randomly damaged, never crash. */
static void
test_decode_random(void **state)
{
	struct sketch	*sources[3];
	uint8_t		*valid[3], *buf;
	size_t		 vlen[3], len, i;
	uint64_t	 seed = 2024, r;
	int		 k, round;

	sources[0] = filled(9, 50);
	sources[1] = filled(9, 500);
	sources[2] = filled(9, 60000);
	for (k = 0; k < 3; k++)
		valid[k] = sketch_encode(sources[k], &vlen[k]);
	buf = malloc(vlen[2] + 16);
	for (round = 0; round < 20000; round++) {
		r = splitmix64(&seed);
		len = r % 48;
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)splitmix64(&seed);
		if (len >= 2 && round % 2 == 0) {
			buf[0] = 1;
			buf[1] = (uint8_t)(r >> 32) % 3;
		}
		decode_any(buf, len);

		k = round % 3;
		memcpy(buf, valid[k], vlen[k]);
		for (i = 0; i < 1 + r % 4; i++) {
			buf[splitmix64(&seed) % vlen[k]] =
			    (uint8_t)splitmix64(&seed);
		}
		len = vlen[k];
		if (round % 7 == 0)
			len = splitmix64(&seed) % (vlen[k] + 1);
		decode_any(buf, len);
	}
	free(buf);
	for (k = 0; k < 3; k++) {
		free(valid[k]);
		sketch_free(sources[k]);
	}
}

/* Run every test. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_exact_until_promotion),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_accuracy_thousand),
		cmocka_unit_test(test_accuracy_hundred_thousand),
		cmocka_unit_test(test_accuracy_million),
		cmocka_unit_test(test_merge_exact_exact),
		cmocka_unit_test(test_merge_exact_hll),
		cmocka_unit_test(test_merge_hll_hll),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_decode_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
