#!/bin/bash
# The desk through the screens: the clerk submits, checks the documents and
# takes the fee; the reviewer claims, approves and rejects with a reason;
# the admin looks at the outbox.
. "$SRCDIR/tests/tui/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
rd_env --staff
A=$(newapp clerk individual personal-sign 1)
B=$(newapp clerk individual personal-sign 2)
for n in "$B"; do as clerk app submit "$n" >/dev/null && verify_all "$n" clerk &&
	as clerk fee record "$n" --amount 200 --method cash >/dev/null; done

tui_start
tui_login clerk
tui_wait "Today's work" >/dev/null
tui_keys 4
tui_wait "my drafts" && ok "the clerk's day lists the drafts" || notok "today"
like "$(tui_screen)" "$A" "the new application is among them"
tui_keys s
tui_wait "$A submitted" && ok "s submits the chosen application" || notok "submit"
tui_wait "waiting for documents" && ok "it waits for documents now" || notok "waiting for documents"
tui_keys Enter
tui_wait "original_id_sighted" && ok "Enter opens the document checklist" || notok "checklist"
tui_keys c
tui_wait "(id_copy) is missing" && ok "checking with missing documents is refused on screen" || notok "refused"
tui_keys v
tui_wait "id_copy is verified" && ok "v verifies the chosen document" || notok "verify"
tui_keys Down v Down v
tui_wait "documents checked (version" && ok "the last verified document moves the application on" || notok "checked"
tui_keys c
tui_wait "the documents are checked already (documents checked)" && ok "c again says so in the desk's words" \
	|| notok "checked already"
tui_keys Escape
tui_wait "waiting for payment" && ok "back on the day list: waiting for payment" || notok "waiting for payment"
tui_keys f
tui_wait "due 100.00" && ok "the fee screen shows the amount due" || notok "fee due"
tui_keys C-u; tui_type "99.999"; tui_keys F2
tui_wait "at most two decimals" && ok "a third decimal is refused on screen" || notok "decimals"
tui_keys C-u; tui_type "100.00"; tui_keys F2
tui_wait "receipt RSP01-20261121-000002" && ok "F2 records the fee and shows the receipt" || notok "receipt"
tui_keys F10
is "$(tui_exit_status)" 0 "the clerk quits"
is "$(app_state "$A")" "paid" "the CLI sees the application paid"

tui_start
tui_login reviewer
tui_wait "Review queue" >/dev/null
tui_keys 1
tui_wait "$B" && ok "the queue lists the paid applications" || notok "queue"
tui_keys n
tui_wait "$A claimed for 30 minutes" && ok "n claims the oldest" || notok "claim"
tui_wait "Timeline" && ok "and opens it: the reviewer reads the data before deciding" || notok "claimed opens"
like "$(tui_screen)" "Number +$A" "the claimed application"
like "$(tui_screen)" "a: approve · j: reject" "the detail view offers the decision"
tui_keys a
tui_wait "$A approved" && ok "a approves it from the detail view" || notok "approve"
like "$(tui_screen)" "State +approved" "the view shows it approved"
unlike "$(tui_screen)" "a: approve" "no decision once decided"
tui_keys Escape
tui_wait "review queue" >/dev/null
tui_keys n
tui_wait "$B claimed for 30 minutes" && ok "n claims the next" || notok "claim B"
tui_wait "Timeline" >/dev/null
tui_keys j
tui_wait "the clerk sees the reason" && ok "j in the detail view asks for the reason" || notok "reject form"
tui_keys Enter
tui_wait "required" && ok "an empty reason is refused" || notok "empty reason"
tui_type "身份证复印件不清晰"; tui_keys Enter
tui_wait "$B rejected" && ok "rejected with the reason" || notok "rejected"
like "$(tui_screen)" "State +rejected" "back in the detail view, reloaded: rejected"
tui_keys F10
is "$(tui_exit_status)" 0 "the reviewer quits"
is "$(app_state "$A")/$(app_state "$B")" "approved/rejected" "the CLI sees both decisions"
expect_rc 0 "the reason is in the audit trail" as auditor --json audit list --object "$B"
like "$OUT" '"reason":"身份证复印件不清晰"' "reason recorded"

tui_start
tui_login admin
tui_wait "Outbox" >/dev/null
tui_keys 3
tui_wait "Channel" && ok "the admin's outbox view" || notok "outbox"
like "$(tui_screen)" "approve" "the approval's message is there"
tui_keys s
tui_wait "neither [notify] command nor [notify] webhook is configured" && ok "sending without configuration says so" \
	|| notok "send"
tui_keys f
tui_wait "failed messages" && ok "f shows only failed messages" || notok "failed only"
tui_keys F10
is "$(tui_exit_status)" 0 "the admin quits"
done_testing
