/* Small string, file and crypto helpers. */
#include "core/core.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

size_t rd_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = src ? strlen(src) : 0;
	if (n) {
		size_t c = len < n - 1 ? len : n - 1;
		if (c)
			memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

char *rd_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void *rd_grow(void *p, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t nc = *cap ? *cap : (first ? first : 1);
	void *np;
	if (need <= *cap && p)
		return p;
	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			return NULL;
		nc *= 2;
	}
	if (size == 0 || nc > SIZE_MAX / size)
		return NULL;
	if (!(np = realloc(p, nc * size)))
		return NULL;
	*cap = nc;
	return np;
}

char *rd_asprintf(const char *fmt, ...)
{
	char *out = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	va_end(ap);
	return out;
}

char *rd_trim(char *s)
{
	char *end;
	if (!s)
		return s;
	while (*s && isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

bool rd_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

void rd_memzero(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

void rd_secret_free(char *s, size_t n)
{
	if (!s)
		return;
	rd_memzero(s, n ? n : strlen(s));
	free(s);
}

bool rd_file_exists(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0;
}

rd_code rd_file_read(const char *path, size_t max, char **data, size_t *len, rd_err *e)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;
	size_t n;
	if (!f)
		return rd_fail_at(e, RD_E_IO, path, _("cannot open: %s"), strerror(errno));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return rd_fail_at(e, RD_E_IO, path, _("not a regular file"));
	}
	if ((size_t)st.st_size > max) {
		fclose(f);
		return rd_fail_at(e, RD_E_INVALID, path, _("file is %lld bytes, more than the %zu allowed"),
				  (long long)st.st_size, max);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return rd_fail_at(e, RD_E_IO, path, _("read error"));
	}
	fclose(f);
	buf[n] = '\0';
	*data = buf;
	if (len)
		*len = n;
	return RD_OK;
}

rd_code rd_file_write_atomic(const char *path, const void *data, size_t len, int mode, rd_err *e)
{
	char *tmp = rd_asprintf("%s.tmp.%ld", path, (long)getpid());
	int fd;
	if (!tmp)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		rd_fail_at(e, RD_E_IO, path, _("cannot write: %s"), strerror(errno));
		free(tmp);
		return RD_E_IO;
	}
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rd_fail_at(e, RD_E_IO, path, _("cannot write: %s"), strerror(errno));
			close(fd);
			unlink(tmp);
			free(tmp);
			return RD_E_IO;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		rd_fail_at(e, RD_E_IO, path, _("cannot write: %s"), strerror(errno));
		unlink(tmp);
		free(tmp);
		return RD_E_IO;
	}
	free(tmp);
	return RD_OK;
}

rd_code rd_mkdir_p(const char *dir, int mode, rd_err *e)
{
	char buf[4096];
	size_t n = rd_strlcpy(buf, dir, sizeof buf);
	if (n >= sizeof buf)
		return rd_fail_at(e, RD_E_IO, dir, _("path too long"));
	for (char *p = n ? buf + 1 : buf; *p; p++) { /* "" (or NULL): mkdir says what is wrong */
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return rd_fail_at(e, RD_E_IO, buf, _("cannot create directory: %s"), strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return rd_fail_at(e, RD_E_IO, buf, _("cannot create directory: %s"), strerror(errno));
	return RD_OK;
}

void rd_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int rd_unhex(const char *in, unsigned char *out, size_t max)
{
	size_t n = strlen(in);
	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval((unsigned char)in[2 * i]), lo = hexval((unsigned char)in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

void rd_sha256(const void *data, size_t n, unsigned char out[32])
{
	EVP_Digest(data, n, out, NULL, EVP_sha256(), NULL);
}

void rd_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[32];
	rd_sha256(data, n, md);
	rd_hex(md, 32, out);
}

void rd_hmac_sha256(const unsigned char *key, size_t klen, const void *data, size_t n,
		    unsigned char out[32])
{
	unsigned int len = 32;
	HMAC(EVP_sha256(), key, (int)klen, data, n, out, &len);
}

rd_code rd_random(void *buf, size_t n, rd_err *e)
{
	if (RAND_bytes(buf, (int)n) != 1) {
		rd_fail(e, RD_E_INTERNAL, _("the random number generator failed"));
		rd_err_add_openssl(e);
		return RD_E_INTERNAL;
	}
	return RD_OK;
}

bool rd_mem_eq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
