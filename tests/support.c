#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "core/fsutil.h"

char *t_shared(const char *rel)
{
	char *p = th_path_join(TH_SHARED_DIR, rel);
	struct stat st;

	if (p && stat(p, &st) == 0)
		return p;
	free(p);
	return NULL;
}

char *t_tmpdir(void)
{
	struct th_tmpdir t = {0};

	if (th_tmpdir_new(&t, NULL) != TH_OK)
		return NULL;
	return t.path;
}

void t_tmpdir_free(char *dir)
{
	struct th_tmpdir t = {.path = dir};

	th_tmpdir_free(&t);
}

char *t_slurp(const char *path, size_t *len)
{
	char *data = NULL;
	size_t n = 0;

	if (th_read_file(path, (size_t)1 << 30, &data, &n, NULL) != TH_OK)
		return NULL;
	if (len)
		*len = n;
	return data;
}

int t_contains(const char *haystack, const char *needle)
{
	return haystack && needle && strstr(haystack, needle) != NULL;
}

static char *read_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *p;
	ssize_t n;

	while (buf) {
		if (len + 1 >= cap) {
			p = realloc(buf, cap * 2);
			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

int t_run(char *const argv[], char **out, char **err)
{
	char outname[] = "/tmp/th-test-out-XXXXXX";
	char errname[] = "/tmp/th-test-err-XXXXXX";
	int ofd = mkstemp(outname), efd = mkstemp(errname), status, nul;
	pid_t pid;

	if (ofd < 0 || efd < 0)
		return -1;
	unlink(outname);
	unlink(errname);
	pid = fork();
	if (pid == 0) {
		nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = -1;
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	if (out)
		*out = read_fd(ofd);
	if (err)
		*err = read_fd(efd);
	close(ofd);
	close(efd);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void hash_tree(EVP_MD_CTX *md, const char *dir, const char *rel,
                      int depth)
{
	char *full = rel[0] ? th_path_join(dir, rel) : strdup(dir);
	char **names = NULL, *child, *data;
	size_t n = 0, cap = 0, i, len;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (!full || depth > 32 || lstat(full, &st) != 0)
		goto out;
	EVP_DigestUpdate(md, rel, strlen(rel) + 1);
	EVP_DigestUpdate(md, &st.st_mode, sizeof(st.st_mode));
	if (S_ISREG(st.st_mode)) {
		data = t_slurp(full, &len);
		if (data)
			EVP_DigestUpdate(md, data, len);
		free(data);
	}
	if (!S_ISDIR(st.st_mode) || !(d = opendir(full)))
		goto out;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n) /* names is NULL for an empty folder */
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		child = rel[0] ? th_path_join(rel, names[i]) : strdup(names[i]);
		hash_tree(md, dir, child, depth + 1);
		free(child);
		free(names[i]);
	}
	free(names);
out:
	free(full);
}

void t_tree_hash(const char *dir, char out[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char h[32];
	unsigned int hl = 0, i;

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	hash_tree(md, dir, "", 0);
	EVP_DigestFinal_ex(md, h, &hl);
	EVP_MD_CTX_free(md);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}
