#!/bin/bash
# UKEY issuance on SoftHSM2 tokens: initialise, keys made on the token, CSR
# signed by the token, certificate + chain written back; checked independently
# with pkcs11-tool and openssl.  PINs only ever in the environment.
. tests/lib.sh
. tests/fixtures/softhsm.sh
T=$TOOLS/ukey_tool
softhsm_setup "$TESTTMP/hsm"
export RADESK_UKEY_MODULE=$SOFTHSM_MODULE
P11() { pkcs11-tool --module "$SOFTHSM_MODULE" "$@" 2>&1; }

# a throw-away CA for the test (the real cfssl CA comes in the end-to-end tests)
CA=$TESTTMP/ca
mkdir -p "$CA"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$CA/ca.key" \
	-out "$CA/ca.pem" -subj "/CN=radesk test root" -days 30 2>/dev/null
sign() { openssl x509 -req -in "$1" -CA "$CA/ca.pem" -CAkey "$CA/ca.key" -CAcreateserial \
	-days 10 -out "$2" 2>/dev/null; }

# --- the code under test initialises the free slot ---------------------------------
export RADESK_UKEY_SO_PIN=ra-so-pin-9 RADESK_UKEY_PIN=7z3k9q2w
expect_rc 1 "init refuses a PIN that breaks the policy" \
	env RADESK_UKEY_PIN=123456 "$T" init --slot "$($T list | sed -n 's/^slot=\([0-9]*\) serial=- .*/\1/p' | head -1)" --label K1
like "$ERR" "simple sequence" "the message names the broken rule"
SLOT=$($T list | sed -n 's/^slot=\([0-9]*\) serial=- .*initialized=0.*/\1/p' | head -1)
expect_rc 0 "init the free slot (SO PIN, label, user PIN)" "$T" init --slot "$SLOT" --label K1
SERIAL=$(softhsm_serial K1)
check "the token now has a serial" test -n "$SERIAL"
like "$($T list)" "serial=$SERIAL label=K1 .*initialized=1 user_pin=1" "list shows serial, label, flags"
like "$(P11 -L)" "token label +: K1" "pkcs11-tool sees the initialised token"
expect_rc 0 "find by serial and log in" "$T" --token "$SERIAL" login
expect_rc 0 "a new token is blank" "$T" --token K1 blank
is "$OUT" "blank" "blank reported"

# --- P-256 on the token, CSR with a Chinese subject ----------------------------------
expect_rc 0 "keygen P-256 + CSR" "$T" --token K1 keygen --type ec --label 张三 --cn 张三 \
	--o 某某科技有限公司 --csr "$TESTTMP/ec.csr"
ID=${OUT#id=}
like "$ID" '^[0-9a-f]{40}$' "the key id is 20 bytes of hex"
check "the CSR's signature verifies" openssl req -in "$TESTTMP/ec.csr" -noout -verify
like "$(openssl req -in "$TESTTMP/ec.csr" -noout -subject -nameopt utf8,sep_comma_plus)" \
	"CN=张三,O=某某科技有限公司" "the CSR's subject is the UTF-8 Chinese name"
expect_rc 0 "not blank any more" "$T" --token K1 blank
is "$OUT" "not blank" "not blank reported"

OBJ=$(P11 --token-label K1 -O --login --pin env:RADESK_UKEY_PIN)
PRIV=$(printf '%s\n' "$OBJ" | sed -n '/^Private Key Object; EC/,/^[A-Z]/p')
like "$PRIV" "ID: +$ID" "pkcs11-tool: the private key is on the token with our id"
like "$PRIV" "sensitive" "pkcs11-tool: private key is sensitive"
like "$PRIV" "never extractable" "pkcs11-tool: private key was never extractable"
like "$PRIV" "sign" "pkcs11-tool: private key can sign"
like "$PRIV" "label: +张三" "pkcs11-tool: private key labelled"
like "$OBJ" "EC_PARAMS: +06082a8648ce3d030107" "pkcs11-tool: the public key is on prime256v1"

# --- certificate back onto the token -------------------------------------------------
check "the test CA signs the CSR" sign "$TESTTMP/ec.csr" "$TESTTMP/ec.pem"
expect_rc 0 "check before storing: no certificate yet" \
	bash -c "'$T' --token K1 check --id $ID; test \$? -eq 1"
expect_rc 0 "store certificate and CA chain" "$T" --token K1 store-cert --id "$ID" \
	--cert "$TESTTMP/ec.pem" --chain "$CA/ca.pem" --label "张三 签名证书"
expect_rc 0 "storing again is harmless (resume)" "$T" --token K1 store-cert --id "$ID" \
	--cert "$TESTTMP/ec.pem" --chain "$CA/ca.pem" --label "张三 签名证书"
expect_rc 0 "read back: certificate key equals token key" "$T" --token K1 check --id "$ID"
WANT_SERIAL=$(openssl x509 -in "$TESTTMP/ec.pem" -noout -serial | sed 's/serial=//')
is "$OUT" "match=yes serial=$WANT_SERIAL" "check reports the certificate serial"
OBJ=$(P11 --token-label K1 -O)
is "$(printf '%s\n' "$OBJ" | grep -c '^Certificate Object')" 2 "pkcs11-tool: two certificates (no duplicates)"
like "$(printf '%s\n' "$OBJ" | grep -A4 '张三 签名证书$')" "ID: +$ID" "pkcs11-tool: the certificate has the key's id"
P11 --token-label K1 --read-object --type cert --id "$ID" -o "$TESTTMP/back.der" >/dev/null
P11 --token-label K1 --read-object --type pubkey --id "$ID" -o "$TESTTMP/pub.der" >/dev/null
is "$(openssl x509 -inform DER -in "$TESTTMP/back.der" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" \
	"$(openssl pkey -pubin -inform DER -in "$TESTTMP/pub.der" -outform DER | sha256sum)" \
	"pkcs11-tool: the certificate's public key matches the token's public key"
openssl x509 -inform DER -in "$TESTTMP/back.der" -out "$TESTTMP/back.pem"
check "openssl verify: the certificate read back chains to the CA" \
	openssl verify -CAfile "$CA/ca.pem" "$TESTTMP/back.pem"
like "$($T --token K1 objects)" "key id=$ID .*private=1 public=1 cert=1 orphan=0" "no orphan after issuance"

# a certificate for another key is refused and nothing is written
expect_rc 0 "keygen a second key" "$T" --token K1 keygen --type ec --label other
ID2=${OUT#id=}
expect_rc 5 "storing a certificate that is not for this key is refused" "$T" --token K1 \
	store-cert --id "$ID2" --cert "$TESTTMP/ec.pem" --label wrong
like "$ERR" "not the key $ID2" "the message names the key"
like "$($T --token K1 objects)" "key id=$ID2 .*cert=0 orphan=1" "nothing written for the wrong certificate"

# --- RSA-2048 on a fixture-made blank token -----------------------------------------
SER2=$(softhsm_add_token K2)
export RADESK_UKEY_PIN=$SOFTHSM_USER_PIN
expect_rc 0 "keygen RSA-2048 + CSR" "$T" --token "$SER2" keygen --type rsa --label 李四 --cn 李四 \
	--csr "$TESTTMP/rsa.csr"
RID=${OUT#id=}
like "$(openssl req -in "$TESTTMP/rsa.csr" -noout -text)" "Public-Key: \(2048 bit\)" "RSA CSR is 2048-bit"
check "RSA CSR verifies" openssl req -in "$TESTTMP/rsa.csr" -noout -verify
sign "$TESTTMP/rsa.csr" "$TESTTMP/rsa.pem"
expect_rc 0 "store the RSA certificate" "$T" --token "$SER2" store-cert --id "$RID" \
	--cert "$TESTTMP/rsa.pem" --chain "$CA/ca.pem" --label "李四"
expect_rc 0 "RSA certificate matches the token key" "$T" --token "$SER2" check --id "$RID"
like "$(P11 --token-label K2 -O --login --pin env:RADESK_UKEY_PIN | sed -n '/^Private Key Object; RSA/,/^[A-Z]/p')" \
	"never extractable" "pkcs11-tool: RSA private key never extractable"

# --- the whole issuance in one session (login .. CSR .. CA .. certificate .. check) ----
printf '#!/bin/sh\nopenssl x509 -req -in "$1" -CA "%s/ca.pem" -CAkey "%s/ca.key" -CAcreateserial -days 10 -out "$2" 2>/dev/null\n' \
	"$CA" "$CA" >"$TESTTMP/ca.sh"
chmod +x "$TESTTMP/ca.sh"
for kt in ec rsa; do
	expect_rc 0 "one session: $kt key, CSR, CA, certificate and chain stored, checked" "$T" --token "$SER2" \
		keygen --type $kt --label "one-$kt" --cn 赵六 --csr "$TESTTMP/one.csr" --ca-cmd "$TESTTMP/ca.sh" \
		--cert "$TESTTMP/one-$kt.pem" --chain "$CA/ca.pem"
	like "$OUT" "match=yes serial=$(openssl x509 -in "$TESTTMP/one-$kt.pem" -noout -serial | sed 's/serial=//')" \
		"one session: the stored $kt certificate matches"
done

# --- the PIN stays out of argv, stdout and stderr -------------------------------------
SEEN="$TESTTMP/ps.txt"; : >"$SEEN"
"$T" --token "$SER2" keygen --type rsa --label argv --cn argv --csr "$TESTTMP/argv.csr" \
	>"$TESTTMP/argv.out" 2>"$TESTTMP/argv.err" &
PID=$!
while kill -0 "$PID" 2>/dev/null; do
	tr '\0' ' ' <"/proc/$PID/cmdline" >>"$SEEN" 2>/dev/null; echo >>"$SEEN"
	ps -eo args >>"$SEEN"
done
wait "$PID"
"$T" wait --timeout 400 >>"$TESTTMP/argv.out" 2>>"$TESTTMP/argv.err" &
PID=$!; sleep 0.2; ps -o args= -p "$PID" >>"$SEEN"; wait "$PID"
like "$(cat "$SEEN")" "ukey_tool.*keygen|ukey_tool wait" "the tool was seen running in ps"
unlike "$(cat "$SEEN" "$TESTTMP/argv.out" "$TESTTMP/argv.err")" "$RADESK_UKEY_PIN|ra-so-pin-9|7z3k9q2w" \
	"the PINs are in neither argv, stdout nor stderr"
run "$T" --token "$SER2" change-pin
unlike "$OUT$ERR" "$RADESK_UKEY_PIN" "error output does not echo the PIN"

done_testing
