# count_pairs.awk - the distinct count after jq: reads tab-separated
# "destination source state proto orig_pkts resp_pkts" lines of RDP
# records (jq already chose them), keeps the established ones by fanin's
# rule, and prints destinations and distinct (destination, source) pairs.
# With MODE=eve the state column is tcp.tcp_flags_tc in hex: established
# when the server sent SYN and ACK (0x12), or for udp packets both ways.
BEGIN {
	FS = "\t"
	split("SF S1 S2 S3 RSTO RSTR", list, " ")
	for (i in list)
		established[list[i]] = 1
	for (i = 0; i < 16; i++)
		digit[substr("0123456789abcdef", i + 1, 1)] = i
}
# The value of a hex string, lower case.
function hex(s,    i, v) {
	s = tolower(s)
	for (i = 1; i <= length(s); i++)
		v = v * 16 + digit[substr(s, i, 1)]
	return v
}
{
	both = $5 > 0 && $6 > 0
	if (MODE == "eve") {
		f = hex($3)
		ok = $4 == "udp" ? both : \
		    (int(f / 2) % 2 == 1 && int(f / 16) % 2 == 1)
	} else
		ok = ($3 in established) || \
		    (both && ($3 == "OTH" || $4 == "udp"))
	if (!ok)
		next
	key = $1 SUBSEP $2
	if (!(key in seen)) {
		seen[key] = 1
		sources[$1]++
		pairs++
	}
}
END {
	for (d in sources)
		destinations++
	print destinations + 0, pairs + 0
}
