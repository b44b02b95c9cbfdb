#!/bin/bash
# The Reports screen (auditor, admin): the day's cash-up, totals per
# method, refunds and counts per state show the same figures the CLI's
# `report cashup` and `report daily` print for the same data; the day and
# clerk can be chosen; F4 writes the CSV file the CLI's `report export`
# writes, recorded in the audit trail with its SHA-256.
. "$SRCDIR/tests/tui/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
rd_env --staff || exit 1

# Three paid applications (cash by clerk, transfer and QR by clerk2), one
# of them cancelled and refunded by the admin with a reason a spreadsheet
# would take for a formula.
ready() { local no; no=$(newapp clerk "$1" "$2" "$3") && as clerk app submit "$no" >/dev/null && verify_all "$no" clerk && echo "$no"; }
A=$(ready individual personal-sign 1); B=$(ready organization org-sign 2); C=$(ready organization org-seal 1)
as clerk fee record "$A" --amount 100 --method cash >/dev/null
as clerk2 fee record "$B" --amount 600 --method transfer --ref BANK-77 >/dev/null
as clerk2 fee record "$C" --amount 500 --method qr --ref WX123 >/dev/null
R1=$(sqlite3 "$(desk_db)" "SELECT receipt FROM payments p JOIN applications a ON a.id = p.app_id WHERE a.no = '$B'")
as clerk app transition "$B" cancelled --reason "applicant withdrew" >/dev/null
as admin fee refund "$R1" --reason "=SUM(A1), 申请人撤回" >/dev/null
REFUND=$(sqlite3 "$(desk_db)" "SELECT receipt FROM payments WHERE refund_of IS NOT NULL")

label() { case $1 in cash) echo cash ;; card) echo "bank card" ;; transfer) echo "bank transfer" ;; qr) echo "QR payment" ;; esac; }
screen_has() { tui_screen | grep -Eq -- "$1"; }

tui_start
tui_login auditor
tui_wait "Choose a task" >/dev/null
tui_keys 3
tui_wait "Audit actions of" >/dev/null
tui_expect reports_day "today's report: cash-up per clerk and method, totals, refunds, states"

# Every cash-up row the CLI prints is on the screen with the same figures.
CASHUP=$(as auditor --json report cashup)
rows=$(printf '%s\n' "$CASHUP" | grep -o '{"clerk":[^}]*}')
[ "$(printf '%s\n' "$rows" | wc -l)" -eq 4 ] && ok "the CLI's cash-up has four rows" || notok "cash-up rows: $rows"
while read -r row; do
	[ -n "$row" ] || continue
	clerk=$(sed 's/.*"clerk":"\([^"]*\)".*/\1/' <<<"$row"); method=$(sed 's/.*"method":"\([^"]*\)".*/\1/' <<<"$row")
	count=$(sed 's/.*"count":\([0-9]*\).*/\1/' <<<"$row"); total=$(sed 's/.*"total":"\([^"]*\)".*/\1/' <<<"$row")
	screen_has "^ $clerk +$(label "$method") +$count +$total\$" && ok "screen shows $clerk $method $count $total as the CLI does" \
		|| { notok "screen lacks $clerk $method $count $total"; tui_screen | diag; }
done <<<"$rows"
total=$(sed 's/.*"total":"\([^"]*\)"}$/\1/' <<<"$CASHUP")
is "$total" "600.00" "the CLI's total: 100 + 600 + 500 - 600"
screen_has "^ net total +4 +$total\$" && ok "the screen's net total is the CLI's ($total)" || notok "net total"
screen_has "^ payments +3 +1200.00\$" && ok "payments: 3, 1200.00" || notok "payments"
screen_has "^ refunds +1 +-600.00\$" && ok "refunds: 1, -600.00" || notok "refunds"
screen_has "^ by method +bank transfer +2 +0.00\$" && ok "per method: the transfer and its refund cancel out" || notok "per method"
screen_has "^ $REFUND +$B +-600.00 +admin +=SUM\(A1\), 申请人撤回" && ok "the refund with its application, admin and reason" \
	|| notok "refund line"
# Counts per state: the CLI's daily report, state by state.
DAILY=$(as auditor --json report daily)
for st in cancelled paid; do
	n=$(sed -n "s/.*\"states\":{[^}]*\"$st\":\([0-9]*\).*/\1/p" <<<"$DAILY")
	screen_has "^ $st +$n\$" && ok "state $st: $n, as report daily says" || notok "state $st ($n)"
done

# Another clerk: only their receipts, the CLI's total for them.
tui_keys Down
tui_type clerk2
tui_keys F5
tui_wait "Cash-up of 2026-11-21 · clerk2" >/dev/null
c2=$(as auditor --json report cashup --clerk clerk2 | sed 's/.*"total":"\([^"]*\)"}$/\1/')
screen_has "^ net total +2 +$c2\$" && ok "clerk2's net total is the CLI's ($c2)" || notok "clerk2 total"
screen_has "^ clerk " && notok "another clerk's rows are shown" || ok "only clerk2's rows"
screen_has "Refunds" && notok "the admin's refund is not clerk2's" || ok "no refunds of clerk2's own"

# Another day: nothing taken; a day that is not a date is named.
tui_keys Up C-u
tui_type 2026-11-20
tui_keys F5
tui_wait "Cash-up of 2026-11-20" >/dev/null
screen_has "no receipts that day" && ok "2026-11-20: no receipts" || notok "empty day"
screen_has "^ net total +0 +0.00\$" && ok "2026-11-20: net 0.00" || notok "empty day total"
tui_keys C-u
tui_type 2026-13-45
tui_keys F5
tui_wait "is not a date" && ok "a bad day is refused beside the field" || notok "bad day"
screen_has "Cash-up of" && notok "a report is shown for a bad day" || ok "no report for a bad day"

# Back to the day and everyone; F4 writes the CSV (default file in the data folder).
tui_keys C-u
tui_type 2026-11-21
tui_keys Down C-u F5
tui_wait "Cash-up of 2026-11-21 · every clerk" >/dev/null
CSV="$TESTTMP/data/reports/report-2026-11-21.csv"
screen_has "CSV file +\\\$TESTTMP/data/reports/report-2026-11-21.csv" && ok "the CSV file defaults to the data folder" \
	|| notok "default CSV file"
tui_keys F4
tui_wait "report written to" && ok "F4: report written" || notok "F4"
[ -f "$CSV" ] && ok "the CSV file exists" || notok "CSV file"
like "$(head -1 "$CSV")" '^section,day,operator,key,count,amount,application,note' "CSV header"
like "$(cat "$CSV")" "total,2026-11-21,,net,4,$total," "CSV net total is the CLI's"
like "$(cat "$CSV")" "refund,2026-11-21,admin,$REFUND,1,-600.00,$B,\"'=SUM\(A1\), 申请人撤回\"" \
	"CSV refund: quoted, and the formula defused with '"
sha=$(sha256sum "$CSV" | cut -d' ' -f1)
AUDIT=$(as auditor --json audit list --last 3)
like "$AUDIT" "\"action\":\"report.export\",\"object\":\"2026-11-21\",\"details\":\\{[^}]*\"sha256\":\"$sha\"" \
	"report.export in the audit trail with the file's SHA-256"
# The CLI writes the same figures (the audit actions differ: logins since).
expect_rc 0 "report export through the CLI" as auditor report export --out "$TESTTMP/cli.csv"
is "$(grep -v '^action,' "$TESTTMP/cli.csv")" "$(grep -v '^action,' "$CSV")" "the CLI's CSV holds the screen's figures"

# A file that cannot be written: a clear message, nothing left behind.
tui_keys Down Down C-u
tui_type "$TESTTMP/no such dir/r.csv"
tui_keys F4
tui_wait "no such dir/r.csv" && ok "an unwritable CSV file is named" || notok "unwritable file"
[ -e "$TESTTMP/no such dir" ] && notok "a folder was made" || ok "no folder made for it"
tui_keys F10
is "$(tui_exit_status)" 0 "auditor quits"

# The admin has the same screen.
tui_start
tui_login admin
tui_wait "Choose a task" >/dev/null
tui_keys 7
tui_wait "Cash-up of 2026-11-21 · every clerk" && ok "the admin's Reports entry opens the report" || notok "admin reports"
screen_has "^ net total +4 +$total\$" && ok "the admin sees the same net total" || notok "admin total"
tui_keys F10
is "$(tui_exit_status)" 0 "admin quits"

# In Chinese.
tui_start --lang zh_CN
tui_login admin
tui_wait "请选择" >/dev/null
tui_keys 7
tui_wait "2026-11-21 轧账 · 全部受理员" >/dev/null
tui_expect zh_reports_day "the report in Chinese"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
