/*
 * th-nomem: the malloc-failure pass. For each case it counts the
 * allocations of one clean run, then forks one child per chosen N with
 * the Nth allocation failing, and checks that each child ends cleanly:
 * no crash, no sanitizer report, no leak (LeakSanitizer, in sanitizer
 * builds), no hang, and a status that is an error or, when TH_OK, the
 * same results as the clean run.
 *
 *   th-nomem [--case NAME]... [--max N] [--sticky] [--timeout S]
 *            [--spare LIB]... [--no-spare] [--strict] [--list] [--quiet]
 *
 * Allocations made inside libplist, libarchive and jansson's parser are
 * spared by default (--no-spare fails them too): libplist 2.2
 * dereferences what malloc returns without a check, libarchive exits
 * the process ("Fatal Internal Error in libarchive: No memory") on some
 * failures, and jansson 2.14's lexer drops a failed buffer growth and
 * reads past it (akheron/jansson#362); none is ours to fix. Their callers in
 * our code are still tested, through every allocation of ours and of SQLite,
 * jansson, OpenSSL and glibc.
 *
 * --max N samples at most N injection points per case, spread evenly
 * over its allocations (ctest runs a sample; make nomem runs them all);
 * --at N runs only point N, and NOMEM_TRACE=1 then prints where the
 * allocation failed and the run's warnings.
 *
 * Each failed point is tallied by what the case returned: an error
 * status (out of memory, or another), "absorbed" (TH_OK and the same
 * results: the failure was retried or not needed), "warned" (TH_OK, a
 * warning said "out of memory" and the run went on without that part),
 * or "ok-but-different" (TH_OK, different results and no word of it:
 * a swallowed failure, shown as a note; a failure with --strict).
 * Exit status: 0 clean, 1 a child crashed, leaked or hung (or, with
 * --strict, said TH_OK with different results), 2 usage or setup error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "failmalloc.h"
#include "nomem.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN 1
#else
#define HAVE_LSAN 0
#endif

#define MAX_SELECTED 64
#define EXIT_LEAK    97
#define LOG_LINES    80

struct opts {
	const char *only[MAX_SELECTED];
	unsigned nonly;
	const char *spare[MAX_SELECTED];
	unsigned nspare;
	int no_spare;
	uint64_t max;
	int sticky, strict, quiet, list;
	unsigned timeout;
};

/* What a child reports through its pipe. */
struct report {
	struct nomem_out out;
	uint64_t count;
	int fired;
	int tmp_left; /* set by the driver: a temp folder outlived the run */
};

struct tally {
	uint64_t count, injected, unreached;
	uint64_t by_status[TH_ERR_INTERNAL + 1];
	uint64_t absorbed, warned, silent, crash, leak, hang, tmp_left;
};

void nomem_mix(uint64_t *h, const char *s)
{
	if (!s)
		s = "(null)";
	for (; *s; s++) {
		*h ^= (unsigned char)*s;
		*h *= UINT64_C(1099511628211);
	}
	*h ^= 0xff;
	*h *= UINT64_C(1099511628211);
}

void nomem_mixn(uint64_t *h, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	nomem_mix(h, s);
}

static void child_body(const struct nomem_case *c, void *ctx, const char *work,
                       uint64_t n, int sticky, int fd)
{
	struct report r = {.out = {TH_OK, UINT64_C(14695981039346656037)}};
	char tmp[4096];

	/* Private temp folders go under work/tmp, which must end empty. */
	snprintf(tmp, sizeof(tmp), "%.4000s/tmp", work);
	if (mkdir(tmp, 0700) != 0 || setenv("TMPDIR", tmp, 1) != 0)
		_exit(4);
	th_failmalloc_arm(n, sticky);
	c->run(ctx, work, &r.out);
	r.count = th_failmalloc_disarm();
	r.fired = th_failmalloc_fired();
	if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(3);
	close(fd);
#if HAVE_LSAN
	if (__lsan_do_recoverable_leak_check())
		_exit(EXIT_LEAK);
#endif
	_exit(0);
}

/* Whether dir/sub holds nothing (or is absent). */
static int dir_empty(const char *dir, const char *sub)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	int empty = 1;

	snprintf(path, sizeof(path), "%.3000s/%.1000s", dir, sub);
	d = opendir(path);
	if (!d)
		return 1;
	while (empty && (de = readdir(d)) != NULL)
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

/* Runs the case once in a child with allocation n failing (0: none).
 * Returns the child's wait status; *r is filled when it reported. */
static int run_child(const struct nomem_case *c, void *ctx, const char *tmp,
                     uint64_t n, const struct opts *o, struct report *r,
                     int *got)
{
	char work[4096], log[4096];
	int fds[2], status = 0;
	pid_t pid;

	snprintf(work, sizeof(work), "%s/work", tmp);
	snprintf(log, sizeof(log), "%s/child.log", tmp);
	th_remove_tree(work);
	if (mkdir(work, 0700) != 0 || pipe(fds) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		close(fds[0]);
		if (lfd >= 0) {
			dup2(lfd, 2);
			dup2(lfd, 1);
			close(lfd);
		}
		alarm(o->timeout);
		child_body(c, ctx, work, n, o->sticky, fds[1]);
	}
	close(fds[1]);
	*got = read(fds[0], r, sizeof(*r)) == (ssize_t)sizeof(*r);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r->tmp_left = !dir_empty(work, "tmp");
	th_remove_tree(work);
	return status;
}

static void show_log(const char *tmp)
{
	char log[4096], line[1024];
	FILE *f;
	int n = 0;

	snprintf(log, sizeof(log), "%s/child.log", tmp);
	f = fopen(log, "r");
	if (!f)
		return;
	while (n++ < LOG_LINES && fgets(line, sizeof(line), f))
		fprintf(stderr, "    | %s", line);
	fclose(f);
}

/* Classifies one child; returns nonzero when it is a failure. */
static int judge(const struct nomem_case *c, const char *tmp, uint64_t n,
                 int status, const struct report *r, int got,
                 const struct nomem_out *base, const struct opts *o,
                 struct tally *t)
{
	const char *bad = NULL;

	if (status == -1)
		bad = "could not start";
	else if (WIFSIGNALED(status))
		bad = WTERMSIG(status) == SIGALRM ? "hang" : "crash";
	else if (WEXITSTATUS(status) == EXIT_LEAK)
		bad = "leak";
	else if (WEXITSTATUS(status) != 0 || !got)
		bad = "crash";
	if (bad) {
		if (!strcmp(bad, "hang"))
			t->hang++;
		else if (!strcmp(bad, "leak"))
			t->leak++;
		else
			t->crash++;
		fprintf(stderr, "FAIL %s: allocation %" PRIu64 " failing: %s\n",
		        c->name, n, bad);
		show_log(tmp);
		return 1;
	}
	if (r->tmp_left) {
		t->tmp_left++;
		fprintf(stderr,
		        "%s %s: allocation %" PRIu64
		        " failing: a private temp folder was left behind\n",
		        o->strict ? "FAIL" : "note", c->name, n);
		if (o->strict)
			return 1;
	}
	if (!r->fired) {
		t->unreached++;
		return 0;
	}
	t->injected++;
	if (r->out.status != TH_OK) {
		int other = r->out.status != TH_ERR_NOMEM;

		if (getenv("NOMEM_TRACE"))
			show_log(tmp);
		t->by_status[r->out.status <= TH_ERR_INTERNAL
		                     ? r->out.status
		                     : TH_ERR_INTERNAL]++;
		if (other && (!o->quiet || o->strict))
			fprintf(stderr,
			        "%s %s: allocation %" PRIu64 " failing: %s\n",
			        o->strict ? "FAIL" : "note", c->name, n,
			        th_status_str(r->out.status));
		return other && o->strict;
	}
	if (r->out.digest == base->digest) {
		t->absorbed++;
		return 0;
	}
	if (r->out.warned) {
		t->warned++;
		if (!o->quiet || o->strict)
			fprintf(stderr,
			        "%s %s: allocation %" PRIu64
			        " failing: TH_OK, a warning and "
			        "different results\n",
			        o->strict ? "FAIL" : "note", c->name, n);
		if (getenv("NOMEM_TRACE"))
			show_log(tmp);
		return o->strict;
	}
	t->silent++;
	if (!o->quiet || o->strict)
		fprintf(stderr,
		        "%s %s: allocation %" PRIu64
		        " failing: TH_OK with different results\n",
		        o->strict ? "FAIL" : "note", c->name, n);
	if (getenv("NOMEM_TRACE"))
		show_log(tmp);
	return o->strict;
}

/* --at N: only that point (with NOMEM_TRACE, to see where it fails). */
static uint64_t only_at;

/* The injection points: all of 1..count, or `max` spread evenly. */
static uint64_t point(uint64_t i, uint64_t count, uint64_t max)
{
	if (only_at)
		return only_at;
	if (max == 0 || count <= max)
		return i + 1;
	if (max == 1)
		return 1;
	return 1 + i * (count - 1) / (max - 1);
}

static void print_tally(const struct nomem_case *c, const struct tally *t,
                        enum th_status base)
{
	int s;

	printf("%-12s (clean: %s) %7" PRIu64 " allocations, %6" PRIu64
	       " failed:",
	       c->name, base ? th_status_str(base) : "ok", t->count,
	       t->injected);
	for (s = 1; s <= TH_ERR_INTERNAL; s++)
		if (t->by_status[s])
			printf(" %s %" PRIu64 ",",
			       th_status_str((enum th_status)s),
			       t->by_status[s]);
	printf(" absorbed %" PRIu64 ", warned %" PRIu64
	       ", ok-but-different %" PRIu64 ", crash %" PRIu64
	       ", leak %" PRIu64 ", hang %" PRIu64 ", temp left %" PRIu64 "\n",
	       t->absorbed, t->warned, t->silent, t->crash, t->leak, t->hang,
	       t->tmp_left);
	fflush(stdout);
}

static int run_case(const struct nomem_case *c, const char *root,
                    const struct opts *o)
{
	char tmp[4096];
	const char *skip = "setup failed";
	void *ctx = NULL;
	struct report base = {0}, r;
	struct tally t = {0};
	uint64_t i, n, prev = 0;
	int got = 0, status, fails = 0;

	snprintf(tmp, sizeof(tmp), "%s/%s", root, c->name);
	if (mkdir(tmp, 0700) != 0 || c->setup(tmp, &ctx, &skip) != 0) {
		printf("%-16s skipped: %s\n", c->name, skip);
		return 0;
	}
	status = run_child(c, ctx, tmp, 0, o, &base, &got);
	if (status != 0 || !got) {
		fprintf(stderr, "FAIL %s: the clean run did not end cleanly\n",
		        c->name);
		show_log(tmp);
		fails = 1;
		goto out;
	}
	t.count = base.count;
	if (getenv("NOMEM_TRACE")) {
		fprintf(stderr, "clean run of %s:\n", c->name);
		show_log(tmp);
	}
	for (i = 0; i < base.count && (o->max == 0 || i < o->max); i++) {
		n = point(i, base.count, o->max);
		if (n == prev)
			continue;
		prev = n;
		status = run_child(c, ctx, tmp, n, o, &r, &got);
		fails += judge(c, tmp, n, status, &r, got, &base.out, o, &t);
	}
	print_tally(c, &t, base.out.status);
out:
	if (c->teardown)
		c->teardown(ctx);
	return fails;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int i;

	o->timeout = 120;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--case") && v && o->nonly < MAX_SELECTED)
			o->only[o->nonly++] = argv[++i];
		else if (!strcmp(a, "--max") && v)
			o->max = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(a, "--at") && v) {
			only_at = strtoull(argv[++i], NULL, 10);
			o->max = 1;
		} else if (!strcmp(a, "--timeout") && v)
			o->timeout = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(a, "--spare") && v && o->nspare < MAX_SELECTED)
			o->spare[o->nspare++] = argv[++i];
		else if (!strcmp(a, "--no-spare"))
			o->no_spare = 1;
		else if (!strcmp(a, "--sticky"))
			o->sticky = 1;
		else if (!strcmp(a, "--strict"))
			o->strict = 1;
		else if (!strcmp(a, "--quiet"))
			o->quiet = 1;
		else if (!strcmp(a, "--list"))
			o->list = 1;
		else {
			fprintf(stderr, "th-nomem: unknown option '%s'\n", a);
			return -1;
		}
	}
	return 0;
}

static int selected(const struct opts *o, const char *name)
{
	unsigned i;

	if (o->nonly == 0)
		return strcmp(name, "selftest") != 0;
	for (i = 0; i < o->nonly; i++)
		if (!strcmp(o->only[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct th_tmpdir root = {0};
	struct th_err err;
	unsigned i;
	int fails = 0;

	if (parse(argc, argv, &o) != 0)
		return 2;
	if (o.list) {
		for (i = 0; i < nomem_ncases; i++)
			printf("%-16s %s\n", nomem_cases[i].name,
			       nomem_cases[i].what);
		return 0;
	}
	if (!o.no_spare && o.nspare == 0) {
		o.spare[o.nspare++] = "libplist";
		o.spare[o.nspare++] = "libarchive";
		o.spare[o.nspare++] = "json-parse";
	}
	for (i = 0; !o.no_spare && i < o.nspare; i++)
		if (!th_failmalloc_spare(o.spare[i]))
			fprintf(stderr, "th-nomem: '%s' is not loaded\n",
			        o.spare[i]);
	if (th_tmpdir_new(&root, &err) != TH_OK) {
		fprintf(stderr, "th-nomem: %s\n", err.msg);
		return 2;
	}
	for (i = 0; i < nomem_ncases; i++)
		if (selected(&o, nomem_cases[i].name))
			fails += run_case(&nomem_cases[i], root.path, &o);
	th_tmpdir_free(&root);
	if (fails)
		fprintf(stderr, "th-nomem: %d failing injection(s)\n", fails);
	return fails ? 1 : 0;
}
