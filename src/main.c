/*
 * main.c - fanin's entry point: parse the options, run, exit with the
 * status the run gives (0 done, 1 an input or output failed, 2 usage).
 */
#include <stdio.h>

#include "options.h"
#include "run.h"

/* Parse the command line and run. */
int
main(int argc, char **argv)
{
	struct options	opts;
	char		err[512];
	int		rc;

	rc = options_parse(&opts, argc, argv, err, sizeof err);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "fanin: %s\n", err);
		options_free(&opts);
		return rc < 0 ? 2 : 0;
	}
	rc = run(&opts);
	options_free(&opts);
	return rc;
}
