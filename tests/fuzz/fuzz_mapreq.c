/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness: the newuidmap/newgidmap argument parser.  The input is
 * split at NUL bytes into argv; an accepted request must be what the kernel
 * accepts (<= 340 disjoint extents, no ID 4294967295, text < 4096 bytes
 * or refused by mapreq_format), and the decision must never grant a lower ID
 * outside {own} + granted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "subid/mapreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char buf[65536];
        static char *argv[2048];
        static struct map_request req;
        static char text[MAPREQ_MAX_TEXT + 1];
        static struct idset granted;
        struct mapreq_error err;
        int argc = 0;

        if (size >= sizeof(buf))
                return 0;
        memcpy(buf, data, size);
        buf[size] = '\0';
        for (size_t i = 0; i <= size && argc < 2048;) {
                argv[argc++] = buf + i;
                i += strlen(buf + i) + 1;
        }
        if (mapreq_parse(argc, argv, &req, &err) < 0)
                return 0;
        if (req.n == 0 || req.n > UIDMAP_MAX_EXTENTS || argc != 3 * (int)req.n)
                abort();
        for (size_t i = 0; i < req.n; i++) {
                if (!idrange_valid(req.e[i].inside, req.e[i].count) || !idrange_valid(req.e[i].outside, req.e[i].count))
                        abort();
                for (size_t j = 0; j < i; j++) {
                        struct idrange a = { req.e[i].inside, req.e[i].count }, b = { req.e[j].inside, req.e[j].count };
                        struct idrange c = { req.e[i].outside, req.e[i].count }, d = { req.e[j].outside, req.e[j].count };
                        if (idrange_overlaps(&a, &b) || idrange_overlaps(&c, &d))
                                abort();
                }
        }
        int n = mapreq_format(&req, text, sizeof(text), &err);
        if (n >= 0 && ((size_t)n != strlen(text) || n > MAPREQ_MAX_TEXT))
                abort();
        /* Decision against a fixed grant: own ID 1000, pool 100000+65536. */
        idset_init(&granted);
        idset_append(&granted, 100000, 65536);
        if (mapreq_decide(&req, 1000, &granted, &err) == 0) {
                for (size_t i = 0; i < req.n; i++) {
                        const struct idmap_extent *e = &req.e[i];
                        bool own = e->outside == 1000 && e->count == 1;
                        if (!own && !idset_contains_range(&granted, e->outside, e->count))
                                abort();
                }
        }
        return 0;
}
