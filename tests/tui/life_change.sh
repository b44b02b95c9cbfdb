#!/bin/bash
# Change of information from the detail view ('i'): the subscriber's name
# (individuals) or the organization's name and credit code, prefilled with
# what is on file; the certificate's revocation is requested and the
# corrected application starts as a linked copy, which opens next.
# Nothing changed, or a bad credit code, records nothing.
. "$SRCDIR/tests/tui/lib_life.sh"
life_tui_setup
A=$(issued individual)
O=$(issued organization)
check "an individual and an organization certificate" test -n "$A" -a -n "$O"
apps() { sqlite3 "$(desk_db)" "SELECT count(*) FROM applications"; }
N0=$(apps)

tui_start
tui_login clerk
open_app "$A"
tui_keys i
tui_wait "Change of information on $A" && ok "i opens the change form" || notok "form"
S=$(tui_screen)
like "$S" "Subscriber's name +\* 张三" "the name on file is filled in"
like "$S" "Reason +\* ‹ affiliationChanged: information changed ›" "affiliationChanged first"
tui_keys F2
tui_wait "nothing is changed: correct a field first" && ok "nothing changed: refused, said so" || notok "unchanged"
is "$(apps)" "$N0" "no application made"
tui_keys C-u; tui_type 张四; tui_keys F2
NEW=RA-20261121-000003
tui_wait "new application $NEW holds the changes: complete and register it" &&
	ok "F2 records the change and names the new application" || notok "recorded"
tui_wait "Application $NEW" && ok "the new application's form opens" || notok "new form"
like "$(tui_screen)" "Subscriber name +\* 张四" "with the new name"
expect_rc 0 "the new application" as clerk --json app show "$NEW"
like "$OUT" '"name":"张四"' "carries the new name"
like "$OUT" "\"copied_from\":\"$A\"" "linked to the old one"
is "$(app_state "$NEW")" draft "a draft"
expect_rc 0 "the CLI" revocations_json
like "$OUT" "\"application\":\"$A\",\"purpose\":\"change\",\"reason\":\"affiliationChanged\"[^}]*\"status\":\"pending\"" \
	"the old certificate's revocation waits for approval"
like "$OUT" "\"application\":\"$A\"[^}]*\"new_application\":\"$NEW\"" "linked through the request"
tui_keys Escape
home

# an organization: name and credit code; a bad code is named
open_app "$O"
tui_keys i
tui_wait "Change of information on $O" >/dev/null
S=$(tui_screen)
like "$S" "Organization name +\* 福建某某科技有限公司" "the organization's name on file"
like "$S" "Unified social credit code +\* 91350100M000100Y43" "and its credit code"
tui_keys Tab C-u; tui_type 91350100M000100Y44; tui_keys Tab
tui_wait "check character" && ok "a wrong credit code is named beside the field" || notok "uscc"
tui_keys F2
tui_wait "correct the fields marked first" >/dev/null
is "$(apps)" "$((N0 + 1))" "nothing made"
tui_keys C-u; tui_type 91350100M000100Y43
tui_keys Up C-u; tui_type 福建某某信息技术有限公司
tui_keys Down Down Right F2
NEW2=RA-20261121-000004
tui_wait "new application $NEW2 holds the changes" && ok "the organization's change is recorded" || notok "org change"
expect_rc 0 "the new application" as clerk --json app show "$NEW2"
like "$OUT" '"name":"福建某某信息技术有限公司"' "the new name"
like "$OUT" '"uscc":"91350100M000100Y43"' "the code unchanged"
expect_rc 0 "the CLI" revocations_json
like "$OUT" "\"application\":\"$O\",\"purpose\":\"change\",\"reason\":\"superseded\"" "superseded, as chosen"
tui_keys F10
tui_exit_status >/dev/null
done_testing
