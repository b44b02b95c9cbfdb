#!/bin/bash
# Resizing redraws everything at the new size, without leftovers.
. "$SRCDIR/tests/tui/lib.sh"
rd_env --staff

tui_start
tui_login admin
tui_wait "Choose a task" >/dev/null
tui_keys Enter
tui_wait "Last login" >/dev/null
tui_expect operators "operators screen at 100x32"
t resize-window -x 70 -y 20
tui_expect operators_70x20 "after resizing to 70x20 the screen is laid out again"
t resize-window -x 30 -y 8
tui_expect too_small "too small a terminal says so"
t resize-window -x 100 -y 32
tui_expect operators "back at 100x32: the same screen as before, no garbage"
tui_keys F10
is "$(tui_exit_status)" 0 "quit"
done_testing
