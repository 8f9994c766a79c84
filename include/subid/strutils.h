/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The one integer parser of the project.  Accepts only canonical decimal:
 * one or more ASCII digits, no sign, no white space, no leading zero (except
 * "0" itself, so "010" is never read as octal or as ten), no hex, value
 * <= UINT32_MAX, and the whole input is consumed.
 *
 * Returns 0 on success, -EINVAL for anything malformed, -ERANGE on overflow.
 * *out is written only on success.
 */
int parse_u32(const char *s, uint32_t *out);
/* Same, for the first len bytes of s (no NUL needed). */
int parse_u32_n(const char *s, size_t len, uint32_t *out);

/* True when c is a byte allowed in a synthesized name: [a-z0-9_-]. */
static inline bool name_char_ok(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/*
 * systemd's strict user name rule, narrowed to what we synthesize: 1..31
 * bytes of [a-zA-Z0-9_-], first byte [a-zA-Z_], not all digits.
 * Names we are asked about that fail this are never ours.
 */
bool name_is_valid(const char *s);

/*
 * A caller-supplied string made safe for a message or log line: at most max
 * bytes of it, each byte outside printable ASCII replaced by '?', and "..."
 * appended when it was longer.  buf holds max + 4 bytes.  Returns buf, or
 * "(null)".
 */
const char *str_printable(const char *s, char *buf, size_t max);

/* Length-limited strlen: returns max+1 if s is longer than max. */
size_t strlen_max(const char *s, size_t max);
