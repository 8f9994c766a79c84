/* SPDX-License-Identifier: BSD-3-Clause */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "subid/names.h"
#include "subid/nsswitch.h"
#include "subid/strutils.h"
#include "subid/sysinfo.h"

#define DB_MAX_SIZE (64u * 1024 * 1024)
#define USERNS_LINK "/proc/self/ns/user"

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* Milliseconds on a cheap clock (vDSO, jiffy resolution) for SYS_CACHED. */
static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* May a snapshot checked at `checked` be used without a stat()? */
static bool recent(bool fresh, bool valid, int64_t checked, int64_t now)
{
        return !fresh && valid && now - checked >= 0 && now - checked < SYS_REVALIDATE_MS;
}

struct filesig {
        bool present;
        dev_t dev;
        ino_t ino;
        off_t size;
        struct timespec mtim, ctim;
};

static void sig_from_stat(struct filesig *s, const struct stat *st)
{
        s->present = true;
        s->dev = st->st_dev;
        s->ino = st->st_ino;
        s->size = st->st_size;
        s->mtim = st->st_mtim;
        s->ctim = st->st_ctim;
}

static bool sig_eq(const struct filesig *a, const struct filesig *b)
{
        if (a->present != b->present)
                return false;
        if (!a->present)
                return true;
        return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtim.tv_sec == b->mtim.tv_sec &&
               a->mtim.tv_nsec == b->mtim.tv_nsec && a->ctim.tv_sec == b->ctim.tv_sec &&
               a->ctim.tv_nsec == b->ctim.tv_nsec;
}

static void sig_of_path(const char *path, struct filesig *s)
{
        struct stat st;
        memset(s, 0, sizeof(*s));
        if (stat(path, &st) == 0)
                sig_from_stat(s, &st);
}

/* Files that grant privileges must be root's and writable only by root:
 * an entrypoint that makes /etc files group-writable for GID 0 must not let
 * the pod's user grant itself IDs. */
static bool trusted(const struct stat *st)
{
        return S_ISREG(st->st_mode) && st->st_uid == 0 && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* Open without following a symlink and read the whole regular file.
 * *buf is malloc'ed and NUL-terminated. */
static int slurp(const char *path, size_t max, bool need_trust, struct stat *st, char **buf, size_t *len)
{
        int fd, r = 0;
        size_t cap, n = 0;
        char *b;

        *buf = NULL;
        memset(st, 0, sizeof(*st)); /* st_ino 0: nothing was opened */
        /* Files that grant privileges are never reached through a symlink. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (need_trust ? O_NOFOLLOW : 0));
        if (fd < 0)
                return errno == ELOOP ? -EPERM : -errno;
        if (fstat(fd, st) < 0) {
                r = -errno;
                goto out;
        }
        if (!S_ISREG(st->st_mode) || (need_trust && !trusted(st))) {
                r = -EPERM;
                goto out;
        }
        if ((uint64_t)st->st_size > max) {
                r = -EFBIG;
                goto out;
        }
        cap = (size_t)st->st_size + 1;
        b = malloc(cap + 1);
        if (!b) {
                r = -ENOMEM;
                goto out;
        }
        for (;;) {
                ssize_t k = read(fd, b + n, cap - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        free(b);
                        goto out;
                }
                if (k == 0)
                        break;
                n += (size_t)k;
                if (n == cap) { /* grew while we read: refuse a moving target */
                        r = -EAGAIN;
                        free(b);
                        goto out;
                }
        }
        b[n] = '\0';
        *buf = b;
        *len = n;
out:
        close(fd);
        return r;
}

static int load_config_sig(const char *path, struct subid_config *cfg, struct config_error *err,
                           struct filesig *sig)
{
        struct stat st;
        char *text;
        size_t len;
        int r;

        err->line = 0;
        err->msg[0] = '\0';
        memset(sig, 0, sizeof(*sig));
        r = slurp(path, CONFIG_MAX_SIZE, true, &st, &text, &len);
        /* The signature of what was actually read (fstat of that fd), so a
         * file replaced meanwhile is seen as changed next time. */
        if (st.st_ino != 0)
                sig_from_stat(sig, &st);
        if (r == -ENOENT) {
                config_defaults(cfg);
                return -ENOENT;
        }
        if (r == -EPERM) {
                strcpy(err->msg, "not a regular file owned by root and writable only by root (refused)");
                return -EPERM;
        }
        if (r == -EFBIG) {
                strcpy(err->msg, "file too large");
                return -EINVAL;
        }
        if (r < 0) {
                strcpy(err->msg, "cannot read file");
                return r;
        }
        r = config_parse(text, len, cfg, err);
        free(text);
        return r;
}

int sys_load_config(const char *path, struct subid_config *cfg, struct config_error *err)
{
        struct filesig sig;
        return load_config_sig(path, cfg, err, &sig);
}

static struct {
        bool valid;
        int64_t checked;
        struct filesig sig;
        int status;
        struct subid_config cfg;
} cfg_cache;

int sys_config(struct subid_config *out, bool fresh)
{
        struct filesig now;
        int status;
        int64_t t = now_ms();

        pthread_mutex_lock(&cache_lock);
        if (recent(fresh, cfg_cache.valid, cfg_cache.checked, t))
                goto hit;
        pthread_mutex_unlock(&cache_lock);
        sig_of_path(NSS_SUBID_CONF, &now);
        pthread_mutex_lock(&cache_lock);
        cfg_cache.checked = t;
        if (!cfg_cache.valid || !sig_eq(&now, &cfg_cache.sig)) {
                struct config_error err;
                struct filesig got;
                cfg_cache.status = load_config_sig(NSS_SUBID_CONF, &cfg_cache.cfg, &err, &got);
                /* A transient read error is not cached. */
                cfg_cache.valid = cfg_cache.status == 0 || cfg_cache.status == -ENOENT ||
                                  cfg_cache.status == -EINVAL || cfg_cache.status == -EPERM;
                cfg_cache.sig = got.present ? got : now;
        }
hit:
        status = cfg_cache.status;
        if (status == 0 || status == -ENOENT)
                *out = cfg_cache.cfg;
        pthread_mutex_unlock(&cache_lock);
        return status;
}

struct dbsnap {
        struct colon_db db; /* first: the public pointer is to this */
        unsigned refs;
};

static const char *const db_path[DB__MAX] = { SUBUID_FILE, SUBGID_FILE, PASSWD_FILE, GROUP_FILE };
static const enum colon_format db_fmt[DB__MAX] = { COLON_SUBID, COLON_SUBID, COLON_PASSWD, COLON_GROUP };

static struct {
        bool valid;
        int64_t checked;
        struct filesig sig;
        struct dbsnap *snap;
} db_cache[DB__MAX];

static void snap_unref_locked(struct dbsnap *s)
{
        if (s && --s->refs == 0) {
                colon_db_free(&s->db);
                free(s);
        }
}

const struct colon_db *sys_db_get(enum sys_db which, bool fresh)
{
        struct filesig now;
        struct dbsnap *s;
        int64_t t = now_ms();

        if ((unsigned)which >= DB__MAX)
                return NULL;
        pthread_mutex_lock(&cache_lock);
        if (recent(fresh, db_cache[which].valid, db_cache[which].checked, t))
                goto hit;
        pthread_mutex_unlock(&cache_lock);
        sig_of_path(db_path[which], &now);
        pthread_mutex_lock(&cache_lock);
        db_cache[which].checked = t;
        if (!db_cache[which].valid || !sig_eq(&now, &db_cache[which].sig)) {
                struct stat st;
                char *text = NULL;
                size_t len = 0;
                bool subid = which == DB_SUBUID || which == DB_SUBGID;
                int r = slurp(db_path[which], DB_MAX_SIZE, subid, &st, &text, &len);
                struct dbsnap *ns = NULL;

                if (r == 0 && (ns = calloc(1, sizeof(*ns)))) {
                        if (colon_db_parse(text, len, db_fmt[which], &ns->db) == 0) {
                                ns->refs = 1;
                        } else {
                                free(ns);
                                ns = NULL;
                                r = -ENOMEM;
                        }
                }
                free(text);
                snap_unref_locked(db_cache[which].snap);
                db_cache[which].snap = ns;
                /* What was read (fstat of that fd), not the earlier stat. */
                db_cache[which].sig = now;
                if (st.st_ino != 0)
                        sig_from_stat(&db_cache[which].sig, &st);
                /* Absent or untrusted is a stable answer; I/O errors are retried. */
                db_cache[which].valid = r == 0 || r == -ENOENT || r == -EPERM || r == -EFBIG;
        }
hit:
        s = db_cache[which].snap;
        if (s)
                s->refs++;
        pthread_mutex_unlock(&cache_lock);
        return s ? &s->db : NULL;
}

/* dlclose() of the module (or exit under valgrind): free the snapshots. */
__attribute__((destructor)) static void cache_free(void)
{
        pthread_mutex_lock(&cache_lock);
        for (int i = 0; i < DB__MAX; i++) {
                snap_unref_locked(db_cache[i].snap);
                db_cache[i].snap = NULL;
                db_cache[i].valid = false;
        }
        pthread_mutex_unlock(&cache_lock);
}

void sys_db_put(const struct colon_db *db)
{
        if (!db)
                return;
        pthread_mutex_lock(&cache_lock);
        snap_unref_locked((struct dbsnap *)(void *)db);
        pthread_mutex_unlock(&cache_lock);
}

static struct {
        bool known;
        int64_t checked;
        bool valid[2];
        dev_t dev;
        ino_t ino;
        struct idmap map[2];
} ns_cache;

int sys_userns(enum subid_kind kind, bool *in_userns, struct idmap *map, bool fresh)
{
        struct stat st;
        int k = kind == KIND_GID ? 1 : 0, r = 0;
        int64_t t = now_ms();

        /* Unknown namespace: fail closed, as "in a namespace whose map we
         * do not know", which grants neither userns nor pool ranges. */
        *in_userns = true;
        pthread_mutex_lock(&cache_lock);
        if (recent(fresh, ns_cache.known, ns_cache.checked, t)) {
                st.st_dev = ns_cache.dev;
                st.st_ino = ns_cache.ino;
        } else {
                /* Costly (~2 us): /proc/self resolution.  Hence the cache. */
                pthread_mutex_unlock(&cache_lock);
                if (stat(USERNS_LINK, &st) < 0)
                        return -errno;
                pthread_mutex_lock(&cache_lock);
                ns_cache.known = true;
                ns_cache.checked = t;
        }
        if (st.st_ino == USERNS_INIT_INO) {
                ns_cache.dev = st.st_dev;
                ns_cache.ino = st.st_ino;
                pthread_mutex_unlock(&cache_lock);
                *in_userns = false;
                return 0;
        }
        if (ns_cache.dev != st.st_dev || ns_cache.ino != st.st_ino) {
                ns_cache.valid[0] = ns_cache.valid[1] = false;
                ns_cache.dev = st.st_dev;
                ns_cache.ino = st.st_ino;
        }
        if (!ns_cache.valid[k]) {
                /* /proc files report size 0: read into a fixed buffer. */
                char buf[UIDMAP_MAX_EXTENTS * 36 + 1];
                size_t n = 0;
                int fd = open(k ? "/proc/self/gid_map" : "/proc/self/uid_map", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
                if (fd < 0) {
                        r = -errno;
                        goto out;
                }
                for (;;) {
                        ssize_t got = read(fd, buf + n, sizeof(buf) - 1 - n);
                        if (got < 0 && errno == EINTR)
                                continue;
                        if (got <= 0) {
                                r = got < 0 ? -errno : 0;
                                break;
                        }
                        n += (size_t)got;
                        if (n == sizeof(buf) - 1) {
                                r = -E2BIG;
                                break;
                        }
                }
                close(fd);
                if (r == 0)
                        r = idmap_parse(buf, n, &ns_cache.map[k]);
                if (r < 0)
                        goto out;
                /* A map can be written once only, so it is safe to cache per namespace. */
                ns_cache.valid[k] = true;
        }
        /* A child namespace holding the whole identity map was made by a
         * privileged process; treat it as the initial namespace rather than
         * granting every host ID. */
        if (idmap_is_identity_full(&ns_cache.map[k]))
                *in_userns = false;
        else
                *map = ns_cache.map[k];
out:
        pthread_mutex_unlock(&cache_lock);
        return r;
}

/*
 * "Does an NSS source other than subid know this ID?"  glibc calls our
 * module from inside getpwuid_r(), so asking getpwuid_r() again would ask
 * us again (and, in the libsubid plugin, another copy of us that no flag
 * here reaches).  Instead the services listed for the database in
 * nsswitch.conf are asked one by one: `files` through our own snapshot,
 * every other one (sss, ldap, systemd, compat, ...) by calling its module's
 * entry point directly, as glibc would; `subid` is skipped.  A module that
 * calls back into getpwuid_r() on this thread reaches our entry points
 * with nss_depth set, and they answer NOTFOUND at once.
 */
static __thread unsigned nss_depth;

bool sys_nss_reentered(void)
{
        return nss_depth > 0;
}

typedef enum nss_status (*pwuid_fn)(uid_t, struct passwd *, char *, size_t, int *);
typedef enum nss_status (*grgid_fn)(gid_t, struct group *, char *, size_t, int *);

static pthread_mutex_t mod_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nssmod {
        char name[NSS_SERVICE_MAX + 1];
        bool tried;
        pwuid_fn pw;
        grgid_fn gr;
} mods[NSS_SERVICES_MAX * 2];

/* The module's two entry points, loaded once per process (never closed:
 * glibc keeps its modules loaded too).
 *
 * dlopen() runs the module's initializers (and those of the libraries it
 * pulls in), which may look a user up: that comes back into our entry
 * points on this thread, so nss_depth is raised around it and they answer
 * NOTFOUND at once.  mod_lock is not held across dlopen(): a lookup from
 * an initializer would otherwise wait for it forever on this thread, and
 * another thread's dlopen() (which holds the loader's lock while it runs
 * initializers) could wait for it while we wait for the loader's lock.
 * Two threads may both dlopen() the same module; the first to publish
 * wins, and the second handle's extra reference is harmless (never
 * closed anyway). */
static struct nssmod *find_locked(const char *name, size_t *free_slot)
{
        size_t n = sizeof(mods) / sizeof(mods[0]);
        *free_slot = n;
        for (size_t i = 0; i < n; i++) {
                if (!mods[i].tried) {
                        *free_slot = i;
                        break;
                }
                if (strcmp(mods[i].name, name) == 0)
                        return &mods[i];
        }
        return NULL;
}

static struct nssmod *module(const char *name)
{
        char so[NSS_SERVICE_MAX + 32], sym[NSS_SERVICE_MAX + 32];
        struct nssmod *m;
        pwuid_fn pw = NULL;
        grgid_fn gr = NULL;
        size_t slot;
        void *h;

        pthread_mutex_lock(&mod_lock);
        m = find_locked(name, &slot);
        pthread_mutex_unlock(&mod_lock);
        if (m || slot == sizeof(mods) / sizeof(mods[0]))
                return m;

        snprintf(so, sizeof(so), "libnss_%s.so.2", name);
        nss_depth++;
        h = dlopen(so, RTLD_LAZY | RTLD_LOCAL);
        nss_depth--;
        if (h) {
                snprintf(sym, sizeof(sym), "_nss_%s_getpwuid_r", name);
                pw = (pwuid_fn)(uintptr_t)dlsym(h, sym);
                snprintf(sym, sizeof(sym), "_nss_%s_getgrgid_r", name);
                gr = (grgid_fn)(uintptr_t)dlsym(h, sym);
        }

        pthread_mutex_lock(&mod_lock);
        m = find_locked(name, &slot);
        if (!m && slot < sizeof(mods) / sizeof(mods[0])) {
                m = &mods[slot];
                strcpy(m->name, name);
                m->pw = pw;
                m->gr = gr;
                m->tried = true;
        }
        pthread_mutex_unlock(&mod_lock);
        return m;
}

#define KNOWN_BUF 1024
#define KNOWN_BUF_MAX (1024 * 1024)

/* One module's answer: SUCCESS and (fail closed) a TRYAGAIN that is not
 * ERANGE count as "known"; NOTFOUND and UNAVAIL (not running) do not. */
static bool module_knows(const struct nssmod *m, enum subid_kind k, uint32_t id)
{
        char stackbuf[KNOWN_BUF], *buf = stackbuf;
        size_t sz = sizeof(stackbuf);
        bool known = false;

        if (k == KIND_UID ? !m->pw : !m->gr)
                return false;
        nss_depth++;
        for (;;) {
                struct passwd pw;
                struct group gr;
                int e = 0;
                enum nss_status st = k == KIND_UID ? m->pw((uid_t)id, &pw, buf, sz, &e)
                                                   : m->gr((gid_t)id, &gr, buf, sz, &e);
                if (st == NSS_STATUS_TRYAGAIN && e == ERANGE && sz < KNOWN_BUF_MAX) {
                        char *nb;
                        sz *= 4;
                        nb = buf == stackbuf ? malloc(sz) : realloc(buf, sz);
                        if (nb) {
                                buf = nb;
                                continue;
                        }
                }
                known = st == NSS_STATUS_SUCCESS || st == NSS_STATUS_TRYAGAIN;
                break;
        }
        nss_depth--;
        if (buf != stackbuf)
                free(buf);
        return known;
}

#ifndef NSSWITCH_FILE
#define NSSWITCH_FILE "/etc/nsswitch.conf"
#endif

static struct {
        bool valid;
        int64_t checked;
        struct filesig sig;
        struct nss_services svc[2]; /* passwd, group */
} nsw_cache;

/* The services other than files and subid, for kind k. */
static void other_services(enum subid_kind k, bool fresh, struct nss_services *out)
{
        struct filesig now;
        int64_t t = now_ms();
        int ki = k == KIND_GID;

        pthread_mutex_lock(&cache_lock);
        if (recent(fresh, nsw_cache.valid, nsw_cache.checked, t))
                goto hit;
        pthread_mutex_unlock(&cache_lock);
        sig_of_path(NSSWITCH_FILE, &now);
        pthread_mutex_lock(&cache_lock);
        nsw_cache.checked = t;
        if (!nsw_cache.valid || !sig_eq(&now, &nsw_cache.sig)) {
                struct stat st;
                char *text = NULL;
                size_t len = 0;
                /* Root's file; a symlink (common: managed by tools) is fine. */
                int r = slurp(NSSWITCH_FILE, CONFIG_MAX_SIZE, false, &st, &text, &len);
                for (int i = 0; i < 2; i++) {
                        struct nss_services all;
                        nsw_cache.svc[i].n = 0;
                        /* glibc's default without a file or a line: files only. */
                        if (r < 0 || nsswitch_services(text, len, i ? "group" : "passwd", &all) < 0)
                                continue;
                        for (size_t j = 0; j < all.n; j++)
                                if (strcmp(all.name[j], "files") != 0 && strcmp(all.name[j], "subid") != 0)
                                        strcpy(nsw_cache.svc[i].name[nsw_cache.svc[i].n++], all.name[j]);
                }
                free(text);
                nsw_cache.sig = now;
                nsw_cache.valid = r == 0 || r == -ENOENT;
        }
hit:
        *out = nsw_cache.svc[ki];
        pthread_mutex_unlock(&cache_lock);
}

/* Recent answers of the other services, for SYS_CACHED callers: a loop of
 * getpwuid() for a synthesized user must not call sssd every time. */
#define KNOWN_CACHE 16
static struct {
        bool valid;
        uint8_t kind;
        bool known;
        uint32_t id;
        int64_t checked;
} known_cache[KNOWN_CACHE];
static unsigned known_next;

/* The same, with the files database already in hand (files may be NULL). */
static bool id_known_files(const struct colon_db *files, enum subid_kind k, uint32_t id, bool fresh)
{
        struct nss_services svc;
        bool known = files && colon_db_has_id(files, id);
        int64_t t;

        if (known)
                return true;
        t = now_ms();
        other_services(k, fresh, &svc);
        if (svc.n == 0)
                return false;
        pthread_mutex_lock(&cache_lock);
        for (unsigned i = 0; i < KNOWN_CACHE; i++) {
                if (known_cache[i].valid && known_cache[i].kind == k && known_cache[i].id == id &&
                    recent(fresh, true, known_cache[i].checked, t)) {
                        known = known_cache[i].known;
                        pthread_mutex_unlock(&cache_lock);
                        return known;
                }
        }
        pthread_mutex_unlock(&cache_lock);
        for (size_t i = 0; i < svc.n && !known; i++) {
                const struct nssmod *m = module(svc.name[i]);
                known = m && module_knows(m, k, id);
        }
        pthread_mutex_lock(&cache_lock);
        known_cache[known_next % KNOWN_CACHE].valid = true;
        known_cache[known_next % KNOWN_CACHE].kind = (uint8_t)k;
        known_cache[known_next % KNOWN_CACHE].id = id;
        known_cache[known_next % KNOWN_CACHE].known = known;
        known_cache[known_next % KNOWN_CACHE].checked = t;
        known_next++;
        pthread_mutex_unlock(&cache_lock);
        return known;
}

bool sys_id_known(enum subid_kind k, uint32_t id, bool fresh)
{
        const struct colon_db *files = sys_db_get(k == KIND_GID ? DB_GROUP : DB_PASSWD, fresh);
        bool known = id_known_files(files, k, id, fresh);
        sys_db_put(files);
        return known;
}

/* policy_input.id_known */
static bool input_id_known(const struct policy_input *in, enum subid_kind k, uint32_t id)
{
        const struct sys_input *si = (const struct sys_input *)(const void *)((const char *)in -
                                                                              offsetof(struct sys_input, in));
        /* The files database this input already holds, if it has it. */
        const struct colon_db *files = k == KIND_UID ? si->passwd : si->group;
        return files ? id_known_files(files, k, id, si->fresh) : sys_id_known(k, id, si->fresh);
}

/* policy_input.subdb_fn: the policy asked for /etc/subuid; load it once. */
static const struct colon_db *lazy_subdb(const struct policy_input *in)
{
        struct sys_input *si = (struct sys_input *)(void *)((char *)(void *)(uintptr_t)in -
                                                             offsetof(struct sys_input, in));
        if (!si->lazy_subdb)
                si->lazy_subdb = sys_db_get(in->kind == KIND_GID ? DB_SUBGID : DB_SUBUID, si->fresh);
        return si->lazy_subdb;
}

void sys_input_want_subdb(struct sys_input *si)
{
        si->in.subdb_fn = lazy_subdb;
}

int sys_input_init(struct sys_input *si, enum subid_kind kind, unsigned flags)
{
        return sys_input_init_path(si, kind, flags, NULL);
}

int sys_input_init_path(struct sys_input *si, enum subid_kind kind, unsigned flags, const char *cfgpath)
{
        bool fresh = !(flags & SYS_CACHED);
        int r;

        memset(&si->in, 0, sizeof(si->in));
        si->passwd = NULL;
        si->group = NULL;
        si->lazy_subdb = NULL;
        if (cfgpath) {
                struct config_error err;
                r = sys_load_config(cfgpath, &si->cfg, &err);
        } else {
                r = sys_config(&si->cfg, fresh);
        }
        si->fresh = fresh;
        si->cfg_status = r;
        if (r < 0 && r != -ENOENT)
                return r;
        si->in.cfg = &si->cfg;
        si->in.kind = kind;
        si->in.caller_uid = (uint32_t)getuid();
        si->in.caller_gid = (uint32_t)getgid();
        si->in.caller_id = kind == KIND_GID ? si->in.caller_gid : si->in.caller_uid;
        si->passwd = sys_db_get(DB_PASSWD, fresh);
        si->in.id_known = input_id_known;
        si->in.caller_known = si->in.caller_uid == 0 || id_known_files(si->passwd, KIND_UID, si->in.caller_uid, fresh);
        si->in.accounts = kind == KIND_GID ? (si->group = sys_db_get(DB_GROUP, fresh)) : si->passwd;
        if (flags & SYS_MAP) {
                r = sys_userns(kind, &si->in.in_userns, &si->map, fresh);
                si->in.map = (r == 0 && si->in.in_userns) ? &si->map : NULL;
        } else {
                si->in.in_userns = true; /* unknown: no dynamic ranges */
        }
        if (flags & SYS_SUBDB)
                si->in.subdb_fn = lazy_subdb;
        return 0;
}

void sys_input_done(struct sys_input *si)
{
        sys_db_put(si->in.subdb);
        sys_db_put(si->lazy_subdb);
        sys_db_put(si->passwd);
        sys_db_put(si->group);
        si->group = NULL;
        si->in.subdb = NULL;
        si->lazy_subdb = NULL;
        si->passwd = NULL;
}

bool sys_owner_string_ok(const char *s)
{
        size_t n;
        if (!s)
                return false;
        n = strlen_max(s, OWNER_MAX);
        if (n == 0 || n > OWNER_MAX)
                return false;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c <= 0x20 || c >= 0x7f || c == ':' || c == '/')
                        return false;
        }
        return true;
}

#define PWBUF 4096

/*
 * Who is `owner`?  A decimal UID (podman asks that way after the name), a
 * name any NSS source knows, or one of our template names.  Resolution goes
 * through getpwnam_r/getpwuid_r like shadow's own code, so /etc/subuid lines
 * match by name and by UID.
 */
bool sys_resolve_owner(const struct policy_input *in, const char *s, struct owner *o, char *namebuf, size_t nsz)
{
        struct passwd pw, *res = NULL;
        char buf[PWBUF];
        uint32_t v;

        memset(o, 0, sizeof(*o));
        if (parse_u32(s, &v) == 0) {
                if (v == UINT32_MAX)
                        return false;
                o->has_uid = true;
                o->uid = v;
                if (getpwuid_r(v, &pw, buf, sizeof(buf), &res) == 0 && res && strlen(res->pw_name) < nsz) {
                        strcpy(namebuf, res->pw_name);
                        o->name = namebuf;
                }
                return true;
        }
        if (strlen(s) >= nsz)
                return false;
        strcpy(namebuf, s);
        o->name = namebuf;
        if (getpwnam_r(s, &pw, buf, sizeof(buf), &res) == 0 && res) {
                o->has_uid = true;
                o->uid = (uint32_t)res->pw_uid;
        } else if (id_for_name(in->cfg, s, &v) == 0 && policy_is_user(in, v, NULL)) {
                /* Our template name, for a UID we synthesize (NSS may not
                 * list subid for passwd); never an alias of anyone else. */
                o->has_uid = true;
                o->uid = v;
        }
        return true;
}


int sys_owner_ranges(struct sys_input *si, const char *s, struct owner *o, char *namebuf, size_t nsz,
                     struct grants *g, const char **why)
{
        uint32_t v;
        int r;

        /* Cheap first: a decimal UID, or one of our template names that
         * /etc/passwd does not know, needs no NSS round trip (which would
         * dlopen modules: most of a fresh newuidmap's time). */
        memset(o, 0, sizeof(*o));
        if (parse_u32(s, &v) == 0 && v != UINT32_MAX) {
                o->has_uid = true;
                o->uid = v;
        } else if (id_for_name(si->in.cfg, s, &v) == 0 && strlen(s) < nsz &&
                   !(si->passwd && colon_db_has_name(si->passwd, s))) {
                o->has_uid = true;
                o->uid = v;
                strcpy(namebuf, s);
                o->name = namebuf;
        }
        if (o->has_uid && policy_is_user(&si->in, o->uid, NULL)) {
                r = policy_owner_ranges(&si->in, o, g, why);
                if (r < 0 || g->n > 0)
                        return r;
        }
        /* Anyone else, or a covered user the dynamic sources gave nothing:
         * /etc/subuid lines match by name and by UID, as in shadow. */
        if (!sys_resolve_owner(&si->in, s, o, namebuf, nsz))
                return -ENOENT;
        return policy_owner_ranges(&si->in, o, g, why);
}
