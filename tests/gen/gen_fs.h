/*
 * Synthetic iOS filesystem dumps and sysdiagnose archives (gen_fs.c,
 * gen_sysdiag.c), written through a sink that is either a folder or a
 * .tar.gz (gen_sink.c). Planted traces and look-alikes are listed in
 * the .c files with what each stands for; tests assert on them.
 */
#ifndef TH_GEN_FS_H
#define TH_GEN_FS_H

#include <stddef.h>
#include <stdint.h>
#include <tracehound/th_status.h>
#include "core/err.h"

/* The sysdiagnose's top folder (and archive base name, plus .tar.gz). */
#define TH_GEN_SYSDIAG_NAME                                                    \
	"sysdiagnose_2022.10.03_09-00-00+0000_iPhone-OS_iPhone_19H12"

struct th_gen_fs_opts {
	int hostile;   /* archives: add "../../escape" and an absolute member;
	                  both: a symlink leaving the dump */
	size_t files;  /* extra benign files (bench: a large dump) */
	size_t pad_mb; /* sysdiagnose: MiB of incompressible-ish filler */
	const char *prefix; /* dumps: a folder holding private/var ("fs1") */
	uint64_t seed;
};

/* Writes a dump into folder `dir` (created; must not exist), or into
 * the archive `path` when it ends in .tar.gz / .tar / .zip. */
enum th_status th_gen_fs(const char *path, const struct th_gen_fs_opts *opt,
                         struct th_err *err);

/* Writes a sysdiagnose: a .tar.gz at `path`, or its extracted top folder
 * inside the folder `path` otherwise. */
enum th_status th_gen_sysdiagnose(const char *path,
                                  const struct th_gen_fs_opts *opt,
                                  struct th_err *err);

/* --- the sink (gen_sink.c) --- */
struct th_gen_sink;

enum th_status th_gen_sink_open(const char *path, struct th_gen_sink **out,
                                struct th_err *err);
/* Adds a regular file (parents created as needed). */
enum th_status th_gen_sink_file(struct th_gen_sink *s, const char *rel,
                                const void *data, size_t len, int64_t mtime,
                                struct th_err *err);
/* Puts every later path under `prefix/` (NULL: none). */
void th_gen_sink_prefix(struct th_gen_sink *s, const char *prefix);
/* Adds a symbolic link. */
enum th_status th_gen_sink_link(struct th_gen_sink *s, const char *rel,
                                const char *target, struct th_err *err);
/* Archives only: a member with a raw (unsafe) name; no-op on folders. */
enum th_status th_gen_sink_raw(struct th_gen_sink *s, const char *name,
                               const char *text, struct th_err *err);
/* Finishes and frees (NULL is fine). */
enum th_status th_gen_sink_close(struct th_gen_sink *s, struct th_err *err);
int th_gen_sink_is_archive(const struct th_gen_sink *s);

#endif
