/*
 * filter.h - which flow events the detector counts.
 *
 * An event counts when it is an RDP connection (a Zeek rdp.log record, an
 * eve rdp event, or a connection whose service names rdp or whose
 * responder port is one of --ports, over tcp or udp), when it was
 * established (or --count-attempts is given), and when neither its source
 * nor its destination is excluded.
 */
#ifndef FANIN_FILTER_H
#define FANIN_FILTER_H

#include <stdbool.h>

#include "flow.h"
#include "options.h"

enum filter_verdict {
	FILTER_COUNTED,
	FILTER_NOT_RDP,
	FILTER_NOT_ESTABLISHED,
	FILTER_EXCLUDED_SOURCE,
	FILTER_EXCLUDED_DESTINATION
};

struct filter {
	const int		*ports;
	size_t			 nports;
	bool			 count_attempts;
	const struct cidr_list	*exclude_source;
	const struct cidr_list	*exclude_destination;
};

/* A filter that reads its settings from opts (which must outlive it). */
void		 filter_init(struct filter *, const struct options *opts);

/* True when the event is an RDP connection, whatever its state. */
bool		 filter_is_rdp(const struct filter *,
		     const struct flow_event *);

/*
 * Decide whether the event counts.  An RDP record logged server to client
 * (source port an RDP port, destination port not) is turned around first,
 * so *event may change.
 */
enum filter_verdict filter_check(const struct filter *, struct flow_event *);

/* A short name for the verdict ("counted", "not-rdp", ...). */
const char	*filter_verdict_name(enum filter_verdict);

#endif
