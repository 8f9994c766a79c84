/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "subid/names.h"
#include "subid/strutils.h"

int name_for_id(const struct subid_config *cfg, uint32_t id, char *buf, size_t bufsz)
{
        int n = snprintf(buf, bufsz, "%s%u", cfg->name_prefix, id);
        if (n < 0 || (size_t)n >= bufsz || n > NAME_MAX_LEN)
                return -ENAMETOOLONG;
        return n;
}

int id_for_name(const struct subid_config *cfg, const char *name, uint32_t *id)
{
        size_t pl = strlen(cfg->name_prefix);
        if (!name || strncmp(name, cfg->name_prefix, pl) != 0)
                return -ENOENT;
        if (parse_u32(name + pl, id) < 0)
                return -ENOENT;
        return 0;
}

int subname_format(const char *owner, uint64_t offset, char *buf, size_t bufsz)
{
        int n;
        /* Offsets past 32 bits only arise from overlapping subuid lines;
         * subname_parse could not read them back, so they get no name. */
        if (!name_is_valid(owner) || offset > UINT32_MAX)
                return -ENAMETOOLONG;
        n = snprintf(buf, bufsz, "%s-%llu", owner, (unsigned long long)offset);
        if (n < 0 || (size_t)n >= bufsz || n > NAME_MAX_LEN)
                return -ENAMETOOLONG;
        return n;
}

int subname_parse(const char *name, char *ownerbuf, size_t ownersz, uint64_t *offset)
{
        const char *dash;
        size_t ol;
        uint32_t off;

        if (!name || strlen_max(name, NAME_MAX_LEN) > NAME_MAX_LEN)
                return -ENOENT;
        dash = strrchr(name, '-');
        if (!dash || dash == name)
                return -ENOENT;
        /* Offsets fit in 32 bits: no owner has more than 2^32 IDs. */
        if (parse_u32(dash + 1, &off) < 0)
                return -ENOENT;
        ol = (size_t)(dash - name);
        if (ol >= ownersz)
                return -ENOENT;
        memcpy(ownerbuf, name, ol);
        ownerbuf[ol] = '\0';
        if (!name_is_valid(ownerbuf))
                return -ENOENT;
        *offset = off;
        return 0;
}
