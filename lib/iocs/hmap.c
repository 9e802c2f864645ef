#include <stdlib.h>
#include <string.h>

#include "iocs/hmap.h"

#define BLOCK_SIZE ((size_t)64 * 1024)
#define ALIGN      16
/* A map never grows past this many slots (2^28, 8 GB of slots). */
#define SLOTS_MAX ((size_t)1 << 28)

struct th_arena_block {
	struct th_arena_block *next;
	size_t used;
	size_t cap;
	_Alignas(ALIGN) unsigned char data[];
};

void th_arena_init(struct th_arena *a)
{
	a->head = NULL;
}

void th_arena_free(struct th_arena *a)
{
	struct th_arena_block *b = a->head, *next;

	while (b) {
		next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

void th_arena_splice(struct th_arena *to, struct th_arena *from)
{
	struct th_arena_block *b = from->head;

	if (!b)
		return;
	while (b->next)
		b = b->next;
	/* The spliced blocks go behind to's head: keep filling the head. */
	if (to->head) {
		b->next = to->head->next;
		to->head->next = from->head;
	} else {
		to->head = from->head;
	}
	from->head = NULL;
}

static struct th_arena_block *block_new(size_t cap)
{
	struct th_arena_block *b = malloc(sizeof(*b) + cap);

	if (!b)
		return NULL;
	b->next = NULL;
	b->used = 0;
	b->cap = cap;
	return b;
}

void *th_arena_alloc(struct th_arena *a, size_t size)
{
	struct th_arena_block *b = a->head;
	size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	if (!b || b->cap - b->used < need) {
		/* A large request gets its own block behind the head, so the
		 * head's free space is not thrown away. */
		b = block_new(need > BLOCK_SIZE / 4 ? need : BLOCK_SIZE);
		if (!b)
			return NULL;
		if (need > BLOCK_SIZE / 4 && a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = b->data + b->used;
	b->used += need;
	memset(p, 0, need);
	return p;
}

char *th_arena_strndup(struct th_arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = th_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void th_hmap_init(struct th_hmap *m)
{
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}

void th_hmap_free(struct th_hmap *m)
{
	free(m->slots);
	th_hmap_init(m);
}

uint32_t th_hmap_hash(unsigned tag, const char *s, size_t len)
{
	uint32_t h = th_hmap_hash_start(tag);

	while (len > 0)
		h = th_hmap_hash_step(h, (unsigned char)s[--len]);
	return th_hmap_hash_end(h);
}

static int slot_is(const struct th_hmap_slot *sl, unsigned tag, const char *s,
                   size_t len, uint32_t hash)
{
	return sl->hash == hash && sl->len == len && sl->tag == tag &&
	       memcmp(sl->key, s, len) == 0;
}

void *th_hmap_get(const struct th_hmap *m, unsigned tag, const char *s,
                  size_t len, uint32_t hash)
{
	size_t i;

	if (!m->slots)
		return NULL;
	for (i = hash & m->mask; m->slots[i].key; i = (i + 1) & m->mask)
		if (slot_is(&m->slots[i], tag, s, len, hash))
			return m->slots[i].val;
	return NULL;
}

static enum th_status grow(struct th_hmap *m)
{
	size_t cap = m->slots ? (m->mask + 1) * 2 : 64, i, j;
	struct th_hmap_slot *slots;

	if (cap > SLOTS_MAX)
		return TH_ERR_LIMIT;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return TH_ERR_NOMEM;
	for (i = 0; m->slots && i <= m->mask; i++) {
		if (!m->slots[i].key)
			continue;
		for (j = m->slots[i].hash & (cap - 1); slots[j].key;
		     j = (j + 1) & (cap - 1))
			;
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->mask = cap - 1;
	return TH_OK;
}

enum th_status th_hmap_put(struct th_hmap *m, unsigned tag, const char *s,
                           size_t len, void *val, void **old)
{
	enum th_status st;
	uint32_t hash;
	size_t i;

	*old = NULL;
	if (len > TH_HMAP_KEY_MAX)
		return TH_ERR_LIMIT;
	hash = th_hmap_hash(tag, s, len);
	/* Keep the load factor at or under one half. */
	if (!m->slots || (m->count + 1) * 2 > m->mask + 1) {
		st = grow(m);
		if (st != TH_OK)
			return st;
	}
	for (i = hash & m->mask; m->slots[i].key; i = (i + 1) & m->mask) {
		if (slot_is(&m->slots[i], tag, s, len, hash)) {
			*old = m->slots[i].val;
			return TH_OK;
		}
	}
	m->slots[i] = (struct th_hmap_slot){.key = s,
	                                    .len = (uint32_t)len,
	                                    .hash = hash,
	                                    .val = val,
	                                    .tag = tag};
	m->count++;
	return TH_OK;
}
