#!/bin/bash
# The demo's CA: a local cfssl CA with mutual TLS in $DEMO/ca (started by
# scripts/demo-env on every `make run`), and the [ca] section pointing at it.
# Environment from scripts/demo-env: DEMO CONF RADESK ADMIN_PASSWORD.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v cfssl >/dev/null || { echo "radesk: cfssl not installed; the demo has no CA" >&2; exit 0; }
tests/fixtures/cfssl-ca.sh init "$DEMO/ca" >/dev/null
# A port of its own, kept across restarts (the fixture honours port.wanted).
. tests/fixtures/cfssl-ca.sh
port=$(cfssl_ca__free_port)
echo "$port" >"$DEMO/ca/port.wanted"
cat >>"$CONF" <<CONF

[ca]
driver = cfssl
url = https://127.0.0.1:$port
trust = ca/ca.pem
client_cert = ca/ra.pem
client_key = ca/ra-key.pem
profile = user
CONF
