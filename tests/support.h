/*
 * Shared test helpers. Include after <cmocka.h>'s prerequisites:
 *   #include <stdarg.h> <stddef.h> <stdint.h> <setjmp.h> <cmocka.h>
 */
#ifndef TH_TEST_SUPPORT_H
#define TH_TEST_SUPPORT_H

#include <stddef.h>

/* A path under ../shared (TH_SHARED_DIR), malloc'ed; NULL when ../shared
 * or the file is absent (the caller then calls skip()). */
char *t_shared(const char *rel);

/* Like t_shared, but prints why and skips the test when absent. */
#define T_SHARED_OR_SKIP(var, rel)                                             \
	do {                                                                   \
		(var) = t_shared(rel);                                         \
		if (!(var)) {                                                  \
			print_message("skipped: ../shared/%s is absent\n",     \
			              (rel));                                  \
			skip();                                                \
		}                                                              \
	} while (0)

/* A fresh private temporary folder (removed by t_tmpdir_free). */
char *t_tmpdir(void);
void t_tmpdir_free(char *dir);

/* Runs argv (argv[0] is a path) with stdin from /dev/null, capturing
 * stdout and stderr into malloc'ed strings (either pointer may be NULL).
 * Returns the exit status, or -1 if it did not exit normally. */
int t_run(char *const argv[], char **out, char **err);

/* SHA-256 over every file's path and contents and every entry's type
 * under dir (sorted, not following symlinks), as 64 hex chars. */
void t_tree_hash(const char *dir, char out[65]);

/* Reads a whole file (malloc'ed, NUL-terminated) or NULL. */
char *t_slurp(const char *path, size_t *len);

/* Whether `haystack` contains `needle`. */
int t_contains(const char *haystack, const char *needle);

#endif
