/* Field encryption (AES-256-GCM) and the keyed blind index (HMAC-SHA-256)
 * for personal identifiers at rest. */
#include "data/data.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NONCE 12
#define TAG 16

rd_code rd_keys_create(const char *path, rd_err *e)
{
	unsigned char buf[64];
	int fd;
	rd_code rc = rd_random(buf, sizeof buf, e);
	if (rc != RD_OK)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rd_memzero(buf, sizeof buf);
		if (errno == EEXIST)
			return rd_fail_at(e, RD_E_CONFLICT, path, _("a key file already exists; radesk never overwrites one"));
		return rd_fail_at(e, RD_E_IO, path, _("cannot create the key file: %s"), strerror(errno));
	}
	ssize_t w = write(fd, buf, sizeof buf);
	rd_memzero(buf, sizeof buf);
	if (w != (ssize_t)sizeof buf || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return rd_fail_at(e, RD_E_IO, path, _("cannot write the key file"));
	}
	close(fd);
	return RD_OK;
}

rd_code rd_keys_load(const char *path, rd_keys *out, rd_err *e)
{
	unsigned char buf[65];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return rd_fail_at(e, RD_E_IO, path, _("cannot open the key file: %s"), strerror(errno));
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
		close(fd);
		return rd_fail_at(e, RD_E_REFUSED, path,
				  _("the key file must be readable by its owner only (chmod 600)"));
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n != 64) {
		rd_memzero(buf, sizeof buf);
		return rd_fail_at(e, RD_E_DATA, path, _("the key file is damaged (wrong size)"));
	}
	memcpy(out->enc, buf, 32);
	memcpy(out->idx, buf + 32, 32);
	rd_memzero(buf, sizeof buf);
	return RD_OK;
}

rd_code rd_seal(const rd_keys *k, const char *plain, char **out, rd_err *e)
{
	size_t n = strlen(plain);
	unsigned char *raw = malloc(NONCE + n + TAG);
	char *b64 = malloc(4 * ((NONCE + n + TAG + 2) / 3) + 8);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int len = 0, fin = 0;
	rd_code rc = RD_E_INTERNAL;
	*out = NULL;
	if (!raw || !b64 || !c) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto done;
	}
	if (rd_random(raw, NONCE, e) != RD_OK)
		goto done;
	if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, k->enc, raw) != 1 ||
	    EVP_EncryptUpdate(c, raw + NONCE, &len, (const unsigned char *)plain, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(c, raw + NONCE + len, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG, raw + NONCE + n) != 1) {
		rd_fail(e, RD_E_INTERNAL, _("encryption failed"));
		rd_err_add_openssl(e);
		goto done;
	}
	memcpy(b64, "v1:", 4); /* the NUL is overwritten by the encoding, which ends with its own */
	EVP_EncodeBlock((unsigned char *)b64 + 3, raw, (int)(NONCE + n + TAG));
	*out = b64;
	b64 = NULL;
	rc = RD_OK;
done:
	EVP_CIPHER_CTX_free(c);
	if (raw)
		rd_memzero(raw, NONCE + n + TAG);
	free(raw);
	free(b64);
	return rc;
}

rd_code rd_unseal(const rd_keys *k, const char *sealed, char **plain, rd_err *e)
{
	size_t slen;
	unsigned char *raw = NULL;
	char *txt = NULL;
	EVP_CIPHER_CTX *c = NULL;
	int rawlen, len = 0, fin = 0, pad = 0;
	rd_code rc = RD_E_DATA;
	*plain = NULL;
	if (strncmp(sealed, "v1:", 3) != 0)
		return rd_fail(e, RD_E_DATA, _("an encrypted field has an unknown format"));
	sealed += 3;
	slen = strlen(sealed);
	if (slen % 4 || slen < 4)
		return rd_fail(e, RD_E_DATA, _("an encrypted field is damaged"));
	raw = malloc(slen);
	if (!raw)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rawlen = EVP_DecodeBlock(raw, (const unsigned char *)sealed, (int)slen);
	pad = (sealed[slen - 1] == '=') + (sealed[slen - 2] == '=');
	rawlen -= pad;
	if (rawlen < NONCE + TAG) {
		rd_fail(e, RD_E_DATA, _("an encrypted field is damaged"));
		goto done;
	}
	txt = malloc((size_t)rawlen - NONCE - TAG + 1);
	c = EVP_CIPHER_CTX_new();
	if (!txt || !c) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto done;
	}
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, k->enc, raw) != 1 ||
	    EVP_DecryptUpdate(c, (unsigned char *)txt, &len, raw + NONCE, rawlen - NONCE - TAG) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG, raw + rawlen - TAG) != 1 ||
	    EVP_DecryptFinal_ex(c, (unsigned char *)txt + len, &fin) != 1) {
		rd_fail(e, RD_E_DATA, _("an encrypted field does not decrypt with this key file"));
		goto done;
	}
	txt[len + fin] = '\0';
	*plain = txt;
	txt = NULL;
	rc = RD_OK;
done:
	EVP_CIPHER_CTX_free(c);
	free(raw);
	free(txt);
	return rc;
}

void rd_blind_index(const rd_keys *k, const char *label, const char *value, char out[65])
{
	unsigned char mac[32];
	char *msg = rd_asprintf("%s%c%s", label, 0, value);
	size_t n = strlen(label) + 1 + strlen(value);
	if (!msg) {
		out[0] = '\0';
		return;
	}
	rd_hmac_sha256(k->idx, sizeof k->idx, msg, n, mac);
	rd_secret_free(msg, n);
	rd_hex(mac, sizeof mac, out);
}
