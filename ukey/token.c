/* ukey: the PKCS#11 module, token discovery, sessions, login and PINs. */
#include "ukey/internal.h"

#include <dlfcn.h>
#include <openssl/err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- errors --------------------------------------------------------------------- */

static const struct {
	CK_RV rv;
	const char *name;
} ckr_names[] = {
	{CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
	{CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
	{CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
	{CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"},
	{CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"},
	{CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"},
	{CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
	{CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"},
	{CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
	{CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
	{CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
	{CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED"},
	{CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
	{CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"},
	{CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
	{CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
	{CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
	{CKR_PIN_INVALID, "CKR_PIN_INVALID"},
	{CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"},
	{CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
	{CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
	{CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
	{CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN"},
	{CKR_SESSION_EXISTS, "CKR_SESSION_EXISTS"},
	{CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"},
	{CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"},
	{CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
	{CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
};

static const char *ckr_name(CK_RV rv)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(ckr_names); i++)
		if (ckr_names[i].rv == rv)
			return ckr_names[i].name;
	return "CKR_?";
}

bool ukey_rv_removed(CK_RV rv)
{
	switch (rv) {
	case CKR_DEVICE_REMOVED:
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_TOKEN_NOT_RECOGNIZED:
	case CKR_SESSION_HANDLE_INVALID:
	case CKR_SESSION_CLOSED:
	case CKR_SLOT_ID_INVALID:
	case CKR_DEVICE_ERROR:
		return true;
	default:
		return false;
	}
}

rd_code ukey_ckr(rd_err *e, CK_RV rv, const char *what)
{
	if (rv == CKR_OK)
		return RD_OK;
	if (ukey_rv_removed(rv))
		return rd_fail_at(e, RD_E_DEVICE, "ukey",
				  _("the UKEY was removed or stopped answering while %s (%s); "
				    "insert it again and repeat the step"),
				  what, ckr_name(rv));
	switch (rv) {
	case CKR_PIN_INCORRECT:
		return rd_fail_at(e, RD_E_AUTH, "pin", _("wrong PIN while %s"), what);
	case CKR_PIN_LOCKED:
		return rd_fail_at(e, RD_E_AUTH, "pin",
				  _("the UKEY's user PIN is locked; it must be unblocked with the SO PIN"));
	case CKR_PIN_INVALID:
	case CKR_PIN_LEN_RANGE:
		return rd_fail_at(e, RD_E_INVALID, "pin",
				  _("the UKEY does not accept this PIN (length or characters)"));
	case CKR_USER_PIN_NOT_INITIALIZED:
		return rd_fail_at(e, RD_E_REFUSED, "ukey",
				  _("the UKEY has no user PIN yet; initialise it first"));
	case CKR_TOKEN_WRITE_PROTECTED:
		return rd_fail_at(e, RD_E_DEVICE, "ukey", _("the UKEY is write protected"));
	case CKR_DEVICE_MEMORY:
		return rd_fail_at(e, RD_E_DEVICE, "ukey", _("the UKEY is full"));
	case CKR_HOST_MEMORY:
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	default:
		return rd_fail_at(e, RD_E_DEVICE, "ukey", _("the UKEY failed while %s (%s, 0x%lx)"),
				  what, ckr_name(rv), (unsigned long)rv);
	}
}

void ukey_pad_copy(char *dst, size_t dstn, const CK_UTF8CHAR *src, size_t srcn)
{
	size_t n = srcn < dstn - 1 ? srcn : dstn - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\0'))
		dst[--n] = '\0';
}

void ukey_token_from_info(rd_ukey_token *t, CK_SLOT_ID slot, const CK_TOKEN_INFO *ti)
{
	memset(t, 0, sizeof *t);
	t->slot = slot;
	ukey_pad_copy(t->serial, sizeof t->serial, ti->serialNumber, sizeof ti->serialNumber);
	ukey_pad_copy(t->label, sizeof t->label, ti->label, sizeof ti->label);
	ukey_pad_copy(t->model, sizeof t->model, ti->model, sizeof ti->model);
	ukey_pad_copy(t->manufacturer, sizeof t->manufacturer, ti->manufacturerID,
		      sizeof ti->manufacturerID);
	t->initialized = ti->flags & CKF_TOKEN_INITIALIZED;
	t->user_pin_set = ti->flags & CKF_USER_PIN_INITIALIZED;
	t->pin_count_low = ti->flags & CKF_USER_PIN_COUNT_LOW;
	t->pin_final_try = ti->flags & CKF_USER_PIN_FINAL_TRY;
	t->pin_locked = ti->flags & CKF_USER_PIN_LOCKED;
	t->so_pin_locked = ti->flags & CKF_SO_PIN_LOCKED;
	/* A token never initialised has no meaningful serial. */
	if (!t->initialized)
		t->serial[0] = '\0';
}

/* ---- the module ------------------------------------------------------------------ */

static rd_code load_p11(rd_ukey *u, rd_err *e)
{
	u->p11 = PKCS11_CTX_new();
	if (!u->p11)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (PKCS11_CTX_load(u->p11, u->module) != 0) {
		PKCS11_CTX_free(u->p11);
		u->p11 = NULL;
		ERR_clear_error();
		return rd_fail_at(e, RD_E_DEVICE, "ukey.module",
				  _("cannot load the PKCS#11 module %s"), u->module);
	}
	return RD_OK;
}

static void unload_p11(rd_ukey *u)
{
	if (!u->p11)
		return;
	if (u->p11slots)
		PKCS11_release_all_slots(u->p11, u->p11slots, u->np11slots);
	u->p11slots = NULL;
	u->np11slots = 0;
	PKCS11_CTX_unload(u->p11);
	PKCS11_CTX_free(u->p11);
	u->p11 = NULL;
}

rd_code rd_ukey_open(rd_ukey **out, const char *module, const rd_logger *lg, rd_err *e)
{
	rd_ukey *u;
	CK_C_GetFunctionList gfl;
	CK_RV rv;
	rd_code rc;

	*out = NULL;
	if (!module || !*module)
		return rd_fail_at(e, RD_E_CONFIG, "ukey.module", _("no PKCS#11 module is configured"));
	if (!rd_file_exists(module))
		return rd_fail_at(e, RD_E_CONFIG, "ukey.module",
				  _("the PKCS#11 module %s does not exist"), module);
	u = calloc(1, sizeof *u);
	if (!u || !(u->module = rd_strdup(module))) {
		free(u);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	u->lg = lg;
	u->poll_ms = 250;
	u->rescan = true;
	/* libp11 loads and initialises the module first; we then take the
	 * same module's function list for what libp11 cannot do. */
	rc = load_p11(u, e);
	if (rc != RD_OK)
		goto fail;
	u->dl = dlopen(module, RTLD_NOW | RTLD_LOCAL);
	gfl = u->dl ? (CK_C_GetFunctionList)dlsym(u->dl, "C_GetFunctionList") : NULL;
	if (!gfl || gfl(&u->f) != CKR_OK || !u->f) {
		rc = rd_fail_at(e, RD_E_DEVICE, "ukey.module",
				_("%s is not a PKCS#11 module"), module);
		goto fail;
	}
	rv = u->f->C_Initialize(NULL);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		rc = ukey_ckr(e, rv, _("starting the PKCS#11 module"));
		goto fail;
	}
	rd_log(lg, RD_LOG_DEBUG, "ukey: loaded %s", module);
	*out = u;
	return RD_OK;
fail:
	rd_ukey_close(u);
	return rc;
}

rd_code rd_ukey_open_config(rd_ukey **out, const rd_config *cfg, const rd_logger *lg, rd_err *e)
{
	char *mod = rd_config_path(cfg, "ukey", "module");
	rd_code rc = rd_ukey_open(out, mod, lg, e);
	free(mod);
	if (rc == RD_OK && *out) {
		(*out)->poll_ms = (int)rd_config_int(cfg, "ukey", "poll_ms");
		(*out)->rescan = rd_config_bool(cfg, "ukey", "rescan");
		if ((*out)->poll_ms <= 0)
			(*out)->poll_ms = 250;
	}
	return rc;
}

void rd_ukey_close(rd_ukey *u)
{
	if (!u)
		return;
	unload_p11(u); /* finalizes the module */
	if (u->dl)
		dlclose(u->dl);
	free(u->module);
	free(u);
}

const char *rd_ukey_module_path(const rd_ukey *u)
{
	return u->module;
}

rd_code rd_ukey_rescan(rd_ukey *u, rd_err *e)
{
	CK_RV rv;
	if (u->sessions > 0)
		return rd_fail_at(e, RD_E_REFUSED, "ukey", _("a UKEY operation is in progress"));
	unload_p11(u);
	rd_code rc = load_p11(u, e);
	if (rc != RD_OK)
		return rc;
	rv = u->f->C_Initialize(NULL);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
		return ukey_ckr(e, rv, _("starting the PKCS#11 module"));
	return RD_OK;
}

/* ---- tokens -------------------------------------------------------------------- */

static rd_code list_tokens(rd_ukey *u, rd_ukey_token *out, size_t max, size_t *n, rd_err *e)
{
	CK_SLOT_ID slots[RD_UKEY_MAX_TOKENS * 2];
	CK_ULONG ns = RD_ARRAY_LEN(slots);
	CK_RV rv = u->f->C_GetSlotList(CK_TRUE, slots, &ns);

	*n = 0;
	if (rv == CKR_BUFFER_TOO_SMALL)
		ns = RD_ARRAY_LEN(slots), rv = CKR_OK;
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("listing the UKEYs"));
	for (CK_ULONG i = 0; i < ns && *n < max; i++) {
		CK_TOKEN_INFO ti;
		if (u->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue; /* pulled out between the two calls */
		ukey_token_from_info(&out[*n], slots[i], &ti);
		(*n)++;
	}
	return RD_OK;
}

static void remember(rd_ukey *u, const rd_ukey_token *t, size_t n)
{
	u->nlast = n < RD_UKEY_MAX_TOKENS ? n : RD_UKEY_MAX_TOKENS;
	memcpy(u->last, t, u->nlast * sizeof *t);
	u->have_last = true;
}

rd_code rd_ukey_tokens(rd_ukey *u, rd_ukey_token *out, size_t max, size_t *n, rd_err *e)
{
	rd_code rc = list_tokens(u, out, max, n, e);
	if (rc == RD_OK)
		remember(u, out, *n);
	return rc;
}

rd_code rd_ukey_find(rd_ukey *u, const char *key, rd_ukey_token *out, rd_err *e)
{
	rd_ukey_token t[RD_UKEY_MAX_TOKENS];
	size_t n, hits = 0;
	rd_code rc = list_tokens(u, t, RD_ARRAY_LEN(t), &n, e);
	if (rc != RD_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (t[i].serial[0] && strcmp(t[i].serial, key) == 0) {
			*out = t[i];
			return RD_OK;
		}
	for (size_t i = 0; i < n; i++)
		if (t[i].initialized && strcmp(t[i].label, key) == 0) {
			if (hits++ == 0)
				*out = t[i];
		}
	if (hits == 1)
		return RD_OK;
	if (hits > 1)
		return rd_fail_at(e, RD_E_CONFLICT, "ukey",
				  _("several UKEYs are labelled %s; name one by serial"), key);
	return rd_fail_at(e, RD_E_NOTFOUND, "ukey", _("no UKEY with serial or label %s is inserted"),
			  key);
}

static bool same_list(const rd_ukey *u, const rd_ukey_token *t, size_t n)
{
	return u->have_last && n == u->nlast && memcmp(t, u->last, n * sizeof *t) == 0;
}

rd_code rd_ukey_wait_change(rd_ukey *u, int timeout_ms, rd_ukey_token *out, size_t max,
			    size_t *n, bool *changed, rd_err *e)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	*changed = false;
	for (;;) {
		rd_code rc;
		if (u->rescan && u->sessions == 0) {
			rc = rd_ukey_rescan(u, e);
			if (rc != RD_OK)
				return rc;
		}
		rc = list_tokens(u, out, max, n, e);
		if (rc != RD_OK)
			return rc;
		if (!same_list(u, out, *n)) {
			*changed = u->have_last;
			remember(u, out, *n);
			if (*changed)
				return RD_OK;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long spent = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (spent >= timeout_ms)
			return RD_OK;
		long nap = timeout_ms - spent < u->poll_ms ? timeout_ms - spent : u->poll_ms;
		struct timespec ts = {nap / 1000, (nap % 1000) * 1000000L};
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
}

static rd_code token_info(rd_ukey *u, CK_SLOT_ID slot, rd_ukey_token *t, const char *what, rd_err *e)
{
	CK_TOKEN_INFO ti;
	CK_RV rv = u->f->C_GetTokenInfo(slot, &ti);
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, what);
	ukey_token_from_info(t, slot, &ti);
	return RD_OK;
}

static void pad32(CK_UTF8CHAR out[32], const char *label)
{
	size_t n = strlen(label);
	memset(out, ' ', 32);
	memcpy(out, label, n > 32 ? 32 : n);
}

static rd_code so_init_pin(rd_ukey *u, CK_SLOT_ID slot, const char *so_pin, const char *user_pin,
			   rd_err *e)
{
	CK_SESSION_HANDLE h;
	CK_RV rv = u->f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &h);
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("opening a session"));
	rv = u->f->C_Login(h, CKU_SO, (CK_UTF8CHAR *)so_pin, strlen(so_pin));
	if (rv == CKR_USER_ALREADY_LOGGED_IN)
		rv = CKR_OK;
	if (rv == CKR_USER_ANOTHER_ALREADY_LOGGED_IN) {
		u->f->C_Logout(h);
		rv = u->f->C_Login(h, CKU_SO, (CK_UTF8CHAR *)so_pin, strlen(so_pin));
	}
	if (rv != CKR_OK) {
		rd_code rc = rv == CKR_PIN_INCORRECT
			? rd_fail_at(e, RD_E_AUTH, "so_pin", _("wrong SO PIN"))
			: rv == CKR_PIN_LOCKED
			? rd_fail_at(e, RD_E_AUTH, "so_pin", _("the UKEY's SO PIN is locked"))
			: ukey_ckr(e, rv, _("logging in as security officer"));
		u->f->C_CloseSession(h);
		return rc;
	}
	rv = u->f->C_InitPIN(h, (CK_UTF8CHAR *)user_pin, strlen(user_pin));
	u->f->C_Logout(h);
	u->f->C_CloseSession(h);
	return ukey_ckr(e, rv, _("setting the user PIN"));
}

rd_code rd_ukey_init_token(rd_ukey *u, rd_ukey_token *t, const char *so_pin, const char *label,
			   const char *user_pin, rd_err *e)
{
	CK_UTF8CHAR lab[32];
	rd_code rc;
	CK_RV rv;

	if (!label || !*label || strlen(label) > 32 || !rd_utf8_valid(label, strlen(label)))
		return rd_fail_at(e, RD_E_INVALID, "label",
				  _("a UKEY label must be 1 to 32 bytes of UTF-8"));
	if (!so_pin || !*so_pin)
		return rd_fail_at(e, RD_E_INVALID, "so_pin", _("the SO PIN is empty"));
	rc = rd_ukey_pin_check(user_pin, e);
	if (rc != RD_OK)
		return rc;
	if (u->sessions > 0)
		return rd_fail_at(e, RD_E_REFUSED, "ukey", _("a UKEY operation is in progress"));
	pad32(lab, label);
	rv = u->f->C_InitToken(t->slot, (CK_UTF8CHAR *)so_pin, strlen(so_pin), lab);
	if (rv == CKR_PIN_INCORRECT)
		return rd_fail_at(e, RD_E_AUTH, "so_pin", _("wrong SO PIN"));
	if (rv == CKR_PIN_LOCKED)
		return rd_fail_at(e, RD_E_AUTH, "so_pin", _("the UKEY's SO PIN is locked"));
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("initialising the UKEY"));
	rc = so_init_pin(u, t->slot, so_pin, user_pin, e);
	if (rc != RD_OK)
		return rc;
	rc = token_info(u, t->slot, t, _("initialising the UKEY"), e);
	if (rc == RD_OK)
		rd_log(u->lg, RD_LOG_INFO, "ukey: initialised token %s (slot %lu)", t->serial, t->slot);
	return rc;
}

/* ---- sessions ------------------------------------------------------------------ */

rd_code rd_ukey_session_open(rd_ukey *u, const rd_ukey_token *t, rd_ukey_session **out, rd_err *e)
{
	rd_ukey_token now;
	rd_ukey_session *s;
	CK_RV rv;
	rd_code rc;

	*out = NULL;
	rc = token_info(u, t->slot, &now, _("opening a session"), e);
	if (rc != RD_OK)
		return rc;
	if (t->serial[0] && strcmp(now.serial, t->serial) != 0)
		return rd_fail_at(e, RD_E_DEVICE, "ukey",
				  _("another UKEY (serial %s) is in the reader instead of %s"),
				  now.serial[0] ? now.serial : "-", t->serial);
	if (!now.initialized)
		return rd_fail_at(e, RD_E_REFUSED, "ukey", _("the UKEY is not initialised"));
	s = calloc(1, sizeof *s);
	if (!s)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rv = u->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s->h);
	if (rv != CKR_OK) {
		free(s);
		return ukey_ckr(e, rv, _("opening a session"));
	}
	s->u = u;
	s->slot = t->slot;
	rd_strlcpy(s->serial, now.serial, sizeof s->serial);
	u->sessions++;
	*out = s;
	return RD_OK;
}

void rd_ukey_session_close(rd_ukey_session *s)
{
	if (!s)
		return;
	if (s->logged_in)
		s->u->f->C_Logout(s->h);
	s->u->f->C_CloseSession(s->h);
	s->u->sessions--;
	free(s);
}

rd_code rd_ukey_session_token(rd_ukey_session *s, rd_ukey_token *out, rd_err *e)
{
	return token_info(s->u, s->slot, out, _("reading the UKEY's state"), e);
}

/* After a wrong PIN: say how many tries the token admits to. */
static rd_code wrong_pin(rd_ukey_session *s, CK_RV rv, const char *what, rd_err *e)
{
	rd_ukey_token t;
	rd_code rc = ukey_ckr(e, rv, what);
	if (rv != CKR_PIN_INCORRECT)
		return rc;
	if (token_info(s->u, s->slot, &t, what, NULL) != RD_OK)
		return rc;
	if (t.pin_locked)
		return rd_fail_at(e, RD_E_AUTH, "pin",
				  _("wrong PIN; the UKEY's PIN is now locked and must be unblocked "
				    "with the SO PIN"));
	if (t.pin_final_try)
		return rd_fail_at(e, RD_E_AUTH, "pin",
				  _("wrong PIN; one more wrong PIN locks the UKEY"));
	if (t.pin_count_low)
		return rd_fail_at(e, RD_E_AUTH, "pin", _("wrong PIN; few tries remain"));
	return rc;
}

rd_code rd_ukey_login(rd_ukey_session *s, const char *pin, rd_err *e)
{
	CK_RV rv;
	if (!pin)
		return rd_fail_at(e, RD_E_INVALID, "pin", _("the PIN is empty"));
	rv = s->u->f->C_Login(s->h, CKU_USER, (CK_UTF8CHAR *)pin, strlen(pin));
	if (rv == CKR_USER_ALREADY_LOGGED_IN)
		rv = CKR_OK;
	if (rv != CKR_OK)
		return wrong_pin(s, rv, _("logging in"), e);
	s->logged_in = true;
	return RD_OK;
}

rd_code rd_ukey_change_pin(rd_ukey_session *s, const char *old_pin, const char *new_pin, rd_err *e)
{
	rd_code rc = rd_ukey_pin_check(new_pin, e);
	CK_RV rv;
	if (rc != RD_OK)
		return rc;
	if (!old_pin)
		return rd_fail_at(e, RD_E_INVALID, "pin", _("the PIN is empty"));
	rv = s->u->f->C_SetPIN(s->h, (CK_UTF8CHAR *)old_pin, strlen(old_pin),
			       (CK_UTF8CHAR *)new_pin, strlen(new_pin));
	if (rv != CKR_OK)
		return wrong_pin(s, rv, _("changing the PIN"), e);
	return RD_OK;
}

rd_code rd_ukey_unblock(rd_ukey_session *s, const char *so_pin, const char *new_pin, rd_err *e)
{
	rd_code rc = rd_ukey_pin_check(new_pin, e);
	CK_RV rv;
	if (rc != RD_OK)
		return rc;
	if (!so_pin || !*so_pin)
		return rd_fail_at(e, RD_E_INVALID, "so_pin", _("the SO PIN is empty"));
	if (s->logged_in) {
		s->u->f->C_Logout(s->h);
		s->logged_in = false;
	}
	rv = s->u->f->C_Login(s->h, CKU_SO, (CK_UTF8CHAR *)so_pin, strlen(so_pin));
	if (rv == CKR_PIN_INCORRECT)
		return rd_fail_at(e, RD_E_AUTH, "so_pin", _("wrong SO PIN"));
	if (rv == CKR_PIN_LOCKED)
		return rd_fail_at(e, RD_E_AUTH, "so_pin", _("the UKEY's SO PIN is locked"));
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("logging in as security officer"));
	rv = s->u->f->C_InitPIN(s->h, (CK_UTF8CHAR *)new_pin, strlen(new_pin));
	s->u->f->C_Logout(s->h);
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("setting the new user PIN"));
	rd_log(s->u->lg, RD_LOG_INFO, "ukey: user PIN of %s reset by the SO", s->serial);
	return RD_OK;
}
