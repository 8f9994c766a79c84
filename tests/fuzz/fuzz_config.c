/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness: config_parse must never crash, and a config it accepts
 * must satisfy the invariants the rest of the code relies on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "subid/config.h"
#include "subid/idrange.h"
#include "subid/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct subid_config cfg;
        struct config_error err;
        char name[NAME_MAX_LEN + 1];
        uint32_t back;

        if (config_parse((const char *)data, size, &cfg, &err) < 0) {
                if (err.msg[0] == '\0')
                        abort(); /* every rejection says why */
                return 0;
        }
        for (size_t i = 0; i < cfg.n_users; i++) {
                if (cfg.users[i].first == 0 || !idrange_valid(cfg.users[i].first, cfg.users[i].count))
                        abort();
        }
        if (cfg.src_pool) {
                uint64_t size64 = config_pool_slots(&cfg) * (uint64_t)cfg.pool_count;
                if (cfg.pool_base == 0 || !idrange_valid(cfg.pool_base, size64))
                        abort();
        }
        /* Names round-trip for the whole ID space edges. */
        uint32_t probe[] = { 1, 1000590000u, 4294967294u };
        for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
                if (name_for_id(&cfg, probe[i], name, sizeof(name)) >= 0 &&
                    (id_for_name(&cfg, name, &back) < 0 || back != probe[i]))
                        abort();
        }
        return 0;
}
