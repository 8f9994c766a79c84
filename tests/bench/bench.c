/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nss_subid benchmark (not a test: it prints ratios, it asserts nothing).
 *
 * Run as root: every scenario runs in a forked child that unshares its
 * mount namespace, overlays a scenario /etc (nsswitch.conf, subuid) and the
 * built modules onto the real ones (never modifying them), drops to the
 * arbitrary UID 1000000000 gid 0 and times lookups.  Scenarios run
 * interleaved for several rounds in one invocation and the best round
 * median is reported, so the ratios compare like with like on a noisy box.
 *
 *   bench LIBDIR     LIBDIR holds libnss_subid.so.2 and libsubid_subid.so
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <nss.h>
#include <pwd.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <shadow/subid.h>

#define USER_UID 1000000000u
#define USER_NAME "u1000000000"
#define MISS_UID 123456789u
#define ROUNDS 5
#define BATCHES 9

typedef enum nss_status (*getpwuid_fn)(uid_t, struct passwd *, char *, size_t, int *);

static char tmpdir[] = "/tmp/nss_subid_bench.XXXXXX";
static const char *libdir;

static double now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

/* Median over BATCHES of the per-call time of `iters` calls. */
#define MEASURE(out, iters, body)                                                                                  \
        do {                                                                                                       \
                double _b[BATCHES];                                                                                \
                for (int _w = 0; _w < (iters) / 10 + 1; _w++) {                                                    \
                        body;                                                                                      \
                }                                                                                                  \
                for (int _k = 0; _k < BATCHES; _k++) {                                                             \
                        double _t0 = now_ns();                                                                     \
                        for (int _i = 0; _i < (iters); _i++) {                                                     \
                                body;                                                                              \
                        }                                                                                          \
                        _b[_k] = (now_ns() - _t0) / (iters);                                                       \
                }                                                                                                  \
                qsort(_b, BATCHES, sizeof(double), cmp_d);                                                         \
                (out) = _b[BATCHES / 2];                                                                           \
        } while (0)

static void die(const char *what)
{
        fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
        exit(3);
}

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");
        if (!f || fputs(text, f) < 0 || fclose(f) != 0)
                die(path);
}

/* /etc/subuid with n lines, the benchmarked owner's line (if any) last. */
static void write_subuid(const char *path, long n, const char *last_owner)
{
        FILE *f = fopen(path, "w");
        if (!f)
                die(path);
        for (long i = 0; i < n - (last_owner ? 1 : 0); i++)
                fprintf(f, "user%ld:%ld:65536\n", i, 1000000L + i * 65536L % 2000000000L);
        if (last_owner)
                fprintf(f, "%s:100000:65536\n", last_owner);
        if (fclose(f) != 0)
                die(path);
}

enum scen { FILES, SUBID, N_SCEN };
struct result {
        double e2e_hit, e2e_miss, e2e_self, direct_files_hit, direct_files_miss, direct_mod_hit, direct_mod_miss;
        double ranges[2]; /* 10 lines, 100000 lines */
        double cold[2];   /* first lookup in a fresh process (what newuidmap pays) */
        int nranges[2];
};

static void overlay(const char *lower, const char *target)
{
        char opts[4096];
        snprintf(opts, sizeof(opts), "lowerdir=%s:%s", lower, target);
        if (mount("overlay", target, "overlay", MS_RDONLY, opts) < 0)
                die(target);
}

/* One child: scenario etc dir `etc` overlaid, then timed as the user. */
static void child(enum scen sc, int lines_idx, int fd)
{
        char etc[512], lib[512];
        struct result r;
        struct passwd pw, *res;
        char buf[4096];
        int e;
        uid_t hit_uid;

        memset(&r, 0, sizeof(r));
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                die("unshare");
        snprintf(etc, sizeof(etc), "%s/etc-%s-%d", tmpdir, sc == FILES ? "files" : "subid", lines_idx);
        snprintf(lib, sizeof(lib), "%s/lib", tmpdir);
        overlay(etc, "/etc");
        overlay(lib, "/usr/lib/x86_64-linux-gnu");
        if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(USER_UID, USER_UID, USER_UID) < 0)
                die("drop");

        /* A files hit on the last line of /etc/passwd: the files backend's worst hit. */
        hit_uid = 0;
        setpwent();
        while ((res = getpwent()))
                hit_uid = res->pw_uid;
        endpwent();

        getpwuid_fn files = (getpwuid_fn)dlvsym(RTLD_DEFAULT, "_nss_files_getpwuid_r", "GLIBC_PRIVATE");
        if (!files)
                die("dlvsym _nss_files_getpwuid_r");

        if (lines_idx == 0) {
                MEASURE(r.e2e_hit, 2000, getpwuid_r(hit_uid, &pw, buf, sizeof(buf), &res));
                MEASURE(r.e2e_miss, 2000, getpwuid_r(MISS_UID, &pw, buf, sizeof(buf), &res));
                MEASURE(r.direct_files_hit, 2000, files(hit_uid, &pw, buf, sizeof(buf), &e));
                MEASURE(r.direct_files_miss, 2000, files(MISS_UID, &pw, buf, sizeof(buf), &e));
                if (sc == SUBID) {
                        char so[600];
                        snprintf(so, sizeof(so), "%s/libnss_subid.so.2", lib);
                        void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
                        getpwuid_fn mod = h ? (getpwuid_fn)dlsym(h, "_nss_subid_getpwuid_r") : NULL;
                        if (!mod)
                                die("dlopen module");
                        MEASURE(r.e2e_self, 2000, getpwuid_r(USER_UID, &pw, buf, sizeof(buf), &res));
                        if (getpwuid_r(USER_UID, &pw, buf, sizeof(buf), &res) != 0 || !res ||
                            strcmp(pw.pw_name, USER_NAME) != 0) {
                                fprintf(stderr, "bench: the module did not synthesize %s\n", USER_NAME);
                                exit(3);
                        }
                        MEASURE(r.direct_mod_hit, 5000, mod(USER_UID, &pw, buf, sizeof(buf), &e));
                        MEASURE(r.direct_mod_miss, 5000, mod(MISS_UID, &pw, buf, sizeof(buf), &e));
                }
        }
        /* libsubid: with `subid: subid` our plugin answers (pool), else shadow reads /etc/subuid. */
        struct subid_range *ranges = NULL;
        int n = subid_get_uid_ranges(USER_NAME, &ranges);
        free(ranges);
        int it = lines_idx == 0 ? 2000 : (sc == SUBID ? 200 : 5);
        MEASURE(r.ranges[lines_idx], it, {
                ranges = NULL;
                subid_get_uid_ranges(USER_NAME, &ranges);
                free(ranges);
        });
        r.nranges[lines_idx] = n;
        /* Cold: a fresh process (fork, so no cache), first lookup only. */
        {
                double cold[15];
                for (int k = 0; k < 15; k++) {
                        int p2[2];
                        if (pipe(p2) < 0)
                                die("pipe");
                        pid_t c = fork();
                        if (c == 0) {
                                struct subid_range *rr = NULL;
                                /* A forked child shares the parent's loaded
                                 * libsubid state, so exec a clean copy of us. */
                                close(p2[0]);
                                char fdarg[16];
                                snprintf(fdarg, sizeof(fdarg), "%d", p2[1]);
                                execl("/proc/self/exe", "bench", "--cold", fdarg, (char *)NULL);
                                (void)rr;
                                _exit(3);
                        }
                        close(p2[1]);
                        double v = 0;
                        if (read(p2[0], &v, sizeof(v)) != (ssize_t)sizeof(v))
                                die("cold read");
                        close(p2[0]);
                        waitpid(c, NULL, 0);
                        cold[k] = v;
                }
                qsort(cold, 15, sizeof(double), cmp_d);
                r.cold[lines_idx] = cold[7];
        }
        if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
                die("write");
        _exit(0);
}

/*
 * Map setup, what `podman unshare` pays per user namespace: fork a process
 * that unshares its user namespace, then exec newuidmap and newgidmap on it
 * (set-user-ID root, as installed), both with the request podman makes.
 * Shadow's helpers read /etc/subuid themselves (no `subid:` line); ours use
 * the pool.  Median of MAP_ITERS, in ns.
 */
#define MAP_ITERS 41
static double map_setup(const char *uidmap, const char *gidmap)
{
        double t[MAP_ITERS];
        for (int i = 0; i < MAP_ITERS; i++) {
                int go[2], ready[2];
                char pid[16];
                if (pipe(go) < 0 || pipe(ready) < 0)
                        die("pipe");
                double t0 = now_ns();
                pid_t c = fork();
                if (c == 0) {
                        char b;
                        close(go[1]);
                        close(ready[0]);
                        if (unshare(CLONE_NEWUSER) < 0)
                                _exit(3);
                        if (write(ready[1], "r", 1) != 1 || read(go[0], &b, 1) < 0)
                                _exit(3);
                        _exit(0);
                }
                close(go[0]);
                close(ready[1]);
                char b;
                if (read(ready[0], &b, 1) != 1)
                        die("map target");
                snprintf(pid, sizeof(pid), "%d", (int)c);
                int ok = 1;
                for (int k = 0; k < 2; k++) {
                        pid_t h = fork();
                        if (h == 0) {
                                execl(k ? gidmap : uidmap, k ? "newgidmap" : "newuidmap", pid, "0",
                                      k ? "0" : "1000000000", "1", "1", "100000", "65536", (char *)NULL);
                                _exit(127);
                        }
                        int st;
                        waitpid(h, &st, 0);
                        ok &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
                }
                t[i] = now_ns() - t0;
                close(go[1]);
                close(ready[0]);
                waitpid(c, NULL, 0);
                if (!ok) {
                        fprintf(stderr, "bench: %s refused the map\n", uidmap);
                        exit(3);
                }
        }
        qsort(t, MAP_ITERS, sizeof(double), cmp_d);
        return t[MAP_ITERS / 2];
}

static void map_child(int lines_idx, int fd)
{
        char etc[512], lib[512], ours_u[600], ours_g[600];
        double r[2];

        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                die("unshare");
        snprintf(etc, sizeof(etc), "%s/etc-map-%d", tmpdir, lines_idx);
        snprintf(lib, sizeof(lib), "%s/lib", tmpdir);
        overlay(etc, "/etc");
        overlay(lib, "/usr/lib/x86_64-linux-gnu");
        snprintf(ours_u, sizeof(ours_u), "%s/helpers/newuidmap", tmpdir);
        snprintf(ours_g, sizeof(ours_g), "%s/helpers/newgidmap", tmpdir);
        if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(USER_UID, USER_UID, USER_UID) < 0)
                die("drop");
        /* Like podman's processes, the targets are dumpable (a credential
         * change from root cleared that for us). */
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        /* Interleave the two so that machine noise hits both alike. */
        double a = 1e18, b = 1e18;
        for (int round = 0; round < 3; round++) {
                double x = map_setup(ours_u, ours_g), y = map_setup("/usr/bin/newuidmap", "/usr/bin/newgidmap");
                a = x < a ? x : a;
                b = y < b ? y : b;
        }
        r[0] = a;
        r[1] = b;
        if (write(fd, r, sizeof(r)) != (ssize_t)sizeof(r))
                die("write");
        _exit(0);
}

static void run_map(int lines_idx, double out[2])
{
        int p[2], st;
        if (pipe(p) < 0)
                die("pipe");
        pid_t pid = fork();
        if (pid < 0)
                die("fork");
        if (pid == 0) {
                close(p[0]);
                map_child(lines_idx, p[1]);
        }
        close(p[1]);
        ssize_t got = read(p[0], out, 2 * sizeof(double));
        close(p[0]);
        if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || got != 2 * (ssize_t)sizeof(double)) {
                fprintf(stderr, "bench: map scenario failed\n");
                exit(3);
        }
}

static void run(enum scen sc, int lines_idx, struct result *best, bool first)
{
        int p[2];
        pid_t pid;
        struct result r;
        int st;

        if (pipe(p) < 0)
                die("pipe");
        pid = fork();
        if (pid < 0)
                die("fork");
        if (pid == 0) {
                close(p[0]);
                child(sc, lines_idx, p[1]);
        }
        close(p[1]);
        ssize_t got = read(p[0], &r, sizeof(r));
        close(p[0]);
        if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || got != (ssize_t)sizeof(r)) {
                fprintf(stderr, "bench: scenario failed\n");
                exit(3);
        }
#define KEEP(f)                                                                                                    \
        if (first || (r.f > 0 && r.f < best->f))                                                                   \
        best->f = r.f
        if (lines_idx == 0) {
                KEEP(e2e_hit);
                KEEP(e2e_miss);
                KEEP(e2e_self);
                KEEP(direct_files_hit);
                KEEP(direct_files_miss);
                KEEP(direct_mod_hit);
                KEEP(direct_mod_miss);
        }
        KEEP(ranges[lines_idx]);
        KEEP(cold[lines_idx]);
        best->nranges[lines_idx] = r.nranges[lines_idx];
}

int main(int argc, char **argv)
{
        static const char *const nssw[N_SCEN] = {
                "passwd: files\ngroup: files\nshadow: files\nhosts: files\n",
                "passwd: files subid\ngroup: files subid\nshadow: files\nhosts: files\nsubid: subid\n",
        };
        struct result best[N_SCEN];
        char path[700], cmd[1400];

        if (argc == 3 && strcmp(argv[1], "--cold") == 0) {
                /* Child mode: time the first libsubid lookup of a fresh process. */
                struct subid_range *rr = NULL;
                double t0 = now_ns();
                subid_get_uid_ranges(USER_NAME, &rr);
                double v = now_ns() - t0;
                free(rr);
                return write(atoi(argv[2]), &v, sizeof(v)) == (ssize_t)sizeof(v) ? 0 : 3;
        }
        if (argc < 2 || argc > 3 || getuid() != 0) {
                fprintf(stderr, "usage (as root): %s LIBDIR-with-built-modules [DIR-with-built-newuidmap]\n", argv[0]);
                return 2;
        }
        libdir = argv[1];
        const char *helperdir = argc == 3 ? argv[2] : NULL;
        if (!mkdtemp(tmpdir))
                die("mkdtemp");
        chmod(tmpdir, 0755);
        snprintf(cmd, sizeof(cmd), "mkdir -p %s/lib && cp %s/libnss_subid.so.2 %s/libsubid_subid.so %s/lib/", tmpdir,
                 libdir, libdir, tmpdir);
        if (system(cmd) != 0)
                die("copy modules");
        for (int sc = 0; sc < N_SCEN; sc++)
                for (int li = 0; li < 2; li++) {
                        snprintf(path, sizeof(path), "%s/etc-%s-%d", tmpdir, sc == FILES ? "files" : "subid", li);
                        if (mkdir(path, 0755) < 0)
                                die(path);
                        snprintf(path + strlen(path), 100, "/nsswitch.conf");
                        write_file(path, nssw[sc]);
                        snprintf(path, sizeof(path), "%s/etc-%s-%d/subuid", tmpdir, sc == FILES ? "files" : "subid",
                                 li);
                        /* files: the user's line last; subid: no line, the pool answers. */
                        write_subuid(path, li == 0 ? 10 : 100000, sc == FILES ? USER_NAME : NULL);
                }
        double maps[2][2] = { { 0, 0 }, { 0, 0 } };
        if (helperdir) {
                snprintf(cmd, sizeof(cmd),
                         "mkdir -m 755 %s/helpers && install -o root -g root -m 4755 %s/newuidmap %s/newgidmap %s/helpers/",
                         tmpdir, helperdir, helperdir, tmpdir);
                if (system(cmd) != 0)
                        die("install helpers");
                for (int li = 0; li < 2; li++) {
                        snprintf(path, sizeof(path), "%s/etc-map-%d", tmpdir, li);
                        if (mkdir(path, 0755) < 0)
                                die(path);
                        snprintf(path + strlen(path), 100, "/nsswitch.conf");
                        /* Our NSS module names the user (shadow's helper needs a
                         * passwd entry); no subid line: shadow reads /etc/subuid. */
                        write_file(path, "passwd: files subid\ngroup: files subid\nshadow: files\nhosts: files\n");
                        snprintf(path, sizeof(path), "%s/etc-map-%d/subuid", tmpdir, li);
                        write_subuid(path, li == 0 ? 10 : 100000, USER_NAME);
                        snprintf(path, sizeof(path), "%s/etc-map-%d/subgid", tmpdir, li);
                        write_subuid(path, li == 0 ? 10 : 100000, USER_NAME);
                }
        }
        for (int round = 0; round < ROUNDS; round++)
                for (int li = 0; li < 2; li++)
                        for (int sc = 0; sc < N_SCEN; sc++)
                                run(sc, li, &best[sc], round == 0);
        if (helperdir)
                for (int li = 0; li < 2; li++)
                        run_map(li, maps[li]);
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
        if (system(cmd) != 0)
                fprintf(stderr, "bench: could not remove %s\n", tmpdir);

        struct result *F = &best[FILES], *S = &best[SUBID];
        printf("nss_subid benchmark: best of %d interleaved rounds, median of %d batches each (ns per call)\n\n",
               ROUNDS, BATCHES);
        printf("%-58s %10s %10s %8s %s\n", "measurement", "ours", "baseline", "ratio", "target");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "module entry point, synthesized hit vs files backend hit",
               S->direct_mod_hit, F->direct_files_hit, S->direct_mod_hit / F->direct_files_hit, "<= 0.200");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "getpwuid_r miss: 'files subid' vs 'files'", S->e2e_miss,
               F->e2e_miss, S->e2e_miss / F->e2e_miss, "<= 1.200");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "getpwuid_r synthesized (files miss + subid) vs files hit",
               S->e2e_self, F->e2e_hit, S->e2e_self / F->e2e_hit, "(info)");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "module entry point miss vs files backend miss", S->direct_mod_miss,
               F->direct_files_miss, S->direct_mod_miss / F->direct_files_miss, "(info)");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "libsubid ranges, 10 subuid lines: plugin(pool) vs files",
               S->ranges[0], F->ranges[0], S->ranges[0] / F->ranges[0], "(info)");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "libsubid ranges, 100000 lines: plugin(pool) vs files", S->ranges[1],
               F->ranges[1], S->ranges[1] / F->ranges[1], "(info)");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "plugin(pool) 100000 lines vs 10 lines (flatness)", S->ranges[1],
               S->ranges[0], S->ranges[1] / S->ranges[0], "~ 1.0");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "first lookup in a fresh process, 10 lines: plugin vs files",
               S->cold[0], F->cold[0], S->cold[0] / F->cold[0], "(info)");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "first lookup in a fresh process, 100000 lines", S->cold[1], F->cold[1],
               S->cold[1] / F->cold[1], "(info)");
        printf("%-58s %10.0f %10.0f %8.3f %s\n", "plugin first lookup, 100000 vs 10 lines (flatness)", S->cold[1],
               S->cold[0], S->cold[1] / S->cold[0], "~ 1.0");
        if (helperdir) {
                printf("%-58s %10.0f %10.0f %8.3f %s\n", "unshare + newuidmap + newgidmap, 10 lines: ours vs shadow",
                       maps[0][0], maps[0][1], maps[0][0] / maps[0][1], "<= 1.0");
                printf("%-58s %10.0f %10.0f %8.3f %s\n", "unshare + newuidmap + newgidmap, 100000 lines", maps[1][0],
                       maps[1][1], maps[1][0] / maps[1][1], "ours <= 5 ms");
                printf("%-58s %10.0f %10.0f %8.3f %s\n", "ours map setup, 100000 vs 10 lines (flatness)", maps[1][0],
                       maps[0][0], maps[1][0] / maps[0][0], "~ 1.0");
        }
        printf("\nranges found: plugin %d/%d, files %d/%d (10/100000 lines)\n", S->nranges[0], S->nranges[1],
               F->nranges[0], F->nranges[1]);
        return 0;
}
