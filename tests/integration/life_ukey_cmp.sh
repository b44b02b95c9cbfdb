#!/bin/bash
# A UKEY (SoftHSM2 token) issued and renewed over CMP: `ukey issue` sends an
# ir with the approved subject and the key of the CSR made on the token, `ukey renew` a kur naming the old
# certificate with the token's new key; the CA hanging leaves the new key
# waiting on the token and `--resume` finishes.  The CA is
# tests/tools/cmp_ca (OpenSSL's CMP server engine signing with the test
# CA's key): the mock server of openssl cmp cannot answer a key update with
# a certificate for a new key.
. "$SRCDIR/tests/integration/lib_cmp.sh"
. "$SRCDIR/tests/fixtures/softhsm.sh"
softhsm_setup "$TESTTMP/hsm"
S1=$(softhsm_add_token UK1)
printf '%s\n' "$SOFTHSM_SO_PIN" >"$TESTTMP/so-pin"
chmod 600 "$TESTTMP/so-pin"
cmp_setup "[ukey]" "module = $SOFTHSM_MODULE" "so_pin_file = $TESTTMP/so-pin"
cmp_server_start_ca "$TESTTMP/cmp" || { echo "Bail out! cmp_ca did not start"; exit 1; }
cmp_conf "$CMP_CA_URL"
export PIN=Qv7m2x9k
P11() { pkcs11-tool --module "$SOFTHSM_MODULE" --token-label UK1 "$@" 2>&1; }
privkeys() { P11 -O --login --pin env:PIN | grep -c '^Private Key Object'; }
cur_serial() { as admin --json cert show "$1" | jq -r .serial; }
token_cert() { # KEY_ID -> the certificate on the token, PEM
	P11 --read-object --type cert --id "$1" -o "$TESTTMP/tok.der" >/dev/null &&
		openssl x509 -inform DER -in "$TESTTMP/tok.der"
}
key_id() { printf '%s\n' "$1" | sed -n 's/^key id *//p'; }

NO=$("$TOOLS/ca_prep" approve 1)
is "$(app_state "$NO")" approved "an approved application"
expect_rc 0 "a UKEY in stock" as admin ukey add "$S1"
expect_rc 0 "issued onto the UKEY over CMP" env RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NO" --no-receipt
OLDKID=$(key_id "$OUT")
OLD=$(cur_serial "$NO")
like "$(grep -v certConf "$CMP_CA_LOG" | tail -n 1)" "^ir $OLD\$" \
	"the token's CSR names the CN only: the CA got an ir with the approved subject and issued the recorded serial"
like "$(as admin --json cert show "$NO" | jq -r .subject)" "C=CN" "the certificate has the approved C=CN the CSR lacked"
is "$(token_cert "$OLDKID" | openssl x509 -noout -serial | cut -d= -f2 | tr A-F a-f)" "$OLD" "that certificate is on the token"
is "$(app_state "$NO")" issued "the application is issued"

END=$(openssl x509 -noout -enddate -in <(as admin cert show "$NO" --pem) | cut -d= -f2)
RADESK_FIXED_TIME=$(date -u -d "$END - 10 days" +%Y-%m-%dT%H:%M:%S)
export RADESK_FIXED_TIME
env RADESK_UKEY_PIN=$PIN RADESK_ANSWER=a rdas clerk ukey renew "$NO" --method cash >"$TESTTMP/r.out" 2>"$TESTTMP/r.err"
is "$?" 0 "ukey renew over CMP"
OUT=$(cat "$TESTTMP/r.out")
NEWKID=$(key_id "$OUT")
NEW=$(cur_serial "$NO")
check "a new key on the token" test -n "$NEWKID" -a "$NEWKID" != "$OLDKID"
check "a new certificate" test -n "$NEW" -a "$NEW" != "$OLD"
like "$(grep -v certConf "$CMP_CA_LOG" | tail -n 1)" "^kur $NEW old $OLD\$" "the CA got a kur naming the old certificate"
token_cert "$NEWKID" >"$TESTTMP/new.pem"
is "$(openssl x509 -in "$TESTTMP/new.pem" -noout -serial | cut -d= -f2 | tr A-F a-f)" "$NEW" "the new certificate is on the token"
P11 --read-object --type pubkey --id "$NEWKID" -o "$TESTTMP/pub.der" >/dev/null
is "$(openssl x509 -in "$TESTTMP/new.pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" \
	"$(openssl pkey -pubin -inform DER -in "$TESTTMP/pub.der" -outform DER | sha256sum)" "... for the token's new key"
check "... chaining to the CA" openssl verify -CAfile "$CA/ca.pem" "$TESTTMP/new.pem"
is "$(privkeys)" 1 "one private key left on the token"
is "$(sqlite3 "$DB" "select status from certificates where serial_hex='$OLD'")" superseded "the old certificate is superseded"

# ---- the CA hangs: the new key waits on the token, --resume finishes
cmp_conf "$CMP_CA_URL" "timeout = 1" "connect_timeout = 1"
cmp_server_pause "$TESTTMP/cmp"
RADESK_FIXED_TIME=$(date -u -d "$END - 9 days" +%Y-%m-%dT%H:%M:%S)
env RADESK_UKEY_PIN=$PIN RADESK_ANSWER=a rdas clerk ukey renew "$NO" --method cash >"$TESTTMP/d.out" 2>"$TESTTMP/d.err"
is "$?" 4 "the CMP server does not answer: exit 4"
cmp_server_resume "$TESTTMP/cmp"
like "$(cat "$TESTTMP/d.err")" "ukey renew $NO --resume" "says how to finish"
is "$(privkeys)" 2 "the next key waits on the token"
is "$(careq "$NO" "kind||' '||state")" "renew retry" "the kur waits in the outbox to be retried"
RADESK_FIXED_TIME=$(date -u -d "$END - 8 days" +%Y-%m-%dT%H:%M:%S)
expect_rc 0 "resume once the CA answers" env RADESK_UKEY_PIN=$PIN rdas clerk ukey renew "$NO" --resume
RESKID=$(key_id "$OUT")
check "a third key" test -n "$RESKID" -a "$RESKID" != "$NEWKID"
like "$(grep -v certConf "$CMP_CA_LOG" | tail -n 1)" "^kur $(cur_serial "$NO") old $NEW\$" "the CA got one more kur naming the renewed certificate"
is "$(privkeys)" 1 "one private key left"
is "$(sqlite3 "$DB" "select count(*) from certificates where status='valid'")" 1 "one valid certificate"
expect_rc 0 "the audit chain verifies" as auditor audit verify
done_testing
