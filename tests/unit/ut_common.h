/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small helpers shared by the cmocka unit tests: table rows report every
 * failing row (with the input escaped) instead of stopping at the first one,
 * and buffers are copied to exact-size heap blocks so that ASan catches any
 * read past len.
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static unsigned long ut_checks;   /* rows / assertions evaluated (all tests) */
static unsigned long ut_failures; /* failures in the current test */

#define CHECK(cond, ...)                                                        \
        do {                                                                    \
                ut_checks++;                                                    \
                if (!(cond)) {                                                  \
                        ut_failures++;                                          \
                        fprintf(stderr, "    FAIL %s:%d: (%s) ", __FILE__,      \
                                __LINE__, #cond);                               \
                        fprintf(stderr, __VA_ARGS__);                           \
                        fputc('\n', stderr);                                    \
                }                                                               \
        } while (0)

/* Call at the end of every test function. */
#define CHECK_DONE()                                                            \
        do {                                                                    \
                unsigned long f_ = ut_failures;                                 \
                ut_failures = 0;                                                \
                if (f_)                                                         \
                        fail_msg("%lu check(s) failed", f_);                    \
        } while (0)

/* Escape a byte string for messages.  Rotating static buffers. */
static inline const char *esc_n(const char *s, size_t len)
{
        static char bufs[8][512];
        static unsigned k;
        char *b = bufs[k++ % 8];
        size_t o = 0;
        if (!s)
                return "(null)";
        b[o++] = '"';
        for (size_t i = 0; i < len && o < sizeof(bufs[0]) - 8; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '\n') {
                        b[o++] = '\\';
                        b[o++] = 'n';
                } else if (c == '\t') {
                        b[o++] = '\\';
                        b[o++] = 't';
                } else if (c == '"' || c == '\\') {
                        b[o++] = '\\';
                        b[o++] = (char)c;
                } else if (c < 0x20 || c >= 0x7f) {
                        o += (size_t)snprintf(b + o, 5, "\\x%02x", c);
                } else {
                        b[o++] = (char)c;
                }
        }
        if (o >= sizeof(bufs[0]) - 8) {
                memcpy(b + o, "...", 3);
                o += 3;
        }
        b[o++] = '"';
        b[o] = 0;
        return b;
}

static inline const char *esc(const char *s)
{
        return s ? esc_n(s, strlen(s)) : "(null)";
}

/* Exact-size heap copy, NOT NUL-terminated (len 0 gives a 1-byte block that
 * must not be read). */
static inline char *ut_exact(const char *s, size_t len)
{
        char *p = malloc(len ? len : 1);
        assert_non_null(p);
        if (len)
                memcpy(p, s, len);
        return p;
}

/* Exact-size heap copy of a C string, including its NUL. */
static inline char *ut_strdup_exact(const char *s)
{
        size_t n = strlen(s) + 1;
        char *p = malloc(n);
        assert_non_null(p);
        memcpy(p, s, n);
        return p;
}

/* Deterministic PRNG (xorshift64*), seeded per test. */
static uint64_t ut_rng_state = 0x9E3779B97F4A7C15ull;
static inline void ut_seed(uint64_t s) { ut_rng_state = s ? s : 1; }
static inline uint64_t ut_rand(void)
{
        uint64_t x = ut_rng_state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        ut_rng_state = x;
        return x * 0x2545F4914F6CDD1Dull;
}
static inline uint64_t ut_randn(uint64_t n) { return n ? ut_rand() % n : 0; }

/* asprintf-like helper returning a malloc'ed string. */
__attribute__((format(printf, 1, 2))) static inline char *ut_fmt(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        char *p = malloc((size_t)n + 1);
        assert_non_null(p);
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
        return p;
}

#define UT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define UT_RUN(tests)                                                           \
        do {                                                                    \
                int rc_ = cmocka_run_group_tests(tests, NULL, NULL);            \
                fprintf(stderr, "[ checks ] %lu row checks evaluated\n",        \
                        ut_checks);                                             \
                return rc_;                                                     \
        } while (0)
