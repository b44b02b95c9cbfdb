#!/bin/bash
# UKEY issuance through radesk: time from "PIN confirmed" to "certificate on
# token" (PIN set, key pair on the token, CSR signed on the token, CA outbox
# to the local cfssl CA over mutual TLS, certificate and chain written, read
# back and checked), as radesk ukey issue --json reports it, for P-256 and
# RSA-2048 products on SoftHSM2.  Goal: P-256 under 100 ms.  Markdown lines.
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
export RADESK=$PWD/$BUILD/radesk SRCDIR=$PWD
N=${UKEY_BENCH_N:-5}
TESTTMP=$(mktemp -d)
export TESTTMP RADESK_FIXED_TIME=
. tests/lib.sh
. tests/integration/lib_ukey.sh
ukey_setup
trap 'cfssl_ca_stop "$TESTTMP/ca"; rm -rf "$TESTTMP"' EXIT
cat >>"$RADESK_CONFIG" <<CONF
[product.personal-sign]
name = Personal signing certificate
kind = individual
key_type = ec-p256
[product.personal-rsa]
name = Personal RSA certificate
kind = individual
key_type = rsa-2048
[fees]
personal-sign.1 = 100
personal-rsa.1 = 100
CONF
export RADESK_UKEY_PIN=Bq7w3e9r

approved() { app_json individual "$1" 1 | approved_from -; }

run_kind() {
	local product=$1 label=$2 i no serial ms times=()
	for ((i = 1; i <= N; i++)); do
		no=$(approved "$product") || { echo "- $label: could not prepare an application"; return 1; }
		serial=$(softhsm_add_token "B-$product-$i")
		as admin ukey add "$serial" >/dev/null || return 1
		ms=$(as clerk --json ukey issue "$no" --serial "$serial" --no-receipt 2>"$TESTTMP/err" |
			sed -n 's/.*"pin_to_cert_ms":\([0-9.]*\).*/\1/p')
		[ -n "$ms" ] || { echo "- $label: issuance failed: $(cat "$TESTTMP/err")"; return 1; }
		times+=("$ms")
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$N" '
		{ v[NR] = $1 } END {
			med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			p95 = v[int(n * 0.95 + 0.999)]
			printf "- %s: PIN confirmed -> certificate on token, median %.1f ms, p95 %.1f ms, max %.1f ms (%d issuances)\n",
				label, med, p95, v[n], n }'
}

run_kind personal-sign "P-256"
run_kind personal-rsa "RSA-2048"
echo "- (SoftHSM2, cfssl serve on 127.0.0.1 with mutual TLS, one new TLS connection per issuance; goal for P-256: < 100 ms)"
