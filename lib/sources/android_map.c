/* Read-only mappings of acquisition members: a 200 MB dumpsys is paged
 * in and out by the kernel instead of held in the heap. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.h"
#include "sources/android_fs.h"
#include "sources/android_fs_int.h"

static size_t round_up(size_t n, size_t page)
{
	return (n + page - 1) / page * page;
}

/* An anonymous reservation one page longer than the file, the file
 * mapped over its start: the bytes after the end read as NUL. */
static enum th_status map_fd(int fd, size_t size, const char *name,
                             struct th_afs_map *m, struct th_err *err)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *base, *file;

	m->maplen = round_up(size, page) + page;
	base = mmap(NULL, m->maplen, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	            0);
	if (base == MAP_FAILED)
		return th_err_set(err, TH_ERR_NOMEM, "cannot map '%s': %s",
		                  name, strerror(errno));
	file = mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	if (file == MAP_FAILED) {
		munmap(base, m->maplen);
		return th_err_errno(err, errno, "cannot map '%s'", name);
	}
	m->base = base;
	m->text = base;
	m->len = size;
	return TH_OK;
}

enum th_status th_afs_map_member(struct th_afs *a, size_t i, size_t max,
                                 struct th_afs_map *m, struct th_err *err)
{
	enum th_status st;
	struct stat sb;
	char *path = NULL;
	int temp = 0, fd;

	memset(m, 0, sizeof(*m));
	m->text = "";
	max = th_limit_artifact(a->member_max, max);
	st = th_afs_local(a, i, &path, &temp, err);
	if (st != TH_OK)
		return st;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		st = th_err_errno(err, errno, "cannot open '%s'",
		                  th_afs_at(a, i)->name);
	} else if ((uint64_t)sb.st_size > max) {
		st = th_limit_artifact_hit(err, th_afs_at(a, i)->name, max);
	} else if (sb.st_size > 0) {
		st = map_fd(fd, (size_t)sb.st_size, th_afs_at(a, i)->name, m,
		            err);
	}
	if (fd >= 0)
		close(fd);
	/* The mapping keeps a temporary copy alive. */
	if (temp)
		unlink(path);
	free(path);
	return st;
}

void th_afs_map_release(struct th_afs_map *m)
{
	if (m->base)
		madvise(m->base, m->maplen, MADV_DONTNEED);
}

void th_afs_unmap(struct th_afs_map *m)
{
	if (m->base)
		munmap(m->base, m->maplen);
	memset(m, 0, sizeof(*m));
	m->text = "";
}
