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
 * dumpable.  Exits with `fail_code` if fds cannot be fixed. */
void priv_sanitize(int fail_code);

/* Become ruid/rgid (real, effective, saved), drop supplementary groups,
 * keep only `keep` in the permitted set, none effective, no_new_privs.
 * 0 or -1 (errno set). */
int priv_drop(uid_t ruid, gid_t rgid, const cap_value_t *keep, int nkeep);

/* Raise (on = CAP_SET) or lower (CAP_CLEAR) the effective capabilities in
 * v that are permitted.  0 or -1. */
int priv_caps(const cap_value_t *v, int n, cap_flag_value_t on);

/* A caller-supplied string made safe for one line of output: printable
 * ASCII only, at most 24 bytes ("..." marks a cut).  Rotating buffers. */
/* "PROG: message" and a newline on stderr: the one line a helper prints
 * before it exits with an error. */
void priv_vmessage(const char *prog, const char *fmt, va_list ap);

/* Is v in the permitted set (was the program given its privilege)? */
bool priv_permitted(cap_value_t v);
const char *priv_clean(const char *s);
/* The same for paths in messages and audit records: up to 300 bytes. */
#define PRIV_CLEAN_PATH_MAX 300
const char *priv_clean_path(const char *s);

/* One audit record (AUDIT_TRUSTED_APP) with CAP_AUDIT_WRITE raised just
 * for the send.  No audit subsystem is not an error.  audit_fd < 0: none. */
void priv_audit(int audit_fd, const char *msg, bool success);
