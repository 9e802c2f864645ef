/* Shared pieces of th-bench: clocks, child runs, verdicts. */
#ifndef TH_BENCH_H
#define TH_BENCH_H

/* Monotonic seconds. */
double th_bench_now(void);

/* "ok" or "MISSED". */
const char *th_bench_verdict(int ok);

/* Runs argv with stdout and stderr to `log`; its wall time and peak
 * resident memory (KiB). Returns its exit status, or -1. */
int th_bench_child(char *const argv[], const char *log, double *wall,
                   long *maxrss_kb);

/* Prints the first 64 KiB of a child's log to stderr. */
void th_bench_show_log(const char *log);

/* The areas of the benchmark, one file each: the large iOS backup, the
 * 2 GiB sysdiagnose and 500,000-file dump, the large androidqf
 * acquisition, and key derivation with decrypt-backup throughput. */
int th_bench_ios(const char *binary);
int th_bench_fs(const char *binary);
int th_bench_android(const char *binary);
int th_bench_crypto(void);

#endif
