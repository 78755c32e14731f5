/*
 * fuzz_json.c - libFuzzer harness for the Zeek JSON and eve decoders: the
 * input is one line, checked by the eve pre-filter, parsed by jansson and
 * handed to both decoders.  The pre-filter must never say "skip" for a
 * line the eve decoder turns into an event, and where the raw readers
 * of times answer, they must answer what the parsed record gives.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "eve.h"
#include "util.h"
#include "zeek_json.h"

/*
 * True unless a raw reader of times (the fast path of record.h, for lines
 * without a backslash) answers with times other than the parsed event's.
 */
static bool
same_times(const uint8_t *data, size_t size, const struct flow_event *ev,
    int (*raw)(const char *, size_t, struct flow_event *))
{
	struct flow_event	 fast;

	if (memchr(data, '\\', size) != NULL ||
	    raw((const char *)data, size, &fast) != 0)
		return true;
	return fast.dataset == ev->dataset && fast.start == ev->start &&
	    fast.written == ev->written;
}

/* Decode one JSON line both ways, and check the raw readers agree. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow_event	 ev;
	const char		*reason;
	json_t			*j;
	json_error_t		 err;
	bool			 worth;

	log_set_quiet(1);
	worth = eve_worth_parsing((const char *)data, size);
	j = json_loadb((const char *)data, size, 0, &err);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		return 0;
	}
	zeek_json_sniff(j);
	if (zeek_json_decode(j, &ev, &reason) == RECORD_EVENT &&
	    ev.dataset == FLOW_ZEEK_CONN && !same_times(data, size, &ev,
	    zeek_json_conn_times))
		abort();
	eve_sniff(j);
	if (eve_decode(j, &ev, &reason) == RECORD_EVENT) {
		if (!worth || !same_times(data, size, &ev, eve_flow_times))
			abort();
	}
	json_decref(j);
	return 0;
}
