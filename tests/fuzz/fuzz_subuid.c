/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness: /etc/subuid parsing; accepted lines are valid ranges
 * that never contain 0. */
#include <stdint.h>
#include <stdlib.h>

#include "subid/idrange.h"
#include "subid/subuid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct colon_db db;

        if (colon_db_parse((const char *)data, size, COLON_SUBID, &db) < 0)
                return 0;
        for (size_t i = 0; i < db.n; i++)
                if (db.e[i].id == 0 || !idrange_valid(db.e[i].id, db.e[i].count) || db.e[i].owner[0] == '\0')
                        abort();
        colon_db_free(&db);
        return 0;
}
