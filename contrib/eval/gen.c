/*
 * gen.c - the evaluation's traffic and its scorer.
 *
 *	gen enterprise SEED DAYS TRUTH	   a month of an enterprise's RDP,
 *					   with spikes, as a connection list
 *	gen inject SEED TAG TRUTH	   one spike of each size added to
 *					   a background list on stdin; the
 *					   truth names them TAG/destination
 *	gen days LIST ATTEMPTS		   destination-days of counted RDP
 *	gen score LABEL TRUTH DAYS	   alerts (dest, @timestamp) on
 *					   stdin against the truth: one row
 *
 * A connection list is the one tests/cli/lib.sh converts to Zeek TSV:
 * ts uid src sport dst dport proto service duration state opkts rpkts,
 * tab separated.  Lists are written unsorted; the runner sorts them.
 * A truth file holds one spike a line: destination, size, time of its
 * first and of its last record.
 *
 * Everything is drawn from a splitmix64 stream seeded on the command
 * line, so one seed always gives the same bytes on every machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY		86400.0
#define HOUR		3600.0
#define START		1767571200.0	/* Monday 2026-01-05 00:00 UTC */
#define LEARNING	DAY
#define SPAN		21600.0
#define NSIZES		4
#define MAX_SPIKES	4096
#define MAX_ALERTS	200000

/* The spike sizes measured. */
static const int sizes[NSIZES] = { 5, 10, 20, 50 };

/* One injected spike. */
struct spike {
	char		dest[96];
	int		size;
	double		first;
	double		last;
	double		alert;		/* earliest matching alert, or 0 */
};

static uint64_t	rng;
static char	texts[8][32];
static unsigned	ntext;
static unsigned	uid_next;
static FILE	*truth;
static const char *prefix;	/* of destinations in the truth file */

/* ------------------------------------------------------------------ */
/* Randomness and output.                                             */
/* ------------------------------------------------------------------ */

/* The next value of the splitmix64 stream. */
static uint64_t
next(void)
{
	uint64_t	z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform double in [0, 1). */
static double
uniform(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}

/* A uniform integer in [lo, hi]. */
static int
between(int lo, int hi)
{
	return lo + (int)(next() % (uint64_t)(hi - lo + 1));
}

/* True with probability p. */
static int
chance(double p)
{
	return uniform() < p;
}

/* Workstation n (0-3999) as text. */
static const char *
workstation(int n)
{
	char	*text = texts[ntext++ % 8];

	snprintf(text, 32, "10.10.%d.%d", n / 250, n % 250 + 1);
	return text;
}

/* Server n as text (10.20.x.y). */
static const char *
server(int n)
{
	char	*text = texts[ntext++ % 8];

	snprintf(text, 32, "10.20.%d.%d", n / 250, n % 250 + 1);
	return text;
}

/* External address n, spread over public space, as text. */
static const char *
external(unsigned n)
{
	char		*text = texts[ntext++ % 8];
	uint64_t	 h = n * 0x9e3779b97f4a7c15ULL;

	snprintf(text, 32, "%u.%u.%u.%u",
	    (unsigned)(11 + (h >> 56) % 180), (unsigned)(h >> 40) & 255,
	    (unsigned)(h >> 32) & 255, 1 + (unsigned)((h >> 24) % 254));
	return text;
}

/* Write one connection of the list. */
static void
conn(double t, const char *src, const char *dst, int port,
    const char *service, const char *state)
{
	int	est = strcmp(state, "SF") == 0;

	printf("%.6f\tE%u\t%s\t%d\t%s\t%d\ttcp\t%s\t%.3f\t%s\t%d\t%d\n",
	    t, uid_next++, src, between(49152, 65535), dst, port, service,
	    est ? 30.0 + uniform() * 600 : 0.0, state, est ? 40 : 1,
	    est ? 38 : (strcmp(state, "REJ") == 0 ? 1 : 0));
}

/* An RDP session from src to dst at t. */
static void
rdp(double t, const char *src, const char *dst)
{
	char	copy[64];

	snprintf(copy, sizeof copy, "%s", src);
	conn(t, copy, dst, 3389, "rdp", "SF");
}

/*
 * Write a spike: size new sources reaching dst within an hour from t0,
 * and its truth line.  src(i) names the sources.
 */
static void
spike(const char *dst, int size, double t0, const char *(*src)(int),
    int base)
{
	double	t, first = 1e300, last = 0;
	char	copy[64];
	int	i;

	snprintf(copy, sizeof copy, "%s", dst);
	for (i = 0; i < size; i++) {
		t = t0 + uniform() * HOUR;
		if (t < first)
			first = t;
		if (t > last)
			last = t;
		rdp(t, src(base + i), copy);
	}
	fprintf(truth, "%s%s%s\t%d\t%.6f\t%.6f\n", prefix ? prefix : "",
	    prefix ? "/" : "", copy, size, first, last);
}

/* ------------------------------------------------------------------ */
/* The enterprise.                                                    */
/* ------------------------------------------------------------------ */

#define WS		4000	/* workstations 0-3999 */
#define ADMINS		60	/* 0-59 administrators */
#define HELPDESK	12	/* 60-71 helpdesk staff */
#define RDP_WS		1000	/* 100-1099 workstations taking RDP */
#define QUIET		300	/* servers 0-299, one to three admins */
#define JUMP		5	/* servers 300-304, morning teams */
#define BUSY		12	/* servers 310-321, 20-30 users a bucket */
#define NEWBUSY		3	/* servers 330-332, busy from day 15 on */
#define NEWQUIET	10	/* servers 340-349, quiet from day 10 on */
#define EDGE		5	/* servers 400-404, Internet-facing */

/* A time of day in [from, to) hours on day d. */
static double
at(int d, double from, double to)
{
	return START + d * DAY + (from + uniform() * (to - from)) * HOUR;
}

/* A quiet server's day: each of its admins, now and then. */
static void
quiet_day(int s, int d, int weekend)
{
	int	nadmin = 1 + s % 3, k, admin;

	for (k = 0; k < nadmin; k++) {
		admin = (s * 7 + k * 13) % ADMINS;
		if (chance(weekend ? 0.05 : 0.6))
			rdp(at(d, 8, 18), workstation(admin), server(s));
		if (!weekend && chance(0.1))
			rdp(at(d, 13, 18), workstation(admin), server(s));
		if (chance(0.03))
			rdp(at(d, 1, 4), workstation(admin), server(s));
	}
}

/* A busy server's day: 35 users, morning and afternoon. */
static void
busy_day(int s, int d, int weekend)
{
	int	k, user;

	for (k = 0; k < 35; k++) {
		user = 1100 + (s * 37 + k * 11) % (WS - 1100);
		if (weekend) {
			if (chance(0.1))
				rdp(at(d, 9, 17), workstation(user),
				    server(s));
			continue;
		}
		if (chance(0.75))
			rdp(at(d, 8, 12), workstation(user), server(s));
		if (chance(0.7))
			rdp(at(d, 12, 18), workstation(user), server(s));
		if (chance(0.04))
			rdp(at(d, 18, 23), workstation(user), server(s));
	}
}

/* A jump host's day: the same team every weekday morning. */
static void
jump_day(int s, int d, int weekend)
{
	int	team = 15 + s % 11, k, who;

	for (k = 0; k < team; k++) {
		who = k < 8 ? (s * 5 + k) % ADMINS :
		    1100 + (s * 101 + k * 7) % (WS - 1100);
		if (weekend) {
			if (k < 2 && chance(0.4))
				rdp(at(d, 9, 20), workstation(who),
				    server(s));
			continue;
		}
		if (chance(0.9))
			rdp(at(d, 8, 10), workstation(who), server(s));
		if (chance(0.2))
			rdp(at(d, 13, 17), workstation(who), server(s));
	}
}

/* An Internet-facing host's day: 20-30 brute-forcers every bucket. */
static void
edge_day(int s, int d)
{
	int	b, n, k;
	double	t;

	for (b = 0; b < 4; b++) {
		n = between(20, 30);
		for (k = 0; k < n; k++) {
			t = START + d * DAY + b * SPAN + uniform() * SPAN;
			conn(t, external((unsigned)s * 100000 +
			    (unsigned)between(0, 3000)), server(s), 3389,
			    chance(0.7) ? "rdp" : "-",
			    chance(0.7) ? "SF" : (chance(0.5) ? "S0" : "REJ"));
		}
	}
}

/* The weekly sweep of an internal scanner, Tuesday 01:00-03:00. */
static void
sweep(int d, int scanner)
{
	char	src[32];
	int	i;

	snprintf(src, sizeof src, "10.99.0.%d", scanner + 1);
	for (i = 0; i < QUIET + JUMP; i++)
		conn(at(d, 1, 3), src, server(i), 3389, "rdp", "SF");
	for (i = 0; i < WS; i += 2)
		conn(at(d, 1, 3), src, workstation(i), 3389, "-",
		    i >= 100 && i < 100 + RDP_WS ? "SF" : "REJ");
}

/* Spike sources: workstations no regular pattern uses as RDP clients. */
static const char *
attacker(int n)
{
	return workstation(WS - 1 - (n % 2800));
}

/* Injected spikes: PER_SIZE of each size on quiet destinations. */
static void
enterprise_spikes(int days, int per_size)
{
	int	i, k, used[QUIET + RDP_WS] = { 0 }, pick, d;
	double	t0;

	for (i = 0; i < NSIZES; i++) {
		for (k = 0; k < per_size; k++) {
			do
				pick = between(0, QUIET + RDP_WS - 1);
			while (used[pick]);
			used[pick] = 1;
			d = between(2, days - 1);
			t0 = START + d * DAY + uniform() * (DAY - HOUR);
			spike(pick < QUIET ? server(pick) :
			    workstation(100 + pick - QUIET), sizes[i], t0,
			    attacker, between(0, 2799));
		}
	}
}

/* The whole enterprise, days long. */
static void
enterprise(int days)
{
	int	d, s, weekend, k, n;

	for (d = 0; d < days; d++) {
		weekend = d % 7 >= 5;
		for (s = 0; s < QUIET; s++)
			quiet_day(s, d, weekend);
		for (s = 340; s < 340 + NEWQUIET; s++) {
			if (d >= 10)
				quiet_day(s, d, weekend);
		}
		for (s = 300; s < 300 + JUMP; s++)
			jump_day(s, d, weekend);
		for (s = 310; s < 310 + BUSY; s++)
			busy_day(s, d, weekend);
		for (s = 330; s < 330 + NEWBUSY; s++) {
			if (d >= 15 + 3 * (s - 330))
				busy_day(s, d, weekend);
		}
		for (s = 400; s < 400 + EDGE; s++)
			edge_day(s, d);
		for (k = 0; k < RDP_WS; k++) {
			if (!weekend && chance(0.03))
				rdp(at(d, 8, 18), workstation(ADMINS +
				    between(0, HELPDESK - 1)),
				    workstation(100 + k));
		}
		if (d % 7 == 1)
			sweep(d, (d / 7) % 2);
		n = (int)(DAY / 120);
		for (k = 0; k < n; k++)
			conn(START + d * DAY + k * 120.0 + uniform() * 60,
			    workstation(between(0, WS - 1)), "10.0.0.53", 53,
			    "dns", "SF");
	}
}

/* ------------------------------------------------------------------ */
/* Injection into a real background.                                  */
/* ------------------------------------------------------------------ */

/* Spike sources for a real background: a private range of its own. */
static const char *
intruder(int n)
{
	char	*text = texts[ntext++ % 8];

	snprintf(text, 32, "10.250.%d.%d", (n / 250) % 250,
	    n % 250 + 1);
	return text;
}

/*
 * Copy the background through, and spike one responder it never used for
 * RDP with each size; one spike of each size per run, so that the spikes
 * do not become the population they are judged against.
 */
static void
inject(const char *tag)
{
	char	line[4096], *f[12], *p, **cand = NULL, (*rdpd)[64] = NULL;
	size_t	ncand = 0, capc = 0, nrdp = 0, capr = 0, i, j;
	double	first = 1e300, last = 0, t, t0;
	int	k, s, n;

	while (fgets(line, sizeof line, stdin) != NULL) {
		fputs(line, stdout);
		for (n = 0, p = strtok(line, "\t\n"); p != NULL && n < 12;
		    p = strtok(NULL, "\t\n"))
			f[n++] = p;
		if (n < 12)
			continue;
		t = atof(f[0]);
		if (first > 1e299)
			first = t;	/* where fanin starts learning */
		if (t > last)
			last = t;
		if (atoi(f[5]) == 3389 || strstr(f[7], "rdp") != NULL) {
			if (nrdp == capr) {
				capr = capr ? capr * 2 : 64;
				rdpd = realloc(rdpd, capr * sizeof *rdpd);
			}
			snprintf(rdpd[nrdp++], 64, "%s", f[4]);
			continue;
		}
		for (i = 0; i < ncand && strcmp(cand[i], f[4]) != 0; i++)
			continue;
		if (i < ncand || ncand >= 5000)
			continue;
		if (ncand == capc) {
			capc = capc ? capc * 2 : 64;
			cand = realloc(cand, capc * sizeof *cand);
		}
		cand[ncand++] = strdup(f[4]);
	}
	for (i = 0, j = 0; i < ncand; i++) {
		for (k = 0; k < (int)nrdp && strcmp(rdpd[k], cand[i]); k++)
			continue;
		if (k == (int)nrdp && strchr(cand[i], ':') == NULL)
			cand[j++] = cand[i];
	}
	ncand = j;
	if (ncand < NSIZES ||
	    last - first < LEARNING + 3 * HOUR) {
		fprintf(stderr, "gen: background too small\n");
		exit(1);
	}
	prefix = tag;
	for (s = 0; s < NSIZES; s++) {
		i = (size_t)between(0, (int)ncand - 1);
		t0 = first + LEARNING + HOUR +
		    uniform() * (last - first - LEARNING - 2 * HOUR);
		spike(cand[i], sizes[s], t0, intruder, between(0, 50000));
		cand[i] = cand[--ncand];
	}
	prefix = NULL;
}

/* ------------------------------------------------------------------ */
/* Scoring.                                                           */
/* ------------------------------------------------------------------ */

/* Epoch seconds of an ISO 8601 UTC time, as fanin writes them. */
static double
iso_time(const char *s)
{
	struct tm	tm;
	double		frac = 0;
	int		n = 0;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%d-%d-%dT%d:%d:%d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) < 6)
		return 0;
	if (s[n] == '.')
		frac = atof(s + n);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double)timegm(&tm) + frac;
}

/* Order doubles. */
static int
by_value(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* True when a Zeek state (and packets) counts as established. */
static int
established(const char *state, int opkts, int rpkts)
{
	static const char	*ok[] = { "SF", "S1", "S2", "S3", "RSTO",
				    "RSTR" };
	size_t			 i;

	for (i = 0; i < sizeof ok / sizeof *ok; i++) {
		if (strcmp(state, ok[i]) == 0)
			return 1;
	}
	return strcmp(state, "OTH") == 0 && opkts > 0 && rpkts > 0;
}

/* Distinct (destination, day) pairs of counted RDP in a list. */
static long
destination_days(const char *path, int attempts)
{
	FILE	*fp = fopen(path, "r");
	char	 line[4096], *f[12], *p, key[96], **keys = NULL;
	size_t	 nkeys = 0, cap = 0, i, h;
	int	 n;

	if (fp == NULL)
		return 0;
	cap = 1 << 20;
	keys = calloc(cap, sizeof *keys);
	while (fgets(line, sizeof line, fp) != NULL) {
		for (n = 0, p = strtok(line, "\t\n"); p != NULL && n < 12;
		    p = strtok(NULL, "\t\n"))
			f[n++] = p;
		if (n < 12 || (atoi(f[5]) != 3389 &&
		    strstr(f[7], "rdp") == NULL))
			continue;
		if (!attempts && strstr(f[7], "rdp") == NULL &&
		    !established(f[9], atoi(f[10]), atoi(f[11])))
			continue;
		snprintf(key, sizeof key, "%s/%ld", f[4],
		    (long)(atof(f[0]) / DAY));
		for (h = 5381, p = key; *p; p++)
			h = h * 33 + (unsigned char)*p;
		for (i = h & (cap - 1); keys[i] != NULL &&
		    strcmp(keys[i], key) != 0; i = (i + 1) & (cap - 1))
			continue;
		if (keys[i] == NULL && nkeys * 2 < cap) {
			keys[i] = strdup(key);
			nkeys++;
		}
	}
	fclose(fp);
	return (long)nkeys;
}

/* Read the truth file. */
static size_t
read_truth(const char *path, struct spike *out)
{
	FILE	*fp = fopen(path, "r");
	size_t	 n = 0;

	if (fp == NULL) {
		perror(path);
		exit(1);
	}
	while (n < MAX_SPIKES && fscanf(fp, "%95s %d %lf %lf",
	    out[n].dest, &out[n].size, &out[n].first, &out[n].last) == 4) {
		out[n].alert = 0;
		n++;
	}
	fclose(fp);
	return n;
}

/* Match alerts on stdin to the truth and print one row of figures. */
static void
score(const char *label, const char *truth_path, long dd)
{
	static struct spike	sp[MAX_SPIKES];
	static double		delay[MAX_SPIKES], late[MAX_SPIKES];
	char			dest[96], ts[64];
	size_t			nsp = read_truth(truth_path, sp), i;
	long			alerts = 0, matched = 0, hit[NSIZES] = { 0 };
	long			all[NSIZES] = { 0 }, found = 0, nd = 0;
	double			t, precision, recall, f1;
	int			ok, s;

	while (scanf("%95s %63s", dest, ts) == 2) {
		t = iso_time(ts);
		alerts++;
		ok = 0;
		for (i = 0; i < nsp; i++) {
			if (strcmp(sp[i].dest, dest) != 0 || t < sp[i].first ||
			    t > sp[i].last + SPAN)
				continue;
			ok = 1;
			if (sp[i].alert == 0 || t < sp[i].alert)
				sp[i].alert = t;
		}
		matched += ok;
	}
	for (i = 0; i < nsp; i++) {
		for (s = 0; s < NSIZES && sizes[s] != sp[i].size; s++)
			continue;
		if (s == NSIZES)
			continue;
		all[s]++;
		if (sp[i].alert == 0)
			continue;
		hit[s]++;
		found++;
		late[nd] = sp[i].alert - sp[i].last;
		delay[nd++] = sp[i].alert - sp[i].first;
	}
	qsort(delay, (size_t)nd, sizeof *delay, by_value);
	qsort(late, (size_t)nd, sizeof *late, by_value);
	precision = alerts ? (double)matched / alerts : 1;
	recall = nsp ? (double)found / nsp : 0;
	f1 = precision + recall > 0 ?
	    2 * precision * recall / (precision + recall) : 0;
	printf("| %-26s |", label);
	for (s = 0; s < NSIZES; s++)
		printf(" %5.2f |", all[s] ? (double)hit[s] / all[s] : 0);
	printf(" %5ld | %6ld | %7.2f | %4.2f | %5.0f | %5.0f |\n",
	    alerts - matched, dd, dd ? 1000.0 * (alerts - matched) / dd : 0,
	    f1, nd ? delay[nd / 2] / 60 : 0, nd ? late[nd / 2] / 60 : 0);
}

/* ------------------------------------------------------------------ */

/* Dispatch on the first argument. */
int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "enterprise") == 0) {
		rng = strtoull(argv[2], NULL, 10);
		if ((truth = fopen(argv[4], "w")) == NULL)
			return 1;
		enterprise(atoi(argv[3]));
		enterprise_spikes(atoi(argv[3]), 40);
		return fclose(truth) != 0;
	}
	if (argc == 5 && strcmp(argv[1], "inject") == 0) {
		rng = strtoull(argv[2], NULL, 10);
		if ((truth = fopen(argv[4], "w")) == NULL)
			return 1;
		inject(argv[3]);
		return fclose(truth) != 0;
	}
	if (argc == 4 && strcmp(argv[1], "days") == 0) {
		printf("%ld\n", destination_days(argv[2], atoi(argv[3])));
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "score") == 0) {
		score(argv[2], argv[3], atol(argv[4]));
		return 0;
	}
	fprintf(stderr, "usage: gen enterprise SEED DAYS TRUTH\n"
	    "       gen inject SEED TAG TRUTH < LIST\n"
	    "       gen days LIST ATTEMPTS\n"
	    "       gen score LABEL TRUTH DAYS < ALERTS\n");
	return 2;
}
