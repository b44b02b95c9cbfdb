#!/bin/bash
# The auditor's screens: the trail and the chain verification, which finds
# a changed row.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff
DB="$TESTTMP/data/radesk.db"

tui_start
tui_login auditor
tui_wait "Choose a task" >/dev/null
tui_keys 2
tui_wait "entries" >/dev/null
n=$(sqlite3 "$DB" "SELECT count(*) FROM audit")
tui_wait "ok, $n entries" && ok "verify screen: ok, $n entries" || notok "verify ok"
tui_keys Escape 1
tui_wait "Details:" >/dev/null
tui_expect audit_trail "the trail, newest row chosen, its details below"
tui_keys Home
tui_wait "system.init" && ok "Home goes to the first row" || notok "Home"
tui_keys Escape

# Someone with file access changes a row: verify names it.
sqlite3 "$DB" "DROP TRIGGER audit_no_update; UPDATE audit SET operator='mallory' WHERE seq=3;"
tui_keys 2
tui_wait "broken: the first bad row is 3 of" && ok "a changed row is found and named" || notok "tamper found"
tui_keys r
tui_wait "broken: the first bad row is 3 of" && ok "r verifies again" || notok "again"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
