#!/bin/bash
# Lost UKEY (补办) end to end on real tokens: a certificate issued onto one
# SoftHSM2 UKEY, the UKEY reported lost (keyCompromise), the old
# certificate revoked at the real cfssl CA with its reason, the new
# application through the desk, and its certificate made on a second UKEY.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/integration/lib_ukey.sh"
ukey_setup
S1=$(softhsm_add_token UK1)
S2=$(softhsm_add_token UK2)
export PIN=Qv7m2x9k
P11() { pkcs11-tool --module "$SOFTHSM_MODULE" --token-label "$1" "${@:2}" 2>&1; }

NO=$(approved_from "$SRCDIR/tests/fixtures/apps/individual.json")
expect_rc 0 "two UKEYs in stock" as admin ukey add "$S1" "$S2"
expect_rc 0 "issued onto the first UKEY" env RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NO" --serial "$S1" --no-receipt
OLDDEC=$(as admin --json cert show "$NO" | sed -n 's/.*"serial_dec":"\([0-9]*\)".*/\1/p')
check "the old certificate is in the certdb" test -n "$OLDDEC"

# ---- the subscriber reports the UKEY lost: one request ------------------------------------
expect_rc 0 "the clerk records the loss" as clerk --json cert reissue "$NO" --reason keyCompromise --ukey lost \
	--token "$S1" --username zhangsan02 --note "lost on the bus"
NEWA=$(printf '%s' "$OUT" | sed -n 's/.*"new_application":"\([^"]*\)".*/\1/p')
check "the new UKEY's application is made" test -n "$NEWA"
expect_rc 0 "a reviewer approves the revocation (four eyes)" as reviewer cert approve-revocation "$NO"
expect_rc 0 "the counter's sync queues it" as clerk cert sync
expect_rc 0 "the revocation goes to the CA" as clerk ca submit "$NO"
is "$(app_state "$NO")" revoked "the old application is revoked once the CA confirms"
is "$(sqlite3 "$CA_DB" "select status||' '||reason from certificates where serial_number='$OLDDEC'")" "revoked 1" \
	"cfssl's certdb: the old certificate revoked, keyCompromise (1)"
expect_rc 0 "the stock" as admin --json ukey list
like "$OUT" "\"serial\":\"$S1\"[^}]*\"state\":\"lost\"" "the old UKEY is marked lost"

# ---- the new application through the desk, issued onto the second UKEY --------------------
expect_rc 0 "the copy is linked to the old application" as clerk --json app show "$NEWA"
like "$OUT" "\"copied_from\":\"$NO\"" "copied_from names the old one"
as clerk app submit "$NEWA" >/dev/null && verify_all "$NEWA" clerk &&
	as clerk fee record "$NEWA" --amount "$(fee_due "$NEWA")" --method cash >/dev/null &&
	as reviewer review next >/dev/null
expect_rc 0 "a reviewer approves the new application" as reviewer review approve "$NEWA"
expect_rc 0 "issued onto the second UKEY" env RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NEWA" --serial "$S2" --no-receipt
is "$(app_state "$NEWA")" issued "the new application is issued"
like "$(P11 UK2 -O)" "Certificate Object" "pkcs11-tool: the certificate is on the new UKEY"
NEWDEC=$(as admin --json cert show "$NEWA" | sed -n 's/.*"serial_dec":"\([0-9]*\)".*/\1/p')
is "$(sqlite3 "$CA_DB" "select status from certificates where serial_number='$NEWDEC'")" good \
	"cfssl's certdb: the new certificate is good"
# the certificate the RA recorded is the one on the new token
as admin cert show "$NEWA" --pem >"$TESTTMP/new.pem"
want=$(openssl x509 -in "$TESTTMP/new.pem" -outform DER | sha256sum)
found=no
for id in $(P11 UK2 -O | sed -n '/^Certificate Object/,/^$/s/^ *ID: *//p'); do
	P11 UK2 --read-object --type cert --id "$id" -o "$TESTTMP/obj.der" >/dev/null
	[ "$(sha256sum <"$TESTTMP/obj.der")" = "$want" ] && found=yes
done
is "$found" yes "the recorded certificate is on the new UKEY"
check "it chains to the CA" openssl verify -CAfile "$CA_TRUST" "$TESTTMP/new.pem"
like "$(openssl x509 -in "$TESTTMP/new.pem" -noout -subject -nameopt utf8,sep_comma_plus)" "CN=张三" \
	"for the same subscriber"
expect_rc 0 "the audit chain verifies" as auditor audit verify
done_testing
