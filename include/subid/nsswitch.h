/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stddef.h>

/*
 * The services of one database line of nsswitch.conf(5), as glibc reads
 * them: "DB: service [STATUS=action] service ...", blanks around ':'
 * allowed, '#' starts a comment, the first line for DB counts.  Action
 * items in brackets are skipped (for "does any source know this ID" only
 * the services matter).  Pure: no I/O.
 */
#define NSS_SERVICE_MAX 31 /* bytes of a service name: [a-z0-9_-] */
#define NSS_SERVICES_MAX 16

struct nss_services {
        size_t n;
        char name[NSS_SERVICES_MAX][NSS_SERVICE_MAX + 1];
};

/* 0 with *out filled (services that are not plain [a-z0-9_-] names, or
 * beyond NSS_SERVICES_MAX, are left out), or -ENOENT when DB has no line. */
int nsswitch_services(const char *text, size_t len, const char *db, struct nss_services *out);
