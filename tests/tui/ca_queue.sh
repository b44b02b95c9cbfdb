#!/bin/bash
# The admin's CA queue: a failed request with its reason, retry from the
# screen, then the TUI's background submission sends it to a real cfssl CA.
. "$SRCDIR/tests/tui/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"
. "$SRCDIR/tests/tools/ca_outbox_lib.sh"
trap 'tui_cleanup; cfssl_ca_stop "$TESTTMP/ca"' EXIT
cfssl_ca_start "$TESTTMP/ca" >/dev/null || { notok "cfssl CA starts"; done_testing; exit 1; }
ca_conf "$CA_URL" "tick_batch = 5"
cp "$RADESK_CONFIG" "$TESTTMP/good.conf"
rd_env --staff || exit 1
A=$("$TOOLS/ca_prep" approve 1)
ec_csr "$TESTTMP/a.csr" "/CN=张三/C=CN"
as clerk ca request "$A" --csr "$TESTTMP/a.csr" >/dev/null
# the CA down and one attempt allowed: the request fails and waits for an admin
ca_conf "https://127.0.0.1:$(cfssl_ca__free_port)" "max_attempts = 1" "tick_batch = 0"
as clerk ca submit "$A" >/dev/null 2>&1
is "$(careq "$A" state)" failed "the request failed while the CA was down"
export RADESK_CONFIG="$TESTTMP/good.conf"

tui_start
tui_login admin
tui_wait "CA failed 1" && ok "the status bar counts the failed request" || notok "status bar"
tui_keys 2
tui_wait "Reason" && ok "the admin's CA queue opens" || notok "ca queue"
like "$(tui_screen)" "$A +enroll +failed" "the failed request is listed"
like "$(tui_screen)" "Failed to connect to 127.0.0.1" "... with its whole reason below the list"
tui_keys t
tui_wait "is queued again" && ok "t retries the selected request" || notok "retry"
for i in $(seq 1 40); do [ "$(app_state "$A")" = issued ] && break; sleep 0.25; done
is "$(app_state "$A")" issued "the background submission issued it while the TUI was idle"
tui_keys f
tui_wait "all requests" && ok "f shows all requests" || notok "all"
tui_keys r
tui_wait "done" && ok "the done request is listed" || notok "done"
tui_keys F10
is "$(tui_exit_status)" 0 "the admin quits"
done_testing
