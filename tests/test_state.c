/*
 * test_state.c - the state file round-trips exactly, is written 0600 and
 * atomically, and is refused whole when damaged or reached by a symlink.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "state.h"

static char	dir[256];
static char	path[300];

/* A fresh directory for each test. */
static int
setup(void **unused)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/fanin-state.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/state", dir);
	return 0;
}

/* Remove what a test left. */
static int
teardown(void **unused)
{
	char	cmd[400];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A state with one file past 4 GiB and a fingerprint above INT64_MAX. */
static void
fill(struct state *st, struct state_file *f)
{
	memset(st, 0, sizeof *st);
	memset(f, 0, sizeof *f);
	f->dev = 2049;
	f->inode = 1234567;
	f->fingerprint = UINT64_C(0xfedcba9876543210);
	f->offset = UINT64_C(2200000000) * 3;
	f->header_offset = STATE_NO_HEADER;
	f->path = "conn.log";
	st->files = f;
	st->nfiles = 1;
	st->model = json_pack("{s:i}", "version", 1);
}

/* Every field comes back as written; the file is 0600. */
static void
test_round_trip(void **unused)
{
	struct state		st, back;
	struct state_file	f;
	struct stat		sb;
	char			err[512];

	fill(&st, &f);
	assert_int_equal(state_save(path, &st, err, sizeof err), 0);
	json_decref(st.model);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(state_load(path, &back, err, sizeof err), 0);
	assert_int_equal(back.nfiles, 1);
	assert_true(back.files[0].offset == UINT64_C(6600000000));
	assert_true(back.files[0].fingerprint ==
	    UINT64_C(0xfedcba9876543210));
	assert_true(back.files[0].header_offset == STATE_NO_HEADER);
	assert_true(back.files[0].dev == 2049);
	assert_true(back.files[0].inode == 1234567);
	assert_string_equal(back.files[0].path, "conn.log");
	assert_false(back.files[0].drained);
	assert_non_null(back.model);
	assert_null(back.run);
	state_clear(&back);

	/* A file let go after it was read to its end is saved as such. */
	fill(&st, &f);
	f.drained = true;
	assert_int_equal(state_save(path, &st, err, sizeof err), 0);
	json_decref(st.model);
	assert_int_equal(state_load(path, &back, err, sizeof err), 0);
	assert_true(back.files[0].drained);
	state_clear(&back);
}

/* No file is a first run, not an error. */
static void
test_missing(void **unused)
{
	struct state	st;
	char		err[512];

	assert_int_equal(state_load(path, &st, err, sizeof err), 1);
	assert_int_equal(st.nfiles, 0);
	state_clear(&st);
}

/* One changed byte of the body fails the checksum. */
static void
test_damaged(void **unused)
{
	struct state		st, back;
	struct state_file	f;
	char			err[512];
	int			fd;

	fill(&st, &f);
	assert_int_equal(state_save(path, &st, err, sizeof err), 0);
	json_decref(st.model);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, " ", 1), 1);
	close(fd);
	assert_int_equal(state_load(path, &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "checksum does not match"));
	state_clear(&back);
}

/* A symlink at the path is refused both ways. */
static void
test_symlink(void **unused)
{
	struct state		st, back;
	struct state_file	f;
	char			err[512], target[320];

	fill(&st, &f);
	snprintf(target, sizeof target, "%s/elsewhere", dir);
	assert_int_equal(state_save(target, &st, err, sizeof err), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(state_save(path, &st, err, sizeof err), -1);
	assert_non_null(strstr(err, "symlink"));
	assert_int_equal(state_load(path, &back, err, sizeof err), -1);
	json_decref(st.model);
	state_clear(&back);
}

/* Text that is not a state is refused. */
static void
test_not_state(void **unused)
{
	struct state	back;
	char		err[512];
	FILE		*fp = fopen(path, "w");

	assert_non_null(fp);
	fputs("{\"version\":1}\n", fp);
	fclose(fp);
	assert_int_equal(state_load(path, &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a fanin state file"));
	state_clear(&back);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_state, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
