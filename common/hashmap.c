// SPDX-License-Identifier: GPL-2.0
#include "common/hashmap.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

enum { SLOT_EMPTY = 0, SLOT_FULL = 1, SLOT_DELETED = 2 };

uint64_t hash_u64(uint64_t x)
{
	/* splitmix64 finalizer */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

uint64_t hash_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull ^ len;
	uint64_t w;

	/* 8 bytes at a time, mixed with the splitmix finalizer (fast enough for comms/paths). */
	while (len >= 8) {
		memcpy(&w, p, 8);
		h = hash_u64(h ^ w);
		p += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, p, len);
	return hash_u64(h ^ w ^ ((uint64_t)len << 56));
}

void u64map_init(struct u64map *m)
{
	memset(m, 0, sizeof(*m));
}

void u64map_release(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->ctrl);
	u64map_init(m);
}

static size_t u64map_find(const struct u64map *m, uint64_t key, bool *found)
{
	size_t mask = m->cap - 1, i = hash_u64(key) & mask, tomb = SIZE_MAX;

	for (;;) {
		uint8_t c = m->ctrl[i];

		if (c == SLOT_EMPTY) {
			*found = false;
			return tomb != SIZE_MAX ? tomb : i;
		}
		if (c == SLOT_FULL && m->keys[i] == key) {
			*found = true;
			return i;
		}
		if (c == SLOT_DELETED && tomb == SIZE_MAX)
			tomb = i;
		i = (i + 1) & mask;
	}
}

static void u64map_resize(struct u64map *m, size_t cap)
{
	struct u64map n = {
		.keys = xmalloc(cap * sizeof(uint64_t)),
		.vals = xmalloc(cap * sizeof(uint64_t)),
		.ctrl = xcalloc(cap, 1),
		.cap = cap,
	};

	for (size_t i = 0; i < m->cap; i++) {
		bool found;
		size_t j;

		if (m->ctrl[i] != SLOT_FULL)
			continue;
		j = u64map_find(&n, m->keys[i], &found);
		n.keys[j] = m->keys[i];
		n.vals[j] = m->vals[i];
		n.ctrl[j] = SLOT_FULL;
		n.len++;
	}
	n.used = n.len;
	u64map_release(m);
	*m = n;
}

uint64_t *u64map_get(const struct u64map *m, uint64_t key)
{
	bool found;
	size_t i;

	if (!m->len)
		return NULL;
	i = u64map_find(m, key, &found);
	return found ? &m->vals[i] : NULL;
}

uint64_t *u64map_upsert(struct u64map *m, uint64_t key, bool *created)
{
	bool found;
	size_t i;

	if ((m->used + 1) * 4 > m->cap * 3)
		u64map_resize(m, m->cap ? (m->len * 2 >= m->cap ? m->cap * 2 : m->cap) : 16);
	i = u64map_find(m, key, &found);
	if (created)
		*created = !found;
	if (!found) {
		if (m->ctrl[i] == SLOT_EMPTY)
			m->used++;
		m->ctrl[i] = SLOT_FULL;
		m->keys[i] = key;
		m->vals[i] = 0;
		m->len++;
	}
	return &m->vals[i];
}

bool u64map_del(struct u64map *m, uint64_t key)
{
	bool found;
	size_t i;

	if (!m->len)
		return false;
	i = u64map_find(m, key, &found);
	if (!found)
		return false;
	m->ctrl[i] = SLOT_DELETED;
	m->len--;
	return true;
}

bool u64map_next(const struct u64map *m, size_t *it, uint64_t *key, uint64_t **val)
{
	for (; *it < m->cap; (*it)++) {
		if (m->ctrl[*it] == SLOT_FULL) {
			*key = m->keys[*it];
			*val = &m->vals[*it];
			(*it)++;
			return true;
		}
	}
	return false;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	strmap_init(m);
}

static size_t strmap_find(const struct strmap *m, const char *key, size_t len, uint64_t h,
			  bool *found)
{
	size_t mask = m->cap - 1, i = h & mask;

	for (;;) {
		const struct strmap_entry *e = &m->slots[i];

		if (!e->key) {
			*found = false;
			return i;
		}
		if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static void strmap_resize(struct strmap *m, size_t cap)
{
	struct strmap_entry *old = m->slots;
	size_t old_cap = m->cap;

	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		bool found;

		if (!old[i].key)
			continue;
		m->slots[strmap_find(m, old[i].key, old[i].len, old[i].hash, &found)] = old[i];
	}
	free(old);
}

uint64_t *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	bool found;
	size_t i;

	if (!m->len)
		return NULL;
	i = strmap_find(m, key, len, hash_bytes(key, len), &found);
	return found ? &m->slots[i].val : NULL;
}

uint64_t *strmap_upsert(struct strmap *m, const char *key, size_t len, bool *created)
{
	uint64_t h = hash_bytes(key, len);
	bool found;
	size_t i;

	if ((m->len + 1) * 4 > m->cap * 3)
		strmap_resize(m, m->cap ? m->cap * 2 : 16);
	i = strmap_find(m, key, len, h, &found);
	if (created)
		*created = !found;
	if (!found) {
		struct strmap_entry *e = &m->slots[i];

		e->key = xmalloc(len + 1);
		memcpy(e->key, key, len);
		e->key[len] = '\0';
		e->len = len;
		e->hash = h;
		e->val = 0;
		m->len++;
	}
	return &m->slots[i].val;
}

bool strmap_next(const struct strmap *m, size_t *it, const char **key, size_t *len,
		 uint64_t **val)
{
	for (; *it < m->cap; (*it)++) {
		struct strmap_entry *e = &m->slots[*it];

		if (e->key) {
			*key = e->key;
			*len = e->len;
			*val = &e->val;
			(*it)++;
			return true;
		}
	}
	return false;
}
