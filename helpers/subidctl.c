/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * subidctl: show, check and explain what nss_subid grants.  It calls the
 * same lib/ policy as the NSS module and the libsubid plugin, so what it
 * prints is what they do.  Not privileged; only `sync`, run by root,
 * writes (/etc/subuid and /etc/subgid, for clients without libsubid).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <shadow.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "subid/names.h"
#include "subid/policy.h"
#include "subid/strutils.h"
#include "subid/subsync.h"
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
                "  sync [--dry-run]                  (root) write the pool blocks of the explicit\n"
                "                                    'users' ranges into %s and %s,\n"
                "                                    one UID:START:COUNT line per UID, for clients\n"
                "                                    not linked to libsubid (buildah); 'users self'\n"
                "                                    cannot be synced.  Re-run after every config\n"
                "                                    change.  --dry-run: show, write nothing\n"
                "\n"
                "Options:\n"
                "  -c, --config FILE   read FILE instead of %s (show, explain, sync)\n"
                "  -h, --help          show this help\n"
                "  -V, --version       show the version\n"
                "\n"
                "Exit status: 0 ok/granted/synced, 1 invalid config/denied/unknown/sync refused,\n"
                "2 usage, 3 system error.\n"
                "See subidctl(8) and nss_subid.conf(5).\n",
                prog, NSS_SUBID_CONF, SUBUID_FILE, SUBGID_FILE, NSS_SUBID_CONF);
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

struct pool_clash {
        const char *cfgpath;
        bool builtin;
        const char *file;
        const struct subid_config *cfg;
        struct idrange pool;
        unsigned clashes;
};

static int report_pool_clash(const struct colon_entry *e, void *ctx)
{
        struct pool_clash *pc = ctx;
        char where[CONFIG_MAX_PATH + 32];
        if (pc->builtin)
                snprintf(where, sizeof(where), "%s (absent: built-in 'subids pool %u %u')", pc->cfgpath,
                         pc->cfg->pool_base, pc->cfg->pool_count);
        else
                snprintf(where, sizeof(where), "%s:%u", pc->cfgpath, pc->cfg->pool_line);
        fprintf(stderr, "%s: subids pool %llu-%llu overlaps %s:%u (%s:%u:%u): another owner's IDs\n", where,
                (unsigned long long)pc->pool.start, (unsigned long long)(idrange_end(&pc->pool) - 1), pc->file,
                e->line, str_printable(e->owner, (char[40]){ 0 }, 32), e->id, e->count);
        pc->clashes++;
        return 0;
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
        if (r == -ENOENT && argc > 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(ENOENT));
                return EXIT_NO;
        }
        /* Missing /etc/nss_subid.conf: the built-in defaults are checked. */
        rc = r == -ENOENT ? EXIT_OK : config_status_msg(path, r, &err);
        if (rc != EXIT_OK)
                return rc;
        if (config_validate_for_caller(&cfg, (uint32_t)getuid(), &err) < 0 ||
            config_validate_for_caller(&cfg, (uint32_t)getgid(), &err) < 0) {
                fprintf(stderr, "%s:%u: %s\n", path, err.line, err.msg);
                return EXIT_NO;
        }
        for (int k = 0; k < 2; k++) {
                const struct colon_db *db = sys_db_get(k ? DB_SUBGID : DB_SUBUID, true);
                struct pool_clash pc = { path, r == -ENOENT, k ? SUBGID_FILE : SUBUID_FILE, &cfg, { 0, 0 }, 0 };
                warn_bad_lines(pc.file, db);
                /* The policy never grants such IDs from the pool (they are cut
                 * out at decision time); a pool laid over them is still a
                 * configuration error to fix. */
                if (db && policy_pool_extent(&cfg, &pc.pool))
                        colon_db_each_overlap(db, pc.pool.start, pc.pool.count, report_pool_clash, &pc);
                sys_db_put(db);
                if (pc.clashes)
                        rc = EXIT_NO;
        }
        return rc;
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
                        printf("%s  %s:x:%u:%u:%s:%s:%s\n", label, name, o->uid, policy_primary_gid(&si->in, o->uid), si->cfg.gecos,
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
        /* The userns trade-off (nss_subid.conf(5)), said where it applies. */
        for (size_t i = 0; i < g.n; i++) {
                if (g.g[i].src != SRC_USERNS)
                        continue;
                if (si.cfg.userns_no_accounts)
                        printf("note: userns no-accounts: the IDs of this namespace's own accounts (/etc/%s) are "
                               "not granted; the nested namespace has that many IDs fewer\n",
                               kind == KIND_GID ? "group" : "passwd");
                else
                        printf("note: userns all: the IDs of this namespace's own accounts (/etc/%s) are granted "
                               "too, so %s can become them in a nested namespace; 'subids userns no-accounts' "
                               "leaves them out\n",
                               kind == KIND_GID ? "group" : "passwd", who);
                break;
        }
out:
        sys_input_done(&si);
        return rc;
}

/* ---------------------------------------------------------------- sync */

/*
 * `sync` is the one command that writes.  The policy (which lines, where,
 * what conflicts) is subsync_merge(); this part only does the I/O, in one
 * obvious order: lock (shadow's protocol), read, merge, write temporary
 * files next to the originals, rename them over, fsync the directory,
 * unlock.  A refusal or an error before the renames changes nothing.
 */

#define SYNC_MAX_FILE (64u * 1024 * 1024)

struct sync_file {
        const char *path;
        char lock[PATH_MAX];
        bool locked;
        bool existed;
        struct stat st;
        char *old;
        size_t old_len;
        struct subsync_result res;
        char tmp[PATH_MAX];
        bool tmp_made;
        char bak[PATH_MAX];
        bool bak_made;
};

/* Read a whole regular file, never through a symlink.  -ENOENT: absent. */
static int sync_read(struct sync_file *f)
{
        int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
        size_t n = 0, cap;
        int r = 0;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &f->st) < 0) {
                r = -errno;
                goto out;
        }
        if (!S_ISREG(f->st.st_mode)) {
                r = -EPERM;
                goto out;
        }
        if ((uint64_t)f->st.st_size > SYNC_MAX_FILE) {
                r = -EFBIG;
                goto out;
        }
        cap = (size_t)f->st.st_size + 1;
        f->old = malloc(cap);
        if (!f->old) {
                r = -ENOMEM;
                goto out;
        }
        for (;;) {
                ssize_t k = read(fd, f->old + n, cap - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        goto out;
                }
                if (k == 0)
                        break;
                n += (size_t)k;
                if (n == cap) { /* grew under the lock: someone ignores it */
                        r = -EAGAIN;
                        goto out;
                }
        }
        f->old_len = n;
        f->existed = true;
out:
        close(fd);
        return r;
}

/*
 * shadow's lock (lib/commonio.c, do_lock_file): write our PID (with its
 * NUL) to FILE.PID, link() it to FILE.lock, which fails if the lock exists,
 * and trust the link only if FILE.PID then has two links.  A lock whose PID
 * is not running is stale and is taken over once.  usermod, useradd and
 * newusers honour it; shadow also takes lckpwdf() first, and so do we.
 */
static int shadow_lock(struct sync_file *f, pid_t *holder)
{
        char tmp[PATH_MAX], buf[32];
        struct stat st;
        int fd, r = -EEXIST, n;

        *holder = 0;
        if (snprintf(f->lock, sizeof(f->lock), "%s.lock", f->path) >= (int)sizeof(f->lock) ||
            snprintf(tmp, sizeof(tmp), "%s.%ld", f->path, (long)getpid()) >= (int)sizeof(tmp))
                return -ENAMETOOLONG;
        (void)unlink(tmp); /* a leftover of a dead process with our PID */
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        n = snprintf(buf, sizeof(buf), "%ld", (long)getpid()) + 1;
        ssize_t w = write(fd, buf, (size_t)n);
        if (w != n || fsync(fd) < 0) {
                r = w < 0 || w == n ? -errno : -EIO;
                close(fd);
                unlink(tmp);
                return r;
        }
        close(fd);
        for (int attempt = 0; attempt < 2; attempt++) {
                if (link(tmp, f->lock) == 0) {
                        r = stat(tmp, &st) == 0 && st.st_nlink == 2 ? 0 : -EEXIST;
                        break;
                }
                if (errno != EEXIST) {
                        r = -errno;
                        break;
                }
                /* Held: by whom?  No readable PID: not ours to remove. */
                uint32_t pid = 0;
                ssize_t k = -1;
                fd = open(f->lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
                if (fd >= 0) {
                        k = read(fd, buf, sizeof(buf) - 1);
                        close(fd);
                }
                size_t pl = k > 0 ? strnlen(buf, (size_t)k) : 0;
                if (pl > 0 && buf[pl - 1] == '\n')
                        pl--;
                if (k <= 0 || parse_u32_n(buf, pl, &pid) < 0 || pid == 0 || pid > INT32_MAX) {
                        r = -EEXIST;
                        break;
                }
                if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) {
                        *holder = (pid_t)pid;
                        r = -EEXIST;
                        break;
                }
                if (unlink(f->lock) < 0 && errno != ENOENT) {
                        r = -errno;
                        break;
                }
        }
        unlink(tmp);
        if (r == 0)
                f->locked = true;
        return r;
}

static void shadow_unlock(struct sync_file *f)
{
        if (f->locked)
                unlink(f->lock);
        f->locked = false;
}

/* Write f->res to a new file in the same directory, with the original's
 * owner and mode (root:root 0644 for a new file), and fsync it. */
static int sync_write_tmp(struct sync_file *f)
{
        uid_t uid = f->existed ? f->st.st_uid : 0;
        gid_t gid = f->existed ? f->st.st_gid : 0;
        mode_t mode = f->existed ? (f->st.st_mode & 07777) : 0644;
        size_t off = 0;
        int fd, r = 0;

        if (snprintf(f->tmp, sizeof(f->tmp), "%s.syncXXXXXX", f->path) >= (int)sizeof(f->tmp))
                return -ENAMETOOLONG;
        fd = mkostemp(f->tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        f->tmp_made = true;
        if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0) {
                r = -errno;
                goto out;
        }
        while (off < f->res.len) {
                ssize_t k = write(fd, f->res.text + off, f->res.len - off);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0) {
                        r = k < 0 ? -errno : -EIO;
                        goto out;
                }
                off += (size_t)k;
        }
        if (fsync(fd) < 0)
                r = -errno;
out:
        if (close(fd) < 0 && r == 0)
                r = -errno;
        return r;
}

static int fsync_dir_of(const char *path)
{
        char dir[PATH_MAX];
        const char *slash = strrchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : 0;
        int fd, r = 0;

        if (n == 0)
                strcpy(dir, slash ? "/" : ".");
        else if (n < sizeof(dir)) {
                memcpy(dir, path, n);
                dir[n] = '\0';
        } else
                return -ENAMETOOLONG;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fsync(fd) < 0)
                r = -errno;
        close(fd);
        return r;
}

/*
 * Rename every changed file's temporary over it.  The old file is first
 * hard-linked to a backup name, so that if a later rename fails the
 * earlier ones are undone with a rename back: both files change, or neither.
 */
static int sync_commit(struct sync_file *f, size_t nf, const char **failed)
{
        size_t i;
        int r = 0;

        for (i = 0; i < nf; i++) {
                if (!f[i].tmp_made || !f[i].existed)
                        continue;
                if (snprintf(f[i].bak, sizeof(f[i].bak), "%s.sync-old.%ld", f[i].path, (long)getpid()) >=
                    (int)sizeof(f[i].bak)) {
                        *failed = f[i].path;
                        return -ENAMETOOLONG;
                }
                (void)unlink(f[i].bak);
                if (link(f[i].path, f[i].bak) < 0) {
                        *failed = f[i].path;
                        return -errno;
                }
                f[i].bak_made = true;
        }
        for (i = 0; i < nf; i++) {
                if (!f[i].tmp_made)
                        continue;
                if (rename(f[i].tmp, f[i].path) < 0) {
                        r = -errno;
                        *failed = f[i].path;
                        break;
                }
                f[i].tmp_made = false;
        }
        if (r < 0) {
                /* Undo in reverse: the backup is the old inode itself. */
                while (i-- > 0) {
                        if (f[i].bak_made) {
                                if (rename(f[i].bak, f[i].path) == 0)
                                        f[i].bak_made = false;
                        } else if (!f[i].existed && f[i].res.changed) {
                                unlink(f[i].path);
                        }
                }
        }
        for (i = 0; i < nf; i++)
                if (f[i].bak_made)
                        unlink(f[i].bak);
        if (r == 0)
                r = fsync_dir_of(f[0].path);
        return r;
}

static void sync_cleanup(struct sync_file *f, size_t nf)
{
        for (size_t i = 0; i < nf; i++) {
                if (f[i].tmp_made)
                        unlink(f[i].tmp);
                f[i].tmp_made = false;
                free(f[i].old);
                f[i].old = NULL;
                subsync_result_free(&f[i].res);
        }
}

/* Lines of a block: count and the next line. */
static size_t count_lines(const char *p, size_t n)
{
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
                k += p[i] == '\n';
        return k;
}

static const char *next_line(const char *p, const char *end)
{
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        return nl ? nl + 1 : end;
}

static const char *prev_line(const char *begin, const char *p)
{
        /* p is just past a '\n'; find the start of the line before it. */
        const char *q = p - 1;
        while (q > begin && q[-1] != '\n')
                q--;
        return q;
}

/* What changes inside the block: the lines between the common first and
 * last lines, at most `show` of each kind. */
static void print_block_diff(const struct subsync_result *res)
{
        const char *a = res->old_lines, *ae = a ? a + res->old_lines_len : NULL;
        const char *b = res->new_lines, *be = b ? b + res->new_lines_len : NULL;
        const size_t show = 10;

        if (!a)
                a = ae = "";
        if (!b)
                b = be = "";
        while (a < ae && b < be) {
                const char *na = next_line(a, ae), *nb = next_line(b, be);
                if (na - a != nb - b || memcmp(a, b, (size_t)(na - a)) != 0)
                        break;
                a = na;
                b = nb;
        }
        while (ae > a && be > b) {
                const char *pa = prev_line(a, ae), *pb = prev_line(b, be);
                if (ae - pa != be - pb || memcmp(pa, pb, (size_t)(ae - pa)) != 0)
                        break;
                ae = pa;
                be = pb;
        }
        for (int side = 0; side < 2; side++) {
                const char *p = side ? b : a, *e = side ? be : ae;
                size_t total = count_lines(p, (size_t)(e - p)), k = 0;
                for (; p < e && k < show; k++) {
                        const char *nl = next_line(p, e);
                        printf("  %c%.*s\n", side ? '+' : '-', (int)(nl - p - 1), p);
                        p = nl;
                }
                if (total > show)
                        printf("  %c... %zu more line%s\n", side ? '+' : '-', total - show,
                               total - show == 1 ? "" : "s");
        }
}

static void print_sync_summary(const struct sync_file *f, const struct subsync_entry *e, size_t n, bool dry)
{
        const struct subsync_result *res = &f->res;

        if (!res->changed) {
                printf("%s: already in sync (%zu line%s)\n", f->path, n, n == 1 ? "" : "s");
                return;
        }
        if (n == 0)
                printf("%s: %s the nss_subid sync block (lines %u-%u, %zu line%s): nothing to sync\n", f->path,
                       dry ? "would remove" : "removed", res->old_begin, res->old_end, res->n_old,
                       res->n_old == 1 ? "" : "s");
        else
                printf("%s: %s %zu line%s, UID %u (%u+%u) .. UID %u (%u+%u), %s; %zu other line%s kept\n", f->path,
                       dry ? "would write" : "wrote", n, n == 1 ? "" : "s", e[0].uid, e[0].start, e[0].count,
                       e[n - 1].uid, e[n - 1].start, e[n - 1].count,
                       res->old_begin ? "replacing the block" : "as a new block at the end", res->n_foreign,
                       res->n_foreign == 1 ? "" : "s");
        if (dry)
                print_block_diff(res);
}

static int cmd_sync(int argc, char **argv, const char *cfgpath)
{
        const char *path = cfgpath ? cfgpath : NSS_SUBID_CONF;
        struct sync_file f[2] = { { .path = SUBUID_FILE }, { .path = SUBGID_FILE } };
        struct subid_config cfg;
        struct config_error cerr;
        struct subsync_error serr;
        struct subsync_entry *e = NULL;
        size_t n = 0;
        bool dry = false, self = false, pwlocked = false;
        sigset_t block, old;
        int r, rc = EXIT_SYS;

        for (int i = 0; i < argc; i++) {
                if (strcmp(argv[i], "--dry-run") == 0 || strcmp(argv[i], "-n") == 0) {
                        dry = true;
                } else {
                        fprintf(stderr, "%s: sync takes only --dry-run, not '%s'\n", prog, argv[i]);
                        return EXIT_USAGE;
                }
        }
        if (!dry && geteuid() != 0) {
                fprintf(stderr, "%s: sync rewrites %s and %s and must run as root (--dry-run shows what it would "
                                "write)\n",
                        prog, SUBUID_FILE, SUBGID_FILE);
                return EXIT_NO;
        }
        r = sys_load_config(path, &cfg, &cerr);
        if (r < 0 && r != -ENOENT)
                return config_status_msg(path, r, &cerr);
        r = subsync_entries(&cfg, SUBSYNC_MAX_LINES, &e, &n, &self, &serr);
        if (r == -ENOMEM) {
                fprintf(stderr, "%s: %s\n", prog, strerror(ENOMEM));
                return EXIT_SYS;
        }
        if (r < 0) {
                if (serr.line)
                        fprintf(stderr, "%s:%u: %s: refusing to sync\n", path, serr.line, serr.msg);
                else
                        fprintf(stderr, "%s: %s: refusing to sync\n", path, serr.msg);
                return EXIT_NO;
        }
        if (self)
                fprintf(stderr, "%s: note: 'users self' cannot be synced: it has no fixed UID.  Clients that read "
                                "%s themselves (buildah without libsubid) need explicit 'users FIRST-LAST' lines.\n",
                        prog, SUBUID_FILE);
        if (n == 0)
                fprintf(stderr, "%s: note: %s grants no pool block to an explicit users range (%s): nothing to "
                                "sync; a block written before is removed\n",
                        prog, path, !cfg.src_pool ? "no 'subids pool'" : "no 'users FIRST-LAST' line");

        /* From here on, an interrupt must not leave a lock or a half-done
         * pair of renames behind. */
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGTERM);
        sigaddset(&block, SIGHUP);
        sigaddset(&block, SIGQUIT);
        sigaddset(&block, SIGTSTP);
        sigprocmask(SIG_BLOCK, &block, &old);

        if (!dry) {
                if (lckpwdf() < 0) {
                        fprintf(stderr, "%s: cannot take the password file lock (lckpwdf): %s\n", prog,
                                strerror(errno));
                        goto out;
                }
                pwlocked = true;
                for (size_t i = 0; i < 2; i++) {
                        pid_t holder;
                        r = shadow_lock(&f[i], &holder);
                        if (r == -EEXIST && holder)
                                fprintf(stderr, "%s: %s is locked by PID %ld (another shadow tool?); try again\n",
                                        prog, f[i].lock, (long)holder);
                        else if (r == -EEXIST)
                                fprintf(stderr, "%s: %s exists without a valid PID; remove it if no shadow tool is "
                                                "running\n",
                                        prog, f[i].lock);
                        else if (r < 0)
                                fprintf(stderr, "%s: cannot lock %s: %s\n", prog, f[i].path, strerror(-r));
                        if (r < 0)
                                goto out;
                }
        }
        for (size_t i = 0; i < 2; i++) {
                r = sync_read(&f[i]);
                if (r < 0 && r != -ENOENT) {
                        fprintf(stderr, "%s: %s\n", f[i].path,
                                r == -EPERM   ? "not a regular file (refused)"
                                : r == -EFBIG ? "file too large"
                                              : strerror(-r));
                        goto out;
                }
        }
        for (size_t i = 0; i < 2; i++) {
                r = subsync_merge(f[i].old, f[i].old_len, e, n, &f[i].res, &serr);
                if (r == -ENOMEM) {
                        fprintf(stderr, "%s: %s\n", prog, strerror(ENOMEM));
                        goto out;
                }
                if (r < 0) {
                        if (serr.line)
                                fprintf(stderr, "%s:%u: %s\n", f[i].path, serr.line, serr.msg);
                        else
                                fprintf(stderr, "%s: %s\n", f[i].path, serr.msg);
                        fprintf(stderr, "%s: refusing to sync: %s and %s are unchanged\n", prog, SUBUID_FILE,
                                SUBGID_FILE);
                        rc = EXIT_NO;
                        goto out;
                }
                if (f[i].res.n_unreadable)
                        fprintf(stderr, "%s:%u: warning: not OWNER:START:COUNT (%zu such line%s), kept as is; "
                                        "containers/storage (buildah) rejects a file with such a line\n",
                                f[i].path, f[i].res.first_unreadable, f[i].res.n_unreadable,
                                f[i].res.n_unreadable == 1 ? "" : "s");
        }
        if (!dry) {
                for (size_t i = 0; i < 2; i++) {
                        if (!f[i].res.changed)
                                continue;
                        if ((r = sync_write_tmp(&f[i])) < 0) {
                                fprintf(stderr, "%s: cannot write a temporary file next to %s: %s\n", prog,
                                        f[i].path, strerror(-r));
                                goto out;
                        }
                }
                const char *failed = NULL;
                if ((r = sync_commit(f, 2, &failed)) < 0) {
                        fprintf(stderr, "%s: cannot replace %s: %s\n", prog, failed ? failed : "the files",
                                strerror(-r));
                        goto out;
                }
        }
        for (size_t i = 0; i < 2; i++)
                print_sync_summary(&f[i], e, n, dry);
        rc = EXIT_OK;
out:
        sync_cleanup(f, 2);
        for (size_t i = 2; i-- > 0;)
                shadow_unlock(&f[i]);
        if (pwlocked)
                ulckpwdf();
        sigprocmask(SIG_SETMASK, &old, NULL);
        free(e);
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
        if (strcmp(cmd, "sync") == 0)
                return cmd_sync(n, rest, cfgpath);
        if (strcmp(cmd, "help") == 0) {
                usage(stdout);
                return EXIT_OK;
        }
        fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
        usage(stderr);
        return EXIT_USAGE;
}
