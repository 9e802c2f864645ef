/*
 * iOS shutdown.log (shared reference/ios.md 5): blocks of "After X.XXs,
 * these clients are still here:" headers and "remaining client pid: N
 * (<path>)" lines, each block ending at "SIGTERM: [<unix seconds>]".
 * The parser is a pure function over bytes, with bounded line and block
 * sizes, so it is fuzzed alone.
 */
#ifndef TH_FORMATS_SHUTDOWN_LOG_H
#define TH_FORMATS_SHUTDOWN_LOG_H

#include <stddef.h>
#include <stdint.h>

#define TH_SHUTDOWN_CLIENTS_MAX 4096 /* clients kept per block */
#define TH_SHUTDOWN_PATH_MAX    1024

struct th_shutdown_client {
	long pid; /* -1 when unreadable */
	char path[TH_SHUTDOWN_PATH_MAX];
	double delay;      /* seconds of delays before it was listed */
	int times_delayed; /* "still here" headers before it */
};

/* One reboot: the clients still running when SIGTERM was sent. */
struct th_shutdown_block {
	int64_t time; /* µs UTC of the SIGTERM, TH_TIME_NONE if unreadable */
	int delays;   /* "still here" headers in the block */
	size_t nclients;
	const struct th_shutdown_client *clients;
	size_t dropped; /* clients past TH_SHUTDOWN_CLIENTS_MAX */
};

/* Return nonzero to stop. */
typedef int (*th_shutdown_fn)(void *ctx, const struct th_shutdown_block *b);

/*
 * Calls fn for each block ended by a SIGTERM line; clients after the
 * last SIGTERM (an unfinished block) are not reported; clients past
 * TH_SHUTDOWN_CLIENTS_MAX in a block are counted in `dropped`. Returns
 * the number of blocks, or -1 when memory ran out (the parse stops
 * there: the blocks reported before stand, the rest are unread).
 */
long th_shutdown_parse(const char *text, size_t len, th_shutdown_fn fn,
                       void *ctx);

/* The process name of a client path: its last component, skipping a
 * trailing UUID component (iOS 26). Writes into out (cap bytes). */
void th_shutdown_process(const char *path, char *out, size_t cap);

#endif
