/*
 * libFuzzer target: the archive walk (tar, tar.gz, zip through
 * libarchive) with our member-name cleaning, type and link checks, and
 * bounded reads of each member. Every member handed on must have a
 * clean relative path: no leading '/', no "." or ".." component, no
 * empty component. The input goes through a memory file, as
 * th_archive_each reads a path.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/archive.h"

#define MEMBERS_MAX 256
#define READ_MAX    ((size_t)1 << 20)

static char path[64];

static void check_path(const char *p)
{
	const char *c = p;
	size_t n;

	if (!*p || *p == '/')
		abort();
	while (*c) {
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			abort();
		c += n;
		if (*c == '/')
			c++;
		if (!*c && c[-1] == '/')
			abort();
	}
}

static int on_member(void *ctx, struct th_archive *ar,
                     const struct th_member *m)
{
	struct th_err err = {0};
	char *data = NULL;
	size_t len = 0;

	(void)ctx;
	check_path(m->path);
	if (strlen(m->path) >= TH_ARCHIVE_PATH_MAX)
		abort();
	if (m->type == TH_MEMBER_FILE &&
	    th_archive_read(ar, READ_MAX, &data, &len, &err) == TH_OK) {
		if (len > READ_MAX || data[len] != '\0')
			abort();
		free(data);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct th_archive_stats stats;
	struct th_err err = {0};

	/* A memory file, so no file is left behind however the run ends. */
	if (fd < 0) {
		fd = memfd_create("fuzz-archive", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 ||
	    (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	memset(&stats, 0, sizeof(stats));
	th_archive_each(path, MEMBERS_MAX, on_member, NULL, &stats, &err);
	if (stats.refused > stats.members)
		abort();
	return 0;
}
