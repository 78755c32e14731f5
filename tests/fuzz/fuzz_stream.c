/*
 * fuzz_stream.c - libFuzzer harness for decompression and framing: the
 * input is written to a pipe in two parts (so a stream is also resumed
 * after "nothing more now"), read through stream.c and cut into lines by
 * lines.c with a small line limit.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "lines.h"
#include "stream.h"
#include "util.h"

/* Read whatever the stream has now into the line reader. */
static int
drain(struct stream *s, struct line_reader *lr)
{
	char		buf[4096];
	struct line	l;
	ssize_t		n;

	while ((n = stream_read(s, buf, sizeof buf)) > 0) {
		line_reader_feed(lr, buf, (size_t)n);
		while (line_reader_next(lr, false, &l))
			continue;
	}
	return n < 0 ? -1 : 0;
}

/* Decompress and frame the input, delivered in two writes. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream		*s;
	struct line_reader	*lr;
	struct line		 l;
	char			 err[256];
	int			 fds[2];
	size_t			 half = size / 2;

	if (size > 60000 || pipe2(fds, O_NONBLOCK) != 0)
		return 0;
	log_set_quiet(1);
	s = stream_fdopen(fds[0], "fuzz", err, sizeof err);
	lr = line_reader_new(512);
	if (write(fds[1], data, half) == (ssize_t)half && drain(s, lr) == 0 &&
	    write(fds[1], data + half, size - half) == (ssize_t)(size - half)) {
		close(fds[1]);
		fds[1] = -1;
		drain(s, lr);
		stream_status(s);
		while (line_reader_next(lr, true, &l))
			continue;
	}
	if (fds[1] >= 0)
		close(fds[1]);
	line_reader_free(lr);
	stream_close(s);
	return 0;
}
