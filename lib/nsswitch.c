/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "subid/nsswitch.h"

static bool blank(char c)
{
        return c == ' ' || c == '\t';
}

static bool name_char(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Services of one line's value part [p, end). */
static void services(const char *p, const char *end, struct nss_services *out)
{
        out->n = 0;
        while (p < end) {
                const char *w;
                while (p < end && blank(*p))
                        p++;
                if (p >= end || *p == '#')
                        break;
                if (*p == '[') { /* [NOTFOUND=return]: no service */
                        const char *q = memchr(p, ']', (size_t)(end - p));
                        p = q ? q + 1 : end;
                        continue;
                }
                w = p;
                while (p < end && !blank(*p) && *p != '[' && *p != '#')
                        p++;
                size_t n = (size_t)(p - w);
                bool ok = n > 0 && n <= NSS_SERVICE_MAX && out->n < NSS_SERVICES_MAX;
                for (size_t i = 0; ok && i < n; i++)
                        ok = name_char(w[i]);
                if (ok) {
                        memcpy(out->name[out->n], w, n);
                        out->name[out->n][n] = '\0';
                        out->n++;
                }
        }
}

int nsswitch_services(const char *text, size_t len, const char *db, struct nss_services *out)
{
        const char *p = text, *end = text + len;
        size_t dl = strlen(db);

        out->n = 0;
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *le = nl ? nl : end, *q = p;
                while (q < le && blank(*q))
                        q++;
                if ((size_t)(le - q) > dl && memcmp(q, db, dl) == 0) {
                        q += dl;
                        while (q < le && blank(*q))
                                q++;
                        if (q < le && *q == ':') {
                                services(q + 1, le, out);
                                return 0;
                        }
                }
                p = nl ? nl + 1 : end;
        }
        return -ENOENT;
}
