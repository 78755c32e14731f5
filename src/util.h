/*
 * util.h - allocation that cannot fail usefully, and messages to stderr.
 *
 * An allocation failure aborts in one place, so call sites stay clean.
 * Messages go to stderr as "fanin: LEVEL: text"; text about a file says
 * which file and where ("file=conn.log line=12") and what happens next.
 */
#ifndef FANIN_UTIL_H
#define FANIN_UTIL_H

#include <stddef.h>

/* malloc, calloc, realloc and strdup that abort with a message on failure. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

/* The directory part of a path ("." when it has none), malloc'd. */
char	*path_directory(const char *path);

/* A warning: something was skipped or will be retried; the run goes on. */
void	 log_warn(const char *fmt, ...)
	     __attribute__((format(printf, 1, 2)));

/* An error: an input or output could not be used. */
void	 log_error(const char *fmt, ...)
	     __attribute__((format(printf, 1, 2)));

/* Information shown only with FANIN_DEBUG set in the environment. */
void	 log_debug(const char *fmt, ...)
	     __attribute__((format(printf, 1, 2)));

/* The value of one hex digit, or -1. */
int	 hex_value(char c);

/* Silence warnings (tests that feed bad input on purpose). */
void	 log_set_quiet(int quiet);

#endif
