#!/bin/bash
# Renewal onto the same UKEY from the detail view ('n'), with a SoftHSM2
# token issued through the real cfssl CA: outside the window the screen says
# when it opens and nothing is made; a wrong answer shows the tries left,
# the fifth locks the answer; sighting the ID renews: every step shown, a
# new key and certificate on the token, the old one superseded, the fee
# recorded.  Neither the PIN nor the answer is ever on the screen or in the
# audit trail.
. "$SRCDIR/tests/tui/lib_life.sh"
. "$SRCDIR/tests/fixtures/softhsm.sh"
softhsm_setup "$TESTTMP/hsm"
printf '%s\n' "$SOFTHSM_SO_PIN" >"$TESTTMP/so-pin"
chmod 600 "$TESTTMP/so-pin"
LIFE_EXTRA_CONF="[ukey]
module = $SOFTHSM_MODULE
so_pin_file = $TESTTMP/so-pin
poll_ms = 100"
life_tui_setup
S1=$(softhsm_add_token UK1)
export PIN=Qv7m2x9k
ANSWER=Chaoyang
P11() { pkcs11-tool --module "$SOFTHSM_MODULE" --token-label UK1 "$@" 2>&1; }
privkeys() { P11 -O --login --pin env:PIN | grep -c '^Private Key Object'; }

NO=$(approved individual)
as admin ukey add "$S1" >/dev/null
env RADESK_UKEY_PIN=$PIN rdas clerk ukey issue "$NO" --no-receipt >"$TESTTMP/issue.out" 2>&1
is "$(app_state "$NO")" issued "set up: issued onto UKEY $S1"
OLDKID=$(sed -n 's/^key id *//p' "$TESTTMP/issue.out")
OLDDEC=$(cur_serial "$NO")
END=$(openssl x509 -noout -enddate -in <(as admin cert show "$NO" --pem) | cut -d= -f2)

# fill PIN ANSWER: the renewal form, from its first field (the answer may be "")
fill() {
	tui_type "$1"; tui_keys Tab
	tui_keys Tab
	[ -n "$2" ] && tui_type "$2"
	true
}

# ---- outside the window: said on opening; F2 makes nothing ---------------------------
tui_start
tui_login clerk
open_app "$NO"
tui_keys n
tui_wait "Renew $NO onto the same UKEY" && ok "n opens the renewal screen" || notok "renewal screen"
S=$(tui_screen)
like "$S" "renewal opens 90 days before expiry" "outside the window: said at once"
like "$S" "fee per schedule: 100.00, recorded with a receipt" "the schedule's fee"
like "$S" "UKEY $S1 is inserted" "the application's UKEY is seen"
like "$S" "Question: 我的小学校名" "the question to ask"
like "$S" "Payment method +‹ cash ›" "payment fields for the fee"
fill "$PIN" "$ANSWER"
unlike "$(tui_screen)" "$PIN|$ANSWER" "typed secrets are not shown"
tui_keys F2
tui_wait "certificate: renewal opens 90 days before expiry, on" && ok "F2: refused with the window named" ||
	notok "refused outside the window"
is "$(privkeys)" 1 "no new key left on the token"
is "$(audit_count cert.renew_refused "$NO")" 1 "the refusal is audited"
tui_keys F10
tui_exit_status >/dev/null

# ---- in the window: wrong answer, tries left, locked ------------------------------------
export RADESK_FIXED_TIME=$(date -u -d "$END - 10 days" +%Y-%m-%dT%H:%M:%S)
tui_start
tui_login clerk
open_app "$NO"
tui_keys n
tui_wait "in the renewal window" && ok "in the window: said so" || notok "window"
fill "$PIN" wrong-school
tui_keys F2
tui_wait "wrong verification answer (1 of 5 tries used, 4 left)" && ok "a wrong answer: the tries left" ||
	notok "tries left"
is "$(privkeys)" 1 "the new key was taken off the token again"
S=$(tui_screen)
unlike "$S" "$PIN|wrong-school" "no secret on the screen"
check "the PIN field is emptied" grep -q "Subscriber's UKEY PIN *\*\$" <<<"$S"
csr "$TESTTMP/r.csr" 张三
for i in 2 3 4; do RADESK_ANSWER=wrong as clerk cert renew "$NO" --csr "$TESTTMP/r.csr" --method cash >/dev/null 2>&1; done
tui_keys Up Up Up Up Up
fill "$PIN" wrong-again
tui_keys F2
tui_wait "5 wrong answers, the answer is now locked" && ok "the fifth wrong answer locks" || notok "locks"
tui_keys Up Up Up Up Up
fill "$PIN" "$ANSWER"
tui_keys F2
tui_wait "is locked after 5 wrong answers" && ok "locked: even the right answer; says what to do" ||
	notok "locked"
is "$(privkeys)" 1 "still the one key"
is "$(audit_count cert.renew_answer_wrong "$NO")" 5 "five wrong answers audited"

# ---- the ID sighted again: renewed, step by step ------------------------------------------
tui_keys Up Up Up Up Up
tui_type "$PIN"; tui_keys Tab Right
tui_wait "‹ ID sighted again ›" >/dev/null
tui_keys F2
tui_wait "renewed: certificate" && ok "F2 renews" || notok "renewed"
S=$(tui_screen)
like "$S" "\[x\] key pair generated on the UKEY" "progress: the key made on the token"
like "$S" "\[x\] read back: the certificate matches" "progress: read back"
like "$S" "fee recorded, receipt R" "the fee's receipt"
unlike "$S" "$PIN|$ANSWER" "no secret on the screen"
NEWDEC=$(cur_serial "$NO")
check "a new certificate" test -n "$NEWDEC" -a "$NEWDEC" != "$OLDDEC"
is "$(privkeys)" 1 "one private key on the token"
unlike "$(P11 -O --login --pin env:PIN)" "ID: +$OLDKID" "the old key is gone from the token"
is "$(sqlite3 "$(desk_db)" "SELECT status FROM certificates WHERE status = 'superseded'")" superseded \
	"the old certificate is superseded"
is "$(sqlite3 "$CA_DB" "SELECT count(*) FROM certificates WHERE serial_number IN ('$OLDDEC', '$NEWDEC')")" 2 \
	"both in cfssl's certdb"
like "$(as clerk --json fee show "$NO")" '"paid":"200.00"' "the renewal fee is recorded"

# ---- the CA does not answer: said plainly; F6 finishes once it is back ----------------------
cfssl_ca_stop "$TESTTMP/ca"
tui_keys Up Up Up Up Up
tui_type "$PIN"; tui_keys F2
tui_wait "The CA has not answered. The new key waits on UKEY $S1" && ok "CA down: said plainly" || notok "awaiting"
like "$(tui_screen)" "F6 finishes the renewal" "and how to finish"
is "$(privkeys)" 2 "the new key waits next to the old one"
tui_keys F10
tui_exit_status >/dev/null
cfssl_ca_start "$TESTTMP/ca" >/dev/null || notok "the CA comes back"
sed -i "s|^url = .*|url = $CA_URL|" "$RADESK_CONFIG"
tui_start
tui_login clerk
open_app "$NO"
tui_keys n
tui_wait "Renew $NO" >/dev/null
tui_type "$PIN"; tui_keys F6
tui_wait "renewed: certificate" && ok "F6 finishes the waiting renewal" || notok "resumed"
is "$(privkeys)" 1 "one key again"
check "a third certificate" test "$(cur_serial "$NO")" != "$NEWDEC"
tui_keys F10
is "$(tui_exit_status)" 0 "quits cleanly"
sqlite3 "$(desk_db)" "SELECT action || ' ' || details FROM audit" >"$TESTTMP/audit.txt"
unlike "$(cat "$TESTTMP/audit.txt")" "$PIN|$ANSWER|wrong-school|wrong-again" "no secret in the audit trail"
done_testing
