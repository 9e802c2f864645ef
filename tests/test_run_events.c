/*
 * Timeline events a run cannot keep: an event over 1 MiB is dropped and
 * said once, with the count at the end (evidence can repeat it millions
 * of times); a timeline that cannot spill to its temp folder says so
 * once, keeps its events in memory and stops retrying.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/fsutil.h"
#include "core/timeconv.h"
#include "run/run_int.h"

struct said {
	int dropped, spill, total_line;
};

static void count_log(void *ctx, enum th_log_level level, const char *module,
                      const char *message)
{
	struct said *s = ctx;

	(void)module;
	if (level < TH_LOG_WARN)
		return;
	s->dropped += strstr(message, "timeline event dropped:") != NULL;
	s->spill += strstr(message, "cannot spill") != NULL;
	s->total_line += strcmp(message, "300 timeline events dropped in "
	                                 "all") == 0;
}

/* A run on a generated clean backup, running one small module. */
static struct th_run *open_run(char **tmp, struct said *s)
{
	static const char *const only[] = {"backup_info"};
	struct th_run_options opt = {.modules = only, .nmodules = 1, .jobs = 1};
	struct th_run *run = NULL;
	char *backup, *out;

	*tmp = t_tmpdir();
	backup = t_gen_backup(*tmp, "backup", 0, 0, 1);
	out = th_path_join(*tmp, "out");
	opt.target = backup;
	opt.output_dir = out;
	opt.log = count_log;
	opt.log_ctx = s;
	assert_int_equal(th_run_new(&run, &opt), TH_OK);
	free(backup);
	free(out);
	return run;
}

static void test_long_events_said_once(void **state)
{
	struct said s = {0};
	size_t big = ((size_t)1 << 20) + 1, i;
	char *tmp, *text = malloc(big + 1);
	struct th_run *run = open_run(&tmp, &s);

	(void)state;
	memset(text, 'a', big);
	text[big] = '\0';
	for (i = 0; i < 300; i++)
		th_run_event(run, 1000000, "sms_received", text);
	th_run_event(run, 1000000, "sms_received", "short: kept");
	assert_int_equal(s.dropped, 1);
	assert_int_equal(th_run_execute(run), TH_OK);
	assert_int_equal(s.total_line, 1);
	assert_int_equal(s.spill, 0);
	th_run_free(run);
	free(text);
	t_tmpdir_free(tmp);
}

static void test_spill_failure_said_once(void **state)
{
	struct said s = {0};
	char *tmp;
	struct th_run *run = open_run(&tmp, &s);
	size_t i;

	(void)state;
	/* As if every spill run had been used: the next spill fails. */
	th_timeline_set_limit(&run->timeline, 1);
	run->timeline.nruns = 4096;
	for (i = 0; i < 500; i++)
		th_run_event(run, 1000000 + (int64_t)i, "e", "kept in memory");
	assert_int_equal(s.spill, 1);
	assert_int_equal(s.dropped, 0);
	assert_int_equal(run->timeline.n, 500);
	assert_true(run->timeline.spill_failed);
	th_run_free(run);
	t_tmpdir_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_long_events_said_once),
	        cmocka_unit_test(test_spill_failure_said_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
