#!/bin/bash
# The cfssl driver against a real cfssl serve with mutual TLS and its certdb.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"
trap 'cfssl_ca_stop "$TESTTMP/ca"' EXIT
cfssl_ca_start "$TESTTMP/ca" >/dev/null || { notok "cfssl CA starts"; done_testing; exit 1; }
T=$TOOLS/ca_client
C=(--url "$CA_URL" --trust "$CA_TRUST" --client-cert "$CA_CLIENT_CERT" --client-key "$CA_CLIENT_KEY")
kv() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p"; }
db() { sqlite3 "$CA_DB" "$1"; }

# ping: TLS handshake, HTTP/2, CA chain, clock
expect_rc 0 "ping succeeds" "$T" "${C[@]}" ping
like "$OUT" '^tls=TLSv1\.[23]$' "ping reports TLS 1.2+"
like "$OUT" '^http=2$' "HTTP/2 is used when cfssl offers it"
like "$OUT" '^trusted=1$' "the CA's certificate chains to the trust anchor"
like "$OUT" '^have_date=1$' "the server's clock is read"
skew=$(kv skew_s); [ "${skew#-}" -le 5 ] && ok "clock skew is small ($skew s)" || notok "clock skew $skew"

# enroll with a Chinese subject
expect_rc 0 "enroll with a Chinese CN" "$T" "${C[@]}" --profile user enroll --id req-0001 \
	--cn 张三 --o 某某科技有限公司 --ou 技术部 --c CN --make-csr --key-out "$TESTTMP/k1.pem" \
	--out "$TESTTMP/c1.pem" --valid-days 365
like "$(kv subject)" 'CN=张三' "the certificate's subject carries the Chinese CN"
like "$(kv subject)" 'O=某某科技有限公司' "... and the organization"
like "$(kv issuer)" 'CN=radesk test root CA' "issuer is the test CA"
serial_dec=$(kv serial_dec); serial_hex=$(kv serial_hex)
is "$(openssl x509 -in "$TESTTMP/c1.pem" -noout -serial | cut -d= -f2 | tr A-F a-f)" \
	"$serial_hex" "serial (hex) is the certificate's"
is "$(db "select status from certificates where serial_number='$serial_dec'")" good \
	"the certdb holds the certificate under its decimal serial"
is "$(openssl pkey -in "$TESTTMP/k1.pem" -pubout | sha256sum)" \
	"$(openssl x509 -in "$TESTTMP/c1.pem" -noout -pubkey | sha256sum)" "the certificate is for our key"
check "openssl verifies it against the CA" openssl verify -CAfile "$CA_TRUST" "$TESTTMP/c1.pem"
like "$(openssl x509 -in "$TESTTMP/c1.pem" -noout -ext extendedKeyUsage)" 'E-mail Protection' \
	"the profile's usages were applied"

# revoke, checked in the certdb
expect_rc 0 "revoke by serial with keyCompromise" "$T" "${C[@]}" revoke "$serial_hex" keyCompromise
is "$(db "select status || ',' || reason from certificates where serial_number='$serial_dec'")" \
	"revoked,1" "the certdb shows it revoked with reason 1"
expect_rc 1 "revoking an unknown serial is refused" "$T" "${C[@]}" revoke 0x1234 superseded
like "$ERR" 'refused permanent: .*certificate not found' "... with the CA's reason, not to be retried"
expect_rc 1 "an unknown reason is refused before sending" "$T" "${C[@]}" revoke "$serial_hex" 99
like "$ERR" 'reason: 99 is not an RFC 5280' "... naming the reason"

# authsign
RADESK_CA_AUTH_KEY=$CA_AUTH_KEY expect_rc 0 "authsign with the HMAC key" "$T" "${C[@]}" --profile user-auth \
	enroll --id req-0002 --cn 李四 --make-csr
expect_rc 1 "the same profile without the key is refused" "$T" "${C[@]}" --profile user-auth \
	enroll --id req-0003 --cn 李四 --make-csr
like "$ERR" 'refused permanent: .*authentication required' "... with cfssl's reason"
RADESK_CA_AUTH_KEY=00112233445566778899aabbccddeeff expect_rc 1 "a wrong HMAC key is refused" \
	"$T" "${C[@]}" --profile user-auth enroll --id req-0004 --cn 李四 --make-csr
RADESK_CA_AUTH_KEY=xyz expect_rc 1 "a non-hex auth key is a configuration error" \
	"$T" "${C[@]}" --profile user-auth enroll --id req-0005 --cn 李四 --make-csr
like "$ERR" 'ca.auth_key' "... naming ca.auth_key"

# the CA's answer is checked: cfssl keeps CSR fields the approved subject lacks
"$T" csr --cn 王五 --o "Not Approved Ltd" --out "$TESTTMP/evil.csr" >/dev/null
before=$(db "select count(*) from certificates")
expect_rc 1 "a certificate with an unapproved subject field is not accepted" "$T" "${C[@]}" \
	--profile user enroll --id req-0006 --cn 王五 --csr "$TESTTMP/evil.csr"
like "$ERR" 'response.subject: .*O, which was not approved' "... the reason names the field"
after=$(db "select count(*) from certificates")
is "$after" "$((before + 1))" "the CA did issue it (an orphan at the CA) ..."
spki=$(openssl req -in "$TESTTMP/evil.csr" -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
found=""
while read -r pem_serial; do
	pem=$(db "select pem from certificates where serial_number='$pem_serial'")
	s=$(printf '%s\n' "$pem" | openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
	[ "$s" = "$spki" ] && found=$pem_serial
done < <(db "select serial_number from certificates")
[ -n "$found" ] && ok "... and the orphan is traced to its request by the CSR's key" || notok "orphan traced"

# the settings from a configuration file's [ca] section
chmod 600 "$CA_CLIENT_KEY"
cat >"$TESTTMP/radesk.conf" <<CONF
[ca]
driver = cfssl
$(cfssl_ca_conf)
timeout = 10
connect_timeout = 3
CONF
expect_rc 0 "enroll with the settings from [ca]" "$T" --config "$TESTTMP/radesk.conf" enroll \
	--id req-0007 --cn 赵六 --make-csr
printf '[ca]\ndriver = x509\n' >"$TESTTMP/bad.conf"
expect_rc 1 "an unknown driver in [ca] is a configuration error" "$T" --config "$TESTTMP/bad.conf" ping
like "$ERR" 'driver' "... naming the key"

# the RA's key file
cp "$CA_CLIENT_KEY" "$TESTTMP/open-key.pem"; chmod 644 "$TESTTMP/open-key.pem"
expect_rc 1 "a client key readable by others is refused" "$T" --url "$CA_URL" --trust "$CA_TRUST" \
	--client-cert "$CA_CLIENT_CERT" --client-key "$TESTTMP/open-key.pem" ping
like "$ERR" "ca.client_key: .*open-key.pem is readable by others \(mode 0644\).*0600" \
	"... with a clear message naming the file and mode"
expect_rc 1 "a missing client key is a clear error" "$T" --url "$CA_URL" --trust "$CA_TRUST" \
	--client-cert "$CA_CLIENT_CERT" --client-key "$TESTTMP/nokey.pem" ping
like "$ERR" "ca.client_key: .*nokey.pem" "... naming the file"
printf 'not a key\n' >"$TESTTMP/junk-key.pem"; chmod 600 "$TESTTMP/junk-key.pem"
expect_rc 1 "an unusable client key is a clear error" "$T" --url "$CA_URL" --trust "$CA_TRUST" \
	--client-cert "$CA_CLIENT_CERT" --client-key "$TESTTMP/junk-key.pem" ping
like "$ERR" "config permanent: ca.client_cert" "... a configuration error, not retried"

# mutual TLS is required
run curl -sS --max-time 5 --cacert "$CA_TRUST" -d '{}' "$CA_URL/api/v1/cfssl/info"
[ "$RC" -ne 0 ] && ok "cfssl refuses a TLS client without a certificate" || notok "no client cert accepted"
cfssl_ca_init "$TESTTMP/other" >/dev/null
expect_rc 3 "a client certificate from another CA is refused by the CA" "$T" --url "$CA_URL" \
	--trust "$CA_TRUST" --client-cert "$TESTTMP/other/ra.pem" --client-key "$TESTTMP/other/ra-key.pem" ping
like "$ERR" 'auth permanent' "... as an authentication failure, not retried"
expect_rc 3 "a CA not matching our trust anchor is refused" "$T" --url "$CA_URL" \
	--trust "$TESTTMP/other/ca.pem" --client-cert "$CA_CLIENT_CERT" --client-key "$CA_CLIENT_KEY" ping
like "$ERR" 'ca.trust: .*not trusted' "... naming the trust anchor"
expect_rc 1 "http:// is not allowed" "$T" --url "http://127.0.0.1:$CA_PORT" --trust "$CA_TRUST" \
	--client-cert "$CA_CLIENT_CERT" --client-key "$CA_CLIENT_KEY" ping
like "$ERR" 'ca.url: .*https' "... naming the URL"

# CA down
cfssl_ca_stop "$TESTTMP/ca"
expect_rc 4 "CA down: a transient failure" "$T" "${C[@]}" --profile user enroll --id req-0008 \
	--cn 孙七 --make-csr
like "$ERR" 'upstream transient' "... to be retried"
done_testing
