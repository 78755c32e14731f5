/*
 * run.h - one run of fanin: inputs through the filter and the model to
 * the alert and event outputs.
 */
#ifndef FANIN_RUN_H
#define FANIN_RUN_H

#include "options.h"

/*
 * Read every input of opts and write alerts.  Returns the exit status: 0
 * done, 1 an input could not be read or was truncated, or an output
 * failed.
 */
int	 run(const struct options *opts);

#endif
