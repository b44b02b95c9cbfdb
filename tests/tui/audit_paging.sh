#!/bin/bash
# The audit trail screen reads a page at a time: it opens on the newest
# entries, moves past the window's edges a row or a page at a time, jumps
# to the first and the newest entry, and filters by operator, object and
# date, the same entries `radesk audit list` gives.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff || exit 1
DB="$TESTTMP/data/radesk.db"

# 5,000 entries of the right shape after the real ones (the screen reads,
# it does not verify the chain): one a minute from 2026-11-19 00:00 local,
# by clerk or clerk2, every 1,000th by "rare"; ten entries per object.
t0=$(date -d "2026-11-19 00:00" +%s)
sqlite3 "$DB" "
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)
INSERT INTO audit(seq, at, operator, action, object, details, prev_hash, hash)
SELECT (SELECT max(seq) FROM audit) + 1 + i, $t0 + i * 60,
       CASE WHEN i % 1000 = 999 THEN 'rare' WHEN i % 2 THEN 'clerk2' ELSE 'clerk' END,
       'test.step', printf('RA-20261120-%06d', i / 10), printf('{\"i\":%d}', i), '', '' FROM n;
UPDATE audit_head SET entries = (SELECT max(seq) FROM audit);"

footer() { tui_screen | sed -n 's/^ \(entries .*\)$/\1/p'; }
rows_on_screen() { tui_screen | grep -cE '^ [0-9]+ +20[0-9]{2}-'; }
first_row() { tui_screen | grep -E '^ [0-9]+ +20[0-9]{2}-' | head -1; }

tui_start
tui_login auditor
tui_wait "Choose a task" >/dev/null
N=$(sqlite3 "$DB" "SELECT max(seq) FROM audit")
tui_keys 1
tui_wait "entries " >/dev/null
is "$(footer)" "entries $((N - 20))-$N of $N" "opens on the newest page: 21 rows that fit, ending at the newest"
like "$(tui_screen)" "^ $N +2026-11-21 17:00 auditor +operator.login" "the newest entry is the auditor's login"
for i in $(seq 21); do tui_keys Up; done
tui_wait "entries $((N - 21))-$((N - 1)) of $N" && ok "Up past the top row reads one entry more" || notok "Up"
tui_keys Home
tui_wait "entries 1-21 of $N" && ok "Home: the first entries" || notok "Home"
like "$(first_row)" "^ 1 +2026-11-21 17:00 admin +system.init" "entry 1 is the database's creation"
tui_keys Up
sleep 0.2
is "$(footer)" "entries 1-21 of $N" "Up at the first entry stays"
tui_keys NPage
tui_wait "entries 22-42 of $N" && ok "PgDn: the next 21" || notok "PgDn"
tui_keys End
tui_wait "entries $((N - 20))-$N of $N" && ok "End: the newest again" || notok "End"
tui_keys Down
sleep 0.2
is "$(footer)" "entries $((N - 20))-$N of $N" "Down at the newest entry stays"
tui_keys PPage
tui_wait "entries $((N - 41))-$((N - 21)) of $N" && ok "PgUp: the 21 before" || notok "PgUp"
like "$(tui_screen)" "Details: \{\"i\":[0-9]+\}" "the chosen entry's details under the list"
# A smaller terminal: a page is what fits, from the same first entry.
t resize-window -x 80 -y 16
tui_wait "entries $((N - 41))-$((N - 37)) of $N" && ok "80x16: five rows from the same entry" || notok "shrink"
is "$(rows_on_screen)" 5 "... all five in view"
t resize-window -x 100 -y 32
tui_wait "entries $((N - 41))-$((N - 21)) of $N" && ok "100x32 again: 21 rows" || notok "grow"

# By operator: the five entries of "rare", the ones the CLI lists.
tui_keys f
tui_wait "Show only the audit entries" >/dev/null
tui_keys Down Down
tui_type RARE
tui_keys Enter
tui_wait "matching the filter" >/dev/null
is "$(rows_on_screen)" 5 "operator RARE (any case): five entries"
is "$(tui_screen | grep -E '^ [0-9]+ +20' | grep -vc ' rare ')" 0 "all of them by rare"
cli=$(as auditor audit list --operator rare | awk '{print $1}' | tr '\n' ' ')
tui=$(tui_screen | grep -E '^ [0-9]+ +20' | awk '{print $1}' | tr '\n' ' ')
is "$tui" "$cli" "the same entries as 'audit list --operator rare'"
like "$(tui_screen)" "Filter: since - · object - · operator RARE" "the filter is shown"

# Since a date (local time, as the screen shows times), with the operator.
tui_keys f
tui_wait "Show only the audit entries" >/dev/null
tui_type "2026-11-21 00:00"
tui_keys F2
tui_wait "since 2026-11-21 00:00" >/dev/null
is "$(rows_on_screen)" 3 "rare since 2026-11-21 00:00: three entries (minutes 2,999, 3,999 and 4,999)"
# Only since: Home gives the first entry written since then in the trail's
# order; the real entries were written at 17:00 that day, so they come first
# although the test entries before them in time follow them.
tui_keys f
tui_wait "Show only the audit entries" >/dev/null
tui_keys Down Down C-u F2
tui_wait "operator -" >/dev/null
tui_keys Home
sleep 0.3
like "$(first_row)" "^ 1 +2026-11-21 17:00 admin +system.init" "since 2026-11-21 00:00, Home: entry 1 (written at 17:00)"
like "$(tui_screen)" "^ [0-9]+ +2026-11-21 00:00 clerk +test.step +RA-20261120-000288" \
	"... and the first test entry of that day after the real ones"
tui_keys End
tui_wait "entries " >/dev/null
like "$(tui_screen)" "^ $N +2026-11-21 17:00 auditor" "End: the newest (written at 17:00 that day)"

# By object: its ten entries.
tui_keys f
tui_wait "Show only the audit entries" >/dev/null
tui_keys C-u Down
tui_type RA-20261120-000042
tui_keys F2
tui_wait "object RA-20261120-000042" >/dev/null
is "$(rows_on_screen)" 10 "object RA-20261120-000042: ten entries"
n=$(as auditor audit list --object RA-20261120-000042 | wc -l)
is "$n" 10 "the CLI lists the same ten"

# A date that is not one: said beside the field, the filter is kept.
tui_keys f
tui_wait "Show only the audit entries" >/dev/null
tui_type "2026-11-31"
tui_keys F2
tui_wait "is not a date" && ok "2026-11-31 is refused beside the field" || notok "bad date"
tui_keys Escape
tui_wait "object RA-20261120-000042" && ok "Esc: the filter is as it was" || notok "Esc keeps the filter"
tui_keys f
tui_wait "Show only the audit entries" >/dev/null
tui_keys Down C-u
tui_type nobody
tui_keys F2
tui_wait "no entry matches the filter" && ok "a filter nothing matches says so" || notok "no match"
tui_keys x
tui_wait "No filter" && ok "x clears the filter" || notok "clear"
N=$(sqlite3 "$DB" "SELECT max(seq) FROM audit") # the CLI's logins since are entries too
tui_wait "entries $((N - 20))-$N of $N" && ok "... and shows the newest entries again" || notok "newest after clear"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

# The CLI pages the same way.
expect_rc 0 "audit list --after --limit" as auditor audit list --after 20 --limit 3
is "$(awk '{print $1}' <<<"$OUT" | tr '\n' ' ')" "21 22 23 " "entries 21 to 23"
expect_rc 0 "audit list --last" as auditor audit list --operator rare --last 2
is "$(awk '{print $1}' <<<"$OUT" | tr '\n' ' ')" "$(echo "$cli" | awk '{print $4, $5}') " "the two newest of rare"
expect_rc 2 "--last with --after is a usage error" as auditor audit list --last 2 --after 3
expect_rc 2 "--limit must be a number" as auditor audit list --limit x
expect_rc 1 "a clerk may not read the trail" as clerk audit list --last 1
done_testing
