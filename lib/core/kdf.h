/*
 * PBKDF2 at the speed of the hash: the HMAC key's inner and outer states
 * are computed once, so each iteration costs exactly two compression
 * function calls (a generic PBKDF2 rehashes the key every time). Used for
 * iOS backup keys (shared reference/ios.md 1, step 2).
 */
#ifndef TH_CORE_KDF_H
#define TH_CORE_KDF_H

#include <stddef.h>
#include <stdint.h>
#include <tracehound/th_status.h>

/* Iteration counts above this are refused (TH_ERR_LIMIT): a hostile
 * keybag must not make a run spin for days. */
#define TH_KDF_ITER_MAX 100000000u

/* PBKDF2-HMAC-SHA256 / -SHA1 (RFC 8018). `out_len` is at most 1024 and
 * `iter` at least 1. TH_ERR_USAGE on bad sizes, TH_ERR_LIMIT on a count
 * above TH_KDF_ITER_MAX, TH_ERR_CRYPTO if the hash fails. Temporary key
 * material is wiped before returning. */
enum th_status th_pbkdf2_sha256(const void *pw, size_t pw_len, const void *salt,
                                size_t salt_len, uint32_t iter, uint8_t *out,
                                size_t out_len);
enum th_status th_pbkdf2_sha1(const void *pw, size_t pw_len, const void *salt,
                              size_t salt_len, uint32_t iter, uint8_t *out,
                              size_t out_len);

/* Runs `n` bare SHA-256 compressions on one block: the floor the
 * benchmark compares the derivation with. Returns a byte of the state so
 * the work cannot be optimised away. */
unsigned th_sha256_compress_n(uint64_t n);

#endif
