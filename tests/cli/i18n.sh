#!/bin/bash
# Every user-facing string has a Chinese translation; --lang and the
# locale choose the language.
. "$SRCDIR/tests/lib.sh"

missing=$(cd "$SRCDIR" && BUILD_DIR="$BUILD" scripts/po-missing 2>/dev/null | grep -c '^msgid "[^"]')
is "$missing" "0" "every msgid in the sources has a zh_CN translation"
[ "$missing" = 0 ] || (cd "$SRCDIR" && scripts/po-missing | grep '^msgid' | head -20 | diag)

expect_rc 0 "help in Chinese with --lang zh_CN" "$RADESK" --lang zh_CN --help
like "$OUT" "命令" "Chinese help text"
like "$OUT" "创建数据库" "command summaries translated"
expect_rc 0 "help in English with --lang en" "$RADESK" --lang en --help
like "$OUT" "Commands:" "English help text"
expect_rc 0 "LANGUAGE=zh_CN picks Chinese" env LANGUAGE=zh_CN "$RADESK" --help
like "$OUT" "命令" "locale decides without --lang"
expect_rc 0 "--lang en overrides LANGUAGE=zh_CN" env LANGUAGE=zh_CN "$RADESK" --lang en --help
like "$OUT" "Commands:" "override works"

rd_env --staff
expect_rc 3 "Chinese error message" env RADESK_PASSWORD=bad-password-x "$RADESK" --lang zh_CN --as clerk user list
like "$ERR" "用户名或密码错误" "login failure in Chinese"
expect_rc 1 "Chinese refusal names the role" env RADESK_PASSWORD=clerk-password-1 "$RADESK" --lang zh_CN --as clerk user list
like "$ERR" "受理员无权" "role refusal in Chinese"
done_testing
