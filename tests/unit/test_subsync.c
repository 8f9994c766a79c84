/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/subsync.c: subsync_entries, subsync_merge. */
#include <errno.h>

#include "subid/config.h"
#include "subid/policy.h"
#include "subid/subsync.h"
#include "ut_common.h"

#define B SUBSYNC_BEGIN "\n"
#define E SUBSYNC_END "\n"

static const struct subsync_entry E1[] = { { 1000000000u, 100000, 65536 } };
static const struct subsync_entry E2[] = { { 1000000000u, 100000, 65536 }, { 1000590001u, 165536, 65536 } };

struct ents {
        const struct subsync_entry *e;
        size_t n;
};
#define ENTS(a) { a, UT_ARRAY_SIZE(a) }
static const struct ents NONE = { NULL, 0 };
static const struct ents ONE = ENTS(E1);
static const struct ents TWO = ENTS(E2);

/* Merge an exact-size heap copy (ASan catches any read past len). */
static int merge(const char *text, size_t len, struct ents es, struct subsync_result *res, struct subsync_error *err)
{
        char *p = ut_exact(text, len);
        memset(res, 0x5a, sizeof(*res));
        memset(err, 0x5a, sizeof(*err));
        int r = subsync_merge(p, len, es.e, es.n, res, err);
        if (r == 0) {
                /* The result may point into the input (old_lines): keep the
                 * input alive by copying the result's view now. */
                if (res->old_lines) {
                        size_t off = (size_t)(res->old_lines - p);
                        CHECK(off + res->old_lines_len <= len, "old_lines outside the input");
                        res->old_lines = text + off;
                }
        }
        free(p);
        return r;
}

/* ---------------------------------------------------------------- refusals */

struct bad_row {
        const char *text;
        size_t len; /* 0: strlen */
        struct ents es;
        unsigned line;    /* expected err.line */
        const char *want; /* substring of err.msg */
};

static const struct bad_row bad_rows[] = {
        /* damaged or unbalanced markers */
        { "a:1:2\n" B "1000000000:100000:65536\n", 0, { E1, 1 }, 2, "BEGIN marker without END" },
        { B, 0, { E1, 1 }, 1, "without END" },
        { B B E, 0, { E1, 1 }, 2, "second BEGIN" },
        { B E B E, 0, { E1, 1 }, 3, "second nss_subid sync block" },
        { B E "x:1:1\n" B E, 0, { E1, 1 }, 4, "lines 1-2" },
        { E, 0, { E1, 1 }, 1, "END marker without BEGIN" },
        { "x:1:1\n" E B E, 0, { E1, 1 }, 2, "END marker without BEGIN" },
        { B E E, 0, { E1, 1 }, 3, "END marker without BEGIN" },
        { SUBSYNC_BEGIN "\r\n1:2:3\r\n" SUBSYNC_END "\r\n", 0, { E1, 1 }, 1, "damaged" },
        { B "1:2:3\n" SUBSYNC_END "\r\n", 0, { E1, 1 }, 3, "damaged" },
        { "# BEGIN nss_subid sync\n1:2:3\n" E, 0, { E1, 1 }, 1, "damaged" },
        { "# BEGIN nss_subid\n", 0, { NULL, 0 }, 1, "damaged" },
        { "# END nss_subid syncx\n", 0, { NULL, 0 }, 1, "damaged" },
        { " " SUBSYNC_BEGIN "\n", 0, { E1, 1 }, 0, NULL }, /* leading blank: foreign comment (see ok rows) */
        { B "1:2:3\n" SUBSYNC_END " \n", 0, { E1, 1 }, 3, "damaged" },
        { SUBSYNC_BEGIN "\0\n" E, sizeof(SUBSYNC_BEGIN "\0\n" E) - 1, { E1, 1 }, 1, "damaged" },
        /* someone edited the block */
        { B "alice:100000:65536\n" E, 0, { E1, 1 }, 2, "not written by subidctl sync" },
        { B "1:2:3\n# mine\n" E, 0, { E1, 1 }, 3, "not written" },
        { B "\n" E, 0, { E1, 1 }, 2, "not written" },
        { B "01:2:3\n" E, 0, { E1, 1 }, 2, "not written" },
        { B "1:2:3:4\n" E, 0, { E1, 1 }, 2, "not written" },
        { B "1:2:3\r\n" E, 0, { E1, 1 }, 2, "not written" },
        { B "1:2\n" E, 0, { E1, 1 }, 2, "not written" },
        { B "1:2:4294967296\n" E, 0, { E1, 1 }, 2, "not written" },
        /* conflicts with a foreign line: read as leniently as any client */
        { "alice:100000:65536\n", 0, { E1, 1 }, 1, "'alice' overlaps 100000-165535" },
        { "x\nalice:165535:1\n", 0, { E1, 1 }, 2, "UID 1000000000" },
        { "alice:165536:1\n", 0, { E2, 2 }, 1, "UID 1000590001" },
        { "alice:1:100000\n", 0, { E1, 1 }, 1, "alice" },
        { "alice:100000:65536\r\n", 0, { E1, 1 }, 1, "alice" },
        { " alice:100000:65536 \n", 0, { E1, 1 }, 1, "alice" },
        { "bob: 100001 :\t5\n", 0, { E1, 1 }, 1, "'bob'" },
        { "carol:+165535:1\n", 0, { E1, 1 }, 1, "carol" },
        { "dave:0100000:1\n", 0, { E1, 1 }, 1, "dave" },
        { "erin:1:99999999999999999999999\n", 0, { E1, 1 }, 1, "erin" },
        { "1000000000:100000:1\n", 0, { E1, 1 }, 1, "'1000000000'" }, /* even the same owner: the kernel refuses overlapping maps */
        { "\x01\x7f\xff:100000:1\n", 0, { E1, 1 }, 1, "'\\x01\\x7f\\xff'" },
        { B "1:2:3\n" E "late:200000:1\n", 0, { E2, 2 }, 4, "late" },
        { "a:1:1\nb:2:2", 0, { E1, 1 }, 0, NULL },
        { "z:4294967294:1\nb:100000:1", 0, { E1, 1 }, 2, "'b'" },
};

static void test_merge_refusals(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(bad_rows); i++) {
                const struct bad_row *row = &bad_rows[i];
                size_t len = row->len ? row->len : strlen(row->text);
                struct subsync_result res;
                struct subsync_error err;
                int r = merge(row->text, len, row->es, &res, &err);
                if (!row->want) { /* a near miss that must be accepted */
                        CHECK(r == 0, "row %zu %s: %d (%u: %s), want 0", i, esc_n(row->text, len), r, err.line,
                              err.msg);
                        if (r == 0)
                                subsync_result_free(&res);
                        continue;
                }
                CHECK(r == -EINVAL, "row %zu %s: %d, want -EINVAL", i, esc_n(row->text, len), r);
                if (r == 0) {
                        subsync_result_free(&res);
                        continue;
                }
                CHECK(err.line == row->line, "row %zu %s: line %u, want %u (%s)", i, esc_n(row->text, len), err.line,
                      row->line, err.msg);
                CHECK(strstr(err.msg, row->want) != NULL, "row %zu %s: msg %s lacks %s", i, esc_n(row->text, len),
                      esc(err.msg), esc(row->want));
        }
        CHECK_DONE();
}

/* Entries the merge itself refuses, whatever the text. */
static void test_merge_bad_entries(void **state)
{
        (void)state;
        static const struct subsync_entry rows[][2] = {
                { { 0, 100000, 1 }, { 0, 0, 0 } },                       /* UID 0 */
                { { 4294967295u, 100000, 1 }, { 0, 0, 0 } },             /* no ID */
                { { 1000, 0, 65536 }, { 0, 0, 0 } },                     /* includes ID 0 */
                { { 1000, 100000, 0 }, { 0, 0, 0 } },                    /* empty */
                { { 1000, 4294967295u, 1 }, { 0, 0, 0 } },               /* no ID */
                { { 1000, 4294901760u, 65536 }, { 0, 0, 0 } },           /* reaches 2^32-1 */
                { { 1000, 200000, 10 }, { 1001, 100000, 10 } },          /* unsorted */
                { { 1000, 100000, 10 }, { 1001, 100009, 10 } },          /* overlapping */
                { { 1000, 100000, 10 }, { 1001, 100000, 10 } },          /* same */
        };
        static const size_t counts[] = { 1, 1, 1, 1, 1, 1, 2, 2, 2 };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct subsync_result res;
                struct subsync_error err;
                int r = merge("a:1:1\n", 6, (struct ents){ rows[i], counts[i] }, &res, &err);
                CHECK(r == -EINVAL, "entry row %zu: %d, want -EINVAL", i, r);
                if (r == 0)
                        subsync_result_free(&res);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- results */

struct ok_row {
        const char *text;
        size_t len;
        struct ents es;
        const char *want;
        size_t want_len; /* 0: strlen */
        bool changed;
        unsigned old_begin, old_end;
};

#define L1 "1000000000:100000:65536\n"
#define L2 "1000590001:165536:65536\n"

static const struct ok_row ok_rows[] = {
        /* no file, or an empty one */
        { "", 0, ONE, B L1 E, 0, true, 0, 0 },
        { "", 0, TWO, B L1 L2 E, 0, true, 0, 0 },
        { "", 0, NONE, "", 0, false, 0, 0 },
        /* appended after the foreign lines; an unterminated last line gets its '\n' */
        { "alice:200000:65536\n", 0, ONE, "alice:200000:65536\n" B L1 E, 0, true, 0, 0 },
        { "alice:200000:65536", 0, ONE, "alice:200000:65536\n" B L1 E, 0, true, 0, 0 },
        { "# comment\n\n  \n", 0, ONE, "# comment\n\n  \n" B L1 E, 0, true, 0, 0 },
        /* nothing to write and no block: the file is left byte for byte */
        { "alice:200000:65536", 0, NONE, "alice:200000:65536", 0, false, 0, 0 },
        { "alice:100000:65536\n", 0, NONE, "alice:100000:65536\n", 0, false, 0, 0 },
        /* replaced in place */
        { "x:1:1\n" B "1:2:3\n" E "y:5:5\n", 0, ONE, "x:1:1\n" B L1 E "y:5:5\n", 0, true, 2, 4 },
        { B "1:2:3\n4:5:6\n" E, 0, TWO, B L1 L2 E, 0, true, 1, 4 },
        { B E, 0, ONE, B L1 E, 0, true, 1, 2 },
        { "x\n" B "1:2:3\n" SUBSYNC_END, 0, ONE, "x\n" B L1 E, 0, true, 2, 4 },
        { "x\n" B L1 E "tail-without-newline", 0, ONE, "x\n" B L1 E "tail-without-newline", 0, false, 2, 4 },
        /* already in sync */
        { B L1 E, 0, ONE, B L1 E, 0, false, 1, 3 },
        { "a:1:1\n" B L1 L2 E "b:2:2\n", 0, TWO, "a:1:1\n" B L1 L2 E "b:2:2\n", 0, false, 2, 5 },
        /* removed when nothing is left to sync */
        { "x\n" B "1:2:3\n" E "y", 0, NONE, "x\ny", 0, true, 2, 4 },
        { B L1 E, 0, NONE, "", 0, true, 1, 3 },
        /* foreign oddities kept exactly: CRLF, NUL, malformed, non-ASCII, a
         * block-looking comment with a leading blank */
        { "a:1:1\r\n\xff\xfe:junk\n", 0, ONE, "a:1:1\r\n\xff\xfe:junk\n" B L1 E, 0, true, 0, 0 },
        { "n\0ul:1:1\n", 9, ONE, "n\0ul:1:1\n" B L1 E, 9 + sizeof(B L1 E) - 1, true, 0, 0 },
        { " " SUBSYNC_BEGIN "\n", 0, ONE, " " SUBSYNC_BEGIN "\n" B L1 E, 0, true, 0, 0 },
        { "#alice:100000:65536\n", 0, ONE, "#alice:100000:65536\n" B L1 E, 0, true, 0, 0 },
        { ":100000:1\n", 0, ONE, ":100000:1\n" B L1 E, 0, true, 0, 0 },
        { "alice:100000:x\n", 0, ONE, "alice:100000:x\n" B L1 E, 0, true, 0, 0 },
        /* adjacent is not overlapping */
        { "a:1:99999\nb:165536:1\n", 0, ONE, "a:1:99999\nb:165536:1\n" B L1 E, 0, true, 0, 0 },
        { "a:231072:1\n", 0, TWO, "a:231072:1\n" B L1 L2 E, 0, true, 0, 0 },
        { "a:0:100000\n", 0, ONE, "a:0:100000\n" B L1 E, 0, true, 0, 0 },
};

static void test_merge_results(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(ok_rows); i++) {
                const struct ok_row *row = &ok_rows[i];
                size_t len = row->len ? row->len : strlen(row->text);
                size_t wl = row->want_len ? row->want_len : strlen(row->want);
                struct subsync_result res;
                struct subsync_error err;
                int r = merge(row->text, len, row->es, &res, &err);
                CHECK(r == 0, "row %zu %s: %d (%u: %s)", i, esc_n(row->text, len), r, err.line, err.msg);
                if (r)
                        continue;
                CHECK(res.len == wl && (wl == 0 || memcmp(res.text, row->want, wl) == 0), "row %zu %s: got %s want %s",
                      i, esc_n(row->text, len), esc_n(res.text, res.len), esc_n(row->want, wl));
                CHECK(res.changed == row->changed, "row %zu %s: changed %d", i, esc_n(row->text, len), res.changed);
                CHECK(res.old_begin == row->old_begin && res.old_end == row->old_end,
                      "row %zu %s: old block %u-%u, want %u-%u", i, esc_n(row->text, len), res.old_begin, res.old_end,
                      row->old_begin, row->old_end);
                if (row->es.n) {
                        CHECK(res.new_lines_len == 24 * row->es.n && res.new_lines >= res.text &&
                                      res.new_lines + res.new_lines_len <= res.text + res.len,
                              "row %zu: new_lines view", i);
                }
                /* Idempotent: syncing the result again changes nothing. */
                struct subsync_result again;
                r = merge(res.text, res.len, row->es, &again, &err);
                CHECK(r == 0 && !again.changed && again.len == res.len &&
                              (res.len == 0 || memcmp(again.text, res.text, res.len) == 0),
                      "row %zu %s: second sync r=%d changed=%d", i, esc_n(row->text, len), r, r == 0 && again.changed);
                if (r == 0)
                        subsync_result_free(&again);
                subsync_result_free(&res);
        }
        CHECK_DONE();
}

static void test_merge_counts(void **state)
{
        (void)state;
        static const char t[] = "a:1:1\n# c\nbroken\n" B "1:2:3\n4:5:6\n" E "also broken\nb:2:2\n";
        struct subsync_result res;
        struct subsync_error err;
        int r = merge(t, strlen(t), ONE, &res, &err);
        CHECK(r == 0, "merge: %d", r);
        if (r == 0) {
                CHECK(res.n_foreign == 5, "n_foreign %zu", res.n_foreign);
                CHECK(res.n_unreadable == 2 && res.first_unreadable == 3, "unreadable %zu first %u", res.n_unreadable,
                      res.first_unreadable);
                CHECK(res.n_old == 2 && res.old_lines_len == 12 && memcmp(res.old_lines, "1:2:3\n4:5:6\n", 12) == 0,
                      "old block %zu %s", res.n_old, esc_n(res.old_lines, res.old_lines_len));
                subsync_result_free(&res);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- entries */

static int parse_cfg(const char *text, struct subid_config *cfg)
{
        struct config_error err;
        int r = config_parse(text, strlen(text), cfg, &err);
        if (r < 0)
                fprintf(stderr, "    config %s: %u: %s\n", esc(text), err.line, err.msg);
        return r;
}

/* Every entry must be exactly what the policy grants that UID. */
static void check_against_policy(const struct subid_config *cfg, const struct subsync_entry *e, size_t n)
{
        static struct grants g;
        struct policy_input in = { .cfg = cfg, .kind = KIND_UID, .caller_known = true };
        for (size_t i = 0; i < n; i++) {
                struct owner o = { .has_uid = true, .uid = e[i].uid };
                int r = policy_owner_ranges(&in, &o, &g, NULL);
                CHECK(r == 0 && g.n == 1 && g.g[0].src == SRC_POOL && g.g[0].r.start == e[i].start &&
                              g.g[0].r.count == e[i].count,
                      "entry %u:%u:%u is not what the policy grants (r=%d n=%zu)", e[i].uid, e[i].start, e[i].count,
                      r, g.n);
        }
}

static void test_entries(void **state)
{
        (void)state;
        struct subid_config cfg;
        struct subsync_entry *e;
        struct subsync_error err;
        size_t n;
        bool self;
        int r;

        /* The built-in defaults: self only, nothing to sync. */
        config_defaults(&cfg);
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == 0 && n == 0 && e == NULL && self, "defaults: r=%d n=%zu self=%d", r, n, self);

        /* An OpenShift project: 10 000 UIDs. */
        assert_int_equal(parse_cfg("users 1000000000-1000009999\nsubids pool 100000 65536\n", &cfg), 0);
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == 0 && n == 10000 && !self, "project: r=%d n=%zu", r, n);
        if (r == 0 && n == 10000) {
                CHECK(e[0].uid == 1000000000u && e[0].start == 100000 && e[0].count == 65536, "first %u:%u:%u",
                      e[0].uid, e[0].start, e[0].count);
                CHECK(e[9999].uid == 1000009999u && e[9999].start == 100000u + 9999u * 65536u, "last %u:%u",
                      e[9999].uid, e[9999].start);
                check_against_policy(&cfg, e, n);
                /* and the merge takes them, twice identically */
                struct subsync_result res, again;
                r = subsync_merge("", 0, e, n, &res, &err);
                CHECK(r == 0 && res.changed && memcmp(res.text, B L1, strlen(B L1)) == 0, "merge 10000: r=%d", r);
                if (r == 0) {
                        r = subsync_merge(res.text, res.len, e, n, &again, &err);
                        CHECK(r == 0 && !again.changed, "second merge r=%d", r);
                        if (r == 0)
                                subsync_result_free(&again);
                        subsync_result_free(&res);
                }
        }
        free(e);

        /* Two ranges plus self: slots continue across lines in line order;
         * self (last slot) is skipped and reported. */
        assert_int_equal(parse_cfg("users 5000-5001\nusers self\nusers 3000-3000\nsubids pool 200000 10\n", &cfg), 0);
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == 0 && n == 3 && self, "two ranges: r=%d n=%zu self=%d", r, n, self);
        if (r == 0 && n == 3) {
                CHECK(e[0].uid == 5000 && e[0].start == 200000 && e[1].uid == 5001 && e[1].start == 200010 &&
                              e[2].uid == 3000 && e[2].start == 200020 && e[2].count == 10,
                      "slots %u:%u %u:%u %u:%u", e[0].uid, e[0].start, e[1].uid, e[1].start, e[2].uid, e[2].start);
                check_against_policy(&cfg, e, n);
        }
        free(e);

        /* No pool: nothing. */
        assert_int_equal(parse_cfg("users 5000-5001\nsubids files\n", &cfg), 0);
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == 0 && n == 0 && e == NULL, "no pool: r=%d n=%zu", r, n);

        /* The cap: 65536 lines is fine, 65537 is refused with the reason. */
        assert_int_equal(parse_cfg("users 1000000000-1000065535\nsubids pool 100000 1\n", &cfg), 0);
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == 0 && n == 65536, "65536: r=%d n=%zu", r, n);
        free(e);
        assert_int_equal(parse_cfg("users 1000000000-1000065536\nsubids pool 100000 1\n", &cfg), 0);
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == -E2BIG && e == NULL && strstr(err.msg, "65537 UIDs") && strstr(err.msg, "65536"),
              "65537: r=%d msg=%s", r, err.msg);
        /* A billion UIDs is refused, not allocated. */
        assert_int_equal(parse_cfg("users 1000000000-1999999999\nsubids pool 2000000000 1\n", &cfg), 0);
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == -E2BIG && e == NULL, "a billion: r=%d", r);

        /* Hand-made configs the parser would refuse: ID 0, overflow. */
        config_defaults(&cfg);
        cfg.users_self = false;
        cfg.n_users = 1;
        cfg.users[0] = (struct users_range){ 1000, 2, 1 };
        cfg.pool_base = 0;
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == -ERANGE && e == NULL, "base 0: r=%d", r);
        cfg.pool_base = 4294900000u;
        cfg.pool_count = 65536;
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == -ERANGE && e == NULL && strstr(err.msg, "4294967295"), "overflow: r=%d %s", r, err.msg);
        cfg.pool_base = 100000;
        cfg.users[0] = (struct users_range){ 0, 2, 1 };
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &err);
        CHECK(r == -ERANGE && e == NULL, "UID 0: r=%d", r);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- size and fuzz */

/* 200 000 foreign lines and 65 536 entries: linear, and nothing lost. */
static void test_merge_huge(void **state)
{
        (void)state;
        size_t nf = 200000, ne = 65536, cap = nf * 40 + 1, len = 0;
        char *t = malloc(cap);
        struct subsync_entry *e = calloc(ne, sizeof(*e));
        assert_non_null(t);
        assert_non_null(e);
        for (size_t i = 0; i < nf; i++) /* foreign ranges far above the entries */
                len += (size_t)snprintf(t + len, cap - len, "user%zu:%zu:10\n", i, 3000000000u + i * 10);
        for (size_t i = 0; i < ne; i++)
                e[i] = (struct subsync_entry){ (uint32_t)(1000000000u + i), (uint32_t)(100000 + i * 1000), 1000 };
        struct subsync_result res, again;
        struct subsync_error err;
        int r = subsync_merge(t, len, e, ne, &res, &err);
        CHECK(r == 0, "huge merge: %d %s", r, err.msg);
        if (r == 0) {
                CHECK(res.len > len && memcmp(res.text, t, len) == 0, "foreign prefix kept");
                CHECK(res.n_foreign == nf, "n_foreign %zu", res.n_foreign);
                r = subsync_merge(res.text, res.len, e, ne, &again, &err);
                CHECK(r == 0 && !again.changed, "huge second merge: %d", r);
                if (r == 0)
                        subsync_result_free(&again);
                subsync_result_free(&res);
        }
        /* One conflicting line at the very end is found, with its line. */
        len += (size_t)snprintf(t + len, cap - len, "late:%u:1\n", 100000u + 65535u * 1000u + 999u);
        r = subsync_merge(t, len, e, ne, &res, &err);
        CHECK(r == -EINVAL && err.line == nf + 1, "late conflict: r=%d line=%u", r, err.line);
        if (r == 0)
                subsync_result_free(&res);
        free(t);
        free(e);
        CHECK_DONE();
}

/* Remove the block (if any) from a text, as a reference for "foreign lines kept". */
static size_t strip_block(const char *t, size_t len, char *out)
{
        const char *b = NULL, *e = NULL;
        size_t bl = strlen(B), el = strlen(SUBSYNC_END);
        for (const char *p = t; p < t + len;) {
                const char *nl = memchr(p, '\n', (size_t)(t + len - p));
                size_t ll = nl ? (size_t)(nl - p) : (size_t)(t + len - p);
                if (!b && ll == bl - 1 && memcmp(p, B, ll) == 0)
                        b = p;
                else if (b && !e && ll == el && memcmp(p, SUBSYNC_END, el) == 0)
                        e = nl ? nl + 1 : t + len;
                p += ll + (nl ? 1 : 0);
        }
        if (!b || !e) {
                memcpy(out, t, len);
                return len;
        }
        memcpy(out, t, (size_t)(b - t));
        memcpy(out + (b - t), e, (size_t)(t + len - e));
        return len - (size_t)(e - b);
}

static void test_merge_random(void **state)
{
        (void)state;
        static const char *frags[] = {
                "alice:200000:65536", "1000000000:100000:65536", "bob:100000:1", "# comment", "", " ", "\r",
                "junk", "a:b:c", "x:1:1:1", SUBSYNC_BEGIN, SUBSYNC_END, "# BEGIN nss_subid", "1:2:3", ":",
                "\xff\xfe", "carol: 165536 :2", "d:+99999:1", "#x:100000:1",
        };
        ut_seed(20261123);
        for (int iter = 0; iter < 4000; iter++) {
                char t[512], st1[1024], st2[1024];
                size_t len = 0;
                int nl = (int)ut_randn(8);
                for (int k = 0; k < nl; k++) {
                        const char *f = frags[ut_randn(UT_ARRAY_SIZE(frags))];
                        size_t fl = strlen(f);
                        if (len + fl + 2 >= sizeof(t))
                                break;
                        memcpy(t + len, f, fl);
                        len += fl;
                        if (ut_randn(10))
                                t[len++] = '\n';
                        if (!ut_randn(20))
                                t[len++] = '\0';
                }
                struct ents es = ut_randn(3) == 0 ? NONE : ut_randn(2) ? ONE : TWO;
                struct subsync_result res;
                struct subsync_error err;
                int r = merge(t, len, es, &res, &err);
                if (r < 0) {
                        CHECK(r == -EINVAL && err.line <= (unsigned)nl + 1 && err.msg[0],
                              "iter %d %s: r=%d line=%u", iter, esc_n(t, len), r, err.line);
                        continue;
                }
                /* Foreign text is kept: without the blocks, old and new
                 * differ at most by the '\n' added before an appended block. */
                size_t l1 = strip_block(t, len, st1), l2 = strip_block(res.text, res.len, st2);
                bool same = l1 == l2 && memcmp(st1, st2, l1) == 0;
                bool plus_nl = l2 == l1 + 1 && memcmp(st1, st2, l1) == 0 && st2[l1] == '\n';
                CHECK(same || plus_nl, "iter %d %s -> %s: foreign text changed", iter, esc_n(t, len),
                      esc_n(res.text, res.len));
                struct subsync_result again;
                r = merge(res.text, res.len, es, &again, &err);
                CHECK(r == 0 && !again.changed, "iter %d %s: not idempotent (r=%d)", iter, esc_n(t, len), r);
                if (r == 0)
                        subsync_result_free(&again);
                subsync_result_free(&res);
        }
        CHECK_DONE();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_merge_refusals),
                cmocka_unit_test(test_merge_bad_entries),
                cmocka_unit_test(test_merge_results),
                cmocka_unit_test(test_merge_counts),
                cmocka_unit_test(test_entries),
                cmocka_unit_test(test_merge_huge),
                cmocka_unit_test(test_merge_random),
        };
        UT_RUN(tests);
}
