/*
 * Synthetic Android evidence: an androidqf acquisition (infected or
 * clean, with look-alikes), an encrypted .ab written by us, and a
 * bugreport zip. The planted values are the macros below, so tests can
 * write a matching indicator bundle.
 */
#ifndef TH_GEN_ANDROID_H
#define TH_GEN_ANDROID_H

#include <stddef.h>
#include "core/err.h"

#define TH_GEN_AB_PASSWORD "tracehound-demo"
#define TH_GEN_AB_ROUNDS   1000
#define TH_GEN_SPY_PACKAGE "com.demo.spyware"
#define TH_GEN_SPY_CERT                                                        \
	"d7c1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f"
#define TH_GEN_SPY_PROPERTY "persist.demo.spy.enabled"
#define TH_GEN_SPY_FILE_HASH                                                   \
	"0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
#define TH_GEN_SPY_DOMAIN  "spy-updates.example"
#define TH_GEN_SPY_PROCESS "com.demo.spyware"

/* What the androidqf acquisition holds, for tests to count. */
#define TH_GEN_AQF_PACKAGES  6
#define TH_GEN_AQF_PROCESSES 5
#define TH_GEN_AQF_PROPS     4
#define TH_GEN_AQF_FILES     4
#define TH_GEN_AQF_MOUNTS    3
#define TH_GEN_AQF_SMS       3
#define TH_GEN_AQF_DNS       3 /* distinct; one is repeated in two files */

/* Writes an androidqf acquisition folder into dir (created) with
 * backup.ab (AES-256, TH_GEN_AB_PASSWORD), bugreport.zip and
 * intrusion_logs/. */
enum th_status th_gen_androidqf(const char *dir, int infected,
                                struct th_err *err);

/* Writes an .ab (version 5, compressed, AES-256 when password is not
 * NULL) holding the telephony SMS backup with n_sms messages; the
 * infected one links to TH_GEN_SPY_DOMAIN. */
enum th_status th_gen_ab(const char *path, const char *password, int infected,
                         struct th_err *err);

/* Writes a bugreport zip (main_entry.txt, a dumpstate, FS/...). */
enum th_status th_gen_bugreport_zip(const char *path, int infected,
                                    struct th_err *err);

/* A large clean acquisition for th-bench (packages.json, dumpsys.txt
 * of about dumpsys_bytes, files.json as JSON lines). */
enum th_status th_gen_androidqf_big(const char *dir, size_t packages,
                                    size_t dumpsys_bytes, size_t files,
                                    struct th_err *err);

/* th-gen androidqf DIR [--infected|--clean]: returns the exit status. */
int th_gen_android_main(int argc, char **argv);

#endif
