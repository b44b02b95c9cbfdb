#!/bin/bash
# The UKEY issuance screen end to end: it waits for a UKEY (insertion seen
# by polling), takes the PIN twice in hidden fields, issues onto SoftHSM2
# through the CA outbox to the real cfssl CA, prints the receipt and hands
# over; with the CA down it says plainly that the certificate is awaited and
# F6 finishes once the CA is back.  The admin's stock screen shows counts.
. "$SRCDIR/tests/tui/lib.sh"
. "$SRCDIR/tests/integration/lib_ukey.sh"
ukey_setup "$SOFTHSM_MODULE" "poll_ms = 100"
trap 'cfssl_ca_stop "$TESTTMP/ca"; tui_cleanup' EXIT
approved() { app_json individual personal-sign 1 | approved_from -; }
A1=$(approved); A2=$(approved)
PIN=Tg5h8j2k

tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
tui_keys 6
tui_wait "Issue a UKEY" && ok "the clerk's menu opens the issuance screen" || notok "issuance screen"
tui_wait "waiting for a UKEY" && ok "no UKEY yet: the screen waits for one" || notok "waiting for a UKEY"
S1=$(softhsm_add_token T1)
as admin ukey add "$S1" >/dev/null
tui_wait "UKEY $S1 (SoftHSM v2, in stock)" && ok "the inserted UKEY is seen by polling, with its stock state" \
	|| notok "insertion seen"
tui_type "$A1"; tui_keys Tab Tab # the serial stays empty: the only UKEY inserted
tui_type "$PIN"; tui_keys Tab
tui_type "$PIN"
unlike "$(tui_screen)" "$PIN" "the PIN is never shown"
tui_keys F2
tui_wait "issued: UKEY $S1" && ok "F2 issues the UKEY" || notok "issued"
screen=$(tui_screen)
like "$screen" "\[x\] key pair generated on the UKEY" "progress: key generation"
like "$screen" "\[x\] certificate and CA chain written to the UKEY" "progress: certificate written"
like "$screen" "\[x\] read back: the certificate matches" "progress: read back"
unlike "$screen" "$PIN" "no PIN on the screen after issuing"
is "$(app_state "$A1")" issued "the application is issued"
like "$(pkcs11-tool --module "$SOFTHSM_MODULE" --token-label T1 -O 2>&1)" "Certificate Object" \
	"pkcs11-tool: the certificate is on the token"
tui_keys F8
tui_wait "has not been printed" && ok "hand-over before the receipt is refused" || notok "receipt first"
tui_keys F7
tui_wait "receipt printed:" && ok "F7 prints the receipt" || notok "receipt"
tui_keys F8
tui_wait "handed over: application $A1 is activated" && ok "F8 hands over" || notok "handed over"
is "$(app_state "$A1")" activated "the application is activated"

# ---- the CA is down: the screen says the certificate is awaited, F6 finishes --------------
cfssl_ca_stop "$TESTTMP/ca"
S2=$(softhsm_add_token T2)
as admin ukey add "$S2" >/dev/null
tui_keys Escape
tui_wait "Choose a task" >/dev/null
tui_keys 6
tui_wait "UKEY $S2" >/dev/null
tui_type "$A2"; tui_keys Tab
# two UKEYs in readers: F4 picks among them
for i in 1 2 3; do
	tui_screen | grep -qE "UKEY serial +$S2" && break
	tui_keys F4
	sleep 0.3
done
like "$(tui_screen)" "UKEY serial +$S2" "F4 chooses among the inserted UKEYs"
tui_keys Tab
tui_type "$PIN"; tui_keys Tab
tui_type "$PIN"; tui_keys F2
tui_wait "The CA has not answered. The key stays on UKEY $S2." && ok "CA down: said plainly" || notok "awaiting said"
tui_wait "Keep the UKEY at the counter: it awaits its certificate." && ok "the UKEY is held at the counter" || notok "held"
tui_wait "When the certificate has arrived, F6 finishes the issuance." && ok "and how to finish" || notok "F6 hint"
is "$(sqlite3 "$(desk_db)" "select state from ukeys where serial = '$S2'")" awaiting_certificate \
	"the UKEY is awaiting its certificate"
cfssl_ca_start "$TESTTMP/ca" >/dev/null
sed -i "s|^url = .*|url = $CA_URL|" "$RADESK_CONFIG"
tui_keys Escape
tui_wait "Choose a task" >/dev/null
tui_exit_status >/dev/null 2>&1 || true
# a later session (the configuration is read at start; the clock has moved on)
RADESK_FIXED_TIME=2026-11-21T12:00:00 tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
tui_keys 6
tui_wait "UKEY $S2" >/dev/null
tui_type "$A2"; tui_keys Tab Tab
tui_type "$PIN"; tui_keys F6
tui_wait "issued: UKEY $S2" && ok "F6 finishes once the certificate can be had" || notok "resumed"
is "$(sqlite3 "$(desk_db)" "select state from ukeys where serial = '$S2'")" issued "the UKEY is issued"

# ---- the admin's stock screen -----------------------------------------------------------
tui_start
tui_login admin
tui_wait "Choose a task" >/dev/null
tui_keys 4
tui_wait "Per model and state:" && ok "the stock screen opens" || notok "stock screen"
tui_wait "SoftHSM v2 issued 2" && ok "counts per model and state" || notok "counts"
like "$(tui_screen)" "$S1 .*SoftHSM v2 .*issued .*$A1" "the list shows serial, model, state and application"
tui_keys m
tui_wait "Mark UKEY" >/dev/null
tui_keys Tab; tui_type "subscriber brought it back"; tui_keys Enter
tui_wait "marked" && ok "marking from the stock screen" || notok "mark"
FIRST=$(printf '%s\n' "$S1" "$S2" | sort | head -1)
is "$(sqlite3 "$(desk_db)" "select state || ',' || reason from ukeys where serial = '$FIRST'")" \
	"returned,subscriber brought it back" "the chosen UKEY is returned, with the reason"
done_testing
