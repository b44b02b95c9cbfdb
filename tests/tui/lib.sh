# TUI test helpers: the real binary in a detached tmux session on a private
# server, keys sent with send-keys, screens read with capture-pane and
# compared with tests/tui/expected/NAME.txt (REGEN=1 rewrites them, on
# purpose only).  The clock is fixed by tests/lib.sh, so screens are stable.
. "$SRCDIR/tests/lib.sh"

TUI_BASE="radesk-$$"
TUI_N=0
TUI_SOCK="$TUI_BASE-0"
TUI_EXPECTED="$SRCDIR/tests/tui/expected"
TUI_TIMEOUT=${TUI_TIMEOUT:-8} # seconds any one wait may take
export RADESK_IDLE_LOCK_SECONDS=${RADESK_IDLE_LOCK_SECONDS-0} # test hook: no idle lock unless a test asks
command -v tmux >/dev/null || { echo "Bail out! tmux is not installed (scripts/install-deps)"; exit 1; }

tui_cleanup() {
	local i
	for ((i = 0; i <= TUI_N; i++)); do tmux -L "$TUI_BASE-$i" kill-server 2>/dev/null; done
	true
}
trap tui_cleanup EXIT

t() { tmux -L "$TUI_SOCK" "$@"; }

# tui_start [RADESK ARGS...]: radesk in a fresh 100x32 session.  When it
# exits, the wrapper shell prints "[radesk exited N]" and the terminal
# modes (stty), which proves the terminal was given back in a sane state.
tui_start() {
	local args="" a
	for a in "$@"; do args="$args '$a'"; done
	# Each session gets a server of its own: a server being killed is
	# never reused.
	tmux -L "$TUI_SOCK" kill-server 2>/dev/null
	TUI_N=$((TUI_N + 1))
	TUI_SOCK="$TUI_BASE-$TUI_N"
	# The server inherits this environment (RADESK_CONFIG, fixed clock...).
	t -f /dev/null new-session -d -x 100 -y 32 \
		"echo \$\$ >'$TESTTMP/wrapper.pid'; '$RADESK'$args 2>'$TESTTMP/tui.err'; \
echo \"[radesk exited \$?]\"; stty -a | tr ' ;' '\n\n' | grep -Ex -- '-?(echo|icanon)'; echo 'wrapper\$ '; sleep 600"
	t set-option -g status off >/dev/null
	t set-option -g remain-on-exit on >/dev/null
}

# The screen as text; the random test folder shows as $TESTTMP.
tui_screen() { t capture-pane -p | sed "s|$TESTTMP|\$TESTTMP|g"; }

# tui_keys KEY...: tmux key names (Enter, Tab, F1, Escape, C-c, Up ...)
tui_keys() { t send-keys "$@"; }
# tui_type TEXT: literal text, Chinese included
tui_type() { t send-keys -l -- "$1"; }

# tui_wait TEXT [DESC]: polls the screen until TEXT (fixed string) shows.
tui_wait() {
	local i n=$((TUI_TIMEOUT * 20))
	for ((i = 0; i < n; i++)); do
		tui_screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	echo "# timed out waiting for: $1"
	tui_screen | diag
	return 1
}

# tui_gone TEXT: polls until TEXT is no longer on the screen.
tui_gone() {
	local i n=$((TUI_TIMEOUT * 20))
	for ((i = 0; i < n; i++)); do
		tui_screen | grep -qF -- "$1" || return 0
		sleep 0.05
	done
	return 1
}

# tui_expect NAME DESC: the screen equals tests/tui/expected/NAME.txt.
# Polls until it does (or the time is up), so no fixed sleeps are needed.
tui_expect() {
	local name=$1 desc=$2 want="$TUI_EXPECTED/$1.txt" got="$TESTTMP/$1.got" i n=$((TUI_TIMEOUT * 20))
	if [ "${REGEN:-}" = 1 ]; then
		sleep 0.5 # regenerating: let the screen settle fully
		mkdir -p "$TUI_EXPECTED"
		tui_screen >"$want"
		ok "$desc (regenerated $name.txt)"
		return
	fi
	for ((i = 0; i < n; i++)); do
		tui_screen >"$got"
		cmp -s "$got" "$want" && { ok "$desc"; return; }
		sleep 0.05
	done
	notok "$desc (screen differs from tests/tui/expected/$name.txt)"
	diff -u "$want" "$got" | head -40 | diag
}

# tui_login USER [PASSWORD]: types the login form.
tui_login() {
	tui_wait "radesk — " >/dev/null || return 1
	tui_type "$1"; tui_keys Enter
	tui_type "${2:-$1-password-1}"; tui_keys Enter
}

# tui_exit_status: waits for the wrapper line and prints radesk's status.
# Under ASan/UBSan a report on radesk's stderr fails the test.
tui_exit_status() {
	tui_wait "[radesk exited" >/dev/null || { echo none; return; }
	if grep -qE 'Sanitizer|runtime error' "$TESTTMP/tui.err" 2>/dev/null; then
		notok "sanitizer report from radesk" >&2
		head -30 "$TESTTMP/tui.err" | diag >&2
	fi
	tui_screen | sed -n 's/^\[radesk exited \([0-9]*\)\]$/\1/p' | head -1
}

# The radesk process under the wrapper shell.
tui_pid() { pgrep -P "$(cat "$TESTTMP/wrapper.pid")" -x radesk | head -1; }
