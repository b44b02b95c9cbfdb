/* ui for applications without a terminal: form scrolling, the detail
 * view's action table, the application screens' registration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "ui/internal.h"

/* The focused field is always among the rows shown, whichever way the
 * focus moves, and the form never scrolls past its last field. */
static void form_scrolls_to_the_focus(void **state)
{
	static ui_field_spec specs[17];
	ui_form f;
	(void)state;
	for (size_t i = 0; i < RD_ARRAY_LEN(specs); i++)
		specs[i] = (ui_field_spec){"f", "F", 10, 10, 0, NULL, NULL, NULL};
	assert_int_equal(ui_form_init(&f, specs, RD_ARRAY_LEN(specs), NULL), 0);
	for (int h = 1; h <= 20; h++) {
		f.top = 0;
		for (size_t k = 0; k < 3 * f.n; k++) {
			/* forwards, backwards, then jumps */
			size_t focus = k < f.n ? k : k < 2 * f.n ? 2 * f.n - 1 - k : (k * 7) % f.n;
			ui_form_focus(&f, focus);
			ui_form_scroll(&f, h);
			assert_true(f.focus >= f.top);
			assert_true(f.focus < f.top + (size_t)h);
			if ((size_t)h <= f.n)
				assert_true(f.top + (size_t)h <= f.n);
			else
				assert_int_equal(f.top, 0);
		}
	}
	/* Moving down one field at a time scrolls by one, not by a page. */
	f.top = 0;
	ui_form_focus(&f, 0);
	for (size_t i = 0; i < f.n; i++) {
		ui_form_focus(&f, i);
		ui_form_scroll(&f, 5);
		assert_int_equal(f.top, i < 5 ? 0 : i - 4);
	}
	ui_form_free(&f);
}

static const ui_screen_ops *detail(void)
{
	const ui_screen_ops *o = ui_screen_find("app_detail");
	assert_non_null(o);
	return o;
}

/* Every action of ui/app_actions.def has a label, functions and a key in
 * the detail view's key table (so F1 help lists it); no two share a key
 * (test_ui_model checks the table as a whole). */
static void detail_actions_are_in_the_key_table(void **state)
{
	const ui_screen_ops *o = detail();
	(void)state;
	assert_true(UI_APP_ACT_COUNT >= 3);
	for (size_t i = 0; i < UI_APP_ACT_COUNT; i++) {
		const ui_app_action *a = &ui_app_actions[i];
		const ui_key *k = ui_keys_find(o->keys, a->key);
		assert_non_null(a->label);
		assert_non_null(a->run);
		assert_non_null(k);
		assert_string_equal(k->help, a->label);
	}
	assert_ptr_equal(ui_app_actions[UI_APP_ACT_edit].run, ui_app_run_edit);
	assert_ptr_equal(ui_app_actions[UI_APP_ACT_cancel].run, ui_app_run_cancel);
	assert_ptr_equal(ui_app_actions[UI_APP_ACT_copy].run, ui_app_run_copy);
}

/* The home menu's clerk entries now open real screens. */
static void menu_entries_have_screens(void **state)
{
	static const char *const ids[] = {"register_individual", "register_organization", "search"};
	(void)state;
	for (size_t i = 0; i < RD_ARRAY_LEN(ids); i++) {
		bool in_menu = false;
		assert_non_null(ui_screen_find(ids[i]));
		for (size_t m = 0; m < ui_menu_n; m++)
			in_menu |= rd_streq(ui_menu[m].screen_id, ids[i]);
		assert_true(in_menu);
	}
	assert_non_null(ui_screen_find("app_edit"));
	assert_non_null(ui_screen_find("app_cancel"));
	assert_non_null(detail()->resume); /* reloads after an action's screen */
	assert_non_null(ui_screen_find("search")->tick);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(form_scrolls_to_the_focus),
		cmocka_unit_test(detail_actions_are_in_the_key_table),
		cmocka_unit_test(menu_entries_have_screens),
	};
	setlocale(LC_ALL, "C.UTF-8");
	setenv("LANGUAGE", "en", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
