/*
 * progress.h - how far a long replay has come, on a terminal.
 *
 * When stderr is a terminal, a replay shows one line that it rewrites at
 * most twice a second: bytes read of the total, the rate, and the time
 * left.  When stderr is not a terminal (a service, a pipe, a test), it
 * shows nothing.
 */
#ifndef FANIN_PROGRESS_H
#define FANIN_PROGRESS_H

#include <stdint.h>

struct progress;

/*
 * A progress line for total bytes of input, or NULL when stderr is not a
 * terminal (every call below accepts NULL and does nothing).
 */
struct progress	*progress_new(uint64_t total);

/* Say that done bytes of the total are read (redrawn at most 2 a second). */
void		 progress_update(struct progress *, uint64_t done);

/* Clear the line and free. */
void		 progress_done(struct progress *);

#endif
