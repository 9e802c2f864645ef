/*
 * A synthetic sysdiagnose. Traces (with the test indicators: processes
 * bh, roleaccountd, msgacntd; app id com.spy.agent) and look-alikes:
 *
 *   ps.txt             roleaccountd from the staging folder (critical);
 *                      bhd (look-alike)
 *   shutdown.log       staging path of bh (high + critical)
 *   shutdown.0.log     (iOS 26 rotation) msgacntd with a UUID component
 *                      (critical + high)
 *   crashes_and_spins  a crash of roleaccountd (critical); of bhd (no)
 *   MobileInstallation install and uninstall of com.spy.agent (critical
 *                      each); com.spy.agen, one letter off (no)
 *   hostile            "../../escape" and an absolute member (refused)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "gen_fs.h"

#define T0        TH_GEN_BACKUP_TIME
#define STAGING   "/private/var/db/com.apple.xpc.roleaccountd.staging/"
#define PAD_CHUNK ((size_t)1 << 20)

static const char ps_txt[] =
        "USER               UID PRSNA   PID  PPID        F  %CPU %MEM PRI NI "
        "     VSZ    RSS WCHAN    TT  STAT STARTED      TIME COMMAND\n"
        "root                 0     -     1     0     4004   0.0  0.1  37  0 "
        "  408000   9000 -        ??  Ss   Mon09AM   1:00.00 /sbin/launchd\n"
        "mobile             501     -   412     1     4004   0.0  0.2  31  0 "
        "  409000  12000 -        ??  Ss   Mon09AM   0:10.00 " STAGING
        "roleaccountd -d\n"
        "root                 0     -   413     1     4004   0.0  0.1  31  0 "
        "  409000  12000 -        ??  Ss   Mon09AM   0:01.00 "
        "/usr/libexec/bhd\n";

static const char ps_thread_txt[] =
        "USER     PID   TT  %CPU STAT PRI     STIME     UTIME COMMAND\n"
        "root       1   ??   0.0 S     31T   0:00.01   0:00.02 /sbin/launchd\n"
        "                    0.0 S     31T   0:00.00   0:00.00 \n";

static const char shutdown_log[] =
        "remaining client pid: 102 (/usr/libexec/bhd)\n"
        "SIGTERM: [1664700000]\n"
        "After 1.02s, these clients are still here:\n"
        "remaining client pid: 203 (" STAGING "bh)\n"
        "SIGTERM: [1664780000]\n";

static const char shutdown_rotated[] =
        "remaining client pid: 404 (/usr/sbin/msgacntd/"
        "8C3D7E0A-1B2C-4D5E-8F90-A1B2C3D4E5F6)\n"
        "SIGTERM: [1664600000]\n";

static const char crash_spy[] =
        "{\"app_name\":\"roleaccountd\",\"timestamp\":\"2022-10-02 "
        "10:00:00.00 +0200\",\"app_version\":\"\",\"bug_type\":\"109\","
        "\"os_version\":\"iPhone OS 15.7 (19H12)\",\"bundleID\":"
        "\"com.apple.roleaccountd\",\"incident_id\":\"1\"}\n"
        "{\"crashReporterKey\":\"x\"}\n";

static const char crash_benign[] =
        "{\"app_name\":\"bhd\",\"timestamp\":\"2022-10-02 11:00:00.00 "
        "+0000\",\"bug_type\":\"109\",\"bundleID\":\"com.apple.bhd\"}\n"
        "{}\n";

static const char install_log[] =
        "Sat Oct  1 12:34:56 2022 [81] <notice> (0x16b) -[MIInstaller "
        "performInstallationWithError:]: Install Successful for "
        "(Placeholder:com.spy.agent); Staging: /var/tmp/x\n"
        "Sat Oct  1 12:40:00 2022 [81] <notice> (0x16b) -[MIInstaller "
        "performInstallationWithError:]: Install Successful for "
        "(Placeholder:com.spy.agen); Staging: /var/tmp/y\n"
        "Sun Oct  2 08:00:00 2022 [81] <notice> (0x16b) -[MIUninstaller "
        "uninstall]: Uninstalling identifier com.spy.agent\n";

static const char dumpstate[] =
        "Local device\n  ProductType => iPhone13,2\n  HWModel => D53gAP\n"
        "  ProductVersion => 15.7\n  BuildVersion => 19H12\n";

struct sfile {
	const char *path;
	const char *text;
};

static const struct sfile files[] = {
        {"ps.txt", ps_txt},
        {"ps_thread.txt", ps_thread_txt},
        {"system_logs.logarchive/Extra/shutdown.log", shutdown_log},
        {"system_logs.logarchive/Extra/shutdown.0.log", shutdown_rotated},
        {"crashes_and_spins/roleaccountd-2022-10-02-100000.ips", crash_spy},
        {"crashes_and_spins/bhd-2022-10-02-110000.ips", crash_benign},
        /* malformed: a warning naming it, and the run goes on */
        {"crashes_and_spins/garbage.ips", "{\"app_name\": \"bh\", \x01\n"},
        {"crashes_and_spins/deep.ips",
         "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"},
        {"logs/MobileInstallation/mobile_installation.log.0", install_log},
        {"remotectl_dumpstate.txt", dumpstate},
};

/* Filler logs that compress like real ones (a few to one), for the
 * benchmark. */
static enum th_status add_padding(struct th_gen_sink *s, size_t mb,
                                  uint64_t seed, struct th_err *err)
{
	char *buf = malloc(PAD_CHUNK), path[256];
	uint64_t r = seed, v = 0;
	enum th_status st = TH_OK;
	size_t i, j;

	if (!buf)
		return th_err_set(err, TH_ERR_NOMEM, "out of memory");
	for (i = 0; i < mb && st == TH_OK; i++) {
		for (j = 0; j < PAD_CHUNK; j++) {
			if (j % 8 == 0)
				v = th_gen_rand(&r);
			buf[j] = (char)('a' + (v >> (8 * (j % 8))) % 16);
		}
		snprintf(path, sizeof(path),
		         TH_GEN_SYSDIAG_NAME "/logs/filler/log%05zu.txt", i);
		st = th_gen_sink_file(s, path, buf, PAD_CHUNK, T0, err);
	}
	free(buf);
	return st;
}

enum th_status th_gen_sysdiagnose(const char *path,
                                  const struct th_gen_fs_opts *opt,
                                  struct th_err *err)
{
	struct th_gen_sink *s = NULL;
	enum th_status st;
	char rel[512];
	size_t i;

	st = th_gen_sink_open(path, &s, err);
	for (i = 0; st == TH_OK && i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(rel, sizeof(rel), "%s/%s", TH_GEN_SYSDIAG_NAME,
		         files[i].path);
		st = th_gen_sink_file(s, rel, files[i].text,
		                      strlen(files[i].text), T0 - 600, err);
	}
	if (st == TH_OK && opt->hostile)
		st = th_gen_sink_raw(s, "../../escape", "escaped\n", err);
	if (st == TH_OK && opt->hostile)
		st = th_gen_sink_raw(s, "/tmp/th_gen_absolute_escape",
		                     "escaped\n", err);
	if (st == TH_OK && opt->pad_mb)
		st = add_padding(s, opt->pad_mb, opt->seed, err);
	if (st != TH_OK) {
		th_gen_sink_close(s, NULL);
		return st;
	}
	return th_gen_sink_close(s, err);
}
