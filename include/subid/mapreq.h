/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "subid/idrange.h"
#include "subid/uidmap.h"

/*
 * A uid_map/gid_map request as newuidmap/newgidmap take it on the command
 * line: triplets "ID LOWERID COUNT" (inside ID, ID in the caller's
 * namespace, length).  Pure: parsing, validation against what the kernel
 * accepts, and the grant decision.
 */

/* The kernel refuses a map text of PAGE_SIZE bytes or more; stay below 4096
 * whatever the page size. */
#define MAPREQ_MAX_TEXT 4095

struct map_request {
        size_t n;
        struct idmap_extent e[UIDMAP_MAX_EXTENTS];
};

enum mapreq_rule {
        RULE_OK = 0,
        RULE_ARGC,          /* no triplet, or an incomplete one */
        RULE_NUMBER,        /* not canonical decimal / > 4294967295 */
        RULE_COUNT_ZERO,    /* count 0 */
        RULE_RANGE,         /* ID+COUNT or LOWERID+COUNT passes 4294967294 */
        RULE_TOO_MANY,      /* more than 340 extents */
        RULE_OVERLAP_INSIDE,
        RULE_OVERLAP_LOWER,
        RULE_TOO_LONG,      /* map text would not fit one write */
        RULE_NOT_GRANTED,   /* lower range not the caller's own ID nor inside its grants */
};

struct mapreq_error {
        enum mapreq_rule rule;
        size_t extent;  /* 0-based index of the offending extent */
        size_t other;   /* the extent it overlaps (OVERLAP_*) */
        uint64_t id;    /* NOT_GRANTED: first lower ID outside the grants */
};

const char *mapreq_rule_text(enum mapreq_rule r);

/* argv holds argc strings, 3 per extent.  0 or -EINVAL with *err. */
int mapreq_parse(int argc, char *const *argv, struct map_request *req, struct mapreq_error *err);

/* The text the kernel reads ("%u %u %u\n" per extent).  Returns its length,
 * or -E2BIG (err->rule RULE_TOO_LONG) when it would not fit bufsz or
 * MAPREQ_MAX_TEXT. */
int mapreq_format(const struct map_request *req, char *buf, size_t bufsz, struct mapreq_error *err);

/*
 * Every extent must be either exactly the caller's own ID (count 1), or a
 * lower range entirely inside `granted`.  ID 0 as a lower ID is allowed only
 * when granted contains it (the policy never grants it).  0 or -EPERM.
 */
int mapreq_decide(const struct map_request *req, uint32_t own_id, const struct idset *granted,
                  struct mapreq_error *err);

/* True when the request maps nothing but the caller's own ID. */
int mapreq_only_own(const struct map_request *req, uint32_t own_id);
