#!/bin/bash
# The admin's Settings screen: the effective configuration by section with
# where each value came from, secrets never on screen; the CA link checked
# against a real cfssl with mutual TLS (and against a closed port), the
# printer queue against a private cupsd (ready, stopped, missing, server
# down).
. "$SRCDIR/tests/tui/lib.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"
. "$SRCDIR/tests/fixtures/cupsd.sh"
trap 'cfssl_ca_stop "$TESTTMP/ca"; cupsd_stop; tui_cleanup' EXIT
rd_env --staff || exit 1
cfssl_ca_start "$TESTTMP/ca" >/dev/null || { notok "cfssl CA starts"; done_testing; exit 1; }
cupsd_start >/dev/null || { notok "cupsd starts"; done_testing; exit 1; }
cupsd_queue deskq "$TESTTMP/cups/out/deskq.pdf" || { notok "queue added"; done_testing; exit 1; }

AUTH_KEY=00112233445566778899aabbccddeeff
cat >>"$RADESK_CONFIG" <<CONF
[ca]
url = $CA_URL
trust = $CA_TRUST
client_cert = $CA_CLIENT_CERT
client_key = $CA_CLIENT_KEY
auth_key = $AUTH_KEY
tick_batch = 0
[notify]
webhook = https://sms:s3cr3t-pw@hooks.example.cn/send?token=tk-4711&to=1
command = /usr/bin/sms-send --password hunter2-pw --to agent
[print]
printer = deskq
CONF
SECRETS="$AUTH_KEY|s3cr3t-pw|tk-4711|hunter2-pw"

tui_start
tui_login admin
tui_wait "Choose a task" >/dev/null
tui_keys 5
tui_wait "Configuration file:" >/dev/null
tui_expect settings "the configuration by section: values, defaults, lines of the file"
# Every page of the list: secrets never shown, masked where they are.
all=""
for i in 1 2 3 4 5; do
	all="$all$(tui_screen)"
	tui_keys NPage
	sleep 0.1
done
like "$all" "auth_key +line [0-9]+ +\*\*\*\*\*\*" "auth_key is shown as ****** with its line"
like "$all" "webhook +line [0-9]+ +https://sms:\*\*\*\*\*\*@hooks.example.cn/send\?token=\*\*\*\*\*\*" \
	"the webhook's password and token are masked, the rest shown"
like "$all" "command +line [0-9]+ +/usr/bin/sms-send --password \*\*\*\*\*\* --to agent" "a password in the command is masked"
unlike "$all" "$SECRETS" "no secret appears on any page"
like "$all" "client_key +line [0-9]+ +\\\$TESTTMP/ca/ra-key.pem" "the client key's file name (not a secret) is shown"
like "$all" "tick_batch +line [0-9]+ +0" "a configured number with its line"
like "$all" "max_skew +default +600" "a default marked as such"
like "$all" "\[retention\]" "the last section is reached"

# The CA link: TLS handshake, chain, clock, against cfssl.
tui_keys c
tui_wait "CA link: ok" && ok "c: the CA link is ok" || notok "CA link ok"
like "$(tui_screen)" "CA link: ok · cfssl $CA_URL, TLSv1\.[23], HTTP/(2|1\.1), handshake [0-9.]+ ms" \
	"driver, URL, TLS version and handshake time"
like "$(tui_screen)" "chain trusted · valid until 20[0-9-]+ · clock skew [-+][0-9]+ s \(at most 600\) · CA CN=radesk test root" \
	"trusted chain, validity, clock skew and the CA's name"

# The printer queue: ready, then stopped, then gone.
tui_keys p
tui_wait "Printer: ok" && ok "p: the printer queue is ok" || notok "printer ok"
like "$(tui_screen)" "Printer: ok · queue deskq on \\\$TESTTMP/cups/cups.sock is idle and accepting jobs" \
	"queue, server and state"
cupsdisable deskq
tui_keys p
tui_wait "Printer: failed" && ok "a stopped queue fails the check" || notok "stopped queue"
like "$(tui_screen)" "printer queue deskq is stopped" "... saying it is stopped"
cupsenable deskq
cupsreject deskq
tui_keys p
tui_wait "is not accepting jobs" && ok "a queue rejecting jobs fails the check, saying so" || notok "rejecting"
cupsaccept deskq
tui_keys p
tui_wait "Printer: ok" && ok "accepting again: ok" || notok "ok again"
[ -e "$TESTTMP/cups/out/deskq.pdf" ] && notok "the check printed something" || ok "nothing was printed"
cupsd_stop
tui_keys p
tui_wait "Printer: failed · print.printer: " && ok "the print server down: failed" || notok "server down"
like "$(tui_screen)" "print server|cannot reach" "... naming the print server"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
unlike "$(cat "$TESTTMP/tui.err")" "$SECRETS" "no secret on radesk's stderr"

# A CA on a closed port, a queue that does not exist.
port=$(cfssl_ca__free_port)
sed -i -e "s|^url = .*|url = https://127.0.0.1:$port|" -e "s|^printer = .*|printer = nosuchq|" "$RADESK_CONFIG"
cupsd_start >/dev/null || notok "cupsd starts again"
tui_start
tui_login admin
tui_wait "Choose a task" >/dev/null
tui_keys 5
tui_wait "Configuration file:" >/dev/null
tui_keys c
tui_wait "CA link: failed" && ok "a closed port: the CA link fails" || notok "closed port"
like "$(tui_screen)" "CA link: failed · .*(127\.0\.0\.1|$port).*(refused|connect)" "... saying the connection was refused"
tui_keys p
tui_wait "Printer: failed" && ok "an unknown queue fails the check" || notok "unknown queue"
like "$(tui_screen)" "no printer queue named nosuchq" "... naming the queue"
tui_keys r
tui_wait "Configuration file:" && ok "r reloads the list" || notok "reload"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

# In Chinese.
tui_start --lang zh_CN
tui_login admin
tui_wait "请选择" >/dev/null
tui_keys 5
tui_wait "配置文件：" >/dev/null
tui_expect zh_settings "the settings in Chinese"
tui_keys c
tui_wait "CA 连接：失败 · ca.url: https://127.0.0.1:$port" && ok "the failed CA check in Chinese" || notok "zh CA check"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

# Other roles have no Settings entry; the workflow refuses them anyway.
tui_start
tui_login auditor
tui_wait "Choose a task" >/dev/null
unlike "$(tui_screen)" "Settings" "the auditor's menu has no Settings"
tui_keys F10
tui_exit_status >/dev/null
done_testing
