#!/bin/bash
# UKEY issuance when things go wrong, through the CLI, SoftHSM2 behind the
# pinlock shim (removal and PIN lockout, which SoftHSM2 cannot produce) and
# the real cfssl CA: a UKEY pulled out while signing the CSR (orphan key
# listed and reset), during key generation and while the certificate is
# written (resumed); the CA down (awaiting_certificate, then resume once it
# is back); a UKEY bound to another application; a locked PIN unblocked
# with the SO PIN after the identity was checked again.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/integration/lib_ukey.sh"
ukey_setup "$SHIMS/pinlock.so"
S1=$(softhsm_add_token F1)
S2=$(softhsm_add_token F2)
S3=$(softhsm_add_token F3)
export PINLOCK_MODULE=$SOFTHSM_MODULE PINLOCK_TRIES=3 PINLOCK_STATE=$TESTTMP/pinlock
mkdir -p "$PINLOCK_STATE"
export RADESK_UKEY_PIN=Kp4w8n2r
stock() { sqlite3 "$(desk_db)" "select state || ',' || coalesce((select no from applications where id = app_id), '-') || ',' || step from ukeys where serial = '$1'"; }
# each application needs its own user name
APP=$TESTTMP/app.json
mkapp() { sed "s/\"zhangsan01\"/\"zs$1\"/" "$SRCDIR/tests/fixtures/apps/individual.json" >"$APP"; }
approved_n() { mkapp "$1" && approved_from "$APP"; }
as admin ukey add "$S1" "$S2" "$S3" >/dev/null || notok "stock"
A1=$(approved_n 1); A2=$(approved_n 2); A3=$(approved_n 3); A4=$(approved_n 4)
is "$(app_state "$A4")" approved "four approved applications"

# ---- pulled out while the CSR is signed: orphan key, listed, reset -----------------------
expect_rc 4 "removed while signing the CSR: device error" env PINLOCK_REMOVE_AT=C_Sign rdas clerk ukey issue "$A1" --serial "$S1"
like "$ERR" "nothing is recorded as issued" "the message says nothing was issued"
like "$ERR" "ukey issue $A1|ukey reset $S1" "and how to carry on"
unlike "$ERR" "Sanitizer|Segmentation" "no crash"
is "$(app_state "$A1")" approved "the application is still approved"
like "$(stock "$S1")" "^in_stock,$A1,key$" "the UKEY is bound, its key recorded, not issued"
expect_rc 0 "orphans lists the key left behind" rdas clerk ukey orphans "$S1"
ORPHAN=$(printf '%s\n' "$OUT" | awk '/orphan/ {print $1; exit}')
like "$ORPHAN" '^[0-9a-f]{40}$' "the orphan key's id is listed"
like "$(pkcs11-tool --module "$SOFTHSM_MODULE" --token-label F1 -O 2>&1)" "ID: +$ORPHAN" "pkcs11-tool sees the orphan"
expect_rc 1 "another application cannot take a bound UKEY" rdas clerk ukey issue "$A2" --serial "$S1"
like "$ERR" "UKEY $S1 is bound to application $A1" "the binding is named"
expect_rc 0 "reset the UKEY" rdas clerk ukey reset "$S1"
like "$OUT" "2 objects deleted, back in stock" "both halves deleted"
unlike "$(pkcs11-tool --module "$SOFTHSM_MODULE" --token-label F1 -O 2>&1)" "$ORPHAN" "pkcs11-tool: the orphan is gone"
is "$(stock "$S1")" "in_stock,-," "the UKEY is free again"
expect_rc 0 "the reset is audited with the deleted key" rdas auditor --json audit list --object "$S1"
like "$OUT" "\"action\":\"ukey.reset\".*\"deleted_keys\":\"$ORPHAN\"" "deleted key ids in the audit row"

# ---- pulled out during key generation, then carried on -------------------------------------
expect_rc 4 "removed during key generation" env PINLOCK_REMOVE_AT=C_GenerateKeyPair rdas clerk ukey issue "$A1" --serial "$S1"
like "$ERR" "generating the key pair" "the step is named"
like "$(stock "$S1")" "^in_stock,$A1,bound$" "bound, no key recorded"
expect_rc 0 "issue again carries on" rdas clerk ukey issue "$A1" --no-receipt
like "$OUT" "\[10/10\] UKEY issued" "issued"
is "$(app_state "$A1")" issued "the application is issued"
like "$(stock "$S1")" "^issued,$A1,done$" "the UKEY is issued"

# ---- pulled out while the certificate is written, then carried on --------------------------
expect_rc 4 "removed while writing the certificate" env PINLOCK_REMOVE_AT=C_CreateObject rdas clerk ukey issue "$A2" --serial "$S2"
like "$ERR" "writing the certificate" "the step is named"
is "$(app_state "$A2")" issued "the CA issued the certificate"
like "$(stock "$S2")" "^in_stock,$A2,queued$" "the UKEY is not recorded as issued"
expect_rc 0 "orphans: the key waits without certificate" rdas clerk ukey orphans "$S2"
like "$OUT" "orphan" "an orphan key is listed"
expect_rc 1 "reset is refused: the key went to the CA" rdas clerk ukey reset "$S2"
like "$ERR" "went to the CA" "the reason is named"
expect_rc 0 "issue again writes the certificate" rdas clerk ukey issue "$A2" --no-receipt
like "$(stock "$S2")" "^issued,$A2,done$" "the UKEY is issued"
expect_rc 0 "no orphan left" rdas clerk --json ukey orphans "$S2"
like "$OUT" '"orphans":0' "no orphan key"

# ---- the CA is down while the UKEY is in the reader --------------------------------------
cfssl_ca_stop "$TESTTMP/ca"
expect_rc 4 "CA down: exit 4" rdas clerk ukey issue "$A3" --serial "$S3" --no-receipt
like "$ERR" "the CA has not answered" "the message says the CA did not answer"
like "$ERR" "held at the counter awaiting its certificate" "and that the UKEY waits at the counter"
like "$ERR" "ukey resume $A3" "and how to finish"
like "$(stock "$S3")" "^awaiting_certificate,$A3,queued$" "the UKEY is awaiting its certificate"
is "$(app_state "$A3")" queued_for_ca "the application is queued for the CA"
expect_rc 0 "the key stays on the token" rdas clerk --json ukey orphans "$S3"
like "$OUT" '"orphans":1' "one key, no certificate yet"
expect_rc 1 "a UKEY waiting for one application cannot serve another" rdas clerk ukey issue "$A4" --serial "$S3"
like "$ERR" "bound to application $A3" "the binding is named"
expect_rc 1 "the application waits for its own UKEY" rdas clerk ukey issue "$A3" --serial "$S1"
like "$ERR" "being issued on UKEY $S3" "the waiting UKEY is named"
expect_rc 1 "reset refused while the CA request is open" rdas clerk ukey reset "$S3"
cfssl_ca_start "$TESTTMP/ca" >/dev/null || notok "the CA comes back"
sed -i "s|^url = .*|url = $CA_URL|" "$RADESK_CONFIG"
# the certificate arrives later: the outbox retries what is due
expect_rc 0 "resume once the CA is back" env RADESK_FIXED_TIME=2026-11-21T12:00:00 rdas clerk ukey resume "$A3" --no-receipt
like "$OUT" "\[10/10\] UKEY issued" "issued on resume"
like "$(stock "$S3")" "^issued,$A3,done$" "the UKEY is issued"
pkcs11-tool --module "$SOFTHSM_MODULE" --token-label F3 --read-object --type cert \
	--id "$(sqlite3 "$(desk_db)" "select key_id from ukeys where serial = '$S3'")" -o "$TESTTMP/f3.der" >/dev/null 2>&1
openssl x509 -inform DER -in "$TESTTMP/f3.der" -out "$TESTTMP/f3.pem" 2>/dev/null
check "openssl verify: the resumed certificate chains to the CA" openssl verify -CAfile "$CA_TRUST" "$TESTTMP/f3.pem"

# ---- locked PIN, unblocked with the SO PIN -------------------------------------------------
for i in 1 2 3; do
	expect_rc 3 "wrong current PIN $i" env RADESK_UKEY_PIN=wrong-pin-$i RADESK_UKEY_NEW_PIN=Zx9c8v7b rdas clerk ukey passwd "$S1"
done
like "$ERR" "locked" "the PIN is now locked"
expect_rc 3 "locked: the right PIN is refused too" env RADESK_UKEY_NEW_PIN=Zx9c8v7b rdas clerk ukey passwd "$S1"
expect_rc 0 "tokens shows the lock" rdas clerk ukey tokens
like "$OUT" "$S1 .*PIN locked" "locked flag shown"
expect_rc 1 "unblock needs the identity checked again" env RADESK_UKEY_NEW_PIN=Nw5e4r3t rdas clerk ukey unblock "$S1"
like "$ERR" "identity" "the message asks for the identity check"
expect_rc 1 "unblock refuses a weak PIN" env RADESK_UKEY_NEW_PIN=111111 rdas clerk ukey unblock "$S1" --id-sighted
expect_rc 0 "unblock with the SO PIN" env RADESK_UKEY_NEW_PIN=Nw5e4r3t rdas clerk ukey unblock "$S1" --id-sighted
expect_rc 0 "the new PIN works: change it" env RADESK_UKEY_PIN=Nw5e4r3t RADESK_UKEY_NEW_PIN=Hj6k5l4m rdas clerk ukey passwd "$S1"
p11login() { P=$1 pkcs11-tool --module "$SOFTHSM_MODULE" --token-label F1 --login --pin env:P -O >/dev/null 2>&1; }
check "pkcs11-tool logs in with the changed PIN" p11login Hj6k5l4m
expect_rc 0 "audit of the unblock" rdas auditor --json audit list --object "$S1"
like "$OUT" "\"action\":\"ukey.unblock\",\"object\":\"$S1\",\"details\":\{\"application\":\"$A1\",\"identity\":\"sighted\"\}" \
	"who, which UKEY, which application, identity sighted"
sqlite3 "$(desk_db)" .dump >"$TESTTMP/dump.sql"
unlike "$(cat "$TESTTMP/dump.sql")" "Kp4w8n2r|Nw5e4r3t|Hj6k5l4m|$SOFTHSM_SO_PIN" "no PIN in the database"
done_testing
