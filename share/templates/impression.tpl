# Seal / signature impression sheet, when the product needs one.
footer {app.service_point_name} · 印鉴留存卡 Impression sheet
title 印章（签名）印鉴留存卡
subtitle Seal and Signature Impression Sheet
meta 受理编号 Application No. {app.no}
space 3
field 名称 Name | {subject.name}
if organization
field 单位名称 Organization | {organization.name}
field 统一社会信用代码 Credit code | {organization.credit_code}
end
field 证书产品 Product | {product.name} | 日期 Date | {print.date}
space 4
para 请在下列方框内加盖印章或签名，印鉴应清晰、完整，不得超出方框。Please stamp the seal or sign inside each box below; the impression must be clear, complete and inside the box.
boxes 55 | 印章印鉴 1 Seal impression 1 | 印章印鉴 2 Seal impression 2
boxes 40 | 签名样本 1 Signature sample 1 | 签名样本 2 Signature sample 2 | 签名样本 3 Signature sample 3
space 4
sign 受理人核对 Checked by clerk
