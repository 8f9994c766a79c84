#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Rootless podman as the OpenShift-style user 1000000000:0, with shadow's own
# set-user-ID newuidmap/newgidmap (Debian's uidmap package): first without
# nss_subid (no module, no "subid" in nsswitch.conf), where podman finds no
# subordinate IDs and falls back to a single-ID map, then with it, where the
# map holds the pool too.  The difference is what the package fixes.
#
# Needs root and podman; exits 77 with a reason otherwise.

# Functions below are called through run_tests and run, which shellcheck
# cannot follow; single-quoted $ in sh -c and awk programs is intended.
# shellcheck disable=SC2317,SC2016
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmds getent setpriv unshare getsubids newuidmap newgidmap mount umount awk sha256sum
command -v podman >/dev/null 2>&1 || skip "podman is not installed"

U=$USER_UID
# What podman 4 prints (level=error) when libsubid/subuid has nothing.
NO_RANGES_RE='cannot find UID/GID for user|no subuid ranges found|cannot find mappings for user'

# podman_map FILE: in a fresh HOME, podman unshare cat /proc/self/FILE,
# blanks collapsed.
podman_map() {
	new_home
	podman_in "$PH" unshare cat "/proc/self/$1" | awk '{ $1 = $1; print }'
	return "${PIPESTATUS[0]}"
}

is_setuid_root() {
	[ -u "$1" ] && [ "$(stat -c %u "$1")" = 0 ]
}

no_ranges_error() {
	! printf '%s\n' "$ERR" | grep -Eq "$NO_RANGES_RE"
}

all_checks() {
	local L
	expect_true "newuidmap is set-user-ID root (shadow's, not a test double)" \
		is_setuid_root "$(command -v newuidmap)"
	expect_true "newgidmap is set-user-ID root" is_setuid_root "$(command -v newgidmap)"

	echo "# before: no module, nsswitch.conf without subid"
	use_lib off
	L=$(before_layer before)
	use_etc "$L"
	expect_fail "before: the user is unknown (getent passwd)" 2 as_user getent passwd "$U"
	expect_eq "before: podman unshare uid_map is the single-ID map" "0 $U 1" podman_map uid_map
	expect_true "before: podman says it found no subordinate IDs" eval '! no_ranges_error'
	expect_eq "before: podman unshare gid_map is the single-ID map" "0 0 1" podman_map gid_map

	echo "# after: module installed, passwd/group/subid lines in nsswitch.conf, no config file"
	use_lib on
	use_etc
	expect_eq "podman unshare uid_map: own UID and the pool" $'0 1000000000 1\n1 100000 65536' \
		podman_map uid_map
	expect_true "podman no longer says it found no subordinate IDs" no_ranges_error
	expect_eq "podman unshare gid_map: own GID and the pool" $'0 0 1\n1 100000 65536' \
		podman_map gid_map
	new_home
	expect_eq "podman unshare id -u: root inside" 0 podman_in "$PH" unshare id -u

	# A file chowned to container UID 22 lands on host UID 100021, which
	# ls and stat outside name after its owner.
	new_home
	expect_eq "podman unshare chown 22:22 succeeds" "" \
		podman_in "$PH" unshare sh -c 'touch "$HOME/f" && chown 22:22 "$HOME/f"'
	expect_eq "the host sees container UID 22 as 100021" "100021:100021" stat -c %u:%g "$PH/f"
	expect_eq "the user sees it named u$U-21" "u$U-21:u$U-21" as_user stat -c %U:%G "$PH/f"

	echo "# explicit configuration: a pool of the administrator's choosing"
	L=$(new_layer explicit)
	write_file "$L/nss_subid.conf" 644 "users 1000000000-1000009999
subids files
subids pool 2000000 10000
"
	use_etc "$L"
	expect_eq "explicit pool: uid_map" $'0 1000000000 1\n1 2000000 10000' podman_map uid_map
	expect_eq "explicit pool: gid_map" $'0 0 1\n1 2000000 10000' podman_map gid_map
}

run_tests all_checks
