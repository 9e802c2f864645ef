/* getprop and ps output (lib/formats/getprop.c): the real fixtures and
 * hand-written variants (SELinux label column, blank WCHAN, commands with
 * blanks, hostile lines). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "formats/getprop.h"

struct props {
	size_t count;
	char first[64], last[64], last_value[64];
	size_t stop_after;
};

static void copy_n(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int on_prop(void *ctx, const char *name, size_t name_len,
                   const char *value, size_t value_len)
{
	struct props *p = ctx;

	if (!p->count)
		copy_n(p->first, sizeof(p->first), name, name_len);
	copy_n(p->last, sizeof(p->last), name, name_len);
	copy_n(p->last_value, sizeof(p->last_value), value, value_len);
	p->count++;
	return p->stop_after && p->count == p->stop_after;
}

static void test_getprop_fixture(void **state)
{
	struct props p = {0};
	size_t len, skipped = 99;
	char *path, *text;

	(void)state;
	T_SHARED_OR_SKIP(path, "fixtures/mvt/android_data/getprop.txt");
	text = t_slurp(path, &len);
	assert_non_null(text);
	assert_int_equal(th_getprop_each(text, len, on_prop, &p, &skipped),
	                 TH_OK);
	/* 13 properties and one blank line (not counted as malformed). */
	assert_int_equal(p.count, 13);
	assert_int_equal(skipped, 0);
	assert_string_equal(p.first, "af.fast_track_multiplier");
	assert_string_equal(p.last, "dalvik.vm.heapgrowthlimit");
	assert_string_equal(p.last_value, "192m");
	free(text);
	free(path);
}

static void test_getprop_variants(void **state)
{
	static const char text[] =
	        "[a]: [1]\r\n"
	        "[b.c]: []\n"              /* empty value */
	        "[d]: [x]: [y]]\n"         /* brackets in a value */
	        "garbage\n"                /* malformed */
	        "[]: [nameless]\n"         /* malformed: empty name */
	        "[e]: [unterminated\n"     /* malformed */
	        "   [ro.build]: [user]  "; /* blanks, no final newline */
	struct props p = {0};
	size_t skipped = 0;

	(void)state;
	assert_int_equal(
	        th_getprop_each(text, sizeof(text) - 1, on_prop, &p, &skipped),
	        TH_OK);
	assert_int_equal(p.count, 4);
	assert_int_equal(skipped, 3);
	assert_string_equal(p.last, "ro.build");
	assert_string_equal(p.last_value, "user");

	memset(&p, 0, sizeof(p));
	p.stop_after = 2;
	assert_int_equal(
	        th_getprop_each(text, sizeof(text) - 1, on_prop, &p, NULL),
	        TH_OK);
	assert_int_equal(p.count, 2);
	assert_int_equal(th_getprop_each(NULL, 0, on_prop, &p, NULL), TH_OK);
	assert_int_equal(th_getprop_each(NULL, 5, on_prop, &p, NULL),
	                 TH_ERR_USAGE);
}

#define ROWS_MAX 32

struct procs {
	size_t count;
	char user[ROWS_MAX][32], pid[ROWS_MAX][16], ppid[ROWS_MAX][16];
	char label[ROWS_MAX][64], name[ROWS_MAX][96], wchan[ROWS_MAX][32];
	char state[ROWS_MAX][4];
};

static void keep(char *dst, size_t cap, const char *s)
{
	copy_n(dst, cap, s, strlen(s));
}

static int on_proc(void *ctx, const struct th_ps_row *r)
{
	struct procs *p = ctx;
	size_t i = p->count;

	if (i < ROWS_MAX) {
		keep(p->user[i], sizeof(p->user[i]), r->user);
		keep(p->pid[i], sizeof(p->pid[i]), r->pid);
		keep(p->ppid[i], sizeof(p->ppid[i]), r->ppid);
		keep(p->label[i], sizeof(p->label[i]), r->label);
		keep(p->name[i], sizeof(p->name[i]), r->name);
		keep(p->wchan[i], sizeof(p->wchan[i]), r->wchan);
		keep(p->state[i], sizeof(p->state[i]), r->state);
	}
	p->count++;
	return 0;
}

static void test_ps_fixture(void **state)
{
	struct procs *p = calloc(1, sizeof(*p));
	struct th_err err = {0};
	size_t len;
	char *path, *text;

	(void)state;
	assert_non_null(p);
	T_SHARED_OR_SKIP(path, "fixtures/mvt/android_data/ps.txt");
	text = t_slurp(path, &len);
	assert_non_null(text);
	assert_int_equal(th_ps_each(text, len, on_proc, p, &err), TH_OK);
	/* 18 lines: the header and 17 processes. */
	assert_int_equal(p->count, 17);
	assert_string_equal(p->user[0], "root");
	assert_string_equal(p->pid[0], "1");
	assert_string_equal(p->ppid[0], "0");
	assert_string_equal(p->name[0], "init");
	assert_string_equal(p->wchan[0], "0");
	assert_string_equal(p->state[0], "S");
	assert_string_equal(p->label[0], "");
	assert_string_equal(p->pid[16], "18");
	assert_string_equal(p->ppid[16], "2");
	assert_string_equal(p->name[16], "[ksoftirqd/1]");
	free(text);
	free(path);
	free(p);
}

static void test_ps_label_and_blank_wchan(void **state)
{
	static const char text[] =
	        "LABEL                          USER           PID  PPID     "
	        "VSZ    RSS WCHAN            ADDR S NAME\n"
	        "u:r:init:s0                    root             1     0 "
	        "10000 2000 SyS_epoll_wait      0 S init\n"
	        "u:r:shell:s0                   shell         4242  4200 "
	        "10000 2000                     0 R ps -A -Z\n"
	        "u:r:untrusted_app:s0:c1,c2     u0_a99        5000   600 "
	        "10000 2000 do_sys_poll         0 S com.example.app\r\n"
	        "\n"
	        "short\n";
	struct procs *p = calloc(1, sizeof(*p));
	struct th_err err = {0};

	(void)state;
	assert_non_null(p);
	assert_int_equal(th_ps_each(text, sizeof(text) - 1, on_proc, p, &err),
	                 TH_OK);
	assert_int_equal(p->count, 3); /* "short" is skipped */
	assert_string_equal(p->label[0], "u:r:init:s0");
	assert_string_equal(p->user[0], "root");
	assert_string_equal(p->wchan[0], "SyS_epoll_wait");
	assert_string_equal(p->name[0], "init");
	assert_string_equal(p->pid[1], "4242");
	assert_string_equal(p->wchan[1], "");
	assert_string_equal(p->state[1], "R");
	assert_string_equal(p->name[1], "ps -A -Z");
	assert_string_equal(p->user[2], "u0_a99");
	assert_string_equal(p->name[2], "com.example.app");
	free(p);
}

static void test_ps_no_wchan_column(void **state)
{
	static const char text[] =
	        "USER PID PPID VSZ RSS ADDR S NAME\n"
	        "system 900 1 100 20 0 S system_server\n"
	        "root 77 1 100 20 0 S /system/bin/sh -c echo  hi  \n";
	struct procs *p = calloc(1, sizeof(*p));
	struct th_err err = {0};

	(void)state;
	assert_non_null(p);
	assert_int_equal(th_ps_each(text, sizeof(text) - 1, on_proc, p, &err),
	                 TH_OK);
	assert_int_equal(p->count, 2);
	assert_string_equal(p->name[0], "system_server");
	assert_string_equal(p->user[1], "root");
	assert_string_equal(p->name[1], "/system/bin/sh -c echo  hi");
	free(p);
}

static void test_ps_bad_header(void **state)
{
	static const char text[] = "hello world\nroot 1 0 init\n";
	struct procs *p = calloc(1, sizeof(*p));
	struct th_err err = {0};

	(void)state;
	assert_non_null(p);
	assert_int_equal(th_ps_each(text, sizeof(text) - 1, on_proc, p, &err),
	                 TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "PID"));
	assert_int_equal(p->count, 0);
	assert_int_equal(th_ps_each("", 0, on_proc, p, &err), TH_OK);
	free(p);
}

/* Found by fuzz_getprop: a lone state letter where the name should be. */
static void test_ps_state_without_name(void **state)
{
	static const char text[] = "USER PID PPID VSZ RSS WCHAN ADDR S NAME\n"
	                           "root 1 0 1AD VSZ RSRSS t\n"
	                           "x 2 1 1 1 S\n";
	struct procs *p = calloc(1, sizeof(*p));
	struct th_err err = {0};

	(void)state;
	assert_non_null(p);
	assert_int_equal(th_ps_each(text, sizeof(text) - 1, on_proc, p, &err),
	                 TH_OK);
	assert_int_equal(p->count, 2);
	assert_string_equal(p->name[0], "t");
	assert_string_equal(p->name[1], "S");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_getprop_fixture),
	        cmocka_unit_test(test_getprop_variants),
	        cmocka_unit_test(test_ps_fixture),
	        cmocka_unit_test(test_ps_label_and_blank_wchan),
	        cmocka_unit_test(test_ps_no_wchan_column),
	        cmocka_unit_test(test_ps_bad_header),
	        cmocka_unit_test(test_ps_state_without_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
