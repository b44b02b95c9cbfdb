# Helpers for the outbox and lifecycle tests with [ca] driver = cmp against
# OpenSSL's CMP server (openssl cmp -port behind mutual TLS, see
# tests/fixtures/cmp-server.sh).  That server hands out one fixed
# certificate, so the test plays the CA's key holder: it signs the CSR the
# RA queued with the CA's key (openssl x509 -req) and gives the result to
# the server before the RA sends (cmp_answer).  The server's own checks
# still apply: it accepts the RA's MAC or signature only with the right
# secret or certificate, checks the proof of possession, takes a revocation
# only for the certificate it holds, and a key update only when the old
# certificate named in the request is the one it holds.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"
. "$SRCDIR/tests/fixtures/cmp-server.sh"
. "$SRCDIR/tests/tools/ca_outbox_lib.sh"

# cmp_setup [extra [ca] lines]: the PKI, the CMP servers, a desk with staff
cmp_setup() {
	trap 'cmp_server_stop "$TESTTMP/cmp"; "$SRCDIR/tests/tools/faultca.sh" stop "$TESTTMP/f" >/dev/null 2>&1' EXIT
	cfssl_ca_init "$TESTTMP/ca" >/dev/null || { echo "Bail out! no CA files"; exit 1; }
	CA=$TESTTMP/ca
	cmp_server_start "$TESTTMP/cmp" "$CA" >/dev/null || { echo "Bail out! CMP server did not start"; exit 1; }
	CMP_EXTRA=("$@")
	cmp_conf mac
	rd_env --staff || exit 1
	DB=$(desk_db)
}

# cmp_conf mac|sig|URL [extra lines]: [ca] for the MAC-protected server, the
# signing one, or another URL (with MAC protection)
cmp_conf() {
	local url=$CMP_URL prot
	prot=$(printf 'cmp_ref = %s\ncmp_secret_file = %s' "$CMP_REF" "$CMP_SECRET_FILE")
	case "$1" in
	mac) ;;
	sig) url=$CMP_SIG_URL prot=$(printf 'cmp_cert = %s\ncmp_key = %s' "$CA/ra.pem" "$CA/ra-key.pem") ;;
	*) url=$1 ;;
	esac
	shift
	export RADESK_CONFIG="$TESTTMP/radesk.conf"
	cat >"$RADESK_CONFIG" <<CONF
[radesk]
data_dir = $TESTTMP/data
service_point = SP01
[ca]
driver = cmp
url = $url
trust = $CA/ca.pem
client_cert = $CA/ra.pem
client_key = $CA/ra-key.pem
$prot
$(printf '%s\n' "$@" "${CMP_EXTRA[@]}")
CONF
}

# ca_sign CSR OUT [SERIAL_HEX [CA_DIR]]: the CA's key holder signs the CSR
# (subject and key as requested, a year, a fresh serial unless given)
ca_sign() {
	local serial=${3:-$(openssl rand -hex 16)} dir=${4:-$CA}
	printf '%s\n' 'basicConstraints = critical, CA:FALSE' 'keyUsage = critical, digitalSignature, keyEncipherment' \
		'extendedKeyUsage = clientAuth, emailProtection' 'subjectKeyIdentifier = hash' \
		'authorityKeyIdentifier = keyid' >"$TESTTMP/leaf.ext"
	openssl x509 -req -in "$1" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -set_serial "0x${serial#0x}" \
		-days 365 -sha256 -extfile "$TESTTMP/leaf.ext" -out "$2" 2>/dev/null
}

# cmp_answer CERT [mock options]: what the CMP server answers from now on
cmp_answer() { cmp_server_set "$TESTTMP/cmp" "$@"; }

# queued_csr NO: the CSR of the application's newest CA request, as queued
queued_csr() { careq "$1" csr_pem; }

# posts NAME: requests the server NAME (mac, sig) has received so far
posts() { grep -c 'Received request' "$TESTTMP/cmp/$1.log"; }

serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2 | tr A-F a-f; }
der_sum() { openssl x509 -outform DER | sha256sum; }
audit_count() { sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = '$1' AND object = '$2'"; }
