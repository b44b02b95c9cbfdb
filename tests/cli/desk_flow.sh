#!/bin/bash
# The application state machine through the CLI: every transition and
# every refusal (wrong state, wrong role, missing document, unpaid, four
# eyes, concurrent change).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
rd_env --staff || exit 1

A=$(newapp clerk organization org-sign 1)
B=$(newapp clerk individual personal-sign 2)
C=$(newapp clerk individual personal-sign 1 agent)
D=$(newapp clerk organization org-seal 1)
E=$(newapp clerk individual personal-sign 1)
F=$(newapp clerk individual personal-sign 1)
is "$A $F" "RA-20261121-000001 RA-20261121-000006" "six applications registered with app new"
# Roles change over the years (a clerk becomes the admin): B counts as
# registered by the operator who is admin today.
sqlite3 "$(desk_db)" "UPDATE applications SET created_by = 'admin' WHERE no = '$B'"
app_json individual personal-sign 1 | sed 's/"answer":"Chaoyang"/"answer":""/' >"$TESTTMP/incomplete.json"
G=$(as clerk app new --file "$TESTTMP/incomplete.json" --draft)

# ---- checklists follow kind, product and agent
expect_rc 0 "doc list of an organization" as clerk --json doc list $A
like "$OUT" '"licence_copy".*"agent_id_copy".*"authorization_letter".*"acceptance_form".*"original_id_sighted"' \
	"organization: licence, agent ID, authorization letter, form, original ID sighted"
unlike "$OUT" 'seal_impression' "no seal impression sheet without a seal product"
expect_rc 0 "doc list of an org-seal application" as clerk --json doc list $D
like "$OUT" '"seal_impression"' "org-seal needs the seal impression sheet"
expect_rc 0 "doc list of an individual without agent" as clerk --json doc list $B
like "$OUT" '"id_copy"' "individual: ID copy"
unlike "$OUT" 'agent_id_copy' "no agent's ID copy without an agent"
expect_rc 0 "doc list of an individual with an agent" as clerk --json doc list $C
like "$OUT" '"agent_id_copy"' "individual with an agent: agent's ID copy"
like "$OUT" '"status":"missing"' "untouched documents are missing"

# ---- submit: roles and states
expect_rc 1 "a reviewer may not submit" as reviewer app submit $A
like "$ERR" "role: a reviewer may not submit \(allowed: clerk, admin\)" "refusal names the role rule"
expect_rc 1 "an auditor may not submit" as auditor app submit $A
is "$(app_state $A)" "draft" "a refused submit changes nothing"
expect_rc 1 "no such application" as clerk app submit RA-20261121-999999
like "$ERR" "no application numbered 'RA-20261121-999999'" "unknown number named"
expect_rc 1 "an incomplete form cannot be submitted" as clerk app submit $G
like "$ERR" "verification.answer" "the missing field is named"
is "$(app_state $G)" "draft" "still a draft"
expect_rc 0 "clerk submits" as clerk app submit $A
like "$OUT" "$A: submitted \(version 2\)" "submitted, version 2"
expect_rc 1 "submitting twice is refused" as clerk app submit $A
like "$ERR" "state: application $A is submitted; submit needs draft or rejected" "refusal names the state rule"
expect_rc 0 "audit shows the transition" as auditor --json audit list --object $A
like "$OUT" '"action":"app.submit".*"details":\{"from":"draft","to":"submitted"\}' "audit row with from and to"

# ---- documents and the documents_checked precondition
expect_rc 1 "fee before documents are checked" as clerk fee record $A --amount 300.00 --method cash
like "$ERR" "application $A is submitted; pay needs documents_checked" "unpaid step refused by state"
expect_rc 1 "doc check with missing documents" as clerk doc check $A
like "$ERR" "documents: application $A: .*\(licence_copy\) is missing, not verified" "names the missing document"
expect_rc 1 "rejected document needs a note" as clerk doc set $A licence_copy rejected
like "$ERR" -- "--note" "names --note"
expect_rc 0 "rejected document with a note" as clerk doc set $A licence_copy rejected --note "seal missing"
expect_rc 1 "unknown status" as clerk doc set $A licence_copy fine
like "$ERR" "STATUS: 'fine' is not a document status" "names the status"
expect_rc 1 "document not on the checklist" as clerk doc set $A id_copy verified
like "$ERR" "'id_copy' is not on the checklist of application $A" "names the type"
expect_rc 1 "a reviewer may not set documents" as reviewer doc set $A licence_copy verified
expect_rc 0 "received" as clerk doc set $A agent_id_copy received
is "$(app_state $A)" "submitted" "documents not all verified: still submitted"
verify_all $A clerk
is "$(app_state $A)" "documents_checked" "last verified document moves it to documents_checked"
expect_rc 1 "documents frozen once checked" as clerk doc set $A licence_copy received
like "$ERR" "documents change only while draft, submitted or rejected" "frozen documents refused"

# ---- approve before payment and review
expect_rc 1 "approve an unpaid application" as reviewer review approve $A
like "$ERR" "application $A is documents_checked; approve needs under_review" "approve refused by state"
expect_rc 0 "fee recorded" as clerk fee record $A --amount 300.00 --method card
like "$OUT" "receipt RSP01-20261121-000001" "receipt number"
is "$(app_state $A)" "paid" "paid"
expect_rc 1 "approve before review starts" as reviewer review approve $A
like "$ERR" "is paid; approve needs under_review" "approve needs a claim first"

# ---- B registered by admin, C's fee taken by admin: four eyes
as clerk app submit $B >/dev/null && verify_all $B clerk && as clerk fee record $B --amount 200.00 --method cash >/dev/null
as clerk app submit $C >/dev/null && verify_all $C clerk && as admin fee record $C --amount 100.00 --method qr --ref QR778 >/dev/null
is "$(app_state $B)/$(app_state $C)" "paid/paid" "B and C paid"

expect_rc 0 "reviewer claims the oldest" as reviewer review next
like "$OUT" "^$A: under review" "oldest first: A"
expect_rc 0 "reviewer2 claims the next" as reviewer2 review next
like "$OUT" "^$B: under review" "reviewer2 gets B, not A"
expect_rc 1 "reviewer2 may not approve reviewer's claim" as reviewer2 review approve $A
like "$ERR" "claim: application $A is claimed by reviewer until" "claim holder named"
expect_rc 1 "admin registered B: may not approve it" as admin review approve $B
like "$ERR" "four-eyes: admin registered application $B and may not review it" "four eyes: registered"
# admin can take nothing: A and B are claimed, C's fee was taken by admin
expect_rc 1 "admin's review next skips the one whose fee admin took" as admin review next
like "$ERR" "no application is waiting for review" "empty queue for admin"
expect_rc 0 "reviewer claims C" as reviewer review next
like "$OUT" "^$C:" "C claimed"
expect_rc 1 "admin took C's fee: may not approve it" as admin review approve $C
like "$ERR" "four-eyes: admin took the fee for application $C" "four eyes: fee"
expect_rc 1 "a clerk may not approve" as clerk review approve $C
like "$ERR" "role: a clerk may not approve" "role rule"

# ---- reject goes back to the clerk with the reason; resubmission
expect_rc 1 "reject without reason" as reviewer review reject $A
like "$ERR" -- "--reason: reject needs a reason" "reason required"
expect_rc 0 "reject with reason" as reviewer review reject $A --reason "licence copy unreadable"
like "$OUT" "$A: rejected" "rejected"
expect_rc 0 "clerk sees it among rejected" as clerk --json desk today
like "$OUT" "\"rejected\":\[\{\"application\":\"$A\"" "rejected back to the clerk"
expect_rc 0 "audit keeps the reason" as auditor --json audit list --object $A
like "$OUT" '"action":"app.reject".*"reason":"licence copy unreadable"' "reason in the audit row"
expect_rc 0 "resubmit" as clerk app submit $A
like "$OUT" "$A: paid" "documents verified and fee paid: back in the queue as paid"
expect_rc 0 "reviewer claims A again" as reviewer review next
like "$OUT" "^$A:" "A again"
expect_rc 0 "approve" as reviewer review approve $A
like "$OUT" "$A: approved" "approved"
expect_rc 0 "reviewer2 approves B" as reviewer2 review approve $B
expect_rc 0 "reviewer approves C" as reviewer review approve $C

# ---- after approval: CA, hand-over, revocation, expiry
expect_rc 1 "approved cannot be cancelled" as clerk app transition $A cancelled --reason "changed mind"
like "$ERR" "application $A is approved; cancel needs" "cancel refused after review"
expect_rc 0 "queued for CA" as clerk app transition $A queued_for_ca
expect_rc 0 "issued" as clerk app transition $A issued
expect_rc 0 "activated" as clerk app transition $A activated
like "$OUT" "activated" "activated"
expect_rc 1 "revoke needs a reason" as clerk app transition $A revoked
expect_rc 0 "revoked" as clerk app transition $A revoked --reason "key compromise"
expect_rc 1 "revoked is final" as admin app transition $A activated
expect_rc 1 "no such state" as admin app transition $B finished
like "$ERR" "'finished' is not an application state" "unknown state named"
as clerk app transition $B queued_for_ca >/dev/null; as clerk app transition $B issued >/dev/null
expect_rc 1 "a clerk may not expire" as clerk app transition $B expired
like "$ERR" "a clerk may not expire \(allowed: admin\)" "expire is the admin's"
expect_rc 0 "admin expires" as admin app transition $B expired

# ---- cancel with a reason
expect_rc 1 "cancel needs a reason" as clerk app transition $E cancelled
expect_rc 0 "cancel a draft" as clerk app transition $E cancelled --reason "applicant left"
expect_rc 1 "cancelled cannot be submitted" as clerk app submit $E
like "$ERR" "is cancelled; submit needs draft or rejected" "cancelled is final"

# ---- two clerks at once: optimistic version check
v=$(app_version $F)
is "$v" "1" "F at version 1"
expect_rc 0 "clerk2 submits version 1" as clerk2 app submit $F --version "$v"
expect_rc 1 "clerk acting on version 1 gets a conflict" as clerk app submit $F --version "$v"
like "$ERR" "version: application $F was changed by clerk2 at 2026-11-21 17:00, reload" "changed by whom and when"
expect_rc 1 "bad version" as clerk app transition $F cancelled --reason x --version abc
is "$(app_state $F)" "submitted" "nothing changed by the refused steps"

# ---- reports and audit
expect_rc 0 "daily report" as admin --json report daily
like "$OUT" '"states":\{.*"revoked":1' "states counted"
like "$OUT" '"actions":\{.*"app.approve":3' "actions counted"
expect_rc 0 "audit chain verifies" as auditor audit verify
done_testing
