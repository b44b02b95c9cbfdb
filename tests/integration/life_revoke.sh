#!/bin/bash
# Revocation against the real cfssl CA: the written request and its promise,
# four eyes, the outbox, cfssl's certdb showing the reason, refusals audited
# and the state unchanged, the single-clerk exception, a ceased organization.
. "$SRCDIR/tests/integration/lib_life.sh"
LIFE_EXTRA_CONF=$'[revocation]\nsingle_clerk_key_compromise = yes'
life_setup

A=$(issued individual)
check "an individual certificate issued through the outbox" test -n "$A"
is "$(app_state "$A")" "issued" "the application is issued"
SA=$(cur_serial "$A")
is "$(certdb "$SA")" "good|0" "cfssl's certdb has it good"

# --- bad input: unknown, no reason, a reason an RA cannot ask for ----------------------
expect_rc 1 "an unknown application is refused" as clerk cert revoke RA-20261121-999999 --reason keyCompromise
like "$ERR" "no application numbered" "the error names the number"
is "$(audit_count cert.revoke_refused RA-20261121-999999)" "1" "the refused attempt is audited"
expect_rc 1 "a made-up reason is refused" as clerk cert revoke "$A" --reason lostIt
like "$ERR" "reason.*not a revocation reason" "the error names the reason"
expect_rc 1 "certificateHold needs a CA that holds" as clerk cert revoke "$A" --reason certificateHold
expect_rc 1 "a request from the future" as clerk cert revoke "$A" --reason superseded --requested-at 2026-11-22T09:00:00
like "$ERR" "requested-at" "the error names --requested-at"

# --- the request and its promise --------------------------------------------------------
expect_rc 0 "a clerk records a written request received at 08:00" \
	as clerk cert revoke "$A" --reason keyCompromise --requested-at 2026-11-21T08:00:00 --note "书面申请"
like "$OUT" "second operator" "it waits for a second operator"
expect_rc 0 "the queue as JSON" as reviewer --json cert revocations
like "$OUT" '"status":"pending"' "pending"
like "$OUT" '"seconds_left":82800' "23 hours left of the 24-hour promise"
like "$OUT" '"overdue":false' "not overdue"
expect_rc 1 "a second request for the same certificate is refused" as clerk cert revoke "$A" --reason superseded
like "$ERR" "open revocation request" "the open request is named"
RADESK_FIXED_TIME=2026-11-22T08:30:00 expect_rc 0 "a day later: overdue" as reviewer cert revocations --overdue
like "$OUT" "$A.*OVERDUE" "the overdue request is flagged"
RADESK_FIXED_TIME=2026-11-22T08:30:00 expect_rc 0 "overdue as JSON" as admin --json cert revocations --overdue
like "$OUT" '"seconds_left":-1800' "half an hour past the promise"

# --- four eyes ------------------------------------------------------------------------
expect_rc 1 "the clerk who recorded it may not approve it" as clerk cert approve-revocation "$A"
like "$ERR" "another operator must approve" "four eyes named"
is "$(app_state "$A")" "issued" "nothing changed yet"
expect_rc 0 "a reviewer approves it" as reviewer cert approve-revocation "$A"
like "$OUT" "the counter sends" "the counter sends it"
expect_rc 0 "the counter's sync queues it" as clerk cert sync
like "$OUT" "queued 1" "queued upstream"
is "$(app_state "$A")" "issued" "still issued until the CA confirms"
is "$(certdb "$SA")" "good|0" "the CA has not revoked it yet"
expect_rc 0 "the outbox sends it" as clerk ca submit "$A"
is "$(app_state "$A")" "revoked" "revoked once the CA confirmed"
is "$(certdb "$SA")" "revoked|1" "cfssl's certdb: revoked, reason 1 (keyCompromise)"
expect_rc 0 "sync closes the request" as clerk cert sync
like "$OUT" "revoked 1" "one confirmed"
expect_rc 0 "all requests" as admin --json cert revocations --all
like "$OUT" '"status":"done"' "done"
expect_rc 1 "revoking it again is refused" as clerk cert revoke "$A" --reason keyCompromise
like "$ERR" "revoked already" "already revoked"
is "$(audit_count cert.revoke_refused "$A")" "5" "each refused attempt on it is audited (reason, hold, future, open request, revoked)"
is "$(audit_count cert.revoke_approve_refused "$A")" "1" "the refused approval is audited"

# --- four eyes: the recorder may not approve their own request -------------------------
B=$(issued individual)
expect_rc 0 "an admin records a request" as admin cert revoke "$B" --reason superseded
expect_rc 1 "the same admin may not approve it" as admin cert approve-revocation "$B"
like "$ERR" "another operator" "four eyes named"
is "$(audit_count cert.revoke_approve_refused "$B")" "1" "the refusal is audited"
expect_rc 0 "a reviewer refuses it with a reason" as reviewer cert reject-revocation "$B" --reason "不是本人书面申请"
is "$(app_state "$B")" "issued" "the application is unchanged"

# --- the CA refuses: the request fails, the application stays ----------------------------
SB=$(cur_serial "$B")
expect_rc 0 "a new request for B" as clerk cert revoke "$B" --reason affiliationChanged
expect_rc 0 "approved by a second clerk: queued at once" as clerk2 cert approve-revocation "$B"
like "$OUT" "sent to the CA outbox" "sent"
sqlite3 "$CA_DB" "DELETE FROM certificates WHERE serial_number = '$SB'"
as clerk ca submit "$B" >/dev/null 2>&1
expect_rc 0 "sync records the CA's refusal" as clerk cert sync
like "$OUT" "refused by the CA 1" "one refused"
is "$(app_state "$B")" "issued" "the application is unchanged"
expect_rc 0 "the refusal is listed" as admin --json cert revocations --all
like "$OUT" "\"application\":\"$B\"[^}]*\"status\":\"failed\"" "failed with the CA's reason"
is "$(audit_count cert.revoke_failed "$B")" "1" "the CA's refusal is audited"

# --- single clerk: key compromise reported in person -----------------------------------
C=$(issued individual)
SC=$(cur_serial "$C")
expect_rc 0 "in person, keyCompromise: one clerk" as clerk cert revoke "$C" --reason keyCompromise --in-person
like "$OUT" "sent to the CA outbox" "queued at once"
expect_rc 0 "the outbox sends it" as clerk ca submit "$C"
is "$(certdb "$SC")" "revoked|1" "revoked at the CA"
D=$(issued individual)
expect_rc 0 "superseded in person still needs a second operator" as clerk cert revoke "$D" --reason superseded --in-person
like "$OUT" "second operator" "not queued"

# --- an organization ceased: every certificate of the credit code ------------------------
O1=$(issued organization); O2=$(issued organization)
S1=$(cur_serial "$O1"); S2=$(cur_serial "$O2")
mkjpeg "$TESTTMP/licence-cancelled.jpg"
expect_rc 1 "a malformed credit code is refused" as clerk cert ceased --uscc 91350100M000100Y44 \
	--evidence "$TESTTMP/licence-cancelled.jpg"
like "$ERR" "uscc" "the field is named"
expect_rc 5 "the evidence must be readable" as clerk cert ceased --uscc 91350100M000100Y43 --evidence "$TESTTMP/none.jpg"
expect_rc 0 "one action for the organization" as clerk --json cert ceased --uscc 91350100M000100Y43 \
	--evidence "$TESTTMP/licence-cancelled.jpg" --ceased-on 2026-11-10
like "$OUT" '"requests":2' "both certificates requested"
BATCH=$(printf '%s' "$OUT" | sed -n 's/.*"batch":"\([^"]*\)".*/\1/p')
check "the evidence is kept by its SHA-256" test -f "$TESTTMP/data/evidence/$(sha256sum <"$TESTTMP/licence-cancelled.jpg" | cut -d' ' -f1)"
like "$(sqlite3 "$(desk_db)" "SELECT details FROM audit WHERE action = 'cert.revoke_request' AND object = '$O1'")" \
	'"late_notice":"yes"' "a notice after more than 5 working days is flagged"
expect_rc 0 "an admin approves the batch" as admin cert approve-revocation "$BATCH"
like "$OUT" ": 2 revocation requests approved and sent" "two approved and sent"
expect_rc 0 "the outbox sends them" as clerk ca submit --all
is "$(certdb "$S1")|$(certdb "$S2")" "revoked|5|revoked|5" "both revoked with cessationOfOperation (5)"
is "$(app_state "$O1")/$(app_state "$O2")" "revoked/revoked" "both applications revoked"

expect_rc 0 "the audit chain holds" as auditor audit verify
done_testing
