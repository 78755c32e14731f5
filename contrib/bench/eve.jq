# RDP flow events of an eve.json, as count_pairs.awk reads them (MODE=eve).
select(.event_type == "flow" and
    (.dest_port as $p | any($ports[]; . == $p)
     or ((.app_proto // "") | ascii_downcase | contains("rdp"))))
| [.dest_ip, .src_ip, (.tcp.tcp_flags_tc // "0"), (.proto | ascii_downcase),
   (.flow.pkts_toserver // 0), (.flow.pkts_toclient // 0)] | @tsv
