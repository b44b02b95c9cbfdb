#!/bin/bash
# The CMP driver against OpenSSL's CMP server (openssl cmp -port) behind
# mutual TLS: p10cr, kur, rr, genm; MAC and signature protection.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"
. "$SRCDIR/tests/fixtures/cmp-server.sh"
trap 'cmp_server_stop "$TESTTMP/cmp"' EXIT
cfssl_ca_init "$TESTTMP/ca" >/dev/null || { notok "CA files"; done_testing; exit 1; }
CA=$TESTTMP/ca
cmp_server_start "$TESTTMP/cmp" "$CA" >/dev/null || { notok "CMP server starts"; done_testing; exit 1; }
T=$TOOLS/ca_client
TLS=(--driver cmp --trust "$CA/ca.pem" --client-cert "$CA/ra.pem" --client-key "$CA/ra-key.pem")
MAC=("${TLS[@]}" --url "$CMP_URL" --cmp-ref "$CMP_REF" --cmp-secret-file "$CMP_SECRET_FILE")
SIG=("${TLS[@]}" --url "$CMP_SIG_URL" --cmp-cert "$CA/ra.pem" --cmp-key "$CA/ra-key.pem")
SUBJ=(--cn "$CMP_CN" --o "$CMP_O")
openssl req -new -key "$CMP_RSP_KEY" -utf8 -subj "/CN=$CMP_CN/O=$CMP_O" -out "$TESTTMP/rsp.csr"
want_serial=$(openssl x509 -in "$CMP_RSP_CERT" -noout -serial | cut -d= -f2 | tr A-F a-f)
kv() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p"; }

expect_rc 0 "p10cr with MAC protection" "$T" "${MAC[@]}" enroll --id cmp-1 "${SUBJ[@]}" \
	--csr "$TESTTMP/rsp.csr" --out "$TESTTMP/got.pem"
is "$(kv serial_hex)" "$want_serial" "the certificate is the one the server issued"
like "$(kv subject)" "CN=$CMP_CN" "... with the Chinese subject"
like "$(cat "$TESTTMP/cmp/mac.log")" 'POST' "the request went through the TLS front to openssl cmp"

expect_rc 0 "p10cr with signature protection" "$T" "${SIG[@]}" enroll --id cmp-2 "${SUBJ[@]}" \
	--csr "$TESTTMP/rsp.csr"
expect_rc 0 "kur (renewal) with the old certificate" "$T" "${MAC[@]}" enroll --id cmp-3 "${SUBJ[@]}" \
	--csr "$TESTTMP/rsp.csr" --renew "$CMP_RSP_CERT"
expect_rc 0 "rr (revocation) with a reason" "$T" "${MAC[@]}" revoke "$want_serial" keyCompromise \
	--cert "$CMP_RSP_CERT"
expect_rc 1 "rr for a serial that is not the certificate's is refused" "$T" "${MAC[@]}" revoke 0x1234 \
	keyCompromise --cert "$CMP_RSP_CERT"
like "$ERR" "serial: the serial number is not the certificate's" "... naming the serial"
expect_rc 0 "ping (genm) over TLS" "$T" "${MAC[@]}" ping
like "$OUT" '^tls=TLSv1\.[23]$' "ping reports the TLS version"

# faults
expect_rc 1 "a certificate for another key is not accepted" "$T" "${MAC[@]}" enroll --id cmp-4 \
	"${SUBJ[@]}" --make-csr
like "$ERR" 'refused permanent: response.public_key' "... as a permanent refusal naming the key (our check, told to the CA in certConf)"
expect_rc 1 "a subject other than approved is not accepted" "$T" "${MAC[@]}" enroll --id cmp-5 \
	--cn 别人 --o "$CMP_O" --csr "$TESTTMP/rsp.csr"
like "$ERR" 'response.subject' "... naming the subject"
printf 'wrong secret\n' >"$TESTTMP/wrong"; chmod 600 "$TESTTMP/wrong"
expect_rc 3 "a wrong shared secret fails the answer's protection" "$T" "${TLS[@]}" --url "$CMP_URL" \
	--cmp-ref "$CMP_REF" --cmp-secret-file "$TESTTMP/wrong" enroll --id cmp-6 "${SUBJ[@]}" \
	--csr "$TESTTMP/rsp.csr"
like "$ERR" 'auth permanent: ca.cmp_secret_file: .*protection' "... as the link's authentication, naming the secret"
chmod 644 "$TESTTMP/wrong"
expect_rc 1 "a secret file readable by others is refused" "$T" "${TLS[@]}" --url "$CMP_URL" \
	--cmp-ref "$CMP_REF" --cmp-secret-file "$TESTTMP/wrong" ping
like "$ERR" 'ca.cmp_secret_file: .*0600' "... naming the file and the mode"
expect_rc 1 "no protection configured is a configuration error" "$T" "${TLS[@]}" --url "$CMP_URL" ping
like "$ERR" 'message protection' "... saying what is missing"
cmp_server_stop "$TESTTMP/cmp"
expect_rc 4 "CMP server down: transient" "$T" "${MAC[@]}" enroll --id cmp-7 "${SUBJ[@]}" \
	--csr "$TESTTMP/rsp.csr"
like "$ERR" 'upstream transient' "... to be retried"
done_testing
