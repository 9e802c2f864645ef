/* A synthetic androidqf acquisition: infected (indicator package and
 * certificate, property, /data/local/tmp file, sideloaded package,
 * unsafe settings, enabled accessibility service, rw /system, root
 * binary, SMS link, DNS lookup) or clean, both with look-alikes that
 * must not alert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "gen_android.h"
#include "gen_android_int.h"

#define T0 1700000000 /* 2023-11-14: the acquisition's file times */

/* ps -A output; the fifth process is the planted one or a look-alike. */
#define PS_HEAD                                                                \
	"USER           PID  PPID     VSZ    RSS WCHAN            ADDR S "     \
	"NAME\n"                                                               \
	"root             1     0   57912   2084 0                   0 S "     \
	"init\n"                                                               \
	"system        1200     1  123456   4000 0                   0 S "     \
	"gatekeeperd\n"                                                        \
	"u0_a100       2000   600  999999  50000 0                   0 S "     \
	"com.android.chrome\n"                                                 \
	"u0_a101       2001   600  999999  50000 0                   0 S "     \
	"com.example.notes\n"

struct gen {
	const char *dir;
	int inf;
	struct th_err *err;
	enum th_status st;
};

static void put(struct gen *g, const char *name, const char *text)
{
	char *p;

	if (g->st != TH_OK)
		return;
	p = th_path_join(g->dir, name);
	g->st = p ? th_gen_write_file(p, text, strlen(text)) : TH_ERR_NOMEM;
	if (g->st != TH_OK)
		th_err_set(g->err, g->st, "cannot write '%s'", p ? p : name);
	free(p);
}

static void packages(struct gen *g, struct th_buf *b)
{
	/* name, installer, system, disabled, certificate sha256 */
	const char *rows[TH_GEN_AQF_PACKAGES][5] = {
	        {g->inf ? TH_GEN_SPY_PACKAGE : "com.demo.spyware.cleaner",
	         g->inf ? "null" : "com.android.vending", "false", "false",
	         "aa"},
	        {"com.example.notes", "com.android.vending", "false", "false",
	         g->inf ? TH_GEN_SPY_CERT
	                : "d7c1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
	                  "0a1b2c3d4e5e"},
	        {g->inf ? "com.topjohnwu.magisk" : "com.topjohnwu.magiskx",
	         "com.android.vending", "false", "false", "bb"},
	        {"com.example.sideloaded",
	         g->inf ? "com.android.chrome" : "com.android.vending", "false",
	         "false", "cc"},
	        {"com.samsung.android.securitylogagent", "null", "true",
	         g->inf ? "true" : "false", "dd"},
	        {"com.google.android.youtube", "com.android.vending", "true",
	         "false", "ee"},
	};
	size_t i;

	th_buf_adds(b, "[\n");
	for (i = 0; i < TH_GEN_AQF_PACKAGES; i++)
		th_buf_printf(
		        b,
		        "%s{\"name\": \"%s\", \"installer\": \"%s\", "
		        "\"uid\": %zu, \"disabled\": %s, \"system\": %s, "
		        "\"third_party\": %s, \"files\": [{\"path\": "
		        "\"/data/app/%s/base.apk\", \"sha256\": \"%064zx\", "
		        "\"certificate\": {\"Sha256\": \"%s\", "
		        "\"SerialNumber\": "
		        "955466096586930338769951715633687128507538251257}}]}"
		        "\n",
		        i ? "," : "", rows[i][0], rows[i][1], 10100 + i,
		        rows[i][3], rows[i][2],
		        strcmp(rows[i][2], "true") ? "true" : "false",
		        rows[i][0], i + 1, rows[i][4]);
	th_buf_adds(b, "]\n");
}

static void small_files(struct gen *g)
{
	put(g, "getprop.txt",
	    g->inf ? "[ro.product.model]: [Pixel 7]\n"
	             "[" TH_GEN_SPY_PROPERTY "]: [1]\n"
	             "[ro.build.version.security_patch]: [2019-01-05]\n"
	             "[ro.build.version.release]: [14]\n"
	           : "[ro.product.model]: [Pixel 7]\n"
	             "[" TH_GEN_SPY_PROPERTY ".backup]: [1]\n"
	             "[ro.build.version.security_patch]: [2099-01-05]\n"
	             "[ro.build.version.release]: [14]\n");
	put(g, "ps.txt",
	    g->inf ? PS_HEAD "u0_a102       2002   600  999999  50000 0      "
	                     "             0 S " TH_GEN_SPY_PROCESS "\n"
	           : PS_HEAD "u0_a102       2002   600  999999  50000 0      "
	                     "             0 S com.demo.notspy\n");
	put(g, "settings_global.txt",
	    g->inf ? "package_verifier_enable=0\nadb_install_need_confirm=0\n"
	             "airplane_mode_on=0\n"
	           : "package_verifier_enable=1\nadb_install_need_confirm=1\n"
	             "airplane_mode_on=0\n");
	put(g, "settings_secure.txt",
	    g->inf ? "accessibility_enabled=1\n" : "accessibility_enabled=0\n");
	put(g, "root_binaries.json",
	    g->inf ? "[\"/system/bin/su\"]\n" : "[]\n");
	put(g, "mounts.json",
	    g->inf ? "[\"/dev/block/dm-0 on /system type ext4 (rw,seclabel)\","
	             "\"/dev/block/dm-1 on /vendor type ext4 (ro,seclabel)\","
	             "\"/dev/block/sda1 on /data type f2fs (rw,nosuid)\"]\n"
	           : "[\"/dev/block/dm-0 on /system type ext4 (ro,seclabel)\","
	             "\"/dev/block/dm-1 on /vendor type ext4 (ro,seclabel)\","
	             "\"/dev/block/sda1 on /data type f2fs (rw,nosuid)\"]\n");
	put(g, "acquisition.json",
	    "{\"uuid\": \"00000000-0000-4000-8000-000000000001\", "
	    "\"androidqf_version\": \"1.7.0\"}\n");
	put(g, "logs/logcat.txt", "11-14 22:13:20.000 I demo: started\n");
}

static void files_json(struct gen *g)
{
	char buf[2048];

	snprintf(
	        buf, sizeof(buf),
	        "{\"path\": \"/sdcard/DCIM/a.jpg\", \"mode\": \"-rw-rw----\", "
	        "\"modified_time\": %d, \"sha256\": \"\"}\n"
	        "{\"path\": \"/data/local/tmp%s\", \"mode\": \"-rwxr-xr-x\", "
	        "\"modified_time\": %d, \"sha256\": \"\"}\n"
	        "{\"path\": \"/data/local/tmpfile\", \"mode\": \"-rw-------\", "
	        "\"modified_time\": %d, \"sha256\": \"\"}\n"
	        "{\"path\": \"/sdcard/Download/x.apk\", \"mode\": "
	        "\"-rw-rw----\", \"modified_time\": %d, \"sha256\": \"%s\"}\n",
	        T0, g->inf ? "/payload" : "2/payload", T0 + 1, T0 + 2, T0 + 3,
	        g->inf ? TH_GEN_SPY_FILE_HASH
	               : "1f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a"
	                 "5b4c3d2e1f0");
	put(g, "files.json", buf);
}

static void dumpsys(struct gen *g)
{
	char buf[2048];

	snprintf(buf, sizeof(buf),
	         "DUMP OF SERVICE accessibility:\n"
	         "ACCESSIBILITY MANAGER (dumpsys accessibility)\n\n"
	         "currentUserId=0\nUser state[\n"
	         "     attributes:{id=0, touchExplorationEnabled=false}\n"
	         "     Bound services:{}\n"
	         "     Enabled services:{%s}\n"
	         "     Binding services:{}\n"
	         "     Crashed services:{}\n]\n"
	         "-------------------------------------------------------------"
	         "--"
	         "----------------\n"
	         "DUMP OF SERVICE adb:\nADB MANAGER STATE (dumpsys adb):\n"
	         "-------------------------------------------------------------"
	         "--"
	         "----------------\n",
	         g->inf ? "{" TH_GEN_SPY_PACKAGE "/" TH_GEN_SPY_PACKAGE
	                  ".AccessService}"
	                : "");
	put(g, "dumpsys.txt", buf);
}

static void intrusion_logs(struct gen *g)
{
	char a[1024], b[1024];
	const char *host =
	        g->inf ? TH_GEN_SPY_DOMAIN : "spy-updates.example.org";

	snprintf(
	        a, sizeof(a),
	        "{\"dns_event\": {\"hostname\": \"%s\", \"ip_addresses\": "
	        "[\"192.0.2.10\"], \"package_name\": \"com.example.notes\", "
	        "\"event_time\": 1700000100000}}\n"
	        "{\"dns_event\": {\"hostname\": \"www.example.com\", "
	        "\"ip_addresses\": [], \"package_name\": "
	        "\"com.android.chrome\", \"event_time\": 1700000200000}}\n"
	        "{\"connect_event\": {\"ip_address\": \"/192.0.2.10\", "
	        "\"port\": "
	        "443, \"package_name\": \"com.example.notes\", \"event_time\": "
	        "1700000101000}}\n",
	        host);
	/* The second file repeats the first lookup (keys reordered). */
	snprintf(
	        b, sizeof(b),
	        "{\"dns_event\": {\"event_time\": 1700000100000, \"hostname\": "
	        "\"%s\", \"package_name\": \"com.example.notes\", "
	        "\"ip_addresses\": [\"192.0.2.10\"]}}\n"
	        "{\"dns_event\": {\"hostname\": \"mail.example.com\", "
	        "\"ip_addresses\": [], \"package_name\": "
	        "\"com.example.notes\", \"event_time\": 1700000300000}}\n"
	        "{\"security_event\": {\"tag\": \"%s\", \"event_time\": "
	        "1700000400000}}\n",
	        host,
	        g->inf ? "cert_authority_installed" : "app_process_start");
	put(g, "intrusion_logs/20231114.txt", a);
	put(g, "intrusion_logs/20231115.txt", b);
}

static enum th_status make_dirs(const char *dir, struct th_err *err)
{
	char *p = th_path_join(dir, "logs"),
	     *q = th_path_join(dir, "intrusion_logs");
	enum th_status st = TH_ERR_NOMEM;

	if (p && q && (st = th_mkdir_p(p, 0, err)) == TH_OK)
		st = th_mkdir_p(q, 0, err);
	free(p);
	free(q);
	return st;
}

enum th_status th_gen_androidqf(const char *dir, int infected,
                                struct th_err *err)
{
	struct gen g = {dir, infected, err, TH_OK};
	struct th_buf b;
	char *p;

	g.st = make_dirs(dir, err);
	th_buf_init(&b, (size_t)1 << 24);
	packages(&g, &b);
	put(&g, "packages.json", th_buf_str(&b));
	th_buf_free(&b);
	small_files(&g);
	files_json(&g);
	dumpsys(&g);
	intrusion_logs(&g);
	if (g.st != TH_OK)
		return g.st;
	p = th_path_join(dir, "backup.ab");
	g.st = p ? th_gen_ab(p, TH_GEN_AB_PASSWORD, infected, err)
	         : TH_ERR_NOMEM;
	free(p);
	if (g.st != TH_OK)
		return g.st;
	p = th_path_join(dir, "bugreport.zip");
	g.st = p ? th_gen_bugreport_zip(p, infected, err) : TH_ERR_NOMEM;
	free(p);
	return g.st;
}

static const char *sms_json(int infected)
{
	return infected ? "[{\"address\": \"+15550001\", \"body\": \"Your "
	                  "parcel: "
	                  "https://" TH_GEN_SPY_DOMAIN
	                  "/track?id=1\", \"date\": "
	                  "\"1700000500000\", \"date_sent\": \"0\", \"type\": "
	                  "\"1\"},"
	                  "{\"address\": \"+15550002\", \"body\": \"see you at "
	                  "5\", "
	                  "\"date\": \"1700000600000\", \"date_sent\": "
	                  "\"1700000600000\", \"type\": \"2\"},"
	                  "{\"address\": \"+15550003\", \"body\": \"\", "
	                  "\"date\": "
	                  "\"1700000700000\", \"date_sent\": \"0\", \"type\": "
	                  "\"1\"}]"
	                : "[{\"address\": \"+15550001\", \"body\": \"Your "
	                  "parcel: "
	                  "https://" TH_GEN_SPY_DOMAIN ".org/track?id=1\", "
	                  "\"date\": \"1700000500000\", \"date_sent\": \"0\", "
	                  "\"type\": \"1\"},"
	                  "{\"address\": \"+15550002\", \"body\": \"see you at "
	                  "5\", "
	                  "\"date\": \"1700000600000\", \"date_sent\": "
	                  "\"1700000600000\", \"type\": \"2\"},"
	                  "{\"address\": \"+15550003\", \"body\": \"\", "
	                  "\"date\": "
	                  "\"1700000700000\", \"date_sent\": \"0\", \"type\": "
	                  "\"1\"}]";
}

enum th_status th_gen_ab(const char *path, const char *password, int infected,
                         struct th_err *err)
{
	const char *json = sms_json(infected);
	struct th_gen_member m[2] = {
	        {"apps/com.android.providers.telephony/_manifest", "manifest",
	         8, T0},
	        {"apps/com.android.providers.telephony/d_f/000000_sms_backup",
	         NULL, 0, T0},
	};
	struct th_buf z;
	enum th_status st;

	th_buf_init(&z, (size_t)1 << 24);
	st = th_gen_deflate(json, strlen(json), &z);
	m[1].data = z.data;
	m[1].len = z.len;
	if (st == TH_OK)
		st = th_gen_ab_write(path, password, 5, 1, m, 2);
	th_buf_free(&z);
	if (st != TH_OK)
		th_err_set(err, st, "cannot write '%s'", path);
	return st;
}

enum th_status th_gen_bugreport_zip(const char *path, int infected,
                                    struct th_err *err)
{
	static const char dumpstate[] =
	        "== dumpstate: 2023-11-14 22:13:20\n"
	        "------ SYSTEM PROPERTIES (getprop) ------\n"
	        "[ro.build.version.release]: [14]\n"
	        "------ 0.010s was the duration of 'SYSTEM PROPERTIES' ------\n"
	        "DUMP OF SERVICE package:\nPackages:\n"
	        "--------------------------------------------------------------"
	        "-"
	        "----------------\n";
	const struct th_gen_member m[] = {
	        {"main_entry.txt", "dumpstate-2023.txt", 18, T0},
	        {"dumpstate-2023.txt", dumpstate, sizeof(dumpstate) - 1,
	         T0 + 10},
	        {"FS/data/tombstones/tombstone_00", "Build: demo\n", 12,
	         T0 + 20},
	};
	struct th_buf b;
	enum th_status st;

	(void)infected;
	th_buf_init(&b, (size_t)1 << 24);
	st = th_gen_archive(&b, 1, m, sizeof(m) / sizeof(m[0]));
	if (st == TH_OK)
		st = th_gen_write_file(path, b.data, b.len);
	th_buf_free(&b);
	if (st != TH_OK)
		th_err_set(err, st, "cannot write '%s'", path);
	return st;
}

int th_gen_android_main(int argc, char **argv)
{
	struct th_err err = {0};
	int infected = 0, i;

	if (argc < 3 || argv[2][0] == '-') {
		fprintf(stderr, "th-gen: androidqf needs a folder\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--infected") ||
		    !strcmp(argv[i], "--clean")) {
			infected = argv[i][2] == 'i';
			continue;
		}
		fprintf(stderr, "th-gen: unknown option '%s'\n", argv[i]);
		return 2;
	}
	if (th_mkdir_p(argv[2], 0, &err) != TH_OK ||
	    th_gen_androidqf(argv[2], infected, &err) != TH_OK) {
		fprintf(stderr, "th-gen: %s\n", err.msg);
		return 2;
	}
	printf("th-gen: wrote %s androidqf acquisition to '%s' (backup "
	       "password '%s')\n",
	       infected ? "an infected" : "a clean", argv[2],
	       TH_GEN_AB_PASSWORD);
	return 0;
}
