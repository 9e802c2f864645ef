/*
 * The hostile-input harness shared by tests/test_hostile*.c: a case is
 * crafted evidence under <root>/ev, checked by the tracehound binary as a
 * child under ceilings (RLIMIT_CPU, RLIMIT_AS, RLIMIT_FSIZE and a
 * wall-clock deadline). expect() asserts every promise of the corpus:
 * the run finishes within its bounds, one line names the bad artifact,
 * the other modules ran, nothing was written outside <root>/out and the
 * private temp folder (<root>/tmp, left empty), and the evidence is
 * byte-for-byte unchanged. Static helpers: include once per test file,
 * after cmocka.h and support.h.
 */
#ifndef TH_TESTS_HOSTILE_HARNESS_H
#define TH_TESTS_HOSTILE_HARNESS_H

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fsutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Sanitizers make a run several times slower and its memory a shadow
 * map no RLIMIT_AS can hold: the ceilings stretch, RLIMIT_AS is off. */
#define SLOW (SANITIZED ? 5 : 1)
#define MIB  ((uint64_t)1 << 20)

/* One case: where it is, how to run it, what it must give. */
struct hcase {
	const char *name;
	char *root;          /* ev/ (the evidence), out/, tmp/, xdg/ */
	char *ev;            /* <root>/ev */
	char *target;        /* what tracehound checks */
	const char *cmd;     /* "check", "check-fs", ... */
	char *iocs;          /* -i FILE, or NULL */
	char *iocs2;         /* a second -i FILE, or NULL */
	int wall;            /* seconds */
	uint64_t mem_mib;    /* address space */
	const char *line[2]; /* one stderr line holds both (NULL: any) */
	const char *result;  /* a result file another module wrote */
	/* When set, exactly `said` log lines (stderr's "module: level: "
	 * lines, not the summary's indented rows) name it. */
	const char *said_of;
	int said;
	const char *args[4]; /* more options, NULL-ended ("--max-extract") */
};

static void case_open(struct hcase *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->root = t_tmpdir();
	assert_non_null(c->root);
	c->ev = th_path_join(c->root, "ev");
	assert_int_equal(mkdir(c->ev, 0755), 0);
	c->cmd = "check";
	c->wall = 10;
	c->mem_mib = 512;
}

static void case_free(struct hcase *c)
{
	t_tmpdir_free(c->root);
	free(c->ev);
	free(c->target);
	free(c->iocs);
	free(c->iocs2);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of a folder's entries (the first 64), sorted, each followed by
 * '/'. */
static char *listing(const char *dir)
{
	struct th_buf b;
	struct dirent *de;
	char *names[64];
	size_t n = 0, i;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)) && n < 64)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	if (n)
		qsort(names, n, sizeof(names[0]), cmp_name);
	th_buf_init(&b, 1 << 16);
	for (i = 0; i < n; i++) {
		th_buf_printf(&b, "%s/", names[i]);
		free(names[i]);
	}
	return th_buf_take(&b, NULL);
}

/* Path, type, size and mtime of every entry (t_tree_hash does not read
 * files over 1 GiB: this catches a change to those). */
static void stat_tree(struct th_buf *b, const char *path, int depth)
{
	struct dirent *de;
	struct stat st;
	char *child;
	DIR *d;

	if (depth > 16 || lstat(path, &st) != 0)
		return;
	th_buf_printf(b, "%s %o %lld %lld.%09ld\n", path, (unsigned)st.st_mode,
	              (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	              st.st_mtim.tv_nsec);
	if (!S_ISDIR(st.st_mode) || !(d = opendir(path)))
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		child = th_path_join(path, de->d_name);
		stat_tree(b, child, depth + 1);
		free(child);
	}
	closedir(d);
}

static char *snapshot(const char *dir)
{
	struct th_buf b;
	char h[65];

	th_buf_init(&b, (size_t)64 << 20);
	t_tree_hash(dir, h);
	th_buf_adds(&b, h);
	th_buf_addc(&b, '\n');
	stat_tree(&b, dir, 0);
	return th_buf_take(&b, NULL);
}

static void child_limits(const struct hcase *c)
{
	struct rlimit cpu = {(rlim_t)c->wall * SLOW, (rlim_t)c->wall * SLOW};
	struct rlimit as = {c->mem_mib * MIB, c->mem_mib * MIB};
	struct rlimit fsize = {(rlim_t)512 * MIB, (rlim_t)512 * MIB};

	setrlimit(RLIMIT_CPU, &cpu);
	setrlimit(RLIMIT_FSIZE, &fsize);
	if (!SANITIZED)
		setrlimit(RLIMIT_AS, &as);
}

static void child_exec(const struct hcase *c, char **argv, int ofd)
{
	char *tmp = th_path_join(c->root, "tmp");
	char *xdg = th_path_join(c->root, "xdg");
	int nul = open("/dev/null", O_RDONLY);

	setenv("TMPDIR", tmp, 1);
	setenv("XDG_DATA_HOME", xdg, 1);
	unsetenv("TRACEHOUND_IOCS");
	setenv("NO_COLOR", "1", 1);
	setenv("MALLOC_ARENA_MAX", "4", 1);
	dup2(nul, 0);
	dup2(ofd, 1);
	dup2(ofd, 2);
	child_limits(c);
	execv(argv[0], argv);
	_exit(127);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for pid until the wall deadline (then kills it). Returns the
 * wait status; *rss gets the child's peak resident size in KiB. */
static int wait_bounded(pid_t pid, int wall, double *secs, long *rss)
{
	double start = now(), limit = (double)wall * SLOW;
	struct rusage ru;
	int status = 0;
	pid_t r;

	for (;;) {
		r = wait4(pid, &status, WNOHANG, &ru);
		if (r == pid)
			break;
		if (now() - start > limit) {
			kill(pid, SIGKILL);
			wait4(pid, &status, 0, &ru);
			fail_msg("timed out after %.1f s", now() - start);
		}
		usleep(5000);
	}
	*secs = now() - start;
	*rss = ru.ru_maxrss;
	return status;
}

/* Runs the case: returns the combined stdout and stderr. */
static char *run_case(struct hcase *c, int *rc)
{
	char *out = th_path_join(c->root, "out"), *text;
	char *argv[20], name[] = "/tmp/th-hostile-XXXXXX";
	int n = 0, ofd = mkstemp(name), status, i;
	double secs;
	long rss;
	pid_t pid;

	assert_true(ofd >= 0);
	unlink(name);
	argv[n++] = (char *)TH_BINARY;
	argv[n++] = (char *)c->cmd;
	argv[n++] = "-o";
	argv[n++] = out;
	/* Fixed, so the address space a run reserves (thread stacks,
	 * malloc arenas) does not grow with the machine's cores. */
	argv[n++] = "-j";
	argv[n++] = "4";
	if (c->iocs) {
		argv[n++] = "-i";
		argv[n++] = c->iocs;
	}
	if (c->iocs2) {
		argv[n++] = "-i";
		argv[n++] = c->iocs2;
	}
	for (i = 0; i < 4 && c->args[i]; i++)
		argv[n++] = (char *)c->args[i];
	argv[n++] = c->target;
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_exec(c, argv, ofd);
	status = wait_bounded(pid, c->wall, &secs, &rss);
	lseek(ofd, 0, SEEK_SET);
	text = calloc(1, (size_t)4 << 20);
	assert_true(read(ofd, text, ((size_t)4 << 20) - 1) >= 0);
	close(ofd);
	print_message("hostile %-22s %6.2f s (bound %d s)  %5ld MiB peak "
	              "(bound %llu MiB)\n",
	              c->name, secs, c->wall * SLOW, rss / 1024,
	              (unsigned long long)c->mem_mib);
	if (!WIFEXITED(status))
		fail_msg("%s: killed by signal %d\n%s", c->name,
		         WTERMSIG(status), text);
	assert_true(SANITIZED || rss / 1024 <= (long)c->mem_mib);
	*rc = WEXITSTATUS(status);
	free(out);
	return text;
}

/* Whether one line of text holds both needles. */
static int line_with(const char *text, const char *a, const char *b)
{
	const char *p = text, *e;
	char *line;
	int ok = 0;

	while (!ok && *p) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		line = strndup(p, (size_t)(e - p));
		ok = (!a || strstr(line, a)) && (!b || strstr(line, b));
		free(line);
		p = *e ? e + 1 : e;
	}
	return ok;
}

/* Log lines of text that hold `needle`: the summary's rows (indented)
 * are not log lines. */
static int log_lines_with(const char *text, const char *needle)
{
	const char *p = text, *e;
	char *line;
	int n = 0;

	while (*p) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		line = strndup(p, (size_t)(e - p));
		n += line[0] != ' ' && strstr(line, needle) != NULL;
		free(line);
		p = *e ? e + 1 : e;
	}
	return n;
}

static void dirs(const struct hcase *c, int make)
{
	static const char *const sub[] = {"tmp", "xdg"};
	size_t i;
	char *p, *l;

	for (i = 0; i < 2; i++) {
		p = th_path_join(c->root, sub[i]);
		if (make) {
			assert_int_equal(mkdir(p, 0700), 0);
		} else {
			l = listing(p);
			if (l[0])
				fail_msg("%s: left in %s: %s", c->name, sub[i],
				         l);
			free(l);
		}
		free(p);
	}
}

/* Runs the case and asserts every promise of the corpus. */
static void expect(struct hcase *c)
{
	char *before, *after, *text, *l, *res;
	int rc;

	dirs(c, 1);
	before = snapshot(c->ev);
	text = run_case(c, &rc);
	after = snapshot(c->ev);
	assert_string_equal(before, after);
	dirs(c, 0);
	l = listing(c->root);
	assert_string_equal(l, "ev/out/tmp/xdg/");
	free(l);
	assert_false(t_contains(text, "Sanitizer"));
	assert_false(t_contains(text, "runtime error:"));
	if (!line_with(text, c->line[0], c->line[1]))
		fail_msg("%s: no line with '%s' and '%s':\n%s", c->name,
		         c->line[0], c->line[1] ? c->line[1] : "", text);
	if (rc != 0 && rc != 1)
		fail_msg("%s: exit %d\n%s", c->name, rc, text);
	if (c->said_of && log_lines_with(text, c->said_of) != c->said)
		fail_msg("%s: %d log lines name '%s', not %d:\n%s", c->name,
		         log_lines_with(text, c->said_of), c->said_of, c->said,
		         text);
	res = th_path_join(c->root, "out");
	l = th_path_join(res, c->result);
	if (!th_is_file(l))
		fail_msg("%s: no %s\n%s", c->name, c->result, text);
	free(l);
	free(res);
	free(before);
	free(after);
	free(text);
}

#endif
