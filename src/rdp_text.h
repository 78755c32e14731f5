/*
 * rdp_text.h - whether the bytes of a JSON line could spell an RDP record.
 *
 * The JSON decoders build a tree only for lines that might be RDP; the
 * rest are read for their times alone (record.h).  A line might be RDP
 * when its bytes hold one of the RDP ports as digits, "rdp" in any case,
 * or a backslash, behind which an escape could spell either.  The test
 * looks at bytes, not at JSON, so it can say "maybe" too often but never
 * too rarely.
 */
#ifndef FANIN_RDP_TEXT_H
#define FANIN_RDP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Ports the test can look for at once; with more, every line is parsed. */
#define RDP_TEXT_PORTS_MAX	64

/* The RDP ports written as the digits a JSON line would hold. */
struct rdp_text {
	char	 port_text[RDP_TEXT_PORTS_MAX][8];
	size_t	 port_text_len[RDP_TEXT_PORTS_MAX];
	size_t	 port_texts;
	size_t	 longest;	/* of the port texts and "rdp" */
};

/*
 * Write count ports (0-65535) into *text.  Returns 0, or -1 when there
 * are none, more than RDP_TEXT_PORTS_MAX, or one out of range: the caller
 * must then parse every line.
 */
int	 rdp_text_init(struct rdp_text *text, const int *ports, size_t count);

/*
 * True when len bytes at line hold a port text, "rdp" in any case or a
 * backslash.  Uses SSE2 where the compiler offers it, otherwise
 * rdp_text_may_match_bytewise(); both give the same answer.
 */
bool	 rdp_text_may_match(const struct rdp_text *text, const char *line,
	     size_t len);

/* The same answer by a plain scan of the bytes (and a reference for it). */
bool	 rdp_text_may_match_bytewise(const struct rdp_text *text,
	     const char *line, size_t len);

#endif
