/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the pure part of lib/cgroup.c: cg_relpath_valid,
 * cg_name_reserved, the controller list and cg_name_interface,
 * cg_parent_allowed, cg_split, cg_owner_allowed.
 * (cg_apply works on a real cgroup2 file system:
 * tests/integration/test_cgroup.sh.) */
#include <errno.h>

#include "subid/cgroup.h"
#include "ut_common.h"

static void test_relpath_hostile(void **state)
{
        (void)state;
        char c64[65], c65[66], deep[CG_MAX_REL + 2];
        memset(c64, 'a', 64);
        c64[64] = '\0';
        memset(c65, 'a', 65);
        c65[65] = '\0';
        for (size_t i = 0; i < sizeof(deep) - 1; i++)
                deep[i] = i % 2 ? '/' : 'a';
        deep[sizeof(deep) - 1] = '\0';
        const char *bad[] = {
                NULL, "", "/", "/a", "a/", "a//b", "//", ".", "..", "a/.", "a/..", "./a", "../a", "a/../b",
                "cgroup.procs", "cgroup.subtree_control", "a/cgroup.kill", "cgroup.", "a b", "a\nb", "a\tb",
                "a\\b", "a*", "a?", "a$b", "a;b", "a%b", "caf\xc3\xa9", "\x7f", "a\x01", c65, "a/b/c", deep,
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(bad); i++)
                CHECK(cg_relpath_valid(bad[i], 2) == -EINVAL, "cg_relpath_valid(%s, 2) accepted",
                      bad[i] ? esc(bad[i]) : "NULL");
        CHECK_DONE();
}

static void test_relpath_good(void **state)
{
        (void)state;
        char c64[65];
        memset(c64, 'z', 64);
        c64[64] = '\0';
        const struct {
                const char *rel;
                unsigned depth;
        } good[] = {
                { "a", 1 },        { "user-1000590000", 1 }, { "A-Z_0.9:x@y", 1 }, { "a/b", 2 },
                { "a/b/c", 3 },    { "...", 1 },             { ".a", 1 },          { "a..b", 1 },
                { "cgroup", 1 },   { "cgroupX.procs", 1 },   { c64, 1 },           { "a/b", 16 },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(good); i++) {
                CHECK(cg_relpath_valid(good[i].rel, good[i].depth) == 0, "cg_relpath_valid(%s, %u) refused",
                      esc(good[i].rel), good[i].depth);
                if (good[i].depth > 1 && strchr(good[i].rel, '/'))
                        CHECK(cg_relpath_valid(good[i].rel, 1) == -EINVAL, "cg_relpath_valid(%s, 1): depth ignored",
                              esc(good[i].rel));
        }
        CHECK_DONE();
}

/* pam_subid's PARENT/user-UID: no create NAME may end in a user-* cgroup. */
static void test_reserved_hostile(void **state)
{
        (void)state;
        const char *bad[] = {
                "user-61201", "user-0", "user-", "user-1000590000", "user-abc", "user-61201.scope", "user--1",
                "user-4294967295", "user-99999999999999999999", "a/user-61201", "n1/user-1000590000",
                "user-1/user-2", "a/b/user-x", "user-1000@x",
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(bad); i++)
                CHECK(cg_name_reserved(bad[i]), "cg_name_reserved(%s): not reserved", esc(bad[i]));
        CHECK_DONE();
}

static void test_reserved_good(void **state)
{
        (void)state;
        /* Only a last component that begins with exactly "user-"; a user-*
         * cgroup on the way (the user's own session cgroup) is fine. */
        const char *good[] = {
                NULL,       "",          "user",      "users-1",    "user_1",  "user.1",    "User-1",
                "USER-1",   "auser-1",   "my-user-1", "user-1/x",   "user-1/user", "x-user-1", "user@1000.service",
                "a/user",   "usr-1",     "u-1",       "user-1/a/b",
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(good); i++)
                CHECK(!cg_name_reserved(good[i]), "cg_name_reserved(%s): reserved", good[i] ? esc(good[i]) : "NULL");
        CHECK_DONE();
}

/* Is name in the list? */
static bool has_controller(const struct cg_controllers *c, const char *name)
{
        for (size_t i = 0; i < c->n; i++)
                if (strcmp(c->name[i], name) == 0)
                        return true;
        return false;
}

static void test_interface_hostile(void **state)
{
        (void)state;
        struct cg_controllers c;
        size_t bad = 999, off = 999, len = 999;

        cg_controllers_builtin(&c);
        /* One interface file name of every controller, v2 and v1, and the
         * core files outside cgroup.*; then the same in deeper components. */
        const struct {
                const char *rel, *ctrl;
        } rows[] = {
                { "memory.max", "memory" },
                { "memory.high", "memory" },
                { "memory.", "memory" },
                { "memory.oom.group", "memory" },
                { "memory.pressure", "memory" },
                { "cpu.weight", "cpu" },
                { "cpu.stat", "cpu" },
                { "cpu.stat.local", "cpu" },
                { "cpu.pressure", "cpu" },
                { "cpuset.cpus", "cpuset" },
                { "cpuset.cpus.partition", "cpuset" },
                { "cpuacct.usage", "cpuacct" },
                { "io.max", "io" },
                { "io.bfq.weight", "io" },
                { "io.pressure", "io" },
                { "blkio.weight", "blkio" },
                { "devices.allow", "devices" },
                { "freezer.state", "freezer" },
                { "net_cls.classid", "net_cls" },
                { "net_prio.ifpriomap", "net_prio" },
                { "perf_event.x", "perf_event" },
                { "hugetlb.2MB.max", "hugetlb" },
                { "hugetlb.1GB.events.local", "hugetlb" },
                { "pids.max", "pids" },
                { "pids.peak", "pids" },
                { "rdma.max", "rdma" },
                { "misc.capacity", "misc" },
                { "debug.csses", "debug" },
                { "dmem.max", "dmem" },
                { "irq.pressure", "irq" },
                { "a/memory.max", "memory" },
                { "memory.max/a", "memory" },
                { "n1/deep/pids.max", "pids" },
                { "app.slice/io.max", "io" },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++) {
                bad = 999;
                CHECK(cg_name_interface(rows[i].rel, &c, &bad, NULL, NULL) == -EINVAL,
                      "cg_name_interface(%s) accepted", esc(rows[i].rel));
                CHECK(bad < c.n && strcmp(c.name[bad], rows[i].ctrl) == 0, "cg_name_interface(%s): controller %s",
                      esc(rows[i].rel), bad < c.n ? c.name[bad] : "(none)");
        }
        /* The component is reported, for the message. */
        CHECK(cg_name_interface("n1/pids.max/x", &c, &bad, &off, &len) == -EINVAL && off == 3 && len == 8,
              "n1/pids.max/x: component at %zu+%zu, want 3+8", off, len);
        CHECK(cg_name_interface("memory.max", &c, NULL, NULL, NULL) == -EINVAL, "NULL out-pointers");
        CHECK_DONE();
}

static void test_interface_good(void **state)
{
        (void)state;
        struct cg_controllers c;
        const char *good[] = {
                "app.slice",   "foo.scope",   "user@1000.service", "init.scope", "system.slice", "session-1.scope",
                "memory",      "cpu",         "io",                "pids",       "memoryx.max",  "xmemory.max",
                "Memory.max",  "MEMORY.MAX",  "mem.max",           "cpus.x",     "iox.y",        "a.b.c",
                "web",         "a/b",         ".memory",           "user-1/x",   "podman-1.scope", "irqbalance",
                "cpu_x.y",     "net.x",       "...",               "a..b",
        };
        cg_controllers_builtin(&c);
        for (size_t i = 0; i < UT_ARRAY_SIZE(good); i++)
                CHECK(cg_name_interface(good[i], &c, NULL, NULL, NULL) == 0, "cg_name_interface(%s) refused",
                      esc(good[i]));
        /* An empty list refuses nothing (cgroup.* is cg_relpath_valid's). */
        c.n = 0;
        CHECK(cg_name_interface("memory.max", &c, NULL, NULL, NULL) == 0, "empty list");
        CHECK_DONE();
}

static void test_controllers_builtin(void **state)
{
        (void)state;
        struct cg_controllers c;
        const char *want[] = { "cpuset", "cpu",     "cpuacct", "io",    "blkio", "memory", "devices", "freezer", "net_cls",
                               "perf_event", "net_prio", "hugetlb", "pids", "rdma",  "misc",   "debug",   "dmem",    "irq" };
        memset(&c, 0x5a, sizeof(c));
        cg_controllers_builtin(&c);
        CHECK(c.n == UT_ARRAY_SIZE(want), "%zu built-in controllers, want %zu", c.n, UT_ARRAY_SIZE(want));
        for (size_t i = 0; i < UT_ARRAY_SIZE(want); i++)
                CHECK(has_controller(&c, want[i]), "built-in list lacks %s", want[i]);
        CHECK_DONE();
}

static void test_controllers_proc(void **state)
{
        (void)state;
        struct cg_controllers c;
        /* Linux 6.18 lists the v1 controllers only; older kernels all. */
        const char v618[] = "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
                            "cpuset\t3\t1\t1\ncpu\t1\t1\t1\nmemory\t4\t42\t1\nnet_prio\t0\t1\t1\n";
        cg_controllers_builtin(&c);
        size_t n0 = c.n;
        char *t = ut_exact(v618, sizeof(v618) - 1);
        CHECK(cg_controllers_add_proc(&c, t, sizeof(v618) - 1) == 0 && c.n == n0, "6.18 text: nothing new (%zu)", c.n);
        free(t);

        /* A controller this build does not know yet is added, and then its
         * names are refused; hostile lines are skipped. */
        const char newer[] = "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
                             "\n"
                             "gpu\t0\t1\t1\n"
                             "# comment\n"
                             "Mem\t0\t1\t1\n"
                             "a/b\t0\t1\t1\n"
                             "..\t0\t1\t1\n"
                             "x.y\t0\t1\t1\n"
                             "caf\xc3\xa9\t0\t1\t1\n"
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\t0\t1\t1\n" /* 33 bytes */
                             "\t0\t1\t1\n"
                             "gpu\t0\t1\t1\n"
                             "npu_2"; /* no newline at the end */
        t = ut_exact(newer, sizeof(newer) - 1);
        CHECK(cg_controllers_add_proc(&c, t, sizeof(newer) - 1) == 0, "newer text");
        free(t);
        CHECK(c.n == n0 + 2 && has_controller(&c, "gpu") && has_controller(&c, "npu_2"), "gpu and npu_2 added (%zu)",
              c.n);
        const char *skipped[] = { "Mem", "a/b", "..", "x.y", "x", "caf\xc3\xa9", "", "#", "# comment" };
        for (size_t i = 0; i < UT_ARRAY_SIZE(skipped); i++)
                CHECK(!has_controller(&c, skipped[i]), "%s added", esc(skipped[i]));
        CHECK(cg_name_interface("gpu.max", &c, NULL, NULL, NULL) == -EINVAL, "gpu.max accepted after /proc/cgroups");
        CHECK(cg_name_interface("a/npu_2.weight", &c, NULL, NULL, NULL) == -EINVAL, "npu_2.weight accepted");
        CHECK(cg_name_interface("Mem.max", &c, NULL, NULL, NULL) == 0, "Mem.max refused");

        /* Empty and NULL texts add nothing. */
        size_t n1 = c.n;
        CHECK(cg_controllers_add_proc(&c, NULL, 5) == 0 && cg_controllers_add_proc(&c, "", 0) == 0 && c.n == n1,
              "empty text");

        /* Full: what fits is kept, the rest reported. */
        char *big = malloc(CG_MAX_CONTROLLERS * 16);
        size_t blen = 0;
        assert_non_null(big);
        for (unsigned i = 0; i < CG_MAX_CONTROLLERS; i++)
                blen += (size_t)snprintf(big + blen, 16, "c%u\t0\t1\t1\n", i);
        CHECK(cg_controllers_add_proc(&c, big, blen) == -E2BIG && c.n == CG_MAX_CONTROLLERS, "overflow: %zu", c.n);
        CHECK(has_controller(&c, "memory") && has_controller(&c, "c0"), "the first ones kept");
        free(big);
        CHECK_DONE();
}

static void two_parents(struct subid_config *c)
{
        config_defaults(c);
        snprintf(c->cgroup_parents[0], sizeof(c->cgroup_parents[0]), "/sys/fs/cgroup/pods");
        snprintf(c->cgroup_parents[1], sizeof(c->cgroup_parents[1]), "/cg/x");
        c->n_cgroup_parents = 2;
}

static void test_parents(void **state)
{
        (void)state;
        struct subid_config c;
        const char *parent = NULL, *rel = NULL;

        config_defaults(&c);
        CHECK(!cg_parent_allowed(&c, "/sys/fs/cgroup"), "a parent allowed by default");
        CHECK(cg_split(&c, "/sys/fs/cgroup/a", &parent, &rel) == -EACCES, "split with no parents");

        two_parents(&c);
        CHECK(cg_parent_allowed(&c, "/sys/fs/cgroup/pods") && cg_parent_allowed(&c, "/cg/x"), "configured parents");
        const char *no[] = { NULL, "", "/", "/sys/fs/cgroup", "/sys/fs/cgroup/pods/", "/sys/fs/cgroup/podsX",
                             "/sys/fs/cgroup/pods/a", "/cg/x/..", "/cg//x", "/CG/X" };
        for (size_t i = 0; i < UT_ARRAY_SIZE(no); i++)
                CHECK(!cg_parent_allowed(&c, no[i]), "cg_parent_allowed(%s)", no[i] ? esc(no[i]) : "NULL");

        CHECK(cg_split(&c, "/sys/fs/cgroup/pods/web/x", &parent, &rel) == 0 &&
                      strcmp(parent, "/sys/fs/cgroup/pods") == 0 && strcmp(rel, "web/x") == 0,
              "split pods/web/x");
        CHECK(cg_split(&c, "/cg/x/y", &parent, &rel) == 0 && strcmp(parent, "/cg/x") == 0 && strcmp(rel, "y") == 0,
              "split /cg/x/y");
        const char *nosplit[] = { NULL, "/sys/fs/cgroup/pods", "/sys/fs/cgroup/pods/", "/sys/fs/cgroup/podsX/a",
                                  "/cg/xy", "/cg", "sys/fs/cgroup/pods/a", "/sys/fs/cgroup/other/pods/a" };
        for (size_t i = 0; i < UT_ARRAY_SIZE(nosplit); i++)
                CHECK(cg_split(&c, nosplit[i], &parent, &rel) == -EACCES, "cg_split(%s) accepted",
                      nosplit[i] ? esc(nosplit[i]) : "NULL");
        /* What follows the parent is checked by cg_relpath_valid. */
        CHECK(cg_split(&c, "/cg/x/../../etc", &parent, &rel) == 0 && cg_relpath_valid(rel, 16) == -EINVAL,
              "a '..' below the parent survives the split but not the path check");
        CHECK_DONE();
}

static void test_owner(void **state)
{
        (void)state;
        struct idset su, sg;
        const uint32_t me = 1000590000, mygid = 0;
        idset_init(&su);
        idset_init(&sg);
        assert_int_equal(idset_append(&su, 100000, 65536), 0);
        assert_int_equal(idset_append(&sg, 100000, 65536), 0);

        const struct {
                uint32_t uid, gid;
                bool ok;
        } rows[] = {
                { me, UINT32_MAX, true },        { me, mygid, true },          { 100000, UINT32_MAX, true },
                { 165535, 165535, true },        { 100021, 100021, true },     { 100021, mygid, true },
                { 99999, UINT32_MAX, false },    { 165536, UINT32_MAX, false }, { 0, UINT32_MAX, false },
                { 0, 0, false },                 { UINT32_MAX, UINT32_MAX, false }, { me + 1, UINT32_MAX, false },
                { me, 1, false },                { me, 99999, false },        { me, 165536, false },
                { 100021, 1000, false },
        };
        for (size_t i = 0; i < UT_ARRAY_SIZE(rows); i++)
                CHECK(cg_owner_allowed(me, mygid, &su, &sg, rows[i].uid, rows[i].gid) == rows[i].ok,
                      "owner %u group %u: want %s", rows[i].uid, rows[i].gid, rows[i].ok ? "allowed" : "refused");
        /* GID 0 is allowed only as the caller's own GID, never as a subordinate one. */
        CHECK(!cg_owner_allowed(5000, 5000, &su, &sg, 5000, 0), "GID 0 for a caller whose GID is 5000");
        /* No granted sets: only the caller itself. */
        CHECK(cg_owner_allowed(me, mygid, NULL, NULL, me, mygid), "self without grants");
        CHECK(!cg_owner_allowed(me, mygid, NULL, NULL, 100000, UINT32_MAX), "a subordinate UID without grants");
        CHECK(!cg_owner_allowed(0, 0, &su, &sg, 0, 0), "root delegating to root");
        CHECK_DONE();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_relpath_hostile),
                cmocka_unit_test(test_relpath_good),
                cmocka_unit_test(test_reserved_hostile),
                cmocka_unit_test(test_reserved_good),
                cmocka_unit_test(test_interface_hostile),
                cmocka_unit_test(test_interface_good),
                cmocka_unit_test(test_controllers_builtin),
                cmocka_unit_test(test_controllers_proc),
                cmocka_unit_test(test_parents),
                cmocka_unit_test(test_owner),
        };
        UT_RUN(tests);
}
