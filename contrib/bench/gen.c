/*
 * gen.c - synthetic network logs for the fanin benchmark.
 *
 * One deterministic stream of connections is written in one of three
 * formats: Zeek TSV conn.log, Zeek JSON conn.log, or Suricata eve.json
 * with the noise a real sensor writes around its flow events (dns
 * queries and answers, http, tls, a few alerts, a stats record every
 * twenty thousand lines).  The same seed gives the same connections in
 * every format, so the three files describe one network.
 *
 * The network: 20,000 IPv4 workstations, 2,000 IPv4 servers, 3,000 IPv6
 * hosts, 300 RDP servers used by 500 administrators, four DNS servers,
 * and the Internet.  About 45% of connections are DNS, a third are web,
 * 4% are RDP (mostly established; some refused, unanswered or reset;
 * some over UDP; some over IPv6), the rest SMB, SSH and refused scans.
 * Time runs evenly over four days (so a learning day and a week of
 * buckets are exercised); each record's start is jittered by up to a
 * minute and one in a thousand is half an hour late, so the file is out
 * of order as a sensor's is.  Six times after the second day a server
 * receives RDP from forty workstations within ten minutes: the spikes
 * fanin should report.
 *
 * Usage: gen FORMAT CONNECTIONS [SEED] > file, FORMAT one of tsv, json,
 * eve.  Nothing is read; output goes through one large stdio buffer.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BASE_TIME	1767225600.0	/* 2026-01-01 00:00:00 UTC */
#define SPAN		(4 * 86400.0)
#define WORKSTATIONS	20000
#define SERVERS		2000
#define V6_HOSTS	3000
#define RDP_SERVERS	300
#define ADMINS		500
#define SPIKES		6
#define SPIKE_SOURCES	40

/* The three formats written. */
enum format {
	FORMAT_TSV,
	FORMAT_JSON,
	FORMAT_EVE
};

/* Kinds of connection, for the noise each brings in eve. */
enum kind {
	KIND_DNS,
	KIND_HTTP,
	KIND_TLS,
	KIND_SMB,
	KIND_SSH,
	KIND_SCAN,
	KIND_RDP
};

/* One connection, in the terms every format needs. */
struct conn {
	double		 start;
	double		 duration;
	char		 source[48];
	char		 destination[48];
	int		 source_port;
	int		 destination_port;
	const char	*proto;		/* "tcp", "udp" */
	const char	*service;	/* Zeek service, NULL for unset */
	const char	*state;		/* Zeek conn_state */
	uint64_t	 orig_pkts, resp_pkts, orig_bytes, resp_bytes;
	enum kind	 kind;
	char		 uid[20];
	uint64_t	 flow_id;
};

static uint64_t	rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t	eve_lines;

/* The next 64 bits of a xorshift64* generator. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A uniform integer below n. */
static unsigned
below(unsigned n)
{
	return (unsigned)((rng() >> 11) % n);
}

/* A uniform double in [0, 1). */
static double
uniform(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

/* Workstation i as text: 10.1.x.y. */
static void
workstation(char *buf, unsigned i)
{
	sprintf(buf, "10.1.%u.%u", i / 250, i % 250 + 1);
}

/* Server i as text: 10.2.x.y. */
static void
server(char *buf, unsigned i)
{
	sprintf(buf, "10.2.%u.%u", i / 250, i % 250 + 1);
}

/* IPv6 host i as text. */
static void
v6_host(char *buf, unsigned i)
{
	sprintf(buf, "2001:db8:1::%x", i + 16);
}

/* An address on the Internet, from a few /8s. */
static void
internet(char *buf)
{
	static const unsigned	firsts[] = { 23, 45, 52, 104, 151, 185 };

	sprintf(buf, "%u.%u.%u.%u", firsts[below(6)], below(256), below(256),
	    below(254) + 1);
}

/* A Zeek-style uid: C and seventeen base62 characters. */
static void
make_uid(char *buf)
{
	static const char	set[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz";
	int			i;

	buf[0] = 'C';
	for (i = 1; i < 18; i++)
		buf[i] = set[below(62)];
	buf[18] = '\0';
}

/* Fill counters for a connection that carried data both ways. */
static void
traffic(struct conn *c, unsigned scale)
{
	c->orig_pkts = 2 + below(scale);
	c->resp_pkts = 2 + below(scale);
	c->orig_bytes = c->orig_pkts * (40 + below(900));
	c->resp_bytes = c->resp_pkts * (40 + below(1400));
}

/* Make an RDP connection from an admin (or src if given) to dst. */
static void
make_rdp(struct conn *c, const char *src, const char *dst)
{
	unsigned	r = below(100);

	c->kind = KIND_RDP;
	c->destination_port = 3389;
	c->proto = below(20) == 0 ? "udp" : "tcp";
	if (src != NULL)
		strcpy(c->source, src);
	else if (below(10) == 0)
		v6_host(c->source, below(V6_HOSTS));
	else
		workstation(c->source, below(ADMINS) * 37 % WORKSTATIONS);
	if (dst != NULL)
		strcpy(c->destination, dst);
	else if (c->source[0] == '2')
		v6_host(c->destination, V6_HOSTS - 1 - below(30));
	else
		server(c->destination, below(RDP_SERVERS) * 7 % SERVERS);
	c->service = r < 50 ? "rdp" : r < 80 ? "ssl" : NULL;
	traffic(c, 400);
	c->duration = 1 + uniform() * 3600;
	c->state = "SF";
	if (src != NULL || r < 85)
		return;
	if (r >= 95) {
		c->state = "RSTO";	/* established, then reset */
		return;
	}
	/* Unanswered (S0) or refused (REJ): no data, no service. */
	c->state = r < 90 ? "S0" : "REJ";
	c->service = NULL;
	c->orig_pkts = 1 + below(3);
	c->resp_pkts = r < 90 ? 0 : 1;
	c->orig_bytes = c->resp_bytes = 0;
	c->duration = r < 90 ? 3 : 0.001;
}

/* Make one background connection (anything but RDP) of a random kind. */
static void
make_background(struct conn *c)
{
	unsigned	r = below(1000);

	if (below(12) == 0)
		v6_host(c->source, below(V6_HOSTS));
	else
		workstation(c->source, below(WORKSTATIONS));
	c->state = "SF";
	c->proto = "tcp";
	c->duration = uniform() * 30;
	traffic(c, 40);
	if (r < 470) {
		c->kind = KIND_DNS;
		c->proto = "udp";
		c->destination_port = 53;
		c->service = "dns";
		if (c->source[0] == '2')
			v6_host(c->destination, below(4));
		else
			sprintf(c->destination, "10.0.0.%u", 2 + below(4));
		c->orig_pkts = c->resp_pkts = 1;
		c->orig_bytes = 30 + below(40);
		c->resp_bytes = 60 + below(300);
		c->duration = uniform() * 0.05;
		if (below(30) == 0) {
			c->state = "S0";
			c->resp_pkts = c->resp_bytes = 0;
		}
	} else if (r < 820) {
		c->kind = r < 600 ? KIND_HTTP : KIND_TLS;
		c->destination_port = r < 600 ? 80 : 443;
		c->service = r < 600 ? "http" : "ssl";
		internet(c->destination);
		if (c->source[0] == '2')
			sprintf(c->destination, "2600:1f18:%x::%x", below(4096),
			    below(65536));
	} else if (r < 900) {
		c->kind = KIND_SMB;
		c->destination_port = 445;
		c->service = "smb,gssapi";
		server(c->destination, below(SERVERS));
	} else if (r < 940) {
		c->kind = KIND_SSH;
		c->destination_port = 22;
		c->service = "ssh";
		server(c->destination, below(SERVERS));
	} else {
		c->kind = KIND_SCAN;
		internet(c->source);
		server(c->destination, below(SERVERS));
		c->destination_port = 1 + below(10000);
		if (c->destination_port == 3389)
			c->destination_port = 3390;
		c->service = NULL;
		c->state = below(3) == 0 ? "OTH" : below(2) ? "REJ" : "S0";
		c->orig_pkts = 1;
		c->resp_pkts = c->state[0] == 'S' ? 0 : 1;
		c->orig_bytes = c->resp_bytes = 0;
		c->duration = 0;
	}
}

/* Format epoch seconds as eve's ISO 8601 time with microseconds. */
static void
iso_time(char *buf, double t)
{
	time_t		sec = (time_t)t;
	struct tm	tm;
	long		usec = (long)((t - (double)sec) * 1e6);

	gmtime_r(&sec, &tm);
	sprintf(buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+0000",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, usec);
}

/* Print Zeek's history string for a state, roughly as Zeek would. */
static const char *
history(const struct conn *c)
{
	if (strcmp(c->state, "S0") == 0)
		return "S";
	if (strcmp(c->state, "REJ") == 0)
		return "Sr";
	if (strcmp(c->state, "OTH") == 0)
		return "Cc";
	if (strcmp(c->state, "RSTO") == 0)
		return "ShADadR";
	return strcmp(c->proto, "udp") == 0 ? "Dd" : "ShADadFf";
}

/* Write the header block of a Zeek TSV conn.log. */
static void
tsv_header(void)
{
	printf("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
	    "#unset_field\t-\n#path\tconn\n#open\t2026-01-01-00-00-00\n");
	printf("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\t"
	    "id.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\t"
	    "conn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
	    "orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\t"
	    "tunnel_parents\n");
	printf("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\t"
	    "interval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\t"
	    "count\tcount\tcount\tcount\tset[string]\n");
}

/* Write one conn record as a Zeek TSV row. */
static void
write_tsv(const struct conn *c)
{
	printf("%.6f\t%s\t%s\t%d\t%s\t%d\t%s\t%s\t%.6f\t%" PRIu64 "\t%"
	    PRIu64 "\t%s\t%c\t%c\t0\t%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
	    "\t%" PRIu64 "\t-\n", c->start, c->uid, c->source,
	    c->source_port, c->destination, c->destination_port, c->proto,
	    c->service != NULL ? c->service : "-", c->duration, c->orig_bytes,
	    c->resp_bytes, c->state, c->source[0] == '1' ? 'T' : 'F',
	    c->destination[0] == '1' ? 'T' : 'F', history(c), c->orig_pkts,
	    c->orig_bytes + 40 * c->orig_pkts, c->resp_pkts,
	    c->resp_bytes + 40 * c->resp_pkts);
}

/* Write one conn record as a Zeek JSON object. */
static void
write_json(const struct conn *c)
{
	printf("{\"ts\":%.6f,\"uid\":\"%s\",\"id.orig_h\":\"%s\","
	    "\"id.orig_p\":%d,\"id.resp_h\":\"%s\",\"id.resp_p\":%d,"
	    "\"proto\":\"%s\",", c->start, c->uid, c->source, c->source_port,
	    c->destination, c->destination_port, c->proto);
	if (c->service != NULL)
		printf("\"service\":\"%s\",", c->service);
	printf("\"duration\":%.6f,\"orig_bytes\":%" PRIu64 ",\"resp_bytes\":%"
	    PRIu64 ",\"conn_state\":\"%s\",\"local_orig\":%s,"
	    "\"local_resp\":%s,\"missed_bytes\":0,\"history\":\"%s\","
	    "\"orig_pkts\":%" PRIu64 ",\"orig_ip_bytes\":%" PRIu64 ","
	    "\"resp_pkts\":%" PRIu64 ",\"resp_ip_bytes\":%" PRIu64 "}\n",
	    c->duration, c->orig_bytes, c->resp_bytes, c->state,
	    c->source[0] == '1' ? "true" : "false",
	    c->destination[0] == '1' ? "true" : "false", history(c),
	    c->orig_pkts, c->orig_bytes + 40 * c->orig_pkts, c->resp_pkts,
	    c->resp_bytes + 40 * c->resp_pkts);
}

/* Start an eve line: timestamp, flow_id, interface, event_type, tuple. */
static void
eve_head(const struct conn *c, double t, const char *type)
{
	char	stamp[40];

	iso_time(stamp, t);
	printf("{\"timestamp\":\"%s\",\"flow_id\":%" PRIu64 ",\"in_iface\":"
	    "\"eth0\",\"event_type\":\"%s\",\"src_ip\":\"%s\",\"src_port\":%d,"
	    "\"dest_ip\":\"%s\",\"dest_port\":%d,\"proto\":\"%s\"", stamp,
	    c->flow_id, type, c->source, c->source_port, c->destination,
	    c->destination_port, strcmp(c->proto, "udp") == 0 ? "UDP" : "TCP");
	eve_lines++;
}

/* The server-to-client TCP flags Suricata would log for a state. */
static const char *
flags_to_client(const struct conn *c)
{
	if (strcmp(c->state, "S0") == 0)
		return NULL;
	if (strcmp(c->state, "REJ") == 0 || strcmp(c->state, "OTH") == 0)
		return "14";
	if (strcmp(c->state, "RSTO") == 0)
		return "16";
	return "1b";
}

/* Write the flow event of a connection. */
static void
eve_flow(const struct conn *c)
{
	static const char	*protos[] = {
		"dns", "http", "tls", "smb", "ssh", "failed", "rdp"
	};
	char			 start[40], end[40];
	const char		*tc = flags_to_client(c);
	double			 stop = c->start + c->duration;

	iso_time(start, c->start);
	iso_time(end, stop);
	eve_head(c, stop + 30 + uniform() * 60, "flow");
	if (c->resp_pkts > 0 && !(c->kind == KIND_RDP && c->service == NULL))
		printf(",\"app_proto\":\"%s\"", protos[c->kind]);
	printf(",\"flow\":{\"pkts_toserver\":%" PRIu64 ",\"pkts_toclient\":%"
	    PRIu64 ",\"bytes_toserver\":%" PRIu64 ",\"bytes_toclient\":%"
	    PRIu64 ",\"start\":\"%s\",\"end\":\"%s\",\"age\":%d,\"state\":"
	    "\"%s\",\"reason\":\"timeout\",\"alerted\":false},"
	    "\"community_id\":\"1:%08" PRIx64 "%08" PRIx64 "=\"",
	    c->orig_pkts, c->resp_pkts, c->orig_bytes + 40 * c->orig_pkts,
	    c->resp_bytes + 40 * c->resp_pkts, start, end, (int)c->duration,
	    c->resp_pkts > 0 ? "closed" : "new", rng() & 0xffffffff,
	    rng() & 0xffffffff);
	if (strcmp(c->proto, "tcp") == 0) {
		printf(",\"tcp\":{\"tcp_flags\":\"1b\",\"tcp_flags_ts\":\"1b\"");
		if (tc != NULL)
			printf(",\"tcp_flags_tc\":\"%s\"", tc);
		printf(",\"syn\":true,\"fin\":true,\"psh\":true,\"ack\":true,"
		    "\"state\":\"closed\"}");
	}
	printf("}\n");
}

/* Write the application events Suricata logs before a flow ends. */
static void
eve_noise(const struct conn *c)
{
	switch (c->kind) {
	case KIND_DNS:
		eve_head(c, c->start, "dns");
		printf(",\"dns\":{\"type\":\"query\",\"id\":%u,\"rrname\":"
		    "\"host%u.corp.example.com\",\"rrtype\":\"A\",\"tx_id\":0,"
		    "\"opcode\":0}}\n", below(65536), below(50000));
		if (c->resp_pkts == 0)
			break;
		eve_head(c, c->start + 0.002, "dns");
		printf(",\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":%u,"
		    "\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,"
		    "\"opcode\":0,\"rrname\":\"host%u.corp.example.com\","
		    "\"rrtype\":\"A\",\"rcode\":\"NOERROR\",\"answers\":[{"
		    "\"rrname\":\"host%u.corp.example.com\",\"rrtype\":\"A\","
		    "\"ttl\":300,\"rdata\":\"10.2.%u.%u\"}]}}\n", below(65536),
		    below(50000), below(50000), below(8), below(250));
		break;
	case KIND_HTTP:
		eve_head(c, c->start + 0.05, "http");
		printf(",\"tx_id\":0,\"http\":{\"hostname\":\"www%u.example.org\","
		    "\"url\":\"/static/%u/app.js\",\"http_user_agent\":"
		    "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/"
		    "537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\","
		    "\"http_content_type\":\"application/javascript\","
		    "\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\","
		    "\"status\":200,\"length\":%u}}\n", below(900), below(99999),
		    below(200000));
		break;
	case KIND_TLS:
		eve_head(c, c->start + 0.03, "tls");
		printf(",\"tls\":{\"subject\":\"CN=api%u.example.net\","
		    "\"issuerdn\":\"C=US, O=Let's Encrypt, CN=R3\","
		    "\"serial\":\"04:%02X:%02X:%02X\",\"fingerprint\":"
		    "\"%016" PRIx64 "\",\"sni\":\"api%u.example.net\","
		    "\"version\":\"TLS 1.3\",\"notbefore\":\"2025-12-01T00:00:00\","
		    "\"notafter\":\"2026-03-01T00:00:00\",\"ja3\":{\"hash\":"
		    "\"%016" PRIx64 "\"}}}\n", below(500), below(256),
		    below(256), below(256), rng(), below(500), rng());
		break;
	default:
		break;
	}
	if (below(300) == 0) {
		eve_head(c, c->start + 0.1, "alert");
		printf(",\"tx_id\":0,\"alert\":{\"action\":\"allowed\","
		    "\"gid\":1,\"signature_id\":%u,\"rev\":3,\"signature\":"
		    "\"ET POLICY Possible suspicious outbound connection %u\","
		    "\"category\":\"Potentially Bad Traffic\",\"severity\":2,"
		    "\"metadata\":{\"created_at\":[\"2019_01_01\"],"
		    "\"updated_at\":[\"2024_06_01\"]}},\"direction\":"
		    "\"to_server\",\"flow\":{\"pkts_toserver\":3,"
		    "\"pkts_toclient\":2,\"bytes_toserver\":400,"
		    "\"bytes_toclient\":300,\"start\":\"x\"}}\n",
		    2010000 + below(30000), below(1000));
	}
}

/* Write a stats record, the longest kind of eve line. */
static void
eve_stats(double t)
{
	char	stamp[40];
	int	i;

	iso_time(stamp, t);
	printf("{\"timestamp\":\"%s\",\"event_type\":\"stats\",\"stats\":{"
	    "\"uptime\":%d,\"capture\":{\"kernel_packets\":%" PRIu64 ","
	    "\"kernel_drops\":%u}", stamp, (int)(t - BASE_TIME), rng() >> 30,
	    below(1000));
	for (i = 0; i < 40; i++)
		printf(",\"counter_%d\":{\"pkts\":%" PRIu64 ",\"bytes\":%" PRIu64
		    ",\"memuse\":%u}", i, rng() >> 40, rng() >> 30,
		    below(1 << 20));
	printf("}}\n");
	eve_lines++;
}

/* Write one connection in the chosen format. */
static void
emit(enum format format, struct conn *c)
{
	make_uid(c->uid);
	c->flow_id = rng() >> 13;
	c->source_port = 1024 + below(64000);
	switch (format) {
	case FORMAT_TSV:
		write_tsv(c);
		break;
	case FORMAT_JSON:
		write_json(c);
		break;
	case FORMAT_EVE:
		eve_noise(c);
		eve_flow(c);
		if (eve_lines % 20000 < 3)
			eve_stats(c->start);
		break;
	}
}

/* Write the forty connections of one spike on server dst near time t. */
static void
emit_spike(enum format format, unsigned spike, double t)
{
	struct conn	c;
	char		dst[48], src[48];
	unsigned	i;

	server(dst, 1500 + spike);
	for (i = 0; i < SPIKE_SOURCES; i++) {
		memset(&c, 0, sizeof c);
		workstation(src, 5000 + spike * 100 + i);
		make_rdp(&c, src, dst);
		c.proto = "tcp";
		c.start = t + i * 14.5 + uniform();
		emit(format, &c);
	}
}

/* Parse the arguments and write the stream. */
int
main(int argc, char **argv)
{
	static char	outbuf[1 << 20];
	enum format	format;
	unsigned long	n, i;
	unsigned	next_spike = 0;
	double		spike_at[SPIKES];
	struct conn	c;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: gen tsv|json|eve CONNECTIONS [SEED]\n");
		return 2;
	}
	if (strcmp(argv[1], "tsv") == 0)
		format = FORMAT_TSV;
	else if (strcmp(argv[1], "json") == 0)
		format = FORMAT_JSON;
	else if (strcmp(argv[1], "eve") == 0)
		format = FORMAT_EVE;
	else {
		fprintf(stderr, "gen: unknown format %s\n", argv[1]);
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	if (argc == 4)
		rng_state ^= strtoull(argv[3], NULL, 10) * 0x9e3779b97f4a7c15ULL;
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	for (i = 0; i < SPIKES; i++)
		spike_at[i] = BASE_TIME + 2 * 86400 + i * 7 * 3600 + 1800;

	if (format == FORMAT_TSV)
		tsv_header();
	for (i = 0; i < n; i++) {
		memset(&c, 0, sizeof c);
		c.start = BASE_TIME + SPAN * (double)i / (double)n;
		if (next_spike < SPIKES && c.start >= spike_at[next_spike]) {
			emit_spike(format, next_spike, spike_at[next_spike]);
			next_spike++;
		}
		if (below(25) == 0)
			make_rdp(&c, NULL, NULL);
		else
			make_background(&c);
		c.start += (uniform() - 0.5) * 120;
		if (below(1000) == 0)
			c.start -= 1800;
		emit(format, &c);
	}
	if (format == FORMAT_TSV)
		printf("#close\t2026-01-05-00-00-00\n");
	return 0;
}
