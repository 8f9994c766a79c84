/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libnss_testdir.so.2: a stand-in for a directory service (sssd, LDAP) in
 * the NSS chain, for test_nss_chain.sh (compiled there with cc -shared
 * -fPIC).  Never installed.
 *
 *   passwd  diruser:x:61200:61200:Directory User:/home/diruser:/bin/sh
 *           dirpod:x:1000010000:0:Directory pod user:/tmp:/bin/sh
 *           dirprobe:x:61299:61299:<inner results>:/:/bin/sh
 *   group   dirgroup:x:61300:diruser
 *
 * Like modules that resolve users themselves (a library they use looks up
 * the caller's home, a helper's owner, ...), every lookup also calls
 * getpwuid_r() and getgrgid_r() for PROBE_ID through glibc, which goes
 * through the whole chain again, nss_subid included.  A thread-local depth
 * keeps this module from doing so from inside its own inner lookups (it
 * would recurse forever through glibc on its own otherwise); nothing keeps
 * nss_subid from recursing but nss_subid.
 *
 * dirprobe's GECOS is the result of those inner lookups, made at the time
 * of the getpwnam("dirprobe") call: "pw61201=NAME gr61201=NAME" ("-" when
 * not found).
 *
 * With TESTDIR_TRACE=FILE in the environment (secure_getenv: never in a
 * set-user-ID process), each call appends one line to FILE:
 *
 *   <pid> <caller object> <function>(<key>) depth=<n> <found|notfound> [pw61201=NAME gr61201=NAME]
 *
 * where <caller object> is the base name of the shared object that called
 * the entry point (libc.so.6 when glibc did, libnss_subid.so.2 when
 * nss_subid asked the directory itself), and the inner results are given
 * for calls that made the inner lookups.
 *
 * -DTESTDIR_CTOR_LOOKUP adds a constructor that looks up PROBE_ID through
 * glibc when the module is loaded (as a module whose library initialises
 * itself by resolving a user would).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define PROBE_ID 61201

struct user {
        const char *name;
        uid_t uid;
        gid_t gid;
        const char *gecos, *dir, *shell;
};

static const struct user users[] = {
        { "diruser", 61200, 61200, "Directory User", "/home/diruser", "/bin/sh" },
        { "dirpod", 1000010000, 0, "Directory pod user", "/tmp", "/bin/sh" },
        { "dirprobe", 61299, 61299, NULL, "/", "/bin/sh" }, /* GECOS: the inner results */
};

static const struct {
        const char *name;
        gid_t gid;
        const char *mem;
} groups[] = {
        { "dirgroup", 61300, "diruser" },
};

static __thread unsigned depth;
static __thread char inner[128];

/* The inner lookups, through glibc (and so through the whole chain). */
static void inner_lookups(void)
{
        struct passwd pw, *pr = NULL;
        struct group gr, *gres = NULL;
        char buf[4096];
        char pn[64] = "-", gn[64] = "-";

        if (getpwuid_r(PROBE_ID, &pw, buf, sizeof(buf), &pr) == 0 && pr)
                snprintf(pn, sizeof(pn), "%s", pr->pw_name);
        if (getgrgid_r(PROBE_ID, &gr, buf, sizeof(buf), &gres) == 0 && gres)
                snprintf(gn, sizeof(gn), "%s", gres->gr_name);
        snprintf(inner, sizeof(inner), "pw%d=%s gr%d=%s", PROBE_ID, pn, PROBE_ID, gn);
}

static void trace(const void *caller, const char *fn, const char *key, int found, int did_inner)
{
        const char *path = secure_getenv("TESTDIR_TRACE");
        const char *obj = "?";
        Dl_info di;
        char line[512];
        int fd, n;

        if (!path)
                return;
        if (dladdr(caller, &di) && di.dli_fname) {
                const char *s = strrchr(di.dli_fname, '/');
                obj = s ? s + 1 : di.dli_fname;
        }
        n = snprintf(line, sizeof(line), "%ld %s %s(%s) depth=%u %s%s%s\n", (long)getpid(), obj, fn, key, depth,
                     found ? "found" : "notfound", did_inner ? " " : "", did_inner ? inner : "");
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd >= 0) {
                if (n > 0)
                        (void)!write(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
                close(fd);
        }
}

/* Before answering: the inner lookups, unless this is one of them. */
static int enter(void)
{
        int did = 0;
        if (depth == 0) {
                depth++;
                inner_lookups();
                depth--;
                did = 1;
        }
        return did;
}

struct packer {
        char *p;
        size_t left;
};

static char *pack(struct packer *k, const char *s)
{
        size_t n = strlen(s) + 1;
        char *d;
        if (n > k->left)
                return NULL;
        d = memcpy(k->p, s, n);
        k->p += n;
        k->left -= n;
        return d;
}

static enum nss_status fill_pw(const struct user *u, struct passwd *pw, char *buf, size_t len, int *errnop)
{
        struct packer k = { buf, len };
        if (!(pw->pw_name = pack(&k, u->name)) || !(pw->pw_passwd = pack(&k, "x")) ||
            !(pw->pw_gecos = pack(&k, u->gecos ? u->gecos : inner)) || !(pw->pw_dir = pack(&k, u->dir)) ||
            !(pw->pw_shell = pack(&k, u->shell))) {
                *errnop = ERANGE;
                return NSS_STATUS_TRYAGAIN;
        }
        pw->pw_uid = u->uid;
        pw->pw_gid = u->gid;
        return NSS_STATUS_SUCCESS;
}

static enum nss_status fill_gr(size_t i, struct group *gr, char *buf, size_t len, int *errnop)
{
        uintptr_t a = (uintptr_t)buf, pad = (alignof(char *) - a % alignof(char *)) % alignof(char *);
        struct packer k;

        if (len < pad + 2 * sizeof(char *)) {
                *errnop = ERANGE;
                return NSS_STATUS_TRYAGAIN;
        }
        gr->gr_mem = (char **)(void *)(buf + pad);
        k.p = buf + pad + 2 * sizeof(char *);
        k.left = len - pad - 2 * sizeof(char *);
        if (!(gr->gr_mem[0] = pack(&k, groups[i].mem)) || !(gr->gr_name = pack(&k, groups[i].name)) ||
            !(gr->gr_passwd = pack(&k, "x"))) {
                *errnop = ERANGE;
                return NSS_STATUS_TRYAGAIN;
        }
        gr->gr_mem[1] = NULL;
        gr->gr_gid = groups[i].gid;
        return NSS_STATUS_SUCCESS;
}

static enum nss_status notfound(int *errnop)
{
        *errnop = ENOENT;
        return NSS_STATUS_NOTFOUND;
}

/* A user by UID (name NULL) or by name. */
static enum nss_status pw_lookup(const void *caller, const char *fn, const char *name, uid_t uid, struct passwd *pw,
                                 char *buf, size_t len, int *errnop)
{
        enum nss_status st = NSS_STATUS_NOTFOUND;
        char key[64];
        int did = enter();

        if (name)
                snprintf(key, sizeof(key), "%s", name);
        else
                snprintf(key, sizeof(key), "%u", (unsigned)uid);
        *errnop = ENOENT;
        for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
                if (name ? strcmp(name, users[i].name) == 0 : uid == users[i].uid) {
                        st = fill_pw(&users[i], pw, buf, len, errnop);
                        break;
                }
        trace(caller, fn, key, st == NSS_STATUS_SUCCESS, did);
        return st == NSS_STATUS_NOTFOUND ? notfound(errnop) : st;
}

static enum nss_status gr_lookup(const void *caller, const char *fn, const char *name, gid_t gid, struct group *gr,
                                 char *buf, size_t len, int *errnop)
{
        enum nss_status st = NSS_STATUS_NOTFOUND;
        char key[64];
        int did = enter();

        if (name)
                snprintf(key, sizeof(key), "%s", name);
        else
                snprintf(key, sizeof(key), "%u", (unsigned)gid);
        *errnop = ENOENT;
        for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
                if (name ? strcmp(name, groups[i].name) == 0 : gid == groups[i].gid) {
                        st = fill_gr(i, gr, buf, len, errnop);
                        break;
                }
        trace(caller, fn, key, st == NSS_STATUS_SUCCESS, did);
        return st == NSS_STATUS_NOTFOUND ? notfound(errnop) : st;
}

/* noinline: __builtin_return_address(0) must be the caller of the entry point. */
EXPORT __attribute__((noinline)) enum nss_status _nss_testdir_getpwuid_r(uid_t uid, struct passwd *pw, char *buf,
                                                                        size_t len, int *errnop)
{
        return pw_lookup(__builtin_return_address(0), "getpwuid", NULL, uid, pw, buf, len, errnop);
}

EXPORT __attribute__((noinline)) enum nss_status _nss_testdir_getpwnam_r(const char *name, struct passwd *pw,
                                                                        char *buf, size_t len, int *errnop)
{
        return pw_lookup(__builtin_return_address(0), "getpwnam", name, 0, pw, buf, len, errnop);
}

EXPORT __attribute__((noinline)) enum nss_status _nss_testdir_getgrgid_r(gid_t gid, struct group *gr, char *buf,
                                                                        size_t len, int *errnop)
{
        return gr_lookup(__builtin_return_address(0), "getgrgid", NULL, gid, gr, buf, len, errnop);
}

EXPORT __attribute__((noinline)) enum nss_status _nss_testdir_getgrnam_r(const char *name, struct group *gr,
                                                                        char *buf, size_t len, int *errnop)
{
        return gr_lookup(__builtin_return_address(0), "getgrnam", name, 0, gr, buf, len, errnop);
}

#ifdef TESTDIR_CTOR_LOOKUP
__attribute__((constructor)) static void ctor_lookup(void)
{
        depth++;
        inner_lookups();
        depth--;
        trace(__builtin_return_address(0), "constructor", "-", 1, 1);
}
#endif
