/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libaudit.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv.h"
#include "subid/strutils.h"

/*
 * Test builds only.  tests/Makemodule.am builds copies of the helpers with
 * -DPRIV_TEST_FAULTS (never installed; `make install` and the package ship
 * the plain ones).  There NSS_SUBID_TEST_FAULT, read before the environment
 * is cleared, makes one step misbehave, so that the tests can show that
 * every check below is fatal:
 *   fail:STEP    the call is not made and fails with EIO (an error no step
 *                tolerates);
 *   skip:STEP    the call is not made and reports success: what it should
 *                have given up is still held, and priv_verify_dropped()
 *                must find it;
 *   leak:effective, leak:ambient   after the drop, hold a kept capability
 *                raised (effective; inheritable and ambient) for the
 *                verification to find;
 *   stop:dropped SIGSTOP after the verification, so that a test can read
 *                the kernel's view of the helper in /proc/PID/status.
 * STEP is dumpable (priv_sanitize, and again at the end of priv_drop);
 * bounding ambient keepcaps setgroups setresgid setresuid keepcaps-off
 * capset nnp (priv_drop, in that order); raise or lower (priv_caps).
 */
#ifdef PRIV_TEST_FAULTS
static char test_fault[64];

static bool fault(const char *kind, const char *step)
{
        size_t k = strlen(kind);
        return strncmp(test_fault, kind, k) == 0 && test_fault[k] == ':' && strcmp(test_fault + k + 1, step) == 0;
}
#define STEP(step, call) (fault("fail", step) ? (errno = EIO, -1) : fault("skip", step) ? 0 : (call))
#else
#define STEP(step, call) (call)
#endif

__attribute__((noreturn)) static void fatal(const char *prog, int code, const char *what, int e)
{
        fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(e));
        _exit(code);
}

void priv_sanitize(const char *prog, int fail_code)
{
        /* fds 0-2 must exist, or a file we open could become someone's stderr. */
        for (int fd = 0; fd < 3; fd++) {
                if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
                        continue;
                if (open("/dev/null", O_RDWR | O_NOCTTY) != fd)
                        _exit(fail_code);
        }
#ifdef PRIV_TEST_FAULTS
        const char *f = getenv("NSS_SUBID_TEST_FAULT");
        if (f)
                snprintf(test_fault, sizeof(test_fault), "%s", f);
#endif
        umask(022);
        clearenv();
        /* Set-user-ID already makes the kernel refuse core dumps and ptrace
         * by the caller (unless fs.suid_dumpable says otherwise); say it
         * ourselves, and stop if the kernel will not have it. */
        if (STEP("dumpable", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) < 0)
                fatal(prog, fail_code, "cannot make the process non-dumpable", errno);
}

static bool kept(const struct priv_creds *c, cap_value_t v)
{
        for (int i = 0; i < c->nkeep; i++)
                if (c->keep[i] == v)
                        return true;
        return false;
}

static bool has_flag(cap_t caps, cap_value_t v, cap_flag_t which)
{
        cap_flag_value_t f = CAP_CLEAR;
        return cap_get_flag(caps, v, which, &f) == 0 && f == CAP_SET;
}

#ifdef PRIV_TEST_FAULTS
/* leak:effective, leak:ambient (see above), with the last kept capability
 * (CAP_AUDIT_WRITE in every helper: not one that would let the
 * verification's own setresuid() probe succeed). */
static void test_leak(const struct priv_creds *c)
{
        cap_t t;
        if (c->nkeep == 0)
                return;
        const cap_value_t *v = &c->keep[c->nkeep - 1];
        if (fault("leak", "effective"))
                priv_caps(v, 1, CAP_SET);
        if (fault("leak", "ambient") && (t = cap_get_proc())) {
                cap_set_flag(t, CAP_INHERITABLE, 1, v, CAP_SET);
                if (cap_set_proc(t) == 0)
                        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, *v, 0, 0);
                cap_free(t);
        }
}
#endif

/*
 * Setuid-root: keep capabilities across setresuid, so that the effective
 * UID is the caller's (the kernel then sees the owner acting).  File
 * capabilities: already the caller; just trim.
 */
int priv_drop(struct priv_creds *c, const char **step)
{
        cap_t have = NULL, want = NULL;
        int r = -1, e;

#define TRY(name, call)                          \
        do {                                     \
                if (STEP(name, call) < 0) {      \
                        *step = name;            \
                        goto out;                \
                }                                \
        } while (0)

        c->groups_cleared = false;
        c->bset_trimmed = false;
        *step = "cap_get_proc";
        have = cap_get_proc();
        if (!have)
                goto out;
        /* Set-user-ID root holds CAP_SETPCAP: cut the bounding set to what
         * is kept, so that nothing else can come back even through an
         * exec.  File capabilities do not include it; there no_new_privs
         * (below) is what keeps an exec from granting anything. */
        if (has_flag(have, CAP_SETPCAP, CAP_EFFECTIVE)) {
                for (cap_value_t v = 0; v < cap_max_bits(); v++)
                        if (!kept(c, v) && prctl(PR_CAPBSET_READ, v, 0, 0, 0) == 1)
                                TRY("bounding", prctl(PR_CAPBSET_DROP, v, 0, 0, 0));
                c->bset_trimmed = true;
        }
        /* Exec of a privileged program already empties the ambient set, and
         * clearing the inheritable set below would too.  Kernels before 4.3
         * have none (EINVAL). */
        if (STEP("ambient", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)) < 0 && errno != EINVAL) {
                *step = "ambient";
                goto out;
        }
        TRY("keepcaps", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
        /* The supplementary groups are the caller's own; drop them where we
         * may.  Without CAP_SETGID (file capabilities of newuidmap), or in a
         * user namespace whose setgroups is "deny", the kernel says EPERM
         * and they stay what they were. */
        if (STEP("setgroups", setgroups(0, NULL)) == 0)
                c->groups_cleared = true;
        else if (errno != EPERM) {
                *step = "setgroups";
                goto out;
        }
        TRY("setresgid", setresgid(c->gid, c->gid, c->gid));
        TRY("setresuid", setresuid(c->uid, c->uid, c->uid));
        TRY("keepcaps-off", prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
        *step = "cap_init";
        want = cap_init(); /* all clear */
        if (!want)
                goto out;
        for (int i = 0; i < c->nkeep; i++)
                if (has_flag(have, c->keep[i], CAP_PERMITTED))
                        cap_set_flag(want, CAP_PERMITTED, 1, &c->keep[i], CAP_SET);
        TRY("capset", cap_set_proc(want));
        /* Never regain anything through exec or set-user-ID games. */
        TRY("nnp", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
        /* Changing the effective UID made the kernel reset dumpability to
         * fs.suid_dumpable, which an administrator may have set to 1. */
        TRY("dumpable", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
#undef TRY
#ifdef PRIV_TEST_FAULTS
        test_leak(c);
#endif
        r = 0;
out:
        e = errno;
        if (have)
                cap_free(have);
        if (want)
                cap_free(want);
        errno = e;
        return r;
}

__attribute__((format(printf, 3, 4))) static int unproven(char *why, size_t whysz, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whysz, fmt, ap);
        va_end(ap);
        return -1;
}

/* "cap_sys_admin" for messages; libcap's name, or the number. */
static const char *cap_text(cap_value_t v, char *buf, size_t sz)
{
        char *n = cap_to_name(v);
        snprintf(buf, sz, "%s", n ? n : "?");
        if (n)
                cap_free(n);
        return buf;
}

int priv_verify_dropped(const struct priv_creds *c, char *why, size_t whysz)
{
        const gid_t root_group = 0;
        uid_t ru, eu, su;
        gid_t rg, eg, sg;
        cap_t now;
        char nb[32];
        int r = -1;

        /* 1. Try to get back what was given up; the kernel must refuse.  A
         * caller who is root keeps UID 0 (GID 0) legitimately. */
        if (c->uid != 0 && setresuid(0, 0, 0) == 0)
                return unproven(why, whysz, "setresuid(0, 0, 0) succeeded after the drop");
        if (c->gid != 0 && setresgid(0, 0, 0) == 0)
                return unproven(why, whysz, "setresgid(0, 0, 0) succeeded after the drop");
        /* Needs CAP_SETGID effective, which nothing may be any more. */
        if (setgroups(1, &root_group) == 0)
                return unproven(why, whysz, "setgroups() succeeded after the drop");
        now = cap_get_proc();
        if (!now)
                return unproven(why, whysz, "cannot read the capability sets: %s", strerror(errno));
        for (cap_value_t v = 0; v < cap_max_bits(); v++) {
                if (kept(c, v))
                        continue;
                bool p = has_flag(now, v, CAP_PERMITTED), e = has_flag(now, v, CAP_EFFECTIVE);
                cap_set_flag(now, CAP_PERMITTED, 1, &v, CAP_SET);
                cap_set_flag(now, CAP_EFFECTIVE, 1, &v, CAP_SET);
                if (cap_set_proc(now) == 0) {
                        unproven(why, whysz, "%s could be raised after the drop", cap_text(v, nb, sizeof(nb)));
                        goto out;
                }
                cap_set_flag(now, CAP_PERMITTED, 1, &v, p ? CAP_SET : CAP_CLEAR);
                cap_set_flag(now, CAP_EFFECTIVE, 1, &v, e ? CAP_SET : CAP_CLEAR);
        }

        /* 2. Read back what the kernel holds for us. */
        if (getresuid(&ru, &eu, &su) < 0 || ru != c->uid || eu != c->uid || su != c->uid) {
                unproven(why, whysz, "UIDs are %u/%u/%u, not the caller's %u", (unsigned)ru, (unsigned)eu,
                         (unsigned)su, (unsigned)c->uid);
                goto out;
        }
        if (getresgid(&rg, &eg, &sg) < 0 || rg != c->gid || eg != c->gid || sg != c->gid) {
                unproven(why, whysz, "GIDs are %u/%u/%u, not the caller's %u", (unsigned)rg, (unsigned)eg,
                         (unsigned)sg, (unsigned)c->gid);
                goto out;
        }
        if (c->groups_cleared && getgroups(0, NULL) != 0) {
                unproven(why, whysz, "supplementary groups still held");
                goto out;
        }
        for (cap_value_t v = 0; v < cap_max_bits(); v++) {
                int a = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, v, 0, 0);
                if (a != 0 && !(a < 0 && errno == EINVAL)) {
                        unproven(why, whysz, "ambient set holds %s", cap_text(v, nb, sizeof(nb)));
                        goto out;
                }
                if (has_flag(now, v, CAP_EFFECTIVE) || has_flag(now, v, CAP_INHERITABLE) ||
                    (!kept(c, v) && has_flag(now, v, CAP_PERMITTED))) {
                        unproven(why, whysz, "%s still effective, inheritable or permitted", cap_text(v, nb, sizeof(nb)));
                        goto out;
                }
                if (c->bset_trimmed && !kept(c, v) && prctl(PR_CAPBSET_READ, v, 0, 0, 0) != 0) {
                        unproven(why, whysz, "bounding set holds %s", cap_text(v, nb, sizeof(nb)));
                        goto out;
                }
        }
        if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
                unproven(why, whysz, "no_new_privs is not set");
                goto out;
        }
        if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0) {
                unproven(why, whysz, "keep-capabilities is still set");
                goto out;
        }
        if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) {
                unproven(why, whysz, "the process is dumpable");
                goto out;
        }
        r = 0;
#ifdef PRIV_TEST_FAULTS
        if (fault("stop", "dropped"))
                raise(SIGSTOP);
#endif
out:
        cap_free(now);
        return r;
}

int priv_caps(const cap_value_t *v, int n, cap_flag_value_t on)
{
        cap_t c = cap_get_proc();
        int r;
        if (!c)
                return -1;
        for (int i = 0; i < n; i++) {
                cap_flag_value_t p = CAP_CLEAR;
                /* Only what is permitted: without any (an unprivileged
                 * install) the kernel's own rules still apply. */
                if (cap_get_flag(c, v[i], CAP_PERMITTED, &p) == 0 && p == CAP_SET)
                        cap_set_flag(c, CAP_EFFECTIVE, 1, &v[i], on);
        }
        r = STEP(on == CAP_SET ? "raise" : "lower", cap_set_proc(c));
        cap_free(c);
        return r;
}

void priv_caps_lower(const char *prog, int fail_code, const cap_value_t *v, int n)
{
        if (priv_caps(v, n, CAP_CLEAR) < 0)
                fatal(prog, fail_code, "cannot lower capabilities", errno);
}

const char *priv_clean(const char *s)
{
        static char bufs[6][32];
        static unsigned k;
        return str_printable(s, bufs[k++ % 6], 24);
}

const char *priv_clean_path(const char *s)
{
        static char bufs[4][PRIV_CLEAN_PATH_MAX + 4];
        static unsigned k;
        return str_printable(s, bufs[k++ % 4], PRIV_CLEAN_PATH_MAX);
}

bool priv_permitted(cap_value_t v)
{
        cap_flag_value_t p = CAP_CLEAR;
        cap_t c = cap_get_proc();
        if (!c)
                return false;
        bool ok = cap_get_flag(c, v, CAP_PERMITTED, &p) == 0 && p == CAP_SET;
        cap_free(c);
        return ok;
}

void priv_audit(const char *prog, int fail_code, int audit_fd, const char *msg, bool success)
{
        static const cap_value_t aw[] = { CAP_AUDIT_WRITE };
        if (audit_fd < 0)
                return;
        /* Not raised (not permitted): the kernel refuses the send, as
         * without an audit subsystem -- not an error. */
        priv_caps(aw, 1, CAP_SET);
        audit_log_user_message(audit_fd, AUDIT_TRUSTED_APP, msg, NULL, NULL, NULL, success ? 1 : 0);
        priv_caps_lower(prog, fail_code, aw, 1);
}

void priv_vmessage(const char *prog, const char *fmt, va_list ap)
{
        fputs(prog, stderr);
        fputs(": ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
}
