/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "subid/cgroup.h"
#include "subid/strutils.h"

/* ---------------------------------------------------------------- policy */

static bool comp_char_ok(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
               c == ':' || c == '@' || c == '-';
}

int cg_relpath_valid(const char *rel, unsigned max_depth)
{
        unsigned depth = 0;
        const char *p = rel;

        if (!rel || strlen_max(rel, CG_MAX_REL) > CG_MAX_REL || !*rel)
                return -EINVAL;
        while (*p) {
                const char *c = p;
                size_t n = 0;
                while (*p && *p != '/') {
                        if (!comp_char_ok(*p))
                                return -EINVAL;
                        p++;
                        n++;
                }
                if (n == 0 || n > CG_MAX_COMPONENT)
                        return -EINVAL; /* leading, trailing or double '/' */
                if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return -EINVAL;
                /* Interface files live in the same namespace as children. */
                if (n >= 7 && strncmp(c, "cgroup.", 7) == 0)
                        return -EINVAL;
                if (++depth > max_depth)
                        return -EINVAL;
                if (*p == '/') {
                        p++;
                        if (!*p)
                                return -EINVAL;
                }
        }
        return 0;
}

bool cg_name_reserved(const char *rel)
{
        const char *last;

        if (!rel)
                return false;
        last = strrchr(rel, '/');
        last = last ? last + 1 : rel;
        return strncmp(last, CG_RESERVED_PREFIX, sizeof(CG_RESERVED_PREFIX) - 1) == 0;
}

/*
 * Every controller of Linux's include/linux/cgroup_subsys.h up to 6.18, v2
 * names and v1 names (io is blkio in v1; cpuacct, devices, freezer,
 * net_cls, net_prio exist in v1 only), built in or not, enabled or not;
 * and "irq": irq.pressure is a core PSI file (like cpu.pressure and cpu.stat,
 * which exist without the cpu controller).
 */
static const char *const known_controllers[] = {
        "cpuset", "cpu",     "cpuacct", "io",   "blkio", "memory", "devices", "freezer", "net_cls",
        "perf_event", "net_prio", "hugetlb", "pids", "rdma",  "misc",   "debug",   "dmem",    "irq",
};

static bool controller_name_ok(const char *s, size_t n)
{
        if (n == 0 || n > CG_MAX_CONTROLLER_NAME)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
                        return false;
        return true;
}

/* Add s[0..n) unless it is there already.  0, -EINVAL, or -E2BIG (full). */
static int controllers_add(struct cg_controllers *c, const char *s, size_t n)
{
        if (!controller_name_ok(s, n))
                return -EINVAL;
        for (size_t i = 0; i < c->n; i++)
                if (strlen(c->name[i]) == n && memcmp(c->name[i], s, n) == 0)
                        return 0;
        if (c->n >= CG_MAX_CONTROLLERS)
                return -E2BIG;
        memcpy(c->name[c->n], s, n);
        c->name[c->n][n] = '\0';
        c->n++;
        return 0;
}

void cg_controllers_builtin(struct cg_controllers *c)
{
        c->n = 0;
        for (size_t i = 0; i < sizeof(known_controllers) / sizeof(known_controllers[0]); i++)
                controllers_add(c, known_controllers[i], strlen(known_controllers[i]));
}

int cg_controllers_add_proc(struct cg_controllers *c, const char *text, size_t len)
{
        size_t i = 0;
        int r = 0;

        while (text && i < len) {
                size_t start = i, n;
                while (i < len && text[i] != '\n')
                        i++;
                /* The name is the first field: up to a tab or blank. */
                for (n = 0; start + n < i && text[start + n] != '\t' && text[start + n] != ' '; n++)
                        ;
                if (n > 0 && text[start] != '#' && controllers_add(c, text + start, n) == -E2BIG)
                        r = -E2BIG;
                i++; /* the newline */
        }
        return r;
}

int cg_name_interface(const char *rel, const struct cg_controllers *c, size_t *bad, size_t *off, size_t *len)
{
        const char *p = rel;

        while (p && *p) {
                size_t n = strcspn(p, "/");
                const char *dot = memchr(p, '.', n);
                if (dot) {
                        size_t pre = (size_t)(dot - p);
                        for (size_t i = 0; i < c->n; i++) {
                                if (strlen(c->name[i]) == pre && memcmp(c->name[i], p, pre) == 0) {
                                        if (bad)
                                                *bad = i;
                                        if (off)
                                                *off = (size_t)(p - rel);
                                        if (len)
                                                *len = n;
                                        return -EINVAL;
                                }
                        }
                }
                p += n;
                if (*p == '/')
                        p++;
        }
        return 0;
}

bool cg_parent_allowed(const struct subid_config *cfg, const char *parent)
{
        for (size_t i = 0; parent && i < cfg->n_cgroup_parents; i++)
                if (strcmp(cfg->cgroup_parents[i], parent) == 0)
                        return true;
        return false;
}

int cg_split(const struct subid_config *cfg, const char *abs, const char **parent_out, const char **rel)
{
        for (size_t i = 0; abs && i < cfg->n_cgroup_parents; i++) {
                size_t n = strlen(cfg->cgroup_parents[i]);
                if (strncmp(abs, cfg->cgroup_parents[i], n) == 0 && abs[n] == '/' && abs[n + 1]) {
                        *parent_out = cfg->cgroup_parents[i];
                        *rel = abs + n + 1;
                        return 0;
                }
        }
        return -EACCES;
}

bool cg_owner_allowed(uint32_t caller_uid, uint32_t caller_gid, const struct idset *subuids,
                      const struct idset *subgids, uint32_t owner_uid, uint32_t owner_gid)
{
        if (owner_uid == 0 || owner_uid == UINT32_MAX)
                return false;
        if (owner_uid != caller_uid && !(subuids && idset_contains(subuids, owner_uid)))
                return false;
        if (owner_gid == UINT32_MAX)
                return true;
        return owner_gid == caller_gid || (owner_gid != 0 && subgids && idset_contains(subgids, owner_gid));
}

/* ---------------------------------------------------------------- I/O */

__attribute__((format(printf, 4, 5))) static int fail(char *why, size_t whysz, int err, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whysz, fmt, ap);
        va_end(ap);
        return err;
}

static int openat2_fd(int dirfd, const char *path, int flags, unsigned long long resolve)
{
        struct open_how how;
        memset(&how, 0, sizeof(how));
        how.flags = (unsigned long long)flags;
        how.resolve = resolve;
        long r = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
        return r < 0 ? -errno : (int)r;
}

static bool is_cgroup2(int fd)
{
        struct statfs sfs;
        return fstatfs(fd, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Are all four UIDs of process pid equal to uid? */
static bool process_is(pid_t pid, uint32_t uid)
{
        char path[48], buf[4096], want[64];
        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
        if (n <= 0)
                return false;
        buf[n] = '\0';
        snprintf(want, sizeof(want), "\nUid:\t%u\t%u\t%u\t%u\n", uid, uid, uid, uid);
        return strstr(buf, want) != NULL;
}

/*
 * May the caller take over a cgroup it runs in but does not own?  Only when
 * that hands it nothing but its own processes: we (getpid()) are in it,
 * every other process in it is entirely the caller's, and it has no child
 * cgroups (whose processes the new owner could move and kill).  Anything
 * unreadable or odd: no.
 */
static bool only_callers(int cgfd, uint32_t caller_uid)
{
        char buf[65536];
        _cleanup_close_ int fd = openat(cgfd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        ssize_t n;
        size_t len = 0;
        bool self = false;

        if (fd < 0)
                return false;
        while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
                len += (size_t)n;
        if (len >= sizeof(buf) - 1)
                return false; /* too many members to check: refuse */
        buf[len] = '\0';
        for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
                uint32_t pid;
                if (parse_u32(t, &pid) < 0 || pid == 0 || pid > INT32_MAX)
                        return false;
                if ((pid_t)pid == getpid())
                        self = true;
                else if (!process_is((pid_t)pid, caller_uid))
                        return false;
        }
        if (!self)
                return false;
        int dfd = openat(cgfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
        if (!d) {
                if (dfd >= 0)
                        close(dfd);
                return false;
        }
        bool children = false;
        for (struct dirent *de; !children && (de = readdir(d));)
                children = de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
        closedir(d);
        return !children;
}

static int hand_over(const struct cg_request *rq, int cur, const char *comp, bool *denied, char *why,
                     size_t whysz);

/* The files to hand over: the kernel's list when it publishes one. */
static size_t delegate_files(char names[][CG_MAX_COMPONENT + 1], size_t max)
{
        static const char *const base[] = { "cgroup.procs", "cgroup.subtree_control", "cgroup.threads" };
        size_t n = 0;
        for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
                snprintf(names[n++], CG_MAX_COMPONENT + 1, "%s", base[i]);
        char buf[4096];
        _cleanup_close_ int fd = open("/sys/kernel/cgroup/delegate", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        ssize_t got = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
        if (got <= 0)
                return n;
        buf[got] = '\0';
        for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t && n < max; t = strtok_r(NULL, "\n", &save)) {
                bool ok = *t && strlen(t) <= CG_MAX_COMPONENT;
                for (char *c = t; ok && *c; c++)
                        ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '_';
                bool dup = false;
                for (size_t i = 0; ok && i < n; i++)
                        dup |= strcmp(names[i], t) == 0;
                if (ok && !dup)
                        snprintf(names[n++], CG_MAX_COMPONENT + 1, "%s", t);
        }
        return n;
}

int cg_apply(const struct cg_request *rq, bool *denied, char *why, size_t whysz)
{
        const unsigned long long res = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
        char comp[CG_MAX_COMPONENT + 1];
        _cleanup_close_ int cur = -1;
        const char *p;
        struct stat st;
        bool created = false;
        int r;

        why[0] = '\0';
        *denied = false;
        if (!rq->parent || rq->parent[0] != '/')
                return fail(why, whysz, -EINVAL, "parent must be an absolute path");
        if (cg_relpath_valid(rq->rel, CG_MAX_REL) < 0)
                return fail(why, whysz, -EINVAL, "invalid cgroup path below the parent");
        /* The parent comes from root's configuration; still no symlinks. */
        cur = openat2_fd(AT_FDCWD, rq->parent, O_PATH | O_DIRECTORY | O_CLOEXEC,
                         RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
        if (cur < 0)
                return fail(why, whysz, cur, "cannot open %s: %s", rq->parent, strerror(-cur));
        if (!is_cgroup2(cur))
                return fail(why, whysz, -EMEDIUMTYPE, "%s is not on a cgroup2 filesystem (cgroup v1 is refused)",
                            rq->parent);

        /* Walk every component but the last, one openat2 at a time. */
        p = rq->rel;
        for (;;) {
                const char *slash = strchr(p, '/');
                size_t n = slash ? (size_t)(slash - p) : strlen(p);
                memcpy(comp, p, n);
                comp[n] = '\0';
                if (!slash)
                        break;
                int next = openat2_fd(cur, comp, O_PATH | O_DIRECTORY | O_CLOEXEC, res);
                if (next < 0)
                        return fail(why, whysz, next, "%s: cannot open '%s' below the parent: %s", rq->parent, comp,
                                    strerror(-next));
                close(cur);
                cur = next;
                if (!is_cgroup2(cur))
                        return fail(why, whysz, -EMEDIUMTYPE, "'%s' is not a cgroup2 directory", comp);
                /* Below the parent, only root's cgroups and the caller's own
                 * may be passed through: a cgroup delegated to someone else
                 * is theirs, and nothing may be created or delegated in it. */
                if (fstat(cur, &st) < 0)
                        return fail(why, whysz, -errno, "'%s': %s", comp, strerror(errno));
                if (st.st_uid != 0 && st.st_uid != rq->caller_uid && (*denied = true))
                        return fail(why, whysz, -EACCES, "%s/%.*s belongs to UID %u: not yours", rq->parent,
                                    (int)(slash - rq->rel), rq->rel, (unsigned)st.st_uid);
                p = slash + 1;
        }

        if (rq->op == CG_CREATE) {
                int e = openat2_fd(cur, comp, O_PATH | O_CLOEXEC, res);
                if (e >= 0) {
                        close(e);
                        return fail(why, whysz, -EEXIST, "%s/%s already exists", rq->parent, rq->rel);
                }
                if (e != -ENOENT)
                        return fail(why, whysz, e, "%s/%s: %s", rq->parent, rq->rel, strerror(-e));
                if (rq->dry_run)
                        return 0;
                if (mkdirat(cur, comp, 0755) < 0)
                        return fail(why, whysz, -errno, "cannot create %s/%s: %s", rq->parent, rq->rel,
                                    strerror(errno));
                created = true;
        }
        r = hand_over(rq, cur, comp, denied, why, whysz);
        /* Nothing half-done: a cgroup we created and could not hand over
         * goes again; it is empty, so rmdir succeeds. */
        if (r < 0 && created)
                unlinkat(cur, comp, AT_REMOVEDIR);
        return r;
}

static int hand_over(const struct cg_request *rq, int cur, const char *comp, bool *denied, char *why,
                     size_t whysz)
{
        const unsigned long long res = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
        _cleanup_close_ int cg = -1;
        struct stat st;

        cg = openat2_fd(cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC, res);
        if (cg < 0)
                return fail(why, whysz, cg, "cannot open %s/%s: %s", rq->parent, rq->rel, strerror(-cg));
        if (!is_cgroup2(cg) || fstat(cg, &st) < 0 || !S_ISDIR(st.st_mode))
                return fail(why, whysz, -EMEDIUMTYPE, "%s/%s is not a cgroup2 directory", rq->parent, rq->rel);
        if (rq->op == CG_DELEGATE && st.st_uid != rq->caller_uid && !only_callers(cg, rq->caller_uid)) {
                *denied = true;
                return fail(why, whysz, -EACCES,
                            "%s/%s is neither yours nor a leaf cgroup holding only your processes: not yours to "
                            "delegate",
                            rq->parent, rq->rel);
        }
        if (rq->dry_run)
                return 0;

        /* Hand over exactly the directory and the delegatable files. */
        char names[32][CG_MAX_COMPONENT + 1];
        size_t n = delegate_files(names, 32);
        gid_t g = rq->owner_gid == UINT32_MAX ? (gid_t)-1 : (gid_t)rq->owner_gid;
        if (fchown(cg, (uid_t)rq->owner_uid, g) < 0)
                return fail(why, whysz, -errno, "chown %s/%s: %s", rq->parent, rq->rel, strerror(errno));
        for (size_t i = 0; i < n; i++) {
                if (fchownat(cg, names[i], (uid_t)rq->owner_uid, g, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
                        return fail(why, whysz, -errno, "chown %s/%s/%s: %s", rq->parent, rq->rel, names[i],
                                    strerror(errno));
        }
        return 0;
}

int cg_controllers_load(struct cg_controllers *c)
{
        char buf[16384];
        size_t len = 0;
        ssize_t n = 0;

        cg_controllers_builtin(c);
        _cleanup_close_ int fd = open("/proc/cgroups", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
                len += (size_t)n;
        if (n < 0)
                return -errno;
        /* A cut last line could add a cut name: drop it. */
        if (len == sizeof(buf))
                while (len > 0 && buf[len - 1] != '\n')
                        len--;
        return cg_controllers_add_proc(c, buf, len);
}
