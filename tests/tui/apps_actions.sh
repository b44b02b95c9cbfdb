#!/bin/bash
# The detail view opens the documents, fee and print screens for the
# application on view.
. "$SRCDIR/tests/tui/lib.sh"
FX="$SRCDIR/tests/fixtures/apps"
rd_env --staff
ORG=$(rdas clerk app new --file "$FX/organization.json")
rdas clerk app submit "$ORG" >/dev/null

tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
tui_keys 3
tui_wait "rows 1-" >/dev/null
tui_type "$ORG"
tui_wait "福建某某科技有限公司" >/dev/null
tui_keys Enter
tui_wait "History" >/dev/null || tui_wait "$ORG" >/dev/null
like "$(tui_screen)" "p: print" "the action bar offers print"
like "$(tui_screen)" "d: documents" "the action bar offers documents"
like "$(tui_screen)" "f: fee" "the action bar offers the fee"
tui_keys d
tui_wait "licence" && ok "d opens the document checklist of this application" || notok "documents"
like "$(tui_screen)" "$ORG" "for this application"
tui_keys Escape
tui_wait "f: fee" >/dev/null
tui_keys f
tui_wait "due" && ok "f opens the fee screen of this application" || notok "fee"
like "$(tui_screen)" "$ORG" "fee screen names the application"
tui_keys Escape
tui_wait "p: print" >/dev/null
tui_keys p
tui_wait "Printer" && ok "p opens the print dialog" || notok "print dialog"
like "$(tui_screen)" "$ORG" "the dialog has the number filled in"
tui_keys Escape Escape Escape F10
is "$(tui_exit_status)" 0 "quits cleanly"
done_testing
