#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/tmpreg.h"

#define REMOVE_DEPTH_MAX 64

char *th_path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p;

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/') {
		b++;
		lb--;
	}
	p = malloc(la + lb + 2);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

const char *th_path_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int th_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int th_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

enum th_status th_read_file(const char *path, size_t max, char **data,
                            size_t *len, struct th_err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;
	enum th_status st_ret = TH_OK;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return th_err_errno(err, errno, "cannot open '%s'", path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		st_ret = th_err_set(err, TH_ERR_IO, "cannot read '%s': %s",
		                    path, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		st_ret = th_err_set(err, TH_ERR_LIMIT,
		                    "cannot read '%s': larger than %zu bytes",
		                    path, max);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		st_ret = th_err_set(err, TH_ERR_NOMEM, "cannot read '%s': %s",
		                    path, "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)st.st_size) {
		st_ret = th_err_set(err, TH_ERR_IO, "cannot read '%s': %s",
		                    path, "short read");
		goto out;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return st_ret;
}

enum th_status th_mkdir_p(const char *path, int private_dir, struct th_err *err)
{
	mode_t mode = private_dir ? 0700 : 0755;
	char *p = strdup(path), *s;

	if (!p)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, mode) != 0 && errno != EEXIST)
		goto fail;
	free(p);
	if (!th_is_dir(path))
		return th_err_set(err, TH_ERR_IO,
		                  "cannot create folder '%s': %s", path,
		                  "a file is in the way");
	return TH_OK;
fail:
	th_err_set(err, TH_ERR_IO, "cannot create folder '%s': %s", p,
	           strerror(errno));
	free(p);
	return TH_ERR_IO;
}

/* realpath of path, or of its nearest existing parent plus the rest;
 * NULL with *nomem set when an allocation failed. */
static char *resolve(const char *path, int *nomem)
{
	char *copy, *slash, *r, *joined;

	r = realpath(path, NULL);
	if (r || errno == ENOMEM) {
		*nomem |= !r;
		return r;
	}
	copy = strdup(path);
	if (!copy) {
		*nomem = 1;
		return NULL;
	}
	slash = strrchr(copy, '/');
	if (!slash) {
		free(copy);
		r = realpath(".", NULL);
		*nomem |= !r && errno == ENOMEM;
		return r;
	}
	*slash = '\0';
	r = resolve(*copy ? copy : "/", nomem);
	joined = r ? th_path_join(r, slash + 1) : NULL;
	*nomem |= r && !joined;
	free(r);
	free(copy);
	return joined;
}

int th_path_inside(const char *path, const char *dir)
{
	int nomem = 0;
	char *rp = resolve(path, &nomem), *rd = resolve(dir, &nomem);
	size_t ld;
	int inside = nomem ? -1 : 0;

	if (rp && rd) {
		ld = strlen(rd);
		if (ld == 1 && rd[0] == '/')
			inside = 1;
		else
			inside = strncmp(rp, rd, ld) == 0 &&
			         (rp[ld] == '/' || rp[ld] == '\0');
	}
	free(rp);
	free(rd);
	return inside;
}

enum th_status th_tmpdir_new(struct th_tmpdir *t, struct th_err *err)
{
	const char *base = getenv("TMPDIR");
	char *tmpl;

	if (!base || !*base)
		base = "/tmp";
	tmpl = th_path_join(base, "tracehound-XXXXXX");
	if (!tmpl)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	/* Registered so an interrupted program can remove it (th_cleanup.h). */
	switch (th_tmpreg_mkdtemp(tmpl)) {
	case TH_OK:
		break;
	case TH_ERR_IO:
		th_err_set(err, TH_ERR_IO,
		           "cannot create a temporary folder "
		           "in '%s': %s",
		           base, strerror(errno));
		free(tmpl);
		return TH_ERR_IO;
	default:
		free(tmpl);
		return th_err_set(err, TH_ERR_IO, "%s",
		                  "cannot create a temporary folder: "
		                  "shutting down");
	}
	t->path = tmpl;
	return TH_OK;
}

void th_tmpdir_free(struct th_tmpdir *t)
{
	if (!t || !t->path)
		return;
	th_remove_tree(t->path);
	th_tmpreg_remove(t->path);
	free(t->path);
	t->path = NULL;
}

/* The kernel's directory record (getdents64(2)). */
struct kdirent {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

#define REMOVE_PASSES_MAX 64

static void remove_at(int parent, const char *name, int depth);

/*
 * Removes what the folder `fd` holds. The entries are read with
 * getdents64 into a stack buffer, not opendir: a temp folder may hold
 * decrypted evidence and must go even when memory has run out. Entries
 * removed while reading may shift the listing, so the folder is read
 * again until a pass removes nothing.
 */
static void remove_children(int fd, int depth)
{
	char buf[4096] __attribute__((aligned(8)));
	struct kdirent *d;
	long n, off;
	int removed, passes = 0;

	do {
		removed = 0;
		if (lseek(fd, 0, SEEK_SET) != 0)
			return;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) >
		       0) {
			for (off = 0; off < n; off += d->reclen) {
				d = (struct kdirent *)(void *)(buf + off);
				if (d->reclen == 0)
					return;
				if (!strcmp(d->name, ".") ||
				    !strcmp(d->name, ".."))
					continue;
				remove_at(fd, d->name, depth + 1);
				removed++;
			}
		}
	} while (removed && ++passes < REMOVE_PASSES_MAX);
}

static void remove_at(int parent, const char *name, int depth)
{
	struct stat st;
	int fd;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (!S_ISDIR(st.st_mode) || depth >= REMOVE_DEPTH_MAX) {
		unlinkat(parent, name, 0);
		return;
	}
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return;
	remove_children(fd, depth);
	close(fd);
	unlinkat(parent, name, AT_REMOVEDIR);
}

void th_remove_tree(const char *path)
{
	remove_at(AT_FDCWD, path, 0);
}
