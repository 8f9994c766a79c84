/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "subid/idrange.h"

bool idrange_valid(uint64_t start, uint64_t count)
{
        /* start and count are each < 2^64 / 2 in any caller, but check the
         * sum without relying on that. */
        if (count == 0 || start >= ID_LIMIT || count > ID_LIMIT)
                return false;
        return start + count <= ID_LIMIT;
}

bool idrange_overlaps(const struct idrange *a, const struct idrange *b)
{
        return a->start < idrange_end(b) && b->start < idrange_end(a);
}

bool idrange_contains(const struct idrange *r, uint64_t id)
{
        return id >= r->start && id < idrange_end(r);
}

void idset_init(struct idset *s)
{
        s->n = 0;
}

int idset_append(struct idset *s, uint64_t start, uint64_t count)
{
        if (!idrange_valid(start, count))
                return -EINVAL;
        if (s->n >= IDSET_MAX)
                return -E2BIG;
        s->r[s->n].start = start;
        s->r[s->n].count = count;
        s->n++;
        return 0;
}

static int cmp_range(const void *a, const void *b)
{
        const struct idrange *x = a, *y = b;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->count != y->count)
                return x->count < y->count ? -1 : 1;
        return 0;
}

void idset_normalize(struct idset *s)
{
        size_t o = 0;

        if (s->n == 0)
                return;
        qsort(s->r, s->n, sizeof(s->r[0]), cmp_range);
        for (size_t i = 1; i < s->n; i++) {
                uint64_t end = idrange_end(&s->r[o]);
                if (s->r[i].start <= end) {
                        uint64_t e2 = idrange_end(&s->r[i]);
                        if (e2 > end)
                                s->r[o].count = e2 - s->r[o].start;
                } else {
                        s->r[++o] = s->r[i];
                }
        }
        s->n = o + 1;
}

bool idset_contains(const struct idset *s, uint64_t id)
{
        for (size_t i = 0; i < s->n; i++)
                if (idrange_contains(&s->r[i], id))
                        return true;
        return false;
}

bool idset_contains_range(const struct idset *s, uint64_t start, uint64_t count)
{
        uint64_t pos = start, end;

        if (!idrange_valid(start, count))
                return false;
        end = start + count;
        /* Advance pos through any range covering it; s may be unsorted, so
         * rescan after each step (n is small and every step moves pos). */
        for (;;) {
                bool moved = false;
                for (size_t i = 0; i < s->n && pos < end; i++) {
                        if (idrange_contains(&s->r[i], pos)) {
                                pos = idrange_end(&s->r[i]);
                                moved = true;
                        }
                }
                if (pos >= end)
                        return true;
                if (!moved)
                        return false;
        }
}

uint64_t idset_first_missing(const struct idset *s, uint64_t start, uint64_t count)
{
        uint64_t pos = start, end = start + count;
        bool moved = true;

        while (pos < end && moved) {
                moved = false;
                for (size_t i = 0; i < s->n && pos < end; i++) {
                        if (idrange_contains(&s->r[i], pos)) {
                                pos = idrange_end(&s->r[i]);
                                moved = true;
                        }
                }
        }
        return pos < end ? pos : end;
}

int idset_subtract(struct idset *s, uint64_t start, uint64_t count)
{
        struct idrange cut = { start, count };
        uint64_t cend;

        if (count == 0)
                return 0;
        if (start >= ID_LIMIT)
                return 0;
        if (count > ID_LIMIT - start)
                cut.count = ID_LIMIT - start;
        cend = idrange_end(&cut);

        for (size_t i = 0; i < s->n; i++) {
                struct idrange *r = &s->r[i];
                uint64_t rend = idrange_end(r);
                if (!idrange_overlaps(r, &cut))
                        continue;
                bool left = r->start < cut.start, right = rend > cend;
                if (left && right) {
                        if (s->n >= IDSET_MAX)
                                return -E2BIG;
                        memmove(&s->r[i + 2], &s->r[i + 1], (s->n - i - 1) * sizeof(*r));
                        s->r[i + 1].start = cend;
                        s->r[i + 1].count = rend - cend;
                        r->count = cut.start - r->start;
                        s->n++;
                        i++;
                } else if (left) {
                        r->count = cut.start - r->start;
                } else if (right) {
                        r->start = cend;
                        r->count = rend - cend;
                } else {
                        memmove(r, r + 1, (s->n - i - 1) * sizeof(*r));
                        s->n--;
                        i--;
                }
        }
        return 0;
}

int idset_subtract_set(struct idset *s, const struct idset *t)
{
        for (size_t i = 0; i < t->n; i++) {
                int r = idset_subtract(s, t->r[i].start, t->r[i].count);
                if (r < 0)
                        return r;
        }
        return 0;
}

int idset_intersect(const struct idset *a, const struct idset *b, struct idset *out)
{
        idset_init(out);
        for (size_t i = 0; i < a->n; i++) {
                for (size_t j = 0; j < b->n; j++) {
                        uint64_t lo = a->r[i].start > b->r[j].start ? a->r[i].start : b->r[j].start;
                        uint64_t ea = idrange_end(&a->r[i]), eb = idrange_end(&b->r[j]);
                        uint64_t hi = ea < eb ? ea : eb;
                        if (lo < hi) {
                                int r = idset_append(out, lo, hi - lo);
                                if (r < 0)
                                        return r;
                        }
                }
        }
        idset_normalize(out);
        return 0;
}

uint64_t idset_total(const struct idset *s)
{
        uint64_t t = 0;
        for (size_t i = 0; i < s->n; i++)
                t += s->r[i].count;
        return t;
}

int idset_offset_of(const struct idset *s, uint64_t id, uint64_t *offset)
{
        uint64_t base = 0;
        for (size_t i = 0; i < s->n; i++) {
                if (idrange_contains(&s->r[i], id)) {
                        *offset = base + (id - s->r[i].start);
                        return 0;
                }
                base += s->r[i].count;
        }
        return -ENOENT;
}

int idset_id_at(const struct idset *s, uint64_t offset, uint64_t *id)
{
        for (size_t i = 0; i < s->n; i++) {
                if (offset < s->r[i].count) {
                        *id = s->r[i].start + offset;
                        return 0;
                }
                offset -= s->r[i].count;
        }
        return -ENOENT;
}
