/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * glibc NSS module: passwd and group entities for arbitrary UIDs covered by
 * /etc/nss_subid.conf and for their subordinate IDs.  It sits after `files`
 * in nsswitch.conf and never answers for an ID or a name that /etc/passwd
 * (or /etc/group) knows.  Contract: copy into the caller's buffer, ERANGE ->
 * NSS_STATUS_TRYAGAIN with *errnop = ERANGE, NOTFOUND with *errnop = ENOENT,
 * errno preserved, no logging, no exit, thread-safe.
 */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdalign.h>
#include <string.h>
#include <unistd.h>

#include "subid/abi.h"
#include "subid/names.h"
#include "subid/policy.h"
#include "subid/strutils.h"
#include "subid/sysinfo.h"

#define EXPORT __attribute__((visibility("default")))

#define SUB_GECOS "nss_subid subordinate ID"
#define SUB_HOME "/"
#define SUB_SHELL "/usr/sbin/nologin"

struct entity {
        char name[NAME_MAX_LEN + 1];
        uint32_t id;
        uint32_t gid; /* passwd only */
        bool subordinate;
};

/* Copy strings into the caller's buffer; NULL when it does not fit. */
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

static enum nss_status erange(int *errnop)
{
        *errnop = ERANGE;
        return NSS_STATUS_TRYAGAIN;
}

static enum nss_status notfound(int *errnop)
{
        *errnop = ENOENT;
        return NSS_STATUS_NOTFOUND;
}

/* The ranges and namespace are needed only when the ID is not a covered
 * user itself; load them lazily so the common lookup stays cheap. */
static void need_ranges(struct sys_input *si)
{
        sys_input_want_subdb(si);
        if (!si->in.map) {
                int r = sys_userns(si->in.kind, &si->in.in_userns, &si->map, si->fresh);
                si->in.map = (r == 0 && si->in.in_userns) ? &si->map : NULL;
                if (r < 0)
                        si->in.in_userns = true;
        }
}

/* The entity we would synthesize for an ID: the policy core decides; the
 * namespace and subordinate files are loaded only when the ID is not a
 * covered user itself. */
static bool resolve_id(struct sys_input *si, const struct colon_db *files, uint32_t id, struct entity *e)
{
        memset(e, 0, sizeof(*e));
        e->id = id;
        if (policy_user_entity(&si->in, files, id, e->name, sizeof(e->name), NULL) == 0) {
                e->gid = policy_primary_gid(&si->in, id);
                return true;
        }
        if (!si->in.cfg || !si->in.cfg->subid_names)
                return false;
        need_ranges(si);
        e->subordinate = true;
        return policy_subid_entity(&si->in, files, id, e->name, sizeof(e->name), NULL) == 0;
}

/* For a subordinate user: the group of the same name if it exists (subuid
 * and subgid ranges alike), else the overflow GID. */
static uint32_t subordinate_gid(const struct entity *e)
{
        struct sys_input g;
        struct entity ge;
        uint32_t gid = OVERFLOW_GID;
        const struct colon_db *group;

        if (sys_input_init(&g, KIND_GID, SYS_CACHED) < 0)
                return gid;
        group = sys_db_get(DB_GROUP, false);
        if (resolve_id(&g, group, e->id, &ge) && strcmp(ge.name, e->name) == 0)
                gid = e->id;
        sys_db_put(group);
        sys_input_done(&g);
        return gid;
}

static enum nss_status fill_passwd(const struct sys_input *si, const struct entity *e, struct passwd *pw, char *buf,
                                   size_t buflen, int *errnop)
{
        struct packer k = { buf, buflen };
        const struct subid_config *cfg = si->in.cfg;

        if (!(pw->pw_name = pack(&k, e->name)) || !(pw->pw_passwd = pack(&k, "x")) ||
            !(pw->pw_gecos = pack(&k, e->subordinate ? SUB_GECOS : cfg->gecos)) ||
            !(pw->pw_dir = pack(&k, e->subordinate ? SUB_HOME : cfg->home)) ||
            !(pw->pw_shell = pack(&k, e->subordinate ? SUB_SHELL : cfg->shell)))
                return erange(errnop);
        pw->pw_uid = e->id;
        pw->pw_gid = e->gid;
        return NSS_STATUS_SUCCESS;
}

static enum nss_status fill_group(const struct entity *e, struct group *gr, char *buf, size_t buflen, int *errnop)
{
        /* gr_mem is an array of pointers inside buf: align it first. */
        uintptr_t a = (uintptr_t)buf, pad = (alignof(char *) - a % alignof(char *)) % alignof(char *);
        struct packer k;

        if (buflen < pad + sizeof(char *))
                return erange(errnop);
        gr->gr_mem = (char **)(void *)(buf + pad);
        k.p = buf + pad + sizeof(char *);
        k.left = buflen - pad - sizeof(char *);
        gr->gr_mem[0] = NULL;
        if (!(gr->gr_name = pack(&k, e->name)) || !(gr->gr_passwd = pack(&k, "x")))
                return erange(errnop);
        gr->gr_gid = e->id;
        return NSS_STATUS_SUCCESS;
}

static enum nss_status pw_by_uid(uid_t uid, struct passwd *pw, char *buf, size_t buflen, int *errnop,
                                 const char *want_name)
{
        struct sys_input si;
        struct entity e;
        enum nss_status st;
        bool ok;

        if (sys_input_init(&si, KIND_UID, SYS_CACHED) < 0) {
                sys_input_done(&si);
                return notfound(errnop);
        }
        ok = resolve_id(&si, si.passwd, (uint32_t)uid, &e);
        sys_input_done(&si);
        /* By name, the name must come back unchanged (round trip). */
        if (!ok || (want_name && strcmp(want_name, e.name) != 0))
                return notfound(errnop);
        if (e.subordinate)
                e.gid = subordinate_gid(&e);
        st = fill_passwd(&si, &e, pw, buf, buflen, errnop);
        return st;
}

static bool name_acceptable(const char *name)
{
        /* Hostile names (':', '\n', '/', empty, long, non-ASCII) are never ours. */
        return name && name_is_valid(name);
}

/* Name -> ID candidate: our template, or a subordinate name. */
static bool id_of_name(enum subid_kind kind, const char *name, uint32_t *id)
{
        struct sys_input si;
        bool ok = false;

        if (sys_input_init(&si, kind, SYS_CACHED) < 0) {
                sys_input_done(&si);
                return false;
        }
        if (id_for_name(si.in.cfg, name, id) == 0) {
                ok = true;
        } else if (si.in.cfg->subid_names) {
                need_ranges(&si);
                ok = policy_subid_by_name(&si.in, name, id) == 0;
        }
        sys_input_done(&si);
        return ok;
}

EXPORT enum nss_status _nss_subid_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t buflen, int *errnop)
{
        int saved = errno;
        enum nss_status st = sys_nss_reentered() ? notfound(errnop) : pw_by_uid(uid, pw, buf, buflen, errnop, NULL);
        errno = saved;
        return st;
}

EXPORT enum nss_status _nss_subid_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen,
                                             int *errnop)
{
        int saved = errno;
        enum nss_status st;
        uint32_t id;

        if (sys_nss_reentered() || !name_acceptable(name) || !id_of_name(KIND_UID, name, &id))
                st = notfound(errnop);
        else
                st = pw_by_uid(id, pw, buf, buflen, errnop, name);
        errno = saved;
        return st;
}

static enum nss_status gr_by_gid(gid_t gid, struct group *gr, char *buf, size_t buflen, int *errnop,
                                 const char *want_name)
{
        struct sys_input si;
        struct entity e;
        const struct colon_db *group;
        bool ok;

        if (sys_input_init(&si, KIND_GID, SYS_CACHED) < 0) {
                sys_input_done(&si);
                return notfound(errnop);
        }
        group = sys_db_get(DB_GROUP, false);
        ok = resolve_id(&si, group, (uint32_t)gid, &e);
        sys_db_put(group);
        sys_input_done(&si);
        if (!ok || (want_name && strcmp(want_name, e.name) != 0))
                return notfound(errnop);
        return fill_group(&e, gr, buf, buflen, errnop);
}

EXPORT enum nss_status _nss_subid_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t buflen, int *errnop)
{
        int saved = errno;
        enum nss_status st = sys_nss_reentered() ? notfound(errnop) : gr_by_gid(gid, gr, buf, buflen, errnop, NULL);
        errno = saved;
        return st;
}

EXPORT enum nss_status _nss_subid_getgrnam_r(const char *name, struct group *gr, char *buf, size_t buflen,
                                             int *errnop)
{
        int saved = errno;
        enum nss_status st;
        uint32_t id;

        if (sys_nss_reentered() || !name_acceptable(name) || !id_of_name(KIND_GID, name, &id))
                st = notfound(errnop);
        else
                st = gr_by_gid(id, gr, buf, buflen, errnop, name);
        errno = saved;
        return st;
}

/*
 * Enumeration lists at most one entry: the caller's own synthesized one
 * (never the billions a `users` range may cover).  glibc serializes
 * set/get/end per database, the mutex guards against direct callers.
 */
static pthread_mutex_t enum_lock = PTHREAD_MUTEX_INITIALIZER;
static bool enum_done[2]; /* KIND_UID: passwd, KIND_GID: group */

static enum nss_status enum_reset(enum subid_kind k)
{
        pthread_mutex_lock(&enum_lock);
        enum_done[k] = false;
        pthread_mutex_unlock(&enum_lock);
        return NSS_STATUS_SUCCESS;
}

/* The one entry of database k: the caller's own user, or the group of the
 * same number and name. */
static enum nss_status enum_next(enum subid_kind k, void *ent, char *buf, size_t buflen, int *errnop)
{
        int saved = errno;
        enum nss_status st;

        pthread_mutex_lock(&enum_lock);
        if (enum_done[k] || sys_nss_reentered()) {
                st = notfound(errnop);
        } else {
                st = k == KIND_UID ? pw_by_uid(getuid(), ent, buf, buflen, errnop, NULL)
                                   : gr_by_gid((gid_t)getuid(), ent, buf, buflen, errnop, NULL);
                /* ERANGE: glibc retries with a bigger buffer, same position. */
                if (st != NSS_STATUS_TRYAGAIN)
                        enum_done[k] = true;
        }
        pthread_mutex_unlock(&enum_lock);
        errno = saved;
        return st;
}

EXPORT enum nss_status _nss_subid_setpwent(int stayopen)
{
        (void)stayopen;
        return enum_reset(KIND_UID);
}

EXPORT enum nss_status _nss_subid_endpwent(void)
{
        return enum_reset(KIND_UID);
}

EXPORT enum nss_status _nss_subid_getpwent_r(struct passwd *pw, char *buf, size_t buflen, int *errnop)
{
        return enum_next(KIND_UID, pw, buf, buflen, errnop);
}

EXPORT enum nss_status _nss_subid_setgrent(int stayopen)
{
        (void)stayopen;
        return enum_reset(KIND_GID);
}

EXPORT enum nss_status _nss_subid_endgrent(void)
{
        return enum_reset(KIND_GID);
}

EXPORT enum nss_status _nss_subid_getgrent_r(struct group *gr, char *buf, size_t buflen, int *errnop)
{
        return enum_next(KIND_GID, gr, buf, buflen, errnop);
}
