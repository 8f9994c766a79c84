/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "subid/config.h"
#include "subid/idrange.h"
#include "subid/subuid.h"
#include "subid/uidmap.h"

/*
 * The policy core: who is a synthesized user, and which subordinate ranges
 * an owner gets.  Pure: everything it needs is in struct policy_input, which
 * the front end fills (lib/sysinfo.c does that for the calling process).
 */

enum subid_kind { KIND_UID = 0, KIND_GID = 1 };

enum subid_source { SRC_FILES = 1, SRC_USERNS = 2, SRC_POOL = 3 };

struct policy_input;
struct policy_input {
        const struct subid_config *cfg;
        enum subid_kind kind;
        uint32_t caller_uid;            /* real UID of the calling process */
        uint32_t caller_gid;            /* its real GID: a synthesized user's own entry carries it */
        uint32_t caller_id;             /* its real UID or GID, per kind: never granted to itself */
        bool caller_known;              /* an NSS source other than subid knows the caller's UID */
        /* Does an NSS source other than subid know this UID (KIND_UID) or
         * GID (KIND_GID)?  Such an ID is never synthesized, never covered.
         * NULL: nobody does (unit tests). */
        bool (*id_known)(const struct policy_input *in, enum subid_kind k, uint32_t id);
        /* The account database of the kind (/etc/passwd or /etc/group): its
         * IDs are never in a pool grant, nor in a userns grant under
         * `subids userns no-accounts`.  NULL: none. */
        const struct colon_db *accounts;
        bool in_userns;                 /* caller is not in the initial user namespace */
        const struct idmap *map;        /* caller namespace's map for kind; NULL: unknown */
        const struct colon_db *subdb;   /* /etc/subuid or /etc/subgid; NULL: absent or not loaded */
        /* Optional loader, called only when the files source is consulted and
         * subdb is NULL: a covered user answered by userns/pool never makes
         * anyone read a 100 000-line /etc/subuid.  NULL: no loader. */
        const struct colon_db *(*subdb_fn)(const struct policy_input *in);
};

struct grant {
        struct idrange r;
        enum subid_source src;
        unsigned line; /* SRC_FILES: line in the file; SRC_POOL: config line */
};

struct grants {
        size_t n;
        struct grant g[IDSET_MAX];
};

/* An owner as /etc/subuid or the caller names it. */
struct owner {
        bool has_uid;
        uint32_t uid;
        const char *name; /* may be NULL when has_uid */
};

const char *source_name(enum subid_source s);

/*
 * Is uid a user this policy covers (for entity synthesis and for the
 * dynamic sources)?  Never for UID 0, never for a UID another NSS source
 * knows (in->id_known).  `self` covers the caller's real UID only.  *slot
 * (may be NULL) receives the pool slot, or POOL_NO_SLOT for a `self` UID
 * that is not the first UID of an OpenShift project block.
 */
#define POOL_NO_SLOT UINT64_MAX
bool policy_is_user(const struct policy_input *in, uint32_t uid, uint64_t *slot);

/*
 * The primary GID of a synthesized user's passwd entry: the caller's real
 * GID when the caller looks itself up (a pod's gid 0 stays gid 0, and
 * newgrp/sg can give nothing the caller does not already run with);
 * anyone else sees the user's private group (GID = UID), or the overflow
 * GID 65534 when another NSS source knows that GID.
 */
#define OVERFLOW_GID 65534u

/* The IDs `subids pool` may hand out under cfg (every `users` slot and
 * every `self` slot), for `subidctl check`.  false: no pool. */
bool policy_pool_extent(const struct subid_config *cfg, struct idrange *out);
uint32_t policy_primary_gid(const struct policy_input *in, uint32_t uid);

/*
 * The subordinate ranges of an owner, in order.  For a covered user
 * (policy_is_user) the dynamic sources answer first: `userns` (the
 * caller's own namespace, every mapped ID except 0 and the caller's own) or
 * `pool` (initial namespace only); /etc/subuid is read for such a user only
 * when those grant nothing.  The dynamic sources never grant an ID that
 * an /etc/subuid line gives another owner (found through the file's
 * index, so the cost stays flat in its size); `userns` grants nothing in
 * a namespace that maps any ID to itself or maps host root.  Any other
 * owner gets exactly its /etc/subuid lines (by name and by decimal UID,
 * like shadow).  *why (may be NULL) receives a short reason when nothing
 * is granted.
 */
int policy_owner_ranges(const struct policy_input *in, const struct owner *o, struct grants *out, const char **why);

/* Ranges as a plain set, in the same order. */
void grants_to_set(const struct grants *g, struct idset *out);

/* Does the owner hold all of [start, start+count)? */
bool policy_has_range(const struct policy_input *in, const struct owner *o, uint64_t start, uint64_t count);

/*
 * Owners holding id.  Files owners are reported as written (name or uid);
 * dynamic owners by UID.  At most max are stored; returns how many exist
 * (distinct by identity), or a negative errno.
 */
struct owner_ref {
        bool has_uid;
        uint32_t uid;
        char name[33]; /* shadow allows 32-byte user names; longer owners are skipped */
};
int policy_find_owners(const struct policy_input *in, uint64_t id, struct owner_ref *out, size_t max);

/*
 * Name of a subordinate ID: "<owner>-<offset>", when exactly one owner
 * holds it and the result is a valid name.  -ENOENT otherwise.
 */
int policy_subid_name(const struct policy_input *in, uint64_t id, char *buf, size_t bufsz);
/* Inverse of policy_subid_name.  -ENOENT when name is not one of ours. */
int policy_subid_by_name(const struct policy_input *in, const char *name, uint32_t *id);

/*
 * The entities nss_subid synthesizes for an ID (a user for KIND_UID, a group
 * for KIND_GID).  `files` is the parsed /etc/passwd or /etc/group: an ID or
 * a name it knows is never synthesized, so no synthesized name can alias a
 * real account.  policy_user_entity: a covered user (or the group of the
 * same number); policy_subid_entity: a subordinate ID (needs in->subdb and
 * in->map as the caller knows them).  Both write the name and return 0, or
 * return -ENOENT with *why (may be NULL) set.
 */
int policy_user_entity(const struct policy_input *in, const struct colon_db *files, uint32_t id, char *name,
                       size_t namesz, const char **why);
int policy_subid_entity(const struct policy_input *in, const struct colon_db *files, uint32_t id, char *name,
                        size_t namesz, const char **why);
