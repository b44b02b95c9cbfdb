#!/bin/bash
# The review queue: claims are exclusive and expire after 30 minutes; the
# queue shows age and the SLA flag (two working days).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
rd_env --staff || exit 1

paid() { # registered by clerk, submitted, verified, paid
	local no
	no=$(newapp clerk individual personal-sign 1) && as clerk app submit "$no" >/dev/null &&
		verify_all "$no" clerk && as clerk fee record "$no" --amount 100 --method cash >/dev/null
}
for i in $(seq 1 8); do paid; done
expect_rc 0 "queue lists eight" as reviewer --json review queue
is "$(printf '%s' "$OUT" | grep -o '"application"' | wc -l)" "8" "eight waiting"
like "$OUT" '"over_sla":false' "fresh applications are within the SLA"
expect_rc 1 "a clerk does not see the queue" as clerk review queue

# Two reviewers claim at the same time, four times each: eight different claims.
: >"$TESTTMP/claims"
for r in reviewer reviewer2; do
	( for k in 1 2 3 4; do as $r review next | head -1 | cut -d: -f1 >>"$TESTTMP/claims.$r"; done ) &
done
wait
cat "$TESTTMP/claims.reviewer" "$TESTTMP/claims.reviewer2" >"$TESTTMP/claims"
is "$(sort "$TESTTMP/claims" | grep -c RA-)" "8" "eight claims made"
is "$(sort -u "$TESTTMP/claims" | grep -c RA-)" "8" "no application claimed twice"
expect_rc 1 "nothing left" as reviewer review next
like "$ERR" "no application is waiting for review" "empty queue said so"
expect_rc 0 "queue shows the claims" as admin --json review queue
is "$(printf '%s' "$OUT" | grep -o '"reviewer":"reviewer2*"' | wc -l)" "8" "every row claimed"

# After 30 minutes a claim is free again; within them it is not.
first=RA-20261121-000001
if grep -q "$first" "$TESTTMP/claims.reviewer"; then O=reviewer N=reviewer2; else O=reviewer2 N=reviewer; fi
RADESK_FIXED_TIME=2026-11-21T09:29:00 expect_rc 1 "claims hold for 29 minutes" as $N review next
RADESK_FIXED_TIME=2026-11-21T09:31:00 expect_rc 0 "claims expire after 30 minutes" as $N review next
like "$OUT" "^$first:" "the oldest expired claim is taken over"
RADESK_FIXED_TIME=2026-11-21T09:32:00 expect_rc 1 "the old claimant may no longer approve" as $O review approve "$first"
like "$ERR" "claimed by $N until" "new claimant named"
RADESK_FIXED_TIME=2026-11-21T09:32:00 expect_rc 0 "the new claimant approves" as $N review approve "$first"
expect_rc 0 "queue after approval" as admin --json review queue
is "$(printf '%s' "$OUT" | grep -o '"application"' | wc -l)" "7" "approved applications leave the queue"

# Saturday 21 November: Monday and Tuesday are two working days, Wednesday three.
RADESK_FIXED_TIME=2026-11-24T09:00:00 expect_rc 0 "two working days later" as admin --json review queue
like "$OUT" '"working_days":2,"over_sla":false' "Tuesday: within the SLA"
RADESK_FIXED_TIME=2026-11-25T09:00:00 expect_rc 0 "three working days later" as admin --json review queue
like "$OUT" '"working_days":3,"over_sla":true' "Wednesday: over the SLA"
RADESK_FIXED_TIME=2026-11-25T09:00:00 expect_rc 0 "text queue flags it" as admin review queue
like "$OUT" "SLA!" "SLA flag shown"
printf '[review]\nsla_working_days = 5\n' >>"$RADESK_CONFIG"
RADESK_FIXED_TIME=2026-11-25T09:00:00 expect_rc 0 "configured SLA" as admin --json review queue
like "$OUT" '"working_days":3,"over_sla":false' "five working days configured"
expect_rc 0 "audit chain verifies" as auditor audit verify
done_testing
