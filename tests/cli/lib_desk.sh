# Helpers for the desk's CLI tests (sourced after tests/lib.sh).

desk_db() { echo "$TESTTMP/data/radesk.db"; }

# app_json KIND PRODUCT YEARS [agent]: one application as `app new` reads it,
# with a fresh user name.
app_json() {
	local kind=$1 product=$2 years=$3 agent=${4:-} a=""
	DESK_SEQ=$(( $(cat "$TESTTMP/.desk_seq" 2>/dev/null || echo 0) + 1 ))
	echo "$DESK_SEQ" >"$TESTTMP/.desk_seq"
	[ -n "$agent" ] && a=',"agent":{"name":"王五","id_type":"resident_id","id_number":"44030519900101123X","mobile":"13912345678","email":"agent@example.cn"}'
	if [ "$kind" = organization ]; then
		printf '{"kind":"organization","product":"%s","years":%s,"username":"org%s%s","organization":{"name":"福建某某科技有限公司","uscc":"91350100M000100Y43","address":"福建省福州市鼓楼区五四路100号","legal_rep":"李四"},"agent":{"name":"王五","id_type":"resident_id","id_number":"44030519900101123X","mobile":"13912345678","email":"agent@example.cn"},"verification":{"question":"公司成立年份","answer":"2008"},"agreement_version":"2026.1"}' \
			"$product" "$years" "${DESK_TAG:-}" "$DESK_SEQ"
	else
		printf '{"kind":"individual","product":"%s","years":%s,"username":"ind%s%s","subject":{"name":"张三","id_type":"resident_id","id_number":"11010519491231002X","mobile":"13800138000","email":"subject@example.cn"}%s,"verification":{"question":"我的小学校名","answer":"Chaoyang"},"agreement_version":"2026.1"}' \
			"$product" "$years" "${DESK_TAG:-}" "$DESK_SEQ" "$a"
	fi
}

# newapp USER KIND PRODUCT YEARS [agent]: registers through `radesk app new`
# and prints the application number.
newapp() {
	local u=$1; shift
	app_json "$@" | RADESK_PASSWORD="$u-password-1" "$RADESK" --as "$u" app new --file - 2>>"$TESTTMP/newapp.err"
}

# verify_all NO USER: every document on the checklist verified.
verify_all() {
	local no=$1 u=$2 t
	for t in $(as "$u" --json doc list "$no" | grep -o '"type":"[a-z_]*"' | cut -d'"' -f4); do
		as "$u" doc set "$no" "$t" verified >/dev/null || return 1
	done
}

# A JPEG made by poppler from a one-page PDF: mkjpeg OUT [DPI]
mkjpeg() {
	local out=$1 dpi=${2:-72}
	printf '%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' >"$TESTTMP/page.pdf"
	pdftoppm -jpeg -r "$dpi" -singlefile "$TESTTMP/page.pdf" "${out%.jpg}" 2>/dev/null
}

# state NO: the application's state through the CLI
app_state() { as admin --json doc list "$1" | sed -n 's/.*"state":"\([a-z_]*\)".*/\1/p'; }
app_version() { as admin --json doc list "$1" | sed -n 's/.*"version":\([0-9]*\).*/\1/p'; }
