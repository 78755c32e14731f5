/*
 * fuzz_json.c - libFuzzer harness for the Zeek JSON and eve decoders: the
 * input is one line, checked by the eve pre-filter, parsed by jansson and
 * handed to both decoders.  The pre-filter must never say "skip" for a
 * line the eve decoder turns into an event, and where the raw readers
 * of times or of whole Zeek records answer, they must answer what the
 * parsed record gives.  The vector test of RDP bytes must give the
 * answer of the byte scan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "eve.h"
#include "rdp_text.h"
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
	static const int	 ports[] = { 3389, 22 };
	struct rdp_text		 text;
	struct flow_event	 ev, raw_event;
	enum record_result	 result, raw_result;
	const char		*reason, *raw_reason;
	json_t			*j;
	json_error_t		 err;
	bool			 worth;
	int			 raw;

	log_set_quiet(1);
	if (rdp_text_init(&text, ports, sizeof ports / sizeof ports[0]) != 0 ||
	    rdp_text_may_match(&text, (const char *)data, size) !=
	    rdp_text_may_match_bytewise(&text, (const char *)data, size))
		abort();
	raw = zeek_json_decode_raw((const char *)data, size, &raw_event,
	    &raw_result, &raw_reason);
	worth = eve_worth_parsing((const char *)data, size, NULL);
	j = json_loadb((const char *)data, size, 0, &err);
	if (j == NULL || !json_is_object(j)) {
		/* A line the raw decoder reads must be one jansson reads. */
		if (raw == 0)
			abort();
		json_decref(j);
		return 0;
	}
	zeek_json_sniff(j);
	result = zeek_json_decode(j, &ev, &reason);
	if (raw == 0 && (raw_result != result ||
	    (result == RECORD_REJECT && strcmp(raw_reason, reason) != 0) ||
	    (result == RECORD_EVENT && memcmp(&raw_event, &ev,
	    sizeof ev) != 0)))
		abort();
	if (result == RECORD_EVENT && ev.dataset == FLOW_ZEEK_CONN &&
	    !same_times(data, size, &ev, zeek_json_conn_times))
		abort();
	eve_sniff(j);
	if (eve_decode(j, &ev, &reason) == RECORD_EVENT) {
		if (!worth || !same_times(data, size, &ev, eve_flow_times))
			abort();
	}
	json_decref(j);
	return 0;
}
