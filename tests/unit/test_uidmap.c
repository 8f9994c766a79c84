/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/uidmap.c: idmap_parse, idmap_inside_set, idmap_is_identity_full. */
#include <errno.h>

#include "subid/uidmap.h"
#include "ut_common.h"

#define L ID_LIMIT

static int parse(const char *text, size_t len, struct idmap *m)
{
        char *p = ut_exact(text, len);
        memset(m, 0x5a, sizeof(*m));
        int ret = idmap_parse(p, len, m);
        free(p);
        return ret;
}

/* ---------------------------------------------------------------- rejects */

struct bad_row {
        const char *text;
        size_t len; /* 0: strlen */
};

static const struct bad_row bad_rows[] = {
        /* missing newline */
        { "0 200000 65536", 0 },
        { "         0     200000      65536", 0 },
        { "0 0 1\n1 1 1", 0 },
        /* wrong field count */
        { "0 200000\n", 0 },
        { "0\n", 0 },
        { "0 200000 65536 1\n", 0 },
        { "0 200000 65536 0\n", 0 },
        { "0 0 1 1 1\n", 0 },
        { "\n", 0 },
        { " \n", 0 },
        { "   \n", 0 },
        { "0 0 1\n\n", 0 },
        { "\n0 0 1\n", 0 },
        { "0 0 1\n \n", 0 },
        /* count 0 */
        { "0 0 0\n", 0 },
        { "         0          0          0\n", 0 },
        { "0 0 1\n5 5 0\n", 0 },
        /* overflow of inside / outside */
        { "2 0 4294967295\n", 0 },
        { "0 2 4294967295\n", 0 },
        { "4294967295 0 2\n", 0 },
        { "0 4294967295 2\n", 0 },
        { "4294967295 4294967295 2\n", 0 },
        { "100000 0 4294900000\n", 0 },
        { "0 100000 4294900000\n", 0 },
        { "2147483648 0 2147483649\n", 0 },
        { "0 2147483648 2147483649\n", 0 },
        /* numbers that are not u32 */
        { "0 0 4294967296\n", 0 },
        { "4294967296 0 1\n", 0 },
        { "0 4294967296 1\n", 0 },
        { "0 0 18446744073709551617\n", 0 },
        { "18446744073709551616 0 1\n", 0 },
        { "0 0 99999999999999999999\n", 0 },
        /* hex, sign, leading zero, junk */
        { "0x0 0 1\n", 0 },
        { "0 0x0 1\n", 0 },
        { "0 0 0x1\n", 0 },
        { "+0 0 1\n", 0 },
        { "0 +0 1\n", 0 },
        { "0 0 +1\n", 0 },
        { "-0 0 1\n", 0 },
        { "0 0 -1\n", 0 },
        { "-1 0 1\n", 0 },
        { "00 0 1\n", 0 },
        { "0 00 1\n", 0 },
        { "0 0 01\n", 0 },
        { "01 0 1\n", 0 },
        { "0 0 1e3\n", 0 },
        { "0 0 1.0\n", 0 },
        { "a 0 1\n", 0 },
        { "0 0 1a\n", 0 },
        { "0 0 \xd9\xa1\n", 0 },
        /* tabs and other white space */
        { "0\t0\t1\n", 0 },
        { "0 0\t1\n", 0 },
        { "\t0 0 1\n", 0 },
        { "0 0 1\t\n", 0 },
        { "0 0 1\r\n", 0 },
        { "0 0 1\n\r", 0 },
        { "0\v0 0 1\n", 0 },
        { "0 0 1 \n", 0 },
        { "0 0 1\n0", 0 },
        /* NUL bytes */
        { "0 0 1\0\n", 7 },
        { "0\0 0 1\n", 7 },
        { "\0", 1 },
        { "0 0 1\n\0", 7 },
        /* separators that are not spaces */
        { "0,0,1\n", 0 },
        { "0:0:1\n", 0 },
        { "0 0 1;\n", 0 },
        /* overlapping inside ranges */
        { "0 0 1\n0 5 1\n", 0 },
        { "0 0 10\n5 100 10\n", 0 },
        { "5 100 10\n0 0 10\n", 0 },
        { "0 0 10\n9 100 1\n", 0 },
        { "0 0 4294967295\n4294967294 0 1\n", 0 },
        { "0 1000 1\n1 100000 65536\n65536 300000 1\n", 0 },
        { "10 0 10\n0 100 11\n", 0 },
        { "0 0 1\n1 1 1\n2 2 1\n1 10 1\n", 0 },
};

static void test_idmap_parse_rejects(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(bad_rows); i++) {
                const char *t = bad_rows[i].text;
                size_t len = bad_rows[i].len ? bad_rows[i].len : strlen(t);
                struct idmap *m = malloc(sizeof(*m));
                assert_non_null(m);
                int ret = parse(t, len, m);
                CHECK(ret == -EINVAL || ret == -ERANGE, "idmap_parse(%s) = %d, want -EINVAL/-ERANGE", esc_n(t, len), ret);
                free(m);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- accepts */

struct good_row {
        const char *text;
        size_t n;
        struct idmap_extent e[4];
};

static const struct good_row good_rows[] = {
        { "", 0, { { 0, 0, 0 } } },
        { "0 200000 65536\n", 1, { { 0, 200000, 65536 } } },
        { "         0     200000      65536\n", 1, { { 0, 200000, 65536 } } },
        { "         0          0 4294967295\n", 1, { { 0, 0, 4294967295u } } },
        { "0 0 4294967295\n", 1, { { 0, 0, 4294967295u } } },
        { " 0 0 4294967295\n", 1, { { 0, 0, 4294967295u } } },
        { "0    0    4294967295\n", 1, { { 0, 0, 4294967295u } } },
        { "0 1000 1\n1 100000 65536\n", 2, { { 0, 1000, 1 }, { 1, 100000, 65536 } } },
        { "         0       1000          1\n         1     100000      65536\n", 2, { { 0, 1000, 1 }, { 1, 100000, 65536 } } },
        { "1 100000 65536\n0 1000 1\n", 2, { { 1, 100000, 65536 }, { 0, 1000, 1 } } },
        { "1000590000 1000590000 1\n", 1, { { 1000590000u, 1000590000u, 1 } } },
        { "0 1000590000 1\n1 1000600000 10000\n", 2, { { 0, 1000590000u, 1 }, { 1, 1000600000u, 10000 } } },
        /* adjacent inside ranges are fine */
        { "0 0 10\n10 100 10\n", 2, { { 0, 0, 10 }, { 10, 100, 10 } } },
        { "10 100 10\n0 0 10\n", 2, { { 10, 100, 10 }, { 0, 0, 10 } } },
        /* many spaces */
        { "                                                  0                       5 1\n", 1, { { 0, 5, 1 } } },
};

/*
 * A sum of exactly 2^32 is rejected, as the kernel rejects it (first + count
 * wrapping in 32 bits): ID 4294967295 is never mapped.  Kept apart so a
 * failure here is easy to tell from the others.
 */
static const struct good_row boundary_rows[] = {
        { "1 0 4294967295\n", 1, { { 1, 0, 4294967295u } } },
        { "0 1 4294967295\n", 1, { { 0, 1, 4294967295u } } },
        { "4294967295 0 1\n", 1, { { 4294967295u, 0, 1 } } },
        { "0 4294967295 1\n", 1, { { 0, 4294967295u, 1 } } },
        { "4294967295 4294967295 1\n", 1, { { 4294967295u, 4294967295u, 1 } } },
        { "2147483648 0 2147483648\n", 1, { { 2147483648u, 0, 2147483648u } } },
        { "4294967294 0 2\n", 1, { { 4294967294u, 0, 2 } } },
};

static void check_good(const char *t, size_t len, const struct good_row *r)
{
        struct idmap *m = malloc(sizeof(*m));
        assert_non_null(m);
        int ret = parse(t, len, m);
        CHECK(ret == 0, "idmap_parse(%s) = %d", esc_n(t, len), ret);
        if (ret == 0) {
                CHECK(m->n == r->n, "idmap_parse(%s): n = %zu, want %zu", esc_n(t, len), m->n, r->n);
                for (size_t k = 0; k < r->n && k < m->n; k++)
                        CHECK(m->e[k].inside == r->e[k].inside && m->e[k].outside == r->e[k].outside &&
                                      m->e[k].count == r->e[k].count,
                              "idmap_parse(%s): e[%zu] = %u %u %u", esc_n(t, len), k, m->e[k].inside, m->e[k].outside,
                              m->e[k].count);
        }
        free(m);
}

static void test_idmap_parse_accepts(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(good_rows); i++)
                check_good(good_rows[i].text, strlen(good_rows[i].text), &good_rows[i]);
        /* len shorter than the buffer: trailing garbage outside len is ignored */
        static const struct good_row one = { "", 1, { { 0, 0, 1 } } };
        check_good("0 0 1\nGARBAGE", 6, &one);
        check_good("0 0 1\n0 0 1\n", 6, &one);
        check_good("0 0 1\n\0\0", 6, &one);
        CHECK_DONE();
}

static void test_idmap_parse_rejects_2pow32(void **state)
{
        (void)state;
        struct idmap *m = malloc(sizeof(*m));
        assert_non_null(m);
        for (size_t i = 0; i < UT_ARRAY_SIZE(boundary_rows); i++) {
                const char *t = boundary_rows[i].text;
                int r = idmap_parse(t, strlen(t), m);
                CHECK(r == -ERANGE || r == -EINVAL, "idmap_parse(%s) = %d, want -ERANGE/-EINVAL", esc(t), r);
        }
        free(m);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- limits */

static char *many_lines(size_t n, bool kernel_fmt)
{
        char *t = malloc(n * 40 + 1);
        assert_non_null(t);
        size_t o = 0;
        for (size_t i = 0; i < n; i++)
                o += (size_t)sprintf(t + o, kernel_fmt ? "%10zu %10zu %10u\n" : "%zu %zu %u\n", i * 10, 100000 + i * 10, 10u);
        return t;
}

static void test_idmap_parse_extent_limit(void **state)
{
        (void)state;
        struct idmap *m = malloc(sizeof(*m));
        assert_non_null(m);
        for (int fmt = 0; fmt < 2; fmt++) {
                char *t = many_lines(340, fmt);
                int ret = parse(t, strlen(t), m);
                CHECK(ret == 0 && m->n == 340, "340 lines (fmt %d) = %d, n=%zu", fmt, ret, m->n);
                if (ret == 0)
                        CHECK(m->e[339].inside == 3390 && m->e[339].outside == 103390 && m->e[339].count == 10,
                              "340th extent");
                free(t);
                t = many_lines(341, fmt);
                ret = parse(t, strlen(t), m);
                CHECK(ret == -E2BIG, "341 lines (fmt %d) = %d, want -E2BIG", fmt, ret);
                free(t);
                t = many_lines(5000, fmt);
                ret = parse(t, strlen(t), m);
                CHECK(ret == -E2BIG, "5000 lines (fmt %d) = %d, want -E2BIG", fmt, ret);
                free(t);
        }
        /* 340 lines where the last overlaps the first */
        char *t = many_lines(339, false);
        size_t o = strlen(t);
        t = realloc(t, o + 40);
        assert_non_null(t);
        sprintf(t + o, "5 900000 1\n");
        int ret = parse(t, strlen(t), m);
        CHECK(ret == -EINVAL || ret == -ERANGE, "overlap at line 340 = %d", ret);
        free(t);
        free(m);
        CHECK_DONE();
}

/* Each line of the (fixed-width) kernel format, mutated by one byte. */
static void test_idmap_parse_mutations(void **state)
{
        (void)state;
        static const char base[] = "         0     200000      65536\n";
        struct idmap *m = malloc(sizeof(*m));
        assert_non_null(m);
        size_t len = strlen(base);
        for (size_t pos = 0; pos < len; pos++) {
                for (int c = 0; c < 256; c++) {
                        char t[64];
                        memcpy(t, base, len);
                        if (t[pos] == (char)c)
                                continue;
                        t[pos] = (char)c;
                        int ret = parse(t, len, m);
                        /* Compute what a strict parser must say. */
                        bool ok = false;
                        uint32_t f[3];
                        {
                                size_t i = 0;
                                int nf = 0;
                                ok = true;
                                while (nf < 3 && ok) {
                                        size_t sp = 0;
                                        while (i < len && t[i] == ' ')
                                                i++, sp++;
                                        if (nf > 0 && sp == 0)
                                                ok = false;
                                        size_t st = i;
                                        uint64_t v = 0;
                                        while (i < len && t[i] >= '0' && t[i] <= '9')
                                                v = v * 10 + (uint64_t)(t[i++] - '0');
                                        if (i == st || (i - st > 1 && t[st] == '0') || v > UINT32_MAX)
                                                ok = false;
                                        f[nf++] = (uint32_t)v;
                                }
                                if (ok && !(i == len - 1 && t[i] == '\n'))
                                        ok = false;
                                if (ok && (f[2] == 0 || (uint64_t)f[0] + f[2] > (UINT64_C(1) << 32) ||
                                           (uint64_t)f[1] + f[2] > (UINT64_C(1) << 32)))
                                        ok = false;
                        }
                        if (ok)
                                CHECK(ret == 0 && m->n == 1 && m->e[0].inside == f[0] && m->e[0].outside == f[1] &&
                                              m->e[0].count == f[2],
                                      "idmap_parse(%s) = %d, want ok", esc_n(t, len), ret);
                        else
                                CHECK(ret < 0, "idmap_parse(%s) = %d, want error", esc_n(t, len), ret);
                        if (ut_failures > 30)
                                goto out;
                }
        }
out:
        free(m);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- inside set */

static bool set_has_range(const struct idset *s, uint64_t a, uint64_t c)
{
        return idset_contains_range(s, a, c);
}

static void test_idmap_inside_set(void **state)
{
        (void)state;
        struct idmap *m = malloc(sizeof(*m));
        struct idset *s = malloc(sizeof(*s));
        assert_non_null(m);
        assert_non_null(s);

        /* seed */
        assert_int_equal(parse("0 200000 65536\n", 15, m), 0);
        CHECK(idmap_inside_set(m, s) == 0, "inside_set seed");
        CHECK(s->n == 1 && s->r[0].start == 0 && s->r[0].count == 65536, "seed inside set [0,65536), n=%zu", s->n);

        /* empty */
        assert_int_equal(parse("", 0, m), 0);
        CHECK(idmap_inside_set(m, s) == 0 && s->n == 0 && idset_total(s) == 0, "empty map -> empty set");

        /* identity full */
        const char *id = "         0          0 4294967295\n";
        assert_int_equal(parse(id, strlen(id), m), 0);
        CHECK(idmap_inside_set(m, s) == 0 && idset_total(s) == L && set_has_range(s, 0, L), "identity full inside set");

        /* two extents, unsorted */
        const char *two = "1 100000 65536\n0 1000 1\n";
        assert_int_equal(parse(two, strlen(two), m), 0);
        CHECK(idmap_inside_set(m, s) == 0 && idset_total(s) == 65537 && set_has_range(s, 0, 65537) && !idset_contains(s, 65537),
              "two extents inside set");

        /* gaps */
        const char *gap = "0 1000 1\n10 100000 5\n";
        assert_int_equal(parse(gap, strlen(gap), m), 0);
        CHECK(idmap_inside_set(m, s) == 0 && idset_total(s) == 6 && idset_contains(s, 0) && !idset_contains(s, 1) &&
                      set_has_range(s, 10, 5) && !idset_contains(s, 15),
              "gap inside set");

        /* 340 extents */
        char *t = many_lines(340, true);
        assert_int_equal(parse(t, strlen(t), m), 0);
        int ret = idmap_inside_set(m, s);
        CHECK(ret == 0 && idset_total(s) == 3400 && set_has_range(s, 0, 3400), "340 extents inside set = %d", ret);
        free(t);

        /* extents touching 2^32: the set must never contain ID 4294967295 */
        static const char *top[] = { "4294967295 0 1\n", "1 0 4294967295\n", "4294967294 0 2\n", "0 0 1\n4294967295 5 1\n" };
        for (size_t i = 0; i < UT_ARRAY_SIZE(top); i++) {
                if (parse(top[i], strlen(top[i]), m) != 0)
                        continue; /* rejected: see test_idmap_parse_rejects_2pow32 */
                memset(s, 0, sizeof(*s));
                ret = idmap_inside_set(m, s);
                if (ret == 0) {
                        bool allvalid = true;
                        for (size_t k = 0; k < s->n; k++)
                                allvalid = allvalid && idrange_valid(s->r[k].start, s->r[k].count);
                        CHECK(allvalid && !idset_contains(s, L), "inside_set(%s) holds ID 4294967295 or an invalid range",
                              esc(top[i]));
                }
        }
        /* "4294967294 0 2": ID 4294967294 is a real mapped ID and must be in the set */
        if (parse("4294967294 0 2\n", 15, m) == 0) {
                ret = idmap_inside_set(m, s);
                CHECK(ret == 0 && idset_contains(s, L - 1), "inside_set(4294967294 0 2) lacks 4294967294 (ret %d)", ret);
        }
        free(m);
        free(s);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- identity */

static void test_idmap_is_identity_full(void **state)
{
        (void)state;
        static const struct {
                const char *t;
                bool want;
        } rows[] = {
                { "         0          0 4294967295\n", true },
                { "0 0 4294967295\n", true },
                { " 0 0 4294967295\n", true },
                { "", false },
                { "0 0 4294967294\n", false },
                { "1 1 4294967294\n", false },
                { "0 1 4294967295\n", false },
                { "1 0 4294967295\n", false },
                { "0 0 1\n", false },
                { "0 0 65536\n", false },
                { "0 200000 65536\n", false },
                { "0 1000 1\n1 100000 65536\n", false },
                { "1000590000 1000590000 1\n", false },
                { "0 0 2147483648\n2147483648 2147483648 2147483647\n2147483647 0 1\n", false },
        };
        struct idmap *m = malloc(sizeof(*m));
        assert_non_null(m);
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                int ret = parse(rows[i].t, strlen(rows[i].t), m);
                if (ret != 0) {
                        /* last row overlaps; skip if rejected */
                        continue;
                }
                bool got = idmap_is_identity_full(m) != 0;
                CHECK(got == rows[i].want, "idmap_is_identity_full(%s) = %d", esc(rows[i].t), got);
        }
        /* hand-built maps */
        m->n = 1;
        m->e[0] = (struct idmap_extent){ 0, 0, 4294967295u };
        CHECK(idmap_is_identity_full(m), "hand-built identity");
        m->n = 0;
        CHECK(!idmap_is_identity_full(m), "hand-built empty with stale extent");
        free(m);
        CHECK_DONE();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_idmap_parse_rejects),
                cmocka_unit_test(test_idmap_parse_accepts),
                cmocka_unit_test(test_idmap_parse_rejects_2pow32),
                cmocka_unit_test(test_idmap_parse_extent_limit),
                cmocka_unit_test(test_idmap_parse_mutations),
                cmocka_unit_test(test_idmap_inside_set),
                cmocka_unit_test(test_idmap_is_identity_full),
        };
        UT_RUN(tests);
}
