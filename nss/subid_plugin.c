/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plugin for shadow's libsubid, selected by `subid: subid` in
 * /etc/nsswitch.conf (libsubid dlopens "libsubid_subid.so").  It answers the
 * subordinate ranges of an owner with the same lib/ policy as the NSS module
 * and subidctl.  It runs inside setuid-root newuidmap/newgidmap: every
 * argument is hostile, the environment is never read, and an unusable
 * configuration grants nothing.  Arrays are malloc'ed; callers free() them
 * (containers/storage does) or call shadow_subid_free (shadow >= 4.16).
 */
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>

#include <shadow/subid.h>

#include "subid/abi.h"
#include "subid/names.h"
#include "subid/policy.h"
#include "subid/strutils.h"
#include "subid/sysinfo.h"

#define EXPORT __attribute__((visibility("default")))
#define PWBUF 4096

static enum subid_kind kind_of(enum subid_type t, bool *ok)
{
        *ok = t == ID_TYPE_UID || t == ID_TYPE_GID;
        return t == ID_TYPE_GID ? KIND_GID : KIND_UID;
}

/* Fill *g with the owner's grants.  Status per shadow's conventions. */
static enum subid_status owner_grants(const char *owner, enum subid_type t, struct grants *g)
{
        struct sys_input si;
        struct owner o;
        char nb[OWNER_MAX + 1];
        enum subid_status st = SUBID_STATUS_SUCCESS;
        enum subid_kind k;
        bool ok;

        g->n = 0;
        k = kind_of(t, &ok);
        if (!ok)
                return SUBID_STATUS_ERROR;
        if (!sys_owner_string_ok(owner))
                return SUBID_STATUS_UNKNOWN_USER;
        /* Under no_new_privs (e.g. an OpenShift restricted-v2 pod), no
         * set-user-ID or file-capability newuidmap can gain privilege, so a
         * range could never be mapped: grant none, and podman falls back to
         * its single-ID namespace instead of failing in newuidmap. */
        if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
                return SUBID_STATUS_SUCCESS;
        if (sys_input_init(&si, k, SYS_SUBDB | SYS_MAP) < 0) {
                /* Config insecure or invalid: grant nothing, and say so. */
                sys_input_done(&si);
                return SUBID_STATUS_ERROR;
        }
        int r = sys_owner_ranges(&si, owner, &o, nb, sizeof(nb), g, NULL);
        if (r == -ENOENT)
                st = SUBID_STATUS_UNKNOWN_USER;
        else if (r < 0)
                st = SUBID_STATUS_ERROR;
        sys_input_done(&si);
        if (st != SUBID_STATUS_SUCCESS)
                g->n = 0;
        return st;
}

/* Large: keep it off the (possibly small) stack of the caller's thread. */
static __thread struct grants tls_grants;
static __thread struct idset tls_set;

EXPORT enum subid_status shadow_subid_has_range(const char *owner, unsigned long start, unsigned long count,
                                                enum subid_type t, bool *result)
{
        enum subid_status st;

        if (!result)
                return SUBID_STATUS_ERROR;
        *result = false;
        st = owner_grants(owner, t, &tls_grants);
        if (st != SUBID_STATUS_SUCCESS)
                return st;
        grants_to_set(&tls_grants, &tls_set);
        /* unsigned long is 64-bit here: reject before narrowing. */
        if (start < ID_LIMIT && count <= ID_LIMIT)
                *result = idset_contains_range(&tls_set, start, count);
        return SUBID_STATUS_SUCCESS;
}

EXPORT enum subid_status shadow_subid_has_any_range(const char *owner, enum subid_type t, bool *result)
{
        enum subid_status st;

        if (!result)
                return SUBID_STATUS_ERROR;
        st = owner_grants(owner, t, &tls_grants);
        *result = st == SUBID_STATUS_SUCCESS && tls_grants.n > 0;
        return st;
}

EXPORT enum subid_status shadow_subid_list_owner_ranges(const char *owner, enum subid_type t,
                                                        struct subid_range **ranges, int *count)
{
        enum subid_status st;
        struct subid_range *out;

        if (!ranges || !count)
                return SUBID_STATUS_ERROR;
        *ranges = NULL;
        *count = 0;
        st = owner_grants(owner, t, &tls_grants);
        if (st != SUBID_STATUS_SUCCESS || tls_grants.n == 0)
                return st;
        out = calloc(tls_grants.n, sizeof(*out));
        if (!out)
                return SUBID_STATUS_ERROR;
        for (size_t i = 0; i < tls_grants.n; i++) {
                out[i].start = tls_grants.g[i].r.start;
                out[i].count = tls_grants.g[i].r.count;
        }
        *ranges = out;
        *count = (int)tls_grants.n;
        return SUBID_STATUS_SUCCESS;
}

EXPORT enum subid_status shadow_subid_find_subid_owners(unsigned long id, enum subid_type t, uid_t **uids, int *count)
{
        struct sys_input si;
        struct owner_ref refs[16];
        uid_t *out;
        int n, m = 0;
        enum subid_kind k;
        bool ok;

        if (!uids || !count)
                return SUBID_STATUS_ERROR;
        *uids = NULL;
        *count = 0;
        k = kind_of(t, &ok);
        if (!ok)
                return SUBID_STATUS_ERROR;
        if (id >= ID_LIMIT)
                return SUBID_STATUS_SUCCESS;
        if (sys_input_init(&si, k, SYS_SUBDB | SYS_MAP) < 0) {
                sys_input_done(&si);
                return SUBID_STATUS_ERROR;
        }
        n = policy_find_owners(&si.in, id, refs, 16);
        sys_input_done(&si);
        if (n < 0)
                return SUBID_STATUS_ERROR;
        if (n > 16)
                n = 16;
        if (n == 0)
                return SUBID_STATUS_SUCCESS;
        out = calloc((size_t)n, sizeof(*out));
        if (!out)
                return SUBID_STATUS_ERROR;
        for (int i = 0; i < n; i++) {
                if (refs[i].has_uid) {
                        out[m++] = refs[i].uid;
                } else {
                        struct passwd pw, *res = NULL;
                        char buf[PWBUF];
                        if (getpwnam_r(refs[i].name, &pw, buf, sizeof(buf), &res) == 0 && res)
                                out[m++] = res->pw_uid;
                }
        }
        if (m == 0) {
                free(out);
                return SUBID_STATUS_SUCCESS;
        }
        *uids = out;
        *count = m;
        return SUBID_STATUS_SUCCESS;
}

EXPORT void shadow_subid_free(void *ptr)
{
        free(ptr);
}
