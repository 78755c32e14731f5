/*
 * state.c - reading and writing the state file.
 *
 * A state file is trusted only as far as it proves itself.  Its first
 * line names the format, its version and a checksum (XXH64 of the body,
 * seed 0, as the xxh64sum tool prints it); a file cut short by a full
 * disk, or edited by hand without fixing the checksum, is refused with a
 * message rather than half believed, because a wrong offset silently
 * skips records or reads them twice.
 *
 * Writing follows the one order that leaves either the old state or the
 * new one on disk whatever moment the machine stops at: write a
 * temporary file in the same directory (same file system, so the rename
 * is atomic), fsync it, rename it over the old one, fsync the directory
 * so the rename itself is durable.  The file is created 0600: it holds
 * the addresses the model has seen.  A symlink at the state path is
 * refused both ways, so that a link planted there cannot make fanin
 * overwrite another file.
 *
 * Offsets and identities are 64-bit JSON integers (jansson's json_int_t
 * is long long), so an offset past 2 GiB or 4 GiB round-trips exactly;
 * the fingerprint, which uses all 64 bits, is written as hex text.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "state.h"
#include "util.h"

#define STATE_MAGIC		"fanin-state"
#define STATE_MAX_BYTES		(1024L * 1024 * 1024)

/* ---------------------------------------------------------------- */
/* Entries to and from JSON                                         */
/* ---------------------------------------------------------------- */

/* One file entry as a JSON object. */
static json_t *
file_to_json(const struct state_file *f)
{
	char	 hex[17];
	json_t	*j;

	snprintf(hex, sizeof hex, "%016" PRIx64, f->fingerprint);
	j = json_pack("{s:I, s:I, s:s, s:I, s:I, s:s}",
	    "dev", (json_int_t)f->dev,
	    "inode", (json_int_t)f->inode,
	    "fingerprint", hex,
	    "offset", (json_int_t)f->offset,
	    "header", f->header_offset == STATE_NO_HEADER ? (json_int_t)-1 :
	    (json_int_t)f->header_offset,
	    "path", f->path != NULL ? f->path : "");
	if (f->drained)
		json_object_set_new(j, "drained", json_true());
	return j;
}

/* Read one file entry; returns 0, or -1 when a field is missing. */
static int
file_from_json(const json_t *j, struct state_file *f)
{
	json_int_t	 dev, inode, offset, header;
	const char	*hex, *path;
	char		*end;

	if (json_unpack((json_t *)j, "{s:I, s:I, s:s, s:I, s:I, s:s}",
	    "dev", &dev, "inode", &inode, "fingerprint", &hex,
	    "offset", &offset, "header", &header, "path", &path) != 0)
		return -1;
	if (offset < 0 || strlen(hex) != 16)
		return -1;
	errno = 0;
	f->fingerprint = strtoull(hex, &end, 16);
	if (errno != 0 || *end != '\0')
		return -1;
	f->dev = (uint64_t)dev;
	f->inode = (uint64_t)inode;
	f->offset = (uint64_t)offset;
	f->header_offset = header < 0 ? STATE_NO_HEADER : (uint64_t)header;
	f->drained = json_is_true(json_object_get(j, "drained"));
	f->path = xstrdup(path);
	return 0;
}

/* Fill st from the body's JSON; returns 0 or -1 with a cause. */
static int
body_from_json(const json_t *body, struct state *st, const char **cause)
{
	const json_t	*files, *version;
	size_t		 i;

	version = json_object_get(body, "version");
	if (!json_is_integer(version) ||
	    json_integer_value(version) != STATE_VERSION) {
		*cause = "not version 1";
		return -1;
	}
	files = json_object_get(body, "files");
	if (!json_is_array(files)) {
		*cause = "no list of files";
		return -1;
	}
	st->files = xcalloc(json_array_size(files) + 1, sizeof *st->files);
	for (i = 0; i < json_array_size(files); i++) {
		if (file_from_json(json_array_get(files, i),
		    &st->files[st->nfiles]) != 0) {
			*cause = "a file entry lacks a field";
			return -1;
		}
		st->nfiles++;
	}
	st->model = json_object_get(body, "model");
	if (st->model != NULL && !json_is_object(st->model))
		st->model = NULL;
	if (st->model != NULL)
		json_incref(st->model);
	st->run = json_object_get(body, "run");
	if (st->run != NULL)
		json_incref(st->run);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Reading                                                          */
/* ---------------------------------------------------------------- */

/* Read the whole file behind fd into a malloc'd buffer. */
static char *
slurp(int fd, size_t *len)
{
	char	*buf = NULL;
	size_t	 size = 0, used = 0;
	ssize_t	 n;

	for (;;) {
		if (used + 1 >= size) {
			size = size ? size * 2 : 65536;
			if (size > STATE_MAX_BYTES) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			buf = xrealloc(buf, size);
		}
		n = read(fd, buf + used, size - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	*len = used;
	return buf;
}

/* Check the header line and checksum; returns the body or NULL. */
static const char *
check_header(const char *text, size_t len, size_t *body_len,
    const char **cause)
{
	const char	*nl, *body;
	char		 expect[64];
	unsigned	 version;
	uint64_t	 sum;
	char		 hex[17];

	nl = memchr(text, '\n', len);
	if (nl == NULL || nl - text > 60 ||
	    sscanf(text, STATE_MAGIC " %u xxh64=%16s", &version, hex) != 2) {
		*cause = "not a fanin state file (no fanin-state header)";
		return NULL;
	}
	if (version != STATE_VERSION) {
		*cause = "a state of another version";
		return NULL;
	}
	body = nl + 1;
	*body_len = len - (size_t)(body - text);
	sum = XXH64(body, *body_len, 0);
	snprintf(expect, sizeof expect, "%016" PRIx64, sum);
	if (strcmp(expect, hex) != 0) {
		*cause = "checksum does not match (cut short or edited)";
		return NULL;
	}
	return body;
}

/* Read the state file at path. */
int
state_load(const char *path, struct state *out, char *err, size_t errlen)
{
	const char	*cause = NULL, *body;
	char		*text;
	size_t		 len, body_len;
	json_t		*j;
	json_error_t	 jerr;
	int		 fd, rc = -1;

	memset(out, 0, sizeof *out);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		return 1;
	if (fd == -1) {
		snprintf(err, errlen, "state=%s cannot be opened: %s%s", path,
		    strerror(errno), errno == ELOOP ? " (a symlink is "
		    "refused)" : "");
		return -1;
	}
	text = slurp(fd, &len);
	close(fd);
	if (text == NULL) {
		snprintf(err, errlen, "state=%s cannot be read: %s", path,
		    strerror(errno));
		return -1;
	}
	/* fanin never leaves an empty state (it renames a whole file in
	   place): an empty one was made by hand, to be filled. */
	if (len == 0) {
		free(text);
		return 1;
	}
	if ((body = check_header(text, len, &body_len, &cause)) != NULL) {
		j = json_loadb(body, body_len, 0, &jerr);
		if (j == NULL)
			cause = "body is not JSON";
		else {
			if (!json_is_object(j))
				cause = "body is not a JSON object";
			else if (body_from_json(j, out, &cause) == 0)
				rc = 0;
			json_decref(j);
		}
	}
	free(text);
	if (rc != 0)
		snprintf(err, errlen, "state=%s refused: %s", path, cause);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Writing                                                          */
/* ---------------------------------------------------------------- */

/* Write all of buf to fd. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The body of st as compact JSON text (malloc'd). */
static char *
body_text(const struct state *st)
{
	json_t	*body, *files;
	char	*text;
	size_t	 i;

	files = json_array();
	for (i = 0; i < st->nfiles; i++)
		json_array_append_new(files, file_to_json(&st->files[i]));
	body = json_object();
	json_object_set_new(body, "version", json_integer(STATE_VERSION));
	json_object_set_new(body, "files", files);
	if (st->model != NULL)
		json_object_set(body, "model", st->model);
	if (st->run != NULL)
		json_object_set(body, "run", st->run);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL)
		abort();
	return text;
}

/* fsync the directory that holds path, so a rename in it is durable. */
static int
sync_directory(const char *path)
{
	char	*copy = xstrdup(path);
	int	 fd, rc;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Write st to path atomically. */
int
state_save(const char *path, const struct state *st, char *err,
    size_t errlen)
{
	struct stat	 sb;
	char		*body, *tmp, header[64];
	int		 fd, saved;

	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
		snprintf(err, errlen, "state=%s is a symlink; refused, state "
		    "not saved", path);
		return -1;
	}
	body = body_text(st);
	snprintf(header, sizeof header, STATE_MAGIC " %d xxh64=%016" PRIx64
	    "\n", STATE_VERSION, (uint64_t)XXH64(body, strlen(body), 0));
	tmp = xmalloc(strlen(path) + 32);
	sprintf(tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		goto fail;
	if (write_all(fd, header, strlen(header)) != 0 ||
	    write_all(fd, body, strlen(body)) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	free(tmp);
	free(body);
	if (sync_directory(path) != 0) {
		snprintf(err, errlen, "state=%s saved, but its directory "
		    "could not be synced: %s", path, strerror(errno));
		return -1;
	}
	return 0;
fail:
	snprintf(err, errlen, "state=%s cannot be written (%s); the previous "
	    "state is kept", path, strerror(errno));
	free(tmp);
	free(body);
	return -1;
}

/* Free what a state holds. */
void
state_clear(struct state *st)
{
	size_t	i;

	for (i = 0; i < st->nfiles; i++)
		free(st->files[i].path);
	free(st->files);
	if (st->model != NULL)
		json_decref(st->model);
	if (st->run != NULL)
		json_decref(st->run);
	memset(st, 0, sizeof *st);
}
