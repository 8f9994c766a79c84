/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * subidctl: show, check and explain what nss_subid grants.  It calls the
 * same lib/ policy as the NSS module and the libsubid plugin, so what it
 * prints is what they do.  Not privileged.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "subid/names.h"
#include "subid/policy.h"
#include "subid/strutils.h"
#include "subid/sysinfo.h"

enum { EXIT_OK = 0, EXIT_NO = 1, EXIT_USAGE = 2, EXIT_SYS = 3 };

static const char *prog = "subidctl";

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: %s [--config FILE] COMMAND [ARGS]\n"
                "\n"
                "Show, check and explain the passwd entries and subordinate ID ranges that\n"
                "nss_subid synthesizes.\n"
                "\n"
                "Commands:\n"
                "  show [USER|UID]                   entry and ranges (default: yourself),\n"
                "                                    with the source that granted each range\n"
                "  check [FILE]                      validate a configuration file\n"
                "                                    (default: %s)\n"
                "  explain [--gid] USER|UID START COUNT\n"
                "                                    would START..START+COUNT-1 be granted?\n"
                "\n"
                "Options:\n"
                "  -c, --config FILE   read FILE instead of %s (show, explain)\n"
                "  -h, --help          show this help\n"
                "  -V, --version       show the version\n"
                "\n"
                "Exit status: 0 ok/granted, 1 invalid config/denied/unknown, 2 usage, 3 system error.\n"
                "See subidctl(8) and nss_subid.conf(5).\n",
                prog, NSS_SUBID_CONF, NSS_SUBID_CONF);
}

static int config_status_msg(const char *path, int r, const struct config_error *err)
{
        if (r == 0)
                return EXIT_OK;
        if (r == -ENOENT)
                return EXIT_OK;
        if (r == -EINVAL && err->line)
                fprintf(stderr, "%s:%u: %s\n", path, err->line, err->msg);
        else if (r == -EINVAL || r == -EPERM)
                fprintf(stderr, "%s: %s\n", path, err->msg);
        else
                fprintf(stderr, "%s: %s\n", path, strerror(-r));
        return r == -EINVAL || r == -EPERM ? EXIT_NO : EXIT_SYS;
}

static void warn_bad_lines(const char *path, const struct colon_db *db)
{
        if (db && db->n_bad)
                fprintf(stderr, "%s:%u: warning: malformed line skipped (%zu such line%s, never used)\n", path,
                        db->first_bad_line, db->n_bad, db->n_bad == 1 ? "" : "s");
}

static int cmd_check(int argc, char **argv)
{
        const char *path = argc > 0 ? argv[0] : NSS_SUBID_CONF;
        struct subid_config cfg;
        struct config_error err;
        int r, rc;

        if (argc > 1) {
                fprintf(stderr, "%s: check takes at most one FILE\n", prog);
                return EXIT_USAGE;
        }
        r = sys_load_config(path, &cfg, &err);
        if (r == -ENOENT) {
                if (argc > 0) {
                        fprintf(stderr, "%s: %s\n", path, strerror(ENOENT));
                        return EXIT_NO;
                }
                printf("%s: not present; built-in defaults apply\n", path);
                return EXIT_OK;
        }
        rc = config_status_msg(path, r, &err);
        if (rc != EXIT_OK)
                return rc;
        if (config_validate_for_caller(&cfg, (uint32_t)getuid(), &err) < 0) {
                fprintf(stderr, "%s:%u: %s\n", path, err.line, err.msg);
                return EXIT_NO;
        }
        for (int k = 0; k < 2; k++) {
                const struct colon_db *db = sys_db_get(k ? DB_SUBGID : DB_SUBUID, true);
                warn_bad_lines(k ? SUBGID_FILE : SUBUID_FILE, db);
                sys_db_put(db);
        }
        printf("%s: OK\n", path);
        return EXIT_OK;
}

static void print_grants(const char *label, const struct grants *g, const char *why, const char *cfgpath,
                         const char *file)
{
        if (g->n == 0) {
                printf("%s: none (%s)\n", label, why ? why : "no source granted anything");
                return;
        }
        for (size_t i = 0; i < g->n; i++) {
                const struct grant *x = &g->g[i];
                printf("%s: %llu %llu  (ids %llu-%llu, source %s", label, (unsigned long long)x->r.start,
                       (unsigned long long)x->r.count, (unsigned long long)x->r.start,
                       (unsigned long long)(idrange_end(&x->r) - 1), source_name(x->src));
                if (x->src == SRC_FILES)
                        printf(", %s:%u", file, x->line);
                else if (x->src == SRC_POOL && x->line)
                        printf(", %s:%u", cfgpath, x->line);
                printf(")\n");
        }
}

static int load(struct sys_input *si, enum subid_kind kind, const char *cfgpath)
{
        int r = sys_input_init_path(si, kind, SYS_SUBDB | SYS_MAP, cfgpath);
        if (r < 0) {
                struct subid_config cfg;
                struct config_error err;
                const char *path = cfgpath ? cfgpath : NSS_SUBID_CONF;
                int rr = sys_load_config(path, &cfg, &err);
                config_status_msg(path, rr, &err);
                fprintf(stderr, "%s: the configuration is unusable: nss_subid grants nothing\n", prog);
                sys_input_done(si);
                return rr == -EINVAL || rr == -EPERM ? EXIT_NO : EXIT_SYS;
        }
        return EXIT_OK;
}

static int cmd_show(int argc, char **argv, const char *cfgpath)
{
        struct sys_input si[2];
        struct owner o;
        char nb[OWNER_MAX + 1], self[16], name[NAME_MAX_LEN + 1];
        static struct grants g;
        const char *who, *path = cfgpath ? cfgpath : NSS_SUBID_CONF;
        struct passwd *pw;
        int rc;

        if (argc > 1) {
                fprintf(stderr, "%s: show takes at most one USER or UID\n", prog);
                return EXIT_USAGE;
        }
        snprintf(self, sizeof(self), "%u", (unsigned)getuid());
        who = argc ? argv[0] : self;
        if (!sys_owner_string_ok(who)) {
                fprintf(stderr, "%s: '%s' is not a valid user name or UID\n", prog, who);
                return EXIT_USAGE;
        }
        if ((rc = load(&si[0], KIND_UID, cfgpath)) != EXIT_OK)
                return rc;
        if ((rc = load(&si[1], KIND_GID, cfgpath)) != EXIT_OK) {
                sys_input_done(&si[0]);
                return rc;
        }
        if (!sys_resolve_owner(&si[0].cfg, who, &o, nb, sizeof(nb))) {
                fprintf(stderr, "%s: cannot resolve '%s'\n", prog, who);
                rc = EXIT_NO;
                goto out;
        }
        printf("config: %s%s\n", path, si[0].cfg_status == -ENOENT ? " (absent: built-in defaults)" : "");
        if (o.has_uid) {
                bool covered = policy_is_user(&si[0].in, o.uid, NULL);
                printf("owner: %s (uid %u)\n", o.name ? o.name : "?", o.uid);
                if (covered && !si[0].in.caller_known && name_for_id(&si[0].cfg, o.uid, name, sizeof(name)) >= 0 &&
                    !(si[0].passwd && colon_db_has_id(si[0].passwd, o.uid)))
                        printf("entry: %s:x:%u:%u:%s:%s:%s  (synthesized by nss_subid)\n", name, o.uid,
                               si[0].cfg.gid, si[0].cfg.gecos, si[0].cfg.home, si[0].cfg.shell);
                else if ((pw = getpwuid(o.uid)))
                        printf("entry: %s:x:%u:%u:%s:%s:%s  (from NSS, not synthesized)\n", pw->pw_name,
                               (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, pw->pw_gecos, pw->pw_dir, pw->pw_shell);
                else
                        printf("entry: none (UID not covered by 'users')\n");
                printf("covered by users: %s\n", covered ? "yes" : "no");
        } else {
                printf("owner: %s (no UID known)\n", o.name);
        }
        printf("namespace: %s\n", si[0].in.in_userns ? (si[0].in.map ? "non-initial user namespace"
                                                                       : "user namespace (map unknown)")
                                                     : "initial user namespace");
        for (int k = 0; k < 2; k++) {
                const char *why;
                if (policy_owner_ranges(&si[k].in, &o, &g, &why) < 0) {
                        fprintf(stderr, "%s: too many ranges\n", prog);
                        rc = EXIT_SYS;
                        goto out;
                }
                print_grants(k ? "subgid" : "subuid", &g, why, path, k ? SUBGID_FILE : SUBUID_FILE);
                warn_bad_lines(k ? SUBGID_FILE : SUBUID_FILE, si[k].in.subdb);
        }
        rc = EXIT_OK;
out:
        sys_input_done(&si[0]);
        sys_input_done(&si[1]);
        return rc;
}

static int cmd_explain(int argc, char **argv, const char *cfgpath)
{
        struct sys_input si;
        struct owner o;
        char nb[OWNER_MAX + 1];
        static struct grants g;
        static struct idset s;
        enum subid_kind kind = KIND_UID;
        uint32_t start, count;
        const char *why, *kn;
        int rc;

        if (argc > 0 && strcmp(argv[0], "--gid") == 0) {
                kind = KIND_GID;
                argc--;
                argv++;
        }
        kn = kind == KIND_GID ? "gid" : "uid";
        if (argc != 3) {
                fprintf(stderr, "%s: explain needs USER|UID START COUNT\n", prog);
                return EXIT_USAGE;
        }
        if (parse_u32(argv[1], &start) < 0 || parse_u32(argv[2], &count) < 0) {
                fprintf(stderr, "%s: START and COUNT must be plain decimal numbers\n", prog);
                return EXIT_USAGE;
        }
        if (!sys_owner_string_ok(argv[0])) {
                fprintf(stderr, "%s: '%s' is not a valid user name or UID\n", prog, argv[0]);
                return EXIT_USAGE;
        }
        if ((rc = load(&si, kind, cfgpath)) != EXIT_OK)
                return rc;
        if (!sys_resolve_owner(si.in.cfg, argv[0], &o, nb, sizeof(nb))) {
                printf("denied: cannot resolve owner '%s'\n", argv[0]);
                rc = EXIT_NO;
                goto out;
        }
        if (count == 0 || !idrange_valid(start, count)) {
                printf("denied: %s range %u+%u is empty or leaves the 32-bit ID space "
                       "(4294967295 is never valid)\n",
                       kn, start, count);
                rc = EXIT_NO;
                goto out;
        }
        if (policy_owner_ranges(&si.in, &o, &g, &why) < 0) {
                fprintf(stderr, "%s: too many ranges\n", prog);
                rc = EXIT_SYS;
                goto out;
        }
        grants_to_set(&g, &s);
        if (idset_contains_range(&s, start, count)) {
                printf("granted: %s %u-%llu to %s by", kn, start, (unsigned long long)start + count - 1,
                       o.name ? o.name : argv[0]);
                for (size_t i = 0; i < g.n; i++) {
                        struct idrange want = { start, count };
                        if (idrange_overlaps(&want, &g.g[i].r))
                                printf(" %s(%llu+%llu)", source_name(g.g[i].src),
                                       (unsigned long long)g.g[i].r.start, (unsigned long long)g.g[i].r.count);
                }
                printf("\n");
                rc = EXIT_OK;
        } else {
                uint32_t own = kind == KIND_GID ? (uint32_t)getgid() : (uint32_t)getuid();
                bool own_id = o.has_uid && o.uid == (uint32_t)getuid() && count == 1 && start == own;
                if (own_id)
                        printf("granted: %s %u is the caller's own ID (newuidmap/newgidmap always allow "
                               "mapping it alone)\n",
                               kn, start);
                else if (g.n == 0)
                        printf("denied: %s owns no subordinate %ss: %s\n", o.name ? o.name : argv[0], kn,
                               why ? why : "no source granted anything");
                else
                        printf("denied: %s %u-%llu is not inside the %zu range(s) %s holds (see 'subidctl show')\n",
                               kn, start, (unsigned long long)start + count - 1, g.n, o.name ? o.name : argv[0]);
                rc = own_id ? EXIT_OK : EXIT_NO;
        }
out:
        sys_input_done(&si);
        return rc;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "config", required_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                { NULL, 0, NULL, 0 },
        };
        const char *cfgpath = NULL;
        int c;

        if (argc > 0 && argv[0] && argv[0][0])
                prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
        /* '+': stop at the command, so "explain --gid" reaches the command. */
        while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
                switch (c) {
                case 'c':
                        cfgpath = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                case 'V':
                        printf("%s %s\n", prog, PACKAGE_VERSION);
                        return EXIT_OK;
                default:
                        usage(stderr);
                        return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return EXIT_USAGE;
        }
        const char *cmd = argv[optind];
        int n = argc - optind - 1;
        char **rest = argv + optind + 1;
        if (strcmp(cmd, "show") == 0)
                return cmd_show(n, rest, cfgpath);
        if (strcmp(cmd, "check") == 0) {
                if (cfgpath && n == 0) {
                        char *one[] = { (char *)cfgpath };
                        return cmd_check(1, one);
                }
                return cmd_check(n, rest);
        }
        if (strcmp(cmd, "explain") == 0)
                return cmd_explain(n, rest, cfgpath);
        if (strcmp(cmd, "help") == 0) {
                usage(stdout);
                return EXIT_OK;
        }
        fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
        usage(stderr);
        return EXIT_USAGE;
}
