/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subid/idrange.h"
#include "subid/strutils.h"
#include "subid/subsync.h"

__attribute__((format(printf, 3, 4))) static int fail(struct subsync_error *err, unsigned line, const char *fmt, ...)
{
        va_list ap;
        err->line = line;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        return -EINVAL;
}

int subsync_entries(const struct subid_config *cfg, size_t max, struct subsync_entry **out, size_t *n,
                    bool *self_skipped, struct subsync_error *err)
{
        uint64_t total = 0, slot = 0;
        struct subsync_entry *e;

        *out = NULL;
        *n = 0;
        *self_skipped = cfg->users_self;
        err->line = 0;
        err->msg[0] = '\0';
        if (!cfg->src_pool)
                return 0;
        for (size_t i = 0; i < cfg->n_users; i++)
                total += cfg->users[i].count;
        if (total == 0)
                return 0;
        if (total > max) {
                fail(err, 0, "the users ranges cover %llu UIDs; sync writes at most %zu lines per file",
                     (unsigned long long)total, max);
                return -E2BIG;
        }
        e = calloc((size_t)total, sizeof(*e));
        if (!e)
                return -ENOMEM;
        /* Slots as policy_is_user numbers them: every UID of every users
         * range, in the order of the lines (self, if any, comes last). */
        for (size_t i = 0; i < cfg->n_users; i++) {
                const struct users_range *u = &cfg->users[i];
                for (uint64_t k = 0; k < u->count; k++, slot++) {
                        uint64_t uid = (uint64_t)u->first + k;
                        uint64_t start = (uint64_t)cfg->pool_base + slot * cfg->pool_count;
                        /* slot < 2^32 and pool_count < 2^32: no 64-bit overflow. */
                        if (uid == 0 || uid >= ID_LIMIT || start == 0 || !idrange_valid(start, cfg->pool_count)) {
                                free(e);
                                fail(err, cfg->pool_line,
                                     "the pool block of UID %llu (%llu, %u IDs) includes ID 0 or does not fit "
                                     "below 4294967295",
                                     (unsigned long long)uid, (unsigned long long)start, cfg->pool_count);
                                return -ERANGE;
                        }
                        e[slot].uid = (uint32_t)uid;
                        e[slot].start = (uint32_t)start;
                        e[slot].count = cfg->pool_count;
                }
        }
        *out = e;
        *n = (size_t)total;
        return 0;
}

/* ---------------------------------------------------------------- lines */

static bool line_is(const char *p, size_t n, const char *s)
{
        size_t k = strlen(s);
        return n == k && memcmp(p, s, k) == 0;
}

static bool line_starts(const char *p, size_t n, const char *s)
{
        size_t k = strlen(s);
        return n >= k && memcmp(p, s, k) == 0;
}

/* A line as sync writes it: three canonical decimal numbers. */
static bool canonical_entry(const char *p, size_t n)
{
        const char *c1 = memchr(p, ':', n), *c2;
        uint32_t v;
        if (!c1)
                return false;
        c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - p));
        if (!c2)
                return false;
        return parse_u32_n(p, (size_t)(c1 - p), &v) == 0 && parse_u32_n(c1 + 1, (size_t)(c2 - c1 - 1), &v) == 0 &&
               parse_u32_n(c2 + 1, n - (size_t)(c2 + 1 - p), &v) == 0;
}

static bool blank(char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * A number as the most lenient reader takes it: shadow's strtoul allows
 * leading blanks and '+', Go's Atoi leading zeros and '+'.  Saturates at
 * 2^33 (past every ID).  false: no client reads a number here.
 */
static bool lenient_num(const char *p, size_t n, uint64_t *out)
{
        size_t i = 0;
        uint64_t v = 0;
        while (i < n && blank(p[i]))
                i++;
        while (n > i && blank(p[n - 1]))
                n--;
        if (i < n && p[i] == '+')
                i++;
        if (i == n)
                return false;
        for (; i < n; i++) {
                if (p[i] < '0' || p[i] > '9')
                        return false;
                v = v * 10 + (uint64_t)(p[i] - '0');
                if (v > (UINT64_C(1) << 33))
                        v = UINT64_C(1) << 33;
        }
        *out = v;
        return true;
}

enum foreign_kind { F_IGNORED, F_RANGE, F_UNREADABLE };

/* How a client could read a foreign line.  Blank and '#' lines (after
 * blanks, as containers/storage trims) are skipped by both readers. */
static enum foreign_kind foreign_line(const char *p, size_t n, struct idrange *r, const char **owner, size_t *olen)
{
        const char *c1, *c2;
        uint64_t s, c;
        size_t i = 0;

        while (i < n && blank(p[i]))
                i++;
        if (i == n || p[i] == '#')
                return F_IGNORED;
        c1 = memchr(p, ':', n);
        c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - p)) : NULL;
        if (!c2 || memchr(c2 + 1, ':', n - (size_t)(c2 + 1 - p)) || c1 == p)
                return F_UNREADABLE;
        if (!lenient_num(c1 + 1, (size_t)(c2 - c1 - 1), &s) || !lenient_num(c2 + 1, n - (size_t)(c2 + 1 - p), &c))
                return F_UNREADABLE;
        r->start = s;
        r->count = c;
        *owner = p;
        *olen = (size_t)(c1 - p);
        return F_RANGE;
}

/* The entry whose range overlaps r, or NULL.  e is ascending and disjoint. */
static const struct subsync_entry *overlapping(const struct subsync_entry *e, size_t n, const struct idrange *r)
{
        size_t lo = 0, hi = n;
        if (r->count == 0 || n == 0)
                return NULL;
        /* First entry whose end is past r->start. */
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if ((uint64_t)e[mid].start + e[mid].count <= r->start)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (lo < n && e[lo].start < r->start + r->count)
                return &e[lo];
        return NULL;
}

/* Printable, bounded copy of an owner for a message. */
static void owner_text(const char *p, size_t n, char *buf, size_t bufsz)
{
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)p[i];
                if (o + 8 > bufsz) { /* room for "\xNN" or "..." and the NUL */
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }
                if (c >= 0x20 && c < 0x7f)
                        buf[o++] = (char)c;
                else
                        o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x", c);
        }
        buf[o] = '\0';
}

static int check_entries(const struct subsync_entry *e, size_t n, struct subsync_error *err)
{
        for (size_t i = 0; i < n; i++) {
                if (e[i].uid == 0 || e[i].uid == UINT32_MAX || e[i].start == 0 ||
                    !idrange_valid(e[i].start, e[i].count))
                        return fail(err, 0, "refusing entry %u:%u:%u: it names UID 0, includes ID 0 or does not fit "
                                            "below 4294967295",
                                    e[i].uid, e[i].start, e[i].count);
                if (i > 0 && (uint64_t)e[i - 1].start + e[i - 1].count > e[i].start)
                        return fail(err, 0, "refusing entries %u:%u:%u and %u:%u:%u: not ascending and disjoint",
                                    e[i - 1].uid, e[i - 1].start, e[i - 1].count, e[i].uid, e[i].start, e[i].count);
        }
        return 0;
}

/* ---------------------------------------------------------------- merge */

struct scan {
        size_t begin_off, end_next; /* byte offsets: start of BEGIN line, just past the END line */
        size_t lines_off, lines_end;
        unsigned begin_line, end_line;
        size_t n_old;
};

int subsync_merge(const char *text, size_t len, const struct subsync_entry *e, size_t n, struct subsync_result *out,
                  struct subsync_error *err)
{
        struct scan sc = { 0 };
        enum { OUTSIDE, INSIDE, AFTER } state = OUTSIDE;
        unsigned line = 0;
        size_t off = 0;
        int r;

        memset(out, 0, sizeof(*out));
        err->line = 0;
        err->msg[0] = '\0';
        if ((r = check_entries(e, n, err)) < 0)
                return r;

        while (off < len) {
                const char *p = text + off, *nl = memchr(p, '\n', len - off);
                size_t ll = nl ? (size_t)(nl - p) : len - off;
                size_t next = off + ll + (nl ? 1 : 0);
                line++;
                bool is_begin = line_is(p, ll, SUBSYNC_BEGIN), is_end = line_is(p, ll, SUBSYNC_END);
                if (!is_begin && !is_end &&
                    (line_starts(p, ll, "# BEGIN nss_subid") || line_starts(p, ll, "# END nss_subid")))
                        return fail(err, line, "damaged nss_subid sync marker (expected exactly '%s' or '%s'); "
                                               "fix or remove it by hand",
                                    SUBSYNC_BEGIN, SUBSYNC_END);
                if (is_begin) {
                        if (state == INSIDE)
                                return fail(err, line, "second BEGIN marker (the block opened at line %u has no END)",
                                            sc.begin_line);
                        if (state == AFTER)
                                return fail(err, line, "second nss_subid sync block (the first is at lines %u-%u); "
                                                       "remove one by hand",
                                            sc.begin_line, sc.end_line);
                        state = INSIDE;
                        sc.begin_line = line;
                        sc.begin_off = off;
                        sc.lines_off = next;
                } else if (is_end) {
                        if (state != INSIDE)
                                return fail(err, line, "END marker without BEGIN");
                        state = AFTER;
                        sc.end_line = line;
                        sc.lines_end = off;
                        sc.end_next = next;
                } else if (state == INSIDE) {
                        if (!canonical_entry(p, ll))
                                return fail(err, line, "line inside the nss_subid sync block was not written by "
                                                       "subidctl sync; move it out of the block");
                        sc.n_old++;
                } else {
                        struct idrange fr;
                        const char *owner;
                        size_t olen;
                        out->n_foreign++;
                        switch (foreign_line(p, ll, &fr, &owner, &olen)) {
                        case F_IGNORED:
                                break;
                        case F_UNREADABLE:
                                if (out->n_unreadable++ == 0)
                                        out->first_unreadable = line;
                                break;
                        case F_RANGE: {
                                const struct subsync_entry *x = overlapping(e, n, &fr);
                                if (x) {
                                        char ob[48];
                                        owner_text(owner, olen, ob, sizeof(ob));
                                        return fail(err, line,
                                                    "range of '%s' overlaps %u-%llu, which sync would write for "
                                                    "UID %u: the same IDs would have two owners",
                                                    ob, x->start, (unsigned long long)x->start + x->count - 1, x->uid);
                                }
                                break;
                        }
                        }
                }
                off = next;
        }
        if (state == INSIDE)
                return fail(err, sc.begin_line, "BEGIN marker without END");

        /* Assemble: the text before the block, the block, the text after. */
        size_t pre = state == AFTER ? sc.begin_off : len;
        size_t post_off = state == AFTER ? sc.end_next : len;
        bool need_nl = n > 0 && pre > 0 && text[pre - 1] != '\n';
        /* +2: the '\n' after an unterminated last line, and sprintf's final NUL. */
        size_t cap = pre + 2 + (len - post_off) + (n ? sizeof(SUBSYNC_BEGIN) + sizeof(SUBSYNC_END) : 0) + n * 33;
        char *b = malloc(cap ? cap : 1);
        if (!b)
                return -ENOMEM;
        size_t o = 0;
        if (pre)
                memcpy(b, text, pre);
        o = pre;
        if (need_nl)
                b[o++] = '\n';
        if (n > 0) {
                o += (size_t)sprintf(b + o, "%s\n", SUBSYNC_BEGIN);
                out->new_lines = b + o;
                for (size_t i = 0; i < n; i++)
                        o += (size_t)sprintf(b + o, "%u:%u:%u\n", e[i].uid, e[i].start, e[i].count);
                out->new_lines_len = (size_t)(b + o - out->new_lines);
                o += (size_t)sprintf(b + o, "%s\n", SUBSYNC_END);
        }
        if (len > post_off)
                memcpy(b + o, text + post_off, len - post_off);
        o += len - post_off;

        out->text = b;
        out->len = o;
        out->changed = o != len || (len && memcmp(b, text, len) != 0);
        if (state == AFTER) {
                out->old_begin = sc.begin_line;
                out->old_end = sc.end_line;
                out->n_old = sc.n_old;
                out->old_lines = text + sc.lines_off;
                out->old_lines_len = sc.lines_end - sc.lines_off;
        }
        return 0;
}

void subsync_result_free(struct subsync_result *r)
{
        free(r->text);
        memset(r, 0, sizeof(*r));
}
