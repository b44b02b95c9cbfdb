/* Internal to ui/: the screen architecture every screen plugs into.
 *
 * A screen is a ui_screen_ops table (ui/screens.def lists them all) plus a
 * state pointer it allocates in open().  Screens never draw outside draw()
 * and never hold a WINDOW *: the main loop erases the terminal, draws the
 * title line, asks the top screen to draw its body into a rectangle, then
 * draws the message line and the status bar (one place draws).
 *
 * Keys are data: each screen has a ui_key table (key, action, help text).
 * The dispatcher looks a key up in the screen's own table, then in its
 * shared table (forms, lists), then in the global table; F1 help and
 * rd_ui_print_keys() are generated from the same tables. */
#ifndef RADESK_UI_INTERNAL_H
#define RADESK_UI_INTERNAL_H

#include <curses.h>
#include <wchar.h>

#include "ui/ui.h"

/* ---- keys ------------------------------------------------------------------
 * A key is one int: a character (as wget_wch gives it, CJK included) or a
 * curses function key code wrapped with UI_FN. */
#define UI_FN(k) (0x1000000 | (k))
#define UI_IS_FN(k) (((k) & 0x1000000) != 0)
#define UI_CTRL(c) ((c) & 0x1f)
#define UI_ESC 27

/* Action ids: a screen's own actions are small positive numbers (its enum);
 * shared helpers reserve ranges. */
enum {
	UI_ACT_NONE = 0,
	UI_ACT_FORM = 1000, /* ui_form_keys: 1000..1099 */
	UI_ACT_LIST = 1100, /* ui_list_keys: 1100..1199 */
	UI_ACT_GLOBAL = 1200, /* ui_global_keys */
};

typedef struct ui_key {
	int key;          /* 'a', '\n', UI_FN(KEY_F(1)), UI_FN(KEY_UP) ... */
	int action;       /* passed to ops->action */
	const char *help; /* N_(); rows with the same action and help are one line */
} ui_key;

typedef struct ui_keys {
	const ui_key *keys;
	size_t n;
} ui_keys;
#define UI_KEYS(table) {(table), RD_ARRAY_LEN(table)}

/* "F1", "Enter", "Ctrl-L", "a"... (not translated: keys are keys) */
void ui_key_name(int key, char *out, size_t n);
const ui_key *ui_keys_find(ui_keys t, int key);
/* Walks a table as help lines: keys with the same action and help joined
 * ("Enter/Down  next field"); rows without help are not listed. */
void ui_keys_lines(ui_keys t, void (*fn)(void *ud, const char *keys, const char *help), void *ud);

/* ---- geometry and drawing helpers ------------------------------------------ */
typedef struct ui_rect {
	int y, x, h, w;
} ui_rect;

typedef struct ui ui;
typedef struct ui_screen ui_screen;

typedef enum ui_result {
	UI_UNHANDLED = 0, /* try the next table / input() */
	UI_HANDLED,
} ui_result;

enum ui_attr { UI_A_NORMAL, UI_A_TITLE, UI_A_STATUS, UI_A_SELECTED, UI_A_ERROR, UI_A_OK, UI_A_DIM, UI_A_FIELD };
int ui_attr_of(int attr); /* curses attributes for a ui_attr */

/* Draws UTF-8 text at (y, x), at most maxw columns (CJK counts 2, never a
 * half character); returns the columns used. */
int ui_text(int y, int x, int maxw, int attr, const char *utf8);
/* Same, padded with spaces to exactly w columns. */
void ui_text_pad(int y, int x, int w, int attr, const char *utf8);
/* Columns a UTF-8 string takes. */
int ui_width(const char *utf8);

/* ---- screens ----------------------------------------------------------------- */
enum {
	UI_SCREEN_NO_STATUS = 1, /* cover the whole terminal (lock screen) */
	UI_SCREEN_NO_GLOBAL = 2, /* global keys (F1, Esc, F10...) do not apply */
	UI_SCREEN_NO_LOCK = 4,   /* the idle lock does not apply (login screen) */
};

typedef struct ui_screen_ops {
	const char *id;    /* "operators"; menu entries refer to screens by id */
	const char *title; /* N_() */
	ui_keys keys;      /* the screen's own keys */
	const ui_keys *shared; /* &ui_form_keymap, &ui_list_keymap or NULL */
	unsigned flags;
	/* Allocate s->state; arg is whatever ui_push was given.  Non-zero
	 * refuses (after ui_msg_error saying why). */
	int (*open)(ui *u, ui_screen *s, const void *arg);
	void (*close)(ui *u, ui_screen *s); /* free s->state; wipe secrets */
	void (*draw)(ui *u, ui_screen *s, ui_rect body);
	ui_result (*action)(ui *u, ui_screen *s, int action);
	/* Keys in no table (typed text).  May be NULL. */
	ui_result (*input)(ui *u, ui_screen *s, int key);
	/* Called when a screen above it was popped (reload lists).  May be NULL. */
	void (*resume)(ui *u, ui_screen *s);
	/* Called on the top screen when the time asked for with ui_tick_after
	 * has passed (live search after the operator stops typing).  May be NULL. */
	void (*tick)(ui *u, ui_screen *s);
} ui_screen_ops;

struct ui_screen {
	const ui_screen_ops *ops;
	void *state;
};

/* The application.  Screens reach the workflows through ui_ctx(u). */
rd_ctx *ui_ctx(ui *u);
/* Screen stack: push opens the screen (returns its open() result); pop
 * closes the top one; home closes all but the bottom one. */
int ui_push(ui *u, const ui_screen_ops *ops, const void *arg);
int ui_push_id(ui *u, const char *id, const void *arg); /* "not available yet" if unknown */
void ui_pop(ui *u);
/* Is s the screen on top (nothing pushed over it)? */
bool ui_is_top(const ui *u, const ui_screen *s);
void ui_reset(ui *u, const ui_screen_ops *ops, const void *arg); /* close all, open ops */
/* Message line (until the next key): info, or error in the error colour. */
void ui_msg(ui *u, const char *fmt, ...) RD_PRINTF(2, 3);
void ui_msg_error(ui *u, const char *fmt, ...) RD_PRINTF(2, 3);
void ui_msg_err(ui *u, const rd_err *e); /* "field: why" */
/* Where the terminal cursor goes after drawing (hidden when not set). */
void ui_cursor(ui *u, int y, int x);
void ui_quit(ui *u);
void ui_logout(ui *u); /* audit the logout, back to the login screen */
/* One tick() of the top screen ms milliseconds from now; asking again
 * moves the time (debouncing).  Pushing or popping a screen forgets it. */
void ui_tick_after(ui *u, int ms);
/* Draws the screen at once, for progress during long work done inside an
 * action (a UKEY making a key); the main loop draws again afterwards. */
void ui_draw_now(ui *u);
/* The CA outbox's background submission (ui/scr_ca.c), called when idle. */
void ui_ca_background(ui *u);
/* True when the interface speaks Chinese (labels then come from the forms
 * table's Chinese column, as printed on the paper forms). */
bool ui_lang_zh(void);

/* Registered screens (ui/screens.def). */
const ui_screen_ops *ui_screen_find(const char *id);

/* ---- form helper -------------------------------------------------------------
 * Labels and one-line fields with wide-character editing, hidden fields
 * (never drawn, wiped when freed), choice fields, required marks and a
 * per-field validator that runs when the operator leaves the field; its
 * message is shown beside the field. */
typedef rd_code (*ui_validate_fn)(void *ud, const char *value, rd_err *e);

enum { UI_F_HIDDEN = 1, UI_F_REQUIRED = 2 };

typedef struct ui_field_spec {
	const char *name;  /* matches rd_err.field from workflows ("password") */
	const char *label; /* N_() */
	int width;         /* columns of the input box */
	int max_chars;     /* 0: 256 */
	unsigned flags;
	ui_validate_fn validate; /* may be NULL */
	/* Choice field: NULL-terminated values; labels are N_() (same order).
	 * Left/Right or Space cycle; the value is the chosen value string. */
	const char *const *choices;
	const char *const *choice_labels;
} ui_field_spec;

typedef struct ui_field {
	const ui_field_spec *spec;
	wchar_t *buf;
	size_t len, cap, cur; /* in wide characters */
	int choice;
	char err[256];
} ui_field;

typedef struct ui_form {
	ui_field *f;
	size_t n, focus;
	size_t top; /* first field shown when the form is taller than its rectangle */
	void *ud;   /* given to validators */
} ui_form;

/* Form actions for the screen's key table (shared = &ui_form_keymap). */
enum {
	UI_FORM_NEXT = UI_ACT_FORM, UI_FORM_PREV, UI_FORM_ENTER, UI_FORM_LEFT, UI_FORM_RIGHT,
	UI_FORM_HOME, UI_FORM_END, UI_FORM_BACKSPACE, UI_FORM_DELETE, UI_FORM_CLEAR_FIELD,
};
extern const ui_keys ui_form_keymap;

typedef enum ui_form_event {
	UI_FORM_EV_NONE,   /* handled; nothing for the screen to do */
	UI_FORM_EV_SUBMIT, /* Enter on the last field: every field validated and fine */
	UI_FORM_EV_INVALID, /* Enter on the last field but a field is wrong (focused) */
	UI_FORM_EV_UNHANDLED,
} ui_form_event;

int ui_form_init(ui_form *f, const ui_field_spec *specs, size_t n, void *ud);
void ui_form_free(ui_form *f);
void ui_form_clear(ui_form *f); /* empty every field and error; focus the first */
ui_form_event ui_form_action(ui_form *f, int action);
ui_form_event ui_form_input(ui_form *f, int key); /* a typed character */
/* How a form screen answers an action its own keys did not take: the
 * form's keys, and submit(u, ud) on Enter on the last field or on
 * save_action (-1: none) once every field is valid; otherwise `invalid`
 * (NULL: "correct the fields marked first") on the message line. */
typedef void (*ui_form_submit_fn)(ui *u, void *ud);
ui_result ui_form_dispatch(ui *u, ui_form *f, int action, int save_action, ui_form_submit_fn submit, void *ud,
			   const char *invalid);
/* Draws labels (aligned by display width), boxes, required marks and
 * errors; sets the cursor in the focused field.  A form taller than r
 * scrolls so that the focused field is always shown, with arrows at the
 * right edge when fields are hidden above or below. */
void ui_form_draw(ui *u, ui_form *f, ui_rect r);
/* The scrolling ui_form_draw does: f->top such that the focused field is
 * among the h rows shown and no row is left empty needlessly. */
void ui_form_scroll(ui_form *f, int h);
/* The value as UTF-8, malloc'd (hidden fields: free with rd_secret_free). */
char *ui_form_value(const ui_form *f, size_t i);
void ui_form_set_value(ui_form *f, size_t i, const char *utf8);
/* Runs every validator; focuses the first wrong field; true when all fine. */
bool ui_form_validate(ui_form *f);
/* Puts a workflow error beside the field it names (rd_err.field); false
 * when no field has that name (show it on the message line then). */
bool ui_form_set_error(ui_form *f, const rd_err *e);
void ui_form_focus(ui_form *f, size_t i);

/* ---- form screen (ui/form_screen.c) --------------------------------------------
 * A screen that is one form and a save key: its state starts with a
 * ui_form_screen, and open/close/input/action go through these. */
typedef struct ui_form_screen {
	ui_form form;
	int save_action;          /* the screen's save key's action (-1: none) */
	ui_form_submit_fn submit; /* given the state when every field is valid */
} ui_form_screen;
/* calloc(size) as s->state with submit and save_action set (NULL when out
 * of memory); the caller then fills in and calls ui_form_init on its form. */
void *ui_form_screen_new(ui_screen *s, size_t size, int save_action, ui_form_submit_fn submit);
void ui_form_screen_close(ui *u, ui_screen *s);                    /* frees the form (wiped) and state */
ui_result ui_form_screen_input(ui *u, ui_screen *s, int key);      /* typed text into the form */
ui_result ui_form_screen_action(ui *u, ui_screen *s, int action); /* ui_form_dispatch */
/* The frame around the form: head on the first line, sub (may be NULL)
 * dimmed below it, the key hint dimmed on the last line. */
void ui_form_screen_frame(ui_rect r, const char *head, const char *sub, const char *hint);

/* ---- list / table helper -------------------------------------------------------
 * Rows of UTF-8 cells under column headers, aligned by display width, with
 * a selection and paging.  The model holds copies of the cells. */
typedef struct ui_column {
	const char *header; /* N_() */
	int width;          /* columns; 0: the rest of the line */
} ui_column;

typedef struct ui_list {
	const ui_column *cols;
	size_t ncols;
	char **cells; /* rows * ncols */
	size_t rows, cap;
	size_t sel, top;
	int page; /* rows visible at the last draw, for PgUp/PgDn */
} ui_list;

enum {
	UI_LIST_UP = UI_ACT_LIST, UI_LIST_DOWN, UI_LIST_PGUP, UI_LIST_PGDN, UI_LIST_HOME, UI_LIST_END,
};
extern const ui_keys ui_list_keymap;

void ui_list_init(ui_list *l, const ui_column *cols, size_t ncols);
void ui_list_free(ui_list *l);
void ui_list_clear(ui_list *l); /* rows gone; selection kept in range */
/* Appends a row of ncols cells (copied); -1 on out of memory. */
int ui_list_add(ui_list *l, const char *const *cells);
const char *ui_list_cell(const ui_list *l, size_t row, size_t col);
ui_result ui_list_action(ui_list *l, int action);
/* Header line, rows, selection bar, "rows a-b of n" in the last line. */
void ui_list_draw(ui *u, ui_list *l, ui_rect r);

/* ---- applications: the detail view's actions ----------------------------------
 * The extension point for the desk, print and UKEY screens: each action of
 * the application detail view is one line of ui/app_actions.def,
 *   UI_APP_ACTION(name, key, label, available, run)
 * with two functions defined anywhere in ui/ (the .def declares them):
 *   bool available(ui *u, const ui_app_view *v);  may this operator do it now?
 *   void run(ui *u, const ui_app_view *v);         do it (usually ui_push ...)
 * The key goes into the detail view's key table (F1 help, `radesk help
 * keys`), the label into its action bar (only when available); the detail
 * view reloads itself when a screen pushed by run() is popped. */
typedef struct ui_app_view {
	const char *no;             /* "RA-20261121-000001" */
	const rd_application *app;  /* as rd_app_fetch gave it (masked for some roles) */
	const rd_app_meta *meta;    /* state, version, who, copied_from ... */
} ui_app_view;
typedef bool (*ui_app_avail_fn)(ui *u, const ui_app_view *v);
typedef void (*ui_app_run_fn)(ui *u, const ui_app_view *v);
typedef struct ui_app_action {
	int key;
	const char *label; /* N_() */
	ui_app_avail_fn available;
	ui_app_run_fn run;
} ui_app_action;
enum {
#define UI_APP_ACTION(name, key, label, available, run) UI_APP_ACT_##name,
#include "ui/app_actions.def"
#undef UI_APP_ACTION
	UI_APP_ACT_COUNT
};
#define UI_APP_ACTION(name, key, label, available, run)                                                      \
	bool available(ui *u, const ui_app_view *v);                                                         \
	void run(ui *u, const ui_app_view *v);
#include "ui/app_actions.def"
#undef UI_APP_ACTION
extern const ui_app_action ui_app_actions[UI_APP_ACT_COUNT];

/* What the application form screen (ui_scr_app_edit) is given: an existing
 * application to edit (its data and version are loaded); copy says it is a
 * new draft made by rd_app_copy (registering it ends on the number screen). */
typedef struct ui_app_form_arg {
	const char *no;
	bool copy;
} ui_app_form_arg;

/* ---- screens in this folder -------------------------------------------------- */
#define UI_SCREEN(id, sym) extern const ui_screen_ops sym;
#include "ui/screens.def"
#undef UI_SCREEN
extern const ui_keys ui_global_keymap;

/* The home menu: which role sees which entry (ui/menu.def). */
typedef struct ui_menu_entry {
	rd_role role;
	const char *label;     /* N_() */
	const char *screen_id; /* a registered screen, or one to come */
} ui_menu_entry;
extern const ui_menu_entry ui_menu[];
extern const size_t ui_menu_n;

#endif
