# Helpers for the CA outbox's integration tests (sourced after tests/lib.sh,
# tests/cli/lib_desk.sh and tests/fixtures/cfssl-ca.sh, with a CA started).

# ca_conf URL [extra lines]: the configuration with a [ca] section
ca_conf() {
	export RADESK_CONFIG="$TESTTMP/radesk.conf"
	{
		printf '[radesk]\ndata_dir = %s/data\nservice_point = SP01\n[ca]\n' "$TESTTMP"
		printf 'url = %s\ntrust = %s\nclient_cert = %s\nclient_key = %s\nprofile = user\n' \
			"$1" "${CA_TRUST_FILE:-$CA_TRUST}" "$CA_CLIENT_CERT" "${CA_KEY_FILE:-$CA_CLIENT_KEY}"
		shift
		printf '%s\n' "$@"
	} >"$RADESK_CONFIG"
}

# ec_csr OUT SUBJECT: a P-256 key (OUT.key) and CSR made by openssl
ec_csr() {
	openssl req -new -utf8 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj "$2" \
		-keyout "$1.key" -out "$1" 2>/dev/null
}

# careq NO COLUMN: a column of the application's newest CA request
careq() {
	sqlite3 "$(desk_db)" "select $2 from ca_requests where app_id=(select id from applications where no='$1') order by rowid desc limit 1"
}
