#!/bin/bash
# The idle lock (test hook RADESK_IDLE_LOCK_SECONDS) covers the screen and
# only the same operator's password unlocks it; F12 locks at once.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff

RADESK_IDLE_LOCK_SECONDS=1 tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
tui_keys Down # something to find again after unlocking
tui_wait "locked — operator clerk — password:" && ok "idle for a second: the screen locks" || notok "idle lock"
tui_expect locked "the lock covers everything: no menu, no status bar"
tui_type reviewer-password-1; tui_keys Enter
tui_wait "wrong user name or password" && ok "another operator's password does not unlock" || notok "wrong password refused"
unlike "$(tui_screen)" "Register|SP01|password-1" "still covered, the password not shown"
tui_type clerk-password-1; tui_keys Enter
tui_wait "Choose a task" && ok "the operator's own password unlocks" || notok "unlock"
tui_expect home_clerk "the screen is as it was"
tui_keys Enter
tui_wait "register an organization" && ok "the row chosen before the lock is still chosen" \
	|| notok "selection kept"
tui_keys Escape
expect_rc 0 "audit list" rdas admin audit list
like "$OUT" "operator.login_failed +clerk" "the failed unlock is audited against the operator"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

# F12 locks at once; F10 on the lock screen logs out instead.
tui_start
tui_login admin
tui_wait "Choose a task" >/dev/null
tui_keys F12
tui_wait "locked — operator admin — password:" && ok "F12 locks at once" || notok "F12"
tui_keys F10
tui_wait "not logged in" && ok "F10 on the lock screen logs out to the login screen" || notok "logout from lock"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

# idle_lock_minutes = 0 disables the lock (the hook unset uses the config).
printf '[ui]\nidle_lock_minutes = 0\n' >>"$RADESK_CONFIG"
RADESK_IDLE_LOCK_SECONDS= tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
sleep 1.5
unlike "$(tui_screen)" "locked —" "idle_lock_minutes = 0: no lock"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
