/*
 * fuzz_json.c - libFuzzer harness for the Zeek JSON and eve decoders: the
 * input is one line, checked by the eve pre-filter, parsed by jansson and
 * handed to both decoders.  The pre-filter must never say "skip" for a
 * line the eve decoder turns into an event.
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "eve.h"
#include "util.h"
#include "zeek_json.h"

/* Decode one JSON line both ways. */
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
	zeek_json_decode(j, &ev, &reason);
	eve_sniff(j);
	if (eve_decode(j, &ev, &reason) == RECORD_EVENT && !worth)
		abort();
	json_decref(j);
	return 0;
}
