#!/bin/bash
# Lost or damaged UKEY (补办) from the detail view ('l'), one flow: the old
# certificate's revocation request (keyCompromise or superseded), what
# became of the old UKEY, and the new UKEY's application as a linked copy,
# which opens next.  Bad input is named and leaves nothing behind.
. "$SRCDIR/tests/tui/lib_life.sh"
life_tui_setup
A=$(issued individual)
check "an issued certificate" test -n "$A"
as admin ukey add 0123456789abcdef --model TEST >/dev/null
apps() { sqlite3 "$(desk_db)" "SELECT count(*) FROM applications"; }
N0=$(apps)

tui_start
tui_login clerk
open_app "$A"
tui_keys l
tui_wait "Lost or damaged UKEY of $A" && ok "l opens the lost-UKEY form" || notok "form"
S=$(tui_screen)
like "$S" "blank UKEYs in stock for the new certificate: 1" "the blank UKEYs in stock are counted"
like "$S" "Reason +\* ‹ keyCompromise: lost or stolen, someone may use it ›" "keyCompromise first"
like "$S" "The old UKEY is +\* ‹ lost ›" "lost first"

# bad input: the user name, a request over a year old
tui_keys Tab Tab Tab; tui_type "not ok!"; tui_keys Tab
tui_wait "user name" && ok "a bad user name is named beside its field" || notok "user name"
tui_keys F2
tui_wait "correct the fields marked first" && ok "F2 refuses" || notok "refused"
tui_keys C-u; tui_type reissue1
tui_keys Tab Tab C-u; tui_type "2025-01-01 10:00"; tui_keys F2
tui_wait "more than a year old" && ok "a request over a year old is refused by the workflow" || notok "old request"
is "$(apps)" "$N0" "no application was made"
unlike "$(revocations_json)" "$A" "no request was recorded"
is "$(audit_count cert.reissue_refused "$A")" 1 "the refusal is audited"

# the flow: damaged (superseded, destroyed), the old serial given
tui_keys C-u; tui_type "2026-11-21 16:30"
tui_keys Up Up Up Up Up Up Right
tui_wait "‹ superseded: damaged, nobody else has it ›" >/dev/null
tui_keys Tab Right
tui_wait "‹ destroyed (damaged) ›" >/dev/null
tui_keys Tab; tui_type SN-OLD-7
tui_keys F2
NEW=RA-20261121-000002
tui_wait "new UKEY application $NEW: register it; revocation waits for approval" &&
	ok "F2 records the whole flow and names the new application" || notok "recorded"
like "$(tui_screen)" "radesk — " "its form opens to be completed"
is "$(apps)" "$((N0 + 1))" "one new application"
expect_rc 0 "the new application" as clerk --json app show "$NEW"
like "$OUT" "\"copied_from\":\"$A\"" "linked to the old one"
like "$OUT" '"username":"reissue1"' "with the user name given"
like "$OUT" '"name":"张三"' "the subscriber carried over"
expect_rc 0 "the CLI" revocations_json
like "$OUT" "\"application\":\"$A\",\"purpose\":\"reissue\",\"reason\":\"superseded\"[^}]*\"status\":\"pending\"" \
	"the old certificate's revocation waits for approval"
like "$OUT" "\"application\":\"$A\"[^}]*\"new_application\":\"$NEW\"" "the request names the new application"
like "$(sqlite3 "$(desk_db)" "SELECT details FROM audit WHERE action = 'cert.revoke_request' AND object = '$A'")" \
	'"ukey":"destroyed".*"ukey_serial":"SN-OLD-7"' "the old UKEY destroyed, by serial, in the audit trail"
tui_keys F10
tui_exit_status >/dev/null
done_testing
