#!/bin/bash
# Fees: amounts parsed exactly, over- and underpayment refused, methods and
# references, refunds by admins only as negative entries, cash-up totals.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
rd_env --staff || exit 1

ready() { # KIND PRODUCT YEARS: registered by clerk, submitted, documents verified
	local no
	no=$(newapp clerk "$1" "$2" "$3") && as clerk app submit "$no" >/dev/null && verify_all "$no" clerk && echo "$no"
}
A=$(ready individual personal-sign 1); B=$(ready organization org-sign 2)
C=$(ready organization org-seal 1); D=$(ready individual personal-sign 3)
is "$(app_state $A)/$(app_state $B)/$(app_state $C)/$(app_state $D)" \
	"documents_checked/documents_checked/documents_checked/documents_checked" "four applications ready for the fee"

expect_rc 0 "fee show" as clerk fee show $B
like "$OUT" "fee 600.00, paid 0.00, due 600.00" "built-in schedule: org-sign 300.00 a year"

for bad in "300.001:at most two decimals" "-300:must not be negative" "abc:is not an amount" \
	"3,00:is not an amount" "300.:is not an amount" ".5:is not an amount" "1e3:is not an amount" \
	"9999999999999:too large"; do
	amt=${bad%%:*} why=${bad#*:}
	expect_rc 1 "amount '$amt' refused" as clerk fee record $A --amount "$amt" --method cash
	like "$ERR" -- "--amount: .*$why" "'$amt': $why, field named"
done
expect_rc 1 "zero refused" as clerk fee record $A --amount 0.00 --method cash
like "$ERR" "more than 0.00" "zero named"
expect_rc 1 "underpayment" as clerk fee record $A --amount 99.99 --method cash
like "$ERR" "99.99 is less than the amount due for $A: 100.00" "underpayment shows the amount due"
expect_rc 1 "overpayment" as clerk fee record $A --amount 100.01 --method cash
like "$ERR" "100.01 is more than the amount due for $A: 100.00" "overpayment shows the amount due"
expect_rc 1 "unknown method" as clerk fee record $A --amount 100 --method cheque
like "$ERR" -- "--method: 'cheque' is not a payment method" "method named"
expect_rc 1 "transfer without reference" as clerk fee record $A --amount 100 --method transfer
like "$ERR" -- "--ref: a bank transfer needs its reference" "transfer reference required"
expect_rc 1 "qr without transaction number" as clerk fee record $A --amount 100 --method qr
like "$ERR" -- "--ref: a QR payment needs its transaction number" "qr transaction number required"
expect_rc 1 "a reviewer may not take fees" as reviewer fee record $A --amount 100 --method cash
is "$(sqlite3 "$(desk_db)" 'SELECT count(*) FROM payments')" "0" "nothing recorded by refused payments"
is "$(app_state $A)" "documents_checked" "state unchanged"

expect_rc 0 "cash, one decimal" as clerk fee record $A --amount 100.0 --method cash
like "$OUT" "100.00 received, receipt RSP01-20261121-000001" "receipt 1"
expect_rc 0 "transfer with reference" as clerk2 fee record $B --amount 600 --method transfer --ref "BANK-2026-11-21-77"
like "$OUT" "receipt RSP01-20261121-000002" "receipt 2"
expect_rc 0 "qr" as clerk2 fee record $C --amount 500.00 --method qr --ref WX123
expect_rc 1 "paying twice" as clerk fee record $A --amount 100.00 --method cash
like "$ERR" "is paid; pay needs documents_checked" "paid application takes no more money"

# the acceptance form carries the fee's status and its receipt number
expect_rc 0 "print the paid application's form" as clerk print $A --doc form --pdf "$TESTTMP/paid.pdf"
form=$(pdftotext "$TESTTMP/paid.pdf" - | tr -d ' \n')
like "$form" "收据号ReceiptNo\.RSP01-20261121-000001" "the receipt number is in its box on the form"

# ---- refunds
R1=$(sqlite3 "$(desk_db)" "SELECT receipt FROM payments p JOIN applications a ON a.id = p.app_id WHERE a.no = '$B'")
expect_rc 1 "refund while the application goes on" as admin fee refund "$R1" --reason "duplicate"
like "$ERR" "refunds are made once it is cancelled or rejected" "refund needs cancel or reject first"
as clerk app transition $B cancelled --reason "applicant withdrew" >/dev/null
expect_rc 1 "a clerk may not refund" as clerk fee refund "$R1" --reason "withdrawn"
like "$ERR" "a clerk may not do this \(allowed: admin\)" "refund is the admin's"
expect_rc 1 "an auditor may not refund" as auditor fee refund "$R1" --reason "withdrawn"
expect_rc 1 "refund without reason" as admin fee refund "$R1"
like "$ERR" -- "--reason: a refund needs a reason" "reason required"
expect_rc 1 "unknown receipt" as admin fee refund RSP01-20261121-999999 --reason x
expect_rc 0 "admin refunds" as admin fee refund "$R1" --reason "applicant withdrew"
like "$OUT" "$R1 refunded, receipt RSP01-20261121-000004" "refund gets its own receipt"
expect_rc 1 "refund twice" as admin fee refund "$R1" --reason again
like "$ERR" "refunded already" "double refund refused"
expect_rc 1 "refund of a refund" as admin fee refund RSP01-20261121-000004 --reason again
is "$(sqlite3 "$(desk_db)" "SELECT amount FROM payments WHERE receipt = '$R1'")" "60000" "the payment is unchanged"
is "$(sqlite3 "$(desk_db)" "SELECT amount || ' ' || reason FROM payments WHERE refund_of IS NOT NULL")" \
	"-60000 applicant withdrew" "the refund is a separate negative entry with its reason"
expect_rc 0 "fee show after refund" as admin fee show $B
like "$OUT" "paid 0.00, due 600.00" "net paid is zero"
run sqlite3 "$(desk_db)" "UPDATE payments SET amount = 1"
like "$ERR" "never changed" "the database refuses edits of payments"
run sqlite3 "$(desk_db)" "DELETE FROM payments"
like "$ERR" "never deleted" "the database refuses deletion of payments"

# ---- cash-up
expect_rc 0 "cash-up as admin" as admin --json report cashup
like "$OUT" '\{"clerk":"admin","method":"transfer","count":1,"total":"-600.00"\}' "refund counted for the admin"
like "$OUT" '\{"clerk":"clerk","method":"cash","count":1,"total":"100.00"\}' "clerk cash"
like "$OUT" '\{"clerk":"clerk2","method":"qr","count":1,"total":"500.00"\}' "clerk2 qr"
like "$OUT" '\{"clerk":"clerk2","method":"transfer","count":1,"total":"600.00"\}' "clerk2 transfer"
sum=$(sqlite3 "$(desk_db)" "SELECT printf('%d.%02d', sum(amount) / 100, sum(amount) % 100) FROM payments WHERE day = '2026-11-21'")
like "$OUT" "\"total\":\"$sum\"" "total equals the sum of the receipts ($sum)"
is "$sum" "600.00" "100 + 600 + 500 - 600"
expect_rc 0 "cash-up per clerk" as admin --json report cashup --clerk clerk2
like "$OUT" '"total":"1100.00"' "clerk2's total"
expect_rc 0 "a clerk sees their own" as clerk --json report cashup
like "$OUT" '"total":"100.00"' "clerk's own total"
expect_rc 1 "a clerk may not see another's" as clerk report cashup --clerk clerk2
expect_rc 0 "another day is empty" as admin --json report cashup --date 2026-11-20
like "$OUT" '"total":"0.00"' "no receipts that day"
expect_rc 1 "bad date" as admin report cashup --date 2026-13-45
like "$ERR" -- "--date: '2026-13-45' is not a date" "date named"
expect_rc 1 "a reviewer gets no cash-up" as reviewer report cashup

# ---- the schedule from the configuration
printf '[fees]\npersonal-sign.3 = 250.50\n' >>"$RADESK_CONFIG"
expect_rc 0 "configured fee" as clerk fee show $D
like "$OUT" "fee 250.50" "configured amount, exact fen"
expect_rc 1 "configured schedule without this product" as clerk fee show $A
like "$ERR" "no fee for personal-sign, 1 years: add 'personal-sign.1 = AMOUNT' to \[fees\]" "missing fee named"
printf 'org-sign.1 = 300.001\n' >>"$RADESK_CONFIG"
expect_rc 1 "malformed fee in the configuration" as clerk fee show $D
like "$ERR" "org-sign.1.*'300.001' is not an amount" "config key named"
sed -i '/300.001/d' "$RADESK_CONFIG"
expect_rc 0 "audit chain verifies" as auditor audit verify
done_testing
