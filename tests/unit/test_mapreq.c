/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/mapreq.c: the newuidmap/newgidmap request parser, the
 * kernel text it produces, and the grant decision.  Hostile inputs first. */
#include <errno.h>

#include "ut_common.h"

#include "subid/mapreq.h"

#define MAXARGS (3 * 400)

/* Split a blank-separated argument string into argv (no quoting). */
static int split(const char *s, char **argv, char *store, size_t storesz)
{
        int n = 0;
        snprintf(store, storesz, "%s", s);
        for (char *tok = strtok(store, " "); tok && n < MAXARGS; tok = strtok(NULL, " "))
                argv[n++] = tok;
        return n;
}

struct bad_row {
        const char *args;
        enum mapreq_rule rule;
        size_t extent;
};

static const struct bad_row bad_rows[] = {
        { "", RULE_ARGC, 0 },
        { "0", RULE_ARGC, 0 },
        { "0 1000", RULE_ARGC, 0 },
        { "0 1000 1 1", RULE_ARGC, 0 },
        { "0 1000 1 1 100000", RULE_ARGC, 0 },
        { "-1 1000 1", RULE_NUMBER, 0 },
        { "+1 1000 1", RULE_NUMBER, 0 },
        { "0x10 1000 1", RULE_NUMBER, 0 },
        { "010 1000 1", RULE_NUMBER, 0 },
        { "0 1000 01", RULE_NUMBER, 0 },
        { "0 4294967296 1", RULE_NUMBER, 0 },
        { "0 18446744073709551616 1", RULE_NUMBER, 0 },
        { "0 1000 1x", RULE_NUMBER, 0 },
        { "0 1e3 1", RULE_NUMBER, 0 },
        { "0 1000 1 1 100000 -5", RULE_NUMBER, 1 },
        { "0 1000 0", RULE_COUNT_ZERO, 0 },
        { "0 1000 1 1 100000 0", RULE_COUNT_ZERO, 1 },
        { "0 4294967295 1", RULE_RANGE, 0 },
        { "4294967295 0 1", RULE_RANGE, 0 },
        { "0 4294967294 2", RULE_RANGE, 0 },
        { "1 0 4294967295", RULE_RANGE, 0 },
        { "0 1 4294967295", RULE_RANGE, 0 },
        { "0 100000 4294967295", RULE_RANGE, 0 },
        { "0 1000 1 0 100000 10", RULE_OVERLAP_INSIDE, 1 },
        { "0 100000 10 5 200000 10", RULE_OVERLAP_INSIDE, 1 },
        { "0 100000 10 20 100005 10", RULE_OVERLAP_LOWER, 1 },
        { "0 1000 1 1 1000 1", RULE_OVERLAP_LOWER, 1 },
        { "10 100000 10 0 200000 11", RULE_OVERLAP_INSIDE, 1 },
};

static void test_parse_rejects(void **state)
{
        (void)state;
        static struct map_request req;
        static char *argv[MAXARGS];
        static char store[8192];
        for (size_t i = 0; i < UT_ARRAY_SIZE(bad_rows); i++) {
                struct mapreq_error err;
                int argc = split(bad_rows[i].args, argv, store, sizeof(store));
                int r = mapreq_parse(argc, argv, &req, &err);
                CHECK(r == -EINVAL && err.rule == bad_rows[i].rule && err.extent == bad_rows[i].extent,
                      "mapreq_parse(%s) = %d rule %d extent %zu, want rule %d extent %zu", esc(bad_rows[i].args), r,
                      err.rule, err.extent, bad_rows[i].rule, bad_rows[i].extent);
                CHECK(mapreq_rule_text(err.rule)[0] != '\0', "rule text");
        }
        /* argc 0 and negative, NULL-free */
        struct mapreq_error err;
        CHECK(mapreq_parse(0, argv, &req, &err) == -EINVAL && err.rule == RULE_ARGC, "argc 0");
        CHECK(mapreq_parse(-3, argv, &req, &err) == -EINVAL && err.rule == RULE_ARGC, "argc -3");
        CHECK_DONE();
}

static void test_parse_extent_limit(void **state)
{
        (void)state;
        static char *argv[MAXARGS];
        static char num[MAXARGS][16];
        static struct map_request req;
        struct mapreq_error err;
        for (int n = 339; n <= 341; n++) {
                for (int i = 0; i < n; i++) {
                        snprintf(num[3 * i], 16, "%d", i);
                        snprintf(num[3 * i + 1], 16, "%d", 100000 + i);
                        snprintf(num[3 * i + 2], 16, "1");
                        argv[3 * i] = num[3 * i];
                        argv[3 * i + 1] = num[3 * i + 1];
                        argv[3 * i + 2] = num[3 * i + 2];
                }
                int r = mapreq_parse(3 * n, argv, &req, &err);
                if (n <= 340)
                        CHECK(r == 0 && req.n == (size_t)n, "%d extents: %d", n, r);
                else
                        CHECK(r == -EINVAL && err.rule == RULE_TOO_MANY, "341 extents: %d rule %d", r, err.rule);
        }
        /* 340 extents of large numbers: the text is longer than one page */
        for (int i = 0; i < 340; i++) {
                snprintf(num[3 * i], 16, "%d", 1000000000 + i);
                snprintf(num[3 * i + 1], 16, "%d", 2000000000 + i);
                snprintf(num[3 * i + 2], 16, "1");
        }
        int r = mapreq_parse(3 * 340, argv, &req, &err);
        CHECK(r == 0, "340 long extents parse: %d", r);
        static char text[8192];
        r = mapreq_format(&req, text, sizeof(text), &err);
        CHECK(r == -E2BIG && err.rule == RULE_TOO_LONG, "340 long extents format = %d, want -E2BIG", r);
        CHECK_DONE();
}

static void test_format(void **state)
{
        (void)state;
        static char *argv[MAXARGS];
        static char store[8192];
        static struct map_request req;
        struct mapreq_error err;
        char buf[128];
        int argc = split("0 1000590000 1 1 100000 65536", argv, store, sizeof(store));
        assert_int_equal(mapreq_parse(argc, argv, &req, &err), 0);
        int r = mapreq_format(&req, buf, sizeof(buf), &err);
        CHECK(r > 0 && strcmp(buf, "0 1000590000 1\n1 100000 65536\n") == 0, "format: %d %s", r, esc(buf));
        /* too small a buffer is an error, never a truncated map */
        for (size_t sz = 1; sz < 31; sz++) {
                memset(buf, 'X', sizeof(buf));
                r = mapreq_format(&req, buf, sz, &err);
                CHECK(r == -E2BIG, "format into %zu bytes = %d", sz, r);
        }
        r = mapreq_format(&req, buf, 31, &err);
        CHECK(r == 30, "format into 31 bytes = %d", r);
        CHECK_DONE();
}

struct decide_row {
        const char *args;
        uint32_t own;
        const char *granted; /* "start+count start+count" */
        int ret;
        uint64_t first_missing;
};

static const struct decide_row decide_rows[] = {
        /* own ID alone: always */
        { "0 1000 1", 1000, "", 0, 0 },
        /* own ID with count 2: needs a grant for both */
        { "0 1000 2", 1000, "", -EPERM, 1000 },
        { "0 1000 2", 1000, "1001+10", -EPERM, 1000 },
        /* lower 0 without a grant of 0 */
        { "0 0 1", 1000, "1+65535", -EPERM, 0 },
        { "0 1000 1 1 0 10", 1000, "1+65535", -EPERM, 0 },
        /* one past the end */
        { "0 1000 1 1 100000 65537", 1000, "100000+65536", -EPERM, 165536 },
        { "0 1000 1 1 99999 2", 1000, "100000+65536", -EPERM, 99999 },
        /* someone else's ID */
        { "0 1001 1", 1000, "100000+65536", -EPERM, 1001 },
        /* exact and spanning adjacent grants */
        { "0 1000 1 1 100000 65536", 1000, "100000+65536", 0, 0 },
        { "0 1000 1 1 100000 131072", 1000, "100000+65536 165536+65536", 0, 0 },
        { "0 1000 1 1 1 999 1000 1001 64535", 1000, "1+999 1001+64535", 0, 0 },
        /* userns seed: the caller's own ID inside a larger request is refused */
        { "0 1 65535", 1000, "1+999 1001+64535", -EPERM, 1000 },
};

static void parse_set(const char *spec, struct idset *s)
{
        char tmp[256];
        idset_init(s);
        snprintf(tmp, sizeof(tmp), "%s", spec);
        for (char *t = strtok(tmp, " "); t; t = strtok(NULL, " ")) {
                unsigned long long a, b;
                if (sscanf(t, "%llu+%llu", &a, &b) == 2)
                        assert_int_equal(idset_append(s, a, b), 0);
        }
}

static void test_decide(void **state)
{
        (void)state;
        static char *argv[MAXARGS];
        static char store[8192];
        static struct map_request req;
        static struct idset g;
        for (size_t i = 0; i < UT_ARRAY_SIZE(decide_rows); i++) {
                const struct decide_row *row = &decide_rows[i];
                struct mapreq_error err;
                int argc = split(row->args, argv, store, sizeof(store));
                assert_int_equal(mapreq_parse(argc, argv, &req, &err), 0);
                parse_set(row->granted, &g);
                int r = mapreq_decide(&req, row->own, &g, &err);
                CHECK(r == row->ret, "decide(%s, own %u, %s) = %d, want %d", row->args, row->own, row->granted, r,
                      row->ret);
                if (r < 0)
                        CHECK(err.rule == RULE_NOT_GRANTED && err.id == row->first_missing,
                              "decide(%s): rule %d first missing %llu, want %llu", row->args, err.rule,
                              (unsigned long long)err.id, (unsigned long long)row->first_missing);
        }
        CHECK_DONE();
}

static void test_only_own(void **state)
{
        (void)state;
        static char *argv[MAXARGS];
        static char store[8192];
        static struct map_request req;
        struct mapreq_error err;
        int argc = split("0 0 1", argv, store, sizeof(store));
        assert_int_equal(mapreq_parse(argc, argv, &req, &err), 0);
        CHECK(mapreq_only_own(&req, 0), "0 0 1 own 0");
        CHECK(!mapreq_only_own(&req, 5), "0 0 1 own 5");
        argc = split("0 5 1 1 100000 10", argv, store, sizeof(store));
        assert_int_equal(mapreq_parse(argc, argv, &req, &err), 0);
        CHECK(!mapreq_only_own(&req, 5), "own plus range");
        argc = split("0 5 2", argv, store, sizeof(store));
        assert_int_equal(mapreq_parse(argc, argv, &req, &err), 0);
        CHECK(!mapreq_only_own(&req, 5), "own count 2");
        CHECK_DONE();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_rejects), cmocka_unit_test(test_parse_extent_limit),
                cmocka_unit_test(test_format),        cmocka_unit_test(test_decide),
                cmocka_unit_test(test_only_own),
        };
        UT_RUN(tests);
}
