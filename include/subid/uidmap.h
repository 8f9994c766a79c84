/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "subid/idrange.h"

/* The kernel accepts at most 340 extents in uid_map/gid_map (since 4.15). */
#define UIDMAP_MAX_EXTENTS 340

struct idmap_extent {
        uint32_t inside;
        uint32_t outside;
        uint32_t count;
};

struct idmap {
        size_t n;
        struct idmap_extent e[UIDMAP_MAX_EXTENTS];
};

/*
 * Parse the text of /proc/PID/uid_map or gid_map as the kernel prints it:
 * lines of three decimal fields separated (and preceded) by spaces, each
 * line ended by '\n' right after the third field.  Fields are strictly
 * decimal (see parse_u32); count is >= 1; inside + count and outside + count
 * must not exceed 2^32 - 1 (the kernel rejects a sum that wraps 32 bits, so
 * "0 0 4294967295" is the largest map and 4294967295 is never mapped); at most
 * 340 lines; the inside ranges must not overlap.  An empty text is a valid
 * empty map (namespace whose map is not yet written).
 * Returns 0, or -EINVAL / -ERANGE / -E2BIG.
 */
int idmap_parse(const char *text, size_t len, struct idmap *out);

/* The set of IDs valid inside the namespace (the "inside" column). */
int idmap_inside_set(const struct idmap *m, struct idset *out);

/* True for the identity map of the whole ID space ("0 0 4294967295"). */
int idmap_is_identity_full(const struct idmap *m);
