/*
 * options.c - the command line and the config file.
 *
 * Parsing happens in two passes over one table of setters.  The first pass
 * only looks for -c/--config and loads that file through libinih, feeding
 * each "key = value" to the same setter the long option of that name
 * uses.  The second pass is getopt_long over argv, so the command line
 * replaces what the file said.  List options (the exclusions) add to what
 * the file listed, so a temporary exclusion given on the command line
 * never drops the standing ones; --ports, a single value, replaces.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>

#include "options.h"
#include "util.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/* Long-only options get values past the range of characters. */
enum {
	OPT_BUCKET_SPAN = 256,
	OPT_THRESHOLD,
	OPT_MIN_SOURCES,
	OPT_EXCLUDE_SOURCE,
	OPT_EXCLUDE_DESTINATION,
	OPT_PORTS,
	OPT_COUNT_ATTEMPTS,
	OPT_EVENTS,
	OPT_REPORT,
	OPT_STATS,
	OPT_LATENESS,
	OPT_MAX_AHEAD,
	OPT_LEARNING,
	OPT_MAX_LINE,
	OPT_MAX_JSON_DEPTH,
	OPT_MAX_DESTINATIONS,
	OPT_HELP,
	OPT_VERSION
};

static const struct option long_options[] = {
	{ "output",		 required_argument, NULL, 'o' },
	{ "follow",		 no_argument,	    NULL, 'f' },
	{ "state",		 required_argument, NULL, 's' },
	{ "config",		 required_argument, NULL, 'c' },
	{ "bucket-span",	 required_argument, NULL, OPT_BUCKET_SPAN },
	{ "threshold",		 required_argument, NULL, OPT_THRESHOLD },
	{ "min-sources",	 required_argument, NULL, OPT_MIN_SOURCES },
	{ "exclude-source",	 required_argument, NULL, OPT_EXCLUDE_SOURCE },
	{ "exclude-destination", required_argument, NULL,
	    OPT_EXCLUDE_DESTINATION },
	{ "ports",		 required_argument, NULL, OPT_PORTS },
	{ "count-attempts",	 no_argument,	    NULL, OPT_COUNT_ATTEMPTS },
	{ "events",		 required_argument, NULL, OPT_EVENTS },
	{ "report",		 required_argument, NULL, OPT_REPORT },
	{ "stats",		 no_argument,	    NULL, OPT_STATS },
	{ "lateness",		 required_argument, NULL, OPT_LATENESS },
	{ "max-ahead",		 required_argument, NULL, OPT_MAX_AHEAD },
	{ "learning",		 required_argument, NULL, OPT_LEARNING },
	{ "max-line",		 required_argument, NULL, OPT_MAX_LINE },
	{ "max-json-depth",	 required_argument, NULL, OPT_MAX_JSON_DEPTH },
	{ "max-destinations",	 required_argument, NULL,
	    OPT_MAX_DESTINATIONS },
	{ "help",		 no_argument,	    NULL, OPT_HELP },
	{ "version",		 no_argument,	    NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static const char usage_text[] =
"Usage: fanin [OPTION]... [PATH]...\n"
"Find destinations that suddenly receive RDP from many more distinct\n"
"sources than usual, in Zeek and Suricata logs, and write ECS alerts.\n"
"PATH is a file, a directory (searched recursively) or '-' for stdin;\n"
"plain, gzip or zstd, recognised by content.\n"
"\n"
"  -o, --output=PATH          append alerts here (default: stdout)\n"
"  -f, --follow               keep reading as files grow and rotate\n"
"  -s, --state=PATH           checkpoint offsets and model; resume from it\n"
"  -c, --config=PATH          read options from this file (keys are the\n"
"                             long option names; the command line wins)\n"
"      --bucket-span=DUR      bucket length: 15m, 1h, 6h... (default 6h)\n"
"      --threshold=SCORE      alert at this score or above, 0-100\n"
"                             (default 70); 0 alerts on every bucket with\n"
"                             enough sources (see below), with no learning\n"
"      --min-sources=N        never alert below N sources (default 5)\n"
"      --exclude-source=CIDR  ignore these sources (repeatable)\n"
"      --exclude-destination=CIDR\n"
"                             ignore these destinations (repeatable)\n"
"      --ports=LIST           responder ports meaning RDP (default 3389)\n"
"      --count-attempts       count refused and unanswered attempts too\n"
"      --events=PATH          append every flow event as ECS, with\n"
"                             fanin.counted\n"
"      --report=PATH          write an HTML page picturing each alert\n"
"      --stats                print key=value figures on stderr at exit\n"
"      --lateness=DUR         how late a record may come (default 1h)\n"
"      --learning=DUR         first learning without state (default 24h)\n"
"      --max-ahead=DUR        records stamped further ahead of this\n"
"                             machine's clock are rejected (default 1d;\n"
"                             0 for no limit)\n"
"      --max-line=BYTES       longer lines are skipped (default 1048576)\n"
"      --max-json-depth=N     deeper JSON is rejected (default 64)\n"
"      --max-destinations=N   memory cap: destinations tracked at once;\n"
"                             past it the idlest is dropped (default\n"
"                             500000, about 300 MB; 0 for no cap)\n"
"      --help                 show this help and exit\n"
"      --version              show the version and exit\n"
"\n"
"Exit status: 0 done (rejected records are counted, not errors);\n"
"1 a file could not be read, a compressed stream was cut, or an output\n"
"failed; 2 usage.\n";

/* Fill in every default. */
static void
set_defaults(struct options *o)
{
	memset(o, 0, sizeof *o);
	o->output = xstrdup("-");
	o->bucket_span = 6 * 3600;
	o->threshold = 70;
	o->min_sources = 5;
	o->ports[0] = 3389;
	o->nports = 1;
	o->lateness = 3600;
	o->learning = 24 * 3600;
	o->max_ahead = 86400;
	o->max_line = 1024 * 1024;
	o->max_json_depth = 64;
	o->max_destinations = 500000;
}

/* Parse a duration: a number with an optional s, m, h or d suffix. */
int
options_parse_duration(const char *text, unsigned *out)
{
	char		*end;
	unsigned long	 n, unit = 1;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	n = strtoul(text, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (n == 0 || n > UINT_MAX / unit)
		return -1;
	*out = (unsigned)(n * unit);
	return 0;
}

/* Parse an unsigned number within [min, max]. */
static int
parse_number(const char *text, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char		*end;
	unsigned long	 n;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	n = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* Parse a comma separated list of ports into the options. */
static int
parse_ports(struct options *o, const char *text)
{
	const char	*p = text;
	char		 item[16];
	unsigned long	 port;
	size_t		 len;

	o->nports = 0;
	while (*p != '\0') {
		len = strcspn(p, ",");
		if (len == 0 || len >= sizeof item ||
		    o->nports == OPTIONS_MAX_PORTS)
			return -1;
		memcpy(item, p, len);
		item[len] = '\0';
		if (parse_number(item, 1, 65535, &port) != 0)
			return -1;
		o->ports[o->nports++] = (int)port;
		p += len;
		if (*p == ',')
			p++;
	}
	return o->nports > 0 ? 0 : -1;
}

/* Append one CIDR to a list. */
static int
add_cidr(struct cidr_list *list, const char *text, const char **cause)
{
	struct cidr	c;
	struct ip_addr	given;
	char		net[ADDR_TEXT_MAX];

	if (cidr_parse(text, &c, cause) != 0)
		return -1;
	memset(&given, 0, sizeof given);
	/* 10.0.0.15/0 is every address: say what a typo stands for. */
	if (addr_parse(text, strcspn(text, "/"), &given) == 0 &&
	    memcmp(given.bytes, c.network.bytes, sizeof given.bytes) != 0) {
		addr_format(&c.network, net);
		log_warn("%s has host bits set; it stands for %s/%u%s", text,
		    net, c.prefix, c.prefix == 0 ? ", every address" : "");
	}
	list->items = xrealloc(list->items,
	    (list->count + 1) * sizeof *list->items);
	list->items[list->count++] = c;
	return 0;
}

/* Replace a string option. */
static void
set_string(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

/* True when the text means yes, for flags in the config file. */
static int
parse_bool(const char *value, bool *out)
{
	if (strcmp(value, "") == 0 || strcasecmp(value, "yes") == 0 ||
	    strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
	    strcasecmp(value, "on") == 0)
		*out = true;
	else if (strcasecmp(value, "no") == 0 ||
	    strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
	    strcasecmp(value, "off") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

/*
 * Apply one option by its getopt value.  value is NULL for flags given on
 * the command line.  Returns 0, or -1 with a message in err.
 */
static int
apply(struct options *o, int id, const char *name, const char *value,
    char *err, size_t errlen)
{
	unsigned long	 n;
	unsigned	 d;
	bool		 flag = true;
	const char	*cause = "bad value";
	char		*end;
	double		 t;

	if (value != NULL && value[0] == '\0' && (id == 'o' || id == 's' ||
	    id == 'c' || id == OPT_EVENTS || id == OPT_REPORT)) {
		snprintf(err, errlen, "option '%s' needs a path", name);
		return -1;
	}
	switch (id) {
	case 'o':
		set_string(&o->output, value);
		return 0;
	case 's':
		set_string(&o->state, value);
		return 0;
	case 'c':
		set_string(&o->config, value);
		return 0;
	case 'f':
	case OPT_COUNT_ATTEMPTS:
	case OPT_STATS:
		if (value != NULL && parse_bool(value, &flag) != 0)
			break;
		if (id == 'f')
			o->follow = flag;
		else if (id == OPT_STATS)
			o->stats = flag;
		else
			o->count_attempts = flag;
		return 0;
	case OPT_BUCKET_SPAN:
		if (options_parse_duration(value, &d) != 0 || d < 60 ||
		    d > 7 * 86400) {
			cause = "want a duration from 1m to 7d, e.g. 6h";
			break;
		}
		o->bucket_span = d;
		return 0;
	case OPT_LATENESS:
	case OPT_LEARNING:
	case OPT_MAX_AHEAD:
		if (strcmp(value, "0") == 0)
			d = 0;
		else if (options_parse_duration(value, &d) != 0) {
			cause = "want a duration such as 15m or 24h";
			break;
		}
		if (id == OPT_LATENESS)
			o->lateness = d;
		else if (id == OPT_MAX_AHEAD)
			o->max_ahead = d;
		else
			o->learning = d;
		return 0;
	case OPT_THRESHOLD:
		errno = 0;
		t = strtod(value, &end);
		if (errno != 0 || end == value || *end != '\0' || !(t >= 0) ||
		    t > 100) {
			cause = "want a score from 0 to 100";
			break;
		}
		o->threshold = t;
		return 0;
	case OPT_MIN_SOURCES:
		if (parse_number(value, 1, 1000000, &n) != 0) {
			cause = "want a number from 1 to 1000000";
			break;
		}
		o->min_sources = (unsigned)n;
		return 0;
	case OPT_MAX_LINE:
		if (parse_number(value, 256, 1UL << 30, &n) != 0) {
			cause = "want bytes from 256 to 1073741824";
			break;
		}
		o->max_line = n;
		return 0;
	case OPT_MAX_JSON_DEPTH:
		if (parse_number(value, 2, 2048, &n) != 0) {
			cause = "want a depth from 2 to 2048";
			break;
		}
		o->max_json_depth = (unsigned)n;
		return 0;
	case OPT_MAX_DESTINATIONS:
		if (parse_number(value, 0, 1UL << 32, &n) != 0 ||
		    (n > 0 && n < 100)) {
			cause = "want 0 (no cap) or 100 to 4294967296";
			break;
		}
		o->max_destinations = n;
		return 0;
	case OPT_PORTS:
		if (parse_ports(o, value) != 0) {
			cause = "want ports 1-65535 separated by commas";
			break;
		}
		return 0;
	case OPT_EXCLUDE_SOURCE:
		if (add_cidr(&o->exclude_source, value, &cause) != 0)
			break;
		return 0;
	case OPT_EXCLUDE_DESTINATION:
		if (add_cidr(&o->exclude_destination, value, &cause) != 0)
			break;
		return 0;
	case OPT_EVENTS:
		set_string(&o->events, value);
		return 0;
	case OPT_REPORT:
		set_string(&o->report, value);
		return 0;
	default:
		snprintf(err, errlen, "unknown option '%s'", name);
		return -1;
	}
	snprintf(err, errlen, "--%s=%s: %s", name, value ? value : "", cause);
	return -1;
}

/* State handed to the libinih callback. */
struct config_load {
	struct options	*opts;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

/* Apply one "key = value" of the config file (libinih callback). */
static int
config_entry(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_load	*load = user;
	const struct option	*lo;
	char			 err[256];

	if (load->failed)
		return 0;
	if (section != NULL && section[0] != '\0') {
		snprintf(load->err, load->errlen, "%s: section [%s]: the "
		    "file has no sections, put '%s' above it",
		    load->opts->config, section, name);
		load->failed = 1;
		return 0;
	}
	for (lo = long_options; lo->name != NULL; lo++) {
		if (strcmp(lo->name, name) != 0)
			continue;
		if (lo->val == 'c' || lo->val == OPT_HELP ||
		    lo->val == OPT_VERSION)
			break;
		if (apply(load->opts, lo->val, name, value, err,
		    sizeof err) != 0) {
			snprintf(load->err, load->errlen, "%s: %s",
			    load->opts->config, err);
			load->failed = 1;
			return 0;
		}
		return 1;
	}
	snprintf(load->err, load->errlen, "%s: unknown key '%s'",
	    load->opts->config, name);
	load->failed = 1;
	return 0;
}

/* Find -c/--config on the command line without consuming anything. */
static const char *
find_config(int argc, char **argv)
{
	const char	*found = NULL;
	int		 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--config") == 0) && i + 1 < argc)
			found = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			found = argv[i] + 9;
		else if (strncmp(argv[i], "-c", 2) == 0 && argv[i][2] != '\0')
			found = argv[i] + 2;
	}
	return found;
}

/* Load the config file named on the command line, if any. */
static int
load_config(struct options *o, const char *path, char *err, size_t errlen)
{
	struct config_load	load = { o, err, errlen, 0 };
	struct stat		st;
	int			rc;

	set_string(&o->config, path);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: the config file is not a regular "
		    "file", path);
		return -1;
	}
	rc = ini_parse(path, config_entry, &load);
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot read config file: %s", path,
		    strerror(errno));
		return -1;
	}
	if (load.failed)
		return -1;
	if (rc > 0) {
		snprintf(err, errlen, "%s: line %d: not 'key = value'", path,
		    rc);
		return -1;
	}
	return 0;
}

/*
 * True when two paths, at least one of them not there yet, name the same
 * place: the same directory (by device and inode) and the same last
 * component ("x.json", "./x.json" and "/abs/x.json").
 */
static bool
same_place(const char *a, const char *b)
{
	const char	*na = strrchr(a, '/'), *nb = strrchr(b, '/');
	struct stat	 da, db;
	char		*dir;
	int		 ra, rb;

	na = na != NULL ? na + 1 : a;
	nb = nb != NULL ? nb + 1 : b;
	if (strcmp(na, nb) != 0 || *na == '\0')
		return false;
	dir = xstrdup(a);
	dir[na - a] = '\0';
	ra = stat(*dir != '\0' ? dir : ".", &da);
	free(dir);
	dir = xstrdup(b);
	dir[nb - b] = '\0';
	rb = stat(*dir != '\0' ? dir : ".", &db);
	free(dir);
	return ra == 0 && rb == 0 && da.st_dev == db.st_dev &&
	    da.st_ino == db.st_ino;
}

/* True when two paths name one existing file (or are the same text). */
static bool
same_file(const char *a, const char *b)
{
	struct stat	sa, sb;

	if (strcmp(a, b) == 0)
		return true;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return same_place(a, b);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
	    S_ISREG(sa.st_mode);
}

/* See options.h. */
const char *const options_written_names[OPTIONS_WRITTEN] = {
	"--output", "--events", "--state", "--report"
};

/* See options.h. */
void
options_written(const struct options *o, const char *path[OPTIONS_WRITTEN])
{
	path[0] = o->output;
	path[1] = o->events;
	path[2] = o->state;
	path[3] = o->report;
}

/*
 * Check that the files fanin writes (alerts, events, state, report) are
 * four different files and that none of them is an input named on the
 * command line: either would destroy what was there.
 */
static int
check_written(const struct options *o, char *err, size_t errlen)
{
	const char *const	*name = options_written_names;
	const char		*path[OPTIONS_WRITTEN];
	struct stat		 st;
	size_t			 i, j, k;

	options_written(o, path);
	for (i = 0; i < OPTIONS_WRITTEN; i++) {
		if (path[i] == NULL || strcmp(path[i], "-") == 0 ||
		    (stat(path[i], &st) == 0 && !S_ISREG(st.st_mode)))
			continue;
		for (j = i + 1; j < OPTIONS_WRITTEN; j++) {
			if (path[j] == NULL || !same_file(path[i], path[j]))
				continue;
			snprintf(err, errlen, "%s and %s name the same file "
			    "'%s'", name[i], name[j], path[j]);
			return -1;
		}
		for (k = 0; k < o->npaths; k++) {
			if (strcmp(o->paths[k], "-") == 0 ||
			    !same_file(path[i], o->paths[k]))
				continue;
			snprintf(err, errlen, "%s names the input '%s'; fanin "
			    "would write over what it reads", name[i],
			    o->paths[k]);
			return -1;
		}
	}
	return 0;
}

/* Check what no single option can check alone. */
static int
check_combination(struct options *o, char *err, size_t errlen)
{
	size_t	i, dashes;

	for (i = 0; o->follow && i < o->npaths; i++) {
		if (strcmp(o->paths[i], "-") == 0) {
			snprintf(err, errlen, "'-' (stdin) cannot be "
			    "followed: without --follow fanin reads stdin "
			    "until it closes (tail -F FILE | fanin -), or "
			    "give --follow the file");
			return -1;
		}
	}
	if ((o->state != NULL && strcmp(o->state, "-") == 0) ||
	    (o->report != NULL && strcmp(o->report, "-") == 0)) {
		snprintf(err, errlen, "--state and --report take a file path, "
		    "not '-'");
		return -1;
	}
	for (i = 0, dashes = 0; i < o->npaths; i++)
		dashes += strcmp(o->paths[i], "-") == 0;
	if (dashes > 1) {
		snprintf(err, errlen, "'-' (stdin) given %zu times; it can be "
		    "read once", dashes);
		return -1;
	}
	if (check_written(o, err, errlen) != 0)
		return -1;
	if (o->events != NULL && strcmp(o->events, "-") == 0 &&
	    strcmp(o->output, "-") == 0) {
		snprintf(err, errlen, "--output and --events cannot both be "
		    "stdout: give -o PATH");
		return -1;
	}
	return 0;
}

/* True when arg is "--NAME=..." for a long option that takes no value. */
static bool
takes_no_value(const char *arg)
{
	size_t	len;
	int	i;

	if (strncmp(arg, "--", 2) != 0 || strchr(arg, '=') == NULL)
		return false;
	len = strcspn(arg + 2, "=");
	for (i = 0; long_options[i].name != NULL; i++)
		if (long_options[i].has_arg == no_argument &&
		    strlen(long_options[i].name) == len &&
		    strncmp(long_options[i].name, arg + 2, len) == 0)
			return true;
	return false;
}

/* Parse the command line (and the config file it names) into *o. */
int
options_parse(struct options *o, int argc, char **argv, char *err,
    size_t errlen)
{
	const char	*config;
	int		 c, i;
	char		 name[64];

	set_defaults(o);
	config = find_config(argc, argv);
	if (config != NULL && load_config(o, config, err, errlen) != 0)
		return -1;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:fs:c:", long_options,
	    NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_text, stdout);
			return 1;
		}
		if (c == OPT_VERSION) {
			printf("fanin %s\n", PACKAGE_VERSION);
			return 1;
		}
		if (c == '?' || c == ':') {
			if (c == '?' && takes_no_value(argv[optind - 1])) {
				snprintf(err, errlen, "option '%.*s' takes no "
				    "value", (int)strcspn(argv[optind - 1],
				    "="), argv[optind - 1]);
				return -1;
			}
			snprintf(err, errlen, "%s option '%s'",
			    c == '?' ? "unknown" : "missing value for",
			    argv[optind - 1]);
			return -1;
		}
		snprintf(name, sizeof name, "%s", argv[optind - 1]);
		for (i = 0; long_options[i].name != NULL; i++)
			if (long_options[i].val == c)
				snprintf(name, sizeof name, "%s",
				    long_options[i].name);
		if (apply(o, c, name, optarg, err, errlen) != 0)
			return -1;
	}
	o->npaths = (size_t)(argc - optind);
	o->paths = xcalloc(o->npaths + 1, sizeof *o->paths);
	for (i = 0; optind + i < argc; i++)
		o->paths[i] = xstrdup(argv[optind + i]);
	if (o->npaths == 0) {
		snprintf(err, errlen, "no input: give a file, a directory "
		    "or '-' for stdin (see --help)");
		return -1;
	}
	return check_combination(o, err, errlen);
}

/* Free everything options_parse() allocated. */
void
options_free(struct options *o)
{
	size_t	i;

	for (i = 0; i < o->npaths; i++)
		free(o->paths[i]);
	free(o->paths);
	free(o->output);
	free(o->state);
	free(o->config);
	free(o->events);
	free(o->report);
	free(o->exclude_source.items);
	free(o->exclude_destination.items);
	memset(o, 0, sizeof *o);
}
