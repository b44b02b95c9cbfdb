#!/bin/bash
# The main CLI paths run clean under valgrind (no invalid access, no
# definite leak).  Skipped in the ASan pass: the two tools do not mix.
. "$SRCDIR/tests/lib.sh"
FX="$SRCDIR/tests/fixtures/apps"
case "$RADESK" in *asan*) ok "skipped under ASan"; done_testing; exit 0 ;; esac
command -v valgrind >/dev/null || { ok "skipped: no valgrind"; done_testing; exit 0; }
rd_env --staff
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$SRCDIR/tests/valgrind.supp"
vg() { local u=$1; shift; RADESK_PASSWORD="$u-password-1" $VG "$RADESK" --as "$u" "$@"; }
expect_rc 0 "app new under valgrind" vg clerk app new --file "$FX/organization.json"
NO=$OUT
expect_rc 1 "a rejected batch under valgrind" vg clerk app new --file "$FX/batch.json"
expect_rc 0 "app list with a name query under valgrind" vg clerk app list --query 某某科技 --json
expect_rc 0 "app show under valgrind" vg clerk app show "$NO" --json
expect_rc 0 "app submit under valgrind" vg clerk app submit "$NO"
expect_rc 0 "print to PDF under valgrind" vg clerk print "$NO" --doc form --pdf "$TESTTMP/f.pdf"
expect_rc 0 "audit verify under valgrind" vg auditor audit verify
expect_rc 0 "user list under valgrind" vg admin user list
done_testing
