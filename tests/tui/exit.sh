#!/bin/bash
# The terminal is given back sane on every way out: F10, a signal, Ctrl-C,
# and errors before the screen starts.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff

check_restored() { # DESC
	local s; s=$(tui_screen)
	like "$s" "^echo$" "$1: echo is back on"
	like "$s" "^icanon$" "$1: line editing is back on"
	like "$s" "wrapper\\$" "$1: the wrapper's prompt prints after radesk"
	unlike "$s" "radesk — " "$1: the radesk screen is gone"
}

tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
tui_keys F10
is "$(tui_exit_status)" 0 "F10: status 0"
check_restored "F10"

tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
kill -TERM "$(tui_pid)"
is "$(tui_exit_status)" 5 "SIGTERM: status 5 (interrupted)"
check_restored "SIGTERM"
like "$(cat "$TESTTMP/tui.err")" "SIGTERM: interrupted" "SIGTERM: a clear message on stderr"

# Ctrl-C in the middle of the add-operator form: nothing is added.
tui_start
tui_login admin
tui_wait "Choose a task" >/dev/null
tui_keys Enter
tui_wait "Last login" >/dev/null
tui_keys a
tui_type halfway; tui_keys Tab Tab; tui_type halfway-password-1
tui_keys C-c
is "$(tui_exit_status)" 5 "Ctrl-C: status 5"
check_restored "Ctrl-C"
expect_rc 0 "user list" rdas admin user list
unlike "$OUT" "halfway" "Ctrl-C in a half-filled form adds nothing"
expect_rc 0 "audit list" rdas admin audit list
like "$OUT" "operator.logout +admin" "the interrupted session is logged out in the audit trail"

tui_start
tui_login admin
tui_wait "Choose a task" >/dev/null
kill -HUP "$(tui_pid)"
is "$(tui_exit_status)" 5 "SIGHUP (terminal closed): status 5"

# Errors before curses starts: one line on stderr, the proper status.
expect_rc 2 "no terminal" "$RADESK"
like "$ERR" "^radesk: terminal: " "no terminal: 'radesk: terminal: why'"
tui_start --db /nonexistent/dir/radesk.db
st=$(tui_exit_status)
run "$RADESK" --db /nonexistent/dir/radesk.db user list
check "a database that cannot be opened: non-zero status $st, the same as the CLI's" [ "$st" != 0 ] && [ "$st" = "$RC" ]
like "$(cat "$TESTTMP/tui.err")" "^radesk: open: .*nonexistent" "a bad database: 'radesk: open: ...' naming the file"
check_restored "open error"
done_testing
