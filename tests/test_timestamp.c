/*
 * test_timestamp.c - every time spelling a sensor writes parses to the
 * exact double, garbage and masked times are refused, and output is RFC
 * 3339 UTC rounded to the microsecond.
 *
 * Exact values are compared with ==: the parser promises the correctly
 * rounded double, the one strtod(3) gives for the same digits.  The
 * calendar is checked against gmtime_r(3) and timegm(3), used here only
 * as an independent oracle.  The four spellings of shared case 17 are
 * written out so this test needs no shared data.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "timestamp.h"

/* Parse a C string, failing the test if it is refused. */
static double
parse_ok(const char *text)
{
	double	t = -12345;

	if (timestamp_parse(text, strlen(text), &t) != 0)
		fail_msg("refused: \"%s\"", text);
	return t;
}

/* Assert text parses to exactly want. */
static void
assert_time(const char *text, double want)
{
	double	got = parse_ok(text);

	if (got != want)
		fail_msg("\"%s\": got %.9f, want %.9f", text, got, want);
}

/* Assert text is refused and *out untouched. */
static void
assert_refused(const char *text)
{
	double	t = 42;

	if (timestamp_parse(text, strlen(text), &t) != -1)
		fail_msg("accepted: \"%s\" as %.6f", text, t);
	assert_true(t == 42);
}

/* Assert t prints as want. */
static void
assert_format(double t, const char *want)
{
	char	buf[TIMESTAMP_TEXT_MAX];

	memset(buf, 'x', sizeof buf);
	timestamp_format(t, buf);
	assert_string_equal(buf, want);
}

/* The four lines of case 17 give the four instants exactly. */
static void
test_case17_spellings(void **state)
{
	(void)state;
	assert_time("1767607200.000000", 1767607200.0);
	assert_time("2026-01-05T10:00:00.500000Z", 1767607200.5);
	assert_time("2026-01-05T10:00:01.000000+00:00", 1767607201.0);
	assert_time("\"1767607202.250000\"", 1767607202.25);
	assert_time("1767607202.250000", 1767607202.25);
	assert_format(parse_ok("2026-01-05T10:00:00.500000Z"),
	    "2026-01-05T10:00:00.500000Z");
	assert_format(timestamp_from_number(1767607200.0),
	    "2026-01-05T10:00:00.000000Z");
}

/* Epoch seconds in the shapes Zeek and others write. */
static void
test_epoch_seconds(void **state)
{
	(void)state;
	assert_time("1767607200", 1767607200.0);
	assert_time("1767607200.5", 1767607200.5);
	assert_time("1767607200.", 1767607200.0);
	assert_time("0", 0.0);
	assert_time("0.000000", 0.0);
	assert_time("19.981745", 19.981745);
	assert_time("1521911721.258458", 1521911721.258458);
	assert_time("1300475167.096535", 1300475167.096535);
	assert_time("1767607200.123456", 1767607200.123456);
	assert_time("1.7676072005e9", 1767607200.5);
	assert_time(" 1767607200.5 ", 1767607200.5);
	assert_time("1767607200.5\r", 1767607200.5);
	/* More digits than the fast path holds. */
	assert_time("1767607200.12345678901234567890", 1767607200.1234567);
}

/* Values above 1e11 are milliseconds, as numbers and as text. */
static void
test_epoch_milliseconds(void **state)
{
	(void)state;
	assert_time("1767607200500", 1767607200.5);
	assert_time("\"1767607200500\"", 1767607200.5);
	assert_time("1767607200500.0", 1767607200.5);
	assert_time("100000000000", 1e11);
	assert_time("100000000001", 100000000.001);
	assert_true(timestamp_from_number(1767607200500.0) == 1767607200.5);
	assert_true(timestamp_from_number(1767607200.5) == 1767607200.5);
	assert_true(timestamp_from_number(1e11) == 1e11);
	assert_true(timestamp_from_number(0) == 0);
}

/* ISO 8601 with fractions, offsets and separators of every kind. */
static void
test_iso8601(void **state)
{
	(void)state;
	assert_time("2026-01-05T10:00:00Z", 1767607200.0);
	assert_time("2026-01-05T10:00:00", 1767607200.0);
	assert_time("2026-01-05 10:00:00Z", 1767607200.0);
	assert_time("2026-01-05t10:00:00z", 1767607200.0);
	assert_time("2026-01-05T10:00:00.5Z", 1767607200.5);
	assert_time("2026-01-05T10:00:00,5Z", 1767607200.5);
	assert_time("2026-01-05T10:00:00.123456Z", 1767607200.123456);
	assert_time("2026-01-05T10:00:30.000000+0000", 1767607230.0);
	assert_time("2026-01-05T12:00:00+0200", 1767607200.0);
	assert_time("2026-01-05T12:00:00+02:00", 1767607200.0);
	assert_time("2026-01-05T12:00:00+02", 1767607200.0);
	assert_time("2026-01-05T08:30:00.500000-01:30", 1767607200.5);
	assert_time("2026-01-05T10:00:00.123456789Z", 1767607200.123456789);
	assert_time("\"2026-01-05T10:00:00.500000Z\"", 1767607200.5);
	assert_time("1970-01-01T00:00:00Z", 0.0);
	assert_time("1969-12-31T23:00:00-01:00", 0.0);
	assert_time("2024-02-29T00:00:00Z", 1709164800.0);
	assert_time("2000-03-01T00:00:00Z", 951868800.0);
	assert_time("2100-03-01T00:00:00Z", 4107542400.0);
	assert_time("9999-12-31T23:59:59Z", 253402300799.0);
	/* A leap second lands on the next second, as POSIX time does. */
	assert_time("2016-12-31T23:59:60Z", 1483228800.0);
	/* Suricata 8 alert-sample spelling with an offset. */
	assert_time("2018-03-24T13:48:37.442139-0600", 1521920917.442139);
}

/* Masked test times, garbage, negatives and impossible dates. */
static void
test_refused(void **state)
{
	static const char	*bad[] = {
		"", " ", "\"\"", "-", "(empty)", "XXXXXXXXXX.XXXXXX",
		"XXXX-XX-XX-XX-XX-XX", "abc", "-5", "-1767607200.5", "+5",
		"inf", "nan", "NaN", "infinity", "0x10", "1.2.3", ".", "e5",
		"1e", "1e+", "5e-", "1767607200.5x", "17676 07200",
		"1767607200,5", "1e400",
		"2026-01-05", "2026-01-05T10:00Z", "2026-01-05T10:00:00.Z",
		"2026-13-05T10:00:00Z", "2026-00-05T10:00:00Z",
		"2026-01-32T10:00:00Z", "2026-01-00T10:00:00Z",
		"2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
		"2026-01-05T24:00:00Z", "2026-01-05T10:60:00Z",
		"2026-01-05T10:00:61Z", "2026-01-05X10:00:00Z",
		"2026-01-05T10:00:00+2400", "2026-01-05T10:00:00+0260",
		"2026-01-05T10:00:00+020", "2026-01-05T10:00:00 +0200",
		"2026-01-05T10:00:00ZZ", "2026-1-05T10:00:00Z",
		"1969-12-31T23:59:59Z", "1969-12-31T23:59:59.500000Z",
		"0000-01-01T00:00:00Z", "2026-01-05T10:00:00.500000Zjunk"
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_refused(bad[i]);
}

/* The length is honoured: text after it is not read. */
static void
test_length_honoured(void **state)
{
	double	t;

	(void)state;
	assert_int_equal(timestamp_parse("1767607200.5\tCabc", 12, &t), 0);
	assert_true(t == 1767607200.5);
	assert_int_equal(timestamp_parse("2026-01-05T10:00:00Zjunk", 20, &t),
	    0);
	assert_true(t == 1767607200.0);
	assert_int_equal(timestamp_parse("1767607200.5", 0, &t), -1);
}

/* Output rounds to the microsecond and carries into the next second. */
static void
test_format(void **state)
{
	(void)state;
	assert_format(1767607200.5, "2026-01-05T10:00:00.500000Z");
	assert_format(1767607200.0, "2026-01-05T10:00:00.000000Z");
	assert_format(1767607200.123456, "2026-01-05T10:00:00.123456Z");
	assert_format(1767607200.0000004, "2026-01-05T10:00:00.000000Z");
	assert_format(1767607200.0000006, "2026-01-05T10:00:00.000001Z");
	assert_format(1767607200.9999996, "2026-01-05T10:00:01.000000Z");
	assert_format(1767657599.9999996, "2026-01-06T00:00:00.000000Z");
	assert_format(0, "1970-01-01T00:00:00.000000Z");
	assert_format(19.981745, "1970-01-01T00:00:19.981745Z");
	assert_format(951868799.5, "2000-02-29T23:59:59.500000Z");
	assert_format(1709164800, "2024-02-29T00:00:00.000000Z");
	assert_format(4107542399, "2100-02-28T23:59:59.000000Z");
	assert_format(253402300799.0, "9999-12-31T23:59:59.000000Z");
	/* Out of range: clamped, never garbage. */
	assert_format(-1, "1970-01-01T00:00:00.000000Z");
	assert_format(0.0 / 0.0, "1970-01-01T00:00:00.000000Z");
	assert_format(1e300, "9999-12-31T23:59:59.999999Z");
}

/* The fast decimal path gives strtod's double for Zeek-shaped times. */
static void
test_matches_strtod(void **state)
{
	char		 text[64];
	double		 got;
	unsigned	 seed = 12345;
	int		 i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		long	seconds = (long)(rand_r(&seed) % 2000000000);
		long	micro = rand_r(&seed) % 1000000;

		snprintf(text, sizeof text, "%ld.%06ld", seconds, micro);
		assert_int_equal(timestamp_parse(text, strlen(text), &got),
		    0);
		if (got != strtod(text, NULL))
			fail_msg("%s: %.9f != strtod", text, got);
	}
}

/*
 * Plain decimals of every shape the fast path may take or refuse (one
 * to twenty digits, a point anywhere or none, values around 2^53 and the
 * millisecond cut) parse to exactly what strtod gives, milliseconds
 * scaled as timestamp_from_number() scales them: two million of them.
 */
static void
test_plain_matches_strtod(void **state)
{
	static const char	*edges[] = {
		"9007199254740992", "9007199254740993", "900719925474099.3",
		"9007199254740.993", "1234567890123456789",
		"12345678901234567890",
		"0.0000000000000000001", "100000000000", "99999999999.999999",
		"100000000000.5", "5.", "0", "00000000001767607200.1"
	};
	char		 text[64];
	double		 got, want;
	unsigned	 seed = 53;
	int		 i, j, digits, point;

	(void)state;
	for (i = 0; i < 2000000; i++) {
		digits = 1 + rand_r(&seed) % 20;
		point = rand_r(&seed) % (digits + 1);
		for (j = 0; j < digits; j++)
			text[j] = (char)('0' + rand_r(&seed) % 10);
		if (point > 0 && point < digits) {
			memmove(text + point + 1, text + point,
			    (size_t)(digits - point));
			text[point] = '.';
			text[digits + 1] = '\0';
		} else
			text[digits] = '\0';
		want = timestamp_from_number(strtod(text, NULL));
		assert_int_equal(timestamp_parse(text, strlen(text), &got),
		    0);
		if (got != want)
			fail_msg("%s: %.17g != strtod's %.17g", text, got,
			    want);
	}
	for (i = 0; i < (int)(sizeof edges / sizeof edges[0]); i++) {
		want = timestamp_from_number(strtod(edges[i], NULL));
		assert_int_equal(timestamp_parse(edges[i], strlen(edges[i]),
		    &got), 0);
		if (got != want)
			fail_msg("%s: %.17g != strtod's %.17g", edges[i], got,
			    want);
	}
}

/* Calendar arithmetic agrees with the C library in both directions. */
static void
test_calendar_against_libc(void **state)
{
	char		 text[64], want[64], got[TIMESTAMP_TEXT_MAX];
	struct tm	 tm;
	unsigned	 seed = 777;
	time_t		 t;
	double		 parsed;
	long		 micro;
	int		 i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		/* Up to 2223, where a double still holds microseconds. */
		t = (time_t)(((uint64_t)rand_r(&seed) << 20 ^
		    (uint64_t)rand_r(&seed)) % 8000000000ULL);
		micro = rand_r(&seed) % 1000000;
		gmtime_r(&t, &tm);
		snprintf(want, sizeof want,
		    "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, micro);

		timestamp_format((double)t + micro / 1e6, got);
		if (strcmp(got, want) != 0)
			fail_msg("%lld: %s != %s", (long long)t, got, want);

		assert_int_equal(timestamp_parse(want, strlen(want), &parsed),
		    0);
		if (fabs(parsed - ((double)t + micro / 1e6)) > 1e-6)
			fail_msg("%s: parsed %.6f", want, parsed);
		strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S+00:00", &tm);
		assert_int_equal(timestamp_parse(text, strlen(text), &parsed),
		    0);
		assert_true(parsed == (double)timegm(&tm));
	}
}

/* Whole seconds up to the year 9999 print as the C library says. */
static void
test_calendar_whole_range(void **state)
{
	char		 want[64], got[TIMESTAMP_TEXT_MAX];
	struct tm	 tm;
	unsigned	 seed = 4242;
	time_t		 t;
	int		 i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		t = (time_t)(((uint64_t)rand_r(&seed) << 20 ^
		    (uint64_t)rand_r(&seed)) % 253402300800ULL);
		gmtime_r(&t, &tm);
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
		timestamp_format((double)t, got);
		if (strcmp(got, want) != 0)
			fail_msg("%lld: %s != %s", (long long)t, got, want);
	}
}

/* Formatting what was parsed gives back the same text. */
static void
test_round_trip(void **state)
{
	static const char	*texts[] = {
		"2026-01-05T10:00:00.500000Z",
		"2026-01-05T10:00:00.000001Z",
		"2026-01-05T10:00:00.999999Z",
		"2018-03-24T13:48:37.442139Z",
		"1970-01-01T00:00:00.000000Z",
		"2038-01-19T03:14:08.000000Z",
		"2200-01-01T00:00:00.000001Z"
	};
	char			 buf[TIMESTAMP_TEXT_MAX];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		timestamp_format(parse_ok(texts[i]), buf);
		assert_string_equal(buf, texts[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_case17_spellings),
		cmocka_unit_test(test_epoch_seconds),
		cmocka_unit_test(test_epoch_milliseconds),
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_length_honoured),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_matches_strtod),
		cmocka_unit_test(test_plain_matches_strtod),
		cmocka_unit_test(test_calendar_against_libc),
		cmocka_unit_test(test_calendar_whole_range),
		cmocka_unit_test(test_round_trip)
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
