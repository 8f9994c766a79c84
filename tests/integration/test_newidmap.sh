#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Adversarial tests of nss_subid's own newuidmap/newgidmap (helpers/newidmap.c)
# against docs/newidmap-contract.md, as root with real set-user-ID copies of
# the staged helpers and real unprivileged callers:
#
#   - the OpenShift-style user 1000000000:0 (in no file; covered by the
#     built-in "users self" and pool 100000 65536), alice 1000:1000 of
#     /etc/passwd (only her /etc/subuid lines), and others;
#   - targets ("holders") that the caller itself starts in a fresh user
#     namespace (unshare --user sleep, or userns_holder.c), or deliberately
#     wrong ones: another user's, one with real UID 0, the caller's own
#     namespace, a grandchild namespace, a sibling namespace, non-dumpable
#     ones, a zombie, a PID reused (ns_last_pid) behind fd:N, files and
#     directories that are not /proc/PID, two helpers racing for one target;
#   - hostile argv (signs, blanks, hex, octal, overflow, junk, newlines,
#     argc 0 and a forged argv[0] through newidmap_exec.c), closed fds 0-2, a
#     hostile environment (LD_PRELOAD and LD_LIBRARY_PATH of a library that
#     leaves a marker if ever loaded (newidmap_evil.c), LD_AUDIT, LD_DEBUG,
#     locale, NSS_SUBID_CONF, XDG_*, ...);
#   - unsafe configuration, malformed /etc/subuid lines, ranges that
#     collide with real users, and a caller inside a user namespace
#     (map 0 200000 65536), where "subids userns" is the source.
#
# Every case checks the exit status (contract: 1 usage, 2 policy, 3 target,
# 4 system), that stdout is empty, the resulting /proc/PID/uid_map or gid_map
# (empty when denied, the exact lines when granted) and, as a second check,
# stderr: empty on success, else exactly one line "newuidmap: ..." naming the
# extent and the rule (for policy denials also the first lower ID not
# granted).
#
# Needs root; exits 77 with a reason otherwise.  NSS_SUBID_STAGE as in
# lib.sh; without it a clean copy of the tree is built (newidmap_lib.sh).

# Functions below are called through run_tests and nrun, which shellcheck
# cannot follow; single-quoted $ in sh -c programs is intended.
# shellcheck disable=SC2317,SC2016
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=newidmap_lib.sh
. "$(dirname "$0")/newidmap_lib.sh"

require_root
require_cmds setpriv unshare nsenter mount umount awk sha256sum cc findmnt od install

U=$USER_UID       # 1000000000, GID 0: covered by "users self"
OTHER=1000590001  # another covered user
ALICE=1000        # alice:x:1000:1000 in the fake /etc/passwd
NSROOT=200000     # host UID/GID of root in the seed namespace (checks_userns)
POOL_MAP=$'0 1000000000 1\n1 100000 65536'

# Regular expressions for the single stderr line (after "newuidmap: ").
# The contract fixes the extent ("extent 2 (1 100000 65537)") and, for a
# policy denial, the first lower ID not granted; the rest only has to name
# the rule, so these look for its key word.
RE_ARGC='usage|triplet|argument|expected'
RE_PID='process ID|PID|pid|target|fd'
RE_TARGET_GONE='process|exist|gone|No such'
RE_OWNER='UID|GID|owner|owned'
RE_NS='namespace'
RE_WRITTEN='already|written'
RE_FD='descriptor|fd|/proc|procfs|process|status'
RE_TOOMANY='340'
RE_TOOLONG='long|4096|bytes|text'
re_num() { echo "extent $1 \\(.*(number|decimal|canonical)"; }
re_count() { echo "extent $1 \\(.*count"; }
re_range() { echo "extent $1 \\(.*(4294967294|4294967295|range|overflow)"; }
re_overlap() { echo "extent $1 \\(.*overlap"; }
# re_policy K "A B C" FIRST: extent K (A B C) ... FIRST as a whole number.
re_policy() { echo "extent $1 \\($2\\).*(^|[^0-9])$3([^0-9]|\$)"; }

# ---------------------------------------------------------------- callers and cases

# The caller of the next cases: CU:CG (default the user 1000000000:0).
CU=$U
CG=$USER_GID
set_caller() {
	CU=$1
	CG=$2
}

# as_caller CMD...: CMD as CU:CG, clean environment (lib.sh's as_id).
as_caller() {
	as_id "$CU" "$CG" "$@"
}

# fresh: a new holder, started by the caller in a new user namespace.
fresh() {
	stop_holder
	spawn_as "$CU" "$CG" unshare --user sleep 600 || fail "start a user namespace holder as $CU:$CG"
}

# ncase DESC KIND RC MAP ERE CMD...: run CMD (a helper call on $HOLDER) and
# check (1) exit status RC, empty stdout and /proc/$HOLDER/KIND_map equal to
# MAP ("" = nothing written), (2) stderr (check_stderr with newKINDmap),
# unless ERE is "-" (stderr closed).
ncase() {
	local d=$1 kind=$2 want=$3 wmap=$4 re=$5 map
	shift 5
	nrun "$@"
	map=$(map_of "$HOLDER" "${kind}_map")
	if [ "$RC" = "$want" ] && [ -z "$OUT" ] && [ "$map" = "$wmap" ]; then
		pass "$d: exit $want, ${kind}_map $(show_map "$map")"
	else
		fail "$d: exit $want, ${kind}_map $(show_map "$wmap")" "$(ndetails)" "${kind}_map now: $(show_map "$map")"
	fi
	[ "$re" = - ] || check_stderr "$d" "new${kind}map" "$want" "$re"
}

# ucase/gcase DESC RC MAP ERE ARG...: on a fresh holder of the caller, as
# the caller: newuidmap/newgidmap ARG..., "@PID@" in an ARG replaced by the
# holder's PID.
ucase() { _case uid "$NUM" "$@"; }
gcase() { _case gid "$NGM" "$@"; }
_case() {
	local kind=$1 bin=$2 d=$3 want=$4 wmap=$5 re=$6 a
	local -a args=()
	shift 6
	fresh
	for a in "$@"; do
		args+=("${a//@PID@/$HOLDER}")
	done
	ncase "$d" "$kind" "$want" "$wmap" "$re" as_caller "$bin" "${args[@]}"
}

# expect_setgroups DESC VALUE: /proc/$HOLDER/setgroups is VALUE.
expect_setgroups() {
	local v
	v=$(cat "/proc/$HOLDER/setgroups" 2>/dev/null)
	if [ "$v" = "$2" ]; then
		pass "$1: setgroups $2"
	else
		fail "$1: setgroups $2" "setgroups now: ${v:-(unreadable)}"
	fi
}

# ---------------------------------------------------------------- setup

setup_helpers() {
	local L
	make_suid_dir
	NUM=$SUID_DIR/newuidmap
	NGM=$SUID_DIR/newgidmap
	install_suid "$NEWUIDMAP_BIN" "$NUM" 0:0
	install_suid "$NEWGIDMAP_BIN" "$NGM" 0:0

	# Files the callers may read; the evil ones they could have written.
	UD=$W/u
	mkdir -p "$UD" "$W/cbin" "$W/evil"
	chmod 1777 "$UD"
	chmod 755 "$W/cbin" "$W/evil"
	XEXEC=$W/cbin/newidmap_exec
	EVIL_MARK=$UD/evil.marker
	cc -O2 -Wall -o "$XEXEC" "$IT_DIR/newidmap_exec.c" || hard_error "cc newidmap_exec.c failed"
	HOLD=$W/cbin/userns_holder
	cc -O2 -Wall -o "$HOLD" "$IT_DIR/userns_holder.c" || hard_error "cc userns_holder.c failed"
	cc -O2 -Wall -shared -fPIC -DMARKER="\"$EVIL_MARK\"" -o "$W/evil/evil.so" "$IT_DIR/newidmap_evil.c" ||
		hard_error "cc newidmap_evil.c failed"
	for L in libcap.so.2 libaudit.so.1 libcap-ng.so.0; do
		cc -O2 -shared -fPIC -Wl,-soname,"$L" -DMARKER="\"$EVIL_MARK\"" -o "$W/evil/$L" \
			"$IT_DIR/newidmap_evil.c" || hard_error "cc $L failed"
	done
	chmod 755 "$W/evil"/*
	printf 'users self\nsubids pool 300000 65536\n' >"$UD/evil.conf"
	mkdir -p "$UD/xdg/nss_subid"
	cp "$UD/evil.conf" "$UD/xdg/nss_subid.conf"
	cp "$UD/evil.conf" "$UD/xdg/nss_subid/nss_subid.conf"
	chown -R "$U:0" "$UD/evil.conf" "$UD/xdg"
	printf 'regular file\n' >"$UD/regular"
	chmod 644 "$UD/regular"
}

# ---------------------------------------------------------------- checks

checks_setup() {
	echo "# set-user-ID copies of the staged helpers"
	run stat -c '%u:%g %a' "$NUM" "$NGM"
	expect_true "newuidmap and newgidmap copies are root:root, mode 4755" [ "$OUT" = $'0:0 4755\n0:0 4755' ]
	expect_true "their directory is not on a nosuid file system" eval '! nosuid_fs "$SUID_DIR"'
	expect_match "newuidmap --help as the user: usage on stdout, exit 0" 0 out 'Usage' as_user "$NUM" --help
	expect_match "newgidmap --version as the user: exit 0" 0 out 'newgidmap' as_user "$NGM" --version
	run as_user env LD_PRELOAD="$W/evil/evil.so" /bin/true
	expect_true "control: the evil library does fire when preloaded into an ordinary program (exit 66, marker)" \
		test "$RC" = 66 -a -e "$EVIL_MARK"
	rm -f "$EVIL_MARK"
}

checks_argv() {
	set_caller "$U" "$USER_GID"
	echo "# rule 1, usage: the target argument (exit 1, nothing written)"
	# Each of these would name the holder to a lax strtol()-style parser.
	ucase "target ''" 1 "" "$RE_PID" "" 0 "$U" 1
	ucase "target -PID" 1 "" "$RE_PID" "-@PID@" 0 "$U" 1
	ucase "target +PID" 1 "" "$RE_PID" "+@PID@" 0 "$U" 1
	ucase "target ' PID' (leading blank)" 1 "" "$RE_PID" " @PID@" 0 "$U" 1
	ucase "target 'PID ' (trailing blank)" 1 "" "$RE_PID" "@PID@ " 0 "$U" 1
	ucase "target 0PID (leading zero)" 1 "" "$RE_PID" "0@PID@" 0 "$U" 1
	fresh
	ncase "target 0xPID (hex)" uid 1 "" "$RE_PID" as_caller "$NUM" "0x$(printf %x "$HOLDER")" 0 "$U" 1
	ucase "target PIDx (trailing junk)" 1 "" "$RE_PID" "@PID@x" 0 "$U" 1
	ucase "target 0" 1 "" "$RE_PID" 0 0 "$U" 1
	ucase "target 4294967296" 1 "" "$RE_PID" 4294967296 0 "$U" 1
	ucase "target 18446744073709551616" 1 "" "$RE_PID" 18446744073709551616 0 "$U" 1
	fresh
	ncase "target PID+2^32 (wraps to PID in 32 bits)" uid 1 "" "$RE_PID" as_caller "$NUM" "$((HOLDER + 4294967296))" 0 "$U" 1
	ucase "target self" 1 "" "$RE_PID" self 0 "$U" 1
	ucase "target with a newline: one stderr line" 1 "" "$RE_PID" $'@PID@\n2' 0 "$U" 1
	ucase "target fd: without a number" 1 "" "$RE_PID" "fd:" 0 "$U" 1
	ucase "target fd:-1" 1 "" "$RE_PID" "fd:-1" 0 "$U" 1
	ucase "target fd:00 (leading zero)" 1 "" "$RE_PID" "fd:00" 0 "$U" 1
	ucase "target fd:4294967296" 1 "" "$RE_PID" "fd:4294967296" 0 "$U" 1

	echo "# rule 1, usage: argument count"
	ucase "no triplet: target only" 1 "" "$RE_ARGC" @PID@
	ucase "odd count: 2 numbers" 1 "" "$RE_ARGC" @PID@ 0 "$U"
	ucase "odd count: 4 numbers" 1 "" "$RE_ARGC" @PID@ 0 "$U" 1 1
	ucase "odd count: 5 numbers" 1 "" "$RE_ARGC" @PID@ 0 "$U" 1 1 100000
	fresh
	ncase "no arguments at all" uid 1 "" "$RE_ARGC" as_caller "$NUM"
	ncase "argc 0: execve(path, {NULL}, env)" uid 1 "" "$RE_ARGC" as_caller "$XEXEC" -0 "$NUM"
	ncase "newgidmap, argc 0" gid 1 "" "$RE_ARGC" as_caller "$XEXEC" -0 "$NGM"

	echo "# rule 1, usage: numbers in triplets (bad one in extent 2; exit 1, nothing written)"
	local bad what
	while IFS='|' read -r -u 3 what bad; do
		ucase "id '$what'" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 "$bad" 100000 1
	done 3<<-'EOF'
		empty|
		-1|-1
		+1|+1
		leading blank|  1
		0x10 (hex)|0x10
		010 (octal or leading zero)|010
		4294967296|4294967296
		18446744073709551616|18446744073709551616
		1x (trailing junk)|1x
		1.0|1.0
	EOF
	ucase "lowerid 0x186a0 (100000 in hex)" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 1 0x186a0 10
	ucase "lowerid 0303240 (100000 in octal)" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 1 0303240 10
	ucase "lowerid 0100000 (leading zero)" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 1 0100000 10
	ucase "lowerid +100000" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 1 +100000 10
	ucase "lowerid -1" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 1 -1 1
	ucase "lowerid 100000x" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 1 100000x 10
	ucase "count '10 ' (trailing blank)" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 1 100000 "10 "
	ucase "count 4294967296" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 1 100000 4294967296
	ucase "own UID written +1000000000 in extent 1" 1 "" "$(re_num 1)" @PID@ 0 "+$U" 1
	ucase "lowerid with a newline: one stderr line" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 1 $'100000\nnewuidmap: granted' 1
	ucase "a 100 kB argument" 1 "" "$(re_num 2)" @PID@ 0 "$U" 1 "$(printf '1%.0s' $(seq 100000))" 100000 1

	echo "# rule 1, usage: count, ranges, overlaps, extent count, text length"
	ucase "count 0" 1 "" "$(re_count 2)" @PID@ 0 "$U" 1 1 100000 0
	ucase "id 4294967295" 1 "" "$(re_range 2)" @PID@ 0 "$U" 1 4294967295 100000 1
	ucase "id+count past 4294967294 (4294967290 + 6)" 1 "" "$(re_range 2)" @PID@ 0 "$U" 1 4294967290 100000 6
	ucase "id+count wraps 2^32 (4294967295 + 2)" 1 "" "$(re_range 2)" @PID@ 0 "$U" 1 4294967295 100000 2
	ucase "lowerid 4294967295" 1 "" "$(re_range 2)" @PID@ 0 "$U" 1 1 4294967295 1
	ucase "lowerid+count past 4294967294 (4294967290 + 6)" 1 "" "$(re_range 2)" @PID@ 0 "$U" 1 1 4294967290 6
	ucase "count 4294967295" 1 "" "$(re_range 2)" @PID@ 0 "$U" 1 1 100000 4294967295
	ucase "overlapping id ranges (1-10 and 5-14)" 1 "" "$(re_overlap 3)" @PID@ 0 "$U" 1 1 100000 10 5 100010 10
	ucase "overlapping id ranges: id 0 twice" 1 "" "$(re_overlap 2)" @PID@ 0 "$U" 1 0 100000 10
	ucase "overlapping lowerid ranges (100000-100009, 100005-100014)" 1 "" "$(re_overlap 3)" \
		@PID@ 0 "$U" 1 1 100000 10 100 100005 10
	ucase "own UID mapped twice (lowerid overlap)" 1 "" "$(re_overlap 2)" @PID@ 0 "$U" 1 1 "$U" 1
	local -a many=()
	local k
	for k in $(seq 0 340); do many+=("$k" $((100000 + k)) 1); done
	ucase "341 extents" 1 "" "$RE_TOOMANY" @PID@ "${many[@]}"
	# 4096 bytes of map text: "10 1000000000 1\n" (16) + 204 x
	# "10000000KK 1000KK 1\n" (20); the same with "0 ..." (15) is 4095.
	local -a long=()
	local want
	for k in $(seq 0 203); do long+=($((1000000000 + k)) $((100000 + k)) 1); done
	ucase "map text of 4096 bytes (205 extents)" 1 "" "$RE_TOOLONG" @PID@ 10 "$U" 1 "${long[@]}"
	want=$(printf '0 %s 1\n' "$U"; for k in $(seq 0 203); do printf '%s %s 1\n' $((1000000000 + k)) $((100000 + k)); done)
	ucase "map text of 4095 bytes (205 extents): granted, exact map" 0 "$want" "" @PID@ 0 "$U" 1 "${long[@]}"
	ucase "usage before target: bad count on a PID that does not exist" 1 "" "$(re_count 2)" \
		"$NOPID" 0 "$U" 1 1 100000 0
}

checks_boundaries_granted() {
	set_caller "$U" "$USER_GID"
	echo "# granted: own UID and the pool (default configuration)"
	ucase "own UID + whole pool: 0 1000000000 1 1 100000 65536" 0 "$POOL_MAP" "" @PID@ 0 "$U" 1 1 100000 65536
	ucase "own UID only" 0 "0 $U 1" "" @PID@ 0 "$U" 1
	ucase "pool range alone, not at 0 inside" 0 "5000 150000 10" "" @PID@ 5000 150000 10
	ucase "pool split in two adjacent extents" 0 $'0 1000000000 1\n1 100000 100\n101 100100 65436' "" \
		@PID@ 0 "$U" 1 1 100000 100 101 100100 65436
	ucase "adjacent id ranges do not overlap (1-10, 11-20)" 0 $'1 100000 10\n11 100010 10' "" \
		@PID@ 1 100000 10 11 100010 10
	ucase "id 4294967294 (the last valid one)" 0 $'0 1000000000 1\n4294967294 100000 1' "" \
		@PID@ 0 "$U" 1 4294967294 100000 1
	ucase "id range ending at 4294967294 (4294967290 + 5)" 0 "4294967290 100000 5" "" @PID@ 4294967290 100000 5
	ucase "last ID of the pool: 1 165535 1" 0 "1 165535 1" "" @PID@ 1 165535 1

	echo "# rule 3, policy: denied (exit 2, nothing written)"
	ucase "pool one past the end (contract's example)" 2 "" "$(re_policy 2 '1 100000 65537' 165536)" \
		@PID@ 0 "$U" 1 1 100000 65537
	ucase "one below the pool: 1 99999 2" 2 "" "$(re_policy 1 '1 99999 2' 99999)" @PID@ 1 99999 2
	ucase "own UID with count 2" 2 "" "$(re_policy 1 "0 $U 2" "$U")" @PID@ 0 "$U" 2
	ucase "own UID inside a range: 0 1000589999 2" 2 "" "$(re_policy 1 '0 1000589999 2' 1000589999)" \
		@PID@ 0 1000589999 2
	ucase "lower ID 0" 2 "" "$(re_policy 1 '0 0 1' 0)" @PID@ 0 0 1
	ucase "lower ID 0 after a granted extent" 2 "" "$(re_policy 2 '1 0 1' 0)" @PID@ 0 "$U" 1 1 0 1
	ucase "alice's UID 1000 (someone else's ID)" 2 "" "$(re_policy 1 '0 1000 1' 1000)" @PID@ 0 1000 1
	ucase "another covered user's UID 1000590001" 2 "" "$(re_policy 1 '0 1000590001 1' 1000590001)" @PID@ 0 "$OTHER" 1
	ucase "lowerid 4294967294 (valid syntax, not granted)" 2 "" "$(re_policy 2 '1 4294967294 1' 4294967294)" \
		@PID@ 0 "$U" 1 1 4294967294 1
	ucase "denied extent after granted ones names extent 3" 2 "" "$(re_policy 3 '70000 300000 10' 300000)" \
		@PID@ 0 "$U" 1 1 100000 65536 70000 300000 10
	ucase "range straddling the pool's end: 1 165530 10" 2 "" "$(re_policy 1 '1 165530 10' 165536)" @PID@ 1 165530 10
	gcase "newgidmap: own GID with count 2" 2 "" "$(re_policy 1 '0 0 2' 0)" @PID@ 0 0 2
	gcase "newgidmap: GID 1000 (alice's group)" 2 "" "$(re_policy 1 '0 1000 1' 1000)" @PID@ 0 1000 1
	gcase "newgidmap: pool one past the end" 2 "" "$(re_policy 2 '1 100000 65537' 165536)" @PID@ 0 0 1 1 100000 65537
}

checks_target() {
	local P FD_ARGS reused want
	set_caller "$U" "$USER_GID"
	echo "# rule 2, target (exit 3, nothing written)"
	fresh
	ncase "PID that does not exist (pid_max)" uid 3 "" "$RE_TARGET_GONE" as_caller "$NUM" "$NOPID" 0 "$U" 1
	ncase "target before policy: unknown PID with a denied range" uid 3 "" "$RE_TARGET_GONE" \
		as_caller "$NUM" "$NOPID" 1 300000 10

	stop_holder
	spawn_as "$OTHER" 0 unshare --user sleep 600
	ncase "another user's process in its own new namespace" uid 3 "" "$RE_OWNER" as_caller "$NUM" "$HOLDER" 0 "$U" 1
	ncase "another user's process, newgidmap (same GID 0)" gid 3 "" "$RE_OWNER" as_caller "$NGM" "$HOLDER" 0 0 1
	ncase "target before policy: another user's process, denied range" uid 3 "" "$RE_OWNER" \
		as_caller "$NUM" "$HOLDER" 1 300000 10

	stop_holder
	# Real UID 0, effective/saved/fs UID 1000000000: the namespace belongs
	# to the user, the process does not.
	spawn setpriv --euid="$U" --regid=0 --clear-groups -- env -i PATH="$SAFE_PATH" unshare --user sleep 600
	ncase "process with real UID 0, effective UID the caller's" uid 3 "" "$RE_OWNER" \
		as_caller "$NUM" "$HOLDER" 0 "$U" 1

	stop_holder
	spawn_as "$U" 1000 unshare --user sleep 600
	ncase "newgidmap: the caller's process with GID 1000 (caller's GID is 0)" gid 3 "" "$RE_OWNER" \
		as_caller "$NGM" "$HOLDER" 0 0 1
	ncase "newuidmap on that process: GIDs do not matter (granted)" uid 0 "0 $U 1" "" \
		as_caller "$NUM" "$HOLDER" 0 "$U" 1

	fresh
	ncase "first write of a fresh target" uid 0 "$POOL_MAP" "" as_caller "$NUM" "$HOLDER" 0 "$U" 1 1 100000 65536
	ncase "second write: map already written, unchanged" uid 3 "$POOL_MAP" "$RE_WRITTEN" \
		as_caller "$NUM" "$HOLDER" 0 "$U" 1
	ncase "newgidmap after newuidmap on the same target still works" gid 0 "0 0 1" "" \
		as_caller "$NGM" "$HOLDER" 0 0 1
	ncase "newgidmap again: gid_map already written" gid 3 "0 0 1" "$RE_WRITTEN" as_caller "$NGM" "$HOLDER" 0 0 1

	stop_holder
	spawn_as "$U" 0 unshare --user --map-root-user sleep 600
	ncase "a namespace that mapped itself (unshare --map-root-user)" uid 3 "0 $U 1" "$RE_WRITTEN" \
		as_caller "$NUM" "$HOLDER" 1 100000 10

	stop_holder
	spawn_as "$U" 0 sleep 600
	ncase "a process in the caller's own namespace (no unshare)" uid 3 "0 0 4294967295" "$RE_NS" \
		as_caller "$NUM" "$HOLDER" 0 "$U" 1

	stop_holder
	spawn_as "$U" 0 unshare --user --map-root-user unshare --user sleep 600
	ncase "a grandchild namespace" uid 3 "" "$RE_NS" as_caller "$NUM" "$HOLDER" 0 "$U" 1
	ncase "a grandchild namespace, newgidmap" gid 3 "" "$RE_NS" as_caller "$NGM" "$HOLDER" 0 0 1

	# Non-dumpable targets: their /proc/PID/ns/user cannot be opened by the
	# caller, so the helper relies on the kernel's rule, and "a refused
	# write is also exit 3" (contract, rule 2).  The kernel makes the /proc
	# files of a non-dumpable process root's, so the caller's write may be
	# refused even for a proper child: either it is written (0, full map)
	# or refused (3, nothing written) -- never exit 4.
	local k m
	for k in uid gid; do
		stop_holder
		spawn_as "$U" 0 "$HOLD" -u -n
		if [ "$k" = uid ]; then
			nrun as_caller "$NUM" "$HOLDER" 0 "$U" 1 1 100000 65536
			want=$POOL_MAP
		else
			nrun as_caller "$NGM" "$HOLDER" 0 0 1
			want="0 0 1"
		fi
		m=$(map_of "$HOLDER" "${k}_map")
		if { [ "$RC" = 0 ] && [ "$m" = "$want" ]; } || { [ "$RC" = 3 ] && [ -z "$m" ]; }; then
			pass "non-dumpable target in a child namespace, new${k}map: exit 0 and written, or exit 3 and nothing written"
		else
			fail "non-dumpable target in a child namespace, new${k}map: exit 0 and written, or exit 3 and nothing written" \
				"$(ndetails)" "${k}_map now: $(show_map "$m")"
		fi
		if [ "$RC" = 0 ]; then
			check_stderr "non-dumpable target in a child namespace, new${k}map" "new${k}map" 0 ""
		else
			check_stderr "non-dumpable target in a child namespace, new${k}map" "new${k}map" 3 "$RE_NS|refused|process"
		fi
	done
	stop_holder
	spawn_as "$U" 0 "$HOLD" -n
	ncase "non-dumpable process in the caller's own namespace" uid 3 "0 0 4294967295" "$RE_NS|$RE_WRITTEN" \
		as_caller "$NUM" "$HOLDER" 0 "$U" 1
	stop_holder
	spawn_as "$U" 0 unshare --user --map-root-user "$HOLD" -u -n
	ncase "non-dumpable target in a grandchild namespace" uid 3 "" "$RE_NS|refused" \
		as_caller "$NUM" "$HOLDER" 0 "$U" 1
	ncase "non-dumpable target in a grandchild namespace, newgidmap" gid 3 "" "$RE_NS|refused" \
		as_caller "$NGM" "$HOLDER" 0 0 1
	stop_holder
	spawn_as "$OTHER" 0 "$HOLD" -u -n
	ncase "non-dumpable target of another user" uid 3 "" "$RE_OWNER" as_caller "$NUM" "$HOLDER" 0 "$U" 1

	# A zombie: a child of the holder unshared its user namespace and
	# exited; the holder never reaps it.  Not a live process.
	stop_holder
	rm -f "$UD/zombie.pid"
	spawn_as "$U" 0 "$HOLD" -u -z "$UD/zombie.pid"
	P=$HOLDER
	HOLDER=$(cat "$UD/zombie.pid" 2>/dev/null)
	for _ in $(seq 100); do
		[ "$(awk '{ print $3 }' "/proc/$HOLDER/stat" 2>/dev/null)" = Z ] && break
		sleep 0.05
	done
	if [ "$(awk '{ print $3 }' "/proc/$HOLDER/stat" 2>/dev/null)" = Z ]; then
		ncase "a zombie that had unshared its user namespace" uid 3 "" "$RE_TARGET_GONE|$RE_NS|zombie|live" \
			as_caller "$NUM" "$HOLDER" 0 "$U" 1
	else
		fail "a zombie that had unshared its user namespace" "could not make a zombie (pid ${HOLDER:-?})"
	fi
	HOLDER=$P
	stop_holder

	echo "# rule 2, target: fd:N"
	FD_ARGS='b=$1; f=$2; shift 2; exec "$b" "$@" 5<"$f"'
	fresh
	ncase "fd:N of the target's /proc/PID, opened by the caller" uid 0 "$POOL_MAP" "" \
		as_caller sh -c "$FD_ARGS" sh "$NUM" "/proc/$HOLDER" fd:5 0 "$U" 1 1 100000 65536
	fresh
	ncase "fd:N of a regular file" uid 3 "" "$RE_FD" as_caller sh -c "$FD_ARGS" sh "$NUM" "$UD/regular" fd:5 0 "$U" 1
	ncase "fd:N of a directory outside /proc" uid 3 "" "$RE_FD" as_caller sh -c "$FD_ARGS" sh "$NUM" "$UD" fd:5 0 "$U" 1
	ncase "fd:N of /proc itself" uid 3 "" "$RE_FD" as_caller sh -c "$FD_ARGS" sh "$NUM" /proc fd:5 0 "$U" 1
	ncase "fd:N of /proc/PID/ns (a procfs directory, not a process)" uid 3 "" "$RE_FD" \
		as_caller sh -c "$FD_ARGS" sh "$NUM" "/proc/$HOLDER/ns" fd:5 0 "$U" 1
	ncase "fd:N of /proc/self opened before exec (the helper itself)" uid 3 "" "$RE_NS|$RE_FD|$RE_OWNER" \
		as_caller sh -c "$FD_ARGS" sh "$NUM" /proc/self fd:5 0 "$U" 1
	ncase "fd:9, not open" uid 3 "" "$RE_FD" as_caller "$NUM" fd:9 0 "$U" 1
	ncase "fd:0 (/dev/null)" uid 3 "" "$RE_FD" as_caller "$NUM" fd:0 0 "$U" 1 </dev/null

	# PID reuse: the caller holds fd 5 on /proc/P of its holder; the holder
	# dies and is reaped; a new holder of the same user gets PID P again
	# (ns_last_pid).  fd:5 must not reach the new process.
	fresh
	P=$HOLDER
	exec 5<"/proc/$P"
	stop_holder "$P"
	reused=0
	for _ in $(seq 20); do
		echo $((P - 1)) >/proc/sys/kernel/ns_last_pid 2>/dev/null
		spawn_as "$U" 0 unshare --user sleep 600
		if [ "$HOLDER" = "$P" ]; then
			reused=1
			break
		fi
		stop_holder
	done
	if [ "$reused" = 1 ]; then
		echo "# PID reuse: a new holder got the dead holder's PID"
	else
		echo "# PID reuse: could not get the same PID again (busy system); the dead fd is still checked"
		fresh
	fi
	ncase "fd:N of a dead, reaped holder (its PID reused if possible)" uid 3 "" "$RE_FD|$RE_TARGET_GONE" \
		as_caller "$NUM" fd:5 0 "$U" 1 1 100000 65536
	exec 5<&-
	ncase "the live process now at that PID is still writable by PID" uid 0 "$POOL_MAP" "" \
		as_caller "$NUM" "$HOLDER" 0 "$U" 1 1 100000 65536

	# Two helpers race for one target: exactly one map is written.
	local r1 r2 map
	fresh
	as_caller "$NUM" "$HOLDER" 0 "$U" 1 2>/dev/null &
	r1=$!
	as_caller "$NUM" "$HOLDER" 0 "$U" 1 1 100000 65536 2>/dev/null &
	r2=$!
	wait "$r1"
	r1=$?
	wait "$r2"
	r2=$?
	map=$(map_of "$HOLDER" uid_map)
	if { [ "$r1" = 0 ] && [[ $r2 =~ ^[34]$ ]] && [ "$map" = "0 $U 1" ]; } ||
		{ [ "$r2" = 0 ] && [[ $r1 =~ ^[34]$ ]] && [ "$map" = "$POOL_MAP" ]; }; then
		pass "two helpers race for one target: one writes (0), the other fails (3 or 4), map is the winner's"
	else
		fail "two helpers race for one target: one writes (0), the other fails (3 or 4), map is the winner's" \
			"exit statuses: $r1 $r2" "uid_map: $(show_map "$map")"
	fi
	stop_holder
}

checks_hostile() {
	set_caller "$U" "$USER_GID"
	echo "# hostile callers: closed fds, forged argv[0], hostile environment"
	fresh
	ncase "fds 0-2 closed: granted, exact map" uid 0 "$POOL_MAP" - \
		as_caller "$XEXEC" -c "$NUM" "$HOLDER" 0 "$U" 1 1 100000 65536
	fresh
	ncase "fds 0-2 closed: denied (2), nothing written" uid 2 "" - \
		as_caller "$XEXEC" -c "$NUM" "$HOLDER" 0 "$U" 1 1 100000 65537
	fresh
	ncase "fds 0-2 closed: usage (1)" uid 1 "" - as_caller "$XEXEC" -c "$NUM" "$HOLDER" 0 "$U"
	fresh
	ncase "fds 0-2 closed: newgidmap granted" gid 0 $'0 0 1\n1 100000 65536' - \
		as_caller "$XEXEC" -c "$NGM" "$HOLDER" 0 0 1 1 100000 65536

	# no_new_privs (a pod with allowPrivilegeEscalation: false): the
	# set-user-ID bit is ignored; the caller's own ID can still be mapped
	# (the kernel allows that unprivileged), a range cannot, and the
	# message says why instead of blaming the target.
	fresh
	ncase "no_new_privs: a granted range cannot be written (4), says why" uid 4 "" 'no privilege.*CAP_SETUID.*no_new_privs' \
		as_caller setpriv --no-new-privs "$NUM" "$HOLDER" 0 "$U" 1 1 100000 65536
	fresh
	ncase "no_new_privs: the caller's own ID alone is still mapped" uid 0 "0 $U 1" "" \
		as_caller setpriv --no-new-privs "$NUM" "$HOLDER" 0 "$U" 1
	fresh
	ncase "argv[0] 'newgidmap' on newuidmap: still uid_map" uid 0 "0 $U 1" "" \
		as_caller "$XEXEC" -a newgidmap "$NUM" "$HOLDER" 0 "$U" 1
	expect_true "argv[0] 'newgidmap' on newuidmap: gid_map untouched" [ -z "$(map_of "$HOLDER" gid_map)" ]
	fresh
	ncase "argv[0] 'newuidmap' on newgidmap: still gid_map" gid 0 "0 0 1" "" \
		as_caller "$XEXEC" -a newuidmap "$NGM" "$HOLDER" 0 0 1
	expect_true "argv[0] 'newuidmap' on newgidmap: uid_map untouched" [ -z "$(map_of "$HOLDER" uid_map)" ]

	local -a HOSTILE=(env
		LD_PRELOAD="$W/evil/evil.so /nonexistent/evil.so"
		LD_LIBRARY_PATH="$W/evil"
		LD_AUDIT="$W/evil/evil.so"
		LD_DEBUG=all LD_DEBUG_OUTPUT="$UD/lddebug" LD_SHOW_AUXV=1 LD_BIND_NOT=1
		GCONV_PATH="$W/evil" LOCPATH="$W/evil" NLSPATH="$W/evil/%N"
		LANG=xx_EVIL.UTF-8 LC_ALL='../../../../tmp/evil' LC_MESSAGES=de_DE.UTF-8 LANGUAGE=de:fr
		TZ=:/etc/shadow MALLOC_CHECK_=3 MALLOC_PERTURB_=165 TMPDIR="$UD"
		NSS_SUBID_CONF="$UD/evil.conf" NSS_SUBID_STAGE="$UD"
		XDG_CONFIG_HOME="$UD/xdg" XDG_CONFIG_DIRS="$UD/xdg" XDG_RUNTIME_DIR="$UD" XDG_DATA_HOME="$UD"
		HOME="$UD" USER=root LOGNAME=root IFS=:0 PATH="$W/evil:$SAFE_PATH" POSIXLY_CORRECT=1)
	rm -f "$EVIL_MARK" "$UD/lddebug"*
	fresh
	ncase "hostile environment: own UID + pool granted, identical map" uid 0 "$POOL_MAP" "" \
		as_caller "${HOSTILE[@]}" "$NUM" "$HOLDER" 0 "$U" 1 1 100000 65536
	fresh
	ncase "hostile environment: evil.conf's pool 300000 is not used" uid 2 "" \
		"$(re_policy 2 '1 300000 65536' 300000)" as_caller "${HOSTILE[@]}" "$NUM" "$HOLDER" 0 "$U" 1 1 300000 65536
	fresh
	ncase "hostile environment: usage error, one plain line" uid 1 "" "$(re_count 1)" \
		as_caller "${HOSTILE[@]}" "$NUM" "$HOLDER" 0 "$U" 0
	fresh
	ncase "hostile environment: newgidmap granted" gid 0 $'0 0 1\n1 100000 65536' "" \
		as_caller "${HOSTILE[@]}" "$NGM" "$HOLDER" 0 0 1 1 100000 65536
	expect_true "hostile environment: the evil library was never loaded" [ ! -e "$EVIL_MARK" ]
	expect_true "hostile environment: no LD_DEBUG output written" eval '! ls "$UD"/lddebug* >/dev/null 2>&1'
}

checks_newgidmap_setgroups() {
	local L
	set_caller "$U" "$USER_GID"
	echo "# rule 4, newgidmap and setgroups (CVE-2018-7169)"
	use_etc
	gcase "own GID only, caller holds the pool as subordinate GIDs" 0 "0 0 1" "" @PID@ 0 0 1
	expect_setgroups "own GID only, caller holds subordinate GIDs" allow
	gcase "own GID + pool" 0 $'0 0 1\n1 100000 65536' "" @PID@ 0 0 1 1 100000 65536
	expect_setgroups "own GID + pool" allow

	L=$(new_layer nosubgid)
	write_file "$L/nss_subid.conf" 644 "users self
subids files
"
	use_etc "$L"
	gcase "no subordinate GIDs (subids files, empty /etc/subgid): own GID only" 0 "0 0 1" "" @PID@ 0 0 1
	expect_setgroups "no subordinate GIDs: own GID only" deny
	gcase "no subordinate GIDs: pool range denied" 2 "" "$(re_policy 2 '1 100000 10' 100000)" @PID@ 0 0 1 1 100000 10
	expect_setgroups "no subordinate GIDs: denied request" allow
	ucase "no subordinate UIDs: newuidmap own UID still granted" 0 "0 $U 1" "" @PID@ 0 "$U" 1
	ucase "no subordinate UIDs: newuidmap pool denied" 2 "" "$(re_policy 1 '1 100000 1' 100000)" @PID@ 1 100000 1
	use_etc
}

checks_unsafe_config() {
	local L good="users self
subids pool 100000 65536
"
	set_caller "$U" "$USER_GID"
	echo "# unsafe or invalid /etc/nss_subid.conf: nothing beyond the caller's own ID"
	L=$(new_layer gw)
	write_file "$L/nss_subid.conf" 664 "$good"
	use_etc "$L"
	ucase "config mode 664: own UID granted" 0 "0 $U 1" "" @PID@ 0 "$U" 1
	ucase "config mode 664: pool denied" 2 "" "$(re_policy 2 '1 100000 65536' 100000)" @PID@ 0 "$U" 1 1 100000 65536
	gcase "config mode 664: newgidmap own GID" 0 "0 0 1" "" @PID@ 0 0 1
	expect_setgroups "config mode 664: no subordinate GIDs" deny

	L=$(new_layer symlink)
	write_file "$L/nss_subid.conf.real" 644 "$good"
	ln -s /etc/nss_subid.conf.real "$L/nss_subid.conf"
	use_etc "$L"
	ucase "config is a symbolic link: pool denied" 2 "" "$(re_policy 1 '1 100000 65536' 100000)" @PID@ 1 100000 65536
	ucase "config is a symbolic link: own UID granted" 0 "0 $U 1" "" @PID@ 0 "$U" 1

	L=$(new_layer userowned)
	write_file "$L/nss_subid.conf" 644 "users self
subids pool 300000 65536
"
	chown "$U:0" "$L/nss_subid.conf"
	use_etc "$L"
	ucase "config owned by the caller: its pool denied" 2 "" "$(re_policy 1 '1 300000 10' 300000)" @PID@ 1 300000 10
	ucase "config owned by the caller: the default pool denied too" 2 "" "$(re_policy 1 '1 100000 10' 100000)" \
		@PID@ 1 100000 10

	L=$(new_layer invalid)
	write_file "$L/nss_subid.conf" 644 "users self
gid 0
subids pool 100000 65536
gid 0
"
	use_etc "$L"
	ucase "invalid config (duplicate gid): pool denied" 2 "" "$(re_policy 1 '1 100000 10' 100000)" @PID@ 1 100000 10
	use_etc
}

checks_subuid_files() {
	local L
	echo "# /etc/subuid for alice (1000:1000 in /etc/passwd, not covered): malformed lines never grant"
	set_caller "$ALICE" 1000
	L=$(new_layer subuid)
	write_file "$L/subuid" 644 "alice:200000:65536
alice:abc:100
alice:300000
alice:0:100
alice:4294967000:1000
alice:450000:10:extra
alice: 500000:10
alice:+510000:10
alice:0520000:10
alice:530000:0
alice:0x8b290:16
 alice:540000:10
alice:550000:10 
alice:560000:-10
1000:600000:100
containers:700000:65536
01000:710000:10
"
	write_file "$L/subgid" 644 "alice:200000:65536
"
	use_etc "$L"
	ucase "alice: own UID + her valid line" 0 $'0 1000 1\n1 200000 65536' "" @PID@ 0 1000 1 1 200000 65536
	ucase "alice: line owned by her decimal UID (1000:600000:100)" 0 "1 600000 100" "" @PID@ 1 600000 100
	local what lower count
	while read -r -u 3 lower count what; do
		ucase "alice: malformed line skipped ($what)" 2 "" "$(re_policy 1 "1 $lower $count" "$lower")" \
			@PID@ 1 "$lower" "$count"
	done 3<<-'EOF'
		300000 1 missing-count
		1 99 range-contains-0
		4294967000 10 range-past-4294967294
		450000 10 extra-field
		500000 10 blank-before-number
		510000 10 plus-sign
		520000 10 leading-zero
		530000 1 count-0
		570000 16 hex
		540000 10 blank-before-name
		550000 10 blank-after-count
		560000 1 negative-count
	EOF
	ucase "alice: containers' line is not hers" 2 "" "$(re_policy 1 '1 700000 10' 700000)" @PID@ 1 700000 10
	ucase "alice: owner 01000 is not UID 1000" 2 "" "$(re_policy 1 '1 710000 10' 710000)" @PID@ 1 710000 10
	ucase "alice: one past her line" 2 "" "$(re_policy 2 '1 200000 65537' 265536)" @PID@ 0 1000 1 1 200000 65537
	gcase "alice: newgidmap own GID + /etc/subgid line" 0 $'0 1000 1\n1 200000 65536' "" @PID@ 0 1000 1 1 200000 65536
	expect_setgroups "alice: newgidmap with a subordinate GID range" allow

	L=$(new_layer subuid-gw)
	write_file "$L/subuid" 664 "alice:200000:65536
"
	use_etc "$L"
	ucase "group-writable /etc/subuid: alice's line denied" 2 "" "$(re_policy 1 '1 200000 10' 200000)" @PID@ 1 200000 10
	ucase "group-writable /etc/subuid: alice's own UID granted" 0 "0 1000 1" "" @PID@ 0 1000 1

	# Ranges that contain UIDs of real users.  What is asserted is
	# nss_subid.conf(5): /etc/subuid lines of an owner that is not covered
	# are granted exactly as written (as shadow's files backend does), even
	# if they contain another user's or the owner's own UID; a pool block
	# never grants an /etc/passwd user's UID nor another owner's /etc/subuid
	# IDs; a pool containing the caller's own UID is withheld from that
	# caller (podman rejects it).
	echo "# ranges colliding with real users (policy of nss_subid.conf(5), see the comment)"
	L=$(new_layer collide-subuid)
	write_file "$L/subuid" 644 "alice:990:20
"
	use_etc "$L"
	ucase "alice's /etc/subuid line 990-1009 (contains 1000 and containers' 1001): granted as written" \
		0 "1 990 20" "" @PID@ 1 990 20
	ucase "alice: own UID and that line overlap: usage" 1 "" "$(re_overlap 2)" @PID@ 0 1000 1 1 990 20

	set_caller "$U" "$USER_GID"
	L=$(new_layer collide-pool)
	write_file "$L/nss_subid.conf" 644 "users self
subids pool 1000 65536
"
	use_etc "$L"
	# Reversed: a pool block never hands out a real account's UID.
	ucase "pool 1000-66535 contains alice (1000) and containers (1001): refused" 2 "" \
		"$(re_policy 1 '1 1000 2' 1000)" @PID@ 1 1000 2
	ucase "pool 1000-66535: the IDs after the accounts are still granted" 0 "1 1002 10" "" @PID@ 1 1002 10
	L=$(new_layer pool-self)
	write_file "$L/nss_subid.conf" 644 "users self
subids pool 1000500000 100000
"
	use_etc "$L"
	ucase "pool containing the caller's own UID is withheld" 2 "" "$(re_policy 1 '1 1000500000 10' 1000500000)" \
		@PID@ 1 1000500000 10
	ucase "pool containing the caller's own UID: own UID still granted" 0 "0 $U 1" "" @PID@ 0 "$U" 1
	use_etc
}

# ---------------------------------------------------------------- the caller in a user namespace

# in_seed UID GID CMD...: CMD in the seed namespace as UID:GID (seen there).
in_seed() {
	local u=$1 g=$2
	shift 2
	nsenter --target "$SEED" --user -- setpriv --reuid="$u" --regid="$g" --clear-groups -- \
		env -i PATH="$SAFE_PATH" HOME=/ LC_ALL=C "$@"
}

# seed_fresh: a holder started by the seed caller (SCU:SCG, default
# 1000:0) in a child namespace of the seed namespace.
SCU=1000
SCG=0
seed_fresh() {
	stop_holder
	spawn nsenter --target "$SEED" --user -- setpriv --reuid="$SCU" --regid="$SCG" --clear-groups -- \
		env -i PATH="$SAFE_PATH" unshare --user sleep 600 || fail "start a holder in the seed namespace"
}

# scase KIND DESC RC MAP ERE ARG...: as SCU:SCG of the seed namespace on a
# fresh holder there; the map as the caller sees it.
scase() {
	local kind=$1 d=$2 want=$3 wmap=$4 re=$5 a map bin=$SNUM
	local -a args=()
	shift 5
	[ "$kind" = gid ] && bin=$SNGM
	seed_fresh
	for a in "$@"; do
		args+=("${a//@PID@/$HOLDER}")
	done
	nrun in_seed "$SCU" "$SCG" "$bin" "${args[@]}"
	map=$(in_seed "$SCU" "$SCG" awk '{ $1 = $1; print }' "/proc/$HOLDER/${kind}_map" 2>/dev/null)
	if [ "$RC" = "$want" ] && [ -z "$OUT" ] && [ "$map" = "$wmap" ]; then
		pass "$d: exit $want, ${kind}_map $(show_map "$map")"
	else
		fail "$d: exit $want, ${kind}_map $(show_map "$wmap")" "$(ndetails)" "${kind}_map now: $(show_map "$map")"
	fi
	check_stderr "$d" "new${kind}map" "$want" "$re"
}

checks_userns() {
	local L k want
	local -a many=()
	echo "# caller in a user namespace (map 0 200000 65536) as 1000:0: subids userns"
	# As test_userns.sh: the fake /etc owned by root of the namespace (host
	# 200000), /etc/passwd without UID 1000, a seed namespace whose maps
	# host root writes, and set-user-ID copies owned by its root.
	L=$(new_layer seed)
	write_file "$L/passwd" 644 "root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"
	chown -R "$NSROOT:$NSROOT" "$O/base" "$L"
	use_etc "$L"
	spawn unshare --user sleep 3600 || hard_error "unshare --user did not start"
	SEED=$HOLDER
	HOLDER=
	printf '0 %s 65536\n' "$NSROOT" >"/proc/$SEED/uid_map" || hard_error "cannot write the seed's uid_map"
	printf '0 %s 65536\n' "$NSROOT" >"/proc/$SEED/gid_map" || hard_error "cannot write the seed's gid_map"
	mkdir -p "$SUID_DIR/ns"
	SNUM=$SUID_DIR/ns/newuidmap
	SNGM=$SUID_DIR/ns/newgidmap
	install_suid "$NEWUIDMAP_BIN" "$SNUM" "$NSROOT:$NSROOT"
	install_suid "$NEWGIDMAP_BIN" "$SNGM" "$NSROOT:$NSROOT"
	chown "$NSROOT:$NSROOT" "$SUID_DIR/ns"

	expect_eq "seed namespace: the caller's uid_map" "0 $NSROOT 65536" in_seed 1000 0 awk '{ $1 = $1; print }' /proc/self/uid_map

	scase uid "userns: own UID + 1-999 + 1001-65535" 0 $'0 1000 1\n1 1 999\n1000 1001 64535' "" \
		@PID@ 0 1000 1 1 1 999 1000 1001 64535
	scase gid "userns: newgidmap own GID + 1-65535" 0 $'0 0 1\n1 1 65535' "" @PID@ 0 0 1 1 1 65535
	expect_setgroups "userns: newgidmap with subordinate GIDs" allow
	scase uid "userns: own UID inside a range of count 2 (999-1000)" 2 "" "$(re_policy 1 '1 999 2' 1000)" @PID@ 1 999 2
	scase uid "userns: own UID with count 2" 2 "" "$(re_policy 1 '0 1000 2' 1000)" @PID@ 0 1000 2
	scase uid "userns: 1-65535 contains the caller's UID" 2 "" "$(re_policy 1 '1 1 65535' 1000)" @PID@ 1 1 65535
	scase uid "userns: lower ID 0 (root of the namespace)" 2 "" "$(re_policy 1 '0 0 1' 0)" @PID@ 0 0 1
	scase uid "userns: beyond the map (65536)" 2 "" "$(re_policy 1 '1 65000 537' 65536)" @PID@ 1 65000 537
	scase uid "userns: the pool is not used in a namespace" 2 "" "$(re_policy 1 '1 100000 10' 100000)" @PID@ 1 100000 10
	for k in $(seq 0 339); do many+=("$k" $((k + 1)) 1); done
	want=$(for k in $(seq 0 339); do printf '%s %s 1\n' "$k" $((k + 1)); done)
	scase uid "userns: 340 extents (the kernel's limit), granted" 0 "$want" "" @PID@ "${many[@]}"
	scase uid "userns: 341 extents" 1 "" "$RE_TOOMANY" @PID@ "${many[@]}" 340 341 1

	# Root of the seed namespace: not covered ("users self" never covers
	# UID 0), so only its own ID -- which is lower ID 0, and mapping lower
	# ID 0 needs CAP_SETFCAP since Linux 5.12 (contract, rule 5).
	SCU=0
	scase uid "userns: root of the namespace maps its own UID 0 (CAP_SETFCAP)" 0 "0 0 1" "" @PID@ 0 0 1
	scase uid "userns: root of the namespace: no subordinate UIDs" 2 "" "$(re_policy 2 '1 1 10' 1)" \
		@PID@ 0 0 1 1 1 10
	SCU=1000

	stop_holder
	spawn nsenter --target "$SEED" --user -- setpriv --reuid=1000 --regid=0 --clear-groups -- \
		env -i PATH="$SAFE_PATH" sleep 600
	ncase "userns: a process in the caller's own (seed) namespace" uid 3 "0 $NSROOT 65536" "$RE_NS" \
		in_seed 1000 0 "$SNUM" "$HOLDER" 0 1000 1
	# A sibling: a child of the initial namespace made by host UID 201000,
	# which the seed shows as 1000: same UIDs, wrong parent.
	stop_holder
	spawn setpriv --reuid=$((NSROOT + 1000)) --regid="$NSROOT" --clear-groups -- env -i PATH="$SAFE_PATH" \
		unshare --user sleep 600
	nrun in_seed 1000 0 "$SNUM" "$HOLDER" 0 1000 1
	if [ "$RC" = 3 ] && [ -z "$(map_of "$HOLDER" uid_map)" ]; then
		pass "userns: a sibling namespace owned by the same host UID: exit 3, uid_map empty"
	else
		fail "userns: a sibling namespace owned by the same host UID: exit 3, uid_map empty" "$(ndetails)" \
			"uid_map now: $(show_map "$(map_of "$HOLDER" uid_map)")"
	fi
	check_stderr "userns: a sibling namespace owned by the same host UID" newuidmap 3 "$RE_NS"
	stop_holder
	# The same, non-dumpable: the helper cannot open its ns/user, the
	# kernel refuses the write (EPERM), which is exit 3 too.
	spawn setpriv --reuid=$((NSROOT + 1000)) --regid="$NSROOT" --clear-groups -- env -i PATH="$SAFE_PATH" \
		"$HOLD" -u -n
	nrun in_seed 1000 0 "$SNUM" "$HOLDER" 0 1000 1
	if [ "$RC" = 3 ] && [ -z "$(map_of "$HOLDER" uid_map)" ]; then
		pass "userns: a non-dumpable sibling namespace owned by the same host UID: exit 3, uid_map empty"
	else
		fail "userns: a non-dumpable sibling namespace owned by the same host UID: exit 3, uid_map empty" "$(ndetails)" \
			"uid_map now: $(show_map "$(map_of "$HOLDER" uid_map)")"
	fi
	check_stderr "userns: a non-dumpable sibling namespace" newuidmap 3 "$RE_NS|refused"
	stop_holder
	stop_holder "$SEED"
}

all_checks() {
	trap cleanup_newidmap EXIT
	NOPID=$(cat /proc/sys/kernel/pid_max) # one past the largest PID: never a process
	setup_helpers
	checks_setup
	checks_argv
	checks_boundaries_granted
	checks_target
	checks_hostile
	checks_newgidmap_setgroups
	checks_unsafe_config
	checks_subuid_files
	checks_userns # last: it chowns the fake /etc to root of the namespace
	stop_all_holders
}

run_tests all_checks
