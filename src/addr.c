/*
 * addr.c - one binary value for every spelling of an IP address.
 *
 * Sensors write the same address in many ways: Zeek and Suricata print
 * IPv6 in their own compression and case, a link-local address may carry
 * its interface as "%eth0", some tools bracket IPv6 as "[2001:db8::5]",
 * and a dual-stack socket reports an IPv4 peer as "::ffff:192.0.2.33".
 * Counting distinct sources on the text would count one host several
 * times, so every address is parsed once into struct ip_addr and compared,
 * hashed and printed from there.
 *
 * Parsing is inet_pton(3) after two text edits: a surrounding pair of
 * brackets is removed, and for IPv6 everything from '%' on (the zone) is
 * dropped; a zone names an interface of the sensor, not the host, and
 * Elasticsearch "ip" fields reject it.  An IPv4-mapped IPv6 address
 * (::ffff:0:0/96) becomes plain IPv4, on both sides of a connection, so
 * 192.0.2.33 and ::ffff:192.0.2.33 are one source.  Other IPv6 stays IPv6.
 *
 * The layout is one family byte (0, 4 or 6) and sixteen address bytes in
 * network order; IPv4 uses the first four and leaves the rest zero, so
 * equality and hashing can always look at all seventeen bytes.  Output is
 * inet_ntop(3), which writes the dotted quad and, for IPv6, the RFC 5952
 * form (lower case, longest zero run as "::", no leading zeros).  The hash
 * is XXH3-64 with seed 0 over those seventeen bytes: the same on every
 * machine and in every run, as a saved state file needs.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include <xxhash.h>

#include "addr.h"

/* Longest text accepted: an IPv6 address, brackets and a generous zone. */
#define ADDR_INPUT_MAX	128

/* The twelve bytes that start an IPv4-mapped IPv6 address. */
static const uint8_t	mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Copy len bytes of text into buf as a C string, without brackets or zone. */
static int
strip_decorations(const char *text, size_t len, char *buf, size_t size)
{
	const char	*percent;

	if (memchr(text, '\0', len) != NULL)
		return -1;
	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	percent = memchr(text, '%', len);
	if (percent != NULL) {
		/* A zone belongs to IPv6 only, and is never empty. */
		if (memchr(text, ':', percent - text) == NULL)
			return -1;
		if ((size_t)(percent - text) == len - 1)
			return -1;
		len = percent - text;
	}
	if (len == 0 || len >= size)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return 0;
}

/* Parse text into *out; see addr.h. */
int
addr_parse(const char *text, size_t len, struct ip_addr *out)
{
	char		 buf[ADDR_INPUT_MAX];
	struct in6_addr	 v6;
	struct in_addr	 v4;

	memset(out, 0, sizeof *out);
	if (len >= sizeof buf)
		return -1;
	if (strip_decorations(text, len, buf, sizeof buf) != 0)
		return -1;

	if (strchr(buf, ':') == NULL) {
		if (inet_pton(AF_INET, buf, &v4) != 1)
			return -1;
		out->family = 4;
		memcpy(out->bytes, &v4, 4);
		return 0;
	}

	if (inet_pton(AF_INET6, buf, &v6) != 1)
		return -1;
	if (memcmp(v6.s6_addr, mapped_prefix, sizeof mapped_prefix) == 0) {
		out->family = 4;
		memcpy(out->bytes, v6.s6_addr + 12, 4);
		return 0;
	}
	out->family = 6;
	memcpy(out->bytes, v6.s6_addr, 16);
	return 0;
}

/* Write the canonical text of addr, or "" for no address, into buf. */
void
addr_format(const struct ip_addr *addr, char *buf)
{
	buf[0] = '\0';
	switch (addr->family) {
	case 4:
		if (inet_ntop(AF_INET, addr->bytes, buf, ADDR_TEXT_MAX) == NULL)
			buf[0] = '\0';
		break;
	case 6:
		if (inet_ntop(AF_INET6, addr->bytes, buf,
		    ADDR_TEXT_MAX) == NULL)
			buf[0] = '\0';
		break;
	}
}

/* Compare family and all sixteen bytes (IPv4 keeps the tail zero). */
bool
addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

/* XXH3-64 of the family byte followed by the sixteen address bytes. */
uint64_t
addr_hash(const struct ip_addr *addr)
{
	uint8_t	key[1 + sizeof addr->bytes];

	key[0] = addr->family;
	memcpy(key + 1, addr->bytes, sizeof addr->bytes);
	return XXH3_64bits(key, sizeof key);
}

/* Zero every bit of addr after the first prefix bits. */
static void
mask_host_bits(struct ip_addr *addr, unsigned prefix)
{
	unsigned	i, full = prefix / 8, rest = prefix % 8;

	for (i = full; i < sizeof addr->bytes; i++) {
		if (i == full && rest != 0)
			addr->bytes[i] &= (uint8_t)(0xff << (8 - rest));
		else
			addr->bytes[i] = 0;
	}
}

/* Read a prefix length of one to three decimal digits. */
static int
parse_prefix(const char *text, unsigned *out)
{
	unsigned	value = 0;
	size_t		i;

	for (i = 0; text[i] != '\0'; i++) {
		if (text[i] < '0' || text[i] > '9' || i == 3)
			return -1;
		value = value * 10 + (unsigned)(text[i] - '0');
	}
	if (i == 0)
		return -1;
	*out = value;
	return 0;
}

/* Parse a network in CIDR notation; see addr.h. */
int
cidr_parse(const char *text, struct cidr *out, const char **cause)
{
	const char	*slash = strchr(text, '/');
	size_t		 len = slash != NULL ? (size_t)(slash - text) :
			     strlen(text);
	unsigned	 prefix, width;
	bool		 written_as_v6;

	memset(out, 0, sizeof *out);
	if (addr_parse(text, len, &out->network) != 0) {
		*cause = "not an IP address";
		return -1;
	}
	written_as_v6 = memchr(text, ':', len) != NULL;
	width = out->network.family == 4 ? 32 : 128;

	if (slash == NULL)
		prefix = written_as_v6 ? 128 : width;
	else if (parse_prefix(slash + 1, &prefix) != 0) {
		*cause = "prefix length is not a number";
		return -1;
	}

	/* "::ffff:10.0.0.0/104" is the IPv4 network 10.0.0.0/8. */
	if (written_as_v6 && out->network.family == 4) {
		if (prefix < 96 || prefix > 128) {
			*cause = "IPv4-mapped prefix must be 96 to 128 bits";
			return -1;
		}
		prefix -= 96;
	}
	if (prefix > width) {
		*cause = "prefix length too long for the address";
		return -1;
	}
	mask_host_bits(&out->network, prefix);
	out->prefix = prefix;
	return 0;
}

/* Compare the first prefix bits of the network and the address. */
bool
cidr_contains(const struct cidr *cidr, const struct ip_addr *addr)
{
	unsigned	full = cidr->prefix / 8, rest = cidr->prefix % 8;
	uint8_t		mask;

	if (addr->family == 0 || addr->family != cidr->network.family)
		return false;
	if (memcmp(cidr->network.bytes, addr->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (cidr->network.bytes[full] & mask) == (addr->bytes[full] & mask);
}
