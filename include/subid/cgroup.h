/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once
/*
 * cgroup v2 delegation, shared by helpers/subid-cgroup and pam_subid.so (so
 * PAM never executes a set-user-ID binary).  Policy (pure) and the one
 * I/O routine that applies it.
 *
 * Configuration (nss_subid.conf): `cgroup-parent PATH` lines name the only
 * cgroup2 directories under which anything may be delegated (none by
 * default: delegation is off); `cgroup-depth N` bounds how far below a
 * parent (default 2).  A cgroup may be delegated to the caller itself, or to
 * a UID inside the caller's granted subordinate UIDs (same policy as
 * newuidmap): e.g. the host UID that container root maps to.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "subid/config.h"
#include "subid/idrange.h"

#define CG_MAX_COMPONENT 64
#define CG_MAX_REL 256

/*
 * A path below a parent, as the caller gives it: 1..depth components of
 * [A-Za-z0-9_.:@-], each 1..64 bytes, not "." or "..", not starting with
 * "cgroup." (the kernel's interface files), separated by single '/', no
 * leading or trailing '/'.  0 or -EINVAL.
 */
int cg_relpath_valid(const char *rel, unsigned max_depth);

/*
 * Names `subid-cgroup create` refuses on top of cg_relpath_valid.  All
 * pure: the list of controllers comes in as an argument.
 *
 * pam_subid creates PARENT/user-UID for a session.  A cgroup an
 * unprivileged caller made under that name first would make the session
 * fail (the cgroup is not the user's) or leave it without a cgroup, so
 * create never makes a cgroup whose name -- the last component of rel,
 * at any depth, since any cgroup may be (or be bind-mounted as) a
 * configured parent -- begins with CG_RESERVED_PREFIX, whatever follows.
 * Case matters ("User-1" is not reserved); existing cgroups are not
 * affected (delegate), and pam_subid (root) creates its own through
 * cg_apply, which does not apply this rule.  true when rel is reserved.
 */
#define CG_RESERVED_PREFIX "user-"
bool cg_name_reserved(const char *rel);

/*
 * Interface files share a cgroup's directory with its children: a child
 * named like one ("memory.max") makes the kernel fail to enable that
 * controller later (the file cannot be created), and confuses every tool
 * that lists the directory.  Every name "<ctrl>.<anything>" is refused for
 * every controller the kernel has or had, enabled or not; "cgroup.*" is
 * cg_relpath_valid's.  A set of such prefixes: CG_KNOWN_CONTROLLERS (all
 * cgroup v1 and v2 controllers of Linux up to 6.18, plus "irq" of
 * irq.pressure, a core file without a controller), to which
 * cg_controllers_add_proc() adds the names of /proc/cgroups.
 */
#define CG_MAX_CONTROLLERS 64
#define CG_MAX_CONTROLLER_NAME 32
struct cg_controllers {
        size_t n;
        char name[CG_MAX_CONTROLLERS][CG_MAX_CONTROLLER_NAME + 1];
};
/* The built-in list alone. */
void cg_controllers_builtin(struct cg_controllers *c);
/*
 * Add the subsystem names of a /proc/cgroups text (len bytes, no NUL
 * needed): lines "NAME<TAB>...", '#' lines skipped.  A name that is not
 * 1..CG_MAX_CONTROLLER_NAME bytes of [a-z0-9_] is skipped, and so is a
 * duplicate.  0, or -E2BIG when the list was full (what fitted is kept).
 */
int cg_controllers_add_proc(struct cg_controllers *c, const char *text, size_t len);
/*
 * Is a component of rel "<ctrl>.<anything>" for a ctrl of c?  0 if none;
 * else -EINVAL with *bad (when not NULL) the index of that controller in
 * c, and *off and *len (when not NULL) the component in rel.
 */
int cg_name_interface(const char *rel, const struct cg_controllers *c, size_t *bad, size_t *off, size_t *len);

/*
 * An absolute cgroup path split into a configured parent and the rest:
 * 0 with *rel pointing into abs, or -EACCES when no configured parent is a
 * proper prefix at a '/' boundary.
 */
int cg_split(const struct subid_config *cfg, const char *abs, const char **parent_out, const char **rel);

/* Is `parent` one of the configured cgroup-parent lines (exactly)? */
bool cg_parent_allowed(const struct subid_config *cfg, const char *parent);

/* May the caller delegate to owner_uid (and owner_gid, UINT32_MAX: keep)?
 * Own IDs always; others only inside the granted subordinate sets. */
bool cg_owner_allowed(uint32_t caller_uid, uint32_t caller_gid, const struct idset *subuids,
                      const struct idset *subgids, uint32_t owner_uid, uint32_t owner_gid);

enum cg_op { CG_CREATE, CG_DELEGATE };

struct cg_request {
        enum cg_op op;
        const char *parent;  /* CG_CREATE: a configured parent; CG_DELEGATE: found by cg_split */
        const char *rel;     /* below parent */
        uint32_t caller_uid; /* who asks */
        uint32_t owner_uid;  /* to whom */
        uint32_t owner_gid;  /* UINT32_MAX: leave the group */
        bool dry_run;
};

/*
 * Apply a request the caller already validated against the policy:
 * open the parent without following symlinks and require cgroup2
 * (fstatfs CGROUP2_SUPER_MAGIC on the fd), walk rel with openat2
 * RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS, mkdir the last
 * component (CG_CREATE; it must not exist) or require an existing cgroup the
 * caller is entitled to (CG_DELEGATE: it already belongs to the caller, or
 * the calling process is a member of it), then fchown the directory,
 * cgroup.procs, cgroup.subtree_control, cgroup.threads and every file the
 * kernel lists in /sys/kernel/cgroup/delegate -- and nothing else.
 * Everything through fds.  No process is moved: moving one is left to the
 * kernel's own rule (write access to cgroup.procs of the common ancestor),
 * which a helper writing as root would bypass.
 * Intermediate cgroups below the parent must be root's or the caller's.
 * Returns 0, or a negative errno with a one-line reason in why; *denied
 * tells a refusal by these ownership rules from a failure of the system.
 * A cgroup this call created is removed again when a later step fails.
 */
int cg_apply(const struct cg_request *rq, bool *denied, char *why, size_t whysz);

/*
 * The I/O side of cg_name_interface: the built-in list plus the names of
 * /proc/cgroups (opened O_NOFOLLOW).  0, or a negative errno when
 * /proc/cgroups could not be read -- *c then holds the built-in list,
 * which is still usable.
 */
int cg_controllers_load(struct cg_controllers *c);
