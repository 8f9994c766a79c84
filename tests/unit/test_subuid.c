/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/subuid.c: colon_db_parse, colon_db_has_name, colon_db_has_id. */
#include <errno.h>

#include "subid/nsswitch.h"
#include "subid/subuid.h"
#include "ut_common.h"

static int parse(const char *text, size_t len, enum colon_format fmt, struct colon_db *db)
{
        char *p = ut_exact(text, len);
        memset(db, 0x5a, sizeof(*db));
        int ret = colon_db_parse(p, len, fmt, db);
        /* the db keeps its own copy: scribble over and free the input */
        memset(p, '#', len);
        free(p);
        return ret;
}

static const char *fmt_name(enum colon_format f)
{
        return f == COLON_SUBID ? "SUBID" : f == COLON_PASSWD ? "PASSWD" : "GROUP";
}

/* ---------------------------------------------------------------- single lines */

struct line_row {
        enum colon_format fmt;
        const char *text;
        size_t len; /* 0: strlen */
        bool good;
        const char *owner;
        uint32_t id;
        uint32_t count;
};

static const struct line_row line_rows[] = {
        /* SUBID: malformed */
        { COLON_SUBID, "a:0:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:0:65536\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:0\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:100000:0\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:4294967295:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:4294967295\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:4294967294:2\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:2147483648:2147483648\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:4294967295:4294967295\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:4294967296:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:4294967296\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:18446744073709551617:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:18446744073709551616\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, ":1:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, ":100000:65536\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, ":\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "::\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, ":::\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:1:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:1:\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a::1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:01:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:01\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:00:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:+1:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:+1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:-1:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:-1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a: 1:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1 :1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:1 \n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:1\t\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:1\r\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:0x1:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:0x10\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1e5:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:100000:65536x\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:\xd9\xa1:1\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, " \n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, " #x\n", 0, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:1\0\n", 7, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1\0:1\n", 7, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:1\0", 6, false, NULL, 0, 0 },
        { COLON_SUBID, "a:1:1", 0, true, "a", 1, 1 }, /* no newline at end is fine */
        /* SUBID: good */
        { COLON_SUBID, "alice:100000:65536\n", 0, true, "alice", 100000, 65536 },
        { COLON_SUBID, "1000:100000:65536\n", 0, true, "1000", 100000, 65536 },
        { COLON_SUBID, "u1000590000:100000:65536\n", 0, true, "u1000590000", 100000, 65536 },
        { COLON_SUBID, "a:1:1\n", 0, true, "a", 1, 1 },
        { COLON_SUBID, "a:4294967294:1\n", 0, true, "a", 4294967294u, 1 },
        { COLON_SUBID, "a:1:4294967294\n", 0, true, "a", 1, 4294967294u },
        { COLON_SUBID, "a:2147483648:2147483647\n", 0, true, "a", 2147483648u, 2147483647u },
        /* PASSWD */
        { COLON_PASSWD, "root:x:0:0:root:/root:/bin/bash\n", 0, true, "root", 0, 0 },
        { COLON_PASSWD, "alice:x:1000:1000::/home/alice:/bin/sh\n", 0, true, "alice", 1000, 0 },
        { COLON_PASSWD, "a:x:1:1:::\n", 0, true, "a", 1, 0 },
        { COLON_PASSWD, "a:x:1:1:g:/h:", 0, true, "a", 1, 0 },
        { COLON_PASSWD, "nobody:x:65534:65534:nobody:/:/usr/sbin/nologin\n", 0, true, "nobody", 65534, 0 },
        { COLON_PASSWD, "big:x:4294967294:1:::\n", 0, true, "big", 4294967294u, 0 },
        { COLON_PASSWD, "a:x:1:1:g:/h\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "a:x:1:1:g:/h:/s:extra\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "a:x:1\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "a:x::1:g:/h:/s\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "a:x:01:1:g:/h:/s\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "a:x:-1:1:g:/h:/s\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "a:x: 1:1:g:/h:/s\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "a:x:0x1:1:g:/h:/s\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "a:x:4294967296:1:g:/h:/s\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, ":x:1:1:g:/h:/s\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "+::::::\n", 0, false, NULL, 0, 0 },
        { COLON_PASSWD, "alice:100000:65536\n", 0, false, NULL, 0, 0 },
        /* GROUP */
        { COLON_GROUP, "wheel:x:10:alice,bob\n", 0, true, "wheel", 10, 0 },
        { COLON_GROUP, "g:x:10:\n", 0, true, "g", 10, 0 },
        { COLON_GROUP, "root:x:0:\n", 0, true, "root", 0, 0 },
        { COLON_GROUP, "g:x:10:", 0, true, "g", 10, 0 },
        { COLON_GROUP, "g:x:10\n", 0, false, NULL, 0, 0 },
        { COLON_GROUP, "g:x:10:a:b\n", 0, false, NULL, 0, 0 },
        { COLON_GROUP, "g:x:010:\n", 0, false, NULL, 0, 0 },
        { COLON_GROUP, "g:x::\n", 0, false, NULL, 0, 0 },
        { COLON_GROUP, ":x:10:\n", 0, false, NULL, 0, 0 },
        { COLON_GROUP, "g:x:1e1:\n", 0, false, NULL, 0, 0 },
        { COLON_GROUP, "root:x:0:0:root:/root:/bin/bash\n", 0, false, NULL, 0, 0 },
};

static void test_colon_single_lines(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(line_rows); i++) {
                const struct line_row *r = &line_rows[i];
                size_t len = r->len ? r->len : strlen(r->text);
                struct colon_db db;
                int ret = parse(r->text, len, r->fmt, &db);
                CHECK(ret == 0, "colon_db_parse(%s, %s) = %d", fmt_name(r->fmt), esc_n(r->text, len), ret);
                if (ret != 0)
                        continue;
                if (r->good) {
                        CHECK(db.n == 1 && db.n_bad == 0, "colon_db_parse(%s, %s): n=%zu n_bad=%zu, want 1/0", fmt_name(r->fmt),
                              esc_n(r->text, len), db.n, db.n_bad);
                        if (db.n == 1) {
                                const struct colon_entry *e = &db.e[0];
                                CHECK(e->owner && !strcmp(e->owner, r->owner) && e->id == r->id && e->line == 1 &&
                                              (r->fmt != COLON_SUBID || e->count == r->count),
                                      "colon_db_parse(%s, %s): owner %s id %u count %u line %u", fmt_name(r->fmt),
                                      esc_n(r->text, len), esc(e->owner), e->id, e->count, e->line);
                                CHECK(colon_db_has_name(&db, r->owner), "has_name(%s)", r->owner);
                                CHECK(colon_db_has_id(&db, r->id), "has_id(%u)", r->id);
                        }
                } else {
                        CHECK(db.n == 0 && db.n_bad == 1 && db.first_bad_line == 1,
                              "colon_db_parse(%s, %s): n=%zu n_bad=%zu first_bad=%u, want 0/1/1", fmt_name(r->fmt),
                              esc_n(r->text, len), db.n, db.n_bad, db.first_bad_line);
                }
                colon_db_free(&db);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- multi-line */

static void test_colon_mixed(void **state)
{
        (void)state;
        struct colon_db db;
        const char *t = "# header\n"
                        "\n"
                        "alice:100000:65536\n"     /* 3 */
                        "bad line\n"               /* 4 bad */
                        "bob:165536:65536\n"       /* 5 */
                        "#carol:1:1\n"             /* 6 comment */
                        "carol:0:1\n"              /* 7 bad */
                        "1000:231072:65536\n"      /* 8 */
                        "\n"
                        "dave:1:4294967295\n"      /* 10 bad */
                        "alice:300000:10";         /* 11, no newline */
        int ret = parse(t, strlen(t), COLON_SUBID, &db);
        assert_int_equal(ret, 0);
        CHECK(db.n == 4, "n = %zu", db.n);
        CHECK(db.n_bad == 3, "n_bad = %zu", db.n_bad);
        CHECK(db.first_bad_line == 4, "first_bad_line = %u", db.first_bad_line);
        static const struct {
                const char *o;
                uint32_t id, count;
                unsigned line;
        } want[] = {
                { "alice", 100000, 65536, 3 },
                { "bob", 165536, 65536, 5 },
                { "1000", 231072, 65536, 8 },
                { "alice", 300000, 10, 11 },
        };
        for (size_t i = 0; i < 4 && i < db.n; i++)
                CHECK(!strcmp(db.e[i].owner, want[i].o) && db.e[i].id == want[i].id && db.e[i].count == want[i].count &&
                              db.e[i].line == want[i].line,
                      "e[%zu] = %s %u %u line %u", i, esc(db.e[i].owner), db.e[i].id, db.e[i].count, db.e[i].line);
        CHECK(colon_db_has_name(&db, "alice"), "has alice");
        CHECK(colon_db_has_name(&db, "bob"), "has bob");
        CHECK(colon_db_has_name(&db, "1000"), "has 1000");
        CHECK(!colon_db_has_name(&db, "carol"), "carol only in comment and bad line");
        CHECK(!colon_db_has_name(&db, "dave"), "dave only in bad line");
        CHECK(!colon_db_has_name(&db, "bad line"), "bad line");
        CHECK(!colon_db_has_name(&db, "# header"), "comment");
        CHECK(!colon_db_has_name(&db, "#carol"), "#carol");
        CHECK(!colon_db_has_name(&db, ""), "empty name");
        CHECK(!colon_db_has_name(&db, "ali"), "prefix of alice");
        CHECK(!colon_db_has_name(&db, "alicex"), "alice + x");
        CHECK(!colon_db_has_name(&db, "Alice"), "case");
        CHECK(!colon_db_has_name(&db, "100000"), "start is not a name");
        colon_db_free(&db);

        /* first_bad_line is the first, not the last */
        t = "a:1:1\nx\ny\nb:2:2\nz\n";
        ret = parse(t, strlen(t), COLON_SUBID, &db);
        assert_int_equal(ret, 0);
        CHECK(db.n == 2 && db.n_bad == 3 && db.first_bad_line == 2, "n=%zu bad=%zu first=%u", db.n, db.n_bad, db.first_bad_line);
        colon_db_free(&db);

        /* no bad lines: n_bad 0 */
        t = "a:1:1\n";
        ret = parse(t, strlen(t), COLON_SUBID, &db);
        CHECK(ret == 0 && db.n_bad == 0, "n_bad = %zu", db.n_bad);
        colon_db_free(&db);
        CHECK_DONE();
}

static void test_colon_empty_and_comments(void **state)
{
        (void)state;
        static const char *rows[] = { "", "\n", "\n\n\n", "#\n", "# x:1:1\n", "#a:1:1", "\n#\n\n#x\n" };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++)
                for (int f = COLON_SUBID; f <= COLON_GROUP; f++) {
                        struct colon_db db;
                        int ret = parse(rows[i], strlen(rows[i]), (enum colon_format)f, &db);
                        CHECK(ret == 0 && db.n == 0 && db.n_bad == 0, "colon_db_parse(%s, %s) = %d n=%zu bad=%zu",
                              fmt_name((enum colon_format)f), esc(rows[i]), ret, db.n, db.n_bad);
                        if (ret == 0) {
                                CHECK(!colon_db_has_name(&db, "a") && !colon_db_has_name(&db, "x") && !colon_db_has_id(&db, 1),
                                      "empty db lookups");
                                colon_db_free(&db);
                        }
                }
        CHECK_DONE();
}

/* A NUL byte in a line must never make a different owner appear. */
static void test_colon_nul_never_truncates_owner(void **state)
{
        (void)state;
        static const struct {
                enum colon_format f;
                const char *t;
                size_t len;
                const char *not_name;
        } rows[] = {
                { COLON_SUBID, "a\0b:1:1\n", 8, "a" },
                { COLON_SUBID, "root\0evil:100000:65536\n", 23, "root" },
                { COLON_PASSWD, "a\0b:x:5:5:::\n", 13, "a" },
                { COLON_GROUP, "a\0b:x:5:\n", 9, "a" },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct colon_db db;
                int ret = parse(rows[i].t, rows[i].len, rows[i].f, &db);
                CHECK(ret == 0, "parse = %d", ret);
                if (ret == 0) {
                        CHECK(!colon_db_has_name(&db, rows[i].not_name), "colon_db_parse(%s): has_name(%s) after NUL",
                              esc_n(rows[i].t, rows[i].len), rows[i].not_name);
                        colon_db_free(&db);
                }
        }
        CHECK_DONE();
}

static void test_colon_has_id(void **state)
{
        (void)state;
        struct colon_db db;
        const char *pw = "root:x:0:0:root:/root:/bin/bash\n"
                         "alice:x:1000:1000::/home/alice:/bin/sh\n"
                         "evil:x:01001:0:::\n"
                         "evil2:x:1002:0::\n"
                         "big:x:4294967294:0:::\n";
        int ret = parse(pw, strlen(pw), COLON_PASSWD, &db);
        assert_int_equal(ret, 0);
        CHECK(db.n == 3 && db.n_bad == 2 && db.first_bad_line == 3, "n=%zu bad=%zu first=%u", db.n, db.n_bad, db.first_bad_line);
        CHECK(colon_db_has_id(&db, 0), "has 0");
        CHECK(colon_db_has_id(&db, 1000), "has 1000");
        CHECK(colon_db_has_id(&db, 4294967294u), "has 4294967294");
        CHECK(!colon_db_has_id(&db, 1001), "01001 is malformed");
        CHECK(!colon_db_has_id(&db, 1002), "evil2 has 6 fields");
        CHECK(!colon_db_has_id(&db, 1), "1");
        CHECK(!colon_db_has_id(&db, 4294967295u), "-1");
        CHECK(colon_db_has_name(&db, "root") && colon_db_has_name(&db, "alice") && colon_db_has_name(&db, "big"), "names");
        CHECK(!colon_db_has_name(&db, "evil") && !colon_db_has_name(&db, "evil2"), "bad names");
        CHECK(!colon_db_has_name(&db, "x"), "password field is not a name");
        CHECK(!colon_db_has_name(&db, "/root"), "home is not a name");
        colon_db_free(&db);

        const char *gr = "root:x:0:\nwheel:x:10:alice\nusers:x:100:\nbad:x:abc:\n";
        ret = parse(gr, strlen(gr), COLON_GROUP, &db);
        assert_int_equal(ret, 0);
        CHECK(db.n == 3 && db.n_bad == 1 && db.first_bad_line == 4, "group n=%zu bad=%zu first=%u", db.n, db.n_bad,
              db.first_bad_line);
        CHECK(colon_db_has_id(&db, 10) && colon_db_has_id(&db, 100) && colon_db_has_id(&db, 0), "group ids");
        CHECK(!colon_db_has_id(&db, 11), "group 11");
        CHECK(colon_db_has_name(&db, "wheel") && !colon_db_has_name(&db, "alice") && !colon_db_has_name(&db, "bad"),
              "group names (members are not names)");
        colon_db_free(&db);
        CHECK_DONE();
}

/* Large file, and the exact-size buffer (ASan) with no trailing newline. */
static void test_colon_large(void **state)
{
        (void)state;
        size_t n = 20000;
        char *t = malloc(n * 40);
        assert_non_null(t);
        size_t o = 0;
        for (size_t i = 0; i < n; i++)
                o += (size_t)sprintf(t + o, i % 7 == 3 ? "user%zu:0:%u\n" : "user%zu:%u:65536\n", i,
                                     (unsigned)(100000 + i * 65536 % 4000000000u));
        o--; /* drop the last newline */
        struct colon_db db;
        int ret = parse(t, o, COLON_SUBID, &db);
        assert_int_equal(ret, 0);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++)
                bad += i % 7 == 3;
        CHECK(db.n == n - bad && db.n_bad == bad && db.first_bad_line == 4, "n=%zu bad=%zu first=%u", db.n, db.n_bad,
              db.first_bad_line);
        CHECK(colon_db_has_name(&db, "user19999") && !colon_db_has_name(&db, "user3") && !colon_db_has_name(&db, "user20000"),
              "lookups");
        CHECK(db.n > 0 && db.e[db.n - 1].line == n, "last line number %u", db.n ? db.e[db.n - 1].line : 0);
        colon_db_free(&db);
        free(t);
        CHECK_DONE();
}

/* Random junk: parse never fails (except ENOMEM), every kept entry is valid. */
static void test_colon_random(void **state)
{
        (void)state;
        static const char alpha[] = "ab01:::\n\n#9 0x-+\xff";
        ut_seed(1234);
        for (int it = 0; it < 30000 && ut_failures < 20; it++) {
                char buf[128];
                size_t len = (size_t)ut_randn(sizeof(buf));
                for (size_t i = 0; i < len; i++)
                        buf[i] = alpha[ut_randn(sizeof(alpha) - 1)];
                if (ut_randn(4) == 0 && len > 0)
                        buf[ut_randn(len)] = 0;
                enum colon_format f = (enum colon_format)ut_randn(3);
                struct colon_db db;
                int ret = parse(buf, len, f, &db);
                CHECK(ret == 0, "parse = %d", ret);
                if (ret)
                        continue;
                for (size_t i = 0; i < db.n; i++) {
                        const struct colon_entry *e = &db.e[i];
                        bool ok = e->owner && e->owner[0] && !strchr(e->owner, ':') && !strchr(e->owner, '\n') && e->line >= 1;
                        if (f == COLON_SUBID)
                                ok = ok && e->id >= 1 && e->count >= 1 && (uint64_t)e->id + e->count <= 4294967295ull;
                        CHECK(ok, "%s %s: bad entry %s %u %u", fmt_name(f), esc_n(buf, len), esc(e->owner), e->id, e->count);
                }
                colon_db_free(&db);
        }
        CHECK_DONE();
}

/* colon_db_each_overlap: exactly the lines a brute-force scan finds. */
static int collect(const struct colon_entry *e, void *ctx)
{
        uint64_t *mask = ctx;
        *mask |= 1ull << (e->line - 1);
        return 0;
}

static void test_colon_each_overlap(void **state)
{
        (void)state;
        static const char text[] = "a:100:10\nb:50:5\nc:1:4294967294\nd:200:1\n#x:1:1\ne:105:1\nf:300:100\nbad\ng:110:1\n";
        struct colon_db db;
        assert_int_equal(colon_db_parse(text, strlen(text), COLON_SUBID, &db), 0);
        /* c covers everything except 0 and 4294967295; without it, small disjoint sets */
        static const uint64_t q[][2] = { { 0, 1 }, { 1, 1 }, { 100, 1 }, { 109, 2 }, { 105, 1 }, { 54, 47 }, { 55, 45 },
                                         { 200, 1 }, { 201, 99 }, { 399, 1 }, { 400, 1 }, { 4294967294ull, 1 }, { 0, 4294967295ull } };
        for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
                uint64_t got = 0, want = 0;
                colon_db_each_overlap(&db, q[i][0], q[i][1], collect, &got);
                for (size_t j = 0; j < db.n; j++) {
                        uint64_t a = db.e[j].id, b = a + db.e[j].count;
                        if (a < q[i][0] + q[i][1] && q[i][0] < b)
                                want |= 1ull << (db.e[j].line - 1);
                }
                CHECK(got == want, "overlap(%llu,+%llu) lines %#llx, want %#llx", (unsigned long long)q[i][0],
                      (unsigned long long)q[i][1], (unsigned long long)got, (unsigned long long)want);
        }
        colon_db_free(&db);
        /* an empty database and a count of 0 visit nothing */
        uint64_t got = 0;
        assert_int_equal(colon_db_parse("", 0, COLON_SUBID, &db), 0);
        CHECK(colon_db_each_overlap(&db, 1, 10, collect, &got) == 0 && got == 0, "empty db visited %#llx",
              (unsigned long long)got);
        colon_db_free(&db);
        CHECK_DONE();
}

/* nsswitch_services: glibc's line syntax, hostile names left out. */
static void test_nsswitch(void **state)
{
        (void)state;
        static const struct {
                const char *text, *db;
                int ret;
                const char *want; /* services joined by ',' */
        } rows[] = {
                { "passwd: files subid\n", "passwd", 0, "files,subid" },
                { "passwd:files sss [NOTFOUND=return] subid\n", "passwd", 0, "files,sss,subid" },
                { "  passwd : files systemd # comment\n", "passwd", 0, "files,systemd" },
                { "passwd:\n", "passwd", 0, "" },
                { "group: files\npasswd: compat ldap\npasswd: files\n", "passwd", 0, "compat,ldap" },
                { "#passwd: sss\npasswd: files\n", "passwd", 0, "files" },
                { "passwdx: sss\n", "passwd", -ENOENT, "" },
                { "shadow: files\n", "passwd", -ENOENT, "" },
                { "", "passwd", -ENOENT, "" },
                { "passwd: ../../tmp/evil Files a/b sss\n", "passwd", 0, "sss" },
                { "passwd: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa sss\n", "passwd", 0, "sss" },
                { "passwd: files[NOTFOUND=return]sss\n", "passwd", 0, "files,sss" },
                { "passwd: files [NOTFOUND=return", "passwd", 0, "files" },
        };
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                struct nss_services out;
                char got[256] = "";
                int r = nsswitch_services(rows[i].text, strlen(rows[i].text), rows[i].db, &out);
                for (size_t j = 0; r == 0 && j < out.n; j++) {
                        strcat(got, j ? "," : "");
                        strcat(got, out.name[j]);
                }
                CHECK(r == rows[i].ret && strcmp(got, rows[i].want) == 0, "row %zu: %d '%s', want %d '%s'", i, r, got,
                      rows[i].ret, rows[i].want);
        }
        CHECK_DONE();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_colon_single_lines),
                cmocka_unit_test(test_colon_mixed),
                cmocka_unit_test(test_colon_empty_and_comments),
                cmocka_unit_test(test_colon_nul_never_truncates_owner),
                cmocka_unit_test(test_colon_has_id),
                cmocka_unit_test(test_colon_large),
                cmocka_unit_test(test_colon_random),
                cmocka_unit_test(test_colon_each_overlap),
                cmocka_unit_test(test_nsswitch),
        };
        UT_RUN(tests);
}
