/*
 * record.c - which log a file is, and one line of it to a flow event.
 *
 * fanin is handed files by directory and by glob, named anything, so the
 * format is read from the content: the first line that says something.
 *
 *	"#separator", "#fields", ...	Zeek TSV
 *	ts<TAB>uid<TAB>id.orig_h ...	Zeek TSV from the tsv=T writer
 *	{ ... "event_type" ... }	Suricata eve.json
 *	{ ... "ts" or "uid" ... }	Zeek JSON
 *	"[" or anything else		not a log fanin reads
 *
 * Other '#' lines ("###" from Zeek's test baselines, a "#!" or a remark)
 * are handed to the TSV decoder, which ignores them, and the decision
 * waits for the next line.  A line of tab-separated values with no column
 * names before it is refused as "missing-header" rather than guessed at.
 * Blank lines never decide anything.  Once decided, the format holds for
 * the rest of the input: a later line that does not fit is a rejected
 * record, not a new format.
 *
 * JSON lines are parsed with jansson from the explicit length, so a NUL
 * byte cannot cut a line short unnoticed; a line holding one is refused
 * before jansson sees it.  Nesting is bounded before parsing by a scan of
 * brackets outside strings, which costs one pass over the bytes and keeps
 * a hostile line from exhausting the stack of an older jansson, or this
 * one built with a larger JSON_PARSER_MAX_DEPTH.  Eve lines are first
 * offered to eve_worth_parsing(), so dns, alert and stats events, most of
 * an eve file, are skipped without building a JSON tree.
 *
 * Reasons for a rejected line are fixed strings counted by --stats:
 * "bad-json" here, the field reasons from the decoders, and for an input
 * that is not a log "unrecognised-format" or "missing-header".
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "eve.h"
#include "record.h"
#include "util.h"
#include "zeek_json.h"
#include "zeek_tsv.h"

/* Nesting allowed when the caller gives no limit; eve needs about five. */
#define DEFAULT_JSON_DEPTH	64

/* The decoding state of one input. */
struct record_decoder {
	enum record_format	 format;
	unsigned		 max_json_depth;
	struct zeek_tsv		*tsv;	/* made at the first '#' line
					   or TSV row */
};

/* A decoder that has not yet seen its input's format. */
struct record_decoder *
record_decoder_new(const struct record_limits *limits)
{
	struct record_decoder	*decoder = xcalloc(1, sizeof *decoder);

	decoder->format = RECORD_UNKNOWN;
	decoder->max_json_depth = DEFAULT_JSON_DEPTH;
	if (limits != NULL && limits->max_json_depth > 0)
		decoder->max_json_depth = limits->max_json_depth;
	return decoder;
}

/* Free the decoder and the TSV header it holds. */
void
record_decoder_free(struct record_decoder *decoder)
{
	if (decoder == NULL)
		return;
	zeek_tsv_free(decoder->tsv);
	free(decoder);
}

/* The format settled on so far. */
enum record_format
record_decoder_format(const struct record_decoder *decoder)
{
	return decoder->format;
}

/* The short name of a format, as --stats prints it. */
const char *
record_format_name(enum record_format format)
{
	switch (format) {
	case RECORD_ZEEK_TSV:
		return "zeek-tsv";
	case RECORD_ZEEK_JSON:
		return "zeek-json";
	case RECORD_EVE:
		return "eve";
	default:
		return "unknown";
	}
}

/* The ECS event.dataset of a flow event's source record. */
const char *
flow_dataset_name(enum flow_dataset dataset)
{
	switch (dataset) {
	case FLOW_ZEEK_CONN:
		return "zeek.conn";
	case FLOW_ZEEK_RDP:
		return "zeek.rdp";
	case FLOW_EVE_FLOW:
		return "suricata.flow";
	case FLOW_EVE_RDP:
		return "suricata.rdp";
	}
	return "unknown";
}

/* True when every byte is blank (space, tab, CR) or there are none. */
static bool
is_blank(const char *line, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

/*
 * True when brackets outside strings nest deeper than max.  Unbalanced
 * input is left for the parser to refuse.
 */
static bool
json_too_deep(const char *line, size_t len, unsigned max)
{
	unsigned	depth = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		switch (line[i]) {
		case '"':
			/* Skip the string, escaped quotes included. */
			for (i++; i < len && line[i] != '"'; i++)
				if (line[i] == '\\')
					i++;
			break;
		case '{':
		case '[':
			if (++depth > max)
				return true;
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		}
	}
	return false;
}

/*
 * Parse one JSON line and hand the object to the decoder of the format;
 * with the format not yet known, the object decides it.
 */
static enum record_result
decode_json(struct record_decoder *decoder, const char *line, size_t len,
    struct flow_event *event, const char **reason)
{
	json_t			*root;
	json_error_t		 error;
	enum record_result	 result;

	if (decoder->format == RECORD_EVE && !eve_worth_parsing(line, len))
		return RECORD_SKIP;
	if (memchr(line, '\0', len) != NULL ||
	    json_too_deep(line, len, decoder->max_json_depth))
		goto bad;
	root = json_loadb(line, len, 0, &error);
	if (root == NULL)
		goto bad;
	if (!json_is_object(root)) {
		json_decref(root);
		goto bad;
	}

	if (decoder->format == RECORD_UNKNOWN) {
		if (eve_sniff(root))
			decoder->format = RECORD_EVE;
		else if (zeek_json_sniff(root))
			decoder->format = RECORD_ZEEK_JSON;
		else {
			json_decref(root);
			*reason = "unrecognised-format";
			return RECORD_UNRECOGNISED;
		}
	}
	if (decoder->format == RECORD_EVE)
		result = eve_decode(root, event, reason);
	else
		result = zeek_json_decode(root, event, reason);
	json_decref(root);
	return result;

bad:
	*reason = "bad-json";
	return RECORD_REJECT;
}

/* The TSV decoder, made on first use. */
static struct zeek_tsv *
tsv_decoder(struct record_decoder *decoder)
{
	if (decoder->tsv == NULL)
		decoder->tsv = zeek_tsv_new();
	return decoder->tsv;
}

/* Decide the format from the first line that tells, and decode it. */
static enum record_result
decode_first(struct record_decoder *decoder, const char *line, size_t len,
    struct flow_event *event, const char **reason)
{
	const char	*p = line;
	size_t		 n = len;

	/* A byte order mark or indentation says nothing about the format. */
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if (n == 0)
		return RECORD_SKIP;

	if (p[0] == '#') {
		if (zeek_tsv_sniff(p, n))
			decoder->format = RECORD_ZEEK_TSV;
		return zeek_tsv_decode(tsv_decoder(decoder), p, n, event,
		    reason);
	}
	if (p[0] == '{')
		return decode_json(decoder, p, n, event, reason);
	if (zeek_tsv_sniff(p, n)) {
		decoder->format = RECORD_ZEEK_TSV;
		return zeek_tsv_decode(tsv_decoder(decoder), p, n, event,
		    reason);
	}
	*reason = memchr(p, '\t', n) != NULL ? "missing-header" :
	    "unrecognised-format";
	return RECORD_UNRECOGNISED;
}

/* Decode one line of an input; see record.h. */
enum record_result
record_decode(struct record_decoder *decoder, const char *line, size_t len,
    struct flow_event *event, const char **reason)
{
	if (len == 0 || ((line[0] == ' ' || line[0] == '\t' ||
	    line[0] == '\r') && is_blank(line, len)))
		return RECORD_SKIP;

	switch (decoder->format) {
	case RECORD_ZEEK_TSV:
		return zeek_tsv_decode(decoder->tsv, line, len, event, reason);
	case RECORD_ZEEK_JSON:
	case RECORD_EVE:
		return decode_json(decoder, line, len, event, reason);
	default:
		return decode_first(decoder, line, len, event, reason);
	}
}
