/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * ID ranges.  All arithmetic is 64-bit: a range is [start, start + count)
 * and is valid only when count >= 1 and start + count <= ID_LIMIT, so the
 * ID 4294967295 ((uid_t)-1, "no ID" for setresuid/chown) is never inside a
 * valid range.
 */
#define ID_LIMIT UINT64_C(4294967295)

struct idrange {
        uint64_t start;
        uint64_t count;
};

/*
 * A small ordered set of ranges with a fixed capacity, so that lookups in
 * the NSS module need no heap.  340 is the kernel's limit of extents in one
 * uid_map (since 4.15); subtraction can add at most one range per call.
 */
#define IDSET_MAX 512

struct idset {
        size_t n;
        struct idrange r[IDSET_MAX];
};

bool idrange_valid(uint64_t start, uint64_t count);
static inline uint64_t idrange_end(const struct idrange *r) { return r->start + r->count; }
bool idrange_overlaps(const struct idrange *a, const struct idrange *b);
bool idrange_contains(const struct idrange *r, uint64_t id);

void idset_init(struct idset *s);
/* Append without merging (keeps order).  -EINVAL invalid range, -E2BIG full. */
int idset_append(struct idset *s, uint64_t start, uint64_t count);
/* Sort by start and merge overlapping or adjacent ranges. */
void idset_normalize(struct idset *s);
/* True when every ID of [start, start+count) is in s (s need not be normalized). */
bool idset_contains_range(const struct idset *s, uint64_t start, uint64_t count);
bool idset_contains(const struct idset *s, uint64_t id);
/* First ID of [start, start+count) not in s (jumping over covered runs), or
 * start+count when all are covered. */
uint64_t idset_first_missing(const struct idset *s, uint64_t start, uint64_t count);
/* s := s minus [start, start+count).  Order of the remaining pieces is kept. -E2BIG if it would not fit. */
int idset_subtract(struct idset *s, uint64_t start, uint64_t count);
/* s := s minus every range of t. */
int idset_subtract_set(struct idset *s, const struct idset *t);
/* out := a ∩ b, normalized.  out must not alias a or b. */
int idset_intersect(const struct idset *a, const struct idset *b, struct idset *out);
/* Total number of IDs (at most IDSET_MAX * 2^32, fits in 64 bits). */
uint64_t idset_total(const struct idset *s);

/*
 * Position of an ID in the concatenation of s's ranges, in s's order.
 * This is how subordinate IDs are numbered for their names: the first ID of
 * the first range has offset 0.  Returns -ENOENT if id is not in s.  When s
 * has overlapping ranges the first occurrence counts.
 */
int idset_offset_of(const struct idset *s, uint64_t id, uint64_t *offset);
/* Inverse of idset_offset_of.  -ENOENT when offset is past the end. */
int idset_id_at(const struct idset *s, uint64_t offset, uint64_t *id);
