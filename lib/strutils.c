/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "subid/strutils.h"

int parse_u32_n(const char *s, size_t len, uint32_t *out)
{
        uint64_t v = 0;

        if (!s || len == 0)
                return -EINVAL;
        /* "0" is the only number that may start with 0: "010" is neither
         * octal nor ten here, and "00" is not zero. */
        if (s[0] == '0' && len > 1)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
        }
        for (size_t i = 0; i < len; i++) {
                v = v * 10 + (uint64_t)(s[i] - '0');
                if (v > UINT32_MAX)
                        return -ERANGE;
        }
        *out = (uint32_t)v;
        return 0;
}

int parse_u32(const char *s, uint32_t *out)
{
        if (!s)
                return -EINVAL;
        /* 11 digits already overflow; do not walk an attacker's megabyte. */
        size_t len = strlen_max(s, 64);
        if (len > 64) {
                for (const char *p = s; *p; p++)
                        if (*p < '0' || *p > '9')
                                return -EINVAL;
                return s[0] == '0' ? -EINVAL : -ERANGE;
        }
        return parse_u32_n(s, len, out);
}

size_t strlen_max(const char *s, size_t max)
{
        size_t n = 0;
        while (n <= max && s[n])
                n++;
        return n;
}

bool name_is_valid(const char *s)
{
        bool all_digits = true;
        size_t n;

        if (!s)
                return false;
        n = strlen_max(s, 31);
        if (n == 0 || n > 31)
                return false;
        if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '-'))
                        return false;
                if (c < '0' || c > '9')
                        all_digits = false;
        }
        return !all_digits;
}

const char *str_printable(const char *s, char *buf, size_t max)
{
        size_t i = 0;
        if (!s)
                return "(null)";
        for (; s[i] && i < max; i++)
                buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
        if (s[i])
                memcpy(buf + i, "...", 4);
        else
                buf[i] = '\0';
        return buf;
}
