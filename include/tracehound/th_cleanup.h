/*
 * Private temporary folders (decrypted files, copies of SQLite databases
 * with a -wal) are registered while they exist, so a program can remove
 * them when it is interrupted. The library installs no signal handler:
 * the caller does (the tracehound CLI waits for SIGINT/SIGTERM/SIGHUP on
 * a thread of its own and calls this there).
 */
#ifndef TH_CLEANUP_H
#define TH_CLEANUP_H

/*
 * Removes every registered temporary folder with its contents and
 * refuses new ones from then on (th_tmpdir_new fails): call it only on
 * the way out. Thread-safe; not async-signal-safe (call it from a normal
 * thread, e.g. one in sigwait(3)). Returns the number of folders removed.
 */
int th_cleanup_temp(void);

#endif
