/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * newuidmap / newgidmap: write a user namespace's uid_map or gid_map on
 * behalf of an unprivileged caller, granting only the caller's own ID and
 * the subordinate ranges nss_subid's policy (lib/) grants it -- the same
 * code the libsubid plugin and `subidctl explain` use.  Built twice from
 * this file; the kind is a compile-time constant (never argv[0], which the
 * caller controls).  Contract: docs/newidmap-contract.md, newuidmap(1).
 *
 * main() is one sequence: sanitize -> drop privileges -> parse -> open the
 * target once -> check it -> decide -> write (capability raised only
 * around the open+write) -> audit.
 */
#include <errno.h>
#include <fcntl.h>
#include <libaudit.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <unistd.h>

#include "priv.h"
#include "subid/mapreq.h"
#include "subid/policy.h"
#include "subid/strutils.h"
#include "subid/sysinfo.h"

#ifndef NEWIDMAP_GID
#define NEWIDMAP_GID 0
#endif

#if NEWIDMAP_GID
#define PROG "newgidmap"
#define MAP_FILE "gid_map"
#define KIND KIND_GID
#else
#define PROG "newuidmap"
#define MAP_FILE "uid_map"
#define KIND KIND_UID
#endif

enum { EXIT_GRANTED = 0, EXIT_USAGE = 1, EXIT_DENIED = 2, EXIT_TARGET = 3, EXIT_SYSTEM = 4 };

static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Everything main() decided, passed down; nothing global outlives main. */
struct request {
        uid_t ruid;
        gid_t rgid;
        uint32_t own_id;
        const char *target_arg;
        struct map_request map;
        char text[MAPREQ_MAX_TEXT + 1];
        int audit_fd;
        pid_t target_pid; /* for the audit record; -1 when unknown */
};

static void audit(const struct request *rq, bool granted, const char *reason)
{
        char msg[1024], ext[512];
        size_t o = 0;

        if (rq->audit_fd < 0)
                return;
        ext[0] = '\0';
        for (size_t i = 0; i < rq->map.n && o < sizeof(ext) - 40; i++)
                o += (size_t)snprintf(ext + o, sizeof(ext) - o, "%s%u:%u:%u", i ? "," : "", rq->map.e[i].inside,
                                      rq->map.e[i].outside, rq->map.e[i].count);
        if (rq->map.n && o >= sizeof(ext) - 40)
                snprintf(ext + o, sizeof(ext) - o, ",...");
        snprintf(msg, sizeof(msg), "op=%s caller_uid=%u target=%s target_pid=%d extents=%s reason=\"%s\"", PROG,
                 (unsigned)rq->ruid, rq->target_arg ? priv_clean(rq->target_arg) : "?", (int)rq->target_pid,
                 rq->map.n ? ext : "-", reason);
        priv_audit(PROG, EXIT_SYSTEM, rq->audit_fd, msg, granted);
}

__attribute__((format(printf, 4, 5), noreturn)) static void deny(const struct request *rq, int code,
                                                                  const char *reason, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        priv_vmessage(PROG, fmt, ap);
        va_end(ap);
        if (rq)
                audit(rq, false, reason);
        exit(code);
}

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: " PROG " <pid|fd:N> <id> <lowerid> <count> [<id> <lowerid> <count>]...\n"
                "\n"
                "Write /proc/PID/" MAP_FILE " for a process in a child user namespace of yours.\n"
                "Each triplet maps <count> IDs starting at <lowerid> (in your namespace) to <id>\n"
                "(inside).  Granted: your own %s alone, and ranges that nss_subid's policy gives\n"
                "you (see `subidctl show`, `subidctl explain`).\n"
                "\n"
                "  fd:N           N is an open directory fd of /proc/PID (avoids PID reuse)\n"
                "  -h, --help     this help\n"
                "  -V, --version  version\n"
                "\n"
                "Exit status: 0 written, 1 usage, 2 denied by policy, 3 target check failed,\n"
                "4 system error.  See " PROG "(1).\n",
                NEWIDMAP_GID ? "GID" : "UID");
}

/* Read a small /proc file relative to the target's dirfd. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t sz)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        size_t n = 0;
        if (fd < 0)
                return -errno;
        while (n < sz - 1) {
                ssize_t k = read(fd, buf + n, sz - 1 - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t)k;
        }
        buf[n] = '\0';
        return (ssize_t)n;
}

/* "Uid:\tR\tE\tS\tF" (or Gid:) from /proc/PID/status: all four must be want. */
static bool ids_all(const char *status, const char *key, uint32_t want)
{
        const char *p = strstr(status, key);
        if (!p || (p != status && p[-1] != '\n'))
                return false;
        p += strlen(key);
        for (int i = 0; i < 4; i++) {
                const char *d;
                uint32_t v;
                while (*p == '\t' || *p == ' ')
                        p++;
                d = p;
                while (*p >= '0' && *p <= '9')
                        p++;
                if (parse_u32_n(d, (size_t)(p - d), &v) < 0 || v != want)
                        return false;
        }
        return *p == '\n';
}

/* Open the target: /proc/PID, or the caller's fd:N, which must be a procfs
 * directory of a process.  Everything later is relative to this fd. */
static int open_target(struct request *rq)
{
        struct statfs sfs;
        struct stat st;
        uint32_t v;
        int fd;

        if (strncmp(rq->target_arg, "fd:", 3) == 0) {
                if (parse_u32(rq->target_arg + 3, &v) < 0 || v > INT32_MAX)
                        deny(rq, EXIT_USAGE, "bad target", "'%s': fd:N needs a decimal fd number", priv_clean(rq->target_arg));
                /* Our own copy, close-on-exec, so the caller's fd is never used directly. */
                fd = fcntl((int)v, F_DUPFD_CLOEXEC, 3);
                if (fd < 0)
                        deny(rq, EXIT_TARGET, "bad target fd", "'%s': not an open file descriptor", priv_clean(rq->target_arg));
        } else {
                char path[32];
                if (parse_u32(rq->target_arg, &v) < 0 || v == 0 || v > INT32_MAX)
                        deny(rq, EXIT_USAGE, "bad target", "'%s' is not a process ID", priv_clean(rq->target_arg));
                snprintf(path, sizeof(path), "/proc/%u", v);
                fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (fd < 0)
                        deny(rq, EXIT_TARGET, "no such process", "process %u: %s", v, strerror(errno));
        }
        if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
                deny(rq, EXIT_TARGET, "target not in procfs", "'%s' is not a /proc/PID directory", priv_clean(rq->target_arg));
        return fd;
}

static void check_target(struct request *rq, int dirfd)
{
        char status[4096], map[64];
        struct stat self_ns, parent_st, target_st;
        ssize_t n;

        n = read_at(dirfd, "status", status, sizeof(status));
        if (n < 0)
                deny(rq, EXIT_TARGET, "target gone", "'%s': cannot read status: %s", priv_clean(rq->target_arg),
                     strerror((int)-n));
        {
                const char *p = strstr(status, "\nPid:");
                uint32_t pid;
                if (p) {
                        p += 5;
                        while (*p == '\t' || *p == ' ')
                                p++;
                        const char *d = p;
                        while (*p >= '0' && *p <= '9')
                                p++;
                        if (parse_u32_n(d, (size_t)(p - d), &pid) == 0)
                                rq->target_pid = (pid_t)pid;
                }
        }
        /* A zombie (or dead) process keeps its /proc entry but no longer
         * lives in a namespace worth mapping. */
        {
                const char *st = strstr(status, "\nState:");
                if (!st)
                        deny(rq, EXIT_TARGET, "target state unknown", "process %d: no State in its status",
                             (int)rq->target_pid);
                st += 7;
                while (*st == '\t' || *st == ' ')
                        st++;
                if (*st == 'Z' || *st == 'X')
                        deny(rq, EXIT_TARGET, "target is a zombie", "process %d has exited (zombie)",
                             (int)rq->target_pid);
        }
        if (!ids_all(status, "Uid:", (uint32_t)rq->ruid))
                deny(rq, EXIT_TARGET, "target not owned by caller",
                     "process %d: real, effective, saved and filesystem UIDs must all be %u", (int)rq->target_pid,
                     (unsigned)rq->ruid);
#if NEWIDMAP_GID
        if (!ids_all(status, "Gid:", (uint32_t)rq->rgid))
                deny(rq, EXIT_TARGET, "target not owned by caller",
                     "process %d: real, effective, saved and filesystem GIDs must all be %u", (int)rq->target_pid,
                     (unsigned)rq->rgid);
#endif
        /* The target's user namespace must be a child of ours.  Reading
         * ns/user needs ptrace-read access, which a non-dumpable target
         * denies us; so would its root-owned uid_map.  We hold neither
         * CAP_SYS_PTRACE nor CAP_DAC_OVERRIDE, by design: such a target is
         * refused (shadow's helper, running as full root, would map it). */
        {
                _cleanup_close_ int nsfd = openat(dirfd, "ns/user", O_RDONLY | O_CLOEXEC);
                _cleanup_close_ int parent = -1;
                if (nsfd < 0 && (errno == EACCES || errno == EPERM))
                        deny(rq, EXIT_TARGET, "target not dumpable",
                             "process %d is not dumpable: its namespace cannot be checked without CAP_SYS_PTRACE, "
                             "which this helper does not hold",
                             (int)rq->target_pid);
                if (nsfd < 0)
                        deny(rq, EXIT_TARGET, "target namespace unreadable",
                             "process %d: cannot open its user namespace: %s", (int)rq->target_pid, strerror(errno));
                if (stat("/proc/self/ns/user", &self_ns) < 0)
                        deny(rq, EXIT_SYSTEM, "own namespace unreadable", "cannot read /proc/self/ns/user: %s",
                             strerror(errno));
                parent = ioctl(nsfd, NS_GET_PARENT);
                if (fstat(nsfd, &target_st) < 0 ||
                    (target_st.st_dev == self_ns.st_dev && target_st.st_ino == self_ns.st_ino))
                        deny(rq, EXIT_TARGET, "target not in a child namespace",
                             "process %d is in your own user namespace, not a child of it", (int)rq->target_pid);
                if (parent < 0 || fstat(parent, &parent_st) < 0 || parent_st.st_dev != self_ns.st_dev ||
                    parent_st.st_ino != self_ns.st_ino)
                        deny(rq, EXIT_TARGET, "target not in a child namespace",
                             "process %d: its user namespace is not a child of yours", (int)rq->target_pid);
        }
        n = read_at(dirfd, MAP_FILE, map, sizeof(map));
        if (n < 0)
                deny(rq, EXIT_TARGET, "map unreadable", "process %d: cannot read " MAP_FILE ": %s", (int)rq->target_pid,
                     strerror((int)-n));
        if (n > 0)
                deny(rq, EXIT_TARGET, "map already written", "process %d: " MAP_FILE " is already written",
                     (int)rq->target_pid);
}

/* What the policy grants the caller: the same call as the libsubid plugin. */
static void granted_set(struct request *rq, struct idset *out, bool *have_any)
{
        struct sys_input si;
        struct owner o;
        char nb[OWNER_MAX + 1], uidstr[16];
        static struct grants g;

        idset_init(out);
        *have_any = false;
        if (sys_input_init(&si, KIND, SYS_SUBDB | SYS_MAP) < 0) {
                sys_input_done(&si);
                return; /* unusable config: own ID only */
        }
        snprintf(uidstr, sizeof(uidstr), "%u", (unsigned)rq->ruid);
        if (sys_owner_ranges(&si, uidstr, &o, nb, sizeof(nb), &g, NULL) == 0) {
                grants_to_set(&g, out);
                *have_any = g.n > 0;
        }
        sys_input_done(&si);
}

static void write_setgroups_deny(struct request *rq, int dirfd)
{
        static const cap_value_t need[] = { CAP_SETGID };
        char cur[16];
        ssize_t n = read_at(dirfd, "setgroups", cur, sizeof(cur));
        if (n > 0 && strncmp(cur, "deny", 4) == 0)
                return;
        if (priv_caps(need, 1, CAP_SET) < 0)
                deny(rq, EXIT_SYSTEM, "capability raise failed", "cannot raise capability: %s", strerror(errno));
        _cleanup_close_ int fd = openat(dirfd, "setgroups", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        bool ok = fd >= 0 && write(fd, "deny", 4) == 4;
        int e = errno;
        priv_caps_lower(PROG, EXIT_SYSTEM, need, 1);
        if (!ok)
                deny(rq, EXIT_SYSTEM, "setgroups write failed", "process %d: cannot write \"deny\" to setgroups: %s",
                     (int)rq->target_pid, strerror(e));
}

int main(int argc, char **argv)
{
#if NEWIDMAP_GID
        static const cap_value_t keep[] = { CAP_SETGID, CAP_AUDIT_WRITE };
#else
        static const cap_value_t keep[] = { CAP_SETUID, CAP_SETFCAP, CAP_AUDIT_WRITE };
#endif
        static struct request rq;
        static struct idset granted;
        struct mapreq_error me;
        struct priv_creds pc;
        const char *step;
        char why[160];
        bool have_any;
        int r;

        /* 1. sanitize */
        priv_sanitize(PROG, EXIT_SYSTEM);
        rq.ruid = getuid();
        rq.rgid = getgid();
        rq.own_id = NEWIDMAP_GID ? (uint32_t)rq.rgid : (uint32_t)rq.ruid;
        rq.target_pid = -1;
        /* The audit socket needs no privilege to open; sending needs CAP_AUDIT_WRITE. */
        rq.audit_fd = audit_open();

        /* 2. drop to the caller with only what the write needs, and prove it */
        pc = (struct priv_creds){ .uid = rq.ruid, .gid = rq.rgid, .keep = keep,
                                  .nkeep = (int)(sizeof(keep) / sizeof(keep[0])) };
        if (priv_drop(&pc, &step) < 0)
                deny(&rq, EXIT_SYSTEM, "privilege drop failed", "cannot drop privileges: %s: %s", step,
                     strerror(errno));
        if (priv_verify_dropped(&pc, why, sizeof(why)) < 0)
                deny(&rq, EXIT_SYSTEM, "privilege drop not verified", "privileges not dropped: %s", why);

        /* 3. parse */
        if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                usage(stdout);
                return EXIT_GRANTED;
        }
        if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
                printf(PROG " (nss_subid) %s\n", PACKAGE_VERSION);
                return EXIT_GRANTED;
        }
        if (argc < 5 || (argc - 2) % 3 != 0) {
                if (argc < 1 || !argv[0])
                        deny(&rq, EXIT_USAGE, "usage", "called without arguments (argc 0)");
                deny(&rq, EXIT_USAGE, "usage",
                     "expected <pid|fd:N> followed by triplets <id> <lowerid> <count> (see --help)");
        }
        rq.target_arg = argv[1];
        if (mapreq_parse(argc - 2, argv + 2, &rq.map, &me) < 0) {
                size_t k = me.extent;
                if (me.rule == RULE_TOO_MANY)
                        deny(&rq, EXIT_USAGE, "too many extents", "%d extents: %s", (argc - 2) / 3,
                             mapreq_rule_text(me.rule));
                if (me.rule == RULE_OVERLAP_INSIDE || me.rule == RULE_OVERLAP_LOWER)
                        deny(&rq, EXIT_USAGE, "overlap", "extent %zu (%s %s %s): %s extent %zu", k + 1,
                             priv_clean(argv[2 + 3 * k]), priv_clean(argv[3 + 3 * k]), priv_clean(argv[4 + 3 * k]),
                             mapreq_rule_text(me.rule), me.other + 1);
                if (me.rule == RULE_ARGC)
                        deny(&rq, EXIT_USAGE, "usage", "%s", mapreq_rule_text(me.rule));
                deny(&rq, EXIT_USAGE, "malformed extent", "extent %zu (%s %s %s): %s", k + 1, priv_clean(argv[2 + 3 * k]),
                     priv_clean(argv[3 + 3 * k]), priv_clean(argv[4 + 3 * k]), mapreq_rule_text(me.rule));
        }
        r = mapreq_format(&rq.map, rq.text, sizeof(rq.text), &me);
        if (r < 0)
                deny(&rq, EXIT_USAGE, "map too long", "%zu extents: %s", rq.map.n, mapreq_rule_text(RULE_TOO_LONG));

        /* 4. open the target once; 5. check it */
        _cleanup_close_ int dirfd = open_target(&rq);
        check_target(&rq, dirfd);

        /* 6. decide */
        granted_set(&rq, &granted, &have_any);
        if (mapreq_decide(&rq.map, rq.own_id, &granted, &me) < 0) {
                const struct idmap_extent *e = &rq.map.e[me.extent];
                deny(&rq, EXIT_DENIED, "not granted", "extent %zu (%u %u %u): %s (first not granted: %llu)",
                     me.extent + 1, e->inside, e->outside, e->count, mapreq_rule_text(me.rule),
                     (unsigned long long)me.id);
        }

        /* 7. newgidmap: an own-GID-only map without subordinate GIDs must not
         * let the caller drop supplementary groups (CVE-2018-7169). */
#if NEWIDMAP_GID
        if (mapreq_only_own(&rq.map, rq.own_id) && !have_any)
                write_setgroups_deny(&rq, dirfd);
#else
        (void)write_setgroups_deny;
#endif

        /* 8. write: the kernel checks the opener's credentials, so the
         * capability is raised before open and dropped right after write. */
        {
#if NEWIDMAP_GID
                static const cap_value_t need[] = { CAP_SETGID };
                int n = 1;
#else
                /* Since Linux 5.12 mapping the lower ID 0 (host root) needs
                 * CAP_SETFCAP over the parent namespace; raise it only then. */
                static const cap_value_t need[] = { CAP_SETUID, CAP_SETFCAP };
                int n = 1;
                for (size_t i = 0; i < rq.map.n; i++)
                        if (rq.map.e[i].outside == 0)
                                n = 2;
#endif
                size_t len = strlen(rq.text);
                if (priv_caps(need, n, CAP_SET) < 0)
                        deny(&rq, EXIT_SYSTEM, "capability raise failed", "cannot raise capability: %s",
                             strerror(errno));
                int fd = openat(dirfd, MAP_FILE, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
                ssize_t w = fd >= 0 ? write(fd, rq.text, len) : -1;
                int e = errno;
                if (fd >= 0)
                        close(fd);
                priv_caps_lower(PROG, EXIT_SYSTEM, need, n);
                /* Without its capability (the set-user-ID bit or file
                 * capability ignored: no_new_privs, e.g. a pod with
                 * allowPrivilegeEscalation: false; or nosuid) only the
                 * caller's own ID can be mapped: say so, not "the target". */
                if (w != (ssize_t)len && w < 0 && (e == EPERM || e == EACCES) && !priv_permitted(need[0]))
                        deny(&rq, EXIT_SYSTEM, "no privilege",
                             "no privilege to write " MAP_FILE ": this program runs without %s (no_new_privs set, "
                             "as in a pod with allowPrivilegeEscalation: false, or a nosuid mount?)",
                             NEWIDMAP_GID ? "CAP_SETGID" : "CAP_SETUID");
                if (w != (ssize_t)len && w < 0 && (e == EPERM || e == EACCES || e == ESRCH))
                        deny(&rq, EXIT_TARGET, "kernel refused the map",
                             "process %d: the kernel refused " MAP_FILE " (%s): it exited, changed, or is no longer "
                             "in a child namespace of yours",
                             (int)rq.target_pid, strerror(e));
                if (w != (ssize_t)len)
                        deny(&rq, EXIT_SYSTEM, "write failed", "process %d: writing " MAP_FILE " failed: %s",
                             (int)rq.target_pid, w < 0 ? strerror(e) : "short write");
        }
        audit(&rq, true, "granted");
        return EXIT_GRANTED;
}
