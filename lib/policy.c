/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "subid/names.h"
#include "subid/policy.h"
#include "subid/strutils.h"

const char *source_name(enum subid_source s)
{
        switch (s) {
        case SRC_FILES:
                return "files";
        case SRC_USERNS:
                return "userns";
        case SRC_POOL:
                return "pool";
        }
        return "?";
}

static bool known(const struct policy_input *in, enum subid_kind k, uint32_t id)
{
        if (k == KIND_UID && id == in->caller_uid)
                return in->caller_known;
        return in->id_known && in->id_known(in, k, id);
}

static uint64_t users_slots(const struct subid_config *cfg)
{
        uint64_t n = 0;
        for (size_t i = 0; i < cfg->n_users; i++)
                n += cfg->users[i].count;
        return n;
}

/* `self`'s slot: the OpenShift project block its UID is the first UID of. */
static uint64_t self_slot(const struct subid_config *cfg, uint32_t uid)
{
        uint32_t k;
        if (uid < SELF_UID_FIRST || (uid - SELF_UID_FIRST) % SELF_UID_STRIDE != 0)
                return POOL_NO_SLOT;
        k = (uid - SELF_UID_FIRST) / SELF_UID_STRIDE;
        return k < SELF_UID_BLOCKS ? users_slots(cfg) + k : POOL_NO_SLOT;
}

bool policy_is_user(const struct policy_input *in, uint32_t uid, uint64_t *slot)
{
        const struct subid_config *cfg = in->cfg;
        uint64_t base = 0;

        if (!cfg || uid == 0 || uid == UINT32_MAX)
                return false;
        for (size_t i = 0; i < cfg->n_users; i++) {
                const struct users_range *u = &cfg->users[i];
                if (uid >= u->first && (uint64_t)uid < (uint64_t)u->first + u->count) {
                        /* A directory (sssd, LDAP) or systemd user is theirs, not ours. */
                        if (known(in, KIND_UID, uid))
                                return false;
                        if (slot)
                                *slot = base + (uid - u->first);
                        return true;
                }
                base += u->count;
        }
        if (cfg->users_self && uid == in->caller_uid && !in->caller_known) {
                if (slot)
                        *slot = self_slot(cfg, uid);
                return true;
        }
        return false;
}

/* The UID of pool slot `slot`, if that slot belongs to someone now. */
static bool pool_slot_uid(const struct policy_input *in, uint64_t slot, uint32_t *uid)
{
        const struct subid_config *cfg = in->cfg;
        for (size_t i = 0; i < cfg->n_users; i++) {
                if (slot < cfg->users[i].count) {
                        *uid = cfg->users[i].first + (uint32_t)slot;
                        return true;
                }
                slot -= cfg->users[i].count;
        }
        if (slot < SELF_UID_BLOCKS && cfg->users_self) {
                *uid = SELF_UID_FIRST + (uint32_t)slot * SELF_UID_STRIDE;
                return *uid == in->caller_uid && !in->caller_known;
        }
        return false;
}

/* The pool block of a slot: whole, below 4294967295, clear of every
 * `users` range and (for `self` slots) of OpenShift's UID space, whose
 * IDs are other pods' own UIDs on the same node. */
static bool pool_block(const struct subid_config *cfg, uint64_t slot, struct idrange *blk)
{
        uint64_t off;
        if (slot == POOL_NO_SLOT || __builtin_mul_overflow(slot, (uint64_t)cfg->pool_count, &off) ||
            off > ID_LIMIT || !idrange_valid((uint64_t)cfg->pool_base + off, cfg->pool_count))
                return false;
        blk->start = cfg->pool_base + off;
        blk->count = cfg->pool_count;
        for (size_t i = 0; i < cfg->n_users; i++) {
                struct idrange u = { cfg->users[i].first, cfg->users[i].count };
                if (idrange_overlaps(blk, &u))
                        return false;
        }
        if (slot >= users_slots(cfg)) {
                struct idrange self = { SELF_UID_FIRST, (uint64_t)SELF_UID_BLOCKS * SELF_UID_STRIDE };
                if (idrange_overlaps(blk, &self))
                        return false;
        }
        return true;
}

bool policy_pool_extent(const struct subid_config *cfg, struct idrange *out)
{
        uint64_t slots = users_slots(cfg) + (cfg->users_self ? SELF_UID_BLOCKS : 0), end;
        if (!cfg->src_pool || slots == 0)
                return false;
        if (__builtin_mul_overflow(slots, (uint64_t)cfg->pool_count, &end) || end > ID_LIMIT - cfg->pool_base)
                end = ID_LIMIT;
        else
                end += cfg->pool_base;
        /* `self` blocks stop short of OpenShift's UIDs (see pool_block) */
        if (cfg->users_self && cfg->pool_base < SELF_UID_FIRST && end > SELF_UID_FIRST)
                end = SELF_UID_FIRST;
        out->start = cfg->pool_base;
        out->count = end - cfg->pool_base;
        return true;
}

uint32_t policy_primary_gid(const struct policy_input *in, uint32_t uid)
{
        if (uid == in->caller_uid)
                return in->caller_gid;
        return known(in, KIND_GID, uid) ? OVERFLOW_GID : uid;
}

static int add(struct grants *out, uint64_t start, uint64_t count, enum subid_source src, unsigned line)
{
        if (!idrange_valid(start, count))
                return -EINVAL;
        if (out->n >= IDSET_MAX)
                return -E2BIG;
        out->g[out->n].r.start = start;
        out->g[out->n].r.count = count;
        out->g[out->n].src = src;
        out->g[out->n].line = line;
        out->n++;
        return 0;
}

static bool line_matches(const struct colon_entry *e, const struct owner *o, const char *uidstr)
{
        if (o->name && strcmp(e->owner, o->name) == 0)
                return true;
        return o->has_uid && strcmp(e->owner, uidstr) == 0;
}

static const struct colon_db *subdb_of(const struct policy_input *in)
{
        if (in->subdb)
                return in->subdb;
        return in->subdb_fn ? in->subdb_fn(in) : NULL;
}

static int files_ranges(const struct policy_input *in, const struct owner *o, struct grants *out)
{
        const struct colon_db *db = subdb_of(in);
        char uidstr[16] = "";

        if (!db)
                return 0;
        if (o->has_uid)
                snprintf(uidstr, sizeof(uidstr), "%u", o->uid);
        for (size_t i = 0; i < db->n; i++) {
                const struct colon_entry *e = &db->e[i];
                if (line_matches(e, o, uidstr)) {
                        int r = add(out, e->id, e->count, SRC_FILES, e->line);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/*
 * A namespace made to isolate (a pod: `0 200000 65536`) maps its IDs to
 * parent IDs that are nobody's there.  One that maps an ID to itself
 * (systemd PrivateUsers=identity, nspawn --private-users=identity, a
 * partial identity) or any ID but its root to a parent ID below 65536 (the
 * parent's own accounts: system users, login users, systemd's dynamic
 * users, nobody) shares the parent's IDs: becoming such an ID in a nested
 * namespace is becoming that account outside.  Such a namespace grants
 * nothing.
 */
static bool map_shares_parent_ids(const struct idmap *m)
{
        for (size_t i = 0; i < m->n; i++) {
                const struct idmap_extent *e = &m->e[i];
                uint64_t in = e->inside, out = e->outside, c = e->count;
                if (in == out)
                        return true;
                if (in == 0) { /* the namespace's root is never granted */
                        in++, out++, c--;
                }
                if (c > 0 && out < 65536)
                        return true;
        }
        return false;
}

static int userns_ranges(const struct policy_input *in, struct grants *out, const char **why)
{
        static __thread struct idset s;
        int r;

        if (map_shares_parent_ids(in->map)) {
                *why = "the user namespace maps IDs to themselves or to the parent's accounts (below 65536)";
                return 0;
        }
        r = idmap_inside_set(in->map, &s);
        if (r < 0)
                return r;
        /* podman rejects a subordinate range that contains the caller's own
         * ID, and 0 is root of the namespace: neither is ever granted. */
        if ((r = idset_subtract(&s, 0, 1)) < 0 || (r = idset_subtract(&s, in->caller_id, 1)) < 0)
                return r;
        if (in->cfg->userns_no_accounts && in->accounts)
                for (size_t i = 0; i < in->accounts->n; i++)
                        if ((r = idset_subtract(&s, in->accounts->e[i].id, 1)) < 0)
                                return r;
        for (size_t i = 0; i < s.n; i++)
                if ((r = add(out, s.r[i].start, s.r[i].count, SRC_USERNS, 0)) < 0)
                        return r;
        return 0;
}

struct foreign {
        const struct owner *o;
        const char *uidstr;
        struct idset *s;
        int err;
};

static int cut_foreign(const struct colon_entry *e, void *ctx)
{
        struct foreign *f = ctx;
        if (line_matches(e, f->o, f->uidstr))
                return 0;
        f->err = idset_subtract(f->s, e->id, e->count);
        return f->err < 0;
}

/*
 * Remove from the dynamic grants out->g[from..] every ID that an
 * /etc/subuid (/etc/subgid) line gives another owner: whatever a source
 * computes, it never hands out IDs the files already gave someone else.
 */
static int drop_foreign(const struct policy_input *in, const struct owner *o, struct grants *out, size_t from)
{
        static __thread struct grants dyn;
        static __thread struct idset s;
        const struct colon_db *db = subdb_of(in);
        char uidstr[16] = "";
        int r;

        if ((!db && !in->accounts) || out->n == from)
                return 0;
        if (o->has_uid)
                snprintf(uidstr, sizeof(uidstr), "%u", o->uid);
        dyn.n = out->n - from;
        memcpy(dyn.g, out->g + from, dyn.n * sizeof(dyn.g[0]));
        out->n = from;
        for (size_t i = 0; i < dyn.n; i++) {
                struct foreign f = { o, uidstr, &s, 0 };
                idset_init(&s);
                if ((r = idset_append(&s, dyn.g[i].r.start, dyn.g[i].r.count)) < 0)
                        return r;
                if (db && colon_db_each_overlap(db, dyn.g[i].r.start, dyn.g[i].r.count, cut_foreign, &f) && f.err < 0)
                        return f.err;
                /* A pool block on a host must not hand out a real account's
                 * ID either (becoming UID 1000 in a namespace is being alice
                 * on every file system it can see). */
                if (dyn.g[i].src == SRC_POOL && in->accounts)
                        for (size_t j = 0; j < in->accounts->n; j++)
                                if ((r = idset_subtract(&s, in->accounts->e[j].id, 1)) < 0)
                                        return r;
                for (size_t j = 0; j < s.n; j++)
                        if ((r = add(out, s.r[j].start, s.r[j].count, dyn.g[i].src, dyn.g[i].line)) < 0)
                                return r;
        }
        return 0;
}

int policy_owner_ranges(const struct policy_input *in, const struct owner *o, struct grants *out, const char **why)
{
        const struct subid_config *cfg = in->cfg;
        uint64_t slot;
        const char *dummy;
        int r = 0;

        out->n = 0;
        if (!why)
                why = &dummy;
        *why = NULL;
        if (!cfg) {
                *why = "no usable configuration";
                return 0;
        }
        if (o->has_uid && policy_is_user(in, o->uid, &slot)) {
                struct config_error err;
                struct idrange blk;
                if (in->in_userns) {
                        if (!cfg->src_userns)
                                *why = "in a user namespace, but 'subids userns' is not configured";
                        else if (o->uid != in->caller_uid)
                                *why = "userns ranges go only to the caller itself";
                        else if (!in->map)
                                *why = "the user namespace's map could not be read";
                        else if ((r = userns_ranges(in, out, why)) < 0)
                                return r;
                } else if (!cfg->src_pool) {
                        *why = "in the initial user namespace and no 'subids pool' is configured";
                } else if (slot == POOL_NO_SLOT) {
                        *why = "'users self' gets a pool block only as the first UID of an OpenShift project block "
                               "(1000000000 + 10000*k); list the UID in a 'users' range";
                } else if (!pool_block(cfg, slot, &blk)) {
                        *why = "this UID's pool block does not fit below 4294967295 clear of the 'users' ranges "
                               "and OpenShift's UIDs";
                } else if (idrange_contains(&blk, in->caller_uid) || idrange_contains(&blk, in->caller_id) ||
                           config_validate_for_caller(cfg, in->caller_uid, &err) < 0 ||
                           config_validate_for_caller(cfg, in->caller_id, &err) < 0) {
                        *why = "the pool contains the caller's own ID";
                } else if ((r = add(out, blk.start, blk.count, SRC_POOL, cfg->pool_line)) < 0) {
                        return r;
                }
                if (out->n > 0 && (r = drop_foreign(in, o, out, 0)) < 0)
                        return r;
                if (out->n > 0)
                        return 0;
                if (!*why)
                        *why = "every ID of this source belongs to another owner's line in the subordinate ID file";
        } else if (o->has_uid && o->uid == 0) {
                *why = "UID 0 is not covered by 'users'";
        }
        if (cfg->src_files) {
                if ((r = files_ranges(in, o, out)) < 0)
                        return r;
                if (out->n == 0 && !*why)
                        *why = "no line for this owner in the subordinate ID file";
        } else if (out->n == 0 && !*why) {
                *why = "not covered by 'users' and 'subids files' is not configured";
        }
        if (out->n > 0)
                *why = NULL;
        return 0;
}

void grants_to_set(const struct grants *g, struct idset *out)
{
        out->n = g->n;
        for (size_t i = 0; i < g->n; i++)
                out->r[i] = g->g[i].r;
}

bool policy_has_range(const struct policy_input *in, const struct owner *o, uint64_t start, uint64_t count)
{
        static __thread struct grants g;
        static __thread struct idset s;

        if (policy_owner_ranges(in, o, &g, NULL) < 0)
                return false;
        grants_to_set(&g, &s);
        return idset_contains_range(&s, start, count);
}

/* Canonical identity of an owner as a files line writes it: a decimal UID
 * or one of our template names is that UID; anything else is a name. */
static bool ref_from_string(const struct policy_input *in, const char *s, struct owner_ref *ref)
{
        uint32_t uid;
        memset(ref, 0, sizeof(*ref));
        /* A template name stands for a UID only when that UID is one we
         * synthesize: "u0" is not root, "u1" is not daemon. */
        if (parse_u32(s, &uid) == 0 || (id_for_name(in->cfg, s, &uid) == 0 && policy_is_user(in, uid, NULL))) {
                ref->has_uid = true;
                ref->uid = uid;
                return true;
        }
        if (strlen_max(s, sizeof(ref->name) - 1) > sizeof(ref->name) - 1)
                return false;
        strcpy(ref->name, s);
        return true;
}

static void owner_from_ref(const struct policy_input *in, const struct owner_ref *ref, struct owner *o,
                           char *namebuf, size_t namesz)
{
        memset(o, 0, sizeof(*o));
        if (ref->has_uid) {
                o->has_uid = true;
                o->uid = ref->uid;
                /* Only a synthesized user is called by its template name; a
                 * UID-only owner otherwise has no name here (and so its
                 * subordinate IDs get none: it could not be read back). */
                o->name = policy_is_user(in, ref->uid, NULL) && name_for_id(in->cfg, ref->uid, namebuf, namesz) >= 0
                                  ? namebuf
                                  : NULL;
        } else {
                o->name = ref->name;
        }
}

static bool ref_eq(const struct owner_ref *a, const struct owner_ref *b)
{
        if (a->has_uid != b->has_uid)
                return false;
        return a->has_uid ? a->uid == b->uid : strcmp(a->name, b->name) == 0;
}

static bool holds(const struct policy_input *in, const struct owner_ref *ref, uint64_t id)
{
        struct owner o;
        char nb[NAME_MAX_LEN + 1];
        owner_from_ref(in, ref, &o, nb, sizeof(nb));
        return policy_has_range(in, &o, id, 1);
}

int policy_find_owners(const struct policy_input *in, uint64_t id, struct owner_ref *out, size_t max)
{
        /* Candidates from every source, then each is confirmed by computing
         * its ranges with policy_owner_ranges: one rule, no second opinion. */
        struct owner_ref cand[64];
        size_t nc = 0, found = 0;
        const struct subid_config *cfg = in->cfg;

        if (!cfg || id == 0 || id >= ID_LIMIT)
                return 0;
        if (cfg->src_pool && !in->in_userns && id >= cfg->pool_base) {
                uint64_t slot = (id - cfg->pool_base) / cfg->pool_count;
                /* holds() below confirms it: the block may be cut or refused. */
                uint32_t uid;
                if (pool_slot_uid(in, slot, &uid)) {
                        cand[nc] = (struct owner_ref){ .has_uid = true, .uid = uid };
                        nc++;
                }
        }
        if (cfg->src_userns && in->in_userns && in->caller_uid != 0) {
                cand[nc] = (struct owner_ref){ .has_uid = true, .uid = in->caller_uid };
                nc++;
        }
        const struct colon_db *db = cfg->src_files ? subdb_of(in) : NULL;
        if (db) {
                for (size_t i = 0; i < db->n && nc < 64; i++) {
                        const struct colon_entry *e = &db->e[i];
                        if (id >= e->id && id < (uint64_t)e->id + e->count && ref_from_string(in, e->owner, &cand[nc]))
                                nc++;
                }
        }
        for (size_t i = 0; i < nc; i++) {
                bool dup = false;
                for (size_t j = 0; j < i && !dup; j++)
                        dup = ref_eq(&cand[i], &cand[j]);
                if (dup || !holds(in, &cand[i], id))
                        continue;
                if (found < max)
                        out[found] = cand[i];
                found++;
        }
        return (int)found;
}

int policy_subid_name(const struct policy_input *in, uint64_t id, char *buf, size_t bufsz)
{
        struct owner_ref ref[2];
        struct owner o;
        char nb[NAME_MAX_LEN + 1];
        static __thread struct grants g;
        static __thread struct idset s;
        uint64_t off;
        int r;

        if (!in->cfg || !in->cfg->subid_names)
                return -ENOENT;
        if (policy_find_owners(in, id, ref, 2) != 1)
                return -ENOENT;
        owner_from_ref(in, &ref[0], &o, nb, sizeof(nb));
        if (!o.name)
                return -ENOENT;
        if ((r = policy_owner_ranges(in, &o, &g, NULL)) < 0)
                return r;
        grants_to_set(&g, &s);
        if (idset_offset_of(&s, id, &off) < 0)
                return -ENOENT;
        r = subname_format(o.name, off, buf, bufsz);
        return r < 0 ? -ENOENT : r;
}

int policy_subid_by_name(const struct policy_input *in, const char *name, uint32_t *id)
{
        char owner[NAME_MAX_LEN + 1], nb[NAME_MAX_LEN + 1], back[NAME_MAX_LEN + 1];
        struct owner_ref ref;
        struct owner o;
        static __thread struct grants g;
        static __thread struct idset s;
        uint64_t off, v;

        if (!in->cfg || !in->cfg->subid_names)
                return -ENOENT;
        if (subname_parse(name, owner, sizeof(owner), &off) < 0)
                return -ENOENT;
        if (!ref_from_string(in, owner, &ref))
                return -ENOENT;
        owner_from_ref(in, &ref, &o, nb, sizeof(nb));
        if (policy_owner_ranges(in, &o, &g, NULL) < 0)
                return -ENOENT;
        grants_to_set(&g, &s);
        if (idset_id_at(&s, off, &v) < 0)
                return -ENOENT;
        /* Only the canonical spelling maps back: "u0001-3" or a second owner
         * claiming the ID must not resolve. */
        if (policy_subid_name(in, v, back, sizeof(back)) < 0 || strcmp(back, name) != 0)
                return -ENOENT;
        *id = (uint32_t)v;
        return 0;
}

static int no(const char **why, const char *reason)
{
        if (why)
                *why = reason;
        return -ENOENT;
}

int policy_user_entity(const struct policy_input *in, const struct colon_db *files, uint32_t id, char *name,
                       size_t namesz, const char **why)
{
        if (!in->cfg)
                return no(why, "no usable configuration");
        if (id == 0 || id == UINT32_MAX)
                return no(why, "ID 0 and 4294967295 are never synthesized");
        if (files && colon_db_has_id(files, id))
                return no(why, "the ID is in the files database");
        if (known(in, in->kind, id))
                return no(why, "another NSS source knows the ID");
        if (!policy_is_user(in, id, NULL))
                return no(why, "the ID is not covered by 'users'");
        if (name_for_id(in->cfg, id, name, namesz) < 0)
                return no(why, "the name would be too long");
        if (files && colon_db_has_name(files, name))
                return no(why, "the name is in the files database");
        return 0;
}

int policy_subid_entity(const struct policy_input *in, const struct colon_db *files, uint32_t id, char *name,
                        size_t namesz, const char **why)
{
        if (!in->cfg)
                return no(why, "no usable configuration");
        if (!in->cfg->subid_names)
                return no(why, "subid-names is off");
        if (id == 0 || id == UINT32_MAX)
                return no(why, "ID 0 and 4294967295 are never synthesized");
        if (files && colon_db_has_id(files, id))
                return no(why, "the ID is in the files database");
        if (known(in, in->kind, id))
                return no(why, "another NSS source knows the ID");
        if (policy_subid_name(in, id, name, namesz) < 0)
                return no(why, "not a subordinate ID of exactly one owner");
        if (files && colon_db_has_name(files, name))
                return no(why, "the name is in the files database");
        return 0;
}
