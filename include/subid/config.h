/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef NSS_SUBID_CONF
#define NSS_SUBID_CONF "/etc/nss_subid.conf"
#endif

#define CONFIG_MAX_USERS 32
#define CONFIG_MAX_PREFIX 20   /* 20 + 10 digits + suffix <= 31 */
#define CONFIG_MAX_SUFFIX 1
#define CONFIG_MAX_TEXT 128    /* gecos */
#define CONFIG_MAX_PATH 128    /* home, shell */
#define CONFIG_MAX_LINE 1024
#define CONFIG_MAX_CGROUP_PARENTS 8
#define DEFAULT_CGROUP_DEPTH 2
#define CONFIG_MAX_SIZE (64 * 1024)

/* Defaults: what an OpenShift builder image needs with zero edits.  `self`
 * blocks of this pool stop below OpenShift's UID space (1000000000): 15257
 * project blocks.  A node's own /etc/subuid (e.g. CRI-O's `containers`
 * line) is not visible in a pod: see docs for placing the pool there. */
#define DEFAULT_POOL_BASE 100000u
#define DEFAULT_POOL_COUNT 65536u

/*
 * `users self` gets a pool block only when its UID is the first UID of an
 * OpenShift project block (1000000000 + 10000*k, the UID a pod runs as by
 * default): block k is pool slot k after the `users` ranges.  One UID per
 * slot, so two different UIDs on one kernel never share host IDs, without
 * any shared state; any other unknown UID gets names but no pool block.
 */
#define SELF_UID_FIRST 1000000000u
#define SELF_UID_STRIDE 10000u
#define SELF_UID_BLOCKS 100000u /* 1000000000 .. 1999999999 */
#define DEFAULT_GECOS "nss_subid synthesized user"
#define DEFAULT_HOME "/tmp"
#define DEFAULT_SHELL "/bin/sh"

struct users_range {
        uint32_t first;
        uint32_t count; /* >= 1; first + count <= 2^32 - 1 */
        unsigned line;
};

struct subid_config {
        bool users_self;
        size_t n_users;
        struct users_range users[CONFIG_MAX_USERS];

        char name_prefix[CONFIG_MAX_PREFIX + 1]; /* name = prefix + decimal uid */
        char gecos[CONFIG_MAX_TEXT + 1];
        char home[CONFIG_MAX_PATH + 1];
        char shell[CONFIG_MAX_PATH + 1];

        bool src_files;
        bool src_userns;
        bool userns_no_accounts; /* `subids userns no-accounts`: not the IDs of the namespace's accounts */
        bool src_pool;
        uint32_t pool_base;
        uint32_t pool_count;
        unsigned pool_line;

        bool subid_names; /* synthesize entities for subordinate IDs */

        /* cgroup v2 delegation (subid-cgroup, pam_subid): none by default. */
        size_t n_cgroup_parents;
        char cgroup_parents[CONFIG_MAX_CGROUP_PARENTS][CONFIG_MAX_PATH + 1];
        unsigned cgroup_depth; /* levels below a parent, 1..16 */
};

struct config_error {
        unsigned line; /* 0: not tied to a line */
        char msg[160];
};

/* The built-in defaults (also what a missing config file means). */
void config_defaults(struct subid_config *cfg);

/*
 * Parse a whole configuration text.  On error returns -EINVAL and fills
 * *err with the 1-based line and a reason; *cfg is then unspecified and
 * must not be used.  Pure: no I/O.
 */
int config_parse(const char *text, size_t len, struct subid_config *cfg, struct config_error *err);

/*
 * Checks that depend on who is asking: the pool must not contain the
 * caller's own ID (podman rejects such a range, and granting one's own ID
 * as a subordinate ID is meaningless).  -EINVAL with *err filled.
 */
int config_validate_for_caller(const struct subid_config *cfg, uint32_t caller_uid, struct config_error *err);

/* Number of pool slots the `users` ranges take, plus one for `self` (its
 * first slot, which must fit; later `self` slots are checked per UID). */
uint64_t config_pool_slots(const struct subid_config *cfg);
