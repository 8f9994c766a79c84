/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Module test of pam_subid.so: dlopen the test build (fixture paths in
 * tests/tmp/etc, like the NSS test module), call pam_sm_open_session and
 * pam_sm_close_session with a real libpam handle, and look at what they
 * left on disk.  The process runs under nss_wrapper with libnss_subidtest
 * as its NSS module, so getpwnam() in the PAM module knows the synthesized
 * users exactly as a system with `passwd: files subid` would.  One case goes
 * through libpam's own stack (pam_open_session with a service file).
 */
#include <security/pam_appl.h>

#include "mt_common.h"

#define SYN_UID 1000590000u
#define SYN_NAME "u1000590000"
#define ALICE_UID 1000u

/* snprintf into an array, or abort: a test path never silently truncates. */
#define PATHF(buf, ...)                                                          \
        do {                                                                     \
                if ((size_t)snprintf((buf), sizeof(buf), __VA_ARGS__) >= sizeof(buf)) \
                        abort();                                                 \
        } while (0)

typedef int (*pam_fn)(pam_handle_t *, int, int, const char **);

static struct {
        void *h;
        pam_fn open, close;
        char base[512]; /* runtime_dir= */
        char opt_base[600];
        char confdir[512];
} P;

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
        (void)n, (void)msg, (void)data;
        *resp = NULL;
        return PAM_CONV_ERR;
}

static pam_handle_t *start(const char *user)
{
        static const struct pam_conv c = { conv, NULL };
        pam_handle_t *ph = NULL;
        int r = pam_start_confdir("pam_subid_test", user, &c, P.confdir, &ph);
        if (r != PAM_SUCCESS || !ph) {
                fprintf(stderr, "pam_start_confdir: %d\n", r);
                abort();
        }
        return ph;
}

/*
 * libpam lets only a module it called use pam_set_data()/pam_get_data(), so
 * sessions that succeed (and must be undone by close) go through libpam's
 * stack: the service runs the module with opts, then pam_permit (so that a
 * PAM_IGNORE of ours is not a failure of the whole stack).  Returns whose
 * result is ours can be checked directly with sm_open/sm_close: they return
 * before the module keeps any state.
 */
static pam_handle_t *lp_start(const char *user, const char *const *opts)
{
        char svc[PATH_MAX];
        PATHF(svc, "%s/pam_subid_test", P.confdir);
        FILE *f = fopen(svc, "w");
        if (!f)
                mt_die("fopen", svc);
        fprintf(f, "session required %s", mt_env("NSS_SUBID_TEST_PAM"));
        for (size_t i = 0; opts && opts[i]; i++)
                fprintf(f, " %s", opts[i]);
        fprintf(f, "\nsession optional pam_permit.so\n");
        if (fclose(f) != 0)
                mt_die("write", svc);
        pam_handle_t *ph = start(user);
        unlink(svc);
        return ph;
}

/* Open a session with the module's entry point; opts: NULL-terminated. */
static int sm_open(pam_handle_t *ph, const char *const *opts)
{
        int n = 0;
        while (opts && opts[n])
                n++;
        return P.open(ph, 0, n, (const char **)opts);
}

static int sm_close(pam_handle_t *ph, const char *const *opts)
{
        int n = 0;
        while (opts && opts[n])
                n++;
        return P.close(ph, 0, n, (const char **)opts);
}

static void dir_path(char *out, size_t sz, uid_t uid)
{
        if ((size_t)snprintf(out, sz, "%s/%u", P.base, (unsigned)uid) >= sz)
                abort();
}

/* Entries in the base directory other than the module's state directory. */
static int base_entries(void)
{
        DIR *d = opendir(P.base);
        struct dirent *de;
        int n = 0;
        if (!d)
                return -1;
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, ".pam_subid"))
                        n++;
        closedir(d);
        return n;
}

/* The reference count file for uid: its number, 0 when absent. */
static long count_of(uid_t uid)
{
        char p[PATH_MAX], buf[32] = "";
        PATHF(p, "%s/.pam_subid/%u", P.base, (unsigned)uid);
        FILE *f = fopen(p, "r");
        if (!f)
                return 0;
        if (!fgets(buf, sizeof(buf), f))
                buf[0] = '\0';
        fclose(f);
        return strtol(buf, NULL, 10);
}

static void rm_rf(const char *path)
{
        char cmd[PATH_MAX + 32];
        PATHF(cmd, "rm -rf -- '%s'", path);
        if (system(cmd) != 0)
                abort();
}

static int reset(void **state)
{
        (void)state;
        rm_rf(P.base);
        if (mkdir(P.base, 0755) < 0 || chmod(P.base, 0755) < 0)
                mt_die("mkdir", P.base);
        return 0;
}

static const char *const *opts_base(const char *extra)
{
        static const char *o[4];
        o[0] = P.opt_base;
        o[1] = extra;
        o[2] = NULL;
        return o;
}

/* ---------------------------------------------------------------- cases */

static void test_exports(void **state)
{
        (void)state;
        static const char *const abi[] = { "pam_sm_open_session", "pam_sm_close_session" };
        check_exports(mt_env("NSS_SUBID_TEST_PAM"), "PAM_SUBID_1", abi, 2);
        check_exports(mt_env("NSS_SUBID_REAL_PAM"), "PAM_SUBID_1", abi, 2);
        const char *internal[] = { "cg_apply", "sys_input_init", "name_is_valid", "policy_user_entity",
                                   "pam_sm_authenticate" };
        for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
                CHECK(dlsym(P.h, internal[i]) == NULL, "%s is visible in pam_subid.so", internal[i]);
        CHECK_DONE();
}

static void test_synthesized_user(void **state)
{
        (void)state;
        char d[PATH_MAX], want_env[PATH_MAX + 32];
        struct stat st;
        pam_handle_t *ph;

        /* Called directly (not by libpam), the module cannot keep its state
         * for close_session: it must undo what it created and fail. */
        dir_path(d, sizeof(d), SYN_UID);
        ph = start(SYN_NAME);
        CHECK(sm_open(ph, opts_base(NULL)) == PAM_BUF_ERR, "open_session without pam_set_data");
        CHECK(base_entries() == 0 && count_of(SYN_UID) == 0, "a failed open_session left %s behind", d);
        pam_end(ph, PAM_SUCCESS);

        ph = lp_start(SYN_NAME, opts_base(NULL));
        CHECK(pam_open_session(ph, 0) == PAM_SUCCESS, "open_session for %s", SYN_NAME);
        CHECK(lstat(d, &st) == 0 && S_ISDIR(st.st_mode), "%s was not created", d);
        /* root looks the user up: its private group, never a fixed group like 0 */
        CHECK(st.st_uid == SYN_UID && st.st_gid == SYN_UID && (st.st_mode & 07777) == 0700,
              "%s: owner %u:%u mode %04o, want %u:%u 0700", d, st.st_uid, st.st_gid, st.st_mode & 07777, SYN_UID, SYN_UID);
        PATHF(want_env, "%s", d);
        const char *env = pam_getenv(ph, "XDG_RUNTIME_DIR");
        CHECK(env && strcmp(env, want_env) == 0, "XDG_RUNTIME_DIR=%s, want %s", esc(env), esc(want_env));
        CHECK(count_of(SYN_UID) == 1, "session count %ld, want 1", count_of(SYN_UID));

        /* The user fills the directory, including a symlink to a root file
         * and a nested tree: close removes all of it, follows nothing. */
        char f[PATH_MAX], victim[PATH_MAX];
        mt_path(victim, sizeof(victim), "victim");
        mt_write("victim", "precious\n");
        PATHF(f, "%s/sock-dir", d);
        CHECK(mkdir(f, 0700) == 0 && chown(f, SYN_UID, 0) == 0, "mkdir %s", f);
        PATHF(f, "%s/sock-dir/link", d);
        CHECK(symlink(victim, f) == 0, "symlink %s", f);
        PATHF(f, "%s/link-to-etc", d);
        CHECK(symlink(mt_etc(), f) == 0, "symlink %s", f);
        PATHF(f, "%s/file", d);
        int fd = open(f, O_WRONLY | O_CREAT, 0600);
        CHECK(fd >= 0 && fchown(fd, SYN_UID, 0) == 0, "create %s", f);
        if (fd >= 0)
                close(fd);

        CHECK(pam_close_session(ph, 0) == PAM_SUCCESS, "close_session");
        CHECK(lstat(d, &st) < 0 && errno == ENOENT, "%s still exists after the last session", d);
        CHECK(count_of(SYN_UID) == 0, "count file left behind");
        CHECK(stat(victim, &st) == 0 && st.st_size == 9, "the symlink target was touched");
        CHECK(stat(mt_etc(), &st) == 0, "the fixture dir was removed through a symlink");
        pam_end(ph, PAM_SUCCESS);
        CHECK_DONE();
}

static void test_two_sessions(void **state)
{
        (void)state;
        char d[PATH_MAX];
        struct stat st;
        pam_handle_t *a = lp_start(SYN_NAME, opts_base(NULL)), *b = lp_start(SYN_NAME, opts_base(NULL));

        dir_path(d, sizeof(d), SYN_UID);
        CHECK(pam_open_session(a, 0) == PAM_SUCCESS, "open A");
        CHECK(pam_open_session(b, 0) == PAM_SUCCESS, "open B");
        CHECK(count_of(SYN_UID) == 2, "count %ld, want 2", count_of(SYN_UID));
        CHECK(pam_close_session(a, 0) == PAM_SUCCESS, "close A");
        CHECK(stat(d, &st) == 0, "%s removed while session B is open", d);
        CHECK(count_of(SYN_UID) == 1, "count %ld, want 1", count_of(SYN_UID));
        /* A second close of A must not count down B's reference. */
        CHECK(pam_close_session(a, 0) == PAM_SUCCESS, "close A again");
        CHECK(stat(d, &st) == 0 && count_of(SYN_UID) == 1, "closing A twice ended session B's directory");
        CHECK(pam_close_session(b, 0) == PAM_SUCCESS, "close B");
        CHECK(lstat(d, &st) < 0, "%s left after the last session", d);
        pam_end(a, PAM_SUCCESS);
        pam_end(b, PAM_SUCCESS);

        /* pam_end without close_session (a crashed login): the count stays,
         * and so does the directory; a later session reuses it. */
        a = lp_start(SYN_NAME, opts_base(NULL));
        CHECK(pam_open_session(a, 0) == PAM_SUCCESS, "open C");
        pam_end(a, PAM_SUCCESS);
        CHECK(stat(d, &st) == 0 && count_of(SYN_UID) == 1, "state after an unclosed session");
        CHECK_DONE();
}

static void test_preexisting_dir_not_ours(void **state)
{
        (void)state;
        char d[PATH_MAX];
        struct stat st;
        dir_path(d, sizeof(d), SYN_UID);
        CHECK(mkdir(d, 0700) == 0 && chown(d, SYN_UID, 0) == 0, "mkdir %s", d);
        pam_handle_t *ph = lp_start(SYN_NAME, opts_base(NULL));
        CHECK(pam_open_session(ph, 0) == PAM_SUCCESS, "open with an existing directory of the user");
        CHECK(count_of(SYN_UID) == 0, "a directory we did not create was counted");
        CHECK(pam_close_session(ph, 0) == PAM_SUCCESS, "close");
        CHECK(stat(d, &st) == 0, "close removed a directory it did not create");
        pam_end(ph, PAM_SUCCESS);
        CHECK_DONE();
}

/* Whatever sits at BASE/UID that is not the user's 0700 directory. */
static void test_refuse_foreign(void **state)
{
        (void)state;
        char d[PATH_MAX], victim[PATH_MAX];
        struct stat st;
        enum { SYMLINK, SYMLINK_DANGLING, OTHER_OWNER, ROOT_OWNED, MODE_0755, REGULAR, FIFO } kinds[] = {
                SYMLINK, SYMLINK_DANGLING, OTHER_OWNER, ROOT_OWNED, MODE_0755, REGULAR, FIFO
        };
        dir_path(d, sizeof(d), SYN_UID);
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
                reset(NULL);
                mt_path(victim, sizeof(victim), "victim-dir");
                rm_rf(victim);
                if (mkdir(victim, 0755) < 0)
                        mt_die("mkdir", victim);
                switch (kinds[i]) {
                case SYMLINK:
                        CHECK(symlink(victim, d) == 0, "symlink");
                        break;
                case SYMLINK_DANGLING:
                        CHECK(symlink("/nonexistent/x", d) == 0, "symlink");
                        break;
                case OTHER_OWNER:
                        CHECK(mkdir(d, 0700) == 0 && chown(d, ALICE_UID, 0) == 0, "mkdir");
                        break;
                case ROOT_OWNED:
                        CHECK(mkdir(d, 0700) == 0, "mkdir");
                        break;
                case MODE_0755:
                        CHECK(mkdir(d, 0755) == 0 && chown(d, SYN_UID, 0) == 0 && chmod(d, 0755) == 0, "mkdir");
                        break;
                case REGULAR:
                        CHECK(close(open(d, O_WRONLY | O_CREAT, 0600)) == 0, "create");
                        break;
                case FIFO:
                        CHECK(mkfifo(d, 0600) == 0, "mkfifo");
                        break;
                }
                pam_handle_t *ph = start(SYN_NAME);
                int r = sm_open(ph, opts_base(NULL));
                CHECK(r == PAM_SESSION_ERR, "case %zu: open_session returned %d, want PAM_SESSION_ERR", i, r);
                CHECK(pam_getenv(ph, "XDG_RUNTIME_DIR") == NULL, "case %zu: XDG_RUNTIME_DIR set", i);
                CHECK(stat(victim, &st) == 0 && st.st_uid == 0 && (st.st_mode & 07777) == 0755,
                      "case %zu: the symlink target changed: %u %04o", i, st.st_uid, st.st_mode & 07777);
                CHECK(count_of(SYN_UID) == 0, "case %zu: counted", i);
                CHECK(sm_close(ph, opts_base(NULL)) == PAM_IGNORE, "case %zu: close after a failed open", i);
                CHECK(lstat(d, &st) == 0, "case %zu: close removed what was there", i);
                pam_end(ph, PAM_SUCCESS);
        }
        CHECK_DONE();
}

static void test_who_is_handled(void **state)
{
        (void)state;
        struct stat st;
        char d[PATH_MAX];
        pam_handle_t *ph;

        /* A user of /etc/passwd: only with all_users. */
        ph = start("alice");
        CHECK(sm_open(ph, opts_base(NULL)) == PAM_IGNORE, "alice without all_users");
        CHECK(base_entries() == 0, "something was created for alice");
        CHECK(sm_close(ph, opts_base(NULL)) == PAM_IGNORE, "close for alice");
        pam_end(ph, PAM_SUCCESS);
        ph = lp_start("alice", opts_base("all_users"));
        CHECK(pam_open_session(ph, 0) == PAM_SUCCESS, "alice with all_users");
        dir_path(d, sizeof(d), ALICE_UID);
        CHECK(stat(d, &st) == 0 && st.st_uid == ALICE_UID && st.st_gid == ALICE_UID, "alice's directory");
        CHECK(pam_close_session(ph, 0) == PAM_SUCCESS, "close for alice");
        CHECK(base_entries() == 0, "alice's directory left behind");
        pam_end(ph, PAM_SUCCESS);

        /* Root: never, whatever the options. */
        ph = start("root");
        CHECK(sm_open(ph, opts_base("all_users")) == PAM_IGNORE, "root");
        CHECK(base_entries() == 0, "something was created for root");
        pam_end(ph, PAM_SUCCESS);

        /* Unknown users, or names that are not ours. */
        const char *unknown[] = { "u1000590100", "u01000590000", "nobody-here", "U1000590000" };
        for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
                ph = start(unknown[i]);
                int r = sm_open(ph, opts_base("all_users"));
                CHECK(r == PAM_USER_UNKNOWN, "%s: %d, want PAM_USER_UNKNOWN", esc(unknown[i]), r);
                pam_end(ph, PAM_SUCCESS);
        }
        CHECK(base_entries() == 0, "something was created for an unknown user");
        CHECK_DONE();
}

static void test_hostile_users(void **state)
{
        (void)state;
        char longname[64], nonascii[] = "u\xc3\xa9t\xc3\xa9";
        memset(longname, 'a', 40);
        longname[40] = '\0';
        const char *bad[] = { "",          "a:b",         "a/b",      "..",          "../1000590000",
                              "/etc",      "u1000590000\n", "a\nb",   longname,      nonascii,
                              "u1000590000 ", " u1000590000", "1000590000", "-u1000590000", "u1000590000/..",
                              ".",         "u1000590000:x:0:0" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                pam_handle_t *ph = start(bad[i]);
                int r = sm_open(ph, opts_base("all_users"));
                CHECK(r == PAM_USER_UNKNOWN, "PAM_USER %s: %d, want PAM_USER_UNKNOWN", esc(bad[i]), r);
                CHECK(pam_getenv(ph, "XDG_RUNTIME_DIR") == NULL, "PAM_USER %s: XDG_RUNTIME_DIR set", esc(bad[i]));
                pam_end(ph, PAM_SUCCESS);
        }
        /* No PAM_USER at all. */
        pam_handle_t *ph = start(SYN_NAME);
        CHECK(pam_set_item(ph, PAM_USER, NULL) == PAM_SUCCESS, "clear PAM_USER");
        CHECK(sm_open(ph, opts_base("all_users")) == PAM_USER_UNKNOWN, "no PAM_USER");
        pam_end(ph, PAM_SUCCESS);
        CHECK(base_entries() == 0, "something was created for a hostile PAM_USER");
        CHECK_DONE();
}

static void test_options(void **state)
{
        (void)state;
        char opt[PATH_MAX], sub[PATH_MAX + 16];
        struct stat st;
        const char *bad[] = { "runtime_dir=relative", "runtime_dir=", "runtime_dir=/",
                              "runtime_dir=/run/../etc", "runtime_dir=/run//user", "runtime_dir=/run/user/",
                              "runtime_dir=/run/./user", "cgroup=relative", "cgroup=", "nonsense",
                              "debug=1", "DEBUG", "all_users=no", "runtime_dir=/run/us er" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                pam_handle_t *ph = start(SYN_NAME);
                const char *o[] = { P.opt_base, bad[i], NULL };
                int r = sm_open(ph, o);
                CHECK(r == PAM_SESSION_ERR, "option %s: %d, want PAM_SESSION_ERR", esc(bad[i]), r);
                pam_end(ph, PAM_SUCCESS);
        }
        CHECK(base_entries() == 0, "a bad option still created something");

        /* debug alone is fine. */
        pam_handle_t *ph = lp_start(SYN_NAME, opts_base("debug"));
        CHECK(pam_open_session(ph, 0) == PAM_SUCCESS, "debug");
        CHECK(pam_close_session(ph, 0) == PAM_SUCCESS, "debug close");
        CHECK(base_entries() == 0, "debug session left its directory");
        pam_end(ph, PAM_SUCCESS);

        /* A base anyone can write to (like /tmp) is refused; so is one that
         * another user owns. */
        CHECK(chmod(P.base, 01777) == 0, "chmod");
        ph = start(SYN_NAME);
        CHECK(sm_open(ph, opts_base(NULL)) == PAM_SESSION_ERR, "world-writable base");
        pam_end(ph, PAM_SUCCESS);
        CHECK(chmod(P.base, 0755) == 0 && chown(P.base, ALICE_UID, 0) == 0, "chown");
        ph = start(SYN_NAME);
        CHECK(sm_open(ph, opts_base(NULL)) == PAM_SESSION_ERR, "base owned by another user");
        pam_end(ph, PAM_SUCCESS);
        CHECK(base_entries() == 0, "created something in an unsafe base");
        CHECK(chown(P.base, 0, 0) == 0, "chown back");

        /* A missing base is created (root's, 0755); a symlink base is not followed. */
        PATHF(sub, "%s/sub", P.base);
        PATHF(opt, "runtime_dir=%s", sub);
        const char *o1[] = { opt, NULL };
        ph = lp_start(SYN_NAME, o1);
        CHECK(pam_open_session(ph, 0) == PAM_SUCCESS, "missing base");
        CHECK(stat(sub, &st) == 0 && st.st_uid == 0 && (st.st_mode & 07777) == 0755, "base created 0755 root");
        CHECK(pam_close_session(ph, 0) == PAM_SUCCESS, "close");
        pam_end(ph, PAM_SUCCESS);
        rm_rf(sub);
        char target[PATH_MAX];
        PATHF(target, "%s/real", P.base);
        CHECK(mkdir(target, 0755) == 0 && symlink(target, sub) == 0, "symlink base");
        ph = start(SYN_NAME);
        CHECK(sm_open(ph, o1) == PAM_SESSION_ERR, "symlink base");
        pam_end(ph, PAM_SUCCESS);
        CHECK(rmdir(target) == 0, "the symlink base's target was used");
        CHECK_DONE();
}

/* `cgroup` without a usable cgroup-parent fails, and leaves nothing behind. */
static void test_cgroup_unconfigured(void **state)
{
        (void)state;
        const char *opts[][2] = { { "cgroup", NULL }, { "cgroup=/sys/fs/cgroup/unified", NULL } };
        for (size_t i = 0; i < 2; i++) {
                pam_handle_t *ph = start(SYN_NAME);
                int r = sm_open(ph, opts_base(opts[i][0]));
                CHECK(r == PAM_SESSION_ERR, "%s: %d, want PAM_SESSION_ERR", opts[i][0], r);
                CHECK(base_entries() == 0 && count_of(SYN_UID) == 0, "%s: runtime directory left behind",
                      opts[i][0]);
                pam_end(ph, PAM_SUCCESS);
        }
        CHECK_DONE();
}

struct nonroot_arg {
        int rc;
};

static void nonroot_child(void *arg)
{
        (void)arg;
        pam_handle_t *ph = start(SYN_NAME);
        int r = sm_open(ph, opts_base(NULL));
        _exit(r == PAM_IGNORE ? 0 : 1);
}

static void test_not_root(void **state)
{
        (void)state;
        mt_run_as(SYN_UID, 0, nonroot_child, NULL);
        CHECK(base_entries() == 0, "a non-root caller created something");
        CHECK_DONE();
}

/* Through libpam's own dispatch, as login or sshd would call it. */
static void test_through_libpam(void **state)
{
        (void)state;
        char svc[PATH_MAX], d[PATH_MAX + 16];
        struct stat st;
        PATHF(svc, "%s/pam_subid_test", P.confdir);
        FILE *f = fopen(svc, "w");
        if (!f)
                mt_die("fopen", svc);
        fprintf(f, "session required %s %s\n", mt_env("NSS_SUBID_TEST_PAM"), P.opt_base);
        fclose(f);
        pam_handle_t *ph = start(SYN_NAME);
        dir_path(d, sizeof(d), SYN_UID);
        CHECK(pam_open_session(ph, 0) == PAM_SUCCESS, "pam_open_session");
        CHECK(stat(d, &st) == 0 && st.st_uid == SYN_UID, "no runtime directory through libpam");
        const char *env = pam_getenv(ph, "XDG_RUNTIME_DIR");
        CHECK(env && strcmp(env, d) == 0, "XDG_RUNTIME_DIR=%s", esc(env));
        CHECK(pam_close_session(ph, 0) == PAM_SUCCESS, "pam_close_session");
        CHECK(lstat(d, &st) < 0, "runtime directory left after pam_close_session");
        pam_end(ph, PAM_SUCCESS);
        unlink(svc);
        CHECK_DONE();
}

/* ---------------------------------------------------------------- setup */

static int group_setup(void **state)
{
        (void)state;
        mt_fixture_init();
        mt_write("passwd", "root:x:0:0:root:/root:/bin/sh\n"
                           "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n");
        mt_write("group", "root:x:0:\nalice:x:1000:\n");
        mt_write("nss_subid.conf", "users 1000590000-1000590099\n");
        mt_write("subuid", "");
        mt_write("subgid", "");
        char etc[PATH_MAX];
        PATHF(etc, "%s", mt_etc());
        char *slash = strrchr(etc, '/');
        *slash = '\0';
        PATHF(P.base, "%s/pam-run", etc);
        PATHF(P.opt_base, "runtime_dir=%s", P.base);
        PATHF(P.confdir, "%s/pam.d", etc);
        rm_rf(P.confdir);
        if (mkdir(P.confdir, 0755) < 0)
                mt_die("mkdir", P.confdir);
        /* libpam wants a configuration for the service at pam_start; the
         * entry points are called directly, except in test_through_libpam. */
        char other[PATH_MAX];
        PATHF(other, "%s/other", P.confdir);
        FILE *f = fopen(other, "w");
        if (!f || fputs("session required pam_permit.so\n", f) < 0 || fclose(f) != 0)
                mt_die("write", other);
        P.h = mt_dlopen("NSS_SUBID_TEST_PAM");
        *(void **)&P.open = mt_dlsym(P.h, "pam_sm_open_session");
        *(void **)&P.close = mt_dlsym(P.h, "pam_sm_close_session");
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        rm_rf(P.base);
        rm_rf(P.confdir);
        mt_fixture_done();
        return 0;
}

/* Re-run under nss_wrapper: files from the fixture, then libnss_subidtest. */
static void with_nss_wrapper(char **argv)
{
        if (getenv("NSS_WRAPPER_PASSWD"))
                return;
        char passwd[PATH_MAX], group[PATH_MAX];
        const char *wrapper = "libnss_wrapper.so";
        void *probe = dlopen(wrapper, RTLD_NOW | RTLD_NOLOAD);
        if (!probe && !(probe = dlopen(wrapper, RTLD_NOW))) {
                printf("test_pam: SKIP: %s (Debian: libnss-wrapper) is not installed; it lets this test "
                       "resolve synthesized users without touching /etc/nsswitch.conf\n", wrapper);
                exit(77);
        }
        mt_path(passwd, sizeof(passwd), "passwd");
        mt_path(group, sizeof(group), "group");
        setenv("NSS_WRAPPER_PASSWD", passwd, 1);
        setenv("NSS_WRAPPER_GROUP", group, 1);
        setenv("NSS_WRAPPER_MODULE_SO_PATH", mt_env("NSS_SUBID_TEST_NSS"), 1);
        setenv("NSS_WRAPPER_MODULE_FN_PREFIX", "subid", 1);
        setenv("LD_PRELOAD", wrapper, 1);
        /* In the ASan build the runtime is linked in, not preloaded: let it
         * accept a preloaded library ahead of it. */
        const char *asan = getenv("ASAN_OPTIONS");
        char opts[512];
        snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0", asan ? asan : "", asan && *asan ? ":" : "");
        setenv("ASAN_OPTIONS", opts, 1);
        execv("/proc/self/exe", argv);
        perror("execv /proc/self/exe");
        exit(99);
}

int main(int argc, char **argv)
{
        (void)argc;
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup(test_exports, reset),
                cmocka_unit_test_setup(test_synthesized_user, reset),
                cmocka_unit_test_setup(test_two_sessions, reset),
                cmocka_unit_test_setup(test_preexisting_dir_not_ours, reset),
                cmocka_unit_test_setup(test_refuse_foreign, reset),
                cmocka_unit_test_setup(test_who_is_handled, reset),
                cmocka_unit_test_setup(test_hostile_users, reset),
                cmocka_unit_test_setup(test_options, reset),
                cmocka_unit_test_setup(test_cgroup_unconfigured, reset),
                cmocka_unit_test_setup(test_not_root, reset),
                cmocka_unit_test_setup(test_through_libpam, reset),
        };
        int rc;

        mt_require_root("test_pam");
        mt_require_initial_userns("test_pam");
        with_nss_wrapper(argv);
        rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
        fprintf(stderr, "[ checks ] %lu checks evaluated\n", mt_checks);
        return rc;
}
