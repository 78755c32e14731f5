/*
 * fuzz_record.c - libFuzzer harness for format detection and the three
 * record decoders: the input is split into lines and fed to one decoder,
 * as one file would be.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "util.h"

/*
 * Decode every line of the input with one decoder; the first byte says
 * whether every event is whole (--events) or the fast paths for records
 * that cannot be RDP are taken.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 ports[] = { 3389, 80 };
	struct record_limits	 limits = { 64, ports, 2, true };
	struct record_decoder	*dec;
	struct flow_event	 ev;
	const char		*reason, *p = (const char *)data, *end, *nl;

	log_set_quiet(1);
	limits.every_event = size > 0 && (data[0] & 1) != 0;
	dec = record_decoder_new(&limits);
	end = p + size;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (record_decode(dec, p, (size_t)(nl - p), &ev, &reason) ==
		    RECORD_UNRECOGNISED)
			break;
		p = nl + 1;
	}
	record_decoder_free(dec);
	return 0;
}
