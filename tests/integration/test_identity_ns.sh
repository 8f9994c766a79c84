#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Identity-mapped user namespaces (systemd PrivateUsers=identity, nspawn
# --private-users=identity) and their relatives: a namespace whose IDs ARE
# the parent's IDs (or the parent's accounts, below 65536).  Becoming such
# an ID in a nested namespace is becoming that account outside, so `subids
# userns` must grant nothing there; the pod map `0 200000 65536` is the
# control that still grants.
#
# As in test_userns.sh: host root creates a user namespace (unshare --user
# sleep) and writes its uid_map and gid_map from outside; the fake /etc is
# made root's as seen inside (chowned to the host ID that the map shows as
# 0); every check enters with nsenter and setpriv becomes UID 1000 or 61200,
# GID 0, as a pod would.  Each map is checked with no /etc/nss_subid.conf
# (users self, subids files/userns/pool) and with `users 1000-99999` +
# `subids userns`, through getsubids (the plugin), getent (subordinate
# names) and subidctl show/explain; then shadow's newuidmap, set-user-ID in
# the namespace (a copy owned by its root, as test_userns.sh does), is
# asked for a nested map of 61200 that maps ID 1000 of the namespace.
#
# Needs root; exits 77 with a reason otherwise.

# Functions below are called through run_tests and run, which shellcheck
# cannot follow; single-quoted $ in awk programs is intended.
# shellcheck disable=SC2317,SC2016
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmds getent setpriv unshare nsenter getsubids newuidmap newgidmap findmnt mount umount awk sha256sum
# lib.sh's temporary directory (and so the set-user-ID copy of newuidmap)
# is in /tmp.
findmnt -no OPTIONS -T /tmp | tr , '\n' | grep -qx nosuid &&
	skip "/tmp is mounted nosuid: the set-user-ID newuidmap copy made there would not work"

# The image's own files: root, daemon, nobody; UIDs 1000 and 61200 are in
# none of them.
pod_image

SQUEEZE='{ $1 = $1; print }'
CONF_RANGE="users 1000-99999
subids userns
"
WHY='the user namespace maps IDs to themselves or to the parent.s accounts \(below 65536\)'

# in_ns UID GID CMD...: CMD in the holder's user namespace as UID:GID (as
# seen there), no supplementary groups, clean environment.
in_ns() {
	local u=$1 g=$2
	shift 2
	nsenter --target "$HOLDER" --user -- \
		setpriv --reuid="$u" --regid="$g" --clear-groups -- \
		env -i PATH="$SAFE_PATH" HOME=/ LC_ALL=C "$@"
}

stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# start_ns MAP: a user namespace whose uid_map and gid_map are MAP (lines
# "inside outside count"); HOLDER is its PID, NSROOT the host ID of its 0.
# The fake /etc and the newuidmap copy are made NSROOT's, so that they are
# root's inside.
start_ns() {
	local map=$1
	NSROOT=$(printf '%s\n' "$map" | awk '$1 == 0 { print $2 }')
	unshare --user sleep 3600 </dev/null >/dev/null 2>&1 &
	HOLDER=$!
	wait_userns "$HOLDER" $$ || hard_error "unshare --user did not create a user namespace"
	# A map must come in one write(2): cat of a small file does that, the
	# shell's printf may write line by line.
	printf '%s\n' "$map" >"$W/map"
	cat "$W/map" >"/proc/$HOLDER/uid_map" || hard_error "cannot write uid_map $map"
	cat "$W/map" >"/proc/$HOLDER/gid_map" || hard_error "cannot write gid_map $map"
	chown -R "$NSROOT:$NSROOT" "$O/base" "$O/layers"
	install -m 755 "$(command -v newuidmap)" "$O/bin/newuidmap"
	chown "$NSROOT:$NSROOT" "$O/bin/newuidmap"
	chmod 4755 "$O/bin/newuidmap"
}

# use_conf defaults|range: /etc with no nss_subid.conf, or CONF_RANGE.
use_conf() {
	if [ "$1" = defaults ]; then
		use_etc
	else
		use_etc "$O/layers/range"
	fi
}

# nested_ns UID GID: as UID:GID of the holder's namespace, a process in a
# new, nested user namespace with no map yet; its PID goes to NESTED.
nested_ns() {
	nsenter --target "$HOLDER" --user -- setpriv --reuid="$1" --regid="$2" --clear-groups -- \
		unshare --user sleep 60 </dev/null >/dev/null 2>&1 &
	NESTED=$!
	wait_userns "$NESTED" "$HOLDER"
}

# expect_nested_refused DESC CMD...: CMD (newuidmap on NESTED) exits nonzero
# saying that a range is not allowed (shadow's message when libsubid grants
# it nothing), and NESTED's uid_map is still empty.
expect_nested_refused() {
	local d=$1 m
	shift
	run "$@"
	m=$(awk "$SQUEEZE" "/proc/$NESTED/uid_map")
	if [ "$RC" != 0 ] && printf '%s\n' "$ERR" | grep -Eq 'range \[.*\) -> \[.*\) not allowed' && [ -z "$m" ]; then
		pass "$d"
	else
		fail "$d" "expected: nonzero exit, stderr '... range [...) -> [...) not allowed', uid_map empty" \
			"uid_map: ${m:-(empty)}" "$(_details)"
	fi
}

# checks_denied TAG UID: with the current namespace and configuration, UID
# (GID 0) gets no subordinate ID from any client.
checks_denied() {
	local tag=$1 u=$2
	expect_fail "$tag: getsubids u$u as $u grants nothing" nonzero in_ns "$u" 0 getsubids "u$u"
	expect_fail "$tag: getsubids $u as $u grants nothing" nonzero in_ns "$u" 0 getsubids "$u"
	expect_fail "$tag: getsubids -g u$u as $u grants nothing" nonzero in_ns "$u" 0 getsubids -g "u$u"
	expect_fail "$tag: as $u: no subordinate name for ID 22 (getent passwd 22)" 2 in_ns "$u" 0 getent passwd 22
	expect_fail "$tag: as $u: no subordinate group for GID 22 (getent group 22)" 2 in_ns "$u" 0 getent group 22
	run in_ns "$u" 0 "$SUBIDCTL" show
	expect_true "$tag: subidctl show as $u: no subuid/subgid range, the identity rule named" \
		eval 'printf "%s\n" "$OUT" | grep -Eq "^subuid +none: $WHY\$" &&
			printf "%s\n" "$OUT" | grep -Eq "^subgid +none: $WHY\$" &&
			! printf "%s\n" "$OUT" | grep -Eq "^sub[ug]id +[0-9]"'
	expect_match "$tag: subidctl explain u$u 1 999 as $u: denied, the identity rule named" 1 out \
		"^denied: u$u holds no subordinate UIDs: $WHY\$" in_ns "$u" 0 "$SUBIDCTL" explain "u$u" 1 999
}

# One map that shares the parent's IDs: both configurations, both UIDs, and
# nested newuidmap as 61200.
check_map() {
	local name=$1 map=$2 conf
	echo "# $name: uid_map/gid_map $(printf '%s\n' "$map" | paste -sd, -)"
	start_ns "$map"
	expect_eq "$name (control): the namespace's uid_map is the one written" "$map" \
		in_ns 61200 0 awk "$SQUEEZE" /proc/self/uid_map
	for conf in defaults range; do
		use_conf "$conf"
		expect_eq "$name, $conf (control): u61200 is still synthesized for itself" \
			"u61200:x:61200:0:nss_subid synthesized user:/tmp:/bin/sh" in_ns 61200 0 getent passwd 61200
		checks_denied "$name, $conf" 1000
		checks_denied "$name, $conf" 61200
	done

	use_conf defaults
	if nested_ns 61200 0; then
		expect_nested_refused "$name: nested newuidmap as 61200: 0 61200 1 1000 1000 1 refused" \
			in_ns 61200 0 "$O/bin/newuidmap" "$NESTED" 0 61200 1 1000 1000 1
		expect_nested_refused "$name: nested newuidmap as 61200: 0 61200 1 1 1 999 refused" \
			in_ns 61200 0 "$O/bin/newuidmap" "$NESTED" 0 61200 1 1 1 999
	else
		fail "$name: unshare --user as 61200 inside the namespace" "no nested namespace"
	fi
	stop_pid "$NESTED"
	# A fresh nested namespace: a map is written once, and if a refusal
	# above failed, the namespace already has one.
	if nested_ns 61200 0; then
		expect_eq "$name (control): the set-user-ID copy works here: own ID only (0 61200 1)" "" \
			in_ns 61200 0 "$O/bin/newuidmap" "$NESTED" 0 61200 1
		expect_eq "$name (control): nested uid_map is 0 61200 1" "0 61200 1" \
			in_ns 61200 0 awk "$SQUEEZE" "/proc/$NESTED/uid_map"
	else
		fail "$name: unshare --user as 61200 inside the namespace" "no nested namespace"
	fi
	stop_pid "$NESTED"
	stop_pid "$HOLDER"
}

# The pod's map grants: what test_userns.sh checks for 1000, for both UIDs
# and both configurations here, so that the refusals above are the map's
# doing and nothing else's.
check_pod_control() {
	local map="0 200000 65536" conf
	echo "# control: the pod map $map"
	start_ns "$map"
	for conf in defaults range; do
		use_conf "$conf"
		expect_eq "pod, $conf (control): getsubids u1000 as 1000: 1-999 and 1001-65535" \
			$'0: u1000 1 999\n1: u1000 1001 64535' in_ns 1000 0 getsubids u1000
		expect_eq "pod, $conf (control): getsubids 1000 as 1000" \
			$'0: 1000 1 999\n1: 1000 1001 64535' in_ns 1000 0 getsubids 1000
		expect_eq "pod, $conf (control): getsubids -g u1000 as 1000: 1-65535" "0: u1000 1 65535" \
			in_ns 1000 0 getsubids -g u1000
		expect_eq "pod, $conf (control): getsubids u61200 as 61200: 1-61199 and 61201-65535" \
			$'0: u61200 1 61199\n1: u61200 61201 4335' in_ns 61200 0 getsubids u61200
		expect_eq "pod, $conf (control): subordinate name for ID 22 as 1000" \
			"u1000-21:x:22:22:nss_subid subordinate ID:/:/usr/sbin/nologin" in_ns 1000 0 getent passwd 22
		expect_match "pod, $conf (control): subidctl show as 1000: 1 999 from userns" 0 out \
			'^subuid +1 999 +userns' in_ns 1000 0 "$SUBIDCTL" show
		expect_match "pod, $conf (control): subidctl explain u1000 1 999: granted" 0 out '^granted' \
			in_ns 1000 0 "$SUBIDCTL" explain u1000 1 999
	done
	use_conf defaults
	if nested_ns 61200 0; then
		expect_eq "pod (control): nested newuidmap as 61200: 0 61200 1 1000 1000 1 maps" "" \
			in_ns 61200 0 "$O/bin/newuidmap" "$NESTED" 0 61200 1 1000 1000 1
		expect_eq "pod (control): nested uid_map" $'0 61200 1\n1000 1000 1' \
			in_ns 61200 0 awk "$SQUEEZE" "/proc/$NESTED/uid_map"
	else
		fail "pod: unshare --user as 61200 inside the namespace" "no nested namespace"
	fi
	stop_pid "$NESTED"
	stop_pid "$HOLDER"
}

all_checks() {
	local L
	L=$(new_layer range)
	write_file "$L/nss_subid.conf" 644 "$CONF_RANGE"

	check_pod_control
	# systemd PrivateUsers=identity, nspawn --private-users=identity
	check_map identity "0 0 65536"
	# identity below 1000, a pod's range above
	check_map partial-identity "0 0 1000
1000 201000 64536"
	# host root mapped as root, the rest a pod's range
	check_map host-root "0 0 1
1 200000 65535"
	# shifted by one onto the host's accounts (inside 1 = host daemon's 2, ...)
	check_map shifted "0 1 65536"
	# a pod's map with one ID punched through to a host account
	check_map one-low-id "0 200000 1000
1000 5000 1
1001 201001 64535"
}

run_tests all_checks
