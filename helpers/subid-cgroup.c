/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * subid-cgroup: delegate a cgroup v2 subtree to the caller or to one of the
 * caller's subordinate UIDs (e.g. the host UID that container root maps
 * to), under a parent the administrator listed with `cgroup-parent` in
 * /etc/nss_subid.conf.  Set-user-ID root or file capabilities
 * (cap_chown, cap_dac_override, cap_setuid, cap_setgid, cap_audit_write --
 * the last three only to set the filesystem IDs to root's around the
 * operation, and to audit); everything else dropped at once.  Policy and the filesystem work are lib/ (cgroup.h), shared with
 * pam_subid.  See subid-cgroup(8).
 *
 * main(): sanitize -> drop privileges -> parse -> decide with lib/ policy ->
 * raise CAP_CHOWN+CAP_DAC_OVERRIDE around cg_apply() only -> audit.
 *
 * It never moves a process: with root's filesystem IDs it would pass the
 * kernel's check on the common ancestor's cgroup.procs, and let a caller
 * that root confined in a cgroup leave it (there was a --move that did).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libaudit.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include "priv.h"
#include "subid/cgroup.h"
#include "subid/policy.h"
#include "subid/strutils.h"
#include "subid/sysinfo.h"

#define PROG "subid-cgroup"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_DENIED = 2, EXIT_TARGET = 3, EXIT_SYSTEM = 4 };

struct request {
        uid_t ruid;
        gid_t rgid;
        int audit_fd;
        struct cg_request cg;
        const char *cmd;
        const char *path_arg; /* create: PARENT; delegate: PATH */
        const char *name_arg; /* create: NAME */
};

static void audit(const struct request *rq, bool ok, const char *reason)
{
        char msg[1024];
        /* Caller-supplied strings: printable ASCII only, quoted, bounded. */
        snprintf(msg, sizeof(msg),
                 "op=%s cmd=%s caller_uid=%u path=\"%s\" name=\"%s\" owner_uid=%u owner_gid=%d reason=\"%s\"",
                 PROG, rq->cmd ? rq->cmd : "-", (unsigned)rq->ruid, rq->path_arg ? priv_clean_path(rq->path_arg) : "-",
                 rq->name_arg ? priv_clean_path(rq->name_arg) : "-", (unsigned)rq->cg.owner_uid,
                 rq->cg.owner_gid == UINT32_MAX ? -1 : (int)rq->cg.owner_gid, priv_clean_path(reason));
        priv_audit(PROG, EXIT_SYSTEM, rq->audit_fd, msg, ok);
}

__attribute__((format(printf, 4, 5), noreturn)) static void die(const struct request *rq, int code, const char *reason,
                                                                 const char *fmt, ...)
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
                "Usage: " PROG " [OPTIONS] create PARENT NAME\n"
                "       " PROG " [OPTIONS] delegate PATH\n"
                "\n"
                "Delegate a cgroup v2 subtree to you or to one of your subordinate UIDs.\n"
                "PARENT must be a `cgroup-parent` of /etc/nss_subid.conf; NAME is a path below\n"
                "it (at most `cgroup-depth` components; not named like the kernel's interface\n"
                "files, cgroup.* or CONTROLLER.*, and not user-*, pam_subid's); PATH is an\n"
                "existing cgroup below a parent that is yours already or that you run in.\n"
                "No process is moved: the kernel decides who may write which cgroup.procs.\n"
                "\n"
                "  -o, --owner UID    delegate to UID (yours, or one of your subordinate UIDs;\n"
                "                     default: yourself)\n"
                "  -g, --group GID    also the group (yours or a subordinate GID; default: your\n"
                "                     GID when delegating to yourself, else unchanged)\n"
                "  -n, --dry-run      check everything, change nothing, say what would be done\n"
                "  -h, --help         this help\n"
                "  -V, --version      version\n"
                "\n"
                "Exit status: 0 done, 1 usage, 2 denied by policy, 3 path problem, 4 system error.\n"
                "See " PROG "(8).\n");
}

/* The caller's granted subordinate IDs, by the same policy as newuidmap. */
static void grants(const struct request *rq, enum subid_kind k, struct idset *out)
{
        struct sys_input si;
        struct owner o;
        char nb[OWNER_MAX + 1], uidstr[16];
        static struct grants g;

        idset_init(out);
        if (sys_input_init(&si, k, SYS_SUBDB | SYS_MAP) < 0) {
                sys_input_done(&si);
                return;
        }
        snprintf(uidstr, sizeof(uidstr), "%u", (unsigned)rq->ruid);
        if (sys_owner_ranges(&si, uidstr, &o, nb, sizeof(nb), &g, NULL) == 0)
                grants_to_set(&g, out);
        sys_input_done(&si);
}

/* Set the filesystem UID/GID, with CAP_SETUID/CAP_SETGID raised only for
 * the two calls.  setfsuid() does not report failure: read it back.  A
 * failed raise shows there; a failed lowering is fatal at once. */
static int fs_ids(uid_t u, gid_t g)
{
        static const cap_value_t ids[] = { CAP_SETUID, CAP_SETGID };
        int r = priv_caps(ids, 2, CAP_SET);
        setfsgid(g);
        setfsuid(u);
        priv_caps_lower(PROG, EXIT_SYSTEM, ids, 2);
        return r == 0 && (uid_t)setfsuid((uid_t)-1) == u && (gid_t)setfsgid((gid_t)-1) == g ? 0 : -1;
}

/* The option letters of the getopt_long string in main(). */
#define SHORT_OPTS "ognhV"

/* The option getopt_long refused, for the message.  An unknown short
 * option is in optopt (maybe inside a cluster such as -nm); otherwise
 * (a long option, or one that lacks its argument or has one it does not
 * take) it is the argument just consumed. */
static const char *bad_option(char **argv, char *buf, size_t bufsz)
{
        if (optopt > 0 && optopt < 128 && !strchr(SHORT_OPTS, optopt)) {
                snprintf(buf, bufsz, "-%c", optopt);
                return priv_clean(buf);
        }
        return optind > 1 ? priv_clean(argv[optind - 1]) : "?";
}

int main(int argc, char **argv)
{
        static const cap_value_t keep[] = { CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_SETUID, CAP_SETGID, CAP_AUDIT_WRITE };
        static const cap_value_t need[] = { CAP_CHOWN, CAP_DAC_OVERRIDE };
        static const struct option opts[] = {
                { "owner", required_argument, NULL, 'o' }, { "group", required_argument, NULL, 'g' },
                { "dry-run", no_argument, NULL, 'n' },     { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },     { NULL, 0, NULL, 0 },
        };
        static struct request rq;
        static struct idset subuids, subgids;
        struct subid_config cfg;
        static struct cg_controllers ctrls;
        struct priv_creds pc;
        const char *owner_arg = NULL, *group_arg = NULL, *step;
        char why[512], optbuf[8];
        bool denied = false;
        int c, r;

        priv_sanitize(PROG, EXIT_SYSTEM);
        rq.ruid = getuid();
        rq.rgid = getgid();
        rq.audit_fd = audit_open();
        rq.cg.owner_gid = UINT32_MAX;
        pc = (struct priv_creds){ .uid = rq.ruid, .gid = rq.rgid, .keep = keep,
                                  .nkeep = (int)(sizeof(keep) / sizeof(keep[0])) };
        if (priv_drop(&pc, &step) < 0)
                die(&rq, EXIT_SYSTEM, "privilege drop failed", "cannot drop privileges: %s: %s", step,
                    strerror(errno));
        if (priv_verify_dropped(&pc, why, sizeof(why)) < 0)
                die(&rq, EXIT_SYSTEM, "privilege drop not verified", "privileges not dropped: %s", why);

        opterr = 0; /* our own one-line messages, naming the option */
        while ((c = getopt_long(argc, argv, "+:o:g:nhV", opts, NULL)) != -1) {
                switch (c) {
                case 'o':
                        owner_arg = optarg;
                        break;
                case 'g':
                        group_arg = optarg;
                        break;
                case 'n':
                        rq.cg.dry_run = true;
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                case 'V':
                        printf(PROG " (nss_subid) %s\n", PACKAGE_VERSION);
                        return EXIT_OK;
                case ':':
                        die(NULL, EXIT_USAGE, "usage", "option '%s' needs an argument (see --help)",
                            bad_option(argv, optbuf, sizeof(optbuf)));
                default:
                        die(NULL, EXIT_USAGE, "usage", "unknown option '%s' (see --help)",
                            bad_option(argv, optbuf, sizeof(optbuf)));
                }
        }
        if (optind >= argc)
                die(NULL, EXIT_USAGE, "usage", "expected 'create PARENT NAME' or 'delegate PATH' (see --help)");
        rq.cmd = strcmp(argv[optind], "create") == 0 ? "create" : strcmp(argv[optind], "delegate") == 0 ? "delegate" : NULL;
        if (!rq.cmd)
                die(NULL, EXIT_USAGE, "usage", "unknown command '%s' (see --help)", priv_clean(argv[optind]));
        rq.cg.op = rq.cmd[0] == 'c' ? CG_CREATE : CG_DELEGATE;
        if (argc - optind != (rq.cg.op == CG_CREATE ? 3 : 2))
                die(NULL, EXIT_USAGE, "usage", "%s: wrong number of arguments (see --help)", rq.cmd);
        rq.path_arg = argv[optind + 1];
        rq.cg.caller_uid = (uint32_t)rq.ruid;

        uint32_t v;
        rq.cg.owner_uid = (uint32_t)rq.ruid;
        if (owner_arg && strcmp(owner_arg, "self") != 0) {
                if (parse_u32(owner_arg, &v) < 0)
                        die(&rq, EXIT_USAGE, "bad owner", "--owner '%s' is not a decimal UID", priv_clean(owner_arg));
                rq.cg.owner_uid = v;
        }
        if (group_arg) {
                if (parse_u32(group_arg, &v) < 0 || v == UINT32_MAX)
                        die(&rq, EXIT_USAGE, "bad group", "--group '%s' is not a decimal GID", priv_clean(group_arg));
                rq.cg.owner_gid = v;
        } else if (rq.cg.owner_uid == (uint32_t)rq.ruid) {
                rq.cg.owner_gid = (uint32_t)rq.rgid;
        }

        /* Policy: configured parent, valid path, an owner the caller may name. */
        r = sys_config(&cfg, true);
        if (r < 0 && r != -ENOENT)
                die(&rq, EXIT_DENIED, "configuration unusable",
                    "%s is unusable (see 'subidctl check'): nothing is delegated", NSS_SUBID_CONF);
        if (rq.cg.op == CG_CREATE) {
                rq.cg.parent = argv[optind + 1];
                rq.cg.rel = argv[optind + 2];
                rq.name_arg = argv[optind + 2];
                if (!cg_parent_allowed(&cfg, rq.cg.parent))
                        die(&rq, EXIT_DENIED, "parent not allowed",
                            "'%s' is not a cgroup-parent in %s", priv_clean_path(rq.cg.parent), NSS_SUBID_CONF);
        } else if (cg_split(&cfg, argv[optind + 1], &rq.cg.parent, &rq.cg.rel) < 0) {
                die(&rq, EXIT_DENIED, "parent not allowed", "'%s' is not below a cgroup-parent in %s",
                    priv_clean_path(argv[optind + 1]), NSS_SUBID_CONF);
        }
        if (cg_relpath_valid(rq.cg.rel, cfg.cgroup_depth) < 0)
                die(&rq, EXIT_USAGE, "bad cgroup name",
                    "'%s': 1 to %u components of [A-Za-z0-9_.:@-], no '.', '..', 'cgroup.*' or empty parts",
                    priv_clean_path(rq.cg.rel), cfg.cgroup_depth);
        if (rq.cg.op == CG_CREATE) {
                size_t bad, off, len;
                /* Without /proc/cgroups the built-in list still holds every
                 * controller Linux has: go on with it. */
                cg_controllers_load(&ctrls);
                if (cg_name_interface(rq.cg.rel, &ctrls, &bad, &off, &len) < 0)
                        die(&rq, EXIT_USAGE, "interface file name",
                            "'%.*s': '%s.*' names are the kernel's interface files of the %s controller, not cgroups",
                            (int)len, priv_clean_path(rq.cg.rel + off), ctrls.name[bad], ctrls.name[bad]);
                if (cg_name_reserved(rq.cg.rel))
                        die(&rq, EXIT_DENIED, "reserved name",
                            "'%s': names beginning with '" CG_RESERVED_PREFIX
                            "' are reserved for pam_subid's session cgroups (PARENT/user-UID)",
                            priv_clean_path(rq.cg.rel));
        }
        grants(&rq, KIND_UID, &subuids);
        grants(&rq, KIND_GID, &subgids);
        if (!cg_owner_allowed((uint32_t)rq.ruid, (uint32_t)rq.rgid, &subuids, &subgids, rq.cg.owner_uid,
                              rq.cg.owner_gid))
                die(&rq, EXIT_DENIED, "owner not allowed",
                    "UID %u%s is neither yours nor one of your subordinate IDs (see 'subidctl show')",
                    rq.cg.owner_uid, rq.cg.owner_gid == UINT32_MAX ? "" : " or that GID");

        /* The kernel gives a new cgroup's interface files the creator's
         * fsuid/fsgid: created as the caller, every file (cgroup.max.depth,
         * memory.max, ...) would be the caller's.  So the filesystem IDs are
         * root's for exactly the cg_apply() call, which then hands over only
         * the directory and the delegate list. */
        if (fs_ids(0, 0) < 0 || priv_caps(need, 2, CAP_SET) < 0)
                die(&rq, EXIT_SYSTEM, "capability raise failed", "cannot raise capabilities: %s", strerror(errno));
        r = cg_apply(&rq.cg, &denied, why, sizeof(why));
        priv_caps_lower(PROG, EXIT_SYSTEM, need, 2);
        if (fs_ids(rq.ruid, rq.rgid) < 0)
                die(&rq, EXIT_SYSTEM, "cannot restore IDs", "cannot restore filesystem IDs");
        if (r < 0)
                die(&rq, denied ? EXIT_DENIED : r == -ENOMEM || r == -EIO ? EXIT_SYSTEM : EXIT_TARGET,
                    denied ? "not the caller's cgroup" : "cgroup operation failed", "%s", why);
        if (rq.cg.dry_run)
                printf("would %s %s/%s for uid %u%s\n", rq.cg.op == CG_CREATE ? "create and delegate" : "delegate",
                       rq.cg.parent, rq.cg.rel, rq.cg.owner_uid, rq.cg.owner_gid == UINT32_MAX ? "" : " and its group");
        audit(&rq, true, rq.cg.dry_run ? "dry run" : "delegated");
        return EXIT_OK;
}
