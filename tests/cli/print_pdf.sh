#!/bin/bash
# radesk print to a PDF (no printer): every application field on paper, each
# page's QR code verifies through `radesk print verify`, edited payloads and
# changed records fail, the audit row carries the PDF's SHA-256, roles,
# reprints, and faults (missing template, missing font) change nothing.
. "$SRCDIR/tests/lib.sh"
FX="$SRCDIR/tests/fixtures/apps"
T="$TESTTMP"
rd_env --staff || { notok "set up"; done_testing; exit 1; }
nows() { tr -d ' \t\n\f'; }
prints() { # NO ACTION: how many audit rows with that action
	rdas auditor audit list --object "$1" --json | grep -o "\"action\":\"$2\"" | wc -l
}

expect_rc 0 "register an organization" as clerk app new --file "$FX/organization.json"
ORG=$OUT
expect_rc 0 "register an individual" as clerk app new --file "$FX/individual.json"
IND=$OUT

# ---- the organization's packet -----------------------------------------------------
expect_rc 0 "print the organization packet to a PDF" as clerk print "$ORG" --pdf "$T/org.pdf"
like "$OUT" "^pages +6$" "six pages: three form copies, agreement, authorization letter, impression sheet"
sha=$(sha256sum "$T/org.pdf" | cut -d' ' -f1)
like "$OUT" "^sha256 +$sha$" "the SHA-256 shown is the file's"
like "$OUT" "^printer +none" "no printer configured: only the PDF"
is "$(pdfinfo "$T/org.pdf" | awk '/^Pages:/ {print $2}')" 6 "pdfinfo agrees"

text=$(pdftotext "$T/org.pdf" - | nows)
missing=""
for v in "$ORG" 福建某某科技有限公司 91350100M000100Y43 福建省福州市鼓楼区五四路100号 李四 王五 \
	"440305********123X" 13912345678 wangwu@example.com fjcorp01 org-seal \
	"单位电子印章证书" "2年" "单位Organization" "居民身份证" clerk 2026-11-21 "Demoservicepoint" SP01 \
	"RADESK-SA-2026.1" "未缴费Notpaid"; do
	case "$text" in *"$(printf '%s' "$v" | nows)"*) ;; *) missing="$missing $v" ;; esac
done
is "$missing" "" "pdftotext finds every application field in the organization packet"
unlike "$text" "44030519900101123X" "the agent's ID number is printed masked"
unlike "$text" "2008" "the verification answer is never printed"
like "$text" '第一联.*第二联.*第三联' "three numbered copies of the form"
like "$text" '授权委托书' "authorization letter for the organization"
like "$text" '印鉴留存卡' "impression sheet for the seal product"

# ---- QR codes ------------------------------------------------------------------------
pdftoppm -r 150 -png "$T/org.pdf" "$T/pg"
n=0 good=0
for png in "$T"/pg-*.png; do
	n=$((n + 1))
	code=$(zbarimg -q --raw "$png" 2>/dev/null)
	printf '%s\n' "$code" >>"$T/codes"
	if rdas auditor print verify "$code" >"$T/v.out" 2>&1; then
		grep -q "^code .*valid (printed 2026-11-21 17:00 by clerk)" "$T/v.out" && good=$((good + 1))
	else
		diag <"$T/v.out"
	fi
done
is "$n" 6 "six page images"
is "$good" 6 "every page's QR code decodes and verifies with radesk print verify"
p1=$(grep "^RADESK1|$ORG|form|1/3|" "$T/codes")
expect_rc 0 "verify --json" rdas clerk print verify "$p1" --json
like "$OUT" "\"no\":\"$ORG\",\"doc\":\"form\",\"copy\":1,\"copies\":3" "says which application, document and copy"
like "$OUT" '"valid":true' "valid"
expect_rc 1 "copy number edited: fails" rdas clerk print verify "${p1/|1\/3|/|2\/3|}"
like "$OUT" "NOT valid" "says the code does not hold"
like "$ERR" "payload: the integrity code does not match application $ORG" "says why"
code=${p1##*|}; flip=$([ "${code:0:1}" = A ] && echo B || echo A)
expect_rc 1 "integrity code edited: fails" rdas clerk print verify "${p1%|*}|$flip${code:1}"
expect_rc 1 "a page naming the other application: fails" rdas clerk print verify "${p1/$ORG/$IND}"
like "$ERR" "no print of the acceptance form is recorded for application $IND" "never printed: says so"
expect_rc 1 "an unknown application" rdas clerk print verify "${p1/$ORG/RA-20991231-000009}"
like "$ERR" "no application RA-20991231-000009" "names the number"
expect_rc 1 "garbage" rdas clerk print verify "hello|world"
like "$ERR" "payload: " "names the payload"

# ---- the audit row -----------------------------------------------------------------------------
expect_rc 0 "audit list" rdas auditor audit list --object "$ORG" --json
like "$OUT" '"action":"print.packet"' "the print is in the audit trail"
like "$OUT" "\"sha256\":\"$sha\"" "with the PDF's SHA-256 (sha256sum)"
like "$OUT" '"copies":1,"doc":"packet"' "with copies and document"
like "$OUT" '"pages":6' "with pages"
like "$OUT" '"agreement_version":"RADESK-SA-2026.1"' "with the agreement version"
like "$OUT" '"reprint":false' "first print"
unlike "$OUT" "44030519900101123X|13912345678" "no personal identifier in the audit row"
expect_rc 0 "the audit chain holds" rdas auditor audit verify

# ---- roles and reprints -------------------------------------------------------------------
expect_rc 1 "an auditor cannot print" rdas auditor print "$ORG" --pdf "$T/a.pdf"
like "$ERR" "auditor" "the refusal names the role"
check "no PDF from the auditor" test ! -e "$T/a.pdf"
expect_rc 1 "a reviewer cannot print what was never printed" rdas reviewer print "$IND" --pdf "$T/r.pdf"
like "$ERR" "only a clerk prints .* the first time" "says only a clerk prints first"
expect_rc 0 "a reviewer may reprint" rdas reviewer print "$ORG" --doc form --pdf "$T/form.pdf" --json
like "$OUT" '"reprint":true' "reported as a reprint"
like "$OUT" '"pages":3' "the form alone: three copies"
expect_rc 0 "an admin may reprint" rdas admin print "$ORG" --doc agreement --pdf "$T/agr.pdf"
is "$(prints "$ORG" 'print\.[a-z]*')" 3 "every print and reprint is recorded"
expect_rc 0 "the clerk reprints the packet into the data folder" rdas clerk print "$ORG"
pdf=$(printf '%s\n' "$OUT" | sed -n 's/^pdf  *//p')
like "$pdf" "/data/prints/$ORG/packet-20261121T090000Z.pdf$" "default path under the data folder"
check "the default PDF exists" test -s "$pdf"
is "$(prints "$ORG" 'print\.packet')" 2 "the reprint is recorded again"

# ---- the individual -------------------------------------------------------------------------
expect_rc 0 "print the individual packet" as clerk print "$IND" --pdf "$T/ind.pdf"
like "$OUT" "^pages +4$" "three form copies and the agreement"
itext=$(pdftotext "$T/ind.pdf" - | nows)
missing=""
for v in "$IND" 张三 "110105********002X" 13800138000 zhangsan@example.cn zhangsan01 \
	personal-sign "1年" "个人Individual"; do
	case "$itext" in *"$(printf '%s' "$v" | nows)"*) ;; *) missing="$missing $v" ;; esac
done
is "$missing" "" "pdftotext finds every field of the individual application"
unlike "$itext" "授权委托书" "no authorization letter for an individual"
expect_rc 1 "no authorization letter for an individual" as clerk print "$IND" --doc authorization --pdf "$T/x.pdf"
like "$ERR" "doc: the authorization letter is for organization" "says why"

# ---- a changed record no longer matches its old paper -----------------------------------------------
pdftoppm -r 150 -png -f 1 -l 1 "$T/ind.pdf" "$T/ind"
icode=$(zbarimg -q --raw "$T"/ind-1.png 2>/dev/null)
expect_rc 0 "the individual's first page verifies" rdas clerk print verify "$icode"
sed 's/138 0013 8000/139 0013 9000/' "$FX/individual.json" >"$T/ind2.json"
expect_rc 0 "the clerk edits the mobile" as clerk app edit "$IND" --file "$T/ind2.json"
expect_rc 1 "the old paper no longer verifies" rdas clerk print verify "$icode"
like "$ERR" "changed after it was printed" "says the application changed since printing"

# ---- bad input and faults: clear error, nothing changed ------------------------------------------------
rows0=$(prints "$ORG" 'print\.[a-z]*')
expect_rc 1 "an unknown document" as clerk print "$ORG" --doc letter --pdf "$T/x.pdf"
like "$ERR" "doc: 'letter' is not a document" "names the option"
expect_rc 2 "copies out of range" as clerk print "$ORG" --copies 0
like "$ERR" "copies is a number from 1 to 99" "says the range"
expect_rc 1 "an unknown application" as clerk print RA-20991231-000009 --pdf "$T/x.pdf"
like "$ERR" "RA-20991231-000009" "names the number"
expect_rc 2 "no number" as clerk print
mkdir -p "$T/tpl"; cp "$SRCDIR"/share/templates/*.tpl "$T/tpl/"; rm "$T/tpl/agreement.tpl"
{ cat "$RADESK_CONFIG"; printf '[print]\ntemplates = %s/tpl\nagreement = %s/share/agreement.txt\n' "$T" "$SRCDIR"; } >"$T/notpl.conf"
expect_rc 1 "a missing template" as clerk --config "$T/notpl.conf" print "$ORG" --pdf "$T/x.pdf"
like "$ERR" "tpl/agreement.tpl: cannot read" "names the missing template file"
{ cat "$RADESK_CONFIG"; printf '[print]\nfont = No Such Font Sans\n' ; } >"$T/nofont.conf"
expect_rc 1 "a missing font" as clerk --config "$T/nofont.conf" print "$ORG" --pdf "$T/x.pdf"
like "$ERR" "print.font: font 'No Such Font Sans' is not installed" "names the font"
mkdir -p "$T/badfonts"; echo "not a font" >"$T/badfonts/Fake.otf"
{ cat "$RADESK_CONFIG"; printf '[print]\nfont_dir = %s/badfonts\n' "$T"; } >"$T/badfonts.conf"
expect_rc 1 "a font folder with a broken font file" as clerk --config "$T/badfonts.conf" print "$ORG" --pdf "$T/x.pdf"
like "$ERR" "print.font_dir: .*badfonts/Fake.otf is not a font file" "names the file"
{ cat "$RADESK_CONFIG"; printf '[print]\nfont_dir = %s/no-such-folder\n' "$T"; } >"$T/nofontdir.conf"
expect_rc 1 "a font folder that does not exist" as clerk --config "$T/nofontdir.conf" print "$ORG" --pdf "$T/x.pdf"
like "$ERR" "print.font_dir: cannot open the font folder .*no-such-folder" "names the folder"
check "no PDF written after the faults" test ! -e "$T/x.pdf"
is "$(prints "$ORG" 'print\.[a-z]*')" "$rows0" "nothing recorded for refused or failed prints"

# ---- prepared fonts (make fonts): the same paper, a fraction of the font --------------------
# share/fonts holds Noto Sans CJK SC without subroutines; a folder without
# fonts means the system's copy, whose subset carries every local subroutine.
mkdir -p "$T/nofonts"
{ cat "$RADESK_CONFIG"; printf '[print]\nfont_dir = %s/nofonts\n' "$T"; } >"$T/sysfont.conf"
expect_rc 0 "print with the prepared fonts (default share/fonts)" as clerk print "$ORG" --doc form --pdf "$T/flat.pdf"
expect_rc 0 "print with the system's fonts" as clerk --config "$T/sysfont.conf" print "$ORG" --doc form --pdf "$T/sys.pdf"
is "$(pdftotext "$T/flat.pdf" - | nows)" "$(pdftotext "$T/sys.pdf" - | nows)" "same text either way"
like "$(pdffonts "$T/flat.pdf")" 'NotoSansCJKsc-Regular +CID Type 0C +Identity-H +yes +yes' "prepared Noto Sans CJK SC embedded as a subset"
flat=$(stat -c %s "$T/flat.pdf") sys=$(stat -c %s "$T/sys.pdf")
check "the prepared font makes the PDF at least 5x smaller ($flat vs $sys bytes)" test $((flat * 5)) -lt "$sys"
pdftoppm -r 60 -png -f 1 -l 1 "$T/flat.pdf" "$T/flat"; pdftoppm -r 60 -png -f 1 -l 1 "$T/sys.pdf" "$T/sys"
check "page 1 renders the same pixels with either font" cmp -s "$T/flat-1.png" "$T/sys-1.png"

expect_rc 0 "radesk help print" "$RADESK" help print
like "$OUT" "radesk print NO \[--doc packet\|form\|agreement\|authorization\|impression\|receipt\]" "help shows the print usage"
like "$OUT" "radesk print verify PAYLOAD" "help shows verify"
done_testing
