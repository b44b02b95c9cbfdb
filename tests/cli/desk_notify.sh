#!/bin/bash
# Notifications: queued with the state change, sent by a command with the
# message JSON on stdin, retried with backoff, a hanging command killed,
# failures visible to admins.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
rd_env --staff || exit 1
A=$(newapp clerk organization org-sign 1)
B=$(newapp clerk individual personal-sign 1)
as clerk app submit $A >/dev/null
as clerk app submit $B >/dev/null

expect_rc 0 "outbox filled in the transaction of the change" as admin --json notify list
like "$OUT" "\"application\":\"$A\",\"channel\":\"sms\",\"event\":\"submit\",\"status\":\"pending\"" "A's SMS pending"
like "$OUT" "\"application\":\"$A\",\"channel\":\"email\",\"event\":\"submit\",\"status\":\"pending\"" "A's email pending"
is "$(sqlite3 "$(desk_db)" "SELECT count(*) FROM outbox")" "4" "an SMS and an email per application"
is "$(sqlite3 "$(desk_db)" "SELECT count(*) FROM outbox WHERE recipient LIKE '%139%' OR recipient LIKE '%138%'")" "0" \
	"mobiles sealed in the outbox"
expect_rc 1 "a clerk may not read the outbox" as clerk notify list
expect_rc 1 "nothing configured" as clerk notify send
like "$ERR" "neither \[notify\] command nor \[notify\] webhook is configured" "configuration named"

# A command that delivers: it gets the JSON on stdin.
cat >"$TESTTMP/deliver" <<SH
#!/bin/sh
cat >>"$TESTTMP/delivered"
echo >>"$TESTTMP/delivered"
SH
chmod +x "$TESTTMP/deliver"
cp "$RADESK_CONFIG" "$TESTTMP/base.conf"
printf '[notify]\ncommand = %s/deliver\n' "$TESTTMP" >>"$RADESK_CONFIG"
expect_rc 0 "send" as clerk notify send
like "$OUT" "sent 4, to retry 0, failed 0" "four sent"
like "$(cat "$TESTTMP/delivered")" "\"application\":\"$A\",\"channel\":\"email\",.*\"state\":\"submitted\".*\"to\":\"agent@example.cn\"" \
	"the agent's address and the state in the JSON"
like "$(cat "$TESTTMP/delivered")" "\"to\":\"subject@example.cn\"" "no agent: the subject's address"
like "$(cat "$TESTTMP/delivered")" "\"application\":\"$A\",\"channel\":\"sms\",.*\"to\":\"13912345678\"" "the agent's mobile unsealed for the SMS"
expect_rc 0 "nothing left" as clerk notify send
like "$OUT" "sent 0," "sent messages are not sent again"

# A command that fails: retry scheduled with backoff, error visible.
as clerk app transition $A cancelled --reason "applicant left" >/dev/null
cp "$TESTTMP/base.conf" "$RADESK_CONFIG"
printf '[notify]\ncommand = echo gateway down >&2; exit 3\nretry_seconds = 60\nmax_attempts = 3\n' >>"$RADESK_CONFIG"
expect_rc 0 "send with a failing command" as clerk notify send
like "$OUT" "sent 0, to retry 2, failed 0" "retry scheduled for the SMS and the email"
expect_rc 0 "failures listed for the admin" as admin --json notify list --failed
like "$OUT" "\"event\":\"cancel\",\"status\":\"pending\",\"attempts\":1,\"next\":\"2026-11-21 17:01\",\"error\":\"notify.command: the command exited with status 3: gateway down\"" \
	"attempt, next try in 60 s and the error shown"
expect_rc 0 "not due yet" as clerk notify send
like "$OUT" "sent 0, to retry 0" "backoff respected"
RADESK_FIXED_TIME=2026-11-21T09:01:00 expect_rc 0 "second attempt" as clerk notify send
like "$OUT" "to retry 2" "retried"
expect_rc 0 "backoff doubles" as admin --json notify list --failed
like "$OUT" '"attempts":2,"next":"2026-11-21 17:03"' "next try 120 s later"
RADESK_FIXED_TIME=2026-11-21T09:03:00 expect_rc 0 "third attempt gives up" as clerk notify send
like "$OUT" "failed 2" "failed after max_attempts"
expect_rc 0 "failed message listed" as admin notify list --failed
like "$OUT" "cancel +failed +3" "status failed"
expect_rc 0 "audit records the failure" as auditor --json audit list --object $A
like "$OUT" '"action":"notify.failed"' "notify.failed in the audit trail"

# A command that hangs is killed after the timeout; the desk goes on.
as clerk app transition $B cancelled --reason "applicant left" >/dev/null
cp "$TESTTMP/base.conf" "$RADESK_CONFIG"
printf '[notify]\ncommand = sleep 29.5\ntimeout_seconds = 1\n' >>"$RADESK_CONFIG"
start=$(date +%s)
expect_rc 0 "send with a hanging command" as clerk notify send
took=$(( $(date +%s) - start ))
check "stopped after about a second (took ${took}s)" test "$took" -lt 10
like "$OUT" "to retry 2" "retry scheduled after the timeout"
expect_rc 0 "timeout visible" as admin notify list --failed
like "$OUT" "did not finish within 1 seconds and was stopped" "timeout named"
check "no sleep left behind" sh -c "! pgrep -f '^sleep 29.5$' >/dev/null"
expect_rc 0 "the desk is not blocked meanwhile" as clerk doc list $A

# The webhook is HTTPS only, with a verified certificate.
cp "$TESTTMP/base.conf" "$RADESK_CONFIG"
printf '[notify]\nwebhook = http://127.0.0.1:9/hook\n' >>"$RADESK_CONFIG"
RADESK_FIXED_TIME=2026-11-21T10:00:00 expect_rc 0 "plain http webhook" as clerk notify send
expect_rc 0 "listed" as admin notify list --failed
like "$OUT" "is not an https:// address" "http refused"
port=41000
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done # a closed port
cp "$TESTTMP/base.conf" "$RADESK_CONFIG"
printf '[notify]\nwebhook = https://127.0.0.1:%s/hook\ntimeout_seconds = 2\n' "$port" >>"$RADESK_CONFIG"
RADESK_FIXED_TIME=2026-11-21T11:00:00 expect_rc 0 "webhook not reachable" as clerk notify send
like "$OUT" "to retry 2" "retry after a connection failure"
expect_rc 0 "audit chain verifies" as auditor audit verify
done_testing
