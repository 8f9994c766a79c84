/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/config.c: config_defaults, config_parse,
 * config_validate_for_caller, config_pool_slots. */
#include <ctype.h>
#include <errno.h>

#include "subid/config.h"
#include "ut_common.h"

/* ---------------------------------------------------------------- helpers */

static int parse_text(const char *text, size_t len, struct subid_config *cfg, struct config_error *err)
{
        char *p = ut_exact(text, len);
        memset(cfg, 0x5a, sizeof(*cfg));
        memset(err, 0x5a, sizeof(*err));
        int ret = config_parse(p, len, cfg, err);
        free(p);
        return ret;
}

static bool err_msg_ok(const struct config_error *err)
{
        return memchr(err->msg, 0, sizeof(err->msg)) != NULL && err->msg[0] != 0;
}

/*
 * Expected configuration as a compact spec applied on top of the defaults:
 *   self=0|1; users=A+N,B+M; prefix=P; uns=all|no-accounts; gecos=TEXT; home=P; shell=P;
 *   src=fup (any of f,u,p or '-' for none); pool=BASE+COUNT; names=0|1
 * Fields are separated by ';'.  gecos may contain spaces but not ';'.
 */
static bool ut_ignore_sources; /* set by "src=?" for the last spec_to_cfg() */

static void spec_to_cfg(const char *spec, struct subid_config *e)
{
        ut_ignore_sources = false;
        config_defaults(e);
        char buf[1024];
        snprintf(buf, sizeof(buf), "%s", spec);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
                char *eq = strchr(tok, '=');
                assert_non_null(eq);
                *eq = 0;
                const char *k = tok, *v = eq + 1;
                if (!strcmp(k, "self")) {
                        e->users_self = v[0] == '1';
                } else if (!strcmp(k, "users")) {
                        e->n_users = 0;
                        char *s2 = NULL, *vv = strdup(v);
                        for (char *r = strtok_r(vv, ",", &s2); r; r = strtok_r(NULL, ",", &s2)) {
                                unsigned long long a, n;
                                assert_int_equal(sscanf(r, "%llu+%llu", &a, &n), 2);
                                e->users[e->n_users].first = (uint32_t)a;
                                e->users[e->n_users].count = (uint32_t)n;
                                e->n_users++;
                        }
                        free(vv);
                } else if (!strcmp(k, "prefix")) {
                        snprintf(e->name_prefix, sizeof(e->name_prefix), "%s", v);
                } else if (!strcmp(k, "uns")) {
                        e->userns_no_accounts = !strcmp(v, "no-accounts");
                } else if (!strcmp(k, "gecos")) {
                        snprintf(e->gecos, sizeof(e->gecos), "%s", v);
                } else if (!strcmp(k, "home")) {
                        snprintf(e->home, sizeof(e->home), "%s", v);
                } else if (!strcmp(k, "shell")) {
                        snprintf(e->shell, sizeof(e->shell), "%s", v);
                } else if (!strcmp(k, "src") && !strcmp(v, "?")) {
                        ut_ignore_sources = true;
                } else if (!strcmp(k, "src")) {
                        e->src_files = strchr(v, 'f') != NULL;
                        e->src_userns = strchr(v, 'u') != NULL;
                        e->src_pool = strchr(v, 'p') != NULL;
                } else if (!strcmp(k, "pool")) {
                        unsigned long long a, n;
                        assert_int_equal(sscanf(v, "%llu+%llu", &a, &n), 2);
                        e->pool_base = (uint32_t)a;
                        e->pool_count = (uint32_t)n;
                } else if (!strcmp(k, "names")) {
                        e->subid_names = v[0] == '1';
                } else {
                        fail_msg("bad spec key %s", k);
                }
        }
}

/* Compare the semantically meaningful fields; returns a description of the first mismatch or NULL. */
static const char *cfg_diff(const struct subid_config *got, const struct subid_config *want)
{
        static char why[512];
        if (got->users_self != want->users_self)
                return snprintf(why, sizeof(why), "users_self %d, want %d", got->users_self, want->users_self), why;
        if (got->n_users != want->n_users)
                return snprintf(why, sizeof(why), "n_users %zu, want %zu", got->n_users, want->n_users), why;
        for (size_t i = 0; i < want->n_users; i++)
                if (got->users[i].first != want->users[i].first || got->users[i].count != want->users[i].count)
                        return snprintf(why, sizeof(why), "users[%zu] = %u+%u, want %u+%u", i, got->users[i].first,
                                        got->users[i].count, want->users[i].first, want->users[i].count),
                               why;
        if (memchr(got->name_prefix, 0, sizeof(got->name_prefix)) == NULL || strcmp(got->name_prefix, want->name_prefix))
                return snprintf(why, sizeof(why), "name_prefix %s, want %s", esc_n(got->name_prefix, sizeof(got->name_prefix)),
                                want->name_prefix),
                       why;
        if (got->userns_no_accounts != want->userns_no_accounts)
                return snprintf(why, sizeof(why), "userns_no_accounts %d, want %d", got->userns_no_accounts,
                                want->userns_no_accounts), why;
        if (memchr(got->gecos, 0, sizeof(got->gecos)) == NULL || strcmp(got->gecos, want->gecos))
                return snprintf(why, sizeof(why), "gecos %s, want %s", esc_n(got->gecos, strnlen(got->gecos, sizeof(got->gecos))),
                                esc(want->gecos)),
                       why;
        if (memchr(got->home, 0, sizeof(got->home)) == NULL || strcmp(got->home, want->home))
                return snprintf(why, sizeof(why), "home %s, want %s", esc_n(got->home, strnlen(got->home, sizeof(got->home))),
                                esc(want->home)),
                       why;
        if (memchr(got->shell, 0, sizeof(got->shell)) == NULL || strcmp(got->shell, want->shell))
                return snprintf(why, sizeof(why), "shell %s, want %s", esc_n(got->shell, strnlen(got->shell, sizeof(got->shell))),
                                esc(want->shell)),
                       why;
        if (ut_ignore_sources)
                ;
        else if (got->src_files != want->src_files || got->src_userns != want->src_userns || got->src_pool != want->src_pool)
                return snprintf(why, sizeof(why), "sources f%d u%d p%d, want f%d u%d p%d", got->src_files, got->src_userns,
                                got->src_pool, want->src_files, want->src_userns, want->src_pool),
                       why;
        if (!ut_ignore_sources && want->src_pool && (got->pool_base != want->pool_base || got->pool_count != want->pool_count))
                return snprintf(why, sizeof(why), "pool %u+%u, want %u+%u", got->pool_base, got->pool_count, want->pool_base,
                                want->pool_count),
                       why;
        if (got->subid_names != want->subid_names)
                return snprintf(why, sizeof(why), "subid_names %d, want %d", got->subid_names, want->subid_names), why;
        return NULL;
}

/* ---------------------------------------------------------------- defaults */

static void test_config_defaults(void **state)
{
        (void)state;
        struct subid_config c;
        memset(&c, 0x5a, sizeof(c));
        config_defaults(&c);
        CHECK(c.users_self, "default users_self");
        CHECK(c.n_users == 0, "default n_users %zu", c.n_users);
        CHECK(!strcmp(c.name_prefix, "u"), "default prefix %s", esc(c.name_prefix));
        CHECK(!c.userns_no_accounts, "default userns grants accounts too");
        CHECK(!strcmp(c.gecos, DEFAULT_GECOS), "default gecos");
        CHECK(!strcmp(c.gecos, "nss_subid synthesized user"), "default gecos literal");
        CHECK(!strcmp(c.home, "/tmp"), "default home");
        CHECK(!strcmp(c.shell, "/bin/sh"), "default shell");
        CHECK(c.src_files && c.src_userns && c.src_pool, "default sources");
        CHECK(c.pool_base == 100000 && c.pool_count == 65536, "default pool %u+%u", c.pool_base, c.pool_count);
        CHECK(c.subid_names, "default subid_names");
        CHECK(config_pool_slots(&c) == 1, "default slots = %llu", (unsigned long long)config_pool_slots(&c));

        /* empty text and comment-only text are the defaults */
        static const char *same[] = {
                "",
                "\n",
                "\n\n\n",
                "# comment\n",
                "#\n",
                "#users 0-5\n",
                "# bogus directive\n#name X%u\n",
                "   \n\t\n",
                " \t \n",
                "#no newline at end",
                "\n# c\n\n",
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(same); i++) {
                struct subid_config got;
                struct config_error err;
                int ret = parse_text(same[i], strlen(same[i]), &got, &err);
                CHECK(ret == 0, "config_parse(%s) = %d (%s)", esc(same[i]), ret, ret ? err.msg : "");
                if (ret == 0) {
                        const char *d = cfg_diff(&got, &c);
                        CHECK(d == NULL, "config_parse(%s): %s", esc(same[i]), d);
                }
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- good configs */

struct good_row {
        const char *text;
        const char *spec;
};

#define P20 "abcdefghijklmnopqrst"
#define T128                                                                                                            \
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab" \
        "cdef0123456789abcdef"
#define PATH128                                                                                                       \
        "/123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab" \
        "cdef0123456789abcdef"

static const struct good_row good_rows[] = {
        /* users */
        { "users self\n", "self=1" },
        { "users self", "self=1" },
        { "users 1000-1009\n", "self=0;users=1000+10;src=?" },
        { "users 1000-1009", "self=0;users=1000+10;src=?" },
        { "users 5-5\n", "self=0;users=5+1;src=?" },
        { "users 1-1\n", "self=0;users=1+1;src=?" },
        { "users self\nusers 1000-1009\n", "self=1;users=1000+10;src=?" },
        { "users 1000-1009\nusers self\n", "self=1;users=1000+10;src=?" },
        { "users 2000-2004\nusers 1000-1002\n", "self=0;users=2000+5,1000+3;src=?" },
        { "users 1-5\nusers 6-10\n", "self=0;users=1+5,6+5;src=?" },
        { "users 6-10\nusers 1-5\n", "self=0;users=6+5,1+5;src=?" },
        { "users\t1000-1009\n", "self=0;users=1000+10;src=?" },
        { "users  \t 1000-1009\n", "self=0;users=1000+10;src=?" },
        { "users 1000-1009 \n", "self=0;users=1000+10;src=?" },
        { "users 1000-1009\t\n", "self=0;users=1000+10;src=?" },
        { "users self \n", "self=1" },
        { "users 4294967294-4294967294\nsubids files\n", "self=0;users=4294967294+1;src=f" },
        { "users 1-4294967294\nsubids files\n", "self=0;users=1+4294967294;src=f" },
        { "users 1000000000-1000999999\nsubids userns\n", "self=0;users=1000000000+1000000;src=u" },
        { "users self\nusers 1000000000-1000999999\nsubids userns\nsubids files\n",
          "self=1;users=1000000000+1000000;src=fu" },
        { "# OpenShift\nusers self\n\nusers 1000000000-1000009999\nsubids userns\n", "self=1;users=1000000000+10000;src=u" },
        /* name */
        { "name u%u\n", "prefix=u" },
        { "name user%u\n", "prefix=user" },
        { "name _%u\n", "prefix=_" },
        { "name a%u\n", "prefix=a" },
        { "name a-b_c%u\n", "prefix=a-b_c" },
        { "name _0-_%u\n", "prefix=_0-_" },
        { "name " P20 "%u\n", "prefix=" P20 },
        { "name\tuid%u\n", "prefix=uid" },
        /* subids userns [all|no-accounts] */
        { "subids userns\n", "src=u" },
        { "subids userns all\n", "src=u;uns=all" },
        { "subids userns no-accounts\n", "src=u;uns=no-accounts" },
        /* gecos */
        { "gecos Foo\n", "gecos=Foo" },
        { "gecos Foo Bar\n", "gecos=Foo Bar" },
        { "gecos Foo  Bar\n", "gecos=Foo  Bar" },
        { "gecos a,b,c\n", "gecos=a,b,c" },
        { "gecos !\"#$%&'()*+,-./0123456789<=>?@[\\]^_`{|}~\n", "gecos=!\"#$%&'()*+,-./0123456789<=>?@[\\]^_`{|}~" },
        { "gecos " T128 "\n", "gecos=" T128 },
        { "gecos x", "gecos=x" },
        /* home / shell */
        { "home /home/x\n", "home=/home/x" },
        { "home /\n", "home=/" },
        { "home " PATH128 "\n", "home=" PATH128 },
        { "shell /bin/bash\n", "shell=/bin/bash" },
        { "shell /sbin/nologin\n", "shell=/sbin/nologin" },
        { "shell " PATH128 "\n", "shell=" PATH128 },
        { "home /x\nshell /y\n", "home=/x;shell=/y" },
        /* subids */
        { "subids files\n", "src=f" },
        { "subids userns\n", "src=u" },
        { "subids pool 200000 65536\n", "src=p;pool=200000+65536" },
        { "subids none\n", "src=-" },
        { "subids files\nsubids userns\n", "src=fu" },
        { "subids userns\nsubids files\n", "src=fu" },
        { "subids files\nsubids userns\nsubids pool 100000 65536\n", "src=fup;pool=100000+65536" },
        { "subids pool 300000 1000\nsubids files\n", "src=fp;pool=300000+1000" },
        { "subids pool 1 1\n", "src=p;pool=1+1" },
        { "subids pool 4294901759 65536\n", "src=p;pool=4294901759+65536" },
        { "subids pool 4294967294 1\n", "src=p;pool=4294967294+1" },
        { "subids pool 1 4294967294\n", "src=p;pool=1+4294967294" },
        { "subids\tpool\t200000\t65536\n", "src=p;pool=200000+65536" },
        /* pool vs users: adjacent blocks are fine */
        { "users 1000-1009\nsubids pool 990 1\n", "self=0;users=1000+10;src=p;pool=990+1" },
        { "users 1000-1009\nsubids pool 1010 1\n", "self=0;users=1000+10;src=p;pool=1010+1" },
        { "users 1000-1009\nsubids pool 1010 100\n", "self=0;users=1000+10;src=p;pool=1010+100" },
        { "users 1-65535\nsubids pool 65536 65535\n", "self=0;users=1+65535;src=p;pool=65536+65535" },
        { "users self\nusers 1-9\nsubids pool 1000 10\n", "self=1;users=1+9;src=p;pool=1000+10" },
        { "users 1000590000-1000599999\nsubids pool 100000 100000\n",
          "self=0;users=1000590000+10000;src=p;pool=100000+100000" },
        /* subid-names */
        { "subid-names yes\n", "names=1" },
        { "subid-names no\n", "names=0" },
        /* everything */
        { "# full example\n"
          "users self\n"
          "users 1000000000-1000009999\n"
          "name user%u\n"
          "gecos Synthesized\n"
          "home /home\n"
          "shell /bin/bash\n"
          "subids userns\n"
          "subids pool 200000 65536\n"
          "subid-names no\n",
          "self=1;users=1000000000+10000;prefix=user;gecos=Synthesized;home=/home;shell=/bin/bash;src=up;"
          "pool=200000+65536;names=0" },
        /* comments and blank lines anywhere */
        { "\n\n# a\nusers self\n# b\n\n", "self=1" },
        { "#users 1-5\nusers 10-20\n", "self=0;users=10+11;src=?" },
};

static void test_config_parse_good(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(good_rows); i++) {
                const struct good_row *r = &good_rows[i];
                struct subid_config got, want;
                struct config_error err;
                spec_to_cfg(r->spec, &want);
                int ret = parse_text(r->text, strlen(r->text), &got, &err);
                CHECK(ret == 0, "config_parse(%s) = %d: line %u %s", esc(r->text), ret, err.line, ret ? esc_n(err.msg, strnlen(err.msg, sizeof(err.msg))) : "");
                if (ret != 0)
                        continue;
                const char *d = cfg_diff(&got, &want);
                CHECK(d == NULL, "config_parse(%s): %s", esc(r->text), d ? d : "");
        }
        CHECK_DONE();
}

/*
 * Decided rule: a prefix must not end in a digit or '-'.  With "a-", the
 * name "a-5" would be both user 5 and subordinate ID 5 of owner "a"; with
 * "x9", "x95" would not say whether it is user 5 or user 95 of "x".
 */
static void test_config_name_prefix_tail(void **state)
{
        (void)state;
        static const char *rows[] = { "name a0%u\n", "name a-%u\n", "name user-%u\n", "name x9%u\n" };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct subid_config got;
                struct config_error err;
                int ret = parse_text(rows[i], strlen(rows[i]), &got, &err);
                CHECK(ret == -EINVAL && err.line == 1, "config_parse(%s) = %d line %u, want -EINVAL at line 1",
                      esc(rows[i]), ret, err.line);
        }
        static const struct good_row good[] = {
                { "name a0b%u\n", "prefix=a0b" },
                { "name user-x%u\n", "prefix=user-x" },
                { "name _%u\n", "prefix=_" },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(good); i++) {
                struct subid_config got, want;
                struct config_error err;
                spec_to_cfg(good[i].spec, &want);
                int ret = parse_text(good[i].text, strlen(good[i].text), &got, &err);
                CHECK(ret == 0 && cfg_diff(&got, &want) == NULL, "config_parse(%s) = %d (%s)", esc(good[i].text), ret,
                      ret ? esc_n(err.msg, strnlen(err.msg, sizeof(err.msg))) : "");
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- bad configs */

struct bad_row {
        const char *text;
        int line; /* expected err.line; -1: any; -2: any but 0 (a line is involved) */
};

#define P21 "abcdefghijklmnopqrstu"
#define T129 T128 "x"
#define PATH129 PATH128 "x"

static const struct bad_row bad_rows[] = {
        /* unknown directives */
        { "bogus\n", 1 },
        { "bogus", 1 },
        { "Users self\n", 1 },
        { "USERS self\n", 1 },
        { "user self\n", 1 },
        { "users-self\n", 1 },
        { "subid_names yes\n", 1 },
        { "subidnames yes\n", 1 },
        { "subid self\n", 1 },
        { "users self\nbogus\n", 2 },
        { "#c\n\nbogus\n", 3 },
        { "users self\n\n\n\n# c\nnope 1\n", 6 },
        { "users self\nusers 1-5\nname u%u\nwat\n", 4 },
        { "=\n", 1 },
        { ":\n", 1 },
        { "-\n", 1 },
        { "\x01\n", 1 },
        { "\xc3\xa9\n", 1 },
        { "users=self\n", 1 },
        { "users:self\n", 1 },
        { "users,self\n", 1 },
        /* users: missing / extra / malformed */
        { "users\n", 1 },
        { "users \n", 1 },
        { "users self extra\n", 1 },
        { "users self self\n", 1 },
        { "users self # comment\n", 1 },
        { "users 1-5 6-10\n", 1 },
        { "users 1-5 extra\n", 1 },
        { "users SELF\n", 1 },
        { "users Self\n", 1 },
        { "users selfx\n", 1 },
        { "users 5\n", 1 },
        { "users 1000000000\n", 1 },
        { "users 0-5\n", 1 },
        { "users 0-0\n", 1 },
        { "users 0\n", 1 },
        { "users 0-4294967294\n", 1 },
        { "users 5-4\n", 1 },
        { "users 1000-999\n", 1 },
        { "users 1-4294967295\n", 1 },
        { "users 4294967295-4294967295\n", 1 },
        { "users 4294967294-4294967295\n", 1 },
        { "users 1-4294967296\n", 1 },
        { "users 4294967296-4294967297\n", 1 },
        { "users 1-18446744073709551617\n", 1 },
        { "users 01-5\n", 1 },
        { "users 1-05\n", 1 },
        { "users 00-5\n", 1 },
        { "users +1-5\n", 1 },
        { "users 1-+5\n", 1 },
        { "users -1-5\n", 1 },
        { "users 1--5\n", 1 },
        { "users 1-\n", 1 },
        { "users -5\n", 1 },
        { "users -\n", 1 },
        { "users 1-5-7\n", 1 },
        { "users 1 - 5\n", 1 },
        { "users 1- 5\n", 1 },
        { "users 1 -5\n", 1 },
        { "users 0x1-0x5\n", 1 },
        { "users 1-0x5\n", 1 },
        { "users 1e3-2e3\n", 1 },
        { "users 1..5\n", 1 },
        { "users 1:5\n", 1 },
        { "users 1,5\n", 1 },
        { "users 1_000-2_000\n", 1 },
        { "users \xd9\xa1-\xd9\xa5\n", 1 },
        /* users: overlaps */
        { "users 1-5\nusers 5-10\n", 2 },
        { "users 1-5\nusers 3-4\n", 2 },
        { "users 3-4\nusers 1-5\n", 2 },
        { "users 10-20\nusers 1-10\n", 2 },
        { "users 1-5\nusers 1-5\n", 2 },
        { "users 1-100\nusers 200-300\nusers 50-250\n", 3 },
        { "users 1-100\n# x\nusers 100-100\n", 3 },
        /* name */
        { "name\n", 1 },
        { "name \n", 1 },
        { "name %u\n", 1 },
        { "name u\n", 1 },
        { "name user\n", 1 },
        { "name U%u\n", 1 },
        { "name User%u\n", 1 },
        { "name uA%u\n", 1 },
        { "name 1%u\n", 1 },
        { "name 1u%u\n", 1 },
        { "name -%u\n", 1 },
        { "name -u%u\n", 1 },
        { "name u%u%u\n", 1 },
        { "name u%ux\n", 1 },
        { "name u%u-\n", 1 },
        { "name u%u_\n", 1 },
        { "name u%u0\n", 1 },
        { "name %uu\n", 1 },
        { "name u%d\n", 1 },
        { "name u%s\n", 1 },
        { "name u%n\n", 1 },
        { "name u%x\n", 1 },
        { "name u%%u\n", 1 },
        { "name u%\n", 1 },
        { "name u%U\n", 1 },
        { "name u.%u\n", 1 },
        { "name u:%u\n", 1 },
        { "name u/%u\n", 1 },
        { "name u %u\n", 1 },
        { "name \xc3\xa9%u\n", 1 },
        { "name u\xc3\xa9%u\n", 1 },
        { "name " P21 "%u\n", 1 },
        { "name u%u extra\n", 1 },
        { "name u%u u%u\n", 1 },
        { "name u%u\nname v%u\n", 2 },
        { "name u%u\nname u%u\n", 2 },
        /* gid: removed (a fixed primary GID handed that group to every
         * synthesized user through newgrp/sg): every spelling is an error */
        { "gid 0\n", 1 },
        { "gid 1000\n", 1 },
        { "gid 65534\n", 1 },
        { "gid\n", 1 },
        { "gid \n", 1 },
        { "gid -1\n", 1 },
        { "gid +1\n", 1 },
        { "gid 01\n", 1 },
        { "gid 0x10\n", 1 },
        { "gid x\n", 1 },
        { "gid root\n", 1 },
        { "gid 1 2\n", 1 },
        { "gid 4294967296\n", 1 },
        { "gid 99999999999999999999\n", 1 },
        { "gid 1.0\n", 1 },
        { "users self\n#\ngid 6\n", 3 },
        /* subids userns: one mode, once */
        { "subids userns none\n", 1 },
        { "subids userns all no-accounts\n", 1 },
        { "subids userns\nsubids userns no-accounts\n", 2 },
        /* gecos */
        { "gecos\n", 1 },
        { "gecos a:b\n", 1 },
        { "gecos :\n", 1 },
        { "gecos Foo:Bar:Baz\n", 1 },
        { "gecos " T129 "\n", 1 },
        { "gecos a\x01\n", 1 },
        { "gecos a\x7f\n", 1 },
        { "gecos a\x1b[31m\n", 1 },
        { "gecos \xc3\xa9t\xc3\xa9\n", 1 },
        { "gecos a\xff\n", 1 },
        { "gecos a\rb\n", 1 },
        { "gecos a\tb\n", 1 },
        { "gecos a\nb\n", 2 },
        { "gecos a\ngecos b\n", 2 },
        /* home / shell */
        { "home\n", 1 },
        { "home relative\n", 1 },
        { "home ./x\n", 1 },
        { "home ~/x\n", 1 },
        { "home /a:b\n", 1 },
        { "home /a b\n", 1 },
        { "home /a\tb\n", 1 },
        { "home " PATH129 "\n", 1 },
        { "home /x\nhome /y\n", 2 },
        { "shell\n", 1 },
        { "shell sh\n", 1 },
        { "shell bin/sh\n", 1 },
        { "shell /bin/sh:x\n", 1 },
        { "shell /bin/sh -c\n", 1 },
        { "shell " PATH129 "\n", 1 },
        { "shell /bin/sh\nshell /bin/bash\n", 2 },
        /* subids */
        { "subids\n", 1 },
        { "subids \n", 1 },
        { "subids bogus\n", 1 },
        { "subids Files\n", 1 },
        { "subids file\n", 1 },
        { "subids files extra\n", 1 },
        { "subids userns extra\n", 1 },
        { "subids none extra\n", 1 },
        { "subids files userns\n", 1 },
        { "subids none files\n", 1 },
        { "subids none\nsubids files\n", -2 },
        { "subids files\nsubids none\n", -2 },
        { "subids userns\nsubids pool 100000 65536\nsubids none\n", -2 },
        { "subids none\nsubids pool 100000 65536\n", -2 },
        { "subids pool\n", 1 },
        { "subids pool 100000\n", 1 },
        { "subids pool 100000 65536 1\n", 1 },
        { "subids pool 0 65536\n", 1 },
        { "subids pool 100000 0\n", 1 },
        { "subids pool 0 0\n", 1 },
        { "subids pool -1 65536\n", 1 },
        { "subids pool 100000 -1\n", 1 },
        { "subids pool 0100000 65536\n", 1 },
        { "subids pool 100000 065536\n", 1 },
        { "subids pool 0x186a0 65536\n", 1 },
        { "subids pool 100000 0x10000\n", 1 },
        { "subids pool 4294967296 1\n", 1 },
        { "subids pool 1 4294967296\n", 1 },
        { "subids pool 100000-165535\n", 1 },
        { "subids pool 100000 65536\nsubids pool 300000 65536\n", 2 },
        { "subids pool 100000 65536\nsubids pool 100000 65536\n", 2 },
        /* pool arithmetic (self only: 1 slot) */
        { "subids pool 4294901760 65536\n", 1 },
        { "subids pool 4294967295 1\n", 1 },
        { "subids pool 4294967294 2\n", 1 },
        { "subids pool 1 4294967295\n", 1 },
        { "subids pool 2 4294967294\n", 1 },
        { "subids pool 4294967295 4294967295\n", 1 },
        /* pool arithmetic with many slots: 32-bit products must not wrap */
        { "users 1-65536\nsubids pool 65537 65536\n", 2 },   /* 65536*65536 = 2^32 */
        { "users 1-65536\nsubids pool 65537 65537\n", 2 },   /* wraps to 65536 */
        { "users 1-65536\nsubids pool 65537 65535\n", 2 },   /* 4294901760 + 65537 */
        { "users 1-2\nsubids pool 3 2147483647\n", 2 },      /* 3 + 2*(2^31-1) = 2^32+1 */
        { "users 1-2\nsubids pool 10 2147483648\n", 2 },     /* 2*2^31 wraps to 0 */
        { "users 1-4\nsubids pool 5 1073741824\n", 2 },      /* 4*2^30 wraps to 0 */
        { "users 1-4294967294\nsubids pool 1 1\n", 2 },      /* overlaps, and too big */
        { "users self\nusers 1-65535\nsubids pool 65536 65536\n", 3 }, /* 65536 slots */
        { "users 1000000000-1000999999\nsubids pool 100000 65536\n", 2 },
        /* pool vs users overlap: error on the pool line */
        { "users 100000-100009\nsubids pool 100000 65536\n", 2 },
        { "users 1000-1009\nsubids pool 995 1\n", 2 },       /* [995,1005) */
        { "users 1000-1009\nsubids pool 999 1\n", 2 },       /* [999,1009) */
        { "users 1000-1009\nsubids pool 1009 1\n", 2 },      /* [1009,1019) */
        { "users 1000-1009\nsubids pool 1 100\n", 2 },       /* [1,1001) */
        { "users 5000-5000\nusers 1000-1009\nsubids pool 10 1000\n", 3 }, /* [10, 11010) covers both */
        { "subids pool 100000 65536\nusers 100000-100001\n", 1 },
        { "subids pool 100000 65536\n# c\nusers 1-1\nusers 100010-100010\n", 1 },
        { "users 1000000000-1000009999\nsubids pool 1000000000 65536\n", 2 },
        /* subid-names */
        { "subid-names\n", 1 },
        { "subid-names true\n", 1 },
        { "subid-names false\n", 1 },
        { "subid-names YES\n", 1 },
        { "subid-names Yes\n", 1 },
        { "subid-names 1\n", 1 },
        { "subid-names 0\n", 1 },
        { "subid-names y\n", 1 },
        { "subid-names yes no\n", 1 },
        { "subid-names yes\nsubid-names yes\n", 2 },
        { "subid-names yes\nsubid-names no\n", 2 },
        /* error is on the right line among good ones */
        { "users self\nname u%u\ngecos x\nhome /\nshell /bin/sh\nsubids files\nsubid-names yes\ngid 1\n", 8 },
        /* cgroup-parent: one plain absolute path, at most 8, no repeats */
        { "cgroup-parent\n", 1 },
        { "cgroup-parent relative/path\n", 1 },
        { "cgroup-parent /\n", 1 },
        { "cgroup-parent /sys/fs/cgroup/\n", 1 },
        { "cgroup-parent /sys//fs\n", 1 },
        { "cgroup-parent /sys/./fs\n", 1 },
        { "cgroup-parent /sys/../etc\n", 1 },
        { "cgroup-parent /sys/fs/.\n", 1 },
        { "cgroup-parent /sys/fs/..\n", 1 },
        { "cgroup-parent /a /b\n", 1 },
        { "cgroup-parent /sys/fs/cgroup/a:b\n", 1 },
        { "cgroup-parent /a\ncgroup-parent /a\n", 2 },
        { "cgroup-parent /a\ncgroup-parent /b\ncgroup-parent /c\ncgroup-parent /d\ncgroup-parent /e\n"
          "cgroup-parent /f\ncgroup-parent /g\ncgroup-parent /h\ncgroup-parent /i\n", 9 },
        { "cgroup-parent /" PATH129 "\n", 1 },
        /* cgroup-depth: decimal 1..16, once */
        { "cgroup-depth\n", 1 },
        { "cgroup-depth 0\n", 1 },
        { "cgroup-depth 17\n", 1 },
        { "cgroup-depth -1\n", 1 },
        { "cgroup-depth +2\n", 1 },
        { "cgroup-depth 02\n", 1 },
        { "cgroup-depth 0x2\n", 1 },
        { "cgroup-depth 4294967298\n", 1 },
        { "cgroup-depth 2 3\n", 1 },
        { "cgroup-depth 2\ncgroup-depth 3\n", 2 },
};

static void test_config_parse_bad(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(bad_rows); i++) {
                const struct bad_row *r = &bad_rows[i];
                struct subid_config got;
                struct config_error err;
                int ret = parse_text(r->text, strlen(r->text), &got, &err);
                CHECK(ret == -EINVAL, "config_parse(%s) = %d, want -EINVAL", esc(r->text), ret);
                if (ret != -EINVAL)
                        continue;
                CHECK(err_msg_ok(&err), "config_parse(%s): empty or unterminated err.msg", esc(r->text));
                if (r->line == -2)
                        CHECK(err.line != 0, "config_parse(%s): err.line 0, want the line of a directive involved (%s)",
                              esc(r->text), esc_n(err.msg, strnlen(err.msg, sizeof(err.msg))));
                if (r->line >= 0)
                        CHECK(err.line == (unsigned)r->line, "config_parse(%s): err.line %u, want %d (%s)", esc(r->text),
                              err.line, r->line, esc_n(err.msg, strnlen(err.msg, sizeof(err.msg))));
        }
        CHECK_DONE();
}

/* cgroup directives: none by default, kept in order, depth as given. */
static void test_config_cgroup(void **state)
{
        (void)state;
        struct subid_config c;
        struct config_error err;
        const char *t = "cgroup-parent /sys/fs/cgroup/pods\ncgroup-parent /sys/fs/cgroup/b@c-d.e_f\ncgroup-depth 16\n";

        config_defaults(&c);
        CHECK(c.n_cgroup_parents == 0 && c.cgroup_depth == 2, "defaults: %zu parents, depth %u", c.n_cgroup_parents,
              c.cgroup_depth);
        CHECK(parse_text(t, strlen(t), &c, &err) == 0, "parse: %s", err.msg);
        CHECK(c.n_cgroup_parents == 2 && strcmp(c.cgroup_parents[0], "/sys/fs/cgroup/pods") == 0 &&
                      strcmp(c.cgroup_parents[1], "/sys/fs/cgroup/b@c-d.e_f") == 0 && c.cgroup_depth == 16,
              "parsed: %zu parents, depth %u", c.n_cgroup_parents, c.cgroup_depth);
        t = "cgroup-depth 1\n";
        CHECK(parse_text(t, strlen(t), &c, &err) == 0 && c.cgroup_depth == 1 && c.n_cgroup_parents == 0,
              "depth 1 alone");
        CHECK_DONE();
}

/* Every good row with a bogus line appended is an error on that line. */
static void test_config_parse_good_then_bad(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(good_rows); i++) {
                const char *t = good_rows[i].text;
                size_t len = strlen(t);
                if (len && t[len - 1] != '\n')
                        continue;
                unsigned lines = 0;
                for (size_t k = 0; k < len; k++)
                        lines += t[k] == '\n';
                char *txt = ut_fmt("%sfrobnicate yes\n", t);
                struct subid_config got;
                struct config_error err;
                int ret = parse_text(txt, strlen(txt), &got, &err);
                CHECK(ret == -EINVAL && err.line == lines + 1, "config_parse(%s) = %d line %u, want -EINVAL line %u", esc(txt),
                      ret, err.line, lines + 1);
                free(txt);
        }
        CHECK_DONE();
}

/* The maximum number of users lines. */
static void test_config_users_max(void **state)
{
        (void)state;
        struct subid_config got;
        struct config_error err;
        char *t = malloc(64 * (CONFIG_MAX_USERS + 2) + 64);
        assert_non_null(t);
        for (size_t n = CONFIG_MAX_USERS; n <= CONFIG_MAX_USERS + 1; n++) {
                size_t o = 0;
                for (size_t i = 0; i < n; i++)
                        o += (size_t)sprintf(t + o, "users %zu-%zu\n", 1000 + i * 10, 1000 + i * 10 + 4);
                o += (size_t)sprintf(t + o, "subids files\n");
                int ret = parse_text(t, o, &got, &err);
                if (n == CONFIG_MAX_USERS) {
                        CHECK(ret == 0 && got.n_users == n, "%zu users lines: %d n_users %zu", n, ret, got.n_users);
                        if (ret == 0) {
                                CHECK(config_pool_slots(&got) == n * 5, "slots %llu", (unsigned long long)config_pool_slots(&got));
                                bool ok = true;
                                for (size_t i = 0; i < n; i++)
                                        ok = ok && got.users[i].first == 1000 + i * 10 && got.users[i].count == 5 &&
                                             got.users[i].line == i + 1;
                                CHECK(ok, "32 users ranges stored in order with their lines");
                        }
                } else {
                        CHECK(ret == -EINVAL && err.line == n, "%zu users lines: %d line %u, want line %zu", n, ret, err.line, n);
                }
        }
        free(t);
        CHECK_DONE();
}

/* Line numbers stored in the config. */
static void test_config_lines_recorded(void **state)
{
        (void)state;
        struct subid_config c;
        struct config_error err;
        const char *t = "# x\n\nusers 5-9\nusers self\n\nusers 100-100\nsubids files\nsubids pool 200000 10\n";
        int ret = parse_text(t, strlen(t), &c, &err);
        CHECK(ret == 0, "parse = %d (%s)", ret, err.msg);
        if (ret == 0) {
                CHECK(c.n_users == 2 && c.users[0].line == 3 && c.users[1].line == 6, "users lines %u %u", c.users[0].line,
                      c.users[1].line);
                CHECK(c.pool_line == 8, "pool_line %u", c.pool_line);
                CHECK(c.users_self, "self");
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- size limits */

static char *repeat_line(const char *line, size_t times)
{
        size_t l = strlen(line);
        char *p = malloc(l * times + 1);
        assert_non_null(p);
        for (size_t i = 0; i < times; i++)
                memcpy(p + i * l, line, l);
        p[l * times] = 0;
        return p;
}

static void test_config_size_limits(void **state)
{
        (void)state;
        struct subid_config c;
        struct config_error err;
        int ret;

        /* a long (comment) line is an error even though it is a comment */
        char *lng = malloc(CONFIG_MAX_LINE * 3);
        assert_non_null(lng);
        lng[0] = '#';
        memset(lng + 1, 'x', CONFIG_MAX_LINE * 2);
        lng[CONFIG_MAX_LINE * 2 + 1] = '\n';
        ret = parse_text(lng, CONFIG_MAX_LINE * 2 + 2, &c, &err);
        CHECK(ret == -EINVAL && err.line == 1 && err_msg_ok(&err), "2 KiB comment line: %d line %u", ret, err.line);

        /* long line after good lines: error on its line */
        char *t2 = ut_fmt("users self\n\n%.*s\n", CONFIG_MAX_LINE * 2, lng);
        ret = parse_text(t2, strlen(t2), &c, &err);
        CHECK(ret == -EINVAL && err.line == 3, "long line 3: %d line %u", ret, err.line);
        free(t2);

        /* long line without newline at end of text */
        ret = parse_text(lng, CONFIG_MAX_LINE * 2 + 1, &c, &err);
        CHECK(ret == -EINVAL && err.line == 1, "2 KiB comment line no NL: %d line %u", ret, err.line);

        /* long directive line (gecos is capped anyway, but the line limit comes first or second: both are errors) */
        char *t3 = ut_fmt("gecos %.*s\n", CONFIG_MAX_LINE * 2, lng + 1);
        ret = parse_text(t3, strlen(t3), &c, &err);
        CHECK(ret == -EINVAL && err.line == 1, "long gecos line: %d line %u", ret, err.line);
        free(t3);

        /* a comment line well under the limit is fine */
        char *t4 = ut_fmt("#%.*s\nusers self\n", CONFIG_MAX_LINE / 2, lng + 1);
        ret = parse_text(t4, strlen(t4), &c, &err);
        CHECK(ret == 0, "half-limit comment line: %d (%s)", ret, err.msg);
        free(t4);
        free(lng);

        /* total size: exactly CONFIG_MAX_SIZE is fine, one more byte is not */
        const char *cl = "# 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc\n"; /* 64 bytes */
        assert_int_equal(strlen(cl), 64);
        char *big = repeat_line(cl, CONFIG_MAX_SIZE / 64);
        assert_int_equal(strlen(big), CONFIG_MAX_SIZE);
        ret = parse_text(big, CONFIG_MAX_SIZE, &c, &err);
        CHECK(ret == 0, "exactly CONFIG_MAX_SIZE bytes: %d (%s line %u)", ret, err.msg, err.line);
        free(big);
        big = repeat_line(cl, CONFIG_MAX_SIZE / 64 + 1);
        ret = parse_text(big, CONFIG_MAX_SIZE + 1, &c, &err);
        CHECK(ret == -EINVAL && err_msg_ok(&err), "CONFIG_MAX_SIZE + 1 bytes: %d", ret);
        CHECK(ret != -EINVAL || err.line == 0, "CONFIG_MAX_SIZE + 1 bytes: err.line %u, want 0", err.line);
        free(big);
        big = repeat_line(cl, 4 * CONFIG_MAX_SIZE / 64);
        ret = parse_text(big, 4 * CONFIG_MAX_SIZE, &c, &err);
        CHECK(ret == -EINVAL && err.line == 0, "4 x CONFIG_MAX_SIZE bytes: %d line %u", ret, err.line);
        free(big);
        CHECK_DONE();
}

static void test_config_nul_bytes(void **state)
{
        (void)state;
        static const struct {
                const char *t;
                size_t len;
        } rows[] = {
                { "\0", 1 },
                { "users self\n\0\n", 13 },
                { "users self\0\n", 12 },
                { "users self\n\0", 12 },
                { "\0users self\n", 12 },
                { "# comment \0 with nul\n", 21 },
                { "users\0self\n", 11 },
                { "gecos foo\0bar\n", 14 },
                { "home /x\0y\n", 10 },
                { "name u\0%u\n", 10 },
                { "subids pool 100000\0 65536\n", 26 },
                { "users self\nusers 1-5\n\0", 22 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct subid_config c;
                struct config_error err;
                int ret = parse_text(rows[i].t, rows[i].len, &c, &err);
                CHECK(ret == -EINVAL && err_msg_ok(&err), "config_parse(%s) = %d, want -EINVAL", esc_n(rows[i].t, rows[i].len), ret);
        }
        CHECK_DONE();
}

/* len shorter than the text: only len bytes count. */
static void test_config_len_respected(void **state)
{
        (void)state;
        struct subid_config c, want;
        struct config_error err;
        const char *t = "users 1000-1009\nbogus\n";
        int ret = parse_text(t, 16, &c, &err);
        spec_to_cfg("self=0;users=1000+10;src=?", &want);
        CHECK(ret == 0 && cfg_diff(&c, &want) == NULL, "first line only: %d", ret);
        ret = parse_text(t, 15, &c, &err);
        CHECK(ret == 0 && cfg_diff(&c, &want) == NULL, "first line without NL: %d", ret);
        ret = parse_text(t, 12, &c, &err); /* "users 1000-1" */
        CHECK(ret == -EINVAL && err.line == 1, "\"users 1000-1\" (len-cut): %d, want -EINVAL", ret);
        CHECK_DONE();
}

/*
 * Decided rule (nss_subid.conf(5)): the built-in pool is sized for `self`;
 * with explicit `users A-B` lines and no `subids` line, the default sources
 * are files + userns only -- a default pool would silently overflow or
 * overlap.  An explicit pool is validated as usual.
 */
static void test_config_implicit_pool_with_users(void **state)
{
        (void)state;
        struct subid_config c, want;
        struct config_error err;
        int ret = parse_text("users 1000-1009\n", 16, &c, &err);
        spec_to_cfg("self=0;users=1000+10;src=fu;pool=100000+65536", &want);
        const char *d = ret == 0 ? cfg_diff(&c, &want) : "parse failed";
        CHECK(ret == 0 && d == NULL, "config_parse(\"users 1000-1009\\n\"): %d %s", ret, d ? d : "");
        static const char *ok[] = {
                "users 1000000000-1000999999\n",
                "users 100000-100009\n",
                "users 1-65536\n",
                "users self\nusers 165535-165535\n",
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(ok); i++) {
                ret = parse_text(ok[i], strlen(ok[i]), &c, &err);
                CHECK(ret == 0 && !c.src_pool, "config_parse(%s) = %d pool=%d, want 0 and no pool", esc(ok[i]), ret,
                      c.src_pool);
        }
        static const char *bad[] = {
                "users 1000000000-1000999999\nsubids pool 100000 65536\n", /* 10^6 * 65536 overflows */
                "users 100000-100009\nsubids pool 100000 65536\n",         /* overlaps [100000, ...) */
                "users 1-65536\nsubids pool 100000 65536\n",               /* 65536 * 65536 = 2^32 */
                "users self\nusers 165535-165535\nsubids pool 100000 65536\n",
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(bad); i++) {
                ret = parse_text(bad[i], strlen(bad[i]), &c, &err);
                CHECK(ret == -EINVAL && err.line == 3 - (bad[i][6] != 's'), "config_parse(%s) = %d line %u, want -EINVAL at the pool line",
                      esc(bad[i]), ret, err.line);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- pool_slots */

static void test_config_pool_slots(void **state)
{
        (void)state;
        static const struct {
                const char *t;
                uint64_t slots;
        } rows[] = {
                { "", 1 },
                { "users self\n", 1 },
                { "users 1000-1009\n", 10 },
                { "users 1000-1009\nusers self\n", 11 },
                { "users 5-5\nsubids files\n", 1 },
                { "users 5-5\nusers 7-7\nsubids files\n", 2 },
                { "users 1-4294967294\nsubids files\n", 4294967294ull },
                { "users self\nusers 1-4294967294\nsubids userns\n", 4294967295ull },
                { "users 1-2147483647\nusers 2147483648-4294967294\nsubids none\n", 4294967294ull },
                { "users self\nusers 1-2147483647\nusers 2147483648-4294967294\nsubids none\n", 4294967295ull },
                { "subids none\n", 1 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct subid_config c;
                struct config_error err;
                int ret = parse_text(rows[i].t, strlen(rows[i].t), &c, &err);
                CHECK(ret == 0, "config_parse(%s) = %d (%s)", esc(rows[i].t), ret, err.msg);
                if (ret == 0)
                        CHECK(config_pool_slots(&c) == rows[i].slots, "config_pool_slots(%s) = %llu, want %llu", esc(rows[i].t),
                              (unsigned long long)config_pool_slots(&c), (unsigned long long)rows[i].slots);
        }
        /* hand-built: no users at all */
        struct subid_config c;
        config_defaults(&c);
        c.users_self = false;
        CHECK(config_pool_slots(&c) == 0, "no users: %llu", (unsigned long long)config_pool_slots(&c));
        /* hand-built: 32 huge ranges must be summed in 64 bits */
        c.users_self = true;
        c.n_users = CONFIG_MAX_USERS;
        for (size_t i = 0; i < CONFIG_MAX_USERS; i++)
                c.users[i] = (struct users_range){ 1, 4294967294u, 0 };
        CHECK(config_pool_slots(&c) == (uint64_t)CONFIG_MAX_USERS * 4294967294u + 1, "64-bit sum: %llu",
              (unsigned long long)config_pool_slots(&c));
        CHECK_DONE();
}

/* ---------------------------------------------------------------- validate_for_caller */

static void test_config_validate_for_caller(void **state)
{
        (void)state;
        static const struct {
                const char *t;
                uint32_t uid;
                bool ok;
        } rows[] = {
                /* defaults: self only, pool [100000, 165536) */
                { "", 100000, false },
                { "", 100001, false },
                { "", 165535, false },
                { "", 165536, true },
                { "", 99999, true },
                { "", 1000, true },
                { "", 0, true },
                { "", 1000000000, true },
                { "", 4294967295u, true },
                /* users only, no self: pool [100000, 100000 + 10*65536) */
                { "users 1000-1009\nsubids pool 100000 65536\n", 200000, false },
                { "users 1000-1009\nsubids pool 100000 65536\n", 755359, false },
                { "users 1000-1009\nsubids pool 100000 65536\n", 755360, true },
                { "users 1000-1009\nsubids pool 100000 65536\n", 1005, true },
                { "users 1000-1009\nsubids pool 100000 65536\n", 99999, true },
                /* self + users: self is the last slot [1090, 1100) of [1000, 1100) */
                { "users self\nusers 1-9\nsubids pool 1000 10\n", 1095, false },
                { "users self\nusers 1-9\nsubids pool 1000 10\n", 1090, false },
                { "users self\nusers 1-9\nsubids pool 1000 10\n", 1099, false },
                { "users self\nusers 1-9\nsubids pool 1000 10\n", 1000, false },
                { "users self\nusers 1-9\nsubids pool 1000 10\n", 1089, false },
                { "users self\nusers 1-9\nsubids pool 1000 10\n", 1100, true },
                { "users self\nusers 1-9\nsubids pool 1000 10\n", 999, true },
                { "users self\nusers 1-9\nsubids pool 1000 10\n", 5, true },
                /* no pool: nothing to check */
                { "subids files\n", 100000, true },
                { "subids userns\n", 100000, true },
                { "subids none\n", 100000, true },
                { "subids files\nsubids userns\n", 150000, true },
                /* pool at the top */
                { "subids pool 4294901759 65536\n", 4294967294u, false },
                { "subids pool 4294901759 65536\n", 4294901759u, false },
                { "subids pool 4294901759 65536\n", 4294901758u, true },
                { "subids pool 4294901759 65536\n", 4294967295u, true },
                { "subids pool 1 1\n", 1, false },
                { "subids pool 1 1\n", 2, true },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct subid_config c;
                struct config_error err;
                int ret = parse_text(rows[i].t, strlen(rows[i].t), &c, &err);
                CHECK(ret == 0, "config_parse(%s) = %d (%s)", esc(rows[i].t), ret, err.msg);
                if (ret != 0)
                        continue;
                memset(&err, 0x5a, sizeof(err));
                ret = config_validate_for_caller(&c, rows[i].uid, &err);
                if (rows[i].ok)
                        CHECK(ret == 0, "validate_for_caller(%s, %u) = %d, want 0", esc(rows[i].t), rows[i].uid, ret);
                else
                        CHECK(ret == -EINVAL && err_msg_ok(&err), "validate_for_caller(%s, %u) = %d, want -EINVAL", esc(rows[i].t),
                              rows[i].uid, ret);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- random junk */

/* Random lines built from directive fragments never crash, and errors always
 * come with a message and a line inside the text. */
static void test_config_random(void **state)
{
        (void)state;
        static const char *frag[] = {
                "users", "self", "1-5", "0-5", "5-1", "1000-1009", "name", "u%u", "%u", "gid", "0", "01", "gecos", "x:y",
                "home", "/tmp", "shell", "/bin/sh", "subids", "files", "userns", "pool", "none", "100000", "65536",
                "subid-names", "yes", "no", "#", " ", "\t", "-", "4294967295", "4294967296", "\xff",
        };
        ut_seed(0xC0F1);
        for (int it = 0; it < 20000 && ut_failures < 20; it++) {
                char buf[512];
                size_t o = 0;
                unsigned nlines = 1 + (unsigned)ut_randn(6);
                for (unsigned l = 0; l < nlines; l++) {
                        unsigned nt = (unsigned)ut_randn(5);
                        for (unsigned k = 0; k < nt && o < 400; k++) {
                                const char *f = frag[ut_randn(UT_ARRAY_SIZE(frag))];
                                o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", k ? " " : "", f);
                        }
                        if (o < 500)
                                buf[o++] = '\n';
                }
                struct subid_config c;
                struct config_error err;
                int ret = parse_text(buf, o, &c, &err);
                CHECK(ret == 0 || ret == -EINVAL, "config_parse(%s) = %d", esc_n(buf, o), ret);
                if (ret == -EINVAL) {
                        CHECK(err_msg_ok(&err), "config_parse(%s): no message", esc_n(buf, o));
                        CHECK(err.line <= nlines, "config_parse(%s): line %u of %u", esc_n(buf, o), err.line, nlines);
                } else if (ret == 0) {
                        /* invariants of an accepted config */
                        bool ok = memchr(c.name_prefix, 0, sizeof(c.name_prefix)) && c.name_prefix[0] &&
                                  memchr(c.gecos, 0, sizeof(c.gecos)) && memchr(c.home, 0, sizeof(c.home)) &&
                                  c.home[0] == '/' && memchr(c.shell, 0, sizeof(c.shell)) && c.shell[0] == '/' &&
                                  c.n_users <= CONFIG_MAX_USERS;
                        for (size_t i = 0; ok && i < c.n_users; i++)
                                ok = c.users[i].first >= 1 && c.users[i].count >= 1 &&
                                     (uint64_t)c.users[i].first + c.users[i].count <= 4294967295ull;
                        if (ok && c.src_pool)
                                ok = c.pool_base >= 1 && c.pool_count >= 1 &&
                                     (uint64_t)c.pool_base + config_pool_slots(&c) * c.pool_count <= 4294967295ull;
                        CHECK(ok, "config_parse(%s) accepted an invalid config", esc_n(buf, o));
                }
        }
        CHECK_DONE();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_config_defaults),
                cmocka_unit_test(test_config_parse_good),
                cmocka_unit_test(test_config_name_prefix_tail),
                cmocka_unit_test(test_config_parse_bad),
                cmocka_unit_test(test_config_cgroup),
                cmocka_unit_test(test_config_parse_good_then_bad),
                cmocka_unit_test(test_config_users_max),
                cmocka_unit_test(test_config_lines_recorded),
                cmocka_unit_test(test_config_size_limits),
                cmocka_unit_test(test_config_nul_bytes),
                cmocka_unit_test(test_config_len_respected),
                cmocka_unit_test(test_config_implicit_pool_with_users),
                cmocka_unit_test(test_config_pool_slots),
                cmocka_unit_test(test_config_validate_for_caller),
                cmocka_unit_test(test_config_random),
        };
        UT_RUN(tests);
}
