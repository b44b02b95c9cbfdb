# Shell test helpers: TAP output counted by tests/run.
# Environment from tests/run: RADESK (binary), SRCDIR, BUILD, TOOLS, SHIMS, TESTTMP.
set -u
T_N=0
T_FAILS=0
: "${RADESK:=$(pwd)/build/radesk}"
: "${SRCDIR:=$(pwd)}"
: "${TESTTMP:=$(mktemp -d)}"
export RADESK_FIXED_TIME="${RADESK_FIXED_TIME-2026-11-21T09:00:00}"
# fixed_time_catch_up: the fixed clock moves up to the real time (never back).
# For tests that compare a certificate a real CA signed (on the real clock)
# with the RA's clock, e.g. a renewal window that opens a year before a
# one-year certificate expires: on the fixed clock alone such a test would
# pass or fail by the hour of the day it runs.
fixed_time_catch_up() {
	local now
	now=$(date -u +%Y-%m-%dT%H:%M:%S)
	[[ "$now" > "$RADESK_FIXED_TIME" ]] && export RADESK_FIXED_TIME=$now
	return 0
}
export TZ=Asia/Shanghai

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
notok() { T_N=$((T_N + 1)); T_FAILS=$((T_FAILS + 1)); echo "not ok $T_N - $*"; }
diag() { sed 's/^/# /'; }

# check DESC COMMAND...: passes when the command succeeds
check() {
	local desc=$1; shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}

# run CMD...: runs, keeps stdout in $OUT, stderr in $ERR, status in $RC
run() {
	"$@" >"$TESTTMP/.out" 2>"$TESTTMP/.err" </dev/null
	RC=$?
	OUT=$(cat "$TESTTMP/.out")
	ERR=$(cat "$TESTTMP/.err")
}

# expect_rc WANT DESC CMD...: runs CMD and checks its exit status
expect_rc() {
	local want=$1 desc=$2; shift 2
	run "$@"
	if [ "$RC" -eq "$want" ]; then
		ok "$desc"
	else
		notok "$desc (exit $RC, wanted $want)"
		{ echo "stdout: $OUT"; echo "stderr: $ERR"; } | diag
	fi
}

# like TEXT PATTERN DESC: grep -E PATTERN in TEXT
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok "$3"; else
		notok "$3"; printf 'wanted /%s/ in:\n%s\n' "$2" "$1" | diag
	fi
}
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		notok "$3"; printf 'did not want /%s/ in:\n%s\n' "$2" "$1" | diag
	else ok "$3"; fi
}
is() {
	if [ "$1" = "$2" ]; then ok "$3"; else notok "$3"; printf 'got:    %s\nwanted: %s\n' "$1" "$2" | diag; fi
}

# A fresh database with an admin "admin" and, with --staff, one operator per role.
# Passwords: <name>-password-1
rd_env() {
	export RADESK_CONFIG="$TESTTMP/radesk.conf"
	mkdir -p "$TESTTMP/data"
	[ -f "$RADESK_CONFIG" ] || printf '[radesk]\ndata_dir = %s/data\nservice_point = SP01\n' "$TESTTMP" >"$RADESK_CONFIG"
	RADESK_PASSWORD=admin-password-1 "$RADESK" init --admin admin >/dev/null 2>"$TESTTMP/.init.err" || {
		cat "$TESTTMP/.init.err" | diag; return 1; }
	if [ "${1:-}" = --staff ]; then
		local u r
		for u in clerk:clerk clerk2:clerk reviewer:reviewer reviewer2:reviewer auditor:auditor; do
			r=${u#*:}; u=${u%%:*}
			RADESK_PASSWORD=admin-password-1 RADESK_NEW_PASSWORD="$u-password-1" \
				"$RADESK" --as admin user add "$u" --role "$r" >/dev/null || return 1
		done
	fi
}

# as USER ARGS...: run radesk as an operator (password <user>-password-1
# from the environment).  rdas is the same as a program, for use after env.
mkdir -p "$TESTTMP/bin"
cat >"$TESTTMP/bin/rdas" <<RDAS
#!/bin/sh
u=\$1; shift
RADESK_PASSWORD="\${RADESK_PASSWORD:-\$u-password-1}" exec "$RADESK" --as "\$u" "\$@"
RDAS
chmod +x "$TESTTMP/bin/rdas"
export PATH="$TESTTMP/bin:$PATH"
as() { local u=$1; shift; RADESK_PASSWORD="$u-password-1" "$RADESK" --as "$u" "$@"; }

done_testing() {
	echo "1..$T_N"
	[ "$T_FAILS" -eq 0 ]
}
