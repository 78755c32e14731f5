/*
 * test_filter.c - the RDP rule, the established rule and the exclusions,
 * one case per row of the rule in DESIGN.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "filter.h"
#include "options.h"

/* Build a flow event for the table below. */
static struct flow_event
make_event(enum flow_dataset ds, const char *transport, int sport,
    int dport, const char *service, enum flow_setup setup)
{
	struct flow_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.dataset = ds;
	addr_parse("198.51.100.10", 13, &ev.source);
	addr_parse("203.0.113.5", 11, &ev.destination);
	ev.source_port = sport;
	ev.destination_port = dport;
	snprintf(ev.transport, sizeof ev.transport, "%s", transport);
	snprintf(ev.service, sizeof ev.service, "%s", service);
	ev.setup = setup;
	return ev;
}

/* Options as the command line would give them. */
static void
make_options(struct options *o, bool attempts)
{
	memset(o, 0, sizeof *o);
	o->ports[0] = 3389;
	o->nports = 1;
	o->count_attempts = attempts;
}

/* Each way a record can be RDP, and ways it is not. */
static void
test_rdp_rule(void **state)
{
	struct options		o;
	struct filter		f;
	struct flow_event	ev;

	make_options(&o, false);
	filter_init(&f, &o);
	ev = make_event(FLOW_ZEEK_CONN, "tcp", 50000, 3389, "",
	    FLOW_SETUP_ESTABLISHED);
	assert_int_equal(filter_check(&f, &ev), FILTER_COUNTED);
	ev = make_event(FLOW_ZEEK_CONN, "tcp", 50000, 443, "ssl,rdp",
	    FLOW_SETUP_ESTABLISHED);
	assert_int_equal(filter_check(&f, &ev), FILTER_COUNTED);
	ev = make_event(FLOW_ZEEK_CONN, "udp", 50000, 3389, "rdpeudp",
	    FLOW_SETUP_ESTABLISHED);
	assert_int_equal(filter_check(&f, &ev), FILTER_COUNTED);
	ev = make_event(FLOW_ZEEK_CONN, "tcp", 3389, 50000, "ssl",
	    FLOW_SETUP_ESTABLISHED);
	assert_int_equal(filter_check(&f, &ev), FILTER_NOT_RDP);
	ev = make_event(FLOW_ZEEK_CONN, "icmp", FLOW_NO_PORT, FLOW_NO_PORT,
	    "", FLOW_SETUP_ESTABLISHED);
	assert_int_equal(filter_check(&f, &ev), FILTER_NOT_RDP);
	ev = make_event(FLOW_EVE_FLOW, "tcp", 50000, 8443, "rdp",
	    FLOW_SETUP_ESTABLISHED);
	assert_int_equal(filter_check(&f, &ev), FILTER_COUNTED);
	ev = make_event(FLOW_ZEEK_RDP, "tcp", 50000, 13389, "",
	    FLOW_SETUP_ESTABLISHED);
	assert_int_equal(filter_check(&f, &ev), FILTER_COUNTED);
}

/* Attempts count only when asked; unknown state is not established. */
static void
test_established_rule(void **state)
{
	struct options		o;
	struct filter		f;
	struct flow_event	ev;

	make_options(&o, false);
	filter_init(&f, &o);
	ev = make_event(FLOW_ZEEK_CONN, "tcp", 50000, 3389, "",
	    FLOW_SETUP_ATTEMPT);
	assert_int_equal(filter_check(&f, &ev), FILTER_NOT_ESTABLISHED);
	ev.setup = FLOW_SETUP_UNKNOWN;
	assert_int_equal(filter_check(&f, &ev), FILTER_NOT_ESTABLISHED);
	make_options(&o, true);
	filter_init(&f, &o);
	ev.setup = FLOW_SETUP_ATTEMPT;
	assert_int_equal(filter_check(&f, &ev), FILTER_COUNTED);
	ev.setup = FLOW_SETUP_UNKNOWN;
	assert_int_equal(filter_check(&f, &ev), FILTER_COUNTED);
}

/* An rdp record logged server to client is turned around. */
static void
test_orientation(void **state)
{
	struct options		o;
	struct filter		f;
	struct flow_event	ev;
	char			text[ADDR_TEXT_MAX];

	make_options(&o, false);
	filter_init(&f, &o);
	ev = make_event(FLOW_EVE_RDP, "tcp", 3389, 50000, "rdp",
	    FLOW_SETUP_ESTABLISHED);
	assert_int_equal(filter_check(&f, &ev), FILTER_COUNTED);
	addr_format(&ev.destination, text);
	assert_string_equal(text, "198.51.100.10");
	assert_int_equal(ev.destination_port, 3389);
	assert_int_equal(ev.source_port, 50000);
}

/* Excluded sources and destinations do not count. */
static void
test_exclusions(void **state)
{
	struct options		o;
	struct filter		f;
	struct flow_event	ev;
	struct cidr		src, dst;
	const char		*cause;

	make_options(&o, false);
	assert_int_equal(cidr_parse("198.51.100.0/24", &src, &cause), 0);
	assert_int_equal(cidr_parse("2001:db8::/32", &dst, &cause), 0);
	o.exclude_source.items = &src;
	o.exclude_source.count = 1;
	filter_init(&f, &o);
	ev = make_event(FLOW_ZEEK_CONN, "tcp", 50000, 3389, "",
	    FLOW_SETUP_ESTABLISHED);
	assert_int_equal(filter_check(&f, &ev), FILTER_EXCLUDED_SOURCE);
	o.exclude_source.count = 0;
	o.exclude_destination.items = &dst;
	o.exclude_destination.count = 1;
	filter_init(&f, &o);
	assert_int_equal(filter_check(&f, &ev), FILTER_COUNTED);
	addr_parse("2001:db8::5", 11, &ev.destination);
	assert_int_equal(filter_check(&f, &ev),
	    FILTER_EXCLUDED_DESTINATION);
}

/* Run the filter tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rdp_rule),
		cmocka_unit_test(test_established_rule),
		cmocka_unit_test(test_orientation),
		cmocka_unit_test(test_exclusions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
