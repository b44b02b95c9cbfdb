#!/bin/bash
# The manuals cover every command and every configuration key.
. "$SRCDIR/tests/lib.sh"
for cmd in $(sed -n 's/^CLI_COMMAND("\([a-z-]*\)".*/\1/p' "$SRCDIR/cli/commands.def"); do
	like "$(cat "$SRCDIR/docs/radesk.1")" "^\.(TP|B|BI|BR).*$cmd" "radesk.1 documents '$cmd'"
	expect_rc 0 "radesk help $cmd" "$RADESK" help "$cmd"
done
set -f # a wildcard key "*" must not expand to file names
for key in $(sed -n 's/^RD_CONFIG_KEY("[^"]*", "\([a-z_*]*\)".*/\1/p' "$SRCDIR/core/config_keys.def" | sort -u); do
	[ "$key" = "*" ] && continue
	like "$(cat "$SRCDIR/docs/radesk.conf.5")" "^\.B $key\$" "radesk.conf.5 documents '$key'"
done
set +f
done_testing
