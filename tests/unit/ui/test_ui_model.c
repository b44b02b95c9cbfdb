/* ui models without a terminal: key tables, the form and list helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "ui/internal.h"

static const ui_screen_ops *const screens[] = {
#define UI_SCREEN(sid, sym) &sym,
#include "ui/screens.def"
#undef UI_SCREEN
};

/* A key bound twice on one screen would make one binding dead and the
 * help wrong; every binding has help text. */
static void no_key_bound_twice(void **state)
{
	(void)state;
	for (size_t s = 0; s < RD_ARRAY_LEN(screens); s++) {
		const ui_screen_ops *o = screens[s];
		ui_keys sh = o->shared ? *o->shared : (ui_keys){NULL, 0};
		assert_non_null(o->draw);
		assert_ptr_equal(ui_screen_find(o->id), o);
		for (size_t i = 0; i < o->keys.n + sh.n; i++) {
			const ui_key *a = i < o->keys.n ? &o->keys.keys[i] : &sh.keys[i - o->keys.n];
			assert_non_null(a->help);
			for (size_t j = i + 1; j < o->keys.n + sh.n; j++) {
				const ui_key *b = j < o->keys.n ? &o->keys.keys[j] : &sh.keys[j - o->keys.n];
				if (a->key == b->key)
					fail_msg("screen %s binds key %d twice", o->id, a->key);
			}
		}
	}
}

static void menu_entries_have_roles(void **state)
{
	int per_role[5] = {0};
	(void)state;
	for (size_t i = 0; i < ui_menu_n; i++) {
		assert_true(ui_menu[i].role > RD_ROLE_NONE && ui_menu[i].role <= RD_ROLE_AUDITOR);
		per_role[ui_menu[i].role]++;
	}
	for (int r = RD_ROLE_CLERK; r <= RD_ROLE_AUDITOR; r++)
		assert_true(per_role[r] > 0);
	assert_non_null(ui_screen_find("operators"));
	assert_null(ui_screen_find("no_such_screen"));
}

static void printed_keys_cover_every_screen(void **state)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	(void)state;
	rd_ui_print_keys(f);
	fclose(f);
	for (size_t s = 0; s < RD_ARRAY_LEN(screens); s++) {
		char want[64];
		snprintf(want, sizeof want, "(%s)", screens[s]->id);
		assert_non_null(strstr(buf, want));
	}
	assert_non_null(strstr(buf, "F1"));
	assert_non_null(strstr(buf, "Shift-Tab/Up"));
	assert_non_null(strstr(buf, "add an operator"));
	free(buf);
}

static rd_code no_digits(void *ud, const char *v, rd_err *e)
{
	(void)ud;
	return strpbrk(v, "0123456789") ? rd_fail_at(e, RD_E_INVALID, "name", "no digits") : RD_OK;
}

static const ui_field_spec specs[] = {
	{"name", "Name", 10, 4, UI_F_REQUIRED, no_digits, NULL, NULL},
	{"secret", "Secret", 10, 0, UI_F_HIDDEN, NULL, NULL, NULL},
};

static void form_edits_wide_characters(void **state)
{
	ui_form f;
	char *v;
	(void)state;
	assert_int_equal(ui_form_init(&f, specs, 2, NULL), 0);
	ui_form_input(&f, 0x5f20); /* 张 */
	ui_form_input(&f, 0x4e09); /* 三 */
	ui_form_action(&f, UI_FORM_LEFT);
	ui_form_input(&f, 'x');
	v = ui_form_value(&f, 0);
	assert_string_equal(v, "张x三");
	free(v);
	ui_form_action(&f, UI_FORM_END);
	ui_form_input(&f, 'y');
	ui_form_input(&f, 'z'); /* max 4 characters: not taken */
	v = ui_form_value(&f, 0);
	assert_string_equal(v, "张x三y");
	free(v);
	ui_form_action(&f, UI_FORM_BACKSPACE);
	ui_form_action(&f, UI_FORM_HOME);
	ui_form_action(&f, UI_FORM_DELETE);
	v = ui_form_value(&f, 0);
	assert_string_equal(v, "x三");
	free(v);
	ui_form_free(&f);
}

static void form_validates_on_leaving(void **state)
{
	ui_form f;
	(void)state;
	assert_int_equal(ui_form_init(&f, specs, 2, NULL), 0);
	assert_int_equal(ui_form_action(&f, UI_FORM_NEXT), UI_FORM_EV_NONE);
	assert_string_equal(f.f[0].err, "required"); /* msgid: no catalogue here */
	ui_form_focus(&f, 0);
	ui_form_input(&f, '7');
	ui_form_action(&f, UI_FORM_ENTER);
	assert_string_equal(f.f[0].err, "no digits");
	assert_int_equal(f.focus, 1);
	assert_int_equal(ui_form_action(&f, UI_FORM_ENTER), UI_FORM_EV_INVALID);
	assert_int_equal(f.focus, 0); /* the first wrong field */
	ui_form_action(&f, UI_FORM_CLEAR_FIELD);
	ui_form_input(&f, 'a');
	ui_form_focus(&f, 1);
	assert_int_equal(ui_form_action(&f, UI_FORM_ENTER), UI_FORM_EV_SUBMIT);
	rd_err e;
	rd_fail_at(&e, RD_E_CONFLICT, "secret", "taken");
	assert_true(ui_form_set_error(&f, &e));
	assert_string_equal(f.f[1].err, "taken");
	rd_fail_at(&e, RD_E_CONFLICT, "other", "x");
	assert_false(ui_form_set_error(&f, &e));
	ui_form_free(&f);
}

static void list_pages(void **state)
{
	static const ui_column cols[] = {{"A", 3}, {"B", 0}};
	ui_list l;
	(void)state;
	ui_list_init(&l, cols, 2);
	for (int i = 0; i < 25; i++) {
		char a[8];
		snprintf(a, sizeof a, "%d", i);
		const char *cells[2] = {a, "中文"};
		assert_int_equal(ui_list_add(&l, cells), 0);
	}
	l.page = 10;
	ui_list_action(&l, UI_LIST_PGDN);
	assert_int_equal(l.sel, 10);
	ui_list_action(&l, UI_LIST_END);
	assert_int_equal(l.sel, 24);
	ui_list_action(&l, UI_LIST_DOWN);
	assert_int_equal(l.sel, 24);
	ui_list_action(&l, UI_LIST_PGUP);
	assert_int_equal(l.sel, 14);
	ui_list_action(&l, UI_LIST_HOME);
	assert_int_equal(l.sel, 0);
	assert_string_equal(ui_list_cell(&l, 24, 0), "24");
	assert_null(ui_list_cell(&l, 25, 0));
	ui_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_key_bound_twice),
		cmocka_unit_test(menu_entries_have_roles),
		cmocka_unit_test(printed_keys_cover_every_screen),
		cmocka_unit_test(form_edits_wide_characters),
		cmocka_unit_test(form_validates_on_leaving),
		cmocka_unit_test(list_pages),
	};
	setlocale(LC_ALL, "C.UTF-8");
	setenv("LANGUAGE", "en", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
