# RDP records of a Zeek JSON conn.log, as count_pairs.awk reads them.
select((.proto == "tcp" or .proto == "udp") and
    (.["id.resp_p"] as $p | any($ports[]; . == $p)
     or ((.service // "") | tostring | ascii_downcase | contains("rdp"))))
| [.["id.resp_h"], .["id.orig_h"], (.conn_state // ""), .proto,
   (.orig_pkts // 0), (.resp_pkts // 0)] | @tsv
