#!/bin/bash
# Replies a real CA would not give, from the fault-injecting stand-in
# (tests/tools/faultca.sh), and TLS servers we must not trust.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"
FAULT=$SRCDIR/tests/tools/faultca.sh
trap '"$FAULT" stop "$TESTTMP/f"; cfssl_ca_stop "$TESTTMP/ca"' EXIT
cfssl_ca_start "$TESTTMP/ca" >/dev/null || { notok "cfssl CA starts"; done_testing; exit 1; }
unset CA_AUTH_KEY
T=$TOOLS/ca_client
C=(--trust "$CA_TRUST" --client-cert "$CA_CLIENT_CERT" --client-key "$CA_CLIENT_KEY" --profile user)
export FAULT_CERT=$CA_DIR/server.pem FAULT_KEY=$CA_DIR/server-key.pem FAULT_CLIENT_CA=$CA_TRUST
fault() { "$FAULT" stop "$TESTTMP/f"; URL=$("$FAULT" start "$TESTTMP/f" "$1"); }
enroll() { "$T" "${C[@]}" --url "$URL" "$@" enroll --id "req-$RANDOM" --cn 张三 --o 某某公司; }

fault garbage
expect_rc 1 "garbage body: a failure" enroll --make-csr
like "$ERR" 'refused permanent: response: .*not cfssl JSON' "... with the reason, not retried blindly"

fault refuse
expect_rc 1 "success:false: refused" enroll --make-csr
like "$ERR" 'refused permanent: response: the CA refused the request: policy violation: subject not allowed' \
	"... with the CA's message"

export FAULT_UPSTREAM=$CA_URL FAULT_UP_TRUST=$CA_TRUST FAULT_UP_CERT=$CA_CLIENT_CERT FAULT_UP_KEY=$CA_CLIENT_KEY
fault http500:2
"$T" csr --cn 张三 --o 某某公司 --out "$TESTTMP/r.csr" >/dev/null
before=$(sqlite3 "$CA_DB" "select count(*) from certificates")
expect_rc 4 "HTTP 500: a transient failure" enroll --csr "$TESTTMP/r.csr"
like "$ERR" 'upstream transient: response: the CA answered HTTP 500' "... to be retried, with the status"
expect_rc 4 "a second 500: still transient" enroll --csr "$TESTTMP/r.csr"
expect_rc 0 "then success: the certificate is issued" enroll --csr "$TESTTMP/r.csr"
is "$(sqlite3 "$CA_DB" "select count(*) from certificates")" "$((before + 1))" \
	"the CA issued exactly one certificate for the three attempts"

fault silent
start=$(date +%s)
expect_rc 4 "a CA that accepts TCP and never answers: timeout" "$T" "${C[@]}" --url "$URL" \
	--connect-timeout 1 --timeout 2 enroll --id req-t --cn 张三 --make-csr
like "$ERR" 'timeout transient' "... reported as a transient timeout"
[ $(($(date +%s) - start)) -le 4 ] && ok "... within the configured timeout" || notok "timeout not honoured"

# a real certificate for another key
"$T" "${C[@]}" --url "$CA_URL" enroll --id req-other --cn 张三 --o 某某公司 --make-csr \
	--out "$TESTTMP/other-key.pem" >/dev/null || notok "enroll for the other key"
jq -n --rawfile c "$TESTTMP/other-key.pem" '{success:true,result:{certificate:$c},errors:[],messages:[]}' \
	>"$TESTTMP/wrongkey.json"
fault "reply:$TESTTMP/wrongkey.json"
expect_rc 1 "a certificate for a different key is not accepted" enroll --make-csr
like "$ERR" 'response.public_key: the certificate is for another key' "... with the reason"

# a certificate for our CSR but from another CA
cfssl_ca_init "$TESTTMP/other" >/dev/null
(cd "$TESTTMP/other" && cfssl sign -loglevel 5 -ca ca.pem -ca-key ca-key.pem -config config.json \
	-profile user "$TESTTMP/r.csr" | jq -r .cert >"$TESTTMP/foreign.pem")
jq -n --rawfile c "$TESTTMP/foreign.pem" '{success:true,result:{certificate:$c},errors:[],messages:[]}' \
	>"$TESTTMP/foreign.json"
fault "reply:$TESTTMP/foreign.json"
expect_rc 1 "a certificate from another CA is not accepted" enroll --csr "$TESTTMP/r.csr"
like "$ERR" 'response.issuer: the certificate does not chain to the configured CA' "... with the reason"

# success:true without a certificate
echo '{"success":true,"result":{},"errors":[],"messages":[]}' >"$TESTTMP/empty.json"
fault "reply:$TESTTMP/empty.json"
expect_rc 1 "success without a certificate is a failure" enroll --make-csr
like "$ERR" 'response.result' "... naming what is missing"

# TLS: wrong server name, untrusted chain
(cd "$TESTTMP/ca" && echo '{"CN":"ca.example.net","hosts":["ca.example.net"],"key":{"algo":"ecdsa","size":256}}' |
	cfssl gencert -loglevel 5 -ca ca.pem -ca-key ca-key.pem -config config.json -profile server - |
	jq -r '.cert, .key' | awk -v d="$TESTTMP" '/BEGIN CERT/{f=d"/wrongname.pem"} /BEGIN EC/{f=d"/wrongname-key.pem"} {print > f}')
FAULT_CERT=$TESTTMP/wrongname.pem FAULT_KEY=$TESTTMP/wrongname-key.pem fault refuse
expect_rc 3 "a server certificate for another name is refused" enroll --make-csr
like "$ERR" 'auth permanent: ca.trust: .*not trusted' "... as a TLS authentication failure"
FAULT_CERT=$TESTTMP/other/server.pem FAULT_KEY=$TESTTMP/other/server-key.pem fault refuse
expect_rc 3 "a server certificate from an untrusted CA is refused" enroll --make-csr
like "$ERR" 'auth permanent: ca.trust: .*not trusted' "... as a TLS authentication failure"
[ ! -s "$TESTTMP/f/requests.log" ] && ok "no request reached the untrusted server" || notok "request sent to an untrusted server"
done_testing
