/*
 * zeek_tsv.h - Zeek's ASCII (TSV) writer: conn.log and rdp.log.
 *
 * The header drives everything: "#separator" (written escaped, "\x09"),
 * "#set_separator", "#empty_field", "#unset_field", "#path", "#fields",
 * "#types".  A new header may start mid-file and replaces the one in force;
 * "#close" ends a block.  Columns are found by name (id.orig_h, or
 * id_orig_h from field-name-map), so extra columns (_node_name, labels)
 * are fine.  A file with no "#fields" but a first line naming the columns
 * (the tsv=T writer) is accepted too; one with neither is not a log.
 * Values are unescaped (\xNN) before use.
 */
#ifndef FANIN_ZEEK_TSV_H
#define FANIN_ZEEK_TSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct zeek_tsv;

/*
 * A decoder with no header yet.  limits (may be NULL) gives the RDP ports
 * and whether rows that cannot be RDP may be read for their times only.
 */
struct zeek_tsv		*zeek_tsv_new(const struct record_limits *);

/* Free the decoder and its header. */
void			 zeek_tsv_free(struct zeek_tsv *);

/*
 * True when a column map is in force: a row can be read.  A decoder keeps
 * its header while the input is in another format (record.h), so rows
 * that follow later are read by it.
 */
bool			 zeek_tsv_has_fields(const struct zeek_tsv *);

/* True when a file's first line looks like the start of a Zeek TSV log. */
bool			 zeek_tsv_sniff(const char *line, size_t len);

/*
 * Whether a Zeek conn record was established, from its conn_state
 * (state_len bytes; 0 when absent), its transport and its counters.  Both
 * Zeek formats use this one table: SF S1 S2 S3 RSTO RSTR are established;
 * S0 REJ RSTOS0 RSTRH SH SHR are attempts; OTH is established with data
 * both ways; UDP with packets both ways is established whatever the state;
 * an absent or unknown state is unknown.
 */
enum flow_setup		 zeek_conn_setup(const char *state, size_t state_len,
			     bool udp, uint64_t orig_pkts, uint64_t resp_pkts,
			     uint64_t orig_bytes, uint64_t resp_bytes);

/* Decode one line; results and reasons as record_decode(). */
enum record_result	 zeek_tsv_decode(struct zeek_tsv *, const char *line,
			     size_t len, struct flow_event *,
			     const char **reason);

#endif
