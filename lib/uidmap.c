/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "subid/strutils.h"
#include "subid/uidmap.h"

/* Read one field: optional run of spaces, then digits up to a space or '\n'. */
static int field(const char **pp, const char *end, uint32_t *out)
{
        const char *p = *pp, *d;
        while (p < end && *p == ' ')
                p++;
        d = p;
        while (p < end && *p != ' ' && *p != '\n')
                p++;
        if (p == d)
                return -EINVAL;
        int r = parse_u32_n(d, (size_t)(p - d), out);
        if (r < 0)
                return r;
        *pp = p;
        return 0;
}

int idmap_parse(const char *text, size_t len, struct idmap *out)
{
        const char *p = text, *end = text + len;

        out->n = 0;
        while (p < end) {
                struct idmap_extent e;
                int r;

                if (out->n >= UIDMAP_MAX_EXTENTS)
                        return -E2BIG;
                if ((r = field(&p, end, &e.inside)) < 0 || (r = field(&p, end, &e.outside)) < 0 ||
                    (r = field(&p, end, &e.count)) < 0)
                        return r;
                if (p >= end || *p != '\n')
                        return -EINVAL;
                p++;
                if (e.count == 0)
                        return -EINVAL;
                /* The kernel allows the count to reach 2^32 from 0 exactly
                 * ("0 0 4294967295" covers 0..4294967294). */
                if ((uint64_t)e.inside + e.count > ID_LIMIT || (uint64_t)e.outside + e.count > ID_LIMIT)
                        return -ERANGE;
                for (size_t i = 0; i < out->n; i++) {
                        struct idrange a = { out->e[i].inside, out->e[i].count }, b = { e.inside, e.count };
                        if (idrange_overlaps(&a, &b))
                                return -EINVAL;
                }
                out->e[out->n++] = e;
        }
        return 0;
}

int idmap_inside_set(const struct idmap *m, struct idset *out)
{
        idset_init(out);
        for (size_t i = 0; i < m->n; i++) {
                int r = idset_append(out, m->e[i].inside, m->e[i].count);
                if (r < 0)
                        return r;
        }
        idset_normalize(out);
        return 0;
}

int idmap_is_identity_full(const struct idmap *m)
{
        return m->n == 1 && m->e[0].inside == 0 && m->e[0].outside == 0 && m->e[0].count == UINT32_MAX;
}
