/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parsed /etc/subuid or /etc/subgid ("owner:start:count" lines, owner a
 * name or a decimal UID, as shadow writes them).  Also used, with other
 * field numbers, for the name and ID columns of /etc/passwd and /etc/group
 * (collision checks: a synthesized name or ID must never shadow a real one).
 */
struct colon_entry {
        const char *owner;  /* points into the db's own copy of the text */
        uint32_t id;        /* passwd/group: the ID column; subuid: start */
        uint32_t count;     /* subuid only */
        unsigned line;
};

/* COLON_SUBID: the entries sorted by start, with the largest end so far,
 * so that the lines overlapping a range are found without a full scan. */
struct colon_span {
        uint64_t start, end, maxend;
        size_t idx;
};

struct colon_db {
        char *text;                /* private copy, ':' and '\n' replaced by NUL */
        size_t n;
        struct colon_entry *e;
        struct colon_span *spans;  /* COLON_SUBID only: n spans */
        size_t n_bad;              /* malformed lines skipped (never used) */
        unsigned first_bad_line;
};

enum colon_format {
        COLON_SUBID,   /* owner:start:count, start >= 1, start+count <= 2^32-1 */
        COLON_PASSWD,  /* name:x:uid:... */
        COLON_GROUP,   /* name:x:gid:... */
};

/*
 * Parse text (not NUL-terminated, len bytes).  Malformed lines are skipped
 * and counted, never half-used.  Lines starting with '#' and empty lines
 * are ignored.  Returns 0 or -ENOMEM; free with colon_db_free().
 */
int colon_db_parse(const char *text, size_t len, enum colon_format fmt, struct colon_db *db);
void colon_db_free(struct colon_db *db);

bool colon_db_has_name(const struct colon_db *db, const char *name);
bool colon_db_has_id(const struct colon_db *db, uint32_t id);

/*
 * COLON_SUBID: call fn for every entry whose range overlaps
 * [start, start+count).  Stops at and returns fn's first nonzero result;
 * 0 when all were visited.  Cost: a binary search plus the entries whose
 * ranges reach into the query (disjoint files: the overlapping ones).
 */
int colon_db_each_overlap(const struct colon_db *db, uint64_t start, uint64_t count,
                          int (*fn)(const struct colon_entry *e, void *ctx), void *ctx);
