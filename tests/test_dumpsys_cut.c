/* A dumpsys cut off inside a section (lib/formats/dumpsys.c,
 * th_dumpsys_cut_off): found by the splitter, and said once per run by
 * the source that hands the sections out, the modules still reading it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/fsutil.h"
#include "formats/dumpsys.h"

#define FOOTER "--------- 0.001s was the duration of dumpsys x, ending at: 0\n"
#define RULER78                                                                \
	"--------------------------------------------------------------------" \
	"----------"

/* The section the text was cut off in ("" when none), and its body. */
static void cut_ofn(const char *text, size_t len, char *name, size_t cap,
                    size_t *body_len)
{
	struct th_dumpsys *d = NULL;
	struct th_err err = {0};
	const char *n, *body;
	size_t nl;

	assert_int_equal(th_dumpsys_index(text, len, &d, &err), TH_OK);
	name[0] = '\0';
	*body_len = 0;
	if (th_dumpsys_cut_off(d, &n, &nl)) {
		assert_true(nl < cap);
		memcpy(name, n, nl);
		name[nl] = '\0';
		assert_int_equal(th_dumpsys_section(d, name, &body, body_len),
		                 TH_OK);
		/* Its body runs to the end of the text. */
		assert_ptr_equal(body + *body_len, text + len);
	}
	th_dumpsys_free(d);
}

static void cut_of(const char *text, char *name, size_t cap, size_t *body_len)
{
	cut_ofn(text, strlen(text), name, cap, body_len);
}

static void test_cut_or_not(void **state)
{
	char name[64];
	size_t n;

	(void)state;
	cut_of("DUMP OF SERVICE a:\nx\n" FOOTER
	       "DUMP OF SERVICE b:\ny\n" FOOTER,
	       name, sizeof(name), &n);
	assert_string_equal(name, "");
	cut_of("DUMP OF SERVICE a:\nx\n" RULER78 "\n", name, sizeof(name), &n);
	assert_string_equal(name, "");
	/* A dumpstate block line closes the section before it. */
	cut_of("DUMP OF SERVICE a:\nx\n------ 1s was the duration of "
	       "'DUMPSYS' ------\n",
	       name, sizeof(name), &n);
	assert_string_equal(name, "");
	/* A block running to the end is not a section cut off. */
	cut_of("------ SYSTEM PROPERTIES (getprop) ------\n[a]: [b]\n", name,
	       sizeof(name), &n);
	assert_string_equal(name, "");
	cut_of("", name, sizeof(name), &n);
	assert_string_equal(name, "");
	cut_of("DUMP OF SERVICE a:\nx\n" FOOTER "DUMP OF SERVICE package:\r\n"
	       "Packages:\n  Package [x]\n",
	       name, sizeof(name), &n);
	assert_string_equal(name, "package");
	assert_int_equal(n, strlen("Packages:\n  Package [x]\n"));
	/* A header with nothing after it. */
	cut_of(FOOTER "DUMP OF SERVICE last:", name, sizeof(name), &n);
	assert_string_equal(name, "last");
	assert_int_equal(n, 0);
}

static void test_cut_warning(void **state)
{
	static const char text[] =
	        "DUMP OF SERVICE CRITICAL ev\x1b[2Jil\xff:\nx";
	struct th_dumpsys *d = NULL;
	struct th_err err = {0};
	char msg[512], big[300];
	const char *q;
	int n;

	(void)state;
	assert_int_equal(th_dumpsys_index(text, sizeof(text) - 1, &d, &err),
	                 TH_OK);
	assert_int_equal(
	        th_dumpsys_cut_warning(d, "dumpsys.txt", msg, sizeof(msg)), 1);
	/* Bytes of the name that a terminal would act on are not shown. */
	assert_string_equal(msg, "'dumpsys.txt': section 'CRITICAL ev?[2Jil?' "
	                         "has no "
	                         "end marker (cut off?): read to the end of "
	                         "the file");
	th_dumpsys_free(d);
	/* A long name is shown cut at 64 bytes. */
	n = snprintf(big, sizeof(big), "DUMP OF SERVICE %0200d:\n", 7);
	assert_true(n > 0);
	assert_int_equal(th_dumpsys_index(big, (size_t)n, &d, &err), TH_OK);
	assert_int_equal(th_dumpsys_cut_warning(d, "f", msg, sizeof(msg)), 1);
	q = strstr(msg, "section '0000000000");
	assert_non_null(q);
	q += strlen("section '");
	assert_int_equal(strchr(q, '\'') - q, 64);
	th_dumpsys_free(d);
	assert_int_equal(th_dumpsys_cut_warning(NULL, "f", msg, sizeof(msg)),
	                 0);
}

static void test_cut_fixture(void **state)
{
	char *path, *text, name[64];
	size_t len, n;

	(void)state;
	T_SHARED_OR_SKIP(path, "fixtures/mvt/androidqf/dumpsys.txt");
	text = t_slurp(path, &len);
	assert_non_null(text);
	/* MVT's sample was cut inside platform_compat. */
	cut_ofn(text, len, name, sizeof(name), &n);
	assert_string_equal(name, "platform_compat");
	assert_true(n > 0);
	free(text);
	free(path);
}

/* --- said once by a run -------------------------------------------- */

struct said {
	size_t cut, cut_warn;
	char line[512];
};

static void on_log(void *ctx, enum th_log_level level, const char *module,
                   const char *msg)
{
	struct said *s = ctx;

	(void)module;
	if (!strstr(msg, "has no end marker"))
		return;
	s->cut++;
	s->cut_warn += level == TH_LOG_WARN;
	snprintf(s->line, sizeof(s->line), "%s", msg);
}

static void run_counting(const char *dir, struct said *s)
{
	struct th_run_options opt = {
	        .target = dir, .jobs = 1, .log = on_log, .log_ctx = s};
	const struct th_module_result *r;
	struct th_run *run = t_run_execute(&opt);

	/* Every module reading the cut section still ran. */
	r = t_result(run, "dumpsys_platform_compat");
	assert_int_equal(r->status, TH_OK);
	assert_true(r->records > 0);
	th_run_free(run);
}

static void test_cut_said_once(void **state)
{
	struct said s = {0};
	struct t_ev ev;

	(void)state;
	t_ev_shared(&ev, "fixtures/mvt/androidqf");
	run_counting(ev.dir, &s);
	assert_int_equal(s.cut, 1);
	assert_int_equal(s.cut_warn, 1);
	assert_string_equal(s.line, "'dumpsys.txt': section 'platform_compat' "
	                            "has no end marker (cut off?): read to "
	                            "the end of the file");
	t_ev_close(&ev);
}

static void test_cut_said_once_bugreport(void **state)
{
	struct said s = {0};
	struct t_ev ev;

	(void)state;
	t_ev_shared(&ev, "fixtures/mvt/android_data/bugreport");
	run_counting(ev.dir, &s);
	assert_int_equal(s.cut, 1);
	assert_int_equal(s.cut_warn, 1);
	assert_non_null(strstr(s.line, "'dumpstate.txt': section "
	                               "'platform_compat' has no end marker"));
	t_ev_close(&ev);
}

/* A whole dumpsys, every section with its footer: nothing said. */
static void test_whole_not_said(void **state)
{
	static const char text[] = "DUMP OF SERVICE platform_compat:\n"
	                           "ChangeId(168419799; name=DOWNSCALED; "
	                           "disabled; rawOverrides={a.b=false}; "
	                           "overridable)\n" FOOTER;
	char *root = t_tmpdir(), *dir;
	struct said s = {0};

	(void)state;
	dir = th_path_join(root, "aqf");
	t_put(dir, "dumpsys.txt", text, sizeof(text) - 1);
	run_counting(dir, &s);
	assert_int_equal(s.cut, 0);
	free(dir);
	t_tmpdir_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cut_or_not),
	        cmocka_unit_test(test_cut_warning),
	        cmocka_unit_test(test_cut_fixture),
	        cmocka_unit_test(test_cut_said_once),
	        cmocka_unit_test(test_cut_said_once_bugreport),
	        cmocka_unit_test(test_whole_not_said),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
