#!/bin/bash
# Applications through the CLI: import, validation naming every field,
# nothing stored on rejection, encryption at rest, search, masking, edit
# with versions, cancel, copy.
. "$SRCDIR/tests/lib.sh"
FX="$SRCDIR/tests/fixtures/apps"
DB="$TESTTMP/data/radesk.db"
rd_env --staff || { notok "set up"; done_testing; exit 1; }
count_apps() { sqlite3 "$DB" "SELECT count(*) FROM applications"; }

expect_rc 0 "an individual application is registered" as clerk app new --file "$FX/individual.json"
like "$OUT" "^RA-20261121-000001$" "it gets the day's first number"
IND=$OUT
expect_rc 0 "an organization application is registered" as clerk app new --file "$FX/organization.json"
like "$OUT" "^RA-20261121-000002$" "numbers count up"
ORG=$OUT

expect_rc 1 "a reviewer cannot register" as reviewer app new --file "$FX/individual.json"
like "$ERR" "reviewer may not" "refusal names the role"

# Every failing field is named with its JSON path and rule; nothing stored.
n0=$(count_apps)
sed 's/11010519491231002x/110105194912310023/; s/"username":"zhangsan01"/"username":"zhang_san!"/; s/zhangsan@example.cn/zhangsan@localhost/' \
	"$FX/individual.json" >"$TESTTMP/bad.json"
expect_rc 1 "a record with three bad fields is rejected" as clerk app new --file "$TESTTMP/bad.json"
like "$ERR" "subject.id_number: .*check character" "ID check character named"
like "$ERR" "username: " "user name named"
like "$ERR" "subject.email: " "email named"
is "$(count_apps)" "$n0" "nothing stored for a rejected record"

expect_rc 1 "a taken user name is refused" as clerk app new --file "$FX/individual.json"
like "$ERR" "username: .*already taken" "duplicate user name named"
sed 's/zhangsan01/ZHANGSAN01/' "$FX/individual.json" >"$TESTTMP/dupcase.json"
expect_rc 1 "user names are unique regardless of case" as clerk app new --file "$TESTTMP/dupcase.json"

echo '{"kind":"individual", "years": "one"' >"$TESTTMP/broken.json"
expect_rc 1 "malformed JSON is refused" as clerk app new --file "$TESTTMP/broken.json"
like "$ERR" "broken.json|line" "malformed JSON names where"
printf '{"kind":"individual","product":"personal-sign","years":"1","username":"u1","subject":{"name":"a\\u0007b"}}' >"$TESTTMP/types.json"
expect_rc 1 "wrong types and control characters are refused" as clerk app new --file "$TESTTMP/types.json"
like "$ERR" "years: " "wrong type named"
like "$ERR" "subject.name: " "control character named"
printf '{"kind":"individual","username":"u2","subject":{"name":"\xff\xfe"}}' >"$TESTTMP/utf8.json"
expect_rc 1 "invalid UTF-8 is refused" as clerk app new --file "$TESTTMP/utf8.json"
python3 -c "import json;print(json.dumps({'kind':'individual','product':'personal-sign','years':1,'username':'u3','subject':{'name':'张'*61}}))" >"$TESTTMP/long.json"
expect_rc 1 "an oversize name is refused" as clerk app new --file "$TESTTMP/long.json"
like "$ERR" "subject.name: " "oversize name named"
is "$(count_apps)" "$n0" "still nothing stored"

# Batch: each element on its own, summary at the end.
expect_rc 1 "a batch with one bad element" as clerk app new --file "$FX/batch.json"
is "$(echo "$OUT" | wc -l)" "2" "two numbers printed"
like "$ERR" "\[1\]\.subject\.mobile: " "bad element's field has its index"
like "$ERR" "\[1\]\.subject\.id_number: " "every failing field of the element"
like "$ERR" "2 accepted, 1 rejected" "summary line"
cat "$FX/individual.json" | sed 's/zhangsan01/stdin01/; s/11010519491231002x/510107197811205678/' >"$TESTTMP/stdin.json"
expect_rc 0 "import from standard input" sh -c "RADESK_PASSWORD=clerk-password-1 '$RADESK' --as clerk app new --file - <'$TESTTMP/stdin.json'"

# Personal identifiers and the answer never appear in clear in the database.
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for secret in 11010519491231002X 44030519900101123X 91350100M000100Y43 13800138000 13912345678 "Chaoyang Primary" "chaoyang primary"; do
	if grep -q -a -- "$secret" "$DB" "$DB-wal" 2>/dev/null; then notok "'$secret' absent from the database file"; else ok "'$secret' absent from the database file"; fi
done

# Show: the clerk sees the whole number, the auditor a masked one.
expect_rc 0 "clerk shows an application" as clerk app show "$IND" --json
like "$OUT" '"id_number":"11010519491231002X"' "clerk sees the whole ID (upper-cased)"
like "$OUT" '"mobile":"13800138000"' "mobile normalised"
unlike "$OUT" "Chaoyang" "the answer is never shown"
like "$OUT" '"action":"app.register"' "timeline from the audit trail"
expect_rc 0 "auditor shows an application" as auditor app show "$IND" --json
like "$OUT" '"id_number":"110105\*+002X"' "auditor sees a masked ID"
like "$OUT" '"masked":true' "masking is said"
expect_rc 0 "text view" as clerk app show "$ORG"
like "$OUT" "福建某某科技有限公司" "organization name shown"
expect_rc 1 "an unknown number" as clerk app show RA-20991231-999999
like "$ERR" "no application RA-20991231-999999" "unknown number named"

# Search: exact through the blind index, substring for names.
q() { as clerk app list --json --query "$1"; }
like "$(q 11010519491231002x)" "\"no\":\"$IND\"" "find by ID number (any case)"
like "$(q 44030519900101123X)" "\"no\":\"$ORG\"" "find by the agent's ID number"
like "$(q 91350100M000100Y43)" "\"no\":\"$ORG\"" "find by credit code"
like "$(q '138-0013-8000')" "\"no\":\"$IND\"" "find by mobile in another format"
like "$(q zhangsan01)" "\"no\":\"$IND\"" "find by user name"
like "$(q 张三)" "\"no\":\"$IND\"" "find by a two-character Chinese name"
like "$(q 某某科技)" "\"no\":\"$ORG\"" "find by part of an organization name"
like "$(q 科)" "\"no\":\"$ORG\"" "find by one character"
is "$(q 不存在的名字)" "[]" "no false matches"
is "$(q 11010519491231002)" "[]" "a partial ID number finds nothing (exact only)"
like "$(q "$ORG")" "\"no\":\"$ORG\"" "find by number"
like "$(as clerk app list --json --state draft)" "\"no\":\"$ORG\"" "state filter"
is "$(as clerk app list --json --state paid)" "[]" "state filter excludes"
is "$(as clerk app list --json --from 2026-11-22)" "[]" "date filter"
n=$(as clerk app list --json --limit 2 --page 1 | grep -o '"no"' | wc -l)
is "$n" "2" "paging: first page of two"
n2=$(as clerk app list --json --limit 2 --page 3 | grep -o '"no"' | wc -l)
is "$n2" "1" "paging: last page"
expect_rc 2 "a limit that is not a number is refused" as clerk app list --limit 2x
like "$ERR" "--limit is 1 to 1000" "the message names --limit"
expect_rc 2 "page 0 is refused" as clerk app list --page 0

# Edit with versions.
sed 's/138 0013 8000/13811112222/; s/"answer":"Chaoyang Primary"/"answer":""/' "$FX/individual.json" >"$TESTTMP/edit.json"
expect_rc 0 "the clerk edits a draft" as clerk app edit "$IND" --file "$TESTTMP/edit.json" --version 1
like "$(as clerk app show "$IND" --json)" '"mobile":"13811112222".*"version":2' "the change is stored and the version bumped"
expect_rc 1 "an edit based on an old version is refused" as clerk2 app edit "$IND" --file "$TESTTMP/edit.json" --version 1
like "$ERR" "changed by clerk" "conflict says who changed it"
expect_rc 1 "an edit with a version that is not a number is refused" as clerk app edit "$IND" --file "$TESTTMP/edit.json" --version v2
like "$ERR" "'v2' is not a version number" "the message names the bad version"
expect_rc 1 "a reviewer cannot edit" as reviewer app edit "$IND" --file "$TESTTMP/edit.json"

# Copy (类似申请) and cancel.
expect_rc 0 "copy an organization application" as clerk app copy "$ORG"
COPY=$OUT
like "$COPY" "^RA-20261121-0000" "the copy has its own number"
out=$(as clerk app show "$COPY" --json)
like "$out" '"name":"福建某某科技有限公司"' "organization data copied"
like "$out" '"copied_from":"'"$ORG"'"' "copy is linked to its source"
like "$out" '"username":""' "user name left for the clerk"
expect_rc 2 "cancel needs a reason" as clerk app cancel "$ORG"
expect_rc 0 "cancel with a reason" as clerk app cancel "$ORG" --reason "applicant withdrew"
like "$(as clerk app show "$ORG" --json)" '"state":"cancelled"' "state is cancelled"
expect_rc 1 "a cancelled application cannot be edited" as clerk app edit "$ORG" --file "$FX/organization.json"
expect_rc 1 "nor cancelled twice" as clerk app cancel "$ORG" --reason again
expect_rc 0 "a cancelled application's user name is free again" as clerk app new --file "$FX/organization.json"
expect_rc 0 "the audit chain still verifies" as auditor audit verify
done_testing
