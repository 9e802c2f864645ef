#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "core/fsutil.h"

#define JSON_FLAGS (JSON_INDENT(4) | JSON_PRESERVE_ORDER)

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
	th_buf_free(&name);
}

static enum th_status open_out(struct th_records_out *o, struct th_err *err)
{
	o->f = fopen(o->path, "w");
	if (!o->f)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s",
		                  o->path, strerror(errno));
	if (!o->object)
		fputs("[\n", o->f);
	return TH_OK;
}

enum th_status th_records_write(struct th_records_out *o, const json_t *rec,
                                struct th_err *err)
{
	enum th_status st;

	o->count++;
	if (!o->path)
		return TH_OK;
	if (!o->f) {
		st = open_out(o, err);
		if (st != TH_OK)
			return st;
	} else if (!o->object) {
		fputs(",\n", o->f);
	}
	/* One buffer and one fwrite a record: jansson's dumpf writes token
	 * by token, several times slower on large modules. */
	th_buf_reset(&o->out);
	if (th_json_append(&o->out, rec) != TH_OK ||
	    fwrite(o->out.data, 1, o->out.len, o->f) != o->out.len)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s'", o->path);
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
			st = th_err_set(err, TH_ERR_IO, "cannot write '%s': %s",
			                o->path, strerror(errno));
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
	int bad;

	if (!f)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s': %s", path,
		                  strerror(errno));
	bad = json_dumpf(value, f, JSON_FLAGS) != 0;
	bad |= fputc('\n', f) == EOF;
	bad |= fclose(f) != 0;
	if (bad)
		return th_err_set(err, TH_ERR_IO, "cannot write '%s'", path);
	return TH_OK;
}
