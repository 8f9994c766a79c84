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
        if (r == 0 || r == -ENOENT)
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
                if (argc == 0)
                        return EXIT_OK; /* the built-in defaults apply */
                fprintf(stderr, "%s: %s\n", path, strerror(ENOENT));
                return EXIT_NO;
        }
        rc = config_status_msg(path, r, &err);
        if (rc != EXIT_OK)
                return rc;
        if (config_validate_for_caller(&cfg, (uint32_t)getuid(), &err) < 0 ||
            config_validate_for_caller(&cfg, (uint32_t)getgid(), &err) < 0) {
                fprintf(stderr, "%s:%u: %s\n", path, err.line, err.msg);
                return EXIT_NO;
        }
        for (int k = 0; k < 2; k++) {
                const struct colon_db *db = sys_db_get(k ? DB_SUBGID : DB_SUBUID, true);
                warn_bad_lines(k ? SUBGID_FILE : SUBUID_FILE, db);
                sys_db_put(db);
        }
        return EXIT_OK;
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

static const char *owner_label(const struct owner *o, const char *given)
{
        return o->name ? o->name : given;
}

/* The passwd or group line nss_subid would synthesize, or why none. */
static bool show_entity(const struct sys_input *si, const struct owner *o, const char *given)
{
        const struct colon_db *files = si->in.kind == KIND_GID ? sys_db_get(DB_GROUP, true) : si->passwd;
        const char *label = si->in.kind == KIND_GID ? "group " : "passwd", *why = NULL;
        char name[NAME_MAX_LEN + 1];
        bool ok = false;

        if (!o->has_uid) {
                printf("%s  none: %s has no UID\n", label, given);
        } else if (policy_user_entity(&si->in, files, o->uid, name, sizeof(name), &why) == 0) {
                if (si->in.kind == KIND_GID)
                        printf("%s  %s:x:%u:\n", label, name, o->uid);
                else
                        printf("%s  %s:x:%u:%u:%s:%s:%s\n", label, name, o->uid, si->cfg.gid, si->cfg.gecos,
                               si->cfg.home, si->cfg.shell);
                ok = true;
        } else if (files && colon_db_has_id(files, o->uid)) {
                printf("%s  none: %u is in %s\n", label, o->uid, si->in.kind == KIND_GID ? GROUP_FILE : PASSWD_FILE);
        } else {
                printf("%s  none: %s\n", label, why);
        }
        if (si->in.kind == KIND_GID)
                sys_db_put(files);
        return ok;
}

static bool show_ranges(const struct sys_input *si, const struct owner *o)
{
        static struct grants g;
        const char *why, *label = si->in.kind == KIND_GID ? "subgid" : "subuid";
        const char *file = si->in.kind == KIND_GID ? SUBGID_FILE : SUBUID_FILE;

        if (policy_owner_ranges(&si->in, o, &g, &why) < 0) {
                printf("%s  none: too many ranges\n", label);
                return false;
        }
        if (g.n == 0)
                printf("%s  none: %s\n", label, why ? why : "no source granted anything");
        for (size_t i = 0; i < g.n; i++) {
                const struct grant *x = &g.g[i];
                printf("%s  %llu %llu  %s", label, (unsigned long long)x->r.start, (unsigned long long)x->r.count,
                       source_name(x->src));
                if (x->src == SRC_FILES)
                        printf(" %s:%u", file, x->line);
                printf("\n");
        }
        const struct colon_db *db = sys_db_get(si->in.kind == KIND_GID ? DB_SUBGID : DB_SUBUID, true);
        warn_bad_lines(file, db);
        sys_db_put(db);
        return g.n > 0;
}

static int cmd_show(int argc, char **argv, const char *cfgpath)
{
        struct sys_input si[2];
        struct owner o;
        char nb[OWNER_MAX + 1], self[16];
        const char *who;
        bool any = false;
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
        if (!sys_resolve_owner(&si[0].in, who, &o, nb, sizeof(nb))) {
                fprintf(stderr, "%s: cannot resolve '%s'\n", prog, who);
                rc = EXIT_NO;
                goto out;
        }
        any |= show_entity(&si[0], &o, who);
        any |= show_entity(&si[1], &o, who);
        any |= show_ranges(&si[0], &o);
        any |= show_ranges(&si[1], &o);
        printf("config  %s%s\n", cfgpath ? cfgpath : NSS_SUBID_CONF,
               si[0].cfg_status == -ENOENT ? " (absent: built-in defaults)" : "");
        printf("userns  %s\n", si[0].in.in_userns ? (si[0].in.map ? "non-initial user namespace"
                                                                  : "unknown (dynamic sources disabled)")
                                                  : "initial user namespace");
        rc = any ? EXIT_OK : EXIT_NO;
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
        kn = kind == KIND_GID ? "GID" : "UID";
        if (argc != 3) {
                fprintf(stderr, "%s: explain needs [--gid] USER|UID START COUNT\n", prog);
                return EXIT_USAGE;
        }
        if (parse_u32(argv[1], &start) < 0 || parse_u32(argv[2], &count) < 0) {
                fprintf(stderr, "%s: START and COUNT must be canonical decimal numbers\n", prog);
                return EXIT_USAGE;
        }
        if (!idrange_valid(start, count)) {
                fprintf(stderr, "%s: %u+%u is empty or does not fit below 4294967295\n", prog, start, count);
                return EXIT_USAGE;
        }
        if (!sys_owner_string_ok(argv[0])) {
                fprintf(stderr, "%s: '%s' is not a valid user name or UID\n", prog, argv[0]);
                return EXIT_USAGE;
        }
        if ((rc = load(&si, kind, cfgpath)) != EXIT_OK)
                return rc;
        rc = sys_owner_ranges(&si, argv[0], &o, nb, sizeof(nb), &g, &why);
        if (rc == -ENOENT) {
                printf("denied: cannot resolve owner '%s'\n", argv[0]);
                rc = EXIT_NO;
                goto out;
        }
        if (rc < 0) {
                fprintf(stderr, "%s: too many ranges\n", prog);
                rc = EXIT_SYS;
                goto out;
        }
        grants_to_set(&g, &s);
        const char *who = owner_label(&o, argv[0]);
        uint64_t last = (uint64_t)start + count - 1;
        if (idset_contains_range(&s, start, count)) {
                printf("granted: %u-%llu held by %s (", start, (unsigned long long)last, who);
                bool first = true;
                for (size_t i = 0; i < g.n; i++) {
                        struct idrange want = { start, count };
                        if (idrange_overlaps(&want, &g.g[i].r)) {
                                printf("%s%s", first ? "" : ", ", source_name(g.g[i].src));
                                first = false;
                        }
                }
                printf(")\n");
                rc = EXIT_OK;
        } else if (g.n == 0) {
                printf("denied: %s holds no subordinate %ss: %s\n", who, kn, why ? why : "no source granted anything");
                rc = EXIT_NO;
        } else {
                uint64_t id = idset_first_missing(&s, start, count);
                printf("denied: %llu is not a subordinate %s of %s\n", (unsigned long long)id, kn, who);
                rc = EXIT_NO;
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
