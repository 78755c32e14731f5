/*
 * sketch.h - distinct counting of sources: an exact small set that
 * promotes to a HyperLogLog sketch past a size.  See sketch.c for the
 * design, its error bound and its memory per destination.
 */
#ifndef FANIN_SKETCH_H
#define FANIN_SKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sketch;

/* An empty sketch (a few bytes until its first element). */
struct sketch	*sketch_new(void);

/* Free the sketch. */
void		 sketch_free(struct sketch *);

/*
 * Add an element given by its 64-bit hash (addr_hash()).  Returns true
 * when the estimate may have changed (a new element in the exact set, or
 * a register raised), false when the element was surely seen before.
 */
bool		 sketch_add(struct sketch *, uint64_t hash);

/* The number of distinct elements: exact while small, estimated after. */
uint64_t	 sketch_count(const struct sketch *);

/* True while the count is exact. */
bool		 sketch_is_exact(const struct sketch *);

/* Add every element of src into dst (union). */
void		 sketch_merge(struct sketch *dst, const struct sketch *src);

/* Bytes of memory the sketch holds, header included. */
size_t		 sketch_bytes(const struct sketch *);

/*
 * Serialise into a malloc'd buffer (*len bytes) for the state file, and
 * back.  sketch_decode returns NULL when the bytes are not a sketch.
 */
uint8_t		*sketch_encode(const struct sketch *, size_t *len);
struct sketch	*sketch_decode(const uint8_t *bytes, size_t len);

#endif
