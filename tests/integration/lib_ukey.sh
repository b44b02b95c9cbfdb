# Helpers for the UKEY tests through the CLI (sourced after tests/lib.sh or
# tests/tui/lib.sh): a real cfssl CA, a desk with staff, SoftHSM2 tokens,
# and applications taken to "approved".
. "$SRCDIR/tests/cli/lib_desk.sh"
. "$SRCDIR/tests/fixtures/softhsm.sh"
. "$SRCDIR/tests/fixtures/cfssl-ca.sh"

# ukey_setup [MODULE [more [ukey] lines...]]: the cfssl CA started (and
# stopped by a trap on EXIT; a caller with more to clean sets its own trap
# afterwards), a desk with staff (rd_env --staff), a SoftHSM2 folder in
# $TESTTMP/hsm with no tokens yet (softhsm_add_token), the SO PIN in a 0600
# file, and [ukey] (MODULE, default SoftHSM2's own) and [ca] in the config.
ukey_setup() {
	local module=${1:-$SOFTHSM_MODULE}
	[ $# -gt 0 ] && shift
	trap 'cfssl_ca_stop "$TESTTMP/ca"' EXIT
	cfssl_ca_start "$TESTTMP/ca" >/dev/null || { echo "Bail out! the cfssl CA did not start"; exit 1; }
	rd_env --staff || { echo "Bail out! no desk with staff"; exit 1; }
	softhsm_setup "$TESTTMP/hsm"
	printf '%s\n' "$SOFTHSM_SO_PIN" >"$TESTTMP/so-pin"
	chmod 600 "$TESTTMP/so-pin"
	cat >>"$RADESK_CONFIG" <<CONF
[ukey]
module = $module
so_pin_file = $TESTTMP/so-pin
$(printf '%s\n' "$@")
[ca]
$(cfssl_ca_conf)
CONF
}

# fee_due NO: the amount still due on the application, as `fee show` says
fee_due() { as clerk --json fee show "$1" | sed -n 's/.*"due":"\{0,1\}\([0-9.]*\).*/\1/p'; }

# approved_from FILE: an application registered from FILE (- reads stdin),
# submitted, its documents verified, its fee paid and approved by another
# operator; prints its number
approved_from() {
	local no
	no=$(as clerk app new --file "$1") || return 1
	as clerk app submit "$no" >/dev/null && verify_all "$no" clerk &&
		as clerk fee record "$no" --amount "$(fee_due "$no")" --method cash >/dev/null &&
		as reviewer review next >/dev/null && as reviewer review approve "$no" >/dev/null || return 1
	echo "$no"
}
