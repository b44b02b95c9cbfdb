#!/bin/bash
# The print dialog: opened from the clerk's menu it asks for the number; the
# printer comes from the config and can be changed; a summary (documents,
# pages, copies, printer) comes before printing; then the job's result.
# A real private cupsd with a file queue receives the job.
. "$SRCDIR/tests/tui/lib.sh"
. "$SRCDIR/tests/fixtures/cupsd.sh"
rd_env --staff
cupsd_start || { notok "cupsd starts"; done_testing; exit 1; }
cupsd_queue Q "$CUPSD_DIR/out/q.pdf" || notok "file queue Q"
printf '[print]\nprinter = Q\ntimeout = 20\n' >>"$RADESK_CONFIG"
ORG=$(as clerk app new --file "$SRCDIR/tests/fixtures/apps/organization.json")

tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
tui_keys 5
tui_wait "Application No." >/dev/null
tui_expect print_empty "the dialog asks for the number; the printer comes from the config"

# An unknown number: the error is shown beside the number field.
tui_type RA-20991231-000009; tui_keys F5
tui_wait "no application RA-20991231-000009" && ok "an unknown number is named" || notok "unknown number"

tui_keys C-u; tui_type "$ORG"; tui_keys Tab
tui_keys F2   # F2 before any summary: the summary is shown first, nothing printed
tui_wait "check the summary, then F2 prints" && ok "F2 shows the summary before printing" || notok "summary first"
check "nothing printed yet" test ! -e "$CUPSD_DIR/out/q.pdf"
tui_expect print_summary "summary: documents, pages, copies, printer"

# Changing a value makes the summary stale: it is not shown until asked again.
tui_keys Tab Tab C-u; tui_type 2
tui_gone "Summary" && ok "a changed value hides the old summary" || notok "stale summary hidden"
tui_keys Enter
tui_wait "6 pages × 2 copies = 12 sheets" && ok "Enter on the last field shows the new summary" || notok "new summary"
tui_keys F2
tui_wait "printed: 6 pages" && ok "F2 prints" || notok "printed"
tui_wait "job 1 on Q: completed" && ok "the job's result: followed to completed" || notok "job result"
screen=$(tui_screen)
pdf=$(printf '%s\n' "$screen" | sed -n 's|^ PDF  *\$TESTTMP|'"$TESTTMP"'|p')
like "$pdf" "/data/prints/$ORG/packet-20261121T090000Z.pdf" "the PDF's path is shown"
like "$screen" "SHA-256 +$(sha256sum "$pdf" | cut -d' ' -f1)" "the SHA-256 shown is the kept PDF's"
check "the job that arrived is that PDF" cmp "$pdf" "$CUPSD_DIR/out/q.pdf"
expect_rc 0 "audit list" rdas auditor audit list --object "$ORG" --json
like "$OUT" '"action":"print.packet".*"copies":2.*"printer":"Q".*"state":"completed"' "recorded with copies, printer and state"

# A rejecting queue: a clear error, nothing recorded as printed.
cupsreject -r "out of paper" Q
tui_keys F5
tui_wait "printed before: this is a reprint" && ok "the summary says it is a reprint" || notok "reprint note"
tui_keys F2
tui_wait "not accepting jobs" && ok "a rejecting queue is a clear error" || notok "rejecting queue"
n=$(rdas auditor audit list --object "$ORG" --json | grep -o '"action":"print.packet"' | wc -l)
is "$n" 1 "the failed print is not recorded as a print"
tui_keys Escape
tui_wait "Choose a task" >/dev/null
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
