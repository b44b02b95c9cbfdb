#!/bin/bash
# The screens in Chinese (--lang zh_CN): translated, and aligned by display
# width (a Chinese character takes two columns).
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff

tui_start --lang zh_CN
tui_expect zh_login "login screen in Chinese"
tui_type 张三; tui_keys Enter; tui_type x-password-1; tui_keys Enter
tui_wait "用户名或密码错误" && ok "the login error in Chinese" || notok "error in Chinese"
tui_expect zh_login_failed "a Chinese name in the field, aligned"
tui_keys Up C-u; tui_type admin; tui_keys Tab; tui_type admin-password-1; tui_keys Enter
tui_expect zh_home_admin "admin home menu in Chinese"
tui_keys Enter
tui_expect zh_operators "operators list in Chinese, columns aligned"
tui_keys a
tui_type 王五; tui_keys Tab
tui_expect zh_operator_add "add-operator form: labels of different widths aligned"
tui_keys F1
tui_expect zh_help "F1 help in Chinese"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

tui_start --lang en
tui_expect login "--lang en: the English login screen"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
