/*
 * filter.c - the RDP rule, the established rule, and the exclusions.
 *
 * The tests are cheap and ordered so that the common case (a connection
 * that is not RDP at all) leaves after one or two comparisons.
 */
#define _GNU_SOURCE
#include <string.h>

#include "filter.h"

/* Point the filter at the options it applies. */
void
filter_init(struct filter *f, const struct options *opts)
{
	f->ports = opts->ports;
	f->nports = opts->nports;
	f->count_attempts = opts->count_attempts;
	f->exclude_source = &opts->exclude_source;
	f->exclude_destination = &opts->exclude_destination;
}

/* True when port is one of the ports that mean RDP. */
static bool
is_rdp_port(const struct filter *f, int port)
{
	size_t	i;

	if (port == FLOW_NO_PORT)
		return false;
	for (i = 0; i < f->nports; i++)
		if (f->ports[i] == port)
			return true;
	return false;
}

/* True when the service text names rdp ("rdp", "ssl,rdp", "rdpeudp"). */
static bool
service_is_rdp(const char *service)
{
	return strcasestr(service, "rdp") != NULL;
}

/* True when the address lies in any network of the list. */
static bool
listed(const struct cidr_list *list, const struct ip_addr *addr)
{
	size_t	i;

	for (i = 0; i < list->count; i++)
		if (cidr_contains(&list->items[i], addr))
			return true;
	return false;
}

/* True when the event is an RDP connection, whatever its state. */
bool
filter_is_rdp(const struct filter *f, const struct flow_event *ev)
{
	if (ev->dataset == FLOW_ZEEK_RDP || ev->dataset == FLOW_EVE_RDP)
		return true;
	if (strcmp(ev->transport, "tcp") != 0 &&
	    strcmp(ev->transport, "udp") != 0)
		return false;
	if (is_rdp_port(f, ev->destination_port))
		return true;
	return ev->service[0] != '\0' && service_is_rdp(ev->service);
}

/* Swap source and destination of a record logged server to client. */
static void
orient(const struct filter *f, struct flow_event *ev)
{
	struct ip_addr	addr;
	int		port;

	if (ev->dataset != FLOW_ZEEK_RDP && ev->dataset != FLOW_EVE_RDP)
		return;
	if (!is_rdp_port(f, ev->source_port) ||
	    is_rdp_port(f, ev->destination_port))
		return;
	addr = ev->source;
	ev->source = ev->destination;
	ev->destination = addr;
	port = ev->source_port;
	ev->source_port = ev->destination_port;
	ev->destination_port = port;
}

/* Decide whether the event counts, turning an RDP record around first. */
enum filter_verdict
filter_check(const struct filter *f, struct flow_event *ev)
{
	if (!filter_is_rdp(f, ev))
		return FILTER_NOT_RDP;
	orient(f, ev);
	if (ev->setup != FLOW_SETUP_ESTABLISHED && !f->count_attempts)
		return FILTER_NOT_ESTABLISHED;
	if (listed(f->exclude_source, &ev->source))
		return FILTER_EXCLUDED_SOURCE;
	if (listed(f->exclude_destination, &ev->destination))
		return FILTER_EXCLUDED_DESTINATION;
	return FILTER_COUNTED;
}

/* A short name for the verdict. */
const char *
filter_verdict_name(enum filter_verdict v)
{
	switch (v) {
	case FILTER_COUNTED:
		return "counted";
	case FILTER_NOT_RDP:
		return "not-rdp";
	case FILTER_NOT_ESTABLISHED:
		return "not-established";
	case FILTER_EXCLUDED_SOURCE:
		return "excluded-source";
	case FILTER_EXCLUDED_DESTINATION:
		return "excluded-destination";
	}
	return "unknown";
}
