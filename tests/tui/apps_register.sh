#!/bin/bash
# The clerk registers an individual and an organization through the
# screens: Chinese typed into fields, a field error shown beside the field
# on leaving it and corrected, save as draft, the review page, confirm; the
# CLI then sees the applications with the right data.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff

tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null

# ---- individual -------------------------------------------------------------
tui_keys 1
tui_wait "register an individual" >/dev/null
tui_expect apps_individual_empty "the individual form: labels, required marks, choices, help"
tui_keys Tab Tab; tui_type zhang01; tui_keys Tab
tui_type 张三; tui_keys Tab Tab
tui_type 110105194912310023; tui_keys Tab   # wrong check character
tui_wait "check character is X, not 3" && ok "a wrong ID check character is shown on leaving the field" \
	|| notok "ID error on leaving"
tui_type 13800138000; tui_keys Tab
tui_type zs@example; tui_keys Tab
tui_expect apps_individual_errors "errors beside their fields: ID check character and email domain"
tui_keys F2
tui_wait "not saved; see the fields marked" && ok "a draft with format errors is refused" || notok "draft refused"
is "$(rdas clerk app list --json)" "[]" "nothing stored"
# F2 put the focus on the first wrong field: the ID number.
tui_keys C-u; tui_type 11010519491231002x; tui_keys Tab
tui_gone "check character is X, not 3" && ok "the corrected ID number clears its error" || notok "error cleared"
tui_keys Tab End; tui_type .cn; tui_keys F2
tui_wait "saved as draft RA-20261121-000001" && ok "F2 saves an incomplete application as a draft" || notok "draft saved"
like "$(rdas clerk app show RA-20261121-000001 --json)" '"state":"draft"' "the draft is stored"
tui_wait "11010519491231002X" && ok "the form shows the stored (normalised) values" || notok "normalised"
tui_keys F3
tui_wait "correct the fields marked first" && ok "review is refused while required fields are empty" || notok "review refused"
tui_wait "Verification question *" >/dev/null
# F3 focused the first empty required field: the question.
tui_type 我的小学; tui_keys Tab
tui_type "Chaoyang Primary"; tui_keys Tab
tui_keys Enter # the agreement version is filled in: the current one
tui_wait "Read every value back" && ok "Enter on the last field opens the review page" || notok "review page"
tui_expect apps_individual_review "the review page shows every value, the answer hidden"
unlike "$(tui_screen)" "Chaoyang" "the verification answer is never on the screen"
tui_keys Escape
tui_wait "Verification answer" && ok "Esc goes back to the form" || notok "back to form"
tui_keys F3
tui_wait "Read every value back" >/dev/null
tui_keys Enter
tui_wait "The application is registered and submitted" && ok "confirming registers and submits it" || notok "registered"
tui_expect apps_individual_number "the number is shown prominently"
tui_keys Enter
tui_wait "Timeline" && ok "Enter opens the new application's detail view" || notok "detail"
tui_keys Escape
tui_wait "Choose a task" >/dev/null

# ---- organization -----------------------------------------------------------
tui_keys 2
tui_wait "register an organization" >/dev/null
tui_keys Right                              # org-sign -> org-seal
tui_keys Tab C-u; tui_type 2; tui_keys Tab
tui_type fjcorp01; tui_keys Tab
tui_type 福建某某科技有限公司; tui_keys Tab
tui_type 91350100M000100Y44; tui_keys Tab
tui_wait "check character is 3, not 4" && ok "a wrong credit code check character is shown on leaving" \
	|| notok "USCC error"
tui_keys Up C-u; tui_type "91350100m000100y43"; tui_keys Tab
tui_gone "check character is 3, not 4" && ok "corrected" || notok "USCC corrected"
tui_type 福建省福州市鼓楼区五四路100号; tui_keys Tab
tui_type 李四; tui_keys Tab
tui_type 王五; tui_keys Tab Tab
tui_type 44030519900101123X; tui_keys Tab
tui_type 13912345678; tui_keys Tab
tui_type wangwu@example.com; tui_keys Tab
tui_type 公司成立年份; tui_keys Tab
tui_type 2008; tui_keys Tab
tui_keys Tab
tui_expect apps_organization_form "the organization form filled in, Chinese aligned"
tui_keys F3
tui_wait "Read every value back" >/dev/null
tui_expect apps_organization_review "the organization review page"
tui_keys Enter
tui_wait "RA-20261121-000002" && ok "the organization is registered" || notok "org registered"
tui_keys Escape
tui_wait "Choose a task" >/dev/null

# ---- the same user name again: the workflow's error beside the field ----------
tui_keys 1
tui_wait "register an individual" >/dev/null
tui_keys Tab Tab; tui_type ZHANG01; tui_keys F2
tui_wait "already taken" && ok "a taken user name comes back beside the user name field" || notok "username taken"
like "$(tui_screen | grep 'User name')" "ZHANG01 +the user name 'ZHANG01' is already taken" "beside the field"
tui_keys Escape
tui_wait "Choose a task" >/dev/null
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

# ---- the CLI sees what the screens registered -----------------------------------
expect_rc 0 "app list" rdas clerk app list --json
like "$OUT" '"no":"RA-20261121-000001","kind":"individual","product":"personal-sign","username":"zhang01","state":"submitted","name":"张三"' \
	"the individual in the list"
like "$OUT" '"no":"RA-20261121-000002","kind":"organization","product":"org-seal","username":"fjcorp01","state":"submitted","name":"福建某某科技有限公司"' \
	"the organization in the list"
expect_rc 0 "app show (individual)" rdas clerk app show RA-20261121-000001 --json
like "$OUT" '"subject":\{"email":"zs@example.cn","id_number":"11010519491231002X","id_type":"resident_id","mobile":"13800138000","name":"张三"\}' \
	"the subscriber's data as typed (ID upper-cased)"
like "$OUT" '"verification":\{"question":"我的小学"\}' "the question stored, the answer not shown"
like "$OUT" '"action":"app.edit"' "the draft was completed by an edit"
expect_rc 0 "the stored application is complete" rdas clerk app show RA-20261121-000002 --json
like "$OUT" '"organization":\{"address":"福建省福州市鼓楼区五四路100号","legal_rep":"李四","name":"福建某某科技有限公司","uscc":"91350100M000100Y43"\}' \
	"the organization's data (credit code upper-cased)"
like "$OUT" '"agent":\{"email":"wangwu@example.com","id_number":"44030519900101123X","id_type":"resident_id","mobile":"13912345678","name":"王五"\}' \
	"the agent's data"
like "$OUT" '"years":2' "validity years"
done_testing
