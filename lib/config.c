/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "subid/config.h"
#include "subid/idrange.h"
#include "subid/strutils.h"

void config_defaults(struct subid_config *cfg)
{
        memset(cfg, 0, sizeof(*cfg));
        cfg->users_self = true;
        strcpy(cfg->name_prefix, "u");
        strcpy(cfg->gecos, DEFAULT_GECOS);
        strcpy(cfg->home, DEFAULT_HOME);
        strcpy(cfg->shell, DEFAULT_SHELL);
        cfg->src_files = true;
        cfg->src_userns = true;
        cfg->src_pool = true;
        cfg->pool_base = DEFAULT_POOL_BASE;
        cfg->pool_count = DEFAULT_POOL_COUNT;
        cfg->subid_names = true;
        cfg->cgroup_depth = DEFAULT_CGROUP_DEPTH;
}

__attribute__((format(printf, 3, 4))) static int fail(struct config_error *err, unsigned line, const char *fmt, ...)
{
        va_list ap;
        err->line = line;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        return -EINVAL;
}

#define MAX_TOKENS 4

/* Split a line (NUL-terminated copy) into blank-separated tokens.
 * Returns the number of tokens, or MAX_TOKENS + 1 if there are more. */
static size_t tokenize(char *s, char **tok, char **rest_after_first)
{
        size_t n = 0;
        char *p = s;
        *rest_after_first = NULL;
        for (;;) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (!*p)
                        break;
                if (n == 1)
                        *rest_after_first = p;
                if (n == MAX_TOKENS)
                        return MAX_TOKENS + 1;
                tok[n++] = p;
                while (*p && *p != ' ' && *p != '\t')
                        p++;
                if (*p)
                        *p++ = '\0';
        }
        return n;
}

static int parse_users(const char *arg, struct subid_config *cfg, unsigned line, struct config_error *err)
{
        const char *dash;
        uint32_t a, b;

        if (strcmp(arg, "self") == 0) {
                cfg->users_self = true;
                return 0;
        }
        dash = strchr(arg, '-');
        if (!dash)
                return fail(err, line, "users: expected 'self' or FIRST-LAST, got '%.40s'", arg);
        if (parse_u32_n(arg, (size_t)(dash - arg), &a) < 0 || parse_u32(dash + 1, &b) < 0)
                return fail(err, line, "users: '%.40s' is not a range of decimal UIDs", arg);
        if (a > b)
                return fail(err, line, "users: range %u-%u is empty (first > last)", a, b);
        if (a == 0)
                return fail(err, line, "users: range %u-%u includes UID 0, which is never synthesized", a, b);
        if (b == UINT32_MAX)
                return fail(err, line, "users: range %u-%u includes 4294967295, which is not a valid UID", a, b);
        if (cfg->n_users >= CONFIG_MAX_USERS)
                return fail(err, line, "users: more than %d ranges", CONFIG_MAX_USERS);
        struct idrange nr = { a, (uint64_t)b - a + 1 };
        for (size_t i = 0; i < cfg->n_users; i++) {
                struct idrange o = { cfg->users[i].first, cfg->users[i].count };
                if (idrange_overlaps(&o, &nr))
                        return fail(err, line, "users: range %u-%u overlaps the range at line %u", a, b,
                                    cfg->users[i].line);
        }
        cfg->users[cfg->n_users].first = a;
        cfg->users[cfg->n_users].count = (uint32_t)nr.count;
        cfg->users[cfg->n_users].line = line;
        cfg->n_users++;
        return 0;
}

static int parse_template(const char *arg, struct subid_config *cfg, unsigned line, struct config_error *err)
{
        const char *pct = strstr(arg, "%u");
        size_t plen;

        if (!pct || pct[2] != '\0')
                return fail(err, line, "name: template must be PREFIX%%u (the UID at the end), got '%.40s'", arg);
        plen = (size_t)(pct - arg);
        if (plen == 0 || plen > CONFIG_MAX_PREFIX)
                return fail(err, line, "name: prefix must be 1 to %d characters", CONFIG_MAX_PREFIX);
        if (!((arg[0] >= 'a' && arg[0] <= 'z') || arg[0] == '_'))
                return fail(err, line, "name: prefix must start with a-z or '_'");
        for (size_t i = 0; i < plen; i++)
                if (!name_char_ok(arg[i]))
                        return fail(err, line, "name: prefix may contain only a-z, 0-9, '_' and '-'");
        /* A prefix ending in '-' would make "p-123" look like a subordinate
         * name of owner "p"; a digit before %u would break the inverse. */
        if (arg[plen - 1] == '-' || (arg[plen - 1] >= '0' && arg[plen - 1] <= '9'))
                return fail(err, line, "name: prefix must not end with '-' or a digit");
        memcpy(cfg->name_prefix, arg, plen);
        cfg->name_prefix[plen] = '\0';
        return 0;
}

static int parse_text(const char *what, const char *arg, char *dst, size_t dstsz, bool path, unsigned line,
                      struct config_error *err)
{
        size_t n = strlen(arg);
        while (n > 0 && (arg[n - 1] == ' ' || arg[n - 1] == '\t'))
                n--;
        if (n == 0)
                return fail(err, line, "%s: missing value", what);
        if (n >= dstsz)
                return fail(err, line, "%s: longer than %zu characters", what, dstsz - 1);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)arg[i];
                if (c < 0x20 || c > 0x7e || c == ':')
                        return fail(err, line, "%s: only printable ASCII without ':' is allowed", what);
                if (path && (c == ' ' || c == '\t'))
                        return fail(err, line, "%s: must not contain blanks", what);
        }
        if (path && arg[0] != '/')
                return fail(err, line, "%s: must be an absolute path", what);
        memcpy(dst, arg, n);
        dst[n] = '\0';
        return 0;
}

/* An absolute path without ".", "..", empty components or a trailing '/':
 * what the administrator names is exactly what is opened. */
static int parse_cgroup_parent(const char *arg, char *dst, unsigned line, struct config_error *err)
{
        size_t n = strlen(arg);
        int r = parse_text("cgroup-parent", arg, dst, CONFIG_MAX_PATH + 1, true, line, err);
        if (r < 0)
                return r;
        if (n < 2 || arg[n - 1] == '/' || strstr(arg, "//") || strstr(arg, "/./") || strstr(arg, "/../") ||
            (n >= 2 && strcmp(arg + n - 2, "/.") == 0) || (n >= 3 && strcmp(arg + n - 3, "/..") == 0))
                return fail(err, line, "cgroup-parent: '%.60s' must be a plain absolute path (no '.', '..', '//' or "
                                       "trailing '/')", arg);
        return 0;
}

uint64_t config_pool_slots(const struct subid_config *cfg)
{
        uint64_t n = cfg->users_self ? 1 : 0;
        for (size_t i = 0; i < cfg->n_users; i++)
                n += cfg->users[i].count;
        return n;
}

static int validate_pool(const struct subid_config *cfg, struct config_error *err)
{
        uint64_t slots = config_pool_slots(cfg), size;
        unsigned line = cfg->pool_line;

        if (cfg->pool_base == 0)
                return fail(err, line, "subids pool: BASE 0 would hand out UID 0");
        if (cfg->pool_count == 0)
                return fail(err, line, "subids pool: COUNT must be at least 1");
        if (slots == 0)
                return fail(err, line, "subids pool: no users to give blocks to");
        if (__builtin_mul_overflow(slots, (uint64_t)cfg->pool_count, &size) || size > ID_LIMIT - cfg->pool_base)
                return fail(err, line,
                            "subids pool: %llu users x %u IDs from %u overflows the 32-bit ID space "
                            "(4294967295 is not a valid ID)",
                            (unsigned long long)slots, cfg->pool_count, cfg->pool_base);
        struct idrange pool = { cfg->pool_base, size };
        for (size_t i = 0; i < cfg->n_users; i++) {
                struct idrange u = { cfg->users[i].first, cfg->users[i].count };
                if (idrange_overlaps(&pool, &u))
                        return fail(err, line, "subids pool: block %u-%llu overlaps the users range at line %u",
                                    cfg->pool_base, (unsigned long long)(idrange_end(&pool) - 1), cfg->users[i].line);
        }
        return 0;
}

int config_parse(const char *text, size_t len, struct subid_config *cfg, struct config_error *err)
{
        bool seen_users = false, seen_subids = false;
        unsigned none_line = 0, source_line = 0;
        unsigned seen[8] = { 0 }; /* line of first name/gid/gecos/home/shell/pool/subid-names */
        enum { S_NAME, S_GID, S_GECOS, S_HOME, S_SHELL, S_POOL, S_NAMES, S_CGDEPTH };
        static const char *const sname[] = { "name",        "gid",         "gecos",       "home",
                                             "shell",       "subids pool", "subid-names", "cgroup-depth" };
        unsigned line = 0;
        const char *p = text, *end = text + len;

        config_defaults(cfg);
        err->line = 0;
        err->msg[0] = '\0';
        if (len > CONFIG_MAX_SIZE)
                return fail(err, 0, "file is larger than %d bytes", CONFIG_MAX_SIZE);
        const char *nul = memchr(text, '\0', len);
        if (nul) {
                unsigned l = 1;
                for (const char *q = text; q < nul; q++)
                        l += *q == '\n';
                return fail(err, l, "NUL byte in line");
        }

        while (p < end) {
                char buf[CONFIG_MAX_LINE + 1], *tok[MAX_TOKENS], *rest;
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
                size_t nt;
                int r = 0;

                line++;
                if (ll > CONFIG_MAX_LINE)
                        return fail(err, line, "line longer than %d bytes", CONFIG_MAX_LINE);
                memcpy(buf, p, ll);
                buf[ll] = '\0';
                p += ll + (nl ? 1 : 0);

                nt = tokenize(buf, tok, &rest);
                if (nt == 0 || tok[0][0] == '#')
                        continue;
                for (size_t i = 0; i < ll; i++) {
                        unsigned char c = (unsigned char)buf[i];
                        if (c >= 0x7f || (c < 0x20 && c != '\t' && c != '\0'))
                                return fail(err, line, "non-ASCII or control character");
                }

                const char *d = tok[0];
                int single = -1;
                if (strcmp(d, "users") == 0) {
                        if (nt != 2)
                                return fail(err, line, "users: expected one argument");
                        if (!seen_users) {
                                cfg->users_self = false;
                                seen_users = true;
                        }
                        r = parse_users(tok[1], cfg, line, err);
                } else if (strcmp(d, "name") == 0) {
                        single = S_NAME;
                        if (nt != 2)
                                return fail(err, line, "name: expected one argument");
                        r = parse_template(tok[1], cfg, line, err);
                } else if (strcmp(d, "gid") == 0) {
                        /* A fixed primary GID let newgrp/sg hand that group
                         * (gid 0 by default) to every synthesized user. */
                        return fail(err, line, "gid: no longer supported: a synthesized user's primary GID is the "
                                               "caller's own real GID, or its private group (see nss_subid.conf(5))");
                } else if (strcmp(d, "gecos") == 0) {
                        single = S_GECOS;
                        if (nt < 2)
                                return fail(err, line, "gecos: missing value");
                        /* The whole rest of the original line, blanks included. */
                        size_t off = (size_t)(rest - buf);
                        char raw[CONFIG_MAX_LINE + 1];
                        memcpy(raw, p - ll - (nl ? 1 : 0), ll);
                        raw[ll] = '\0';
                        r = parse_text("gecos", raw + off, cfg->gecos, sizeof(cfg->gecos), false, line, err);
                } else if (strcmp(d, "home") == 0 || strcmp(d, "shell") == 0) {
                        bool home = d[0] == 'h';
                        single = home ? S_HOME : S_SHELL;
                        if (nt != 2)
                                return fail(err, line, "%s: expected one path", d);
                        r = parse_text(d, tok[1], home ? cfg->home : cfg->shell, CONFIG_MAX_PATH + 1, true, line,
                                       err);
                } else if (strcmp(d, "subids") == 0) {
                        if (nt < 2)
                                return fail(err, line, "subids: expected files, userns [all|no-accounts], pool BASE COUNT or none");
                        if (!seen_subids) {
                                cfg->src_files = cfg->src_userns = cfg->src_pool = false;
                                seen_subids = true;
                        }
                        const char *s = tok[1];
                        if (strcmp(s, "none") == 0 && nt == 2) {
                                none_line = line;
                        } else if (strcmp(s, "files") == 0 && nt == 2) {
                                cfg->src_files = true;
                                source_line = line;
                        } else if (strcmp(s, "userns") == 0 && (nt == 2 || (nt == 3 && (strcmp(tok[2], "all") == 0 ||
                                                                                       strcmp(tok[2], "no-accounts") == 0)))) {
                                if (cfg->src_userns)
                                        return fail(err, line, "duplicate 'subids userns'");
                                cfg->src_userns = true;
                                cfg->userns_no_accounts = nt == 3 && tok[2][0] == 'n';
                                source_line = line;
                        } else if (strcmp(s, "pool") == 0) {
                                single = S_POOL;
                                if (nt != 4)
                                        return fail(err, line, "subids pool: expected BASE COUNT");
                                if (parse_u32(tok[2], &cfg->pool_base) < 0 ||
                                    parse_u32(tok[3], &cfg->pool_count) < 0)
                                        return fail(err, line, "subids pool: BASE and COUNT must be decimal numbers");
                                cfg->src_pool = true;
                                cfg->pool_line = line;
                                source_line = line;
                        } else {
                                return fail(err, line, "subids: unknown source '%.40s' or wrong arguments", s);
                        }
                } else if (strcmp(d, "cgroup-parent") == 0) {
                        if (nt != 2)
                                return fail(err, line, "cgroup-parent: expected one absolute path");
                        if (cfg->n_cgroup_parents >= CONFIG_MAX_CGROUP_PARENTS)
                                return fail(err, line, "cgroup-parent: more than %d lines", CONFIG_MAX_CGROUP_PARENTS);
                        r = parse_cgroup_parent(tok[1], cfg->cgroup_parents[cfg->n_cgroup_parents], line, err);
                        for (size_t i = 0; r == 0 && i < cfg->n_cgroup_parents; i++)
                                if (strcmp(cfg->cgroup_parents[i], cfg->cgroup_parents[cfg->n_cgroup_parents]) == 0)
                                        return fail(err, line, "cgroup-parent: %.60s is listed twice", tok[1]);
                        if (r == 0)
                                cfg->n_cgroup_parents++;
                } else if (strcmp(d, "cgroup-depth") == 0) {
                        uint32_t v;
                        single = S_CGDEPTH;
                        if (nt != 2 || parse_u32(tok[1], &v) < 0 || v < 1 || v > 16)
                                return fail(err, line, "cgroup-depth: expected a number from 1 to 16");
                        cfg->cgroup_depth = v;
                } else if (strcmp(d, "subid-names") == 0) {
                        single = S_NAMES;
                        if (nt != 2 || (strcmp(tok[1], "yes") != 0 && strcmp(tok[1], "no") != 0))
                                return fail(err, line, "subid-names: expected yes or no");
                        cfg->subid_names = tok[1][0] == 'y';
                } else {
                        return fail(err, line, "unknown directive '%.40s'", d);
                }
                if (r < 0)
                        return r;
                if (single >= 0) {
                        if (seen[single])
                                return fail(err, line, "duplicate '%s' (first at line %u)", sname[single],
                                            seen[single]);
                        seen[single] = line;
                }
        }
        /* The built-in pool is sized for `self`; explicit users ranges need
         * an explicit pool, or a default one would silently overflow. */
        if (!seen_subids && cfg->n_users > 0)
                cfg->src_pool = false;
        if (none_line && source_line)
                return fail(err, none_line > source_line ? none_line : source_line,
                            "subids none cannot be combined with other sources (lines %u and %u)", none_line,
                            source_line);
        if (cfg->src_pool)
                return validate_pool(cfg, err);
        return 0;
}

int config_validate_for_caller(const struct subid_config *cfg, uint32_t caller_uid, struct config_error *err)
{
        if (!cfg->src_pool)
                return 0;
        uint64_t size = config_pool_slots(cfg) * (uint64_t)cfg->pool_count;
        struct idrange pool = { cfg->pool_base, size };
        if (idrange_contains(&pool, caller_uid))
                return fail(err, cfg->pool_line, "subids pool: block %u-%llu contains the caller's own UID %u",
                            cfg->pool_base, (unsigned long long)(idrange_end(&pool) - 1), caller_uid);
        return 0;
}
