#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/jsonutil.h"
#include "report/report.h"
#include "core/pool.h"
#include "core/timeconv.h"

#define HASH_CHUNK (1u << 20)

enum th_status th_sha256_file(const char *path, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE], *buf;
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx;
	ssize_t n = 0;
	int fd, ok;

	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return TH_ERR_IO;
	buf = malloc(HASH_CHUNK);
	ctx = EVP_MD_CTX_new();
	ok = buf && ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while (ok && (n = read(fd, buf, HASH_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && EVP_DigestUpdate(ctx, buf, (size_t)n);
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	free(buf);
	close(fd);
	if (!ok)
		return TH_ERR_IO;
	for (i = 0; i < mdlen && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return TH_OK;
}

struct hash_job {
	const char *const *paths;
	char (*digests)[65];
};

static void hash_one(void *ctx, size_t i)
{
	struct hash_job *job = ctx;

	if (th_sha256_file(job->paths[i], job->digests[i]) != TH_OK)
		job->digests[i][0] = '\0';
}

static json_t *hashes_json(const struct th_info *info)
{
	struct hash_job job = {info->inputs, NULL};
	json_t *list = json_array(), *o;
	size_t i;

	job.digests = calloc(info->ninputs ? info->ninputs : 1, 65);
	if (!job.digests) {
		json_decref(list);
		return NULL; /* counted by the caller's th_json_set_new */
	}
	th_pool_for(info->jobs, info->ninputs, hash_one, &job);
	for (i = 0; i < info->ninputs; i++) {
		o = json_object();
		th_json_set_new(o, "file_path",
		                th_json_string(info->inputs[i]));
		th_json_set_new(o, "sha256",
		                job.digests[i][0] ? json_string(job.digests[i])
		                                  : json_null());
		th_json_append_new(list, o);
	}
	free(job.digests);
	return list;
}

static json_t *ioc_files_json(const struct th_iocs *iocs)
{
	json_t *list = json_array();
	size_t i, n = iocs ? th_iocs_nfiles(iocs) : 0;

	for (i = 0; i < n; i++)
		th_json_append_new(list,
		                   th_json_string(th_iocs_file(iocs, i)->path));
	return list;
}

enum th_status th_info_write(const struct th_info *info, const char *path,
                             struct th_err *err)
{
	char when[TH_TIME_STR_MAX];
	json_t *o = json_object();
	unsigned long lost = th_json_nomem_count();
	enum th_status st;

	if (!o)
		return th_err_set(err, TH_ERR_NOMEM, "cannot write '%s': %s",
		                  path, "out of memory");
	th_time_format(info->started, when);
	/* Paths and the command line may not be UTF-8: mended, not lost. */
	th_json_set_new(o, "target_path", th_json_string(info->target));
	th_json_set_new(o, "source", th_json_string(info->source));
	th_json_set_new(o, "tool", json_string("tracehound"));
	th_json_set_new(o, "version", json_string(th_version()));
	th_json_set_new(o, "date", json_string(when));
	th_json_set_new(
	        o, "command",
	        th_json_string(info->command_line ? info->command_line : ""));
	th_json_set_new(o, "ioc_files", ioc_files_json(info->iocs));
	if (info->hashes)
		th_json_set_new(o, "hashes", hashes_json(info));
	/* A key lost for want of memory: no info.json that looks whole. */
	if (th_json_nomem_count() != lost)
		st = th_err_set(err, TH_ERR_NOMEM, "cannot write '%s': %s",
		                path, "out of memory");
	else
		st = th_json_write_file(o, path, err);
	json_decref(o);
	return st;
}
