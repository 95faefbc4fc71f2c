/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two small open-addressing hash maps (linear probing, power-of-two capacity,
 * load ≤ 0.75), since Debian's libbpf 1.1 exports no hashmap:
 *   u64map: uint64_t key → uint64_t value (store an index or a pointer);
 *   strmap: byte-string key (copied, owned by the map) → uint64_t value.
 * Value pointers returned by get/upsert stay valid until the next insertion.
 * Iterate with: for (size_t it = 0; u64map_next(m, &it, &k, &v);) ...
 */
#ifndef SCX_COMMON_HASHMAP_H
#define SCX_COMMON_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;
	uint64_t *vals;
	uint8_t *ctrl;		/* 0 empty, 1 full, 2 deleted */
	size_t cap, len, used;	/* used = full + deleted */
};

void u64map_init(struct u64map *m);
void u64map_release(struct u64map *m);
uint64_t *u64map_get(const struct u64map *m, uint64_t key);
/* Pointer to key's value, inserting 0 when absent (*created tells which). */
uint64_t *u64map_upsert(struct u64map *m, uint64_t key, bool *created);
bool u64map_del(struct u64map *m, uint64_t key);
bool u64map_next(const struct u64map *m, size_t *it, uint64_t *key, uint64_t **val);

struct strmap_entry {
	char *key;		/* NUL-terminated copy */
	size_t len;
	uint64_t hash;
	uint64_t val;
};

struct strmap {
	struct strmap_entry *slots;	/* key == NULL: empty */
	size_t cap, len;
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
uint64_t *strmap_get(const struct strmap *m, const char *key, size_t len);
uint64_t *strmap_upsert(struct strmap *m, const char *key, size_t len, bool *created);
/* Iterate; *key is borrowed from the map. */
bool strmap_next(const struct strmap *m, size_t *it, const char **key, size_t *len,
		 uint64_t **val);

/* Hashes used by the maps, exposed for callers that shard or cache. */
uint64_t hash_u64(uint64_t x);
uint64_t hash_bytes(const void *data, size_t len);

#endif
