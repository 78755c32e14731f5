/*
 * flow.h - the normalized flow event that every decoder produces.
 *
 * Zeek conn.log and rdp.log (TSV or JSON) and Suricata eve flow and rdp
 * events all become one struct flow_event.  Everything after the decoders
 * (filter, model, ECS writer) reads only this struct, never the raw record.
 */
#ifndef FANIN_FLOW_H
#define FANIN_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/* Which kind of record the event came from; names the ECS event.dataset. */
enum flow_dataset {
	FLOW_ZEEK_CONN,		/* zeek.conn */
	FLOW_ZEEK_RDP,		/* zeek.rdp */
	FLOW_EVE_FLOW,		/* suricata.flow */
	FLOW_EVE_RDP		/* suricata.rdp */
};

/* What the decoder could tell about the connection's handshake. */
enum flow_setup {
	FLOW_SETUP_UNKNOWN,	/* no state in the record */
	FLOW_SETUP_ESTABLISHED,	/* handshake done, or data both ways */
	FLOW_SETUP_ATTEMPT	/* refused, unanswered, or half open */
};

#define FLOW_NO_PORT	(-1)

/*
 * One connection as a sensor saw it.  Strings are NUL terminated and
 * truncated to fit; an empty string means "not in the record".
 */
struct flow_event {
	double		 start;		/* epoch seconds, connection start */
	double		 written;	/* earliest time the record could have
					   been written: start + duration, or
					   eve flow.end; == start if unknown */
	enum flow_dataset dataset;
	struct ip_addr	 source;
	struct ip_addr	 destination;
	int		 source_port;	/* FLOW_NO_PORT when none (ICMP,
					   null, unset) */
	int		 destination_port;
	char		 transport[16];	/* "tcp", "udp", "icmp", "ipv6-icmp" */
	char		 service[64];	/* Zeek service or eve app_proto,
					   unescaped; "" when unset/empty */
	char		 state[16];	/* raw Zeek conn_state or eve
					   flow.state; "" when absent */
	enum flow_setup	 setup;
	char		 id[64];	/* Zeek uid or eve flow_id as text */
};

/* The dataset name written in ECS event.dataset ("zeek.conn", ...). */
const char	*flow_dataset_name(enum flow_dataset);

#endif
