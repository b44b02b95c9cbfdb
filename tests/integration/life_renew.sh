#!/bin/bash
# Renewal, lost-UKEY reissue, change of information, expiry and archives
# against the real cfssl CA.
. "$SRCDIR/tests/integration/lib_life.sh"
LIFE_EXTRA_CONF=$'[renewal]\nwindow_days = 365'
life_setup

A=$(issued individual)
check "issued through the outbox" test -n "$A"
SA=$(cur_serial "$A")

# --- renewal: outside the window, wrong answers, lock, ID sighted ------------------------
fixed_time_catch_up # the 365-day window opens when cfssl (real clock) signed A
csr "$TESTTMP/new.csr" 张三
sed -i 's/^window_days = 365/window_days = 30/' "$RADESK_CONFIG"
RADESK_ANSWER=chaoyang expect_rc 1 "a year before expiry is outside a 30-day window" \
	as clerk cert renew "$A" --csr "$TESTTMP/new.csr" --method cash
like "$ERR" "renewal opens 30 days before expiry" "the window is named"
is "$(audit_count cert.renew_refused "$A")" "1" "the refused renewal is audited"
sed -i 's/^window_days = 30/window_days = 365/' "$RADESK_CONFIG"
expect_rc 1 "a CSR that is not one" as clerk cert renew "$A" --csr "$RADESK_CONFIG" --id-sighted --method cash
like "$ERR" "csr" "the CSR is named"
for i in 1 2 3 4; do
	RADESK_ANSWER=wrong expect_rc 3 "wrong answer $i" as clerk cert renew "$A" --csr "$TESTTMP/new.csr" --method cash
done
like "$ERR" "4 of 5" "tries are counted"
RADESK_ANSWER=wrong expect_rc 3 "the fifth wrong answer locks" as clerk cert renew "$A" --csr "$TESTTMP/new.csr" --method cash
like "$ERR" "locked" "locked"
RADESK_ANSWER=" Chaoyang " expect_rc 3 "even the right answer is locked now" \
	as clerk cert renew "$A" --csr "$TESTTMP/new.csr" --method cash
is "$(audit_count cert.renew_answer_wrong "$A")" "5" "every wrong answer is audited"
is "$(serials | wc -l)" "1" "nothing went to the CA"
expect_rc 1 "a clerk cannot unlock" as clerk cert unlock-answer "$A"
expect_rc 0 "an admin unlocks" as admin cert unlock-answer "$A"
RADESK_ANSWER=" CHAOYANG " expect_rc 0 "the right answer (trimmed, any case) renews" \
	as clerk cert renew "$A" --csr "$TESTTMP/new.csr" --method cash
like "$OUT" "receipt R" "the fee is recorded with a receipt"
expect_rc 0 "the outbox gets the new certificate" as clerk ca submit "$A"
is "$(serials | wc -l)" "2" "a second certificate at the CA"
SN=$(cur_serial "$A")
check "the current certificate is the new one" test "$SN" != "$SA" -a -n "$SN"
is "$(as admin --json cert show "$A" | grep -o '"status":"[a-z]*"')" '"status":"valid"' "and it is valid"
is "$(sqlite3 "$(desk_db)" "SELECT count(*) FROM certificates WHERE status = 'superseded'")" "1" "the old one is superseded"
is "$(app_state "$A")" "issued" "the application stays issued"

# --- lost UKEY: revoke the old, a new application for the new UKEY, one request ----------------
csr "$TESTTMP/reissue.csr" 张三
expect_rc 1 "reissue needs to know what became of the old UKEY" as clerk cert reissue "$A" --reason keyCompromise \
	--csr "$TESTTMP/reissue.csr"
like "$ERR" "ukey" "the field is named"
expect_rc 1 "reissue is not for a change of affiliation" as clerk cert reissue "$A" --reason affiliationChanged \
	--ukey lost --csr "$TESTTMP/reissue.csr"
expect_rc 0 "the lost UKEY is reported" as clerk --json cert reissue "$A" --reason keyCompromise --ukey lost \
	--token SN-0001 --username reissue1 --csr "$TESTTMP/reissue.csr"
NEWA=$(printf '%s' "$OUT" | sed -n 's/.*"new_application":"\([^"]*\)".*/\1/p')
check "the new UKEY's application exists" test -n "$NEWA"
expect_rc 0 "a reviewer approves the revocation" as reviewer cert approve-revocation "$A"
expect_rc 0 "the counter's sync queues it" as clerk cert sync
expect_rc 0 "the outbox revokes the old one" as clerk ca submit "$A"
is "$(certdb "$SN")" "revoked|1" "the lost UKEY's certificate is revoked at the CA (keyCompromise)"
is "$(app_state "$A")" "revoked" "the old application is revoked"
expect_rc 0 "sync: nothing to enroll before the new application is approved" as clerk cert sync
like "$OUT" "reissued 0" "nothing yet"
as clerk app submit "$NEWA" >/dev/null && verify_all "$NEWA" clerk &&
	as clerk fee record "$NEWA" --amount "$(fee_of "$NEWA")" --method cash >/dev/null &&
	as reviewer review next >/dev/null && as reviewer review approve "$NEWA" >/dev/null
is "$(app_state "$NEWA")" "approved" "the new application passes the desk (answer carried over)"
expect_rc 0 "sync enrolls the kept CSR" as clerk cert sync
like "$OUT" "reissued 1" "the new enrollment is queued"
expect_rc 0 "the outbox issues the new certificate" as clerk ca submit "$NEWA"
is "$(app_state "$NEWA")" "issued" "the new UKEY's certificate is issued"
is "$(certdb "$(cur_serial "$NEWA")")" "good|0" "and good at the CA"
check "it is the kept key's" test "$(openssl req -in "$TESTTMP/reissue.csr" -noout -pubkey | sha256sum)" = \
	"$(as admin cert show "$NEWA" --pem | openssl x509 -noout -pubkey | sha256sum)"
like "$(sqlite3 "$(desk_db)" "SELECT group_concat(action) FROM audit WHERE object IN ('$A', '$NEWA')")" \
	"cert.revoke_request.*cert.revoke_approve.*cert.revoke_queued.*app.revoke.*cert.revoke_done.*cert.reissue_enroll" \
	"the audit trail tells the whole flow"

# --- a reissue without a CSR; the admin's approval marks the old UKEY in the stock ------------
C=$(issued individual)
expect_rc 0 "a UKEY in stock" as admin ukey add 0123456789abcdef --model TEST
expect_rc 0 "the clerk reports it destroyed" as clerk --json cert reissue "$C" --reason superseded \
	--ukey destroyed --token 0123456789abcdef --username reissue2
like "$OUT" '"new_application":"RA-' "the new application for a new UKEY"
expect_rc 0 "an admin approves" as admin cert approve-revocation "$C"
expect_rc 0 "the stock" as admin --json ukey list
like "$OUT" '"serial":"0123456789abcdef"[^}]*"state":"destroyed"' "the old UKEY is marked destroyed"

# --- change of information ------------------------------------------------------------------
B=$(issued individual)
expect_rc 1 "a change must change something" as clerk cert change "$B"
expect_rc 0 "the subscriber's name changed" as clerk --json cert change "$B" --name 张四
NEWB=$(printf '%s' "$OUT" | sed -n 's/.*"new_application":"\([^"]*\)".*/\1/p')
check "a new application" test -n "$NEWB"
expect_rc 0 "the new application" as clerk --json app show "$NEWB"
like "$OUT" '"name":"张四"' "carries the new name"
like "$OUT" "\"copied_from\":\"$B\"" "and is linked to the old one"
is "$(app_state "$NEWB")" "draft" "as a draft"
expect_rc 0 "the old certificate's revocation waits for approval" as reviewer --json cert revocations
like "$OUT" "\"application\":\"$B\",\"purpose\":\"change\",\"reason\":\"affiliationChanged\"" "affiliationChanged"

# --- expiry -------------------------------------------------------------------------------
expect_rc 0 "nothing expires within 30 days" as clerk cert expiring --days 30
like "$OUT" "no certificate expires" "said so"
expect_rc 0 "within 400 days: notices queued" as clerk --json cert expiring --days 400
like "$OUT" "\"application\":\"$B\"[^}]*\"notified\":true" "the agent is told"
expect_rc 0 "asked again: no second notice" as clerk --json cert expiring --days 400
unlike "$OUT" '"notified":true' "once per certificate"
expect_rc 0 "the outbox holds the notices" as admin --json notify list
like "$OUT" '"event":"expiring"' "expiring messages queued"
expect_rc 1 "a clerk may not run the expiry job" as clerk cert expire-due
RADESK_FIXED_TIME=2027-12-01T00:00:00 expect_rc 0 "after notAfter the job expires them" as admin cert expire-due
like "$OUT" "^[1-9][0-9]* applications moved to expired" "moved"
is "$(app_state "$B")" "expired" "expired"

# --- archives and retention --------------------------------------------------------------
expect_rc 0 "export" as admin archive export --before 2026-11-22 --out "$TESTTMP/archive.jsonl"
expect_rc 0 "verify" as auditor --json archive verify "$TESTTMP/archive.jsonl"
like "$OUT" '"result":"valid"' "valid"
like "$(grep -c '"t":"payments"' "$TESTTMP/archive.jsonl")" "^[1-9]" "payments are in it"
like "$(grep -c '"t":"revocation_requests"' "$TESTTMP/archive.jsonl")" "^[1-9]" "revocation requests are in it"
sed 's/张四/张五/' "$TESTTMP/archive.jsonl" >"$TESTTMP/forged.jsonl"
expect_rc 5 "a changed name is detected" as auditor archive verify "$TESTTMP/forged.jsonl"
RADESK_FIXED_TIME=2030-01-01T00:00:00 expect_rc 1 "purge refuses records still kept" \
	as admin archive purge --before 2026-11-22 --archive "$TESTTMP/archive.jsonl"
like "$ERR" "RA-20261121-[0-9]+ (is kept until 2032|cannot be purged)" "the record is named"
expect_rc 0 "the audit chain holds" as auditor audit verify
done_testing
