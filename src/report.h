/*
 * report.h - one HTML page that pictures every alert of a run.
 *
 * The run hands each alert it writes to report_add(), which copies what
 * the page needs (the spike, its sources, and the destination's recent
 * buckets from model_history()) at that moment, so the model may move on
 * or free the spike.  At exit report_write() writes the page at once,
 * through a temporary file and a rename, so a reader never sees half a
 * page.  The page is self-contained: inline CSS and SVG, no script, no
 * link to anything outside the file.
 */
#ifndef FANIN_REPORT_H
#define FANIN_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define REPORT_HISTORY	28	/* buckets drawn per alert, at most */

struct report;

/* A new, empty report; free it with report_free(). */
struct report	*report_new(void);

/* Free the report and every copy it holds; NULL is allowed. */
void		 report_free(struct report *);

/*
 * Note that the run saw a record of event time t, so the page can say
 * which stretch of time the run covered even when nothing spiked.
 * Optional: without it the page gives the alerts' own time range.  A
 * NULL report is allowed and ignored, as in report_add(), so a run
 * without --report needs no test at each call.
 */
void		 report_observe(struct report *, double t);

/*
 * Add one alert.  Asks the model for the destination's last
 * REPORT_HISTORY buckets up to the spike's record, with the baseline
 * level and band as they stand now, and copies them with the spike; the
 * caller keeps ownership of both.  Call it right after the alert is
 * written, before the model takes another event.  NULL r: no-op.
 */
void		 report_add(struct report *, const struct spike *,
		     const struct model *);

/*
 * Add one alert with its history given rather than asked of a model:
 * n counts, oldest first, the first starting at first_bucket_start, with
 * the baseline level and band (the smallest count that reaches the
 * threshold; INFINITY or NaN when none is known).  With n == 0 the spike
 * bucket alone is drawn.  report_add() is this plus model_history().
 */
void		 report_add_history(struct report *, const struct spike *,
		     const uint32_t *counts, size_t n,
		     double first_bucket_start, double level, double band);

/*
 * Write the page to path: a temporary file beside it, mode 0640, synced,
 * then renamed over path, so path holds the old page or the new one,
 * never part of one.  Returns 0, or -1 with a cause naming the file in
 * err (errlen bytes); on failure path is untouched and no temporary file
 * is left.
 */
int		 report_write(const struct report *, const char *path,
		     char *err, size_t errlen);

#endif
