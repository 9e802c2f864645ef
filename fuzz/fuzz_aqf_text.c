/*
 * The androidqf text artifacts whose readers live in modules or sources
 * rather than in one lib/formats call: mounts.json's "dev on point type
 * fs (opts)" lines, settings_*.txt, getprop.txt, ps.txt, packages.json,
 * root_binaries.json and dumpsys.txt (split by the source, its sections
 * parsed by the dumpsys modules, a cut-off said once). The input becomes
 * every one of those files in an acquisition folder made once in a
 * private temporary folder, and the modules run on it through the public
 * run API. Any input must give records or a message, never a crash, a
 * hang or a leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracehound/tracehound.h>

static const char *const names[] = {
        "mounts.json",   "settings_secure.txt", "getprop.txt", "ps.txt",
        "packages.json", "root_binaries.json",  "dumpsys.txt",
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

static const char *const mods[] = {
        "mounts",           "aqf_settings",
        "aqf_get_prop",     "aqf_processes",
        "aqf_packages",     "root_binaries",
        "dumpsys_packages", "dumpsys_platform_compat",
        "dumpsys_appops",   "dumpsys_adb_state",
};

static char dir[64];

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		abort();
	if (len && fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
}

static void path_of(size_t i, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s", dir, names[i]);
}

/* Removes the acquisition when the fuzzer exits. */
static void remove_aqf(void)
{
	char path[128];
	size_t i;

	for (i = 0; i < NNAMES; i++) {
		path_of(i, path, sizeof(path));
		remove(path);
	}
	rmdir(dir);
}

/* In memory when it can be: seven files are rewritten per input. */
static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/dev/shm/th-fuzz-aqf-XXXXXX");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof(dir), "/tmp/th-fuzz-aqf-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	atexit(remove_aqf);
}

static void log_sink(void *ctx, enum th_log_level level, const char *module,
                     const char *msg)
{
	(void)ctx;
	(void)level;
	(void)module;
	/* Every line is one line: evidence bytes never break it. */
	if (strchr(msg, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct th_run_options opt = {
	        .source = "androidqf",
	        .modules = mods,
	        .nmodules = sizeof(mods) / sizeof(mods[0]),
	        .jobs = 1,
	        .log = log_sink,
	};
	struct th_run *run = NULL;
	char path[128];
	size_t i;

	if (!dir[0])
		make_dir();
	for (i = 0; i < NNAMES; i++) {
		path_of(i, path, sizeof(path));
		write_file(path, data, size);
	}
	opt.target = dir;
	if (th_run_new(&run, &opt) == TH_OK)
		th_run_execute(run);
	th_run_free(run);
	return 0;
}
