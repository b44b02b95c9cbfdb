#!/bin/bash
# Foundation through the CLI: init, operators, login lockout, roles, audit
# chain tamper detection, migrations, bad databases and configs.
. "$SRCDIR/tests/lib.sh"
DB="$TESTTMP/data/radesk.db"

rd_env --staff || { notok "set up"; done_testing; exit 1; }
ok "init and staff operators"

expect_rc 1 "second init is refused" env RADESK_PASSWORD=admin-password-1 "$RADESK" init --admin other
like "$ERR" "already set up" "second init says why"

expect_rc 0 "version" "$RADESK" --version
like "$OUT" "^radesk [0-9]" "version printed"
expect_rc 2 "unknown command is a usage error" "$RADESK" frobnicate
expect_rc 3 "a command without --as is refused" "$RADESK" user list
expect_rc 0 "admin lists operators" as admin user list --json
like "$OUT" '"name":"clerk","role":"clerk"' "operator list has the clerk"
expect_rc 1 "a clerk may not list operators" as clerk user list
like "$ERR" "clerk may not" "refusal names the role"
expect_rc 1 "a clerk may not add operators" env RADESK_NEW_PASSWORD=xxxxxxxxxxxx rdas clerk user add bob --role clerk
expect_rc 1 "short password refused" env RADESK_NEW_PASSWORD=short rdas admin user add bob --role clerk
like "$ERR" "password: .*at least 10" "short password message names the field and rule"
expect_rc 1 "unknown role refused" env RADESK_NEW_PASSWORD=long-enough-1 rdas admin user add bob --role boss
like "$ERR" "--role" "unknown role names the option"
expect_rc 1 "duplicate operator refused" env RADESK_NEW_PASSWORD=long-enough-1 rdas admin user add CLERK --role clerk

# Lockout: five wrong passwords lock the operator, even the right one is then refused.
for i in 1 2 3 4 5; do
	RADESK_PASSWORD=wrong-password "$RADESK" --as reviewer audit verify >/dev/null 2>&1
done
expect_rc 3 "right password refused while locked out" as reviewer user list
like "$ERR" "locked until" "lockout message says until when"
expect_rc 0 "admin unlocks" as admin user unlock reviewer
expect_rc 1 "unlocked reviewer logs in (refused only by role)" as reviewer user list
unlike "$ERR" "locked" "no lockout after unlock"
RADESK_FIXED_TIME=2026-11-21T09:00:00
for i in 1 2 3 4 5; do RADESK_PASSWORD=nope-nope-pw "$RADESK" --as clerk2 user list >/dev/null 2>&1; done
expect_rc 3 "clerk2 locked out" as clerk2 audit verify
expect_rc 1 "lock lifts after 15 minutes (refused only by role)" \
	env RADESK_FIXED_TIME=2026-11-21T09:16:00 RADESK_PASSWORD=clerk2-password-1 "$RADESK" --as clerk2 user list

expect_rc 0 "admin locks an operator" as admin user lock clerk2
expect_rc 3 "locked operator cannot log in" env RADESK_FIXED_TIME=2026-11-21T10:00:00 RADESK_PASSWORD=clerk2-password-1 "$RADESK" --as clerk2 audit verify
like "$ERR" "ask an admin" "admin lock message"
expect_rc 0 "admin resets a password" env RADESK_NEW_PASSWORD=fresh-password-9 rdas admin user passwd clerk
expect_rc 0 "new password works" env RADESK_PASSWORD=fresh-password-9 "$RADESK" --as clerk help

# The audit trail records logins and failures but never a password.
expect_rc 0 "auditor lists the audit trail" as auditor audit list --json
like "$OUT" '"action":"operator.login_failed"' "failed logins are audited"
like "$OUT" '"action":"operator.login"' "logins are audited"
for pw in wrong-password admin-password-1 fresh-password-9 nope-nope-pw; do
	if grep -q -a -- "$pw" "$DB" "$DB-wal" 2>/dev/null; then notok "password '$pw' absent from the database"; else ok "password '$pw' absent from the database"; fi
done
expect_rc 0 "audit verifies" as auditor audit verify
like "$OUT" "^ok, [0-9]+ entries" "verify says ok, N entries"
expect_rc 0 "audit list --since filters" as auditor audit list --since 2030-01-01 --json
is "$OUT" "[]" "nothing after 2030"
expect_rc 1 "bad --since is refused" as auditor audit list --since yesterday
like "$ERR" "since" "bad date names the option"

# Database triggers forbid changing the trail.
run sqlite3 "$DB" "UPDATE audit SET operator='x' WHERE seq=2"
check "UPDATE on audit is refused by a trigger" [ "$RC" -ne 0 ]
run sqlite3 "$DB" "DELETE FROM audit WHERE seq=2"
check "DELETE on audit is refused by a trigger" [ "$RC" -ne 0 ]

# A byte changed in the file is found.
cp "$DB" "$TESTTMP/pristine.db"
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
python3 - "$DB" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
i = b.find(b'{"role":"clerk"}')
assert i > 0, "row text not found"
b[i + 9] = ord('C')  # clerk -> Clerk, same length
open(p, 'wb').write(b)
PY
expect_rc 1 "audit verify finds a changed byte" as auditor audit verify
like "$OUT" "broken at entry [0-9]+" "verify names the broken entry"

# A deleted row (triggers dropped by someone with file access) is found.
cp "$TESTTMP/pristine.db" "$DB"; rm -f "$DB-wal" "$DB-shm"
sqlite3 "$DB" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq=3;"
expect_rc 1 "audit verify finds a deleted row" as auditor audit verify
like "$OUT" "broken at entry 3" "the missing row is named"
cp "$TESTTMP/pristine.db" "$DB"; rm -f "$DB-wal" "$DB-shm"
last=$(sqlite3 "$DB" "SELECT max(seq) FROM audit")
sqlite3 "$DB" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq=$last;"
expect_rc 1 "audit verify finds a row cut from the end" as auditor audit verify
cp "$TESTTMP/pristine.db" "$DB"; rm -f "$DB-wal" "$DB-shm"

# Migrations are idempotent; a newer database is refused.
v1=$(sqlite3 "$DB" "SELECT count(*), max(version) FROM schema_migrations")
as admin user list >/dev/null 2>&1; as admin user list >/dev/null 2>&1
v2=$(sqlite3 "$DB" "SELECT count(*), max(version) FROM schema_migrations")
is "$v2" "$v1" "reopening applies no migration twice"
cp "$DB" "$TESTTMP/newer.db"
sqlite3 "$TESTTMP/newer.db" "INSERT INTO schema_migrations VALUES (9999, 'future', 0)"
expect_rc 5 "a database from a newer radesk is refused" as admin --db "$TESTTMP/newer.db" user list
like "$ERR" "newer radesk" "newer database message says what to do"
is "$(sqlite3 "$TESTTMP/newer.db" 'SELECT max(version) FROM schema_migrations')" "9999" "the newer database is untouched"

# Missing, corrupt, read-only databases; unwritable folder; bad config.
expect_rc 1 "missing database" as admin --db "$TESTTMP/none.db" user list
like "$ERR" "none.db: no database here" "missing database names the file and what to do"
head -c 8192 /dev/urandom >"$TESTTMP/junk.db"
expect_rc 5 "corrupt database" as admin --db "$TESTTMP/junk.db" user list
like "$ERR" "junk.db: the file is not a radesk database" "corrupt database names the file"
mkdir -p "$TESTTMP/ro"; chmod 500 "$TESTTMP/ro"
if [ "$(id -u)" -eq 0 ]; then
	ok "unwritable folder (skipped: root can write anywhere)"
else
	expect_rc 5 "unwritable folder" env RADESK_PASSWORD=admin-password-1 "$RADESK" --db "$TESTTMP/ro/x.db" init --admin admin
fi
printf '[ui]\nidle_lock_minutes = soon\n' >"$TESTTMP/bad.conf"
expect_rc 1 "malformed config value" as admin --config "$TESTTMP/bad.conf" user list
like "$ERR" "bad.conf:2: \[ui\] idle_lock_minutes" "config error names file, line and key"
printf '[radesk]\ncolour = red\n' >"$TESTTMP/bad2.conf"
expect_rc 1 "unknown config key" as admin --config "$TESTTMP/bad2.conf" user list
like "$ERR" "unknown key 'colour'" "unknown key named"
expect_rc 1 "missing config file" as admin --config "$TESTTMP/nope.conf" user list
like "$ERR" "nope.conf" "missing config names the file"

# A database held by another writer: clear message, nothing changed.
printf '[radesk]\ndata_dir = %s/data\n[db]\nbusy_timeout_ms = 300\n' "$TESTTMP" >"$TESTTMP/busy.conf"
# The holder says when it has the write lock, so the test does not depend
# on timing.
rm -f "$TESTTMP/locked"
printf 'BEGIN IMMEDIATE;\nINSERT INTO operators(name,role,pw_hash,created_at) VALUES(%s,%s,%s,0);\n.shell touch %s/locked\n.shell sleep 4\nROLLBACK;\n' \
	"'holder'" "'clerk'" "'x'" "$TESTTMP" | sqlite3 "$DB" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 100); do [ -f "$TESTTMP/locked" ] && break; sleep 0.05; done
check "another writer holds the database" [ -f "$TESTTMP/locked" ]
n_before=$(sqlite3 "$DB" "SELECT count(*) FROM audit" 2>/dev/null)
expect_rc 5 "a locked database is reported" env RADESK_NEW_PASSWORD=long-enough-1 rdas admin --config "$TESTTMP/busy.conf" user add busyman --role clerk
like "$ERR" "locked by another radesk process" "locked database message"
wait $holder 2>/dev/null
expect_rc 1 "nothing was added while locked" as admin user unlock busyman

done_testing
