/*
 * The malloc-failure pass: cases that drive one area of the library with
 * the allocator armed (failmalloc.h), tolerate any status, and free all
 * they made. The driver (nomem_main.c) runs each case once to count its
 * allocations, then once per N in a child process with the Nth failing.
 */
#ifndef TH_NOMEM_H
#define TH_NOMEM_H

#include <stdint.h>
#include <tracehound/th_status.h>

/* What a case ended with: the status, and a digest of what it produced
 * (counts, values) so that a run that says TH_OK after a failed
 * allocation can be compared with the clean run. */
struct nomem_out {
	enum th_status status;
	uint64_t digest;
	int warned; /* a warning said "out of memory" (the run went on) */
};

/* Mixes a string or a number into a digest (FNV-1a, no allocation). */
void nomem_mix(uint64_t *h, const char *s);
void nomem_mixn(uint64_t *h, uint64_t v);

struct nomem_case {
	const char *name;
	const char *what;
	/* Unarmed, once in the driver: makes fixtures under `tmp`. Returns
	 * nonzero to skip the case (with a reason in skip). */
	int (*setup)(const char *tmp, void **ctx, const char **skip);
	/* Armed, in a child; must free everything it allocated. `work` is
	 * an empty folder for this child's outputs. */
	void (*run)(void *ctx, const char *work, struct nomem_out *out);
	void (*teardown)(void *ctx);
};

extern const struct nomem_case nomem_cases[];
extern const unsigned nomem_ncases;

/* The context of a whole check on tmp/rel (nomem_cases.c), for run_check;
 * NULL when out of memory. */
void *nomem_check_ctx(const char *tmp, const char *rel, const char *password);

/* Android evidence built from th-gen's (nomem_android.c). */
int nomem_setup_intrusion(const char *tmp, void **ctx, const char **skip);
int nomem_setup_bugreport_dir(const char *tmp, void **ctx, const char **skip);
int nomem_setup_androidqf_zip(const char *tmp, void **ctx, const char **skip);

#endif
