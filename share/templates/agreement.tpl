# Subscriber agreement: the clauses come from the agreement file ([print] agreement).
footer {agreement.title} · 版本 Version {agreement.version}
title {agreement.title}
meta 受理编号 Application No. {app.no}　　版本 Version {agreement.version}
space 2
agreement
space 2
field 订户 Subscriber | {subject.name}
field 经办人 Agent | {agent.name} | 日期 Date | {print.date}
space 3
signboxes 28 | 订户签字（盖章） Subscriber signature (seal) | 服务网点（盖章） Service point (seal)
