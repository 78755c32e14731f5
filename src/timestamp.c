/*
 * timestamp.c - record times in and out, with calendar arithmetic of our own.
 *
 * A record's time arrives in one of four spellings: epoch seconds with a
 * fraction (Zeek TSV "1767607200.500000", Zeek JSON 1767607200.5), epoch
 * milliseconds (any value above 1e11, which as seconds would be the year
 * 5138), either of those quoted as a string, or ISO 8601 / RFC 3339 text
 * ("2026-01-05T10:00:00.500000Z", "...+00:00", Suricata's "...+0000", a
 * space instead of 'T', no fraction).  All become a double of epoch
 * seconds; a double holds microseconds exactly enough until the year 2255.
 *
 * Decimal text is converted without strtod(3) in the common case: the
 * digits (at most 19 of them, below 2^53) form an exact integer and one
 * division by an exact power of ten gives the correctly rounded double,
 * the same value strtod would give, without its locale dependence and at
 * a fraction of its cost.  Longer or stranger numbers fall back to
 * strtod, which fanin can use safely because it never sets LC_NUMERIC.
 *
 * Calendar arithmetic is done here rather than with timegm(3) or
 * gmtime_r(3): the days before a year are 365 a year plus the leap days
 * counted by the Gregorian rule, so neither direction touches the local
 * time zone, the TZ variable or a lock.  A time with no offset is taken as
 * UTC.  Leap seconds (":60") are accepted and land on the next second, as
 * POSIX time does.
 *
 * Output is RFC 3339 UTC with exactly six fraction digits.  The fraction
 * is rounded to the nearest microsecond from t - floor(t), which is exact,
 * so 1767607200.5 prints ".500000" and a value a hair under a second
 * carries into the next one rather than printing ".1000000".
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timestamp.h"

/* Epoch numbers above this are milliseconds, not seconds. */
#define MILLISECONDS_ABOVE	1e11

/* Integers up to this are exact in a double. */
#define EXACT_INTEGER_MAX	9007199254740992ULL	/* 2^53 */

/* The first second of the year 10000: formatting clamps below it. */
#define YEAR_10000		253402300800.0

/* Powers of ten that a double holds exactly. */
static const double	exact_powers_of_ten[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};
#define EXACT_POWER_MAX	22

/* Days before the first of each month in a common year. */
static const int	days_before_month[12] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
};

/* True for a Gregorian leap year. */
static bool
is_leap_year(long year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days in one month of one year. */
static int
days_in_month(long year, int month)
{
	static const int	lengths[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month == 2 && is_leap_year(year))
		return 29;
	return lengths[month - 1];
}

/* Leap years from year 1 up to and including year (year >= 0). */
static long
leap_years_through(long year)
{
	return year / 4 - year / 100 + year / 400;
}

/* Days from 1970-01-01 to the given date (year >= 1), negative before. */
static long
days_from_epoch(long year, int month, int day)
{
	long	days;

	days = 365 * (year - 1970) +
	    leap_years_through(year - 1) - leap_years_through(1969);
	days += days_before_month[month - 1];
	if (month > 2 && is_leap_year(year))
		days++;
	return days + day - 1;
}

/* Split days since 1970-01-01 (not negative) into a calendar date. */
static void
date_from_days(long days, long *year, int *month, int *day)
{
	long	y = 1970 + days / 365;
	int	m;

	/* The estimate is at most a year or two late; walk it back. */
	while (days_from_epoch(y, 1, 1) > days)
		y--;
	days -= days_from_epoch(y, 1, 1);
	for (m = 1; m < 12 && days >= days_in_month(y, m); m++)
		days -= days_in_month(y, m);
	*year = y;
	*month = m;
	*day = (int)days + 1;
}

/* Read exactly n decimal digits at s as an integer, or return -1. */
static long
read_digits(const char *s, size_t n)
{
	long	value = 0;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		value = value * 10 + (s[i] - '0');
	}
	return value;
}

/*
 * The spelling nearly every record uses, "1767607200.123456": digits, an
 * optional '.' and more digits, nineteen digits at most in all.  When
 * they form an integer no larger than 2^53 this gives the double
 * parse_decimal() gives for the same text, by the same one division,
 * without its bookkeeping; anything else returns -1 and is left to it.
 */
static int
parse_plain(const char *text, size_t len, double *out)
{
	uint64_t	mantissa = 0;
	size_t		i, point = len;
	unsigned	digit;

	if (len == 0 || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		digit = (unsigned)(unsigned char)text[i] - '0';
		if (digit > 9) {
			if (text[i] != '.' || point != len || i == 0)
				return -1;
			point = i;
			continue;
		}
		mantissa = mantissa * 10 + digit;
	}
	if (len - (point != len) > 19 || mantissa > EXACT_INTEGER_MAX)
		return -1;
	*out = (double)mantissa / exact_powers_of_ten[point != len ?
	    len - point - 1 : 0];
	return 0;
}

/* Convert decimal text that failed the fast path with strtod. */
static int
decimal_slow(const char *text, size_t len, double *out)
{
	char	 buf[128], *end;

	if (len >= sizeof buf)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	*out = strtod(buf, &end);
	return *end == '\0' ? 0 : -1;
}

/*
 * Parse an unsigned decimal number: digits, an optional '.' and fraction,
 * an optional exponent.  Anything else (signs, "inf", hex) is refused.
 */
static int
parse_decimal(const char *text, size_t len, double *out)
{
	uint64_t	mantissa = 0;
	size_t		i = 0, digits = 0, significant = 0;
	long		scale = 0, exponent = 0;
	bool		exact = true, negative_exponent = false;

	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
		if (significant > 0 || text[i] != '0')
			significant++;
		mantissa = mantissa * 10 + (uint64_t)(text[i] - '0');
	}
	if (i < len && text[i] == '.') {
		for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
			if (significant > 0 || text[i] != '0')
				significant++;
			mantissa = mantissa * 10 + (uint64_t)(text[i] - '0');
			scale++;
			digits++;
		}
	}
	if (digits == 0)
		return -1;
	if (i < len && (text[i] == 'e' || text[i] == 'E')) {
		size_t	start;

		i++;
		if (i < len && (text[i] == '+' || text[i] == '-'))
			negative_exponent = text[i++] == '-';
		start = i;
		for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
			if (exponent < 100000)
				exponent = exponent * 10 + (text[i] - '0');
		if (i == start)
			return -1;
	}
	if (i != len)
		return -1;

	if (negative_exponent)
		exponent = -exponent;
	scale -= exponent;
	if (significant > 19 || mantissa > EXACT_INTEGER_MAX)
		exact = false;
	if (scale > EXACT_POWER_MAX || scale < -EXACT_POWER_MAX)
		exact = false;
	if (!exact)
		return decimal_slow(text, len, out);
	if (scale >= 0)
		*out = (double)mantissa / exact_powers_of_ten[scale];
	else
		*out = (double)mantissa * exact_powers_of_ten[-scale];
	return 0;
}

/* Parse a zone designator: "", "Z", "+HH", "+HHMM" or "+HH:MM". */
static int
parse_offset(const char *s, size_t len, long *seconds_east)
{
	long	hours, minutes = 0, sign;

	*seconds_east = 0;
	if (len == 0)
		return 0;
	if (len == 1 && (s[0] == 'Z' || s[0] == 'z'))
		return 0;
	if (s[0] != '+' && s[0] != '-')
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	s++;
	len--;
	if (len != 2 && len != 4 && !(len == 5 && s[2] == ':'))
		return -1;
	if ((hours = read_digits(s, 2)) < 0 || hours > 23)
		return -1;
	if (len > 2) {
		minutes = read_digits(s + len - 2, 2);
		if (minutes < 0 || minutes > 59)
			return -1;
	}
	*seconds_east = sign * (hours * 3600 + minutes * 60);
	return 0;
}

/*
 * Parse "YYYY-MM-DD[T ]HH:MM:SS[.frac][zone]" into epoch seconds.  The
 * fraction may have any number of digits; a missing zone means UTC.
 */
static int
parse_iso8601(const char *s, size_t len, double *out)
{
	long		year, month, day, hour, minute, second;
	long		offset, whole;
	uint64_t	fraction = 0;
	size_t		i, scale = 0;

	if (len < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return -1;
	year = read_digits(s, 4);
	month = read_digits(s + 5, 2);
	day = read_digits(s + 8, 2);
	hour = read_digits(s + 11, 2);
	minute = read_digits(s + 14, 2);
	second = read_digits(s + 17, 2);
	if (year < 1 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, (int)month) || hour < 0 || hour > 23 ||
	    minute < 0 || minute > 59 || second < 0 || second > 60)
		return -1;

	i = 19;
	if (i < len && (s[i] == '.' || s[i] == ',')) {
		size_t	start = ++i;

		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			/* Digits past the fifteenth are below a femtosecond. */
			if (scale < 15) {
				fraction = fraction * 10 +
				    (uint64_t)(s[i] - '0');
				scale++;
			}
		}
		if (i == start)
			return -1;
	}
	if (parse_offset(s + i, len - i, &offset) != 0)
		return -1;

	whole = days_from_epoch(year, (int)month, (int)day) * 86400 +
	    hour * 3600 + minute * 60 + second - offset;
	if (whole < 0)
		return -1;
	if ((uint64_t)whole <= (EXACT_INTEGER_MAX - fraction) /
	    (uint64_t)exact_powers_of_ten[scale])
		*out = (double)((uint64_t)whole *
		    (uint64_t)exact_powers_of_ten[scale] + fraction) /
		    exact_powers_of_ten[scale];
	else
		*out = (double)whole +
		    (double)fraction / exact_powers_of_ten[scale];
	return 0;
}

/* Parse len bytes of text as a time; see timestamp.h. */
int
timestamp_parse(const char *text, size_t len, double *out)
{
	double	value;

	if (parse_plain(text, len, out) == 0) {
		*out = timestamp_from_number(*out);
		return 0;
	}
	while (len > 0 && (text[0] == ' ' || text[0] == '\t')) {
		text++;
		len--;
	}
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
	    text[len - 1] == '\r'))
		len--;
	if (len >= 2 && text[0] == '"' && text[len - 1] == '"') {
		text++;
		len -= 2;
	}
	if (len == 0)
		return -1;

	if (len >= 19 && text[4] == '-') {
		if (parse_iso8601(text, len, &value) != 0)
			return -1;
	} else {
		if (parse_decimal(text, len, &value) != 0)
			return -1;
		value = timestamp_from_number(value);
	}
	if (!isfinite(value) || value < 0)
		return -1;
	*out = value;
	return 0;
}

/* Epoch seconds from a JSON number: values above 1e11 are milliseconds. */
double
timestamp_from_number(double value)
{
	if (value > MILLISECONDS_ABOVE)
		return value / 1000.0;
	return value;
}

/* Write value as exactly width decimal digits, zero padded. */
static void
put_digits(char *out, long value, int width)
{
	while (width-- > 0) {
		out[width] = (char)('0' + value % 10);
		value /= 10;
	}
}

/*
 * Write t as RFC 3339 UTC with microseconds.  Times before 1970 or not
 * finite print as the epoch, times past the year 9999 as its last instant.
 */
void
timestamp_format(double t, char *buf)
{
	double	seconds;
	long	whole, microseconds, days, year;
	int	month, day, rest;

	if (!isfinite(t) || t < 0)
		t = 0;
	seconds = floor(t);
	microseconds = lround((t - seconds) * 1e6);
	if (seconds >= YEAR_10000) {
		seconds = YEAR_10000 - 1;
		microseconds = 999999;
	}
	whole = (long)seconds;
	if (microseconds >= 1000000) {
		whole++;
		microseconds -= 1000000;
		if (whole >= (long)YEAR_10000) {
			whole = (long)YEAR_10000 - 1;
			microseconds = 999999;
		}
	}

	days = whole / 86400;
	rest = (int)(whole % 86400);
	date_from_days(days, &year, &month, &day);

	/* "YYYY-MM-DDTHH:MM:SS.ffffffZ", 27 bytes and a NUL. */
	put_digits(buf, year, 4);
	buf[4] = '-';
	put_digits(buf + 5, month, 2);
	buf[7] = '-';
	put_digits(buf + 8, day, 2);
	buf[10] = 'T';
	put_digits(buf + 11, rest / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, rest / 60 % 60, 2);
	buf[16] = ':';
	put_digits(buf + 17, rest % 60, 2);
	buf[19] = '.';
	put_digits(buf + 20, microseconds, 6);
	buf[26] = 'Z';
	buf[27] = '\0';
}
