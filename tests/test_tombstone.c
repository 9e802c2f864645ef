/* Tombstones (lib/formats/tombstone.c, tombstone_pb.c): MVT's text and
 * protobuf samples, the bugreport's two, hand-built protobuf messages
 * (zero fields left out, negative int32s, the threads map) and every
 * truncation of the real protobuf. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "formats/tombstone.h"
#include "core/timeconv.h"

#define DATA "fixtures/mvt/android_data/"

static json_t *parse_fixture(const char *rel)
{
	struct th_err err = {0};
	char *path = t_shared(rel), *data;
	size_t len;
	json_t *rec = NULL;

	if (!path)
		return NULL;
	data = t_slurp(path, &len);
	free(path);
	assert_non_null(data);
	assert_int_equal(
	        th_tombstone_parse((unsigned char *)data, len, &rec, &err),
	        TH_OK);
	free(data);
	return rec;
}

#define PARSE_OR_SKIP(var, rel)                                                \
	do {                                                                   \
		(var) = parse_fixture(rel);                                    \
		if (!(var)) {                                                  \
			print_message("skipped: ../shared is absent\n");       \
			skip();                                                \
		}                                                              \
	} while (0)

static json_int_t i_of(const json_t *o, const char *key)
{
	assert_true(json_is_integer(json_object_get(o, key)));
	return json_integer_value(json_object_get(o, key));
}

/* What the text and the protobuf sample (the same crash) both say. */
static void assert_mediatek_crash(const json_t *r)
{
	const json_t *sig = json_object_get(r, "signal_info");

	assert_string_equal(t_str(r, "build_fingerprint"),
	                    "Redmi/rosemary_global/rosemary:12/SP1A.210812.016/"
	                    "V13.0.13.0.SKLMIXM:user/release-keys");
	assert_string_equal(t_str(r, "revision"), "0");
	/* 12:32:40.518290770+0200 */
	assert_string_equal(t_str(r, "timestamp"),
	                    "2023-04-12 10:32:40.518290");
	assert_int_equal(i_of(r, "pid"), 25541);
	assert_int_equal(i_of(r, "tid"), 21307);
	assert_int_equal(i_of(r, "uid"), 1046);
	assert_int_equal(i_of(r, "process_uptime"), 0);
	assert_string_equal(t_str(r, "process_name"), "mtk.ape.decoder");
	assert_string_equal(
	        json_string_value(
	                json_array_get(json_object_get(r, "command_line"), 0)),
	        "/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek");
	assert_string_equal(t_str(sig, "name"), "SIGSEGV");
	assert_string_equal(t_str(sig, "code_name"), "SEGV_MAPERR");
	assert_int_equal(i_of(sig, "code"), 1);
	assert_string_equal(t_str(r, "cause"), "null pointer dereference");
}

static void test_text_fixture(void **state)
{
	json_t *r;

	(void)state;
	PARSE_OR_SKIP(r, DATA "tombstone_process.txt");
	assert_mediatek_crash(r);
	assert_string_equal(t_str(r, "arch"), "arm");
	assert_string_equal(t_str(r, "binary_path"),
	                    "/vendor/bin/hw/android.hardware.media.c2@1.2-"
	                    "mediatek");
	assert_true(json_is_null(json_object_get(r, "abort_message")));
	json_decref(r);
}

static void test_proto_fixture(void **state)
{
	json_t *r;

	(void)state;
	PARSE_OR_SKIP(r, DATA "tombstone_process.pb");
	assert_mediatek_crash(r);
	assert_string_equal(t_str(r, "arch"), "ARM32");
	assert_string_equal(t_str(r, "selinux_label"), "u:r:mtk_hal_c2:s0");
	assert_string_equal(t_str(r, "abort_message"), "");
	json_decref(r);
}

static void test_bugreport_tombstones(void **state)
{
	json_t *r;

	(void)state;
	PARSE_OR_SKIP(r, DATA "bugreport/FS/data/tombstones/tombstone_00");
	assert_int_equal(i_of(r, "uid"), 2000);
	assert_int_equal(i_of(r, "pid"), 9850);
	assert_string_equal(t_str(r, "process_name"), "UsbFfs-worker");
	assert_string_equal(t_str(r, "binary_path"), "/system/bin/adbd");
	assert_string_equal(t_str(r, "timestamp"),
	                    "2021-09-29 15:43:49.000000");
	assert_string_equal(t_str(r, "abort_message"),
	                    "Check failed: payload.size() <= bytes_left "
	                    "(payload.size()=99, bytes_left=51) ");
	assert_int_equal(i_of(json_object_get(r, "signal_info"), "code"), -1);
	assert_int_equal(i_of(json_object_get(r, "signal_info"), "number"), 6);
	json_decref(r);

	PARSE_OR_SKIP(r, DATA "bugreport/FS/data/tombstones/tombstone_01");
	assert_int_equal(i_of(r, "uid"), 1000);
	assert_string_equal(t_str(r, "process_name"), "tzts_daemon");
	/* 23:28:59-0400 */
	assert_string_equal(t_str(r, "timestamp"),
	                    "2023-08-22 03:28:59.000000");
	json_decref(r);
}

static void test_time(void **state)
{
	char out[TH_TIME_STR_MAX];

	(void)state;
	th_time_format(th_tombstone_time("2024-01-01 00:10:00+05:30"), out);
	assert_string_equal(out, "2023-12-31 18:40:00.000000");
	th_time_format(th_tombstone_time("2024-01-01 00:10:00.5-0100"), out);
	assert_string_equal(out, "2024-01-01 01:10:00.500000");
	th_time_format(th_tombstone_time("2024-01-01 00:10:00"), out);
	assert_string_equal(out, "2024-01-01 00:10:00.000000");
	assert_true(th_tombstone_time("yesterday") == TH_TIME_NONE);
	assert_true(th_tombstone_time("2024-01-01 00:10:00+9") != TH_TIME_NONE);
}

/* Field 5 (pid) = 42, 10 (signal) = {3: -1 as a 10-byte varint, 4:
 * "SI_QUEUE"}, 16 (threads) = {1: 7, 2: {1: 7, 2: "evil"}}, 6 (tid) =
 * 7 after the map; uid (7) is absent, so 0 (root). */
static const unsigned char hand_pb[] = {
        0x28, 0x2a, /* pid 42 */
        0x52, 0x0d, /* signal, 13 */
        0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0x01, 0x22, 0x00, /* code_name "" */
        0x82, 0x01, 0x0a,                   /* threads, 10 */
        0x08, 0x07, 0x12, 0x06, 0x08, 0x07, 0x12,
        0x02, 'o',  'k',  0x30, 0x07, /* tid 7 */
};

static void test_hand_built(void **state)
{
	struct th_err err = {0};
	json_t *r = NULL;

	(void)state;
	assert_int_equal(
	        th_tombstone_parse_proto(hand_pb, sizeof(hand_pb), &r, &err),
	        TH_OK);
	assert_int_equal(i_of(r, "pid"), 42);
	assert_int_equal(i_of(r, "uid"), 0);
	assert_int_equal(i_of(json_object_get(r, "signal_info"), "code"), -1);
	assert_string_equal(t_str(r, "process_name"), "ok");
	json_decref(r);
}

static void test_malformed(void **state)
{
	static const unsigned char long_varint[] = {0x28, 0xff, 0xff, 0xff,
	                                            0xff, 0xff, 0xff, 0xff,
	                                            0xff, 0xff, 0xff, 0x01};
	static const unsigned char past_end[] = {0x12, 0x7f, 'a'};
	static const unsigned char group[] = {0x2b, 0x28, 0x01, 0x2c};
	static const unsigned char field0[] = {0x00, 0x01};
	struct th_err err = {0};
	json_t *r = NULL;

	(void)state;
	assert_int_equal(th_tombstone_parse_proto(
	                         long_varint, sizeof(long_varint), &r, &err),
	                 TH_ERR_FORMAT);
	assert_int_equal(
	        th_tombstone_parse_proto(past_end, sizeof(past_end), &r, &err),
	        TH_ERR_FORMAT);
	assert_int_equal(
	        th_tombstone_parse_proto(group, sizeof(group), &r, &err),
	        TH_ERR_FORMAT);
	assert_int_equal(
	        th_tombstone_parse_proto(field0, sizeof(field0), &r, &err),
	        TH_ERR_FORMAT);
	assert_int_equal(
	        th_tombstone_parse((const unsigned char *)"", 0, &r, &err),
	        TH_ERR_FORMAT);
	assert_int_equal(
	        th_tombstone_parse_text("hello\nworld\n", 12, &r, &err),
	        TH_ERR_FORMAT);
	assert_true(t_contains(err.msg, "not a tombstone"));
	assert_null(r);
}

/* Every prefix of the real protobuf parses or fails cleanly. */
static void test_truncations(void **state)
{
	struct th_err err = {0};
	char *path, *data;
	size_t len, n, ok = 0;
	json_t *r;

	(void)state;
	T_SHARED_OR_SKIP(path, DATA "tombstone_process.pb");
	data = t_slurp(path, &len);
	assert_non_null(data);
	for (n = 0; n < len; n += 1 + n / 64) {
		r = NULL;
		if (th_tombstone_parse_proto((unsigned char *)data, n, &r,
		                             &err) == TH_OK)
			ok++;
		json_decref(r);
	}
	assert_true(ok > 0);
	free(data);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_text_fixture),
	        cmocka_unit_test(test_proto_fixture),
	        cmocka_unit_test(test_bugreport_tombstones),
	        cmocka_unit_test(test_time),
	        cmocka_unit_test(test_hand_built),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
