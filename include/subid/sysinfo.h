/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "subid/config.h"
#include "subid/policy.h"
#include "subid/subuid.h"
#include "subid/uidmap.h"

/*
 * The only part of lib/ that does I/O: it gathers a struct policy_input for
 * the calling process.  Every file is opened with O_NOFOLLOW|O_CLOEXEC and
 * read through the fd; the files that grant privileges (the config,
 * /etc/subuid, /etc/subgid) are used only when they are regular files owned
 * by root and not writable by group or others.  Snapshots are cached per
 * process and revalidated with a stat() (device, inode, size, mtime, ctime):
 * on every call for privileged decisions (the libsubid plugin inside setuid
 * newuidmap, subidctl), and at most every SYS_REVALIDATE_MS for the NSS
 * module (SYS_CACHED), so that a loop of getpwuid() calls costs a fraction
 * of a files lookup.  A new process always reads the current files.  The
 * cache is the only process-global mutable state and is protected by a
 * mutex.  Nothing here logs, exits, or reads the environment.
 */

#ifndef SYS_REVALIDATE_MS
#define SYS_REVALIDATE_MS 100
#endif

/* sys_input_init flags */
#define SYS_SUBDB 1u  /* /etc/subuid or /etc/subgid, loaded on first use */
#define SYS_MAP 2u    /* find the user namespace and its map */
#define SYS_CACHED 4u /* snapshots up to SYS_REVALIDATE_MS old are fine */

#ifndef SUBUID_FILE
#define SUBUID_FILE "/etc/subuid"
#endif
#ifndef SUBGID_FILE
#define SUBGID_FILE "/etc/subgid"
#endif
#ifndef PASSWD_FILE
#define PASSWD_FILE "/etc/passwd"
#endif
#ifndef GROUP_FILE
#define GROUP_FILE "/etc/group"
#endif

/* Kernel constant PROC_USER_INIT_INO (include/linux/proc_ns.h). */
#define USERNS_INIT_INO 0xEFFFFFFDU

enum sys_db { DB_SUBUID, DB_SUBGID, DB_PASSWD, DB_GROUP, DB__MAX };

/*
 * Load and validate a config file for `subidctl check` and the cache.
 * 0: ok; -ENOENT: missing (*cfg = defaults); -EPERM: insecure owner/mode or
 * not a regular file (err says why); -EINVAL: parse error (err has line);
 * other -errno from open/read.
 */
int sys_load_config(const char *path, struct subid_config *cfg, struct config_error *err);

/* Cached copy of NSS_SUBID_CONF (see sys_load_config for return values). */
int sys_config(struct subid_config *out, bool fresh);

/* Take / drop a reference to the cached snapshot of one file.  NULL when the
 * file is absent or (for DB_SUBUID/DB_SUBGID) untrusted. */
const struct colon_db *sys_db_get(enum sys_db which, bool fresh);
void sys_db_put(const struct colon_db *db);

/* Namespace of the calling thread: in_userns and (when in one) its map. */
int sys_userns(enum subid_kind kind, bool *in_userns, struct idmap *map, bool fresh);

/* Everything the policy needs for the calling process.  Holds references:
 * release with sys_input_done(). */
struct sys_input {
        struct subid_config cfg;
        struct idmap map;
        struct policy_input in;
        const struct colon_db *passwd;
        const struct colon_db *group;      /* only for `subids userns no-accounts` */
        const struct colon_db *lazy_subdb; /* loaded by in.subdb_fn on first use */
        int cfg_status;
        bool fresh;
};
/* 0 on success; negative when the config is unusable: then nothing must be
 * granted (in.cfg is NULL). */
int sys_input_init(struct sys_input *si, enum subid_kind kind, unsigned flags);
/* Same, with the configuration read from cfgpath (subidctl --config). */
int sys_input_init_path(struct sys_input *si, enum subid_kind kind, unsigned flags, const char *cfgpath);
void sys_input_done(struct sys_input *si);
/*
 * Does an NSS source other than subid know this UID (KIND_UID) or GID
 * (KIND_GID)?  `files` through the cached snapshot; every other service of
 * the database's nsswitch.conf line through its module's entry point,
 * called directly (never through getpwuid_r, which would ask us again).
 * A service that answers TRYAGAIN counts as knowing it (fail closed).
 */
bool sys_id_known(enum subid_kind k, uint32_t id, bool fresh);
/* True while this thread is inside sys_id_known's module calls: our own
 * NSS entry points then answer NOTFOUND at once (no recursion). */
bool sys_nss_reentered(void);

/* Let the policy load /etc/subuid (or /etc/subgid) if it consults it. */
void sys_input_want_subdb(struct sys_input *si);

/* Owner strings as shadow passes them: 1..256 printable ASCII bytes, no
 * blank, ':' or '/'. */
#define OWNER_MAX 256
bool sys_owner_string_ok(const char *s);
/*
 * Who is `owner`?  A decimal UID (podman asks that way after the name), a
 * name any NSS source knows (getpwnam_r), or one of our template names for
 * a UID the policy covers (never an alias of root or another user).
 * namebuf (nsz bytes) holds the name o->name points to.  false: unusable.
 */
bool sys_resolve_owner(const struct policy_input *in, const char *s, struct owner *o, char *namebuf, size_t nsz);

/*
 * The subordinate ranges of the owner named by string s (a name or a
 * decimal UID), resolving it through NSS only when needed.  The one entry
 * point for the libsubid plugin, newuidmap/newgidmap and subidctl.
 * 0, -ENOENT (unusable owner), or another negative errno.
 */
int sys_owner_ranges(struct sys_input *si, const char *s, struct owner *o, char *namebuf, size_t nsz,
                     struct grants *g, const char **why);
