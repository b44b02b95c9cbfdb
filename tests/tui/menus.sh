#!/bin/bash
# Each role sees its own home menu and nothing else; entries whose screens
# do not exist yet say so; F1 lists the keys of the current screen.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff

for who in clerk reviewer admin auditor; do
	tui_start
	tui_login "$who"
	tui_expect "home_$who" "home menu of the $who"
	tui_keys F10
	is "$(tui_exit_status)" 0 "$who quits with status 0"
done

# The menus really differ: no entry of one role appears for another.
unlike "$(cat "$TUI_EXPECTED/home_clerk.txt")" "Operators|Audit trail|Review queue" "the clerk sees no admin, auditor or reviewer entries"
unlike "$(cat "$TUI_EXPECTED/home_auditor.txt")" "Register|Operators|Review queue" "the auditor sees no clerk, admin or reviewer entries"
unlike "$(cat "$TUI_EXPECTED/home_admin.txt")" "Register|Audit trail|Review queue" "the admin sees no clerk, auditor or reviewer entries"

# No dead entries: every screen a menu entry names is registered.
for id in $(sed -n 's/^UI_MENU([^,]*, N_("[^"]*"), "\([a-z_]*\)").*/\1/p' "$SRCDIR/ui/menu.def" | sort -u); do
	grep -q "^UI_SCREEN(\"$id\"," "$SRCDIR/ui/screens.def" && ok "menu entry '$id' has a screen" \
		|| notok "menu entry '$id' has no screen (it would say 'not available yet')"
done
tui_start
tui_login admin
tui_wait "Operators" >/dev/null
tui_keys Down Down Down Down Enter
tui_wait "radesk — settings" && ok "the admin's Settings entry opens its screen" || notok "Settings opens"
tui_keys Escape
tui_wait "Choose a task" >/dev/null
tui_keys 1
tui_wait "radesk — operators" && ok "digits choose entries too" || notok "digit shortcut"
tui_keys Escape
tui_wait "Choose a task" >/dev/null
tui_keys F10
tui_exit_status >/dev/null
tui_start
tui_login clerk
tui_wait "Register individual" >/dev/null

# F1 on the home screen: the home keys, the list keys and the global keys.
tui_keys F1
tui_expect help_home "F1 help for the home screen lists its keys"
tui_keys Escape
tui_wait "Choose a task" && ok "Esc closes the help" || notok "Esc closes the help"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

# F1 on a form screen lists the form keys, including the screen's own F2.
tui_start
tui_login admin
tui_wait "Operators" >/dev/null
tui_keys Enter
tui_wait "Last login" >/dev/null
tui_keys a
tui_wait "Password again" >/dev/null
tui_keys F1
tui_expect help_operator_add "F1 help for the add-operator form"
tui_keys q
tui_wait "Password again" && ok "q closes the help, back in the form" || notok "q closes help"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
