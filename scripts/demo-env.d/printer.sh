#!/bin/bash
# The demo's printer for `make run`: a private cupsd in demo/cups (only a
# local socket, no network port) with a queue "demo" whose device is the
# file demo/printed/last.pdf, so the print dialog goes through CUPS as at a
# real counter.  [print] printer names it; demo/env exports CUPS_SERVER.
# Needs root (cupsd runs its filters as user lp); otherwise prints stay PDF
# files.  scripts/demo-env starts it again on every run.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" -ne 0 ] || ! command -v cupsd >/dev/null; then
	echo "radesk: demo: no private CUPS printer (needs root and cupsd); prints are saved as PDF" >&2
	exit 0
fi
CUPSD_DIR="$DEMO/cups"
TESTTMP="$DEMO"
. tests/fixtures/cupsd.sh
trap - EXIT
chmod 711 "$DEMO"          # lp passes through to demo/cups and demo/printed, nothing else
mkdir -p "$DEMO/printed"
chmod 1777 "$DEMO/printed"
cupsd_configure
scripts/demo-env.d/printer-start "$DEMO" || exit 0
export CUPS_SERVER="$CUPSD_DIR/cups.sock"
cupsd_queue demo "$DEMO/printed/last.pdf"
cat >>"$CONF" <<CONF

[print]
printer = demo
CONF
printf 'export CUPS_SERVER=%q\n' "$CUPS_SERVER" >>"$DEMO/env"
echo "radesk: demo: printer 'demo' (a private CUPS queue writing $DEMO/printed/last.pdf)"
