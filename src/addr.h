/*
 * addr.h - IP addresses as the detector compares them.
 *
 * Every spelling of an address (IPv4, IPv6 in any compression, upper or
 * lower case, with a "%zone", in brackets, or IPv4-mapped "::ffff:a.b.c.d")
 * parses to one binary value.  IPv4-mapped IPv6 becomes plain IPv4, so
 * 192.0.2.33 and ::ffff:192.0.2.33 are one source.  Zones are dropped.
 */
#ifndef FANIN_ADDR_H
#define FANIN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_TEXT_MAX	46	/* INET6_ADDRSTRLEN */

struct ip_addr {
	uint8_t		 family;	/* 0 none, 4 or 6 */
	uint8_t		 bytes[16];	/* IPv4 in bytes[0..3], rest zero */
};

struct cidr {
	struct ip_addr	 network;
	unsigned	 prefix;	/* bits */
};

/*
 * Parse text of length len (not necessarily NUL terminated) into *out.
 * Accepts "[addr]", "addr%zone" and "::ffff:a.b.c.d".  Returns 0, or -1 if
 * the text is not an address (out is then zeroed).
 */
int		 addr_parse(const char *text, size_t len, struct ip_addr *out);

/* Write the canonical form (dotted quad, RFC 5952) into buf (ADDR_TEXT_MAX). */
void		 addr_format(const struct ip_addr *, char *buf);

/* True when both addresses are the same. */
bool		 addr_equal(const struct ip_addr *, const struct ip_addr *);

/* A 64-bit hash of the address, stable across runs and machines. */
uint64_t	 addr_hash(const struct ip_addr *);

/*
 * Parse "a.b.c.d/n", "v6/n" or a bare address (a host prefix).  Returns 0,
 * or -1 with a cause in *cause.
 */
int		 cidr_parse(const char *text, struct cidr *out,
		     const char **cause);

/* True when addr lies in the network. */
bool		 cidr_contains(const struct cidr *, const struct ip_addr *);

#endif
