#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# End to end: rootless podman as the OpenShift-style user 1000590000:0 with
# nss_subid's own set-user-ID newuidmap/newgidmap bind-mounted over
# /usr/bin/newuidmap and /usr/bin/newgidmap (private mount namespace), the
# default configuration (no file) and the runc runtime:
#   - podman unshare sees the pool mapping;
#   - `podman build --network=none` of a Containerfile that chowns files to
#     22:22 and 65534:65534 succeeds (the seed failure was "not enough IDs
#     in namespace (requested 0:22 ...)");
#   - without the package, the same build fails with podman's own error.
# The base image is a busybox rootfs imported with `podman import`: no
# registry is reachable here.
#
# Needs root, podman, runc and busybox-static; exits 77 with a reason otherwise.

# shellcheck disable=SC2317,SC2016
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

require_root
require_cmds getent setpriv unshare newuidmap newgidmap mount umount awk sha256sum tar
command -v podman >/dev/null 2>&1 || skip "podman is not installed"
command -v runc >/dev/null 2>&1 || skip "runc is not installed (crun does not work on this host's hybrid cgroups)"
[ -x /bin/busybox ] || skip "busybox-static is not installed (needed to make a base image offline)"

U=$USER_UID  # 1000000000: OpenShift project block 0, pool block 100000

# podman_in (lib.sh) with the runc runtime: crun fails on this host's
# hybrid cgroups.
podman_runc() {
	local h=$1
	shift
	podman_in "$h" --runtime runc "$@"
}

# Our helpers, set-user-ID root, from a directory that is not nosuid.
use_our_helpers() {
	local d src
	d=$(mktemp -d "$W/helpers.XXXXXX")
	chmod 755 "$d"
	for h in newuidmap newgidmap; do
		src=$(find "$NSS_SUBID_STAGE" -path "*/nss_subid/$h" -type f -print -quit)
		[ -n "$src" ] || hard_error "no $h in $NSS_SUBID_STAGE"
		install -o root -g root -m 4755 "$src" "$d/$h"
		mount --bind "$d/$h" "/usr/bin/$h"
	done
}

# build_in HOME: import the base image, then build.
build_in() {
	local h=$1
	podman_runc "$h" --log-level=error import "$ROOTFS" localhost/nss-subid-busybox:latest >/dev/null &&
		podman_runc "$h" --log-level=error build --network=none -t localhost/nss-subid-test "$CTX"
}

all_checks() {
	make_rootfs

	echo "# before: no module, no subid in nsswitch.conf, shadow's helpers"
	use_lib off
	L=$(before_layer before)
	use_etc "$L"
	new_home
	run build_in "$PH"
	expect_true "before: podman build fails" test "$RC" -ne 0
	expect_true "before: podman found no subordinate IDs" \
		eval 'printf "%s\n" "$ERR" | grep -Eq "no subuid ranges found|cannot find mappings for user"'
	expect_true "before: and the chown to 22:22 fails in the single-ID namespace" \
		eval 'printf "%s\n" "$ERR" | grep -Eq "chown: /f: Invalid argument|insufficient UIDs or GIDs|not enough IDs"'

	echo "# after: nss_subid modules, default config, our set-user-ID helpers"
	use_lib on
	use_etc
	use_our_helpers
	expect_match "newuidmap is nss_subid's" 0 out '\(nss_subid\)' /usr/bin/newuidmap --version
	expect_match "newgidmap is nss_subid's" 0 out '\(nss_subid\)' /usr/bin/newgidmap --version
	new_home
	expect_eq "podman unshare uid_map: own UID and the pool" "0 $U 1"$'\n1 100000 65536' \
		eval 'podman_runc "$PH" unshare cat /proc/self/uid_map | awk "{ \$1 = \$1; print }"'
	new_home
	expect_eq "podman unshare gid_map: own GID and the pool" $'0 0 1\n1 100000 65536' \
		eval 'podman_runc "$PH" unshare cat /proc/self/gid_map | awk "{ \$1 = \$1; print }"'
	new_home
	run build_in "$PH"
	expect_true "podman build (runc, --network=none) succeeds" test "$RC" -eq 0
	expect_true "the build chowned /f to 22:22" eval 'printf "%s\n" "$OUT" | grep -qx "/f 22:22"'
	expect_true "the build chowned /g to 65534:65534" eval 'printf "%s\n" "$OUT" | grep -qx "/g 65534:65534"'
	run podman_runc "$PH" --log-level=error run --rm --network=none localhost/nss-subid-test stat -c '%u:%g' /f /g
	expect_true "the built image keeps the owners (podman run)" \
		eval 'test "$RC" -eq 0 && test "$(printf "%s\n" "$OUT" | tr "\n" " ")" = "22:22 65534:65534 "'
}

run_tests all_checks
