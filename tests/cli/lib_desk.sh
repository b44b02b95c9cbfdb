# Helpers for the desk's CLI tests (sourced after tests/lib.sh).

desk_db() { echo "$TESTTMP/data/radesk.db"; }

# TEMPORARY until `radesk app new` lands on main: registers an application
# straight in the database.  mkapp NO KIND PRODUCT YEARS CREATED_BY [AGENT]
mkapp() {
	local no=$1 kind=$2 product=$3 years=$4 by=$5 agent=${6:-}
	local uname
	uname=u$(echo "$no" | tr -dc '0-9' | tail -c 11)
	sqlite3 -cmd '.timeout 20000' "$(desk_db)" "INSERT INTO applications(no, service_point, kind, product, years,
		username, created_by, created_at, updated_by, updated_at, subject_name, subject_email, agent_name,
		agent_email) VALUES ('$no', 'SP01', '$kind', '$product', $years, '$uname', '$by', 1795251600, '$by',
		1795251600, 'subject', 'subject@example.cn', nullif('$agent', ''),
		CASE WHEN '$agent' = '' THEN NULL ELSE 'agent@example.cn' END)" >/dev/null
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
