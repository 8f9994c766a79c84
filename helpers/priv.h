/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once
/*
 * What every privileged helper does first, in one place (newuidmap,
 * newgidmap, subid-cgroup): sanitize the process, become the caller keeping
 * only named capabilities (permitted, none effective), raise them only
 * around the one operation that needs them, report with caller-supplied
 * strings made safe, and audit.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <sys/capability.h>
#include <sys/types.h>

/* fds 0-2 to /dev/null if closed, environment cleared, umask 022, not
 * dumpable.  Exits with `fail_code` if fds cannot be fixed, and says so
 * ("PROG: ...") if the process cannot be made non-dumpable. */
void priv_sanitize(const char *prog, int fail_code);

/* Who a helper becomes, and what priv_drop() could do about it; handed on
 * to priv_verify_dropped(). */
struct priv_creds {
        uid_t uid; /* the caller's real UID and GID */
        gid_t gid;
        const cap_value_t *keep; /* stays permitted (when it was), never effective */
        int nkeep;
        /* Filled by priv_drop(): */
        bool groups_cleared; /* supplementary groups dropped (needs CAP_SETGID; else they are the caller's own) */
        bool bset_trimmed;   /* bounding set cut to `keep` (needs CAP_SETPCAP: set-user-ID root) */
};

/* Become c->uid/c->gid (real, effective, saved), drop supplementary groups,
 * keep only c->keep in the permitted set, none effective or inheritable,
 * empty ambient set, bounding set cut to c->keep when we may, no_new_privs,
 * not dumpable.  Every step is checked: 0, or -1 with errno set and *step
 * naming the call that failed. */
int priv_drop(struct priv_creds *c, const char **step);

/* Prove the drop, as bubblewrap and unix_chkpwd do: try to get back what
 * was given up and expect the kernel to refuse (setresuid(0, 0, 0) unless
 * the caller is root, setresgid likewise, setgroups, raising each
 * capability outside c->keep), then read back the IDs, groups, the
 * effective, permitted, inheritable, ambient and bounding sets,
 * no_new_privs, keep-caps and dumpable.  0, or -1 with `why` (one line)
 * saying what is still held.  A helper must exit when this fails. */
int priv_verify_dropped(const struct priv_creds *c, char *why, size_t whysz);

/* Raise (on = CAP_SET) or lower (CAP_CLEAR) the effective capabilities in
 * v that are permitted.  0 or -1. */
int priv_caps(const cap_value_t *v, int n, cap_flag_value_t on);
/* Lower them, or print "PROG: cannot lower capabilities: ..." and _exit
 * with fail_code: a helper never goes on with a capability it could not
 * put down. */
void priv_caps_lower(const char *prog, int fail_code, const cap_value_t *v, int n);

/* "PROG: message" and a newline on stderr: the one line a helper prints
 * before it exits with an error. */
__attribute__((format(printf, 2, 0))) void priv_vmessage(const char *prog, const char *fmt, va_list ap);

/* Is v in the permitted set (was the program given its privilege)? */
bool priv_permitted(cap_value_t v);
/* A caller-supplied string made safe for one line of output: printable
 * ASCII only, at most 24 bytes ("..." marks a cut).  Rotating buffers. */
const char *priv_clean(const char *s);
/* The same for paths in messages and audit records: up to 300 bytes. */
#define PRIV_CLEAN_PATH_MAX 300
const char *priv_clean_path(const char *s);

/* One audit record (AUDIT_TRUSTED_APP) with CAP_AUDIT_WRITE raised just
 * for the send.  No audit subsystem is not an error.  audit_fd < 0: none.
 * Lowering CAP_AUDIT_WRITE again is fatal as in priv_caps_lower(). */
void priv_audit(const char *prog, int fail_code, int audit_fd, const char *msg, bool success);
