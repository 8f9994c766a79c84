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

bool policy_is_user(const struct policy_input *in, uint32_t uid, uint64_t *slot)
{
        const struct subid_config *cfg = in->cfg;
        uint64_t base = 0;

        if (!cfg || uid == 0 || uid == UINT32_MAX)
                return false;
        for (size_t i = 0; i < cfg->n_users; i++) {
                const struct users_range *u = &cfg->users[i];
                if (uid >= u->first && (uint64_t)uid < (uint64_t)u->first + u->count) {
                        if (slot)
                                *slot = base + (uid - u->first);
                        return true;
                }
                base += u->count;
        }
        if (cfg->users_self && uid == in->caller_uid && !in->caller_known) {
                if (slot)
                        *slot = base;
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
        if (slot == 0 && cfg->users_self && !in->caller_known && in->caller_uid != 0) {
                *uid = in->caller_uid;
                return true;
        }
        return false;
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

static int userns_ranges(const struct policy_input *in, struct grants *out)
{
        struct idset s;
        int r;

        r = idmap_inside_set(in->map, &s);
        if (r < 0)
                return r;
        /* podman rejects a subordinate range that contains the caller's own
         * ID, and 0 is root of the namespace: neither is ever granted. */
        if ((r = idset_subtract(&s, 0, 1)) < 0 || (r = idset_subtract(&s, in->caller_id, 1)) < 0)
                return r;
        for (size_t i = 0; i < s.n; i++)
                if ((r = add(out, s.r[i].start, s.r[i].count, SRC_USERNS, 0)) < 0)
                        return r;
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
                if (in->in_userns) {
                        if (!cfg->src_userns)
                                *why = "in a user namespace, but 'subids userns' is not configured";
                        else if (o->uid != in->caller_uid)
                                *why = "userns ranges go only to the caller itself";
                        else if (!in->map)
                                *why = "the user namespace's map could not be read";
                        else if ((r = userns_ranges(in, out)) < 0)
                                return r;
                } else if (cfg->src_pool) {
                        struct config_error err;
                        if (config_validate_for_caller(cfg, in->caller_uid, &err) < 0 ||
                            config_validate_for_caller(cfg, in->caller_id, &err) < 0)
                                *why = "the pool contains the caller's own ID";
                        else if ((r = add(out, cfg->pool_base + slot * cfg->pool_count, cfg->pool_count, SRC_POOL,
                                          cfg->pool_line)) < 0)
                                return r;
                } else {
                        *why = "in the initial user namespace and no 'subids pool' is configured";
                }
                if (out->n > 0)
                        return 0;
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
        if (policy_subid_name(in, id, name, namesz) < 0)
                return no(why, "not a subordinate ID of exactly one owner");
        if (files && colon_db_has_name(files, name))
                return no(why, "the name is in the files database");
        return 0;
}
