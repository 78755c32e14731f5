/*
 * ecs.h - alerts and flow events as ECS 9.4 JSON documents.
 *
 * Fields are written in one fixed order, in groups: @timestamp, ecs, event,
 * rule, threat, destination, source, network, related, message, then the
 * detector's own figures under "fanin".  Field names outside ECS live
 * under "fanin." only.
 */
#ifndef FANIN_ECS_H
#define FANIN_ECS_H

#include <stdbool.h>

#include "flow.h"
#include "model.h"

#define ECS_RULE_UUID	"18a5dd9a-e3fa-4996-99b1-ae533b8f27fc"
#define ECS_RULE_NAME	"Spike in Number of Connections Made to a " \
			"Destination IP"
#define ECS_RULE_VERSION "5"
#define ECS_ALERT_ID_LEN 32	/* hex digits */
#define ECS_VERSION	"9.4.0"

/*
 * The alert's event.id: the hex of a stable 128-bit hash of the rule
 * uuid, the canonical destination, the bucket start and the span.  buf
 * holds ECS_ALERT_ID_LEN + 1 bytes.
 */
void	 ecs_alert_id(const struct ip_addr *destination, double bucket_start,
	     unsigned bucket_span, char *buf);

/*
 * One alert as a single line of JSON (no newline), malloc'd.  created is
 * the wall-clock time written as event.created.
 */
char	*ecs_alert(const struct spike *, double created);

/* One flow event as a single line of JSON, with fanin.counted. */
char	*ecs_event(const struct flow_event *, bool counted);

#endif
