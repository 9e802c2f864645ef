/* SQLite evidence cells as JSON values and times (see evdb.h). */
#include <math.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "core/jsonutil.h"
#include "core/timeconv.h"
#include "modules/ios/evdb.h"

/* A blob larger than this is left out of a record (base64 would make a
 * record of hundreds of megabytes from one cell). */
#define BLOB_MAX ((size_t)16 << 20)

static json_t *blob_json(const void *p, size_t n)
{
	unsigned char *out;
	json_t *j;

	if (n > BLOB_MAX)
		return json_null();
	out = malloc(4 * ((n + 2) / 3) + 1);
	if (!out)
		return NULL;
	EVP_EncodeBlock(out, p ? p : (const void *)"", (int)n);
	j = json_string((const char *)out);
	free(out);
	return j;
}

json_t *th_evdb_value(sqlite3_stmt *stmt, int i)
{
	double d;

	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_INTEGER:
		return json_integer((json_int_t)sqlite3_column_int64(stmt, i));
	case SQLITE_FLOAT:
		d = sqlite3_column_double(stmt, i);
		return isfinite(d) ? json_real(d) : json_null();
	case SQLITE_TEXT:
		return th_json_stringn(
		        (const char *)sqlite3_column_text(stmt, i),
		        (size_t)sqlite3_column_bytes(stmt, i));
	case SQLITE_BLOB:
		return blob_json(sqlite3_column_blob(stmt, i),
		                 (size_t)sqlite3_column_bytes(stmt, i));
	default:
		return json_null();
	}
}

json_t *th_evdb_value_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *b;
	int k, n;

	if (sqlite3_column_type(stmt, i) != SQLITE_BLOB)
		return th_evdb_value(stmt, i);
	b = sqlite3_column_blob(stmt, i);
	n = sqlite3_column_bytes(stmt, i);
	for (k = 0; k < n; k++)
		if (b[k] < 0x20 || b[k] == 0x7f)
			return th_evdb_value(stmt, i);
	return th_json_stringn((const char *)b, (size_t)n);
}

enum th_status th_evdb_row_json(sqlite3_stmt *stmt, json_t *rec)
{
	int i, n = sqlite3_column_count(stmt);
	const char *name;
	json_t *v;

	for (i = 0; i < n; i++) {
		name = sqlite3_column_name(stmt, i);
		v = th_evdb_value(stmt, i);
		if (!name || !v) {
			json_decref(v);
			return TH_ERR_NOMEM;
		}
		/* A column name that is not UTF-8 (a crafted schema) cannot
		 * be a JSON key: that column is left out (jansson frees v). */
		th_json_set_new(rec, name, v);
	}
	return TH_OK;
}

int64_t th_evtime_cocoa(double v)
{
	if (!isfinite(v) || v == 0)
		return TH_TIME_NONE;
	/* Seconds since 2001 stay below 1e10 until the year 2318. */
	if (fabs(v) > 1e11)
		v /= 1e9;
	return th_time_from_cocoa(v);
}

int64_t th_evtime_unix_us(int64_t us)
{
	if (us == 0)
		return TH_TIME_NONE;
	/* Through th_time_from_unix for its range checks. */
	return th_time_from_unix((double)(us / 1000000)) == TH_TIME_NONE
	               ? TH_TIME_NONE
	               : us;
}

int64_t th_evdb_cocoa(sqlite3_stmt *stmt, int i)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return TH_TIME_NONE;
	return th_evtime_cocoa(sqlite3_column_double(stmt, i));
}

int64_t th_evdb_webkit(sqlite3_stmt *stmt, int i)
{
	int64_t v = sqlite3_column_int64(stmt, i);

	if (sqlite3_column_type(stmt, i) == SQLITE_NULL || v == 0)
		return TH_TIME_NONE;
	return th_time_from_webkit(v);
}

int64_t th_evdb_unix(sqlite3_stmt *stmt, int i)
{
	double v = sqlite3_column_double(stmt, i);

	if (sqlite3_column_type(stmt, i) == SQLITE_NULL || v == 0)
		return TH_TIME_NONE;
	return th_time_from_unix(v);
}

const char *th_evdb_text(sqlite3_stmt *stmt, int i)
{
	const char *s = (const char *)sqlite3_column_text(stmt, i);

	return s ? s : "";
}
