/* libFuzzer target: reading a results file back one record at a time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "formats/jsonseq.h"

static int count(void *ctx, const json_t *record)
{
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/th-fuzz-jsonseq-XXXXXX";
	struct th_err err = {0};
	size_t n = 0;
	int fd = mkstemp(path);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size)
		th_jsonseq_each(path, count, &n, &err);
	close(fd);
	unlink(path);
	return 0;
}
