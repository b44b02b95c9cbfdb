#!/bin/bash
# Organization ceased (注销) from the home menu: the credit code (checked,
# and the certificates that go to revocation counted as it is typed), the
# evidence file, the day it ceased, when the notice came; one batch of
# cessationOfOperation requests with the evidence kept.  Bad input records
# nothing.  The CLI's --dry-run counts the same way.
. "$SRCDIR/tests/tui/lib_life.sh"
life_tui_setup
O1=$(issued organization)
O2=$(issued organization)
I=$(issued individual)
check "two organization certificates and an individual one" test -n "$O1" -a -n "$O2" -a -n "$I"
USCC=91350100M000100Y43

# the CLI's dry run
expect_rc 0 "cert ceased --dry-run" as clerk --json cert ceased --uscc "$USCC" --dry-run
is "$OUT" "{\"requests\":2,\"applications\":[\"$O2\",\"$O1\"]}" "counts the organization's two certificates"
expect_rc 1 "a wrong check character" as clerk cert ceased --uscc 91350100M000100Y44 --dry-run
like "$ERR" "uscc" "the field is named"
expect_rc 1 "a reviewer may not" as reviewer cert ceased --uscc "$USCC" --dry-run
is "$(revocations_json)" "[]" "the dry run recorded nothing"

tui_start
tui_login clerk
menu "Organization ceased"
tui_wait "Organization ceased (注销)" && ok "the clerk's menu opens it" || notok "screen"
tui_expect ceased_form "the empty form"
tui_type 91350100M000100Y44; tui_keys Tab
tui_wait "check character" && ok "a wrong credit code is named" || notok "uscc"
tui_keys Up C-u; tui_type "$USCC"
tui_wait "certificates to revoke: 2 — $O2 $O1" && ok "the count follows the typing" || notok "count"
tui_keys Tab; tui_type "$TESTTMP/none.pdf"; tui_keys Tab
tui_wait "no such file" && ok "a missing evidence file is named" || notok "evidence"
tui_keys F2
tui_wait "correct the fields marked first" >/dev/null
printf '%%PDF-1.4 注销登记通知书\n' >"$TESTTMP/notice.pdf"
tui_keys C-u; tui_type "$TESTTMP/notice.pdf"
tui_keys Tab; tui_type 2026-11-30; tui_keys F2
tui_wait "cannot cease after the request" && ok "a cessation after the notice is refused" || notok "ceased after"
is "$(revocations_json)" "[]" "nothing recorded"
tui_keys C-u; tui_type 2026-11-18; tui_keys Tab Tab; tui_type "工商注销"
tui_keys Enter
tui_wait "a second operator approves them" && ok "Enter records the batch" ||
	notok "recorded"
like "$(tui_screen)" "batch B-[0-9a-f]+ recorded, revocation requests: 2;" "two requests in one batch"
tui_wait "Choose a task" >/dev/null && ok "back on the home screen" || notok "home"
expect_rc 0 "the CLI" revocations_json
like "$OUT" "\"application\":\"$O1\",\"purpose\":\"ceased\",\"reason\":\"cessationOfOperation\"[^}]*\"status\":\"pending\"" \
	"the first certificate"
like "$OUT" "\"application\":\"$O2\",\"purpose\":\"ceased\",\"reason\":\"cessationOfOperation\"" "the second"
unlike "$OUT" "\"application\":\"$I\"" "not the individual"
is "$(printf '%s' "$OUT" | grep -o '"batch":"B-[0-9a-f]*"' | sort -u | wc -l)" 1 "one batch"
SHA=$(sha256sum "$TESTTMP/notice.pdf" | cut -d' ' -f1)
check "the evidence is kept by its SHA-256" cmp -s "$TESTTMP/notice.pdf" "$TESTTMP/data/evidence/$SHA"
like "$(sqlite3 "$(desk_db)" "SELECT details FROM audit WHERE action = 'cert.revoke_request' AND object = '$O1'")" \
	'"note":"工商注销","notice_working_days":"2"' "the note and 2 working days' notice (Wednesday to Saturday) in the audit trail"

# once more: the open requests are named, nothing is added
tui_wait "Choose a task" >/dev/null
menu "Organization ceased"
tui_wait "Organization ceased (注销)" >/dev/null
tui_type "$USCC"
tui_wait "has an open revocation request already" && ok "the count names a certificate with an open request" ||
	notok "open request named"
tui_keys F10
is "$(tui_exit_status)" 0 "quits cleanly"
expect_rc 1 "the CLI refuses a second batch" as clerk cert ceased --uscc "$USCC" --evidence "$TESTTMP/notice.pdf"
like "$ERR" "open revocation request already" "naming the open request"
expect_rc 1 "and its dry run says the same" as clerk cert ceased --uscc "$USCC" --dry-run
is "$(revocations_json | grep -o '"purpose":"ceased"' | wc -l)" 2 "still two requests"
done_testing
