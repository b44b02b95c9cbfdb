#!/bin/bash
# UKEY issuance end to end through the CLI: SoftHSM2 tokens, the real cfssl
# CA (mutual TLS) through the CA outbox.  pkcs11-tool and openssl confirm
# what is on the token; the PIN never shows up anywhere; wrong tokens are
# refused; hand-over activates the application.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/integration/lib_ukey.sh"
ukey_setup
S1=$(softhsm_add_token UK1)
S2=$(softhsm_add_token UK2)
export PIN=Qv7m2x9k
P11() { pkcs11-tool --module "$SOFTHSM_MODULE" "$@" 2>&1; }

# approved [FILE]: register, documents, fee, review by another operator
approved() { approved_from "${1:-$SRCDIR/tests/fixtures/apps/individual.json}"; }
NO=$(approved)
is "$(app_state "$NO")" approved "the application is approved"

# ---- stock ----------------------------------------------------------------------------
expect_rc 1 "a clerk may not add stock" as clerk ukey add "$S1"
expect_rc 0 "admin adds two UKEYs" as admin ukey add "$S1" "$S2"
is "$OUT" "2 UKEYs added to stock" "two added"
expect_rc 1 "adding one again is refused" as admin ukey add "$S1"
like "$ERR" "UKEY $S1 is in stock already" "the duplicate serial is named"
expect_rc 0 "stock list as JSON" as admin --json ukey list
like "$OUT" "\"serial\":\"$S1\",\"model\":\"SoftHSM v2\",\"state\":\"in_stock\"" "model read from the inserted token"
like "$OUT" '"counts":\[\{"model":"SoftHSM v2","state":"in_stock","count":2\}\]' "counts per model and state"

# ---- wrong token cases before anything is issued -----------------------------------------
expect_rc 1 "two UKEYs inserted: the clerk must say which" env RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NO"
like "$ERR" "2 UKEYs are inserted .*--serial" "the message says to choose"
S3=$(softhsm_add_token UK3)
expect_rc 1 "a UKEY not in stock is refused" env RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NO" --serial "$S3"
like "$ERR" "UKEY $S3 is not in stock" "not in stock, named"
expect_rc 1 "a weak PIN is refused before anything is touched" env RADESK_UKEY_PIN=123456 rdas clerk ukey issue "$NO" --serial "$S1"
like "$ERR" "pin: .*sequence" "the PIN rule is named, not the PIN"
is "$(sqlite3 "$(desk_db)" "select state || ',' || coalesce(app_id, '-') from ukeys where serial = '$S1'")" "in_stock,-" \
	"nothing bound after the refusals"

# ---- issuance ------------------------------------------------------------------------------
SEEN=$TESTTMP/argv.txt; : >"$SEEN"
RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NO" --serial "$S1" --receipt-pdf "$TESTTMP/receipt.pdf" \
	>"$TESTTMP/issue.out" 2>"$TESTTMP/issue.err" &
PID=$!
while kill -0 "$PID" 2>/dev/null; do ps -eo args >>"$SEEN"; sleep 0.01; done
wait "$PID"
RC=$?
is "$RC" 0 "ukey issue succeeds"
OUT=$(cat "$TESTTMP/issue.out")
like "$(cat "$SEEN")" "radesk --as clerk ukey issue" "the issuance was seen in ps"
like "$OUT" '\[1/10\] UKEY found, in stock and blank' "step 1 printed"
like "$OUT" '\[4/10\] key pair generated on the UKEY: [0-9a-f]{40}' "key generation printed"
like "$OUT" '\[8/10\] certificate and CA chain written' "certificate writing printed"
like "$OUT" '\[10/10\] UKEY issued' "the last step printed"
KID=$(printf '%s\n' "$OUT" | sed -n 's/^key id *//p')
CSER=$(printf '%s\n' "$OUT" | sed -n 's/^certificate *//p')
like "$KID" '^[0-9a-f]{40}$' "the key id is reported"
is "$(app_state "$NO")" issued "the application is issued"
is "$(sqlite3 "$(desk_db)" "select state || ',' || key_id from ukeys where serial = '$S1'")" "issued,$KID" \
	"the UKEY is issued with the key id"

OBJ=$(P11 --token-label UK1 -O --login --pin env:PIN)
PRIV=$(printf '%s\n' "$OBJ" | sed -n '/^Private Key Object; EC/,/^[A-Z]/p')
like "$PRIV" "ID: +$KID" "pkcs11-tool: the private key is on the token"
like "$PRIV" "never extractable" "pkcs11-tool: the private key was never extractable"
like "$PRIV" "sensitive" "pkcs11-tool: the private key is sensitive"
like "$OBJ" "Certificate Object.*" "pkcs11-tool: a certificate is on the token"
P11 --token-label UK1 --read-object --type cert --id "$KID" -o "$TESTTMP/cert.der" >/dev/null
P11 --token-label UK1 --read-object --type pubkey --id "$KID" -o "$TESTTMP/pub.der" >/dev/null
openssl x509 -inform DER -in "$TESTTMP/cert.der" -out "$TESTTMP/cert.pem"
is "$(openssl x509 -in "$TESTTMP/cert.pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" \
	"$(openssl pkey -pubin -inform DER -in "$TESTTMP/pub.der" -outform DER | sha256sum)" \
	"the certificate's key is the token's key"
check "openssl verify: the certificate chains to the CA" openssl verify -CAfile "$CA_TRUST" "$TESTTMP/cert.pem"
like "$(openssl x509 -in "$TESTTMP/cert.pem" -noout -subject -nameopt utf8,sep_comma_plus)" "CN=张三" \
	"the certificate's subject is the approved name"
is "$(openssl x509 -in "$TESTTMP/cert.pem" -noout -serial | cut -d= -f2 | tr A-F a-f | sed 's/^0*//')" \
	"$(printf '%s' "$CSER" | tr A-F a-f | sed 's/^0*//')" "the reported serial is the certificate's"
is "$(P11 --token-label UK1 -O | grep -c '^Certificate Object')" 2 "certificate and CA chain on the token"

# ---- receipt and hand-over -----------------------------------------------------------------
check "the receipt PDF was written" test -s "$TESTTMP/receipt.pdf"
TXT=$(pdftotext "$TESTTMP/receipt.pdf" - 2>/dev/null)
like "$TXT" "$S1" "the receipt names the UKEY serial"
like "$(printf '%s' "$TXT" | tr A-F a-f)" "$(printf '%s' "$CSER" | tr A-F a-f)" "the receipt names the certificate serial"
like "$TXT" "SoftHSM" "the receipt names the UKEY model"
# no agent: the individual collects the UKEY in person
like "$TXT" "110105\*+002X" "the recipient is the subscriber (ID number masked)"
like "$TXT" "13800138000" "with the subscriber's mobile"
unlike "$TXT" "11010519491231002X" "the whole ID number is never printed"
expect_rc 1 "a reviewer may not hand over" as reviewer ukey handover "$NO"
expect_rc 0 "hand-over after the agent signed" as clerk ukey handover "$NO"
is "$(app_state "$NO")" activated "the application is activated"
expect_rc 1 "handing over twice is refused" as clerk ukey handover "$NO"

# ---- the same UKEY again, another application -----------------------------------------------
app_json individual personal-sign 1 >"$TESTTMP/a2.json"
NO2=$(approved "$TESTTMP/a2.json")
expect_rc 1 "an issued UKEY cannot be issued again" env RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NO2" --serial "$S1"
like "$ERR" "UKEY $S1 is already issued \(application $NO\)" "already issued, with its application"
expect_rc 1 "an activated application gets no second UKEY" env RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NO" --serial "$S2"
app_json individual personal-sign 1 >"$TESTTMP/a3.json"
NO3=$(approved "$TESTTMP/a3.json")
expect_rc 1 "hand-over without a UKEY is refused" as clerk ukey handover "$NO3"
like "$ERR" "no issued UKEY" "the reason is named"

# ---- the PIN appears nowhere -----------------------------------------------------------------
as auditor --json audit list >"$TESTTMP/audit.json"
sqlite3 "$(desk_db)" .dump >"$TESTTMP/dump.sql"
like "$(cat "$TESTTMP/audit.json")" '"action":"ukey.issue"' "the issuance is audited"
like "$(cat "$TESTTMP/audit.json")" '"action":"ukey.keygen".*"key_id":"'"$KID"'"' "key generation audited with the key id"
for f in audit.json dump.sql issue.out issue.err argv.txt; do
	unlike "$(cat "$TESTTMP/$f")" "$PIN|$SOFTHSM_SO_PIN" "neither PIN nor SO PIN in $f"
done
unlike "$(cat "$TESTTMP"/data/*.log 2>/dev/null; cat "$TESTTMP/hsm"/*.log 2>/dev/null)" "$PIN" "no PIN in log files"

# ---- marking ---------------------------------------------------------------------------------
expect_rc 1 "mark needs a reason" as admin ukey mark "$S1" returned
like "$ERR" "reason" "the reason is asked for"
expect_rc 1 "a clerk may not mark" as clerk ukey mark "$S1" returned --reason "came back"
expect_rc 0 "admin marks the UKEY returned" as admin ukey mark "$S1" returned --reason "subscriber brought it back"
expect_rc 1 "in_stock cannot become returned" as admin ukey mark "$S2" returned --reason x
like "$ERR" "cannot be marked" "the rule is named"
expect_rc 0 "list by state" as admin ukey list --state returned
like "$OUT" "$S1 .*returned .*$NO" "the returned UKEY keeps its application"
done_testing
