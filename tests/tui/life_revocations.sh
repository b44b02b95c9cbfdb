#!/bin/bash
# The revocation requests screen: reviewers and admins see the time left
# until the RA's promise, overdue requests are marked on the screen and in
# the status bar, and a reviewer approves from the list.
. "$SRCDIR/tests/tui/lib.sh"
. "$SRCDIR/tests/integration/lib_life.sh"
life_setup
A=$(issued individual)
B=$(issued individual)
as clerk cert revoke "$A" --reason keyCompromise --requested-at 2026-11-21T08:00:00 >/dev/null
as clerk cert revoke "$B" --reason superseded --requested-at 2026-11-20T08:00:00 >/dev/null

tui_start
tui_login reviewer
tui_wait "Revocation requests" >/dev/null && ok "the reviewer's menu offers revocation requests" || notok "menu"
like "$(tui_screen)" "revocations overdue 1" "the status bar counts the overdue request"
tui_keys 3
tui_wait "revocation requests" && ok "the screen opens" || notok "screen"
S=$(tui_screen)
like "$S" "$B +superseded +to approve +OVERDUE 1h 00m" "the overdue request comes first, marked"
like "$S" "$A +keyCompromise +to approve +23h 00m" "the other shows 23 hours left"
like "$S" "1 overdue" "the overdue count under the list"
tui_keys a
tui_wait "$B approved; the counter sends it to the CA" && ok "a approves the chosen request" || notok "approve"
like "$(tui_screen)" "$B +superseded +approved +OVERDUE" "approved, still counted against the promise"
tui_keys F10
is "$(tui_exit_status)" 0 "the reviewer quits"

# the admin sends it from the same screen and sees it go
tui_start
tui_login admin
tui_wait "Revocation requests" >/dev/null
like "$(tui_screen)" "revocations overdue 1" "the admin's status bar counts it too"
tui_keys "$(tui_screen | sed -n 's/^ *\([0-9]\) *Revocation requests.*/\1/p')"
tui_wait "revocation requests" >/dev/null
like "$(tui_screen)" "$B +superseded +sent to the CA" "opening the screen followed the outbox: sent to the CA"
tui_keys s
tui_wait "queued 0, revoked 0" && ok "s follows the CA outbox again" || notok "sync"
tui_keys F10
is "$(tui_exit_status)" 0 "the admin quits"
expect_rc 0 "the CLI agrees" as admin --json cert revocations
like "$OUT" "\"application\":\"$B\"[^}]*\"status\":\"queued\"" "queued"
done_testing
