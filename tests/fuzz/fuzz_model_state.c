/*
 * fuzz_model_state.c - libFuzzer harness for the model's state loader: the
 * input is parsed as JSON and restored into a fresh model, which must
 * refuse what it cannot trust and stay usable for the next event.
 */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "model.h"
#include "util.h"

/* Restore the input as a model, then feed it one event. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_config	 c = { 21600, 70, 5, 3600, 86400, 100 };
	struct model		*m;
	struct flow_event	 ev;
	struct spike		 sp;
	const char		*cause;
	json_t			*j;
	json_error_t		 err;

	log_set_quiet(1);
	j = json_loadb((const char *)data, size, 0, &err);
	if (j == NULL)
		return 0;
	m = model_new(&c);
	model_restore(m, j, &cause);
	memset(&ev, 0, sizeof ev);
	ev.start = ev.written = 1767607200;
	addr_parse("192.0.2.1", 9, &ev.source);
	addr_parse("192.0.2.2", 9, &ev.destination);
	if (model_add(m, &ev, &sp) == 1)
		spike_clear(&sp);
	json_decref(j);
	model_free(m);
	return 0;
}
