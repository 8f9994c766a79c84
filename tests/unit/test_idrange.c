/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/idrange.c: idrange_* and idset_*. */
#include <errno.h>

#include "subid/idrange.h"
#include "ut_common.h"

#define L ID_LIMIT
#define U64MAX UINT64_MAX
#define P32 UINT64_C(4294967296)

struct rr {
        uint64_t s, c;
};

static struct idset *new_set(const struct rr *r, size_t n)
{
        struct idset *s = malloc(sizeof(*s));
        assert_non_null(s);
        idset_init(s);
        assert_int_equal(s->n, 0);
        for (size_t i = 0; i < n; i++)
                assert_int_equal(idset_append(s, r[i].s, r[i].c), 0);
        return s;
}

static const char *fmt_set(const struct idset *s)
{
        static char bufs[4][2048];
        static unsigned k;
        char *b = bufs[k++ % 4];
        size_t o = 0;
        o += (size_t)snprintf(b + o, sizeof(bufs[0]) - o, "{");
        for (size_t i = 0; i < s->n && o < sizeof(bufs[0]) - 64; i++)
                o += (size_t)snprintf(b + o, sizeof(bufs[0]) - o, "%s[%llu,+%llu)", i ? " " : "",
                                      (unsigned long long)s->r[i].start, (unsigned long long)s->r[i].count);
        snprintf(b + o, sizeof(bufs[0]) - o, "}");
        return b;
}

static bool set_equals(const struct idset *s, const struct rr *r, size_t n)
{
        if (s->n != n)
                return false;
        for (size_t i = 0; i < n; i++)
                if (s->r[i].start != r[i].s || s->r[i].count != r[i].c)
                        return false;
        return true;
}

/* ---------------------------------------------------------------- idrange */

static void test_idrange_valid(void **state)
{
        (void)state;
        static const struct {
                uint64_t s, c;
                bool ok;
        } rows[] = {
                /* wrap-around in 64 bits */
                { U64MAX, 1, false },
                { U64MAX, 2, false },
                { 1, U64MAX, false },
                { 2, U64MAX, false },
                { U64MAX, U64MAX, false },
                { UINT64_C(1) << 63, UINT64_C(1) << 63, false },
                { (UINT64_C(1) << 63) + 1, (UINT64_C(1) << 63) - 1, false },
                { U64MAX - L + 1, L, false },
                { U64MAX - 5, 10, false },
                /* 2^32 region */
                { P32, 1, false },
                { P32, 0, false },
                { P32 - 1, 1, false },
                { L, 1, false },
                { L, 0, false },
                { 0, P32, false },
                { 0, P32 - 1 + 1, false },
                { 1, L, false },
                { L - 1, 2, false },
                { 2, L - 1, false },
                { UINT64_C(0xffffffff00000000), 1, false },
                { 1, UINT64_C(0xffffffff00000000), false },
                /* count 0 */
                { 0, 0, false },
                { 1, 0, false },
                { 100000, 0, false },
                { L - 1, 0, false },
                /* valid */
                { 0, 1, true },
                { 0, L, true },
                { 1, L - 1, true },
                { L - 1, 1, true },
                { L - 2, 2, true },
                { L - 2, 1, true },
                { 100000, 65536, true },
                { 1000590000, 10000, true },
                { 0, 65536, true },
                { 2147483648u, 2147483647u, true },
                { 2147483648u, 2147483648u, false },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                bool got = idrange_valid(rows[i].s, rows[i].c);
                CHECK(got == rows[i].ok, "idrange_valid(%llu, %llu) = %d, want %d", (unsigned long long)rows[i].s,
                      (unsigned long long)rows[i].c, got, rows[i].ok);
        }
        CHECK_DONE();
}

static void test_idrange_overlaps_contains(void **state)
{
        (void)state;
        static const struct {
                struct idrange a, b;
                bool ov;
        } rows[] = {
                { { 0, 10 }, { 10, 10 }, false },  /* adjacent */
                { { 10, 10 }, { 0, 10 }, false },
                { { 0, 10 }, { 9, 1 }, true },
                { { 9, 1 }, { 0, 10 }, true },
                { { 0, 10 }, { 0, 10 }, true },
                { { 0, 10 }, { 2, 3 }, true },     /* contained */
                { { 2, 3 }, { 0, 10 }, true },
                { { 0, 1 }, { 1, 1 }, false },
                { { 5, 1 }, { 5, 1 }, true },
                { { 0, L }, { L - 1, 1 }, true },
                { { 0, L - 1 }, { L - 1, 1 }, false },
                { { L - 1, 1 }, { 0, L - 1 }, false },
                { { 100000, 65536 }, { 165536, 65536 }, false },
                { { 100000, 65536 }, { 165535, 65536 }, true },
                { { 100000, 65536 }, { 34465, 65536 }, true },
                { { 100000, 65536 }, { 34464, 65536 }, false },
                { { 0, 5 }, { 100, 5 }, false },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                bool got = idrange_overlaps(&rows[i].a, &rows[i].b);
                CHECK(got == rows[i].ov, "idrange_overlaps([%llu,+%llu), [%llu,+%llu)) = %d", (unsigned long long)rows[i].a.start,
                      (unsigned long long)rows[i].a.count, (unsigned long long)rows[i].b.start,
                      (unsigned long long)rows[i].b.count, got);
        }
        static const struct {
                struct idrange r;
                uint64_t id;
                bool in;
        } crows[] = {
                { { 10, 5 }, 9, false },
                { { 10, 5 }, 10, true },
                { { 10, 5 }, 14, true },
                { { 10, 5 }, 15, false },
                { { 10, 5 }, U64MAX, false },
                { { 10, 5 }, 10 + P32, false },
                { { 0, L }, L, false },
                { { 0, L }, L - 1, true },
                { { 0, L }, 0, true },
                { { 0, L }, P32, false },
                { { L - 1, 1 }, L - 1, true },
                { { L - 1, 1 }, L, false },
                { { L - 1, 1 }, L - 2, false },
                { { 100000, 65536 }, 165535, true },
                { { 100000, 65536 }, 165536, false },
                { { 100000, 65536 }, 99999, false },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(crows); i++) {
                bool got = idrange_contains(&crows[i].r, crows[i].id);
                CHECK(got == crows[i].in, "idrange_contains([%llu,+%llu), %llu) = %d", (unsigned long long)crows[i].r.start,
                      (unsigned long long)crows[i].r.count, (unsigned long long)crows[i].id, got);
        }
        struct idrange r = { 7, 3 };
        CHECK(idrange_end(&r) == 10, "idrange_end");
        CHECK_DONE();
}

/* ---------------------------------------------------------------- append */

static void test_idset_append(void **state)
{
        (void)state;
        struct idset *s = new_set(NULL, 0);
        static const struct rr bad[] = {
                { 0, 0 }, { 5, 0 }, { L, 1 }, { L - 1, 2 }, { 0, L + 1 }, { 1, L }, { P32, 1 },
                { U64MAX, 1 }, { 1, U64MAX }, { U64MAX, U64MAX }, { UINT64_C(1) << 63, UINT64_C(1) << 63 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(bad); i++) {
                int ret = idset_append(s, bad[i].s, bad[i].c);
                CHECK(ret == -EINVAL, "idset_append(%llu, %llu) = %d, want -EINVAL", (unsigned long long)bad[i].s,
                      (unsigned long long)bad[i].c, ret);
                CHECK(s->n == 0, "invalid append changed n to %zu", s->n);
        }
        /* keeps order, no merging, duplicates allowed */
        static const struct rr good[] = { { 50, 10 }, { 0, 10 }, { 10, 10 }, { 0, 10 }, { 5, 1 }, { L - 1, 1 }, { 0, L } };
        for (size_t i = 0; i < UT_ARRAY_SIZE(good); i++)
                CHECK(idset_append(s, good[i].s, good[i].c) == 0, "append good %zu", i);
        CHECK(set_equals(s, good, UT_ARRAY_SIZE(good)), "append kept %s", fmt_set(s));
        free(s);

        /* capacity */
        s = new_set(NULL, 0);
        for (size_t i = 0; i < IDSET_MAX; i++) {
                int ret = idset_append(s, i * 10, 5);
                CHECK(ret == 0, "append #%zu = %d", i, ret);
        }
        CHECK(s->n == IDSET_MAX, "n = %zu", s->n);
        int ret = idset_append(s, 100000000, 5);
        CHECK(ret == -E2BIG, "append when full = %d, want -E2BIG", ret);
        CHECK(s->n == IDSET_MAX, "n after full append = %zu", s->n);
        ret = idset_append(s, 0, 0);
        CHECK(ret == -EINVAL || ret == -E2BIG, "invalid append when full = %d", ret);
        CHECK(s->n == IDSET_MAX, "n after full invalid append = %zu", s->n);
        CHECK(s->r[IDSET_MAX - 1].start == (IDSET_MAX - 1) * 10, "last element intact");
        free(s);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- normalize */

struct norm_row {
        const char *what;
        struct rr in[8];
        size_t nin;
        struct rr out[8];
        size_t nout;
};

static const struct norm_row norm_rows[] = {
        { "empty", { { 0 } }, 0, { { 0 } }, 0 },
        { "single", { { 5, 5 } }, 1, { { 5, 5 } }, 1 },
        { "adjacent", { { 0, 10 }, { 10, 10 } }, 2, { { 0, 20 } }, 1 },
        { "adjacent reversed", { { 10, 10 }, { 0, 10 } }, 2, { { 0, 20 } }, 1 },
        { "gap of one", { { 0, 10 }, { 11, 10 } }, 2, { { 0, 10 }, { 11, 10 } }, 2 },
        { "gap reversed", { { 11, 10 }, { 0, 10 } }, 2, { { 0, 10 }, { 11, 10 } }, 2 },
        { "overlap", { { 0, 10 }, { 5, 10 } }, 2, { { 0, 15 } }, 1 },
        { "contained", { { 0, 100 }, { 5, 10 } }, 2, { { 0, 100 } }, 1 },
        { "contained first", { { 5, 10 }, { 0, 100 } }, 2, { { 0, 100 } }, 1 },
        { "duplicates", { { 3, 4 }, { 3, 4 }, { 3, 4 } }, 3, { { 3, 4 } }, 1 },
        { "same start longer later", { { 3, 4 }, { 3, 10 } }, 2, { { 3, 10 } }, 1 },
        { "same start shorter later", { { 3, 10 }, { 3, 4 } }, 2, { { 3, 10 } }, 1 },
        { "chain of adjacent", { { 30, 10 }, { 0, 10 }, { 20, 10 }, { 10, 10 } }, 4, { { 0, 40 } }, 1 },
        { "bridge", { { 0, 10 }, { 20, 10 }, { 9, 12 } }, 3, { { 0, 30 } }, 1 },
        { "big swallows later", { { 0, 10 }, { 20, 5 }, { 40, 5 }, { 1, 100 } }, 4, { { 0, 101 } }, 1 },
        { "first swallows all", { { 0, 1000 }, { 20, 5 }, { 40, 5 }, { 999, 1 } }, 4, { { 0, 1000 } }, 1 },
        { "three disjoint unsorted", { { 50, 1 }, { 10, 1 }, { 30, 1 } }, 3, { { 10, 1 }, { 30, 1 }, { 50, 1 } }, 3 },
        { "top of range", { { L - 1, 1 }, { L - 10, 9 } }, 2, { { L - 10, 10 } }, 1 },
        { "full and pieces", { { 5, 5 }, { 0, L }, { L - 1, 1 } }, 3, { { 0, L } }, 1 },
        { "two halves", { { L / 2, L - L / 2 }, { 0, L / 2 } }, 2, { { 0, L } }, 1 },
        { "near top disjoint", { { L - 1, 1 }, { L - 3, 1 } }, 2, { { L - 3, 1 }, { L - 1, 1 } }, 2 },
        { "zero and one", { { 1, 1 }, { 0, 1 } }, 2, { { 0, 2 } }, 1 },
};

static void test_idset_normalize_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(norm_rows); i++) {
                const struct norm_row *r = &norm_rows[i];
                struct idset *s = new_set(r->in, r->nin);
                idset_normalize(s);
                CHECK(set_equals(s, r->out, r->nout), "normalize %s -> %s", r->what, fmt_set(s));
                /* idempotent */
                idset_normalize(s);
                CHECK(set_equals(s, r->out, r->nout), "normalize twice %s -> %s", r->what, fmt_set(s));
                free(s);
        }
        CHECK_DONE();
}

static void test_idset_normalize_full_capacity(void **state)
{
        (void)state;
        struct idset *s = new_set(NULL, 0);
        /* 512 disjoint ranges in reverse order */
        for (size_t i = 0; i < IDSET_MAX; i++)
                assert_int_equal(idset_append(s, L - 2 - 2 * i, 1), 0);
        idset_normalize(s);
        bool ok = s->n == IDSET_MAX;
        for (size_t i = 0; ok && i < IDSET_MAX; i++)
                ok = s->r[i].start == L - 2 - 2 * (IDSET_MAX - 1) + 2 * i && s->r[i].count == 1;
        CHECK(ok, "512 reversed disjoint: n=%zu", s->n);
        free(s);

        /* 512 adjacent singletons shuffled -> one range */
        s = new_set(NULL, 0);
        size_t perm[IDSET_MAX];
        for (size_t i = 0; i < IDSET_MAX; i++)
                perm[i] = i;
        ut_seed(42);
        for (size_t i = IDSET_MAX - 1; i > 0; i--) {
                size_t j = (size_t)ut_randn(i + 1), t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
        }
        for (size_t i = 0; i < IDSET_MAX; i++)
                assert_int_equal(idset_append(s, 1000 + perm[i], 1), 0);
        idset_normalize(s);
        CHECK(s->n == 1 && s->r[0].start == 1000 && s->r[0].count == IDSET_MAX, "512 shuffled adjacent -> %s", fmt_set(s));
        free(s);

        /* 512 copies of the full range */
        s = new_set(NULL, 0);
        for (size_t i = 0; i < IDSET_MAX; i++)
                assert_int_equal(idset_append(s, 0, L), 0);
        CHECK(idset_total(s) == (uint64_t)IDSET_MAX * L, "total of 512 full ranges = %llu", (unsigned long long)idset_total(s));
        idset_normalize(s);
        CHECK(s->n == 1 && s->r[0].start == 0 && s->r[0].count == L, "512 full -> %s", fmt_set(s));
        free(s);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- contains */

struct cont_row {
        const char *what;
        struct rr set[6];
        size_t n;
        uint64_t s, c;
        bool want;
};

static const struct cont_row cont_rows[] = {
        /* hostile queries */
        { "wrapping query", { { 0, 100 } }, 1, U64MAX, 2, false },
        { "wrapping query 2", { { 0, L } }, 1, U64MAX - 1, 10, false },
        { "query beyond limit", { { 0, L } }, 1, L - 1, 2, false },
        { "query of ID_LIMIT", { { 0, L } }, 1, L, 1, false },
        { "query huge count", { { 0, L } }, 1, 0, U64MAX, false },
        { "query 2^32", { { 0, L } }, 1, P32, 1, false },
        { "empty set", { { 0 } }, 0, 5, 1, false },
        { "empty set zero", { { 0 } }, 0, 0, 1, false },
        /* simple */
        { "exact", { { 10, 10 } }, 1, 10, 10, true },
        { "inside", { { 10, 10 } }, 1, 12, 3, true },
        { "one before", { { 10, 10 } }, 1, 9, 2, false },
        { "one after", { { 10, 10 } }, 1, 19, 2, false },
        { "last id", { { 10, 10 } }, 1, 19, 1, true },
        { "end id", { { 10, 10 } }, 1, 20, 1, false },
        /* spanning several ranges */
        { "adjacent unsorted", { { 10, 10 }, { 0, 10 } }, 2, 5, 10, true },
        { "adjacent unsorted full", { { 10, 10 }, { 0, 10 } }, 2, 0, 20, true },
        { "overlapping unsorted", { { 5, 10 }, { 0, 10 }, { 15, 5 } }, 3, 0, 20, true },
        { "three pieces reversed", { { 20, 10 }, { 10, 10 }, { 0, 10 } }, 3, 1, 28, true },
        { "gap", { { 0, 10 }, { 11, 10 } }, 2, 5, 10, false },
        { "gap of one in middle", { { 0, 10 }, { 11, 10 } }, 2, 0, 21, false },
        { "gap reversed", { { 11, 10 }, { 0, 10 } }, 2, 9, 3, false },
        { "only the gap", { { 0, 10 }, { 11, 10 } }, 2, 10, 1, false },
        { "covers but past end", { { 0, 10 }, { 10, 10 } }, 2, 0, 21, false },
        { "contained twice", { { 0, 10 }, { 0, 10 } }, 2, 0, 10, true },
        { "spans into nested", { { 0, 100 }, { 50, 100 } }, 2, 90, 20, true },
        { "nested does not help", { { 0, 100 }, { 10, 5 } }, 2, 90, 20, false },
        { "top", { { L - 1, 1 }, { L - 10, 9 } }, 2, L - 10, 10, true },
        { "top plus one", { { L - 1, 1 }, { L - 10, 9 } }, 2, L - 10, 11, false },
        { "full space", { { 0, L } }, 1, 0, L, true },
        { "full space + 1", { { 0, L } }, 1, 0, L + 1, false },
        { "two halves", { { L / 2, L - L / 2 }, { 0, L / 2 } }, 2, 0, L, true },
        { "pool", { { 100000, 65536 } }, 1, 100000, 65536, true },
        { "pool+1", { { 100000, 65536 } }, 1, 100000, 65537, false },
        { "pool-1", { { 100000, 65536 } }, 1, 99999, 65536, false },
        { "userns seed", { { 1, 999 }, { 1001, 64535 } }, 2, 1, 1000, false },
        { "userns seed low", { { 1, 999 }, { 1001, 64535 } }, 2, 1, 999, true },
        { "userns seed high", { { 1, 999 }, { 1001, 64535 } }, 2, 1001, 64535, true },
};

static void test_idset_contains_range_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(cont_rows); i++) {
                const struct cont_row *r = &cont_rows[i];
                struct idset *s = new_set(r->set, r->n);
                bool got = idset_contains_range(s, r->s, r->c);
                CHECK(got == r->want, "contains_range %s: %s [%llu,+%llu) = %d", r->what, fmt_set(s), (unsigned long long)r->s,
                      (unsigned long long)r->c, got);
                /* the set is const */
                CHECK(set_equals(s, r->set, r->n), "contains_range modified the set");
                if (r->c == 1 || (r->want && r->c < 1000)) {
                        for (uint64_t k = 0; k < r->c && k < 1000; k++) {
                                bool in = idset_contains(s, r->s + k);
                                if (r->want)
                                        CHECK(in, "idset_contains %s %llu", r->what, (unsigned long long)(r->s + k));
                        }
                        if (r->c == 1)
                                CHECK(idset_contains(s, r->s) == r->want, "idset_contains %s %llu", r->what,
                                      (unsigned long long)r->s);
                }
                free(s);
        }
        /* contains of impossible IDs */
        struct rr full[] = { { 0, L } };
        struct idset *s = new_set(full, 1);
        CHECK(!idset_contains(s, L), "contains ID_LIMIT");
        CHECK(!idset_contains(s, P32), "contains 2^32");
        CHECK(!idset_contains(s, U64MAX), "contains 2^64-1");
        CHECK(idset_contains(s, 0), "contains 0");
        CHECK(idset_contains(s, L - 1), "contains L-1");
        free(s);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- subtract */

struct sub_row {
        const char *what;
        struct rr in[6];
        size_t nin;
        uint64_t s, c;
        struct rr out[8];
        size_t nout;
};

static const struct sub_row sub_rows[] = {
        { "middle", { { 0, 100 } }, 1, 10, 10, { { 0, 10 }, { 20, 80 } }, 2 },
        { "left edge", { { 0, 100 } }, 1, 0, 10, { { 10, 90 } }, 1 },
        { "right edge", { { 0, 100 } }, 1, 90, 10, { { 0, 90 } }, 1 },
        { "whole", { { 0, 100 } }, 1, 0, 100, { { 0 } }, 0 },
        { "superset", { { 10, 100 } }, 1, 0, 1000, { { 0 } }, 0 },
        { "disjoint after", { { 0, 100 } }, 1, 200, 10, { { 0, 100 } }, 1 },
        { "disjoint before", { { 100, 100 } }, 1, 0, 10, { { 100, 100 } }, 1 },
        { "adjacent after", { { 0, 100 } }, 1, 100, 5, { { 0, 100 } }, 1 },
        { "adjacent before", { { 100, 100 } }, 1, 95, 5, { { 100, 100 } }, 1 },
        { "overlap left", { { 100, 100 } }, 1, 95, 10, { { 105, 95 } }, 1 },
        { "overlap right", { { 100, 100 } }, 1, 195, 10, { { 100, 95 } }, 1 },
        { "single id middle", { { 0, 3 } }, 1, 1, 1, { { 0, 1 }, { 2, 1 } }, 2 },
        { "single id range", { { 7, 1 } }, 1, 7, 1, { { 0 } }, 0 },
        { "empty set", { { 0 } }, 0, 0, 10, { { 0 } }, 0 },
        { "order kept", { { 50, 10 }, { 0, 10 }, { 30, 10 } }, 3, 5, 30, { { 50, 10 }, { 0, 5 }, { 35, 5 } }, 3 },
        { "split keeps order", { { 50, 50 }, { 0, 10 } }, 2, 60, 10, { { 50, 10 }, { 70, 30 }, { 0, 10 } }, 3 },
        { "split last keeps order", { { 500, 5 }, { 0, 100 } }, 2, 10, 10, { { 500, 5 }, { 0, 10 }, { 20, 80 } }, 3 },
        { "remove middle range", { { 0, 10 }, { 20, 10 }, { 40, 10 } }, 3, 20, 10, { { 0, 10 }, { 40, 10 } }, 2 },
        { "remove across three", { { 0, 10 }, { 20, 10 }, { 40, 10 } }, 3, 5, 40, { { 0, 5 }, { 45, 5 } }, 2 },
        { "overlapping ranges", { { 0, 100 }, { 50, 100 } }, 2, 60, 10, { { 0, 60 }, { 70, 30 }, { 50, 10 }, { 70, 80 } }, 4 },
        { "remove caller", { { 0, 65536 } }, 1, 1000, 1, { { 0, 1000 }, { 1001, 64535 } }, 2 },
        { "remove 0", { { 0, 65536 } }, 1, 0, 1, { { 1, 65535 } }, 1 },
        { "top id", { { 0, L } }, 1, L - 1, 1, { { 0, L - 1 } }, 1 },
        { "full minus middle", { { 0, L } }, 1, 1000590000, 1, { { 0, 1000590000 }, { 1000590001, L - 1000590001 } }, 2 },
        { "full minus full", { { 0, L } }, 1, 0, L, { { 0 } }, 0 },
        { "dup ranges", { { 5, 5 }, { 5, 5 } }, 2, 6, 1, { { 5, 1 }, { 7, 3 }, { 5, 1 }, { 7, 3 } }, 4 },
};

static void test_idset_subtract_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(sub_rows); i++) {
                const struct sub_row *r = &sub_rows[i];
                struct idset *s = new_set(r->in, r->nin);
                int ret = idset_subtract(s, r->s, r->c);
                CHECK(ret == 0, "subtract %s = %d", r->what, ret);
                CHECK(set_equals(s, r->out, r->nout), "subtract %s [%llu,+%llu) -> %s", r->what, (unsigned long long)r->s,
                      (unsigned long long)r->c, fmt_set(s));
                free(s);
        }
        CHECK_DONE();
}

static void test_idset_subtract_capacity(void **state)
{
        (void)state;
        struct idset *s = new_set(NULL, 0);
        for (size_t i = 0; i < IDSET_MAX; i++)
                assert_int_equal(idset_append(s, i * 100, 10), 0);
        /* trimming edges needs no room */
        int ret = idset_subtract(s, 0, 1);
        CHECK(ret == 0, "trim left when full = %d", ret);
        ret = idset_subtract(s, 109, 1);
        CHECK(ret == 0, "trim right when full = %d", ret);
        ret = idset_subtract(s, 205, 100);
        CHECK(ret == 0, "trim two ranges when full = %d", ret);
        CHECK(s->n == IDSET_MAX, "n = %zu", s->n);
        CHECK(s->r[2].start == 200 && s->r[2].count == 5 && s->r[3].start == 305 && s->r[3].count == 5, "trimmed %s",
              fmt_set(s));
        /* removing whole ranges when full */
        ret = idset_subtract(s, 400, 10);
        CHECK(ret == 0 && s->n == IDSET_MAX - 1, "remove whole range when full = %d, n=%zu", ret, s->n);
        /* now one slot free: a split fits */
        ret = idset_subtract(s, 503, 2);
        CHECK(ret == 0 && s->n == IDSET_MAX, "split with one free slot = %d, n=%zu", ret, s->n);
        /* full: a split does not fit */
        ret = idset_subtract(s, 703, 2);
        CHECK(ret == -E2BIG, "split when full = %d, want -E2BIG", ret);
        free(s);
        CHECK_DONE();
}

static void test_idset_subtract_set(void **state)
{
        (void)state;
        static const struct {
                const char *what;
                struct rr a[4];
                size_t na;
                struct rr b[4];
                size_t nb;
                struct rr out[6];
                size_t nout;
        } rows[] = {
                { "empty minus empty", { { 0 } }, 0, { { 0 } }, 0, { { 0 } }, 0 },
                { "x minus empty", { { 5, 5 } }, 1, { { 0 } }, 0, { { 5, 5 } }, 1 },
                { "empty minus x", { { 0 } }, 0, { { 5, 5 } }, 1, { { 0 } }, 0 },
                { "holes", { { 0, 100 } }, 1, { { 10, 10 }, { 50, 10 } }, 2, { { 0, 10 }, { 20, 30 }, { 60, 40 } }, 3 },
                { "holes unsorted t", { { 0, 100 } }, 1, { { 50, 10 }, { 10, 10 } }, 2, { { 0, 10 }, { 20, 30 }, { 60, 40 } }, 3 },
                { "overlapping t", { { 0, 100 } }, 1, { { 10, 30 }, { 20, 30 } }, 2, { { 0, 10 }, { 50, 50 } }, 2 },
                { "zero and caller", { { 0, 65536 } }, 1, { { 0, 1 }, { 1000, 1 } }, 2, { { 1, 999 }, { 1001, 64535 } }, 2 },
                { "all", { { 0, 10 }, { 20, 10 } }, 2, { { 0, 30 } }, 1, { { 0 } }, 0 },
                { "order kept", { { 50, 10 }, { 0, 10 } }, 2, { { 55, 1 }, { 5, 1 } }, 2,
                  { { 50, 5 }, { 56, 4 }, { 0, 5 }, { 6, 4 } }, 4 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct idset *a = new_set(rows[i].a, rows[i].na);
                struct idset *b = new_set(rows[i].b, rows[i].nb);
                int ret = idset_subtract_set(a, b);
                CHECK(ret == 0, "subtract_set %s = %d", rows[i].what, ret);
                CHECK(set_equals(a, rows[i].out, rows[i].nout), "subtract_set %s -> %s", rows[i].what, fmt_set(a));
                CHECK(set_equals(b, rows[i].b, rows[i].nb), "subtract_set %s modified t", rows[i].what);
                free(a);
                free(b);
        }
        CHECK_DONE();
}

static void test_idset_intersect(void **state)
{
        (void)state;
        static const struct {
                const char *what;
                struct rr a[4];
                size_t na;
                struct rr b[4];
                size_t nb;
                struct rr out[6];
                size_t nout;
        } rows[] = {
                { "empty", { { 0 } }, 0, { { 0 } }, 0, { { 0 } }, 0 },
                { "a empty", { { 0 } }, 0, { { 5, 5 } }, 1, { { 0 } }, 0 },
                { "b empty", { { 5, 5 } }, 1, { { 0 } }, 0, { { 0 } }, 0 },
                { "disjoint", { { 0, 5 } }, 1, { { 5, 5 } }, 1, { { 0 } }, 0 },
                { "overlap", { { 0, 10 } }, 1, { { 5, 10 } }, 1, { { 5, 5 } }, 1 },
                { "contained", { { 0, 100 } }, 1, { { 5, 10 } }, 1, { { 5, 10 } }, 1 },
                { "unsorted inputs", { { 50, 10 }, { 0, 10 } }, 2, { { 5, 50 } }, 1, { { 5, 5 }, { 50, 5 } }, 2 },
                { "adjacent pieces merge", { { 0, 10 }, { 10, 10 } }, 2, { { 5, 10 } }, 1, { { 5, 10 } }, 1 },
                { "overlapping inputs", { { 0, 10 }, { 5, 10 } }, 2, { { 0, 100 } }, 1, { { 0, 15 } }, 1 },
                { "full", { { 0, L } }, 1, { { L - 1, 1 }, { 0, 1 } }, 2, { { 0, 1 }, { L - 1, 1 } }, 2 },
                { "full both", { { 0, L } }, 1, { { 0, L } }, 1, { { 0, L } }, 1 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct idset *a = new_set(rows[i].a, rows[i].na);
                struct idset *b = new_set(rows[i].b, rows[i].nb);
                struct idset *o = new_set(NULL, 0);
                /* garbage in out must not matter */
                assert_int_equal(idset_append(o, 777, 3), 0);
                int ret = idset_intersect(a, b, o);
                CHECK(ret == 0, "intersect %s = %d", rows[i].what, ret);
                CHECK(set_equals(o, rows[i].out, rows[i].nout), "intersect %s -> %s", rows[i].what, fmt_set(o));
                CHECK(set_equals(a, rows[i].a, rows[i].na) && set_equals(b, rows[i].b, rows[i].nb), "intersect %s modified input",
                      rows[i].what);
                ret = idset_intersect(b, a, o);
                CHECK(ret == 0 && set_equals(o, rows[i].out, rows[i].nout), "intersect %s (swapped) -> %s", rows[i].what,
                      fmt_set(o));
                free(a);
                free(b);
                free(o);
        }
        CHECK_DONE();
}

static void test_idset_total(void **state)
{
        (void)state;
        struct idset *s = new_set(NULL, 0);
        CHECK(idset_total(s) == 0, "empty total");
        assert_int_equal(idset_append(s, 0, L), 0);
        CHECK(idset_total(s) == L, "full total");
        assert_int_equal(idset_append(s, 0, L), 0);
        CHECK(idset_total(s) == 2 * L, "overlapping ranges count twice (total = %llu)", (unsigned long long)idset_total(s));
        free(s);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- offsets */

static void test_idset_offsets_table(void **state)
{
        (void)state;
        /* {[100,110), [0,5), [105,120)}: overlapping; total 30 */
        static const struct rr set[] = { { 100, 10 }, { 0, 5 }, { 105, 15 } };
        struct idset *s = new_set(set, 3);
        static const struct {
                uint64_t id;
                int ret;
                uint64_t off;
        } of[] = {
                { 100, 0, 0 },  { 107, 0, 7 },  { 109, 0, 9 },  { 0, 0, 10 },    { 2, 0, 12 },  { 4, 0, 14 },
                { 110, 0, 20 }, { 115, 0, 25 }, { 119, 0, 29 }, { 120, -ENOENT, 0 }, { 5, -ENOENT, 0 },
                { 99, -ENOENT, 0 }, { L, -ENOENT, 0 }, { U64MAX, -ENOENT, 0 }, { 100 + P32, -ENOENT, 0 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(of); i++) {
                uint64_t off = 12345;
                int ret = idset_offset_of(s, of[i].id, &off);
                CHECK(ret == of[i].ret, "offset_of(%llu) = %d, want %d", (unsigned long long)of[i].id, ret, of[i].ret);
                if (of[i].ret == 0)
                        CHECK(off == of[i].off, "offset_of(%llu) -> %llu, want %llu", (unsigned long long)of[i].id,
                              (unsigned long long)off, (unsigned long long)of[i].off);
        }
        static const struct {
                uint64_t off;
                int ret;
                uint64_t id;
        } ia[] = {
                { 0, 0, 100 },  { 9, 0, 109 },  { 10, 0, 0 },  { 14, 0, 4 }, { 15, 0, 105 }, { 20, 0, 110 }, { 29, 0, 119 },
                { 30, -ENOENT, 0 }, { 31, -ENOENT, 0 }, { L, -ENOENT, 0 }, { P32 + 5, -ENOENT, 0 }, { U64MAX, -ENOENT, 0 },
                { U64MAX - 9, -ENOENT, 0 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(ia); i++) {
                uint64_t id = 12345;
                int ret = idset_id_at(s, ia[i].off, &id);
                CHECK(ret == ia[i].ret, "id_at(%llu) = %d, want %d", (unsigned long long)ia[i].off, ret, ia[i].ret);
                if (ia[i].ret == 0)
                        CHECK(id == ia[i].id, "id_at(%llu) -> %llu, want %llu", (unsigned long long)ia[i].off,
                              (unsigned long long)id, (unsigned long long)ia[i].id);
        }
        free(s);

        /* empty set */
        s = new_set(NULL, 0);
        uint64_t x;
        CHECK(idset_offset_of(s, 0, &x) == -ENOENT, "offset_of on empty");
        CHECK(idset_id_at(s, 0, &x) == -ENOENT, "id_at on empty");
        free(s);

        /* huge: 512 full ranges, offsets up to 512 * L */
        s = new_set(NULL, 0);
        for (size_t i = 0; i < IDSET_MAX; i++)
                assert_int_equal(idset_append(s, 0, L), 0);
        uint64_t id = 0;
        int ret = idset_id_at(s, (uint64_t)IDSET_MAX * L - 1, &id);
        CHECK(ret == 0 && id == L - 1, "id_at(last of 512 full) = %d/%llu", ret, (unsigned long long)id);
        ret = idset_id_at(s, (uint64_t)IDSET_MAX * L, &id);
        CHECK(ret == -ENOENT, "id_at(512 full end) = %d", ret);
        ret = idset_id_at(s, 3 * L + 7, &id);
        CHECK(ret == 0 && id == 7, "id_at(3L+7) = %d/%llu", ret, (unsigned long long)id);
        uint64_t off = 99;
        ret = idset_offset_of(s, L - 1, &off);
        CHECK(ret == 0 && off == L - 1, "offset_of first occurrence = %d/%llu", ret, (unsigned long long)off);
        free(s);

        /* top of the ID space */
        static const struct rr top[] = { { L - 1, 1 }, { 0, 1 } };
        s = new_set(top, 2);
        ret = idset_offset_of(s, L - 1, &off);
        CHECK(ret == 0 && off == 0, "offset_of(L-1) = %d/%llu", ret, (unsigned long long)off);
        ret = idset_offset_of(s, 0, &off);
        CHECK(ret == 0 && off == 1, "offset_of(0) = %d/%llu", ret, (unsigned long long)off);
        ret = idset_id_at(s, 1, &id);
        CHECK(ret == 0 && id == 0, "id_at(1) = %d/%llu", ret, (unsigned long long)id);
        ret = idset_id_at(s, 2, &id);
        CHECK(ret == -ENOENT, "id_at(2) = %d", ret);
        free(s);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- properties */

#define UNIV 64

typedef uint64_t bitmap; /* bit i: ID base+i */

static bitmap bm_of_range(uint64_t s, uint64_t c)
{
        bitmap b = 0;
        for (uint64_t i = s; i < s + c; i++)
                b |= UINT64_C(1) << i;
        return b;
}

static void random_rr(struct rr *r, size_t *n, size_t maxn)
{
        *n = (size_t)ut_randn(maxn + 1);
        for (size_t i = 0; i < *n; i++) {
                uint64_t s = ut_randn(UNIV);
                uint64_t c = 1 + ut_randn(UNIV - s);
                if (ut_randn(3) == 0 && c > 4)
                        c = 1 + ut_randn(4);
                r[i].s = s;
                r[i].c = c;
        }
}

static bitmap bm_of(const struct rr *r, size_t n)
{
        bitmap b = 0;
        for (size_t i = 0; i < n; i++)
                b |= bm_of_range(r[i].s, r[i].c);
        return b;
}

/* Exact expected result of a subtract that keeps order. */
static void rr_subtract(const struct rr *in, size_t n, uint64_t s, uint64_t c, struct rr *out, size_t *nout)
{
        size_t k = 0;
        uint64_t e = s + c;
        for (size_t i = 0; i < n; i++) {
                uint64_t rs = in[i].s, re = in[i].s + in[i].c;
                if (re <= s || rs >= e) {
                        out[k++] = in[i];
                        continue;
                }
                if (rs < s)
                        out[k++] = (struct rr){ rs, s - rs };
                if (re > e)
                        out[k++] = (struct rr){ e, re - e };
        }
        *nout = k;
}

static void bm_to_norm(bitmap b, struct rr *out, size_t *n)
{
        size_t k = 0;
        for (uint64_t i = 0; i < UNIV;) {
                if (!(b >> i & 1)) {
                        i++;
                        continue;
                }
                uint64_t j = i;
                while (j < UNIV && (b >> j & 1))
                        j++;
                out[k++] = (struct rr){ i, j - i };
                i = j;
        }
        *n = k;
}

static void shift(struct rr *r, size_t n, uint64_t base)
{
        for (size_t i = 0; i < n; i++)
                r[i].s += base;
}

static void property_round(uint64_t base)
{
        struct rr a[12], b[12], exp[64], tmp[64];
        size_t na, nb, nexp, ntmp;
        random_rr(a, &na, 10);
        random_rr(b, &nb, 6);
        bitmap ba = bm_of(a, na), bb = bm_of(b, nb);
        struct rr A[12], B[12];
        memcpy(A, a, sizeof(a));
        memcpy(B, b, sizeof(b));
        shift(A, na, base);
        shift(B, nb, base);

        struct idset *s = new_set(A, na);
        struct idset *t = new_set(B, nb);
        struct idset *o = new_set(NULL, 0);

        /* total */
        uint64_t tot = 0;
        for (size_t i = 0; i < na; i++)
                tot += a[i].c;
        CHECK(idset_total(s) == tot, "base %llu total %s", (unsigned long long)base, fmt_set(s));

        /* contains / contains_range against the bitmap */
        for (uint64_t i = 0; i < UNIV; i++)
                CHECK(idset_contains(s, base + i) == (bool)(ba >> i & 1), "base %llu contains %llu in %s",
                      (unsigned long long)base, (unsigned long long)i, fmt_set(s));
        for (int q = 0; q < 16; q++) {
                uint64_t qs = ut_randn(UNIV), qc = 1 + ut_randn(UNIV - qs);
                bitmap qb = bm_of_range(qs, qc);
                bool want = (ba & qb) == qb;
                CHECK(idset_contains_range(s, base + qs, qc) == want, "base %llu contains_range [%llu,+%llu) in %s want %d",
                      (unsigned long long)base, (unsigned long long)qs, (unsigned long long)qc, fmt_set(s), want);
        }

        /* offset_of / id_at against the concatenation */
        uint64_t pos = 0;
        uint64_t first_off[UNIV];
        for (size_t i = 0; i < UNIV; i++)
                first_off[i] = U64MAX;
        for (size_t i = 0; i < na; i++)
                for (uint64_t k = 0; k < a[i].c; k++, pos++) {
                        uint64_t id = 12345;
                        int ret = idset_id_at(s, pos, &id);
                        CHECK(ret == 0 && id == base + a[i].s + k, "id_at(%llu) in %s = %d/%llu", (unsigned long long)pos,
                              fmt_set(s), ret, (unsigned long long)id);
                        if (first_off[a[i].s + k] == U64MAX)
                                first_off[a[i].s + k] = pos;
                }
        uint64_t id;
        CHECK(idset_id_at(s, pos, &id) == -ENOENT, "id_at(end=%llu) in %s", (unsigned long long)pos, fmt_set(s));
        for (uint64_t i = 0; i < UNIV; i++) {
                uint64_t off = 12345;
                int ret = idset_offset_of(s, base + i, &off);
                if (first_off[i] == U64MAX)
                        CHECK(ret == -ENOENT, "offset_of(%llu) in %s = %d", (unsigned long long)i, fmt_set(s), ret);
                else
                        CHECK(ret == 0 && off == first_off[i], "offset_of(%llu) in %s = %d/%llu want %llu",
                              (unsigned long long)i, fmt_set(s), ret, (unsigned long long)off,
                              (unsigned long long)first_off[i]);
        }

        /* intersect */
        int ret = idset_intersect(s, t, o);
        bm_to_norm(ba & bb, exp, &nexp);
        shift(exp, nexp, base);
        CHECK(ret == 0 && set_equals(o, exp, nexp), "intersect %s & %s -> %s", fmt_set(s), fmt_set(t), fmt_set(o));

        /* subtract one range: exact, order kept */
        if (nb > 0) {
                struct idset *c = new_set(A, na);
                rr_subtract(A, na, B[0].s, B[0].c, exp, &nexp);
                ret = idset_subtract(c, B[0].s, B[0].c);
                CHECK(ret == 0 && set_equals(c, exp, nexp), "subtract %s - [%llu,+%llu) -> %s", fmt_set(s),
                      (unsigned long long)B[0].s, (unsigned long long)B[0].c, fmt_set(c));
                free(c);
        }

        /* subtract_set: bitmap must match; order must be the sequential result */
        struct idset *c = new_set(A, na);
        memcpy(tmp, A, na * sizeof(A[0]));
        ntmp = na;
        for (size_t i = 0; i < nb; i++) {
                rr_subtract(tmp, ntmp, B[i].s, B[i].c, exp, &nexp);
                memcpy(tmp, exp, nexp * sizeof(exp[0]));
                ntmp = nexp;
        }
        ret = idset_subtract_set(c, t);
        bitmap got = 0;
        for (size_t i = 0; i < c->n; i++)
                got |= bm_of_range(c->r[i].start - base, c->r[i].count);
        CHECK(ret == 0 && got == (ba & ~bb), "subtract_set %s - %s -> %s (bitmap)", fmt_set(s), fmt_set(t), fmt_set(c));
        CHECK(ret == 0 && set_equals(c, tmp, ntmp), "subtract_set %s - %s -> %s (order)", fmt_set(s), fmt_set(t), fmt_set(c));
        free(c);

        /* normalize */
        idset_normalize(s);
        bm_to_norm(ba, exp, &nexp);
        shift(exp, nexp, base);
        CHECK(set_equals(s, exp, nexp), "normalize -> %s", fmt_set(s));

        free(s);
        free(t);
        free(o);
}

static void test_idset_properties(void **state)
{
        (void)state;
        static const uint64_t bases[] = { 0, 1, 100000, 2147483600u, L - UNIV, L - UNIV - 1 };
        ut_seed(0xC0FFEE);
        for (size_t b = 0; b < UT_ARRAY_SIZE(bases); b++)
                for (int it = 0; it < 3000 && ut_failures < 20; it++)
                        property_round(bases[b]);
        CHECK_DONE();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_idrange_valid),
                cmocka_unit_test(test_idrange_overlaps_contains),
                cmocka_unit_test(test_idset_append),
                cmocka_unit_test(test_idset_normalize_table),
                cmocka_unit_test(test_idset_normalize_full_capacity),
                cmocka_unit_test(test_idset_contains_range_table),
                cmocka_unit_test(test_idset_subtract_table),
                cmocka_unit_test(test_idset_subtract_capacity),
                cmocka_unit_test(test_idset_subtract_set),
                cmocka_unit_test(test_idset_intersect),
                cmocka_unit_test(test_idset_total),
                cmocka_unit_test(test_idset_offsets_table),
                cmocka_unit_test(test_idset_properties),
        };
        UT_RUN(tests);
}
