/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the name rules of lib/strutils.c and lib/names.c, which
 * decide what the NSS module answers for a name a caller passes in.
 *
 * The input is read three ways:
 *   - whole, as a C string: name_is_valid() must agree with an independent
 *     statement of the rule below; subname_parse() of it, when it accepts,
 *     must give a valid owner and an offset that subname_format() turns back
 *     into exactly the same string;
 *   - split at the first '\n': "name LINE" as a configuration line (so the
 *     prefix is one config_parse accepts) and the rest as a user name:
 *     id_for_name() must be the exact inverse of name_for_id(), every name
 *     name_for_id() makes is a valid name, and it never reads as a
 *     subordinate name (OWNER-OFFSET) -- the reason config_parse refuses a
 *     prefix ending in '-' or a digit;
 *   - the last 12 bytes as an ID and an offset: subname_format() of the first
 *     line as owner must round-trip through subname_parse().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subid/config.h"
#include "subid/names.h"
#include "subid/strutils.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* systemd's strict rule as the header states it, written independently. */
static bool ref_name_valid(const char *s)
{
        size_t n = strlen(s);
        bool digits = true;
        if (n == 0 || n > 31)
                return false;
        if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
                return false;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                bool digit = c >= '0' && c <= '9';
                if (!(digit || c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                        return false;
                digits = digits && digit;
        }
        return !digits;
}

static uint32_t le32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* subname_parse accepted s: the parts are sane and format gives s back. */
static void check_subname(const char *s)
{
        char owner[64], back[64];
        uint64_t off;
        if (subname_parse(s, owner, sizeof(owner), &off) < 0)
                return;
        if (!name_is_valid(owner) || off > UINT32_MAX || strlen(s) > NAME_MAX_LEN)
                abort();
        int n = subname_format(owner, off, back, sizeof(back));
        if (n < 0 || (size_t)n != strlen(s) || strcmp(back, s) != 0)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct subid_config cfg;
        struct config_error err;
        char name[NAME_MAX_LEN + 1], owner[64], buf[64], line[96];
        uint32_t id, back;
        uint64_t off;

        if (size > 4096)
                return 0;
        char *s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';

        /* 1. the whole input as a name */
        if (name_is_valid(s) != ref_name_valid(s))
                abort();
        check_subname(s);

        /* 2. a prefix from the configuration parser, the rest as a name */
        config_defaults(&cfg);
        char *nl = memchr(s, '\n', size);
        char *rest = nl ? nl + 1 : s;
        size_t first_len = nl ? (size_t)(nl - s) : 0;
        if (nl && first_len < 64) {
                snprintf(line, sizeof(line), "name %.*s\n", (int)first_len, s);
                if (config_parse(line, strlen(line), &cfg, &err) < 0) {
                        if (err.msg[0] == '\0')
                                abort();
                        config_defaults(&cfg);
                }
        }
        if (id_for_name(&cfg, rest, &id) == 0) {
                /* Exactly prefix + canonical decimal: name_for_id says it again. */
                int n = name_for_id(&cfg, id, buf, sizeof(buf));
                if (n < 0 || strcmp(buf, rest) != 0)
                        abort();
        }
        id = size >= 12 ? le32(data + size - 12) : (uint32_t)size * 2654435761u;
        int n = name_for_id(&cfg, id, name, sizeof(name));
        if (n >= 0) {
                if ((size_t)n != strlen(name) || !name_is_valid(name))
                        abort();
                if (id_for_name(&cfg, name, &back) < 0 || back != id)
                        abort();
                /* A user's name never reads as OWNER-OFFSET. */
                if (subname_parse(name, owner, sizeof(owner), &off) == 0)
                        abort();
        }
        /* Too small a buffer is refused, never cut. */
        if (name_for_id(&cfg, id, buf, 3) >= 0 && strlen(cfg.name_prefix) + 1 >= 3)
                abort();

        /* 3. the first line as an owner with an offset from the input */
        if (nl && first_len < 64) {
                char o[64];
                memcpy(o, s, first_len);
                o[first_len] = '\0';
                off = size >= 8 ? (uint64_t)le32(data + size - 8) | (uint64_t)(data[size - 4] & 1) << 32 : size;
                n = subname_format(o, off, buf, sizeof(buf));
                if (n >= 0) {
                        uint64_t off2;
                        if (!name_is_valid(o) || off > UINT32_MAX || (size_t)n != strlen(buf) ||
                            !name_is_valid(buf))
                                abort();
                        if (subname_parse(buf, owner, sizeof(owner), &off2) < 0 || off2 != off ||
                            strcmp(owner, o) != 0)
                                abort();
                }
        }
        free(s);
        return 0;
}
