# Authorization letter (授权委托书): for organizations.
footer {app.service_point_name} · 授权委托书 Letter of authorization
title 授权委托书
subtitle Letter of Authorization
meta 受理编号 Application No. {app.no}
space 4
section 委托单位 The organization
field 单位名称 Organization | {organization.name}
field 统一社会信用代码 Credit code | {organization.credit_code} | 法定代表人 Legal rep. | {organization.legal_rep}
field 注册地址 Registered address | {organization.address}
section 受托人 The agent
field 姓名 Name | {agent.name} | 手机 Mobile | {agent.mobile}
field 证件类型 ID type | {agent.id_type} | 证件号码 ID number | {agent.id_number_masked}
space 4
para 兹委托上述受托人代表本单位，到{app.service_point_name}办理数字证书“{product.name}”的申请、领取及相关手续。受托人在办理过程中所签署的文件，本单位均予以承认，并承担相应的法律责任。
para The organization named above authorizes the agent named above to apply for, and to receive, the digital certificate "{product.name}" at {app.service_point_name} on its behalf, and accepts the documents the agent signs in doing so as its own.
para 委托期限：自签署之日起至上述业务办结之日止。The authorization lasts from signature until the application is completed.
space 6
signboxes 40 | 委托单位（公章） Organization seal | 法定代表人签字 Legal representative signature | 受托人签字 Agent signature
