/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers used everywhere: allocation that cannot fail (a CLI has no way
 * to recover from OOM, so these abort with a message, as git's xmalloc and
 * htop's xMalloc do), array sizes, string predicates and strict number parsing.
 */
#ifndef SCX_COMMON_UTIL_H
#define SCX_COMMON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noreturn __attribute__((noreturn))
#define __unused __attribute__((unused))

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#endif

/* All return non-NULL or abort with "out of memory". */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grow *ptr (of *alloc elements of elem_size) to hold at least need elements. */
void xgrow(void **ptr, size_t *alloc, size_t need, size_t elem_size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __printf(1, 2);

__noreturn void die_oom(void);

bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
/* True for a non-empty string of ASCII digits only (a /proc pid entry). */
bool str_is_digits(const char *s);

/*
 * Strict decimal parsing: the whole string must be a number in [min, max].
 * Returns 0, -EINVAL (not a number) or -ERANGE (out of range).
 */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Monotonic and boot-time clocks in nanoseconds. */
uint64_t now_mono_ns(void);
uint64_t now_boot_ns(void);

#endif
