#!/bin/sh
# contrib.sh - what ships beside the program: the manual pages render
# without warnings and list every option; the systemd unit, logrotate
# file and shipper configurations are checked by their own tools where
# those are installed (each check says when it is skipped).
. "$(dirname "$0")/lib.sh"
cd "$SRCDIR" || exit 1

if command -v groff >/dev/null 2>&1; then
	for m in doc/fanin.1 doc/fanin.conf.5; do
		check "$m renders without warnings" "" \
		    "$(LC_ALL=C.UTF-8 groff -man -ww -z "$m" 2>&1)"
	done
	LC_ALL=C groff -man -Tascii -P-c doc/fanin.1 2>/dev/null |
	    sed 's/.\x08//g' > "$TMP/fanin.txt"
	for o in $("$FANIN" --help |
	    sed -n 's/^ *\(-., \)\{0,1\}--\([a-z-]*\).*/\2/p'); do
		check "fanin(1) documents --$o" yes \
		    "$(grep -q -- "--$o" "$TMP/fanin.txt" && echo yes)"
	done
else
	echo "skip - groff not installed: manual pages not rendered"
fi

# Every long option is a key of fanin.conf(5).
for o in $("$FANIN" --help |
    sed -n 's/^ *\(-., \)\{0,1\}--\([a-z-]*\).*/\2/p'); do
	case $o in help|version|config) continue ;; esac
	check "fanin.conf(5) documents $o" yes \
	    "$(sed 's/\\-/-/g' doc/fanin.conf.5 | grep -qx ".B $o" && echo yes)"
done

if command -v systemd-analyze >/dev/null 2>&1 &&
    [ -d /run/systemd/system ]; then
	check "systemd unit verifies" "" \
	    "$(systemd-analyze verify contrib/systemd/fanin.service 2>&1 |
	    grep -v 'fanin: .*not found\|Command /usr/local/bin/fanin')"
else
	echo "skip - no running systemd: unit not verified"
fi

if command -v logrotate >/dev/null 2>&1; then
	logrotate -d contrib/logrotate/fanin > "$TMP/lr" 2>&1
	check "logrotate file parses" 0 "$(grep -ci 'error' "$TMP/lr")"
else
	echo "skip - logrotate not installed"
fi
finish
