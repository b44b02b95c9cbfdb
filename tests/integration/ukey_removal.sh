#!/bin/bash
# A UKEY pulled out mid-way: a clear device error, never a crash; the orphan
# key left behind is listed and can be deleted; a resumed step completes.
# Insertion and removal are seen by the polling API.
. tests/lib.sh
. tests/fixtures/softhsm.sh
T=$TOOLS/ukey_tool
softhsm_setup "$TESTTMP/hsm"
S1=$(softhsm_add_token R1)
export RADESK_UKEY_PIN=$SOFTHSM_USER_PIN PINLOCK_MODULE=$SOFTHSM_MODULE
SHIM=$SHIMS/pinlock.so
REAL=$SOFTHSM_MODULE
P11() { pkcs11-tool --module "$REAL" --token-label R1 --login --pin env:RADESK_UKEY_PIN "$@" 2>&1; }

CA=$TESTTMP/ca; mkdir -p "$CA"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$CA/ca.key" \
	-out "$CA/ca.pem" -subj "/CN=removal test CA" -days 30 2>/dev/null

# --- removed while the token signs the CSR: the key is left behind -----------------
expect_rc 4 "removed during CSR signing: device error (exit 4)" \
	env PINLOCK_REMOVE_AT=C_Sign "$T" --module "$SHIM" --token R1 keygen --cn 王五 --csr "$TESTTMP/x.csr"
like "$ERR" "device: ukey: the UKEY was removed or stopped answering while signing" "a clear message"
unlike "$ERR" "Sanitizer|Segmentation|Aborted" "no crash"
check "no CSR was written" test ! -e "$TESTTMP/x.csr"
ORPHAN=$(printf '%s\n' "$OUT" | sed -n 's/^id=//p')
like "$ORPHAN" '^[0-9a-f]{40}$' "the key had been generated before the removal"
expect_rc 0 "objects after re-insertion" "$T" --module "$REAL" --token R1 objects
like "$OUT" "key id=$ORPHAN .*private=1 public=1 cert=0 orphan=1" "the orphan key is reported"
like "$(P11 -O)" "ID: +$ORPHAN" "pkcs11-tool confirms the orphan key is there"
expect_rc 0 "delete the orphan" "$T" --module "$REAL" --token R1 delete --id "$ORPHAN"
is "$OUT" "deleted=2" "both halves deleted"
unlike "$($T --module "$REAL" --token R1 objects)" "$ORPHAN" "the orphan is gone from the listing"
unlike "$(P11 -O)" "$ORPHAN" "pkcs11-tool confirms it is gone"
expect_rc 1 "deleting it again: not found" "$T" --module "$REAL" --token R1 delete --id "$ORPHAN"
expect_rc 0 "the token is blank again" "$T" --module "$REAL" --token R1 blank
is "$OUT" "blank" "blank after the reset"

# --- removed during key generation ----------------------------------------------------
expect_rc 4 "removed during key generation" \
	env PINLOCK_REMOVE_AT=C_GenerateKeyPair "$T" --module "$SHIM" --token R1 keygen --type rsa
like "$ERR" "while generating the key pair" "the step is named"

# --- removed while the certificate is written, then resumed ---------------------------
expect_rc 0 "keygen + CSR" "$T" --module "$REAL" --token R1 keygen --cn 王五 --csr "$TESTTMP/r.csr"
ID=${OUT#id=}
openssl x509 -req -in "$TESTTMP/r.csr" -CA "$CA/ca.pem" -CAkey "$CA/ca.key" -CAcreateserial \
	-days 10 -out "$TESTTMP/r.pem" 2>/dev/null
expect_rc 4 "removed while writing the certificate" env PINLOCK_REMOVE_AT=C_CreateObject \
	"$T" --module "$SHIM" --token R1 store-cert --id "$ID" --cert "$TESTTMP/r.pem" --chain "$CA/ca.pem" --label 王五
like "$ERR" "while writing the certificate" "the step is named"
like "$($T --module "$REAL" --token R1 objects)" "key id=$ID .*cert=0 orphan=1" "the key waits without certificate"
expect_rc 1 "check says there is no certificate" "$T" --module "$REAL" --token R1 check --id "$ID"
expect_rc 0 "resume: store the certificate" "$T" --module "$REAL" --token R1 store-cert --id "$ID" \
	--cert "$TESTTMP/r.pem" --chain "$CA/ca.pem" --label 王五
expect_rc 0 "the certificate matches the key" "$T" --module "$REAL" --token R1 check --id "$ID"
like "$($T --module "$REAL" --token R1 objects)" "key id=$ID .*cert=1 orphan=0" "no orphan left"

# --- the token directory disappears (pulled out for good) -----------------------------
S2=$(softhsm_add_token R2)
like "$($T --module "$REAL" list)" "serial=$S2 label=R2" "R2 listed"
"$T" --module "$REAL" wait --timeout 4000 >"$TESTTMP/wait.out" 2>&1 &
PID=$!
for _ in $(seq 50); do grep -q ready "$TESTTMP/wait.out" && break; sleep 0.1; done
rm -rf "$(softhsm_token_dir "$S2")"
wait "$PID"
like "$(cat "$TESTTMP/wait.out")" "changed=1" "the polling API sees the removal"
unlike "$(cat "$TESTTMP/wait.out")" "serial=$S2" "R2 is no longer in the list"
expect_rc 1 "the removed token is not found" "$T" --module "$REAL" --token "$S2" login
like "$ERR" "no UKEY with serial or label $S2 is inserted" "a clear message"

"$T" --module "$REAL" wait --timeout 4000 >"$TESTTMP/wait.out" 2>&1 &
PID=$!
for _ in $(seq 50); do grep -q ready "$TESTTMP/wait.out" && break; sleep 0.1; done
S3=$(softhsm_add_token R3)
wait "$PID"
like "$(cat "$TESTTMP/wait.out")" "changed=1" "the polling API sees an insertion"
like "$(cat "$TESTTMP/wait.out")" "serial=$S3 label=R3" "the new token is in the list"
expect_rc 0 "nothing changes: wait times out" "$T" --module "$REAL" wait --timeout 300
like "$OUT" "changed=0" "no change reported"

done_testing
