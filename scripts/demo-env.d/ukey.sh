#!/bin/bash
# Demo UKEYs for `make run`: three blank SoftHSM2 tokens in demo/softhsm
# (SO PIN in demo/softhsm/so-pin, mode 0600), a [ukey] section in the demo
# configuration, the tokens registered in stock, and demo/env exporting
# SOFTHSM2_CONF for the terminal interface.  Run by scripts/demo-env with
# DEMO, CONF, RADESK and ADMIN_PASSWORD set.
set -euo pipefail
cd "$(dirname "$0")/../.."
module=/usr/lib/softhsm/libsofthsm2.so
if [ ! -f "$module" ]; then
	echo "radesk: demo: SoftHSM2 is not installed ($module); no demo UKEYs" >&2
	exit 0
fi
out=$(tests/fixtures/softhsm.sh "$DEMO/softhsm" 3 DEMO)
eval "$out"
serials=$(printf '%s\n' "$out" | sed -n 's/^# token \([^ ]*\) .*/\1/p')
cat >>"$CONF" <<CONF

[ukey]
module = $module
so_pin_file = softhsm/so-pin
CONF
printf 'export SOFTHSM2_CONF=%q\n' "$SOFTHSM2_CONF" >>"$DEMO/env"
# shellcheck disable=SC2086 # one argument per serial
RADESK_PASSWORD="$ADMIN_PASSWORD" "$RADESK" --config "$CONF" --as admin ukey add $serials >/dev/null
echo "radesk: demo: $(printf '%s\n' "$serials" | grep -c .) blank UKEYs in stock (SoftHSM2 in $DEMO/softhsm)"
