#!/bin/sh
# style.sh - the habits of STYLE.md that a machine can check: 80 columns
# in src/ and tests/, no TODO/FIXME/XXX marks in src/, and a comment
# above every function definition in src/.
. "$(dirname "$0")/lib.sh"
cd "$SRCDIR" || exit 1

check "no line over 80 columns (tabs at 8)" "" \
    "$(for f in src/*.[ch] tests/*.c tests/fuzz/*.c; do
	expand -t8 "$f" | awk -v f="$f" 'length > 80 { print f ":" FNR }'
    done)"
check "no TODO/FIXME/XXX in src/" "" \
    "$(grep -nwE 'TODO|FIXME|XXX' src/*.[ch])"
# A definition starts with its name at column 0 after a line holding its
# return type; the line above the return type must close a comment.
check "a comment above every function" "" \
    "$(awk '
	/^[a-z_][a-z0-9_]*\(/ && prev !~ /^(static |const |enum |struct )/ \
	    && prev ~ /^[a-z]/ && prev !~ /;$/ {
		if (prev2 !~ /\*\/$/) print FILENAME ":" FNR
	}
	/^[a-z_][a-z0-9_]*\(/ && prev ~ /^(static |const |enum |struct )/ \
	    && prev !~ /;$/ && prev !~ /[=,]/ {
		if (prev2 !~ /\*\/$/) print FILENAME ":" FNR
	}
	{ prev2 = prev; prev = $0 }' src/*.c)"
finish
