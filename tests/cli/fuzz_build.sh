#!/bin/bash
# The libFuzzer targets compile (they are run by `make fuzz`, not here).
. "$SRCDIR/tests/lib.sh"
if ! command -v clang >/dev/null 2>&1; then
	ok "fuzz targets: skipped, clang is not installed"
	done_testing
	exit
fi
run env FUZZ_BUILD="$TESTTMP/fuzz" "$SRCDIR/tests/fuzz/run" --build-only
is "$RC" 0 "tests/fuzz/run --build-only succeeds"
[ "$RC" -eq 0 ] || { printf '%s\n%s\n' "$OUT" "$ERR" | tail -30 | diag; }
for t in check_resident_id check_uscc check_mobile check_landline check_email check_postal_code \
	check_username check_name check_address check_passport check_hk_macau_permit \
	check_taiwan_permit check_foreign_pr norm app_json config; do
	check "fuzz_$t built" test -x "$TESTTMP/fuzz/fuzz_$t"
done
# a built target runs its seeds without finding anything
run "$TESTTMP/fuzz/fuzz_app_json" -runs=0 "$SRCDIR/tests/fuzz/corpus/app_json"
is "$RC" 0 "fuzz_app_json replays its seed corpus cleanly"
done_testing
