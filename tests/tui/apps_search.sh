#!/bin/bash
# Search with live results (name part, ID number, number, state filter,
# pages), the detail view with its timeline, edit with a concurrent change
# (conflict), cancel with a reason, copy (类似申请) and the auditor's masked
# view.  Applications are put in with the CLI (apps_register.sh covers the
# registration screens).
. "$SRCDIR/tests/tui/lib.sh"
FX="$SRCDIR/tests/fixtures/apps"
rd_env --staff
IND=$(rdas clerk app new --file "$FX/individual.json")
ORG=$(rdas clerk app new --file "$FX/organization.json")
rdas clerk app new --file "$FX/batch.json" >/dev/null 2>&1 # two more: 赵六 and 深圳某某贸易
{ # 25 drafts in one batch: 测试1 ... 测试25
	echo "["
	for i in $(seq 1 25); do
		[ "$i" = 1 ] || echo ","
		sed "s/zhangsan01/many$i/; s/张三/测试$i/; s/11010519491231002x/310101198506152345/" "$FX/individual.json"
	done
	echo "]"
} >"$TESTTMP/many.json"
rdas clerk app new --file "$TESTTMP/many.json" >/dev/null
is "$IND $ORG" "RA-20261121-000001 RA-20261121-000002" "set up: two applications from the fixtures"

tui_start
tui_login clerk
tui_wait "Choose a task" >/dev/null
tui_keys 3
tui_wait "rows 1-" && ok "the search opens with the newest applications" || notok "first page"
like "$(tui_screen)" "RA-20261121-000029 +draft +测试25" "newest first"

# ---- live results ------------------------------------------------------------
tui_type 某某
tui_wait "rows 1-2 of 2" && ok "a name part finds both organizations as it is typed" || notok "name part"
tui_expect apps_search_name "results for a Chinese name part"
tui_keys C-u; tui_type 11010519491231002x
tui_wait "rows 1-1 of 1" && ok "an ID number (lower-case x) finds its application" || notok "ID number"
like "$(tui_screen)" "RA-20261121-000001 +draft +张三 +zhangsan01" "the right one"
tui_keys C-u; tui_type "$ORG"
tui_wait "福建某某科技有限公司" && ok "the number finds its application" || notok "by number"
like "$(tui_screen)" "rows 1-1 of 1" "only that one"
tui_keys C-u; tui_type 没有这个
tui_wait "(nothing to show)" && ok "no match says so" || notok "no match"
tui_keys C-u
tui_wait "rows 1-" >/dev/null

# ---- pages and the state filter ------------------------------------------------
tui_wait "page 1" >/dev/null
tui_keys PPage
like "$(tui_screen)" "page 1" "PgUp on the first page stays there"
tui_keys NPage
tui_wait "page 2" && ok "PgDn shows the next page" || notok "next page"
unlike "$(tui_screen)" "RA-20261121-000029" "the first page's rows are gone"
tui_keys NPage NPage NPage
tui_wait "RA-20261121-000001" && ok "the last page has the oldest" || notok "last page"
tui_keys PPage
tui_gone "RA-20261121-000001" && ok "PgUp goes back a page" || notok "previous page"

# ---- detail view ---------------------------------------------------------------------
tui_keys C-u; tui_type 张三
tui_wait "rows 1-1 of 1" >/dev/null
tui_keys Enter
tui_wait "Timeline" && ok "Enter opens the detail view" || notok "detail view"
tui_expect apps_detail "the detail view: state, version, who and when, every field"
tui_keys End
tui_wait "clerk        registered" && ok "End scrolls to the timeline" || notok "timeline"

# ---- edit with a concurrent change: the conflict message ---------------------------------
tui_keys e
tui_wait "Application $IND (version 1)" && ok "e opens the form pre-filled, version 1" || notok "edit form"
like "$(tui_screen)" "Subscriber name +\* 张三" "pre-filled"
sed 's/138 0013 8000/13900000000/' "$FX/individual.json" >"$TESTTMP/changed.json"
expect_rc 0 "another clerk edits it meanwhile" rdas clerk2 app edit "$IND" --file "$TESTTMP/changed.json"
tui_keys Tab Tab Tab End; tui_type 丰; tui_keys F2
tui_wait "changed by clerk2" && ok "saving the stale version shows the workflow's conflict message" || notok "conflict"
like "$(tui_screen)" "$IND: changed by clerk2 since you loaded it; reload it and try again" "with the number"
like "$(rdas clerk app show "$IND" --json)" '"name":"张三"' "the concurrent change was not overwritten"
tui_keys Escape
tui_wait "Timeline" >/dev/null
like "$(tui_screen)" "version 2" "back in the detail view, reloaded"
tui_keys e
tui_wait "(version 2)" >/dev/null
tui_keys Tab Tab Tab End; tui_type 丰; tui_keys F2
tui_wait "saved as draft $IND" && ok "the reloaded version saves" || notok "save after reload"
like "$(rdas clerk app show "$IND" --json)" '"name":"张三丰"' "the change is stored"
tui_keys Escape
tui_wait "Timeline" >/dev/null
tui_keys End
tui_wait "clerk        edited" && ok "the timeline shows the edits" || notok "timeline edits"
like "$(tui_screen)" "clerk2       edited" "the other clerk's edit too"

# ---- cancel with a reason -------------------------------------------------------------------
tui_keys x
tui_wait "say why" && ok "x asks for a reason" || notok "cancel form"
tui_keys Enter
tui_wait "required" && ok "a reason is required" || notok "reason required"
tui_type 申请人撤回; tui_keys Enter
tui_wait "application $IND cancelled" && ok "cancelled" || notok "cancelled"
tui_keys End
tui_wait "cancelled: 申请人撤回" && ok "the timeline shows the cancellation and its reason" || notok "timeline cancel"
tui_keys Home
tui_wait "cancelled (version 4)" && ok "the state is cancelled" || notok "state cancelled"
tui_keys e
tui_wait "not possible for this application in state cancelled" && ok "a cancelled application cannot be edited" \
	|| notok "no edit after cancel"
like "$(rdas clerk app show "$IND" --json)" '"cancel_reason":"申请人撤回"' "the CLI sees the reason"
tui_keys Escape
tui_wait "rows 1-" >/dev/null

# ---- the state filter ---------------------------------------------------------------------
tui_keys C-u F3
tui_wait "State: draft (F3: next)" && ok "F3 filters by state: draft" || notok "filter draft"
tui_wait "rows 1-21 of 21" >/dev/null
tui_keys NPage
tui_wait "page 2" >/dev/null
tui_wait "RA-20261121-000002" && ok "the second page of drafts" || notok "draft page"
unlike "$(tui_screen)" "RA-20261121-000001 " "the cancelled application is not among the drafts"
tui_keys F3 F3 F3 F3
tui_wait "State: cancelled (F3: next)" && ok "F3 cycles on to cancelled" || notok "filter cancelled"
tui_wait "rows 1-1 of 1" && ok "one cancelled application" || notok "one cancelled"
like "$(tui_screen)" "RA-20261121-000001 +cancelled" "the cancelled one"
tui_keys F3
tui_wait "State: any (F3: next)" && ok "and back to any state" || notok "filter any"

# ---- copy (类似申请) ---------------------------------------------------------------------------
tui_keys C-u; tui_type 91350100M000100Y43
tui_wait "fjcorp01" >/dev/null
like "$(tui_screen)" "rows 1-1 of 1" "the credit code finds its application"
tui_keys Enter
tui_wait "Timeline" >/dev/null
tui_keys c
tui_wait "made as a copy of $ORG" && ok "c makes a new draft from the application" || notok "copy"
tui_expect apps_copy_form "the copy's form: organization and agent filled in, user name and question empty"
tui_type fjcorp02; tui_keys Down Down Down Down Down Down Down Down Down Down
tui_type 公司成立年份; tui_keys Tab; tui_type 2008; tui_keys Tab; tui_type 2026.1; tui_keys Enter
tui_wait "Read every value back" >/dev/null
tui_keys Enter
tui_wait "The application is registered" && ok "the copy is registered" || notok "copy registered"
NEW=$(tui_screen | grep -o 'RA-20261121-0000[0-9][0-9]' | head -1)
tui_keys Enter
tui_wait "Copied from" && ok "its detail view links the original" || notok "copied from"
tui_keys End
like "$(tui_screen)" "Copied from +$ORG" "the original's number"
like "$(tui_screen)" "created as a copy of $ORG" "and the timeline says so"
like "$(rdas clerk app show "$NEW" --json)" '"copied_from":"'"$ORG"'".*"uscc":"91350100M000100Y43"' "the CLI sees the copy"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"

# ---- the auditor: masked identifiers ----------------------------------------------------------
tui_start
tui_login auditor
tui_wait "Choose a task" >/dev/null
tui_keys 4
tui_wait "rows 1-" >/dev/null
tui_type "$ORG"
tui_wait "rows 1-1 of 1" >/dev/null
tui_keys Enter
tui_wait "Timeline" >/dev/null
tui_expect apps_detail_auditor "the auditor's detail view: identifiers masked, no clerk actions"
unlike "$(tui_screen)" "44030519900101123X|91350100M000100Y43|13912345678" "no whole identifier on the auditor's screen"
tui_keys c
tui_wait "not possible" && ok "the auditor cannot copy" || notok "auditor copy refused"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
