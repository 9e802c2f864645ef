/*
 * libFuzzer target: Android backup (.ab) headers, master-key blobs and
 * the payload stream (zlib, then tar through libarchive), on arbitrary
 * bytes. PBKDF2 rounds are clamped so each input stays fast.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/ab.h"

static char path[] = "/tmp/th-fuzz-ab-XXXXXX";
static int fd = -1;

/* The payload file goes when the fuzzer exits (it was left behind). */
static void remove_path(void)
{
	unlink(path);
}

static int on_member(void *ctx, struct th_ab_walk *w,
                     const struct th_ab_member *m)
{
	char buf[4096];
	size_t *total = ctx;
	ssize_t n;

	while ((n = th_ab_member_read(w, buf, sizeof(buf))) > 0)
		*total += (size_t)n;
	return *total > ((size_t)64 << 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct th_ab_header h;
	unsigned char mk[32], iv[16];
	struct th_err err = {0};
	size_t total = 0;

	if (th_ab_header_parse(data, size, "fuzz.ab", &h, &err) != TH_OK)
		return 0;
	if (h.payload_off > size)
		abort();
	if (h.encrypted) {
		h.rounds = h.rounds > 4 ? 4 : h.rounds;
		th_ab_master_key(&h, "fuzz", "fuzz.ab", mk, iv, &err);
		return 0;
	}
	if (fd < 0) {
		if ((fd = mkstemp(path)) < 0)
			return 0;
		atexit(remove_path);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	th_ab_each(path, NULL, on_member, &total, &err);
	return 0;
}
