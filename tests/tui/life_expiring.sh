#!/bin/bash
# Expiring certificates from the home menu (clerk and reviewer): the days
# ahead typed in place, whom to call (agent, else subscriber, and the
# mobile), the time left, soonest first; 'n' queues the notices to the
# agents, each certificate once; 'o' opens the application.  The CLI shows
# the same contacts, masked for the admin.
. "$SRCDIR/tests/tui/lib_life.sh"
life_tui_setup
I=$(issued individual)
O=$(issued organization)
check "an individual and an organization certificate" test -n "$I" -a -n "$O"

# the workflow's contacts through the CLI
expect_rc 0 "cert expiring (clerk)" as clerk --json cert expiring --days 400 --no-notify
like "$OUT" "\"application\":\"$I\"[^}]*\"agent\":\"张三\",\"mobile\":\"13800138000\"" \
	"no agent: the subscriber and the mobile"
like "$OUT" "\"application\":\"$O\"[^}]*\"agent\":\"王五\",\"mobile\":\"13912345678\"" "the organization's agent"
expect_rc 0 "cert expiring (admin)" as admin --json cert expiring --days 400 --no-notify
like "$OUT" "\"application\":\"$O\"[^}]*\"mobile\":\"139\*\*\*\*5678\"" "masked for the admin"
notices() { sqlite3 "$(desk_db)" "SELECT count(DISTINCT app_id) FROM outbox WHERE event = 'expiring'"; }
is "$(notices)" 0 "--no-notify queued nothing"

tui_start
tui_login clerk
menu "Expiring certificates"
tui_wait "Days ahead:" && ok "the clerk's menu opens the list" || notok "screen"
tui_expect expiring_none "30 days ahead: nothing expires"
tui_type 99999
tui_wait "Days ahead: 9999" && ok "typing starts a new number of at most 4 digits" || notok "typed"
tui_keys Enter
tui_wait "days must be between 0 and 3660" && ok "too many days: named" || notok "days"
tui_keys BSpace BSpace BSpace BSpace; tui_type 400; tui_keys Enter
tui_wait "certificates expiring within 400 days: 2" && ok "Enter shows the list for the days typed" || notok "list"
S=$(tui_screen)
like "$S" "$I +张三 +13800138000 +20[0-9-]+ [0-9:]+ +36[0-9]d [0-9]+h" "the individual: subscriber, mobile, time left"
like "$S" "$O +王五 +13912345678 " "the organization: its agent"
check "soonest first" test "$(printf '%s\n' "$S" | grep -o 'RA-[0-9-]*' | head -2 | tr '\n' ' ')" = "$I $O "
tui_keys n
tui_wait "notices queued for the agents: 2 (each certificate once)" && ok "n queues the notices" || notok "notify"
like "$(tui_screen)" "$I .*queued now" "the list says which were queued now"
is "$(notices)" 2 "expiring messages for both in the notifications outbox"
tui_keys n
tui_wait "notices queued for the agents: 0" && ok "n again: each certificate is told once" || notok "once"
is "$(notices)" 2 "still for the two"
tui_keys Down o
tui_wait "Timeline" && ok "o opens the chosen application" || notok "open"
like "$(tui_screen)" "Number +$O" "the organization's"
tui_keys Escape
tui_wait "Days ahead: 400" && ok "back on the list, same days" || notok "back"
tui_keys F10
tui_exit_status >/dev/null

tui_start
tui_login reviewer
menu "Expiring certificates"
tui_wait "Days ahead:" && ok "the reviewer's menu offers it too" || notok "reviewer"
tui_keys F10
tui_exit_status >/dev/null
done_testing
