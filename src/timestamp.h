/*
 * timestamp.h - record times in and out.
 *
 * Logs write time as epoch seconds ("1767607200.5"), epoch milliseconds
 * (any number above 1e11), quoted epoch strings, or ISO 8601 / RFC 3339
 * with or without fraction and offset.  fanin keeps a double of epoch
 * seconds (microsecond precision survives for centuries) and writes
 * RFC 3339 UTC with six fraction digits.
 */
#ifndef FANIN_TIMESTAMP_H
#define FANIN_TIMESTAMP_H

#include <stddef.h>

#define TIMESTAMP_TEXT_MAX	32	/* RFC 3339 UTC + NUL */

/*
 * Parse len bytes of text as an epoch number or an ISO 8601 time.  Returns
 * 0 and sets *out, or -1 when the text is no time (a masked Zeek test time
 * "XXXXXXXXXX.XXXXXX", garbage, a negative or non-finite number).
 */
int		 timestamp_parse(const char *text, size_t len, double *out);

/* Turn a JSON number into epoch seconds (milliseconds above 1e11). */
double		 timestamp_from_number(double value);

/* Write t as "YYYY-MM-DDTHH:MM:SS.ffffffZ" into buf (TIMESTAMP_TEXT_MAX). */
void		 timestamp_format(double t, char *buf);

#endif
