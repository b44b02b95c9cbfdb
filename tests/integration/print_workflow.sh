#!/bin/bash
# radesk print through a real, private cupsd: the packet reaches a raw file
# queue byte for byte, the job is followed to completed and recorded with
# printer, job and SHA-256; a rejecting queue and an unreachable server give
# clear errors, keep no PDF and record no print.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fixtures/cupsd.sh"
FX="$SRCDIR/tests/fixtures/apps"
T="$TESTTMP"
rd_env --staff || { notok "set up"; done_testing; exit 1; }
cupsd_start || { notok "cupsd starts"; done_testing; exit 1; }
ok "private cupsd on $CUPS_SERVER"
cupsd_queue Q "$CUPSD_DIR/out/q.pdf" && ok "file queue Q" || notok "file queue Q"
cupsd_queue DESK "$CUPSD_DIR/out/desk.pdf" && ok "file queue DESK" || notok "file queue DESK"
audit_json() { rdas auditor audit list --object "$1" --json; }
count() { printf '%s\n' "$1" | grep -o "\"action\":\"$2\"" | wc -l; }

expect_rc 0 "register an organization" as clerk app new --file "$FX/organization.json"
ORG=$OUT
expect_rc 0 "register an individual" as clerk app new --file "$FX/individual.json"
IND=$OUT

# ---- to the queue given on the command line ---------------------------------------------
expect_rc 0 "print the packet to queue Q" as clerk print "$ORG" --printer Q --pdf "$T/org.pdf"
like "$OUT" "^printer +Q$" "the printer is shown"
like "$OUT" "^job +[1-9][0-9]* completed$" "the job is followed to completed"
job=$(printf '%s\n' "$OUT" | sed -n 's/^job  *\([0-9]*\) .*/\1/p')
check "the file that arrives equals the PDF (cmp)" cmp "$T/org.pdf" "$CUPSD_DIR/out/q.pdf"
sha=$(sha256sum "$T/org.pdf" | cut -d' ' -f1)
like "$OUT" "^sha256 +$sha$" "the SHA-256 shown is the PDF's"
a=$(audit_json "$ORG")
like "$a" "\"action\":\"print.packet\".*\"job\":$job,.*\"printer\":\"Q\".*\"sha256\":\"$sha\".*\"state\":\"completed\"" \
	"the audit row has job, printer, SHA-256 and the final state"
pdftoppm -r 150 -png -f 1 -l 1 "$CUPSD_DIR/out/q.pdf" "$T/arrived"
code=$(zbarimg -q --raw "$T"/arrived-1.png 2>/dev/null)
expect_rc 0 "the QR code on the paper that arrived verifies" rdas clerk print verify "$code"

# ---- the configured queue, two sets ----------------------------------------------------
{ cat "$RADESK_CONFIG"; printf '[print]\nprinter = DESK\ntimeout = 20\n'; } >"$T/desk.conf"
cp "$T/desk.conf" "$RADESK_CONFIG"
expect_rc 0 "print the individual's packet to the configured queue, two sets" as clerk print "$IND" --copies 2 --json
like "$OUT" '"printer":"DESK"' "the configured queue is used"
like "$OUT" '"copies":2' "two sets"
like "$OUT" '"state":"completed"' "completed"
pdf=$(printf '%s\n' "$OUT" | sed -n 's/.*"pdf":"\([^"]*\)".*/\1/p')
check "the kept PDF is what arrived" cmp "$pdf" "$CUPSD_DIR/out/desk.pdf"
like "$(audit_json "$IND")" '"copies":2,"doc":"packet"' "copies recorded"

# ---- a queue that rejects jobs ----------------------------------------------------------------
cupsreject -r "out of paper" Q
a0=$(audit_json "$ORG")
expect_rc 4 "a rejecting queue" as clerk print "$ORG" --printer Q --pdf "$T/rej.pdf"
like "$ERR" "printer queue Q is not accepting jobs \(.*out of paper" "clear error with the queue's reason"
check "no PDF kept" test ! -e "$T/rej.pdf"
check "no partial PDF left" test ! -e "$T/rej.pdf.part"
a=$(audit_json "$ORG")
is "$(count "$a" 'print\.packet')" "$(count "$a0" 'print\.packet')" "not recorded as a print"
like "$a" '"action":"print.failed".*"printer":"Q".*"reason":"[^"]*not accepting jobs' "recorded as print.failed with the reason"
cupsaccept Q

expect_rc 1 "no such queue" as clerk print "$ORG" --printer NOPE --pdf "$T/nope.pdf"
like "$ERR" "no printer queue named NOPE" "names the queue"

# ---- reprint, then the server goes away -------------------------------------------------------
expect_rc 0 "a reviewer reprints the form on Q" as reviewer print "$ORG" --doc form --printer Q --pdf "$T/form.pdf"
check "the reprint arrives" cmp "$T/form.pdf" "$CUPSD_DIR/out/q.pdf"
a=$(audit_json "$ORG")
like "$a" '"action":"print.form".*"reprint":true' "the reprint is recorded again"
expect_rc 1 "an auditor cannot print" rdas auditor print "$ORG" --printer Q --pdf "$T/aud.pdf"
check "nothing printed for the auditor" cmp "$T/form.pdf" "$CUPSD_DIR/out/q.pdf"

cupsd_stop
a0=$(audit_json "$ORG")
expect_rc 4 "an unreachable print server" as clerk print "$ORG" --printer Q --pdf "$T/down.pdf"
like "$ERR" "cannot reach the print server $CUPS_SERVER" "says the server cannot be reached"
check "no PDF kept" test ! -e "$T/down.pdf"
a=$(audit_json "$ORG")
is "$(count "$a" 'print\.(packet|form)')" "$(count "$a0" 'print\.(packet|form)')" "not recorded as a print"
expect_rc 0 "the audit chain holds" rdas auditor audit verify
done_testing
