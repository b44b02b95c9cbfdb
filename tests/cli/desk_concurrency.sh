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

# TEMPORARY until `radesk app new` lands: registration through SQL, one
# process per desk, all at once.
register() { # P
	local p=$1 i sql="BEGIN;"
	for i in $(seq $N); do
		no=$(printf 'RA-20261121-%02d%04d' "$p" "$i")
		sql="$sql INSERT INTO applications(no, service_point, kind, product, years, username, created_by,
			created_at, updated_by, updated_at, subject_name) VALUES ('$no', 'SP01', 'individual',
			'personal-sign', 1, 'u$p$i', 'desk$p', 1795251600, 'desk$p', 1795251600, 's');"
	done
	sqlite3 -cmd '.timeout 60000' "$(desk_db)" "$sql COMMIT;"
}
desk() { # P: one batch of submit, three documents and the fee per application
	local p=$1 i no
	for i in $(seq $N); do
		no=$(printf 'RA-20261121-%02d%04d' "$p" "$i")
		echo "app submit $no"
		echo "doc set $no id_copy verified"
		echo "doc set $no acceptance_form verified"
		echo "doc set $no original_id_sighted verified"
		echo "fee record $no --amount 100.00 --method cash"
	done >"$TESTTMP/batch.$p"
	as "desk$p" desk batch --file "$TESTTMP/batch.$p" >"$TESTTMP/out.$p" 2>"$TESTTMP/err.$p"
	echo $? >"$TESTTMP/rc.$p"
}
for p in $(seq $P); do register "$p" & done
wait
for p in $(seq $P); do desk "$p" & done
wait
fails=0
for p in $(seq $P); do
	[ "$(cat "$TESTTMP/rc.$p")" = 0 ] || { fails=$((fails + 1)); tail -5 "$TESTTMP/err.$p" | diag; }
done
is "$fails" "0" "all eight desk batches succeeded"
db=$(desk_db)
is "$(sqlite3 "$db" "SELECT count(*), count(DISTINCT no) FROM applications")" "1600|1600" "1,600 applications, each once"
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
