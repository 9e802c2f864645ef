#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "report/report.h"
#include "core/fsutil.h"

#define JSON_FLAGS (JSON_INDENT(4) | JSON_PRESERVE_ORDER)
#define IOV_BATCH  1024 /* iovecs a writev call (POSIX's IOV_MAX) */

void th_records_init(struct th_records_out *o, const char *dir,
                     const char *slug, int object)
{
	struct th_buf name;

	memset(o, 0, sizeof(*o));
	o->object = object;
	th_buf_init(&o->out, (size_t)1 << 30);
	if (!dir)
		return;
	th_buf_init(&name, 4096);
	if (th_buf_printf(&name, "%s.json", slug) == TH_OK)
		o->path = th_path_join(dir, th_buf_str(&name));
	o->nomem = !o->path;
	th_buf_free(&name);
}

static enum th_status open_out(struct th_records_out *o, struct th_err *err)
{
	o->f = fopen(o->path, "w");
	if (!o->f)
		return th_err_errno(err, errno, "cannot write '%s'", o->path);
	if (!o->object)
		fputs("[\n", o->f);
	return TH_OK;
}

/* Counts a record and opens the file or writes the separator. */
static enum th_status next_record(struct th_records_out *o, struct th_err *err)
{
	o->count++;
	if (o->nomem)
		return th_err_set(err, TH_ERR_NOMEM,
		                  "cannot write records: out of memory");
	if (!o->path)
		return TH_OK;
	if (!o->f)
		return open_out(o, err);
	if (!o->object)
		fputs(",\n", o->f);
	return TH_OK;
}

enum th_status th_records_write(struct th_records_out *o, const json_t *rec,
                                struct th_err *err)
{
	enum th_status st = next_record(o, err);

	if (st != TH_OK || !o->path)
		return st;
	/* One buffer and one fwrite a record: jansson's dumpf writes token
	 * by token, several times slower on large modules. */
	th_buf_reset(&o->out);
	st = th_json_append(&o->out, rec);
	if (st != TH_OK)
		return th_err_set(err, st, "cannot write '%s': %s", o->path,
		                  th_status_str(st));
	if (fwrite(o->out.data, 1, o->out.len, o->f) != o->out.len)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s'", o->path);
	return TH_OK;
}

/* writev until everything is out; iov is consumed. */
static int write_iov(int fd, struct iovec *iov, int cnt)
{
	ssize_t n;

	while (cnt > 0) {
		n = writev(fd, iov, cnt);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

enum th_status th_records_write_texts(struct th_records_out *o,
                                      const struct iovec *recs, size_t n,
                                      struct th_err *err)
{
	static char sep[] = ",\n";
	struct iovec iov[IOV_BATCH];
	int first = 0, cnt;
	enum th_status st;
	size_t i = 0;

	o->count += n;
	if (o->nomem)
		return th_err_set(err, TH_ERR_NOMEM,
		                  "cannot write records: out of memory");
	if (!o->path || n == 0)
		return TH_OK;
	if (!o->f) { /* the file's first record: no separator before it */
		st = open_out(o, err);
		if (st != TH_OK)
			return st;
		first = 1;
	}
	/* What stdio holds ("[\n", a separator) goes first; the records
	 * then go straight from the caller's memory, with no copy. */
	if (fflush(o->f) != 0)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s'", o->path);
	while (i < n) {
		for (cnt = 0; i < n && cnt + 2 <= IOV_BATCH; i++) {
			if (!o->object && !(first && i == 0))
				iov[cnt++] = (struct iovec){sep, 2};
			iov[cnt++] = recs[i];
		}
		if (write_iov(fileno(o->f), iov, cnt) != 0)
			return th_err_set(err, TH_ERR_IO, "cannot write '%s'",
			                  o->path);
	}
	return TH_OK;
}

enum th_status th_records_close(struct th_records_out *o, struct th_err *err)
{
	enum th_status st = TH_OK;

	if (o->f) {
		if (!o->object)
			fputs("\n]", o->f);
		fputc('\n', o->f);
		if (fclose(o->f) != 0)
			st = th_err_errno(err, errno, "cannot write '%s'",
			                  o->path);
		o->f = NULL;
	}
	free(o->path);
	o->path = NULL;
	th_buf_free(&o->out);
	return st;
}

enum th_status th_json_write_file(const json_t *value, const char *path,
                                  struct th_err *err)
{
	FILE *f = fopen(path, "w");
	int bad, nomem;

	if (!f)
		return th_err_errno(err, errno, "cannot write '%s'", path);
	bad = json_dumpf(value, f, JSON_FLAGS) != 0;
	/* json_dumpf fails too when it cannot allocate (sorting keys,
	 * escaping): then the stream itself holds no error. */
	nomem = bad && !ferror(f);
	bad |= fputc('\n', f) == EOF;
	bad |= fclose(f) != 0;
	if (nomem)
		return th_err_set(err, TH_ERR_NOMEM,
		                  "cannot write '%s': out of memory", path);
	if (bad)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s'", path);
	return TH_OK;
}
