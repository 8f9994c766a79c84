/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness: idmap_parse on arbitrary bytes (the kernel's uid_map
 * format); an accepted map has at most 340 disjoint, in-range extents. */
#include <stdint.h>
#include <stdlib.h>

#include "subid/uidmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct idmap m;
        static struct idset s;

        if (idmap_parse((const char *)data, size, &m) < 0)
                return 0;
        if (m.n > UIDMAP_MAX_EXTENTS)
                abort();
        for (size_t i = 0; i < m.n; i++)
                if (!idrange_valid(m.e[i].inside, m.e[i].count) || !idrange_valid(m.e[i].outside, m.e[i].count))
                        abort();
        if (idmap_inside_set(&m, &s) < 0)
                abort();
        uint64_t total = 0;
        for (size_t i = 0; i < m.n; i++)
                total += m.e[i].count;
        if (idset_total(&s) != total) /* disjoint: nothing merged away */
                abort();
        return 0;
}
