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

# ---- s: a draft is submitted from its detail view; an incomplete one says why ----
jq 'del(.subject.mobile) | .username = "part01"' "$FX/individual.json" >"$TESTTMP/partial.json"
PART=$(rdas clerk app new --draft --file "$TESTTMP/partial.json")
DRAFT=$(jq '.username = "draft01"' "$FX/organization.json" | rdas clerk app new --draft --file -)
back_home() { # Esc until the home menu shows (a message takes one Esc)
	local i
	for i in 1 2 3 4 5; do
		tui_screen | grep -qF "Choose a task" && return 0
		tui_keys Escape
		sleep 0.3
	done
	return 1
}
open_app() {
	back_home
	tui_keys 3
	tui_wait "rows 1-" >/dev/null
	tui_type "$1"
	tui_wait "rows 1-1 of 1" >/dev/null # the live search has narrowed to it
	tui_keys Enter
	tui_wait "Timeline" >/dev/null
	like "$(tui_screen)" "Number +$1" "opened $1"
}
open_app "$PART"
like "$(tui_screen)" "s: submit" "a draft offers submit"
tui_keys s
tui_wait "is required" && ok "an incomplete draft is not submitted" || notok "incomplete submit"
like "$(tui_screen | tail -3)" "mobile" "the message names the missing field"
like "$(rdas clerk app show "$PART" --json)" '"state":"draft"' "it stays a draft"
open_app "$DRAFT"
tui_keys s
tui_wait "$DRAFT submitted" && ok "s submits a complete draft" || notok "submit"
like "$(tui_screen)" "State +submitted" "the view shows the new state at once"
unlike "$(tui_screen)" "s: submit" "no submit action once submitted"
like "$(rdas clerk app show "$DRAFT" --json)" '"state":"submitted"' "the CLI sees it submitted"
tui_keys Escape Escape F10
is "$(tui_exit_status)" 0 "quits cleanly"
done_testing
