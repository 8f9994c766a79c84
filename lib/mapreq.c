/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "subid/mapreq.h"
#include "subid/strutils.h"

const char *mapreq_rule_text(enum mapreq_rule r)
{
        switch (r) {
        case RULE_OK:
                return "ok";
        case RULE_ARGC:
                return "arguments must be one or more triplets ID LOWERID COUNT";
        case RULE_NUMBER:
                return "not a canonical decimal number below 4294967296";
        case RULE_COUNT_ZERO:
                return "count must be at least 1";
        case RULE_RANGE:
                return "range passes 4294967294 (4294967295 is not a valid ID)";
        case RULE_TOO_MANY:
                return "more than 340 extents (the kernel's limit)";
        case RULE_OVERLAP_INSIDE:
                return "ID range overlaps another extent's ID range";
        case RULE_OVERLAP_LOWER:
                return "LOWERID range overlaps another extent's LOWERID range";
        case RULE_TOO_LONG:
                return "map text longer than the kernel accepts in one write";
        case RULE_NOT_GRANTED:
                return "not your own ID and not inside your subordinate ranges";
        }
        return "?";
}

static int fail(struct mapreq_error *err, enum mapreq_rule rule, size_t extent, size_t other)
{
        err->rule = rule;
        err->extent = extent;
        err->other = other;
        err->id = 0;
        return -EINVAL;
}

int mapreq_parse(int argc, char *const *argv, struct map_request *req, struct mapreq_error *err)
{
        req->n = 0;
        memset(err, 0, sizeof(*err));
        if (argc <= 0 || argc % 3 != 0)
                return fail(err, RULE_ARGC, 0, 0);
        if (argc / 3 > UIDMAP_MAX_EXTENTS)
                return fail(err, RULE_TOO_MANY, UIDMAP_MAX_EXTENTS, 0);
        for (int i = 0; i < argc; i += 3) {
                struct idmap_extent e;
                size_t k = (size_t)i / 3;
                if (parse_u32(argv[i], &e.inside) < 0 || parse_u32(argv[i + 1], &e.outside) < 0 ||
                    parse_u32(argv[i + 2], &e.count) < 0)
                        return fail(err, RULE_NUMBER, k, 0);
                if (e.count == 0)
                        return fail(err, RULE_COUNT_ZERO, k, 0);
                if (!idrange_valid(e.inside, e.count) || !idrange_valid(e.outside, e.count))
                        return fail(err, RULE_RANGE, k, 0);
                for (size_t j = 0; j < req->n; j++) {
                        struct idrange a = { req->e[j].inside, req->e[j].count }, b = { e.inside, e.count };
                        struct idrange c = { req->e[j].outside, req->e[j].count }, d = { e.outside, e.count };
                        if (idrange_overlaps(&a, &b))
                                return fail(err, RULE_OVERLAP_INSIDE, k, j);
                        if (idrange_overlaps(&c, &d))
                                return fail(err, RULE_OVERLAP_LOWER, k, j);
                }
                req->e[req->n++] = e;
        }
        return 0;
}

int mapreq_format(const struct map_request *req, char *buf, size_t bufsz, struct mapreq_error *err)
{
        size_t used = 0, limit = bufsz - 1 < MAPREQ_MAX_TEXT ? bufsz - 1 : MAPREQ_MAX_TEXT;

        memset(err, 0, sizeof(*err));
        if (bufsz == 0) {
                fail(err, RULE_TOO_LONG, 0, 0);
                return -E2BIG;
        }
        for (size_t i = 0; i < req->n; i++) {
                int w = snprintf(buf + used, bufsz - used, "%u %u %u\n", req->e[i].inside, req->e[i].outside,
                                 req->e[i].count);
                if (w < 0 || used + (size_t)w > limit) {
                        fail(err, RULE_TOO_LONG, i, 0);
                        return -E2BIG;
                }
                used += (size_t)w;
        }
        buf[used] = '\0';
        return (int)used;
}

int mapreq_decide(const struct map_request *req, uint32_t own_id, const struct idset *granted,
                  struct mapreq_error *err)
{
        memset(err, 0, sizeof(*err));
        for (size_t i = 0; i < req->n; i++) {
                const struct idmap_extent *e = &req->e[i];
                if (e->outside == own_id && e->count == 1)
                        continue;
                if (idset_contains_range(granted, e->outside, e->count))
                        continue;
                fail(err, RULE_NOT_GRANTED, i, 0);
                /* Name the first lower ID that is not covered. */
                err->id = idset_first_missing(granted, e->outside, e->count);
                return -EPERM;
        }
        return 0;
}

int mapreq_only_own(const struct map_request *req, uint32_t own_id)
{
        return req->n == 1 && req->e[0].outside == own_id && req->e[0].count == 1;
}
