/*
 * Encrypted backups: the backup key derivation (DPIC 10,000,000 then
 * ITER 10,000) against 20,000,000 bare SHA-256 compressions, and
 * decrypt-backup on a generated 1 GiB encrypted backup against this
 * machine's AES-256-CBC decryption speed on the same cores. Both floors
 * are measured in the same run, so a busy machine moves both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/evp.h>
#include <tracehound/th_backup.h>

#include "bench.h"
#include "core/fsutil.h"
#include "core/kdf.h"
#include "core/pool.h"
#include "formats/keybag.h"
#include "gen.h"

#define DPIC         10000000u
#define ITER         10000u
#define COMPRESSIONS 20000000u
#define KDF_TARGET   1.3
#define BULK_FILES   128
#define BULK_SIZE    ((size_t)8 << 20) /* 128 x 8 MiB = 1 GiB */
#define AES_TARGET   0.80
#define AES_CHUNK    ((size_t)1 << 20)
#define AES_MIB      1024 /* decrypted per measurement, over all cores */
#define PASSWORD     "bench password"

/* This thread's CPU time: both figures are single-threaded, and CPU time
 * is what other work on the machine disturbs least. */
static double cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int bench_kdf(void)
{
	struct th_keybag kb;
	uint8_t key[32];
	double t0, t, kdf = 1e9, floor_s = 1e9;
	unsigned sink = 0;
	int run;

	memset(&kb, 0, sizeof(kb));
	memset(kb.salt, 0x5a, 20);
	memset(kb.dpsl, 0xa5, 20);
	kb.salt_len = kb.dpsl_len = 20;
	kb.iter = ITER;
	kb.dpic = DPIC;
	/* Best of three, interleaved, so both see the same machine. */
	for (run = 0; run < 3; run++) {
		t0 = cpu_s();
		if (th_keybag_derive(&kb, PASSWORD, strlen(PASSWORD), key,
		                     NULL))
			return 2;
		t = cpu_s() - t0;
		kdf = t < kdf ? t : kdf;
		t0 = cpu_s();
		sink += th_sha256_compress_n(COMPRESSIONS);
		t = cpu_s() - t0;
		floor_s = t < floor_s ? t : floor_s;
	}
	printf("backup key        %.2f s CPU to derive (PBKDF2-SHA256 x %u + "
	       "SHA1 x %u); floor %.2f s (%u SHA-256 compressions%s); "
	       "ratio %.3f (target <= %.1f) %s\n",
	       kdf, DPIC, ITER, floor_s, COMPRESSIONS,
	       sink == 1u << 30 ? "!" : "", kdf / floor_s, KDF_TARGET,
	       kdf / floor_s <= KDF_TARGET ? "ok" : "MISSED");
	return 0;
}

struct aes_job {
	size_t mib_each;
	int failed;
};

static void aes_worker(void *ctx, size_t i)
{
	static const uint8_t key[32] = {7}, iv[16];
	struct aes_job *j = ctx;
	uint8_t *in = calloc(1, AES_CHUNK), *out = malloc(AES_CHUNK);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok = in && out && c;
	size_t k;

	(void)i;
	ok = ok && EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), NULL, key, iv) &&
	     EVP_CIPHER_CTX_set_padding(c, 0);
	for (k = 0; ok && k < j->mib_each; k++)
		ok = EVP_DecryptUpdate(c, out, &n, in, (int)AES_CHUNK);
	if (!ok)
		j->failed = 1;
	EVP_CIPHER_CTX_free(c);
	free(in);
	free(out);
}

/* AES-256-CBC decryption in memory on every core, bytes per second. */
static double aes_speed(int cores)
{
	struct aes_job j = {AES_MIB / (size_t)cores, 0};
	double t0 = th_bench_now(), t;

	th_pool_for(cores, (size_t)cores, aes_worker, &j);
	t = th_bench_now() - t0;
	return j.failed ? 0
	                : (double)(j.mib_each * (size_t)cores) *
	                          (double)AES_CHUNK / t;
}

static int generate(const char *tmp, char **enc)
{
	struct th_gen_backup_opts bo = {.infected = 0, .rows = 0, .seed = 3};
	struct th_gen_encrypt_opts eo = {.password = PASSWORD,
	                                 .dpic = 1000,
	                                 .iter = 10,
	                                 .seed = 3,
	                                 .bulk_files = BULK_FILES,
	                                 .bulk_size = BULK_SIZE};
	char *plain = th_path_join(tmp, "plain");
	struct th_err err = {0};
	int rc = 0;

	*enc = th_path_join(tmp, "enc");
	if (!plain || !*enc || th_gen_backup(plain, &bo, &err) != TH_OK ||
	    th_gen_backup_encrypt(plain, *enc, &eo, &err) != TH_OK) {
		fprintf(stderr, "th-bench: cannot generate: %s\n", err.msg);
		rc = 2;
	}
	free(plain);
	return rc;
}

static double tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static int bench_decrypt(const char *tmp)
{
	struct th_decrypt_options o = {0};
	struct th_decrypt_stats st;
	unsigned char key[32];
	char msg[1024], *enc = NULL, *dest = th_path_join(tmp, "dest");
	int cores = th_pool_cores(), rc;
	double t0, t, aes, rate;
	struct rusage r0, r1;

	rc = generate(tmp, &enc);
	if (rc == 0 && th_backup_extract_key(enc, PASSWORD, key, msg,
	                                     sizeof(msg)) != TH_OK)
		rc = 2;
	o.target = enc;
	o.dest = dest;
	o.key = key;
	o.key_len = sizeof(key);
	aes = rc == 0 ? aes_speed(cores) : 0;
	getrusage(RUSAGE_SELF, &r0);
	t0 = th_bench_now();
	if (rc == 0 && th_backup_decrypt(&o, &st, msg, sizeof(msg)) != TH_OK) {
		fprintf(stderr, "th-bench: %s\n", msg);
		rc = 2;
	}
	t = th_bench_now() - t0;
	getrusage(RUSAGE_SELF, &r1);
	rate = rc == 0 ? (double)st.bytes / t : 0;
	/* User time is the cipher; system time the kernel's file writes. */
	if (rc == 0)
		printf("decrypt-backup    %.2f GB/s (%.2f GB in %.2f s, %llu "
		       "files, %d cores; CPU %.2f s user, %.2f s system); "
		       "AES-256-CBC %.2f GB/s; %.0f%% (target >= %.0f%%) %s\n",
		       rate / 1e9, (double)st.bytes / 1e9, t,
		       (unsigned long long)st.files, cores,
		       tv_s(&r1.ru_utime) - tv_s(&r0.ru_utime),
		       tv_s(&r1.ru_stime) - tv_s(&r0.ru_stime), aes / 1e9,
		       100 * rate / aes, 100 * AES_TARGET,
		       rate >= AES_TARGET * aes ? "ok" : "MISSED");
	free(enc);
	free(dest);
	return rc;
}

int th_bench_crypto(void)
{
	struct th_tmpdir tmp = {0};
	struct th_err err = {0};
	int rc = bench_kdf();

	if (rc == 0 && th_tmpdir_new(&tmp, &err) != TH_OK)
		rc = 2;
	if (rc == 0)
		rc = bench_decrypt(tmp.path);
	th_tmpdir_free(&tmp);
	return rc;
}
