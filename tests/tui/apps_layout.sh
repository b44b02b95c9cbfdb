#!/bin/bash
# The registration form in Chinese (labels from the forms table's Chinese
# column, aligned by display width) and on small terminals: the focused
# field is always on the screen, the form scrolls.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff

tui_start --lang zh_CN
tui_login clerk
tui_wait "个人申请登记" >/dev/null
tui_keys 2
tui_wait "单位申请登记" >/dev/null
tui_keys Tab Tab; tui_type qiye01; tui_keys Tab; tui_type 福建某某科技有限公司; tui_keys Tab
tui_type 91350100M000100Y44; tui_keys Tab
tui_wait "统一社会信用代码" >/dev/null
tui_expect zh_apps_organization "the organization form in Chinese: labels aligned, a field error beside its field"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

# 70x16: the body has room for a few fields only; the focus is always shown.
tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
t resize-window -x 70 -y 16
tui_keys 2
tui_wait "register an organization" >/dev/null
like "$(tui_screen)" "↓" "an arrow says fields are hidden below"
tui_keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab
tui_type 公司成立年份
tui_wait "公司成立年份" && ok "the 13th field (verification question) is on the screen when focused" || notok "scrolled"
like "$(tui_screen)" "Verification question" "its label too"
like "$(tui_screen)" "↑" "an arrow says fields are hidden above"
unlike "$(tui_screen)" "Product " "the first field scrolled away"
tui_expect apps_organization_70x16 "the scrolled form at 70x16"
tui_keys PPage PPage
tui_wait "Product" && ok "PgUp goes back to the first fields" || notok "PgUp"
tui_keys NPage NPage
tui_wait "Agreement version" && ok "PgDn reaches the last field" || notok "PgDn"
t resize-window -x 100 -y 32
tui_wait "Product" && ok "at 100x32 every field fits again" || notok "resize back"
like "$(tui_screen)" "Agreement version" "the last field too"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
