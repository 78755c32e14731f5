/*
 * util.c - allocation wrappers and the three message levels.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int	quiet;
static int	debug = -1;

/* Abort after an allocation failure; nothing useful can follow. */
static void
out_of_memory(size_t size)
{
	fprintf(stderr, "fanin: fatal: out of memory (%zu bytes)\n", size);
	abort();
}

/* malloc that never returns NULL. */
void *
xmalloc(size_t size)
{
	void	*p = malloc(size ? size : 1);

	if (p == NULL)
		out_of_memory(size);
	return p;
}

/* calloc that never returns NULL. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory(n * size);
	return p;
}

/* realloc that never returns NULL. */
void *
xrealloc(void *old, size_t size)
{
	void	*p = realloc(old, size ? size : 1);

	if (p == NULL)
		out_of_memory(size);
	return p;
}

/* strdup that never returns NULL. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* A NUL-terminated copy of the first len bytes of s. */
char *
xstrndup(const char *s, size_t len)
{
	char	*p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Print one message with its level. */
static void
log_message(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "fanin: %s: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* A warning, unless silenced. */
void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	log_message("warning", fmt, ap);
	va_end(ap);
}

/* An error, unless silenced. */
void
log_error(const char *fmt, ...)
{
	va_list	ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	log_message("error", fmt, ap);
	va_end(ap);
}

/* A debug line, only when FANIN_DEBUG is set. */
void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (debug < 0) {
		const char	*v = getenv("FANIN_DEBUG");

		debug = v != NULL && *v != '\0' && strcmp(v, "0") != 0;
	}
	if (!debug)
		return;
	va_start(ap, fmt);
	log_message("debug", fmt, ap);
	va_end(ap);
}

/* Turn warnings and errors off or on. */
void
log_set_quiet(int q)
{
	quiet = q;
}

/* The value of one hex digit, or -1. */
int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* See util.h. */
char *
path_directory(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*dir;

	if (slash == NULL)
		return xstrdup(".");
	dir = xstrdup(path);
	dir[slash == path ? 1 : slash - path] = '\0';
	return dir;
}
