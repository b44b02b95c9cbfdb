# Business acceptance form (业务受理表): printed in numbered copies.
# Directives: see print/internal.h.  {field} placeholders: see print/print.h.
copies 第一联 服务网点留存 Copy 1 of 3 – service point | 第二联 CA 留存 Copy 2 of 3 – CA | 第三联 用户留存 Copy 3 of 3 – subscriber
footer {app.service_point_name}（{app.service_point}）· 本表一式三联 · This form is made out in three numbered copies.
qr top

meta {copy.label}
title 数字证书业务受理表
subtitle Digital Certificate Application and Acceptance Form
meta 受理编号 Application No. {app.no}　　受理日期 Date {app.date}

section 业务信息 Application
field 业务类型 Type | {app.kind} | 证书产品 Product | {product.name}
field 产品代码 Product code | {product.code} | 有效期 Validity | {product.validity}
field 密钥算法 Key type | {product.key_type} | 申请主体 Subject type | {subject.type}
field 受理网点 Service point | {app.service_point_name} | 受理人 Clerk | {app.operator}
field 审核人 Reviewer | {app.reviewer} | 备注 Remarks | {app.remarks}

section 证书主体 Certificate subject
field 名称 Name | {subject.name}
field 证件类型 ID type | {subject.id_type} | 证件号码 ID number | {subject.id_number_masked}
field 手机 Mobile | {subject.mobile} | 电子邮箱 E-mail | {subject.email}
field 地址 Address | {subject.address}

if organization
section 单位信息 Organization
field 单位名称 Organization | {organization.name}
field 统一社会信用代码 Credit code | {organization.credit_code} | 法定代表人 Legal rep. | {organization.legal_rep}
field 注册地址 Registered address | {organization.address}
end

section 经办人 Agent at the counter
field 姓名 Name | {agent.name} | 手机 Mobile | {agent.mobile}
field 证件类型 ID type | {agent.id_type} | 证件号码 ID number | {agent.id_number_masked}

section 费用 Fee
check 缴费状态 Fee status | {fee.status} | paid=已缴费 Paid | unpaid=未缴费 Not paid
field 金额（元） Amount (CNY) | {fee.amount} | 收据号 Receipt No. | {fee.receipt_no}

space 1.5
para 申请人确认：以上信息真实、准确、完整，已阅读并同意《数字证书订户协议》。The applicant confirms that the data above is true, accurate and complete and accepts the Subscriber Agreement.
signboxes 24 | 申请人签字（盖章） Applicant signature (seal) | 单位公章 Organization seal | 受理人签字 Clerk signature
sign 领取人（经办人）签收证书 Certificate received by
