/*
 * stats.h - what happened to every byte and record, per input and in all.
 *
 * --stats prints these at exit as key=value lines on stderr: one line per
 * input file, one per rejection reason of a file (with the first few
 * line numbers as examples), and one line of totals.
 */
#ifndef FANIN_STATS_H
#define FANIN_STATS_H

#include <stdint.h>
#include <stdio.h>

#define STATS_MAX_REASONS	16
#define STATS_EXAMPLES		3

/* One reason a record was rejected, and where it first happened. */
struct stats_reason {
	const char	*reason;		/* static string */
	uint64_t	 count;
	uint64_t	 example_lines[STATS_EXAMPLES];
};

/* The figures of one input file. */
struct file_stats {
	char			*path;
	const char		*format;	/* record_format_name() */
	const char		*compression;
	uint64_t		 bytes_read;	/* from the file, compressed */
	uint64_t		 bytes_decoded;
	uint64_t		 lines;
	uint64_t		 events;	/* flow events decoded */
	uint64_t		 skipped;	/* headers, other event types */
	uint64_t		 rejected;
	uint64_t		 rdp_events;
	uint64_t		 counted;
	uint64_t		 not_established;
	uint64_t		 excluded;
	uint64_t		 long_lines;
	uint64_t		 nul_bytes;
	int			 truncated;	/* compressed stream cut */
	int			 unreadable;	/* could not be read */
	int			 unrecognised;	/* not a log fanin reads */
	struct stats_reason	 reasons[STATS_MAX_REASONS];
	size_t			 nreasons;
};

/* Run-wide figures that belong to no single file. */
struct run_stats {
	uint64_t	 alerts;
	uint64_t	 alerts_suppressed;	/* over the alert cap */
	uint64_t	 late_records;
	uint64_t	 duplicate_connections;
	uint64_t	 learning_suppressed;
	uint64_t	 destinations;
	uint64_t	 model_bytes;
	uint64_t	 evicted_destinations;	/* dropped at the memory cap */
	uint64_t	 output_errors;
};

/* Count one rejected record of a file at line number line. */
void	 stats_reject(struct file_stats *, const char *reason, uint64_t line);

/* Print every file's figures, then the totals, as key=value lines. */
void	 stats_print(FILE *, struct file_stats *const *files, size_t nfiles,
	     const struct run_stats *);

#endif
