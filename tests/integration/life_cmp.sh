#!/bin/bash
# After issuance with [ca] driver = cmp against OpenSSL's CMP server:
# revocation (rr) through the written request, four eyes and the outbox,
# the CA confirming or refusing; renewal (kur) as far as that server can
# take it: it answers a key update only for the certificate it holds and
# answers with that very certificate, so it checks the old certificate the
# RA names and the RA must not take what it gets back.  The renewal with a
# new key then goes to tests/tools/cmp_ca (the same OpenSSL CMP server
# engine with the test CA's key behind it, signing what it is asked for).
. "$SRCDIR/tests/integration/lib_cmp.sh"
cmp_setup "[renewal]" "window_days = 365"
cmp_server_start_ca "$TESTTMP/cmp" || { echo "Bail out! cmp_ca did not start"; exit 1; }
mapfile -t APPS < <("$TOOLS/ca_prep" approve 4)
is "${#APPS[@]}" 4 "four approved applications"
# issue NO: enrolled over CMP with a software key, the server holding its certificate
issue() {
	ec_csr "$TESTTMP/$1.csr" "/CN=张三/C=CN" && as clerk ca request "$1" --csr "$TESTTMP/$1.csr" >/dev/null &&
		ca_sign "$TESTTMP/$1.csr" "$TESTTMP/$1.pem" && cmp_answer "$TESTTMP/$1.pem" &&
		as clerk ca submit "$1" >/dev/null
}
cert_status() { as admin --json cert show "$1" | jq -r .status; }
cur_serial() { as admin --json cert show "$1" | jq -r .serial; }
revreq() { as admin --json cert revocations --all | jq -r --arg no "$1" '[.[] | select(.application == $no)] | last | '"$2"; }

A=${APPS[0]} B=${APPS[1]} C=${APPS[2]}
for no in "$A" "$B" "$C"; do issue "$no"; done
is "$(app_state "$A")/$(app_state "$B")/$(app_state "$C")" issued/issued/issued "three certificates issued over CMP"

# ---- revocation: recorded, approved by a second operator, sent as rr, confirmed
expect_rc 0 "a clerk records a written revocation request" as clerk cert revoke "$A" --reason keyCompromise \
	--note "书面申请"
expect_rc 0 "a reviewer approves it" as reviewer cert approve-revocation "$A"
expect_rc 0 "the counter's sync queues it" as clerk cert sync
like "$OUT" "queued 1" "queued to the CA outbox"
is "$(careq "$A" "kind||' '||revoke_reason")" "revoke 1" "an outbox request to revoke, keyCompromise (1)"
cmp_answer "$TESTTMP/$A.pem"
before=$(posts mac)
expect_rc 0 "ca submit sends the rr" as clerk ca submit "$A"
[ "$(posts mac)" -gt "$before" ] && ok "... to openssl cmp, which takes an rr only for the certificate it holds" ||
	notok "openssl cmp got no request"
is "$(app_state "$A")" revoked "the application is revoked once the CA confirmed"
is "$(cert_status "$A")" revoked "the certificate is recorded revoked"
expect_rc 0 "sync closes the request" as clerk cert sync
like "$OUT" "revoked 1" "... one confirmed"
is "$(revreq "$A" .status)" "done" "the revocation request is done"
like "$(sqlite3 "$DB" "select group_concat(action) from audit where object='$A'")" \
	"cert.revoke_request.*cert.revoke_approve.*cert.revoke_queued.*ca.revoked.*app.revoke.*cert.revoke_done" \
	"the audit trail tells the flow"

# ---- the CA refuses: the request fails with its reason, nothing changes
SB=$(cur_serial "$B")
expect_rc 0 "a revocation request for B" as clerk cert revoke "$B" --reason affiliationChanged
expect_rc 0 "approved by a second clerk: queued at once" as clerk2 cert approve-revocation "$B"
cmp_answer "$TESTTMP/$B.pem" -pkistatus 2 -failurebits 1024 -statusstring "revocation not permitted for this RA"
expect_rc 1 "the CA refuses the rr: submit exits 1" as clerk ca submit "$B"
like "$(careq "$B" last_error)" "the CA refused the revocation request: .*rejection.*revocation not permitted for this RA" \
	"the outbox request failed with the CA's reason"
expect_rc 0 "sync records the CA's refusal" as clerk cert sync
like "$OUT" "refused by the CA 1" "... one refused"
is "$(revreq "$B" .status)" failed "the revocation request failed"
like "$(revreq "$B" .status_reason)" "revocation not permitted for this RA" "... with the CA's reason"
is "$(app_state "$B")" issued "the application is unchanged"
is "$(cert_status "$B")/$(cur_serial "$B")" "valid/$SB" "the certificate is unchanged and valid"
is "$(audit_count cert.revoke_failed "$B")" 1 "the refusal is audited"
expect_rc 0 "a new request for B" as clerk cert revoke "$B" --reason affiliationChanged
expect_rc 0 "approved by a second clerk" as clerk2 cert approve-revocation "$B"
cmp_answer "$TESTTMP/$A.pem"
expect_rc 1 "the CA holds another certificate: it refuses the rr" as clerk ca submit "$B"
like "$(careq "$B" last_error)" "revocation request: .*rejection" "... with its status"
is "$(cert_status "$B")" valid "B's certificate stays valid"

# ---- renewal (kur): the old certificate the RA names is checked by the server
SC=$(cur_serial "$C")
ec_csr "$TESTTMP/c2.csr" "/CN=张三/C=CN"
fixed_time_catch_up # the 365-day window opens when C's certificate was signed (real clock)
RADESK_ANSWER=a expect_rc 0 "a renewal with a new key" as clerk cert renew "$C" --csr "$TESTTMP/c2.csr" --method cash
is "$(careq "$C" kind)" renew "an outbox request to renew"
cmp_answer "$TESTTMP/$A.pem"
expect_rc 1 "the server holds another certificate: it refuses the kur" as clerk ca submit "$C"
like "$(careq "$C" last_error)" "the CA refused the key update request: .*wrong certid" \
	"failed with the server's reason (wrong certificate id)"
is "$(cert_status "$C")/$(cur_serial "$C")" "valid/$SC" "C's certificate is unchanged"
is "$(app_state "$C")" issued "C stays issued"
expect_rc 0 "the admin retries the renewal" as admin ca retry "$C"
cmp_answer "$TESTTMP/$C.pem"
expect_rc 1 "the server takes the kur for C's certificate but answers with the old certificate" \
	as clerk ca submit "$C"
like "$(careq "$C" last_error)" "response.public_key" "the RA does not take a certificate for the old key"
like "$(tail -n 20 "$TESTTMP/cmp/mac.log")" "rejected by client" "... and said so to the CA in certConf"
expect_rc 0 "the admin retries again" as admin ca retry "$C"
ca_sign "$TESTTMP/c2.csr" "$TESTTMP/c2.pem" "$(serial_of "$TESTTMP/$C.pem")" && cmp_answer "$TESTTMP/c2.pem"
expect_rc 1 "a certificate for the new key under the old serial number" as clerk ca submit "$C"
like "$(careq "$C" last_error)" "response.serial: .*$(serial_of "$TESTTMP/$C.pem")" "is refused: the serial is held already"
is "$(cert_status "$C")/$(cur_serial "$C")" "valid/$SC" "C's certificate is still the old, valid one"
is "$(sqlite3 "$DB" "select count(*) from certificates where status='superseded'")" 0 "nothing superseded"

expect_rc 0 "the admin retries once more" as admin ca retry "$C"
cmp_conf "$CMP_CA_URL"
expect_rc 0 "a CMP CA that signs what it is asked: the kur goes through" as clerk ca submit "$C"
NEW=$(cur_serial "$C")
like "$(tail -n 2 "$CMP_CA_LOG")" "^kur $NEW old $(serial_of "$TESTTMP/$C.pem")" \
	"the CA got a kur naming the old certificate and issued the new serial"
like "$(tail -n 1 "$CMP_CA_LOG")" "certConf PKIStatus: accepted" "... which the RA confirmed"
check "a new serial" test -n "$NEW" -a "$NEW" != "$SC"
as admin cert show "$C" --pem >"$TESTTMP/c-new.pem"
is "$(openssl x509 -in "$TESTTMP/c-new.pem" -noout -pubkey | sha256sum)" \
	"$(openssl req -in "$TESTTMP/c2.csr" -noout -pubkey | sha256sum)" "the new certificate holds the renewal CSR's key"
check "... and chains to the CA" openssl verify -CAfile "$CA/ca.pem" "$TESTTMP/c-new.pem"
is "$(cert_status "$C")" valid "it is the current, valid certificate"
is "$(sqlite3 "$DB" "select status from certificates where serial_hex='$SC'")" superseded "the old one is superseded"
is "$(app_state "$C")" issued "C stays issued"
like "$(sqlite3 "$DB" "select group_concat(action) from audit where object='$C'")" "cert.renew.*ca.failed.*ca.requeue.*ca.renewed" \
	"the audit trail has the renewal, the refusals, the retries and the renewed certificate"

# ---- the reason reaches the CA: revoke the renewed certificate at the signing CA
expect_rc 0 "a revocation request for C (cessationOfOperation)" as clerk cert revoke "$C" --reason cessationOfOperation
expect_rc 0 "approved by a second clerk: queued at once" as clerk2 cert approve-revocation "$C"
expect_rc 0 "ca submit sends the rr" as clerk ca submit "$C"
like "$(grep -v certConf "$CMP_CA_LOG" | tail -n 1)" "^rr $NEW reason 5\$" \
	"the CA got an rr for the current certificate with reason 5 (cessationOfOperation)"
is "$(app_state "$C")/$(cert_status "$C")" revoked/revoked "C is revoked"

expect_rc 0 "the audit chain verifies" as auditor audit verify
done_testing
