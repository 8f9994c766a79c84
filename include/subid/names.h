/* SPDX-License-Identifier: BSD-3-Clause */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "subid/config.h"

/* 31 bytes + NUL: systemd's strict limit, and utmp's. */
#define NAME_MAX_LEN 31

/*
 * Name of a synthesized user or group: prefix + canonical decimal ID
 * ("u1000590000").  Returns the length, or -ENAMETOOLONG.
 */
int name_for_id(const struct subid_config *cfg, uint32_t id, char *buf, size_t bufsz);
/* Inverse: 0 and *id when name is exactly prefix + canonical decimal, else -ENOENT. */
int id_for_name(const struct subid_config *cfg, const char *name, uint32_t *id);

/*
 * Names of subordinate IDs: OWNER "-" OFFSET, where OFFSET is the ID's
 * position among the owner's subordinate ranges (offset 0 is the first
 * subordinate ID, which a rootless container sees as its UID 1).
 * Returns the length, or -ENAMETOOLONG when the result would not be a valid
 * name of at most 31 bytes.
 */
int subname_format(const char *owner, uint64_t offset, char *buf, size_t bufsz);
/*
 * Split at the last '-': owner (copied into ownerbuf) and canonical decimal
 * offset.  -ENOENT when name is not of that form.
 */
int subname_parse(const char *name, char *ownerbuf, size_t ownersz, uint64_t *offset);
