/*
 * test_sink.c - lines arrive whole, in order, and none is lost.
 *
 * Files live in a fresh directory under $TMPDIR (or /tmp), removed after
 * each test.  Write failures are injected without root and without a
 * special file system:
 *
 *   - /dev/full fails every write with ENOSPC;
 *   - RLIMIT_FSIZE makes a write that crosses the limit write only the
 *     bytes below it and the next one fail with EFBIG (SIGXFSZ ignored),
 *     which gives both a partial write and a failure on a regular file;
 *   - stdout replaced by a non-blocking pipe shrunk to one page fails
 *     with EAGAIN when the pipe is full, and writes a long line in part;
 *   - stdout replaced by a pipe whose read end is closed gives EPIPE.
 *
 * While fd 1 is a test pipe, cmocka's own output would go into it, so
 * results are gathered first and asserted after stdout is back.
 */
#define _GNU_SOURCE		/* pipe2, F_SETPIPE_SZ */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sink.h"
#include "util.h"

#define LINE_A	"{\"a\":1}"
#define LINE_B	"{\"b\":\"two\"}"
#define LINE_C	"{\"c\":[3,3,3]}"

/* Room for the test directory, a slash, a file name and the NUL. */
#define PATH_SIZE	(PATH_MAX + NAME_MAX + 2)

static char	directory[PATH_MAX];
static int	saved_stdout = -1;

/* ---------------------------------------------------------------------
 * Helpers.
 */

/* A path inside the test directory. */
static const char *
path_of(const char *name)
{
	static char	path[PATH_SIZE];

	snprintf(path, sizeof path, "%s/%s", directory, name);
	return path;
}

/* The whole content of a file, NUL terminated; "" when it is missing. */
static char *
slurp(const char *path)
{
	FILE	*file = fopen(path, "rb");
	char	*data;
	long	 size;

	if (file == NULL)
		return xstrdup("");
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	rewind(file);
	data = xmalloc((size_t)size + 1);
	assert_int_equal(fread(data, 1, (size_t)size, file), (size_t)size);
	data[size] = '\0';
	fclose(file);
	return data;
}

/* The content of path must be exactly want. */
static void
assert_file(const char *path, const char *want)
{
	char	*data = slurp(path);

	assert_string_equal(data, want);
	free(data);
}

/* Write one NUL-terminated line; returns what the sink returned. */
static int
put_line(struct sink *sink, const char *line)
{
	return sink_write_line(sink, line, strlen(line));
}

/* Open a sink that the test expects to open. */
static struct sink *
open_ok(const char *path)
{
	char		 err[256] = "";
	struct sink	*sink = sink_open(path, err, sizeof err);

	if (sink == NULL)
		fail_msg("sink_open %s: %s", path, err);
	return sink;
}

/* Put fd where stdout was, keeping the real stdout for later. */
static void
replace_stdout(int fd)
{
	fflush(stdout);
	saved_stdout = dup(STDOUT_FILENO);
	assert_true(saved_stdout != -1);
	assert_true(dup2(fd, STDOUT_FILENO) != -1);
	close(fd);
}

/* Bring the real stdout back, if a test replaced it. */
static void
restore_stdout(void)
{
	if (saved_stdout == -1)
		return;
	dup2(saved_stdout, STDOUT_FILENO);
	close(saved_stdout);
	saved_stdout = -1;
}

/* Read what the pipe holds now and append it to buf at *len. */
static void
read_pipe(int fd, char *buf, size_t size, size_t *len)
{
	ssize_t	n;

	while (*len < size && (n = read(fd, buf + *len, size - *len)) > 0)
		*len += (size_t)n;
}

/* The line numbered i: a JSON object, padded to a fixed width. */
static void
numbered_line(char *buf, size_t size, unsigned i)
{
	snprintf(buf, size, "{\"n\":%06u,\"pad\":\"%060u\"}", i, i);
}

/* A new empty directory for the test's files. */
static int
make_directory(void **state)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(directory, sizeof directory, "%s/test_sink.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(directory) == NULL)
		return -1;
	umask(022);
	log_set_quiet(1);
	return 0;
}

/* Restore stdout and remove the test directory and what it holds. */
static int
remove_directory(void **state)
{
	DIR		*dir;
	struct dirent	*entry;

	restore_stdout();
	if ((dir = opendir(directory)) == NULL)
		return -1;
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") != 0 &&
		    strcmp(entry->d_name, "..") != 0)
			unlink(path_of(entry->d_name));
	}
	closedir(dir);
	return rmdir(directory);
}

/* ---------------------------------------------------------------------
 * Files.
 */

/* Lines are appended after what the file held, each with its newline. */
static void
test_append(void **state)
{
	const char	*path = path_of("alerts.ndjson");
	struct sink	*sink;
	struct stat	 st;
	FILE		*file;

	file = fopen(path, "w");
	assert_non_null(file);
	fputs("old\n", file);
	fclose(file);

	sink = open_ok(path);
	assert_string_equal(sink_path(sink), path);
	assert_int_equal(put_line(sink, LINE_A), 0);
	assert_int_equal(put_line(sink, LINE_B), 0);
	assert_int_equal(sink_write_line(sink, LINE_C "ignored",
	    strlen(LINE_C)), 0);
	assert_int_equal(sink_pending(sink), 0);
	assert_string_equal(sink_error(sink), "");
	assert_int_equal(sink_flush(sink), 0);
	sink_close(sink);
	assert_file(path, "old\n" LINE_A "\n" LINE_B "\n" LINE_C "\n");

	unlink(path);
	sink = open_ok(path);
	sink_close(sink);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
}

/* After a rename, writes go on to the renamed file until the reopen. */
static void
test_reopen_after_rename(void **state)
{
	char		 rotated[PATH_SIZE];
	const char	*path;
	struct sink	*sink;

	snprintf(rotated, sizeof rotated, "%s", path_of("alerts.ndjson.1"));
	path = path_of("alerts.ndjson");
	sink = open_ok(path);
	assert_int_equal(put_line(sink, LINE_A), 0);
	assert_int_equal(rename(path, rotated), 0);
	assert_int_equal(put_line(sink, LINE_B), 0);
	assert_int_equal(sink_reopen(sink), 0);
	assert_int_equal(put_line(sink, LINE_C), 0);
	sink_close(sink);

	assert_file(rotated, LINE_A "\n" LINE_B "\n");
	assert_file(path, LINE_C "\n");
}

/* A reopen that cannot open the path keeps the old file. */
static void
test_reopen_failure(void **state)
{
	char		 moved[PATH_SIZE], path[PATH_SIZE];
	struct sink	*sink;

	snprintf(path, sizeof path, "%s", path_of("alerts.ndjson"));
	snprintf(moved, sizeof moved, "%s", path_of("moved.ndjson"));
	sink = open_ok(path);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(symlink(moved, path), 0);
	assert_int_equal(sink_reopen(sink), -1);
	assert_non_null(strstr(sink_error(sink), "symbolic link"));
	assert_int_equal(put_line(sink, LINE_A), 0);
	sink_close(sink);
	assert_file(moved, LINE_A "\n");
}

/* A symlink at the path is refused, and its target left untouched. */
static void
test_symlink_refused(void **state)
{
	char		 target[PATH_SIZE], err[256] = "";
	const char	*path;
	struct sink	*sink;

	snprintf(target, sizeof target, "%s", path_of("target"));
	path = path_of("link.ndjson");
	assert_int_equal(symlink(target, path), 0);
	sink = sink_open(path, err, sizeof err);
	assert_null(sink);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(access(target, F_OK), -1);
}

/* A path that cannot be opened names itself and the cause. */
static void
test_open_error(void **state)
{
	char		 err[256] = "";
	const char	*path = path_of("no/such/dir.ndjson");

	assert_null(sink_open(path, err, sizeof err));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOENT)));
}

/* ENOSPC keeps every line queued, in order, with the cause. */
static void
test_disk_full(void **state)
{
	struct sink	*sink;

	if (access("/dev/full", W_OK) != 0)
		skip();
	sink = open_ok("/dev/full");
	assert_int_equal(put_line(sink, LINE_A), 1);
	assert_int_equal(sink_pending(sink), 1);
	assert_non_null(strstr(sink_error(sink), strerror(ENOSPC)));
	assert_non_null(strstr(sink_error(sink), "/dev/full"));
	assert_int_equal(put_line(sink, LINE_B), 1);
	assert_int_equal(sink_flush(sink), 1);
	assert_int_equal(sink_pending(sink), 2);
	sink_close(sink);
}

/* Fill a file up to a size limit; the retry after it lifts loses nothing. */
static void
test_size_limit_retry(void **state)
{
	const char	*path = path_of("limited.ndjson");
	struct rlimit	 old, limit;
	struct sink	*sink;
	int		 a, b, c, retry;
	size_t		 pending_b, pending_c;

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	sink = open_ok(path);
	limit = old;
	limit.rlim_cur = sizeof LINE_A + 4;	/* A, and 4 bytes of B */

	assert_int_equal(setrlimit(RLIMIT_FSIZE, &limit), 0);
	a = put_line(sink, LINE_A);
	b = put_line(sink, LINE_B);
	pending_b = sink_pending(sink);
	c = put_line(sink, LINE_C);
	pending_c = sink_pending(sink);
	setrlimit(RLIMIT_FSIZE, &old);

	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(pending_b, 1);
	assert_int_equal(c, 1);
	assert_int_equal(pending_c, 2);
	assert_non_null(strstr(sink_error(sink), strerror(EFBIG)));
	assert_file(path, LINE_A "\n{\"b\"");

	retry = sink_flush(sink);
	assert_int_equal(retry, 0);
	assert_int_equal(sink_pending(sink), 0);
	assert_string_equal(sink_error(sink), "");
	sink_close(sink);
	assert_file(path, LINE_A "\n" LINE_B "\n" LINE_C "\n");
	signal(SIGXFSZ, SIG_DFL);
}

/*
 * A line cut by a failed write, then a rotation: the new file starts on
 * a line boundary and gets the line whole.
 */
static void
test_reopen_after_partial_line(void **state)
{
	char		 rotated[PATH_SIZE], path[PATH_SIZE];
	struct rlimit	 old, limit;
	struct sink	*sink;
	int		 b, reopened, retry;

	snprintf(path, sizeof path, "%s", path_of("alerts.ndjson"));
	snprintf(rotated, sizeof rotated, "%s", path_of("alerts.ndjson.1"));
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	sink = open_ok(path);
	assert_int_equal(put_line(sink, LINE_A), 0);
	limit = old;
	limit.rlim_cur = sizeof LINE_B;	/* B fits a new file, not A's */

	assert_int_equal(setrlimit(RLIMIT_FSIZE, &limit), 0);
	b = put_line(sink, LINE_B);
	rename(path, rotated);
	reopened = sink_reopen(sink);
	retry = sink_flush(sink);
	setrlimit(RLIMIT_FSIZE, &old);

	assert_int_equal(b, 1);
	assert_int_equal(reopened, 0);
	assert_int_equal(retry, 0);
	assert_int_equal(put_line(sink, LINE_C), 0);
	sink_close(sink);
	assert_file(rotated, LINE_A "\n{\"b\"");
	assert_file(path, LINE_B "\n" LINE_C "\n");
	signal(SIGXFSZ, SIG_DFL);
}

/* ---------------------------------------------------------------------
 * Stdout.
 */

/*
 * A full non-blocking pipe (EAGAIN): lines wait, and once the reader
 * catches up every line arrives whole, in order, exactly once; a line
 * longer than the pipe goes out in parts.
 */
static void
test_stdout_slow_reader(void **state)
{
	enum { LINES = 1000, LONG = 10000 };
	char		 line[128], *got, *want, *long_line;
	size_t		 got_len = 0, want_len = 0, size = 256 * 1024;
	size_t		 pending_when_full = 0;
	int		 fds[2], first_retry = -1, result = 0, last = -2;
	unsigned	 i;
	struct sink	*sink;

	got = xcalloc(1, size);
	want = xcalloc(1, size);
	long_line = xmalloc(LONG + 1);
	memset(long_line, 'x', LONG);
	long_line[0] = '"';
	long_line[LONG - 1] = '"';
	long_line[LONG] = '\0';
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	replace_stdout(fds[1]);
	sink = open_ok("-");

	for (i = 0; i < LINES; i++) {
		numbered_line(line, sizeof line, i);
		want_len += (size_t)snprintf(want + want_len,
		    size - want_len, "%s\n", line);
		result = put_line(sink, line);
		if (result == 1 && first_retry == -1) {
			first_retry = (int)i;
			pending_when_full = sink_pending(sink);
		}
	}
	result = put_line(sink, long_line);
	want_len += (size_t)snprintf(want + want_len, size - want_len,
	    "%s\n", long_line);
	for (i = 0; i < 1000 && (last = sink_flush(sink)) != 0; i++)
		read_pipe(fds[0], got, size, &got_len);
	read_pipe(fds[0], got, size, &got_len);
	sink_close(sink);
	restore_stdout();
	close(fds[0]);

	assert_true(first_retry > 0);
	assert_true(pending_when_full >= 1);
	assert_int_equal(result, 1);
	assert_int_equal(last, 0);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	free(got);
	free(want);
	free(long_line);
}

/* A closed reader (EPIPE) is final: -1 now and from then on. */
static void
test_stdout_reader_gone(void **state)
{
	int		 fds[2], first, second, flushed;
	size_t		 pending;
	char		 error[256];
	struct sink	*sink;

	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	replace_stdout(fds[1]);
	sink = open_ok("-");
	first = put_line(sink, LINE_A);
	second = put_line(sink, LINE_B);
	flushed = sink_flush(sink);
	pending = sink_pending(sink);
	snprintf(error, sizeof error, "%s", sink_error(sink));
	assert_int_equal(sink_reopen(sink), 0);
	sink_close(sink);
	restore_stdout();
	signal(SIGPIPE, SIG_DFL);

	assert_int_equal(first, -1);
	assert_int_equal(second, -1);
	assert_int_equal(flushed, -1);
	assert_int_equal(pending, 1);
	assert_non_null(strstr(error, "stdout"));
	assert_non_null(strstr(error, strerror(EPIPE)));
}

/* A closed stdout cannot be opened as a sink. */
static void
test_stdout_closed(void **state)
{
	char		 err[256] = "";
	struct sink	*sink;

	fflush(stdout);
	saved_stdout = dup(STDOUT_FILENO);
	close(STDOUT_FILENO);
	sink = sink_open("-", err, sizeof err);
	restore_stdout();
	assert_null(sink);
	assert_non_null(strstr(err, "stdout"));
}

/* Run each test in a fresh directory. */
int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_append,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(test_reopen_after_rename,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(test_reopen_failure,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(test_symlink_refused,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(test_open_error,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(test_disk_full,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(test_size_limit_retry,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(
		    test_reopen_after_partial_line,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(test_stdout_slow_reader,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(test_stdout_reader_gone,
		    make_directory, remove_directory),
		cmocka_unit_test_setup_teardown(test_stdout_closed,
		    make_directory, remove_directory),
	};

	return cmocka_run_group_tests_name("sink", tests, NULL, NULL);
}
