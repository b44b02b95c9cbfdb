#!/bin/bash
# The CA outbox end to end against a real cfssl CA with mutual TLS: an
# application walked through the desk, a CSR made elsewhere, `ca request`,
# `ca submit`, the certificate checked against the CA's certdb and with
# openssl; renewal and revocation through the outbox.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"
trap 'cfssl_ca_stop "$TESTTMP/ca"' EXIT
cfssl_ca_start "$TESTTMP/ca" >/dev/null || { notok "cfssl CA starts"; done_testing; exit 1; }
export RADESK_CONFIG="$TESTTMP/radesk.conf"
cat >"$RADESK_CONFIG" <<EOF
[radesk]
data_dir = $TESTTMP/data
service_point = SP01
[ca]
$(cfssl_ca_conf)
EOF
rd_env --staff || exit 1
DB=$(desk_db)

approved_app() { # KIND PRODUCT FEE -> number of an approved application
	local no
	no=$(newapp clerk "$1" "$2" 1) || return 1
	as clerk app submit "$no" >/dev/null && verify_all "$no" clerk &&
		as clerk fee record "$no" --amount "$3" --method cash >/dev/null &&
		as reviewer review next >/dev/null && as reviewer review approve "$no" >/dev/null || return 1
	echo "$no"
}
ec_csr() { openssl req -new -utf8 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj "$2" \
	-keyout "$1.key" -out "$1" 2>/dev/null; }

A=$(approved_app individual personal-sign 100.00)
is "$(app_state "$A")" approved "an individual's application is approved through the desk"

# ---- ca request: the CSR is checked before anything is queued
ec_csr "$TESTTMP/wrong.csr" "/CN=李四/C=CN"
expect_rc 1 "a CSR for another name is refused" as clerk ca request "$A" --csr "$TESTTMP/wrong.csr"
like "$ERR" 'csr.subject: the request.s CN is "李四", the approved CN is "张三"' "... naming the field and both names"
ec_csr "$TESTTMP/ou.csr" "/CN=张三/OU=IT/C=CN"
expect_rc 1 "a CSR with an attribute nobody approved is refused" as clerk ca request "$A" --csr "$TESTTMP/ou.csr"
like "$ERR" 'csr.subject: .*OU' "... naming it"
openssl req -new -utf8 -nodes -newkey rsa:1024 -subj "/CN=张三" -keyout "$TESTTMP/rsa.key" \
	-out "$TESTTMP/rsa.csr" 2>/dev/null
expect_rc 1 "an RSA key for an EC P-256 product is refused" as clerk ca request "$A" --csr "$TESTTMP/rsa.csr"
like "$ERR" 'csr: .*not an EC key' "... naming the key type"
openssl req -new -utf8 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-384 -subj "/CN=张三" \
	-keyout "$TESTTMP/p384.key" -out "$TESTTMP/p384.csr" 2>/dev/null
expect_rc 1 "a P-384 key is refused" as clerk ca request "$A" --csr "$TESTTMP/p384.csr"
like "$ERR" 'curve secp384r1' "... naming the curve"
ec_csr "$TESTTMP/a.csr" "/CN=张三/C=CN"
# a CSR whose signature does not verify: flip a byte of the signature
sed '1d;$d' "$TESTTMP/a.csr" | base64 -d >"$TESTTMP/a.der"
python3 -c "import sys;d=bytearray(open(sys.argv[1],'rb').read());d[-5]^=1;open(sys.argv[1],'wb').write(d)" "$TESTTMP/a.der"
{ echo "-----BEGIN CERTIFICATE REQUEST-----"; base64 -w64 "$TESTTMP/a.der"; echo "-----END CERTIFICATE REQUEST-----"; } >"$TESTTMP/bad.csr"
expect_rc 1 "a CSR whose signature does not verify is refused" as clerk ca request "$A" --csr "$TESTTMP/bad.csr"
like "$ERR" "signature does not verify|cannot be read" "... saying so"
echo "not a csr" >"$TESTTMP/junk.csr"
expect_rc 1 "a file that is no CSR is refused" as clerk ca request "$A" --csr "$TESTTMP/junk.csr"
like "$ERR" "csr: not a PEM certificate request" "... naming the field"
expect_rc 1 "a missing file is named" as clerk ca request "$A" --csr "$TESTTMP/none.csr"
like "$ERR" -- "--csr: .*none.csr" "... as --csr with the file"
is "$(sqlite3 "$DB" "select count(*) from ca_requests")" 0 "nothing was queued by the refusals"
is "$(app_state "$A")" approved "the application is still approved"
expect_rc 1 "a reviewer may not queue a request" as reviewer ca request "$A" --csr "$TESTTMP/a.csr"

expect_rc 0 "ca request with a good CSR" as clerk ca request "$A" --csr "$TESTTMP/a.csr"
like "$OUT" "$A: queued for the CA \(request [0-9a-f]{32}\)" "the request id is shown"
REQ=$(echo "$OUT" | sed -n 's/.*(request \([0-9a-f]*\)).*/\1/p')
is "$(app_state "$A")" queued_for_ca "the application moved to queued_for_ca with the request"
is "$(sqlite3 "$DB" "select state||' '||attempts from ca_requests where id='$REQ'")" "queued 0" \
	"the request row is committed, queued, not sent"
expect_rc 1 "a second request for the same application is refused" as clerk ca request "$A" --csr "$TESTTMP/a.csr"
expect_rc 0 "ca status as JSON" as clerk --json ca status
like "$OUT" '"queued":1,' "status shows one queued request"

# ---- ca submit: issued, recorded, matches the CA's certdb
before=$(sqlite3 "$CA_DB" "select count(*) from certificates")
expect_rc 0 "ca submit --all" as clerk ca submit --all
like "$OUT" "1 due: 1 done, 0 failed, 0 to retry" "the summary line counts one done"
is "$(app_state "$A")" issued "the application is issued"
is "$(sqlite3 "$CA_DB" "select count(*) from certificates")" "$((before + 1))" "the CA issued exactly one certificate"
expect_rc 0 "cert show --json" as clerk --json cert show "$A"
SERIAL=$(echo "$OUT" | jq -r .serial_dec)
is "$(sqlite3 "$CA_DB" "select count(*) from certificates where serial_number='$SERIAL'")" 1 \
	"the recorded serial is the certdb's"
as clerk cert show "$A" --pem >"$TESTTMP/a.pem"
is "$(sqlite3 "$CA_DB" "select pem from certificates where serial_number='$SERIAL'" | openssl x509 -outform DER | sha256sum)" \
	"$(openssl x509 -in "$TESTTMP/a.pem" -outform DER | sha256sum)" "the stored PEM is the certdb's certificate"
check "openssl verify against the CA" openssl verify -CAfile "$CA_TRUST" "$TESTTMP/a.pem"
is "$(openssl x509 -in "$TESTTMP/a.pem" -noout -pubkey | sha256sum)" \
	"$(openssl req -in "$TESTTMP/a.csr" -noout -pubkey | sha256sum)" "the certificate holds the CSR's key"
like "$(openssl x509 -in "$TESTTMP/a.pem" -noout -subject -nameopt utf8,sep_comma_plus)" "CN=张三" \
	"the subject is the approved name"
expect_rc 0 "audit verify" as auditor audit verify
expect_rc 0 "the audit trail shows the request and the issue" as auditor --json audit list --object "$A"
like "$(echo "$OUT" | tr -d '\n')" '"action":"ca.request".*"action":"app.queue_for_ca".*"action":"ca.issued".*"action":"app.issue"' \
	"ca.request, queue_for_ca, ca.issued, issue in order"
expect_rc 0 "ca submit with nothing due" as clerk ca submit --all
like "$OUT" "0 due" "nothing is sent twice"

# ---- an organization: CN and O are the organization's name
B=$(approved_app organization org-sign 300.00)
ec_csr "$TESTTMP/b1.csr" "/CN=福建某某科技有限公司/C=CN"
expect_rc 1 "an organization's CSR without O is refused" as clerk ca request "$B" --csr "$TESTTMP/b1.csr"
like "$ERR" 'no O; approved is "福建某某科技有限公司"' "... naming O"
ec_csr "$TESTTMP/b.csr" "/C=CN/O=福建某某科技有限公司/CN=福建某某科技有限公司"
expect_rc 0 "an organization's CSR with CN and O" as clerk ca request "$B" --csr "$TESTTMP/b.csr"
expect_rc 0 "ca submit NO" as clerk ca submit "$B"
is "$(app_state "$B")" issued "the organization's application is issued"
like "$(as clerk cert show "$B")" "O=福建某某科技有限公司" "the certificate names the organization"

# ---- renewal and revocation through the outbox
C=$(approved_app individual personal-sign 100.00)
ec_csr "$TESTTMP/c.csr" "/CN=张三"
as clerk ca request "$C" --csr "$TESTTMP/c.csr" >/dev/null && as clerk ca submit "$C" >/dev/null
OLD=$(as clerk --json cert show "$C" | jq -r .serial_dec)
is "$(app_state "$C")" issued "another application issued (CSR without C: the CA adds it)"
ec_csr "$TESTTMP/c2.csr" "/CN=张三"
expect_rc 1 "a renewal with the current key is refused" "$TOOLS/ca_prep" renew "$C" "$TESTTMP/c.csr"
like "$ERR" "same key as the current certificate" "... saying so"
expect_rc 0 "a renewal with a new key is queued" "$TOOLS/ca_prep" renew "$C" "$TESTTMP/c2.csr"
expect_rc 0 "and submitted" as clerk ca submit "$C"
NEW=$(as clerk --json cert show "$C" | jq -r .serial_dec)
[ "$NEW" != "$OLD" ] && ok "the current certificate is the renewed one" || notok "renewal did not replace the certificate"
is "$(sqlite3 "$DB" "select group_concat(status) from (select status from certificates where app_id=(select id from applications where no='$C') order by id)")" \
	"superseded,valid" "the old certificate is superseded, the new one valid"
is "$(app_state "$C")" issued "a renewal leaves the application issued"

expect_rc 1 "an unknown revocation reason is refused" "$TOOLS/ca_prep" revoke "$C" 7
expect_rc 0 "a revocation (keyCompromise) is queued" "$TOOLS/ca_prep" revoke "$C" 1
is "$(app_state "$C")" issued "the application stays issued until the CA confirms"
expect_rc 0 "and submitted" as clerk ca submit --all
is "$(app_state "$C")" revoked "the application is revoked"
is "$(sqlite3 "$CA_DB" "select status||' '||reason from certificates where serial_number='$NEW'")" "revoked 1" \
	"the certdb shows the certificate revoked with reason 1 (keyCompromise)"
is "$(sqlite3 "$CA_DB" "select status from certificates where serial_number='$OLD'")" "good" \
	"the superseded certificate was not touched"
expect_rc 0 "cert show of a revoked certificate" as clerk --json cert show "$C"
like "$OUT" '"status":"revoked","revoke_reason":"keyCompromise"' "status and reason recorded"
expect_rc 0 "the audit chain verifies" as auditor audit verify

# ---- several senders ([ca] parallel = 3): each request issued once, in order
"$TOOLS/ca_prep" approve 12 >/dev/null && "$TOOLS/ca_prep" request >/dev/null
before=$(sqlite3 "$CA_DB" "select count(*) from certificates")
printf 'parallel = 3\n' >>"$RADESK_CONFIG" # [ca] is the file's last section
sed -i 's/^\[radesk\]$/[radesk]\nlog_level = info/' "$RADESK_CONFIG"
expect_rc 0 "a batch of 12 on three connections" as clerk --json ca submit --all
like "$ERR" "ca: submitting on 3 connection\(s\)" "three senders, each on its own connection"
like "$OUT" '"issued":12' "all twelve issued"
is "$(sqlite3 "$CA_DB" "select count(*) from certificates")" "$((before + 12))" "the CA issued exactly twelve"
is "$(sqlite3 "$DB" "select count(*) from ca_requests where state <> 'done'")" 0 "no request left open"
is "$(sqlite3 "$DB" "select count(*) from certificates")" \
	"$(sqlite3 "$DB" "select count(distinct request_id) from certificates")" "one certificate per request"
is "$(sqlite3 "$DB" "select count(*) from certificates c join ca_requests r on r.id = c.request_id
	where c.spki_sha256 <> r.csr_spki_sha256")" 0 "each certificate holds its own request's key"
expect_rc 0 "the audit chain verifies" as auditor audit verify
done_testing
