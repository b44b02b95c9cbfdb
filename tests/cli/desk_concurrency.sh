#!/bin/bash
# Eight desk processes against one database, each registering, submitting,
# checking documents and taking the fee for 200 applications at once: all
# 1,600 present exactly once, receipts unique, cash-up exact, audit intact.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
rd_env --staff || exit 1
P=8 N=200
for p in $(seq $P); do
	RADESK_PASSWORD=admin-password-1 RADESK_NEW_PASSWORD="desk$p-password-1" \
		"$RADESK" --as admin user add "desk$p" --role clerk >/dev/null
done
printf '[db]\nbusy_timeout_ms = 60000\n' >>"$RADESK_CONFIG"

# desk P: registers N applications with one `app new` of a JSON array, then
# one batch of submit, three documents and the fee per application.
desk() {
	local p=$1 i no
	{
		printf '['
		for i in $(seq $N); do
			[ "$i" = 1 ] || printf ','
			DESK_SEQ=0 app_json individual personal-sign 1 | sed "s/\"username\":\"ind[0-9]*\"/\"username\":\"d${p}n$i\"/"
		done
		printf ']'
	} >"$TESTTMP/apps.$p.json"
	as "desk$p" app new --file "$TESTTMP/apps.$p.json" >"$TESTTMP/nos.$p" 2>"$TESTTMP/new.$p" || {
		echo 9 >"$TESTTMP/rc.$p"; return; }
	while read -r no; do
		echo "app submit $no"
		echo "doc set $no id_copy verified"
		echo "doc set $no acceptance_form verified"
		echo "doc set $no original_id_sighted verified"
		echo "fee record $no --amount 100.00 --method cash"
	done <"$TESTTMP/nos.$p" >"$TESTTMP/batch.$p"
	as "desk$p" desk batch --file "$TESTTMP/batch.$p" >"$TESTTMP/out.$p" 2>"$TESTTMP/err.$p"
	echo $? >"$TESTTMP/rc.$p"
}
for p in $(seq $P); do desk "$p" & done
wait
fails=0
for p in $(seq $P); do
	[ "$(cat "$TESTTMP/rc.$p")" = 0 ] || { fails=$((fails + 1)); tail -5 "$TESTTMP/new.$p" "$TESTTMP/err.$p" | diag; }
done
is "$fails" "0" "all eight desk batches succeeded"
db=$(desk_db)
is "$(sqlite3 "$db" "SELECT count(*), count(DISTINCT no), count(DISTINCT username) FROM applications")" \
	"1600|1600|1600" "1,600 applications, each once"
is "$(cat "$TESTTMP"/nos.* | sort -u | wc -l)" "1600" "1,600 distinct numbers handed out"
is "$(sqlite3 "$db" "SELECT state, count(*) FROM applications GROUP BY state")" "paid|1600" "all paid"
is "$(sqlite3 "$db" "SELECT count(*), count(DISTINCT receipt), count(DISTINCT app_id) FROM payments")" \
	"1600|1600|1600" "one payment each, receipts unique"
expect_rc 0 "cash-up" as admin --json report cashup
like "$OUT" '"total":"160000.00"' "cash-up total 1,600 x 100.00"
for p in $(seq $P); do
	like "$OUT" "\"clerk\":\"desk$p\",\"method\":\"cash\",\"count\":200,\"total\":\"20000.00\"" "desk$p: 200 receipts, 20000.00"
done
is "$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE action = 'fee.record'")" "1600" "one audit row per payment"
is "$(sqlite3 "$db" "SELECT count(*) FROM review_queue")" "1600" "all in the review queue"
expect_rc 0 "audit chain verifies" as auditor audit verify
done_testing
