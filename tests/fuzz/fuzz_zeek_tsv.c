/*
 * fuzz_zeek_tsv.c - libFuzzer harness for the Zeek TSV decoder behind a
 * valid conn.log header, so the fuzzer spends its time in the rows (and
 * in any header lines it invents).
 */
#include <stdint.h>
#include <string.h>

#include "util.h"
#include "zeek_tsv.h"

static const char header[] =
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
    "#unset_field\t-\n#path\tconn\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
    "proto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\t"
    "orig_pkts\tresp_pkts\n";

/* Feed every line of text to the decoder. */
static void
feed(struct zeek_tsv *tsv, const char *p, size_t size)
{
	struct flow_event	 ev;
	const char		*reason, *end = p + size, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		zeek_tsv_decode(tsv, p, (size_t)(nl - p), &ev, &reason);
		p = nl + 1;
	}
}

/*
 * Decode the header, then the input's lines, twice: once with every
 * event whole (--events) and once with the fast path for rows that
 * cannot be RDP.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 ports[] = { 3389, 53 };
	struct record_limits	 limits = { 64, ports, 2, true };
	struct zeek_tsv		*tsv;
	int			 pass;

	log_set_quiet(1);
	for (pass = 0; pass < 2; pass++) {
		limits.every_event = pass == 0;
		tsv = zeek_tsv_new(&limits);
		feed(tsv, header, sizeof header - 1);
		feed(tsv, (const char *)data, size);
		zeek_tsv_free(tsv);
	}
	return 0;
}
