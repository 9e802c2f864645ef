/*
 * The indicator engine's storage: a string arena (pointers into it stay
 * valid until the arena is freed) and an open-addressing hash map keyed by
 * (tag, bytes). The map never copies keys: a key must live as long as the
 * map (in an arena, or in a JSON tree that outlives a per-file map).
 */
#ifndef TH_IOCS_HMAP_H
#define TH_IOCS_HMAP_H

#include <stddef.h>
#include <stdint.h>
#include <tracehound/th_status.h>

struct th_arena_block;

struct th_arena {
	struct th_arena_block *head;
};

void th_arena_init(struct th_arena *a);
void th_arena_free(struct th_arena *a);
/* Moves every block of `from` into `to`; `from` is left empty. */
void th_arena_splice(struct th_arena *to, struct th_arena *from);
/* Zeroed, 16-byte aligned memory; NULL when out of memory. */
void *th_arena_alloc(struct th_arena *a, size_t size);
/* A NUL-terminated copy of s[0..len); NULL when out of memory. */
char *th_arena_strndup(struct th_arena *a, const char *s, size_t len);

/* Keys longer than this are never stored (TH_ERR_LIMIT). */
#define TH_HMAP_KEY_MAX ((size_t)1 << 24)

struct th_hmap_slot {
	const char *key; /* NULL: empty slot */
	uint32_t len;
	uint32_t hash;
	void *val;
	unsigned tag;
};

struct th_hmap {
	struct th_hmap_slot *slots;
	size_t mask; /* capacity - 1, capacity a power of two */
	size_t count;
};

void th_hmap_init(struct th_hmap *m);
void th_hmap_free(struct th_hmap *m);

/*
 * The hash of (tag, s[0..len)), computed from the last byte to the first
 * so that a caller walking a string right to left gets the hash of every
 * suffix on the way: th_hmap_hash_step(h, c) prepends byte c to the key
 * hashed so far. Finish with th_hmap_hash_end before a lookup.
 */
static inline uint32_t th_hmap_hash_start(unsigned tag)
{
	return 2166136261u ^ (tag * 0x9e3779b1u);
}

static inline uint32_t th_hmap_hash_step(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

static inline uint32_t th_hmap_hash_end(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

uint32_t th_hmap_hash(unsigned tag, const char *s, size_t len);

/* The value stored under the key, or NULL. `hash` is th_hmap_hash(). */
void *th_hmap_get(const struct th_hmap *m, unsigned tag, const char *s,
                  size_t len, uint32_t hash);

/*
 * Stores val (not NULL) under the key unless the key is present; *old gets
 * the value already there (NULL when val was stored). The key's bytes are
 * not copied. TH_ERR_NOMEM, TH_ERR_LIMIT (key too long, map too big).
 */
enum th_status th_hmap_put(struct th_hmap *m, unsigned tag, const char *s,
                           size_t len, void *val, void **old);

#endif
