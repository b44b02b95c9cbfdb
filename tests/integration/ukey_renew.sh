#!/bin/bash
# Renewal onto the same UKEY (ukey renew): a SoftHSM2 token issued through
# the real cfssl CA gets a new key pair and a new certificate; the old
# certificate is superseded (RA database) and both are in cfssl's certdb.
# Refused renewals leave no key behind; the PIN and the answer show up
# nowhere.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/integration/lib_ukey.sh"
# the longest key label the configuration takes (48 bytes), through
# issuance and renewal alike
LABEL=radesk-renewal-test-label-of-exactly-48-bytes-xy
ukey_setup "$SOFTHSM_MODULE" "key_label = $LABEL"
S1=$(softhsm_add_token UK1)
export PIN=Qv7m2x9k
ANSWER="Chaoyang Primary"
P11() { pkcs11-tool --module "$SOFTHSM_MODULE" --token-label UK1 "$@" 2>&1; }
privkeys() { P11 -O --login --pin env:PIN | grep -c '^Private Key Object'; }
audit_count() { sqlite3 "$(desk_db)" "SELECT count(*) FROM audit WHERE action = '$1' AND object = '$2'"; }
sernorm() { tr A-F a-f | sed 's/^0*//'; }

NO=$(approved_from "$SRCDIR/tests/fixtures/apps/individual.json")
is "$(app_state "$NO")" approved "the application is approved"
expect_rc 0 "a UKEY in stock" as admin ukey add "$S1"
expect_rc 0 "issued onto the UKEY" env RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NO" --no-receipt
OLDKID=$(printf '%s\n' "$OUT" | sed -n 's/^key id *//p')
OLDSER=$(printf '%s\n' "$OUT" | sed -n 's/^certificate *//p')
like "$OLDKID" '^[0-9a-f]{40}$' "the first key id"
is "$(privkeys)" 1 "one private key on the token"
OLDDEC=$(as admin --json cert show "$NO" | sed -n 's/.*"serial_dec":"\([0-9]*\)".*/\1/p')
END=$(openssl x509 -noout -enddate -in <(as admin cert show "$NO" --pem) | cut -d= -f2)
INWIN=$(date -u -d "$END - 10 days" +%Y-%m-%dT%H:%M:%S)

# ---- refusals leave no key behind ---------------------------------------------------------
expect_rc 1 "a year before expiry is outside the window" \
	env RADESK_UKEY_PIN=$PIN RADESK_ANSWER="$ANSWER" rdas clerk ukey renew "$NO" --method cash
like "$ERR" "renewal opens 90 days before expiry" "the window is named"
is "$(privkeys)" 1 "no new key left on the token"
export RADESK_FIXED_TIME=$INWIN
expect_rc 3 "a wrong answer is refused" \
	env RADESK_UKEY_PIN=$PIN RADESK_ANSWER=wrong-school rdas clerk ukey renew "$NO" --method cash
like "$ERR" "answer" "the answer is named"
is "$(privkeys)" 1 "no new key left after the wrong answer"
is "$(audit_count cert.renew_answer_wrong "$NO")" 1 "the wrong answer is audited"
expect_rc 1 "another UKEY serial is refused" \
	env RADESK_UKEY_PIN=$PIN RADESK_ANSWER="$ANSWER" rdas clerk ukey renew "$NO" --serial NOTTHIS --method cash
like "$ERR" "is on UKEY $S1" "the right UKEY is named"
expect_rc 3 "a wrong PIN is refused by the token" \
	env RADESK_UKEY_PIN=Wr0ngPin9 RADESK_ANSWER="$ANSWER" rdas clerk ukey renew "$NO" --method cash
like "$ERR" "pin: wrong PIN" "the PIN is named, not quoted"
is "$(privkeys)" 1 "nothing made with a wrong PIN"

# ---- renewal ----------------------------------------------------------------------------------
env RADESK_UKEY_PIN=$PIN RADESK_ANSWER="$ANSWER" rdas clerk ukey renew "$NO" --method cash \
	>"$TESTTMP/renew.out" 2>"$TESTTMP/renew.err"
is "$?" 0 "ukey renew succeeds"
OUT=$(cat "$TESTTMP/renew.out")
NEWKID=$(printf '%s\n' "$OUT" | sed -n 's/^key id *//p')
NEWSER=$(printf '%s\n' "$OUT" | sed -n 's/^certificate *//p')
like "$NEWKID" '^[0-9a-f]{40}$' "a key id is reported"
check "it is a new key" test "$NEWKID" != "$OLDKID"
check "and a new certificate" test "$(printf %s "$NEWSER" | sernorm)" != "$(printf %s "$OLDSER" | sernorm)" -a -n "$NEWSER"
like "$OUT" 'receipt +R' "the fee's receipt is printed"
OBJ=$(P11 -O --login --pin env:PIN)
is "$(printf '%s\n' "$OBJ" | grep -c '^Private Key Object')" 1 "one private key on the token"
like "$(printf '%s\n' "$OBJ" | sed -n '/^Private Key Object/,/^[A-Z]/p')" "ID: +$NEWKID" "it is the new key"
unlike "$OBJ" "ID: +$OLDKID" "the old key and certificate are gone from the token"
P11 --read-object --type cert --id "$NEWKID" -o "$TESTTMP/cert.der" >/dev/null
P11 --read-object --type pubkey --id "$NEWKID" -o "$TESTTMP/pub.der" >/dev/null
openssl x509 -inform DER -in "$TESTTMP/cert.der" -out "$TESTTMP/cert.pem"
is "$(openssl x509 -in "$TESTTMP/cert.pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" \
	"$(openssl pkey -pubin -inform DER -in "$TESTTMP/pub.der" -outform DER | sha256sum)" \
	"the new certificate's key is the token's new key"
is "$(openssl x509 -in "$TESTTMP/cert.pem" -noout -serial | cut -d= -f2 | sernorm)" "$(printf %s "$NEWSER" | sernorm)" \
	"the certificate on the token is the reported one"
check "openssl verify: the new certificate chains to the CA" openssl verify -CAfile "$CA_TRUST" "$TESTTMP/cert.pem"
is "$(P11 -O | grep -c '^Certificate Object')" 2 "the certificate and the CA chain on the token"
is "${#LABEL}" 48 "(the label is 48 bytes)"
like "$(printf '%s\n' "$OBJ" | sed -n '/^Private Key Object/,/^[A-Z]/p')" "label: +$LABEL" \
	"the new key carries the configured 48-byte label"
expect_rc 0 "cert show" as admin --json cert show "$NO"
is "$(printf '%s' "$OUT" | sed -n 's/.*"serial":"\([^"]*\)".*/\1/p' | sernorm)" "$(printf %s "$NEWSER" | sernorm)" \
	"cert show shows the new serial"
like "$OUT" '"status":"valid"' "valid"
is "$(sqlite3 "$(desk_db)" "SELECT status FROM certificates WHERE lower(ltrim(serial_hex, '0')) = '$(printf %s "$OLDSER" | sernorm)'")" \
	superseded "the old certificate is superseded in the database"
NEWDEC=$(printf '%s' "$OUT" | sed -n 's/.*"serial_dec":"\([0-9]*\)".*/\1/p')
is "$(sqlite3 "$CA_DB" "SELECT group_concat(status, ',') FROM certificates WHERE serial_number IN ('$OLDDEC', '$NEWDEC')")" \
	"good,good" "cfssl's certdb has both certificates"
is "$(sqlite3 "$(desk_db)" "SELECT state || ',' || key_id FROM ukeys WHERE serial = '$S1'")" "issued,$NEWKID" \
	"the stock row has the new key id"
is "$(app_state "$NO")" issued "the application stays issued"
is "$(audit_count ukey.renewed "$S1")" 1 "the renewal is audited"
expect_rc 1 "a second renewal with the same window and nothing waiting" \
	env RADESK_UKEY_PIN=$PIN rdas clerk ukey renew "$NO" --resume
like "$ERR" "no renewal of $NO waits" "nothing to resume"

# ---- the CA does not answer: the new key waits on the token, --resume finishes ----------------
cfssl_ca_stop "$TESTTMP/ca"
env RADESK_UKEY_PIN=$PIN RADESK_ANSWER="$ANSWER" rdas clerk ukey renew "$NO" --method cash \
	>"$TESTTMP/down.out" 2>"$TESTTMP/down.err"
is "$?" 4 "CA down: exit 4"
ERR=$(cat "$TESTTMP/down.err")
like "$ERR" "the CA has not answered" "said plainly"
like "$ERR" "ukey renew $NO --resume" "and how to finish"
is "$(privkeys)" 2 "the new key waits on the token next to the old one"
is "$(sqlite3 "$(desk_db)" "SELECT key_id || ',' || step FROM ukeys WHERE serial = '$S1'")" "$NEWKID,renewing" \
	"the stock row keeps the working key and says a renewal waits"
expect_rc 1 "a second renewal is refused while one waits" \
	env RADESK_UKEY_PIN=$PIN RADESK_ANSWER="$ANSWER" rdas clerk ukey renew "$NO" --method cash
like "$ERR" "waits for the CA already" "the waiting renewal is named"
is "$(privkeys)" 2 "and made no third key"
cfssl_ca_start "$TESTTMP/ca" >/dev/null || notok "the CA comes back"
sed -i "s|^url = .*|url = $CA_URL|" "$RADESK_CONFIG"
RADESK_FIXED_TIME=$(date -u -d "$END - 9 days" +%Y-%m-%dT%H:%M:%S)
expect_rc 0 "resume once the CA is back" env RADESK_UKEY_PIN=$PIN rdas clerk ukey renew "$NO" --resume
RESKID=$(printf '%s\n' "$OUT" | sed -n 's/^key id *//p')
RESSER=$(printf '%s\n' "$OUT" | sed -n 's/^certificate *//p')
check "a third key" test -n "$RESKID" -a "$RESKID" != "$NEWKID" -a "$RESKID" != "$OLDKID"
is "$(privkeys)" 1 "the renewed key alone is left"
P11 --read-object --type cert --id "$RESKID" -o "$TESTTMP/res.der" >/dev/null
is "$(openssl x509 -inform DER -in "$TESTTMP/res.der" -noout -serial | cut -d= -f2 | sernorm)" \
	"$(printf %s "$RESSER" | sernorm)" "its certificate is on the token"
is "$(sqlite3 "$(desk_db)" "SELECT key_id || ',' || step FROM ukeys WHERE serial = '$S1'")" "$RESKID,done" \
	"the stock row has the resumed key"
is "$(sqlite3 "$(desk_db)" "SELECT count(*) FROM certificates WHERE status = 'superseded'")" 2 "two superseded certificates"

# ---- secrets appear nowhere -----------------------------------------------------------------
as auditor --json audit list >"$TESTTMP/audit.json"
sqlite3 "$(desk_db)" .dump >"$TESTTMP/dump.sql"
like "$(cat "$TESTTMP/audit.json")" '"action":"ukey.renewed"' "ukey.renewed is in the audit list"
for f in audit.json dump.sql renew.out renew.err down.out down.err; do
	unlike "$(cat "$TESTTMP/$f")" "$PIN|$ANSWER|wrong-school" "neither PIN nor answer in $f"
done
expect_rc 0 "the audit chain holds" as auditor audit verify
done_testing
