/* Key derivation (our PBKDF2 against RFC 6070, known SHA-256 vectors and
 * OpenSSL's PKCS5_PBKDF2_HMAC), AES key unwrap (RFC 3394), CBC file
 * decryption with padding removal, and keybag parsing of hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "support.h"
#include "core/aes.h"
#include "core/fsutil.h"
#include "core/kdf.h"
#include "formats/keybag.h"

static void unhex(const char *hex, uint8_t *out, size_t n)
{
	size_t i;
	unsigned v;

	assert_int_equal(strlen(hex), 2 * n);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

struct vec {
	const char *pw;
	size_t pw_len;
	const char *salt;
	size_t salt_len;
	uint32_t iter;
	const char *hex;
};

static void check_vec(const struct vec *v, int sha256)
{
	uint8_t want[64], got[64];
	size_t n = strlen(v->hex) / 2;

	unhex(v->hex, want, n);
	memset(got, 0xee, sizeof(got));
	if (sha256)
		assert_int_equal(th_pbkdf2_sha256(v->pw, v->pw_len, v->salt,
		                                  v->salt_len, v->iter, got, n),
		                 TH_OK);
	else
		assert_int_equal(th_pbkdf2_sha1(v->pw, v->pw_len, v->salt,
		                                v->salt_len, v->iter, got, n),
		                 TH_OK);
	assert_memory_equal(got, want, n);
	assert_int_equal(got[n], 0xee); /* nothing written past out_len */
}

static void test_rfc6070_sha1(void **state)
{
	static const struct vec v[] = {
	        {"password", 8, "salt", 4, 1,
	         "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
	        {"password", 8, "salt", 4, 2,
	         "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
	        {"password", 8, "salt", 4, 4096,
	         "4b007901b765489abead49d926f721d065a429c1"},
	        {"passwordPASSWORDpassword", 24,
	         "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096,
	         "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"},
	        {"pass\0word", 9, "sa\0lt", 5, 4096,
	         "56fa6aa75548099dcc37d7f03425e0c3"},
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_vec(&v[i], 0);
}

static void test_sha256_vectors(void **state)
{
	static const struct vec v[] = {
	        {"password", 8, "salt", 4, 1,
	         "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be"
	         "17b"},
	        {"password", 8, "salt", 4, 2,
	         "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474"
	         "c43"},
	        {"password", 8, "salt", 4, 4096,
	         "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa981"
	         "34a"},
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_vec(&v[i], 1);
}

/* Against OpenSSL on keys longer than a block, empty passwords, odd
 * output lengths (several output blocks). */
static void test_against_openssl(void **state)
{
	uint8_t pw[130], salt[40], a[100], b[100];
	size_t i, pl, ol;
	uint32_t iter;

	for (i = 0; i < sizeof(pw); i++)
		pw[i] = (uint8_t)(i * 7 + 3);
	memcpy(salt, pw + 50, sizeof(salt));
	for (pl = 0; pl <= sizeof(pw); pl += 13) {
		ol = 1 + pl % 97;
		iter = 1 + (uint32_t)pl % 37;
		assert_int_equal(
		        th_pbkdf2_sha256(pw, pl, salt, pl % 40, iter, a, ol),
		        TH_OK);
		assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)pw, (int)pl,
		                                   salt, (int)(pl % 40),
		                                   (int)iter, EVP_sha256(),
		                                   (int)ol, b),
		                 1);
		assert_memory_equal(a, b, ol);
		assert_int_equal(
		        th_pbkdf2_sha1(pw, pl, salt, pl % 40, iter, a, ol),
		        TH_OK);
		assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)pw, (int)pl,
		                                   salt, (int)(pl % 40),
		                                   (int)iter, EVP_sha1(),
		                                   (int)ol, b),
		                 1);
		assert_memory_equal(a, b, ol);
	}
}

static void test_kdf_bad_args(void **state)
{
	uint8_t out[32];

	assert_int_equal(th_pbkdf2_sha256("p", 1, "s", 1, 0, out, 32),
	                 TH_ERR_USAGE);
	assert_int_equal(th_pbkdf2_sha256("p", 1, "s", 1, 1, out, 0),
	                 TH_ERR_USAGE);
	assert_int_equal(
	        th_pbkdf2_sha1("p", 1, "s", 1, TH_KDF_ITER_MAX + 1u, out, 32),
	        TH_ERR_LIMIT);
	assert_int_equal(th_pbkdf2_sha1(NULL, 3, "s", 1, 1, out, 32),
	                 TH_ERR_USAGE);
}

/* RFC 3394 section 4.6: a 256-bit key under a 256-bit KEK. */
static void test_aes_unwrap_rfc3394(void **state)
{
	uint8_t kek[32], key[32], wrapped[40], out[40];
	size_t i;

	for (i = 0; i < 32; i++)
		kek[i] = (uint8_t)i;
	unhex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e"
	      "0f",
	      key, 32);
	unhex("28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f4"
	      "3bfb988b9b7a02dd21",
	      wrapped, 40);
	assert_int_equal(th_aes_unwrap(kek, wrapped, 40, out), TH_OK);
	assert_memory_equal(out, key, 32);
	assert_int_equal(th_aes_wrap(kek, key, 32, out), TH_OK);
	assert_memory_equal(out, wrapped, 40);
	wrapped[39] ^= 1;
	assert_int_equal(th_aes_unwrap(kek, wrapped, 40, out), TH_ERR_PASSWORD);
	assert_int_equal(th_aes_unwrap(kek, wrapped, 36, out), TH_ERR_FORMAT);
	assert_int_equal(th_aes_unwrap(kek, wrapped, 16, out), TH_ERR_FORMAT);
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* Sizes around the block and the 1 MiB chunk: padding removed exactly. */
static void test_cbc_file_sizes(void **state)
{
	static const size_t sizes[] = {
	        0, 1, 15, 16, 17, 4095, 1 << 20, (1 << 20) + 5, (1 << 20) - 16};
	uint8_t key[32], *plain = malloc((1 << 20) + 64), *enc;
	char *tmp = t_tmpdir(), *in = th_path_join(tmp, "in"),
	     *out = th_path_join(tmp, "out"), *got;
	struct th_err err = {0};
	size_t i, j, elen, glen;

	assert_non_null(plain);
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)(0xa0 + i);
	for (j = 0; j < (1 << 20) + 64; j++)
		plain[j] = (uint8_t)(j * 31 + 7);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(
		        th_aes_encrypt_mem(key, plain, sizes[i], &enc, &elen),
		        TH_OK);
		assert_int_equal(elen, (sizes[i] / 16 + 1) * 16);
		write_bytes(in, enc, elen);
		free(enc);
		unlink(out);
		assert_int_equal(th_aes_decrypt_file(key, in, out, "x",
		                                     TH_AES_PAD_STRICT, NULL,
		                                     &err),
		                 TH_OK);
		got = t_slurp(out, &glen);
		assert_non_null(got);
		assert_int_equal(glen, sizes[i]);
		assert_memory_equal(got, plain, sizes[i]);
		free(got);
	}
	free(plain);
	free(in);
	free(out);
	t_tmpdir_free(tmp);
}

static void test_cbc_file_bad(void **state)
{
	uint8_t key[32] = {1}, junk[33];
	char *tmp = t_tmpdir(), *in = th_path_join(tmp, "in"),
	     *out = th_path_join(tmp, "out"), *got;
	struct th_err err = {0};
	size_t glen;

	memset(junk, 0x5a, sizeof(junk));
	write_bytes(in, junk, 32);
	/* A wrong key gives garbage padding: an error, and no output. */
	assert_int_equal(th_aes_decrypt_file(key, in, out, "HomeDomain/x",
	                                     TH_AES_PAD_STRICT, NULL, &err),
	                 TH_ERR_CRYPTO);
	assert_true(t_contains(err.msg, "cannot decrypt 'HomeDomain/x': bad "
	                                "padding"));
	assert_false(th_is_file(out));
	/* Loose: every byte kept. */
	assert_int_equal(th_aes_decrypt_file(key, in, out, "x",
	                                     TH_AES_PAD_LOOSE, NULL, &err),
	                 TH_OK);
	got = t_slurp(out, &glen);
	assert_int_equal(glen, 32);
	free(got);
	unlink(out);
	write_bytes(in, junk, 33);
	assert_int_equal(th_aes_decrypt_file(key, in, out, "y",
	                                     TH_AES_PAD_STRICT, NULL, &err),
	                 TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "not a multiple of 16"));
	assert_false(th_is_file(out));
	free(in);
	free(out);
	t_tmpdir_free(tmp);
}

/* --- keybags -------------------------------------------------------- */

struct bag {
	uint8_t d[4096];
	size_t n;
};

static void put(struct bag *b, const char *tag, const void *v, size_t len)
{
	assert_true(b->n + 8 + len <= sizeof(b->d));
	memcpy(b->d + b->n, tag, 4);
	b->d[b->n + 4] = (uint8_t)(len >> 24);
	b->d[b->n + 5] = (uint8_t)(len >> 16);
	b->d[b->n + 6] = (uint8_t)(len >> 8);
	b->d[b->n + 7] = (uint8_t)len;
	memcpy(b->d + b->n + 8, v, len);
	b->n += 8 + len;
}

static void put32(struct bag *b, const char *tag, uint32_t v)
{
	uint8_t be[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
	                 (uint8_t)(v >> 8), (uint8_t)v};

	put(b, tag, be, 4);
}

static const uint8_t salt[20] = "salt-salt-salt-salt";
static const uint8_t dpsl[20] = "dpsl-dpsl-dpsl-dpsl";

/* A keybag of `nclasses` class keys wrapped under the key from "pw". */
static void make_bag(struct bag *b, uint32_t nclasses, uint8_t ckeys[][32])
{
	uint8_t key[32], k1[32], w[40], uuid[16] = {0};
	uint32_t c;

	memset(b, 0, sizeof(*b));
	PKCS5_PBKDF2_HMAC("pw", 2, dpsl, 20, 100, EVP_sha256(), 32, k1);
	PKCS5_PBKDF2_HMAC((const char *)k1, 32, salt, 20, 10, EVP_sha1(), 32,
	                  key);
	put32(b, "VERS", 4);
	put32(b, "TYPE", 1);
	put(b, "UUID", uuid, 16);
	put32(b, "WRAP", 0);
	put(b, "SALT", salt, 20);
	put32(b, "ITER", 10);
	put32(b, "DPIC", 100);
	put(b, "DPSL", dpsl, 20);
	for (c = 1; c <= nclasses; c++) {
		memset(ckeys[c - 1], (int)c, 32);
		assert_int_equal(th_aes_wrap(key, ckeys[c - 1], 32, w), TH_OK);
		put(b, "UUID", uuid, 16);
		put32(b, "CLAS", c);
		put32(b, "WRAP", 2);
		put32(b, "KTYP", 0);
		put(b, "WPKY", w, 40);
	}
}

static void test_keybag_unlock(void **state)
{
	uint8_t ck[3][32], key[32], wrong[32], fk[32], w[40], out[32];
	struct th_keybag kb;
	struct th_err err = {0};
	struct bag b;

	make_bag(&b, 3, ck);
	assert_int_equal(th_keybag_parse(b.d, b.n, &kb, &err), TH_OK);
	assert_int_equal(kb.nclasses, 3);
	assert_int_equal(kb.iter, 10);
	assert_int_equal(kb.dpic, 100);
	assert_int_equal(th_keybag_derive(&kb, "pw", 2, key, &err), TH_OK);
	memcpy(wrong, key, 32);
	wrong[0] ^= 1;
	assert_int_equal(th_keybag_unlock(&kb, wrong, &err), TH_ERR_PASSWORD);
	assert_string_equal(err.msg, "wrong backup password");
	assert_null(th_keybag_class_key(&kb, 2));
	assert_int_equal(th_keybag_unlock(&kb, key, &err), TH_OK);
	assert_memory_equal(th_keybag_class_key(&kb, 2), ck[1], 32);
	assert_null(th_keybag_class_key(&kb, 9));
	memset(fk, 0x77, 32);
	assert_int_equal(th_aes_wrap(ck[2], fk, 32, w), TH_OK);
	assert_int_equal(th_keybag_unwrap(&kb, 3, w, 40, out), TH_OK);
	assert_memory_equal(out, fk, 32);
	assert_int_equal(th_keybag_unwrap(&kb, 9, w, 40, out), TH_ERR_NOTFOUND);
	w[3] ^= 0x10;
	assert_int_equal(th_keybag_unwrap(&kb, 3, w, 40, out), TH_ERR_PASSWORD);
	th_keybag_wipe(&kb);
	assert_null(th_keybag_class_key(&kb, 2));
}

/* Every prefix of a valid keybag: an error or a smaller keybag, never a
 * read past the end (ASan watches). */
static void test_keybag_truncated(void **state)
{
	uint8_t ck[2][32], *copy;
	struct th_keybag kb;
	struct th_err err = {0};
	struct bag b;
	size_t n;

	make_bag(&b, 2, ck);
	for (n = 0; n < b.n; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, b.d, n);
		err.msg[0] = '\0';
		if (th_keybag_parse(copy, n, &kb, &err) != TH_OK)
			assert_true(err.msg[0] != '\0');
		free(copy);
	}
	assert_int_equal(th_keybag_parse(b.d, b.n - 3, &kb, &err),
	                 TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "bad keybag: truncated"));
}

static void test_keybag_hostile(void **state)
{
	uint8_t ck[40][32], big[100] = {0};
	struct th_keybag kb;
	struct th_err err = {0};
	struct bag b;

	/* A length far past the end. */
	make_bag(&b, 1, ck);
	b.d[4] = 0x7f;
	assert_int_equal(th_keybag_parse(b.d, b.n, &kb, &err), TH_ERR_FORMAT);
	/* An integer of the wrong size. */
	memset(&b, 0, sizeof(b));
	put(&b, "ITER", big, 3);
	assert_int_equal(th_keybag_parse(b.d, b.n, &kb, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "ITER is 3 bytes"));
	/* A wrapped key too long for its field. */
	make_bag(&b, 1, ck);
	put(&b, "UUID", big, 16);
	put32(&b, "CLAS", 5);
	put(&b, "WPKY", big, 100);
	assert_int_equal(th_keybag_parse(b.d, b.n, &kb, &err), TH_ERR_FORMAT);
	/* Too many classes. */
	make_bag(&b, 33, ck);
	assert_int_equal(th_keybag_parse(b.d, b.n, &kb, &err), TH_ERR_LIMIT);
	/* No class key; no salt. */
	make_bag(&b, 0, ck);
	assert_int_equal(th_keybag_parse(b.d, b.n, &kb, &err), TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "no class key"));
	memset(&b, 0, sizeof(b));
	put32(&b, "ITER", 5);
	assert_int_equal(th_keybag_parse(b.d, b.n, &kb, &err), TH_ERR_FORMAT);
	/* An iteration count meant to hang the run. */
	make_bag(&b, 1, ck);
	memcpy(b.d + 8 * 5 + 4 + 4 + 16 + 4 + 20 + 8, "\xff\xff\xff\xff", 4);
	assert_int_equal(th_keybag_parse(b.d, b.n, &kb, &err), TH_ERR_LIMIT);
	/* Too big as a whole. */
	assert_int_equal(
	        th_keybag_parse(b.d, TH_KEYBAG_MAX_BYTES + 1, &kb, &err),
	        TH_ERR_LIMIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rfc6070_sha1),
	        cmocka_unit_test(test_sha256_vectors),
	        cmocka_unit_test(test_against_openssl),
	        cmocka_unit_test(test_kdf_bad_args),
	        cmocka_unit_test(test_aes_unwrap_rfc3394),
	        cmocka_unit_test(test_cbc_file_sizes),
	        cmocka_unit_test(test_cbc_file_bad),
	        cmocka_unit_test(test_keybag_unlock),
	        cmocka_unit_test(test_keybag_truncated),
	        cmocka_unit_test(test_keybag_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
