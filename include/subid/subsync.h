/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "subid/config.h"

/*
 * `subidctl sync`: write the pool's grants into /etc/subuid and /etc/subgid
 * for clients that read those files themselves (buildah on Debian is not
 * linked to libsubid).  Pure: text in, text out; the front end does the
 * locking and the atomic replacement.
 *
 * The lines sync owns sit in one block between two comment lines:
 *
 *   # BEGIN nss_subid sync (managed by subidctl sync; do not edit)
 *   1000590000:100000:65536
 *   ...
 *   # END nss_subid sync
 *
 * Both readers of these files skip such lines: shadow keeps a line that is
 * not three ':'-separated fields as an unparsed entry (never a range, and
 * written back unchanged), and containers/storage (parseSubidFile) skips
 * lines starting with '#'.  The markers contain no ':' so that no parser can
 * take them for OWNER:START:COUNT.  Every line outside the block is
 * foreign and is kept byte for byte.
 */

#define SUBSYNC_BEGIN "# BEGIN nss_subid sync (managed by subidctl sync; do not edit)"
#define SUBSYNC_END "# END nss_subid sync"

/* At most this many lines per file: OpenShift gives a project 10 000 UIDs,
 * and a `users` range may cover a billion, which no file should list. */
#define SUBSYNC_MAX_LINES 65536

struct subsync_entry {
        uint32_t uid;   /* owner, written as a decimal UID: the users have no passwd line */
        uint32_t start;
        uint32_t count;
};

struct subsync_error {
        unsigned line; /* 1-based line of the file; 0: not tied to a line */
        char msg[240];
};

/*
 * The lines the `pool` source implies: for each UID of each explicit
 * `users` range, in slot order (so by ascending start), BASE + slot * COUNT,
 * COUNT long.  `users self` has no fixed UID and is never listed;
 * *self_skipped says whether the config has it.  No pool, or no explicit
 * range: 0 entries.  More than max entries: -E2BIG; a range that would
 * include 0 or reach 4294967295: -ERANGE; both with *err filled.
 * *out is malloc'ed (NULL when n is 0).
 */
int subsync_entries(const struct subid_config *cfg, size_t max, struct subsync_entry **out, size_t *n,
                    bool *self_skipped, struct subsync_error *err);

struct subsync_result {
        char *text; /* the new file, malloc'ed (not NUL-terminated; may be NULL when len is 0) */
        size_t len;
        bool changed;              /* text differs from the input */
        unsigned old_begin;        /* line of the old BEGIN marker, 0: there was no block */
        unsigned old_end;          /* line of the old END marker */
        size_t n_old;              /* entry lines in the old block */
        const char *old_lines;     /* the old block's entry lines (into the input) */
        size_t old_lines_len;
        const char *new_lines;     /* the new block's entry lines (into text) */
        size_t new_lines_len;
        size_t n_foreign;          /* lines outside the block, kept as they were */
        size_t n_unreadable;       /* of those, neither blank, comment nor OWNER:START:COUNT */
        unsigned first_unreadable; /* containers/storage rejects a whole file with such a line */
};

/*
 * Merge: the text of /etc/subuid (or /etc/subgid), len bytes, any bytes at
 * all, with e[0..n) (ascending, disjoint) as the new block.  Refuses with
 * -EINVAL and *err (with the line) when:
 *   - a marker is damaged (a line starting "# BEGIN nss_subid" or
 *     "# END nss_subid" that is not exactly a marker, e.g. with a CR),
 *     there are two BEGIN markers, an END without BEGIN, or a BEGIN
 *     without END;
 *   - a line inside the block is not a canonical UID:START:COUNT line (so
 *     someone edited it: sync never deletes what it did not write);
 *   - a new range overlaps the range of a foreign line (read as leniently
 *     as any client would: blanks around fields, leading '+' or zeros);
 *   - an entry is invalid (UID 0, start 0, past 4294967294, unsorted).
 * The new block replaces the old one where it was, or is appended (after
 * a '\n' if the file does not end with one); with n == 0 the block is
 * removed.  -ENOMEM.  Free with subsync_result_free().
 */
int subsync_merge(const char *text, size_t len, const struct subsync_entry *e, size_t n, struct subsync_result *out,
                  struct subsync_error *err);
void subsync_result_free(struct subsync_result *r);
