/* AES key wrap and CBC file decryption over OpenSSL EVP. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/aes.h"

#define CHUNK     ((size_t)1 << 20) /* a multiple of the block size */
#define AES_BLOCK 16

static enum th_status wrap_op(int enc, const uint8_t *kek, const uint8_t *in,
                              size_t len, uint8_t *out, size_t out_len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	enum th_status st = TH_ERR_CRYPTO;
	int n = 0;

	if (!ctx)
		return TH_ERR_NOMEM;
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	/* A built-in cipher with a key of its size: setting it up fails
	 * only when OpenSSL cannot allocate its state. */
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_wrap(), NULL, kek, NULL, enc) !=
	    1) {
		st = TH_ERR_NOMEM;
		goto out;
	}
	if (EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    (size_t)n != out_len) {
		/* Unwrapping fails only on the integrity check. */
		st = enc ? TH_ERR_CRYPTO : TH_ERR_PASSWORD;
		OPENSSL_cleanse(out, out_len);
		goto out;
	}
	st = TH_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	return st;
}

enum th_status th_aes_unwrap(const uint8_t kek[TH_AES_KEY_LEN],
                             const uint8_t *wrapped, size_t len, uint8_t *out)
{
	if (len < 24 || len > TH_AES_WRAP_MAX || len % 8)
		return TH_ERR_FORMAT;
	return wrap_op(0, kek, wrapped, len, out, len - 8);
}

enum th_status th_aes_wrap(const uint8_t kek[TH_AES_KEY_LEN],
                           const uint8_t *plain, size_t len, uint8_t *out)
{
	if (len < 16 || len > TH_AES_WRAP_MAX - 8 || len % 8)
		return TH_ERR_FORMAT;
	return wrap_op(1, kek, plain, len, out, len + 8);
}

enum th_status th_aes_encrypt_mem(const uint8_t key[TH_AES_KEY_LEN],
                                  const void *in, size_t len, uint8_t **out,
                                  size_t *out_len)
{
	static const uint8_t iv[AES_BLOCK];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t *buf = malloc(len + AES_BLOCK);
	int n = 0, m = 0, ok;

	*out = NULL;
	*out_len = 0;
	ok = ctx && buf && len < (size_t)1 << 30 &&
	     EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv) == 1 &&
	     EVP_EncryptUpdate(ctx, buf, &n, in, (int)len) == 1 &&
	     EVP_EncryptFinal_ex(ctx, buf + n, &m) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		free(buf);
		return buf ? TH_ERR_CRYPTO : TH_ERR_NOMEM;
	}
	*out = buf;
	*out_len = (size_t)n + (size_t)m;
	return TH_OK;
}

/* --- whole files ---------------------------------------------------- */

struct cbc_file {
	EVP_CIPHER_CTX *ctx;
	uint8_t *in, *out;
	uint8_t tail[AES_BLOCK]; /* the last plaintext block, held back */
	int has_tail;
	int ifd, ofd;
	size_t chunk; /* buffer size: CHUNK, or less for a small file */
	uint64_t bytes;
};

static int write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

/* Reads up to CHUNK bytes, retrying short reads so every chunk but the
 * last is a whole number of blocks. */
static ssize_t read_chunk(int fd, uint8_t *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size) {
		n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Decrypts one chunk; writes all but its last block, which waits for
 * the padding check (it may be the end of the file). */
static enum th_status cbc_chunk(struct cbc_file *f, size_t len)
{
	int n = 0;

	if (EVP_DecryptUpdate(f->ctx, f->out, &n, f->in, (int)len) != 1 ||
	    (size_t)n != len)
		return TH_ERR_CRYPTO;
	if (f->has_tail && !write_all(f->ofd, f->tail, AES_BLOCK))
		return TH_ERR_IO;
	if (!write_all(f->ofd, f->out, len - AES_BLOCK))
		return TH_ERR_IO;
	memcpy(f->tail, f->out + len - AES_BLOCK, AES_BLOCK);
	f->has_tail = 1;
	return TH_OK;
}

/* PKCS#7: the last byte n (1-16) and n bytes equal to it. */
static size_t padding_of(const uint8_t *b)
{
	uint8_t n = b[AES_BLOCK - 1], bad = 0;
	size_t i;

	if (n == 0 || n > AES_BLOCK)
		return 0;
	for (i = AES_BLOCK - n; i < AES_BLOCK; i++)
		bad |= b[i] ^ n;
	return bad ? 0 : n;
}

static enum th_status cbc_finish(struct cbc_file *f, enum th_aes_pad pad)
{
	size_t p;

	if (!f->has_tail)
		return TH_OK;
	p = padding_of(f->tail);
	if (p == 0 && pad == TH_AES_PAD_STRICT)
		return TH_ERR_CRYPTO;
	return write_all(f->ofd, f->tail, AES_BLOCK - p) ? TH_OK : TH_ERR_IO;
}

static enum th_status cbc_run(struct cbc_file *f, const uint8_t *key,
                              enum th_aes_pad pad)
{
	static const uint8_t iv[AES_BLOCK];
	enum th_status st = TH_OK;
	ssize_t n;

	/* Fails only when OpenSSL cannot allocate (see wrap_op). */
	if (EVP_DecryptInit_ex(f->ctx, EVP_aes_256_cbc(), NULL, key, iv) != 1 ||
	    EVP_CIPHER_CTX_set_padding(f->ctx, 0) != 1)
		return TH_ERR_NOMEM;
	while (st == TH_OK && (n = read_chunk(f->ifd, f->in, f->chunk)) != 0) {
		if (n < 0)
			return TH_ERR_IO;
		f->bytes += (uint64_t)n;
		if (n % AES_BLOCK)
			return TH_ERR_FORMAT;
		st = cbc_chunk(f, (size_t)n);
	}
	return st == TH_OK ? cbc_finish(f, pad) : st;
}

/* Small files get small buffers: a backup holds many of them, and a
 * large allocation per file is an mmap and page faults each time. */
static size_t chunk_size(int fd)
{
	struct stat st;
	uint64_t size;

	if (fstat(fd, &st) != 0 || st.st_size < 0)
		return CHUNK;
	size = ((uint64_t)st.st_size + AES_BLOCK) & ~(uint64_t)(AES_BLOCK - 1);
	return size < CHUNK ? (size_t)size : CHUNK;
}

static enum th_status decrypt_fail(enum th_status st, const char *name,
                                   uint64_t bytes, struct th_err *err)
{
	if (st == TH_ERR_FORMAT)
		return th_err_set(err, st,
		                  "cannot decrypt '%s': its size (%llu bytes) "
		                  "is not a multiple of 16",
		                  name, (unsigned long long)bytes);
	if (st == TH_ERR_CRYPTO)
		return th_err_set(err, st,
		                  "cannot decrypt '%s': bad padding (damaged "
		                  "file or wrong key)",
		                  name);
	if (st == TH_ERR_NOMEM)
		return th_err_set(err, st, "out of memory");
	return th_err_set(err, st, "cannot decrypt '%s': %s", name,
	                  strerror(errno ? errno : EIO));
}

enum th_status th_aes_decrypt_file(const uint8_t key[TH_AES_KEY_LEN],
                                   const char *in, const char *out,
                                   const char *name, enum th_aes_pad pad,
                                   uint64_t *bytes, struct th_err *err)
{
	struct cbc_file f = {0};
	enum th_status st = TH_ERR_NOMEM;

	f.ifd = open(in, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (f.ifd < 0)
		return th_err_errno(err, errno, "cannot open '%s'", name);
	f.ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (f.ofd < 0) {
		close(f.ifd);
		return th_err_errno(err, errno, "cannot create '%s'", out);
	}
	f.chunk = chunk_size(f.ifd);
	f.ctx = EVP_CIPHER_CTX_new();
	f.in = malloc(f.chunk);
	f.out = malloc(f.chunk);
	if (f.ctx && f.in && f.out)
		st = cbc_run(&f, key, pad);
	if (close(f.ofd) != 0 && st == TH_OK)
		st = TH_ERR_IO;
	close(f.ifd);
	EVP_CIPHER_CTX_free(f.ctx);
	if (f.out)
		OPENSSL_cleanse(f.out, f.chunk);
	OPENSSL_cleanse(f.tail, sizeof(f.tail));
	free(f.in);
	free(f.out);
	if (bytes)
		*bytes = f.bytes;
	if (st == TH_OK)
		return TH_OK;
	unlink(out);
	return decrypt_fail(st, name, f.bytes, err);
}
