/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Module tests of the libsubid plugin: dlopen() the test build
 * ($NSS_SUBID_TEST_PLUGIN, which reads $NSS_SUBID_TEST_ETC/...) and call it
 * the way shadow's libsubid (getsubids, newuidmap) and containers/storage
 * (podman) do.  Owners are resolved through this process's own NSS
 * (getpwnam_r/getpwuid_r), which does not include nss_subid: name-based
 * cases use names that resolve anyway (root, and our template names).
 * Needs root.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* setresuid, setgroups, flockfile */
#endif
#include <pthread.h>
#include <shadow/subid.h>

#include "subid/abi.h"
#include <sys/prctl.h>

#include "mt_common.h"

typedef enum subid_status (*has_range_fn)(const char *, unsigned long, unsigned long, enum subid_type, bool *);
typedef enum subid_status (*has_any_fn)(const char *, enum subid_type, bool *);
typedef enum subid_status (*list_fn)(const char *, enum subid_type, struct subid_range **, int *);
typedef enum subid_status (*owners_fn)(unsigned long, enum subid_type, uid_t **, int *);
typedef void (*free_fn)(void *);

_Static_assert(__builtin_types_compatible_p(__typeof__(&shadow_subid_has_range), has_range_fn), "abi.h: shadow_subid_has_range");
_Static_assert(__builtin_types_compatible_p(__typeof__(&shadow_subid_has_any_range), has_any_fn), "abi.h: shadow_subid_has_any_range");
_Static_assert(__builtin_types_compatible_p(__typeof__(&shadow_subid_list_owner_ranges), list_fn), "abi.h: shadow_subid_list_owner_ranges");
_Static_assert(__builtin_types_compatible_p(__typeof__(&shadow_subid_find_subid_owners), owners_fn), "abi.h: shadow_subid_find_subid_owners");
_Static_assert(__builtin_types_compatible_p(__typeof__(&shadow_subid_free), free_fn), "abi.h: shadow_subid_free");

static struct {
        void *h;
        has_range_fn has_range;
        has_any_fn has_any_range;
        list_fn list_owner_ranges;
        owners_fn find_subid_owners;
        free_fn free;
} P;


static const char PASSWD_BASE[] = "root:x:0:0:root:/root:/bin/bash\n"
                                  "containers:x:1001:1001:container storage:/home/containers:/bin/sh\n"
                                  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
static const char GROUP_BASE[] = "root:x:0:\ncontainers:x:1001:\nnogroup:x:65534:\n";

static const char CONF_EXPLICIT[] = "users 1000000000-1000000009\n"
                                    "subids files\n"
                                    "subids pool 200000 65536\n";
#define POOL_BASE 200000ul
#define POOL_COUNT 65536ul
#define SLOT(k) (POOL_BASE + (unsigned long)(k) * POOL_COUNT)

static char root_name[256] = "root"; /* root's name in this process's NSS */

static int reset(void **state)
{
        (void)state;
        alarm(MT_CASE_TIMEOUT);
        __atomic_store_n(&mt_failures, 0, __ATOMIC_RELAXED);
        mt_write("passwd", PASSWD_BASE);
        mt_write("group", GROUP_BASE);
        mt_remove("nss_subid.conf");
        mt_remove("subuid");
        mt_remove("subgid");
        mt_remove("real.conf");
        return 0;
}

static const char *tname(enum subid_type t)
{
        return t == ID_TYPE_UID ? "UID" : t == ID_TYPE_GID ? "GID" : "bad-type";
}

/* ------------------------------------------------------------- helpers */

struct rng {
        unsigned long start, count;
};

/* list_owner_ranges must return exactly want[0..n) in order, as a malloc'ed
 * array (released with free() or shadow_subid_free, alternately). */
static void expect_ranges(const char *owner, enum subid_type t, const struct rng *want, int n)
{
        static unsigned flip;
        struct subid_range *r = (struct subid_range *)(uintptr_t)0x1; /* must be overwritten */
        int count = -42;
        enum subid_status st = P.list_owner_ranges(owner, t, &r, &count);

        CHECK(st == SUBID_STATUS_SUCCESS, "list_owner_ranges(%s, %s): status %d, want SUCCESS", esc(owner), tname(t),
              st);
        CHECK(count == n, "list_owner_ranges(%s, %s): %d ranges, want %d", esc(owner), tname(t), count, n);
        if (st == SUBID_STATUS_SUCCESS && count == n) {
                for (int i = 0; i < n; i++)
                        CHECK(r[i].start == want[i].start && r[i].count == want[i].count,
                              "list_owner_ranges(%s, %s)[%d] = %lu+%lu, want %lu+%lu", esc(owner), tname(t), i,
                              r[i].start, r[i].count, want[i].start, want[i].count);
        } else if (st == SUBID_STATUS_SUCCESS && count > 0 && r && r != (void *)0x1) {
                for (int i = 0; i < count; i++)
                        fprintf(stderr, "      got %lu+%lu\n", r[i].start, r[i].count);
        }
        if (n == 0)
                CHECK(r == NULL, "list_owner_ranges(%s, %s): no ranges but *ranges = %p", esc(owner), tname(t),
                      (void *)r);
        if (r != (void *)0x1) {
                if (flip++ & 1)
                        P.free(r);
                else
                        free(r);
        }
        /* has_any_range agrees. */
        bool any = n == 0;
        st = P.has_any_range(owner, t, &any);
        CHECK(st == SUBID_STATUS_SUCCESS && any == (n > 0), "has_any_range(%s, %s): status %d result %d, want %d",
              esc(owner), tname(t), st, any, n > 0);
}

static void expect_one(const char *owner, enum subid_type t, unsigned long start, unsigned long count)
{
        struct rng w = { start, count };
        expect_ranges(owner, t, &w, 1);
}

static void expect_none(const char *owner, enum subid_type t)
{
        expect_ranges(owner, t, NULL, 0);
}

/* Nothing granted, whatever the status: used for hostile owners and an
 * unusable configuration.  `want_status` < 0: any status. */
static void expect_no_grant(const char *owner, enum subid_type t, int want_status)
{
        struct subid_range *r = (struct subid_range *)(uintptr_t)0x1;
        int count = -42;
        bool res = true;
        enum subid_status st = P.list_owner_ranges(owner, t, &r, &count);

        CHECK(count == 0 && r == NULL, "list_owner_ranges(%s, %s): status %d, %d ranges (%p)", esc(owner), tname(t), st,
              count, (void *)r);
        if (want_status >= 0)
                CHECK((int)st == want_status, "list_owner_ranges(%s, %s): status %d, want %d", esc(owner), tname(t),
                      st, want_status);
        if (r && r != (void *)0x1)
                free(r);
        st = P.has_any_range(owner, t, &res);
        CHECK(!res, "has_any_range(%s, %s): status %d, result true", esc(owner), tname(t), st);
        if (want_status >= 0)
                CHECK((int)st == want_status, "has_any_range(%s, %s): status %d, want %d", esc(owner), tname(t), st,
                      want_status);
        const unsigned long probes[][2] = { { 1, 1 }, { 100000, 1 }, { 200000, 1 }, { 396608, 65536 }, { 900000, 1 } };
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
                res = true;
                st = P.has_range(owner, probes[i][0], probes[i][1], t, &res);
                CHECK(!res, "has_range(%s, %lu, %lu, %s): status %d, result true", esc(owner), probes[i][0],
                      probes[i][1], tname(t), st);
                if (want_status >= 0)
                        CHECK((int)st == want_status, "has_range(%s, ...): status %d, want %d", esc(owner), st,
                              want_status);
        }
}

static void expect_has(const char *owner, enum subid_type t, unsigned long start, unsigned long count, bool want)
{
        bool res = !want;
        enum subid_status st = P.has_range(owner, start, count, t, &res);
        CHECK(st == SUBID_STATUS_SUCCESS && res == want, "has_range(%s, %lu, %lu, %s): status %d result %d, want %d",
              esc(owner), start, count, tname(t), st, res, want);
}

/* find_subid_owners must return exactly want[0..n) (any order). */
static void expect_owners(unsigned long id, enum subid_type t, const uid_t *want, int n)
{
        uid_t *u = (uid_t *)(uintptr_t)0x1;
        int count = -42;
        enum subid_status st = P.find_subid_owners(id, t, &u, &count);

        CHECK(st == SUBID_STATUS_SUCCESS, "find_subid_owners(%lu, %s): status %d", id, tname(t), st);
        CHECK(count == n, "find_subid_owners(%lu, %s): %d owners, want %d", id, tname(t), count, n);
        if (n == 0)
                CHECK(u == NULL, "find_subid_owners(%lu, %s): no owners but *uids = %p", id, tname(t), (void *)u);
        if (st == SUBID_STATUS_SUCCESS && count == n) {
                for (int i = 0; i < n; i++) {
                        bool found = false;
                        for (int j = 0; j < n; j++)
                                found |= u[j] == want[i];
                        CHECK(found, "find_subid_owners(%lu, %s): UID %u missing", id, tname(t), (unsigned)want[i]);
                }
        }
        if (u != (void *)0x1)
                P.free(u);
}

static void expect_owner(unsigned long id, enum subid_type t, uid_t who)
{
        expect_owners(id, t, &who, 1);
}

/* ------------------------------------------------------ explicit users + pool */

static void test_list_explicit(void **state)
{
        (void)state;
        char byname[32], byuid[32];

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        for (unsigned k = 0; k < 10; k++) {
                snprintf(byname, sizeof(byname), "u%u", 1000000000u + k);
                snprintf(byuid, sizeof(byuid), "%u", 1000000000u + k);
                for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++) {
                        /* podman asks by name, then by decimal UID. */
                        expect_one(byname, t, SLOT(k), POOL_COUNT);
                        expect_one(byuid, t, SLOT(k), POOL_COUNT);
                }
        }
        /* The example of the brief: uid 1000000003 -> 200000 + 3 * 65536. */
        expect_one("1000000003", ID_TYPE_UID, 396608, 65536);
        /* Not covered. */
        const char *others[] = { "1000000010", "u1000000010", "999999999", "u999999999", "0", "1", "65534",
                                 "1000590000", "u1000590000", "nosuchuser" };
        for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
                for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++)
                        expect_none(others[i], t);
        expect_none(root_name, ID_TYPE_UID);

        /* A covered user's /etc/subuid lines are not used while the pool answers ... */
        mt_write("subuid", "1000000003:900000:10\nu1000000004:910000:10\n");
        mt_write("subgid", "1000000003:920000:10\n");
        expect_one("1000000003", ID_TYPE_UID, SLOT(3), POOL_COUNT);
        expect_one("u1000000004", ID_TYPE_UID, SLOT(4), POOL_COUNT);
        expect_one("1000000003", ID_TYPE_GID, SLOT(3), POOL_COUNT);
        /* ... and are the answer when there is no pool. */
        mt_write("nss_subid.conf", "users 1000000000-1000000009\nsubids files\n");
        expect_one("1000000003", ID_TYPE_UID, 900000, 10);
        expect_one("u1000000003", ID_TYPE_UID, 900000, 10);
        expect_one("u1000000004", ID_TYPE_UID, 910000, 10);
        expect_one("1000000003", ID_TYPE_GID, 920000, 10);
        expect_none("1000000005", ID_TYPE_UID);
        /* No source at all. */
        mt_write("nss_subid.conf", "users 1000000000-1000000009\nsubids none\n");
        expect_none("1000000003", ID_TYPE_UID);
        expect_none("u1000000003", ID_TYPE_GID);
        CHECK_DONE();
}

static void test_has_range(void **state)
{
        (void)state;
        const unsigned long b = SLOT(3), c = POOL_COUNT, ulmax = ~0ul, two32 = 1ul << 32;

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        const char *owners[] = { "1000000003", "u1000000003" };
        for (size_t o = 0; o < 2; o++) {
                for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++) {
                        const char *w = owners[o];
                        expect_has(w, t, b, c, true);          /* exactly the block */
                        expect_has(w, t, b, 1, true);          /* first */
                        expect_has(w, t, b + c - 1, 1, true);  /* last */
                        expect_has(w, t, b + 100, 1000, true); /* inside */
                        expect_has(w, t, b + c, 1, false);     /* one past the end */
                        expect_has(w, t, b + c - 1, 2, false); /* straddles the end */
                        expect_has(w, t, b, c + 1, false);     /* one too many */
                        expect_has(w, t, b - 1, 1, false);     /* one before */
                        expect_has(w, t, b - 1, 2, false);     /* straddles the start */
                        expect_has(w, t, b - 1, c + 2, false);
                        expect_has(w, t, b, 0, false); /* count 0 */
                        expect_has(w, t, b + 5, 0, false);
                        expect_has(w, t, 0, 0, false);
                        expect_has(w, t, 0, 1, false);
                        expect_has(w, t, SLOT(2), c, false); /* the neighbours' blocks */
                        expect_has(w, t, SLOT(4), c, false);
                        expect_has(w, t, SLOT(3) - c, 2 * c, false);
                        /* Overflow: nothing may wrap into the block. */
                        expect_has(w, t, ulmax, 1, false);
                        expect_has(w, t, ulmax, ulmax, false);
                        expect_has(w, t, b, ulmax, false);
                        expect_has(w, t, b + 1, ulmax, false);
                        expect_has(w, t, ulmax - 1, 2, false);               /* wraps to 0 */
                        expect_has(w, t, ulmax - (c - 1), c + b, false);     /* wraps to b */
                        expect_has(w, t, b + 1, ulmax - b, false);           /* sum wraps to 0 */
                        expect_has(w, t, two32, 1, false);
                        expect_has(w, t, two32 + b, c, false);               /* b + 2^32 truncated would be b */
                        expect_has(w, t, b, two32, false);
                        expect_has(w, t, b, two32 + c, false);               /* count truncated would be c */
                        expect_has(w, t, 4294967295ul, 1, false);
                        expect_has(w, t, 4294967294ul, 1, false);
                        expect_has(w, t, 4294967294ul, 2, false);
                }
        }
        /* NULL result pointer. */
        CHECK(P.has_range("1000000003", b, 1, ID_TYPE_UID, NULL) == SUBID_STATUS_ERROR, "has_range(result NULL)");
        CHECK(P.has_any_range("1000000003", ID_TYPE_UID, NULL) == SUBID_STATUS_ERROR, "has_any_range(result NULL)");
        /* Another owner's block. */
        expect_has("1000000004", ID_TYPE_UID, b, 1, false);
        expect_has("1000000010", ID_TYPE_UID, b, 1, false);
        CHECK_DONE();
}

static void test_find_owners(void **state)
{
        (void)state;
        const unsigned long ulmax = ~0ul;

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        mt_write("subuid", "root:900000:1000\n0:901000:500\n1001:980000:100\ncontainers:910000:65536\n");
        mt_write("subgid", "root:940000:7\n");
        for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++) {
                expect_owner(SLOT(3) + 5, t, 1000000003u);
                expect_owner(SLOT(0), t, 1000000000u);
                expect_owner(SLOT(10) - 1, t, 1000000009u);
                expect_owners(SLOT(10), t, NULL, 0); /* past the pool */
                expect_owners(POOL_BASE - 1, t, NULL, 0);
                expect_owners(0, t, NULL, 0);
                expect_owners(1, t, NULL, 0);
                expect_owners(4294967295ul, t, NULL, 0);
                expect_owners(4294967294ul, t, NULL, 0);
                expect_owners(1ul << 32, t, NULL, 0);
                expect_owners((1ul << 32) + SLOT(3), t, NULL, 0); /* truncated it would be in the pool */
                expect_owners(ulmax, t, NULL, 0);
        }
        /* Files owners: by name (resolved with getpwnam) and by UID. */
        expect_owner(900500, ID_TYPE_UID, 0);
        expect_owner(901499, ID_TYPE_UID, 0);
        expect_owner(980050, ID_TYPE_UID, 1001);
        expect_owners(901500, ID_TYPE_UID, NULL, 0);
        expect_owner(940006, ID_TYPE_GID, 0);
        expect_owners(940007, ID_TYPE_GID, NULL, 0);
        expect_owners(900500, ID_TYPE_GID, NULL, 0);
        /* A files owner no NSS source knows has no UID to report. */
        expect_owners(910000, ID_TYPE_UID, NULL, 0);
        /* NULL output pointers. */
        int count;
        uid_t *u;
        CHECK(P.find_subid_owners(SLOT(3), ID_TYPE_UID, NULL, &count) == SUBID_STATUS_ERROR, "uids NULL");
        CHECK(P.find_subid_owners(SLOT(3), ID_TYPE_UID, &u, NULL) == SUBID_STATUS_ERROR, "count NULL");
        CHECK_DONE();
}

/* ------------------------------------------------------------ files source */

static void test_files_source(void **state)
{
        (void)state;
        char rootuid[] = "0";

        /* Defaults: `self` does not cover root, `subids files` is on. */
        mt_write("subuid", "# comment\n"
                           "\n"
                           "root:900000:1000\n"
                           "0:901000:500\n"
                           "containers:910000:65536\n"
                           "1001:980000:100\n"
                           "root:930000:10\n");
        mt_write("subgid", "root:940000:7\n0:950000:3\n");
        const struct rng r_root[] = { { 900000, 1000 }, { 901000, 500 }, { 930000, 10 } };
        const struct rng g_root[] = { { 940000, 7 }, { 950000, 3 } };
        /* Name lines and UID lines, in file order, asked either way (like shadow). */
        expect_ranges(root_name, ID_TYPE_UID, r_root, 3);
        expect_ranges(rootuid, ID_TYPE_UID, r_root, 3);
        expect_ranges(root_name, ID_TYPE_GID, g_root, 2);
        expect_ranges(rootuid, ID_TYPE_GID, g_root, 2);
        expect_one("containers", ID_TYPE_UID, 910000, 65536);
        expect_none("containers", ID_TYPE_GID);
        expect_one("1001", ID_TYPE_UID, 980000, 100);
        expect_none("1002", ID_TYPE_UID);
        expect_none("contain", ID_TYPE_UID);
        expect_none("containers2", ID_TYPE_UID);
        expect_none("Containers", ID_TYPE_UID);
        /* has_range across the owner's adjacent lines. */
        expect_has(root_name, ID_TYPE_UID, 900000, 1000, true);
        expect_has(root_name, ID_TYPE_UID, 900000, 1500, true); /* spans both lines exactly */
        expect_has(rootuid, ID_TYPE_UID, 900999, 2, true);
        expect_has(root_name, ID_TYPE_UID, 900000, 1501, false);
        expect_has(root_name, ID_TYPE_UID, 930000, 10, true);
        expect_has(root_name, ID_TYPE_UID, 930000, 11, false);
        expect_has(root_name, ID_TYPE_UID, 910000, 1, false); /* containers' */
        expect_has("containers", ID_TYPE_UID, 910000, 65536, true);

        /* Malformed lines are skipped; only the good ones count. */
        static const char bad_then_good[] = "root:abc:10\n"
                                            "root:0:10\n"          /* contains 0 */
                                            "root:-1:10\n"
                                            "root:+5:10\n"
                                            "root:010:10\n"
                                            "root:5:0\n"           /* empty */
                                            "root:4294967290:10\n" /* reaches 4294967295 */
                                            "root:4294967296:1\n"
                                            "root:1:4294967295\n"
                                            "root:920000\n"
                                            "root:920000:10:extra\n"
                                            "root::10\n"
                                            "root:920000:\n"
                                            ":920000:10\n"
                                            "root:920000:10 \n"
                                            " root:920000:10\n"
                                            "root :920000:10\n"
                                            "root:0x10:10\n"
                                            "root:920000:1e3\n"
                                            "root\n"
                                            ":::\n"
                                            "root:920000:10\n" /* the good one */
                                            "root:930000\0:10\n" /* embedded NUL */
                                            "root:940000:10";   /* no final newline: fine */
        mt_write_raw("subuid", bad_then_good, sizeof(bad_then_good) - 1, 0644, 0, 0);
        const struct rng r_good[] = { { 920000, 10 }, { 940000, 10 } };
        expect_ranges(root_name, ID_TYPE_UID, r_good, 2);
        expect_has(root_name, ID_TYPE_UID, 930000, 1, false);
        expect_owners(5, ID_TYPE_UID, NULL, 0);
        expect_owners(930000, ID_TYPE_UID, NULL, 0);
        expect_owner(920005, ID_TYPE_UID, 0);

        /* `subids files` off: nothing from the file. */
        mt_write("nss_subid.conf", "subids pool 100000 65536\n");
        expect_none(root_name, ID_TYPE_UID);
        expect_owners(920005, ID_TYPE_UID, NULL, 0);
        CHECK_DONE();
}

/* ------------------------------------------------------ unusable files */

static void test_subid_files_unusable(void **state)
{
        (void)state;
        for (enum variant v = 0; v < V__MAX; v++) {
                unsigned long before = __atomic_load_n(&mt_failures, __ATOMIC_RELAXED);
                apply_variant("subuid", "root:900000:1000\ncontainers:910000:65536\n", v);
                apply_variant("subgid", "root:940000:7\n", v);
                if (variant_trusted(v)) {
                        expect_one(root_name, ID_TYPE_UID, 900000, 1000);
                        expect_one("0", ID_TYPE_UID, 900000, 1000);
                        expect_one("containers", ID_TYPE_UID, 910000, 65536);
                        expect_one(root_name, ID_TYPE_GID, 940000, 7);
                        expect_owner(900001, ID_TYPE_UID, 0);
                } else {
                        expect_none(root_name, ID_TYPE_UID);
                        expect_none("0", ID_TYPE_UID);
                        expect_none("containers", ID_TYPE_UID);
                        expect_none(root_name, ID_TYPE_GID);
                        expect_has(root_name, ID_TYPE_UID, 900000, 1, false);
                        expect_owners(900001, ID_TYPE_UID, NULL, 0);
                        expect_owners(940001, ID_TYPE_GID, NULL, 0);
                }
                if (__atomic_load_n(&mt_failures, __ATOMIC_RELAXED) != before)
                        fprintf(stderr, "    ^ with subuid/subgid %s\n", variant_name[v]);
                mt_remove("subuid");
                mt_remove("subgid");
        }
        CHECK_DONE();
}

static void expect_config_refused(const char *ctx)
{
        unsigned long before = __atomic_load_n(&mt_failures, __ATOMIC_RELAXED);
        for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++) {
                /* Nothing is granted, and the failure is reported as an error. */
                expect_no_grant("1000000003", t, SUBID_STATUS_ERROR);
                expect_no_grant("u1000000003", t, SUBID_STATUS_ERROR);
                /* Not even the /etc/subuid lines: the whole configuration is refused. */
                expect_no_grant(root_name, t, SUBID_STATUS_ERROR);
                uid_t *u = (uid_t *)(uintptr_t)0x1;
                int count = -42;
                enum subid_status st = P.find_subid_owners(SLOT(3), t, &u, &count);
                CHECK(count == 0 && u == NULL, "find_subid_owners with refused config: status %d count %d", st, count);
                CHECK(st == SUBID_STATUS_ERROR, "find_subid_owners with refused config: status %d", st);
                if (u && u != (void *)0x1)
                        free(u);
        }
        if (__atomic_load_n(&mt_failures, __ATOMIC_RELAXED) != before)
                fprintf(stderr, "    ^ with config %s\n", ctx);
}

static void expect_config_works(const char *ctx)
{
        unsigned long before = __atomic_load_n(&mt_failures, __ATOMIC_RELAXED);
        expect_one("1000000003", ID_TYPE_UID, SLOT(3), POOL_COUNT);
        expect_one("u1000000003", ID_TYPE_GID, SLOT(3), POOL_COUNT);
        expect_one(root_name, ID_TYPE_UID, 900000, 1000);
        expect_owner(SLOT(3), ID_TYPE_UID, 1000000003u);
        if (__atomic_load_n(&mt_failures, __ATOMIC_RELAXED) != before)
                fprintf(stderr, "    ^ with config %s\n", ctx);
}

static void child_refused(void *arg)
{
        (void)arg;
        /* `users self` must not fall back to the defaults either. */
        expect_no_grant("1000590000", ID_TYPE_UID, SUBID_STATUS_ERROR);
        expect_no_grant("u1000590000", ID_TYPE_GID, SUBID_STATUS_ERROR);
}

/* `users self` pool block of OCP_UID (1000590000 = OpenShift project block
 * 59): slot 59 of the default pool 100000+65536. */
#define OCP_POOL (100000u + 59u * 65536u)

static void child_self_pool(void *arg)
{
        (void)arg;
        for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++) {
                expect_one("1000590000", t, OCP_POOL, 65536);
                expect_one("u1000590000", t, OCP_POOL, 65536);
                expect_has("1000590000", t, OCP_POOL, 65536, true);
                expect_has("u1000590000", t, OCP_POOL, 65537, false);
                expect_owner(OCP_POOL + 21, t, OCP_UID);
                expect_owner(OCP_POOL + 65535, t, OCP_UID);
                expect_owners(OCP_POOL + 65536, t, NULL, 0);
                expect_none("1000590001", t);
                expect_none("u1000590001", t);
        }
}

/* Under no_new_privs no helper can map a range: none is granted. */
static void child_no_new_privs(void *arg)
{
        (void)arg;
        CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
        for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++) {
                expect_none("1000590000", t);
                expect_none("u1000590000", t);
                expect_has("1000590000", t, OCP_POOL, 1, false);
        }
}

static void test_no_new_privs(void **state)
{
        (void)state;
        mt_run_as(OCP_UID, 0, child_self_pool, NULL); /* the same caller, without: the pool */
        mt_run_as(OCP_UID, 0, child_no_new_privs, NULL);
        CHECK_DONE();
}

static void test_config_unusable(void **state)
{
        (void)state;
        mt_write("subuid", "root:900000:1000\n");
        for (enum variant v = 0; v < V__MAX; v++) {
                apply_variant("nss_subid.conf", CONF_EXPLICIT, v);
                if (variant_trusted(v))
                        expect_config_works(variant_name[v]);
                else
                        expect_config_refused(variant_name[v]);
                apply_variant("nss_subid.conf", "users self\nsubids pool 100000 65536\n", v);
                mt_run_as(OCP_UID, 0, variant_trusted(v) ? child_self_pool : child_refused, NULL);
                mt_write("nss_subid.conf", CONF_EXPLICIT);
                expect_config_works("restored");
        }
        const char *bad[] = {
                "users 1000000000-1000000009\nsubids files\nsubids pool 200000 65536\nbogus\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nsubids none\n",
                "users 1000000000-1000000009\nsubids pool 0 65536\n",
                "users 1000000000-1000000009\nsubids pool 200000 0\n",
                "users 1000000000-1000000009\nsubids pool 4294901760 65536\n",
                "users 1000000000-1000000009\nsubids pool 999999999 65536\n",
                "users 0-9\nsubids pool 200000 65536\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536\nsubids pool 300000 65536\n",
                "users 1000000000-1000000009\nsubids pool 200000 65536 1\n",
                "users 1000000000-1000000009\nsubids pool 200000 -65536\n",
                "users 1000000000-1000000009\r\nsubids pool 200000 65536\r\n",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char ctx[32];
                snprintf(ctx, sizeof(ctx), "invalid #%zu", i);
                mt_write("nss_subid.conf", bad[i]);
                expect_config_refused(ctx);
        }
        mt_write("nss_subid.conf", "users self\nbogus\n");
        mt_run_as(OCP_UID, 0, child_refused, NULL);
        CHECK_DONE();
}

/* --------------------------------------------------------- other callers */

static void child_pool_withheld(void *arg)
{
        (void)arg;
        /* The caller's own UID (200010) is inside the pool: the pool is
         * withheld from it, and covered users fall back to the files. */
        expect_none("1000000003", ID_TYPE_UID);
        expect_none("u1000000003", ID_TYPE_GID);
        expect_one("1000000004", ID_TYPE_UID, 900000, 10);
        expect_has("1000000003", ID_TYPE_UID, SLOT(3), 1, false);
}

static void child_gid_in_pool(void *arg)
{
        (void)arg;
        /* Only the caller's GID (200010) is inside the pool: subordinate
         * UIDs are granted, subordinate GIDs are not. */
        expect_one("1000000003", ID_TYPE_UID, SLOT(3), POOL_COUNT);
        expect_none("1000000003", ID_TYPE_GID);
}

static void child_refused_known(void *arg)
{
        (void)arg;
        expect_none("1000590000", ID_TYPE_UID);
        expect_none("u1000590000", ID_TYPE_UID);
        expect_none("1000590000", ID_TYPE_GID);
        expect_owners(OCP_POOL + 21, ID_TYPE_UID, NULL, 0);
}

static void test_callers(void **state)
{
        (void)state;

        /* Defaults (no config file), as the OpenShift UID: `self` + default pool. */
        mt_run_as(OCP_UID, 0, child_self_pool, NULL);
        mt_run_as(OCP_UID, 1000, child_self_pool, NULL);
        /* root asks about the OpenShift UID: `self` is root, which is never covered. */
        expect_none("1000590000", ID_TYPE_UID);
        expect_none("u1000590000", ID_TYPE_UID);
        expect_owners(OCP_POOL + 21, ID_TYPE_UID, NULL, 0);
        /* When the fixture passwd knows the caller, `self` covers nothing. */
        mt_write("passwd", "root:x:0:0:root:/root:/bin/bash\nocp:x:1000590000:0::/:/bin/sh\n");
        mt_run_as(OCP_UID, 0, child_refused_known, NULL);
        mt_write("passwd", PASSWD_BASE);

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        mt_write("subuid", "1000000004:900000:10\n");
        mt_run_as(200010, 0, child_pool_withheld, NULL);
        mt_run_as(5000, 200010, child_gid_in_pool, NULL);
        CHECK_DONE();
}

/* ----------------------------------------------------------- hostile input */

static void test_hostile_owners(void **state)
{
        (void)state;
        static char longer[301], longest[257], big[70000];

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        mt_write("subuid", "root:900000:1000\n0:901000:500\n");
        memset(longer, 'a', 300);
        memset(longest, 'b', 256);
        memset(big, '1', sizeof(big) - 1);

        /* Refused outright: not an owner string shadow would pass. */
        const char *refused[] = {
                NULL, "", ":", "a/b", longer, big, "\n", " u1", "u1 ", "\t", " ", "u1\t", "\tu1", "u1\n",
                "root\n", "root:", ":root", "root/", "/root", "../root", "ro ot", "root\r", "\x7f", "root\x7f",
                "\x01", "caf\xc3\xa9", "\xc3\xa9", "\xff", "1000000003\n", " 1000000003", "1000000003 ",
                "u1000000003:", "u1000000003/", "1000000003:200000:65536", "4294967295",
        };
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
                for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++) {
                        struct subid_range *r = (struct subid_range *)(uintptr_t)0x1;
                        int count = -42;
                        enum subid_status st = P.list_owner_ranges(refused[i], t, &r, &count);
                        CHECK(st == SUBID_STATUS_UNKNOWN_USER || st == SUBID_STATUS_ERROR,
                              "list_owner_ranges(%s, %s): status %d, want UNKNOWN_USER or ERROR", esc(refused[i]),
                              tname(t), st);
                        expect_no_grant(refused[i], t, -1);
                        if (r && r != (void *)0x1)
                                free(r);
                }
        }
        /* Printable and plausible, but nobody's: no ranges (any status). */
        const char *nobody[] = {
                "01000000003", "001000000003", "+1000000003", "-1000000003", "-1", "1000000003.0", "1000000003-0",
                "0x3b9aca03", "1e9", "U1000000003", "u01000000003", "u+1000000003", "u1000000003-0", "u-1",
                "u4294967295", "u4294967296", "4294967296", "18446744073709551616", "00", "-0", "+0", "ROOT",
                "roo", "roots", "root-0", longest, "u1000000010", "1000000010", "*", "%s%n", "'", "\"",
        };
        for (size_t i = 0; i < sizeof(nobody) / sizeof(nobody[0]); i++)
                for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++)
                        expect_no_grant(nobody[i], t, -1);
        CHECK_DONE();
}

/*
 * Template names resolve to their UID only for a user nss_subid could
 * synthesize.  UID 0 is never synthesized (the NSS module answers
 * getpwnam("u0") with NOTFOUND), so "u0" is nobody's name and must not
 * alias root's "0:" lines in /etc/subuid.
 */
static void test_template_name_of_root(void **state)
{
        (void)state;
        mt_write("subuid", "0:901000:500\n");
        mt_write("subgid", "0:902000:500\n");
        /* Control: root by UID and by its real name. */
        expect_one("0", ID_TYPE_UID, 901000, 500);
        expect_one(root_name, ID_TYPE_UID, 901000, 500);
        expect_one("0", ID_TYPE_GID, 902000, 500);
        for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++)
                expect_no_grant("u0", t, -1);
        bool res = true;
        P.has_range("u0", 901000, 1, ID_TYPE_UID, &res);
        CHECK(!res, "has_range(\"u0\", 901000, 1, UID) is true: root's \"0:\" line");
        mt_write("nss_subid.conf", CONF_EXPLICIT);
        for (enum subid_type t = ID_TYPE_UID; t <= ID_TYPE_GID; t++)
                expect_no_grant("u0", t, -1);
        CHECK_DONE();
}

static void test_invalid_type(void **state)
{
        (void)state;
        const int types[] = { 0, 3, -1, 1000, 0x10001 };

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        mt_write("subuid", "root:900000:1000\n");
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
                enum subid_type t = (enum subid_type)types[i];
                struct subid_range *r = (struct subid_range *)(uintptr_t)0x1;
                uid_t *u = (uid_t *)(uintptr_t)0x1;
                int count = -42;
                bool res = true;
                enum subid_status st;

                st = P.list_owner_ranges("1000000003", t, &r, &count);
                CHECK(st == SUBID_STATUS_ERROR && count == 0 && r == NULL,
                      "list_owner_ranges(type %d): status %d count %d", types[i], st, count);
                st = P.has_range("1000000003", SLOT(3), 1, t, &res);
                CHECK(st == SUBID_STATUS_ERROR && !res, "has_range(type %d): status %d result %d", types[i], st, res);
                res = true;
                st = P.has_any_range("1000000003", t, &res);
                CHECK(st == SUBID_STATUS_ERROR && !res, "has_any_range(type %d): status %d result %d", types[i], st,
                      res);
                count = -42;
                st = P.find_subid_owners(SLOT(3), t, &u, &count);
                CHECK(st == SUBID_STATUS_ERROR && count == 0 && u == NULL, "find_subid_owners(type %d): status %d count %d",
                      types[i], st, count);
                /* Even for an owner whose string is refused, the type is checked. */
                st = P.list_owner_ranges(root_name, t, &r, &count);
                CHECK(st == SUBID_STATUS_ERROR && count == 0, "list_owner_ranges(root, type %d): status %d", types[i],
                      st);
        }
        /* NULL output pointers. */
        int count;
        struct subid_range *r;
        CHECK(P.list_owner_ranges("1000000003", ID_TYPE_UID, NULL, &count) == SUBID_STATUS_ERROR, "ranges NULL");
        CHECK(P.list_owner_ranges("1000000003", ID_TYPE_UID, &r, NULL) == SUBID_STATUS_ERROR, "count NULL");
        CHECK_DONE();
}

static void test_free_arrays(void **state)
{
        (void)state;
        struct subid_range *r = NULL;
        uid_t *u = NULL;
        int count = 0;

        P.free(NULL);
        mt_write("nss_subid.conf", CONF_EXPLICIT);
        /* Many rounds: a leak or a double free shows under ASan or valgrind. */
        for (int i = 0; i < 200; i++) {
                CHECK(P.list_owner_ranges("1000000003", ID_TYPE_UID, &r, &count) == SUBID_STATUS_SUCCESS && count == 1,
                      "list");
                if (i & 1)
                        free(r);
                else
                        P.free(r);
                CHECK(P.find_subid_owners(SLOT(3), ID_TYPE_GID, &u, &count) == SUBID_STATUS_SUCCESS && count == 1,
                      "find");
                if (i & 1)
                        P.free(u);
                else
                        free(u);
        }
        CHECK_DONE();
}

/* ------------------------------------------------------------ thread stress */

#define STRESS_THREADS 32
#define STRESS_CALLS 2000

struct stress_arg {
        unsigned idx;
        uint64_t seed;
        unsigned long done;
};

static void *stress_thread(void *p)
{
        struct stress_arg *a = p;
        uint64_t rs = a->seed;
        char owner[32];

        for (unsigned i = 0; i < STRESS_CALLS; i++) {
                unsigned k = (unsigned)(mt_rand(&rs) % 12); /* 10, 11: not covered */
                enum subid_type t = (mt_rand(&rs) & 1) ? ID_TYPE_UID : ID_TYPE_GID;
                struct subid_range *r = NULL;
                uid_t *u = NULL;
                int count = -1;
                bool res = false;
                enum subid_status st;

                snprintf(owner, sizeof(owner), (mt_rand(&rs) & 1) ? "u%u" : "%u", 1000000000u + k);
                switch (mt_rand(&rs) % 3) {
                case 0:
                        st = P.list_owner_ranges(owner, t, &r, &count);
                        if (k < 10)
                                CHECK(st == SUBID_STATUS_SUCCESS && count == 1 && r && r[0].start == SLOT(k) &&
                                              r[0].count == POOL_COUNT,
                                      "thread %u: list(%s): status %d count %d", a->idx, owner, st, count);
                        else
                                CHECK(st == SUBID_STATUS_SUCCESS && count == 0 && !r,
                                      "thread %u: list(%s): status %d count %d", a->idx, owner, st, count);
                        free(r);
                        break;
                case 1:
                {
                        unsigned long off = mt_rand(&rs) % (POOL_COUNT + 2);
                        bool want = k < 10 && off + 1 <= POOL_COUNT;
                        st = P.has_range(owner, SLOT(k < 10 ? k : 3) + off, 1, t, &res);
                        CHECK(st == SUBID_STATUS_SUCCESS && res == want, "thread %u: has_range(%s, +%lu): %d %d",
                              a->idx, owner, off, st, res);
                        break;
                }
                default:
                {
                        unsigned long id = SLOT(k) + mt_rand(&rs) % POOL_COUNT;
                        st = P.find_subid_owners(id, t, &u, &count);
                        if (k < 10)
                                CHECK(st == SUBID_STATUS_SUCCESS && count == 1 && u && u[0] == 1000000000u + k,
                                      "thread %u: owners(%lu): status %d count %d", a->idx, id, st, count);
                        else
                                CHECK(st == SUBID_STATUS_SUCCESS && count == 0, "thread %u: owners(%lu): %d %d", a->idx,
                                      id, st, count);
                        P.free(u);
                        break;
                }
                }
                a->done++;
        }
        return NULL;
}

static void test_threads(void **state)
{
        (void)state;
        pthread_t th[STRESS_THREADS];
        struct stress_arg args[STRESS_THREADS];
        unsigned long total = 0;

        mt_write("nss_subid.conf", CONF_EXPLICIT);
        for (unsigned i = 0; i < STRESS_THREADS; i++) {
                args[i] = (struct stress_arg){ .idx = i, .seed = 0xD1B54A32D192ED03ull * (i + 1) };
                assert_int_equal(pthread_create(&th[i], NULL, stress_thread, &args[i]), 0);
        }
        for (unsigned i = 0; i < STRESS_THREADS; i++) {
                assert_int_equal(pthread_join(th[i], NULL), 0);
                total += args[i].done;
        }
        CHECK(total == (unsigned long)STRESS_THREADS * STRESS_CALLS, "only %lu calls done", total);
        CHECK_DONE();
}

/* --------------------------------------------------------------------- main */

static int group_setup(void **state)
{
        (void)state;
        struct passwd pw, *res = NULL;
        char buf[4096];

        mt_fixture_init();
        if (getpwuid_r(0, &pw, buf, sizeof(buf), &res) == 0 && res && strlen(res->pw_name) < sizeof(root_name))
                strcpy(root_name, res->pw_name);
        P.h = mt_dlopen("NSS_SUBID_TEST_PLUGIN");
        MT_SYM(P.h, P.has_range, "shadow_subid_has_range");
        MT_SYM(P.h, P.has_any_range, "shadow_subid_has_any_range");
        MT_SYM(P.h, P.list_owner_ranges, "shadow_subid_list_owner_ranges");
        MT_SYM(P.h, P.find_subid_owners, "shadow_subid_find_subid_owners");
        MT_SYM(P.h, P.free, "shadow_subid_free");
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        /* No dlclose(): like libsubid, keep the plugin loaded until exit. */
        mt_fixture_done();
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup(test_list_explicit, reset),
                cmocka_unit_test_setup(test_has_range, reset),
                cmocka_unit_test_setup(test_find_owners, reset),
                cmocka_unit_test_setup(test_files_source, reset),
                cmocka_unit_test_setup(test_subid_files_unusable, reset),
                cmocka_unit_test_setup(test_config_unusable, reset),
                cmocka_unit_test_setup(test_callers, reset),
                cmocka_unit_test_setup(test_no_new_privs, reset),
                cmocka_unit_test_setup(test_hostile_owners, reset),
                cmocka_unit_test_setup(test_template_name_of_root, reset),
                cmocka_unit_test_setup(test_invalid_type, reset),
                cmocka_unit_test_setup(test_free_arrays, reset),
                cmocka_unit_test_setup(test_threads, reset),
        };
        int rc;

        mt_require_root("test_plugin");
        mt_require_initial_userns("test_plugin");
        rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
        fprintf(stderr, "[ checks ] %lu checks evaluated\n", mt_checks);
        return rc;
}
