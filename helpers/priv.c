/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libaudit.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv.h"
#include "subid/strutils.h"

void priv_sanitize(int fail_code)
{
        /* fds 0-2 must exist, or a file we open could become someone's stderr. */
        for (int fd = 0; fd < 3; fd++) {
                if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
                        continue;
                if (open("/dev/null", O_RDWR | O_NOCTTY) != fd)
                        _exit(fail_code);
        }
        umask(022);
        clearenv();
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/*
 * Setuid-root: keep capabilities across setresuid, so that the effective
 * UID is the caller's (the kernel then sees the owner acting).  File
 * capabilities: already the caller; just trim.
 */
int priv_drop(uid_t ruid, gid_t rgid, const cap_value_t *keep, int nkeep)
{
        cap_t c, have;
        int r = -1;

        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return -1;
        if (setgroups(0, NULL) < 0 && errno != EPERM)
                return -1;
        if (setresgid(rgid, rgid, rgid) < 0 || setresuid(ruid, ruid, ruid) < 0)
                return -1;
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return -1;
        c = cap_init(); /* all clear */
        if (!c)
                return -1;
        have = cap_get_proc();
        if (!have)
                goto out;
        for (int i = 0; i < nkeep; i++) {
                cap_flag_value_t v = CAP_CLEAR;
                if (cap_get_flag(have, keep[i], CAP_PERMITTED, &v) == 0 && v == CAP_SET)
                        cap_set_flag(c, CAP_PERMITTED, 1, &keep[i], CAP_SET);
        }
        cap_free(have);
        r = cap_set_proc(c);
        /* Never regain anything through exec or set-user-ID games. */
        if (r == 0)
                prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
out:
        cap_free(c);
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
        r = cap_set_proc(c);
        cap_free(c);
        return r;
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

void priv_audit(int audit_fd, const char *msg, bool success)
{
        static const cap_value_t aw[] = { CAP_AUDIT_WRITE };
        if (audit_fd < 0)
                return;
        priv_caps(aw, 1, CAP_SET);
        audit_log_user_message(audit_fd, AUDIT_TRUSTED_APP, msg, NULL, NULL, NULL, success ? 1 : 0);
        priv_caps(aw, 1, CAP_CLEAR);
}

void priv_vmessage(const char *prog, const char *fmt, va_list ap)
{
        fputs(prog, stderr);
        fputs(": ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
}
