/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Module tests of the glibc NSS module: dlopen() the test build
 * ($NSS_SUBID_TEST_NSS, which reads $NSS_SUBID_TEST_ETC/{nss_subid.conf,
 * subuid,subgid,passwd,group}) and call the exported functions the way glibc
 * does.  Needs root (fixtures must be root-owned; some cases fork a child
 * that runs as an OpenShift-style UID).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* setresuid, setgroups, flockfile */
#endif
#include <elf.h>
#include <link.h>
#include <nss.h>
#include <pthread.h>
#include <stdalign.h>

#include "subid/abi.h"
#include "mt_common.h"

/* ----------------------------------------------------------------- the ABI */

typedef enum nss_status (*pwuid_fn)(uid_t, struct passwd *, char *, size_t, int *);
typedef enum nss_status (*pwnam_fn)(const char *, struct passwd *, char *, size_t, int *);
typedef enum nss_status (*grgid_fn)(gid_t, struct group *, char *, size_t, int *);
typedef enum nss_status (*grnam_fn)(const char *, struct group *, char *, size_t, int *);
typedef enum nss_status (*setent_fn)(int);
typedef enum nss_status (*endent_fn)(void);
typedef enum nss_status (*pwent_fn)(struct passwd *, char *, size_t, int *);
typedef enum nss_status (*grent_fn)(struct group *, char *, size_t, int *);

static struct {
        void *h;
        pwuid_fn getpwuid_r;
        pwnam_fn getpwnam_r;
        setent_fn setpwent;
        pwent_fn getpwent_r;
        endent_fn endpwent;
        grgid_fn getgrgid_r;
        grnam_fn getgrnam_r;
        setent_fn setgrent;
        grent_fn getgrent_r;
        endent_fn endgrent;
} N;

static const char *const nss_abi[] = {
        "_nss_subid_getpwuid_r", "_nss_subid_getpwnam_r", "_nss_subid_setpwent", "_nss_subid_getpwent_r",
        "_nss_subid_endpwent",   "_nss_subid_getgrgid_r", "_nss_subid_getgrnam_r", "_nss_subid_setgrent",
        "_nss_subid_getgrent_r", "_nss_subid_endgrent",
};
static const char *const plugin_abi[] = {
        "shadow_subid_has_range",         "shadow_subid_has_any_range", "shadow_subid_list_owner_ranges",
        "shadow_subid_find_subid_owners", "shadow_subid_free",
};

/* Compile-time check that abi.h and the pointer types above agree (no link-time reference). */
_Static_assert(__builtin_types_compatible_p(__typeof__(&_nss_subid_getpwuid_r), pwuid_fn), "abi.h: _nss_subid_getpwuid_r");
_Static_assert(__builtin_types_compatible_p(__typeof__(&_nss_subid_getpwnam_r), pwnam_fn), "abi.h: _nss_subid_getpwnam_r");
_Static_assert(__builtin_types_compatible_p(__typeof__(&_nss_subid_getgrgid_r), grgid_fn), "abi.h: _nss_subid_getgrgid_r");
_Static_assert(__builtin_types_compatible_p(__typeof__(&_nss_subid_getgrnam_r), grnam_fn), "abi.h: _nss_subid_getgrnam_r");
_Static_assert(__builtin_types_compatible_p(__typeof__(&_nss_subid_setpwent), setent_fn), "abi.h: _nss_subid_setpwent");
_Static_assert(__builtin_types_compatible_p(__typeof__(&_nss_subid_endpwent), endent_fn), "abi.h: _nss_subid_endpwent");
_Static_assert(__builtin_types_compatible_p(__typeof__(&_nss_subid_getpwent_r), pwent_fn), "abi.h: _nss_subid_getpwent_r");
_Static_assert(__builtin_types_compatible_p(__typeof__(&_nss_subid_getgrent_r), grent_fn), "abi.h: _nss_subid_getgrent_r");

/* ---------------------------------------------------------------- fixtures */


static const char PASSWD_BASE[] =
        "root:x:0:0:root:/root:/bin/bash\n"
        "containers:x:1001:1001:container storage:/home/containers:/bin/sh\n"
        "u1000000005:x:5005:5005:real user named like a synthesized one:/home/u5:/bin/sh\n"
        "realuser:x:1000000007:1000000007:real user with a covered UID:/home/real:/bin/sh\n"
        "poolreal:x:331077:331077:real user with a pool UID:/:/bin/sh\n"
        "u1000000003-7:x:5007:5007:real user named like a subordinate ID:/:/bin/sh\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

static const char GROUP_BASE[] = "root:x:0:\n"
                                 "containers:x:1001:\n"
                                 "u1000000006:x:5006:\n"
                                 "realgroup:x:1000000008:\n"
                                 "poolgroup:x:331078:\n"
                                 "u1000000003-8:x:5008:\n"
                                 "nogroup:x:65534:\n";

/* Works for any caller: slot k of the pool is 200000 + k * 65536. */
static const char CONF_EXPLICIT[] = "# module test: explicit users\n"
                                    "users 1000000000-1000000009\n"
                                    "subids files\n"
                                    "subids pool 200000 65536\n";
#define POOL_BASE 200000u
#define POOL_COUNT 65536u
#define SLOT(k) (POOL_BASE + (k) * POOL_COUNT)

/* For the hostile-name cases: a few real positives next to every negative. */
static const char CONF_HOSTILE[] = "users 1000590000-1000590000\n"
                                   "users 1-1\n"
                                   "subids pool 100000 65536\n";

static const char CONF_HUGE[] = "users 1-4294967294\n";

#define DEF_GECOS "nss_subid synthesized user"
#define DEF_HOME "/tmp"
#define DEF_SHELL "/bin/sh"
#define SUB_GECOS "nss_subid subordinate ID"
#define SUB_HOME "/"
#define SUB_SHELL "/usr/sbin/nologin"

/* Every case starts from the base passwd/group and no config/subuid/subgid. */
static int reset(void **state)
{
        (void)state;
        alarm(MT_CASE_TIMEOUT);
        __atomic_store_n(&mt_failures, 0, __ATOMIC_RELAXED);
        mt_write("passwd", PASSWD_BASE);
        mt_write("group", GROUP_BASE);
        mt_remove("nss_subid.conf");
        mt_remove("subuid");
        mt_remove("subgid");
        mt_remove("real.conf");
        return 0;
}

/* ----------------------------------------------------------- lookup helpers */

#define BUFSZ 4096
#define ERRNO_CANARY 12345

/* pw_exp.gid of a synthesized user: the caller's real GID when it looks
 * itself up, its private group (GID = UID) for anyone else. */
#define SYN_GID UINT32_MAX

struct pw_exp {
        const char *name;
        uint32_t uid, gid;
        const char *gecos, *dir, *shell;
};

/* Is s a NUL-terminated string that lies entirely inside [buf, buf+len)? */
static bool str_in(const char *s, const char *buf, size_t len)
{
        if (!s || s < buf || s >= buf + len)
                return false;
        return memchr(s, '\0', (size_t)(buf + len - s)) != NULL;
}

static bool pw_in_buf(const struct passwd *pw, const char *buf, size_t len)
{
        return str_in(pw->pw_name, buf, len) && str_in(pw->pw_passwd, buf, len) && str_in(pw->pw_gecos, buf, len) &&
               str_in(pw->pw_dir, buf, len) && str_in(pw->pw_shell, buf, len);
}

static bool gr_in_buf(const struct group *gr, const char *buf, size_t len)
{
        const char *m = (const char *)gr->gr_mem;
        if (!str_in(gr->gr_name, buf, len) || !str_in(gr->gr_passwd, buf, len))
                return false;
        if (!m || m < buf || m + sizeof(char *) > buf + len)
                return false;
        if ((uintptr_t)m % alignof(char *) != 0)
                return false;
        return gr->gr_mem[0] == NULL;
}

static void check_pw(const char *ctx, enum nss_status st, int err, const struct passwd *pw, const char *buf,
                     size_t len, const struct pw_exp *e)
{
        CHECK(st == NSS_STATUS_SUCCESS, "%s: status %d (errno %d), want SUCCESS", ctx, st, err);
        if (st != NSS_STATUS_SUCCESS)
                return;
        CHECK(pw_in_buf(pw, buf, len), "%s: a field is outside the caller's buffer", ctx);
        if (!pw_in_buf(pw, buf, len))
                return;
        CHECK(strcmp(pw->pw_name, e->name) == 0, "%s: pw_name %s, want %s", ctx, esc(pw->pw_name), e->name);
        CHECK(strcmp(pw->pw_passwd, "x") == 0, "%s: pw_passwd %s", ctx, esc(pw->pw_passwd));
        CHECK(pw->pw_uid == e->uid, "%s: pw_uid %u, want %u", ctx, (unsigned)pw->pw_uid, e->uid);
        uint32_t want_gid = e->gid != SYN_GID ? e->gid : e->uid == getuid() ? (uint32_t)getgid() : e->uid;
        CHECK(pw->pw_gid == want_gid, "%s: pw_gid %u, want %u", ctx, (unsigned)pw->pw_gid, want_gid);
        CHECK(strcmp(pw->pw_gecos, e->gecos) == 0, "%s: pw_gecos %s", ctx, esc(pw->pw_gecos));
        CHECK(strcmp(pw->pw_dir, e->dir) == 0, "%s: pw_dir %s", ctx, esc(pw->pw_dir));
        CHECK(strcmp(pw->pw_shell, e->shell) == 0, "%s: pw_shell %s", ctx, esc(pw->pw_shell));
}

static void check_gr(const char *ctx, enum nss_status st, int err, const struct group *gr, const char *buf,
                     size_t len, const char *name, uint32_t gid)
{
        CHECK(st == NSS_STATUS_SUCCESS, "%s: status %d (errno %d), want SUCCESS", ctx, st, err);
        if (st != NSS_STATUS_SUCCESS)
                return;
        CHECK(gr_in_buf(gr, buf, len), "%s: a field is outside the buffer or gr_mem is misaligned/non-empty", ctx);
        if (!gr_in_buf(gr, buf, len))
                return;
        CHECK(strcmp(gr->gr_name, name) == 0, "%s: gr_name %s, want %s", ctx, esc(gr->gr_name), name);
        CHECK(strcmp(gr->gr_passwd, "x") == 0, "%s: gr_passwd %s", ctx, esc(gr->gr_passwd));
        CHECK(gr->gr_gid == gid, "%s: gr_gid %u, want %u", ctx, (unsigned)gr->gr_gid, gid);
}

static void check_notfound(const char *ctx, enum nss_status st, int err)
{
        CHECK(st == NSS_STATUS_NOTFOUND, "%s: status %d, want NOTFOUND", ctx, st);
        CHECK(err == ENOENT, "%s: *errnop %d, want ENOENT", ctx, err);
}

/* Lookups with errno and *errnop canaries; errno must come back unchanged. */
static enum nss_status pwuid(uint32_t uid, struct passwd *pw, char *buf, size_t len, int *err)
{
        enum nss_status st;
        *err = -777;
        errno = ERRNO_CANARY;
        st = N.getpwuid_r((uid_t)uid, pw, buf, len, err);
        CHECK(errno == ERRNO_CANARY, "getpwuid_r(%u): errno changed to %d", uid, errno);
        return st;
}

static enum nss_status pwnam(const char *name, struct passwd *pw, char *buf, size_t len, int *err)
{
        enum nss_status st;
        *err = -777;
        errno = ERRNO_CANARY;
        st = N.getpwnam_r(name, pw, buf, len, err);
        CHECK(errno == ERRNO_CANARY, "getpwnam_r(%s): errno changed to %d", esc(name), errno);
        return st;
}

static enum nss_status grgid(uint32_t gid, struct group *gr, char *buf, size_t len, int *err)
{
        enum nss_status st;
        *err = -777;
        errno = ERRNO_CANARY;
        st = N.getgrgid_r((gid_t)gid, gr, buf, len, err);
        CHECK(errno == ERRNO_CANARY, "getgrgid_r(%u): errno changed to %d", gid, errno);
        return st;
}

static enum nss_status grnam(const char *name, struct group *gr, char *buf, size_t len, int *err)
{
        enum nss_status st;
        *err = -777;
        errno = ERRNO_CANARY;
        st = N.getgrnam_r(name, gr, buf, len, err);
        CHECK(errno == ERRNO_CANARY, "getgrnam_r(%s): errno changed to %d", esc(name), errno);
        return st;
}

/* Full check of one synthesized user: by UID, by name, and the round trip. */
static void expect_user(const struct pw_exp *e)
{
        struct passwd pw;
        char buf[BUFSZ], ctx[96];
        int err;
        enum nss_status st;

        snprintf(ctx, sizeof(ctx), "getpwuid_r(%u)", e->uid);
        st = pwuid(e->uid, &pw, buf, sizeof(buf), &err);
        check_pw(ctx, st, err, &pw, buf, sizeof(buf), e);
        if (st == NSS_STATUS_SUCCESS) {
                /* Round trip: getpwnam(getpwuid(u)->pw_name)->pw_uid == u. */
                char name[64], buf2[BUFSZ];
                struct passwd pw2;
                snprintf(name, sizeof(name), "%s", pw.pw_name);
                st = pwnam(name, &pw2, buf2, sizeof(buf2), &err);
                CHECK(st == NSS_STATUS_SUCCESS && pw2.pw_uid == e->uid, "round trip %u -> %s -> status %d uid %u",
                      e->uid, name, st, st == NSS_STATUS_SUCCESS ? (unsigned)pw2.pw_uid : 0u);
        }
        snprintf(ctx, sizeof(ctx), "getpwnam_r(%s)", e->name);
        st = pwnam(e->name, &pw, buf, sizeof(buf), &err);
        check_pw(ctx, st, err, &pw, buf, sizeof(buf), e);
}

static void expect_group(const char *name, uint32_t gid)
{
        struct group gr;
        char buf[BUFSZ], ctx[96];
        int err;
        enum nss_status st;

        snprintf(ctx, sizeof(ctx), "getgrgid_r(%u)", gid);
        st = grgid(gid, &gr, buf, sizeof(buf), &err);
        check_gr(ctx, st, err, &gr, buf, sizeof(buf), name, gid);
        snprintf(ctx, sizeof(ctx), "getgrnam_r(%s)", name);
        st = grnam(name, &gr, buf, sizeof(buf), &err);
        check_gr(ctx, st, err, &gr, buf, sizeof(buf), name, gid);
}

static void expect_no_uid(uint32_t uid)
{
        struct passwd pw;
        char buf[BUFSZ], ctx[64];
        int err;
        enum nss_status st = pwuid(uid, &pw, buf, sizeof(buf), &err);
        snprintf(ctx, sizeof(ctx), "getpwuid_r(%u)", uid);
        check_notfound(ctx, st, err);
        if (st == NSS_STATUS_SUCCESS)
                CHECK(false, "%s: unexpectedly synthesized %s", ctx, esc(pw.pw_name));
}

static void expect_no_gid(uint32_t gid)
{
        struct group gr;
        char buf[BUFSZ], ctx[64];
        int err;
        enum nss_status st = grgid(gid, &gr, buf, sizeof(buf), &err);
        snprintf(ctx, sizeof(ctx), "getgrgid_r(%u)", gid);
        check_notfound(ctx, st, err);
        if (st == NSS_STATUS_SUCCESS)
                CHECK(false, "%s: unexpectedly synthesized %s", ctx, esc(gr.gr_name));
}

static void expect_no_pwnam(const char *name)
{
        struct passwd pw;
        char buf[BUFSZ], ctx[128];
        int err;
        enum nss_status st = pwnam(name, &pw, buf, sizeof(buf), &err);
        snprintf(ctx, sizeof(ctx), "getpwnam_r(%s)", esc(name));
        check_notfound(ctx, st, err);
        if (st == NSS_STATUS_SUCCESS)
                CHECK(false, "%s: unexpectedly found UID %u", ctx, (unsigned)pw.pw_uid);
}

static void expect_no_grnam(const char *name)
{
        struct group gr;
        char buf[BUFSZ], ctx[128];
        int err;
        enum nss_status st = grnam(name, &gr, buf, sizeof(buf), &err);
        snprintf(ctx, sizeof(ctx), "getgrnam_r(%s)", esc(name));
        check_notfound(ctx, st, err);
        if (st == NSS_STATUS_SUCCESS)
                CHECK(false, "%s: unexpectedly found GID %u", ctx, (unsigned)gr.gr_gid);
}

static void expect_nothing_for(uint32_t id)
{
        char name[32];
        snprintf(name, sizeof(name), "u%u", id);
        expect_no_uid(id);
        expect_no_gid(id);
        expect_no_pwnam(name);
        expect_no_grnam(name);
}

static struct pw_exp user_exp(uint32_t uid, char *namebuf, size_t nsz)
{
        snprintf(namebuf, nsz, "u%u", uid);
        return (struct pw_exp){ namebuf, uid, SYN_GID, DEF_GECOS, DEF_HOME, DEF_SHELL };
}

static void test_exported_symbols(void **state)
{
        (void)state;
        const char *objs[][2] = {
                { "NSS_SUBID_TEST_NSS", "NSS_SUBID_1" },
                { "NSS_SUBID_REAL_NSS", "NSS_SUBID_1" },
                { "NSS_SUBID_TEST_PLUGIN", "LIBSUBID_SUBID_1" },
                { "NSS_SUBID_REAL_PLUGIN", "LIBSUBID_SUBID_1" },
        };
        for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
                bool nss = strcmp(objs[i][1], "NSS_SUBID_1") == 0;
                check_exports(mt_env(objs[i][0]), objs[i][1], nss ? nss_abi : plugin_abi,
                              nss ? sizeof(nss_abi) / sizeof(nss_abi[0]) : sizeof(plugin_abi) / sizeof(plugin_abi[0]));
        }
        /* And the dynamic linker agrees: every ABI function resolves in the
         * loaded test module, a well-known internal one does not. */
        for (size_t i = 0; i < sizeof(nss_abi) / sizeof(nss_abi[0]); i++)
                CHECK(dlsym(N.h, nss_abi[i]) != NULL, "dlsym(%s) failed", nss_abi[i]);
        const char *internal[] = { "sys_input_init", "policy_is_user", "config_parse", "parse_u32", "name_is_valid",
                                   "colon_db_parse", "sys_config", "pw_by_uid" };
        for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
                CHECK(dlsym(N.h, internal[i]) == NULL, "internal symbol %s is visible through dlsym", internal[i]);
        CHECK_DONE();
}

/* ---------------------------------------------------------- success paths */

static void test_explicit_users(void **state)
{
        (void)state;
        char name[32];
        struct pw_exp e;

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        for (uint32_t u = 1000000000u; u <= 1000000009u; u++) {
                if (u == 1000000005u || u == 1000000007u)
                        continue; /* known to the fixture passwd: see test_files_win */
                e = user_exp(u, name, sizeof(name));
                if (u == 1000000008u) /* GID 1000000008 is a real group: overflow GID, not its private group */
                        e.gid = 65534;
                expect_user(&e);
                if (u != 1000000006u && u != 1000000008u)
                        expect_group(name, u);
        }
        /* Just outside the range, and other IDs nobody covers. */
        expect_nothing_for(999999999u);
        expect_nothing_for(1000000010u);
        expect_nothing_for(1u);
        expect_nothing_for(OCP_UID); /* root asks: `self` is not configured and would not cover root */
        expect_no_uid(0);
        expect_no_pwnam("u0");
        CHECK_DONE();
}

static void test_custom_fields(void **state)
{
        (void)state;
        mt_write("nss_subid.conf", "users 1000000000-1000000009\n"
                                   "name ocp_build_%u\n"
                                   "gecos   OpenShift build user, project x   \n"
                                   "home /var/lib/build\n"
                                   "shell /usr/bin/bash\n"
                                   "subids pool 200000 65536\n");
        struct pw_exp e = { "ocp_build_1000000003", 1000000003u, SYN_GID, "OpenShift build user, project x",
                            "/var/lib/build", "/usr/bin/bash" };
        expect_user(&e);
        expect_group("ocp_build_1000000003", 1000000003u);
        /* The default template is not ours any more. */
        expect_no_pwnam("u1000000003");
        expect_no_grnam("u1000000003");
        /* Subordinate names use the owner's (templated) name. */
        struct pw_exp s = { "ocp_build_1000000003-9", SLOT(3) + 9, SLOT(3) + 9, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s);
        expect_group("ocp_build_1000000003-9", SLOT(3) + 9);
        /* Spelling variants of a templated name. */
        expect_no_pwnam("ocp_build_01000000003");
        expect_no_pwnam("ocp_build1000000003");
        expect_no_pwnam("OCP_build_1000000003");
        expect_no_pwnam("ocp_build_");
        expect_no_pwnam("ocp_build_1000000010");

        /* The longest prefix: 20 + 10 digits = 30 bytes.  Subordinate names
         * would exceed 31 bytes (except short offsets): those get no name. */
        mt_write("nss_subid.conf", "users 1000000000-1000000009\n"
                                   "name abcdefghij_klmnopqrs%u\n"
                                   "subids pool 200000 65536\n");
        struct pw_exp l = { "abcdefghij_klmnopqrs1000000003", 1000000003u, SYN_GID, DEF_GECOS, DEF_HOME, DEF_SHELL };
        expect_user(&l);
        expect_no_uid(SLOT(3) + 10);  /* "abcdefghij_klmnopqrs1000000003-10": 33 bytes */
        expect_no_uid(SLOT(3));       /* "...-0": 32 bytes */
        expect_no_pwnam("abcdefghij_klmnopqrs1000000003-0");
        CHECK_DONE();
}

/* `users self` pool block of OCP_UID (1000590000 = OpenShift project block
 * 59): slot 59 of the default pool 100000+65536. */
#define OCP_POOL (100000u + 59u * 65536u)

/* No config file: the built-in defaults (`users self`, default pool). */
static void child_defaults(void *arg)
{
        (void)arg;
        char name[32];
        struct pw_exp e = user_exp(OCP_UID, name, sizeof(name));
        expect_user(&e);
        expect_group("u1000590000", OCP_UID);
        /* self is the caller only. */
        expect_nothing_for(OCP_UID + 1);
        expect_nothing_for(1000000003u);
        expect_no_uid(0);
}

static void child_self_known(void *arg)
{
        (void)arg;
        /* The caller's UID is in the fixture passwd: `self` covers nothing. */
        expect_nothing_for(OCP_UID);
        expect_no_uid(OCP_POOL);
        expect_no_pwnam("u1000590000-0");
}

static void child_self_and_range(void *arg)
{
        (void)arg;
        char name[32];
        struct pw_exp e = user_exp(OCP_UID, name, sizeof(name));
        expect_user(&e);
        e = user_exp(1000000003u, name, sizeof(name));
        expect_user(&e);
        expect_nothing_for(OCP_UID + 1);
}

static void test_defaults_self(void **state)
{
        (void)state;
        /* root is never covered by `self`. */
        expect_no_uid(0);
        expect_no_pwnam("u0");
        expect_no_pwnam("root");
        expect_nothing_for(1000000003u);
        mt_run_as(OCP_UID, 0, child_defaults, NULL);
        /* The same with an explicit `users self`. */
        mt_write("nss_subid.conf", "users self\n");
        expect_no_uid(0);
        mt_run_as(OCP_UID, 0, child_defaults, NULL);
        /* `self` plus a range: both. */
        mt_write("nss_subid.conf", "users self\nusers 1000000000-1000000009\n");
        mt_run_as(OCP_UID, 0, child_self_and_range, NULL);
        /* A range alone: `self` is gone. */
        mt_write("nss_subid.conf", "users 1000000000-1000000009\n");
        mt_run_as(OCP_UID, 0, child_self_known, NULL);
        /* `self` when the fixture passwd knows the caller's UID. */
        mt_remove("nss_subid.conf");
        mt_write("passwd", "root:x:0:0:root:/root:/bin/bash\n"
                           "ocp:x:1000590000:0:known OpenShift user:/home/ocp:/bin/sh\n");
        mt_run_as(OCP_UID, 0, child_self_known, NULL);
        CHECK_DONE();
}

/* ------------------------------------------------------------------ ERANGE */

enum lk { LK_PWUID, LK_PWNAM, LK_GRGID, LK_GRNAM };

struct lookup {
        enum lk k;
        uint32_t id;
        const char *name;
        struct pw_exp exp; /* groups: exp.name and exp.uid (the GID) */
};

static enum nss_status do_lookup(const struct lookup *l, struct passwd *pw, struct group *gr, char *buf, size_t len,
                                 int *err)
{
        switch (l->k) {
        case LK_PWUID:
                return pwuid(l->id, pw, buf, len, err);
        case LK_PWNAM:
                return pwnam(l->name, pw, buf, len, err);
        case LK_GRGID:
                return grgid(l->id, gr, buf, len, err);
        case LK_GRNAM:
                return grnam(l->name, gr, buf, len, err);
        }
        return NSS_STATUS_UNAVAIL;
}

static const char *const lk_name[] = { "getpwuid_r", "getpwnam_r", "getgrgid_r", "getgrnam_r" };

#define ER_MAX 512
#define ER_GUARD 64

static void erange_sweep(const struct lookup *l, size_t align)
{
        size_t total = ER_GUARD + ER_MAX + ER_GUARD + 16;
        unsigned char *mem = malloc(total);
        size_t first_ok = 0, needed;
        bool ok_seen = false;
        char ctx[128];

        assert_non_null(mem);
        if (l->k == LK_PWUID || l->k == LK_PWNAM)
                needed = strlen(l->exp.name) + 1 + 2 + strlen(l->exp.gecos) + 1 + strlen(l->exp.dir) + 1 +
                         strlen(l->exp.shell) + 1;
        else
                needed = strlen(l->exp.name) + 1 + 2 + sizeof(char *) + alignof(char *) - 1;
        for (size_t size = 0; size <= ER_MAX; size++) {
                struct passwd pw;
                struct group gr;
                int err;
                char *buf = (char *)mem + ER_GUARD + align;
                enum nss_status st;
                bool guard_ok = true;

                memset(mem, 0xA5, total);
                memset(&pw, 0, sizeof(pw));
                memset(&gr, 0, sizeof(gr));
                st = do_lookup(l, &pw, &gr, buf, size, &err);
                snprintf(ctx, sizeof(ctx), "%s(%s) size %zu align +%zu", lk_name[l->k], l->name ? l->name : "",
                         size, align);
                if (!l->name)
                        snprintf(ctx, sizeof(ctx), "%s(%u) size %zu align +%zu", lk_name[l->k], l->id, size, align);
                for (unsigned char *p = mem; p < (unsigned char *)buf; p++)
                        guard_ok &= *p == 0xA5;
                for (unsigned char *p = (unsigned char *)buf + size; p < mem + total; p++)
                        guard_ok &= *p == 0xA5;
                CHECK(guard_ok, "%s: wrote outside [buf, buf+size)", ctx);
                if (st == NSS_STATUS_SUCCESS) {
                        if (!ok_seen) {
                                ok_seen = true;
                                first_ok = size;
                        }
                        if (l->k == LK_PWUID || l->k == LK_PWNAM)
                                check_pw(ctx, st, err, &pw, buf, size, &l->exp);
                        else
                                check_gr(ctx, st, err, &gr, buf, size, l->exp.name, l->exp.uid);
                } else {
                        CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE, "%s: status %d errno %d, want TRYAGAIN/ERANGE",
                              ctx, st, err);
                        CHECK(!ok_seen, "%s: failed although size %zu succeeded", ctx, first_ok);
                }
        }
        snprintf(ctx, sizeof(ctx), "%s(%s/%u) align +%zu", lk_name[l->k], l->name ? l->name : "-", l->id, align);
        CHECK(ok_seen, "%s: never succeeded up to %d bytes", ctx, ER_MAX);
        CHECK(!ok_seen || first_ok <= needed, "%s: needs %zu bytes for %zu bytes of data", ctx, first_ok, needed);
        free(mem);
}

static void test_erange(void **state)
{
        (void)state;
        const struct pw_exp user = { "u1000000003", 1000000003u, SYN_GID, DEF_GECOS, DEF_HOME, DEF_SHELL };
        const struct pw_exp sub = { "u1000000003-9", SLOT(3) + 9, SLOT(3) + 9, SUB_GECOS, SUB_HOME, SUB_SHELL };
        const struct lookup ls[] = {
                { LK_PWUID, user.uid, NULL, user },     { LK_PWNAM, 0, "u1000000003", user },
                { LK_GRGID, user.uid, NULL, user },     { LK_GRNAM, 0, "u1000000003", user },
                { LK_PWUID, sub.uid, NULL, sub },       { LK_PWNAM, 0, "u1000000003-9", sub },
                { LK_GRGID, sub.uid, NULL, sub },       { LK_GRNAM, 0, "u1000000003-9", sub },
        };
        const size_t aligns[] = { 0, 1, 2, 3, 5, 7 };

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        for (size_t i = 0; i < sizeof(ls) / sizeof(ls[0]); i++)
                for (size_t a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++)
                        erange_sweep(&ls[i], aligns[a]);
        CHECK_DONE();
}

/* ---------------------------------------------------------- hostile input */

static void test_hostile_names(void **state)
{
        (void)state;
        char name[32];
        struct pw_exp e;
        static const char *const hostile[] = {
                "", ":", "u1:", ":u1", "u1\n", "\nu1", "u1\r", "/", "u1/..", "../u1", "./u1", "u1/", "u1\t", "\tu1",
                "u1\tu1", "u\t1", "u1 ", " u1", "u 1", "U1", "U1000590000", "u01", "u01000590000", "u001000590000",
                "u-1", "u+1", "u+1000590000", "u1000590000+", "u-1000590000", "u4294967295", "u4294967296",
                "u18446744073709551617", "u0", "u00", "u", "1", "1000590000", "u1000590000\xc3\xa9",
                "\xc3\xa9u1000590000", "u1000590000\xff", "u1\xc0\xb1", "u\xd9\xa1", /* Arabic-Indic digit one */
                "u1,u2", "u1;", "u1*", "u1000590000.", "u1000590000@", "u1000590000\x7f", "u1000590000\x01",
                "u0x3ba2e690", "u1e9", "u1_", "_u1", "-u1", "u1-", "u1--0",
                /* subordinate spellings */
                "u1000590000-", "u1000590000-00", "u1000590000-01", "u1000590000-+0", "u1000590000--0",
                "u1000590000- 0", "u1000590000-0 ", "u1000590000-0\n", "u1000590000-0:", "U1000590000-0",
                "u01000590000-0", "u1000590000-65536", "u1000590000-4294967295", "u1000590000-4294967296",
                "u1000590000-18446744073709551616", "u1000590000-0-0", "u1-65536", "u1-131071", "-0", "u-0",
                "u0-0", "root-0", "containers-0", "u1000590000_0",
        };

        mt_write("nss_subid.conf", CONF_HOSTILE);
        /* Positive controls: the same module does answer the canonical names. */
        e = user_exp(1, name, sizeof(name));
        expect_user(&e);
        expect_group("u1", 1);
        e = user_exp(OCP_UID, name, sizeof(name));
        expect_user(&e);
        struct pw_exp s0 = { "u1000590000-0", 100000, 100000, SUB_GECOS, SUB_HOME, SUB_SHELL };
        struct pw_exp s1 = { "u1000590000-65535", 165535, 165535, SUB_GECOS, SUB_HOME, SUB_SHELL };
        struct pw_exp s2 = { "u1-0", 165536, 165536, SUB_GECOS, SUB_HOME, SUB_SHELL };
        struct pw_exp s3 = { "u1-65535", 231071, 231071, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s0);
        expect_user(&s1);
        expect_user(&s2);
        expect_user(&s3);

        for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
                expect_no_pwnam(hostile[i]);
                expect_no_grnam(hostile[i]);
        }
        /* Long names: 32 bytes (one past the limit), longer, 4096, 64 KiB. */
        {
                static char big[65537];
                const size_t lens[] = { 32, 33, 64, 255, 256, 4096, 65536 };
                for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
                        memset(big, '1', lens[i]);
                        big[0] = 'u';
                        big[lens[i]] = '\0';
                        expect_no_pwnam(big);
                        expect_no_grnam(big);
                        memset(big, 'a', lens[i]);
                        expect_no_pwnam(big);
                        /* a valid subordinate name padded with leading zeros of the offset */
                        snprintf(big, sizeof(big), "u1000590000-");
                        memset(big + 12, '0', lens[i] - 12);
                        big[lens[i] - 1] = '1';
                        big[lens[i]] = '\0';
                        expect_no_pwnam(big);
                }
                /* 31 bytes is the longest valid name: still not ours here. */
                memset(big, '9', 31);
                big[0] = 'u';
                big[31] = '\0';
                expect_no_pwnam(big);
        }
        /* NULL name (glibc never passes one; the module must not crash). */
        expect_no_pwnam(NULL);
        expect_no_grnam(NULL);

        /* Hostile IDs. */
        const uint32_t ids[] = { 0, 4294967295u, (uint32_t)(uid_t)-1, (uint32_t)(gid_t)-1, 4294967294u, 2, 99999,
                                 231072, OCP_UID - 1, OCP_UID + 1 };
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
                expect_no_uid(ids[i]);
                expect_no_gid(ids[i]);
        }
        /* Even with every UID covered, 0 and 4294967295 never are. */
        mt_write("nss_subid.conf", CONF_HUGE);
        expect_no_uid(0);
        expect_no_gid(0);
        expect_no_uid(4294967295u);
        expect_no_gid(4294967295u);
        expect_no_pwnam("u0");
        expect_no_pwnam("u4294967295");
        e = user_exp(4294967294u, name, sizeof(name));
        expect_user(&e);
        e = user_exp(2, name, sizeof(name));
        expect_user(&e);
        CHECK_DONE();
}

/* errno must be preserved whatever the outcome, whatever its value was. */
static void test_errno_preserved(void **state)
{
        (void)state;
        const int canaries[] = { 0, ERRNO_CANARY, EINTR, ERANGE, ENOENT, EAGAIN };
        struct passwd pw;
        struct group gr;
        char buf[BUFSZ];
        int err;

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        for (size_t c = 0; c < sizeof(canaries) / sizeof(canaries[0]); c++) {
                const int v = canaries[c];
                const size_t sizes[] = { sizeof(buf), 3 }; /* success/notfound, then ERANGE */
                for (size_t s = 0; s < 2; s++) {
                        size_t len = sizes[s];
#define PRESERVE(call)                                                                                 \
        do {                                                                                           \
                errno = v;                                                                             \
                (void)(call);                                                                          \
                CHECK(errno == v, "%s (size %zu): errno %d, was %d", #call, len, errno, v);            \
        } while (0)
                        PRESERVE(N.getpwuid_r(1000000003u, &pw, buf, len, &err));
                        PRESERVE(N.getpwuid_r(1000000010u, &pw, buf, len, &err));
                        PRESERVE(N.getpwuid_r(0, &pw, buf, len, &err));
                        PRESERVE(N.getpwuid_r(SLOT(3) + 1, &pw, buf, len, &err));
                        PRESERVE(N.getpwnam_r("u1000000003", &pw, buf, len, &err));
                        PRESERVE(N.getpwnam_r("u1000000003-1", &pw, buf, len, &err));
                        PRESERVE(N.getpwnam_r("nosuchuser", &pw, buf, len, &err));
                        PRESERVE(N.getpwnam_r("u1:", &pw, buf, len, &err));
                        PRESERVE(N.getpwnam_r("", &pw, buf, len, &err));
                        PRESERVE(N.getgrgid_r(1000000003u, &gr, buf, len, &err));
                        PRESERVE(N.getgrgid_r(1000000010u, &gr, buf, len, &err));
                        PRESERVE(N.getgrnam_r("u1000000003", &gr, buf, len, &err));
                        PRESERVE(N.getgrnam_r("nosuchgroup", &gr, buf, len, &err));
                        PRESERVE(N.setpwent(0));
                        PRESERVE(N.getpwent_r(&pw, buf, len, &err));
                        PRESERVE(N.getpwent_r(&pw, buf, len, &err));
                        PRESERVE(N.endpwent());
                        PRESERVE(N.setgrent(1));
                        PRESERVE(N.getgrent_r(&gr, buf, len, &err));
                        PRESERVE(N.endgrent());
#undef PRESERVE
                }
        }
        /* And when the configuration is unusable. */
        mt_write_mode("nss_subid.conf", CONF_EXPLICIT, 0664, 0, 0);
        errno = ERRNO_CANARY;
        (void)N.getpwuid_r(1000000003u, &pw, buf, sizeof(buf), &err);
        CHECK(errno == ERRNO_CANARY, "insecure config: errno %d", errno);
        errno = ERRNO_CANARY;
        (void)N.getpwnam_r("u1000000003", &pw, buf, sizeof(buf), &err);
        CHECK(errno == ERRNO_CANARY, "insecure config: errno %d", errno);
        CHECK_DONE();
}

/* ------------------------------------------- the files databases always win */

static void test_files_win(void **state)
{
        (void)state;
        char name[32];
        struct pw_exp e;

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        /* Synthesized name would be a real user's name (u1000000005 has UID 5005). */
        expect_no_uid(1000000005u);
        expect_no_pwnam("u1000000005");
        /* UID is a real user's (realuser). */
        expect_no_uid(1000000007u);
        expect_no_pwnam("u1000000007");
        /* Same for groups, against the fixture group file. */
        expect_no_gid(1000000006u);
        expect_no_grnam("u1000000006");
        expect_no_gid(1000000008u);
        expect_no_grnam("u1000000008");
        /* Each database is checked on its own: group 1000000005 and user 1000000006 exist. */
        expect_group("u1000000005", 1000000005u);
        e = user_exp(1000000006u, name, sizeof(name));
        expect_user(&e);
        /* Real names are never answered by the module. */
        const char *real[] = { "root", "containers", "nobody", "realuser", "poolreal", "u1000000003-7" };
        for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++)
                expect_no_pwnam(real[i]);
        const char *realg[] = { "root", "containers", "nogroup", "realgroup", "poolgroup", "u1000000003-8" };
        for (size_t i = 0; i < sizeof(realg) / sizeof(realg[0]); i++)
                expect_no_grnam(realg[i]);
        expect_no_uid(1001);
        expect_no_uid(65534);
        expect_no_gid(1001);

        /* Subordinate IDs: a pool UID that is a real user's UID is not in
         * the pool at all (never granted, never named); the names after it
         * count the granted IDs, as podman maps them ... */
        expect_no_uid(SLOT(2) + 5); /* poolreal */
        struct pw_exp s5 = { "u1000000002-5", SLOT(2) + 6, 65534, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s5);
        struct pw_exp s = { "u1000000002-4", SLOT(2) + 4, SLOT(2) + 4, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s);
        /* ... a subordinate name that is a real user's name ... */
        expect_no_uid(SLOT(3) + 7);
        expect_no_pwnam("u1000000003-7");
        /* ... and the same for groups. */
        expect_no_gid(SLOT(2) + 6); /* poolgroup */
        expect_group("u1000000002-6", SLOT(2) + 7);
        expect_no_gid(SLOT(3) + 8); /* group u1000000003-8 */
        expect_no_grnam("u1000000003-8");
        /* The subordinate user whose group does not exist gets the overflow
         * GID (s5 above); one whose group of the same name exists gets it. */
        struct pw_exp s6 = { "u1000000002-6", SLOT(2) + 7, SLOT(2) + 7, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s6);
        struct pw_exp s8 = { "u1000000003-8", SLOT(3) + 8, 65534, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s8);

        /* A new passwd line takes effect on the next lookup. */
        e = user_exp(1000000004u, name, sizeof(name));
        expect_user(&e);
        mt_write("passwd", "root:x:0:0:root:/root:/bin/bash\n"
                           "late:x:1000000004:0:added later:/:/bin/sh\n"
                           "u1000000001:x:77:0:named later:/:/bin/sh\n");
        expect_no_uid(1000000004u);
        expect_no_pwnam("u1000000004");
        expect_no_uid(1000000001u);
        expect_no_pwnam("u1000000001");
        e = user_exp(1000000005u, name, sizeof(name)); /* no longer shadowed */
        expect_user(&e);
        /* Without a passwd file at all nothing can collide. */
        mt_remove("passwd");
        e = user_exp(1000000007u, name, sizeof(name));
        expect_user(&e);
        CHECK_DONE();
}

/* ------------------------------------------------------------- enumeration */

static void enum_expect(const char *who, const char *pwname, uint32_t id)
{
        struct passwd pw;
        struct group gr;
        char buf[BUFSZ];
        int err;
        enum nss_status st;
        char ctx[96];

        for (int round = 0; round < 2; round++) {
                errno = ERRNO_CANARY;
                CHECK(N.setpwent(round) == NSS_STATUS_SUCCESS, "%s: setpwent", who);
                snprintf(ctx, sizeof(ctx), "%s: getpwent_r #1 round %d", who, round);
                if (pwname) {
                        /* ERANGE keeps the position: glibc retries with a larger buffer. */
                        err = 0;
                        st = N.getpwent_r(&pw, buf, 8, &err);
                        CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE, "%s: small buffer: status %d errno %d", ctx,
                              st, err);
                        struct pw_exp e = { pwname, id, SYN_GID, DEF_GECOS, DEF_HOME, DEF_SHELL };
                        st = N.getpwent_r(&pw, buf, sizeof(buf), &err);
                        check_pw(ctx, st, err, &pw, buf, sizeof(buf), &e);
                }
                for (int k = 0; k < 3; k++) {
                        st = N.getpwent_r(&pw, buf, sizeof(buf), &err);
                        snprintf(ctx, sizeof(ctx), "%s: getpwent_r after the end (%d)", who, k);
                        check_notfound(ctx, st, err);
                }
                CHECK(N.endpwent() == NSS_STATUS_SUCCESS, "%s: endpwent", who);

                CHECK(N.setgrent(round) == NSS_STATUS_SUCCESS, "%s: setgrent", who);
                snprintf(ctx, sizeof(ctx), "%s: getgrent_r #1 round %d", who, round);
                if (pwname) {
                        err = 0;
                        st = N.getgrent_r(&gr, buf, 4, &err);
                        CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE, "%s: small buffer: status %d errno %d", ctx,
                              st, err);
                        st = N.getgrent_r(&gr, buf, sizeof(buf), &err);
                        check_gr(ctx, st, err, &gr, buf, sizeof(buf), pwname, id);
                }
                for (int k = 0; k < 3; k++) {
                        st = N.getgrent_r(&gr, buf, sizeof(buf), &err);
                        snprintf(ctx, sizeof(ctx), "%s: getgrent_r after the end (%d)", who, k);
                        check_notfound(ctx, st, err);
                }
                CHECK(N.endgrent() == NSS_STATUS_SUCCESS, "%s: endgrent", who);
                CHECK(errno == ERRNO_CANARY, "%s: enumeration changed errno to %d", who, errno);
        }
}

static void child_enum_one(void *arg)
{
        (void)arg;
        enum_expect("UID 1000590000", "u1000590000", OCP_UID);
}

static void child_enum_none(void *arg)
{
        (void)arg;
        enum_expect("UID 1000590000 (not covered)", NULL, 0);
}

static void test_enumeration(void **state)
{
        (void)state;
        char name[32];
        struct pw_exp e;

        /* Billions of covered UIDs: still at most one entry, never a loop over the range. */
        mt_write("nss_subid.conf", CONF_HUGE);
        e = user_exp(5, name, sizeof(name)); /* the range is in force */
        expect_user(&e);
        enum_expect("root", NULL, 0); /* root is never covered */
        mt_run_as(OCP_UID, 0, child_enum_one, NULL);
        mt_write("nss_subid.conf", "users self\nusers 1-999999999\nusers 1000590001-4294967294\n");
        mt_run_as(OCP_UID, 0, child_enum_one, NULL);
        enum_expect("root", NULL, 0);
        /* Defaults (no file): self. */
        mt_remove("nss_subid.conf");
        mt_run_as(OCP_UID, 0, child_enum_one, NULL);
        /* A range that does not cover the caller. */
        mt_write("nss_subid.conf", CONF_EXPLICIT);
        mt_run_as(OCP_UID, 0, child_enum_none, NULL);
        enum_expect("root", NULL, 0);
        CHECK_DONE();
}

/* ------------------------------------------------------- subordinate IDs */

static void child_subordinate_defaults(void *arg)
{
        (void)arg;
        struct pw_exp s0 = { "u1000590000-0", OCP_POOL, OCP_POOL, SUB_GECOS, SUB_HOME, SUB_SHELL };
        struct pw_exp s21 = { "u1000590000-21", OCP_POOL + 21, OCP_POOL + 21, SUB_GECOS, SUB_HOME, SUB_SHELL };
        struct pw_exp slast = { "u1000590000-65535", OCP_POOL + 65535, OCP_POOL + 65535, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s0);
        expect_user(&s21);
        expect_user(&slast);
        expect_group("u1000590000-0", OCP_POOL);
        expect_group("u1000590000-21", OCP_POOL + 21);
        expect_group("u1000590000-65535", OCP_POOL + 65535);
        expect_no_uid(OCP_POOL + 65536);
        expect_no_gid(OCP_POOL + 65536);
        expect_no_uid(OCP_POOL - 1);
        expect_no_gid(OCP_POOL - 1);
        expect_no_pwnam("u1000590000-65536");
        /* The owner itself is still there. */
        char name[32];
        struct pw_exp e = user_exp(OCP_UID, name, sizeof(name));
        expect_user(&e);
}

static void child_subordinate_files(void *arg)
{
        uint32_t gid = *(const uint32_t *)arg;
        struct pw_exp c = { "containers-22", 200022, gid, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&c);
        struct pw_exp c0 = { "containers-0", 200000, gid == 65534 ? 65534 : 200000, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&c0);
        expect_no_uid(265536);
        expect_no_uid(199999);
        if (gid != 65534) {
                expect_group("containers-22", 200022);
        } else {
                expect_no_gid(200022);
                expect_no_grnam("containers-22");
        }
        /* The pool entries are unaffected. */
        struct pw_exp s21 = { "u1000590000-21", OCP_POOL + 21, OCP_POOL + 21, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s21);
}

static void child_no_subid_names(void *arg)
{
        (void)arg;
        char name[32];
        struct pw_exp e = user_exp(OCP_UID, name, sizeof(name));
        expect_user(&e);
        expect_no_uid(OCP_POOL);
        expect_no_gid(OCP_POOL);
        expect_no_pwnam("u1000590000-0");
        expect_no_grnam("u1000590000-0");
        expect_no_uid(200022);
        expect_no_pwnam("containers-22");
}

static void test_subordinate(void **state)
{
        (void)state;
        uint32_t gid;

        /* Default pool, as the OpenShift UID. */
        mt_run_as(OCP_UID, 0, child_subordinate_defaults, NULL);
        /* root has no pool slot. */
        expect_no_uid(OCP_POOL);
        expect_no_pwnam("u1000590000-0");

        /* A files owner, with a matching subgid line: the user's group is its own. */
        mt_write("subuid", "containers:200000:65536\n");
        mt_write("subgid", "containers:200000:65536\n");
        gid = 200022;
        mt_run_as(OCP_UID, 0, child_subordinate_files, &gid);
        struct pw_exp c = { "containers-22", 200022, 200022, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&c); /* root sees files owners too */
        expect_group("containers-22", 200022);
        /* Without subgid: no such group, overflow GID. */
        mt_remove("subgid");
        gid = 65534;
        mt_run_as(OCP_UID, 0, child_subordinate_files, &gid);

        /* subuid and subgid name different owners: the user's group is not
         * its own, so the user gets the overflow GID. */
        mt_write("subgid", "other:200000:65536\n");
        struct pw_exp c2 = { "containers-22", 200022, 65534, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&c2);
        expect_group("other-22", 200022);
        expect_no_grnam("containers-22");
        mt_remove("subgid");

        /* subid-names no: no subordinate entities at all. */
        mt_write("nss_subid.conf", "subid-names no\n");
        mt_run_as(OCP_UID, 0, child_no_subid_names, NULL);

        /* Pool slot 0 and a files line cover 200000-265535: the pool gives the
         * line's IDs up (never another owner's subordinate IDs), so they are
         * the files owner's alone and named after it; slot 0 keeps nothing. */
        mt_write("nss_subid.conf", CONF_EXPLICIT);
        mt_write("subgid", "containers:200000:65536\n");
        mt_write("subuid", "containers:200000:65536\n");
        struct pw_exp cf = { "containers-22", 200022, 200022, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&cf);
        expect_group("containers-22", 200022);
        expect_no_pwnam("u1000000000-22");
        expect_no_grnam("u1000000000-22");
        mt_remove("subuid");
        struct pw_exp s = { "u1000000001-34464", 300000, 300000, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s);
        /* The pool ends after slot 9. */
        struct pw_exp last = { "u1000000009-65535", SLOT(10) - 1, SLOT(10) - 1, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&last);
        expect_no_uid(SLOT(10));
        expect_no_pwnam("u1000000010-0");
        CHECK_DONE();
}

/* ---------------------------------------------- unusable configuration */

static void child_self_found(void *arg)
{
        (void)arg;
        char name[32];
        struct pw_exp e = user_exp(OCP_UID, name, sizeof(name));
        expect_user(&e);
        struct pw_exp s0 = { "u1000590000-0", OCP_POOL, OCP_POOL, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s0);
}

static void child_nothing(void *arg)
{
        (void)arg;
        /* Not even the defaults: a broken file never falls back to them. */
        expect_nothing_for(OCP_UID);
        expect_no_uid(OCP_POOL);
        expect_no_pwnam("u1000590000-0");
        struct passwd pw;
        char buf[BUFSZ];
        int err;
        enum nss_status st;
        N.setpwent(0);
        st = N.getpwent_r(&pw, buf, sizeof(buf), &err);
        check_notfound("getpwent_r with unusable config", st, err);
        N.endpwent();
}

static void expect_explicit_works(const char *ctx)
{
        char name[32];
        struct pw_exp e = user_exp(1000000003u, name, sizeof(name));
        unsigned long before = __atomic_load_n(&mt_failures, __ATOMIC_RELAXED);
        expect_user(&e);
        expect_group("u1000000003", 1000000003u);
        struct pw_exp s = { "u1000000003-9", SLOT(3) + 9, SLOT(3) + 9, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&s);
        if (__atomic_load_n(&mt_failures, __ATOMIC_RELAXED) != before)
                fprintf(stderr, "    ^ with config %s\n", ctx);
}

static void expect_explicit_nothing(const char *ctx)
{
        unsigned long before = __atomic_load_n(&mt_failures, __ATOMIC_RELAXED);
        expect_nothing_for(1000000003u);
        expect_no_uid(SLOT(3) + 9);
        expect_no_gid(SLOT(3) + 9);
        expect_no_pwnam("u1000000003-9");
        if (__atomic_load_n(&mt_failures, __ATOMIC_RELAXED) != before)
                fprintf(stderr, "    ^ with config %s\n", ctx);
}

static void test_config_unusable(void **state)
{
        (void)state;

        for (enum variant v = 0; v < V__MAX; v++) {
                /* Explicit ranges, asked by root. */
                apply_variant("nss_subid.conf", CONF_EXPLICIT, v);
                if (variant_trusted(v))
                        expect_explicit_works(variant_name[v]);
                else
                        expect_explicit_nothing(variant_name[v]);
                /* `users self`, asked by the OpenShift UID: an unusable file
                 * must not fall back to the defaults either. */
                apply_variant("nss_subid.conf", "users self\nsubids pool 100000 65536\n", v);
                mt_run_as(OCP_UID, 0, variant_trusted(v) ? child_self_found : child_nothing, NULL);
                /* Back to a good file: revalidation picks it up at once. */
                mt_write("nss_subid.conf", CONF_EXPLICIT);
                expect_explicit_works("restored");
        }

        /* Readable by root only: the OpenShift UID cannot read it and gets
         * nothing (not the defaults); root uses it.  The child runs first: a
         * process keeps using a snapshot it already has (the parent's, after
         * fork) as long as the file is unchanged, which is fine. */
        mt_write_mode("nss_subid.conf", "users self\nusers 1000000000-1000000009\nsubids pool 200000 65536\n", 0600,
                      0, 0);
        mt_run_as(OCP_UID, 0, child_nothing, NULL);
        expect_explicit_works("0600");

        /* Invalid contents. */
        static char big[70000];
        memset(big, '#', sizeof(big) - 1);
        for (size_t i = 100; i < sizeof(big) - 1; i += 100)
                big[i] = '\n';
        memcpy(big, "users 1000000000-1000000009\nsubids pool 200000 65536\n", 53);
        big[sizeof(big) - 1] = '\0';
        static char longline[1200];
        memset(longline, ' ', sizeof(longline) - 1);
        memcpy(longline, "users 1000000000-1000000009\nsubids pool 200000 65536\n#", 54);
        longline[sizeof(longline) - 1] = '\0';
        const char *bad[] = {
                "users 1000000000-1000000009\nsubids pool 200000 65536\nbogus directive\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nUsers self\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536 # trailing comment\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nusers 0-5\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nusers 5-4294967295\n",
                "users 1000000000-1000000009\nsubids pool 0 65536\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nsubids none\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\ngid 1\ngid 2\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\ngid 4294967295\n",
                /* a fixed primary GID (gid 0 gave newgrp/sg group root) is refused */
                "users 1000000000-1000000009\nsubids pool 200000 65536\ngid 0\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nname U%u\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nname u1%u\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nname u-%u\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nhome tmp\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\ngecos a:b\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\ngecos caf\xc3\xa9\n",
                "users 1000000000-1000000009\nusers 1000000005-1000000020\nsubids pool 200000 65536\n",
                "users 01000000000-1000000009\nsubids pool 200000 65536\n",
                "users 1000000000-1000000009\nsubids pool 4294901760 65536\n", /* does not fit */
                "users 1000000000-1000000009\nsubids pool 999999999 65536\n",  /* overlaps users */
                big,
                longline,
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char ctx[40];
                snprintf(ctx, sizeof(ctx), "invalid #%zu", i);
                mt_write("nss_subid.conf", bad[i]);
                expect_explicit_nothing(ctx);
        }
        /* A NUL byte. */
        static const char nul[] = "users 1000000000-1000000009\nsubids pool 200000 65536\n\0\n";
        mt_write_raw("nss_subid.conf", nul, sizeof(nul) - 1, 0644, 0, 0);
        expect_explicit_nothing("NUL byte");
        mt_write("nss_subid.conf", "users self\nbogus\n");
        mt_run_as(OCP_UID, 0, child_nothing, NULL);
        /* Control: an empty file is the defaults (only self). */
        mt_write("nss_subid.conf", "");
        mt_run_as(OCP_UID, 0, child_self_found, NULL);
        CHECK_DONE();
}

/* /etc/subuid and /etc/subgid grant privileges too. */
static void test_subid_files_unusable(void **state)
{
        (void)state;
        for (enum variant v = 0; v < V__MAX; v++) {
                unsigned long before = __atomic_load_n(&mt_failures, __ATOMIC_RELAXED);
                apply_variant("subuid", "containers:200000:65536\n", v);
                apply_variant("subgid", "containers:200000:65536\n", v);
                if (variant_trusted(v)) {
                        struct pw_exp c = { "containers-22", 200022, 200022, SUB_GECOS, SUB_HOME, SUB_SHELL };
                        expect_user(&c);
                        expect_group("containers-22", 200022);
                } else {
                        expect_no_uid(200022);
                        expect_no_gid(200022);
                        expect_no_pwnam("containers-22");
                        expect_no_grnam("containers-22");
                }
                if (__atomic_load_n(&mt_failures, __ATOMIC_RELAXED) != before)
                        fprintf(stderr, "    ^ with subuid/subgid %s\n", variant_name[v]);
                mt_remove("subuid");
                mt_remove("subgid");
        }
        /* Malformed lines are skipped, the good one is used. */
        mt_write("subuid", "containers:abc:10\n"
                           "containers:0:70000\n"
                           "containers:200000\n"
                           "containers:200000:65536:1\n"
                           ":200000:65536\n"
                           "containers:4294967200:1000\n"
                           "containers:+200000:65536\n"
                           "containers:0200000:65536\n"
                           "containers:200000:65536\n");
        struct pw_exp c = { "containers-22", 200022, 65534, SUB_GECOS, SUB_HOME, SUB_SHELL };
        expect_user(&c);
        CHECK_DONE();
}

/* ------------------------------------------------------------ thread stress */

#define STRESS_THREADS 64
#define STRESS_LOOKUPS 2000
#define STRESS_USERS 100u /* users 1000000000-1000000099 */

struct cfg_variant {
        const char *text;
        const char *gecos, *home, *shell;
};

static const struct cfg_variant stress_cfg[2] = {
        { "users 1000000000-1000000099\nsubids pool 200000 65536\ngecos config A\nhome /home/a\nshell /bin/sh\n",
          "config A", "/home/a", "/bin/sh" },
        { "# the second configuration\n"
          "users 1000000000-1000000099\nsubids pool 200000 65536\n"
          "gecos the B configuration, somewhat longer\nhome /srv/b\nshell /usr/bin/bash\n",
          "the B configuration, somewhat longer", "/srv/b", "/usr/bin/bash" },
};

struct stress_arg {
        unsigned idx;
        uint64_t seed;
        unsigned lookups;
        bool two_configs; /* results may come from either variant */
        unsigned long done, seen[2];
};

/* A plain mutex rather than an atomic flag, so helgrind/drd understand it. */
static pthread_mutex_t stress_lock = PTHREAD_MUTEX_INITIALIZER;
static bool stress_stop;

static bool stress_stopped(void)
{
        pthread_mutex_lock(&stress_lock);
        bool s = stress_stop;
        pthread_mutex_unlock(&stress_lock);
        return s;
}

static void stress_set_stop(bool v)
{
        pthread_mutex_lock(&stress_lock);
        stress_stop = v;
        pthread_mutex_unlock(&stress_lock);
}

/* Which variant produced this entry?  -1: a mix of both, or neither. */
static int pw_variant(const struct passwd *pw, bool two)
{
        for (int v = 0; v < (two ? 2 : 1); v++)
                if (strcmp(pw->pw_gecos, stress_cfg[v].gecos) == 0 &&
                    strcmp(pw->pw_dir, stress_cfg[v].home) == 0 && strcmp(pw->pw_shell, stress_cfg[v].shell) == 0)
                        return v;
        return -1;
}

static uint32_t stress_hit(uint64_t *rs)
{
        for (;;) {
                uint32_t u = 1000000000u + (uint32_t)(mt_rand(rs) % STRESS_USERS);
                if (u != 1000000005u && u != 1000000007u && u != 1000000006u && u != 1000000008u)
                        return u;
        }
}

static void *stress_thread(void *p)
{
        struct stress_arg *a = p;
        uint64_t rs = a->seed;
        char buf[1024], name[64];
        struct passwd pw;
        struct group gr;
        int err;
        enum nss_status st;

        for (unsigned i = 0; i < a->lookups; i++) {
                unsigned op = (unsigned)(mt_rand(&rs) % 9);
                uint32_t u = stress_hit(&rs), id;
                int v;

                errno = ERRNO_CANARY + (int)a->idx;
                err = -1;
                switch (op) {
                case 0: /* getpwuid_r hit */
                case 1: /* getpwnam_r hit */
                        if (op == 0) {
                                st = N.getpwuid_r(u, &pw, buf, sizeof(buf), &err);
                        } else {
                                snprintf(name, sizeof(name), "u%u", u);
                                st = N.getpwnam_r(name, &pw, buf, sizeof(buf), &err);
                        }
                        CHECK(st == NSS_STATUS_SUCCESS, "thread %u op %u uid %u: status %d errno %d", a->idx, op, u,
                              st, err);
                        if (st != NSS_STATUS_SUCCESS)
                                break;
                        snprintf(name, sizeof(name), "u%u", u);
                        CHECK(pw_in_buf(&pw, buf, sizeof(buf)) && pw.pw_uid == u && strcmp(pw.pw_name, name) == 0 &&
                                      strcmp(pw.pw_passwd, "x") == 0,
                              "thread %u op %u uid %u: wrong entry", a->idx, op, u);
                        v = pw_variant(&pw, a->two_configs);
                        CHECK(v >= 0, "thread %u op %u uid %u: torn or wrong entry gid %u gecos '%s' dir '%s' shell '%s'",
                              a->idx, op, u, (unsigned)pw.pw_gid, pw.pw_gecos, pw.pw_dir, pw.pw_shell);
                        if (v >= 0)
                                a->seen[v]++;
                        break;
                case 2: /* getpwuid_r misses */
                {
                        static const uint32_t miss[] = { 0, 999999999u, 1000000005u, 1000000007u, 4294967295u, 1001,
                                                         65534, 199999 };
                        id = (mt_rand(&rs) & 1) ? miss[mt_rand(&rs) % (sizeof(miss) / sizeof(miss[0]))]
                                                : 1000000100u + (uint32_t)(mt_rand(&rs) % 100000);
                        st = N.getpwuid_r(id, &pw, buf, sizeof(buf), &err);
                        CHECK(st == NSS_STATUS_NOTFOUND && err == ENOENT, "thread %u: getpwuid_r(%u) status %d errno %d",
                              a->idx, id, st, err);
                        break;
                }
                case 3: /* getpwnam_r misses */
                {
                        static const char *const miss[] = { "u1000000100", "u01000000001", "u1000000005", "root",
                                                            "nosuch",      "u1000000001:", "",           "u-1",
                                                            "u1000000003-65536" };
                        const char *n = miss[mt_rand(&rs) % (sizeof(miss) / sizeof(miss[0]))];
                        st = N.getpwnam_r(n, &pw, buf, sizeof(buf), &err);
                        CHECK(st == NSS_STATUS_NOTFOUND && err == ENOENT, "thread %u: getpwnam_r(%s) status %d errno %d",
                              a->idx, n, st, err);
                        break;
                }
                case 4: /* getgrgid_r / getgrnam_r hit */
                        if (mt_rand(&rs) & 1) {
                                st = N.getgrgid_r(u, &gr, buf, sizeof(buf), &err);
                        } else {
                                snprintf(name, sizeof(name), "u%u", u);
                                st = N.getgrnam_r(name, &gr, buf, sizeof(buf), &err);
                        }
                        snprintf(name, sizeof(name), "u%u", u);
                        CHECK(st == NSS_STATUS_SUCCESS && gr_in_buf(&gr, buf, sizeof(buf)) && gr.gr_gid == u &&
                                      strcmp(gr.gr_name, name) == 0,
                              "thread %u: group %u: status %d errno %d", a->idx, u, st, err);
                        break;
                case 5: /* small buffers */
                {
                        size_t len = (size_t)(mt_rand(&rs) % 12);
                        size_t off = (size_t)(mt_rand(&rs) % 8);
                        if (mt_rand(&rs) & 1)
                                st = N.getpwuid_r(u, &pw, buf + off, len, &err);
                        else
                                st = N.getgrgid_r(u, &gr, buf + off, len, &err);
                        CHECK(st == NSS_STATUS_TRYAGAIN && err == ERANGE, "thread %u: %u in %zu bytes: status %d errno %d",
                              a->idx, u, len, st, err);
                        break;
                }
                case 6: /* subordinate by UID */
                case 7: /* subordinate by name */
                {
                        uint32_t slot = u - 1000000000u, off = (uint32_t)(mt_rand(&rs) % 65536);
                        char want[64];
                        if (slot == 2) { /* poolreal (and poolgroup) are cut out of slot 2: names shift there */
                                slot = 4;
                                u = 1000000004u;
                        }
                        if (slot == 3 && off == 7)
                                off = 6; /* so is the name u1000000003-7 */
                        id = POOL_BASE + slot * POOL_COUNT + off;
                        snprintf(want, sizeof(want), "u%u-%u", u, off);
                        if (op == 6)
                                st = N.getpwuid_r(id, &pw, buf, sizeof(buf), &err);
                        else
                                st = N.getpwnam_r(want, &pw, buf, sizeof(buf), &err);
                        CHECK(st == NSS_STATUS_SUCCESS && pw_in_buf(&pw, buf, sizeof(buf)) && pw.pw_uid == id &&
                                      strcmp(pw.pw_name, want) == 0 && strcmp(pw.pw_shell, SUB_SHELL) == 0,
                              "thread %u: subordinate %u (%s): status %d errno %d", a->idx, id, want, st, err);
                        break;
                }
                default: /* subordinate group */
                {
                        uint32_t slot = u - 1000000000u, off = (uint32_t)(mt_rand(&rs) % 65536);
                        char want[64];
                        if (slot == 2) { /* poolgroup is cut out of slot 2 */
                                slot = 4;
                                u = 1000000004u;
                        }
                        if (slot == 3 && off == 8)
                                off = 9;
                        id = POOL_BASE + slot * POOL_COUNT + off;
                        snprintf(want, sizeof(want), "u%u-%u", u, off);
                        st = N.getgrgid_r(id, &gr, buf, sizeof(buf), &err);
                        CHECK(st == NSS_STATUS_SUCCESS && gr_in_buf(&gr, buf, sizeof(buf)) && gr.gr_gid == id &&
                                      strcmp(gr.gr_name, want) == 0,
                              "thread %u: subordinate group %u: status %d errno %d", a->idx, id, st, err);
                        break;
                }
                }
                CHECK(errno == ERRNO_CANARY + (int)a->idx, "thread %u op %u: errno %d", a->idx, op, errno);
                a->done++;
        }
        return NULL;
}

static void *rewriter_thread(void *p)
{
        unsigned long *writes = p;
        unsigned k = 0;
        while (!stress_stopped()) {
                k ^= 1;
                mt_write("nss_subid.conf", stress_cfg[k].text);
                (*writes)++;
                /* Let readers see each version for a moment. */
                struct timespec ts = { 0, 200 * 1000 };
                nanosleep(&ts, NULL);
        }
        /* End on variant B, so the last one written is known. */
        mt_write("nss_subid.conf", stress_cfg[1].text);
        (*writes)++;
        return NULL;
}

static void run_stress(bool rewrite)
{
        unsigned nthreads = STRESS_THREADS;
        pthread_t th[STRESS_THREADS], wr;
        struct stress_arg args[STRESS_THREADS];
        unsigned long writes = 0, total = 0, seen[2] = { 0, 0 };

        mt_write("nss_subid.conf", stress_cfg[0].text);
        stress_set_stop(false);
        if (rewrite)
                assert_int_equal(pthread_create(&wr, NULL, rewriter_thread, &writes), 0);
        for (unsigned i = 0; i < nthreads; i++) {
                args[i] = (struct stress_arg){ .idx = i, .seed = 0x9E3779B97F4A7C15ull * (i + 1) + (rewrite ? 7 : 0),
                                               .lookups = STRESS_LOOKUPS, .two_configs = rewrite };
                assert_int_equal(pthread_create(&th[i], NULL, stress_thread, &args[i]), 0);
        }
        for (unsigned i = 0; i < nthreads; i++) {
                assert_int_equal(pthread_join(th[i], NULL), 0);
                total += args[i].done;
                seen[0] += args[i].seen[0];
                seen[1] += args[i].seen[1];
        }
        if (rewrite) {
                stress_set_stop(true);
                assert_int_equal(pthread_join(wr, NULL), 0);
        }
        CHECK(total == (unsigned long)nthreads * STRESS_LOOKUPS, "only %lu lookups done", total);
        fprintf(stderr, "    %u threads, %lu lookups; config rewrites: %lu; entries from A: %lu, from B: %lu\n",
                nthreads, total, writes, seen[0], seen[1]);
        if (rewrite) {
                CHECK(writes >= 2, "the config was rewritten only %lu times", writes);
                /* After the last rename, every lookup sees the last version. */
                for (uint32_t u = 1000000000u; u < 1000000000u + STRESS_USERS; u++) {
                        struct passwd pw;
                        char buf[1024];
                        int err;
                        if (u == 1000000005u || u == 1000000007u)
                                continue;
                        enum nss_status st = N.getpwuid_r(u, &pw, buf, sizeof(buf), &err);
                        CHECK(st == NSS_STATUS_SUCCESS && pw_variant(&pw, true) == 1,
                              "after the rewrites, uid %u: status %d, variant %d (want B, the last written)", u, st,
                              st == NSS_STATUS_SUCCESS ? pw_variant(&pw, true) : -2);
                }
        }
}

static void test_threads(void **state)
{
        (void)state;
        run_stress(false);
        CHECK_DONE();
}

static void test_threads_config_rewrite(void **state)
{
        (void)state;
        run_stress(true);
        CHECK_DONE();
}

/*
 * Enumeration from many threads at once, as a caller the module covers (the
 * default `users self`): the module keeps one position per database under a
 * mutex (glibc serializes its own callers, but nothing stops a direct
 * caller), and lookups run meanwhile.  Every answer is the caller's own
 * entry or the end; the ThreadSanitizer build (tests/run.sh) runs this too.
 */
#define ENUM_THREADS 32
#define ENUM_ROUNDS 400

struct enum_arg {
        unsigned idx;
        uint64_t seed;
        unsigned long entries;
};

static void *enum_thread(void *p)
{
        struct enum_arg *a = p;
        uint64_t rs = a->seed;
        char buf[BUFSZ];
        struct passwd pw;
        struct group gr;
        int err;
        enum nss_status st;

        for (unsigned i = 0; i < ENUM_ROUNDS; i++) {
                unsigned op = (unsigned)(mt_rand(&rs) % 7);
                errno = ERRNO_CANARY + (int)a->idx;
                err = -1;
                switch (op) {
                case 0:
                        CHECK(N.setpwent(0) == NSS_STATUS_SUCCESS, "thread %u: setpwent", a->idx);
                        break;
                case 1:
                        CHECK(N.endpwent() == NSS_STATUS_SUCCESS, "thread %u: endpwent", a->idx);
                        break;
                case 2:
                        st = N.getpwent_r(&pw, buf, sizeof(buf), &err);
                        CHECK((st == NSS_STATUS_NOTFOUND && err == ENOENT) ||
                                      (st == NSS_STATUS_SUCCESS && pw_in_buf(&pw, buf, sizeof(buf)) &&
                                       pw.pw_uid == OCP_UID && strcmp(pw.pw_name, "u1000590000") == 0),
                              "thread %u: getpwent_r: status %d errno %d", a->idx, st, err);
                        a->entries += st == NSS_STATUS_SUCCESS;
                        break;
                case 3:
                        CHECK(N.setgrent(0) == NSS_STATUS_SUCCESS && N.endgrent() == NSS_STATUS_SUCCESS,
                              "thread %u: setgrent/endgrent", a->idx);
                        break;
                case 4:
                        st = N.getgrent_r(&gr, buf, sizeof(buf), &err);
                        CHECK((st == NSS_STATUS_NOTFOUND && err == ENOENT) ||
                                      (st == NSS_STATUS_SUCCESS && gr_in_buf(&gr, buf, sizeof(buf)) &&
                                       gr.gr_gid == OCP_UID && strcmp(gr.gr_name, "u1000590000") == 0),
                              "thread %u: getgrent_r: status %d errno %d", a->idx, st, err);
                        a->entries += st == NSS_STATUS_SUCCESS;
                        break;
                case 5: /* ERANGE keeps the position */
                        st = N.getpwent_r(&pw, buf, 5, &err);
                        CHECK((st == NSS_STATUS_NOTFOUND && err == ENOENT) ||
                                      (st == NSS_STATUS_TRYAGAIN && err == ERANGE),
                              "thread %u: getpwent_r in 5 bytes: status %d errno %d", a->idx, st, err);
                        break;
                default:
                        st = N.getpwuid_r(OCP_UID, &pw, buf, sizeof(buf), &err);
                        CHECK(st == NSS_STATUS_SUCCESS && pw_in_buf(&pw, buf, sizeof(buf)) &&
                                      strcmp(pw.pw_name, "u1000590000") == 0,
                              "thread %u: getpwuid_r(own): status %d errno %d", a->idx, st, err);
                        break;
                }
                CHECK(errno == ERRNO_CANARY + (int)a->idx, "thread %u op %u: errno %d", a->idx, op, errno);
        }
        return NULL;
}

static void child_enum_threads(void *arg)
{
        (void)arg;
        pthread_t th[ENUM_THREADS];
        struct enum_arg args[ENUM_THREADS];
        unsigned long entries = 0;

        for (unsigned i = 0; i < ENUM_THREADS; i++) {
                args[i] = (struct enum_arg){ .idx = i, .seed = 0xD1B54A32D192ED03ull * (i + 1) };
                CHECK(pthread_create(&th[i], NULL, enum_thread, &args[i]) == 0, "pthread_create");
        }
        for (unsigned i = 0; i < ENUM_THREADS; i++) {
                CHECK(pthread_join(th[i], NULL) == 0, "pthread_join");
                entries += args[i].entries;
        }
        fprintf(stderr, "    %u threads, %u operations each; entries returned: %lu\n", ENUM_THREADS, ENUM_ROUNDS,
                entries);
        CHECK(entries > 0, "no thread ever saw the caller's own entry");
        /* Alone again: exactly one entry after a reset. */
        enum_expect("UID 1000590000 after the threads", "u1000590000", OCP_UID);
}

static void test_threads_enumeration(void **state)
{
        (void)state;
        mt_run_as(OCP_UID, 0, child_enum_threads, NULL);
        CHECK_DONE();
}

/* --------------------------------------------------------------------- main */

static int group_setup(void **state)
{
        (void)state;
        mt_fixture_init();
        N.h = mt_dlopen("NSS_SUBID_TEST_NSS");
        MT_SYM(N.h, N.getpwuid_r, "_nss_subid_getpwuid_r");
        MT_SYM(N.h, N.getpwnam_r, "_nss_subid_getpwnam_r");
        MT_SYM(N.h, N.setpwent, "_nss_subid_setpwent");
        MT_SYM(N.h, N.getpwent_r, "_nss_subid_getpwent_r");
        MT_SYM(N.h, N.endpwent, "_nss_subid_endpwent");
        MT_SYM(N.h, N.getgrgid_r, "_nss_subid_getgrgid_r");
        MT_SYM(N.h, N.getgrnam_r, "_nss_subid_getgrnam_r");
        MT_SYM(N.h, N.setgrent, "_nss_subid_setgrent");
        MT_SYM(N.h, N.getgrent_r, "_nss_subid_getgrent_r");
        MT_SYM(N.h, N.endgrent, "_nss_subid_endgrent");
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        /* No dlclose(): glibc never unloads an NSS module while the process
         * runs, and the module's caches live in its own data segment. */
        mt_fixture_done();
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup(test_exported_symbols, reset),
                cmocka_unit_test_setup(test_explicit_users, reset),
                cmocka_unit_test_setup(test_custom_fields, reset),
                cmocka_unit_test_setup(test_defaults_self, reset),
                cmocka_unit_test_setup(test_erange, reset),
                cmocka_unit_test_setup(test_hostile_names, reset),
                cmocka_unit_test_setup(test_errno_preserved, reset),
                cmocka_unit_test_setup(test_files_win, reset),
                cmocka_unit_test_setup(test_enumeration, reset),
                cmocka_unit_test_setup(test_subordinate, reset),
                cmocka_unit_test_setup(test_config_unusable, reset),
                cmocka_unit_test_setup(test_subid_files_unusable, reset),
                cmocka_unit_test_setup(test_threads, reset),
                cmocka_unit_test_setup(test_threads_config_rewrite, reset),
                cmocka_unit_test_setup(test_threads_enumeration, reset),
        };
        int rc;

        mt_require_root("test_nss");
        mt_require_initial_userns("test_nss");
        rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
        fprintf(stderr, "[ checks ] %lu checks evaluated\n", mt_checks);
        return rc;
}
