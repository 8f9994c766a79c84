/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/policy.c.  Every struct policy_input is built by hand:
 * config via config_parse, map via idmap_parse, subdb via colon_db_parse.
 * No I/O.
 */
#include <errno.h>

#include "subid/names.h"
#include "subid/policy.h"
#include "subid/strutils.h"
#include "ut_common.h"

#define L ID_LIMIT
#define F SRC_FILES
#define U SRC_USERNS
#define P SRC_POOL

/* ---------------------------------------------------------------- fixture */

struct fx {
        struct subid_config cfg;
        struct idmap map;
        struct colon_db db;
        bool have_db;
        struct policy_input in;
        char desc[256];
};

struct fx_spec {
        const char *conf;   /* config text */
        const char *map;    /* NULL: in->map = NULL */
        const char *subdb;  /* NULL: in->subdb = NULL */
        uint32_t caller;
        bool known;
        bool userns;
        enum subid_kind kind;
};

static struct fx *fx_new(const struct fx_spec *s)
{
        struct fx *f = calloc(1, sizeof(*f));
        assert_non_null(f);
        struct config_error err;
        int ret = config_parse(s->conf, strlen(s->conf), &f->cfg, &err);
        if (ret != 0)
                fail_msg("fixture config %s: %d line %u %s", esc(s->conf), ret, err.line, err.msg);
        f->in.cfg = &f->cfg;
        f->in.kind = s->kind;
        f->in.caller_uid = s->caller;
        f->in.caller_id = s->caller; /* tests of a different GID set it after fx_new() */
        f->in.caller_known = s->known;
        f->in.in_userns = s->userns;
        if (s->map) {
                ret = idmap_parse(s->map, strlen(s->map), &f->map);
                if (ret != 0)
                        fail_msg("fixture map %s: %d", esc(s->map), ret);
                f->in.map = &f->map;
        }
        if (s->subdb) {
                ret = colon_db_parse(s->subdb, strlen(s->subdb), COLON_SUBID, &f->db);
                if (ret != 0)
                        fail_msg("fixture subdb: %d", ret);
                f->have_db = true;
                f->in.subdb = &f->db;
        }
        snprintf(f->desc, sizeof(f->desc), "[conf %s map %s caller %u%s%s]", esc(s->conf), s->map ? esc(s->map) : "NULL", s->caller,
                 s->known ? " known" : "", s->userns ? " userns" : "");
        return f;
}

static void fx_free(struct fx *f)
{
        if (f->have_db)
                colon_db_free(&f->db);
        free(f);
}

static struct owner own_uid(uint32_t uid) { return (struct owner){ .has_uid = true, .uid = uid, .name = NULL }; }
static struct owner own_both(uint32_t uid, const char *n) { return (struct owner){ .has_uid = true, .uid = uid, .name = n }; }

static const char *fmt_owner(const struct owner *o)
{
        static char b[4][64];
        static unsigned k;
        char *p = b[k++ % 4];
        if (o->has_uid)
                snprintf(p, 64, "{uid %u name %s}", o->uid, o->name ? o->name : "NULL");
        else
                snprintf(p, 64, "{name %s}", o->name ? o->name : "NULL");
        return p;
}

static const char *fmt_grants(const struct grants *g)
{
        static char b[2][2048];
        static unsigned k;
        char *p = b[k++ % 2];
        size_t o = 0;
        o += (size_t)snprintf(p + o, 2048 - o, "{");
        for (size_t i = 0; i < g->n && o < 1900; i++)
                o += (size_t)snprintf(p + o, 2048 - o, "%s[%llu,+%llu) %s l%u", i ? ", " : "", (unsigned long long)g->g[i].r.start,
                                      (unsigned long long)g->g[i].r.count,
                                      g->g[i].src == F ? "files" : g->g[i].src == U ? "userns" : g->g[i].src == P ? "pool" : "?",
                                      g->g[i].line);
        snprintf(p + o, 2048 - o, "}");
        return p;
}

struct eg {
        uint64_t s, c;
        enum subid_source src;
        int line; /* -1: don't check */
};

static bool grants_equal(const struct grants *g, const struct eg *e, size_t n)
{
        if (g->n != n)
                return false;
        for (size_t i = 0; i < n; i++) {
                if (g->g[i].r.start != e[i].s || g->g[i].r.count != e[i].c || g->g[i].src != e[i].src)
                        return false;
                if (e[i].line >= 0 && g->g[i].line != (unsigned)e[i].line)
                        return false;
        }
        return true;
}

/* ---------------------------------------------------------------- source_name */

static void test_source_name(void **state)
{
        (void)state;
        const char *a = source_name(SRC_FILES), *b = source_name(SRC_USERNS), *c = source_name(SRC_POOL);
        CHECK(a && b && c && a[0] && b[0] && c[0], "source names non-empty");
        CHECK(a && b && c && strcmp(a, b) && strcmp(b, c) && strcmp(a, c), "source names distinct");
        CHECK_DONE();
}

/* ---------------------------------------------------------------- is_user */

#define SLOT_ANY (UINT64_MAX - 1)

static void test_policy_is_user(void **state)
{
        (void)state;
        static const struct {
                struct fx_spec s;
                uint32_t uid;
                bool want;
                uint64_t slot;
        } rows[] = {
                /* root never */
                { { "", NULL, NULL, 0, false, false, KIND_UID }, 0, false, 0 },
                { { "users self\nusers 1-10\n", NULL, NULL, 0, false, false, KIND_UID }, 0, false, 0 },
                { { "", NULL, NULL, 0, false, true, KIND_UID }, 0, false, 0 },
                /* self: only the caller, only when unknown */
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 1000000000u, true, 0 },
                { { "", NULL, NULL, 1000000000u, false, true, KIND_UID }, 1000000000u, true, 0 },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_GID }, 1000000000u, true, 0 },
                { { "", NULL, NULL, 1000000000u, true, false, KIND_UID }, 1000000000u, false, 0 },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 1000590001u, false, 0 },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 1000, false, 0 },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 4294967295u, false, 0 },
                { { "", NULL, NULL, 4294967295u, false, false, KIND_UID }, 4294967295u, false, 0 },
                { { "users 1-5\nsubids files\n", NULL, NULL, 1000000000u, false, false, KIND_UID }, 1000000000u, false, 0 },
                /* ranges: slots in config order, self after all ranges */
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 1000, true, 0 },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 1009, true, 9 },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 5000, true, POOL_NO_SLOT },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 1000010000u, false, false, KIND_UID }, 1000010000u, true, 11 },
                { { "", NULL, NULL, 1000590000u, false, false, KIND_UID }, 1000590000u, true, 59 },
                { { "", NULL, NULL, 1999990000u, false, false, KIND_UID }, 1999990000u, true, 99999 },
                { { "", NULL, NULL, 2000000000u, false, false, KIND_UID }, 2000000000u, true, POOL_NO_SLOT },
                { { "", NULL, NULL, 1000590001u, false, false, KIND_UID }, 1000590001u, true, POOL_NO_SLOT },
                { { "", NULL, NULL, 999990000u, false, false, KIND_UID }, 999990000u, true, POOL_NO_SLOT },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 1010, false, 0 },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 999, false, 0 },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, true, false, KIND_UID }, 5000, false, 0 },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, true, false, KIND_UID }, 1005, true, 5 },
                { { "users self\nusers 1000-1009\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 5000, true, POOL_NO_SLOT },
                { { "users self\nusers 1000-1009\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 1000, true, 0 },
                { { "users 2000-2004\nusers 1000-1002\nsubids files\n", NULL, NULL, 1, true, false, KIND_UID }, 2000, true, 0 },
                { { "users 2000-2004\nusers 1000-1002\nsubids files\n", NULL, NULL, 1, true, false, KIND_UID }, 2004, true, 4 },
                { { "users 2000-2004\nusers 1000-1002\nsubids files\n", NULL, NULL, 1, true, false, KIND_UID }, 1000, true, 5 },
                { { "users 2000-2004\nusers 1000-1002\nsubids files\n", NULL, NULL, 1, true, false, KIND_UID }, 1002, true, 7 },
                { { "users 2000-2004\nusers 1000-1002\nsubids files\n", NULL, NULL, 1, true, false, KIND_UID }, 1003, false, 0 },
                { { "users 2000-2004\nusers 1000-1002\nsubids files\n", NULL, NULL, 1, true, false, KIND_UID }, 2005, false, 0 },
                { { "users 2000-2004\nusers 1000-1002\nsubids files\n", NULL, NULL, 1, true, false, KIND_UID }, 1999, false, 0 },
                { { "users 2000-2004\nusers 1000-1002\nusers self\nsubids files\n", NULL, NULL, 7, false, false, KIND_UID }, 7, true, POOL_NO_SLOT },
                { { "users 4294967290-4294967294\nsubids userns\n", NULL, NULL, 1, true, false, KIND_UID }, 4294967294u, true, 4 },
                { { "users 4294967290-4294967294\nsubids userns\n", NULL, NULL, 1, true, false, KIND_UID }, 4294967295u, false, 0 },
                { { "users 1-4294967294\nsubids userns\n", NULL, NULL, 0, true, false, KIND_UID }, 4294967294u, true, 4294967293u },
                { { "users 1-4294967294\nsubids userns\n", NULL, NULL, 0, true, false, KIND_UID }, 0, false, 0 },
                { { "users 1-4294967294\nusers self\nsubids userns\n", NULL, NULL, 0, false, false, KIND_UID }, 0, false, 0 },
                /* caller inside a users range and also self: covered; slot not checked */
                { { "users self\nusers 1000-1009\nsubids files\n", NULL, NULL, 1005, false, false, KIND_UID }, 1005, true, SLOT_ANY },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct fx *f = fx_new(&rows[i].s);
                uint64_t slot = 0xdead;
                bool got = policy_is_user(&f->in, rows[i].uid, &slot);
                CHECK(got == rows[i].want, "%s is_user(%u) = %d, want %d", f->desc, rows[i].uid, got, rows[i].want);
                if (got && rows[i].want && rows[i].slot != SLOT_ANY)
                        CHECK(slot == rows[i].slot, "%s is_user(%u) slot %llu, want %llu", f->desc, rows[i].uid,
                              (unsigned long long)slot, (unsigned long long)rows[i].slot);
                CHECK(policy_is_user(&f->in, rows[i].uid, NULL) == rows[i].want, "%s is_user(%u, NULL slot)", f->desc, rows[i].uid);
                fx_free(f);
        }

        /* hand-built config with a range containing 0: still never root */
        struct fx_spec s = { "subids files\n", NULL, NULL, 0, false, false, KIND_UID };
        struct fx *f = fx_new(&s);
        f->cfg.users_self = true;
        f->cfg.n_users = 1;
        f->cfg.users[0] = (struct users_range){ 0, 10, 1 };
        CHECK(!policy_is_user(&f->in, 0, NULL), "hand-built users 0-9: uid 0 covered");
        CHECK(policy_is_user(&f->in, 5, NULL), "hand-built users 0-9: uid 5 not covered");
        /* no users at all */
        f->cfg.users_self = false;
        f->cfg.n_users = 0;
        f->in.caller_uid = 1000;
        CHECK(!policy_is_user(&f->in, 1000, NULL), "no users: caller covered");
        fx_free(f);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- owner_ranges */

struct or_row {
        const char *what;
        struct fx_spec s;
        struct owner o;
        struct eg want[6];
        size_t n; /* 0: nothing granted */
};

#define SUBDB1 "u1000000000:300000:65536\n1000000000:400000:10\nother:500000:5\nu1000590001:600000:1\n"
#define SUBDB2 "alice:1:5\n77:10:5\nbob:20:5\n77:30:5\n#77:40:5\n77:0:5\nalice:50:5\n"

static const struct or_row or_rows[] = {
        /* pool */
        { "pool self default", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL },
          { { 100000, 65536, P, 0 } }, 1 },
        { "pool self gid", { "", NULL, NULL, 1000000000u, false, false, KIND_GID }, { true, 1000000000u, NULL },
          { { 100000, 65536, P, 0 } }, 1 },
        { "pool self with name", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, "u1000000000" },
          { { 100000, 65536, P, 0 } }, 1 },
        { "pool slot 0", { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID },
          { true, 1000, NULL }, { { 200000, 10, P, 3 } }, 1 },
        { "pool slot 9", { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID },
          { true, 1009, NULL }, { { 200090, 10, P, 3 } }, 1 },
        { "pool self slot 11", { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 1000010000u, false, false, KIND_UID },
          { true, 1000010000u, NULL }, { { 200110, 10, P, 3 } }, 1 },
        /* self: one block per OpenShift project-first UID, none for others
         * (two unknown UIDs on one kernel never share host IDs) */
        { "pool self not a project-first UID", { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false,
                                                 KIND_UID },
          { true, 5000, NULL }, { { 0 } }, 0 },
        { "pool self 61200 (DynamicUser-like)", { "", NULL, NULL, 61200, false, false, KIND_UID }, { true, 61200, NULL }, { { 0 } }, 0 },
        { "pool self project 59", { "", NULL, NULL, 1000590000u, false, false, KIND_UID }, { true, 1000590000u, NULL },
          { { 100000 + 59 * 65536, 65536, P, 0 } }, 1 },
        { "pool self project 15256 (last below 10^9)", { "", NULL, NULL, 1152560000u, false, false, KIND_UID }, { true, 1152560000u, NULL },
          { { 100000 + 15256ull * 65536, 65536, P, 0 } }, 1 },
        { "pool self project 15257 reaches OpenShift's UIDs", { "", NULL, NULL, 1152570000u, false, false, KIND_UID },
          { true, 1152570000u, NULL }, { { 0 } }, 0 },
        { "pool self beyond 32 bits", { "subids pool 4294901759 65536\n", NULL, NULL, 1000010000u, false, false, KIND_UID },
          { true, 1000010000u, NULL }, { { 0 } }, 0 },
        { "pool top", { "subids pool 4294901759 65536\n", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL },
          { { 4294901759u, 65536, P, 1 } }, 1 },
        { "pool, caller known: nothing", { "", NULL, NULL, 1000000000u, true, false, KIND_UID }, { true, 1000000000u, NULL },
          { { 0 } }, 0 },
        { "pool, other uid: nothing", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000590001u, NULL },
          { { 0 } }, 0 },
        { "pool, root: nothing", { "", NULL, NULL, 0, false, false, KIND_UID }, { true, 0, NULL }, { { 0 } }, 0 },
        /* pool only in the initial namespace */
        { "pool not in userns", { "subids pool 100000 65536\n", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID },
          { true, 1000, NULL }, { { 0 } }, 0 },
        /* userns */
        { "userns seed", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL },
          { { 1, 999, U, -1 }, { 1001, 64535, U, -1 } }, 2 },
        { "userns seed gid", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_GID }, { true, 1000, NULL },
          { { 1, 999, U, -1 }, { 1001, 64535, U, -1 } }, 2 },
        { "userns kernel format", { "", "         0     200000      65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL },
          { { 1, 999, U, -1 }, { 1001, 64535, U, -1 } }, 2 },
        { "userns caller outside map", { "", "0 200000 1000\n", NULL, 5000, false, true, KIND_UID }, { true, 5000, NULL },
          { { 1, 999, U, -1 } }, 1 },
        { "userns caller at edge", { "", "0 200000 1000\n", NULL, 999, false, true, KIND_UID }, { true, 999, NULL },
          { { 1, 998, U, -1 } }, 1 },
        { "userns unsorted map", { "", "100 300000 100\n0 200000 50\n", NULL, 120, false, true, KIND_UID }, { true, 120, NULL },
          { { 1, 49, U, -1 }, { 100, 20, U, -1 }, { 121, 79, U, -1 } }, 3 },
        { "userns adjacent extents", { "", "10 300000 10\n0 200000 10\n", NULL, 5, false, true, KIND_UID }, { true, 5, NULL },
          { { 1, 4, U, -1 }, { 6, 14, U, -1 } }, 2 },
        /* maps that share the parent's IDs grant nothing (sysinfo treats the
         * full identity map as the initial namespace before the policy) */
        { "userns identity full", { "", "         0          0 4294967295\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL },
          { { 0 } }, 0 },
        { "userns identity 65536", { "", "0 0 65536\n", NULL, 61200, false, true, KIND_UID }, { true, 61200, NULL }, { { 0 } }, 0 },
        { "userns partial identity", { "", "0 0 1000\n1000 201000 64536\n", NULL, 1500, false, true, KIND_UID }, { true, 1500, NULL },
          { { 0 } }, 0 },
        { "userns identity above 65536", { "", "0 200000 65536\n300000 300000 1\n", NULL, 1000, false, true, KIND_UID },
          { true, 1000, NULL }, { { 0 } }, 0 },
        { "userns root at host root", { "", "0 0 1\n1 200000 65535\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL },
          { { 0 } }, 0 },
        { "userns shifted onto host accounts", { "", "0 1 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL },
          { { 0 } }, 0 },
        { "userns swap maps host root", { "", "0 1000 1\n1 0 1\n2 200002 65534\n", NULL, 5, false, true, KIND_UID },
          { true, 5, NULL }, { { 0 } }, 0 },
        { "userns rootless podman (root = the user's own low UID)", { "", "0 1000 1\n1 100000 65536\n", NULL, 1000, false, true, KIND_UID },
          { true, 1000, NULL }, { { 1, 999, U, -1 }, { 1001, 64536, U, -1 } }, 2 },
        /* the pod's own /etc/subuid lines of other owners are not granted */
        { "userns minus another owner's lines", { "", "0 200000 65536\n", "podman:1:999\n", 1000, false, true, KIND_UID },
          { true, 1000, NULL }, { { 1001, 64535, U, -1 } }, 1 },
        { "userns no-accounts", { "subids userns no-accounts\n", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID },
          { true, 1000, NULL }, { { 1, 999, U, -1 }, { 1001, 64535, U, -1 } }, 2 },
        { "userns openshift", { "", "0 1000000000 1\n1 1000600000 9999\n", NULL, 1000000000u, false, true, KIND_UID },
          { true, 1000000000u, NULL }, { { 1, 9999, U, -1 } }, 1 },
        { "userns map NULL", { "", NULL, NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, { { 0 } }, 0 },
        { "userns empty map", { "", "", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, { { 0 } }, 0 },
        { "userns only root and caller", { "", "0 0 1\n1000 1000 1\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL },
          { { 0 } }, 0 },
        { "userns other user", { "users self\nusers 2000-2001\n", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID },
          { true, 2000, NULL }, { { 0 } }, 0 },
        { "userns disabled", { "subids pool 100000 65536\nsubids files\n", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID },
          { true, 1000, NULL }, { { 0 } }, 0 },
        { "userns caller known", { "", "0 200000 65536\n", NULL, 1000, true, true, KIND_UID }, { true, 1000, NULL }, { { 0 } }, 0 },
        { "userns but not in one (pool answers)", { "", "0 200000 65536\n", NULL, 1000000000u, false, false, KIND_UID },
          { true, 1000000000u, NULL }, { { 100000, 65536, P, -1 } }, 1 },
        /* files fallback for covered users */
        { "files fallback by name and uid", { "subids files\n", NULL, SUBDB1, 1000000000u, false, false, KIND_UID },
          { true, 1000000000u, "u1000000000" }, { { 300000, 65536, F, 1 }, { 400000, 10, F, 2 } }, 2 },
        { "files fallback after empty userns", { "", "0 0 1\n", SUBDB1, 1000000000u, false, true, KIND_UID },
          { true, 1000000000u, "u1000000000" }, { { 300000, 65536, F, 1 }, { 400000, 10, F, 2 } }, 2 },
        { "files fallback in userns without map", { "", NULL, SUBDB1, 1000000000u, false, true, KIND_UID },
          { true, 1000000000u, "u1000000000" }, { { 300000, 65536, F, 1 }, { 400000, 10, F, 2 } }, 2 },
        { "files fallback, userns disabled", { "subids pool 100000 65536\nsubids files\n", "0 200000 65536\n", SUBDB1, 1000000000u, false,
                                               true, KIND_UID },
          { true, 1000000000u, "u1000000000" }, { { 300000, 65536, F, 1 }, { 400000, 10, F, 2 } }, 2 },
        { "files disabled: nothing", { "subids userns\n", NULL, SUBDB1, 1000000000u, false, false, KIND_UID },
          { true, 1000000000u, "u1000000000" }, { { 0 } }, 0 },
        { "pool shadows files", { "", NULL, SUBDB1, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, "u1000000000" },
          { { 100000, 65536, P, 0 } }, 1 },
        /* the pool never hands out another owner's /etc/subuid IDs (a host
         * where useradd gave alice the first range) */
        { "pool minus alice's whole range", { "", NULL, "alice:100000:65536\n", 1000000000u, false, false, KIND_UID },
          { true, 1000000000u, NULL }, { { 0 } }, 0 },
        { "pool minus alice's lines", { "", NULL, "alice:100010:10\nbob:165530:100\nalice:90000:10005\n", 1000000000u, false, false,
                                        KIND_UID },
          { true, 1000000000u, NULL }, { { 100005, 5, P, 0 }, { 100020, 65510, P, 0 } }, 2 },
        { "pool keeps the owner's own lines", { "", NULL, "1000000000:100000:10\nu1000000000:100010:10\n", 1000000000u, false, false,
                                                KIND_UID },
          { true, 1000000000u, "u1000000000" }, { { 100000, 65536, P, 0 } }, 1 },
        /* non-covered owners: exactly their files lines, in file order */
        { "named owner", { "", NULL, SUBDB1, 1000000000u, false, false, KIND_UID }, { false, 0, "other" }, { { 500000, 5, F, 3 } }, 1 },
        { "name and uid", { "", NULL, SUBDB2, 1000000000u, false, false, KIND_UID }, { true, 77, "alice" },
          { { 1, 5, F, 1 }, { 10, 5, F, 2 }, { 30, 5, F, 4 }, { 50, 5, F, 7 } }, 4 },
        { "uid only", { "", NULL, SUBDB2, 1000000000u, false, false, KIND_UID }, { true, 77, NULL },
          { { 10, 5, F, 2 }, { 30, 5, F, 4 } }, 2 },
        { "name only", { "", NULL, SUBDB2, 1000000000u, false, false, KIND_UID }, { false, 0, "alice" },
          { { 1, 5, F, 1 }, { 50, 5, F, 7 } }, 2 },
        { "unknown owner", { "", NULL, SUBDB2, 1000000000u, false, false, KIND_UID }, { false, 0, "carol" }, { { 0 } }, 0 },
        { "prefix of a name", { "", NULL, SUBDB2, 1000000000u, false, false, KIND_UID }, { false, 0, "ali" }, { { 0 } }, 0 },
        { "uid 7 is not 77", { "", NULL, SUBDB2, 1000000000u, false, false, KIND_UID }, { true, 7, NULL }, { { 0 } }, 0 },
        { "no subdb", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { false, 0, "alice" }, { { 0 } }, 0 },
        { "known caller gets files only", { "", NULL, "1000:700000:10\n", 1000, true, false, KIND_UID }, { true, 1000, NULL },
          { { 700000, 10, F, 1 } }, 1 },
};

static void test_policy_owner_ranges(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(or_rows); i++) {
                const struct or_row *r = &or_rows[i];
                struct fx *f = fx_new(&r->s);
                struct grants *g = malloc(sizeof(*g));
                assert_non_null(g);
                memset(g, 0x5a, sizeof(*g));
                const char *why = NULL;
                int ret = policy_owner_ranges(&f->in, &r->o, g, &why);
                if (r->n == 0) {
                        CHECK((ret == 0 && g->n == 0) || ret == -ENOENT, "%s %s owner_ranges(%s) = %d %s, want nothing", r->what,
                              f->desc, fmt_owner(&r->o), ret, ret == 0 ? fmt_grants(g) : "");
                        CHECK(why != NULL && why[0], "%s: no reason given for an empty answer", r->what);
                } else {
                        CHECK(ret == 0 && grants_equal(g, r->want, r->n), "%s %s owner_ranges(%s) = %d %s", r->what, f->desc,
                              fmt_owner(&r->o), ret, ret == 0 ? fmt_grants(g) : "");
                }
                /* why may be NULL */
                ret = policy_owner_ranges(&f->in, &r->o, g, NULL);
                CHECK(ret == 0 || ret == -ENOENT, "%s: why NULL = %d", r->what, ret);
                free(g);
                fx_free(f);
        }

        /* userns answers, so the files lines are not read */
        struct fx_spec s = { "", "0 200000 65536\n", SUBDB1, 1000000000u, false, true, KIND_UID };
        struct fx *f = fx_new(&s);
        struct grants *g = malloc(sizeof(*g));
        assert_non_null(g);
        struct owner o = own_both(1000000000u, "u1000000000");
        int ret = policy_owner_ranges(&f->in, &o, g, NULL);
        static const struct eg want_u[] = { { 1, 65535, U, -1 } };
        CHECK(ret == 0 && grants_equal(g, want_u, 1), "userns shadows files: %d %s", ret, fmt_grants(g));
        fx_free(f);

        /*
         * A non-covered owner gets "exactly its /etc/subuid lines"; whether
         * `subids` without `files` hides them is a config question: the brief
         * says files lines are used "only when ... src_files" for covered users
         * and "for a non-covered owner: only files lines".  With files off we
         * accept either nothing or the lines.
         */
        struct fx_spec s2 = { "subids pool 100000 65536\n", NULL, "1000:700000:10\n", 1000, true, false, KIND_UID };
        f = fx_new(&s2);
        o = own_uid(1000);
        ret = policy_owner_ranges(&f->in, &o, g, NULL);
        static const struct eg want_f[] = { { 700000, 10, F, 1 } };
        CHECK((ret == 0 && (g->n == 0 || grants_equal(g, want_f, 1))) || ret == -ENOENT, "files off, non-covered: %d %s", ret,
              fmt_grants(g));
        fx_free(f);
        free(g);
        CHECK_DONE();
}

/* grants_to_set keeps the order. */
static void test_grants_to_set(void **state)
{
        (void)state;
        struct grants *g = calloc(1, sizeof(*g));
        struct idset *s = malloc(sizeof(*s));
        assert_non_null(g);
        assert_non_null(s);
        g->n = 3;
        g->g[0] = (struct grant){ { 500, 5 }, F, 1 };
        g->g[1] = (struct grant){ { 1, 5 }, F, 2 };
        g->g[2] = (struct grant){ { 100, 10 }, P, 3 };
        memset(s, 0x5a, sizeof(*s));
        grants_to_set(g, s);
        CHECK(s->n == 3 && s->r[0].start == 500 && s->r[1].start == 1 && s->r[2].start == 100 && s->r[2].count == 10,
              "grants_to_set order");
        g->n = 0;
        grants_to_set(g, s);
        CHECK(s->n == 0, "grants_to_set empty");
        free(g);
        free(s);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- has_range */

static void test_policy_has_range(void **state)
{
        (void)state;
        static const struct {
                struct fx_spec s;
                struct owner o;
                uint64_t a, c;
                bool want;
        } rows[] = {
                /* hostile ranges */
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL }, UINT64_MAX, 2, false },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL }, 0, UINT64_MAX, false },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL }, 100000 + (1ull << 32), 1, false },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL }, 100000, 65536 + (1ull << 32), false },
                /* pool */
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL }, 100000, 65536, true },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL }, 100000, 65537, false },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL }, 99999, 2, false },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL }, 165535, 1, true },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000000000u, NULL }, 165536, 1, false },
                { { "", NULL, NULL, 1000000000u, true, false, KIND_UID }, { true, 1000000000u, NULL }, 100000, 1, false },
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, { true, 1000590001u, NULL }, 100000, 1, false },
                /* userns seed */
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 1, 999, true },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 1, 1000, false },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 999, 3, false },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 1000, 1, false },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 1001, 64535, true },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 0, 1, false },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 0, 10, false },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 65535, 1, true },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 65536, 1, false },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, { true, 1000, NULL }, 200000, 1, false },
                /* files: ranges spanning adjacent lines */
                { { "", NULL, "alice:100:10\nalice:110:10\n", 1, true, false, KIND_UID }, { false, 0, "alice" }, 105, 10, true },
                { { "", NULL, "alice:100:10\nalice:110:10\n", 1, true, false, KIND_UID }, { false, 0, "alice" }, 100, 20, true },
                { { "", NULL, "alice:110:10\nalice:100:10\n", 1, true, false, KIND_UID }, { false, 0, "alice" }, 100, 20, true },
                { { "", NULL, "alice:100:10\nalice:110:10\n", 1, true, false, KIND_UID }, { false, 0, "alice" }, 100, 21, false },
                { { "", NULL, "alice:100:10\nalice:110:10\n", 1, true, false, KIND_UID }, { false, 0, "alice" }, 95, 10, false },
                { { "", NULL, "alice:100:10\nbob:110:10\n", 1, true, false, KIND_UID }, { false, 0, "alice" }, 105, 10, false },
                { { "", NULL, "alice:100:10\n1000:110:10\n", 1, true, false, KIND_UID }, { true, 1000, "alice" }, 100, 20, true },
                { { "", NULL, "alice:100:10\nalice:0:200\n", 1, true, false, KIND_UID }, { false, 0, "alice" }, 50, 1, false },
                { { "", NULL, "alice:100:10\n", 1, true, false, KIND_UID }, { false, 0, "bob" }, 100, 1, false },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct fx *f = fx_new(&rows[i].s);
                bool got = policy_has_range(&f->in, &rows[i].o, rows[i].a, rows[i].c);
                CHECK(got == rows[i].want, "%s has_range(%s, %llu, %llu) = %d, want %d", f->desc, fmt_owner(&rows[i].o),
                      (unsigned long long)rows[i].a, (unsigned long long)rows[i].c, got, rows[i].want);
                fx_free(f);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- find_owners */

struct eo {
        bool has_uid;
        uint32_t uid;
        const char *name;
};

static bool owner_ref_matches(const struct owner_ref *r, const struct eo *e)
{
        if (e->has_uid) {
                /* a decimal files owner may be reported as uid or as the string */
                char dec[16];
                snprintf(dec, sizeof(dec), "%u", e->uid);
                return (r->has_uid && r->uid == e->uid) || (!r->has_uid && !strcmp(r->name, dec));
        }
        return !r->has_uid && memchr(r->name, 0, sizeof(r->name)) && !strcmp(r->name, e->name);
}

static void test_policy_find_owners(void **state)
{
        (void)state;
#define SUBDB3 "alice:100000:10\nbob:200000:10\n1000:300000:5\nalice:100005:10\n"
        static const struct {
                struct fx_spec s;
                uint64_t id;
                int n;
                struct eo want[3];
        } rows[] = {
                /* hostile ids */
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, UINT64_MAX, 0, { { 0 } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, L, 0, { { 0 } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 100000 + (1ull << 32), 0, { { 0 } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 0, 0, { { 0 } } },
                /* pool + files overlap */
                /* pool + files overlap: the pool gives up alice's IDs, one owner */
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 100005, 1, { { false, 0, "alice" } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 100012, 1, { { false, 0, "alice" } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 100015, 1, { { true, 1000000000u, NULL } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 165000, 1, { { true, 1000000000u, NULL } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 50, 0, { { 0 } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 200005, 1, { { false, 0, "bob" } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 300000, 1, { { true, 1000, NULL } } },
                { { "", NULL, SUBDB3, 1000000000u, false, false, KIND_UID }, 300005, 0, { { 0 } } },
                /* caller known: no pool */
                { { "", NULL, NULL, 1000000000u, true, false, KIND_UID }, 100005, 0, { { 0 } } },
                { { "", NULL, SUBDB3, 1000000000u, true, false, KIND_UID }, 100005, 1, { { false, 0, "alice" } } },
                /* pool blocks map back to their users */
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 200000, 1,
                  { { true, 1000, NULL } } },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 200095, 1,
                  { { true, 1009, NULL } } },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 200105, 0,
                  { { 0 } } },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 1000010000u, false, false, KIND_UID }, 200115, 1,
                  { { true, 1000010000u, NULL } } },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 200110, 0,
                  { { 0 } } },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, true, false, KIND_UID }, 200105, 0,
                  { { 0 } } },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, true, false, KIND_UID }, 200095, 1,
                  { { true, 1009, NULL } } },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 199999, 0,
                  { { 0 } } },
                /* userns */
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 500, 1, { { true, 1000, NULL } } },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 1000, 0, { { 0 } } },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 0, 0, { { 0 } } },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 65536, 0, { { 0 } } },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 200000, 0, { { 0 } } },
                { { "", "0 200000 65536\n", "bob:500:1\n", 1000, false, true, KIND_UID }, 500, 1, { { false, 0, "bob" } } },
                /* same owner twice is one owner */
                { { "subids files\n", NULL, "alice:100:10\nalice:105:10\n", 1, true, false, KIND_UID }, 107, 1, { { false, 0, "alice" } } },
                { { "subids files\n", NULL, "1000:100:10\n1000:105:10\n", 1, true, false, KIND_UID }, 107, 1, { { true, 1000, NULL } } },
                /* three owners */
                { { "subids files\n", NULL, "a:100:10\nb:100:10\nc:100:10\nb:100:10\n", 1, true, false, KIND_UID }, 100, 3,
                  { { false, 0, "a" }, { false, 0, "b" }, { false, 0, "c" } } },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct fx *f = fx_new(&rows[i].s);
                struct owner_ref out[8];
                memset(out, 0x5a, sizeof(out));
                int ret = policy_find_owners(&f->in, rows[i].id, out, 8);
                CHECK(ret == rows[i].n, "%s find_owners(%llu) = %d, want %d", f->desc, (unsigned long long)rows[i].id, ret, rows[i].n);
                if (ret == rows[i].n) {
                        for (int k = 0; k < rows[i].n; k++) {
                                bool found = false;
                                for (int j = 0; j < ret; j++)
                                        found = found || owner_ref_matches(&out[j], &rows[i].want[k]);
                                CHECK(found, "%s find_owners(%llu): missing owner %s", f->desc, (unsigned long long)rows[i].id,
                                      rows[i].want[k].has_uid ? "uid" : rows[i].want[k].name);
                        }
                }
                /* max smaller than the count: count still returned, nothing written past max */
                if (rows[i].n >= 2) {
                        memset(out, 0x5a, sizeof(out));
                        ret = policy_find_owners(&f->in, rows[i].id, out, 1);
                        unsigned char *b = (unsigned char *)&out[1];
                        bool untouched = true;
                        for (size_t k = 0; k < sizeof(out) - sizeof(out[0]); k++)
                                untouched = untouched && b[k] == 0x5a;
                        CHECK(ret == rows[i].n && untouched, "%s find_owners(%llu, max 1) = %d, wrote past max: %d", f->desc,
                              (unsigned long long)rows[i].id, ret, !untouched);
                        ret = policy_find_owners(&f->in, rows[i].id, out, 0);
                        CHECK(ret == rows[i].n, "%s find_owners(%llu, max 0) = %d", f->desc, (unsigned long long)rows[i].id, ret);
                }
                fx_free(f);
        }
        CHECK_DONE();
}

/* ---------------------------------------------------------------- subid names */

struct sn_row {
        const char *what;
        struct fx_spec s;
        uint64_t id;
        const char *name; /* NULL: -ENOENT */
};

#define SUBDB4 "alice:300000:10\nalice:400000:5\n1000:500000:3\n"
#define SUBDB5 "alice:300000:10\nbob:300005:10\n"

static const struct sn_row sn_rows[] = {
        /* pool */
        { "pool first", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 100000, "u1000000000-0" },
        { "pool 1", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 100001, "u1000000000-1" },
        { "pool last", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 165535, "u1000000000-65535" },
        { "pool gid", { "", NULL, NULL, 1000000000u, false, false, KIND_GID }, 165535, "u1000000000-65535" },
        { "pool end", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 165536, NULL },
        { "pool before", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 99999, NULL },
        { "zero", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 0, NULL },
        { "-1", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 4294967295u, NULL },
        { "2^64-1", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, UINT64_MAX, NULL },
        { "pool + 2^32", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 100000 + (1ull << 32), NULL },
        { "caller known", { "", NULL, NULL, 1000000000u, true, false, KIND_UID }, 100000, NULL },
        { "names off", { "subid-names no\n", NULL, NULL, 1000000000u, false, false, KIND_UID }, 100000, NULL },
        { "prefix", { "name user%u\n", NULL, NULL, 1000000000u, false, false, KIND_UID }, 100005, "user1000000000-5" },
        { "pool users slot 9", { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 200095,
          "u1009-5" },
        { "pool users self", { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 1000010000u, false, false, KIND_UID },
          200115, "u1000010000-5" },
        { "pool users past", { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 200110,
          NULL },
        /* userns seed */
        { "userns 1", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 1, "u1000-0" },
        { "userns 999", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 999, "u1000-998" },
        { "userns caller", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 1000, NULL },
        { "userns 1001", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 1001, "u1000-999" },
        { "userns last", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 65535, "u1000-65533" },
        { "userns 0", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 0, NULL },
        { "userns past", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 65536, NULL },
        { "userns outside id", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 200001, NULL },
        { "userns names off", { "subid-names no\n", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 1, NULL },
        /* files owners */
        { "files alice 0", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 300000, "alice-0" },
        { "files alice 9", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 300009, "alice-9" },
        { "files alice 10", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 300010, NULL },
        { "files alice second line", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 400000, "alice-10" },
        { "files alice 14", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 400004, "alice-14" },
        { "files alice past", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 400005, NULL },
        /* A numeric owner that is not a synthesized user has no name of
         * ours ("u1000" must not stand for a real UID 1000), so its
         * subordinate IDs get none; a covered one does. */
        { "files numeric owner", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 500000, NULL },
        { "files numeric owner 2", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 500002, NULL },
        { "files numeric owner prefix", { "name id%u\nsubids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 500002,
          NULL },
        { "files numeric covered owner", { "users 1000-1000\nsubids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID },
          500000, "u1000-0" },
        { "files numeric covered owner 2", { "users 1000-1000\nsubids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID },
          500002, "u1000-2" },
        { "files numeric covered owner prefix",
          { "name id%u\nusers 1000-1000\nsubids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 500002, "id1000-2" },
        { "files names off", { "subids files\nsubid-names no\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 300000, NULL },
        /* conflicts */
        { "conflict", { "subids files\n", NULL, SUBDB5, 1, true, false, KIND_UID }, 300005, NULL },
        { "conflict end", { "subids files\n", NULL, SUBDB5, 1, true, false, KIND_UID }, 300009, NULL },
        { "before conflict", { "subids files\n", NULL, SUBDB5, 1, true, false, KIND_UID }, 300004, "alice-4" },
        { "after conflict", { "subids files\n", NULL, SUBDB5, 1, true, false, KIND_UID }, 300010, "bob-5" },
        { "bob last", { "subids files\n", NULL, SUBDB5, 1, true, false, KIND_UID }, 300014, "bob-9" },
        /* alice's line wins: the pool gives those IDs up, so they are alice's alone */
        { "pool vs files", { "", NULL, "alice:100000:10\n", 1000000000u, false, false, KIND_UID }, 100005, "alice-5" },
        { "pool vs files after", { "", NULL, "alice:100000:10\n", 1000000000u, false, false, KIND_UID }, 100010, "u1000000000-0" },
        /* duplicated lines of one owner: first occurrence */
        { "dup lines", { "subids files\n", NULL, "alice:300000:10\nalice:300005:10\n", 1, true, false, KIND_UID }, 300007, "alice-7" },
        { "dup lines tail", { "subids files\n", NULL, "alice:300000:10\nalice:300005:10\n", 1, true, false, KIND_UID }, 300012,
          "alice-17" },
        /* owners whose names cannot make a valid subid name */
        { "owner too long", { "subids files\n", NULL, "abcdefghijklmnopqrstuvwxyz0123:300000:10\n", 1, true, false, KIND_UID }, 300000,
          NULL },
        { "owner 29 ok", { "subids files\n", NULL, "abcdefghijklmnopqrstuvwxyz012:300000:10\n", 1, true, false, KIND_UID }, 300009,
          "abcdefghijklmnopqrstuvwxyz012-9" },
        { "owner 29 two digits", { "subids files\n", NULL, "abcdefghijklmnopqrstuvwxyz012:300000:11\n", 1, true, false, KIND_UID }, 300010,
          NULL },
        { "owner with dot", { "subids files\n", NULL, "a.b:300000:10\n", 1, true, false, KIND_UID }, 300000, NULL },
        { "owner with space", { "subids files\n", NULL, "a b:300000:10\n", 1, true, false, KIND_UID }, 300000, NULL },
};

static void test_policy_subid_name(void **state)
{
        (void)state;
        for (size_t i = 0; i < UT_ARRAY_SIZE(sn_rows); i++) {
                const struct sn_row *r = &sn_rows[i];
                struct fx *f = fx_new(&r->s);
                char buf[64];
                memset(buf, 'X', sizeof(buf));
                int ret = policy_subid_name(&f->in, r->id, buf, sizeof(buf));
                if (r->name) {
                        CHECK(ret >= 0 && !strcmp(buf, r->name), "%s %s subid_name(%llu) = %d %s, want %s", r->what, f->desc,
                              (unsigned long long)r->id, ret, ret >= 0 ? esc_n(buf, strnlen(buf, sizeof(buf))) : "", r->name);
                        /* and back */
                        uint32_t id = 0xdeadbeef;
                        ret = policy_subid_by_name(&f->in, r->name, &id);
                        CHECK(ret == 0 && id == r->id, "%s %s subid_by_name(%s) = %d/%u, want %llu", r->what, f->desc, r->name, ret, id,
                              (unsigned long long)r->id);
                        /* buffer one byte short */
                        size_t need = strlen(r->name) + 1;
                        char *hb = malloc(need - 1);
                        assert_non_null(hb);
                        ret = policy_subid_name(&f->in, r->id, hb, need - 1);
                        CHECK(ret < 0, "%s subid_name(bufsz %zu) = %d, want error", r->what, need - 1, ret);
                        free(hb);
                        hb = malloc(need);
                        assert_non_null(hb);
                        ret = policy_subid_name(&f->in, r->id, hb, need);
                        CHECK(ret >= 0 && !strcmp(hb, r->name), "%s subid_name(bufsz %zu) = %d", r->what, need, ret);
                        free(hb);
                } else {
                        CHECK(ret == -ENOENT, "%s %s subid_name(%llu) = %d %s, want -ENOENT", r->what, f->desc,
                              (unsigned long long)r->id, ret, ret >= 0 ? esc_n(buf, strnlen(buf, sizeof(buf))) : "");
                }
                fx_free(f);
        }
        CHECK_DONE();
}

static void test_policy_subid_by_name(void **state)
{
        (void)state;
        static const struct {
                const char *what;
                struct fx_spec s;
                const char *name;
                int ret;
                uint32_t id;
        } rows[] = {
                /* hostile names */
                { "empty", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "", -ENOENT, 0 },
                { "dash", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "-", -ENOENT, 0 },
                { "no offset", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-", -ENOENT, 0 },
                { "no dash", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000", -ENOENT, 0 },
                { "leading zero", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-00", -ENOENT, 0 },
                { "leading zero 2", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-01", -ENOENT, 0 },
                { "plus", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-+1", -ENOENT, 0 },
                { "minus", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000--1", -ENOENT, 0 },
                { "space", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-1 ", -ENOENT, 0 },
                { "newline", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-1\n", -ENOENT, 0 },
                { "hex", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-0x1", -ENOENT, 0 },
                { "past end", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-65536", -ENOENT, 0 },
                { "2^32", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-4294967296", -ENOENT, 0 },
                { "2^64", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-18446744073709551616", -ENOENT, 0 },
                { "2^64-1", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-18446744073709551615", -ENOENT, 0 },
                { "other uid", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000590001-0", -ENOENT, 0 },
                { "owner uid leading zero", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u01000000000-0", -ENOENT, 0 },
                { "other prefix", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "user1000000000-0", -ENOENT, 0 },
                { "uppercase", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "U1000000000-0", -ENOENT, 0 },
                { "decimal owner", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "1000000000-0", -ENOENT, 0 },
                { "unknown name", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "alice-0", -ENOENT, 0 },
                { "caller known", { "", NULL, NULL, 1000000000u, true, false, KIND_UID }, "u1000000000-0", -ENOENT, 0 },
                { "names off", { "subid-names no\n", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-0", -ENOENT, 0 },
                { "too long", { "", NULL, NULL, 1000000000u, false, false, KIND_UID },
                  "u1000000000-00000000000000000000000000000000000000000000000000001", -ENOENT, 0 },
                { "utf8", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000-\xd9\xa1", -ENOENT, 0 },
                { "colon", { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, "u1000000000:0", -ENOENT, 0 },
                /* userns */
                { "userns past", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, "u1000-65534", -ENOENT, 0 },
                { "userns 0", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, "u1000-0", 0, 1 },
                { "userns other", { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, "u1001-0", -ENOENT, 0 },
                /* files */
                { "files past", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, "alice-15", -ENOENT, 0 },
                { "files numeric uncovered", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, "u1000-0", -ENOENT, 0 },
                { "files numeric", { "users 1000-1000\nsubids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, "u1000-0", 0,
                  500000 },
                { "files numeric past", { "users 1000-1000\nsubids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, "u1000-3",
                  -ENOENT, 0 },
                { "files decimal literal", { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, "1000-0", -ENOENT, 0 },
                { "files names off", { "subids files\nsubid-names no\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, "alice-0",
                  -ENOENT, 0 },
                /* conflicts: the id is held by two owners, so the name is not ours */
                { "conflict alice", { "subids files\n", NULL, SUBDB5, 1, true, false, KIND_UID }, "alice-5", -ENOENT, 0 },
                { "conflict bob", { "subids files\n", NULL, SUBDB5, 1, true, false, KIND_UID }, "bob-0", -ENOENT, 0 },
                { "conflict bob ok", { "subids files\n", NULL, SUBDB5, 1, true, false, KIND_UID }, "bob-5", 0, 300010 },
                { "pool vs files", { "", NULL, "alice:100000:10\n", 1000000000u, false, false, KIND_UID }, "u1000000000-5", 0, 100015 },
                { "pool vs files alice", { "", NULL, "alice:100000:10\n", 1000000000u, false, false, KIND_UID }, "alice-0", 0, 100000 },
                /* a later occurrence is not the name of the id */
                { "dup lines later occurrence", { "subids files\n", NULL, "alice:300000:10\nalice:300005:10\n", 1, true, false, KIND_UID },
                  "alice-12", -ENOENT, 0 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct fx *f = fx_new(&rows[i].s);
                char *n = ut_strdup_exact(rows[i].name);
                uint32_t id = 0xdeadbeef;
                int ret = policy_subid_by_name(&f->in, n, &id);
                CHECK(ret == rows[i].ret, "%s %s subid_by_name(%s) = %d (id %u), want %d", rows[i].what, f->desc, esc(rows[i].name), ret,
                      id, rows[i].ret);
                if (rows[i].ret == 0 && ret == 0)
                        CHECK(id == rows[i].id, "%s subid_by_name(%s) -> %u, want %u", rows[i].what, esc(rows[i].name), id, rows[i].id);
                free(n);
                fx_free(f);
        }
        CHECK_DONE();
}

/*
 * A covered user named in /etc/subuid both by its synthesized name and by
 * its decimal UID: when only `files` answers, both lines are its grants (in
 * file order), and the subid names use the synthesized name.
 * Interpretation of the brief ("lines ... whose owner equals the owner's
 * name or decimal uid string"); kept apart.
 */
static void test_policy_covered_user_files_by_name_and_uid(void **state)
{
        (void)state;
        struct fx_spec s = { "subids files\n", NULL, "u1000000000:300000:10\n1000000000:400000:10\n", 1000000000u, false, false, KIND_UID };
        struct fx *f = fx_new(&s);
        char buf[64];
        int ret = policy_subid_name(&f->in, 300000, buf, sizeof(buf));
        CHECK(ret >= 0 && !strcmp(buf, "u1000000000-0"), "subid_name(300000) = %d %s", ret, ret >= 0 ? buf : "");
        ret = policy_subid_name(&f->in, 400000, buf, sizeof(buf));
        CHECK(ret >= 0 && !strcmp(buf, "u1000000000-10"), "subid_name(400000) = %d %s", ret, ret >= 0 ? buf : "");
        uint32_t id = 0;
        ret = policy_subid_by_name(&f->in, "u1000000000-10", &id);
        CHECK(ret == 0 && id == 400000, "subid_by_name(u1000000000-10) = %d/%u", ret, id);
        struct owner_ref out[4];
        ret = policy_find_owners(&f->in, 400005, out, 4);
        CHECK(ret == 1, "find_owners(400005) = %d, want 1", ret);
        fx_free(f);

        /* a covered user's files lines are hidden when a dynamic source answers */
        struct fx_spec s2 = { "", NULL, "u1000000000:300000:10\n", 1000000000u, false, false, KIND_UID };
        f = fx_new(&s2);
        ret = policy_subid_name(&f->in, 300000, buf, sizeof(buf));
        CHECK(ret == -ENOENT, "shadowed files line: subid_name(300000) = %d %s", ret, ret >= 0 ? buf : "");
        ret = policy_find_owners(&f->in, 300000, out, 4);
        CHECK(ret == 0, "shadowed files line: find_owners(300000) = %d, want 0", ret);
        ret = policy_subid_by_name(&f->in, "u1000000000-0", &id);
        CHECK(ret == 0 && id == 100000, "shadowed files line: subid_by_name(u1000000000-0) = %d/%u, want 100000", ret, id);
        fx_free(f);
        CHECK_DONE();
}

/*
 * policy.h: caller_id is "its real UID or GID, per kind: never granted to
 * itself".  For KIND_GID the caller's GID is removed from the userns ranges
 * (not its UID), and no source ever grants a range holding caller_id.
 */
static void test_policy_caller_id_per_kind(void **state)
{
        (void)state;
        struct grants *g = malloc(sizeof(*g));
        assert_non_null(g);
        struct owner o = own_uid(1000);

        /* userns, KIND_GID, uid 1000, gid 500 */
        struct fx_spec s = { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_GID };
        struct fx *f = fx_new(&s);
        f->in.caller_id = 500;
        int ret = policy_owner_ranges(&f->in, &o, g, NULL);
        static const struct eg want_gid[] = { { 1, 499, U, -1 }, { 501, 65035, U, -1 } };
        CHECK(ret == 0 && grants_equal(g, want_gid, 2), "userns gid 500: %d %s", ret, fmt_grants(g));
        CHECK(policy_has_range(&f->in, &o, 1000, 1), "gid ranges hold ID 1000 (the caller's UID, not its GID)");
        CHECK(!policy_has_range(&f->in, &o, 500, 1), "gid ranges hold the caller's GID");
        char buf[64];
        ret = policy_subid_name(&f->in, 500, buf, sizeof(buf));
        CHECK(ret == -ENOENT, "subid_name(caller gid) = %d", ret);
        ret = policy_subid_name(&f->in, 501, buf, sizeof(buf));
        CHECK(ret >= 0 && !strcmp(buf, "u1000-499"), "subid_name(501) = %d %s", ret, ret >= 0 ? buf : "");
        fx_free(f);

        /* userns, KIND_GID, gid outside the map: only 0 removed */
        struct fx_spec s1 = { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_GID };
        f = fx_new(&s1);
        f->in.caller_id = 70000;
        ret = policy_owner_ranges(&f->in, &o, g, NULL);
        static const struct eg want_out[] = { { 1, 65535, U, -1 } };
        CHECK(ret == 0 && grants_equal(g, want_out, 1), "userns gid outside map: %d %s", ret, fmt_grants(g));
        fx_free(f);

        /* pool holding the caller's GID: nothing granted may contain it */
        struct fx_spec s2 = { "", NULL, NULL, 1000000000u, false, false, KIND_GID };
        f = fx_new(&s2);
        f->in.caller_id = 100005;
        o = own_uid(1000000000u);
        ret = policy_owner_ranges(&f->in, &o, g, NULL);
        CHECK(ret == 0 || ret == -ENOENT, "pool holding caller gid: %d", ret);
        if (ret == 0) {
                struct idset *set = malloc(sizeof(*set));
                assert_non_null(set);
                grants_to_set(g, set);
                CHECK(!idset_contains(set, 100005), "pool grant holds the caller's GID: %s", fmt_grants(g));
                free(set);
        }
        CHECK(!policy_has_range(&f->in, &o, 100005, 1), "has_range(caller gid)");
        fx_free(f);

        /* pool holding the caller's UID (hand-built config; config_validate_for_caller would refuse it) */
        struct fx_spec s3 = { "", NULL, NULL, 100005, false, false, KIND_UID };
        f = fx_new(&s3);
        o = own_uid(100005);
        CHECK(!policy_has_range(&f->in, &o, 100005, 1), "pool grant holds the caller's own UID");
        ret = policy_subid_name(&f->in, 100005, buf, sizeof(buf));
        CHECK(ret == -ENOENT, "subid_name(caller uid inside pool) = %d %s", ret, ret >= 0 ? buf : "");
        fx_free(f);
        free(g);
        CHECK_DONE();
}

/* sysinfo.h: when the config is unusable in.cfg is NULL and nothing is granted. */
static void test_policy_null_cfg(void **state)
{
        (void)state;
        struct fx_spec s = { "", "0 200000 65536\n", "alice:300000:10\n", 1000000000u, false, false, KIND_UID };
        struct fx *f = fx_new(&s);
        f->in.cfg = NULL;
        struct grants *g = malloc(sizeof(*g));
        assert_non_null(g);
        CHECK(!policy_is_user(&f->in, 1000000000u, NULL), "cfg NULL: is_user");
        struct owner o = own_uid(1000000000u);
        int ret = policy_owner_ranges(&f->in, &o, g, NULL);
        CHECK((ret == 0 && g->n == 0) || ret < 0, "cfg NULL: owner_ranges(caller) = %d n=%zu", ret, ret == 0 ? g->n : 0);
        o = own_both(1, "alice");
        ret = policy_owner_ranges(&f->in, &o, g, NULL);
        CHECK((ret == 0 && g->n == 0) || ret < 0, "cfg NULL: owner_ranges(alice) = %d n=%zu", ret, ret == 0 ? g->n : 0);
        CHECK(!policy_has_range(&f->in, &o, 300000, 1), "cfg NULL: has_range");
        struct owner_ref out[2];
        ret = policy_find_owners(&f->in, 300000, out, 2);
        CHECK(ret <= 0, "cfg NULL: find_owners = %d", ret);
        char buf[64];
        ret = policy_subid_name(&f->in, 300000, buf, sizeof(buf));
        CHECK(ret < 0, "cfg NULL: subid_name = %d", ret);
        uint32_t id;
        ret = policy_subid_by_name(&f->in, "alice-0", &id);
        CHECK(ret < 0, "cfg NULL: subid_by_name = %d", ret);
        ret = policy_user_entity(&f->in, NULL, 1000000000u, buf, sizeof(buf), NULL);
        CHECK(ret < 0, "cfg NULL: user_entity = %d", ret);
        free(g);
        fx_free(f);
        CHECK_DONE();
}

/*
 * policy.h: "an ID or a name [files] knows is never synthesized, so no
 * synthesized name can alias a real account".
 */
static void test_policy_entities(void **state)
{
        (void)state;
        static const struct {
                const char *what;
                enum subid_kind kind;
                bool subid;          /* policy_subid_entity instead of policy_user_entity */
                const char *files;   /* passwd (KIND_UID) or group (KIND_GID) text */
                uint32_t id;
                const char *name;    /* NULL: -ENOENT */
        } rows[] = {
                { "user", KIND_UID, false, "root:x:0:0:::\n", 1000000000u, "u1000000000" },
                { "user, empty files", KIND_UID, false, "", 1000000000u, "u1000000000" },
                { "user not covered", KIND_UID, false, "root:x:0:0:::\n", 1000, NULL },
                { "user root", KIND_UID, false, "", 0, NULL },
                { "user -1", KIND_UID, false, "", 4294967295u, NULL },
                { "user id known", KIND_UID, false, "real:x:1000000000:0:::\n", 1000000000u, NULL },
                { "user name known", KIND_UID, false, "u1000000000:x:5:0:::\n", 1000000000u, NULL },
                { "user malformed line ignored", KIND_UID, false, "real:x:01000000000:0:::\n", 1000000000u, "u1000000000" },
                { "group", KIND_GID, false, "root:x:0:\n", 1000000000u, "u1000000000" },
                { "group id known", KIND_GID, false, "g:x:1000000000:\n", 1000000000u, NULL },
                { "group name known", KIND_GID, false, "u1000000000:x:7:\n", 1000000000u, NULL },
                { "subid pool", KIND_UID, true, "root:x:0:0:::\n", 100000, "u1000000000-0" },
                { "subid pool last", KIND_UID, true, "root:x:0:0:::\n", 165535, "u1000000000-65535" },
                { "subid outside", KIND_UID, true, "root:x:0:0:::\n", 99999, NULL },
                { "subid id known", KIND_UID, true, "svc:x:100000:0:::\n", 100000, NULL },
                { "subid name known", KIND_UID, true, "u1000000000-1:x:5:0:::\n", 100001, NULL },
                { "subid other name known", KIND_UID, true, "u1000000000-1:x:5:0:::\n", 100002, "u1000000000-2" },
                { "subid group", KIND_GID, true, "root:x:0:\n", 100000, "u1000000000-0" },
                { "subid group id known", KIND_GID, true, "g:x:100000:\n", 100000, NULL },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                struct fx_spec s = { "", NULL, NULL, 1000000000u, false, false, rows[i].kind };
                struct fx *f = fx_new(&s);
                struct colon_db files;
                int ret = colon_db_parse(rows[i].files, strlen(rows[i].files), rows[i].kind == KIND_UID ? COLON_PASSWD : COLON_GROUP,
                                         &files);
                assert_int_equal(ret, 0);
                char name[64];
                memset(name, 'X', sizeof(name));
                const char *why = NULL;
                if (rows[i].subid)
                        ret = policy_subid_entity(&f->in, &files, rows[i].id, name, sizeof(name), &why);
                else
                        ret = policy_user_entity(&f->in, &files, rows[i].id, name, sizeof(name), &why);
                if (rows[i].name) {
                        CHECK(ret == 0 && !strcmp(name, rows[i].name), "%s: entity(%u) = %d %s, want %s", rows[i].what, rows[i].id, ret,
                              ret == 0 ? esc_n(name, strnlen(name, sizeof(name))) : (why ? why : ""), rows[i].name);
                        /* too small a buffer */
                        size_t need = strlen(rows[i].name) + 1;
                        char *hb = malloc(need - 1);
                        assert_non_null(hb);
                        if (rows[i].subid)
                                ret = policy_subid_entity(&f->in, &files, rows[i].id, hb, need - 1, NULL);
                        else
                                ret = policy_user_entity(&f->in, &files, rows[i].id, hb, need - 1, NULL);
                        CHECK(ret < 0, "%s: entity(namesz %zu) = %d, want error", rows[i].what, need - 1, ret);
                        free(hb);
                } else {
                        CHECK(ret == -ENOENT, "%s: entity(%u) = %d %s, want -ENOENT", rows[i].what, rows[i].id, ret,
                              ret == 0 ? esc_n(name, strnlen(name, sizeof(name))) : "");
                        CHECK(ret != -ENOENT || (why && why[0]), "%s: no reason", rows[i].what);
                }
                colon_db_free(&files);
                fx_free(f);
        }
        CHECK_DONE();
}

/* Round trips over whole windows of IDs. */
static void test_policy_roundtrip(void **state)
{
        (void)state;
        static const struct {
                struct fx_spec s;
                uint64_t lo, hi;
        } rows[] = {
                { { "", NULL, NULL, 1000000000u, false, false, KIND_UID }, 99990, 165546 },
                { { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID }, 0, 65546 },
                { { "", "100 300000 100\n0 200000 50\n", NULL, 120, false, true, KIND_UID }, 0, 300 },
                { { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 299990, 300020 },
                { { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 399990, 400020 },
                { { "subids files\n", NULL, SUBDB4, 1000000000u, false, false, KIND_UID }, 499990, 500020 },
                { { "subids files\n", NULL, SUBDB5, 1, true, false, KIND_UID }, 299990, 300030 },
                { { "", NULL, "alice:100000:10\nbob:165530:20\n", 1000000000u, false, false, KIND_UID }, 99990, 100020 },
                { { "", NULL, "alice:100000:10\nbob:165530:20\n", 1000000000u, false, false, KIND_UID }, 165520, 165560 },
                { { "users 1000-1009\nusers self\nsubids pool 200000 10\n", NULL, NULL, 5000, false, false, KIND_UID }, 199990, 200120 },
                { { "subids files\n", NULL, "alice:300000:10\nalice:300005:10\nalice:100:5\n", 1, true, false, KIND_UID }, 90, 110 },
                { { "subids files\n", NULL, "alice:300000:10\nalice:300005:10\nalice:100:5\n", 1, true, false, KIND_UID }, 299990, 300020 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows) && ut_failures < 30; i++) {
                struct fx *f = fx_new(&rows[i].s);
                for (uint64_t id = rows[i].lo; id < rows[i].hi && ut_failures < 30; id++) {
                        char buf[64];
                        int ret = policy_subid_name(&f->in, id, buf, sizeof(buf));
                        struct owner_ref out[4];
                        int n = policy_find_owners(&f->in, id, out, 4);
                        /* A name needs exactly one owner; one owner gets a name
                         * unless it is a UID-only owner the policy does not
                         * cover (no name of ours to read back). */
                        bool nameless = n == 1 && out[0].has_uid && !policy_is_user(&f->in, out[0].uid, NULL);
                        CHECK((ret >= 0) == (n == 1 && !nameless), "%s id %llu: subid_name %d but %d owners", f->desc,
                              (unsigned long long)id, ret, n);
                        if (ret < 0) {
                                CHECK(ret == -ENOENT, "%s subid_name(%llu) = %d", f->desc, (unsigned long long)id, ret);
                                continue;
                        }
                        CHECK(ret == (int)strlen(buf) && name_is_valid(buf), "%s subid_name(%llu) = %d %s", f->desc, (unsigned long long)id,
                              ret, esc(buf));
                        uint32_t back = 0;
                        ret = policy_subid_by_name(&f->in, buf, &back);
                        CHECK(ret == 0 && back == id, "%s round trip %llu -> %s -> %d/%u", f->desc, (unsigned long long)id, buf, ret, back);
                }
                fx_free(f);
        }
        CHECK_DONE();
}

/* The seed case end to end: ranges, has_range, names. */
static void test_policy_seed(void **state)
{
        (void)state;
        struct fx_spec s = { "", "0 200000 65536\n", NULL, 1000, false, true, KIND_UID };
        struct fx *f = fx_new(&s);
        struct grants *g = malloc(sizeof(*g));
        assert_non_null(g);
        struct owner o = own_uid(1000);
        int ret = policy_owner_ranges(&f->in, &o, g, NULL);
        CHECK(ret == 0 && g->n == 2 && g->g[0].r.start == 1 && g->g[0].r.count == 999 && g->g[1].r.start == 1001 &&
                      g->g[1].r.count == 64535 && g->g[0].src == SRC_USERNS && g->g[1].src == SRC_USERNS,
              "seed ranges: %d %s", ret, fmt_grants(g));
        struct idset *set = malloc(sizeof(*set));
        assert_non_null(set);
        grants_to_set(g, set);
        CHECK(idset_total(set) == 65534, "seed total %llu", (unsigned long long)idset_total(set));
        free(set);
        free(g);
        fx_free(f);
        CHECK_DONE();
}

/* ------------------------------------------------- other NSS sources, GID */

/* A directory (sssd/LDAP) that knows UIDs 61200 and 1000010000 and GID 61300. */
static bool directory_knows(const struct policy_input *in, enum subid_kind k, uint32_t id)
{
        (void)in;
        return k == KIND_UID ? (id == 61200 || id == 1000010000u) : id == 61300;
}

static void test_policy_known_elsewhere(void **state)
{
        (void)state;
        struct grants g;
        struct owner o = { true, 1000010000u, NULL };
        char name[64];
        const char *why = NULL;

        /* a users range: a UID the directory knows is not ours, its neighbour is */
        struct fx_spec s = { "users 1000000000-1000019999\nsubids pool 200000 10\n", NULL, NULL, 5, true, false, KIND_UID };
        struct fx *f = fx_new(&s);
        f->in.id_known = directory_knows;
        CHECK(!policy_is_user(&f->in, 1000010000u, NULL), "directory user in a users range is covered");
        CHECK(policy_is_user(&f->in, 1000010001u, NULL), "unknown neighbour not covered");
        CHECK(policy_user_entity(&f->in, NULL, 1000010000u, name, sizeof(name), &why) == -ENOENT,
              "directory user synthesized as %s", name);
        CHECK(policy_owner_ranges(&f->in, &o, &g, NULL) == 0 && g.n == 0, "directory user got %zu pool grants", g.n);
        fx_free(f);

        /* self: the caller's own UID known elsewhere (sysinfo sets caller_known
         * from the same question) gets nothing */
        struct fx_spec s2 = { "", NULL, NULL, 61200, true, false, KIND_UID };
        f = fx_new(&s2);
        f->in.id_known = directory_knows;
        o = (struct owner){ true, 61200, NULL };
        CHECK(!policy_is_user(&f->in, 61200, NULL), "known caller covered by self");
        CHECK(policy_owner_ranges(&f->in, &o, &g, NULL) == 0 && g.n == 0, "known caller got %zu grants", g.n);
        fx_free(f);

        /* a group: the synthesized group of a covered UID is withheld when the
         * GID is a directory group */
        struct fx_spec s3 = { "users 61300-61301\nsubids files\n", NULL, NULL, 5, true, false, KIND_GID };
        f = fx_new(&s3);
        f->in.id_known = directory_knows;
        CHECK(policy_user_entity(&f->in, NULL, 61300, name, sizeof(name), &why) == -ENOENT, "directory GID synthesized");
        CHECK(policy_user_entity(&f->in, NULL, 61301, name, sizeof(name), &why) == 0 && !strcmp(name, "u61301"),
              "unknown GID not synthesized");
        fx_free(f);
        CHECK_DONE();
}

static void test_policy_primary_gid(void **state)
{
        (void)state;
        struct fx_spec s = { "users 61200-61400\nsubids files\n", NULL, NULL, 61200, false, false, KIND_UID };
        struct fx *f = fx_new(&s);
        f->in.id_known = directory_knows;
        /* the caller itself: its real GID, whatever it is (a pod's 0 stays 0;
         * 61200 with gid 61200 never gets 0) */
        f->in.caller_gid = 61200;
        CHECK(policy_primary_gid(&f->in, 61200) == 61200, "own entry gid %u", policy_primary_gid(&f->in, 61200));
        f->in.caller_gid = 0;
        CHECK(policy_primary_gid(&f->in, 61200) == 0, "pod gid 0: %u", policy_primary_gid(&f->in, 61200));
        /* someone else looking: the private group, never a fixed group like 0 */
        CHECK(policy_primary_gid(&f->in, 61201) == 61201, "other's entry gid %u", policy_primary_gid(&f->in, 61201));
        /* ... unless that GID is a real group elsewhere: the overflow GID */
        CHECK(policy_primary_gid(&f->in, 61300) == OVERFLOW_GID, "directory GID 61300 handed out: %u",
              policy_primary_gid(&f->in, 61300));
        fx_free(f);
        CHECK_DONE();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_source_name),
                cmocka_unit_test(test_policy_is_user),
                cmocka_unit_test(test_policy_known_elsewhere),
                cmocka_unit_test(test_policy_primary_gid),
                cmocka_unit_test(test_policy_owner_ranges),
                cmocka_unit_test(test_grants_to_set),
                cmocka_unit_test(test_policy_has_range),
                cmocka_unit_test(test_policy_find_owners),
                cmocka_unit_test(test_policy_subid_name),
                cmocka_unit_test(test_policy_subid_by_name),
                cmocka_unit_test(test_policy_covered_user_files_by_name_and_uid),
                cmocka_unit_test(test_policy_caller_id_per_kind),
                cmocka_unit_test(test_policy_null_cfg),
                cmocka_unit_test(test_policy_entities),
                cmocka_unit_test(test_policy_roundtrip),
                cmocka_unit_test(test_policy_seed),
        };
        UT_RUN(tests);
}
