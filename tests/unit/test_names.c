/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/names.c: name_for_id, id_for_name, subname_format, subname_parse. */
#include <errno.h>

#include "subid/names.h"
#include "subid/strutils.h"
#include "ut_common.h"

static void cfg_with_prefix(struct subid_config *c, const char *prefix)
{
        config_defaults(c);
        snprintf(c->name_prefix, sizeof(c->name_prefix), "%s", prefix);
}

/* ---------------------------------------------------------------- name_for_id */

static void test_name_for_id(void **state)
{
        (void)state;
        static const struct {
                const char *prefix;
                uint32_t id;
                const char *want;
        } rows[] = {
                { "u", 0, "u0" },
                { "u", 1, "u1" },
                { "u", 10, "u10" },
                { "u", 1000, "u1000" },
                { "u", 65536, "u65536" },
                { "u", 1000590000u, "u1000590000" },
                { "u", 2147483648u, "u2147483648" },
                { "u", 4294967294u, "u4294967294" },
                { "u", 4294967295u, "u4294967295" },
                { "user", 1000590000u, "user1000590000" },
                { "_", 5, "_5" },
                { "a-", 5, "a-5" },
                { "abcdefghijklmnopqrst", 4294967295u, "abcdefghijklmnopqrst4294967295" },
                { "abcdefghijklmnopqrst", 0, "abcdefghijklmnopqrst0" },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct subid_config c;
                cfg_with_prefix(&c, rows[i].prefix);
                char buf[64];
                memset(buf, 'X', sizeof(buf));
                int ret = name_for_id(&c, rows[i].id, buf, sizeof(buf));
                CHECK(ret == (int)strlen(rows[i].want) && !strcmp(buf, rows[i].want), "name_for_id(%s, %u) = %d %s, want %s",
                      rows[i].prefix, rows[i].id, ret, esc_n(buf, strnlen(buf, sizeof(buf))), rows[i].want);

                /* exact-size heap buffer: fits */
                size_t need = strlen(rows[i].want) + 1;
                char *hb = malloc(need);
                assert_non_null(hb);
                ret = name_for_id(&c, rows[i].id, hb, need);
                CHECK(ret == (int)need - 1 && !strcmp(hb, rows[i].want), "name_for_id(%s, %u, bufsz=%zu) = %d", rows[i].prefix,
                      rows[i].id, need, ret);
                free(hb);
                /* one byte short: must fail without writing past the buffer */
                hb = malloc(need - 1);
                assert_non_null(hb);
                ret = name_for_id(&c, rows[i].id, hb, need - 1);
                CHECK(ret < 0, "name_for_id(%s, %u, bufsz=%zu) = %d, want error", rows[i].prefix, rows[i].id, need - 1, ret);
                free(hb);
                /* tiny buffers */
                char one[1];
                ret = name_for_id(&c, rows[i].id, one, 1);
                CHECK(ret < 0, "name_for_id(bufsz=1) = %d", ret);
                ret = name_for_id(&c, rows[i].id, one, 0);
                CHECK(ret < 0, "name_for_id(bufsz=0) = %d", ret);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- id_for_name */

static void test_id_for_name(void **state)
{
        (void)state;
        static const struct {
                const char *prefix;
                const char *name;
                int ret;
                uint32_t id;
        } rows[] = {
                /* hostile */
                { "u", "", -ENOENT, 0 },
                { "u", "u", -ENOENT, 0 },
                { "u", "u01", -ENOENT, 0 },
                { "u", "u00", -ENOENT, 0 },
                { "u", "u000", -ENOENT, 0 },
                { "u", "u-1", -ENOENT, 0 },
                { "u", "u+1", -ENOENT, 0 },
                { "u", "u1 ", -ENOENT, 0 },
                { "u", " u1", -ENOENT, 0 },
                { "u", "u 1", -ENOENT, 0 },
                { "u", "u1\n", -ENOENT, 0 },
                { "u", "u1\t", -ENOENT, 0 },
                { "u", "U1", -ENOENT, 0 },
                { "u", "uu1", -ENOENT, 0 },
                { "u", "u1a", -ENOENT, 0 },
                { "u", "u0x10", -ENOENT, 0 },
                { "u", "u1e3", -ENOENT, 0 },
                { "u", "u1.0", -ENOENT, 0 },
                { "u", "u4294967296", -ENOENT, 0 },
                { "u", "u4294967297", -ENOENT, 0 },
                { "u", "u8589934592", -ENOENT, 0 },
                { "u", "u18446744073709551616", -ENOENT, 0 },
                { "u", "u99999999999999999999999999999999999999", -ENOENT, 0 },
                { "u", "u\xd9\xa1", -ENOENT, 0 },
                { "u", "1", -ENOENT, 0 },
                { "u", "1000590000", -ENOENT, 0 },
                { "u", "x1", -ENOENT, 0 },
                { "u", "user1", -ENOENT, 0 },
                { "u", "root", -ENOENT, 0 },
                { "u", "u1000590000-0", -ENOENT, 0 },
                { "u", "u1:", -ENOENT, 0 },
                { "u", "u1/", -ENOENT, 0 },
                { "user", "u1", -ENOENT, 0 },
                { "user", "user", -ENOENT, 0 },
                { "user", "users1", -ENOENT, 0 },
                { "user", "userx1", -ENOENT, 0 },
                { "user", "use1", -ENOENT, 0 },
                { "user", "USER1", -ENOENT, 0 },
                { "user", "user01", -ENOENT, 0 },
                { "a-", "a5", -ENOENT, 0 },
                { "a-", "a--5", -ENOENT, 0 },
                /* good */
                { "u", "u0", 0, 0 },
                { "u", "u1", 0, 1 },
                { "u", "u10", 0, 10 },
                { "u", "u1000", 0, 1000 },
                { "u", "u1000590000", 0, 1000590000u },
                { "u", "u4294967294", 0, 4294967294u },
                { "user", "user1", 0, 1 },
                { "user", "user1000590000", 0, 1000590000u },
                { "a-", "a-5", 0, 5 },
                { "_", "_0", 0, 0 },
                { "abcdefghijklmnopqrst", "abcdefghijklmnopqrst4294967294", 0, 4294967294u },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct subid_config c;
                cfg_with_prefix(&c, rows[i].prefix);
                char *n = ut_strdup_exact(rows[i].name);
                uint32_t id = 0xdeadbeef;
                int ret = id_for_name(&c, n, &id);
                CHECK(ret == rows[i].ret, "id_for_name(prefix %s, %s) = %d, want %d", rows[i].prefix, esc(rows[i].name), ret,
                      rows[i].ret);
                if (rows[i].ret == 0)
                        CHECK(id == rows[i].id, "id_for_name(prefix %s, %s) -> %u, want %u", rows[i].prefix, esc(rows[i].name), id,
                              rows[i].id);
                free(n);
        }
        CHECK_DONE();
}

static void test_name_id_roundtrip(void **state)
{
        (void)state;
        static const char *prefixes[] = { "u", "user", "_", "a_b", "abcdefghijklmnopqrst" };
        ut_seed(77);
        for (size_t p = 0; p < UT_ARRAY_SIZE(prefixes); p++) {
                struct subid_config c;
                cfg_with_prefix(&c, prefixes[p]);
                for (int it = 0; it < 20000 && ut_failures < 20; it++) {
                        uint32_t id = (uint32_t)(it < 1000 ? (uint64_t)it : ut_rand());
                        if (id == 4294967295u)
                                continue;
                        char buf[NAME_MAX_LEN + 1];
                        int ret = name_for_id(&c, id, buf, sizeof(buf));
                        CHECK(ret > 0 && name_is_valid(buf), "name_for_id(%s, %u) = %d", prefixes[p], id, ret);
                        uint32_t back = 0;
                        ret = id_for_name(&c, buf, &back);
                        CHECK(ret == 0 && back == id, "id_for_name(%s) = %d/%u, want %u", buf, ret, back, id);
                        /* with a leading zero inserted after the prefix, never */
                        char z[64];
                        snprintf(z, sizeof(z), "%s0%u", prefixes[p], id);
                        ret = id_for_name(&c, z, &back);
                        CHECK(ret == -ENOENT, "id_for_name(%s) = %d, want -ENOENT", z, ret);
                }
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- subname_format */

#define O29 "abcdefghijklmnopqrstuvwxyz012"
#define O30 O29 "3"
#define O20 "abcdefghijklmnopqrst"

static void test_subname_format(void **state)
{
        (void)state;
        static const struct {
                const char *owner;
                uint64_t off;
                const char *want; /* NULL: -ENAMETOOLONG */
        } rows[] = {
                /* hostile */
                { "", 0, NULL },
                { "", 5, NULL },
                { ":", 0, NULL },
                { "a:b", 0, NULL },
                { "a/b", 0, NULL },
                { "a b", 0, NULL },
                { "a\n", 0, NULL },
                { "a.b", 0, NULL },
                { "\xc3\xa9", 0, NULL },
                { "1", 0, NULL },
                { "1000", 0, NULL },
                { "-", 0, NULL },
                { "-a", 0, NULL },
                { O30, 0, NULL },                       /* 32 bytes */
                { O30 "4", 0, NULL },
                { O29, 10, NULL },                      /* 29 + 3 = 32 */
                { O20, 10000000000ull, NULL },          /* 20 + 1 + 11 = 32 */
                { O20, UINT64_MAX, NULL },
                /* good */
                { "a", 0, "a-0" },
                { "A", 0, "A-0" },
                { "_", 0, "_-0" },
                { "alice", 65535, "alice-65535" },
                { "u1000590000", 0, "u1000590000-0" },
                { "u1000590000", 65535, "u1000590000-65535" },
                { "u1000590000", 4294967295ull, "u1000590000-4294967295" },
                { "a-b", 3, "a-b-3" },
                { "a", UINT64_MAX, NULL }, /* past 32 bits: no name (parse could not read it back) */
                { "a", 4294967296ull, NULL },
                { "a", 4294967295ull, "a-4294967295" },
                { O29, 0, O29 "-0" },                   /* 31 bytes */
                { O29, 9, O29 "-9" },
                { O20, 9999999999ull, NULL },           /* past 32 bits */
                { O20, 4294967295ull, O20 "-4294967295" }, /* 31 */
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                char buf[64];
                memset(buf, 'X', sizeof(buf));
                char *o = ut_strdup_exact(rows[i].owner);
                int ret = subname_format(o, rows[i].off, buf, sizeof(buf));
                if (rows[i].want)
                        CHECK(ret == (int)strlen(rows[i].want) && !strcmp(buf, rows[i].want), "subname_format(%s, %llu) = %d %s, want %s",
                              esc(rows[i].owner), (unsigned long long)rows[i].off, ret, esc_n(buf, strnlen(buf, sizeof(buf))),
                              rows[i].want);
                else
                        CHECK(ret == -ENAMETOOLONG, "subname_format(%s, %llu) = %d, want -ENAMETOOLONG", esc(rows[i].owner),
                              (unsigned long long)rows[i].off, ret);
                if (rows[i].want) {
                        size_t need = strlen(rows[i].want) + 1;
                        char *hb = malloc(need);
                        assert_non_null(hb);
                        ret = subname_format(o, rows[i].off, hb, need);
                        CHECK(ret == (int)need - 1 && !strcmp(hb, rows[i].want), "subname_format exact bufsz %zu = %d", need, ret);
                        free(hb);
                        hb = malloc(need - 1);
                        assert_non_null(hb);
                        ret = subname_format(o, rows[i].off, hb, need - 1);
                        CHECK(ret < 0, "subname_format(%s, %llu, bufsz %zu) = %d, want error", esc(rows[i].owner),
                              (unsigned long long)rows[i].off, need - 1, ret);
                        free(hb);
                }
                free(o);
        }
        /* 10 + 1 + 20 = 31 bytes would fit, but the offset is past 32 bits:
         * no name, so that subname_parse stays the exact inverse */
        char buf[64];
        int ret = subname_format("abcdefghij", UINT64_MAX, buf, sizeof(buf));
        CHECK(ret == -ENAMETOOLONG, "subname_format(abcdefghij, 2^64-1) = %d, want -ENAMETOOLONG", ret);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- subname_parse */

static void test_subname_parse(void **state)
{
        (void)state;
        static const struct {
                const char *name;
                int ret;
                const char *owner;
                uint64_t off;
        } rows[] = {
                /* hostile */
                { "", -ENOENT, NULL, 0 },
                { "-", -ENOENT, NULL, 0 },
                { "a", -ENOENT, NULL, 0 },
                { "alice", -ENOENT, NULL, 0 },
                { "a-", -ENOENT, NULL, 0 },
                { "-3", -ENOENT, NULL, 0 },
                { "-0", -ENOENT, NULL, 0 },
                { "a-03", -ENOENT, NULL, 0 },
                { "a-00", -ENOENT, NULL, 0 },
                { "a-01", -ENOENT, NULL, 0 },
                { "a-+3", -ENOENT, NULL, 0 },
                { "a- 3", -ENOENT, NULL, 0 },
                { "a-3 ", -ENOENT, NULL, 0 },
                { "a-3\n", -ENOENT, NULL, 0 },
                { "a-3a", -ENOENT, NULL, 0 },
                { "a-0x3", -ENOENT, NULL, 0 },
                { "a-3.0", -ENOENT, NULL, 0 },
                { "a-1e3", -ENOENT, NULL, 0 },
                { "a-\xd9\xa3", -ENOENT, NULL, 0 },
                { "a-18446744073709551616", -ENOENT, NULL, 0 },
                { "a-99999999999999999999", -ENOENT, NULL, 0 },
                { "1-3", -ENOENT, NULL, 0 },
                { "1000-3", -ENOENT, NULL, 0 },
                { "a:b-3", -ENOENT, NULL, 0 },
                { "a/b-3", -ENOENT, NULL, 0 },
                { "a b-3", -ENOENT, NULL, 0 },
                { "a.b-3", -ENOENT, NULL, 0 },
                { "\xc3\xa9-3", -ENOENT, NULL, 0 },
                { "a-3-", -ENOENT, NULL, 0 },
                { "a-3-x", -ENOENT, NULL, 0 },
                { "a-b", -ENOENT, NULL, 0 },
                { " a-3", -ENOENT, NULL, 0 },
                { "abcdefghijklmnopqrstuvwxyz0123456789-3", -ENOENT, NULL, 0 }, /* owner 36 bytes */
                /* good */
                { "a-0", 0, "a", 0 },
                { "a-3", 0, "a", 3 },
                { "A-3", 0, "A", 3 },
                { "_-3", 0, "_", 3 },
                { "a-b-3", 0, "a-b", 3 },
                { "a-b-c-10", 0, "a-b-c", 10 },
                { "a-1-2", 0, "a-1", 2 },
                { "alice-65535", 0, "alice", 65535 },
                { "u1000590000-0", 0, "u1000590000", 0 },
                { "u1000590000-65535", 0, "u1000590000", 65535 },
                { "u1000590000-4294967295", 0, "u1000590000", 4294967295ull },
                /* offsets are 32-bit: subname_format refuses larger ones, so
                 * format and parse stay exact inverses */
                { "a-4294967295", 0, "a", 4294967295ull },
                { "a-4294967296", -ENOENT, NULL, 0 },
                { "u1000590000-8589934592", -ENOENT, NULL, 0 },
                { "a-18446744073709551615", -ENOENT, NULL, 0 },
                { O29 "-0", 0, O29, 0 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                char owner[64];
                memset(owner, 'X', sizeof(owner));
                uint64_t off = 12345;
                char *n = ut_strdup_exact(rows[i].name);
                int ret = subname_parse(n, owner, sizeof(owner), &off);
                CHECK(ret == rows[i].ret, "subname_parse(%s) = %d, want %d", esc(rows[i].name), ret, rows[i].ret);
                if (rows[i].ret == 0 && ret == 0) {
                        CHECK(!strcmp(owner, rows[i].owner) && off == rows[i].off, "subname_parse(%s) -> %s %llu, want %s %llu",
                              esc(rows[i].name), esc_n(owner, strnlen(owner, sizeof(owner))), (unsigned long long)off,
                              rows[i].owner, (unsigned long long)rows[i].off);
                        /* owner buffer of exactly strlen(owner)+1 works; one less fails */
                        size_t need = strlen(rows[i].owner) + 1;
                        char *ob = malloc(need);
                        assert_non_null(ob);
                        ret = subname_parse(n, ob, need, &off);
                        CHECK(ret == 0 && !strcmp(ob, rows[i].owner), "subname_parse(%s, ownersz %zu) = %d", esc(rows[i].name), need,
                              ret);
                        free(ob);
                        ob = malloc(need - 1);
                        assert_non_null(ob);
                        ret = subname_parse(n, ob, need - 1, &off);
                        CHECK(ret < 0, "subname_parse(%s, ownersz %zu) = %d, want error", esc(rows[i].name), need - 1, ret);
                        free(ob);
                }
                free(n);
        }
        CHECK_DONE();
}

static void test_subname_roundtrip(void **state)
{
        (void)state;
        static const char first[] = "abcxyzABCXYZ_";
        static const char rest[] = "abcxyzABCXYZ_0189-";
        ut_seed(99);
        for (int it = 0; it < 50000 && ut_failures < 20; it++) {
                char owner[40];
                size_t ol = 1 + (size_t)ut_randn(30);
                owner[0] = first[ut_randn(sizeof(first) - 1)];
                for (size_t k = 1; k < ol; k++)
                        owner[k] = rest[ut_randn(sizeof(rest) - 1)];
                owner[ol] = 0;
                uint64_t off;
                switch (it % 3) {
                case 0: off = ut_randn(100); break;
                case 1: off = ut_randn(1ull << 32); break;
                default: off = 4294967296ull - 1 - ut_randn(1000); break; /* near the 32-bit limit */
                }
                char buf[64];
                int ret = subname_format(owner, off, buf, sizeof(buf));
                char offs[32];
                int offl = snprintf(offs, sizeof(offs), "%llu", (unsigned long long)off);
                bool fits = ol + 1 + (size_t)offl <= NAME_MAX_LEN;
                if (!fits) {
                        CHECK(ret == -ENAMETOOLONG, "subname_format(%s, %llu) = %d, want -ENAMETOOLONG", owner, (unsigned long long)off, ret);
                        continue;
                }
                CHECK(ret == (int)(ol + 1 + (size_t)offl) && name_is_valid(buf), "subname_format(%s, %llu) = %d", owner,
                      (unsigned long long)off, ret);
                if (ret < 0)
                        continue;
                char o2[40];
                uint64_t off2 = 0;
                ret = subname_parse(buf, o2, sizeof(o2), &off2);
                /* owners ending in '-' are not canonical splits of "a--3"; skip those */
                if (owner[ol - 1] == '-')
                        continue;
                CHECK(ret == 0 && !strcmp(o2, owner) && off2 == off, "subname_parse(%s) = %d %s %llu", buf, ret, o2,
                      (unsigned long long)off2);
        }
        CHECK_DONE();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_name_for_id),
                cmocka_unit_test(test_id_for_name),
                cmocka_unit_test(test_name_id_roundtrip),
                cmocka_unit_test(test_subname_format),
                cmocka_unit_test(test_subname_parse),
                cmocka_unit_test(test_subname_roundtrip),
        };
        UT_RUN(tests);
}
