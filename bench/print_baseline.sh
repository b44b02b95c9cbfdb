#!/bin/bash
# Baseline for bench_print: the same organization packet as an HTML document
# (three numbered form copies, agreement, authorization letter, impression
# sheet; the same fields and agreement text) converted by
#   libreoffice --headless --convert-to pdf
# as a service point without radesk would.  Median wall time and peak RSS of
# the conversion process.  Installs libreoffice-writer-nogui if missing
# (benchmarks only; never in make check).  BENCH_LO_N sets the runs.
set -u
cd "$(dirname "$0")/.."
N=${BENCH_LO_N:-5}
if ! command -v libreoffice >/dev/null 2>&1; then
	echo "bench: installing libreoffice-writer-nogui for the baseline" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null 2>&1 ||
		{ echo "| print baseline: libreoffice not available |"; exit 0; }
fi
W=$(mktemp -d /tmp/radesk-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
F=tests/fixtures/print/org.fields
v() { sed -n "s/^$1 *= *//p" "$F" | sed 's/&/\&amp;/g; s/</\&lt;/g'; }

row2() { printf '<tr><th>%s</th><td>%s</td><th>%s</th><td>%s</td></tr>\n' "$1" "$(v "$2")" "$3" "$(v "$4")"; }
row1() { printf '<tr><th>%s</th><td colspan="3">%s</td></tr>\n' "$1" "$(v "$2")"; }
sect() { printf '<tr><td class="s" colspan="4">%s</td></tr>\n' "$1"; }
form() { # copy label
	printf '<p class="r">%s</p><h1>数字证书业务受理表</h1><p class="c">Digital Certificate Application and Acceptance Form</p>\n' "$1"
	printf '<p class="r">受理编号 Application No. %s　受理日期 Date %s</p><table>\n' "$(v app.no)" "$(v app.date)"
	sect "业务信息 Application"
	row2 "业务类型 Type" app.kind "证书产品 Product" product.name
	row2 "产品代码 Product code" product.code "有效期 Validity" product.validity
	row2 "密钥算法 Key type" product.key_type "申请主体 Subject type" subject.type
	row2 "受理网点 Service point" app.service_point_name "受理人 Clerk" app.operator
	row2 "审核人 Reviewer" app.reviewer "备注 Remarks" app.remarks
	sect "证书主体 Certificate subject"
	row1 "名称 Name" subject.name
	row2 "证件类型 ID type" subject.id_type "证件号码 ID number" subject.id_number_masked
	row2 "手机 Mobile" subject.mobile "电子邮箱 E-mail" subject.email
	row1 "地址 Address" subject.address
	sect "单位信息 Organization"
	row1 "单位名称 Organization" organization.name
	row2 "统一社会信用代码 Credit code" organization.credit_code "法定代表人 Legal rep." organization.legal_rep
	row1 "注册地址 Registered address" organization.address
	sect "经办人 Agent at the counter"
	row2 "姓名 Name" agent.name "手机 Mobile" agent.mobile
	row2 "证件类型 ID type" agent.id_type "证件号码 ID number" agent.id_number_masked
	sect "费用 Fee"
	printf '<tr><th>缴费状态 Fee status</th><td colspan="3">☑ 已缴费 Paid　☐ 未缴费 Not paid</td></tr>\n'
	row2 "金额（元） Amount (CNY)" fee.amount "收据号 Receipt No." fee.receipt_no
	printf '</table><p>申请人确认：以上信息真实、准确、完整，已阅读并同意《数字证书订户协议》。The applicant confirms that the data above is true, accurate and complete and accepts the Subscriber Agreement.</p>\n'
	printf '<table><tr class="b"><td>申请人签字（盖章） Applicant signature (seal)</td><td>单位公章 Organization seal</td><td>受理人签字 Clerk signature</td></tr></table>\n'
	printf '<p>领取人（经办人）签收证书 Certificate received by ________________ 日期 Date __________</p>\n'
	printf '<p class="f">%s · %s</p>\n' "$(v app.service_point_name)" "$1"
}
{
	printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>\n'
	printf 'body{font-family:"Noto Sans CJK SC";font-size:10pt} h1{text-align:center;font-size:18pt} .c{text-align:center} .r{text-align:right;font-size:9pt}\n'
	printf 'table{width:100%%;border-collapse:collapse} th,td{border:1px solid #000;padding:3pt;font-weight:normal;text-align:left} th{background:#f2f2f2;font-size:8.5pt}\n'
	printf '.s{background:#dcdcdc;font-weight:bold} .b td{height:70pt;vertical-align:top} .f{font-size:7.5pt;color:#444} .pb{page-break-before:always}\n'
	printf '</style></head><body>\n'
	form "第一联 服务网点留存 Copy 1 of 3 – service point"
	printf '<div class="pb"></div>'; form "第二联 CA 留存 Copy 2 of 3 – CA"
	printf '<div class="pb"></div>'; form "第三联 用户留存 Copy 3 of 3 – subscriber"
	printf '<div class="pb"></div><h1>数字证书订户协议 Subscriber Agreement</h1>\n'
	awk 'NR>3 && /^## /{sub(/^## /,""); print "<h3>" $0 "</h3>"; next} NR>3 && NF{print "<p>" $0 "</p>"}' share/agreement.txt
	printf '<table><tr class="b"><td>订户签字（盖章） Subscriber signature (seal)</td><td>服务网点（盖章） Service point (seal)</td></tr></table>\n'
	printf '<div class="pb"></div><h1>授权委托书</h1><p class="c">Letter of Authorization</p><table>\n'
	row1 "单位名称 Organization" organization.name
	row2 "统一社会信用代码 Credit code" organization.credit_code "法定代表人 Legal rep." organization.legal_rep
	row2 "姓名 Name" agent.name "证件号码 ID number" agent.id_number_masked
	printf '</table><p>兹委托上述受托人代表本单位，到%s办理数字证书“%s”的申请、领取及相关手续。</p>\n' "$(v app.service_point_name)" "$(v product.name)"
	printf '<table><tr class="b"><td>委托单位（公章）</td><td>法定代表人签字</td><td>受托人签字</td></tr></table>\n'
	printf '<div class="pb"></div><h1>印章（签名）印鉴留存卡</h1><table>\n'
	row1 "名称 Name" subject.name
	printf '</table><table><tr class="b"><td style="height:150pt">印章印鉴 1</td><td>印章印鉴 2</td></tr><tr class="b"><td>签名样本 1</td><td>签名样本 2</td></tr></table>\n'
	printf '</body></html>\n'
} >"$W/packet.html"

lo() { # run one conversion; prints "ms kib"
	local t0 t1
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$W/rss" libreoffice -env:UserInstallation=file://$W/profile --headless \
		--convert-to pdf:writer_web_pdf_Export --outdir "$W/out" "$W/packet.html" >/dev/null 2>&1
	t1=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000000 )) $(cat "$W/rss")"
}
lo >/dev/null # first start creates the profile; not counted
[ -s "$W/out/packet.pdf" ] || { echo "| print baseline: libreoffice produced no PDF |"; exit 0; }
for i in $(seq 1 "$N"); do lo; done >"$W/runs"
pages=$(pdfinfo "$W/out/packet.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
med=$(cut -d' ' -f1 "$W/runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
rss=$(cut -d' ' -f2 "$W/runs" | sort -n | tail -1)
printf '| print baseline: libreoffice --headless --convert-to pdf, same packet as HTML (%s pages) | %d runs | median %d ms | peak RSS %.1f MiB |\n' \
	"${pages:-?}" "$N" "$med" "$(echo "$rss" | awk '{print $1/1024}')"
