#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Real, unmodified clients (getent, whoami, id, getsubids, shadow's
# set-user-ID newuidmap/newgidmap, subidctl) against the installed module and
# plugin, in a private mount namespace with a fake /etc: first with no
# /etc/nss_subid.conf (the built-in defaults), then with explicit, unsafe and
# invalid configurations and with /etc/subuid lines.
#
# Needs root; exits 77 with a reason otherwise.

# Functions below are called through run_tests and run, which shellcheck
# cannot follow; single-quoted $ in sh -c and awk programs is intended.
# shellcheck disable=SC2317,SC2016
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmds getent setpriv unshare getsubids newuidmap newgidmap mount umount awk sha256sum

U=$USER_UID
ENTRY="u$U:x:$U:0:nss_subid synthesized user:/tmp:/bin/sh"
ALICE="alice:x:1000:1000:Alice:/home/alice:/bin/sh"

# How many lines of the enumerated passwd (getpwent) name the user.
COUNT_ENTRIES="getent passwd | grep -c '^u$U:'"

# squeezed CMD...: CMD's stdout with blanks collapsed, CMD's exit status.
squeezed() {
	"$@" | awk '{ $1 = $1; print }'
	return "${PIPESTATUS[0]}"
}

map_of() {
	awk '{ $1 = $1; print }' "/proc/$1/$2"
}

checks_defaults() {
	echo "# no /etc/nss_subid.conf: built-in defaults (users self, pool 100000 65536)"
	use_etc

	expect_eq "getent passwd UID, as the user" "$ENTRY" as_user getent passwd "$U"
	expect_eq "getent passwd NAME, as the user" "$ENTRY" as_user getent passwd "u$U"
	expect_eq "getent group GID, as the user" "u$U:x:$U:" as_user getent group "$U"
	expect_eq "getent group NAME, as the user" "u$U:x:$U:" as_user getent group "u$U"
	expect_eq "whoami" "u$U" as_user whoami
	expect_eq "id" "uid=$U(u$U) gid=0(root) groups=0(root)" as_user id
	run as_user whoami
	expect_eq "name round trip: getpwnam(whoami) gives the UID back" "$U" \
		as_user sh -c 'getent passwd "$1" | cut -d: -f3' sh "$OUT"
	expect_fail "a non-canonical name (u0$U) is not ours" 2 as_user getent passwd "u0$U"
	expect_eq "enumeration lists the caller's own entry exactly once" 1 as_user sh -c "$COUNT_ENTRIES"
	run sh -c "$COUNT_ENTRIES"
	expect_true "enumeration by root lists no synthesized entry" [ "$OUT" = 0 ]
	expect_fail "root: getent passwd UID finds nothing (self is the caller only)" 2 getent passwd "$U"
	expect_fail "root: getent passwd NAME finds nothing" 2 getent passwd "u$U"
	expect_fail "root: getent group GID finds nothing" 2 getent group "$U"
	expect_fail "UID 0 is never synthesized: getent passwd u0" 2 getent passwd u0

	expect_eq "getsubids NAME" "0: u$U 100000 65536" as_user getsubids "u$U"
	expect_eq "getsubids UID" "0: $U 100000 65536" as_user getsubids "$U"
	expect_eq "getsubids -g NAME" "0: u$U 100000 65536" as_user getsubids -g "u$U"
	expect_eq "getsubids -g UID" "0: $U 100000 65536" as_user getsubids -g "$U"
	expect_fail "root: getsubids of the user grants nothing" nonzero getsubids "u$U"

	expect_eq "subordinate UID has a name: getent passwd 100021" \
		"u$U-21:x:100021:100021:nss_subid subordinate ID:/:/usr/sbin/nologin" as_user getent passwd 100021
	expect_eq "subordinate name round trip: getent passwd u$U-21" \
		"u$U-21:x:100021:100021:nss_subid subordinate ID:/:/usr/sbin/nologin" as_user getent passwd "u$U-21"
	expect_eq "subordinate GID has a group: getent group 100021" "u$U-21:x:100021:" as_user getent group 100021
	expect_fail "no name past the pool: getent passwd 165536" 2 as_user getent passwd 165536

	# A user of /etc/passwd is never synthesized, not even for itself.
	expect_eq "UID 1000 of /etc/passwd comes from files" "$ALICE" as_id 1000 1000 getent passwd 1000
	expect_fail "UID 1000 of /etc/passwd: no u1000 synthesized" 2 as_id 1000 1000 getent passwd u1000
	expect_eq "UID 1000 of /etc/passwd: whoami" alice as_id 1000 1000 whoami
	expect_fail "UID 1000 of /etc/passwd: no pool range (not covered)" nonzero as_id 1000 1000 getsubids alice

	# podman rejects a subuid range that contains the caller's own UID, so
	# the pool is withheld from a caller inside it.
	expect_eq "caller UID 100005, inside the pool: still named" \
		"u100005:x:100005:0:nss_subid synthesized user:/tmp:/bin/sh" as_id 100005 0 getent passwd 100005
	expect_fail "caller UID 100005, inside the pool: pool withheld" nonzero as_id 100005 0 getsubids u100005

	# shadow's set-user-ID newuidmap/newgidmap ask the plugin
	# (shadow_subid_has_range) before writing a map.
	if ns_holder "$U" "$USER_GID"; then
		expect_eq "newuidmap (set-user-ID, Debian uidmap) maps own UID + pool" "" \
			as_user newuidmap "$HOLDER" 0 "$U" 1 1 100000 65536
		expect_eq "newuidmap: resulting uid_map" $'0 1000000000 1\n1 100000 65536' map_of "$HOLDER" uid_map
		expect_eq "newgidmap maps own GID + pool" "" as_user newgidmap "$HOLDER" 0 0 1 1 100000 65536
		expect_eq "newgidmap: resulting gid_map" $'0 0 1\n1 100000 65536' map_of "$HOLDER" gid_map
	else
		fail "start a user namespace as the user" "unshare --user did not create a namespace"
	fi
	ns_holder_stop
	if ns_holder "$U" "$USER_GID"; then
		expect_fail "newuidmap refuses one ID past the pool" nonzero \
			as_user newuidmap "$HOLDER" 0 "$U" 1 1 100000 65537
		expect_eq "newuidmap refused: uid_map still empty" "" map_of "$HOLDER" uid_map
		expect_fail "newgidmap refuses a range the user does not hold" nonzero \
			as_user newgidmap "$HOLDER" 0 0 1 1 300000 65536
	else
		fail "start a user namespace as the user" "unshare --user did not create a namespace"
	fi
	ns_holder_stop

	expect_match "subidctl check without a file: exit 0" 0 out '' as_user "$SUBIDCTL" check
	expect_match "subidctl show as the user: synthesized entry and pool" 0 out \
		"^subuid.*100000 65536.*pool" as_user "$SUBIDCTL" show
	expect_match "subidctl explain: pool range granted (exit 0)" 0 out '^granted' \
		as_user "$SUBIDCTL" explain "u$U" 100000 65536
	expect_match "subidctl explain --gid: one past the pool denied (exit 1)" 1 out '^denied' \
		as_user "$SUBIDCTL" explain --gid "u$U" 100000 70000
	expect_match "subidctl show, owner with neither entry nor range: exit 1 (subidctl(8) EXIT STATUS)" 1 out '' \
		"$SUBIDCTL" show 1000600000
	# The outputs subidctl(8) shows under EXAMPLES for this very case.
	expect_eq "subidctl show prints what subidctl(8) EXAMPLES shows" \
		"passwd u$U:x:$U:0:nss_subid synthesized user:/tmp:/bin/sh
group u$U:x:$U:
subuid 100000 65536 pool
subgid 100000 65536 pool
config /etc/nss_subid.conf (absent: built-in defaults)
userns initial user namespace" squeezed as_user "$SUBIDCTL" show
	expect_eq "subidctl explain prints what subidctl(8) EXAMPLES shows" \
		"granted: 100000-165535 held by u$U (pool)" as_user "$SUBIDCTL" explain "u$U" 100000 65536
	expect_match "subidctl explain --gid denial names the first ID not held, as in subidctl(8)" 1 out \
		"^denied: 165536 is not a subordinate GID of u$U\$" as_user "$SUBIDCTL" explain --gid "u$U" 100000 70000
}

checks_explicit() {
	local L
	echo "# explicit users range with a pool: covered whoever asks"
	L=$(new_layer explicit)
	# 10000 slots of 10000 IDs: the pool ends at 101999999, far below 2^32.
	write_file "$L/nss_subid.conf" 644 "users 1000000000-1000009999
subids files
subids pool 2000000 10000
"
	use_etc "$L"
	expect_match "subidctl check /etc/nss_subid.conf: valid" 0 out '' "$SUBIDCTL" check
	expect_eq "root: getent passwd 1000000005 (explicit range)" \
		"u1000000005:x:1000000005:1000000005:nss_subid synthesized user:/tmp:/bin/sh" getent passwd 1000000005
	expect_eq "root: getsubids UID of another user: slot 5 (2000000 + 5*10000)" \
		"0: 1000000005 2050000 10000" getsubids 1000000005
	expect_eq "root: getsubids -g NAME of another user" "0: u1000000005 2050000 10000" getsubids -g u1000000005
	expect_eq "the user itself: slot 0" "0: u$U 2000000 10000" as_user getsubids "u$U"
	expect_eq "root: subordinate name in another user's block" \
		"u1000000005-3:x:2050003:2050003:nss_subid subordinate ID:/:/usr/sbin/nologin" getent passwd 2050003
	expect_fail "outside the range, self no longer applies: 1000600000 as itself" 2 \
		as_id 1000600000 0 getent passwd 1000600000
	expect_fail "outside the range: no subordinate IDs" nonzero as_id 1000600000 0 getsubids 1000600000
	expect_fail "root: the old default pool is gone (getent passwd 100021)" 2 getent passwd 100021
	expect_match "root: subidctl explain grants the block" 0 out '^granted' \
		"$SUBIDCTL" explain 1000000005 2050000 10000
	expect_match "root: subidctl explain denies one more" 1 out '^denied' \
		"$SUBIDCTL" explain 1000000005 2050000 10001

	echo "# the entry directives"
	L=$(new_layer fields)
	write_file "$L/nss_subid.conf" 644 "users self
name ocp_%u
gecos OpenShift pod user
home /home/pod
shell /bin/bash
subids pool 100000 65536
"
	use_etc "$L"
	expect_eq "name/gecos/home/shell directives; primary GID = the caller's own" \
		"ocp_$U:x:$U:1000:OpenShift pod user:/home/pod:/bin/bash" as_id "$U" 1000 getent passwd "$U"
	expect_eq "custom name round trip" "ocp_$U:x:$U:1000:OpenShift pod user:/home/pod:/bin/bash" \
		as_id "$U" 1000 getent passwd "ocp_$U"
	expect_fail "the default name is not ours any more" 2 as_id "$U" 1000 getent passwd "u$U"

	echo "# a users range that contains UIDs of /etc/passwd"
	L=$(new_layer collide)
	write_file "$L/nss_subid.conf" 644 "users 900-1100
subids files
"
	use_etc "$L"
	expect_eq "UID 1000 in the range but in /etc/passwd: files entry" "$ALICE" getent passwd 1000
	expect_fail "UID 1000 in the range but in /etc/passwd: no u1000" 2 getent passwd u1000
	expect_eq "GID 1000 in /etc/group: files entry" "alice:x:1000:" getent group 1000
	expect_eq "UID 999 in the range, in no file: synthesized" \
		"u999:x:999:999:nss_subid synthesized user:/tmp:/bin/sh" getent passwd 999
}

checks_unsafe() {
	local L good
	good="users self
subids pool 100000 65536
"
	echo "# unsafe or invalid /etc/nss_subid.conf: nothing at all, never the defaults"
	L=$(new_layer groupwritable)
	write_file "$L/nss_subid.conf" 664 "$good"
	use_etc "$L"
	expect_fail "config mode 664: getent passwd finds nothing" 2 as_user getent passwd "$U"
	expect_fail "config mode 664: whoami fails" nonzero as_user whoami
	expect_fail "config mode 664: getsubids grants nothing" nonzero as_user getsubids "u$U"
	expect_match "config mode 664: subidctl check says FILE: reason, exit 1" 1 err \
		'^/etc/nss_subid\.conf: ' as_user "$SUBIDCTL" check

	L=$(new_layer notroot)
	write_file "$L/nss_subid.conf" 644 "$good"
	chown "$U:0" "$L/nss_subid.conf"
	use_etc "$L"
	expect_fail "config owned by the user: nothing synthesized" 2 as_user getent passwd "$U"
	expect_fail "config owned by the user: nothing granted" nonzero as_user getsubids "u$U"

	L=$(new_layer symlink)
	write_file "$L/nss_subid.conf.real" 644 "$good"
	ln -s /etc/nss_subid.conf.real "$L/nss_subid.conf"
	use_etc "$L"
	expect_fail "config is a symbolic link: nothing synthesized" 2 as_user getent passwd "$U"

	L=$(new_layer invalid)
	write_file "$L/nss_subid.conf" 644 "users self
name u%u
subids pool 100000 65536
gid 0
"
	use_etc "$L"
	expect_fail "invalid config (gid: removed, it gave newgrp group 0): nothing synthesized" 2 as_user getent passwd "$U"
	expect_fail "invalid config: nothing granted" nonzero as_user getsubids "u$U"
	expect_match "invalid config: subidctl check says /etc/nss_subid.conf:4:, exit 1" 1 err \
		"^/etc/nss_subid\\.conf:4: .*gid" as_user "$SUBIDCTL" check
}

checks_subidctl_check() {
	local d=$W/cfg f
	echo "# subidctl check on files"
	mkdir -p "$d"
	chmod 755 "$d"

	f=$d/good.conf
	write_file "$f" 644 "# a comment

users 1000000000-1000000999
users self
name u%u
subids files
subids pool 2000000000 65536
"
	expect_match "check good file: exit 0, nothing on stderr" 0 err '^$' "$SUBIDCTL" check "$f"
	expect_eq "check good file prints nothing, as subidctl(8) says" "" "$SUBIDCTL" check "$f"

	# name LINE TEXT: the file must be rejected with FILE:LINE: on stderr.
	bad() {
		local name=$1 line=$2 text=$3
		f=$d/$name.conf
		write_file "$f" 644 "$text"
		expect_match "check bad file ($name): exit 1, stderr $f:$line: ..." 1 err \
			"^$f:$line: ." "$SUBIDCTL" check "$f"
	}
	bad duplicate-shell 4 "users self
shell /bin/sh
name u%u
shell /bin/sh
"
	bad gid-fixed 2 "users self
gid 0
"
	bad overlapping-users 3 "subids files
users 1000-2000
users 1500-2500
"
	bad unknown-keyword 2 "users self
user 1000-2000
"
	bad leading-zero 1 "cgroup-depth 01
"
	bad extra-argument 1 "users self 1000
"
	bad uid-zero 1 "users 0-10
"
	bad pool-base-zero 2 "users self
subids pool 0 65536
"
	# subidctl(8) allows "FILE: reason" for a problem not tied to one line,
	# which a conflict between two lines may be.
	f=$d/none-and-files.conf
	write_file "$f" 644 "subids none
subids files
"
	expect_match "check bad file (none-and-files): exit 1, stderr $f:[LINE:] ..." 1 err \
		"^$f:([0-9]+:)? ." "$SUBIDCTL" check "$f"
	bad name-without-u 1 "name user
"
	bad number-overflow 1 "gid 4294967296
"
	f=$d/pool-too-big.conf
	write_file "$f" 644 "users 1000000000-1999999999
subids pool 100000 65536
"
	expect_match "check bad file (pool-too-big): exit 1, stderr $f:LINE: ..." 1 err \
		"^$f:[0-9]+: ." "$SUBIDCTL" check "$f"
	f=$d/groupwritable.conf
	write_file "$f" 664 "users self
"
	expect_match "check group-writable file: exit 1, stderr $f: reason" 1 err \
		"^$f: ." "$SUBIDCTL" check "$f"
	expect_match "check missing file given by name: exit 1" 1 err \
		"^$d/missing\\.conf: " "$SUBIDCTL" check "$d/missing.conf"
}

checks_subuid_files() {
	local L sub
	echo "# /etc/subuid and /etc/subgid for users of /etc/passwd"
	# Lines that are malformed, or whose range contains 0, are skipped; the
	# rest are matched by name and by decimal UID, as shadow's files backend.
	sub="containers:300000:65536
containers:abc:100
containers:400000
containers:0:100
:500000:10
containers:4294967000:1000
containers:450000:10:extra
1001:600000:1000
u$U:700000:65536
"
	L=$(new_layer subuid)
	write_file "$L/subuid" 644 "$sub"
	write_file "$L/subgid" 644 "containers:300000:65536
"
	use_etc "$L"
	expect_eq "getsubids NAME: its lines by name and by UID, malformed ones skipped" \
		$'0: containers 300000 65536\n1: containers 600000 1000' getsubids containers
	expect_eq "getsubids UID: the same lines" $'0: 1001 300000 65536\n1: 1001 600000 1000' getsubids 1001
	expect_eq "getsubids -g NAME: /etc/subgid" "0: containers 300000 65536" getsubids -g containers
	expect_eq "as the owner itself" $'0: containers 300000 65536\n1: containers 600000 1000' \
		as_id 1001 1001 getsubids containers
	expect_eq "subordinate name from /etc/subuid: 300022 is containers-22" \
		"containers-22:x:300022:300022:nss_subid subordinate ID:/:/usr/sbin/nologin" getent passwd 300022
	expect_eq "a covered user's /etc/subuid line is not read when the pool grants" \
		"0: u$U 100000 65536" as_user getsubids "u$U"

	L=$(new_layer subuid-files-only)
	write_file "$L/subuid" 644 "$sub"
	write_file "$L/nss_subid.conf" 644 "users self
subids files
"
	use_etc "$L"
	expect_eq "a covered user with subids files only: its /etc/subuid line" \
		"0: u$U 700000 65536" as_user getsubids "u$U"

	L=$(new_layer subuid-unsafe)
	write_file "$L/subuid" 664 "$sub"
	use_etc "$L"
	expect_fail "group-writable /etc/subuid is treated as empty" nonzero getsubids containers
	expect_fail "group-writable /etc/subuid: no subordinate name either" 2 getent passwd 300022
}

# Issue 10's reproducers (they pass only with the fixes): a host where
# useradd gave alice the first subordinate range, callers that /etc/passwd
# does not know, shadow's own setuid newuidmap/newgidmap/sg/newgrp.
checks_security() {
	local L
	echo "# security: alice:100000:65536 on the host, no nss_subid.conf"
	L=$(new_layer alice-host)
	write_file "$L/subuid" 644 "alice:100000:65536
"
	write_file "$L/subgid" 644 "alice:100000:65536
"
	use_etc "$L"
	expect_eq "alice keeps exactly her line (shadow's files answer)" "0: alice 100000 65536" getsubids alice
	expect_fail "the pool block 0 is alice's: getsubids u$U grants nothing" nonzero as_user getsubids "u$U"
	expect_fail "61200 (DynamicUser-like, gid 0): no pool block at all" nonzero as_id 61200 0 getsubids u61200
	if ns_holder "$U" "$USER_GID"; then
		expect_fail "shadow's newuidmap refuses alice's range to u$U" nonzero \
			as_user newuidmap "$HOLDER" 0 "$U" 1 1 100000 65536
		expect_fail "shadow's newgidmap refuses alice's range to u$U" nonzero \
			as_user newgidmap "$HOLDER" 0 0 1 1 100000 65536
		expect_eq "refused: uid_map still empty" "" map_of "$HOLDER" uid_map
	else
		fail "start a user namespace as the user" "unshare --user did not create a namespace"
	fi
	ns_holder_stop
	expect_match "subidctl check names the pool and alice's line" 1 err \
		"subids pool 100000-.* overlaps /etc/subuid:1 \\(alice:100000:65536\\)" "$SUBIDCTL" check
	expect_match "subidctl explain denies alice's range" 1 out '^denied' \
		as_user "$SUBIDCTL" explain "u$U" 100000 65536

	echo "# security: group root through the synthesized primary GID (shadow's sg and newgrp)"
	use_etc
	expect_eq "61200 with gid 61200: its entry carries its own GID" \
		"u61200:x:61200:61200:nss_subid synthesized user:/tmp:/bin/sh" as_id 61200 61200 getent passwd 61200
	expect_fail "sg root as 61200:61200 (no password): refused" nonzero \
		as_id 61200 61200 sg root -c 'cat /etc/shadow'
	run as_id 61200 61200 sh -c 'echo | newgrp root 2>&1; id -g'
	expect_true "newgrp root as 61200:61200 does not give gid 0" [ "${OUT##*$'\n'}" = 61200 ]
	expect_eq "a pod (gid 0) keeps gid 0 in its own entry" "$ENTRY" as_user getent passwd "$U"
}

all_checks() {
	checks_defaults
	checks_explicit
	checks_unsafe
	checks_subidctl_check
	checks_subuid_files
	checks_security
}

run_tests all_checks
