#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The seed case: a pod with a user namespace of its own, map 0 200000 65536,
# whose process runs as UID 1000, GID 0.  There, "subids userns" grants the
# caller every ID of its map except 0 and its own: 1-999 and 1001-65535, which
# is what a nested rootless container can use.
#
# Order matters:
#  1. the private mount namespace, with the fake /etc and the modules laid
#     over the real ones by host root (setup_ns), so that the overlay uses
#     host root's credentials for its layers;
#  2. the fake /etc layers chowned to host UID 200000, which the map shows as
#     root inside: the module trusts /etc/nss_subid.conf and /etc/subuid only
#     when they are owned by UID 0 as seen in the caller's namespace, and host
#     root's files show up there as 65534 (nobody) and are ignored (fail
#     closed);
#  3. a holder process that unshares only its user namespace, so that it
#     shares the mount namespace of step 1, and whose uid_map and gid_map
#     host root then writes from outside (setgroups stays "allow": the writer
#     has CAP_SETGID in the parent namespace);
#  4. every check enters that namespace with nsenter, which makes the process
#     root of the namespace (UID 0 inside = host 200000, full capabilities
#     there), and setpriv then becomes UID 1000, GID 0, as a pod would.
#
# There, rootless podman (runc, cgroupfs, --network=none) as UID 1000:0 runs
# `podman unshare` and builds an image from a busybox-static rootfs whose RUN
# chowns to 22:22 and 65534:65534: without nss_subid the build fails (no
# subuid ranges, chown: Invalid argument), with it the build and a podman run
# of the image succeed.  contrib/pod-sim.sh shows the same by hand.
#
# Needs root; exits 77 with a reason otherwise.

# Functions below are called through run_tests and run, which shellcheck
# cannot follow; single-quoted $ in sh -c and awk programs is intended.
# shellcheck disable=SC2317,SC2016
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmds getent setpriv unshare nsenter getsubids newuidmap newgidmap mount umount awk sha256sum

# The image's own files (UID 1000 is in none of them), NSROOT, ENTRY.
pod_image

# in_ns UID GID CMD...: run CMD in the holder's user namespace as UID:GID (as
# seen there), with no supplementary groups and a clean environment.
in_ns() {
	local u=$1 g=$2
	shift 2
	nsenter --target "$HOLDER" --user -- \
		setpriv --reuid="$u" --regid="$g" --clear-groups -- \
		env -i PATH="$NS_PATH" HOME=/ LC_ALL=C "$@"
}

# awk program that collapses the column padding of /proc/PID/[ug]id_map.
SQUEEZE='{ $1 = $1; print }'

# chown_ns_root PATH...: make PATH owned by root as seen in the namespace.
chown_ns_root() {
	chown -R "$NSROOT:$NSROOT" "$@"
}

# Start the seed namespace: HOLDER is its PID.
start_seed() {
	# A simple command: $! is the process that unshares and becomes sleep.
	unshare --user sleep 3600 </dev/null >/dev/null 2>&1 &
	HOLDER=$!
	wait_userns "$HOLDER" $$ || hard_error "unshare --user did not create a user namespace"
	printf '0 %s 65536\n' "$NSROOT" >"/proc/$HOLDER/uid_map" || hard_error "cannot write uid_map"
	printf '0 %s 65536\n' "$NSROOT" >"/proc/$HOLDER/gid_map" || hard_error "cannot write gid_map"
}

stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

checks_setup() {
	echo "# the seed namespace"
	expect_eq "uid_map inside: 0 200000 65536" "0 $NSROOT 65536" in_ns 1000 0 awk "$SQUEEZE" /proc/self/uid_map
	expect_eq "gid_map inside: 0 200000 65536" "0 $NSROOT 65536" in_ns 1000 0 awk "$SQUEEZE" /proc/self/gid_map
	expect_eq "the fake /etc files are root's inside" $'0:0\n0:0' \
		in_ns 1000 0 stat -c %u:%g /etc/passwd /etc/nsswitch.conf
	expect_eq "host root's files are nobody's inside" "65534:65534" in_ns 1000 0 stat -c %u:%g /etc/hostname
}

checks_defaults() {
	echo "# no /etc/nss_subid.conf: users self, subids userns"
	expect_eq "getent passwd 1000" "$ENTRY" in_ns 1000 0 getent passwd 1000
	expect_eq "getent passwd u1000" "$ENTRY" in_ns 1000 0 getent passwd u1000
	expect_eq "getent group 1000" "u1000:x:1000:" in_ns 1000 0 getent group 1000
	expect_eq "whoami" u1000 in_ns 1000 0 whoami
	expect_eq "id" "uid=1000(u1000) gid=0(root) groups=0(root)" in_ns 1000 0 id
	expect_eq "getsubids u1000: the map minus 0 and 1000" $'0: u1000 1 999\n1: u1000 1001 64535' \
		in_ns 1000 0 getsubids u1000
	expect_eq "getsubids 1000" $'0: 1000 1 999\n1: 1000 1001 64535' in_ns 1000 0 getsubids 1000
	expect_eq "getsubids -g u1000: the map minus GID 0 (own GID and 0)" "0: u1000 1 65535" \
		in_ns 1000 0 getsubids -g u1000
	# Subordinate names: offset 0 is ID 1, so ID 22 is u1000-21.  ID 1001
	# is offset 999 as a UID but offset 1000 as a GID (GID 1000 is not
	# skipped), so its passwd entry gets GID 65534.
	expect_eq "subordinate name: getent passwd 22" \
		"u1000-21:x:22:22:nss_subid subordinate ID:/:/usr/sbin/nologin" in_ns 1000 0 getent passwd 22
	expect_eq "subordinate name: getent passwd 1001 (GID name differs: 65534)" \
		"u1000-999:x:1001:65534:nss_subid subordinate ID:/:/usr/sbin/nologin" in_ns 1000 0 getent passwd 1001
	expect_eq "subordinate group: getent group 1001" "u1000-1000:x:1001:" in_ns 1000 0 getent group 1001
	expect_eq "ID 1 is daemon in /etc/passwd: not renamed" "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin" \
		in_ns 1000 0 getent passwd 1
	expect_fail "the pool is not used in a user namespace: no 100000" 2 in_ns 1000 0 getent passwd 100000
	expect_fail "root of the namespace: getent passwd 1000 finds nothing" 2 in_ns 0 0 getent passwd 1000
	expect_fail "root of the namespace: getsubids u1000 grants nothing" nonzero in_ns 0 0 getsubids u1000
	expect_fail "another UID, 1500: nothing for u1000" nonzero in_ns 1500 0 getsubids u1000

	expect_match "subidctl show mentions userns" 0 out 'userns' in_ns 1000 0 "$SUBIDCTL" show
	expect_match "subidctl show: subuid 1 999 from userns" 0 out '^subuid +1 999 +userns' \
		in_ns 1000 0 "$SUBIDCTL" show
	expect_match "subidctl show: subuid 1001 64535 from userns" 0 out '^subuid +1001 64535 +userns' \
		in_ns 1000 0 "$SUBIDCTL" show
	run in_ns 1000 0 "$SUBIDCTL" show
	expect_true "subidctl show: no pool in a user namespace" eval '! printf "%s\n" "$OUT" | grep -q pool'
	expect_match "subidctl explain u1000 1 999: granted" 0 out '^granted' \
		in_ns 1000 0 "$SUBIDCTL" explain u1000 1 999
	expect_match "subidctl explain u1000 1 1000: denied (1000 is the caller)" 1 out '^denied' \
		in_ns 1000 0 "$SUBIDCTL" explain u1000 1 1000
	expect_match "subidctl explain states the userns trade-off (accounts granted too)" 0 out \
		"^note: userns all: .*'subids userns no-accounts'" in_ns 1000 0 "$SUBIDCTL" explain u1000 1 999
}

# A nested rootless user namespace, mapped by shadow's newuidmap/newgidmap.
# The set-user-ID bit of /usr/bin/newuidmap means nothing here (its owner,
# host root, is not mapped), so a copy owned by root of the namespace stands
# in for the one an image would install.
checks_nested_newuidmap() {
	local pid
	echo "# nested: newuidmap/newgidmap inside the namespace"
	install -m 755 "$(command -v newuidmap)" "$O/bin/newuidmap"
	install -m 755 "$(command -v newgidmap)" "$O/bin/newgidmap"
	chown "$NSROOT:$NSROOT" "$O/bin/newuidmap" "$O/bin/newgidmap"
	chmod 4755 "$O/bin/newuidmap" "$O/bin/newgidmap"

	nsenter --target "$HOLDER" --user -- setpriv --reuid=1000 --regid=0 --clear-groups -- \
		unshare --user sleep 60 </dev/null >/dev/null 2>&1 &
	pid=$!
	wait_userns "$pid" "$HOLDER" || fail "unshare --user inside the namespace" "no nested namespace"
	expect_eq "newuidmap maps own UID and both ranges" "" \
		in_ns 1000 0 "$O/bin/newuidmap" "$pid" 0 1000 1 1 1 999 1000 1001 64535
	expect_eq "nested uid_map" $'0 1000 1\n1 1 999\n1000 1001 64535' \
		in_ns 1000 0 awk "$SQUEEZE" "/proc/$pid/uid_map"
	expect_eq "newgidmap maps own GID and the range" "" \
		in_ns 1000 0 "$O/bin/newgidmap" "$pid" 0 0 1 1 1 65535
	expect_eq "nested gid_map" $'0 0 1\n1 1 65535' in_ns 1000 0 awk "$SQUEEZE" "/proc/$pid/gid_map"
	stop_pid "$pid"

	nsenter --target "$HOLDER" --user -- setpriv --reuid=1000 --regid=0 --clear-groups -- \
		unshare --user sleep 60 </dev/null >/dev/null 2>&1 &
	pid=$!
	wait_userns "$pid" "$HOLDER" || fail "unshare --user inside the namespace" "no nested namespace"
	expect_fail "newuidmap refuses the caller's own UID as a subordinate ID" nonzero \
		in_ns 1000 0 "$O/bin/newuidmap" "$pid" 0 1000 1 1 1 1000
	expect_fail "newuidmap refuses ID 0 of the namespace" nonzero \
		in_ns 1000 0 "$O/bin/newuidmap" "$pid" 0 1000 1 1 0 1
	stop_pid "$pid"
}

# Rootless podman inside the seed namespace, as UID 1000:0, with the
# newuidmap copies first in PATH.
checks_nested_podman() {
	local h pid
	command -v podman >/dev/null 2>&1 || {
		echo "# nested podman: not installed, not checked"
		return 0
	}
	echo "# nested: rootless podman inside the namespace"
	h=$(mktemp -d "$W/home.XXXXXX")
	mkdir "$h/run"
	chown -R "$((NSROOT + 1000)):$NSROOT" "$h"
	chmod 700 "$h" "$h/run"
	run in_ns 1000 0 env PATH="$O/bin:$NS_PATH" HOME="$h" XDG_RUNTIME_DIR="$h/run" \
		podman unshare cat /proc/self/uid_map
	OUT=$(printf '%s\n' "$OUT" | awk "$SQUEEZE")
	expect_true "podman unshare uid_map: own UID, then 1-999 and 1001-65535" \
		[ "$OUT" = $'0 1000 1\n1 1 999\n1000 1001 64535' ]
	run in_ns 1000 0 env PATH="$O/bin:$NS_PATH" HOME="$h" XDG_RUNTIME_DIR="$h/run" \
		podman unshare cat /proc/self/gid_map
	OUT=$(printf '%s\n' "$OUT" | awk "$SQUEEZE")
	expect_true "podman unshare gid_map: own GID, then 1-65535" [ "$OUT" = $'0 0 1\n1 1 65535' ]
	# The pause process keeps the nested namespace for podman's next call;
	# this suite started it, so end it.
	for pid in $(cat "$h/run/libpod/tmp/pause.pid" 2>/dev/null); do
		kill "$pid" 2>/dev/null
	done
}

# ns_home: a HOME and XDG_RUNTIME_DIR for UID 1000:0 of the namespace (host
# 201000:200000), in H.
ns_home() {
	H=$(mktemp -d "$W/home.XXXXXX")
	mkdir "$H/run"
	chown -R "$((NSROOT + 1000)):$NSROOT" "$H"
	chmod 700 "$H" "$H/run"
}

# ns_podman HOME ARGS...: podman as UID 1000:0 in the namespace (runc,
# cgroupfs: crun and the systemd manager do not work on this host), with
# the newuidmap copies first in PATH; then end its pause process.
ns_podman() {
	local h=$1 rc
	shift
	in_ns 1000 0 env PATH="$O/bin:$NS_PATH" HOME="$h" XDG_RUNTIME_DIR="$h/run" \
		podman --runtime runc --cgroup-manager cgroupfs --log-level=error "$@"
	rc=$?
	[ -f "$h/run/libpod/tmp/pause.pid" ] && xargs -r kill <"$h/run/libpod/tmp/pause.pid" 2>/dev/null
	rm -f "$h/run/libpod/tmp/pause.pid"
	return "$rc"
}

# ns_build HOME: import the base image, then build it as UID 1000:0.
ns_build() {
	ns_podman "$1" import "$ROOTFS" localhost/nss-subid-busybox:latest >/dev/null &&
		ns_podman "$1" build --network=none -t localhost/nss-subid-test "$CTX"
}

# A rootless podman build inside the namespace, as UID 1000:0: first without
# nss_subid (podman finds no subordinate IDs and the chown fails in its
# single-ID namespace), then with it (ranges from "subids userns", no
# configuration), and podman run of the image it built.
checks_nested_build() {
	local L c
	for c in podman runc tar; do
		command -v "$c" >/dev/null 2>&1 || {
			echo "# nested podman build: $c is not installed, not checked"
			return 0
		}
	done
	[ -x /bin/busybox ] || {
		echo "# nested podman build: busybox-static is not installed, not checked"
		return 0
	}
	make_rootfs

	echo "# nested podman build, before: no subid in nsswitch.conf, no module"
	L=$(before_layer build-before)
	chown_ns_root "$L"
	use_etc "$L"
	use_lib off
	ns_home
	run ns_build "$H"
	printf '%s\n' "$ERR" "$OUT" | grep -E 'subuid ranges|Invalid argument' | awk '!seen[$0]++' | sed 's/^/# before: podman said: /'
	expect_true "before: podman build fails" test "$RC" -ne 0
	expect_true "before: podman found no subordinate IDs" \
		eval 'printf "%s\n" "$ERR" | grep -Eq "no subuid ranges found|cannot find mappings for user"'
	expect_true "before: the chown to 22:22 fails in the single-ID namespace" \
		eval 'printf "%s\n" "$OUT" "$ERR" | grep -Eq "chown: /f: Invalid argument"'

	echo "# nested podman build, after: nss_subid, default configuration"
	use_lib on
	use_etc
	ns_home
	run ns_build "$H"
	expect_true "podman build (runc, --network=none) as 1000:0 succeeds" test "$RC" -eq 0
	expect_true "the build chowned /f to 22:22" eval 'printf "%s\n" "$OUT" | grep -qx "/f 22:22"'
	expect_true "the build chowned /g to 65534:65534" eval 'printf "%s\n" "$OUT" | grep -qx "/g 65534:65534"'
	printf '%s\n' "$OUT" | grep -E '^/[fg] ' | sed 's/^/# after: RUN printed: /'
	run ns_podman "$H" run --rm --network=none localhost/nss-subid-test stat -c '%u:%g' /f /g
	expect_true "podman run of the built image shows the owners" \
		eval 'test "$RC" -eq 0 && test "$(printf "%s\n" "$OUT" | tr "\n" " ")" = "22:22 65534:65534 "'
}

checks_explicit() {
	local L
	echo "# explicit configuration owned by root of the namespace"
	L=$(new_layer explicit)
	write_file "$L/nss_subid.conf" 644 "users 1000-1999
subids userns
subids files
"
	write_file "$L/subuid" 644 "u1001:5000:100
"
	chown_ns_root "$L"
	use_etc "$L"
	expect_eq "getent passwd 1000 (users 1000-1999)" "$ENTRY" in_ns 1000 0 getent passwd 1000
	# root looks u1000 up: its private group 1000, not the caller's GID 0
	expect_eq "covered whoever asks: root of the namespace (private group)" "${ENTRY/:1000:0:/:1000:1000:}" \
		in_ns 0 0 getent passwd 1000
	# u1001's /etc/subuid line (5000-5099) is never part of u1000's userns grant
	expect_eq "getsubids u1000 as 1000: the map minus 0, 1000 and u1001's line" \
		$'0: u1000 1 999\n1: u1000 1001 3999\n2: u1000 5100 60436' in_ns 1000 0 getsubids u1000
	expect_fail "getsubids u1000 asked by 1500: the map is not u1000's" nonzero in_ns 1500 0 getsubids u1000
	expect_eq "/etc/subuid owned by root of the namespace: u1001 gets its line" "0: u1001 5000 100" \
		in_ns 0 0 getsubids u1001
	expect_match "subidctl check: valid" 0 err '^$' in_ns 0 0 "$SUBIDCTL" check

	echo "# files owned by host root (nobody inside): fail closed"
	L=$(new_layer hostroot)
	write_file "$L/nss_subid.conf" 644 "users 1000-1999
subids userns
subids files
"
	write_file "$L/subuid" 644 "u1001:5000:100
"
	use_etc "$L"
	expect_eq "the config is nobody's inside" "65534" in_ns 0 0 stat -c %u /etc/nss_subid.conf
	expect_fail "config owned by nobody: getent passwd 1000 finds nothing" 2 in_ns 1000 0 getent passwd 1000
	expect_fail "config owned by nobody: getsubids u1000 grants nothing" nonzero in_ns 1000 0 getsubids u1000
	expect_match "config owned by nobody: subidctl check says FILE: reason, exit 1" 1 err \
		'^/etc/nss_subid\.conf: ' in_ns 0 0 "$SUBIDCTL" check

	L=$(new_layer hostroot-subuid)
	write_file "$L/nss_subid.conf" 644 "users 1000-1999
subids userns
subids files
"
	chown_ns_root "$L/nss_subid.conf"
	write_file "$L/subuid" 644 "u1001:5000:100
"
	use_etc "$L"
	expect_eq "config owned by root inside is used again" "$ENTRY" in_ns 1000 0 getent passwd 1000
	expect_fail "/etc/subuid owned by nobody is treated as empty" nonzero in_ns 0 0 getsubids u1001
}

all_checks() {
	NS_PATH=$SAFE_PATH
	chown_ns_root "$O/base"
	use_etc
	start_seed
	checks_setup
	checks_defaults
	checks_nested_newuidmap
	checks_nested_podman
	checks_nested_build
	checks_explicit
	stop_pid "$HOLDER"
}

run_tests all_checks
