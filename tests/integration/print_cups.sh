#!/bin/bash
# print/ through a real, private cupsd: the job completes and the file that
# reaches the "printer" is the PDF, byte for byte; rejecting, stopped,
# missing queues and a stopped server give clear errors.
. tests/lib.sh
. tests/fixtures/cupsd.sh
PR="$TOOLS/print_render"
T="$TESTTMP"
cupsd_start || { notok "cupsd starts"; done_testing; exit 1; }
ok "private cupsd on $CUPS_SERVER"
cupsd_queue Q "$CUPSD_DIR/out/q.pdf" && ok "file queue Q" || notok "file queue Q"

"$PR" render --fields tests/fixtures/print/org.fields --doc packet --organization --out "$T/p.pdf" >/dev/null
expect_rc 0 "submit the packet" "$PR" submit --printer Q --timeout 20 "$T/p.pdf"
like "$OUT" '^state=completed$' "job followed to completed"
like "$OUT" '^job=[1-9]' "job id reported"
check "the file that arrives equals the PDF (cmp)" cmp "$T/p.pdf" "$CUPSD_DIR/out/q.pdf"

expect_rc 0 "two copies" "$PR" submit --printer Q --copies 2 --timeout 20 "$T/p.pdf"
like "$OUT" '^state=completed$' "completed"

expect_rc 1 "no such queue" "$PR" submit --printer NOPE --timeout 5 "$T/p.pdf"
like "$ERR" 'print.printer: no printer queue named NOPE' "names the queue"

cupsreject -r "out of paper" Q
expect_rc 4 "rejecting queue" "$PR" submit --printer Q --timeout 5 "$T/p.pdf"
like "$ERR" 'printer queue Q is not accepting jobs \(.*out of paper' "says it is not accepting jobs, with the reason"
like "$OUT" '^state=not-submitted$' "nothing submitted"
cupsaccept Q

cupsdisable -r "maintenance" Q
expect_rc 4 "stopped (disabled) queue" "$PR" submit --printer Q --timeout 5 "$T/p.pdf"
like "$ERR" 'printer queue Q is stopped \(disabled\).*maintenance' "says it is stopped, with the reason"
cupsenable Q

expect_rc 5 "unreadable PDF" "$PR" submit --printer Q --timeout 5 "$T/missing.pdf"
like "$ERR" 'missing.pdf: PDF file not found' "names the file"

cupsd_stop
expect_rc 4 "stopped print server" "$PR" submit --printer Q --timeout 5 "$T/p.pdf"
like "$ERR" "cannot reach the print server $CUPS_SERVER" "says the server cannot be reached"
done_testing
