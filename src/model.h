/*
 * model.h - per destination, distinct RDP sources per bucket, a learned
 * baseline, and a score 0-100.  See model.c for how it decides.
 *
 * The model sees only counted RDP flow events, in the order they are read.
 * Time is event time: buckets are aligned to the epoch, a watermark (the
 * latest "written" time seen, less the allowed lateness) decides when a
 * bucket is final, and a record for a bucket already final is late: it is
 * counted and does not change the model.
 */
#ifndef FANIN_MODEL_H
#define FANIN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "addr.h"
#include "flow.h"

struct model_config {
	unsigned	 bucket_span;		/* seconds, default 21600 */
	double		 threshold;		/* 0-100; 0 = fixed mode */
	unsigned	 min_sources;		/* default 5 */
	double		 lateness;		/* seconds, default 3600 */
	double		 learning;		/* first learning with
						   no state, default 86400 */
	unsigned	 max_alert_sources;	/* listed, default 100 */
	size_t		 max_destinations;	/* memory cap; 0 = none */
};

/* One source listed in an alert. */
struct spike_source {
	struct ip_addr	 ip;
	double		 first;		/* start of its first connection in
					   the bucket */
	uint64_t	 connections;
	bool		 seen_before;	/* connected to this destination in
					   an earlier bucket */
};

/* Everything an alert says about one destination's spike. */
struct spike {
	struct ip_addr	 destination;
	int		 destination_port;	/* of the record that made the
						   spike, or FLOW_NO_PORT */
	double		 timestamp;	/* start of the record that made it */
	double		 bucket_start;
	unsigned	 bucket_span;
	uint64_t	 distinct_sources;
	double		 typical;	/* the baseline's usual count */
	unsigned	 score;		/* 0-100 */
	const char	*mode;		/* "baseline", "population", "fixed" */
	uint64_t	 connections;	/* connections in the bucket */
	struct spike_source *sources;	/* malloc'd, first seen first */
	size_t		 nsources;
	bool		 sources_truncated;
};

struct model_stats {
	uint64_t	 events;		/* counted events taken */
	uint64_t	 late_records;		/* for a bucket already final */
	uint64_t	 duplicate_connections;	/* same uid seen again */
	uint64_t	 destinations;		/* tracked now */
	uint64_t	 spikes;		/* spikes reported */
	uint64_t	 learning_suppressed;	/* would have scored during the
						   first learning */
	size_t		 memory_bytes;		/* held by the model */
	uint64_t	 evicted_destinations;	/* dropped at the cap */
};

struct model;

/* A new, empty model.  The config is copied. */
struct model	*model_new(const struct model_config *);

/* Free the model and everything it holds. */
void		 model_free(struct model *);

/*
 * Take one counted RDP event.  Returns 1 when this event makes its
 * destination's current bucket a spike for the first time (*out filled;
 * free with spike_clear()), 0 when not, and 0 for a late record (counted
 * in the stats).  At most one spike per destination and bucket.
 */
int		 model_add(struct model *, const struct flow_event *,
		     struct spike *out);

/* True when model_add() would take this event as a late record. */
bool		 model_late(const struct model *, const struct flow_event *);

/*
 * See a flow event that is not counted: it moves event time on (the
 * watermark, the first learning) and changes nothing else.
 */
void		 model_observe(struct model *, const struct flow_event *);

/*
 * The distinct-source counts of a destination's last buckets, for the
 * report: up to max counts, oldest first, ending with the bucket that
 * holds time t (its count so far).  *first_bucket_start is the start of
 * the oldest one returned; *level and *band are the baseline level and
 * the count that would score the threshold (the top of the normal band)
 * as they stand now.  Returns how many counts were written (0 for a
 * destination the model does not hold).
 */
size_t		 model_history(const struct model *,
		     const struct ip_addr *destination, double t,
		     uint32_t *counts, size_t max, double *first_bucket_start,
		     double *level, double *band);

/* Figures for --stats. */
void		 model_get_stats(const struct model *, struct model_stats *);

/* Free what a spike holds. */
void		 spike_clear(struct spike *);

/*
 * The whole model as JSON for the state file, and back.  model_restore
 * returns 0, or -1 with a cause when the JSON is not a model of this
 * version or bucket span.
 */
json_t		*model_save(const struct model *);
int		 model_restore(struct model *, const json_t *,
		     const char **cause);

#endif
