/*
 * report.c - the page an analyst opens after a run: every alert pictured.
 *
 * What the page shows
 * -------------------
 *
 * A header with the run's summary: how many alerts, the stretch of event
 * time the run read (or, when the run did not say, the alerts' own), and
 * an index of the alerts linking to their sections.  With no alert, the
 * page says so in a sentence, so an empty page is never mistaken for a
 * broken one.
 *
 * Then one section per alert, in the order the run raised them: the
 * destination and port; the facts of the alert as the ECS document gives
 * them (time, bucket, distinct sources, typical, score, mode,
 * connections, event.id, so the page and the SIEM can be matched); a bar
 * chart of the destination's distinct sources per bucket; and the table
 * of its sources with the start of each one's first connection in the
 * bucket, its connection count and whether it had reached this
 * destination in an earlier bucket.
 *
 * The chart
 * ---------
 *
 * Up to REPORT_HISTORY (28) buckets, oldest on the left, ending with the
 * one that holds the record that made the spike: seven days at the
 * default 6-hour span.  The counts, the baseline level and the band are
 * taken from model_history() when the alert is raised, because the model
 * moves on (and forgets) as later records arrive.  The band is shaded
 * from zero up to the smallest count that reaches the threshold, and the
 * level is a dashed line, so a bar that leaves the shading is a bar the
 * model would alert on.  The spike bar is drawn in red with its count
 * above it; every bar carries an SVG <title>, which a browser shows as a
 * tooltip without any script.  The vertical scale runs from zero to a
 * round number above the largest of the bars, the level and the band (a
 * band far above every bar is clipped instead, so it cannot flatten the
 * bars), with four or five grid lines at steps of 1, 2 or 5 times a
 * power of ten.  Bars are labelled with their start, month-day over
 * hour:minute, every k-th bar counted back from the spike so that the
 * spike's bucket is always labelled and no two labels collide.
 *
 * Safety
 * ------
 *
 * The page is self-contained: inline CSS, inline SVG, no script, no
 * font, image or link fetched from anywhere, so it can be mailed,
 * attached to a ticket, or opened on an air-gapped analysis machine.  A
 * Content-Security-Policy of default-src 'none' (inline style allowed)
 * makes that a promise the browser enforces: even a mistake in escaping
 * could not run a script or call out.  Every piece of text that does not
 * come from this file goes through html_text(), which escapes the five
 * characters that matter in HTML text and attribute values.  Addresses
 * reach the report already parsed to binary and are written back by
 * addr_format(), so they cannot carry markup, but they are escaped all
 * the same: one rule, no exceptions to remember.
 *
 * Writing
 * -------
 *
 * The page is written once, at the end of the run, to a temporary file
 * beside the target (mode 0640: alerts name internal hosts), flushed,
 * synced, and renamed over the target, then the directory is synced.  A
 * browser or a web server reading the path sees the old page or the new
 * one, never half of one, and a failure leaves the old page in place.
 *
 * Memory
 * ------
 *
 * Measured on x86-64: each alert keeps its spike and its 28 counts (264
 * bytes), its listed sources (48 bytes each, 100 at most by default) and
 * its mode string, about 5 KiB for a spike of 100 listed sources.  On
 * the page such an alert takes about 26 KiB, and the head and style
 * sheet about 3 KiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "ecs.h"
#include "model.h"
#include "report.h"
#include "timestamp.h"
#include "util.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION	"0.1.0"
#endif

#define REPORT_MODE	0640

/* The chart's geometry, in SVG user units (pixels at 100% zoom). */
#define CHART_WIDTH	960
#define CHART_HEIGHT	270
#define CHART_LEFT	56	/* room for the count labels */
#define CHART_RIGHT	120	/* room for the level and band labels */
#define CHART_TOP	24	/* room for the spike's count */
#define CHART_BOTTOM	44	/* room for two lines of bucket start */
#define CHART_LABELS	8	/* bucket labels at most */
#define BAR_FILL	0.72	/* of a bucket's slot */

/* One alert as the page draws it. */
struct report_alert {
	struct spike	 spike;		/* sources and mode point to copies */
	char		*mode;
	uint32_t	 counts[REPORT_HISTORY];
	size_t		 ncounts;
	double		 first_bucket_start;
	double		 level;
	double		 band;
};

/* Every alert of the run, and the stretch of event time it read. */
struct report {
	struct report_alert	*alerts;
	size_t			 nalerts;
	size_t			 cap;
	double			 first_seen;
	double			 last_seen;
	bool			 observed;
};

/* The chart's vertical scale. */
struct scale {
	double		 top;		/* count at the top of the plot */
	double		 step;		/* between grid lines */
};

/* ---------------------------------------------------------------------
 * Text.
 */

/* Write s as HTML text, safe inside elements and quoted attributes. */
static void
html_text(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
			break;
		}
	}
}

/* Write an address in canonical form, escaped. */
static void
html_addr(FILE *fp, const struct ip_addr *ip)
{
	char	text[ADDR_TEXT_MAX];

	addr_format(ip, text);
	html_text(fp, text);
}

/* True when t is a time gmtime_r() can take (0001 to 9999). */
static bool
time_usable(double t)
{
	return isfinite(t) && t > -62135596800.0 && t < 253402300800.0;
}

/* Format t as UTC with strftime's fmt into buf; "unknown" when not a time. */
static void
format_time(double t, const char *fmt, char *buf, size_t len)
{
	struct tm	tm;
	time_t		secs;

	if (!time_usable(t)) {
		snprintf(buf, len, "unknown");
		return;
	}
	secs = (time_t)floor(t);
	if (gmtime_r(&secs, &tm) == NULL || strftime(buf, len, fmt, &tm) == 0)
		snprintf(buf, len, "unknown");
}

/* Write t as a <time> element: readable UTC text, RFC 3339 attribute. */
static void
html_time(FILE *fp, double t)
{
	char	machine[TIMESTAMP_TEXT_MAX], human[32];

	format_time(t, "%Y-%m-%d %H:%M:%S", human, sizeof human);
	if (!time_usable(t)) {
		html_text(fp, human);
		return;
	}
	timestamp_format(t, machine);
	fputs("<time datetime=\"", fp);
	html_text(fp, machine);
	fputs("\">", fp);
	html_text(fp, human);
	fputs("</time>", fp);
}

/* Write a bucket span in the units of --bucket-span ("6h", "15m"). */
static void
format_span(unsigned span, char *buf, size_t len)
{
	if (span > 0 && span % 86400 == 0)
		snprintf(buf, len, "%ud", span / 86400);
	else if (span > 0 && span % 3600 == 0)
		snprintf(buf, len, "%uh", span / 3600);
	else if (span > 0 && span % 60 == 0)
		snprintf(buf, len, "%um", span / 60);
	else
		snprintf(buf, len, "%us", span);
}

/* Format a count that may have a fraction (a level) with one decimal. */
static void
format_level(double v, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "none");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.1f", v);
}

/* ---------------------------------------------------------------------
 * The chart.
 */

/* A round step (1, 2 or 5 times a power of ten) giving at most 5 lines. */
static double
nice_step(double top)
{
	static const double	 mantissas[] = { 1, 2, 5 };
	double			 power = 1;
	size_t			 i;

	if (!(top > 0))
		return 1;
	while (power * 10 <= top / 5)
		power *= 10;
	for (;;) {
		for (i = 0; i < sizeof mantissas / sizeof *mantissas; i++) {
			if (mantissas[i] * power * 5 >= top)
				return mantissas[i] * power;
		}
		power *= 10;
	}
}

/* The scale for an alert: zero to a round number above what is drawn. */
static struct scale
scale_of(const struct report_alert *a)
{
	struct scale	s;
	double		highest = 1;
	size_t		i;

	for (i = 0; i < a->ncounts; i++) {
		if (a->counts[i] > highest)
			highest = a->counts[i];
	}
	if (isfinite(a->level) && a->level > highest)
		highest = a->level;
	if (isfinite(a->band) && a->band > highest &&
	    a->band <= 2 * highest)
		highest = a->band;
	s.step = nice_step(highest);
	s.top = ceil(highest / s.step) * s.step;
	if (s.top < highest * 1.08)
		s.top += s.step;
	return s;
}

/* The vertical position of count v, clipped to the plot. */
static double
chart_y(const struct scale *s, double v)
{
	double	height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM;

	if (v < 0)
		v = 0;
	if (v > s->top)
		v = s->top;
	return CHART_TOP + height * (1 - v / s->top);
}

/* Draw the horizontal grid lines and their counts on the left. */
static void
chart_grid(FILE *fp, const struct scale *s)
{
	double	v, y;

	for (v = 0; v <= s->top + s->step / 2; v += s->step) {
		y = chart_y(s, v);
		fprintf(fp, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" "
		    "x2=\"%d\" y2=\"%.1f\"/>\n", CHART_LEFT, y,
		    CHART_WIDTH - CHART_RIGHT, y);
		fprintf(fp, "<text class=\"tick\" x=\"%d\" y=\"%.1f\">%.0f"
		    "</text>\n", CHART_LEFT - 8, y + 4, v);
	}
}

/* Shade the normal band and draw the level line, each with a label. */
static void
chart_baseline(FILE *fp, const struct report_alert *a,
    const struct scale *s)
{
	char	text[32];
	double	y0 = chart_y(s, 0), y, band_y = -100, nudge;
	int	right = CHART_WIDTH - CHART_RIGHT;

	if (isfinite(a->band) && a->band > 0) {
		y = band_y = chart_y(s, a->band);
		fprintf(fp, "<rect class=\"band\" x=\"%d\" y=\"%.1f\" "
		    "width=\"%d\" height=\"%.1f\"/>\n", CHART_LEFT, y,
		    right - CHART_LEFT, y0 - y);
		fprintf(fp, "<line class=\"band-top\" x1=\"%d\" y1=\"%.1f\" "
		    "x2=\"%d\" y2=\"%.1f\"/>\n", CHART_LEFT, y, right, y);
		format_level(a->band, text, sizeof text);
		fprintf(fp, "<text class=\"note band-label\" x=\"%d\" "
		    "y=\"%.1f\">alert at %s%s</text>\n", right + 6, y + 4,
		    text, a->band > s->top ? " &#8593;" : "");
	}
	if (isfinite(a->level) && a->level >= 0) {
		y = chart_y(s, a->level);
		fprintf(fp, "<line class=\"level\" x1=\"%d\" y1=\"%.1f\" "
		    "x2=\"%d\" y2=\"%.1f\"/>\n", CHART_LEFT, y, right, y);
		format_level(a->level, text, sizeof text);
		/* Below the band's label when the two would overlap. */
		nudge = fabs(band_y - y) < 14 ? 16 : 4;
		fprintf(fp, "<text class=\"note level-label\" x=\"%d\" "
		    "y=\"%.1f\">typical %s</text>\n", right + 6, y + nudge,
		    text);
	}
}

/* The index of the spike's bucket among the drawn ones, or -1. */
static long
spike_index(const struct report_alert *a)
{
	double	i;

	if (a->spike.bucket_span == 0)
		return -1;
	i = round((a->spike.bucket_start - a->first_bucket_start) /
	    a->spike.bucket_span);
	if (!(i >= 0 && i < (double)a->ncounts))
		return -1;
	return (long)i;
}

/* Label bucket i under its bar: month-day over hour:minute, UTC. */
static void
chart_bucket_label(FILE *fp, const struct report_alert *a, size_t i,
    double x)
{
	char	day[16], hour[16];
	double	start;

	start = a->first_bucket_start + (double)i * a->spike.bucket_span;
	format_time(start, "%m-%d", day, sizeof day);
	format_time(start, "%H:%M", hour, sizeof hour);
	fprintf(fp, "<text class=\"when\" x=\"%.1f\" y=\"%d\">", x,
	    CHART_HEIGHT - CHART_BOTTOM + 16);
	html_text(fp, day);
	fprintf(fp, "<tspan x=\"%.1f\" dy=\"14\">", x);
	html_text(fp, hour);
	fputs("</tspan></text>\n", fp);
}

/* Draw one bar per bucket, the spike's in red with its count on top. */
static void
chart_bars(FILE *fp, const struct report_alert *a, const struct scale *s)
{
	char	when[32], span[16];
	double	slot, width, x, y, y0 = chart_y(s, 0);
	long	spike = spike_index(a);
	size_t	i, every;

	slot = (double)(CHART_WIDTH - CHART_LEFT - CHART_RIGHT) /
	    (a->ncounts > 0 ? a->ncounts : 1);
	width = slot * BAR_FILL;
	every = (a->ncounts + CHART_LABELS - 1) / CHART_LABELS;
	format_span(a->spike.bucket_span, span, sizeof span);
	for (i = 0; i < a->ncounts; i++) {
		x = CHART_LEFT + slot * i + (slot - width) / 2;
		y = chart_y(s, a->counts[i]);
		format_time(a->first_bucket_start +
		    (double)i * a->spike.bucket_span, "%Y-%m-%d %H:%M",
		    when, sizeof when);
		fprintf(fp, "<rect class=\"bar%s\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\"><title>", (long)i == spike ?
		    " spike" : "", x, y, width, y0 - y);
		html_text(fp, when);
		fprintf(fp, " UTC, %s: %lu distinct source%s</title></rect>\n",
		    span, (unsigned long)a->counts[i],
		    a->counts[i] == 1 ? "" : "s");
		if ((long)i == spike)
			fprintf(fp, "<text class=\"spike-count\" x=\"%.1f\" "
			    "y=\"%.1f\">%lu</text>\n", x + width / 2, y - 6,
			    (unsigned long)a->counts[i]);
		if ((a->ncounts - 1 - i) % every == 0)
			chart_bucket_label(fp, a, i, x + width / 2);
	}
}

/* Draw the whole chart of one alert as an inline SVG. */
static void
chart(FILE *fp, const struct report_alert *a, size_t number)
{
	struct scale	s = scale_of(a);
	char		span[16];

	format_span(a->spike.bucket_span, span, sizeof span);
	fprintf(fp, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-labelledby=\"chart-%zu-title\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">\n", CHART_WIDTH,
	    CHART_HEIGHT, number);
	fprintf(fp, "<title id=\"chart-%zu-title\">Distinct RDP sources per "
	    "%s bucket of ", number, span);
	html_addr(fp, &a->spike.destination);
	fprintf(fp, ", last %zu bucket%s, the spike last</title>\n",
	    a->ncounts, a->ncounts == 1 ? "" : "s");
	chart_baseline(fp, a, &s);
	chart_grid(fp, &s);
	chart_bars(fp, a, &s);
	fprintf(fp, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
	    "y2=\"%.1f\"/>\n", CHART_LEFT, chart_y(&s, 0),
	    CHART_WIDTH - CHART_RIGHT, chart_y(&s, 0));
	fputs("</svg>\n", fp);
}

/* ---------------------------------------------------------------------
 * The page.
 */

/* The style sheet: readable on screen and on paper, no web fonts. */
static const char style[] =
"body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
"\"DejaVu Sans\",sans-serif;color:#1d2733;background:#f4f6f8;margin:0}\n"
"main{max-width:1080px;margin:0 auto;padding:24px 28px 48px}\n"
"h1{font-size:24px;margin:0 0 4px}\n"
"h2{font-size:20px;margin:0 0 10px}\n"
".sub{color:#52606d;margin:0 0 16px}\n"
"section,header .summary{background:#fff;border:1px solid #d9e0e7;"
"border-radius:6px;padding:18px 22px;margin:0 0 22px}\n"
".summary p{margin:0 0 12px}.summary p:last-child{margin:0}\n"
".none{font-size:17px}\n"
"dl.facts{display:grid;grid-template-columns:max-content auto "
"max-content auto;gap:4px 18px;margin:0 0 12px}\n"
"dt{color:#52606d}dd{margin:0;font-variant-numeric:tabular-nums}\n"
"table{border-collapse:collapse;width:100%;"
"font-variant-numeric:tabular-nums}\n"
"th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #e4e9ee}\n"
"th{background:#eef2f6;font-weight:600}\n"
"td.num,th.num{text-align:right}\n"
"code,.ip{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace}\n"
".new{color:#a3231a;font-weight:600}\n"
".chart{width:100%;height:auto;display:block;margin:4px 0}\n"
".chart .bar{fill:#7d93ab}.chart .bar.spike{fill:#c0392b}\n"
".chart .band{fill:#dcefe0}\n"
".chart .band-top{stroke:#3f8f5a;stroke-width:1.5}\n"
".chart .level{stroke:#334155;stroke-width:1.5;stroke-dasharray:6 4}\n"
".chart .grid{stroke:#e3e8ee}.chart .axis{stroke:#52606d}\n"
".chart text{font-size:12px;fill:#52606d}\n"
".chart .tick{text-anchor:end}.chart .when{text-anchor:middle}\n"
".chart .spike-count{text-anchor:middle;font-weight:700;fill:#a3231a;"
"font-size:13px}\n"
".chart .band-label{fill:#2f6f45}.chart .level-label{fill:#334155}\n"
".legend{color:#52606d;font-size:13px;margin:0 0 14px}\n"
".key{display:inline-block;width:12px;height:12px;margin:0 5px 0 14px;"
"vertical-align:-1px;border-radius:2px}\n"
".key.bar{background:#7d93ab}.key.spike{background:#c0392b}\n"
".key.band{background:#dcefe0;border:1px solid #3f8f5a}\n"
".key.level{height:0;border-top:2px dashed #334155;border-radius:0}\n"
"h3{font-size:15px;margin:16px 0 6px}\n"
"footer{color:#52606d;font-size:13px;text-align:center}\n";

/* The earliest and latest event times the page should name. */
static bool
time_range(const struct report *r, double *first, double *last)
{
	const struct report_alert	*a;
	size_t				 i;

	if (r->observed) {
		*first = r->first_seen;
		*last = r->last_seen;
		return true;
	}
	if (r->nalerts == 0)
		return false;
	*first = INFINITY;
	*last = -INFINITY;
	for (i = 0; i < r->nalerts; i++) {
		a = &r->alerts[i];
		if (a->spike.bucket_start < *first)
			*first = a->spike.bucket_start;
		if (a->spike.timestamp > *last)
			*last = a->spike.timestamp;
	}
	return true;
}

/* The document head and the run's summary. */
static void
page_header(FILE *fp, const struct report *r)
{
	double	first, last;
	bool	range = time_range(r, &first, &last);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"fanin " PACKAGE_VERSION
	    "\">\n", fp);
	fprintf(fp, "<title>fanin: %zu RDP fan-in alert%s</title>\n",
	    r->nalerts, r->nalerts == 1 ? "" : "s");
	fprintf(fp, "<style>\n%s</style>\n</head>\n<body>\n<main>\n", style);
	fputs("<header>\n<h1>RDP fan-in alerts</h1>\n<p class=\"sub\">", fp);
	html_text(fp, ECS_RULE_NAME);
	fputs(" &middot; MITRE ATT&amp;CK TA0008 Lateral Movement, T1210 "
	    "Exploitation of Remote Services &middot; times in UTC</p>\n"
	    "<div class=\"summary\">\n", fp);
	if (r->nalerts == 0 && !range)
		return;
	fprintf(fp, "<p><strong id=\"alert-count\">%zu alert%s</strong>",
	    r->nalerts, r->nalerts == 1 ? "" : "s");
	if (range) {
		fputs(r->observed ? " in records from " : " between ", fp);
		html_time(fp, first);
		fputs(" to ", fp);
		html_time(fp, last);
	}
	fputs(".</p>\n", fp);
}

/* The index of alerts in the header, or the sentence saying none. */
static void
page_index(FILE *fp, const struct report *r)
{
	const struct report_alert	*a;
	char				 typical[32];
	size_t				 i;

	if (r->nalerts == 0) {
		fputs("<p class=\"none\" id=\"no-alerts\">No alerts: no "
		    "destination's distinct RDP sources reached the alert "
		    "threshold in this run.</p>\n"
		    "</div>\n</header>\n", fp);
		return;
	}
	fputs("<table>\n<thead><tr><th>#</th><th>Destination</th>"
	    "<th>Alert at</th><th class=\"num\">Distinct sources</th>"
	    "<th class=\"num\">Typical</th><th class=\"num\">Score</th>"
	    "<th>Mode</th></tr></thead>\n<tbody>\n", fp);
	for (i = 0; i < r->nalerts; i++) {
		a = &r->alerts[i];
		format_level(a->spike.typical, typical, sizeof typical);
		fprintf(fp, "<tr><td><a href=\"#alert-%zu\">%zu</a></td>"
		    "<td class=\"ip\">", i + 1, i + 1);
		html_addr(fp, &a->spike.destination);
		fputs("</td><td>", fp);
		html_time(fp, a->spike.timestamp);
		fprintf(fp, "</td><td class=\"num\">%lu</td><td class=\"num\">"
		    "%s</td><td class=\"num\">%u</td><td>",
		    (unsigned long)a->spike.distinct_sources, typical,
		    a->spike.score);
		html_text(fp, a->mode);
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n</div>\n</header>\n", fp);
}

/* The facts of one alert, as its ECS document gives them. */
static void
alert_facts(FILE *fp, const struct report_alert *a)
{
	const struct spike	*sp = &a->spike;
	char			 id[ECS_ALERT_ID_LEN + 1], span[16], text[32];

	ecs_alert_id(&sp->destination, sp->bucket_start, sp->bucket_span, id);
	format_span(sp->bucket_span, span, sizeof span);
	format_level(sp->typical, text, sizeof text);
	fputs("<dl class=\"facts\">\n<dt>Alert at</dt><dd>", fp);
	html_time(fp, sp->timestamp);
	fputs("</dd>\n<dt>Bucket</dt><dd>", fp);
	html_time(fp, sp->bucket_start);
	fputs(" + ", fp);
	html_text(fp, span);
	fprintf(fp, "</dd>\n<dt>Distinct sources</dt><dd><strong>%lu"
	    "</strong></dd>\n<dt>Typical</dt><dd>%s</dd>\n",
	    (unsigned long)sp->distinct_sources, text);
	fprintf(fp, "<dt>Score</dt><dd>%u / 100 (", sp->score);
	html_text(fp, a->mode);
	fprintf(fp, ")</dd>\n<dt>Connections</dt><dd>%lu</dd>\n",
	    (unsigned long)sp->connections);
	fputs("<dt>event.id</dt><dd><code>", fp);
	html_text(fp, id);
	fputs("</code></dd>\n</dl>\n", fp);
}

/* The legend under a chart, in HTML so it wraps with the page. */
static void
alert_legend(FILE *fp, const struct report_alert *a)
{
	fputs("<p class=\"legend\"><span class=\"key bar\"></span>distinct "
	    "sources per bucket<span class=\"key spike\"></span>the spike's "
	    "bucket (so far, at the alert)", fp);
	if (isfinite(a->band) && a->band > 0)
		fputs("<span class=\"key band\"></span>normal band: below it "
		    "the model does not alert", fp);
	if (isfinite(a->level) && a->level >= 0)
		fputs("<span class=\"key level\"></span>typical (baseline "
		    "level)", fp);
	fputs("</p>\n", fp);
}

/* The table of an alert's sources, first seen first. */
static void
alert_sources(FILE *fp, const struct report_alert *a)
{
	const struct spike_source	*src;
	size_t				 i, fresh = 0;

	for (i = 0; i < a->spike.nsources; i++)
		fresh += !a->spike.sources[i].seen_before;
	fprintf(fp, "<h3>Sources: %zu listed, %zu new to this "
	    "destination</h3>\n", a->spike.nsources, fresh);
	fputs("<table class=\"sources\">\n<thead><tr><th class=\"num\">#"
	    "</th><th>Source</th><th>First connection</th>"
	    "<th class=\"num\">Connections</th><th>Seen before</th></tr>"
	    "</thead>\n<tbody>\n", fp);
	for (i = 0; i < a->spike.nsources; i++) {
		src = &a->spike.sources[i];
		fprintf(fp, "<tr><td class=\"num\">%zu</td><td class=\"ip\">",
		    i + 1);
		html_addr(fp, &src->ip);
		fputs("</td><td>", fp);
		html_time(fp, src->first);
		fprintf(fp, "</td><td class=\"num\">%lu</td>%s</tr>\n",
		    (unsigned long)src->connections, src->seen_before ?
		    "<td>yes</td>" : "<td class=\"new\">no, new</td>");
	}
	fputs("</tbody>\n</table>\n", fp);
	if (a->spike.sources_truncated)
		fprintf(fp, "<p class=\"legend\">Only the first %zu sources "
		    "are listed; the bucket has %lu.</p>\n",
		    a->spike.nsources,
		    (unsigned long)a->spike.distinct_sources);
}

/* One alert's section: heading, facts, chart, legend, sources. */
static void
alert_section(FILE *fp, const struct report_alert *a, size_t number)
{
	fprintf(fp, "<section class=\"alert\" id=\"alert-%zu\">\n"
	    "<h2>%zu. <span class=\"ip destination\">", number, number);
	html_addr(fp, &a->spike.destination);
	fputs("</span>", fp);
	if (a->spike.destination_port != FLOW_NO_PORT)
		fprintf(fp, " port %d", a->spike.destination_port);
	fputs("</h2>\n", fp);
	alert_facts(fp, a);
	chart(fp, a, number);
	alert_legend(fp, a);
	alert_sources(fp, a);
	fputs("</section>\n", fp);
}

/* The whole page. */
static void
page(FILE *fp, const struct report *r)
{
	char	now[32];
	size_t	i;

	page_header(fp, r);
	page_index(fp, r);
	for (i = 0; i < r->nalerts; i++)
		alert_section(fp, &r->alerts[i], i + 1);
	format_time((double)time(NULL), "%Y-%m-%d %H:%M:%S", now, sizeof now);
	fputs("<footer>Written by fanin " PACKAGE_VERSION " at ", fp);
	html_text(fp, now);
	fputs(" UTC.</footer>\n</main>\n</body>\n</html>\n", fp);
}

/* ---------------------------------------------------------------------
 * Writing the file.
 */

/* Sync the directory holding path, so the rename itself is durable. */
static void
sync_directory(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*dir;
	int		 fd;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* ---------------------------------------------------------------------
 * The public API.
 */

/* A new, empty report. */
struct report *
report_new(void)
{
	return xcalloc(1, sizeof(struct report));
}

/* Free the report and its copies. */
void
report_free(struct report *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nalerts; i++) {
		free(r->alerts[i].spike.sources);
		free(r->alerts[i].mode);
	}
	free(r->alerts);
	free(r);
}

/* Widen the stretch of event time the run read to include t. */
void
report_observe(struct report *r, double t)
{
	if (r == NULL || !time_usable(t))
		return;
	if (!r->observed || t < r->first_seen)
		r->first_seen = t;
	if (!r->observed || t > r->last_seen)
		r->last_seen = t;
	r->observed = true;
}

/* Copy a spike and the history given with it. */
void
report_add_history(struct report *r, const struct spike *sp,
    const uint32_t *counts, size_t n, double first_bucket_start,
    double level, double band)
{
	struct report_alert	*a;

	if (r == NULL)
		return;
	if (r->nalerts == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->alerts = xrealloc(r->alerts, r->cap * sizeof *r->alerts);
	}
	a = &r->alerts[r->nalerts++];
	memset(a, 0, sizeof *a);
	a->spike = *sp;
	a->mode = xstrdup(sp->mode != NULL ? sp->mode : "");
	a->spike.mode = a->mode;
	a->spike.sources = xcalloc(sp->nsources, sizeof *sp->sources);
	if (sp->nsources > 0)
		memcpy(a->spike.sources, sp->sources,
		    sp->nsources * sizeof *sp->sources);
	if (n > REPORT_HISTORY) {
		counts += n - REPORT_HISTORY;
		first_bucket_start += (double)(n - REPORT_HISTORY) *
		    sp->bucket_span;
		n = REPORT_HISTORY;
	}
	if (n == 0) {
		a->counts[0] = sp->distinct_sources > UINT32_MAX ?
		    UINT32_MAX : (uint32_t)sp->distinct_sources;
		a->ncounts = 1;
		a->first_bucket_start = sp->bucket_start;
	} else {
		memcpy(a->counts, counts, n * sizeof *counts);
		a->ncounts = n;
		a->first_bucket_start = first_bucket_start;
	}
	a->level = level;
	a->band = band;
}

/* Copy a spike with the destination's history as the model has it now. */
void
report_add(struct report *r, const struct spike *sp, const struct model *m)
{
	uint32_t	counts[REPORT_HISTORY];
	double		first = sp->bucket_start, level = NAN, band = NAN;
	size_t		n;

	if (r == NULL)
		return;
	n = model_history(m, &sp->destination, sp->timestamp, counts,
	    REPORT_HISTORY, &first, &level, &band);
	if (n == 0) {
		level = sp->typical;
		band = NAN;
	}
	report_add_history(r, sp, counts, n, first, level, band);
}

/* Write the page to a temporary file and rename it over path. */
int
report_write(const struct report *r, const char *path, char *err,
    size_t errlen)
{
	FILE	*fp;
	char	*tmp;
	int	 fd, saved;

	tmp = xmalloc(strlen(path) + sizeof ".XXXXXX");
	sprintf(tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, errlen, "report=%s cannot be written: cannot "
		    "create a temporary file beside it (%s)", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, REPORT_MODE) != 0 || (fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		goto fail;
	}
	errno = 0;
	page(fp, r);
	if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0) {
		saved = errno != 0 ? errno : EIO;
		fclose(fp);
		goto fail;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		goto fail;
	}
	sync_directory(path);
	free(tmp);
	return 0;

fail:
	unlink(tmp);
	snprintf(err, errlen, "report=%s cannot be written (%s); the page "
	    "already there, if any, is left as it was", path,
	    strerror(saved));
	free(tmp);
	return -1;
}
