# Helpers for the after-issuance screens' tests: the real cfssl CA from
# tests/integration/lib_life.sh, and ways around the home menu and the
# detail view that do not depend on where an entry sits in the menu.
. "$SRCDIR/tests/tui/lib.sh"
. "$SRCDIR/tests/integration/lib_life.sh"

# life_tui_setup: the CA and the staff; both the CA and tmux are stopped on exit.
life_tui_setup() {
	life_setup
	trap 'cfssl_ca_stop "$TESTTMP/ca"; tui_cleanup' EXIT
}

# menu_key LABEL: the number of a home menu entry
menu_key() { tui_screen | sed -n "s/^ *\([0-9][0-9]*\) *$1 *\$/\1/p" | head -1; }

# menu LABEL: chooses a home menu entry (from the home screen)
menu() {
	local k
	tui_wait "Choose a task" >/dev/null || return 1
	k=$(menu_key "$1")
	[ -n "$k" ] || { echo "# no menu entry '$1'"; return 1; }
	tui_keys "$k"
}

# open_app NO: from the home screen, the application's detail view
open_app() {
	menu "Search applications" || return 1
	tui_wait "rows " >/dev/null || return 1
	tui_type "$1"
	tui_wait "rows 1-1 of 1" >/dev/null || return 1
	tui_keys Enter
	tui_wait "Timeline" >/dev/null
}

# home: back to the home screen
home() {
	local i
	for i in 1 2 3 4 5 6; do
		tui_screen | grep -qF "Choose a task" && return 0
		tui_keys Escape
		sleep 0.1
	done
	tui_wait "Choose a task" >/dev/null
}

# revocations_json: the revocation requests as the CLI shows them (all)
revocations_json() { as admin --json cert revocations --all; }
