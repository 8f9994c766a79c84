/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "subid/idrange.h"
#include "subid/strutils.h"
#include "subid/subuid.h"

#define MAX_FIELDS 8

/* Split s (NUL-terminated line) at ':'; returns the field count, or
 * MAX_FIELDS + 1 when there are more. */
static size_t split(char *s, char **f)
{
        size_t n = 0;
        f[n++] = s;
        for (char *p = s; *p; p++) {
                if (*p == ':') {
                        *p = '\0';
                        if (n == MAX_FIELDS)
                                return MAX_FIELDS + 1;
                        f[n++] = p + 1;
                }
        }
        return n;
}

static bool parse_line(char *s, enum colon_format fmt, struct colon_entry *e)
{
        char *f[MAX_FIELDS];
        size_t n = split(s, f);
        uint32_t a, b = 0;

        if (f[0][0] == '\0')
                return false;
        switch (fmt) {
        case COLON_SUBID:
                /* shadow's format; a range containing 0 would map root and is
                 * never used, nor one reaching 4294967295. */
                if (n != 3 || parse_u32(f[1], &a) < 0 || parse_u32(f[2], &b) < 0)
                        return false;
                if (a == 0 || !idrange_valid(a, b))
                        return false;
                break;
        case COLON_PASSWD:
                if (n != 7 || parse_u32(f[2], &a) < 0)
                        return false;
                break;
        case COLON_GROUP:
                if (n != 4 || parse_u32(f[2], &a) < 0)
                        return false;
                break;
        default:
                return false;
        }
        e->owner = f[0];
        e->id = a;
        e->count = b;
        return true;
}

static int span_cmp(const void *a, const void *b)
{
        const struct colon_span *x = a, *y = b;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int build_spans(struct colon_db *db)
{
        uint64_t m = 0;
        if (db->n == 0)
                return 0;
        db->spans = calloc(db->n, sizeof(*db->spans));
        if (!db->spans)
                return -ENOMEM;
        for (size_t i = 0; i < db->n; i++) {
                db->spans[i].start = db->e[i].id;
                db->spans[i].end = (uint64_t)db->e[i].id + db->e[i].count;
                db->spans[i].idx = i;
        }
        qsort(db->spans, db->n, sizeof(*db->spans), span_cmp);
        for (size_t i = 0; i < db->n; i++) {
                if (db->spans[i].end > m)
                        m = db->spans[i].end;
                db->spans[i].maxend = m;
        }
        return 0;
}

int colon_db_parse(const char *text, size_t len, enum colon_format fmt, struct colon_db *db)
{
        size_t lines = 1, cap;
        unsigned line = 0;
        char *p, *end;

        memset(db, 0, sizeof(*db));
        for (size_t i = 0; i < len; i++)
                lines += text[i] == '\n';
        cap = lines;
        db->text = malloc(len + 1);
        db->e = calloc(cap, sizeof(*db->e));
        if (!db->text || !db->e) {
                colon_db_free(db);
                return -ENOMEM;
        }
        memcpy(db->text, text, len);
        db->text[len] = '\0';
        p = db->text;
        end = db->text + len;
        while (p < end) {
                char *nl = memchr(p, '\n', (size_t)(end - p));
                char *le = nl ? nl : end;
                line++;
                *le = '\0';
                /* An embedded NUL makes the line unusable, not shorter. */
                bool has_nul = strlen(p) != (size_t)(le - p);
                if (!has_nul && (p[0] == '\0' || p[0] == '#')) {
                        p = le + 1;
                        continue;
                }
                if (has_nul || !parse_line(p, fmt, &db->e[db->n])) {
                        if (db->n_bad++ == 0)
                                db->first_bad_line = line;
                } else {
                        db->e[db->n++].line = line;
                }
                p = le + 1;
        }
        if (fmt == COLON_SUBID && build_spans(db) < 0) {
                colon_db_free(db);
                return -ENOMEM;
        }
        return 0;
}

void colon_db_free(struct colon_db *db)
{
        free(db->text);
        free(db->e);
        free(db->spans);
        memset(db, 0, sizeof(*db));
}

bool colon_db_has_name(const struct colon_db *db, const char *name)
{
        for (size_t i = 0; i < db->n; i++)
                if (strcmp(db->e[i].owner, name) == 0)
                        return true;
        return false;
}

bool colon_db_has_id(const struct colon_db *db, uint32_t id)
{
        for (size_t i = 0; i < db->n; i++)
                if (db->e[i].id == id)
                        return true;
        return false;
}

int colon_db_each_overlap(const struct colon_db *db, uint64_t start, uint64_t count,
                          int (*fn)(const struct colon_entry *e, void *ctx), void *ctx)
{
        uint64_t end = start + count;
        size_t lo = 0, hi = db->n;

        if (!db->spans || count == 0)
                return 0;
        /* First span starting at or after end: every candidate is before it. */
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (db->spans[mid].start < end)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        /* Walk back while some earlier span may still reach start. */
        for (size_t i = lo; i-- > 0 && db->spans[i].maxend > start;) {
                if (db->spans[i].end > start) {
                        int r = fn(&db->e[db->spans[i].idx], ctx);
                        if (r)
                                return r;
                }
        }
        return 0;
}
