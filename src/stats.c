/*
 * stats.c - counting rejections and printing the figures of a run.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "stats.h"

/* Count a rejection under its reason, keeping the first few lines. */
void
stats_reject(struct file_stats *fs, const char *reason, uint64_t line)
{
	struct stats_reason	*r = NULL;
	size_t			 i;

	fs->rejected++;
	for (i = 0; i < fs->nreasons; i++) {
		if (strcmp(fs->reasons[i].reason, reason) == 0) {
			r = &fs->reasons[i];
			break;
		}
	}
	if (r == NULL) {
		if (fs->nreasons == STATS_MAX_REASONS)
			r = &fs->reasons[STATS_MAX_REASONS - 1];
		else {
			r = &fs->reasons[fs->nreasons++];
			r->reason = reason;
		}
	}
	if (r->count < STATS_EXAMPLES)
		r->example_lines[r->count] = line;
	r->count++;
}

/*
 * Print a file name so that a key=value reader cannot be fooled: as is
 * when it holds only safe characters, else in double quotes with
 * backslash escapes for quotes, backslashes and bytes outside printable
 * ASCII.
 */
static void
print_path(FILE *out, const char *path)
{
	const unsigned char	*p;
	bool			 plain = *path != '\0';

	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if (!isalnum(*p) && strchr("._/:+@%,-~", *p) == NULL)
			plain = false;
	if (plain) {
		fputs(path, out);
		return;
	}
	fputc('"', out);
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* Print the rejection reasons of one file. */
static void
print_reasons(FILE *out, const struct file_stats *fs)
{
	const struct stats_reason	*r;
	size_t				 i, j;

	for (i = 0; i < fs->nreasons; i++) {
		r = &fs->reasons[i];
		fputs("rejected file=", out);
		print_path(out, fs->path);
		fprintf(out, " reason=%s count=%" PRIu64 " examples=",
		    r->reason, r->count);
		for (j = 0; j < r->count && j < STATS_EXAMPLES; j++)
			fprintf(out, "%s%" PRIu64, j ? "," : "",
			    r->example_lines[j]);
		fputc('\n', out);
	}
}

/* Print every file's figures, then the totals. */
void
stats_print(FILE *out, struct file_stats *const *files, size_t nfiles,
    const struct run_stats *rs)
{
	struct file_stats	 t;
	const struct file_stats	*fs;
	size_t			 i;

	memset(&t, 0, sizeof t);
	for (i = 0; i < nfiles; i++) {
		fs = files[i];
		fputs("file=", out);
		print_path(out, fs->path);
		fprintf(out, " format=%s compression=%s "
		    "bytes_read=%" PRIu64 " bytes_decoded=%" PRIu64
		    " lines=%" PRIu64 " events=%" PRIu64 " skipped=%" PRIu64
		    " rejected=%" PRIu64 " rdp_events=%" PRIu64
		    " counted=%" PRIu64 " not_established=%" PRIu64
		    " excluded=%" PRIu64 " long_lines=%" PRIu64
		    " nul_bytes=%" PRIu64 " truncated=%d unreadable=%d"
		    " unrecognised=%d\n",
		    fs->format ? fs->format : "unknown",
		    fs->compression ? fs->compression : "unknown",
		    fs->bytes_read, fs->bytes_decoded, fs->lines, fs->events,
		    fs->skipped, fs->rejected, fs->rdp_events, fs->counted,
		    fs->not_established, fs->excluded, fs->long_lines,
		    fs->nul_bytes, fs->truncated, fs->unreadable,
		    fs->unrecognised);
		print_reasons(out, fs);
		t.bytes_read += fs->bytes_read;
		t.bytes_decoded += fs->bytes_decoded;
		t.lines += fs->lines;
		t.events += fs->events;
		t.skipped += fs->skipped;
		t.rejected += fs->rejected;
		t.rdp_events += fs->rdp_events;
		t.counted += fs->counted;
		t.long_lines += fs->long_lines;
		t.nul_bytes += fs->nul_bytes;
		t.truncated += fs->truncated;
		t.unreadable += fs->unreadable;
		t.unrecognised += fs->unrecognised;
	}
	fprintf(out, "total files=%zu bytes_read=%" PRIu64
	    " bytes_decoded=%" PRIu64 " lines=%" PRIu64 " events=%" PRIu64
	    " skipped=%" PRIu64 " rejected=%" PRIu64 " rdp_events=%" PRIu64
	    " counted=%" PRIu64 " long_lines=%" PRIu64 " nul_bytes=%" PRIu64
	    " truncated=%d unreadable=%d unrecognised=%d late_records=%"
	    PRIu64 " duplicate_connections=%" PRIu64
	    " learning_suppressed=%" PRIu64 " destinations=%" PRIu64
	    " model_bytes=%" PRIu64 " evicted_destinations=%" PRIu64
	    " alerts=%" PRIu64
	    " alerts_suppressed=%" PRIu64 " output_errors=%" PRIu64 "\n",
	    nfiles, t.bytes_read, t.bytes_decoded, t.lines, t.events,
	    t.skipped, t.rejected, t.rdp_events, t.counted, t.long_lines,
	    t.nul_bytes, t.truncated, t.unreadable, t.unrecognised,
	    rs->late_records, rs->duplicate_connections,
	    rs->learning_suppressed, rs->destinations, rs->model_bytes,
	    rs->evicted_destinations,
	    rs->alerts, rs->alerts_suppressed, rs->output_errors);
}
