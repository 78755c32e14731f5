# count_tsv.awk - what fanin counts, done in awk: per destination, the
# distinct sources of established RDP connections in a Zeek TSV conn.log.
# RDP means tcp or udp with the responder port in PORTS (a comma list,
# default 3389) or a service naming rdp; established means conn_state SF,
# S1, S2, S3, RSTO or RSTR, or OTH or udp with packets both ways.  Columns
# are found by name from #fields.  Prints destinations and pairs.
BEGIN {
	FS = "\t"
	if (PORTS == "")
		PORTS = "3389"
	n = split(PORTS, list, ",")
	for (i = 1; i <= n; i++)
		rdp_port[list[i]] = 1
	split("SF S1 S2 S3 RSTO RSTR", list, " ")
	for (i in list)
		established[list[i]] = 1
}
/^#fields/ {
	for (i = 2; i <= NF; i++)
		col[$i] = i - 1
	src = col["id.orig_h"]; dst = col["id.resp_h"]
	port = col["id.resp_p"]; proto = col["proto"]
	service = col["service"]; state = col["conn_state"]
	opkts = col["orig_pkts"]; rpkts = col["resp_pkts"]
	next
}
/^#/ { next }
{
	if ($proto != "tcp" && $proto != "udp")
		next
	if (!($port in rdp_port) && $service !~ /rdp/)
		next
	both = $opkts > 0 && $rpkts > 0
	if (!($state in established) &&
	    !(both && ($state == "OTH" || $proto == "udp")))
		next
	key = $dst SUBSEP $src
	if (!(key in seen)) {
		seen[key] = 1
		sources[$dst]++
		pairs++
	}
}
END {
	for (d in sources)
		destinations++
	print destinations + 0, pairs + 0
}
