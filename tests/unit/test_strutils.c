/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/strutils.c: parse_u32, parse_u32_n, name_is_valid, strlen_max. */
#include <errno.h>
#include <limits.h>

#include "subid/strutils.h"
#include "ut_common.h"

#define SENTINEL 0xA5A5A5A5u

struct u32_row {
        const char *s;
        int ret;
        uint32_t val; /* when ret == 0 */
};

/* Hostile inputs first. */
static const struct u32_row u32_rows[] = {
        /* empty and pure junk */
        { "", -EINVAL, 0 },
        { " ", -EINVAL, 0 },
        { "\t", -EINVAL, 0 },
        { "\n", -EINVAL, 0 },
        { "-", -EINVAL, 0 },
        { "+", -EINVAL, 0 },
        { "x", -EINVAL, 0 },
        { "a", -EINVAL, 0 },
        { ":", -EINVAL, 0 },
        /* signs */
        { "-1", -EINVAL, 0 },
        { "+1", -EINVAL, 0 },
        { "-0", -EINVAL, 0 },
        { "+0", -EINVAL, 0 },
        { "--1", -EINVAL, 0 },
        { "-4294967295", -EINVAL, 0 },
        { "-4294967296", -EINVAL, 0 },
        { "-18446744073709551615", -EINVAL, 0 },
        { "1-", -EINVAL, 0 },
        { "1+", -EINVAL, 0 },
        /* white space anywhere */
        { " 1", -EINVAL, 0 },
        { "1 ", -EINVAL, 0 },
        { "\t1", -EINVAL, 0 },
        { "1\t", -EINVAL, 0 },
        { "1\n", -EINVAL, 0 },
        { "\n1", -EINVAL, 0 },
        { "1\r", -EINVAL, 0 },
        { "1\v", -EINVAL, 0 },
        { "1\f", -EINVAL, 0 },
        { "1 2", -EINVAL, 0 },
        { " 0", -EINVAL, 0 },
        { "0 ", -EINVAL, 0 },
        { "4294967295 ", -EINVAL, 0 },
        { " 4294967295", -EINVAL, 0 },
        { "4294967295\n", -EINVAL, 0 },
        /* hex, octal, binary, leading zeros */
        { "0x10", -EINVAL, 0 },
        { "0X10", -EINVAL, 0 },
        { "0x0", -EINVAL, 0 },
        { "0xffffffff", -EINVAL, 0 },
        { "0b1", -EINVAL, 0 },
        { "0o7", -EINVAL, 0 },
        { "010", -EINVAL, 0 },
        { "00", -EINVAL, 0 },
        { "000", -EINVAL, 0 },
        { "01", -EINVAL, 0 },
        { "09", -EINVAL, 0 },
        { "00000000001", -EINVAL, 0 },
        { "0000000000", -EINVAL, 0 },
        { "04294967295", -EINVAL, 0 },
        /* malformed AND too big: malformed wins (-EINVAL, not -ERANGE) */
        { "04294967296", -EINVAL, 0 },
        { "004294967296", -EINVAL, 0 },
        { "4294967296x", -EINVAL, 0 },
        { "99999999999999999999 ", -EINVAL, 0 },
        { "-99999999999999999999", -EINVAL, 0 },
        { "+4294967296", -EINVAL, 0 },
        { " 4294967296", -EINVAL, 0 },
        /* float, exponent, separators, suffixes */
        { "1e3", -EINVAL, 0 },
        { "1E3", -EINVAL, 0 },
        { "1.0", -EINVAL, 0 },
        { "1.", -EINVAL, 0 },
        { ".1", -EINVAL, 0 },
        { "1,000", -EINVAL, 0 },
        { "1_000", -EINVAL, 0 },
        { "1'000", -EINVAL, 0 },
        { "1L", -EINVAL, 0 },
        { "1u", -EINVAL, 0 },
        { "1U", -EINVAL, 0 },
        { "1ul", -EINVAL, 0 },
        { "1k", -EINVAL, 0 },
        { "1a", -EINVAL, 0 },
        { "a1", -EINVAL, 0 },
        { "12a34", -EINVAL, 0 },
        { "inf", -EINVAL, 0 },
        { "nan", -EINVAL, 0 },
        { "one", -EINVAL, 0 },
        { "1:2", -EINVAL, 0 },
        { "1/2", -EINVAL, 0 },
        { "1-2", -EINVAL, 0 },
        { "1%", -EINVAL, 0 },
        /* bytes adjacent to '0'..'9' in ASCII */
        { "/", -EINVAL, 0 },
        { ":", -EINVAL, 0 },
        { "1/", -EINVAL, 0 },
        { "1:", -EINVAL, 0 },
        /* non-ASCII digits and high bytes */
        { "\xd9\xa3", -EINVAL, 0 },          /* ARABIC-INDIC DIGIT THREE */
        { "1\xd9\xa3", -EINVAL, 0 },
        { "\xef\xbc\x91", -EINVAL, 0 },      /* FULLWIDTH DIGIT ONE */
        { "\xc2\xb9", -EINVAL, 0 },          /* SUPERSCRIPT ONE */
        { "\xe2\x91\xa0", -EINVAL, 0 },      /* CIRCLED DIGIT ONE */
        { "\xb1", -EINVAL, 0 },              /* '1' | 0x80 */
        { "1\xb0", -EINVAL, 0 },             /* '0' | 0x80 */
        { "\xb0", -EINVAL, 0 },
        { "\xff", -EINVAL, 0 },
        { "\x80", -EINVAL, 0 },
        { "1\x01", -EINVAL, 0 },
        { "\x7f", -EINVAL, 0 },
        { "1\x7f", -EINVAL, 0 },
        /* overflow of well-formed digits: -ERANGE */
        { "4294967296", -ERANGE, 0 },
        { "4294967297", -ERANGE, 0 },        /* wraps to 1 in 32 bits */
        { "4294967300", -ERANGE, 0 },
        { "4294967305", -ERANGE, 0 },
        { "4294967395", -ERANGE, 0 },
        { "4294968295", -ERANGE, 0 },
        { "4295067295", -ERANGE, 0 },
        { "5000000000", -ERANGE, 0 },
        { "5294967295", -ERANGE, 0 },
        { "9999999999", -ERANGE, 0 },
        { "8589934591", -ERANGE, 0 },        /* 2^33 - 1 */
        { "8589934592", -ERANGE, 0 },        /* 2^33: wraps to 0 */
        { "8589934593", -ERANGE, 0 },        /* wraps to 1 */
        { "10000000000", -ERANGE, 0 },
        { "42949672950", -ERANGE, 0 },
        { "42949672951", -ERANGE, 0 },
        { "42949672959", -ERANGE, 0 },
        { "429496729500", -ERANGE, 0 },
        { "1000000000000", -ERANGE, 0 },
        { "4294967296000", -ERANGE, 0 },
        { "18446744069414584320", -ERANGE, 0 }, /* 0xFFFFFFFF00000000 */
        { "18446744073709551615", -ERANGE, 0 }, /* 2^64 - 1 */
        { "18446744073709551616", -ERANGE, 0 }, /* 2^64: wraps to 0 */
        { "18446744073709551617", -ERANGE, 0 }, /* wraps to 1 */
        { "18446744078004518912", -ERANGE, 0 }, /* 2^64 + 2^32 */
        { "36893488147419103232", -ERANGE, 0 }, /* 2^65 */
        { "36893488147419103233", -ERANGE, 0 },
        { "99999999999999999999", -ERANGE, 0 },
        { "340282366920938463463374607431768211456", -ERANGE, 0 }, /* 2^128 */
        { "340282366920938463463374607431768211457", -ERANGE, 0 },
        { "1000000000000000000000000000000000000000000000000000000000000000", -ERANGE, 0 },
        /* good values */
        { "0", 0, 0 },
        { "1", 0, 1 },
        { "2", 0, 2 },
        { "9", 0, 9 },
        { "10", 0, 10 },
        { "42", 0, 42 },
        { "99", 0, 99 },
        { "100", 0, 100 },
        { "101", 0, 101 },
        { "1000", 0, 1000 },
        { "65535", 0, 65535 },
        { "65536", 0, 65536 },
        { "100000", 0, 100000 },
        { "165536", 0, 165536 },
        { "1000590000", 0, 1000590000u },
        { "1000599999", 0, 1000599999u },
        { "2147483647", 0, 2147483647u },
        { "2147483648", 0, 2147483648u },
        { "2147483649", 0, 2147483649u },
        { "3999999999", 0, 3999999999u },
        { "4000000000", 0, 4000000000u },
        { "4294967290", 0, 4294967290u },
        { "4294967294", 0, 4294967294u },
        { "4294967295", 0, 4294967295u },
        { "4294967199", 0, 4294967199u },
        { "4294966295", 0, 4294966295u },
        { "4294867295", 0, 4294867295u },
        { "4289967295", 0, 4289967295u },
        { "1234567890", 0, 1234567890u },
        { "999999999", 0, 999999999u },
        { "1000000000", 0, 1000000000u },
};

static void test_parse_u32_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(u32_rows); i++) {
                const struct u32_row *r = &u32_rows[i];
                char *s = ut_strdup_exact(r->s);
                uint32_t out = SENTINEL;
                int ret = parse_u32(s, &out);
                CHECK(ret == r->ret, "parse_u32(%s) = %d, want %d", esc(r->s), ret, r->ret);
                if (r->ret == 0)
                        CHECK(out == r->val, "parse_u32(%s) -> %u, want %u", esc(r->s), out, r->val);
                else
                        CHECK(out == SENTINEL, "parse_u32(%s) failed but wrote *out = %u", esc(r->s), out);
                free(s);
        }
        CHECK_DONE();
}

/* The same table through parse_u32_n, on exact-size non-terminated buffers. */
static void test_parse_u32_n_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(u32_rows); i++) {
                const struct u32_row *r = &u32_rows[i];
                size_t len = strlen(r->s);
                char *s = ut_exact(r->s, len);
                uint32_t out = SENTINEL;
                int ret = parse_u32_n(s, len, &out);
                CHECK(ret == r->ret, "parse_u32_n(%s, %zu) = %d, want %d", esc(r->s), len, ret, r->ret);
                if (r->ret == 0)
                        CHECK(out == r->val, "parse_u32_n(%s) -> %u, want %u", esc(r->s), out, r->val);
                else
                        CHECK(out == SENTINEL, "parse_u32_n(%s) failed but wrote *out", esc(r->s));
                free(s);
        }
        CHECK_DONE();
}

struct u32n_row {
        const char *s;
        size_t total; /* bytes in s (may contain NUL) */
        size_t len;   /* len passed */
        int ret;
        uint32_t val;
};

static const struct u32n_row u32n_rows[] = {
        /* embedded / trailing NUL inside len */
        { "1\0", 2, 2, -EINVAL, 0 },
        { "\0", 1, 1, -EINVAL, 0 },
        { "\0001", 2, 2, -EINVAL, 0 },
        { "1\0002", 3, 3, -EINVAL, 0 },
        { "0\0", 2, 2, -EINVAL, 0 },
        { "4294967295\0", 11, 11, -EINVAL, 0 },
        { "12\0\0", 4, 4, -EINVAL, 0 },
        /* zero length */
        { "", 0, 0, -EINVAL, 0 },
        { "123", 3, 0, -EINVAL, 0 },
        { "0", 1, 0, -EINVAL, 0 },
        /* len cuts the string: only the first len bytes count */
        { "12345", 5, 3, 0, 123 },
        { "12345", 5, 1, 0, 1 },
        { "1 ", 2, 1, 0, 1 },
        { "1\n", 2, 1, 0, 1 },
        { "1x", 2, 1, 0, 1 },
        { "0x10", 4, 1, 0, 0 },
        { "010", 3, 1, 0, 0 },
        { "010", 3, 2, -EINVAL, 0 },
        { "00", 2, 1, 0, 0 },
        { "1e3", 3, 1, 0, 1 },
        { "42949672951", 11, 10, 0, 4294967295u },
        { "42949672959999", 14, 10, 0, 4294967295u },
        { "42949672961", 11, 10, -ERANGE, 0 },
        { "4294967296", 10, 9, 0, 429496729u },
        { "-1", 2, 1, -EINVAL, 0 },
        { " 1", 2, 1, -EINVAL, 0 },
        { "1:100000:65536", 14, 1, 0, 1 },
        { "100000:65536", 12, 6, 0, 100000 },
        { "100000:65536", 12, 7, -EINVAL, 0 },
        { "65536\n", 6, 5, 0, 65536 },
        { "65536\n", 6, 6, -EINVAL, 0 },
};

static void test_parse_u32_n_len(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(u32n_rows); i++) {
                const struct u32n_row *r = &u32n_rows[i];
                /* Exact-size buffer of len bytes: any read past len is an ASan error. */
                char *s = ut_exact(r->s, r->len);
                uint32_t out = SENTINEL;
                int ret = parse_u32_n(s, r->len, &out);
                CHECK(ret == r->ret, "parse_u32_n(%s, %zu) = %d, want %d", esc_n(r->s, r->total), r->len, ret, r->ret);
                if (r->ret == 0)
                        CHECK(out == r->val, "parse_u32_n(%s, %zu) -> %u, want %u", esc_n(r->s, r->total), r->len, out, r->val);
                else
                        CHECK(out == SENTINEL, "parse_u32_n(%s, %zu) failed but wrote *out", esc_n(r->s, r->total), r->len);
                free(s);
        }
        CHECK_DONE();
}

/* parse_u32 stops at the NUL: "1\0garbage" is "1". */
static void test_parse_u32_nul_terminates(void **state)
{
        (void)state;
        static const char s[] = "7\0x";
        uint32_t out = SENTINEL;
        CHECK(parse_u32(s, &out) == 0 && out == 7, "parse_u32(\"7\\0x\") -> %u", out);
        CHECK_DONE();
}

/* Reference oracle written straight from the contract. */
static int oracle_u32(const char *s, size_t len, uint32_t *out)
{
        if (len == 0)
                return -EINVAL;
        for (size_t i = 0; i < len; i++)
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
        if (len > 1 && s[0] == '0')
                return -EINVAL;
        uint64_t v = 0;
        for (size_t i = 0; i < len; i++) {
                v = v * 10 + (uint64_t)(s[i] - '0');
                if (v > UINT32_MAX)
                        return -ERANGE;
        }
        *out = (uint32_t)v;
        return 0;
}

/* Random strings over a hostile alphabet vs the oracle. */
static void test_parse_u32_random_vs_oracle(void **state)
{
        (void)state;
        static const char alpha[] = "0123456789012345678900000999 +-x\n\t\0a.e\xd9\xff";
        ut_seed(0x5eed1);
        for (int it = 0; it < 200000; it++) {
                char buf[32];
                size_t len = (size_t)ut_randn(24);
                for (size_t i = 0; i < len; i++)
                        buf[i] = alpha[ut_randn(sizeof(alpha) - 1)];
                uint32_t want = SENTINEL, got = SENTINEL;
                int wr = oracle_u32(buf, len, &want);
                char *s = ut_exact(buf, len);
                int gr = parse_u32_n(s, len, &got);
                free(s);
                CHECK(gr == wr && got == want, "parse_u32_n(%s, %zu) = %d/%u, want %d/%u", esc_n(buf, len), len, gr, got, wr, want);
                if (ut_failures > 20)
                        break;
        }
        CHECK_DONE();
}

/* Every decimal rendering round-trips; the same with a leading zero fails. */
static void test_parse_u32_roundtrip(void **state)
{
        (void)state;
        ut_seed(0x5eed2);
        for (int it = 0; it < 100000; it++) {
                uint64_t v;
                switch (it % 4) {
                case 0: v = ut_rand() & 0xffffffffu; break;
                case 1: v = 0xffffffffu - ut_randn(1000); break;
                case 2: v = ut_randn(100000); break;
                default: v = 0x100000000ull + ut_randn(1ull << 40); break;
                }
                char buf[32];
                snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
                uint32_t out = SENTINEL;
                int ret = parse_u32(buf, &out);
                if (v <= UINT32_MAX)
                        CHECK(ret == 0 && out == v, "parse_u32(%s) = %d/%u", buf, ret, out);
                else
                        CHECK(ret == -ERANGE && out == SENTINEL, "parse_u32(%s) = %d/%u, want -ERANGE", buf, ret, out);
                char z[40];
                snprintf(z, sizeof(z), "0%s", buf);
                out = SENTINEL;
                ret = parse_u32(z, &out);
                CHECK(ret == -EINVAL && out == SENTINEL, "parse_u32(%s) = %d, want -EINVAL", z, ret);
                if (ut_failures > 20)
                        break;
        }
        CHECK_DONE();
}

/* Every single byte, alone and after a digit. */
static void test_parse_u32_all_bytes(void **state)
{
        (void)state;
        for (int c = 0; c < 256; c++) {
                char one[1] = { (char)c };
                char two[2] = { '5', (char)c };
                uint32_t out = SENTINEL;
                int ret = parse_u32_n(one, 1, &out);
                if (c >= '0' && c <= '9')
                        CHECK(ret == 0 && out == (uint32_t)(c - '0'), "byte 0x%02x alone: %d", c, ret);
                else
                        CHECK(ret == -EINVAL && out == SENTINEL, "byte 0x%02x alone: %d", c, ret);
                out = SENTINEL;
                ret = parse_u32_n(two, 2, &out);
                if (c >= '0' && c <= '9')
                        CHECK(ret == 0 && out == (uint32_t)(50 + c - '0'), "\"5\" + byte 0x%02x: %d", c, ret);
                else
                        CHECK(ret == -EINVAL && out == SENTINEL, "\"5\" + byte 0x%02x: %d", c, ret);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- names */

struct name_row {
        const char *s;
        bool ok;
};

#define N31 "abcdefghijklmnopqrstuvwxyz01234"
#define N32 N31 "5"

static const struct name_row name_rows[] = {
        /* hostile first */
        { "", false },
        { ":", false },
        { "a:b", false },
        { "a:", false },
        { ":a", false },
        { "/", false },
        { "a/b", false },
        { "../etc", false },
        { "a\n", false },
        { "\na", false },
        { "a\nb", false },
        { " ", false },
        { "a b", false },
        { " a", false },
        { "a ", false },
        { "a\t", false },
        { "a\r", false },
        { ".", false },
        { "..", false },
        { "a.b", false },
        { ".a", false },
        { "a.", false },
        { N32, false },
        { N32 "6", false },
        { "u10005900000000000000000000000000", false },
        { "0", false },
        { "1", false },
        { "123", false },
        { "1000590000", false },
        { "4294967295", false },
        { "1a", false },
        { "0a", false },
        { "9_", false },
        { "-", false },
        { "-a", false },
        { "--", false },
        { "-1", false },
        { "\xc3\xa9", false },
        { "a\xc3\xa9", false },
        { "\xc3\xa9t\xc3\xa9", false },
        { "a\xff", false },
        { "\xff", false },
        { "a\x80", false },
        { "a\x7f", false },
        { "a\x01", false },
        { "a\x1b", false },
        { "a$", false },
        { "a@b", false },
        { "a+b", false },
        { "+a", false },
        { "a,b", false },
        { "a=b", false },
        { "a*", false },
        { "*", false },
        { "a?", false },
        { "a~", false },
        { "~a", false },
        { "a!", false },
        { "a#", false },
        { "#a", false },
        { "a%", false },
        { "a%u", false },
        { "a&b", false },
        { "a;b", false },
        { "a'b", false },
        { "a\"b", false },
        { "a\\b", false },
        { "a|b", false },
        { "a(b)", false },
        { "a[b]", false },
        { "a{b}", false },
        { "a<b>", false },
        { "a`b", false },
        { "a^b", false },
        { "\x01", false },
        /* good */
        { "a", true },
        { "A", true },
        { "z", true },
        { "Z", true },
        { "_", true },
        { "__", true },
        { "_-", true },
        { "_1", true },
        { "_0", true },
        { "a-", true },
        { "a_", true },
        { "a1", true },
        { "A1", true },
        { "a-b", true },
        { "a_b", true },
        { "a-b-3", true },
        { "root", true },
        { "nobody", true },
        { "Alice", true },
        { "u0", true },
        { "u1000590000", true },
        { "u1000590000-0", true },
        { "u1000590000-65535", true },
        { "user4294967295", true },
        { N31, true },
        { "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-012", true },
        { "_______________________________", true },
        { "a------------------------------", true },
        { "a000000000000000000000000000000", true },
};

static void test_name_is_valid_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(name_rows); i++) {
                char *s = ut_strdup_exact(name_rows[i].s);
                bool got = name_is_valid(s);
                CHECK(got == name_rows[i].ok, "name_is_valid(%s) = %d, want %d", esc(name_rows[i].s), got, name_rows[i].ok);
                free(s);
        }
        CHECK_DONE();
}

static bool first_ok(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool rest_ok(int c) { return first_ok(c) || (c >= '0' && c <= '9') || c == '-'; }

static void test_name_is_valid_all_bytes(void **state)
{
        (void)state;
        for (int c = 1; c < 256; c++) {
                char one[2] = { (char)c, 0 };
                char two[3] = { 'a', (char)c, 0 };
                char mid[4] = { 'a', (char)c, 'b', 0 };
                CHECK(name_is_valid(one) == first_ok(c), "name_is_valid(byte 0x%02x)", c);
                CHECK(name_is_valid(two) == rest_ok(c), "name_is_valid(\"a\" + byte 0x%02x)", c);
                CHECK(name_is_valid(mid) == rest_ok(c), "name_is_valid(\"a\" + byte 0x%02x + \"b\")", c);
        }
        CHECK_DONE();
}

static void test_name_is_valid_lengths(void **state)
{
        (void)state;
        for (size_t n = 1; n <= 80; n++) {
                char *s = malloc(n + 1);
                assert_non_null(s);
                for (size_t i = 0; i < n; i++)
                        s[i] = (char)("a_Z9-"[i % 5]);
                s[n] = 0;
                CHECK(name_is_valid(s) == (n <= 31), "name_is_valid(len %zu)", n);
                free(s);
        }
        CHECK_DONE();
}

static void test_name_char_ok(void **state)
{
        (void)state;
        for (int c = 0; c < 256; c++) {
                bool want = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
                CHECK(name_char_ok((char)c) == want, "name_char_ok(0x%02x)", c);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- strlen_max */

static void test_strlen_max(void **state)
{
        (void)state;
        static const struct {
                const char *s;
                size_t max;
                size_t want;
        } rows[] = {
                { "", 0, 0 },
                { "a", 0, 1 },
                { "ab", 0, 1 },
                { "", 1, 0 },
                { "a", 1, 1 },
                { "ab", 1, 2 },
                { "abc", 2, 3 },
                { "abc", 3, 3 },
                { "abcd", 3, 4 },
                { "abcdefgh", 3, 4 },
                { "abc", 10, 3 },
                { "abc", 1000000, 3 },
                { "abc", SIZE_MAX - 1, 3 },
                { "abc", SIZE_MAX, 3 },   /* max + 1 must not wrap to 0 */
                { "", SIZE_MAX, 0 },
                { N31, 31, 31 },
                { N32, 31, 32 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                char *s = ut_strdup_exact(rows[i].s);
                size_t got = strlen_max(s, rows[i].max);
                CHECK(got == rows[i].want, "strlen_max(%s, %zu) = %zu, want %zu", esc(rows[i].s), rows[i].max, got, rows[i].want);
                free(s);
        }
        CHECK_DONE();
}

/* Must not read more than max+1 bytes: the buffer has no NUL at all. */
static void test_strlen_max_no_overread(void **state)
{
        (void)state;
        for (size_t max = 0; max < 70; max++) {
                char *s = malloc(max + 1);
                assert_non_null(s);
                memset(s, 'x', max + 1);
                size_t got = strlen_max(s, max);
                CHECK(got == max + 1, "strlen_max(%zu x's without NUL, %zu) = %zu", max + 1, max, got);
                free(s);
        }
        CHECK_DONE();
}

/* Caller strings in messages: printable ASCII only, bounded, "..." if cut. */
static void test_str_printable(void **state)
{
        (void)state;
        static const struct {
                const char *in;
                size_t max;
                const char *want;
        } rows[] = {
                { "", 8, "" },
                { "abc", 8, "abc" },
                { "12345678", 8, "12345678" },
                { "123456789", 8, "12345678..." },
                { "a\nb", 8, "a?b" },
                { "a\rb\tc", 8, "a?b?c" },
                { "\x1b[31m", 8, "?[31m" },
                { "caf\xc3\xa9", 8, "caf??" },
                { "\x7f\xff", 8, "??" },
                { "line1\nline2", 5, "line1..." },
                { "x", 0, "..." },
        };
        char buf[16];
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                memset(buf, 'Z', sizeof(buf));
                assert_string_equal(str_printable(rows[i].in, buf, rows[i].max), rows[i].want);
        }
        assert_string_equal(str_printable(NULL, buf, 8), "(null)");
        /* Never more than max + 4 bytes written. */
        char big[300];
        memset(big, 'q', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        char wide[32];
        memset(wide, 'Z', sizeof(wide));
        str_printable(big, wide, 12);
        assert_int_equal(strlen(wide), 15);
        assert_int_equal(wide[16], 'Z');
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_u32_table),
                cmocka_unit_test(test_parse_u32_n_table),
                cmocka_unit_test(test_parse_u32_n_len),
                cmocka_unit_test(test_parse_u32_nul_terminates),
                cmocka_unit_test(test_parse_u32_random_vs_oracle),
                cmocka_unit_test(test_parse_u32_roundtrip),
                cmocka_unit_test(test_parse_u32_all_bytes),
                cmocka_unit_test(test_name_is_valid_table),
                cmocka_unit_test(test_name_is_valid_all_bytes),
                cmocka_unit_test(test_name_is_valid_lengths),
                cmocka_unit_test(test_name_char_ok),
                cmocka_unit_test(test_strlen_max),
                cmocka_unit_test(test_strlen_max_no_overread),
                cmocka_unit_test(test_str_printable),
        };
        UT_RUN(tests);
}
