/*
 * model.c - how fanin decides that a destination is receiving RDP from
 * many more sources than usual.
 *
 * Buckets and time
 * ----------------
 *
 * Time is the records' own.  A connection belongs to the bucket that holds
 * its start: bucket_start = floor(start / bucket_span) * bucket_span, so
 * buckets line up with the epoch and a replay cuts them where a live run
 * did.  The watermark is the latest "written" time seen (the earliest
 * moment the sensor could have logged the record: start plus duration)
 * less the allowed lateness.  A bucket whose end is at or before the
 * watermark is final: its distinct count joins the destination's history
 * and the population, and its memory is freed.  A record for a final
 * bucket is late: counted in late_records, otherwise ignored.  A record is
 * judged late against the watermark as it stood before the record, and by
 * the time it could first have been written: a long session whose start
 * bucket other records have already closed is not late for being long,
 * and joins the oldest open bucket, where it was still active.  Every
 * flow event, RDP or not, moves event time on (model_observe()), so the
 * first learning starts at the first record of any kind (see Learning).
 *
 * Each destination keeps its open buckets (usually one; two or three while
 * the lateness straddles a boundary), each with a sketch of its sources
 * (sketch.c), an exact list of up to max_alert_sources of them for the
 * alert (address, first start, connections), and its connection count.
 * Connections are counted once per uid: a Zeek conn and rdp record, or an
 * eve flow and rdp event, of one connection share it.  Recent uids live in
 * one open-addressing table, each with its bucket; an entry expires when
 * its bucket is final, and the table is capped at 2^20 entries (16 MiB),
 * past which it is emptied and a duplicate may count twice.  Distinct
 * sources do not depend on this: adding a source twice is idempotent.
 *
 * History
 * -------
 *
 * Per destination, a ring of the last 28 final bucket counts, zeros
 * included for the empty buckets since it was first seen (7 days at the
 * default 6 hours), allocated when its first bucket is final; and the
 * sorted hashes of up to 256 sources seen in earlier buckets, to mark an
 * alert's sources "seen before".  A destination silent for 28 buckets is
 * forgotten: its history is all zeros, and it starts again as a newcomer.
 *
 * When a bucket is scored, the model looks at the 28 buckets before it as
 * they are known at that moment: final ones from the ring, older buckets
 * still open at their count so far, and zero for the rest since the
 * destination was first seen.  So the bucket that ended ten minutes ago
 * counts at once, not an hour later when the watermark passes it.
 *
 * Scoring
 * -------
 *
 * Every event that raises a bucket's distinct count k re-scores it, once k
 * reaches min_sources.  The level m it is compared with comes from one of
 * three modes:
 *
 *   fixed (threshold 0): every bucket with k >= min_sources is a spike,
 *   score 100, from the first record; typical is the baseline level when
 *   the destination has one, else 0.
 *
 *   baseline (4 or more non-empty buckets among the 28, like Elastic's
 *   warm-up of four buckets): m is the larger of the trimmed mean of the
 *   28 (the highest tenth dropped, so a few past spikes do not poison it)
 *   and, when the span divides a day, the median of the buckets at the
 *   same time of day on earlier days (at least two of them).  The second
 *   term is what keeps a jump host used by the same 20 colleagues every
 *   morning quiet once it has seen two mornings.
 *
 *   population (fewer): m is blended from the population of final
 *   non-empty bucket counts of every destination and the destination's
 *   own n buckets: m = (n * m_own + 4 * m_pop) / (n + 4), where m_own is
 *   the level above over what it has.  The population is a log histogram
 *   (exact below 32, 16 bins per doubling above, so about 3% resolution),
 *   its level the median and its spread (IQR / 1.349)^2.  Each count is
 *   weighed by 28 over the non-empty buckets of its destination's ring,
 *   so every destination weighs the same: a busy server with a count in
 *   every bucket would otherwise outweigh 28 quiet hosts, and on a network
 *   of a few busy servers and many quiet hosts make the median theirs.
 *   With fewer
 *   than 20 buckets in it after the first learning, the sensor sees RDP
 *   so seldom that most destinations get none in a bucket: a prior of
 *   0.35 sources a bucket (Poisson) stands in, under which five sources
 *   score 78 and four 58.  A prior of 1.0, the least a non-empty bucket
 *   can hold, let five new sources on such a sensor score only 43, and a
 *   fixed threshold of 5 beat the model there (contrib/eval).
 *
 * The variance v is the larger of m and the trimmed variance (blended the
 * same way in population mode, plus, when the destination's own level is
 * above the population's, the spread between the two: n * 4 * (m_own -
 * m_pop)^2 / (n + 4)^2, the variance of the mixture.  So a busy
 * newcomer, 25 sources in its first bucket, is not a spike again in its
 * second: its own bucket already says it is busy.  A quiet one keeps the
 * narrow band, and ten new sources on it still score).  Counts of
 * distinct sources are overdispersed (a busy Monday, a patch night),
 * so X is a negative binomial with mean m and variance v, or Poisson
 * when v <= m, and the
 * tail p = P(X >= k) is summed in log space: the first term from lgamma,
 * the rest by the ratio of neighbouring terms, walking away from the mode
 * until a term no longer moves the sum.  When k is above the mode the
 * upper terms are summed directly (no cancellation however small p is);
 * below it, p = 1 - P(X <= k - 1) with the lower terms, where p is large
 * and the subtraction is harmless.
 *
 * The score is min(100, round(17.5 * -log10 p)):
 *
 *	p	0.1	0.01	10^-3	10^-4	10^-5	10^-5.7
 *	score	18	35	53	70	88	100
 *
 * so the default threshold 70 means one chance in ten thousand, the rate
 * at which Elastic's own anomaly scores reach "major".
 *
 * A spike that straddles a bucket boundary (four sources at 11:50, six
 * at 12:10) is split in two halves that may each look ordinary.  While
 * the bucket before is still open (the first `lateness` of the new one)
 * and did not alert, the union of the new bucket's sources and those
 * first seen in the last min(lateness, span) of the one before (its
 * tail) is also scored, against the new bucket's level plus the tail's
 * share of the earlier one's (a sixth at the defaults), each level taken
 * from the history before the earlier bucket, so the first half is not
 * the baseline of the second; the bucket's score is the larger of the
 * two.  Only the tail counts because a spike is a burst: sources that
 * came hours before the boundary belong to the earlier bucket's own
 * count, and judging all of them against the sum of two whole levels
 * would let five new sources split 2/3 across 12:00 pass as ordinary.
 * An earlier bucket whose sources are not all listed is taken whole,
 * with its whole level.  The alert belongs to the later bucket; when the
 * union is what scored, k is the union's count, min_sources applies to
 * it (three and two across 12:00 make five), and the alert lists the
 * union's sources and connections.  Fixed mode counts each bucket
 * alone, as a Sigma value_count rule does.  A spike needs score >=
 * threshold and k >= min_sources, and is reported once per destination
 * and bucket, at the event that first qualifies.
 *
 * model_history() gives the report the same figures: the counts of the
 * last buckets, the level m of the bucket holding a time, and the band,
 * the smallest count that would score the threshold against it (a binary
 * search, the score being monotone in the count; min_sources in fixed
 * mode).
 *
 * Learning
 * --------
 *
 * With no restored state, the first `learning` seconds of event time in
 * which records were seen raise no scored spike (counted once per
 * destination and bucket in learning_suppressed); the model learns all
 * the same.  The learning starts at the first record's start, ends at
 * learning_end = start + learning, and a spike whose record starts
 * before learning_end is suppressed.
 *
 * Event time can jump: a file of times relative to 1970 read before the
 * year's logs (a CTU capture), a gap of weeks between archives, a first
 * record with a damaged time.  Measured from the first record alone, such
 * a jump uses the learning up at once, and everything after it is judged
 * with no history.  So while the learning lasts (the newest written time
 * is before learning_end), a record that moves the newest written time on
 * by more than a bucket span counts that jump as one span: learning_end
 * moves later by the rest.  Up to a bucket of silence can be the
 * network's own, a night without RDP on a sensor that logs nothing else,
 * and its empty buckets are history; counting the whole jump as nothing
 * would keep such a sensor learning for days.  A jump of more than the
 * history, HISTORY_LEN buckets (a week at the default span), starts the
 * learning again at the written time of the record after it (a session
 * open across the jump starts before it): the window of a bucket after
 * the jump does not reach back across it, and a destination silent that
 * long is forgotten, so the model knows no more than at its first record.
 * Carrying the time learnt before such a jump over would let the CTU
 * capture's 50 minutes of 1970 shorten the learning of the 2022 days read
 * after it, and raise an alert that neither gives alone.  learning_end
 * stays the only state, with its meaning unchanged, so a state file of an
 * earlier version loads and behaves as it did.
 *
 * Memory
 * ------
 *
 * Measured (test_model's test_memory: 1000 destinations, one bucket open
 * with one to five sources, a full ring, their sources seen): 622 bytes a
 * destination.  That is the destination itself (96), its ring (112), the
 * seen hashes (8 each, in arrays of 4, 8...), the open-bucket array (56 a
 * slot), the sketch (48-80, sketch.c), the listed sources (40 each, in
 * arrays of 2, 4, 8...) and its slot in the table.  A busy destination
 * adds the 16 KiB of a promoted sketch per open bucket.  The hot path
 * allocates only when an array grows or a bucket opens.
 *
 * Memory cap
 * ----------
 *
 * max_destinations bounds the table.  A new destination past the cap
 * evicts one: of 8 destinations drawn at random, the one whose newest
 * source is oldest (a sampled LRU, as redis does it), sparing any that
 * alerted in a bucket still open.  Spoofed or scanned one-off
 * destinations come and go at the cap; an evicted destination that comes
 * back starts again as a newcomer, judged against the population, so the
 * cost to detection is the history of destinations quiet for longer than
 * most others while the table is full.  One destination's own cost is
 * bounded however many sources it sees: its sketches promote to 16 KiB,
 * its listed sources stop at max_alert_sources and its seen set at 256.

 * State
 * -----
 *
 * model_save() writes JSON: version, bucket_span, learning_end (as the
 * jumps so far have moved it), watermark, the population histogram as
 * [bin, count] pairs, each destination (ip, first bucket, history ring
 * oldest first, seen hashes in hex, open buckets with their sketch as hex
 * of sketch_encode() and their source lists and flags), and the recent
 * uids.  model_restore() checks every field and refuses another version
 * or bucket span.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "model.h"
#include "sketch.h"
#include "util.h"

#define MODEL_VERSION		1
#define DEFAULT_SPAN		21600
#define DAY			86400
#define TIME_LIMIT		1e13	/* seconds; beyond is not a time */

#define HISTORY_LEN		28	/* final buckets remembered */
#define SEEN_MAX		256	/* earlier sources remembered */
#define WARM_BUCKETS		4	/* non-empty, for baseline mode */
#define TRIM_FRACTION		10	/* drop the highest tenth */
#define PHASE_MIN		2	/* same-time buckets for a median */

#define POPULATION_WEIGHT	4.0	/* buckets the population counts as */
#define POPULATION_MIN		20	/* buckets before it is trusted */
#define POPULATION_PRIOR	0.35	/* sources per bucket until then */
#define POPULATION_AGE		(1U << 20)	/* halve the bins here */
#define POP_EXACT		32	/* counts below have a bin each */
#define POP_SUB			16	/* bins per doubling above */
#define POP_BINS		(POP_EXACT + (64 - 5) * POP_SUB)

#define MEAN_FLOOR		0.01
#define RESCORE_EXACT		128	/* counts scored on every new source */
#define RESCORE_SHARE		256	/* above: again after growing 1/256 */
#define TAIL_STEPS		1000000
#define TAIL_EPSILON		1e-17
#define SCORE_PER_DECADE	17.5

#define OPEN_INITIAL		1
#define LIST_INITIAL		2
#define SEEN_INITIAL		4
#define TABLE_INITIAL		64
#define RECENT_INITIAL		1024
#define RECENT_MAX		(1U << 20)
#define EVICT_SAMPLES		8	/* destinations drawn per eviction */

/* A source listed for the alert. */
struct member {
	double		 first;
	uint64_t	 connections;
	struct ip_addr	 ip;
};

/* One open bucket of one destination. */
struct bucket {
	int64_t		 index;		/* start / bucket_span */
	struct sketch	*sources;
	struct member	*members;	/* in arrival order */
	uint32_t	 nmembers;
	uint32_t	 members_cap;
	uint64_t	 connections;
	uint64_t	 judged;	/* distinct count last scored */
	bool		 truncated;	/* a source went unlisted */
	bool		 alerted;
	bool		 suppressed;	/* counted in learning_suppressed */
};

/* Everything known about one destination. */
struct destination {
	struct ip_addr	 ip;
	uint64_t	 hash;
	int64_t		 first_bucket;	/* index of its first bucket */
	int64_t		 last_final;	/* index of the ring's newest */
	uint32_t	*ring;		/* HISTORY_LEN counts, or NULL */
	uint8_t		 ring_len;
	uint8_t		 ring_next;	/* where the next count goes */
	uint64_t	*seen;		/* sorted source hashes */
	uint32_t	 nseen;
	uint32_t	 seen_cap;
	struct bucket	*open;		/* sorted by index */
	uint32_t	 nopen;
	uint32_t	 open_cap;
	int64_t		 last_index;	/* newest bucket it had a source in */
};

/* A recently seen connection uid and the bucket it went to. */
struct recent {
	uint64_t	 key;		/* 0 = empty slot */
	int64_t		 index;
};

/*
 * Final non-empty bucket counts of all destinations, as a histogram in
 * which every destination weighs the same (see population_weight()).
 */
struct population {
	uint64_t	 bins[POP_BINS];
	uint64_t	 total;		/* weight in the bins */
	uint64_t	 buckets;	/* counts added (and halved with it) */
};

/* The 28 buckets before the one being scored, as known now. */
struct window {
	double		 value[HISTORY_LEN];	/* [i]: i + 1 buckets back */
	bool		 known[HISTORY_LEN];
	unsigned	 nknown;
	unsigned	 nonempty;
};

/* What a bucket's history says it should hold. */
struct level {
	double		 mean;
	double		 variance;
	unsigned	 buckets;	/* known buckets behind it */
};

/* The model: its destinations, event time, population and counters. */
struct model {
	struct model_config	 config;
	struct destination	**table;	/* open addressing */
	size_t			 table_cap;
	size_t			 ndest;
	bool			 have_time;
	double			 max_written;
	int64_t			 swept;		/* watermark bucket swept */
	bool			 learning_set;
	double			 learning_end;
	struct population	 population;
	struct level		 population_now;	/* its level */
	struct recent		*recent;
	size_t			 recent_cap;
	size_t			 recent_used;	/* slots not empty */
	struct model_stats	 stats;
	uint64_t		 evict_state;	/* draws for evict_one() */
};

/* ------------------------------------------------------------------ */
/* Low-level access: time, buckets and the watermark.                 */
/* ------------------------------------------------------------------ */

/* True when t is a time a bucket can be computed from. */
static bool
usable_time(double t)
{
	return isfinite(t) && fabs(t) < TIME_LIMIT;
}

/* The index of the bucket that holds time t. */
static int64_t
bucket_of(const struct model *m, double t)
{
	return (int64_t)floor(t / m->config.bucket_span);
}

/* The epoch second where bucket index starts. */
static double
bucket_start(const struct model *m, int64_t index)
{
	return (double)index * m->config.bucket_span;
}

/* Buckets with an index below this one are final. */
static int64_t
watermark_bucket(const struct model *m)
{
	if (!m->have_time)
		return INT64_MIN;
	return bucket_of(m, m->max_written - m->config.lateness);
}

/* Grow an array to hold need elements of size, doubling from initial. */
static void *
grow(void *array, uint32_t *cap, uint32_t need, uint32_t initial,
    size_t size)
{
	uint32_t	n = *cap == 0 ? initial : *cap;

	if (need <= *cap)
		return array;
	while (n < need)
		n *= 2;
	*cap = n;
	return xrealloc(array, (size_t)n * size);
}

/* ------------------------------------------------------------------ */
/* Hashing: the destination table and the recent uids.                */
/* ------------------------------------------------------------------ */

/* The 64-bit key of an event's uid; never 0, which marks a free slot. */
static uint64_t
uid_key(const struct flow_event *ev)
{
	uint64_t	key;

	key = XXH3_64bits(ev->id, strnlen(ev->id, sizeof ev->id));

	return key == 0 ? 1 : key;
}

/* The slot holding ip, or the empty slot where it would go. */
static size_t
table_slot(const struct model *m, const struct ip_addr *ip, uint64_t hash)
{
	size_t			 mask = m->table_cap - 1, i = hash & mask;
	struct destination	*d;

	while ((d = m->table[i]) != NULL) {
		if (d->hash == hash && addr_equal(&d->ip, ip))
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Rebuild the table at cap slots from whatever it holds now. */
static void
table_resize(struct model *m, size_t cap)
{
	struct destination	**old = m->table;
	size_t			  oldcap = m->table_cap, i;

	m->table = xcalloc(cap, sizeof *m->table);
	m->table_cap = cap;
	for (i = 0; i < oldcap; i++) {
		if (old[i] != NULL)
			m->table[table_slot(m, &old[i]->ip, old[i]->hash)] =
			    old[i];
	}
	free(old);
}

/* Put a new destination in the table, growing it past 3/4 full. */
static void
table_insert(struct model *m, struct destination *d)
{
	if ((m->ndest + 1) * 4 > m->table_cap * 3)
		table_resize(m, m->table_cap * 2);
	m->table[table_slot(m, &d->ip, d->hash)] = d;
	m->ndest++;
}

/* Rehash the live uids into a table sized for them; expired ones go. */
static void
recent_rebuild(struct model *m, int64_t watermark)
{
	struct recent	*old = m->recent;
	size_t		 oldcap = m->recent_cap, live = 0, cap, i, j;

	for (i = 0; i < oldcap; i++) {
		if (old[i].key != 0 && old[i].index >= watermark)
			live++;
	}
	if (live * 2 > RECENT_MAX) {
		log_debug("%s: %zu uids pending, table emptied; some "
		    "connections may count twice", __func__, live);
		live = 0;
		watermark = INT64_MAX;
	}
	for (cap = RECENT_INITIAL; cap < live * 2 + 1 && cap < RECENT_MAX;
	    cap *= 2)
		continue;
	m->recent = xcalloc(cap, sizeof *m->recent);
	m->recent_cap = cap;
	m->recent_used = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == 0 || old[i].index < watermark)
			continue;
		for (j = old[i].key & (cap - 1); m->recent[j].key != 0;
		    j = (j + 1) & (cap - 1))
			continue;
		m->recent[j] = old[i];
		m->recent_used++;
	}
	free(old);
}

/*
 * Look a uid up and remember it.  True when it was already there for a
 * bucket not yet final: the same connection seen again.  An expired slot
 * met on the way is reused; the probe goes on to an empty one, so a key
 * placed beyond it is still found.
 */
static bool
recent_seen(struct model *m, uint64_t key, int64_t index, int64_t watermark)
{
	size_t	mask, i, reuse = SIZE_MAX;

	if (m->recent == NULL) {
		m->recent_cap = RECENT_INITIAL;
		m->recent = xcalloc(m->recent_cap, sizeof *m->recent);
	}
	mask = m->recent_cap - 1;
	for (i = key & mask; m->recent[i].key != 0; i = (i + 1) & mask) {
		if (m->recent[i].key == key) {
			if (m->recent[i].index >= watermark)
				return true;
			m->recent[i].index = index;
			return false;
		}
		if (reuse == SIZE_MAX && m->recent[i].index < watermark)
			reuse = i;
	}
	if (reuse == SIZE_MAX) {
		reuse = i;
		m->recent_used++;
	}
	m->recent[reuse].key = key;
	m->recent[reuse].index = index;
	if (m->recent_used * 4 > m->recent_cap * 3)
		recent_rebuild(m, watermark);
	return false;
}

/* ------------------------------------------------------------------ */
/* The population of bucket counts.                                   */
/* ------------------------------------------------------------------ */

/* The histogram bin of a count. */
static unsigned
population_bin(uint64_t v)
{
	unsigned	e;

	if (v < POP_EXACT)
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v);
	return POP_EXACT + (e - 5) * POP_SUB +
	    (unsigned)((v >> (e - 4)) & (POP_SUB - 1));
}

/* The count a bin stands for: the middle of its range. */
static double
population_value(unsigned bin)
{
	unsigned	group, sub;
	double		low, width;

	if (bin < POP_EXACT)
		return bin;
	group = (bin - POP_EXACT) / POP_SUB;
	sub = (bin - POP_EXACT) % POP_SUB;
	low = ldexp(POP_SUB + sub, (int)group + 1);
	width = ldexp(1.0, (int)group + 1);
	return low + (width - 1.0) / 2.0;
}

/*
 * Add one final non-empty count with its weight; halve everything when it
 * grows old.
 */
static void
population_add(struct population *p, uint64_t count, unsigned weight)
{
	unsigned	i;

	p->bins[population_bin(count)] += weight;
	p->total += weight;
	p->buckets++;
	if (p->buckets < POPULATION_AGE)
		return;
	p->total = 0;
	p->buckets = (p->buckets + 1) / 2;
	for (i = 0; i < POP_BINS; i++) {
		p->bins[i] = (p->bins[i] + 1) / 2;
		p->total += p->bins[i];
	}
}

/* The count at quantile q (0-1) of the population. */
static double
population_quantile(const struct population *p, double q)
{
	uint64_t	rank = (uint64_t)floor(q * (double)(p->total - 1));
	uint64_t	seen = 0;
	unsigned	i;

	for (i = 0; i < POP_BINS; i++) {
		seen += p->bins[i];
		if (seen > rank)
			return population_value(i);
	}
	return population_value(POP_BINS - 1);
}

/* The population's level: its median, and a spread from its IQR. */
static void
population_level(const struct population *p, struct level *out)
{
	double	spread;

	out->buckets = 0;
	if (p->buckets < POPULATION_MIN) {
		out->mean = POPULATION_PRIOR;
		out->variance = POPULATION_PRIOR;
		return;
	}
	out->mean = population_quantile(p, 0.5);
	spread = (population_quantile(p, 0.75) -
	    population_quantile(p, 0.25)) / 1.349;
	out->variance = fmax(out->mean, spread * spread);
}

/* ------------------------------------------------------------------ */
/* The structure: destinations, their buckets and their history.      */
/* ------------------------------------------------------------------ */

/* A new destination, first seen in bucket index. */
static struct destination *
destination_new(const struct ip_addr *ip, uint64_t hash, int64_t index)
{
	struct destination	*d = xcalloc(1, sizeof *d);

	d->ip = *ip;
	d->hash = hash;
	d->first_bucket = index;
	d->last_final = index - 1;
	d->last_index = index;
	return d;
}

/* Free what one open bucket holds. */
static void
bucket_clear(struct bucket *b)
{
	sketch_free(b->sources);
	free(b->members);
	memset(b, 0, sizeof *b);
}

/* Free a destination and all it holds. */
static void
destination_free(struct destination *d)
{
	uint32_t	i;

	for (i = 0; i < d->nopen; i++)
		bucket_clear(&d->open[i]);
	free(d->open);
	free(d->ring);
	free(d->seen);
	free(d);
}

/* Bytes a destination holds. */
static size_t
destination_bytes(const struct destination *d)
{
	size_t		n = sizeof *d;
	uint32_t	i;

	if (d->ring != NULL)
		n += HISTORY_LEN * sizeof *d->ring;
	n += (size_t)d->seen_cap * sizeof *d->seen;
	n += (size_t)d->open_cap * sizeof *d->open;
	for (i = 0; i < d->nopen; i++) {
		n += sketch_bytes(d->open[i].sources);
		n += (size_t)d->open[i].members_cap *
		    sizeof *d->open[i].members;
	}
	return n;
}

/*
 * Remove the destination at slot i, shifting the entries after it back so
 * that linear probing still finds every one (no tombstones).
 */
static void
table_delete(struct model *m, size_t i)
{
	size_t	mask = m->table_cap - 1, j = i, home;

	destination_free(m->table[i]);
	m->table[i] = NULL;
	for (;;) {
		j = (j + 1) & mask;
		if (m->table[j] == NULL)
			break;
		home = m->table[j]->hash & mask;
		/* An entry whose home lies cyclically in (i, j] stays. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->table[i] = m->table[j];
		m->table[j] = NULL;
		i = j;
	}
	m->ndest--;
}

/*
 * Make room under the memory cap: of a few destinations drawn at random,
 * drop the one that has gone longest without a source (redis's sampled
 * LRU).  A destination that alerted in an open bucket is kept if any
 * other was drawn.
 */
static void
evict_one(struct model *m)
{
	size_t			 i, slot, victim = SIZE_MAX;
	struct destination	*d, *best = NULL;
	unsigned		 drawn = 0, tries = 0;

	while (drawn < EVICT_SAMPLES && tries++ < EVICT_SAMPLES * 64) {
		m->evict_state += 0x9e3779b97f4a7c15ULL;
		slot = (size_t)(XXH3_64bits(&m->evict_state,
		    sizeof m->evict_state) & (m->table_cap - 1));
		if ((d = m->table[slot]) == NULL)
			continue;
		drawn++;
		for (i = 0; i < d->nopen && d->open[i].alerted == false; i++)
			continue;
		if (i < d->nopen && best != NULL)
			continue;
		if (best == NULL || d->last_index < best->last_index) {
			best = d;
			victim = slot;
		}
	}
	if (victim == SIZE_MAX)
		return;
	table_delete(m, victim);
	m->stats.evicted_destinations++;
}

/* The destination for ip, created when new (under the memory cap). */
static struct destination *
destination_get(struct model *m, const struct ip_addr *ip, int64_t index)
{
	uint64_t		 hash = addr_hash(ip);
	size_t			 slot = table_slot(m, ip, hash);
	struct destination	*d = m->table[slot];

	if (d != NULL) {
		if (index > d->last_index)
			d->last_index = index;
		return d;
	}
	if (m->config.max_destinations > 0 &&
	    m->ndest >= m->config.max_destinations)
		evict_one(m);
	d = destination_new(ip, hash, index);
	table_insert(m, d);
	return d;
}

/* The open bucket at index, or NULL. */
static struct bucket *
bucket_find(const struct destination *d, int64_t index)
{
	uint32_t	i;

	for (i = 0; i < d->nopen; i++) {
		if (d->open[i].index == index)
			return &d->open[i];
	}
	return NULL;
}

/* The open bucket at index, opened (in order) when missing. */
static struct bucket *
bucket_get(struct destination *d, int64_t index)
{
	struct bucket	*b = bucket_find(d, index);
	uint32_t	 at;

	if (b != NULL)
		return b;
	d->open = grow(d->open, &d->open_cap, d->nopen + 1, OPEN_INITIAL,
	    sizeof *d->open);
	for (at = d->nopen; at > 0 && d->open[at - 1].index > index; at--)
		continue;
	memmove(d->open + at + 1, d->open + at,
	    (d->nopen - at) * sizeof *d->open);
	d->nopen++;
	b = &d->open[at];
	memset(b, 0, sizeof *b);
	b->index = index;
	b->sources = sketch_new();
	if (index < d->first_bucket)
		d->first_bucket = index;
	return b;
}

/* The listed member with this address, or NULL. */
static struct member *
member_find(const struct bucket *b, const struct ip_addr *ip)
{
	uint32_t	i;

	for (i = 0; i < b->nmembers; i++) {
		if (addr_equal(&b->members[i].ip, ip))
			return &b->members[i];
	}
	return NULL;
}

/*
 * Count one record's source in its bucket.  counted is false for a
 * duplicate uid, which adds to nothing but the source's first time.
 * Returns true when the distinct count may have risen.
 */
static bool
bucket_add(struct bucket *b, const struct flow_event *ev, bool counted,
    unsigned max_listed)
{
	uint64_t	 hash = addr_hash(&ev->source);
	bool		 raised = sketch_add(b->sources, hash);
	struct member	*s = NULL;

	if (counted)
		b->connections++;
	if (!raised || !sketch_is_exact(b->sources))
		s = member_find(b, &ev->source);
	if (s == NULL && b->nmembers >= max_listed) {
		b->truncated = true;
		return raised;
	}
	if (s == NULL) {
		b->members = grow(b->members, &b->members_cap,
		    b->nmembers + 1, LIST_INITIAL, sizeof *b->members);
		s = &b->members[b->nmembers++];
		s->ip = ev->source;
		s->first = ev->start;
		s->connections = 0;
	}
	if (ev->start < s->first)
		s->first = ev->start;
	if (counted)
		s->connections++;
	return raised;
}

/* The count back buckets before the ring's newest. */
static uint32_t
ring_get(const struct destination *d, unsigned back)
{
	return d->ring[(d->ring_next + HISTORY_LEN - 1 - back) % HISTORY_LEN];
}

/* Append one count to the ring, dropping the oldest when full. */
static void
ring_put(struct destination *d, uint32_t count)
{
	d->ring[d->ring_next] = count;
	d->ring_next = (d->ring_next + 1) % HISTORY_LEN;
	if (d->ring_len < HISTORY_LEN)
		d->ring_len++;
}

/* Record a final count for bucket index, zeros for the gap before it. */
static void
ring_push(struct destination *d, int64_t index, uint64_t count)
{
	int64_t	gap;

	if (d->ring == NULL)
		d->ring = xcalloc(HISTORY_LEN, sizeof *d->ring);
	if (d->ring_len > 0) {
		gap = index - d->last_final - 1;
		if (gap > HISTORY_LEN)
			gap = HISTORY_LEN;
		while (gap-- > 0)
			ring_put(d, 0);
	}
	ring_put(d, count > UINT32_MAX ? UINT32_MAX : (uint32_t)count);
	d->last_final = index;
}

/* True when the hash is among the sources seen in earlier buckets. */
static bool
seen_has(const struct destination *d, uint64_t hash)
{
	uint32_t	lo = 0, hi = d->nseen, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->seen[mid] < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->nseen && d->seen[lo] == hash;
}

/* Remember a source as seen, until SEEN_MAX are remembered. */
static void
seen_add(struct destination *d, uint64_t hash)
{
	uint32_t	at;

	if (d->nseen >= SEEN_MAX || seen_has(d, hash))
		return;
	d->seen = grow(d->seen, &d->seen_cap, d->nseen + 1, SEEN_INITIAL,
	    sizeof *d->seen);
	for (at = d->nseen; at > 0 && d->seen[at - 1] > hash; at--)
		d->seen[at] = d->seen[at - 1];
	d->seen[at] = hash;
	d->nseen++;
}

/*
 * The weight of a destination's closing bucket in the population: the 28
 * over the non-empty buckets its ring holds, so that a busy server, with
 * a count in every bucket, weighs as much as a quiet host with one a
 * week, not 28 times more.  The population then says what a typical
 * destination sees, and a network with many busy servers does not make
 * ten new sources on a quiet host look ordinary.
 */
static unsigned
population_weight(const struct destination *d)
{
	unsigned	i, nonempty = 0;

	for (i = 0; i < d->ring_len; i++)
		if (ring_get(d, i) > 0)
			nonempty++;
	return HISTORY_LEN / (nonempty > 0 ? nonempty : 1);
}

/* Close the oldest open bucket: history, population, seen; then free. */
static void
finalize_first(struct model *m, struct destination *d)
{
	struct bucket	*b = &d->open[0];
	uint64_t	 count = sketch_count(b->sources);
	uint32_t	 i;

	ring_push(d, b->index, count);
	if (count > 0)
		population_add(&m->population, count, population_weight(d));
	for (i = 0; i < b->nmembers; i++)
		seen_add(d, addr_hash(&b->members[i].ip));
	bucket_clear(b);
	d->nopen--;
	memmove(d->open, d->open + 1, d->nopen * sizeof *d->open);
}

/*
 * Finalize every bucket below the watermark, forget destinations silent
 * for a whole ring, and shrink the uid table to what is still pending.
 */
static void
sweep(struct model *m, int64_t watermark)
{
	struct destination	*d;
	size_t			 i, removed = 0, cap;

	for (i = 0; i < m->table_cap; i++) {
		if ((d = m->table[i]) == NULL)
			continue;
		while (d->nopen > 0 && d->open[0].index < watermark)
			finalize_first(m, d);
		if (d->nopen == 0 &&
		    (d->ring_len == 0 ||
		    watermark - 1 - d->last_final >= HISTORY_LEN)) {
			destination_free(d);
			m->table[i] = NULL;
			removed++;
		}
	}
	if (removed > 0) {
		m->ndest -= removed;
		for (cap = TABLE_INITIAL; cap < m->ndest * 2; cap *= 2)
			continue;
		table_resize(m, cap);
	}
	if (m->recent != NULL)
		recent_rebuild(m, watermark);
	population_level(&m->population, &m->population_now);
	m->swept = watermark;
}

/*
 * Move the first learning along with event time, before the watermark
 * goes to a record (see "Learning" at the top): start it at the first
 * record; while it lasts, a jump of more than a bucket span counts as one
 * span, and one of more than the history starts it again.
 */
static void
follow_learning(struct model *m, double start, double written)
{
	double	span = m->config.bucket_span, jump;

	if (!m->learning_set) {
		m->learning_end = start + m->config.learning;
		m->learning_set = true;
		return;
	}
	if (!m->have_time || m->max_written >= m->learning_end)
		return;
	jump = written - m->max_written;
	if (jump > HISTORY_LEN * span)
		m->learning_end = written + m->config.learning;
	else if (jump > span)
		m->learning_end += jump - span;
}

/* Move the watermark to a record's written time; sweep when it crosses. */
static void
advance(struct model *m, double written)
{
	int64_t	watermark;

	if (!m->have_time || written > m->max_written) {
		m->max_written = written;
		m->have_time = true;
	}
	watermark = watermark_bucket(m);
	if (watermark > m->swept)
		sweep(m, watermark);
}

/* ------------------------------------------------------------------ */
/* The estimator: history, level, tail probability and score.         */
/* ------------------------------------------------------------------ */

/*
 * The 28 buckets before index, from open buckets, the ring and zeros;
 * bucket skip, when among them, is left out as unknown.
 */
static void
window_fill(const struct destination *d, int64_t index, int64_t skip,
    struct window *w)
{
	const struct bucket	*b;
	int64_t			 at, back;
	unsigned		 i;

	memset(w, 0, sizeof *w);
	for (i = 0; i < HISTORY_LEN; i++) {
		at = index - 1 - (int64_t)i;
		if (at < d->first_bucket)
			break;
		if (at == skip)
			continue;
		if ((b = bucket_find(d, at)) != NULL)
			w->value[i] = (double)sketch_count(b->sources);
		else if (d->ring_len > 0 && at <= d->last_final) {
			back = d->last_final - at;
			if (back >= d->ring_len)
				break;
			w->value[i] = ring_get(d, (unsigned)back);
		} else
			w->value[i] = 0;
		w->known[i] = true;
		w->nknown++;
		if (w->value[i] > 0)
			w->nonempty++;
	}
}

/* Sort a few doubles in place (at most HISTORY_LEN: insertion sort). */
static void
sort_few(double *v, unsigned n)
{
	unsigned	i, j;
	double		x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The median of the buckets at the same time of day on earlier days. */
static double
phase_median(const struct window *w, unsigned span)
{
	double		v[HISTORY_LEN];
	unsigned	per_day, i, n = 0;

	if (span >= DAY || DAY % span != 0)
		return 0;
	per_day = DAY / span;
	for (i = per_day - 1; i < HISTORY_LEN; i += per_day) {
		if (w->known[i])
			v[n++] = w->value[i];
	}
	if (n < PHASE_MIN)
		return 0;
	sort_few(v, n);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* A destination's own level: trimmed mean or phase median, and spread. */
static void
own_level(const struct window *w, unsigned span, struct level *out)
{
	double		v[HISTORY_LEN], sum = 0, squares = 0;
	unsigned	i, n = 0, kept;

	memset(out, 0, sizeof *out);
	for (i = 0; i < HISTORY_LEN; i++) {
		if (w->known[i])
			v[n++] = w->value[i];
	}
	out->buckets = n;
	if (n == 0)
		return;
	sort_few(v, n);
	kept = n - n / TRIM_FRACTION;
	for (i = 0; i < kept; i++)
		sum += v[i];
	out->mean = sum / kept;
	for (i = 0; i < kept; i++)
		squares += (v[i] - out->mean) * (v[i] - out->mean);
	out->variance = kept > 1 ? squares / (kept - 1) : 0;
	out->mean = fmax(out->mean, phase_median(w, span));
}

/* Log of the Poisson or negative binomial probability of exactly j. */
static double
log_term(double j, double mean, double r, double q, bool poisson)
{
	if (poisson)
		return j * log(mean) - mean - lgamma(j + 1);
	return lgamma(j + r) - lgamma(r) - lgamma(j + 1) + r * log1p(-q) +
	    j * log(q);
}

/* P(j + 1) / P(j). */
static double
ratio_up(double j, double mean, double r, double q, bool poisson)
{
	if (poisson)
		return mean / (j + 1);
	return (j + r) / (j + 1) * q;
}

/* P(j - 1) / P(j), for j >= 1. */
static double
ratio_down(double j, double mean, double r, double q, bool poisson)
{
	if (poisson)
		return j / mean;
	return j / ((j - 1 + r) * q);
}

/*
 * The natural log of P(X >= k) for X negative binomial with this mean and
 * variance (Poisson when the variance is not above the mean).  Terms are
 * summed relative to the first, walking away from the mode, where they
 * only shrink, until one no longer changes the sum.
 */
static double
log_tail(uint64_t k, double mean, double variance)
{
	double		r = 0, q = 0, mode, j, first, term = 1, sum = 1;
	bool		poisson = variance <= mean * (1 + 1e-9);
	unsigned	steps;

	if (k == 0)
		return 0;
	if (!poisson) {
		r = mean * mean / (variance - mean);
		q = (variance - mean) / variance;
		poisson = r > 1e8;
	}
	if (poisson)
		mode = floor(mean);
	else
		mode = r > 1 ? floor((r - 1) * q / (1 - q)) : 0;

	j = (double)k;
	if (j > mode) {
		first = log_term(j, mean, r, q, poisson);
		for (steps = 0; steps < TAIL_STEPS; steps++) {
			term *= ratio_up(j, mean, r, q, poisson);
			j++;
			sum += term;
			if (term < TAIL_EPSILON * sum)
				break;
		}
		return first + log(sum);
	}
	j = (double)(k - 1);
	first = log_term(j, mean, r, q, poisson);
	for (steps = 0; j > 0 && steps < TAIL_STEPS; steps++) {
		term *= ratio_down(j, mean, r, q, poisson);
		j--;
		sum += term;
		if (term < TAIL_EPSILON * sum)
			break;
	}
	return log1p(-fmin(exp(first + log(sum)), 1 - 1e-16));
}

/* The score 0-100 of a tail probability given as its natural log. */
static unsigned
score_of(double log_p)
{
	double	decades = -log_p / log(10.0);

	if (!(decades > 0))
		return 0;
	if (SCORE_PER_DECADE * decades >= 100)
		return 100;
	return (unsigned)lround(SCORE_PER_DECADE * decades);
}

/*
 * The level a bucket at index is compared with: its mean, variance and
 * mode ("baseline" or "population"), from the history as known now,
 * without bucket skip.
 */
static const char *
expected(const struct model *m, const struct destination *d, int64_t index,
    int64_t skip, double *mean, double *variance, unsigned *nonempty)
{
	struct window	w;
	struct level	own, pop;
	double		n;

	window_fill(d, index, skip, &w);
	own_level(&w, m->config.bucket_span, &own);
	*nonempty = w.nonempty;
	if (w.nonempty >= WARM_BUCKETS) {
		*mean = own.mean;
		*variance = own.variance;
		return "baseline";
	}
	pop = m->population_now;
	n = own.buckets;
	*mean = (n * own.mean + POPULATION_WEIGHT * pop.mean) /
	    (n + POPULATION_WEIGHT);
	*variance = (n * own.variance + POPULATION_WEIGHT * pop.variance) /
	    (n + POPULATION_WEIGHT);
	if (own.mean > pop.mean)
		*variance += n * POPULATION_WEIGHT *
		    (own.mean - pop.mean) * (own.mean - pop.mean) /
		    ((n + POPULATION_WEIGHT) * (n + POPULATION_WEIGHT));
	return "population";
}

/*
 * Bounds on the natural log of P(X >= k) in constant time, from the
 * first term and the ratio of neighbouring terms, for k above the mode:
 * there the terms only shrink, each by a ratio that moves monotonically
 * from the first one towards its limit (0 for Poisson, q for the
 * negative binomial), so the tail lies between the two geometric sums.
 * Returns false when no bound is to be had (k at or below the mode).
 */
static bool
log_tail_bounds(uint64_t k, double mean, double variance, double *lo,
    double *hi)
{
	double	r = 0, q = 0, first, ratio, limit, a, b;
	bool	poisson = variance <= mean * (1 + 1e-9);

	if (!poisson) {
		r = mean * mean / (variance - mean);
		q = (variance - mean) / variance;
		poisson = r > 1e8;
	}
	ratio = ratio_up((double)k, mean, r, q, poisson);
	limit = poisson ? 0 : q;
	if (k == 0 || !(ratio < 1))
		return false;
	first = log_term((double)k, mean, r, q, poisson);
	a = -log1p(-fmin(ratio, limit));
	b = -log1p(-fmax(ratio, limit));
	*lo = first + a;
	*hi = first + b;
	return true;
}

/*
 * The score of count distinct sources against a mean and variance, exact
 * from threshold up.  The tail is not summed when its bounds settle the
 * answer: both round to the same score (that score), or even the higher
 * one is below threshold (the lower one, since only whether the count
 * reaches the threshold matters then).  A flood of sources on a host
 * with a wide, overdispersed level would otherwise sum a million terms
 * for every new source.
 */
static unsigned
score_count(uint64_t count, double mean, double variance, double threshold)
{
	double		lo, hi;
	unsigned	most, least;

	mean = fmax(mean, MEAN_FLOOR);
	variance = fmax(variance, mean);
	if (log_tail_bounds(count, mean, variance, &lo, &hi)) {
		most = score_of(lo);
		least = score_of(hi);
		if (most == least || most < threshold)
			return least;
	}
	return score_of(log_tail(count, mean, variance));
}

/*
 * The bucket before b when a spike may straddle the boundary between
 * them: it is still open (the first hour of b, at the default lateness)
 * and did not alert.  Else NULL.
 */
static const struct bucket *
straddle_bucket(const struct destination *d, const struct bucket *b)
{
	const struct bucket	*prev = bucket_find(d, b->index - 1);

	return prev == NULL || prev->alerted ? NULL : prev;
}

/*
 * Where the part of prev that a spike straddling into b can reach back
 * to begins: the last min(lateness, bucket span) of prev, as long as prev
 * stays open into b.  All of prev (-INFINITY) when its list of sources
 * is not whole, since the sources first seen in the tail are then not
 * all known.
 */
static double
tail_start(const struct model *m, const struct bucket *prev)
{
	double	span = m->config.bucket_span;
	double	reach = fmin(m->config.lateness, span);

	if (prev->truncated || reach >= span)
		return -INFINITY;
	return bucket_start(m, prev->index) + span - reach;
}

/*
 * The distinct sources of bucket b and of those in prev first seen at or
 * after from.
 */
static uint64_t
union_count(const struct bucket *prev, const struct bucket *b, double from)
{
	struct sketch	*both = sketch_new();
	uint64_t	 count;
	uint32_t	 i;

	sketch_merge(both, b->sources);
	if (isinf(from))
		sketch_merge(both, prev->sources);
	else
		for (i = 0; i < prev->nmembers; i++)
			if (prev->members[i].first >= from)
				(void)sketch_add(both,
				    addr_hash(&prev->members[i].ip));
	count = sketch_count(both);
	sketch_free(both);
	return count;
}

/*
 * The score of a spike that straddles the boundary between prev and b:
 * the union of b's sources and those of prev's tail (from tail_start()),
 * count of them, is judged against b's level plus the tail's share of
 * prev's, each from the history before prev.  The tail's share f of a
 * bucket thins prev's count: its mean is f * m, its variance
 * f^2 * v + f * (1 - f) * m.
 */
static unsigned
straddle(const struct model *m, const struct destination *d,
    const struct bucket *prev, const struct bucket *b, uint64_t count)
{
	double		mean, variance, pmean, pvariance, share = 1;
	double		from = tail_start(m, prev);
	unsigned	nonempty;

	if (!isinf(from))
		share = (bucket_start(m, b->index) - from) /
		    m->config.bucket_span;
	(void)expected(m, d, prev->index, INT64_MIN, &pmean, &pvariance,
	    &nonempty);
	(void)expected(m, d, b->index, prev->index, &mean, &variance,
	    &nonempty);
	pmean = fmax(pmean, MEAN_FLOOR);
	mean = fmax(mean, MEAN_FLOOR);
	pvariance = fmax(pvariance, pmean);
	pvariance = share * share * pvariance + share * (1 - share) * pmean;
	return score_count(count, mean + share * pmean,
	    fmax(variance, mean) + pvariance, m->config.threshold);
}

/*
 * Score bucket b, holding count distinct sources, and, when prev is not
 * NULL, the spike across the boundary from prev, holding both_count.  A
 * count below floor is not scored.  Sets the typical count, the mode
 * ("baseline", "population" or "fixed") and *across, true when the spike
 * across the boundary scored higher.
 */
static unsigned
judge(const struct model *m, const struct destination *d,
    const struct bucket *b, uint64_t count, const struct bucket *prev,
    uint64_t both_count, uint64_t floor, double *typical,
    const char **mode, bool *across)
{
	double		mean, variance;
	unsigned	nonempty, score = 0, both;

	*across = false;
	*mode = expected(m, d, b->index, INT64_MIN, &mean, &variance,
	    &nonempty);
	if (m->config.threshold <= 0) {
		*mode = "fixed";
		*typical = nonempty >= WARM_BUCKETS ? mean : 0;
		return count >= floor ? 100 : 0;
	}
	*typical = mean;
	if (count >= floor)
		score = score_count(count, mean, variance,
		    m->config.threshold);
	if (prev != NULL && both_count >= floor &&
	    (both = straddle(m, d, prev, b, both_count)) > score) {
		score = both;
		*across = true;
	}
	return score;
}

/* ------------------------------------------------------------------ */
/* Spikes.                                                            */
/* ------------------------------------------------------------------ */

/* Order alert sources by first time, then by address. */
static int
source_order(const void *a, const void *b)
{
	const struct spike_source	*x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->ip.family != y->ip.family)
		return x->ip.family < y->ip.family ? -1 : 1;
	return memcmp(x->ip.bytes, y->ip.bytes, sizeof x->ip.bytes);
}

/* True when a source was seen by d before bucket index. */
static bool
seen_earlier(const struct destination *d, int64_t index,
    const struct ip_addr *ip)
{
	uint32_t	i;

	if (seen_has(d, addr_hash(ip)))
		return true;
	for (i = 0; i < d->nopen && d->open[i].index < index; i++) {
		if (member_find(&d->open[i], ip) != NULL)
			return true;
	}
	return false;
}

/* Fill a spike for bucket b of d, made by event ev. */
static void
spike_fill(const struct model *m, const struct destination *d,
    const struct bucket *b, const struct bucket *prev,
    const struct flow_event *ev, uint64_t count, unsigned score,
    double typical, const char *mode, struct spike *out)
{
	struct spike_source	*s;
	const struct member	*p, *same;
	int64_t			 since = prev != NULL ? prev->index : b->index;
	double			 from = prev != NULL ? tail_start(m, prev) : 0;
	uint32_t		 i, extra = 0;

	memset(out, 0, sizeof *out);
	out->destination = d->ip;
	out->destination_port = ev->destination_port;
	out->timestamp = ev->start;
	out->bucket_start = bucket_start(m, b->index);
	out->bucket_span = m->config.bucket_span;
	out->distinct_sources = count;
	out->typical = typical;
	out->score = score;
	out->mode = mode;
	out->connections = b->connections;
	out->nsources = b->nmembers;
	out->sources_truncated = b->truncated;
	if (prev != NULL) {
		if (isinf(from))
			out->connections += prev->connections;
		out->sources_truncated |= prev->truncated;
		extra = prev->nmembers;
	}
	out->sources = xcalloc((size_t)b->nmembers + extra,
	    sizeof *out->sources);
	for (i = 0; i < b->nmembers; i++) {
		s = &out->sources[i];
		s->ip = b->members[i].ip;
		s->first = b->members[i].first;
		s->connections = b->members[i].connections;
	}
	for (i = 0; i < extra; i++) {
		p = &prev->members[i];
		if (p->first < from)
			continue;
		if (!isinf(from))
			out->connections += p->connections;
		if ((same = member_find(b, &p->ip)) != NULL) {
			s = &out->sources[same - b->members];
			s->first = fmin(s->first, p->first);
			s->connections += p->connections;
			continue;
		}
		s = &out->sources[out->nsources++];
		s->ip = p->ip;
		s->first = p->first;
		s->connections = p->connections;
	}
	for (i = 0; i < out->nsources; i++)
		out->sources[i].seen_before = seen_earlier(d, since,
		    &out->sources[i].ip);
	if (out->nsources > 1)
		qsort(out->sources, out->nsources, sizeof *out->sources,
		    source_order);
}

/* Score bucket b after its count rose; 1 and *out when it is a spike. */
static int
consider(struct model *m, struct destination *d, struct bucket *b,
    const struct flow_event *ev, struct spike *out)
{
	uint64_t		 count = sketch_count(b->sources), both = 0;
	unsigned		 floor_sources = m->config.min_sources, score;
	const struct bucket	*prev = straddle_bucket(d, b);
	double			 typical;
	const char		*mode;
	char			 text[ADDR_TEXT_MAX];
	bool			 across;

	if (floor_sources < 1)
		floor_sources = 1;
	if (count <= b->judged || (count > RESCORE_EXACT &&
	    count < b->judged + b->judged / RESCORE_SHARE))
		return 0;
	if (prev != NULL && m->config.threshold > 0)
		both = union_count(prev, b, tail_start(m, prev));
	if (count < floor_sources && both < floor_sources)
		return 0;
	b->judged = count;
	score = judge(m, d, b, count, prev, both, floor_sources, &typical,
	    &mode, &across);
	if (across)
		count = both;
	else
		prev = NULL;
	addr_format(&d->ip, text);
	log_debug("%s: destination=%s bucket=%.0f distinct=%" PRIu64
	    " typical=%.2f score=%u mode=%s", __func__, text,
	    bucket_start(m, b->index), count, typical, score, mode);
	if (score == 0)
		return 0;
	if (m->config.threshold > 0) {
		if (score < m->config.threshold)
			return 0;
		if (ev->start < m->learning_end) {
			if (!b->suppressed)
				m->stats.learning_suppressed++;
			b->suppressed = true;
			return 0;
		}
	}
	b->alerted = true;
	m->stats.spikes++;
	if (out != NULL)
		spike_fill(m, d, b, prev, ev, count, score, typical, mode,
		    out);
	return 1;
}

/* ------------------------------------------------------------------ */
/* The state file: hex, and JSON in and out.                          */
/* ------------------------------------------------------------------ */

/* Bytes as a lower-case hex string, malloc'd. */
static char *
hex_encode(const uint8_t *bytes, size_t len)
{
	static const char	 digits[] = "0123456789abcdef";
	char			*out = xmalloc(len * 2 + 1);
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[len * 2] = '\0';
	return out;
}

/* Hex text back to malloc'd bytes, or NULL if it is not hex. */
static uint8_t *
hex_decode(const char *text, size_t *len)
{
	size_t	 n = strlen(text), i;
	uint8_t	*out;
	int	 hi, lo;

	if (n % 2 != 0)
		return NULL;
	out = xmalloc(n / 2 + 1);
	for (i = 0; i < n / 2; i++) {
		hi = hex_value(text[2 * i]);
		lo = hex_value(text[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return out;
}

/* A 64-bit hash as sixteen hex digits. */
static json_t *
hash_json(uint64_t hash)
{
	char	text[17];

	snprintf(text, sizeof text, "%016" PRIx64, hash);
	return json_string(text);
}

/* Sixteen hex digits back to a hash; -1 if they are not. */
static int
hash_parse(const json_t *j, uint64_t *out)
{
	const char	*text = json_string_value(j);
	size_t		 i;
	int		 digit;

	if (text == NULL || strlen(text) != 16)
		return -1;
	*out = 0;
	for (i = 0; i < 16; i++) {
		if ((digit = hex_value(text[i])) < 0)
			return -1;
		*out = *out << 4 | (uint64_t)digit;
	}
	return 0;
}

/* An address as JSON text. */
static json_t *
ip_json(const struct ip_addr *ip)
{
	char	text[ADDR_TEXT_MAX];

	addr_format(ip, text);
	return json_string(text);
}

/* JSON text back to an address; -1 if it is not one. */
static int
ip_parse(const json_t *j, struct ip_addr *out)
{
	const char	*text = json_string_value(j);

	if (text == NULL)
		return -1;
	return addr_parse(text, strlen(text), out);
}

/* A JSON integer in [min, max]; -1 if it is not. */
static int
int_parse(const json_t *j, json_int_t min, json_int_t max, json_int_t *out)
{
	if (!json_is_integer(j))
		return -1;
	*out = json_integer_value(j);
	return *out < min || *out > max ? -1 : 0;
}

/* A bucket start in seconds back to its index; -1 unless aligned. */
static int
start_parse(const struct model *m, const json_t *j, int64_t *index)
{
	json_int_t	v, span = m->config.bucket_span;

	if (int_parse(j, -(json_int_t)TIME_LIMIT, (json_int_t)TIME_LIMIT,
	    &v) == -1 || v % span != 0)
		return -1;
	*index = v / span;
	return 0;
}

/* A number, or null, as a JSON value. */
static json_t *
maybe_real(bool present, double v)
{
	return present ? json_real(v) : json_null();
}

/* One open bucket as JSON. */
static json_t *
bucket_save(const struct model *m, const struct bucket *b)
{
	json_t		*o = json_object(), *list = json_array(), *s;
	uint8_t		*bytes;
	char		*hex;
	size_t		 len;
	uint32_t	 i;

	bytes = sketch_encode(b->sources, &len);
	hex = hex_encode(bytes, len);
	for (i = 0; i < b->nmembers; i++) {
		s = json_object();
		json_object_set_new(s, "ip", ip_json(&b->members[i].ip));
		json_object_set_new(s, "first",
		    json_real(b->members[i].first));
		json_object_set_new(s, "connections",
		    json_integer((json_int_t)b->members[i].connections));
		json_array_append_new(list, s);
	}
	json_object_set_new(o, "start",
	    json_integer((json_int_t)bucket_start(m, b->index)));
	json_object_set_new(o, "connections",
	    json_integer((json_int_t)b->connections));
	json_object_set_new(o, "alerted", json_boolean(b->alerted));
	json_object_set_new(o, "learning_suppressed",
	    json_boolean(b->suppressed));
	json_object_set_new(o, "sketch", json_string(hex));
	json_object_set_new(o, "sources", list);
	json_object_set_new(o, "sources_truncated",
	    json_boolean(b->truncated));
	free(bytes);
	free(hex);
	return o;
}

/* One destination as JSON. */
static json_t *
destination_save(const struct model *m, const struct destination *d)
{
	json_t		*o = json_object(), *ring, *seen, *open;
	uint32_t	 i;

	json_object_set_new(o, "ip", ip_json(&d->ip));
	json_object_set_new(o, "first_bucket",
	    json_integer((json_int_t)bucket_start(m, d->first_bucket)));
	if (d->ring_len > 0) {
		ring = json_array();
		for (i = d->ring_len; i > 0; i--) {
			json_array_append_new(ring,
			    json_integer(ring_get(d, i - 1)));
		}
		json_object_set_new(o, "last_final", json_integer(
		    (json_int_t)bucket_start(m, d->last_final)));
		json_object_set_new(o, "history", ring);
	}
	seen = json_array();
	for (i = 0; i < d->nseen; i++)
		json_array_append_new(seen, hash_json(d->seen[i]));
	json_object_set_new(o, "seen", seen);
	open = json_array();
	for (i = 0; i < d->nopen; i++)
		json_array_append_new(open, bucket_save(m, &d->open[i]));
	json_object_set_new(o, "open", open);
	return o;
}

/* One listed source from JSON into b; -1 if malformed. */
static int
member_restore(struct bucket *b, const json_t *j, unsigned max_listed)
{
	struct member	*s;
	struct ip_addr	 ip;
	json_t		*first = json_object_get(j, "first");
	json_int_t	 connections;

	if (ip_parse(json_object_get(j, "ip"), &ip) == -1 ||
	    !json_is_number(first) ||
	    !usable_time(json_number_value(first)) ||
	    int_parse(json_object_get(j, "connections"), 0, INT64_MAX,
	    &connections) == -1)
		return -1;
	if (member_find(b, &ip) != NULL)
		return -1;
	if (b->nmembers >= max_listed) {
		b->truncated = true;
		return 0;
	}
	b->members = grow(b->members, &b->members_cap, b->nmembers + 1,
	    LIST_INITIAL, sizeof *b->members);
	s = &b->members[b->nmembers++];
	s->ip = ip;
	s->first = json_number_value(first);
	s->connections = (uint64_t)connections;
	return 0;
}

/* One open bucket from JSON into d; -1 if malformed. */
static int
bucket_restore(const struct model *m, struct destination *d,
    const json_t *j)
{
	struct bucket	*b;
	json_t		*list = json_object_get(j, "sources"), *v;
	const char	*hex = json_string_value(json_object_get(j,
			    "sketch"));
	uint8_t		*bytes;
	size_t		 len, i;
	int64_t		 index;
	json_int_t	 connections;

	if (!json_is_object(j) || !json_is_array(list) || hex == NULL ||
	    start_parse(m, json_object_get(j, "start"), &index) == -1 ||
	    int_parse(json_object_get(j, "connections"), 0, INT64_MAX,
	    &connections) == -1)
		return -1;
	if (index <= d->last_final || bucket_find(d, index) != NULL ||
	    (d->nopen > 0 && d->open[d->nopen - 1].index > index))
		return -1;
	b = bucket_get(d, index);
	if ((bytes = hex_decode(hex, &len)) == NULL)
		return -1;
	sketch_free(b->sources);
	b->sources = sketch_decode(bytes, len);
	free(bytes);
	if (b->sources == NULL) {
		b->sources = sketch_new();
		return -1;
	}
	b->connections = (uint64_t)connections;
	b->alerted = json_is_true(json_object_get(j, "alerted"));
	b->suppressed = json_is_true(json_object_get(j,
	    "learning_suppressed"));
	b->truncated = json_is_true(json_object_get(j, "sources_truncated"));
	json_array_foreach(list, i, v) {
		if (member_restore(b, v, m->config.max_alert_sources) == -1)
			return -1;
	}
	return 0;
}

/* The history ring from JSON into d; -1 if malformed. */
static int
history_restore(const struct model *m, struct destination *d,
    const json_t *j)
{
	json_t		*ring = json_object_get(j, "history"), *v;
	json_int_t	 count;
	int64_t		 last;
	size_t		 i;

	if (ring == NULL)
		return 0;
	if (!json_is_array(ring) || json_array_size(ring) == 0 ||
	    json_array_size(ring) > HISTORY_LEN ||
	    start_parse(m, json_object_get(j, "last_final"), &last) == -1 ||
	    last < d->first_bucket)
		return -1;
	d->ring = xcalloc(HISTORY_LEN, sizeof *d->ring);
	json_array_foreach(ring, i, v) {
		if (int_parse(v, 0, UINT32_MAX, &count) == -1)
			return -1;
		ring_put(d, (uint32_t)count);
	}
	d->last_final = last;
	return 0;
}

/* One destination from JSON into m; -1 if malformed or repeated. */
static int
destination_restore(struct model *m, const json_t *j)
{
	struct destination	*d;
	struct ip_addr		 ip;
	json_t			*seen, *open, *v;
	int64_t			 first;
	uint64_t		 hash;
	size_t			 i;

	seen = json_object_get(j, "seen");
	open = json_object_get(j, "open");
	if (!json_is_object(j) || !json_is_array(seen) ||
	    !json_is_array(open) ||
	    ip_parse(json_object_get(j, "ip"), &ip) == -1 ||
	    start_parse(m, json_object_get(j, "first_bucket"), &first) == -1)
		return -1;
	if (m->table[table_slot(m, &ip, addr_hash(&ip))] != NULL)
		return -1;
	d = destination_new(&ip, addr_hash(&ip), first);
	table_insert(m, d);
	if (history_restore(m, d, j) == -1)
		return -1;
	json_array_foreach(seen, i, v) {
		if (hash_parse(v, &hash) == -1)
			return -1;
		seen_add(d, hash);
	}
	json_array_foreach(open, i, v) {
		if (bucket_restore(m, d, v) == -1)
			return -1;
	}
	return d->first_bucket < first ? -1 : 0;
}

/*
 * The population histogram from JSON, and the number of counts in it (a
 * state of the earlier version, without it, weighed each count as one);
 * -1 if malformed.
 */
static int
population_restore(struct model *m, const json_t *j, const json_t *nj)
{
	json_t		*pair;
	json_int_t	 bin, count, buckets = -1;
	size_t		 i;

	if (!json_is_array(j) || (nj != NULL &&
	    int_parse(nj, 0, INT64_MAX / 2, &buckets) == -1))
		return -1;
	json_array_foreach(j, i, pair) {
		if (!json_is_array(pair) || json_array_size(pair) != 2 ||
		    int_parse(json_array_get(pair, 0), 0, POP_BINS - 1,
		    &bin) == -1 ||
		    int_parse(json_array_get(pair, 1), 0, INT64_MAX / 2,
		    &count) == -1 ||
		    m->population.total + (uint64_t)count <
		    m->population.total)
			return -1;
		m->population.bins[bin] += (uint64_t)count;
		m->population.total += (uint64_t)count;
	}
	m->population.buckets = buckets >= 0 ? (uint64_t)buckets :
	    m->population.total;
	return 0;
}

/* The recent uids from JSON; -1 if malformed. */
static int
recent_restore(struct model *m, const json_t *j)
{
	json_t		*pair;
	uint64_t	 key;
	int64_t		 index;
	size_t		 i;

	if (j == NULL)
		return 0;
	if (!json_is_array(j))
		return -1;
	json_array_foreach(j, i, pair) {
		if (!json_is_array(pair) || json_array_size(pair) != 2 ||
		    hash_parse(json_array_get(pair, 0), &key) == -1 ||
		    key == 0 ||
		    start_parse(m, json_array_get(pair, 1), &index) == -1)
			return -1;
		recent_seen(m, key, index, INT64_MIN);
	}
	return 0;
}

/* An optional time (number or null); -1 if neither. */
static int
maybe_time(const json_t *j, bool *present, double *out)
{
	*present = false;
	if (j == NULL || json_is_null(j))
		return 0;
	if (!json_is_number(j) || !usable_time(json_number_value(j)))
		return -1;
	*present = true;
	*out = json_number_value(j);
	return 0;
}

/* The whole model from JSON into an empty m; -1 with a cause. */
static int
restore_into(struct model *m, const json_t *j, const char **cause)
{
	json_t		*dests, *v;
	json_int_t	 version, span;
	double		 watermark = 0;
	bool		 have;
	size_t		 i;

	if (!json_is_object(j)) {
		*cause = "model state is not a JSON object";
		return -1;
	}
	if (int_parse(json_object_get(j, "version"), 0, INT32_MAX,
	    &version) == -1 || version != MODEL_VERSION) {
		*cause = "model state has an unknown version";
		return -1;
	}
	if (int_parse(json_object_get(j, "bucket_span"), 1, INT32_MAX,
	    &span) == -1 || span != m->config.bucket_span) {
		*cause = "model state was saved with another bucket span";
		return -1;
	}
	*cause = "model state has a bad learning_end or watermark";
	if (maybe_time(json_object_get(j, "learning_end"), &have,
	    &m->learning_end) == -1)
		return -1;
	m->learning_set = have;
	if (maybe_time(json_object_get(j, "watermark"), &have,
	    &watermark) == -1)
		return -1;
	*cause = "model state has a bad population";
	if (population_restore(m, json_object_get(j, "population"),
	    json_object_get(j, "population_buckets")) == -1)
		return -1;
	*cause = "model state has a bad or repeated destination";
	dests = json_object_get(j, "destinations");
	if (!json_is_array(dests))
		return -1;
	json_array_foreach(dests, i, v) {
		if (destination_restore(m, v) == -1)
			return -1;
	}
	*cause = "model state has bad recent_ids";
	if (recent_restore(m, json_object_get(j, "recent_ids")) == -1)
		return -1;
	population_level(&m->population, &m->population_now);
	if (have)
		advance(m, watermark + m->config.lateness);
	*cause = NULL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The public API.                                                    */
/* ------------------------------------------------------------------ */

/* A new model; out-of-range settings fall back to safe values. */
struct model *
model_new(const struct model_config *config)
{
	struct model	*m = xcalloc(1, sizeof *m);

	m->config = *config;
	if (m->config.bucket_span == 0)
		m->config.bucket_span = DEFAULT_SPAN;
	if (!(m->config.lateness >= 0))
		m->config.lateness = 0;
	if (m->config.lateness > TIME_LIMIT)
		m->config.lateness = TIME_LIMIT;
	if (!(m->config.learning >= 0))
		m->config.learning = 0;
	if (m->config.learning > TIME_LIMIT)
		m->config.learning = TIME_LIMIT;
	if (!(m->config.threshold >= 0))
		m->config.threshold = 0;
	m->table_cap = TABLE_INITIAL;
	m->table = xcalloc(m->table_cap, sizeof *m->table);
	m->swept = INT64_MIN;
	population_level(&m->population, &m->population_now);
	return m;
}

/* Free the model and every destination it holds. */
void
model_free(struct model *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->table_cap; i++) {
		if (m->table[i] != NULL)
			destination_free(m->table[i]);
	}
	free(m->table);
	free(m->recent);
	free(m);
}

/* Whether model_add() would find ev late; the same test as there. */
bool
model_late(const struct model *m, const struct flow_event *ev)
{
	double	written = ev->written;

	if (!usable_time(ev->start))
		return true;
	if (!usable_time(written) || written < ev->start)
		written = ev->start;
	return bucket_of(m, ev->start) < watermark_bucket(m) &&
	    m->have_time && written < m->max_written - m->config.lateness;
}

/*
 * Take one counted RDP event: place it in its bucket unless that bucket is
 * final, count it, score the bucket if its distinct count rose, then move
 * the watermark.  Returns 1 with *out filled for a new spike, else 0.
 */
int
model_add(struct model *m, const struct flow_event *ev, struct spike *out)
{
	struct destination	*d;
	struct bucket		*b;
	int64_t			 index, watermark;
	double			 written = ev->written;
	bool			 duplicate = false;
	int			 spiked = 0;

	m->stats.events++;
	if (model_late(m, ev)) {
		m->stats.late_records++;
		return 0;
	}
	if (!usable_time(written) || written < ev->start)
		written = ev->start;
	index = bucket_of(m, ev->start);
	watermark = watermark_bucket(m);
	/* A long session is not late for being long: judged by when it
	   could first be written, it joins the oldest open bucket, where it
	   was still active. */
	if (index < watermark)
		index = watermark;
	follow_learning(m, ev->start, written);
	if (ev->id[0] != '\0' &&
	    recent_seen(m, uid_key(ev), index, watermark)) {
		duplicate = true;
		m->stats.duplicate_connections++;
	}

	d = destination_get(m, &ev->destination, index);
	b = bucket_get(d, index);
	if (bucket_add(b, ev, !duplicate, m->config.max_alert_sources) &&
	    !b->alerted)
		spiked = consider(m, d, b, ev, out);
	advance(m, written);
	return spiked;
}

/*
 * See a flow event of any kind: event time moves on (the watermark and
 * the first learning) even where no RDP is counted.
 */
void
model_observe(struct model *m, const struct flow_event *ev)
{
	double	written = ev->written;

	if (!usable_time(ev->start))
		return;
	if (!usable_time(written) || written < ev->start)
		written = ev->start;
	follow_learning(m, ev->start, written);
	advance(m, written);
}

/* The final or open count of bucket index of d, or -1 when unknown. */
static int64_t
count_at(const struct destination *d, int64_t index)
{
	const struct bucket	*b;
	int64_t			 back;

	if ((b = bucket_find(d, index)) != NULL)
		return (int64_t)sketch_count(b->sources);
	if (index < d->first_bucket)
		return -1;
	if (d->ring_len > 0 && index <= d->last_final) {
		back = d->last_final - index;
		if (back >= d->ring_len)
			return -1;
		return ring_get(d, (unsigned)back);
	}
	return 0;
}

/* The smallest count that scores the threshold against mean, variance. */
static double
band_of(const struct model *m, double mean, double variance)
{
	uint64_t	lo = 1, hi = (uint64_t)1 << 40, mid;

	if (m->config.threshold <= 0)
		return m->config.min_sources > 0 ? m->config.min_sources : 1;
	if (score_count(hi, mean, variance, m->config.threshold) <
	    m->config.threshold)
		return INFINITY;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (score_count(mid, mean, variance, m->config.threshold) >=
		    m->config.threshold)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (double)lo;
}

/*
 * A destination's counts for the report, oldest first, ending with the
 * bucket that holds t; its level and band as a bucket there is judged.
 */
size_t
model_history(const struct model *m, const struct ip_addr *destination,
    double t, uint32_t *counts, size_t max, double *first_bucket_start,
    double *level, double *band)
{
	const struct destination	*d;
	int64_t				 index, oldest, c;
	double				 mean, variance;
	unsigned			 nonempty;
	size_t				 n = 0, i;

	d = m->table[table_slot(m, destination, addr_hash(destination))];
	if (d == NULL || max == 0 || !usable_time(t))
		return 0;
	index = bucket_of(m, t);
	for (oldest = index; n < max; oldest--, n++) {
		if (n > 0 && count_at(d, oldest) < 0)
			break;
	}
	oldest++;
	for (i = 0; i < n; i++) {
		c = count_at(d, oldest + (int64_t)i);
		if (c < 0)
			c = 0;
		counts[i] = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
	}
	if (first_bucket_start != NULL)
		*first_bucket_start = bucket_start(m, oldest);
	(void)expected(m, d, index, INT64_MIN, &mean, &variance,
	    &nonempty);
	if (m->config.threshold <= 0 && nonempty < WARM_BUCKETS)
		mean = 0;
	if (level != NULL)
		*level = mean;
	if (band != NULL)
		*band = band_of(m, mean, variance);
	return n;
}

/* Counters, and the memory held, walked now. */
void
model_get_stats(const struct model *m, struct model_stats *out)
{
	size_t	i, bytes = sizeof *m;

	bytes += m->table_cap * sizeof *m->table;
	bytes += m->recent_cap * sizeof *m->recent;
	for (i = 0; i < m->table_cap; i++) {
		if (m->table[i] != NULL)
			bytes += destination_bytes(m->table[i]);
	}
	*out = m->stats;
	out->destinations = m->ndest;
	out->memory_bytes = bytes;
}

/* Free the source list of a spike and zero it. */
void
spike_clear(struct spike *s)
{
	if (s == NULL)
		return;
	free(s->sources);
	memset(s, 0, sizeof *s);
}

/* The model as one JSON object (see "State" at the top). */
json_t *
model_save(const struct model *m)
{
	json_t	*o = json_object(), *dests = json_array();
	json_t	*pop = json_array(), *recent = json_array(), *pair;
	int64_t	 watermark = watermark_bucket(m);
	size_t	 i;

	for (i = 0; i < POP_BINS; i++) {
		if (m->population.bins[i] == 0)
			continue;
		pair = json_array();
		json_array_append_new(pair, json_integer((json_int_t)i));
		json_array_append_new(pair,
		    json_integer((json_int_t)m->population.bins[i]));
		json_array_append_new(pop, pair);
	}
	for (i = 0; i < m->table_cap; i++) {
		if (m->table[i] != NULL)
			json_array_append_new(dests,
			    destination_save(m, m->table[i]));
	}
	for (i = 0; i < m->recent_cap; i++) {
		if (m->recent[i].key == 0 || m->recent[i].index < watermark)
			continue;
		pair = json_array();
		json_array_append_new(pair, hash_json(m->recent[i].key));
		json_array_append_new(pair, json_integer(
		    (json_int_t)bucket_start(m, m->recent[i].index)));
		json_array_append_new(recent, pair);
	}
	json_object_set_new(o, "version", json_integer(MODEL_VERSION));
	json_object_set_new(o, "bucket_span",
	    json_integer(m->config.bucket_span));
	json_object_set_new(o, "learning_end",
	    maybe_real(m->learning_set, m->learning_end));
	json_object_set_new(o, "watermark", maybe_real(m->have_time,
	    m->max_written - m->config.lateness));
	json_object_set_new(o, "population", pop);
	json_object_set_new(o, "population_buckets",
	    json_integer((json_int_t)m->population.buckets));
	json_object_set_new(o, "destinations", dests);
	json_object_set_new(o, "recent_ids", recent);
	return o;
}

/*
 * Replace the model's contents with a saved state.  The state is read
 * into a fresh model first, so on -1 (with *cause) nothing has changed.
 * The counters of this run are kept.
 */
int
model_restore(struct model *m, const json_t *j, const char **cause)
{
	struct model	*fresh = model_new(&m->config);
	struct model	 old;
	const char	*why = NULL;

	if (restore_into(fresh, j, &why) == -1) {
		if (cause != NULL)
			*cause = why;
		model_free(fresh);
		return -1;
	}
	fresh->stats = m->stats;
	old = *m;
	*m = *fresh;
	*fresh = old;
	model_free(fresh);
	return 0;
}
