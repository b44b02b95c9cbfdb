#!/bin/bash
# Scans: JPEG by content, at most 2 MB, stored by SHA-256, checked when viewed.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/cli/lib_desk.sh"
rd_env --staff || exit 1
A=$(newapp clerk individual personal-sign 1)
mkjpeg "$TESTTMP/id.jpg"
check "test JPEG made" test -s "$TESTTMP/id.jpg"

printf 'just text, named like a picture\n' >"$TESTTMP/fake.jpg"
expect_rc 1 "text named .jpg refused" as clerk doc set $A id_copy received --scan "$TESTTMP/fake.jpg"
like "$ERR" "fake.jpg: not a JPEG image" "content checked, file named"
head -c 300 "$TESTTMP/id.jpg" >"$TESTTMP/cut.jpg"
expect_rc 1 "truncated JPEG refused" as clerk doc set $A id_copy received --scan "$TESTTMP/cut.jpg"
like "$ERR" "cut.jpg: not a complete JPEG image" "missing end marker"
{ printf '\377\330\377\331'; } >"$TESTTMP/empty.jpg"
expect_rc 1 "JPEG markers without a frame" as clerk doc set $A id_copy received --scan "$TESTTMP/empty.jpg"
like "$ERR" "without a frame header" "no decodable header"
# A valid JPEG padded past 2 MB with comment segments.
{
	head -c 2 "$TESTTMP/id.jpg"
	for i in $(seq 33); do printf '\377\376\377\377'; head -c 65533 /dev/zero; done
	tail -c +3 "$TESTTMP/id.jpg"
} >"$TESTTMP/big.jpg"
expect_rc 1 "scan over 2 MB refused" as clerk doc set $A id_copy received --scan "$TESTTMP/big.jpg"
like "$ERR" "big.jpg: the scan is larger than 2 MB" "size limit named"
cp "$TESTTMP/id.jpg" "$TESTTMP/photo.png"
expect_rc 1 "missing file" as clerk doc set $A id_copy received --scan "$TESTTMP/none.jpg"
like "$ERR" "none.jpg: cannot open" "missing file named"
is "$(sqlite3 "$(desk_db)" 'SELECT count(*) FROM app_documents')" "0" "nothing recorded by refused scans"
check "nothing stored" test ! -d "$TESTTMP/data/scans"

expect_rc 0 "a JPEG with another name is accepted by content" as clerk doc set $A id_copy received --scan "$TESTTMP/photo.png"
sha=$(sha256sum "$TESTTMP/id.jpg" | cut -c1-64)
stored="$TESTTMP/data/scans/${sha:0:2}/$sha"
check "stored content-addressed by SHA-256" test -f "$stored"
expect_rc 0 "doc list shows the scan" as clerk doc list $A
like "$OUT" "scan $sha" "scan hash listed"
is "$(sqlite3 "$(desk_db)" "SELECT width || 'x' || height FROM scans")" "200x100" "frame size read from the header"
expect_rc 0 "same scan again (deduplicated)" as clerk doc set $A acceptance_form received --scan "$TESTTMP/id.jpg"
is "$(sqlite3 "$(desk_db)" 'SELECT count(*) FROM scans')" "1" "one stored copy"

expect_rc 0 "view the scan" as reviewer doc scan $A id_copy --out "$TESTTMP/view.jpg"
check "viewed copy equals the original" cmp -s "$TESTTMP/id.jpg" "$TESTTMP/view.jpg"
expect_rc 1 "no scan for a document" as reviewer doc scan $A original_id_sighted --out "$TESTTMP/x.jpg"
chmod u+w "$stored"; printf 'X' | dd of="$stored" bs=1 seek=100 conv=notrunc 2>/dev/null
expect_rc 5 "tampered scan detected on view" as reviewer doc scan $A id_copy --out "$TESTTMP/view2.jpg"
like "$ERR" "does not match its SHA-256 $sha" "integrity failure named"
check "nothing written from a tampered scan" test ! -e "$TESTTMP/view2.jpg"
done_testing
