/* ukey internals: shared between the files of ukey/ only. */
#ifndef RADESK_UKEY_INTERNAL_H
#define RADESK_UKEY_INTERNAL_H

#include "ukey/ukey.h"

#include <libp11.h>
#include <p11-kit/pkcs11.h>

struct rd_ukey {
	char *module;
	void *dl;                  /* our own dlopen of the module */
	CK_FUNCTION_LIST *f;       /* the module's function list */
	PKCS11_CTX *p11;           /* libp11 over the same module (keys as EVP_PKEY) */
	/* libp11's slot list, kept until the module is unloaded: releasing it
	 * closes every session on those slots (C_CloseAllSessions), ours too. */
	PKCS11_SLOT *p11slots;
	unsigned int np11slots;
	const rd_logger *lg;
	int poll_ms;
	bool rescan;
	int sessions;              /* open rd_ukey_sessions */
	rd_ukey_token last[RD_UKEY_MAX_TOKENS];
	size_t nlast;
	bool have_last;
};

struct rd_ukey_session {
	rd_ukey *u;
	CK_SESSION_HANDLE h;
	CK_SLOT_ID slot;
	char serial[17];
	bool logged_in;
};

/* Turn a PKCS#11 return value into an rd_err: what says what was being done. */
rd_code ukey_ckr(rd_err *e, CK_RV rv, const char *what);
bool ukey_rv_removed(CK_RV rv);
/* Copy a blank-padded PKCS#11 string into a trimmed C string. */
void ukey_pad_copy(char *dst, size_t dstn, const CK_UTF8CHAR *src, size_t srcn);
void ukey_token_from_info(rd_ukey_token *t, CK_SLOT_ID slot, const CK_TOKEN_INFO *ti);
/* Read a variable-length attribute (malloc'd, *len bytes). */
CK_RV ukey_get_attr(rd_ukey_session *s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type,
		    unsigned char **val, CK_ULONG *len);
/* Find up to max objects matching tmpl. */
CK_RV ukey_find(rd_ukey_session *s, CK_ATTRIBUTE *tmpl, CK_ULONG nt, CK_OBJECT_HANDLE *out,
		CK_ULONG max, CK_ULONG *n);

#endif
