#!/bin/bash
# The CA outbox with [ca] driver = cmp against OpenSSL's CMP server: approved
# applications, `ca request --csr`, `ca submit`, the certificate checked and
# recorded; MAC and signature protection; the CA's refusals and answers the
# RA must not take; the server down, hung, polling, or answering nonsense.
. "$SRCDIR/tests/integration/lib_cmp.sh"
cmp_setup
cmp_server_start_ca "$TESTTMP/cmp" || { echo "Bail out! cmp_ca did not start"; exit 1; }
FAULT=$SRCDIR/tests/tools/faultca.sh
mapfile -t APPS < <("$TOOLS/ca_prep" approve 9)
is "${#APPS[@]}" 9 "nine approved applications"
queue() { # NO: a fresh P-256 CSR for the approved subject, queued
	ec_csr "$TESTTMP/$1.csr" "/CN=张三/C=CN" && as clerk ca request "$1" --csr "$TESTTMP/$1.csr" >/dev/null
}
certs_of() { sqlite3 "$DB" "select count(*) from certificates where app_id=(select id from applications where no='$1')"; }

# ---- p10cr with MAC protection: issued, checked, recorded
A=${APPS[0]}; queue "$A"
is "$(queued_csr "$A" | openssl req -noout -pubkey | sha256sum)" "$(openssl req -in "$TESTTMP/$A.csr" -noout -pubkey | sha256sum)" \
	"the queued request holds the CSR"
ca_sign "$TESTTMP/$A.csr" "$TESTTMP/$A.pem" && cmp_answer "$TESTTMP/$A.pem"
before=$(posts mac)
expect_rc 0 "ca submit over CMP (MAC)" as clerk ca submit "$A"
like "$OUT" "1 due: 1 done, 0 failed, 0 to retry" "the summary counts one done"
is "$(app_state "$A")" issued "the application is issued"
[ "$(posts mac)" -gt "$before" ] && ok "the request went to openssl cmp (MAC-protected server)" || notok "openssl cmp got no request"
is "$(as clerk cert show "$A" --pem | der_sum)" "$(der_sum <"$TESTTMP/$A.pem")" "the recorded certificate is the CA's"
is "$(as clerk cert show "$A" --pem | openssl x509 -noout -pubkey | sha256sum)" \
	"$(openssl req -in "$TESTTMP/$A.csr" -noout -pubkey | sha256sum)" "... for the CSR's key"
as clerk cert show "$A" --pem >"$TESTTMP/got-a.pem"
check "... chaining to the configured CA (openssl verify)" openssl verify -CAfile "$CA/ca.pem" "$TESTTMP/got-a.pem"
expect_rc 0 "cert show --json" as clerk --json cert show "$A"
is "$(echo "$OUT" | jq -r .serial)" "$(serial_of "$TESTTMP/$A.pem")" "the serial is recorded"
like "$(echo "$OUT" | jq -r .subject)" "CN=张三" "the subject is the approved name"
like "$(sqlite3 "$DB" "select group_concat(action) from audit where object='$A'")" "ca.request.*ca.issued" \
	"the audit trail has the request and the issue"

# ---- p10cr with signature protection (the RA's CMP certificate and key)
B=${APPS[1]}; queue "$B"
ca_sign "$TESTTMP/$B.csr" "$TESTTMP/$B.pem" && cmp_answer "$TESTTMP/$B.pem"
cmp_conf sig
before=$(posts sig)
expect_rc 0 "ca submit over CMP (signature)" as clerk ca submit "$B"
is "$(app_state "$B")" issued "the application is issued"
[ "$(posts sig)" -gt "$before" ] && ok "the request went to the signing server" || notok "signing server got no request"
is "$(as clerk cert show "$B" --pem | der_sum)" "$(der_sum <"$TESTTMP/$B.pem")" "the recorded certificate is the CA's"
cp "$CA/ra-key.pem" "$TESTTMP/loose-key.pem"; chmod 644 "$TESTTMP/loose-key.pem"
C=${APPS[2]}; queue "$C"
cmp_conf sig && sed -i "s|^cmp_key = .*|cmp_key = $TESTTMP/loose-key.pem|" "$RADESK_CONFIG"
expect_rc 1 "a CMP key readable by others is refused" as clerk ca submit "$C"
like "$ERR" "ca.cmp_key: .*0600" "... naming the key setting and the mode"
is "$(careq "$C" "state||' '||attempts")" "queued 0" "... and nothing was sent"
printf 'not the secret\n' >"$TESTTMP/wrong-secret"; chmod 600 "$TESTTMP/wrong-secret"
cmp_conf mac && sed -i "s|^cmp_secret_file = .*|cmp_secret_file = $TESTTMP/wrong-secret|" "$RADESK_CONFIG"
expect_rc 3 "a shared secret the CA does not know: exit 3" as clerk ca submit "$C"
like "$ERR" "ca.cmp_secret_file: .*protection" "... naming the secret setting"
is "$(careq "$C" state)" retry "the request keeps its place for the admin"
is "$(app_state "$C")" queued_for_ca "... the application is not sent back to review for the link's trouble"
cmp_conf mac

# ---- a CSR without the C the CA is to fill in: ir with the approved subject
I=${APPS[8]}
ec_csr "$TESTTMP/$I.csr" "/CN=张三" && as clerk ca request "$I" --csr "$TESTTMP/$I.csr" >/dev/null
cmp_conf "$CMP_CA_URL"
expect_rc 0 "a CSR naming the CN only, to a CA that signs what it is asked" as clerk ca submit "$I"
like "$(grep -v certConf "$CMP_CA_LOG" | tail -n 1)" "^ir $(as clerk --json cert show "$I" | jq -r .serial)\$" \
	"the RA sent an ir (the template, not the CSR, names the subject)"
like "$(as clerk --json cert show "$I" | jq -r .subject)" "^(C=CN,CN=张三|CN=张三,C=CN)\$" "the certificate has the approved subject"
cmp_conf mac

# ---- answers the RA does not take: failed with the reason, back to a reviewer
refused() { # NO PATTERN DESC
	expect_rc 1 "$3: submit exits 1" as clerk ca submit "$1"
	is "$(careq "$1" state)" failed "$3: the request failed"
	like "$(careq "$1" last_error)" "$2" "$3: with the reason"
	is "$(app_state "$1")" under_review "$3: back under review"
	is "$(certs_of "$1")" 0 "$3: no certificate recorded"
}
# the server still holds B's certificate: for another key than D's
D=${APPS[3]}; queue "$D"
refused "$D" "response.public_key: the certificate is for another key" "a certificate for another key"
like "$(tail -n 40 "$TESTTMP/cmp/mac.log")" "rejected by client" "the RA told the CA in certConf that it rejects the certificate"
cfssl_ca_init "$TESTTMP/other" >/dev/null
E=${APPS[4]}; queue "$E"
ca_sign "$TESTTMP/$E.csr" "$TESTTMP/$E.pem" "" "$TESTTMP/other" && cmp_answer "$TESTTMP/$E.pem"
refused "$E" "response.issuer: .*does not chain to the configured CA" "a certificate from another CA"
F=${APPS[5]}; queue "$F"
ca_sign "$TESTTMP/$F.csr" "$TESTTMP/$F.pem" "$(serial_of "$TESTTMP/$A.pem")" && cmp_answer "$TESTTMP/$F.pem"
refused "$F" "response.serial: .*$(serial_of "$TESTTMP/$A.pem").*another certificate" "a serial number the CA gave before"
G=${APPS[6]}; queue "$G"
ca_sign "$TESTTMP/$G.csr" "$TESTTMP/$G.pem" && cmp_answer "$TESTTMP/$G.pem" -pkistatus 2 -failurebits 4 \
	-statusstring "subject not allowed by policy"
refused "$G" "the CA refused the certificate request: .*rejection.*badRequest.*subject not allowed by policy" \
	"the CA says no"
expect_rc 0 "the review queue holds the refused applications" as reviewer --json review queue
like "$OUT" "$G" "... with the one the CA refused"

# ---- transient: down, hung, polling; retried with backoff, issued once
ca_sign "$TESTTMP/$C.csr" "$TESTTMP/$C.pem" && cmp_answer "$TESTTMP/$C.pem"
cmp_conf "https://127.0.0.1:$(cmp_server__port)"
expect_rc 4 "CMP server down: exit 4" as clerk ca submit --all
like "$OUT" "1 due: 0 done, 0 failed, 1 to retry" "... the summary says to retry"
is "$(careq "$C" "state||' '||attempts")" "retry 2" "the request waits to be retried"
like "$(careq "$C" last_error)" "ca.url: .*(refused|connect)" "... with the reason"
[ "$(careq "$C" next_try_at)" -gt "$(date -d "$RADESK_FIXED_TIME" +%s)" ] && ok "... at a later time (backoff)" ||
	notok "next_try_at is not in the future"
is "$(app_state "$C")" queued_for_ca "the application stays queued for the CA"
expect_rc 0 "before the retry time nothing is due" as clerk ca submit --all
like "$OUT" "0 due" "... nothing sent"
cmp_conf mac "timeout = 1" "connect_timeout = 1"
cmp_server_pause "$TESTTMP/cmp"
start=$(date +%s)
RADESK_FIXED_TIME=2026-11-21T12:00:00 expect_rc 4 "a CMP server that does not answer: exit 4" as clerk ca submit "$C"
cmp_server_resume "$TESTTMP/cmp"
[ $(($(date +%s) - start)) -le 5 ] && ok "... within the configured timeout" || notok "the timeout was not honoured"
like "$(careq "$C" last_error)" "no answer in time|timed out" "the reason says timeout"
is "$(careq "$C" "state||' '||attempts")" "retry 3" "still to retry"
cmp_answer "$TESTTMP/$C.pem" -poll_count 2 -check_after 60
RADESK_FIXED_TIME=2026-11-22T09:00:00 expect_rc 4 "the CA asks to poll in a minute, beyond the timeout: exit 4" \
	as clerk ca submit "$C"
like "$(careq "$C" last_error)" "ca.timeout: the CA asked to wait" "the reason says the CA asked to wait"
is "$(careq "$C" state)" retry "still to retry"
cmp_conf mac
cmp_answer "$TESTTMP/$C.pem" -poll_count 3 -check_after 0
RADESK_FIXED_TIME=2026-11-23T09:00:00 expect_rc 0 "the CA answers after two polls: issued" as clerk ca submit --all
is "$(app_state "$C")" issued "C is issued"
is "$(careq "$C" "state||' '||attempts")" "done 5" "done after five attempts"
is "$(certs_of "$C")" 1 "one certificate recorded for the five attempts"
is "$(as clerk cert show "$C" --pem | der_sum)" "$(der_sum <"$TESTTMP/$C.pem")" "... the CA's"

# ---- nonsense: not a CMP message
H=${APPS[7]}; queue "$H"
URL=$(FAULT_CERT=$CA/server.pem FAULT_KEY=$CA/server-key.pem FAULT_CLIENT_CA=$CA/ca.pem "$FAULT" start "$TESTTMP/f" garbage)
cmp_conf "$URL"
refused "$H" "response: the CA's answer is not a CMP message" "an answer that is no CMP message"
"$FAULT" stop "$TESTTMP/f"

expect_rc 0 "the audit chain verifies" as auditor audit verify
done_testing
