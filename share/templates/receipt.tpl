# UKEY hand-over receipt.
footer {app.service_point_name} · UKEY 交接单 UKEY hand-over receipt
title 数字证书介质（UKEY）交接单
subtitle UKEY Hand-over Receipt
meta 受理编号 Application No. {app.no}
space 3
section 证书 Certificate
field 证书主体 Subject | {subject.name}
field 证书产品 Product | {product.name} | 密钥算法 Key type | {product.key_type}
field 证书序列号 Certificate serial | {cert.serial}
field 生效日期 Valid from | {cert.not_before} | 失效日期 Valid until | {cert.not_after}
section 介质 Token
field UKEY 序列号 UKEY serial | {ukey.serial} | 型号 Model | {ukey.model}
section 领取人 Received by
field 姓名 Name | {recipient.name} | 手机 Mobile | {recipient.mobile}
field 证件类型 ID type | {recipient.id_type} | 证件号码 ID number | {recipient.id_number_masked}
space 3
para 领取人确认已收到上述 UKEY 及证书，介质外观完好，已当场设置或收到初始 PIN 码封套，并知悉 PIN 码须自行妥善保管。The recipient confirms receiving the UKEY and certificate above in good condition, has set the PIN or received the sealed PIN envelope, and knows that the PIN must be kept secret.
signboxes 28 | 领取人签字 Recipient signature | 交付人签字 Handed over by
