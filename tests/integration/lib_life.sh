# Helpers for the after-issuance tests: a real cfssl CA, and applications
# taken to issued/activated through the CA outbox with a software CSR.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"

life_setup() {
	cfssl_ca_start "$TESTTMP/ca" >/dev/null || { echo "Bail out! cfssl did not start"; exit 1; }
	trap 'cfssl_ca_stop "$TESTTMP/ca"' EXIT
	export RADESK_CONFIG="$TESTTMP/radesk.conf"
	mkdir -p "$TESTTMP/data"
	cat >"$RADESK_CONFIG" <<CONF
[radesk]
data_dir = $TESTTMP/data
service_point = SP01
[ca]
driver = cfssl
$(cfssl_ca_conf)
${LIFE_EXTRA_CONF:-}
CONF
	rd_env --staff || exit 1
}

# csr OUT CN [O]: a software P-256 key and CSR with the approved subject
csr() {
	local subj="/CN=$2"
	[ -n "${3:-}" ] && subj="/CN=$2/O=$3"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -utf8 \
		-keyout "${1%.csr}.key" -subj "$subj" -out "$1" 2>/dev/null
}

# approved KIND: an application registered, checked, paid and approved
approved() {
	local no product=personal-sign
	[ "$1" = organization ] && product=org-sign
	no=$(newapp clerk "$1" "$product" 1) && as clerk app submit "$no" >/dev/null &&
		verify_all "$no" clerk && as clerk fee record "$no" --amount "$(fee_of "$no")" --method cash >/dev/null &&
		as reviewer review next >/dev/null && as reviewer review approve "$no" >/dev/null && echo "$no"
}
fee_of() { as clerk --json fee show "$1" | sed -n 's/.*"due":"\([0-9.]*\)".*/\1/p'; }

# issued KIND: approved, enrolled with a software CSR, signed by cfssl
issued() {
	local no cn o=""
	no=$(approved "$1") || return 1
	if [ "$1" = organization ]; then cn=福建某某科技有限公司; o=$cn; else cn=张三; fi
	csr "$TESTTMP/$no.csr" "$cn" "$o" &&
		as clerk ca request "$no" --csr "$TESTTMP/$no.csr" >/dev/null &&
		as clerk ca submit "$no" >/dev/null && echo "$no"
}

# certdb_status SERIAL_DEC: "status|reason" in cfssl's own certdb
certdb() { sqlite3 "$CA_DB" "SELECT status || '|' || coalesce(reason, 0) FROM certificates WHERE serial_number = '$1'"; }
cur_serial() { as admin --json cert show "$1" | sed -n 's/.*"serial_dec":"\([0-9]*\)".*/\1/p'; }
serials() { sqlite3 "$CA_DB" "SELECT serial_number FROM certificates ORDER BY rowid"; }
audit_count() { sqlite3 "$(desk_db)" "SELECT count(*) FROM audit WHERE action = '$1' AND object = '$2'"; }
