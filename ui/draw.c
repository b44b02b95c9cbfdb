/* Width-aware text drawing, key names and the key tables as text. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

/* UTF-8 -> wide characters; invalid bytes become '?'.  Returns a malloc'd
 * string (NULL on out of memory). */
static wchar_t *widen(const char *s, size_t *len)
{
	size_t n = strlen(s), i = 0;
	wchar_t *w = malloc((n + 1) * sizeof *w);
	mbstate_t st;
	memset(&st, 0, sizeof st);
	if (!w)
		return NULL;
	while (*s) {
		size_t r = mbrtowc(&w[i], s, strlen(s), &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			memset(&st, 0, sizeof st);
			w[i] = L'?';
			r = 1;
		}
		s += r;
		i++;
	}
	w[i] = L'\0';
	if (len)
		*len = i;
	return w;
}

static int char_width(wchar_t c)
{
	int cw = wcwidth(c);
	return cw < 0 ? 1 : cw;
}

int ui_width(const char *utf8)
{
	size_t n;
	int total = 0;
	wchar_t *w = widen(utf8 ? utf8 : "", &n);
	if (!w)
		return 0;
	for (size_t i = 0; i < n; i++)
		total += char_width(w[i]);
	free(w);
	return total;
}

int ui_text(int y, int x, int maxw, int attr, const char *utf8)
{
	size_t n, i;
	int used = 0;
	wchar_t *w;
	if (maxw <= 0 || !utf8)
		return 0;
	w = widen(utf8, &n);
	if (!w)
		return 0;
	for (i = 0; i < n; i++) {
		int cw;
		if (w[i] < 0x20 || w[i] == 0x7f || wcwidth(w[i]) < 0)
			w[i] = L'?'; /* control characters never reach the terminal */
		cw = char_width(w[i]);
		if (used + cw > maxw)
			break;
		used += cw;
	}
	attr_t a = (attr_t)ui_attr_of(attr);
	attron(a);
	mvaddnwstr(y, x, w, (int)i);
	attroff(a);
	free(w);
	return used;
}

void ui_text_pad(int y, int x, int w, int attr, const char *utf8)
{
	int used = ui_text(y, x, w, attr, utf8);
	attr_t a = (attr_t)ui_attr_of(attr);
	attron(a);
	for (int i = used; i < w; i++)
		mvaddch(y, x + i, ' ');
	attroff(a);
}

/* ---- keys -------------------------------------------------------------------- */
void ui_key_name(int key, char *out, size_t n)
{
	if (UI_IS_FN(key)) {
		int k = key & ~0x1000000;
		static const struct {
			int code;
			const char *name;
		} names[] = {
			{KEY_UP, "Up"},     {KEY_DOWN, "Down"},   {KEY_LEFT, "Left"},          {KEY_RIGHT, "Right"},
			{KEY_HOME, "Home"}, {KEY_END, "End"},     {KEY_PPAGE, "PgUp"},         {KEY_NPAGE, "PgDn"},
			{KEY_DC, "Delete"}, {KEY_IC, "Insert"},   {KEY_BACKSPACE, "Backspace"}, {KEY_ENTER, "Enter"},
			{KEY_BTAB, "Shift-Tab"},
		};
		if (k >= KEY_F(1) && k <= KEY_F(24)) {
			snprintf(out, n, "F%d", k - KEY_F0);
			return;
		}
		for (size_t i = 0; i < RD_ARRAY_LEN(names); i++)
			if (names[i].code == k) {
				snprintf(out, n, "%s", names[i].name);
				return;
			}
		snprintf(out, n, "key %d", k);
		return;
	}
	switch (key) {
	case '\n':
		snprintf(out, n, "Enter");
		return;
	case '\t':
		snprintf(out, n, "Tab");
		return;
	case UI_ESC:
		snprintf(out, n, "Esc");
		return;
	case 127:
	case 8:
		snprintf(out, n, "Backspace");
		return;
	case ' ':
		snprintf(out, n, "Space");
		return;
	}
	if (key > 0 && key < 32) {
		snprintf(out, n, "Ctrl-%c", 'A' + key - 1);
		return;
	}
	char mb[8];
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t r = wcrtomb(mb, (wchar_t)key, &st);
	snprintf(out, n, "%.*s", r == (size_t)-1 ? 1 : (int)r, r == (size_t)-1 ? "?" : mb);
}

const ui_key *ui_keys_find(ui_keys t, int key)
{
	for (size_t i = 0; i < t.n; i++)
		if (t.keys[i].key == key)
			return &t.keys[i]; /* cppcheck-suppress returnDanglingLifetime ; t.keys points into a static table */
	return NULL;
}

static bool has_token(const char *names, const char *one)
{
	size_t n = strlen(one);
	for (const char *p = names; *p;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == n && strncmp(p, one, n) == 0)
			return true;
		p += len + (slash ? 1 : 0);
	}
	return false;
}

void ui_keys_lines(ui_keys t, void (*fn)(void *ud, const char *keys, const char *help), void *ud)
{
	for (size_t i = 0; i < t.n; i++) {
		char names[128] = "", one[32];
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			if (t.keys[j].action == t.keys[i].action && rd_streq(t.keys[j].help, t.keys[i].help))
				seen = true;
		if (seen || !t.keys[i].help)
			continue;
		for (size_t j = i; j < t.n; j++) {
			if (t.keys[j].action != t.keys[i].action || !rd_streq(t.keys[j].help, t.keys[i].help))
				continue;
			ui_key_name(t.keys[j].key, one, sizeof one);
			if (has_token(names, one))
				continue; /* '\n' and KEY_ENTER are both "Enter" */
			if (names[0])
				rd_strlcpy(names + strlen(names), "/", sizeof names - strlen(names));
			rd_strlcpy(names + strlen(names), one, sizeof names - strlen(names));
		}
		fn(ud, names, _(t.keys[i].help));
	}
}

static void print_line(void *ud, const char *keys, const char *help)
{
	FILE *f = ud;
	int pad = 16 - ui_width(keys);
	fprintf(f, "  %s%*s %s\n", keys, pad > 0 ? pad : 0, "", help);
}

void rd_ui_print_keys(FILE *f)
{
	static const ui_screen_ops *const all[] = {
#define UI_SCREEN(sid, sym) &(sym),
#include "ui/screens.def"
#undef UI_SCREEN
	};
	for (size_t i = 0; i < RD_ARRAY_LEN(all); i++) {
		const ui_screen_ops *s = all[i];
		fprintf(f, "%s (%s)\n", _(s->title), s->id);
		ui_keys_lines(s->keys, print_line, f);
		if (s->shared)
			ui_keys_lines(*s->shared, print_line, f);
		fprintf(f, "\n");
	}
	fprintf(f, "%s\n", _("Every screen except the lock screen"));
	ui_keys_lines(ui_global_keymap, print_line, f);
}
