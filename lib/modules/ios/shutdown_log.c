/* shutdown_log: the processes still running at each shutdown (shared
 * reference/ios.md 5). Pegasus staged its binaries under /private/var/db
 * and the log kept their paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "formats/shutdown_log.h"
#include "modules/ios/fsmod.h"
#include "modules/ios/ios_modules.h"

#define LOG_MAX     ((size_t)256 << 20)
#define DELAYS_MANY 3

static const struct th_artifact artifacts[] = {
        {.fs_glob = "private/var/db/diagnostics/shutdown.log",
         .sysdiag_glob = "system_logs.logarchive/Extra/shutdown.log"},
        {.fs_glob = "private/var/db/diagnostics/shutdown.[0-9]*.log",
         .sysdiag_glob = "system_logs.logarchive/Extra/shutdown.[0-9]*.log"},
        {0},
};

struct ctx {
	struct th_run *run;
	const char *file;
	enum th_status st;
};

static json_t *client_record(const struct th_shutdown_block *b,
                             const struct th_shutdown_client *c)
{
	json_t *rec = json_object();
	char pid[24];

	if (!rec)
		return NULL;
	snprintf(pid, sizeof(pid), "%ld", c->pid);
	th_json_set_new(rec, "isodate", th_json_time(b->time));
	th_json_set_new(rec, "pid", json_string(c->pid < 0 ? "" : pid));
	th_fsmod_set_str(rec, "client", c->path);
	th_json_set_new(rec, "delay", json_real(c->delay));
	th_json_set_new(rec, "times_delayed", json_integer(c->times_delayed));
	return rec;
}

static int on_block(void *vctx, const struct th_shutdown_block *b)
{
	struct ctx *c = vctx;
	struct th_run *run = c->run;
	char desc[256];
	size_t i;

	snprintf(desc, sizeof(desc),
	         "device shut down with %zu clients still running (%s)",
	         b->nclients + b->dropped, c->file);
	th_run_event(run, b->time, "shutdown", desc);
	if (b->delays >= DELAYS_MANY)
		th_run_alert(
		        run, TH_LEVEL_MEDIUM, b->time, NULL, NULL, NULL,
		        "shutdown delayed %d times before SIGTERM in '%s': "
		        "a client kept the device from shutting down",
		        b->delays, c->file);
	for (i = 0; i < b->nclients && c->st == TH_OK; i++) {
		json_t *rec = client_record(b, &b->clients[i]);

		c->st = rec ? th_run_record(run, rec) : TH_ERR_NOMEM;
	}
	return c->st != TH_OK;
}

static enum th_status read_file(struct th_run *run, const struct th_file *f,
                                void *vctx)
{
	struct ctx *c = vctx;
	char *text = NULL;
	size_t len = 0;
	long blocks;

	if (th_fsmod_read(run, f, LOG_MAX, &text, &len) != TH_OK)
		return TH_OK;
	c->file = f->name;
	blocks = th_shutdown_parse(text, len, on_block, c);
	free(text);
	if (blocks < 0)
		c->st = TH_ERR_NOMEM;
	else
		th_run_log(run, TH_LOG_DEBUG, "'%s': %ld shutdowns", f->name,
		           blocks);
	return c->st;
}

static enum th_status run_shutdown(struct th_run *run)
{
	struct ctx c = {.run = run, .st = TH_OK};

	return th_fsmod_each_until(run, artifacts, "shutdown.log", read_file,
	                           &c);
}

static int staged(const char *path)
{
	return strncmp(path, "/private/var/db/", 16) == 0 ||
	       strncmp(path, "/private/var/tmp/", 17) == 0;
}

/* Each path component as a process name (the binary may sit in a
 * folder named after it), the trailing UUID left out. */
static int check_components(struct th_run *run, const json_t *rec,
                            const char *path, int64_t t)
{
	char name[TH_SHUTDOWN_PATH_MAX];

	th_shutdown_process(path, name, sizeof(name));
	if (th_run_check(run, TH_MATCH_PROCESS, name, TH_LEVEL_CRITICAL, t,
	                 rec))
		return 1;
	return th_fsmod_check_components(run, rec, path, TH_SHUTDOWN_PATH_MAX,
	                                 name, TH_LEVEL_CRITICAL, t);
}

static void check_shutdown(struct th_run *run, const json_t *rec)
{
	const char *client = th_rec_str(rec, "client");
	const char *iso = th_rec_str(rec, "isodate");
	int64_t t = iso ? th_time_parse(iso) : TH_TIME_NONE;

	if (!client || !*client)
		return;
	if (!th_run_check(run, TH_MATCH_FILE_PATH, client, TH_LEVEL_CRITICAL, t,
	                  rec))
		check_components(run, rec, client, t);
	if (staged(client))
		th_run_alert(run, TH_LEVEL_HIGH, t, rec, NULL, client,
		             "shutdown.log client '%s' ran from a staging "
		             "folder (/private/var/db/ or /private/var/tmp/), "
		             "as Pegasus did",
		             client);
}

const struct th_module th_mod_shutdown_log = {
        .slug = "shutdown_log",
        .title = "processes still running at each shutdown (shutdown.log)",
        .sources = TH_SRC_IOS_FS | TH_SRC_SYSDIAGNOSE,
        .shape = TH_RECORDS_LIST,
        .run = run_shutdown,
        .check = check_shutdown,
        .artifacts = artifacts,
};
