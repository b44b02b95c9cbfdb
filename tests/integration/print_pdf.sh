#!/bin/bash
# print/: the packet as PDF — text, fonts, QR codes and their integrity
# codes, long text, template errors.  Real pdftotext, pdffonts, pdftoppm, zbarimg.
. tests/lib.sh
PR="$TOOLS/print_render"
FX="$SRCDIR/tests/fixtures/print"
T="$TESTTMP"
nows() { tr -d ' \t\n\f'; }

# ---- the packet ------------------------------------------------------------------
expect_rc 0 "render the organization packet" "$PR" render --fields "$FX/org.fields" --doc packet \
	--organization --impression --out "$T/packet.pdf" --created 2026-11-21T09:00:00
like "$OUT" '^pages=6$' "packet: 3 form copies + agreement + authorization + impression sheet"
like "$OUT" 'agreement_version=RADESK-SA-2026.1' "agreement version reported"
sha=$(sha256sum "$T/packet.pdf" | cut -d' ' -f1)
like "$OUT" "sha256=$sha" "reported SHA-256 is the file's"
is "$(pdfinfo "$T/packet.pdf" | awk '/^Pages:/ {print $2}')" 6 "pdfinfo agrees on the page count"
fonts=$(pdffonts "$T/packet.pdf")
like "$fonts" 'NotoSansCJKsc-Regular +CID Type 0C +Identity-H +yes +yes' "Noto Sans CJK SC embedded (subset)"
unlike "$fonts" ' no +(yes|no) +(yes|no) +[0-9]+ +0$' "no font left unembedded"

text=$(pdftotext "$T/packet.pdf" - | nows)
missing=""
while IFS='=' read -r k v; do
	k=$(echo "$k" | tr -d ' '); v=$(echo "$v" | sed 's/^ *//')
	case "$k" in ''|\#*|ukey.*|cert.*|fee.status) continue ;; esac
	case "$text" in *"$(printf '%s' "$v" | nows)"*) ;; *) missing="$missing $k" ;; esac
done <"$FX/org.fields"
is "$missing" "" "pdftotext finds every application field in the packet"
like "$text" '已缴费Paid' "fee status box shows paid"
like "$text" '第一联.*第二联.*第三联' "three numbered copies of the form"
like "$text" '数字证书订户协议' "agreement present"
like "$text" '授权委托书' "authorization letter present"
like "$text" '印鉴留存卡' "impression sheet present"

expect_rc 0 "render the UKEY receipt" "$PR" render --fields "$FX/org.fields" --doc receipt --out "$T/receipt.pdf"
rtext=$(pdftotext "$T/receipt.pdf" - | nows)
for k in ukey.serial ukey.model cert.serial cert.not_after; do
	v=$(sed -n "s/^$k *= *//p" "$FX/org.fields" | nows)
	like "$rtext" "$v" "receipt shows $k"
done

# ---- QR codes: one per page, each verifies -----------------------------------------------
pdftoppm -r 150 -png "$T/packet.pdf" "$T/pg"
n=0 good=0
for png in "$T"/pg-*.png; do
	n=$((n + 1))
	code=$(zbarimg -q --raw "$png" 2>/dev/null)
	[ "$(printf '%s\n' "$code" | grep -c '^RADESK1|')" -eq 1 ] || { echo "# $png: $code"; continue; }
	if "$PR" verify --fields "$FX/org.fields" "$code" >"$T/v.out" 2>&1 && grep -q '^valid=yes' "$T/v.out"; then
		good=$((good + 1))
	else
		diag <"$T/v.out"
	fi
	printf '%s\n' "$code" >>"$T/codes"
done
is "$n" 6 "six page images"
is "$good" 6 "every page's QR code decodes and verifies"
is "$(grep -c '|form|' "$T/codes")" 3 "three form payloads"
like "$(cat "$T/codes")" '\|form\|2/3\|1/1\|' "payload carries the copy number"

# ---- edited payloads and edited data fail ------------------------------------------------------
p1=$(grep '|form|1/3|' "$T/codes")
expect_rc 0 "the genuine payload verifies" "$PR" verify --fields "$FX/org.fields" "$p1"
edited=${p1/|1\/3|/|3\/3|}
expect_rc 1 "copy number edited: refused" "$PR" verify --fields "$FX/org.fields" "$edited"
like "$ERR" 'does not match' "says the integrity code does not match"
like "$OUT" 'valid=no' "valid=no"
edited=${p1/SP01-20261121-0007/SP01-20261121-0008}
expect_rc 1 "application number edited: refused" "$PR" verify --fields "$FX/org.fields" "$edited"
code=${p1##*|}; flip=$( [ "${code:0:1}" = A ] && echo B || echo A )
expect_rc 1 "integrity code edited: refused" "$PR" verify --fields "$FX/org.fields" "${p1%|*}|$flip${code:1}"
sed 's/^subject.name = .*/subject.name = 北京星河软件技术有限责任公司/' "$FX/org.fields" >"$T/changed.fields"
expect_rc 1 "record changed since printing: refused" "$PR" verify --fields "$T/changed.fields" "$p1"
printf '\x01\x02another key, 32 bytes long.....' >"$T/other.key"
expect_rc 1 "another RA's key: refused" "$PR" verify --key-file "$T/other.key" --fields "$FX/org.fields" "$p1"
expect_rc 1 "garbage payload: invalid" "$PR" verify --fields "$FX/org.fields" "hello|world"
like "$ERR" 'payload: not a radesk print code' "names the payload"

# ---- long text wraps or shrinks inside its box ----------------------------------------------------
name60=$(printf '星%.0s' $(seq 1 20); printf '河科技%.0s' $(seq 1 13); printf '司')  # 60 characters
addr200=$(for i in $(seq 1 20); do printf '中关村南大街第%02d号' "$i"; done)            # 200 characters
[ ${#name60} -eq 60 ] && [ ${#addr200} -eq 200 ] && ok "test data: 60-character name, 200-character address" || notok "test data lengths ${#name60} ${#addr200}"
sed -e "s/^subject.name = .*/subject.name = $name60/" -e "s/^organization.name = .*/organization.name = $name60/" \
    -e "s/^subject.address = .*/subject.address = $addr200/" -e "s/^organization.address = .*/organization.address = $addr200/" \
    -e "s/^agent.name = .*/agent.name = $name60/" "$FX/org.fields" >"$T/long.fields"
expect_rc 0 "long names and addresses render" "$PR" render --fields "$T/long.fields" --doc packet --organization --impression --out "$T/long.pdf"
ltext=$(pdftotext "$T/long.pdf" - | nows)
like "$ltext" "$name60" "the whole 60-character name is printed"
like "$ltext" "$addr200" "the whole 200-character address is printed"
# every word inside the printable area (18 mm margins = 51.0 pt; A4 595.3 x 841.9)
out=$(pdftotext -bbox "$T/long.pdf" - | awk -F'"' '/<word /{ if ($2 < 50.5 || $6 > 544.8 || $4 < 20 || $8 > 835) print }')
is "$out" "" "pdftotext -bbox: every word lies within the page margins"
# the name's words stay in the value column of the table (34 mm label -> x >= 147 pt)
out=$(pdftotext -f 1 -l 1 -bbox "$T/long.pdf" - | awk -F'"' '/<word /{ if (index($0, "星星星") && ($2 < 146 || $6 > 544.8)) print }')
is "$out" "" "the long name stays inside its value box"
# a copy that grows past one page continues on the next, with its own QR code
is "$(pdftoppm -r 150 -png "$T/long.pdf" "$T/lg" && for f in "$T"/lg-*.png; do zbarimg -q --raw "$f"; done | grep -c '^RADESK1|')" \
	"$(pdfinfo "$T/long.pdf" | awk '/^Pages:/ {print $2}')" "every page of the long packet has its QR code"

huge=$(for i in $(seq 1 150); do printf '很长的地址'; done)
sed "s/^subject.address = .*/subject.address = $huge/" "$FX/org.fields" >"$T/huge.fields"
expect_rc 1 "text that cannot fit is an error, not clipped" "$PR" render --fields "$T/huge.fields" --doc form --out "$T/huge.pdf"
like "$ERR" 'subject.address: text is too long to fit' "error names the field"
check "no PDF written on error" test ! -e "$T/huge.pdf"

# ---- template and input errors ------------------------------------------------------------------
cp -r "$SRCDIR/share/templates" "$T/tpl"; cp "$SRCDIR/share/agreement.txt" "$T/agreement.txt"
sed -i 's/{subject.name}/{subject.nmae}/' "$T/tpl/receipt.tpl"
line=$(grep -n 'subject.nmae' "$T/tpl/receipt.tpl" | cut -d: -f1)
expect_rc 1 "unknown placeholder: error" "$PR" render --templates "$T/tpl" --fields "$FX/org.fields" --doc form --out "$T/x.pdf"
like "$ERR" "receipt.tpl:$line: unknown placeholder \{subject.nmae\}" "names file:line and the placeholder"
cp "$SRCDIR/share/templates/receipt.tpl" "$T/tpl/receipt.tpl"
printf 'title X\nbarcode {app.no}\n' >"$T/tpl/impression.tpl"
expect_rc 1 "unknown directive: error" "$PR" render --templates "$T/tpl" --fields "$FX/org.fields" --doc form --out "$T/x.pdf"
like "$ERR" "impression.tpl:2: unknown directive 'barcode'" "names file:line and the directive"
rm "$T/tpl/impression.tpl"
expect_rc 1 "missing template: error" "$PR" render --templates "$T/tpl" --fields "$FX/org.fields" --doc form --out "$T/x.pdf"
like "$ERR" "impression.tpl" "names the missing file"
expect_rc 1 "missing font: error" "$PR" render --font "No Such Font Family" --fields "$FX/org.fields" --doc form --out "$T/x.pdf"
like "$ERR" "print.font: font 'No Such Font Family' is not installed" "names the font"
printf 'app.no = SP01-1\nsubject.nmae = x\n' >"$T/bad.fields"
expect_rc 1 "unknown field name: error" "$PR" render --fields "$T/bad.fields" --doc form --out "$T/x.pdf"
like "$ERR" 'bad.fields:2: subject.nmae: unknown field name' "names file:line and the key"
sed 's/^fee.status = .*/fee.status = maybe/' "$FX/org.fields" >"$T/fee.fields"
expect_rc 1 "fee status outside the choices: error" "$PR" render --fields "$T/fee.fields" --doc form --out "$T/x.pdf"
like "$ERR" "fee.status: 'maybe' is not one of the choices" "names the field"
check "nothing written by the failing renders" test ! -e "$T/x.pdf"

# ---- same input, same bytes ----------------------------------------------------------------------
"$PR" render --fields "$FX/org.fields" --doc packet --organization --impression --out "$T/again.pdf" --created 2026-11-21T09:00:00 >/dev/null
check "rendering is reproducible (same fields and date, same PDF)" cmp -s "$T/packet.pdf" "$T/again.pdf"
done_testing
