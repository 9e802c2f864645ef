#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
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
#include "gen.h"
#include "core/buf.h"
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

#define T_MAX_ARGS 32

struct t_out t_thv(const char *arg, va_list ap)
{
	char *argv[T_MAX_ARGS + 2];
	struct t_out r = {0};
	size_t n = 0;

	argv[n++] = (char *)TH_BINARY;
	for (; arg && n <= T_MAX_ARGS; arg = va_arg(ap, const char *))
		argv[n++] = (char *)arg;
	argv[n] = NULL;
	r.rc = t_run(argv, &r.out, &r.err);
	assert_non_null(r.out);
	assert_non_null(r.err);
	assert_false(t_contains(r.err, "Sanitizer"));
	assert_false(t_contains(r.err, "runtime error:"));
	return r;
}

struct t_out t_th(const char *arg, ...)
{
	struct t_out r;
	va_list ap;

	va_start(ap, arg);
	r = t_thv(arg, ap);
	va_end(ap);
	return r;
}

struct t_out t_th_on(const char *evidence, const char *arg, ...)
{
	char before[65], after[65];
	struct t_out r;
	va_list ap;

	t_tree_hash(evidence, before);
	va_start(ap, arg);
	r = t_thv(arg, ap);
	va_end(ap);
	t_tree_hash(evidence, after);
	assert_string_equal(before, after);
	return r;
}

void t_out_free(struct t_out *r)
{
	free(r->out);
	free(r->err);
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

struct th_run *t_run_execute(const struct th_run_options *opt)
{
	struct th_run *run = NULL;

	if (th_run_new(&run, opt) != TH_OK)
		fail_msg("th_run_new: %s", run ? th_run_error(run) : "?");
	assert_int_equal(th_run_execute(run), TH_OK);
	return run;
}

struct th_run *t_run_modules(const char *target, const char *source,
                             const char *out, const struct th_iocs *iocs,
                             const char *const *modules, size_t nmodules)
{
	struct th_run_options opt = {
	        .target = target,
	        .source = source,
	        .output_dir = out,
	        .modules = modules,
	        .nmodules = nmodules,
	        .iocs = iocs,
	        .jobs = 1,
	};

	return t_run_execute(&opt);
}

const struct th_module_result *t_result_find(const struct th_run *run,
                                             const char *slug)
{
	size_t i;

	for (i = 0; i < th_run_nresults(run); i++)
		if (strcmp(th_run_result(run, i)->slug, slug) == 0)
			return th_run_result(run, i);
	return NULL;
}

const struct th_module_result *t_result(const struct th_run *run,
                                        const char *slug)
{
	const struct th_module_result *r = t_result_find(run, slug);

	if (!r)
		fail_msg("no result for %s", slug);
	return r;
}

static int has_needle(const struct th_alert *a, const char *needle,
                      enum t_where where)
{
	if (!needle || t_contains(a->message, needle))
		return 1;
	if (where == T_MESSAGE_OR_VALUE)
		return a->matched_value && !strcmp(a->matched_value, needle);
	if (where == T_ANY_TEXT)
		return t_contains(a->matched_value, needle);
	return 0;
}

size_t t_alerts_in(const struct th_run *run, const char *module, int level,
                   const char *needle, enum t_where where)
{
	const struct th_alert *a;
	size_t i, n = 0;

	for (i = 0; i < th_run_nalerts(run); i++) {
		a = th_run_alert_at(run, i);
		if ((!module || strcmp(a->module, module) == 0) &&
		    (level < 0 || (int)a->level == level) &&
		    has_needle(a, needle, where))
			n++;
	}
	return n;
}

size_t t_alerts(const struct th_run *run, const char *module, int level,
                const char *needle)
{
	return t_alerts_in(run, module, level, needle, T_MESSAGE);
}

json_t *t_load_json(const char *dir, const char *name)
{
	char *p = th_path_join(dir, name);
	json_error_t e;
	json_t *j = json_load_file(p, 0, &e);

	if (!j)
		fail_msg("%s does not parse: %s (line %d)", p, e.text, e.line);
	free(p);
	return j;
}

const char *t_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *t_str_at(const json_t *arr, size_t i, const char *key)
{
	return t_str(json_array_get(arr, i), key);
}

char *t_write(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = th_path_join(dir, name);
	FILE *f;

	assert_non_null(path);
	f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot create '%s': %s", path, strerror(errno));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

char *t_write_text(const char *dir, const char *name, const char *text)
{
	return t_write(dir, name, text, strlen(text));
}

void t_put(const char *root, const char *rel, const void *data, size_t len)
{
	char *p = th_path_join(root, rel), *slash;
	struct th_err err = {0};

	assert_non_null(p);
	slash = strrchr(p, '/');
	*slash = '\0';
	assert_int_equal(th_mkdir_p(p, 0, &err), TH_OK);
	*slash = '/';
	assert_int_equal(th_gen_file_write(p, data, len, &err), TH_OK);
	free(p);
}

void t_put_sql(const char *root, const char *rel, const char *sql)
{
	struct th_buf img;
	struct th_err err = {0};

	th_buf_init(&img, (size_t)1 << 26);
	if (th_gen_sqlite_image(sql, &img, &err) != TH_OK)
		fail_msg("%s: %s", rel, err.msg);
	t_put(root, rel, img.data, img.len);
	th_buf_free(&img);
}

char *t_hex(const void *data, size_t n)
{
	const unsigned char *p = data;
	char *s = malloc(2 * n + 1);
	size_t i;

	assert_non_null(s);
	s[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	return s;
}

struct th_iocs *t_iocs_load(const char *path)
{
	struct th_iocs *iocs = NULL;

	assert_int_equal(th_iocs_new(&iocs), TH_OK);
	assert_int_equal(th_iocs_load(iocs, path), TH_OK);
	return iocs;
}

struct th_iocs *t_iocs_text(const char *name, const char *text)
{
	char *dir = t_tmpdir(), *path;
	struct th_iocs *iocs;

	assert_non_null(dir);
	path = t_write_text(dir, name, text);
	iocs = t_iocs_load(path);
	free(path);
	t_tmpdir_free(dir);
	return iocs;
}

char *t_gen_backup(const char *tmp, const char *name, int infected, size_t rows,
                   uint64_t seed)
{
	struct th_gen_backup_opts opt = {
	        .infected = infected, .rows = rows, .seed = seed};
	struct th_err err = {0};
	char *dir = th_path_join(tmp, name);

	assert_non_null(dir);
	if (th_gen_backup(dir, &opt, &err) != TH_OK)
		fail_msg("cannot generate a backup: %s", err.msg);
	return dir;
}

void t_gen_open(struct t_gen *g, int infected)
{
	g->tmp = t_tmpdir();
	assert_non_null(g->tmp);
	g->dir = t_gen_backup(g->tmp, "backup", infected, g->rows, g->seed);
	g->out = th_path_join(g->tmp, "out");
	g->run = NULL;
}

struct th_run *t_gen_exec(struct t_gen *g)
{
	g->run = t_run_modules(g->dir, g->source, g->out, g->iocs, g->modules,
	                       g->nmodules);
	return g->run;
}

void t_gen_free(struct t_gen *g)
{
	th_run_free(g->run);
	th_iocs_free(g->iocs);
	free(g->out);
	free(g->dir);
	t_tmpdir_free(g->tmp);
}

char *t_backup_file(const char *dir, const char *domain, const char *rel)
{
	char id[41], sub[44], *path;

	th_gen_file_id(domain, rel, id);
	snprintf(sub, sizeof(sub), "%.2s/%s", id, id);
	path = th_path_join(dir, sub);
	assert_non_null(path);
	return path;
}

void t_ev_begin(struct t_ev *ev)
{
	ev->out = t_tmpdir();
	assert_non_null(ev->out);
	t_tree_hash(ev->dir, ev->before);
}

void t_ev_close(struct t_ev *ev)
{
	char after[65];

	t_tree_hash(ev->dir, after);
	assert_string_equal(ev->before, after);
	t_tmpdir_free(ev->out);
	free(ev->dir);
}
