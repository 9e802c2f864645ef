#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "core/fsutil.h"

double th_bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *th_bench_verdict(int ok)
{
	return ok ? "ok" : "MISSED";
}

int th_bench_child(char *const argv[], const char *log, double *wall,
                   long *maxrss_kb)
{
	struct rusage ru;
	double t0 = th_bench_now();
	int status = 0, fd;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return -1;
	*wall = th_bench_now() - t0;
	*maxrss_kb = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void th_bench_show_log(const char *log)
{
	char *data = NULL;
	size_t len = 0;

	if (th_read_file(log, 1 << 16, &data, &len, NULL) == TH_OK)
		fprintf(stderr, "%s", data);
	free(data);
}
