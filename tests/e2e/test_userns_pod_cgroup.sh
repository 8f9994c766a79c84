#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# End to end: a simulated user-namespaced pod (map 0 200000 65536, the
# workload runs as UID 1000, GID 0 there), with
#   - nss_subid: getent passwd 1000 finds the synthesized user u1000, and
#     the subordinate-ID name of UID 22 (host UID 200022);
#   - subid-cgroup: the pod's image ships it set-user-ID *namespace* root
#     (owned by host UID 200000, mode 4755), the "runtime" (host root here)
#     created the pod's cgroup in cgroup2 and delegated it to root of the
#     namespace; UID 1000 then has a cgroup created and delegated to it,
#     cannot move itself there out of the pod's cgroup (the kernel's rule;
#     the helper has no --move), and once root of the pod put its shell
#     there, makes a child cgroup and moves a process of its own in; the
#     helper refuses owners and parents that are not the caller's;
#   - systemd: units with User=u1000 and User=<subordinate name> pass
#     `systemd-analyze verify`, and systemd's own user lookups accept both
#     names (ConditionUser=, systemd-tmpfiles), while names nss_subid does
#     not synthesize are refused there.  (`systemd-analyze verify` checks
#     the syntax of User= only and never resolves it: an unknown user passes
#     verify too, so it cannot tell the names apart on its own.)
#
# Layout, as in ../integration/test_userns.sh: the private mount namespace
# with the fake /etc and the staged modules (lib.sh's setup_ns), the /etc
# layers chowned to host UID 200000 (root inside: the module trusts only
# files owned by root of the caller's namespace), a holder process whose
# user namespace host root maps from outside, and nsenter + setpriv for
# every command.  In addition:
#   - /sys/fs/cgroup of that mount namespace is a fresh cgroup2 mount (the
#     host is hybrid: the real one is a tmpfs of v1 hierarchies).  There is
#     no cgroup namespace, so /proc/self/cgroup shows paths from the root of
#     the cgroup2 hierarchy.  cgroup2 has a single hierarchy: what is made
#     here is visible on the host, and removed on every exit (trap);
#   - the pod's cgroup $TOP/pod, owned by host 200000 (directory,
#     cgroup.procs, cgroup.subtree_control, cgroup.threads and the files of
#     /sys/kernel/cgroup/delegate), with the pod's processes in $TOP/pod/init;
#     every command of the pod first moves itself there;
#   - a set-user-ID copy of subid-cgroup owned by host root would gain
#     nothing in the pod (the kernel ignores the bit when the owner is not
#     mapped): checked too.
#
# Needs root, cgroup2, user namespaces and systemd's tools; exits 77 with a
# reason otherwise.

# Functions below are called through run_tests and run, which shellcheck
# cannot follow; single-quoted $ in sh -c and awk programs is intended.
# shellcheck disable=SC2317,SC2016
# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

require_root
require_cmds getent setpriv unshare nsenter mount umount findmnt awk stat find install sha256sum \
	systemd-analyze systemd-tmpfiles
grep -qw cgroup2 /proc/filesystems || skip "the kernel has no cgroup2 file system"
unshare --user true 2>/dev/null || skip "cannot create a user namespace (unshare --user true failed)"

# The image's own files (UID 1000 is in none of them), NSROOT, ENTRY.
pod_image
CGM=/sys/fs/cgroup # the private cgroup2 mount
HOLDER=
TOP=
SLEEPER=

# ---------------------------------------------------------------- the pod

# in_pod UID GID CMD...: run CMD in the pod as UID:GID (as seen there): the
# process first joins the pod's cgroup (as a runtime's exec would), then the
# holder's user namespace; no supplementary groups, a clean environment.
in_pod() {
	local u=$1 g=$2
	shift 2
	sh -c 'echo $$ >"$1" && shift && exec "$@"' sh "$POD/init/cgroup.procs" \
		nsenter --target "$HOLDER" --user -- \
		setpriv --reuid="$u" --regid="$g" --clear-groups -- \
		env -i PATH="$SAFE_PATH" HOME=/ LC_ALL=C "$@"
}

# in_pod_chown UID GID CMD...: in_pod, keeping CAP_CHOWN and CAP_FOWNER (of
# the pod's namespace) as ambient capabilities.
in_pod_chown() {
	local u=$1 g=$2
	shift 2
	sh -c 'echo $$ >"$1" && shift && exec "$@"' sh "$POD/init/cgroup.procs" \
		nsenter --target "$HOLDER" --user -- \
		setpriv --reuid="$u" --regid="$g" --clear-groups --inh-caps=+chown,+fowner --ambient-caps=+chown,+fowner -- \
		env -i PATH="$SAFE_PATH" HOME=/ LC_ALL=C "$@"
}

# none_exist PATH...: none of the paths exists.
none_exist() {
	local p
	for p in "$@"; do
		[ -e "$p" ] && return 1
	done
	return 0
}

# refused_with ERE: the last run() exited 2 or 3, printed nothing on stdout,
# and its stderr matches ERE.
refused_with() {
	{ [ "$RC" = 2 ] || [ "$RC" = 3 ]; } && [ -z "$OUT" ] && printf '%s\n' "$ERR" | grep -Eq -- "$1"
}

# cg_v2 PID: the cgroup2 line of /proc/PID/cgroup, without "0::".
cg_v2() {
	sed -n 's/^0:://p' "/proc/$1/cgroup"
}

# delegate_to_ns_root CGROUP: what a runtime does for a user-namespaced pod.
delegate_to_ns_root() {
	local f
	chown "$NSROOT:$NSROOT" "$1"
	for f in cgroup.procs cgroup.subtree_control cgroup.threads $(cat /sys/kernel/cgroup/delegate 2>/dev/null); do
		[ -e "$1/$f" ] && chown "$NSROOT:$NSROOT" "$1/$f"
	done
}

# Remove every cgroup below $TOP (processes still in one go to the root
# first), after ending the processes this script started.  Idempotent.
cg_cleanup() {
	local d p
	[ -n "$SLEEPER" ] && kill "$SLEEPER" 2>/dev/null
	if [ -n "$HOLDER" ]; then
		kill "$HOLDER" 2>/dev/null
		wait "$HOLDER" 2>/dev/null
	fi
	SLEEPER=
	HOLDER=
	if [ -n "$TOP" ] && [ -d "$TOP" ]; then
		while read -r d; do
			while read -r p; do
				echo "$p" >"$CGM/cgroup.procs" 2>/dev/null
			done <"$d/cgroup.procs"
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				rmdir "$d" 2>/dev/null && break
				sleep 0.1
			done
			[ -d "$d" ] && echo "# cleanup: cannot remove the cgroup $d" >&2
		done < <(find "$TOP" -depth -type d)
	fi
}

start_pod() {
	local base
	mount -t cgroup2 none "$CGM" || hard_error "cannot mount cgroup2 on $CGM in the private mount namespace"
	base=$(basename "$W")
	TOP=$CGM/nss_subid-e2e.${base##*.}
	TOPREL=/${TOP#"$CGM"/}
	POD=$TOP/pod
	NODELEG=$TOP/nodeleg
	# From here on, whatever happens, the cgroups go.
	trap 'kill $(jobs -p) 2>/dev/null; cg_cleanup' EXIT
	trap 'exit 1' INT TERM HUP
	mkdir "$TOP" "$POD" "$POD/init" "$NODELEG" || hard_error "cannot create cgroups below $CGM"
	delegate_to_ns_root "$POD"
	delegate_to_ns_root "$POD/init"

	# The pod's first process: in the pod's cgroup, then its own user
	# namespace, mapped from outside by host root.
	sh -c 'echo $$ >"$1" && exec unshare --user sleep 3600' sh "$POD/init/cgroup.procs" \
		</dev/null >/dev/null 2>&1 &
	HOLDER=$!
	wait_userns "$HOLDER" $$ || hard_error "unshare --user did not create a user namespace"
	printf '0 %s 65536\n' "$NSROOT" >"/proc/$HOLDER/uid_map" || hard_error "cannot write uid_map"
	printf '0 %s 65536\n' "$NSROOT" >"/proc/$HOLDER/gid_map" || hard_error "cannot write gid_map"

	# The image's helpers: set-user-ID root of the namespace, and (to show
	# why) a copy set-user-ID host root.
	B=$W/podbin
	mkdir -p "$B"
	chmod 755 "$B"
	findmnt -no OPTIONS -T "$B" | tr , '\n' | grep -qx nosuid && skip "$B is on a nosuid file system"
	install -o "$NSROOT" -g "$NSROOT" -m 4755 "$SUBID_CGROUP_BIN" "$B/subid-cgroup"
	install -o 0 -g 0 -m 4755 "$SUBID_CGROUP_BIN" "$B/subid-cgroup.hostroot"
	SC=$B/subid-cgroup

	# The pod's configuration: the runtime's cgroup for the pod is the
	# parent; NODELEG is listed too, but was never delegated.
	local L
	L=$(new_layer pod)
	write_file "$L/nss_subid.conf" 644 "cgroup-parent $POD
cgroup-parent $NODELEG
"
	chown -R "$NSROOT:$NSROOT" "$O/base" "$L"
	use_etc "$L"

	# Unit files of the pod's root, and a directory for systemd-tmpfiles.
	# That one is host root's (nobody inside) and world-writable, like
	# every directory above it: systemd refuses a path that goes from a
	# directory of a user other than root to one of another user ("unsafe
	# path transition"), and host root is not root in the pod.
	D=$W/pod
	mkdir -p "$D/units" "$D/tmpfiles"
	chown "$NSROOT:$NSROOT" "$D/units"
	chmod 755 "$D" "$D/units"
	chmod 1777 "$D/tmpfiles"
}

# ---------------------------------------------------------------- checks

checks_pod() {
	echo "# the pod"
	expect_eq "uid_map inside: 0 200000 65536" "0 $NSROOT 65536" in_pod 1000 0 awk '{ $1 = $1; print }' /proc/self/uid_map
	expect_eq "the pod's commands run in the pod's cgroup" "$TOPREL/pod/init" in_pod 1000 0 sed -n 's/^0:://p' /proc/self/cgroup
	expect_eq "the pod's cgroup is root's inside (delegated by the runtime)" "0:0" in_pod 1000 0 stat -c %u:%g "$POD"
	expect_eq "the image's subid-cgroup: set-user-ID root of the namespace" "0 4755" \
		in_pod 1000 0 stat -c '%u %a' "$SC"
	expect_eq "getent passwd 1000" "$ENTRY" in_pod 1000 0 getent passwd 1000
	expect_eq "whoami" u1000 in_pod 1000 0 whoami
	expect_match "subidctl show: the cgroup-parent config is in force, subuid from userns" 0 out \
		'^subuid +1001 64535 +userns' in_pod 1000 0 "$SUBIDCTL" show
}

checks_cgroup() {
	local pid
	echo "# subid-cgroup in the pod, as u1000"
	expect_eq "--dry-run: would create and delegate" "would create and delegate $POD/work for uid 1000 and its group" \
		in_pod 1000 0 "$SC" --dry-run create "$POD" work
	expect_true "--dry-run created nothing" [ ! -e "$POD/work" ]
	expect_match "--move (removed) is an unknown option: exit 1" 1 err "unknown option '--move'" \
		in_pod 1000 0 "$SC" --move create "$POD" work
	expect_true "... and created nothing" [ ! -e "$POD/work" ]

	expect_eq "create: done, silently" "" in_pod 1000 0 "$SC" create "$POD" work
	expect_eq "host view: the cgroup is host UID 201000's, group 200000 (GID 0 inside)" \
		$'201000:200000\n201000:200000\n201000:200000\n201000:200000' \
		stat -c %u:%g "$POD/work" "$POD/work/cgroup.procs" "$POD/work/cgroup.subtree_control" \
		"$POD/work/cgroup.threads"
	expect_eq "host view: its other files stay root's of the namespace (200000)" \
		$'200000:200000\n200000:200000\n200000:200000' \
		stat -c %u:%g "$POD/work/cgroup.max.depth" "$POD/work/cgroup.type" "$POD/work/cgroup.kill"
	expect_eq "the work cgroup is u1000's inside" "u1000 root" in_pod 1000 0 stat -c '%U %G' "$POD/work"

	# The pod's processes start in pod/init.  Moving one to pod/work needs
	# write access to cgroup.procs of the common ancestor, the pod's cgroup,
	# which is root's of the pod: u1000 cannot leave pod/init on its own...
	run in_pod 1000 0 sh -c 'echo $$ >"$0/work/cgroup.procs" && echo write=ok || echo write=refused; sed -n "s/^0:://p" /proc/self/cgroup' \
		"$POD"
	expect_true "u1000 cannot move itself from pod/init into its pod/work (the kernel's rule): stays in pod/init" \
		[ "$RC" = 0 -a "$OUT" = "write=refused"$'\n'"$TOPREL/pod/init" ]
	# ... root of the pod (its entrypoint, say) starts u1000's job there;
	# inside its own cgroup u1000 is then on its own.
	run in_pod 0 0 sh -c 'echo $$ >"$0/work/cgroup.procs" || exit 10
		exec setpriv --reuid=1000 --regid=0 --clear-groups -- sh -c "$1" "$0"' "$POD" '
		mkdir "$0/work/child" || exit 11
		sleep 600 </dev/null >/dev/null 2>&1 &
		echo $! >"$0/work/child/cgroup.procs" || exit 12
		echo $$ >"$0/work/child/cgroup.procs" || exit 13
		echo "$!"
		sed -n "s/^0:://p" /proc/self/cgroup'
	pid=${OUT%%$'\n'*}
	case $pid in *[!0-9]* | "") pid= ;; esac
	SLEEPER=$pid
	expect_true "root of the pod puts u1000's shell into pod/work; u1000 makes a child cgroup and moves its processes in" \
		[ "$RC" = 0 -a -n "$pid" -a "${OUT#*$'\n'}" = "$TOPREL/pod/work/child" ]
	if [ -n "$pid" ]; then
		expect_eq "host view: u1000's background process is in the child" "$TOPREL/pod/work/child" cg_v2 "$pid"
		expect_eq "host view: that process runs as host UID 201000" 201000 stat -c %u "/proc/$pid"
		expect_eq "host view: the child is populated" "populated 1" grep '^populated' "$POD/work/child/cgroup.events"
		expect_match "host view: the child lists the process" 0 out "^$pid\$" cat "$POD/work/child/cgroup.procs"
	fi
	expect_eq "host view: the child and its files are host UID 201000's" \
		$'201000:200000\n201000:200000\n201000:200000' \
		stat -c %u:%g "$POD/work/child" "$POD/work/child/cgroup.procs" "$POD/work/child/cgroup.max.depth"
	expect_eq "inside: u1000 sees the child in its cgroup tree" "child" \
		in_pod 1000 0 find "$POD/work" -mindepth 1 -maxdepth 1 -type d -printf '%f\n'

	echo "# subid-cgroup: to a subordinate UID, and refusals"
	expect_eq "create --owner 22 (a subordinate UID of u1000): done" "" \
		in_pod 1000 0 "$SC" --owner 22 create "$POD" nested
	expect_eq "host view: it is host UID 200022's (group left to root inside)" \
		$'200022:200000\n200022:200000' stat -c %u:%g "$POD/nested" "$POD/nested/cgroup.procs"

	expect_match "--owner 0 (root of the pod) is refused: exit 2" 2 err 'neither yours nor one of your subordinate' \
		in_pod 1000 0 "$SC" --owner 0 create "$POD" r0
	expect_true "nothing was created for UID 0" [ ! -e "$POD/r0" ]
	expect_match "--owner 65536 (outside the pod's map) is refused: exit 2" 2 err \
		'neither yours nor one of your subordinate' in_pod 1000 0 "$SC" --owner 65536 create "$POD" r65536
	expect_match "--owner 201000 (u1000's host UID, not an ID of the pod) is refused: exit 2" 2 err \
		'neither yours nor one of your subordinate' in_pod 1000 0 "$SC" --owner 201000 create "$POD" rhost
	expect_match "--owner 1001 --group 65536 (GID outside the map) is refused: exit 2" 2 err \
		'or that GID' in_pod 1000 0 "$SC" --owner 1001 --group 65536 create "$POD" rgid
	expect_true "nothing was created for those" none_exist "$POD/r65536" "$POD/rhost" "$POD/rgid"
	expect_match "a parent not in cgroup-parent ($TOPREL) is refused: exit 2" 2 err 'is not a cgroup-parent' \
		in_pod 1000 0 "$SC" create "$TOP" x
	expect_match "another user of the pod (1500) cannot take over u1000's cgroup: exit 2" 2 err \
		'not yours to delegate' in_pod 1500 0 "$SC" delegate "$POD/work"
	expect_eq "u1000's cgroup is still u1000's" 201000 stat -c %u "$POD/work"
	# The kernel refuses the mkdir.  subid-cgroup(8) says exit 3 for that
	# ("the kernel refused the change"); the helper reports every EACCES as
	# 2 (denied by policy).  Either is a refusal.
	run in_pod 1000 0 "$SC" create "$NODELEG" x
	expect_true "a listed parent the runtime did not delegate: refused (exit 2 or 3), permission denied" \
		refused_with 'cannot create .*: Permission denied'
	expect_true "nothing was created there" [ ! -e "$NODELEG/x" ]
	expect_match "set-user-ID host root's copy gains nothing in the pod: exit 4, no capabilities" 4 err \
		'cannot raise capabilities' in_pod 1000 0 "$B/subid-cgroup.hostroot" create "$POD" viahostroot
	expect_true "nothing was created by it" [ ! -e "$POD/viahostroot" ]
	expect_fail "u1000 cannot write the pod's cgroup.procs itself (it is root's of the pod)" nonzero \
		in_pod 1000 0 sh -c 'echo $$ >"$0/work/cgroup.procs"' "$POD"
}

# A unit as the pod would install it.
write_unit() {
	write_file "$D/units/$1.service" 644 "[Unit]
Description=nss_subid e2e: runs as $2

[Service]
Type=oneshot
User=$2
ExecStart=/bin/true
"
	chown "$NSROOT:$NSROOT" "$D/units/$1.service"
}

checks_systemd() {
	local sub t
	echo "# systemd and the synthesized names"
	expect_eq "subordinate name of UID 22 (host 200022): u1000-21" \
		"u1000-21:x:22:22:nss_subid subordinate ID:/:/usr/sbin/nologin" in_pod 1000 0 getent passwd 22
	run in_pod 1000 0 getent passwd 22
	sub=${OUT%%:*}
	[ -n "$sub" ] || sub=u1000-21
	expect_eq "getent passwd $sub: UID 22" "$sub:x:22:22:nss_subid subordinate ID:/:/usr/sbin/nologin" \
		in_pod 1000 0 getent passwd "$sub"

	write_unit e2e-u1000 u1000
	write_unit e2e-sub "$sub"
	write_unit e2e-u1001 u1001
	write_unit e2e-beyond u1000-65534
	for t in e2e-u1000 e2e-sub; do
		expect_eq "systemd-analyze verify $t.service (User=$(sed -n 's/^User=//p' "$D/units/$t.service")): clean" "" \
			in_pod 1000 0 sh -c 'systemd-analyze verify --man=no --generators=no "$0" 2>&1' "$D/units/$t.service"
		expect_eq "the same as root of the pod: clean" "" \
			in_pod 0 0 sh -c 'systemd-analyze verify --man=no --generators=no "$0" 2>&1' "$D/units/$t.service"
	done
	run in_pod 1000 0 sh -c 'systemd-analyze verify --man=no --generators=no "$0" 2>&1' "$D/units/e2e-u1001.service"
	if [ "$RC" = 0 ]; then
		echo "# note: systemd-analyze verify ($(systemd-analyze --version | sed -n '1s/^systemd //p')) passes User=u1001 too: it checks the syntax of User= and never resolves it; systemd's lookups below tell the names apart"
	else
		pass "systemd-analyze verify refuses User=u1001, which nss_subid does not synthesize"
	fi

	# systemd's own user lookup (get_user_creds): ConditionUser= resolves a
	# name that is not the caller's by name.
	expect_match "ConditionUser=u1000 holds for UID 1000" 0 out 'succeeded' \
		in_pod 1000 0 sh -c 'systemd-analyze condition ConditionUser=u1000 2>&1'
	expect_match "ConditionUser=u1001 (not synthesized for 1000) does not" 1 out 'failed' \
		in_pod 1000 0 sh -c 'systemd-analyze condition ConditionUser=u1001 2>&1'

	# systemd-tmpfiles resolves User= names and chowns to them.  Run as
	# u1000, with CAP_CHOWN and CAP_FOWNER of the pod's namespace only to
	# hand the subordinate UID its directory (chown, then chmod): the name
	# lookups are u1000's.
	write_file "$D/tmpfiles/e2e.conf" 644 "d $D/tmpfiles/by-u1000 0750 u1000 - -
d $D/tmpfiles/by-sub 0750 $sub - -
"
	expect_eq "systemd-tmpfiles --create: d ... u1000 and d ... $sub" "" \
		in_pod_chown 1000 0 systemd-tmpfiles --create "$D/tmpfiles/e2e.conf"
	expect_eq "host view: by-u1000 is host UID 201000's, by-sub host UID 200022's" $'201000\n200022' \
		stat -c %u "$D/tmpfiles/by-u1000" "$D/tmpfiles/by-sub"
	expect_eq "inside: the names come back from the owners" $'u1000\n'"$sub" \
		in_pod 1000 0 stat -c %U "$D/tmpfiles/by-u1000" "$D/tmpfiles/by-sub"
	for t in u1001 u1000-65534; do
		write_file "$D/tmpfiles/bad.conf" 644 "d $D/tmpfiles/by-$t 0750 $t - -
"
		expect_match "systemd-tmpfiles refuses $t (not synthesized): cannot resolve" 65 err \
			"Failed to resolve user '$t'" in_pod 1000 0 systemd-tmpfiles --create "$D/tmpfiles/bad.conf"
		expect_true "and creates nothing" [ ! -e "$D/tmpfiles/by-$t" ]
	done
}

checks_cleanup() {
	echo "# cleanup"
	cg_cleanup
	expect_true "every cgroup this test made is gone" [ ! -e "$TOP" ]
	umount "$CGM"
	expect_true "... also as seen from the host's cgroup2 mount" \
		none_exist "/sys/fs/cgroup/unified/${TOPREL#/}" "/sys/fs/cgroup/${TOPREL#/}"
}

all_checks() {
	[ -n "${SUBID_CGROUP_BIN:-}" ] || hard_error "no libexec/nss_subid/subid-cgroup in $NSS_SUBID_STAGE"
	start_pod
	checks_pod
	checks_cgroup
	checks_systemd
	checks_cleanup
}

run_tests all_checks
