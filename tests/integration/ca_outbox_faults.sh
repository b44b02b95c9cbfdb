#!/bin/bash
# The CA outbox when the CA fails: down, silent, 500s, nonsense, refusals,
# certificates that must not be accepted, TLS we must not trust, our own key
# unreadable.  Real cfssl where it can produce the fault; the stand-in
# (tests/tools/faultca.sh) for replies a real CA would not give.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"
. "$SRCDIR/tests/tools/ca_outbox_lib.sh"
FAULT=$SRCDIR/tests/tools/faultca.sh
trap '"$FAULT" stop "$TESTTMP/f"; cfssl_ca_stop "$TESTTMP/ca"' EXIT
cfssl_ca_start "$TESTTMP/ca" >/dev/null || { notok "cfssl CA starts"; done_testing; exit 1; }
ca_conf "$CA_URL"
rd_env --staff || exit 1
DB=$(desk_db)
export FAULT_CERT=$CA_DIR/server.pem FAULT_KEY=$CA_DIR/server-key.pem FAULT_CLIENT_CA=$CA_TRUST
export FAULT_UPSTREAM=$CA_URL FAULT_UP_TRUST=$CA_TRUST FAULT_UP_CERT=$CA_CLIENT_CERT FAULT_UP_KEY=$CA_CLIENT_KEY
fault() { "$FAULT" stop "$TESTTMP/f"; URL=$("$FAULT" start "$TESTTMP/f" "$1"); ca_conf "$URL" "${@:2}"; }
mapfile -t APPS < <("$TOOLS/ca_prep" approve 11)
is "${#APPS[@]}" 11 "eleven approved applications"
queue() { # NO: a fresh CSR for the approved subject, queued
	ec_csr "$TESTTMP/$1.csr" "/CN=张三/C=CN" && as clerk ca request "$1" --csr "$TESTTMP/$1.csr" >/dev/null
}
certs() { sqlite3 "$CA_DB" "select count(*) from certificates"; }

# ---- CA down: nothing listens on the port
A=${APPS[0]}; queue "$A"
port=$(cfssl_ca__free_port)
ca_conf "https://127.0.0.1:$port"
expect_rc 4 "CA down: submit exits 4" as clerk ca submit --all
like "$OUT" "1 due: 0 done, 0 failed, 1 to retry" "... the summary says it stays to retry"
is "$(careq "$A" state)" retry "the request waits to be retried"
like "$(careq "$A" last_error)" "upstream|connect|refused" "... with the reason recorded"
[ "$(careq "$A" next_try_at)" -gt "$(date -d "$RADESK_FIXED_TIME" +%s)" ] && ok "... at a later time (backoff)" || notok "next_try_at not in the future"
is "$(app_state "$A")" queued_for_ca "the application stays queued for the CA"
expect_rc 0 "ca status" as clerk --json ca status
like "$OUT" '"retry":1,.*"last_error":"[^"]+' "ca status shows the retry and the last error"
expect_rc 0 "submit --all before the retry time: nothing due" as clerk ca submit --all
like "$OUT" "0 due" "... nothing is sent before next_try_at" 
RADESK_FIXED_TIME=2026-11-21T12:00:00 expect_rc 4 "later, still down: to retry again" as clerk ca submit --all
is "$(careq "$A" attempts)" 2 "two attempts counted"
ca_conf "$CA_URL"
expect_rc 0 "the CA is back: submit A" as clerk ca submit "$A"
is "$(app_state "$A")" issued "A is issued after the outage"

# ---- accepting TCP, never answering
B=${APPS[1]}; queue "$B"
fault silent "timeout = 2" "connect_timeout = 1"
start=$(date +%s)
expect_rc 4 "a CA that never answers: exit 4" as clerk ca submit "$B"
[ $(($(date +%s) - start)) -le 6 ] && ok "... within the configured timeout" || notok "timeout not honoured"
like "$(careq "$B" last_error)" "timeout|timed out" "the reason says timeout"
is "$(careq "$B" state)" retry "B waits to be retried"

# ---- HTTP 500 twice, then the real CA answers: one certificate
C=${APPS[2]}; queue "$C"
fault http500:2
before=$(certs)
expect_rc 4 "first 500: exit 4" as clerk ca submit "$C"
like "$(careq "$C" last_error)" "HTTP 500" "the status is recorded"
expect_rc 4 "second 500: exit 4" as clerk ca submit "$C"
expect_rc 0 "then success" as clerk ca submit "$C"
is "$(app_state "$C")" issued "C is issued"
is "$(careq "$C" "state||' '||attempts")" "done 3" "done after three attempts"
is "$(certs)" "$((before + 1))" "exactly one certificate at the CA for the three attempts"
is "$(sqlite3 "$DB" "select count(*) from certificates where request_id='$(careq "$C" id)'")" 1 "one certificate recorded"

# ---- answers that are refusals: failed, back to a reviewer with the reason
refused() { # NO MODE PATTERN DESC
	local no=$1
	queue "$no"
	fault "$2"
	expect_rc 1 "$4: submit exits 1" as clerk ca submit "$no"
	is "$(careq "$no" state)" failed "$4: the request failed"
	like "$(careq "$no" last_error)" "$3" "$4: with the reason"
	is "$(app_state "$no")" under_review "$4: the application is back under review"
	is "$(sqlite3 "$DB" "select count(*) from certificates where app_id=(select id from applications where no='$no')")" 0 \
		"$4: no certificate recorded"
}
refused "${APPS[3]}" garbage "not cfssl JSON" "garbage body"
refused "${APPS[4]}" refuse "policy violation: subject not allowed" "success:false"
expect_rc 0 "the review queue holds the refused application" as reviewer --json review queue
like "$OUT" "${APPS[4]}" "... for a reviewer"
expect_rc 0 "its timeline has the CA's reason" as auditor --json audit list --object "${APPS[4]}"
like "$(echo "$OUT" | tr -d '\n')" '"action":"ca.failed".*"action":"app.start_review","object":"[^"]*","details":\{"from":"queued_for_ca","reason":"[^"]*policy violation' \
	"ca.failed, then back to review with the reason"
expect_rc 1 "retrying a request whose application went back to review is refused" as admin ca retry "${APPS[4]}"
like "$ERR" "needs a new CA request" "... saying what to do"

"$TOOLS/ca_client" --url "$CA_URL" --trust "$CA_TRUST" --client-cert "$CA_CLIENT_CERT" --client-key "$CA_CLIENT_KEY" \
	--profile user enroll --id other --cn 张三 --c CN --make-csr --out "$TESTTMP/other.pem" >/dev/null
jq -n --rawfile c "$TESTTMP/other.pem" '{success:true,result:{certificate:$c},errors:[],messages:[]}' >"$TESTTMP/wrongkey.json"
refused "${APPS[5]}" "reply:$TESTTMP/wrongkey.json" "another key" "a certificate for another key"
cfssl_ca_init "$TESTTMP/other" >/dev/null
D=${APPS[6]}
ec_csr "$TESTTMP/$D.csr" "/CN=张三/C=CN"
(cd "$TESTTMP/other" && cfssl sign -loglevel 5 -ca ca.pem -ca-key ca-key.pem -config config.json \
	-profile user "$TESTTMP/$D.csr" | jq -r .cert >"$TESTTMP/foreign.pem")
jq -n --rawfile c "$TESTTMP/foreign.pem" '{success:true,result:{certificate:$c},errors:[],messages:[]}' >"$TESTTMP/foreign.json"
as clerk ca request "$D" --csr "$TESTTMP/$D.csr" >/dev/null
fault "reply:$TESTTMP/foreign.json"
expect_rc 1 "a certificate from another CA: exit 1" as clerk ca submit "$D"
like "$(careq "$D" last_error)" "does not chain to the configured CA" "... failed with the reason"
is "$(app_state "$D")" under_review "... back to review"

# ---- TLS: wrong name, untrusted server: the batch stops, the request keeps its place
E=${APPS[7]}; queue "$E"
(cd "$TESTTMP/ca" && echo '{"CN":"ca.example.net","hosts":["ca.example.net"],"key":{"algo":"ecdsa","size":256}}' |
	cfssl gencert -loglevel 5 -ca ca.pem -ca-key ca-key.pem -config config.json -profile server - |
	jq -r '.cert, .key' | awk -v d="$TESTTMP" '/BEGIN CERT/{f=d"/wrongname.pem"} /BEGIN EC/{f=d"/wrongname-key.pem"} {print > f}')
FAULT_CERT=$TESTTMP/wrongname.pem FAULT_KEY=$TESTTMP/wrongname-key.pem fault refuse
expect_rc 3 "a server certificate for another name: exit 3" as clerk ca submit --all
like "$ERR" "ca.trust: .*not trusted" "... as a TLS failure naming the trust setting"
is "$(careq "$E" state)" retry "the request keeps its place"
like "$(careq "$E" last_error)" "not trusted" "... with the error kept for the admin"
is "$(app_state "$E")" queued_for_ca "the application is not sent back to review for our TLS trouble"
FAULT_CERT=$TESTTMP/other/server.pem FAULT_KEY=$TESTTMP/other/server-key.pem fault refuse
expect_rc 3 "a server from an untrusted CA: exit 3" as clerk ca submit "$E"
[ ! -s "$TESTTMP/f/requests.log" ] && ok "no request reached the untrusted server" || notok "request sent to an untrusted server"

# ---- our client key: readable by others, missing
F=${APPS[8]}; queue "$F"
cp "$CA_CLIENT_KEY" "$TESTTMP/loose-key.pem"; chmod 644 "$TESTTMP/loose-key.pem"
CA_KEY_FILE=$TESTTMP/loose-key.pem ca_conf "$CA_URL"
expect_rc 1 "a client key readable by others is refused" as clerk ca submit "$F"
like "$ERR" "ca.client_key: .*must be mode 0600" "... naming the key setting"
CA_KEY_FILE=$TESTTMP/none-key.pem ca_conf "$CA_URL"
expect_rc 1 "a missing client key" as clerk ca submit --all
like "$ERR" "ca.client_key: .*none-key.pem" "... naming the file"
is "$(careq "$F" "state||' '||attempts")" "queued 0" "nothing was tried: F is still queued"

# ---- admin retry of a request that ran out of attempts
ca_conf "https://127.0.0.1:$port" "max_attempts = 1"
G=${APPS[9]}; queue "$G"
expect_rc 1 "a transient failure on the last attempt: exit 1" as clerk ca submit "$G"
is "$(careq "$G" state)" failed "... fails the request"
is "$(app_state "$G")" queued_for_ca "... and the application waits for the admin"
expect_rc 0 "the status bar's failed count (ca status)" as admin --json ca status
like "$OUT" '"failed_waiting":1' "one failed request waits for an admin"
expect_rc 1 "a clerk may not retry" as clerk ca retry "$G"
ca_conf "$CA_URL"
expect_rc 0 "the admin retries" as admin ca retry "$G"
is "$(careq "$G" "state||' '||attempts")" "queued 0" "the request is queued again"
expect_rc 0 "submit after the retry" as clerk ca submit --all
is "$(app_state "$G")" issued "G is issued"
# ---- the CA goes down during a batch: the breaker stops it after two
# failures (three at most, one per connection already on the wire), and the
# rows the senders had claimed but not sent go back to the queue as they were
mapfile -t MORE < <("$TOOLS/ca_prep" approve 12)
for no in "${MORE[@]}"; do queue "$no"; done
ca_conf "https://127.0.0.1:$port"
expect_rc 4 "a batch of 12 against a CA that is down: exit 4" as clerk ca submit --all
like "$OUT" "12 due: 0 done, 0 failed, [23] to retry" "... stops after two or three transient failures"
is "$(sqlite3 "$DB" "select count(*) from ca_requests where state = 'sending'")" 0 "no request is left sending"
tried=$(for no in "${MORE[@]}"; do careq "$no" "state||' '||attempts"; done | grep -c '^retry 1$')
untouched=$(for no in "${MORE[@]}"; do careq "$no" "state||' '||attempts"; done | grep -c '^queued 0$')
is "$tried+$untouched" "$tried+$((12 - tried))" "the tried ones wait for a retry (one attempt each), the rest are queued as before (none counted)"
check "two or three were tried" test "$tried" -ge 2 -a "$tried" -le 3
ca_conf "$CA_URL"
expect_rc 0 "the CA is back: the untried go" as clerk ca submit --all
like "$OUT" "$untouched due: $untouched done" "... all of them issued"
# ---- 500s in a batch on three connections at once: nothing stuck, nothing
# doubled (the failures come back out of order behind answers on the wire)
mapfile -t SIX < <("$TOOLS/ca_prep" approve 6)
for no in "${SIX[@]}"; do queue "$no"; done
# certificates at the CA the RA does not hold (from the refusals above)
unexplained() {
	comm -13 <(sqlite3 "$DB" "select serial_dec from certificates" | sort) \
		<(sqlite3 "$CA_DB" "select serial_number from certificates" | sort) | wc -l
}
orphans=$(unexplained)
fault http500:2
RADESK_PASSWORD=clerk-password-1 timeout 60 "$RADESK" --as clerk ca submit --all >"$TESTTMP/six.out" 2>&1
rc=$?
check "a batch meeting two 500s ends (exit 0 or 4, not a hang: $rc)" test "$rc" -eq 0 -o "$rc" -eq 4
is "$(sqlite3 "$DB" "select count(*) from ca_requests where state = 'sending'")" 0 "no request is left sending"
ca_conf "$CA_URL"
RADESK_FIXED_TIME=2026-11-21T16:00:00 expect_rc 0 "later: the rest go" as clerk ca submit --all
is "$(for no in "${SIX[@]}"; do app_state "$no"; done | sort -u)" issued "all six are issued"
is "$(for no in "${SIX[@]}"; do sqlite3 "$DB" "select count(*) from certificates c join applications a on a.id = c.app_id where a.no = '$no'"; done | sort -u)" 1 \
	"one certificate each"
is "$(unexplained)" "$orphans" "and no certificate at the CA the RA does not hold"
expect_rc 0 "the audit chain verifies after all this" as auditor audit verify
done_testing
