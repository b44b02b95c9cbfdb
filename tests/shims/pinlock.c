/* pinlock — a PKCS#11 stand-in for tests only.  It forwards every call to a
 * real module (SoftHSM2) and adds the two faults SoftHSM2 cannot produce:
 *
 *  - user PIN lockout: after PINLOCK_TRIES (default 3) wrong user PINs
 *    (C_Login or C_SetPIN) the token reports CKF_USER_PIN_LOCKED and every
 *    user login gets CKR_PIN_LOCKED, until the SO sets a new PIN with
 *    C_InitPIN (or the token is re-initialised).  Counters live in files
 *    under PINLOCK_STATE (one per token serial) so they survive the process;
 *    without PINLOCK_STATE they live in memory.
 *  - removal: PINLOCK_REMOVE_AT=C_Xxx "pulls the token out" when that
 *    function is first called (optionally after PINLOCK_REMOVE_SKIP calls):
 *    it and every later call on a session or the token fail with
 *    CKR_DEVICE_REMOVED / CKR_TOKEN_NOT_PRESENT.
 *
 * PINLOCK_MODULE names the real module (default SoftHSM2's). */
#include <dlfcn.h>
#include <limits.h>
#include <p11-kit/pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CK_FUNCTION_LIST *real;
static CK_FUNCTION_LIST shim;
static void *real_dl;
static int removed;
static long remove_skip;
static long mem_count[64];
static char mem_serial[64][17];

static int tries(void)
{
	const char *t = getenv("PINLOCK_TRIES");
	int n = t ? atoi(t) : 3;
	return n > 0 ? n : 3;
}

/* "pull out" the token when the named function is reached */
static int pulled(const char *fn)
{
	const char *at = getenv("PINLOCK_REMOVE_AT");
	if (removed)
		return 1;
	if (at && strcmp(at, fn) == 0) {
		if (remove_skip-- > 0)
			return 0;
		removed = 1;
	}
	return removed;
}

static int serial_of_slot(CK_SLOT_ID slot, char out[17])
{
	CK_TOKEN_INFO ti;
	if (real->C_GetTokenInfo(slot, &ti) != CKR_OK)
		return -1;
	memcpy(out, ti.serialNumber, 16);
	out[16] = '\0';
	for (int i = 15; i >= 0 && out[i] == ' '; i--)
		out[i] = '\0';
	return 0;
}

static int serial_of_session(CK_SESSION_HANDLE h, char out[17])
{
	CK_SESSION_INFO si;
	if (real->C_GetSessionInfo(h, &si) != CKR_OK)
		return -1;
	return serial_of_slot(si.slotID, out);
}

static long *mem_slot(const char *serial)
{
	for (int i = 0; i < 64; i++) {
		if (strcmp(mem_serial[i], serial) == 0)
			return &mem_count[i];
		if (!mem_serial[i][0]) {
			strcpy(mem_serial[i], serial);
			return &mem_count[i];
		}
	}
	return &mem_count[0];
}

static long get_count(const char *serial)
{
	const char *dir = getenv("PINLOCK_STATE");
	char path[PATH_MAX];
	long n = 0;
	FILE *f;
	if (!dir)
		return *mem_slot(serial);
	snprintf(path, sizeof path, "%s/%s", dir, serial);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n;
}

static void set_count(const char *serial, long n)
{
	const char *dir = getenv("PINLOCK_STATE");
	char path[PATH_MAX];
	FILE *f;
	if (!dir) {
		*mem_slot(serial) = n;
		return;
	}
	snprintf(path, sizeof path, "%s/%s", dir, serial);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%ld\n", n);
		fclose(f);
	}
}

/* Count a user-PIN attempt that returned rv. */
static CK_RV count_attempt(const char *serial, CK_RV rv)
{
	long n = get_count(serial);
	if (rv == CKR_PIN_INCORRECT)
		set_count(serial, n + 1);
	else if (rv == CKR_OK)
		set_count(serial, 0);
	return rv;
}

static CK_RV s_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO *ti)
{
	char serial[17];
	CK_RV rv;
	if (pulled("C_GetTokenInfo"))
		return CKR_TOKEN_NOT_PRESENT;
	rv = real->C_GetTokenInfo(slot, ti);
	if (rv != CKR_OK || serial_of_slot(slot, serial) != 0 || !serial[0])
		return rv;
	long n = get_count(serial), max = tries();
	ti->flags &= ~(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
	if (n > 0 && n < max)
		ti->flags |= CKF_USER_PIN_COUNT_LOW;
	if (n == max - 1)
		ti->flags |= CKF_USER_PIN_FINAL_TRY;
	if (n >= max)
		ti->flags |= CKF_USER_PIN_LOCKED;
	return rv;
}

static CK_RV s_Login(CK_SESSION_HANDLE h, CK_USER_TYPE who, CK_UTF8CHAR *pin, CK_ULONG len)
{
	char serial[17];
	if (pulled("C_Login"))
		return CKR_DEVICE_REMOVED;
	if (who == CKU_SO || serial_of_session(h, serial) != 0)
		return real->C_Login(h, who, pin, len);
	if (get_count(serial) >= tries())
		return CKR_PIN_LOCKED;
	return count_attempt(serial, real->C_Login(h, who, pin, len));
}

static CK_RV s_SetPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR *o, CK_ULONG ol, CK_UTF8CHAR *n, CK_ULONG nl)
{
	char serial[17];
	CK_SESSION_INFO si;
	if (pulled("C_SetPIN"))
		return CKR_DEVICE_REMOVED;
	/* only the user's PIN (a session not logged in as SO) is counted */
	if (real->C_GetSessionInfo(h, &si) != CKR_OK || si.state == CKS_RW_SO_FUNCTIONS ||
	    serial_of_slot(si.slotID, serial) != 0)
		return real->C_SetPIN(h, o, ol, n, nl);
	if (get_count(serial) >= tries())
		return CKR_PIN_LOCKED;
	return count_attempt(serial, real->C_SetPIN(h, o, ol, n, nl));
}

static CK_RV s_InitPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR *pin, CK_ULONG len)
{
	char serial[17];
	CK_RV rv;
	if (pulled("C_InitPIN"))
		return CKR_DEVICE_REMOVED;
	rv = real->C_InitPIN(h, pin, len);
	if (rv == CKR_OK && serial_of_session(h, serial) == 0)
		set_count(serial, 0);
	return rv;
}

static CK_RV s_InitToken(CK_SLOT_ID slot, CK_UTF8CHAR *pin, CK_ULONG len, CK_UTF8CHAR *label)
{
	char serial[17];
	CK_RV rv;
	if (pulled("C_InitToken"))
		return CKR_TOKEN_NOT_PRESENT;
	rv = real->C_InitToken(slot, pin, len, label);
	if (rv == CKR_OK && serial_of_slot(slot, serial) == 0 && serial[0])
		set_count(serial, 0);
	return rv;
}

/* Plain forwarders that fail once the token is "out". */
#define GONE(fn, args, call)                                                                       \
	static CK_RV s_##fn args                                                                   \
	{                                                                                          \
		if (pulled("C_" #fn))                                                              \
			return CKR_DEVICE_REMOVED;                                                 \
		return real->C_##fn call;                                                          \
	}

GONE(OpenSession, (CK_SLOT_ID a, CK_FLAGS b, void *c, CK_NOTIFY d, CK_SESSION_HANDLE *f),
     (a, b, c, d, f))
GONE(GenerateKeyPair,
     (CK_SESSION_HANDLE h, CK_MECHANISM *m, CK_ATTRIBUTE *a, CK_ULONG an, CK_ATTRIBUTE *b,
      CK_ULONG bn, CK_OBJECT_HANDLE *x, CK_OBJECT_HANDLE *y),
     (h, m, a, an, b, bn, x, y))
GONE(SignInit, (CK_SESSION_HANDLE h, CK_MECHANISM *m, CK_OBJECT_HANDLE k), (h, m, k))
GONE(Sign, (CK_SESSION_HANDLE h, CK_BYTE *d, CK_ULONG dl, CK_BYTE *s, CK_ULONG *sl),
     (h, d, dl, s, sl))
GONE(CreateObject, (CK_SESSION_HANDLE h, CK_ATTRIBUTE *a, CK_ULONG n, CK_OBJECT_HANDLE *o),
     (h, a, n, o))
GONE(DestroyObject, (CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o), (h, o))
GONE(FindObjectsInit, (CK_SESSION_HANDLE h, CK_ATTRIBUTE *a, CK_ULONG n), (h, a, n))
GONE(GetAttributeValue, (CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE *a, CK_ULONG n),
     (h, o, a, n))

CK_RV C_GetFunctionList(CK_FUNCTION_LIST **out)
{
	const char *path = getenv("PINLOCK_MODULE");
	const char *skip = getenv("PINLOCK_REMOVE_SKIP");
	CK_C_GetFunctionList gfl;

	if (!out)
		return CKR_ARGUMENTS_BAD;
	if (!real) {
		real_dl = dlopen(path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
		gfl = real_dl ? (CK_C_GetFunctionList)dlsym(real_dl, "C_GetFunctionList") : NULL;
		if (!gfl || gfl(&real) != CKR_OK)
			return CKR_GENERAL_ERROR;
		remove_skip = skip ? atol(skip) : 0;
		shim = *real;
		shim.C_GetTokenInfo = s_GetTokenInfo;
		shim.C_Login = s_Login;
		shim.C_SetPIN = s_SetPIN;
		shim.C_InitPIN = s_InitPIN;
		shim.C_InitToken = s_InitToken;
		shim.C_OpenSession = s_OpenSession;
		shim.C_GenerateKeyPair = s_GenerateKeyPair;
		shim.C_SignInit = s_SignInit;
		shim.C_Sign = s_Sign;
		shim.C_CreateObject = s_CreateObject;
		shim.C_DestroyObject = s_DestroyObject;
		shim.C_FindObjectsInit = s_FindObjectsInit;
		shim.C_GetAttributeValue = s_GetAttributeValue;
	}
	*out = &shim;
	return CKR_OK;
}
