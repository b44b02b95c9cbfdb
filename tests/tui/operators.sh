#!/bin/bash
# The admin adds, locks and unlocks operators through the screens.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff

tui_start
tui_login admin
tui_wait "Choose a task" >/dev/null
tui_keys Enter
tui_wait "Last login" >/dev/null
tui_keys a
tui_wait "Password again" >/dev/null
tui_type teller1; tui_keys Tab
tui_keys Right Right Right Right Left   # clerk -> reviewer -> admin -> auditor -> clerk -> auditor
tui_keys Tab
tui_type short; tui_keys Tab
tui_wait "at least 10 characters" && ok "a short password is marked beside the field when leaving it" \
	|| notok "password length error"
tui_type teller1-password-X; tui_keys Enter
tui_wait "the two passwords differ" && ok "passwords that differ are marked" || notok "mismatch"
tui_expect operator_add_errors "field errors beside their fields, nothing of the passwords shown"
# Enter focused the first wrong field: the password.
tui_keys C-u; tui_type teller1-password-1; tui_keys Tab C-u; tui_type teller1-password-1; tui_keys Enter
tui_wait "operator teller1 added" && ok "saved" || notok "saved"
tui_expect operators_added "the list shows the new operator"
expect_rc 0 "radesk user list" rdas admin user list
like "$OUT" "teller1 +auditor +active" "the CLI sees the operator added through the screen"
expect_rc 0 "the new operator can log in" env RADESK_PASSWORD=teller1-password-1 "$RADESK" --as teller1 audit verify

# Duplicate names come back from the workflow beside the name field.
tui_keys a
tui_wait "Password again" >/dev/null
tui_type clerk; tui_keys Tab Tab; tui_type clerk-password-2; tui_keys Tab; tui_type clerk-password-2; tui_keys Enter
tui_wait "Password again" >/dev/null
tui_wait "the operator was not added" && ok "a duplicate is refused" || notok "duplicate refused"
tui_keys Escape
tui_wait "Last login" >/dev/null

# Lock and unlock the chosen operator (rows are in name order: admin, auditor, clerk ...).
tui_keys Down Down l
tui_wait "operator clerk locked" && ok "l locks the chosen operator" || notok "lock"
expect_rc 3 "the locked clerk cannot log in" rdas clerk user list
tui_keys u
tui_wait "operator clerk unlocked" && ok "u unlocks it" || notok "unlock"
expect_rc 1 "the clerk can log in again (and is refused the admin command)" rdas clerk user list
tui_keys Up Up l
tui_wait "cannot lock their own operator" && ok "an admin cannot lock themselves (workflow rule shown)" || notok "self lock"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
