/*
 * inject.c - fault injection for the scenario tests, loaded with
 * LD_PRELOAD in front of libc's read() and write().  Each fault is asked
 * for in the environment, so one library serves every test:
 *
 *   FAULT_READ_EINTR_EVERY=N	every Nth read() fails with EINTR
 *   FAULT_READ_SHORT=1		read() returns at most a third of what was
 *				asked (and at least one byte)
 *   FAULT_READ_EIO_FILE=TEXT	reads of the regular file whose path holds
 *				TEXT fail with EIO after the first
 *				FAULT_READ_EIO_AFTER (default 0) of them
 *   FAULT_WRITE_ENOSPC=N	the first N write()s to regular files fail
 *				with ENOSPC
 *
 * It never touches reads of pipes or terminals for EIO, nor writes to
 * standard error, so the test can still read what fanin says.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static ssize_t	(*real_read)(int, void *, size_t);
static ssize_t	(*real_write)(int, const void *, size_t);
static long	 reads, file_reads, file_writes;

/* A number from the environment, or 0 when unset. */
static long
setting(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL ? atol(v) : 0;
}

/* True when fd is a regular file. */
static int
is_file(int fd)
{
	struct stat	st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* True when the path open on fd holds text. */
static int
names(int fd, const char *text)
{
	char	link[64], path[4096];
	ssize_t	n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n < 0)
		return 0;
	path[n] = '\0';
	return strstr(path, text) != NULL;
}

/* read() with the faults the environment asks for. */
ssize_t
read(int fd, void *buf, size_t n)
{
	long		 every = setting("FAULT_READ_EINTR_EVERY");
	const char	*eio = getenv("FAULT_READ_EIO_FILE");

	if (real_read == NULL)
		real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT,
		    "read");
	reads++;
	if (every > 0 && reads % every == 0) {
		errno = EINTR;
		return -1;
	}
	if (eio != NULL && is_file(fd) && names(fd, eio) &&
	    file_reads++ >= setting("FAULT_READ_EIO_AFTER")) {
		errno = EIO;
		return -1;
	}
	if (setting("FAULT_READ_SHORT") && n > 1)
		n = n / 3 + 1;
	return real_read(fd, buf, n);
}

/*
 * write() with the faults the environment asks for: FAULT_WRITE_ENOSPC
 * fails that many writes to files; FAULT_WRITE_FULL_AFTER is a disk that
 * fills after that many bytes written to files (a short write up to it,
 * then ENOSPC for good).
 */
ssize_t
write(int fd, const void *buf, size_t n)
{
	static long	 written;
	long		 enospc = setting("FAULT_WRITE_ENOSPC");
	long		 full = setting("FAULT_WRITE_FULL_AFTER");
	ssize_t		 done;

	if (real_write == NULL)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(
		    RTLD_NEXT, "write");
	if (enospc > 0 && fd > 2 && is_file(fd) && file_writes++ < enospc) {
		errno = ENOSPC;
		return -1;
	}
	if (full > 0 && fd > 2 && is_file(fd)) {
		if (written >= full) {
			errno = ENOSPC;
			return -1;
		}
		if ((long)n > full - written)
			n = (size_t)(full - written);
		if ((done = real_write(fd, buf, n)) > 0)
			written += done;
		return done;
	}
	return real_write(fd, buf, n);
}
