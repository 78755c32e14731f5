/*
 * options.h - the command line and the config file.
 *
 * Every long option is also a key of the config file (-c): "key = value"
 * lines, '#' or ';' comments, no sections.  The command line wins: a
 * value given there replaces the file's; exclusions given there are added
 * to the file's.
 */
#ifndef FANIN_OPTIONS_H
#define FANIN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

#define OPTIONS_MAX_PORTS	64

struct cidr_list {
	struct cidr	*items;
	size_t		 count;
};

struct options {
	char		**paths;		/* inputs; "-" is stdin */
	size_t		  npaths;
	char		 *output;		/* alerts; "-" is stdout */
	bool		  follow;
	char		 *state;
	char		 *config;
	unsigned	  bucket_span;		/* seconds */
	double		  threshold;		/* 0-100 */
	unsigned	  min_sources;
	struct cidr_list  exclude_source;
	struct cidr_list  exclude_destination;
	int		  ports[OPTIONS_MAX_PORTS];
	size_t		  nports;
	bool		  count_attempts;
	char		 *events;		/* NULL: none */
	char		 *report;		/* NULL: none */
	bool		  stats;
	unsigned	  lateness;		/* seconds */
	unsigned	  max_ahead;		/* seconds past the clock;
						   0: no limit */
	unsigned	  learning;		/* seconds */
	size_t		  max_line;		/* bytes */
	unsigned	  max_json_depth;
	size_t		  max_destinations;	/* memory cap; 0 = none */
};

/*
 * Fill *opts from argv and the config file it names.  Returns 0 to run,
 * 1 when --help or --version was answered (exit 0), or -1 on a usage
 * error with a message in err (exit 2).
 */
int	 options_parse(struct options *opts, int argc, char **argv,
	     char *err, size_t errlen);

/* Free what options_parse() allocated. */
void	 options_free(struct options *opts);

/* The files a run writes: alerts, events, state, report. */
#define OPTIONS_WRITTEN	4

/* Their option names, in the order options_written() gives them. */
extern const char *const options_written_names[OPTIONS_WRITTEN];

/* The paths of the files a run writes, NULL where one is not asked for. */
void	 options_written(const struct options *opts,
	     const char *path[OPTIONS_WRITTEN]);

/*
 * Parse a duration such as "90", "15m", "6h", "1d" into seconds.
 * Returns 0, or -1 when the text is no positive duration.
 */
int	 options_parse_duration(const char *text, unsigned *out);

#endif
