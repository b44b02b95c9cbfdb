#!/bin/bash
# The CA outbox end to end: N approved applications with software CSRs
# submitted through the RA (`radesk ca submit --all`: claim, send, check,
# certificate + state + audit in the database) to a local cfssl CA with
# mutual TLS, beside the raw signing rate of the same CA in the same run
# (bench_ca: a plain kept-alive libcurl client) and a client opening a new
# TLS connection per request.
#   bench/ca_outbox.sh BUILD_DIR      (N from $BENCH_CA_N, default 1000;
#   [ca] parallel from $BENCH_CA_PARALLEL, default the driver's)
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_CA_N:-1000}
for b in tools/ca_prep bench/bench_ca radesk; do
	[ -x "$BUILD/$b" ] || (cd "$SRC" && make -s BUILD="$(basename "$BUILD")" "$(basename "$BUILD")/$b" >/dev/null) ||
		{ echo "bench/ca_outbox.sh: $BUILD/$b not built" >&2; exit 1; }
done
T=$(mktemp -d /tmp/radesk-bench-caq.XXXXXX)
. "$SRC/tests/fixtures/cfssl-ca.sh"
trap 'cfssl_ca_stop "$T/ca"; rm -rf "$T"' EXIT
cfssl_ca_start "$T/ca" >/dev/null || exit 1
export HOME=$T XDG_DATA_HOME=$T/xdg XDG_CONFIG_HOME=$T/cfg RADESK_CONFIG=$T/radesk.conf
unset RADESK_FIXED_TIME
cat >"$RADESK_CONFIG" <<CONF
[radesk]
data_dir = $T/data
service_point = SP01
[ca]
$(cfssl_ca_conf)
parallel = ${BENCH_CA_PARALLEL:-0}
CONF
R=$BUILD/radesk
RADESK_PASSWORD=admin-password-1 "$R" init --admin admin >/dev/null || exit 1
for u in clerk:clerk reviewer:reviewer; do
	RADESK_PASSWORD=admin-password-1 RADESK_NEW_PASSWORD=${u%%:*}-password-1 \
		"$R" --as admin user add "${u%%:*}" --role "${u#*:}" >/dev/null || exit 1
done
"$BUILD/tools/ca_prep" approve "$N" >/dev/null && "$BUILD/tools/ca_prep" request >/dev/null || exit 1

# The CA's certdb (SQLite, a sync per certificate) is sensitive to other
# disk writes: let the preparation's writes settle, and measure the raw
# client before and after the RA, reporting their mean.
sync; sleep 1
raw1=$("$BUILD/bench/bench_ca" "$CA_URL" "$CA_TRUST" "$CA_CLIENT_CERT" "$CA_CLIENT_KEY" "$N" user)
sync
out=$(RADESK_PASSWORD=clerk-password-1 "$R" --as clerk --json ca submit --all) || { echo "submit failed: $out"; exit 1; }
sync
raw2=$("$BUILD/bench/bench_ca" "$CA_URL" "$CA_TRUST" "$CA_CLIENT_CERT" "$CA_CLIENT_KEY" "$N" user)
ra_done=$(echo "$out" | jq .issued)
ra_s=$(echo "$out" | jq .seconds)
ra=$(echo "$ra_done $ra_s" | awk '{printf "%.0f", $1 / $2}')
rate() { sed -n "s/.*$1.*| \([0-9]*\) req\/s |\$/\1/p"; }
r1=$(echo "$raw1" | rate "raw cfssl sign, one"); r2=$(echo "$raw2" | rate "raw cfssl sign, one")
p1=$(echo "$raw1" | rate "raw cfssl sign, 4"); p2=$(echo "$raw2" | rate "raw cfssl sign, 4")
f1=$(echo "$raw1" | rate "new TLS connection"); f2=$(echo "$raw2" | rate "new TLS connection")
raw=$(( (r1 + r2) / 2 )); fresh=$(( (f1 + f2) / 2 ))
echo "| ca_outbox: RA end to end (ca submit --all: claim, send, check, certificate + state + audit) | $ra_done/$N | $ra req/s |"
echo "| ca_outbox: raw cfssl sign, one kept-alive TLS connection (same CA, before/after the RA: $r1, $r2) | | $raw req/s |"
echo "| ca_outbox: raw cfssl sign, 4 kept-alive connections at once (before/after) | | $(( (p1 + p2) / 2 )) req/s |"
echo "| ca_outbox: new TLS connection per request (same CA, before/after: $f1, $f2) | | $fresh req/s |"
awk -v a="$ra" -v r="$raw" -v f="$fresh" 'BEGIN {
	printf "| ca_outbox: RA / raw | | %.2f (goal >= 0.9) |\n", a / r
	printf "| ca_outbox: RA / new connection per request | | %.1fx (goal >= 3x) |\n", a / f }'
