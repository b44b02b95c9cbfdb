#!/bin/bash
# Login: success, failure, and the lockout after 5 failures shown on screen;
# the password is never on the screen.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff

tui_start
tui_expect login "login screen"
tui_login clerk wrong-password-9
tui_wait "wrong user name or password" && ok "a wrong password is refused on screen" || notok "wrong password message"
unlike "$(tui_screen)" "wrong-password-9" "the password typed is not on the screen"
tui_expect login_failed "after a failure: message, the password field emptied, the name kept"

# Four more failures lock the operator for 15 minutes (fixed clock 17:00 local).
for i in 2 3 4 5; do
	tui_type "wrong-password-$i"; tui_keys Enter
	[ $i = 5 ] || tui_wait "wrong user name or password" >/dev/null
done
tui_wait "locked until 17:15" && ok "the fifth failure shows 'locked until 17:15'" || notok "lockout shown"
tui_type clerk-password-1; tui_keys Enter
tui_wait "too many failed logins; locked until 17:15" && ok "even the right password is refused while locked" \
	|| notok "locked operator refused"
expect_rc 0 "user list shows the lockout" rdas admin user list
like "$OUT" "clerk +clerk +locked" "clerk is locked in the operator list"

# Another operator logs in fine.
tui_keys Up C-u; tui_type reviewer; tui_keys Tab
tui_type reviewer-password-1; tui_keys Enter
tui_expect home_reviewer "reviewer logged in: home menu and status bar"
unlike "$(tui_screen)" "reviewer-password-1" "the password is not on the screen"
tui_keys F10
is "$(tui_exit_status)" 0 "F10 quits with status 0"
expect_rc 0 "audit list" rdas admin audit list
like "$OUT" "operator.login_failed" "failures are in the audit trail"
like "$OUT" "operator.logout" "the logout on quit is audited"
done_testing
