/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the module tests (test_nss.c, test_plugin.c).  They
 * dlopen the *test* builds of the two shared objects, which read their files
 * from $NSS_SUBID_TEST_ETC (a path compiled into them; the objects never
 * read the environment).  Fixtures are written with write-to-temp + rename so
 * every version of a file is a new inode, and replaced versions are kept
 * alive (hard-linked under .old/) until the end of the run so that an inode
 * number is never reused while the modules may still remember it.
 *
 * Checks count failures instead of stopping at the first one (CHECK), and
 * are usable from forked children (running as another UID) and from many
 * threads at once.
 */
#pragma once

#include <dirent.h>
#include <elf.h>
#include <link.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/* ------------------------------------------------------------------ checks */

static unsigned long mt_failures; /* updated atomically: threads and children use it */
static unsigned long mt_checks;

#define MT_MAX_REPORTS 60

#define CHECK(cond, ...)                                                                        \
        do {                                                                                    \
                __atomic_fetch_add(&mt_checks, 1, __ATOMIC_RELAXED);                            \
                if (!(cond)) {                                                                  \
                        unsigned long n_ = __atomic_fetch_add(&mt_failures, 1, __ATOMIC_RELAXED); \
                        if (n_ < MT_MAX_REPORTS) {                                              \
                                flockfile(stderr);                                              \
                                fprintf(stderr, "    FAIL %s:%d: (%s) ", __FILE__, __LINE__,    \
                                        #cond);                                                 \
                                fprintf(stderr, __VA_ARGS__);                                   \
                                fputc('\n', stderr);                                            \
                                funlockfile(stderr);                                            \
                        } else if (n_ == MT_MAX_REPORTS) {                                      \
                                fprintf(stderr, "    (further failures not printed)\n");        \
                        }                                                                       \
                }                                                                               \
        } while (0)

/* Call at the end of every test function. */
#define CHECK_DONE()                                                                            \
        do {                                                                                    \
                unsigned long f_ = __atomic_exchange_n(&mt_failures, 0, __ATOMIC_RELAXED);      \
                if (f_)                                                                         \
                        fail_msg("%lu check(s) failed", f_);                                    \
        } while (0)

/* Escape a string for messages (rotating static buffers; single-threaded use). */
static inline const char *esc(const char *s)
{
        static char bufs[8][160];
        static unsigned k;
        char *b;
        size_t o = 0;

        if (!s)
                return "(null)";
        b = bufs[__atomic_fetch_add(&k, 1, __ATOMIC_RELAXED) % 8];
        b[o++] = '"';
        for (size_t i = 0; s[i] && o < sizeof(bufs[0]) - 10; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
                        o += (size_t)snprintf(b + o, 5, "\\x%02x", c);
                else
                        b[o++] = (char)c;
        }
        if (o >= sizeof(bufs[0]) - 10) {
                memcpy(b + o, "...", 3);
                o += 3;
        }
        b[o++] = '"';
        b[o] = '\0';
        return b;
}

/* -------------------------------------------------------------- environment */

static inline const char *mt_env(const char *name)
{
        const char *v = getenv(name);
        if (!v || !*v) {
                fprintf(stderr, "%s is not set: run through `make check` or set it by hand "
                                "(see AM_TESTS_ENVIRONMENT in tests/Makemodule.am)\n", name);
                exit(99); /* automake: hard error */
        }
        return v;
}

static inline const char *mt_etc(void)
{
        return mt_env("NSS_SUBID_TEST_ETC");
}

/* Skip the whole program unless we are root: fixtures must be root-owned. */
static inline void mt_require_root(const char *prog)
{
        if (geteuid() != 0) {
                printf("%s: SKIP: module tests must run as root (fixture files that grant privileges "
                       "must be owned by root, and the tests switch to other UIDs)\n", prog);
                exit(77);
        }
}

/*
 * The expectations (the `pool` source, `self` in a child) assume the initial
 * user namespace, or a child namespace with the whole identity map, which
 * nss_subid treats the same way.  Elsewhere (a rootless container) skip.
 */
static inline void mt_require_initial_userns(const char *prog)
{
        struct stat st;
        char buf[256] = "";
        unsigned long a, b, c;
        int fd, n;

        if (stat("/proc/self/ns/user", &st) == 0 && st.st_ino == 0xEFFFFFFDu)
                return;
        fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
        n = fd >= 0 ? (int)read(fd, buf, sizeof(buf) - 1) : -1;
        if (fd >= 0)
                close(fd);
        if (n > 0) {
                buf[n] = '\0';
                if (sscanf(buf, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295ul &&
                    !strchr(strchr(buf, '\n') ? strchr(buf, '\n') + 1 : "", ' '))
                        return;
        }
        printf("%s: SKIP: not in the initial user namespace (the expected answers assume the `pool` source, "
               "which only applies there)\n", prog);
        exit(77);
}

/* Per-case watchdog: a hang (e.g. blocking on a FIFO) fails instead of stalling `make check`. */
#define MT_CASE_TIMEOUT 600

static inline void *mt_dlopen(const char *envvar)
{
        const char *path = mt_env(envvar);
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
                fprintf(stderr, "dlopen(%s): %s\n", path, dlerror());
                exit(99);
        }
        return h;
}

static inline void *mt_dlsym(void *h, const char *name)
{
        void *p = dlsym(h, name);
        if (!p) {
                fprintf(stderr, "dlsym(%s): %s\n", name, dlerror());
                exit(99);
        }
        return p;
}

#define MT_SYM(h, var, name) (*(void **)(&(var)) = mt_dlsym((h), (name)))

/* ----------------------------------------------------------------- fixtures */

static inline void mt_path(char *out, size_t outsz, const char *name)
{
        int n = snprintf(out, outsz, "%s/%s", mt_etc(), name);
        if (n < 0 || (size_t)n >= outsz) {
                fprintf(stderr, "path too long: %s/%s\n", mt_etc(), name);
                abort();
        }
}

static inline void mt_die(const char *what, const char *path)
{
        fprintf(stderr, "fixture: %s(%s): %s\n", what, path, strerror(errno));
        abort();
}

static unsigned long mt_grave_seq;

/* Keep the current inode of a fixture alive (see the top of this file). */
static inline void mt_bury(const char *path)
{
        char dir[PATH_MAX], dst[PATH_MAX + 64];
        struct stat st;

        if (lstat(path, &st) < 0) {
                if (errno == ENOENT)
                        return;
                mt_die("lstat", path);
        }
        if (S_ISDIR(st.st_mode))
                return;
        mt_path(dir, sizeof(dir), ".old");
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                mt_die("mkdir", dir);
        if ((size_t)snprintf(dst, sizeof(dst), "%s/%d.%lu", dir, (int)getpid(), ++mt_grave_seq) >= sizeof(dst))
                abort();
        if (link(path, dst) < 0)
                mt_die("link", dst);
}

/* Write a fixture atomically: new inode, given owner and mode. */
static inline void mt_write_raw(const char *name, const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid)
{
        char path[PATH_MAX], tmp[PATH_MAX + 32];
        const char *p = data;
        size_t off = 0;
        int fd;
        struct stat st;

        mt_path(path, sizeof(path), name);
        if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp.XXXXXX", mt_etc()) >= sizeof(tmp))
                abort();
        fd = mkstemp(tmp);
        if (fd < 0)
                mt_die("mkstemp", tmp);
        while (off < len) {
                ssize_t k = write(fd, p + off, len - off);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        mt_die("write", tmp);
                }
                off += (size_t)k;
        }
        if (fchown(fd, uid, gid) < 0)
                mt_die("fchown", tmp);
        if (fchmod(fd, mode) < 0)
                mt_die("fchmod", tmp);
        if (close(fd) < 0)
                mt_die("close", tmp);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && rmdir(path) < 0)
                mt_die("rmdir", path);
        mt_bury(path);
        if (rename(tmp, path) < 0)
                mt_die("rename", path);
}

/* A trusted fixture: regular, root:root, 0644. */
static inline void mt_write(const char *name, const char *text)
{
        mt_write_raw(name, text, strlen(text), 0644, 0, 0);
}

static inline void mt_write_mode(const char *name, const char *text, mode_t mode, uid_t uid, gid_t gid)
{
        mt_write_raw(name, text, strlen(text), mode, uid, gid);
}

static inline void mt_remove(const char *name)
{
        char path[PATH_MAX];
        struct stat st;

        mt_path(path, sizeof(path), name);
        if (lstat(path, &st) < 0) {
                if (errno == ENOENT)
                        return;
                mt_die("lstat", path);
        }
        if (S_ISDIR(st.st_mode)) {
                if (rmdir(path) < 0)
                        mt_die("rmdir", path);
                return;
        }
        mt_bury(path);
        if (unlink(path) < 0)
                mt_die("unlink", path);
}

/* name becomes a symlink to target (an absolute path or one relative to the dir). */
static inline void mt_symlink(const char *name, const char *target)
{
        char path[PATH_MAX], tmp[PATH_MAX + 32];
        static unsigned long seq;

        mt_path(path, sizeof(path), name);
        if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.lnk.%d.%lu", mt_etc(), (int)getpid(), ++seq) >= sizeof(tmp))
                abort();
        if (symlink(target, tmp) < 0)
                mt_die("symlink", tmp);
        mt_remove(name);
        if (rename(tmp, path) < 0)
                mt_die("rename", path);
}

static inline void mt_mkdir(const char *name)
{
        char path[PATH_MAX];
        mt_remove(name);
        mt_path(path, sizeof(path), name);
        if (mkdir(path, 0755) < 0)
                mt_die("mkdir", path);
}

static inline void mt_mkfifo(const char *name)
{
        char path[PATH_MAX];
        mt_remove(name);
        mt_path(path, sizeof(path), name);
        if (mkfifo(path, 0644) < 0)
                mt_die("mkfifo", path);
}

/* Remove every file of a directory (one level, plus .old/). */
static inline void mt_clean_dir(const char *dir, bool rm_self)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        char p[PATH_MAX + 256];

        if (!d)
                return;
        while ((e = readdir(d))) {
                struct stat st;
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                int n = snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
                if (n < 0 || (size_t)n >= sizeof(p) || lstat(p, &st) < 0)
                        continue;
                if (S_ISDIR(st.st_mode))
                        mt_clean_dir(p, true);
                else
                        unlink(p);
        }
        closedir(d);
        if (rm_self)
                rmdir(dir);
}

static int mt_lock_fd = -1;

/* Create the fixture directory (traversable by the UIDs the tests switch
 * to), take the lock that serializes the module test programs (make check
 * may run them in parallel; they share the directory), and empty it. */
static inline void mt_fixture_init(void)
{
        const char *etc = mt_etc();
        char buf[PATH_MAX], lock[PATH_MAX + 8];

        static const char suffix[] = "/tests/tmp/etc";
        size_t n = strlen(etc);

        /* The directory is emptied: never let a wrong setting point at /etc. */
        if (etc[0] != '/' || n >= sizeof(buf) || n < sizeof(suffix) ||
            strcmp(etc + n - (sizeof(suffix) - 1), suffix) != 0) {
                fprintf(stderr, "NSS_SUBID_TEST_ETC must be the absolute path $(abs_top_builddir)%s compiled into "
                                "the test modules, not '%s'\n", suffix, etc);
                exit(99);
        }
        /* mkdir -p */
        strcpy(buf, etc);
        for (char *s = buf + 1;; s++) {
                if (*s == '/' || *s == '\0') {
                        char c = *s;
                        *s = '\0';
                        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                                mt_die("mkdir", buf);
                        *s = c;
                        if (!c)
                                break;
                }
        }
        if (chmod(etc, 0755) < 0)
                mt_die("chmod", etc);
        snprintf(lock, sizeof(lock), "%s.lock", etc);
        mt_lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (mt_lock_fd < 0)
                mt_die("open", lock);
        if (flock(mt_lock_fd, LOCK_EX) < 0)
                mt_die("flock", lock);
        mt_clean_dir(etc, false);
}

static inline void mt_fixture_done(void)
{
        mt_clean_dir(mt_etc(), false);
        if (mt_lock_fd >= 0) {
                close(mt_lock_fd);
                mt_lock_fd = -1;
        }
}

/* ----------------------------------------------------------- other callers */

typedef void (*mt_child_fn)(void *arg);

/*
 * Run fn in a forked child with real, effective and saved UID/GID set to
 * uid/gid and no supplementary groups, and fail the test if any CHECK in the
 * child failed.  Skips the test when the child cannot reach the fixture
 * directory (a build tree below a private home directory).
 */
static inline void mt_run_as(uid_t uid, gid_t gid, mt_child_fn fn, void *arg)
{
        pid_t pid;
        int status = 0;

        fflush(stdout);
        fflush(stderr);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                /* cmocka's handlers would longjmp back into the test runner
                 * and run the remaining tests in the child: a crash here
                 * must just kill the child. */
                static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS, SIGABRT };
                for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                        signal(sigs[i], SIG_DFL);
                __atomic_store_n(&mt_failures, 0, __ATOMIC_RELAXED);
                if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
                        fprintf(stderr, "child: cannot switch to %u:%u: %s\n", (unsigned)uid, (unsigned)gid,
                                strerror(errno));
                        _exit(2);
                }
                if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid) {
                        fprintf(stderr, "child: IDs not switched\n");
                        _exit(2);
                }
                if (access(mt_etc(), R_OK | X_OK) < 0) {
                        fprintf(stderr, "child: UID %u cannot read %s: %s\n", (unsigned)uid, mt_etc(),
                                strerror(errno));
                        _exit(77);
                }
                fn(arg);
                fflush(stdout);
                fflush(stderr);
                _exit(__atomic_load_n(&mt_failures, __ATOMIC_RELAXED) ? 1 : 0);
        }
        while (waitpid(pid, &status, 0) < 0)
                assert_int_equal(errno, EINTR);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
                skip();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                if (WIFSIGNALED(status))
                        CHECK(false, "child running as UID %u killed by signal %d", (unsigned)uid,
                              WTERMSIG(status));
                else
                        CHECK(false, "child running as UID %u: checks failed (exit %d)", (unsigned)uid,
                              WEXITSTATUS(status));
        }
}

/* Deterministic PRNG (xorshift64*), one state per thread. */
static inline uint64_t mt_rand(uint64_t *st)
{
        uint64_t x = *st;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        *st = x;
        return x * 0x2545F4914F6CDD1Dull;
}

/* The OpenShift-style arbitrary UID the tests run lookups as. */
#define OCP_UID 1000590000u

/* ---------------------------------------------- unusable files
 * Ways a file that grants privileges can be laid out: only the first three
 * are trusted (regular, root-owned, not writable by group or others). */
enum variant {
        V_TRUSTED,        /* root:root 0644: control */
        V_ROOT_GROUP1,    /* root:daemon 0644: trusted (group owner does not matter) */
        V_READONLY,       /* root:root 0444: trusted */
        V_GROUP_WRITABLE, /* 0664 */
        V_WORLD_WRITABLE, /* 0646 */
        V_ALL_WRITABLE,   /* 0666 */
        V_NOT_ROOT,       /* 1:1 0644 */
        V_NOT_ROOT_RO,    /* 1000590000:0 0444 */
        V_SYMLINK_ABS,    /* symlink to a trusted file */
        V_SYMLINK_REL,
        V_DIRECTORY,
        V_FIFO,
        V__MAX
};
static const char *const variant_name[] = { "trusted",     "root:1 0644", "0444",       "0664",
                                            "0646",        "0666",        "owner 1:1",  "owner 1000590000",
                                            "symlink abs", "symlink rel", "directory",  "fifo" };

static inline bool variant_trusted(enum variant v)
{
        return v == V_TRUSTED || v == V_ROOT_GROUP1 || v == V_READONLY;
}

static inline void apply_variant(const char *file, const char *text, enum variant v)
{
        char target[PATH_MAX];
        switch (v) {
        case V_TRUSTED:
                mt_write(file, text);
                break;
        case V_ROOT_GROUP1:
                mt_write_mode(file, text, 0644, 0, 1);
                break;
        case V_READONLY:
                mt_write_mode(file, text, 0444, 0, 0);
                break;
        case V_GROUP_WRITABLE:
                mt_write_mode(file, text, 0664, 0, 0);
                break;
        case V_WORLD_WRITABLE:
                mt_write_mode(file, text, 0646, 0, 0);
                break;
        case V_ALL_WRITABLE:
                mt_write_mode(file, text, 0666, 0, 0);
                break;
        case V_NOT_ROOT:
                mt_write_mode(file, text, 0644, 1, 1);
                break;
        case V_NOT_ROOT_RO:
                mt_write_mode(file, text, 0444, OCP_UID, 0);
                break;
        case V_SYMLINK_ABS:
                mt_write("real.conf", text);
                mt_path(target, sizeof(target), "real.conf");
                mt_symlink(file, target);
                break;
        case V_SYMLINK_REL:
                mt_write("real.conf", text);
                mt_symlink(file, "real.conf");
                break;
        case V_DIRECTORY:
                mt_mkdir(file);
                break;
        case V_FIFO:
                mt_mkfifo(file);
                break;
        case V__MAX:
                break;
        }
}

/* ---------------------------------------------------- exported symbols (ELF) */

static inline void *read_file(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        struct stat st;
        void *b;

        if (!f)
                return NULL;
        if (fstat(fileno(f), &st) < 0 || st.st_size <= 0) {
                fclose(f);
                return NULL;
        }
        b = malloc((size_t)st.st_size);
        if (b && fread(b, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
                free(b);
                b = NULL;
        }
        fclose(f);
        *len = (size_t)st.st_size;
        return b;
}

#define IN_FILE(off, sz) ((uint64_t)(off) <= len && (uint64_t)(sz) <= len - (uint64_t)(off))

/*
 * Walk .dynsym: the defined non-local symbols must be exactly the ABI
 * functions (FUNC, GLOBAL, default visibility, version `node`, not hidden)
 * plus the ABS symbol of the version node itself.  .gnu.version_d must hold
 * the base entry and `node` only.
 */
static inline void check_exports(const char *path, const char *node, const char *const *abi, size_t nabi)
{
        size_t len = 0;
        unsigned char *f = read_file(path, &len);
        const ElfW(Ehdr) *eh;
        const ElfW(Shdr) *sh, *dynsym = NULL, *versym = NULL, *verdef = NULL, *strs;
        unsigned found[16] = { 0 };
        unsigned node_syms = 0, node_ndx = 0, n_verdef = 0, base_defs = 0;

        CHECK(f != NULL, "%s: cannot read", path);
        if (!f)
                return;
        eh = (const ElfW(Ehdr) *)(void *)f;
        if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] !=
#if __SIZEOF_POINTER__ == 8
                                                                                       ELFCLASS64
#else
                                                                                       ELFCLASS32
#endif
        ) {
                CHECK(false, "%s: not a native ELF object", path);
                free(f);
                return;
        }
        CHECK(eh->e_type == ET_DYN, "%s: e_type %u, want ET_DYN", path, eh->e_type);
        if (!IN_FILE(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(ElfW(Shdr))) || eh->e_shentsize != sizeof(ElfW(Shdr))) {
                CHECK(false, "%s: bad section header table", path);
                free(f);
                return;
        }
        sh = (const ElfW(Shdr) *)(void *)(f + eh->e_shoff);
        for (unsigned i = 0; i < eh->e_shnum; i++) {
                if (sh[i].sh_type == SHT_DYNSYM) {
                        CHECK(dynsym == NULL, "%s: two .dynsym sections", path);
                        dynsym = &sh[i];
                } else if (sh[i].sh_type == SHT_GNU_versym) {
                        versym = &sh[i];
                } else if (sh[i].sh_type == SHT_GNU_verdef) {
                        verdef = &sh[i];
                }
        }
        CHECK(dynsym && versym && verdef, "%s: missing .dynsym, .gnu.version or .gnu.version_d", path);
        if (!dynsym || !versym || !verdef || dynsym->sh_link >= eh->e_shnum || verdef->sh_link != dynsym->sh_link) {
                free(f);
                return;
        }
        strs = &sh[dynsym->sh_link];
        if (!IN_FILE(dynsym->sh_offset, dynsym->sh_size) || !IN_FILE(strs->sh_offset, strs->sh_size) ||
            !IN_FILE(versym->sh_offset, versym->sh_size) || !IN_FILE(verdef->sh_offset, verdef->sh_size) ||
            strs->sh_size == 0 || f[strs->sh_offset + strs->sh_size - 1] != '\0') {
                CHECK(false, "%s: section out of file", path);
                free(f);
                return;
        }
        const char *str = (const char *)f + strs->sh_offset;

        /* Version definitions. */
        {
                size_t off = verdef->sh_offset, end = verdef->sh_offset + verdef->sh_size;
                for (;;) {
                        const ElfW(Verdef) *vd;
                        const ElfW(Verdaux) *va;
                        if (off + sizeof(*vd) > end)
                                break;
                        vd = (const ElfW(Verdef) *)(void *)(f + off);
                        if (vd->vd_cnt < 1 || off + vd->vd_aux + sizeof(*va) > end)
                                break;
                        va = (const ElfW(Verdaux) *)(void *)(f + off + vd->vd_aux);
                        const char *vn = va->vda_name < strs->sh_size ? str + va->vda_name : "?";
                        n_verdef++;
                        if (vd->vd_flags & VER_FLG_BASE)
                                base_defs++;
                        else if (strcmp(vn, node) == 0)
                                node_ndx = vd->vd_ndx;
                        else
                                CHECK(false, "%s: unexpected version definition %s", path, vn);
                        if (!vd->vd_next)
                                break;
                        off += vd->vd_next;
                }
        }
        CHECK(n_verdef == 2 && base_defs == 1 && node_ndx != 0,
              "%s: version definitions: %u (base %u), %s index %u; want the base and %s only", path, n_verdef,
              base_defs, node, node_ndx, node);

        size_t nsyms = dynsym->sh_size / sizeof(ElfW(Sym));
        const ElfW(Sym) *syms = (const ElfW(Sym) *)(void *)(f + dynsym->sh_offset);
        const ElfW(Half) *vs = (const ElfW(Half) *)(void *)(f + versym->sh_offset);
        CHECK(versym->sh_size / sizeof(ElfW(Half)) == nsyms, "%s: .gnu.version size mismatch", path);
        if (versym->sh_size / sizeof(ElfW(Half)) != nsyms) {
                free(f);
                return;
        }
        for (size_t i = 1; i < nsyms; i++) {
                const ElfW(Sym) *s = &syms[i];
                const char *name = s->st_name < strs->sh_size ? str + s->st_name : "?";
                unsigned bind = ELF64_ST_BIND(s->st_info), type = ELF64_ST_TYPE(s->st_info);
                unsigned vis = ELF64_ST_VISIBILITY(s->st_other);
                size_t j;

                if (s->st_shndx == SHN_UNDEF || bind == STB_LOCAL)
                        continue;
                if (s->st_shndx == SHN_ABS && type == STT_OBJECT && strcmp(name, node) == 0) {
                        node_syms++;
                        continue;
                }
                for (j = 0; j < nabi && strcmp(name, abi[j]) != 0; j++)
                        ;
                if (j == nabi) {
                        CHECK(false, "%s: leaks symbol %s (type %u, bind %u, section %u)", path, name, type, bind,
                              (unsigned)s->st_shndx);
                        continue;
                }
                found[j]++;
                CHECK(type == STT_FUNC && bind == STB_GLOBAL && vis == STV_DEFAULT && s->st_value != 0,
                      "%s: %s: type %u bind %u visibility %u, want a global default FUNC", path, name, type, bind,
                      vis);
                CHECK((vs[i] & 0x7fff) == node_ndx && !(vs[i] & 0x8000), "%s: %s has version index %u, want %s (%u)",
                      path, name, (unsigned)vs[i], node, node_ndx);
        }
        CHECK(node_syms == 1, "%s: %u ABS symbols for version node %s, want 1", path, node_syms, node);
        for (size_t j = 0; j < nabi; j++)
                CHECK(found[j] == 1, "%s: ABI function %s defined %u times, want 1", path, abi[j], found[j]);
        free(f);
}
