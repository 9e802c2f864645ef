/*
 * Helpers shared by the tests of the system, app and network-usage
 * modules (test_ios_system.c, test_ios_apps.c, test_ios_netusage.c):
 * runs of every one of those modules through the public run API on the
 * MVT fixture and on generated backups, alert counting, and damaging a
 * generated backup's files. Include after <cmocka.h>.
 */
#ifndef TH_TEST_SYSAPPS_H
#define TH_TEST_SYSAPPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracehound/tracehound.h>
#include "support.h"
#include "gen.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "modules/module.h"

#define IOCS TH_SOURCE_DIR "/demo/demo-iocs.stix2"

static const char *const mods[] = {
        "configuration_profiles",
        "profile_events",
        "calls",
        "contacts",
        "id_status_cache",
        "interaction_c",
        "locationd_clients",
        "os_analytics_ad_daily",
        "datausage",
        "tcc",
        "applications",
        "calendar",
        "global_preferences",
        "triangulation",
};

#define NMODS (sizeof(mods) / sizeof(mods[0]))

static inline struct th_run *run_on(const char *target, const char *out,
                                    const struct th_iocs *iocs)
{
	return t_run_modules(target, NULL, out, iocs, mods, NMODS);
}

/* Alerts at `level` or above from any of this file's modules. */
static inline size_t alerts_from(const struct th_run *run, enum th_level level)
{
	size_t i, j, n = 0;
	const struct th_alert *a;

	for (i = 0; i < th_run_nalerts(run); i++) {
		a = th_run_alert_at(run, i);
		for (j = 0; j < NMODS; j++)
			if (strcmp(a->module, mods[j]) == 0 &&
			    a->level >= level)
				n++;
	}
	return n;
}

static inline char *gen(const char *tmp, int infected)
{
	return t_gen_backup(tmp, "backup", infected, 50, 3);
}

/* A run of this file's modules on a generated backup (t_gen), with the
 * demo indicators when asked. */
static inline void gen_run_open(struct t_gen *g, int infected, int with_iocs)
{
	*g = (struct t_gen){.modules = mods,
	                    .nmodules = NMODS,
	                    .rows = 50,
	                    .seed = 3,
	                    .iocs = with_iocs ? t_iocs_load(IOCS) : NULL};
	t_gen_open(g, infected);
}

static inline struct th_run *gen_run(struct t_gen *g, int infected,
                                     int with_iocs)
{
	gen_run_open(g, infected, with_iocs);
	return t_gen_exec(g);
}

/* Replaces a planted file of a generated backup (our own copy, not
 * evidence) with other contents. */
static inline void replace(const char *dir, const char *domain, const char *rel,
                           const void *data, size_t len)
{
	char *path = t_backup_file(dir, domain, rel);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	free(path);
}

static inline void replace_db(const char *dir, const char *domain,
                              const char *rel, const char *sql)
{
	struct th_buf b;
	struct th_err err = {0};

	th_buf_init(&b, 1 << 20);
	assert_int_equal(th_gen_sqlite_image(sql, &b, &err), TH_OK);
	replace(dir, domain, rel, th_buf_str(&b), b.len);
	th_buf_free(&b);
}

/* One record as MVT writes it (check-iocs re-checks MVT folders) and
 * the level of the one alert its module's check must raise (NONE: no
 * alert). */
#define NONE (-1)

struct mvt_case {
	const char *slug;
	const char *record;
	int level;
};

static inline void check_mvt_records(const struct mvt_case *cases, size_t n)
{
	char *tmp = t_tmpdir(), *dir = gen(tmp, 0);
	struct th_iocs *iocs = t_iocs_load(IOCS);
	struct th_run_options opt = {.target = dir, .iocs = iocs};
	const struct th_module *m;
	struct th_run *run = NULL;
	json_error_t e;
	json_t *rec;
	size_t i, before;

	assert_int_equal(th_run_new(&run, &opt), TH_OK);
	for (i = 0; i < n; i++) {
		m = th_modules_find(cases[i].slug);
		assert_non_null(m);
		rec = json_loads(cases[i].record, 0, &e);
		if (!rec)
			fail_msg("record %zu: %s", i, e.text);
		before = th_run_nalerts(run);
		m->check(run, rec);
		if (cases[i].level == NONE && th_run_nalerts(run) != before)
			fail_msg("record %zu (%s) alerted: %s", i,
			         cases[i].slug,
			         th_run_alert_at(run, before)->message);
		if (cases[i].level != NONE) {
			assert_int_equal(th_run_nalerts(run), before + 1);
			assert_int_equal(th_run_alert_at(run, before)->level,
			                 cases[i].level);
		}
		json_decref(rec);
	}
	th_run_free(run);
	th_iocs_free(iocs);
	free(dir);
	t_tmpdir_free(tmp);
}

#endif
