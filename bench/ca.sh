#!/bin/bash
# Starts a local cfssl CA with mutual TLS and runs bench_ca against it.
#   bench/ca.sh BUILD_DIR      (N from $BENCH_CA_N, default 1000)
set -u
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$BUILD/bench/bench_ca" ] || { echo "bench/ca.sh: $BUILD/bench/bench_ca not built" >&2; exit 1; }
TMP=$(mktemp -d /tmp/radesk-bench-ca.XXXXXX)
. "$SRC/tests/fixtures/cfssl-ca.sh"
trap 'cfssl_ca_stop "$TMP/ca"; rm -rf "$TMP"' EXIT
cfssl_ca_start "$TMP/ca" >/dev/null || exit 1
"$BUILD/bench/bench_ca" "$CA_URL" "$CA_TRUST" "$CA_CLIENT_CERT" "$CA_CLIENT_KEY" "${BENCH_CA_N:-1000}" user
