#!/bin/bash
# radesk report export: the day's cash-up and daily report as one CSV file,
# the figures of `report cashup` and `report daily`, written atomically and
# recorded in the audit trail; a clerk exports only their own receipts.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
rd_env --staff || exit 1

ready() { local no; no=$(newapp clerk "$1" "$2" "$3") && as clerk app submit "$no" >/dev/null && verify_all "$no" clerk && echo "$no"; }
A=$(ready individual personal-sign 1); B=$(ready organization org-sign 2)
as clerk fee record "$A" --amount 100 --method card >/dev/null
as clerk2 fee record "$B" --amount 600 --method qr --ref "WX,\"7\"" >/dev/null
R=$(sqlite3 "$(desk_db)" "SELECT receipt FROM payments p JOIN applications a ON a.id = p.app_id WHERE a.no = '$B'")
as clerk app transition "$B" cancelled --reason "withdrawn" >/dev/null
as admin fee refund "$R" --reason '@cmd, "quoted" 退款' >/dev/null
REFUND=$(sqlite3 "$(desk_db)" "SELECT receipt FROM payments WHERE refund_of IS NOT NULL")

# The default file: DATA_DIR/reports/report-DAY.csv, its folder made.
expect_rc 0 "export to the default file" as auditor report export
CSV="$TESTTMP/data/reports/report-2026-11-21.csv"
like "$OUT" "report of 2026-11-21 written to $CSV \(SHA-256 [0-9a-f]{64}\)" "says where and the SHA-256"
[ -f "$CSV" ] && ok "the file is there" || notok "default file"
is "$(sha256sum "$CSV" | cut -d' ' -f1)" "$(sed 's/.*SHA-256 \([0-9a-f]*\).*/\1/' <<<"$OUT")" "the SHA-256 said is the file's"

# Every cash-up row of the CLI is a cashup line of the CSV, and the total the net line.
CASHUP=$(as auditor --json report cashup)
n=0
for row in $(grep -o '{"clerk":[^}]*}' <<<"$CASHUP"); do
	clerk=$(sed 's/.*"clerk":"\([^"]*\)".*/\1/' <<<"$row"); method=$(sed 's/.*"method":"\([^"]*\)".*/\1/' <<<"$row")
	count=$(sed 's/.*"count":\([0-9]*\).*/\1/' <<<"$row"); total=$(sed 's/.*"total":"\([^"]*\)".*/\1/' <<<"$row")
	tr -d '\r' <"$CSV" | grep -qx "cashup,2026-11-21,$clerk,$method,$count,$total,," && n=$((n + 1))
done
is "$n" 3 "the three cash-up rows, figure for figure"
is "$(grep -c '^cashup,' "$CSV")" 3 "and no other cashup line"
total=$(sed 's/.*"total":"\([^"]*\)"}$/\1/' <<<"$CASHUP")
like "$(cat "$CSV")" "total,2026-11-21,,net,3,$total,," "net: the CLI's total ($total)"
like "$(cat "$CSV")" "total,2026-11-21,,payments,2,700.00,," "payments: two, 700.00"
like "$(cat "$CSV")" "method,2026-11-21,,qr,2,0.00,," "per method: the QR payment and its refund"
like "$(cat "$CSV")" "refund,2026-11-21,admin,$REFUND,1,-600.00,$B,\"'@cmd, \"\"quoted\"\" 退款\"" \
	"a refund: quotes doubled, the cell quoted, a leading @ defused"
DAILY=$(as auditor --json report daily)
for st in cancelled paid; do
	c=$(sed -n "s/.*\"states\":{[^}]*\"$st\":\([0-9]*\).*/\1/p" <<<"$DAILY")
	like "$(cat "$CSV")" "state,2026-11-21,,$st,$c,,," "state $st: $c as report daily says"
done
like "$(cat "$CSV")" "action,2026-11-21,,fee.refund,1,,," "the day's audit actions"
is "$(head -1 "$CSV" | tr -d '\r')" "section,day,operator,key,count,amount,application,note" "the header"
is "$(head -1 "$CSV" | tail -c 2 | od -An -c | tr -d ' ')" '\r\n' "lines end in CRLF (RFC 4180)"

# The trail knows of every export.
AUDIT=$(as auditor --json audit list --last 4)
like "$AUDIT" "\"action\":\"report.export\",\"object\":\"2026-11-21\",\"details\":\\{\"file\":\"$CSV\",\"lines\":\"[0-9]+\",\"sha256\":\"$(sha256sum "$CSV" | cut -d' ' -f1)\"\\}" \
	"report.export with the file and its SHA-256"

# A clerk: only their own receipts; the admin: anyone's; a reviewer: refused.
expect_rc 0 "a clerk exports" as clerk2 report export --out "$TESTTMP/c2.csv"
is "$(grep -c '^cashup,' "$TESTTMP/c2.csv")" 1 "one cash-up line"
like "$(cat "$TESTTMP/c2.csv")" "cashup,2026-11-21,clerk2,qr,1,600.00,," "clerk2's own"
like "$(cat "$TESTTMP/c2.csv")" "total,2026-11-21,clerk2,net,1,600.00,," "totals name the clerk"
expect_rc 1 "a clerk may not export another's" as clerk2 report export --clerk clerk --out "$TESTTMP/x.csv"
[ -e "$TESTTMP/x.csv" ] && notok "a refused export left a file" || ok "nothing written when refused"
expect_rc 0 "the admin exports one clerk" as admin report export --clerk clerk --out "$TESTTMP/c1.csv"
like "$(cat "$TESTTMP/c1.csv")" "total,2026-11-21,clerk,net,1,100.00,," "clerk's net"
expect_rc 1 "a reviewer may not" as reviewer report export --out "$TESTTMP/r.csv"
[ -e "$TESTTMP/r.csv" ] && notok "file left by a reviewer" || ok "no file for a reviewer"

# Bad input.
expect_rc 1 "a day that is not a date" as auditor report export --date 2026-02-30 --out "$TESTTMP/d.csv"
like "$ERR" -- "--date: '2026-02-30' is not a date" "names --date"
expect_rc 5 "a folder that does not exist" as auditor report export --out "$TESTTMP/nowhere/r.csv"
like "$ERR" "$TESTTMP/nowhere/r.csv" "names the file"
[ -e "$TESTTMP/nowhere" ] && notok "a folder was made" || ok "no folder made"
before=$(sqlite3 "$(desk_db)" "SELECT count(*) FROM audit WHERE action = 'report.export'")
expect_rc 2 "--out belongs to export only" as auditor report cashup --out "$TESTTMP/y.csv"
is "$(sqlite3 "$(desk_db)" "SELECT count(*) FROM audit WHERE action = 'report.export'")" "$before" "no export recorded"
expect_rc 0 "another day" as auditor report export --date 2026-11-20 --out "$TESTTMP/d20.csv"
like "$(cat "$TESTTMP/d20.csv")" "total,2026-11-20,,net,0,0.00,," "nothing taken on 2026-11-20"
done_testing
