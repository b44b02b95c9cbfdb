#!/bin/bash
# SIGKILL during a batch of 200: `ca submit --all` is killed at random
# moments, then run to completion.  Afterwards every application is issued
# exactly once (or still queued), every certificate the CA holds is
# explained by a request of the RA (recorded, or traced by the CSR's key
# fingerprint), and the audit chain verifies.  3 rounds in `make check`,
# 20 with SOAK=1 (`make soak`).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"
. "$SRCDIR/tests/tools/ca_outbox_lib.sh"
trap 'cfssl_ca_stop "$TESTTMP/ca"; [ -n "${KEEP:-}" ] && cp -a "$TESTTMP" /tmp/crashkeep' EXIT
cfssl_ca_start "$TESTTMP/ca" >/dev/null || { notok "cfssl CA starts"; done_testing; exit 1; }
ca_conf "$CA_URL"
rd_env --staff || exit 1
DB=$(desk_db)
N=200
ROUNDS=${ROUNDS:-3}
[ -n "${SOAK:-}" ] && ROUNDS=20
KILLS=3

"$TOOLS/ca_prep" approve $N >/dev/null || { notok "applications approved"; done_testing; exit 1; }
is "$(sqlite3 "$DB" "select count(*) from applications where state='approved'")" $N "$N approved applications"
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp -a "$TESTTMP/data" "$TESTTMP/snapshot"

# invariants that hold at any moment
consistent() { # ROUND WHEN
	local bad
	bad=$(sqlite3 "$DB" "select count(*) from applications where state not in ('queued_for_ca','issued')")
	[ "$bad" = 0 ] || { notok "round $1 $2: $bad applications neither queued nor issued"; return 1; }
	bad=$(sqlite3 "$DB" "select count(*) from applications a where state='issued' and
		(select count(*) from certificates c where c.app_id=a.id) <> 1")
	[ "$bad" = 0 ] || { notok "round $1 $2: $bad issued applications without exactly one certificate"; return 1; }
	bad=$(sqlite3 "$DB" "select count(*) from applications a where state='queued_for_ca' and
		exists (select 1 from certificates c where c.app_id=a.id)")
	[ "$bad" = 0 ] || { notok "round $1 $2: $bad queued applications with a certificate"; return 1; }
	bad=$(sqlite3 "$DB" "select count(*) from (select request_id from certificates group by request_id having count(*) > 1)")
	[ "$bad" = 0 ] || { notok "round $1 $2: a request with two certificates"; return 1; }
	return 0
}

killed=0
for round in $(seq 1 "$ROUNDS"); do
	rm -rf "$TESTTMP/data"; cp -a "$TESTTMP/snapshot" "$TESTTMP/data"
	sqlite3 "$CA_DB" "delete from certificates"
	"$TOOLS/ca_prep" request >/dev/null || { notok "round $round: requests queued"; continue; }
	fine=1
	for k in $(seq 1 $KILLS); do
		before=$(sqlite3 "$DB" "select count(*) from ca_requests where state in ('sending', 'done')")
		rdas clerk ca submit --all >/dev/null 2>&1 &
		pid=$!
		# a batch of 200 takes a fraction of a second: wait until it is under
		# way (a row claimed or recorded), then kill at a random moment
		for _ in $(seq 1 300); do
			[ "$(sqlite3 "$DB" "select count(*) from ca_requests where state in ('sending', 'done')")" -gt "$before" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.01
		done
		sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
		wait "$pid" 2>/dev/null
		consistent "$round" "after kill $k" || fine=0
	done
	for try in 1 2 3; do
		as clerk ca submit --all >/dev/null 2>"$TESTTMP/submit.err" && break
	done
	consistent "$round" "at the end" || fine=0
	issued=$(sqlite3 "$DB" "select count(*) from applications where state='issued'")
	[ "$issued" = $N ] || { notok "round $round: $issued of $N issued"; fine=0; cat "$TESTTMP/submit.err" | diag; }
	# every certificate at the CA is explained by a request of the RA
	sqlite3 "$CA_DB" "select pem from certificates" | "$TOOLS/ca_prep" spki | sort -u >"$TESTTMP/ca-spki"
	sqlite3 "$DB" "select csr_spki_sha256 from ca_requests" | sort -u >"$TESTTMP/ra-spki"
	unexplained=$(comm -23 "$TESTTMP/ca-spki" "$TESTTMP/ra-spki" | tee "$TESTTMP/unexplained" | wc -l)
	[ "$unexplained" = 0 ] || { notok "round $round: $unexplained certificates at the CA no request explains"; head -3 "$TESTTMP/unexplained" | diag; fine=0; }
	# every certificate the RA recorded is the CA's
	ra_serials=$(sqlite3 "$DB" "select serial_dec from certificates" | sort)
	missing=$(comm -23 <(echo "$ra_serials") <(sqlite3 "$CA_DB" "select serial_number from certificates" | sort) | wc -l)
	[ "$missing" = 0 ] || { notok "round $round: $missing recorded certificates unknown to the CA"; fine=0; }
	# duplicates at the CA only for sends whose outcome was lost
	extra=$(( $(sqlite3 "$CA_DB" "select count(*) from certificates") - N ))
	lost=$(sqlite3 "$DB" "select coalesce(sum(unknown_outcomes),0) from ca_requests")
	[ "$extra" -le "$lost" ] || { notok "round $round: $extra extra certificates at the CA, only $lost lost answers"; fine=0; }
	as auditor audit verify >/dev/null 2>&1 || { notok "round $round: audit verify"; fine=0; }
	traced=$(sqlite3 "$DB" "select count(*) from audit where action='ca.unknown_outcome'")
	[ "$traced" = "$lost" ] || { notok "round $round: $lost lost answers, $traced in the audit trail"; fine=0; }
	[ $fine = 1 ] && ok "round $round: $N issued once, CA certificates explained ($extra duplicates at the CA, $lost lost answers, $traced traced), audit verifies"
done
[ $killed -gt 0 ] && ok "submissions were killed $killed times" || notok "no submission was ever killed"
done_testing
