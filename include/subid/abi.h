/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once
/*
 * The exported ABI of the two shared objects, and nothing else: the version
 * scripts nss/libnss_subid.map and nss/libsubid_subid.map list exactly these.
 */
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdbool.h>
#include <sys/types.h>

#include <shadow/subid.h>

/* libnss_subid.so.2 (glibc NSS, passwd and group databases) */
enum nss_status _nss_subid_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t buflen, int *errnop);
enum nss_status _nss_subid_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen, int *errnop);
enum nss_status _nss_subid_setpwent(int stayopen);
enum nss_status _nss_subid_getpwent_r(struct passwd *pw, char *buf, size_t buflen, int *errnop);
enum nss_status _nss_subid_endpwent(void);
enum nss_status _nss_subid_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t buflen, int *errnop);
enum nss_status _nss_subid_getgrnam_r(const char *name, struct group *gr, char *buf, size_t buflen, int *errnop);
enum nss_status _nss_subid_setgrent(int stayopen);
enum nss_status _nss_subid_getgrent_r(struct group *gr, char *buf, size_t buflen, int *errnop);
enum nss_status _nss_subid_endgrent(void);

/* libsubid_subid.so (shadow's libsubid, `subid: subid` in nsswitch.conf).
 * Debian's shadow 4.13 requires the first three; 4.16+ also uses
 * shadow_subid_free; has_any_range exists in some releases. */
enum subid_status shadow_subid_has_range(const char *owner, unsigned long start, unsigned long count,
                                         enum subid_type t, bool *result);
enum subid_status shadow_subid_has_any_range(const char *owner, enum subid_type t, bool *result);
enum subid_status shadow_subid_list_owner_ranges(const char *owner, enum subid_type t, struct subid_range **ranges,
                                                 int *count);
enum subid_status shadow_subid_find_subid_owners(unsigned long id, enum subid_type t, uid_t **uids, int *count);
void shadow_subid_free(void *ptr);
