/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pam_subid: session module for users that exist only through nss_subid
 * (and, with `all_users`, for any user but root).  open_session:
 *
 *   1. validate PAM_USER (systemd's strict user-name rules) and look it up;
 *      nothing is ever built from the name: every path uses the numeric UID;
 *   2. create RUNTIME_DIR/UID (default /run/user/UID), mode 0700, owned by
 *      the user, labelled by libselinux when SELinux is enabled; refuse a
 *      symlink or a directory that belongs to someone else; export
 *      XDG_RUNTIME_DIR;
 *   3. with `cgroup`, create and delegate PARENT/user-UID through the same
 *      lib/ code as subid-cgroup (no set-user-ID program is executed) and
 *      export NSS_SUBID_CGROUP; the session process itself (root's) is not
 *      moved into a cgroup the user controls.
 *
 * close_session undoes only what open_session of the same handle did: the
 * runtime directory is removed when the last session that this module
 * counted ends (a root-only reference count under RUNTIME_DIR/.pam_subid,
 * changed under a lock), the cgroup when it is empty.  Logs through pam_syslog only.  See
 * pam_subid(8).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <selinux/label.h>
#include <selinux/selinux.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "subid/cgroup.h"
#include "subid/names.h"
#include "subid/policy.h"
#include "subid/strutils.h"
#include "subid/sysinfo.h"

#define EXPORT __attribute__((visibility("default")))

#define DEFAULT_RUNTIME_DIR "/run/user"
#define STATE_DIR ".pam_subid"
#define DATA_KEY "pam_subid:session"
#define RM_MAX_DEPTH 64

struct options {
        bool debug;
        bool all_users;
        bool cgroup;
        const char *cgroup_parent; /* NULL: the first configured one */
        const char *runtime_dir;
};

/* What open_session did, for close_session of the same handle. */
struct session {
        uid_t uid;
        bool counted;        /* holds a reference on the runtime directory */
        bool cgroup_created; /* created cgroup_path */
        char runtime_dir[CONFIG_MAX_PATH + 1];
        char cgroup_parent[CONFIG_MAX_PATH + 1];
        char cgroup_rel[32];
};

/* A caller-supplied string made safe for the log (lib/strutils.c). */
struct clean {
        char s[64 + 4];
};
static struct clean clean(const char *in)
{
        struct clean c;
        const char *r = str_printable(in, c.s, 64);
        if (r != c.s)
                snprintf(c.s, sizeof(c.s), "%s", r);
        return c;
}

static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* An absolute path the administrator wrote: no "..", no "//", no trailing '/'. */
static bool admin_path_ok(const char *p)
{
        size_t n = strlen_max(p, CONFIG_MAX_PATH);
        if (n == 0 || n > CONFIG_MAX_PATH || p[0] != '/' || (n > 1 && p[n - 1] == '/'))
                return false;
        for (const char *c = p; *c; c++) {
                if ((unsigned char)*c < 0x21 || (unsigned char)*c > 0x7e)
                        return false;
                if (c[0] == '/' && (c[1] == '/' || (c[1] == '.' && (c[2] == '/' || !c[2] ||
                                                                     (c[2] == '.' && (c[3] == '/' || !c[3]))))))
                        return false;
        }
        return true;
}

static int parse_options(pam_handle_t *pamh, int argc, const char **argv, struct options *o)
{
        *o = (struct options){ .runtime_dir = DEFAULT_RUNTIME_DIR };
        for (int i = 0; i < argc; i++) {
                const char *a = argv[i];
                if (strcmp(a, "debug") == 0) {
                        o->debug = true;
                } else if (strcmp(a, "all_users") == 0) {
                        o->all_users = true;
                } else if (strcmp(a, "cgroup") == 0) {
                        o->cgroup = true;
                } else if (strncmp(a, "cgroup=", 7) == 0 && admin_path_ok(a + 7)) {
                        o->cgroup = true;
                        o->cgroup_parent = a + 7;
                } else if (strncmp(a, "runtime_dir=", 12) == 0 && admin_path_ok(a + 12) && strcmp(a + 12, "/") != 0) {
                        o->runtime_dir = a + 12;
                } else {
                        /* An option we do not understand may have been meant
                         * to restrict us: do nothing rather than guess. */
                        pam_syslog(pamh, LOG_ERR, "unknown or invalid option '%s'", clean(a).s);
                        return -EINVAL;
                }
        }
        return 0;
}

/* Did nss_subid synthesize this user (UID and name), in this process? */
static bool synthesized(uid_t uid, const char *name)
{
        struct sys_input si;
        char ours[NAME_MAX_LEN + 1];
        bool yes = false;

        if (sys_input_init(&si, KIND_UID, 0) == 0)
                yes = policy_user_entity(&si.in, si.passwd, (uint32_t)uid, ours, sizeof(ours), NULL) == 0 &&
                      strcmp(ours, name) == 0;
        sys_input_done(&si);
        return yes;
}

/* ---------------------------------------------------------------- runtime dir */

/* The base directory: root's, not writable by anyone else; when `create`,
 * made (0755, whatever the umask) if missing.  Opened without following a
 * symlink at its last component; the path itself comes from the
 * administrator. */
static int open_base(pam_handle_t *pamh, const char *path, bool create)
{
        struct stat st;
        bool made = false;
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && create) {
                if (mkdir(path, 0755) == 0)
                        made = true;
                else if (errno != EEXIST) {
                        pam_syslog(pamh, LOG_ERR, "cannot create %s: %m", path);
                        return -1;
                }
                fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0) {
                pam_syslog(pamh, LOG_ERR, "cannot open %s: %m", path);
                return -1;
        }
        if (made && fchmod(fd, 0755) < 0) {
                pam_syslog(pamh, LOG_ERR, "cannot chmod %s: %m", path);
                close(fd);
                return -1;
        }
        if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022)) {
                pam_syslog(pamh, LOG_ERR, "%s is not owned by root or is writable by others: refusing it", path);
                close(fd);
                return -1;
        }
        return fd;
}

/* Label a new directory as the policy says files at `path` should be. */
static int selinux_label(pam_handle_t *pamh, int fd, const char *path)
{
        struct selabel_handle *h;
        char *con = NULL;
        int r = 0;

        if (is_selinux_enabled() <= 0)
                return 0;
        h = selabel_open(SELABEL_CTX_FILE, NULL, 0);
        if (!h) {
                pam_syslog(pamh, LOG_ERR, "selabel_open: %m");
                return security_getenforce() == 1 ? -1 : 0;
        }
        if (selabel_lookup(h, &con, path, S_IFDIR | 0700) == 0) {
                if (fsetfilecon(fd, con) < 0) {
                        pam_syslog(pamh, LOG_ERR, "cannot label %s as %s: %m", path, con);
                        r = security_getenforce() == 1 ? -1 : 0;
                }
                freecon(con);
        } else if (errno != ENOENT) {
                pam_syslog(pamh, LOG_ERR, "no SELinux label for %s: %m", path);
                r = security_getenforce() == 1 ? -1 : 0;
        }
        selabel_close(h);
        return r;
}

/*
 * Sessions using BASE/UID are counted in BASE/.pam_subid/UID (root's, 0700).
 * The state directory's flock is held across creating or checking the
 * runtime directory and counting, and across counting down and removing it,
 * so concurrent logins and logouts of one user cannot lose a directory.
 * Returns the locked state directory fd (close it to unlock), or -1.
 */
static int state_lock(int basefd)
{
        struct stat st;
        if (mkdirat(basefd, STATE_DIR, 0700) < 0 && errno != EEXIST)
                return -1;
        int sfd = openat(basefd, STATE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sfd < 0)
                return -1;
        if (fstat(sfd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077) || flock(sfd, LOCK_EX) < 0) {
                close(sfd);
                return -1;
        }
        return sfd;
}

/* Add to the count (reset: start from 0, for a directory just created).
 * A directory with no count file was not created by this module: it is not
 * counted (returns 0 for +1, -1 for -1).  Returns the new count, or -1. */
static int count_update(int sfd, const char *uidname, int add, bool reset)
{
        _cleanup_close_ int fd = -1;
        char buf[32], tmp[48];
        long count = 0;
        ssize_t n;

        fd = reset ? -1 : openat(sfd, uidname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
                n = read(fd, buf, sizeof(buf) - 1);
                if (n > 0 && buf[n - 1] == '\n') {
                        uint32_t v;
                        buf[n - 1] = '\0';
                        if (parse_u32(buf, &v) == 0 && v < 1000000)
                                count = v;
                }
        } else if (!reset) {
                return add > 0 ? 0 : -1;
        }
        count += add;
        if (count <= 0) {
                unlinkat(sfd, uidname, 0);
                return 0;
        }
        snprintf(tmp, sizeof(tmp), "%s.new", uidname);
        int len = snprintf(buf, sizeof(buf), "%ld\n", count);
        _cleanup_close_ int w = openat(sfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (w < 0 || write(w, buf, (size_t)len) != len || fsync(w) < 0 || renameat(sfd, tmp, sfd, uidname) < 0) {
                unlinkat(sfd, tmp, 0);
                return -1;
        }
        return (int)count;
}

/* The mount a file descriptor is on (bind mounts of one file system differ). */
static uint64_t mount_id(int fd)
{
        struct statx sx;
        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
                return 0;
        return sx.stx_mnt_id;
}

/* Remove everything below dirfd without following a symlink or leaving the
 * file system; the user owns this tree and may change it meanwhile, which
 * costs at worst a leftover entry. */
static void rm_below(int dirfd, dev_t dev, uint64_t mnt, unsigned depth)
{
        int dup_fd = dup(dirfd);
        DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
        struct dirent *de;

        if (!d) {
                if (dup_fd >= 0)
                        close(dup_fd);
                return;
        }
        while ((de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (unlinkat(dirfd, de->d_name, 0) == 0 || (errno != EISDIR && errno != EPERM))
                        continue;
                _cleanup_close_ int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                struct stat st;
                if (sub < 0 || fstat(sub, &st) < 0 || st.st_dev != dev || mount_id(sub) != mnt ||
                    depth >= RM_MAX_DEPTH)
                        continue;
                rm_below(sub, dev, mnt, depth + 1);
                unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
        }
        closedir(d);
}

static int runtime_dir_open(pam_handle_t *pamh, const struct options *o, const struct passwd *pw,
                            struct session *s)
{
        _cleanup_close_ int base = -1;
        _cleanup_close_ int sfd = -1;
        _cleanup_close_ int fd = -1;
        char uidname[16], path[CONFIG_MAX_PATH + 24];
        bool created = false;
        struct stat st;
        int c;

        snprintf(uidname, sizeof(uidname), "%u", (unsigned)pw->pw_uid);
        snprintf(path, sizeof(path), "%s/%s", o->runtime_dir, uidname);
        base = open_base(pamh, o->runtime_dir, true);
        if (base < 0)
                return -1;
        sfd = state_lock(base);
        if (sfd < 0) {
                pam_syslog(pamh, LOG_ERR, "%s/" STATE_DIR " is unusable: refusing the session", o->runtime_dir);
                return -1;
        }
        if (mkdirat(base, uidname, 0700) == 0)
                created = true;
        else if (errno != EEXIST) {
                pam_syslog(pamh, LOG_ERR, "cannot create %s: %m", path);
                return -1;
        }
        fd = openat(base, uidname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0) {
                pam_syslog(pamh, LOG_ERR, "%s: %s: refusing it", path,
                           errno == ELOOP || errno == ENOTDIR ? "not a directory (a symlink?)" : strerror(errno));
                goto undo;
        }
        if (created) {
                /* Ours since mkdirat: the base is writable by root only. */
                if (fchown(fd, pw->pw_uid, pw->pw_gid) < 0 || fchmod(fd, 0700) < 0) {
                        pam_syslog(pamh, LOG_ERR, "cannot hand %s to UID %u: %m", path, (unsigned)pw->pw_uid);
                        goto undo;
                }
                if (selinux_label(pamh, fd, path) < 0)
                        goto undo;
        } else if (st.st_uid != pw->pw_uid || (st.st_mode & 07777) != 0700) {
                pam_syslog(pamh, LOG_ERR, "%s exists with owner %u and mode %04o, not %u and 0700: refusing it", path,
                           (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), (unsigned)pw->pw_uid);
                return -1;
        }
        c = count_update(sfd, uidname, 1, created);
        if (c < 0) {
                pam_syslog(pamh, LOG_ERR, "cannot record the session in %s/" STATE_DIR, o->runtime_dir);
                goto undo;
        }
        s->counted = c > 0;
        snprintf(s->runtime_dir, sizeof(s->runtime_dir), "%s", o->runtime_dir);
        if (o->debug)
                pam_syslog(pamh, LOG_DEBUG, "%s %s (sessions counted: %d)", created ? "created" : "reusing", path, c);
        return 0;
undo:
        if (created)
                unlinkat(base, uidname, AT_REMOVEDIR);
        return -1;
}

static void runtime_dir_close(pam_handle_t *pamh, const struct session *s, bool debug)
{
        _cleanup_close_ int base = -1;
        _cleanup_close_ int sfd = -1;
        _cleanup_close_ int fd = -1;
        char uidname[16];
        struct stat st;

        if (!s->counted)
                return;
        snprintf(uidname, sizeof(uidname), "%u", (unsigned)s->uid);
        base = open_base(pamh, s->runtime_dir, false);
        if (base < 0 || (sfd = state_lock(base)) < 0)
                return;
        if (count_update(sfd, uidname, -1, false) != 0)
                return;
        fd = openat(base, uidname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != s->uid)
                return;
        rm_below(fd, st.st_dev, mount_id(fd), 0);
        if (unlinkat(base, uidname, AT_REMOVEDIR) < 0)
                pam_syslog(pamh, LOG_NOTICE, "could not remove %s/%s: %m", s->runtime_dir, uidname);
        else if (debug)
                pam_syslog(pamh, LOG_DEBUG, "removed %s/%s", s->runtime_dir, uidname);
}

/* ---------------------------------------------------------------- cgroup */

static int cgroup_open(pam_handle_t *pamh, const struct options *o, const struct passwd *pw, struct session *s)
{
        struct subid_config cfg;
        struct cg_request rq = { 0 };
        char why[512];
        bool denied = false;
        int r = sys_config(&cfg, true);

        if (r < 0 && r != -ENOENT) {
                pam_syslog(pamh, LOG_ERR, "%s is unusable (see 'subidctl check'): no cgroup delegated", NSS_SUBID_CONF);
                return -1;
        }
        rq.parent = o->cgroup_parent ? o->cgroup_parent : (cfg.n_cgroup_parents ? cfg.cgroup_parents[0] : NULL);
        if (!rq.parent || !cg_parent_allowed(&cfg, rq.parent)) {
                pam_syslog(pamh, LOG_ERR, "cgroup: %s is not a cgroup-parent in %s", rq.parent ? rq.parent : "(none)",
                           NSS_SUBID_CONF);
                return -1;
        }
        snprintf(s->cgroup_rel, sizeof(s->cgroup_rel), CG_RESERVED_PREFIX "%u", (unsigned)pw->pw_uid);
        rq.op = CG_CREATE;
        rq.rel = s->cgroup_rel;
        rq.caller_uid = (uint32_t)pw->pw_uid; /* an existing one must already be the user's */
        rq.owner_uid = (uint32_t)pw->pw_uid;
        rq.owner_gid = (uint32_t)pw->pw_gid;
        /* The session process (root's login, su or sshd) is NOT moved in: in
         * a cgroup the user owns, the user could move it into a sub-cgroup
         * of theirs and freeze or kill it.  Nothing else is moved either
         * (cg_apply never moves): processes get there where the kernel's
         * own rule allows it.  rq.rel is reserved (CG_RESERVED_PREFIX):
         * subid-cgroup never creates it, so no other user can take it
         * first. */
        r = cg_apply(&rq, &denied, why, sizeof(why));
        if (r == -EEXIST) {
                rq.op = CG_DELEGATE;
                r = cg_apply(&rq, &denied, why, sizeof(why));
        } else if (r == 0) {
                s->cgroup_created = true;
        }
        if (r < 0) {
                pam_syslog(pamh, LOG_ERR, "cgroup: %s", why);
                return -1;
        }
        snprintf(s->cgroup_parent, sizeof(s->cgroup_parent), "%s", rq.parent);
        if (o->debug)
                pam_syslog(pamh, LOG_DEBUG, "cgroup %s/%s delegated to UID %u", rq.parent, rq.rel, (unsigned)pw->pw_uid);
        return 0;
}

/* Remove the cgroup we created, if nothing is in it any more. */
static void cgroup_close(pam_handle_t *pamh, const struct session *s, bool debug)
{
        _cleanup_close_ int parent = -1;

        if (!s->cgroup_created)
                return;
        parent = open(s->cgroup_parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (parent < 0)
                return;
        if (unlinkat(parent, s->cgroup_rel, AT_REMOVEDIR) < 0)
                pam_syslog(pamh, errno == EBUSY ? LOG_INFO : LOG_NOTICE, "cgroup %s/%s left in place: %m",
                           s->cgroup_parent, s->cgroup_rel);
        else if (debug)
                pam_syslog(pamh, LOG_DEBUG, "removed cgroup %s/%s", s->cgroup_parent, s->cgroup_rel);
}

/* ---------------------------------------------------------------- PAM entry points */

static void session_free(pam_handle_t *pamh, void *data, int err)
{
        free(data);
}

/* The user, validated before anything is done with it. */
static int get_user(pam_handle_t *pamh, const struct options *o, struct passwd *pw, char *buf, size_t bufsz,
                    const char **name)
{
        const void *item = NULL;
        struct passwd *res = NULL;

        if (pam_get_item(pamh, PAM_USER, &item) != PAM_SUCCESS || !item) {
                pam_syslog(pamh, LOG_ERR, "no PAM_USER");
                return PAM_USER_UNKNOWN;
        }
        *name = item;
        if (!name_is_valid(*name)) {
                pam_syslog(pamh, LOG_ERR, "refusing user name '%s': not a valid user name", clean(*name).s);
                return PAM_USER_UNKNOWN;
        }
        int e = getpwnam_r(*name, pw, buf, bufsz, &res);
        if (e != 0 || !res) {
                pam_syslog(pamh, LOG_ERR, "unknown user '%s'", *name);
                return PAM_USER_UNKNOWN;
        }
        if (strcmp(pw->pw_name, *name) != 0) {
                pam_syslog(pamh, LOG_ERR, "user '%s' resolves to '%s'", *name, clean(pw->pw_name).s);
                return PAM_USER_UNKNOWN;
        }
        if (o->debug)
                pam_syslog(pamh, LOG_DEBUG, "user %s is UID %u GID %u", *name, (unsigned)pw->pw_uid,
                           (unsigned)pw->pw_gid);
        return PAM_SUCCESS;
}

EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
        struct options o;
        struct passwd pw;
        char buf[4096];
        const char *name;
        struct session *s;
        int r;

        if (parse_options(pamh, argc, argv, &o) < 0)
                return PAM_SESSION_ERR;
        r = get_user(pamh, &o, &pw, buf, sizeof(buf), &name);
        if (r != PAM_SUCCESS)
                return r;
        if (pw.pw_uid == 0) {
                if (o.debug)
                        pam_syslog(pamh, LOG_DEBUG, "nothing to do for root");
                return PAM_IGNORE;
        }
        if (!o.all_users && !synthesized(pw.pw_uid, name)) {
                if (o.debug)
                        pam_syslog(pamh, LOG_DEBUG, "%s is not a user nss_subid synthesizes: nothing to do", name);
                return PAM_IGNORE;
        }
        if (geteuid() != 0) {
                pam_syslog(pamh, LOG_NOTICE, "not running as root: no runtime directory or cgroup for %s", name);
                return PAM_IGNORE;
        }
        /* open_session twice on one handle: one session, counted once. */
        const void *prev = NULL;
        if (pam_get_data(pamh, DATA_KEY, &prev) == PAM_SUCCESS && prev)
                return PAM_SUCCESS;
        s = calloc(1, sizeof(*s));
        if (!s)
                return PAM_BUF_ERR;
        s->uid = pw.pw_uid;
        if (runtime_dir_open(pamh, &o, &pw, s) < 0) {
                free(s);
                return PAM_SESSION_ERR;
        }
        if (o.cgroup && cgroup_open(pamh, &o, &pw, s) < 0) {
                runtime_dir_close(pamh, s, o.debug);
                free(s);
                return PAM_SESSION_ERR;
        }
        /* The environment last: a failed session exports nothing. */
        char env[2][CONFIG_MAX_PATH + 64];
        snprintf(env[0], sizeof(env[0]), "XDG_RUNTIME_DIR=%s/%u", o.runtime_dir, (unsigned)pw.pw_uid);
        snprintf(env[1], sizeof(env[1]), "NSS_SUBID_CGROUP=%s/%s", s->cgroup_parent, s->cgroup_rel);
        r = pam_set_data(pamh, DATA_KEY, s, session_free);
        if (r == PAM_SUCCESS && pam_putenv(pamh, env[0]) == PAM_SUCCESS &&
            (!s->cgroup_rel[0] || pam_putenv(pamh, env[1]) == PAM_SUCCESS))
                return PAM_SUCCESS;
        pam_syslog(pamh, LOG_ERR, "cannot keep the session's state or environment: undoing it");
        pam_putenv(pamh, "XDG_RUNTIME_DIR");
        pam_putenv(pamh, "NSS_SUBID_CGROUP");
        cgroup_close(pamh, s, o.debug);
        runtime_dir_close(pamh, s, o.debug);
        if (r == PAM_SUCCESS)
                pam_set_data(pamh, DATA_KEY, NULL, NULL); /* frees s */
        else
                free(s);
        return PAM_BUF_ERR;
}

EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
        struct options o;
        const void *data = NULL;

        if (parse_options(pamh, argc, argv, &o) < 0)
                return PAM_SESSION_ERR;
        if (pam_get_data(pamh, DATA_KEY, &data) != PAM_SUCCESS || !data) {
                if (o.debug)
                        pam_syslog(pamh, LOG_DEBUG, "no session of ours on this handle: nothing to undo");
                return PAM_IGNORE;
        }
        const struct session *s = data;
        cgroup_close(pamh, s, o.debug);
        runtime_dir_close(pamh, s, o.debug);
        /* Undone: a second close_session must not count down again. */
        pam_set_data(pamh, DATA_KEY, NULL, NULL);
        return PAM_SUCCESS;
}
