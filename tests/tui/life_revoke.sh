#!/bin/bash
# The detail view's revocation request: offered only for an issued
# certificate; the reason from the RFC 5280 list, the time the written
# request was received (now unless changed), a note and the in-person
# flag; bad input is named and records nothing; the request waits for a
# second operator, or goes to the CA at once under the single-clerk rule.
. "$SRCDIR/tests/tui/lib_life.sh"
LIFE_EXTRA_CONF=$'[revocation]\nsingle_clerk_key_compromise = yes'
life_tui_setup
A=$(issued individual)
C=$(issued individual)
D=$(newapp clerk individual personal-sign 1)
check "two issued certificates and a draft" test -n "$A" -a -n "$C" -a -n "$D"

tui_start
tui_login clerk
open_app "$D"
unlike "$(tui_screen)" "v: revoke" "a draft offers no revocation"
tui_keys v
tui_wait "revoke: not possible" && ok "v on a draft says why not" || notok "refused on a draft"
home
open_app "$A"
S=$(tui_screen)
like "$S" "v: revoke" "an issued certificate offers revoke"
like "$S" "n: renew" "and renew"
like "$S" "l: lost UKEY" "and the lost UKEY"
like "$S" "i: change info" "and the change of information"
like "$S" "Esc: back · F1: all keys" "the action bar still ends with Esc and F1"
tui_keys v
tui_wait "Revoke $A on a written request" && ok "v opens the request form" || notok "form"
S=$(tui_screen)
like "$S" "certificate [0-9A-Fa-f]+, valid until 20[0-9-]+ " "the certificate on file is named"
like "$S" "Reason +\* +‹ keyCompromise: key or UKEY compromised, lost ›" "the reason starts at keyCompromise"
like "$S" "Written request received +\* 2026-11-21 17:00" "received: now (local time)"
like "$S" "A second operator approves" "says who approves"

# bad input: named beside the field; nothing recorded
tui_keys Tab C-u; tui_type "tomorrow"; tui_keys Tab
tui_wait "'tomorrow' is not a date" && ok "a time that is none is named beside the field" || notok "bad time"
tui_keys F2
tui_wait "correct the fields marked first" && ok "F2 refuses while a field is wrong" || notok "refused"
tui_keys C-u; tui_type "2026-11-22 18:00"; tui_keys F2
tui_wait "cannot be received in the future" && ok "a request from the future is refused by the workflow" || notok "future"
expect_rc 0 "the CLI" revocations_json
unlike "$OUT" "$A" "nothing was recorded"
is "$(audit_count cert.revoke_refused "$A")" 1 "the refused attempt is audited"

# the request: received at 16:00 local, affiliationChanged, a note
tui_keys C-u; tui_type "2026-11-21 16:00"
tui_keys Up Right
tui_wait "‹ affiliationChanged: information changed ›" && ok "Right chooses the next reason" || notok "reason"
tui_keys Tab Tab; tui_type "书面申请 第12号"
tui_keys F2
tui_wait "$A: revocation request recorded; a second operator approves it" &&
	ok "F2 records it and says who approves" || notok "recorded"
tui_wait "Timeline" >/dev/null && ok "back on the detail view" || notok "detail view"
expect_rc 0 "the CLI" revocations_json
like "$OUT" "\"application\":\"$A\",\"purpose\":\"revoke\",\"reason\":\"affiliationChanged\"[^}]*\"status\":\"pending\"" \
	"pending, affiliationChanged"
like "$OUT" "\"application\":\"$A\"[^}]*\"requested_at\":\"2026-11-21T08:00:00Z\"" "received 16:00 local = 08:00Z"
like "$OUT" "\"application\":\"$A\"[^}]*\"seconds_left\":82800" "23 hours left of the promise"
like "$(sqlite3 "$(desk_db)" "SELECT details FROM audit WHERE action = 'cert.revoke_request' AND object = '$A'")" \
	"书面申请 第12号" "the note is in the audit trail"
is "$(app_state "$A")" issued "the application stays issued"

# a second request for the same certificate: refused, one request stays
tui_keys v
tui_wait "Revoke $A" >/dev/null
tui_keys F2
tui_wait "open revocation request already" && ok "a second request is refused, named" || notok "second"
like "$(tui_screen)" "Revoke $A" "the form stays open"
is "$(revocations_json | grep -o "\"application\":\"$A\"" | wc -l)" 1 "still one request"
home

# single clerk: keyCompromise reported in person goes to the CA at once
open_app "$C"
tui_keys v
tui_wait "Revoke $C" >/dev/null
tui_keys Tab Tab Tab Right
tui_wait "goes to the CA at once" && ok "in person + keyCompromise: the form says it goes at once" || notok "hint"
tui_keys Enter
tui_wait "$C: revocation request recorded and sent to the CA" && ok "Enter on the last field records and sends" ||
	notok "sent"
expect_rc 0 "the CLI" revocations_json
like "$OUT" "\"application\":\"$C\",\"purpose\":\"revoke\",\"reason\":\"keyCompromise\"[^}]*\"status\":\"queued\"" \
	"queued to the CA outbox"
tui_keys F10
is "$(tui_exit_status)" 0 "quits cleanly"
done_testing
