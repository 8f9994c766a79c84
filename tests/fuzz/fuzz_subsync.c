/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: subsync_merge(), the rewriter of `subidctl sync` that
 * puts its block into /etc/subuid and /etc/subgid, which are root's files
 * and may hold anything.
 *
 * Input, when byte 0 has its top bit clear: byte 0 is the number of
 * entries (mod 9), then 10 bytes per entry
 * (UID: 4, gap before it: 3, count - 1: 3; little-endian; a gap with its
 * top bit set is stretched by 2^8 so the end of the ID space is reached),
 * which make an ascending list as sync would write it (or an invalid one,
 * when a value is out of range: then the merge must refuse it); the rest is
 * the old file text, any bytes at all.
 *
 * An accepted merge must:
 *   - say why when it refuses (a message, and a line inside the text);
 *   - hold the new block exactly once, with the entries in canonical form,
 *     and new_lines pointing at them;
 *   - be idempotent: merging the result again changes nothing;
 *   - keep every line outside the block: removing the block (n = 0) from
 *     the result gives what removing it from the input gives (plus the '\n'
 *     that was added when a block was appended to a text without one);
 *   - count no more unreadable lines than foreign ones.
 *
 * With the top bit of byte 0 set, the rest up to a NUL is a configuration
 * and after it the file text: subsync_entries() of an accepted
 * configuration (at most 256 lines) gives one line per UID of its `users`
 * ranges when it has a pool, says why when it refuses, and what it gives
 * is what subsync_merge() takes (an empty file: always; the text after the
 * NUL: with the invariants above).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subid/config.h"
#include "subid/subsync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t le32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t le24(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static unsigned count_lines(const char *t, size_t len)
{
        unsigned n = 0;
        for (size_t i = 0; i < len; i++)
                n += t[i] == '\n';
        return n + (len > 0 && t[len - 1] != '\n');
}

/* Lines of t that are exactly s. */
static unsigned count_marker(const char *t, size_t len, const char *s)
{
        size_t k = strlen(s);
        unsigned n = 0;
        for (size_t off = 0; off < len;) {
                const char *nl = memchr(t + off, '\n', len - off);
                size_t ll = nl ? (size_t)(nl - (t + off)) : len - off;
                n += ll == k && memcmp(t + off, s, k) == 0;
                off += ll + 1;
        }
        return n;
}

/* Merge e[0..n) into text and check every invariant of an accepted merge. */
static void check_merge(const char *text, size_t len, const struct subsync_entry *e, size_t n)
{
        struct subsync_result r, again, strip_in, strip_out;
        struct subsync_error err;
        char want[64];

        if (subsync_merge(text, len, e, n, &r, &err) < 0) {
                if (err.msg[0] == '\0' || err.line > count_lines(text, len))
                        abort();
                return;
        }
        if ((r.len && !r.text) || r.n_unreadable > r.n_foreign)
                abort();
        if (count_marker(r.text, r.len, SUBSYNC_BEGIN) != (n > 0) || count_marker(r.text, r.len, SUBSYNC_END) != (n > 0))
                abort();
        if (n > 0) {
                /* new_lines: the entries, canonical, in order. */
                const char *p = r.new_lines;
                if (!p || p < r.text || p + r.new_lines_len > r.text + r.len)
                        abort();
                for (size_t i = 0; i < n; i++) {
                        int k = snprintf(want, sizeof(want), "%u:%u:%u\n", e[i].uid, e[i].start, e[i].count);
                        if ((size_t)(p - r.new_lines) + (size_t)k > r.new_lines_len || memcmp(p, want, (size_t)k) != 0)
                                abort();
                        p += k;
                }
                if ((size_t)(p - r.new_lines) != r.new_lines_len)
                        abort();
        }
        if (r.changed != (r.len != len || (len && memcmp(r.text, text, len) != 0)))
                abort();

        /* Idempotent. */
        if (subsync_merge(r.text, r.len, e, n, &again, &err) < 0)
                abort();
        if (again.changed || again.len != r.len || (r.len && memcmp(again.text, r.text, r.len) != 0))
                abort();
        subsync_result_free(&again);

        /* Foreign lines kept: the result without the block is the input
         * without the block (and the '\n' added before an appended block). */
        if (subsync_merge(text, len, NULL, 0, &strip_in, &err) < 0 ||
            subsync_merge(r.text, r.len, NULL, 0, &strip_out, &err) < 0)
                abort();
        bool added_nl = n > 0 && r.old_begin == 0 && len > 0 && text[len - 1] != '\n';
        if (strip_out.len != strip_in.len + added_nl ||
            (strip_in.len && memcmp(strip_out.text, strip_in.text, strip_in.len) != 0) ||
            (added_nl && strip_out.text[strip_in.len] != '\n'))
                abort();
        subsync_result_free(&strip_in);
        subsync_result_free(&strip_out);
        subsync_result_free(&r);
}

/* Byte 0's top bit set: a configuration, NUL, a file. */
static void config_mode(const char *in, size_t size)
{
        struct subid_config cfg;
        struct config_error cerr;
        struct subsync_error err;
        struct subsync_entry *e;
        struct subsync_result r;
        size_t n;
        bool self;
        const char *nul = memchr(in, '\0', size);
        size_t clen = nul ? (size_t)(nul - in) : size;

        if (config_parse(in, clen, &cfg, &cerr) < 0)
                return;
        int rc = subsync_entries(&cfg, 256, &e, &n, &self, &err);
        if (rc < 0) {
                if ((rc != -E2BIG && rc != -ERANGE && rc != -ENOMEM) || (rc != -ENOMEM && err.msg[0] == '\0'))
                        abort();
                return;
        }
        uint64_t total = 0;
        for (size_t i = 0; i < cfg.n_users; i++)
                total += cfg.users[i].count;
        if (self != cfg.users_self || n != (cfg.src_pool ? total : 0) || (n == 0) != (e == NULL))
                abort();
        /* What sync computes, the rewriter takes. */
        if (subsync_merge("", 0, e, n, &r, &err) < 0)
                abort();
        subsync_result_free(&r);
        if (nul)
                check_merge(nul + 1, size - clen - 1, e, n);
        free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct subsync_entry e[8];
        size_t n = 0, off = 1;
        uint64_t next = 1;

        if (size < 1 || size > 65536)
                return 0;
        if (data[0] & 0x80) {
                config_mode((const char *)data + 1, size - 1);
                return 0;
        }
        size_t want_n = data[0] % 9;
        for (; n < want_n && off + 10 <= size; n++, off += 10) {
                uint32_t uid = le32(data + off);
                uint64_t gap = le24(data + off + 4);
                uint64_t count = le24(data + off + 7) + 1;
                if (gap & 0x800000)
                        gap = (gap & 0x7fffff) << 8;
                next += gap;
                e[n].uid = uid;
                e[n].start = (uint32_t)next; /* may wrap: then the merge must refuse */
                e[n].count = (uint32_t)count;
                next += count;
        }
        check_merge((const char *)data + off, size - off, e, n);
        return 0;
}
