#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Root integration test of the cgroup v2 delegation helper subid-cgroup
# (helpers/subid-cgroup.c, lib/cgroup.c), as root with a real set-user-ID
# copy of the staged helper and the unprivileged user 1000000000:0 as the
# caller (built-in defaults: "users self", pool block 100000-165535).
#
# In the private mount namespace of lib.sh, a private cgroup2 mount ($W/cg)
# holds a test-only parent nss_subid-test.PID (the same hierarchy as the
# host's, so every cgroup made here is visible host-wide: all are removed at
# the end, and by an exit trap on failure).  Below it:
#
#   allowed     the configured cgroup-parent (P)
#   allowedX    not configured: the prefix trick
#   other       not configured: where a swapped or misresolved path would
#               lead
#
# Every case checks the exit status (1 usage, 2 policy, 3 path, 4 system)
# and the resulting state: who owns the cgroup directory, cgroup.procs,
# cgroup.subtree_control, cgroup.threads and the files listed in
# /sys/kernel/cgroup/delegate, that every other interface file
# (cgroup.max.depth, cgroup.type, ...) stays root's, and that a refused
# request created or changed nothing.
#
# Needs root, cgroup2 and openat2 (Linux 5.6); exits 77 with a reason
# otherwise.  NSS_SUBID_STAGE as in lib.sh.

# Functions below are called through run_tests and run, which shellcheck
# cannot follow; single-quoted $ in sh -c programs is intended.
# shellcheck disable=SC2317,SC2016
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=newidmap_lib.sh
. "$(dirname "$0")/newidmap_lib.sh" # make_suid_dir, install_suid, cleanup_newidmap

# newidmap_lib.sh's prepare_stage builds a clean copy of the tree when
# NSS_SUBID_STAGE is unset; lib.sh's (make install of this build tree) is
# enough here, and finds subid-cgroup.
prepare_stage() {
	lib_prepare_stage
	[ -n "${SUBID_CGROUP_BIN:-}" ] || hard_error "no libexec/nss_subid/subid-cgroup in $NSS_SUBID_STAGE"
}

require_root
require_cmds setpriv unshare mount umount findmnt stat find install sha256sum
grep -qw cgroup2 /proc/filesystems || skip "the kernel has no cgroup2 file system"
case $(uname -r) in
[0-4].* | 5.[0-5] | 5.[0-5][.-]*) skip "needs openat2 (Linux 5.6 or later), kernel is $(uname -r)" ;;
esac

U=$USER_UID       # 1000000000:0, the caller
OTHER=1000590001  # another covered user
SUB=100000        # first UID/GID of the caller's pool block
SUB_LAST=165535
DEFAULT_DEPTH=2

# ---------------------------------------------------------------- helpers

# The files the helper hands over: the three it always names, plus the
# kernel's list.
DELEG_FILES=$({
	printf '%s\n' cgroup.procs cgroup.subtree_control cgroup.threads
	cat /sys/kernel/cgroup/delegate 2>/dev/null
} | awk 'NF && !seen[$0]++' | paste -sd' ' -)
is_deleg() {
	case " $DELEG_FILES " in *" $1 "*) return 0 ;; esac
	return 1
}

# own_check DESC DIR OWNER [OTHERS]: DIR and the delegate files in it belong
# to OWNER (uid:gid), every other file to OTHERS (default 0:0), and the
# three base files exist.  One check.
own_check() {
	local d=$1 dir=$2 want=$3 rest=${4:-0:0} f b o exp n=0 m=0
	local -a bad=()
	if [ ! -d "$dir" ]; then
		fail "$d" "$dir does not exist"
		return
	fi
	o=$(stat -c %u:%g "$dir")
	[ "$o" = "$want" ] || bad+=("directory: $o, want $want")
	for b in cgroup.procs cgroup.subtree_control cgroup.threads; do
		[ -f "$dir/$b" ] || bad+=("$b missing")
	done
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		b=${f##*/}
		if is_deleg "$b"; then
			exp=$want
			n=$((n + 1))
		else
			exp=$rest
			m=$((m + 1))
		fi
		o=$(stat -c %u:%g "$f")
		[ "$o" = "$exp" ] || bad+=("$b: $o, want $exp")
	done
	if [ "${#bad[@]}" = 0 ] && [ "$m" -gt 0 ]; then
		pass "$d: dir + $n delegate files $want, $m others $rest"
	else
		fail "$d: dir + delegate files $want, others $rest" "${bad[@]}" "(others counted: $m)" "last command: $LAST_CMD" "stderr: ${ERR:-(empty)}"
	fi
}

# tree: every cgroup below the test parent and outside it that a case could
# touch, with its owner, and the owners of the files in the unconfigured
# cgroups; compared before and after a refused request.
tree() {
	find "$T" -type d -printf '%P %U:%G\n' | sort
	find "$T/other" "$T/allowedX" -type f -printf '%P %U:%G\n' | sort
	find "$W/tmpfs" "$W/evil" -printf '%P %U:%G\n' 2>/dev/null | sort
	[ "${V1_OK:-0}" = 1 ] && find "$W/v1" -maxdepth 1 -type d | sort
}

# refused DESC STATUS ERE CMD...: CMD exits STATUS with empty stdout and a
# stderr line "subid-cgroup: ..." matching ERE, and no cgroup or owner
# changed.
refused() {
	local d=$1 want=$2 re=$3 before after
	shift 3
	before=$(tree)
	run "$@"
	after=$(tree)
	if [ "$RC" = "$want" ] && [ -z "$OUT" ] && printf '%s\n' "$ERR" | grep -Eq -- "^subid-cgroup: .*($re)" &&
		[ "$before" = "$after" ]; then
		pass "$d: exit $want, nothing changed"
	else
		fail "$d: exit $want, stderr /$re/, nothing changed" "$(_details)" \
			"changes: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -5 | tr '\n' ';')"
	fi
}

# in_cg_as_user CGROUP CMD...: CMD as the user (as_user), in a process that
# root first put into CGROUP, as a login manager or a runtime would.
in_cg_as_user() {
	local cg=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" \
		setpriv --reuid="$U" --regid=0 --clear-groups -- env -i PATH="$SAFE_PATH" HOME=/ LC_ALL=C "$@"
}

# ok DESC CMD...: CMD exits 0 with empty stdout and stderr.
ok() {
	local d=$1
	shift
	run "$@"
	if [ "$RC" = 0 ] && [ -z "$OUT" ] && [ -z "$ERR" ]; then
		pass "$d: exit 0, silent"
	else
		fail "$d: exit 0, silent" "$(_details)"
	fi
}

# granted DESC DIR OWNER OTHERS CMD...: CMD exits 0 silently, and then
# own_check DIR OWNER OTHERS.  One check.
granted() {
	local d=$1 dir=$2 want=$3 rest=$4
	shift 4
	run "$@"
	if [ "$RC" = 0 ] && [ -z "$OUT" ] && [ -z "$ERR" ]; then
		own_check "$d: exit 0" "$dir" "$want" "$rest"
	else
		fail "$d: exit 0, silent" "$(_details)"
	fi
}

# conf TEXT [OWNER MODE]: /etc/nss_subid.conf is TEXT (root:root 0644 unless
# given), alone in a new /etc layer.
conf() {
	local l
	l=$(new_layer "conf$((++NCONF))")
	write_file "$l/nss_subid.conf" "${3:-0644}" "$1"
	chown "${2:-0:0}" "$l/nss_subid.conf"
	use_etc "$l"
}
NCONF=0

# rmcg DIR: remove the cgroup DIR and everything below it, leaf first, after
# moving any process left in them to the root cgroup.
rmcg() {
	cg_remove_tree "$1" "$CGROOT"
}

# teardown: unmount what the checks mounted, remove every test cgroup, and
# give the root cgroup its subtree_control back.  Status: the cgroups are
# gone.
teardown() {
	local m r
	for m in "$W/race/x/mnt" "$W/race/d/mnt" "$W/evil/mnt" "$W/tmpfs"; do
		mountpoint -q "$m" 2>/dev/null && umount -l "$m"
	done
	v1_teardown
	r=0
	[ -n "${T:-}" ] && { rmcg "$T" || r=1; }
	if [ "${ROOT_CTRL_ADDED:-0}" = 1 ]; then
		echo "-$CTRL" >"$CGROOT/cgroup.subtree_control" && ROOT_CTRL_ADDED=0
	fi
	return "$r"
}

# v1_teardown: remove any cgroup made in the v1 hierarchy and unmount it.
# A hierarchy that still had a child at umount (rmdir is completed
# asynchronously) lives on, listed in every /proc/PID/cgroup: mount it
# again until it is released, and let go.
v1_teardown() {
	[ "${V1_OK:-0}" = 1 ] || return 0
	find "$W/v1" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
	umount "$W/v1" && V1_OK=0
	for _ in $(seq 50); do
		grep -q ":name=$V1_NAME:" /proc/self/cgroup || return 0
		sleep 0.2
		mount -t cgroup -o "none,name=$V1_NAME" cgroup "$W/v1" 2>/dev/null && umount "$W/v1"
	done
	echo "# WARNING: the cgroup v1 hierarchy name=$V1_NAME is still there" >&2
}

# The inner process's exit trap: also after a hard error.
cg_cleanup() {
	# shellcheck disable=SC2046
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	cleanup_newidmap
	teardown 2>/dev/null
	mountpoint -q "$W/cg" 2>/dev/null && umount -l "$W/cg"
	return 0
}

# ---------------------------------------------------------------- setup

setup_cgroup() {
	trap cg_cleanup EXIT
	make_suid_dir
	SC=$SUID_DIR/subid-cgroup
	install_suid "$SUBID_CGROUP_BIN" "$SC" 0:0

	CGROOT=$W/cg
	mkdir -p "$CGROOT"
	chmod 755 "$CGROOT"
	mount -t cgroup2 none "$CGROOT" || hard_error "cannot mount cgroup2 on $CGROOT"
	T=$CGROOT/nss_subid-test.$$
	P=$T/allowed
	mkdir "$T" "$P" "$T/allowedX" "$T/other" || hard_error "cannot create the test cgroups in $T"

	# A controller for the delegatee to enable: one the root already
	# passes down, else one it could (enabled now, disabled at the end).
	CTRL=$(tr ' ' '\n' <"$CGROOT/cgroup.subtree_control" | grep -m1 .)
	ROOT_CTRL_ADDED=0
	if [ -z "$CTRL" ]; then
		CTRL=$(tr ' ' '\n' <"$CGROOT/cgroup.controllers" | grep -m1 .)
		if [ -n "$CTRL" ] && echo "+$CTRL" >"$CGROOT/cgroup.subtree_control"; then
			ROOT_CTRL_ADDED=1
		else
			CTRL=
		fi
	fi
	if [ -n "$CTRL" ] && ! { echo "+$CTRL" >"$T/cgroup.subtree_control" && echo "+$CTRL" >"$P/cgroup.subtree_control"; }; then
		CTRL=
	fi

	# A configured parent reached through a symlink in a root-owned
	# directory, one that is a symlink itself, and one through a magic link.
	ln -s "$CGROOT" "$W/lnk"
	ln -s "$P" "$W/plink"
	MAGIC=/proc/$$/root$P

	# A configured parent on tmpfs, and one on a named cgroup v1 hierarchy.
	mkdir -p "$W/tmpfs"
	mount -t tmpfs -o mode=755 none "$W/tmpfs" || hard_error "cannot mount tmpfs on $W/tmpfs"
	mkdir "$W/tmpfs/p"
	V1_OK=0
	mkdir -p "$W/v1"
	V1_NAME=nss_subid_test$$
	if V1_ERR=$(mount -t cgroup -o "none,name=$V1_NAME" cgroup "$W/v1" 2>&1); then
		V1_OK=1
	fi

	# The race: a configured parent whose path runs through a directory the
	# user can write (see checks_race).
	mkdir -p "$W/race/x/mnt" "$W/evil/mnt"
	chown "$U:0" "$W/race"
	mount --bind "$P" "$W/race/x/mnt" || hard_error "bind mount of $P failed"
	mount --bind "$T/other" "$W/evil/mnt" || hard_error "bind mount of $T/other failed"

	RACE_PARENT=$W/race/x/mnt
	PARENTS="cgroup-parent $P
cgroup-parent $W/lnk/${T#"$CGROOT"/}/allowed
cgroup-parent $W/plink
cgroup-parent $MAGIC
cgroup-parent $W/tmpfs/p
cgroup-parent $W/v1
cgroup-parent $RACE_PARENT
"
	conf "$PARENTS"
}

# ---------------------------------------------------------------- checks

checks_setup() {
	echo "# the set-user-ID copy, the private cgroup2 mount, the test parent"
	run stat -c '%u:%g %a' "$SC"
	expect_true "subid-cgroup copy is root:root, mode 4755, on a suid file system" \
		eval '[ "$OUT" = "0:0 4755" ] && ! nosuid_fs "$SUID_DIR"'
	run stat -f -c %T "$P"
	expect_true "test parent $P is on cgroup2 (${T##*/})" [ "$OUT" = cgroup2fs ]
	run as_user "$SUBIDCTL" show
	expect_true "subidctl show: the user's pool block is $SUB-$SUB_LAST (UIDs and GIDs)" eval \
		'[ "$RC" = 0 ] && grep -Eq "^subuid +$SUB 65536" <<<"$OUT" && grep -Eq "^subgid +$SUB 65536" <<<"$OUT"'
	echo "# delegate list: $DELEG_FILES"
}

checks_options() {
	echo "# options and usage (exit 0 or 1)"
	expect_match "--help: usage on stdout, exit 0" 0 out '^Usage: subid-cgroup .*create PARENT NAME' as_user "$SC" --help
	expect_match "--version: name and version, exit 0" 0 out '^subid-cgroup \(nss_subid\) [0-9]' as_user "$SC" --version
	refused "unknown option --bogus" 1 "unknown option '--bogus'" as_user "$SC" --bogus create "$P" o1
	# --move was removed: with root's filesystem IDs it moved the caller out
	# of any cgroup root had confined it in (see checks_containment).
	refused "--move (removed) is an unknown option" 1 "unknown option '--move'" as_user "$SC" --move create "$P" m1
	refused "-m (removed) is an unknown option" 1 "unknown option '-m'" as_user "$SC" -m create "$P" m1
	refused "-nm (removed -m in a cluster) is an unknown option" 1 "unknown option '-m'" as_user "$SC" -nm create "$P" m1
	refused "--move delegate is an unknown option" 1 "unknown option '--move'" as_user "$SC" --move delegate "$P/m1"
	refused "--owner without a UID" 1 "option '--owner' needs an argument" as_user "$SC" --owner
	refused "no arguments" 1 'expected' as_user "$SC"
	refused "unknown command 'remove'" 1 "unknown command 'remove'" as_user "$SC" remove "$P/o1"
	refused "create with one argument" 1 'wrong number' as_user "$SC" create "$P"
	refused "--owner abc" 1 'not a decimal UID' as_user "$SC" --owner abc create "$P" o1
}

checks_create() {
	echo "# create: to the caller itself"
	granted "create P n1 as the user" "$P/n1" "$U:0" 0:0 as_user "$SC" create "$P" n1
	run as_user sh -c "mkdir '$P/n1/sub' && stat -c %u:%g '$P/n1/sub' '$P/n1/sub/cgroup.max.depth'"
	expect_true "the user creates P/n1/sub below it (dir and files its own)" [ "$RC" = 0 -a "$OUT" = "$U:0"$'\n'"$U:0" ]

	local rel=${P#"$CGROOT"} want
	granted "create P n2 as the user" "$P/n2" "$U:0" 0:0 as_user "$SC" create "$P" n2
	# The helper moves nobody.  Root (a login manager, a runtime) puts the
	# user's process in; inside its own cgroup the user moves it on, as the
	# kernel allows (the common ancestor P/n2 is the user's).
	want="0::$rel/n2
0::$rel/n2/child"
	run in_cg_as_user "$P/n2" sh -c 'grep "^0::" /proc/self/cgroup && mkdir "$0/child" &&
		echo $$ >"$0/child/cgroup.procs" && grep "^0::" /proc/self/cgroup' "$P/n2"
	expect_true "root puts a user shell into P/n2; it moves itself on into P/n2/child" [ "$RC" = 0 -a "$OUT" = "$want" ]
	own_check "P/n2 still delegated to the user" "$P/n2" "$U:0"
	if [ -n "$CTRL" ]; then
		run as_user sh -c "echo +$CTRL >'$P/n2/cgroup.subtree_control' && cat '$P/n2/cgroup.subtree_control'"
		expect_true "the user enables $CTRL in P/n2/cgroup.subtree_control" [ "$RC" = 0 -a "$OUT" = "$CTRL" ]
	else
		echo "# SKIPPED CHECK: no cgroup v2 controller available to enable in a delegated subtree"
	fi

	ok "create P NAME of 64 characters (the longest)" as_user "$SC" create "$P" "$(printf 'a%.0s' $(seq 64))"
	granted "create P n1/deep (depth 2, below the user's own P/n1)" "$P/n1/deep" "$U:0" 0:0 as_user "$SC" create "$P" n1/deep
	refused "create P n1 again (exists)" 3 'already exists' as_user "$SC" create "$P" n1

	echo "# create: to subordinate IDs, and to IDs that are not the caller's (exit 2)"
	granted "create -o $SUB -g $SUB P s1" "$P/s1" "$SUB:$SUB" 0:0 as_user "$SC" -o "$SUB" -g "$SUB" create "$P" s1
	granted "create --owner $SUB_LAST P s2 (group left as created)" "$P/s2" "$SUB_LAST:0" 0:0 \
		as_user "$SC" --owner "$SUB_LAST" create "$P" s2
	refused "create -o 99999 (below the block)" 2 'neither yours' as_user "$SC" -o 99999 create "$P" s3
	refused "create -o $((SUB_LAST + 1)) (above the block)" 2 'neither yours' as_user "$SC" -o $((SUB_LAST + 1)) create "$P" s3
	refused "create -o 0" 2 'neither yours' as_user "$SC" -o 0 create "$P" s3
	refused "create -o $OTHER (another user)" 2 'neither yours' as_user "$SC" -o "$OTHER" create "$P" s3
	refused "create -g 0 as $OTHER:$OTHER (GID 0 is never granted)" 2 'neither yours' \
		as_id "$OTHER" "$OTHER" "$SC" -g 0 create "$P" s3
}

checks_dry_run() {
	echo "# --dry-run: says what it would do, changes nothing"
	local before
	before=$(tree)
	run as_user "$SC" --dry-run create "$P" d1
	expect_true "--dry-run create P d1: exit 0, 'would create and delegate', nothing created" \
		[ "$RC" = 0 -a "$OUT" = "would create and delegate $P/d1 for uid $U and its group" -a "$(tree)" = "$before" ]
	run as_user "$SC" -n -o "$SUB" delegate "$P/n1"
	expect_true "--dry-run -o $SUB delegate P/n1: exit 0, 'would delegate', owners unchanged" \
		[ "$RC" = 0 -a "$OUT" = "would delegate $P/n1 for uid $SUB" -a "$(tree)" = "$before" ]
}

checks_delegate() {
	echo "# delegate PATH: the caller's own cgroup, one it runs in, others' (exit 2)"
	as_user "$SC" create "$P" e1
	granted "delegate -o $SUB -g $SUB P/e1 (made for the user by the helper)" "$P/e1" "$SUB:$SUB" 0:0 \
		as_user "$SC" -o "$SUB" -g "$SUB" delegate "$P/e1"
	as_user mkdir "$P/n1/own"
	granted "delegate -o $SUB P/n1/own (made by the user with mkdir: the rest stays the user's)" "$P/n1/own" \
		"$SUB:0" "$U:0" as_user "$SC" -o "$SUB" delegate "$P/n1/own"

	mkdir "$P/rootcg" "$P/member"
	refused "delegate P/rootcg (root's, the caller not in it)" 2 'not yours to delegate' as_user "$SC" delegate "$P/rootcg"
	as_id "$OTHER" "$OTHER" "$SC" create "$P" o1 >/dev/null 2>&1
	refused "delegate P/o1 (made by $OTHER for itself)" 2 'not yours to delegate' as_user "$SC" delegate "$P/o1"
	refused "create P o1/intruder (inside $OTHER's delegated cgroup)" 2 "belongs to UID $OTHER: not yours" \
		as_user "$SC" create "$P" o1/intruder
	as_id "$OTHER" "$OTHER" mkdir "$P/o1/sub"
	refused "delegate P/o1/sub (made by $OTHER inside its own)" 2 "belongs to UID $OTHER: not yours" \
		as_user "$SC" delegate "$P/o1/sub"
	granted "delegate P/member (root's, but the caller runs in it)" "$P/member" "$U:0" 0:0 \
		sh -c "echo \$\$ >'$P/member/cgroup.procs' && exec setpriv --reuid=$U --regid=0 --clear-groups '$SC' delegate '$P/member'"
	# Running in a cgroup is not enough when that would hand over someone
	# else's process (the new owner could move it into a sub-cgroup of its
	# own and freeze or kill it) or child cgroups.
	mkdir "$P/shared" "$P/parentcg" "$P/parentcg/kid"
	sleep 300 &
	local rootpid=$!
	echo "$rootpid" >"$P/shared/cgroup.procs"
	refused "delegate P/shared (the caller runs in it, and so does a root process)" 2 'not yours to delegate' \
		sh -c "echo \$\$ >'$P/shared/cgroup.procs' && exec setpriv --reuid=$U --regid=0 --clear-groups '$SC' delegate '$P/shared'"
	kill "$rootpid" 2>/dev/null
	wait "$rootpid" 2>/dev/null
	refused "delegate P/parentcg (the caller runs in it, but it has a child cgroup)" 2 'not yours to delegate' \
		sh -c "echo \$\$ >'$P/parentcg/cgroup.procs' && exec setpriv --reuid=$U --regid=0 --clear-groups '$SC' delegate '$P/parentcg'"
	refused "delegate P (the parent itself)" 2 'not below a cgroup-parent' as_user "$SC" delegate "$P"
	mkdir "$T/allowedX/foo"
	refused "delegate allowedX/foo (prefix of a parent, no '/')" 2 'not below a cgroup-parent' as_user "$SC" delegate "$T/allowedX/foo"
	refused "delegate T/other/../allowed/n1 (not textually below)" 2 'not below a cgroup-parent' as_user "$SC" delegate "$T/other/../allowed/n1"
	refused "delegate P/n1/../../other" 1 'components of' as_user "$SC" delegate "$P/n1/../../other"
}

# The escape --move was: root confines a user's shell in the root-owned
# P/limited (its limits are meant for that shell); the user asks the helper,
# which wrote cgroup.procs with root's filesystem IDs, to move the shell
# into a cgroup of its own.  The kernel itself allows a move only with write
# access to cgroup.procs of the common ancestor (here P, root's).  Each run
# prints the helper's status and then the shell's cgroup.
checks_containment() {
	echo "# containment: a shell root confined in P/limited cannot leave it through the helper"
	local rel=${P#"$CGROOT"} lim
	mkdir "$P/limited"
	lim="0::$rel/limited"
	run in_cg_as_user "$P/limited" sh -c '"$0" --move create "$1" esc1; echo "rc=$?"; grep "^0::" /proc/self/cgroup' \
		"$SC" "$P"
	expect_true "from P/limited: --move create P esc1 exits 1, the shell stays in P/limited, nothing created" \
		[ "$OUT" = "rc=1"$'\n'"$lim" -a ! -e "$P/esc1" ]
	run in_cg_as_user "$P/limited" sh -c '"$0" -m create "$1" esc1; echo "rc=$?"; grep "^0::" /proc/self/cgroup' \
		"$SC" "$P"
	expect_true "from P/limited: -m create P esc1 exits 1, the shell stays in P/limited, nothing created" \
		[ "$OUT" = "rc=1"$'\n'"$lim" -a ! -e "$P/esc1" ]
	run in_cg_as_user "$P/limited" sh -c '"$0" --move delegate "$1/n1"; echo "rc=$?"; grep "^0::" /proc/self/cgroup' \
		"$SC" "$P"
	expect_true "from P/limited: --move delegate P/n1 (the user's own) exits 1, the shell stays in P/limited" \
		[ "$OUT" = "rc=1"$'\n'"$lim" ]
	# Without the helper, the kernel's rule holds: the user made P/esc2 and
	# owns it, and still cannot move itself there; not even after taking
	# over P/limited (delegate: it runs there alone).
	run in_cg_as_user "$P/limited" sh -c '"$0" create "$1" esc2 || exit 9
		echo $$ >"$1/esc2/cgroup.procs" && echo write=ok || echo write=refused
		"$0" delegate "$1/limited" || exit 8
		echo $$ >"$1/esc2/cgroup.procs" && echo write=ok || echo write=refused
		grep "^0::" /proc/self/cgroup' "$SC" "$P"
	expect_true "from P/limited: create P esc2 and delegate P/limited work, writing the shell into P/esc2 fails" \
		[ "$RC" = 0 -a "$OUT" = "write=refused"$'\n'"write=refused"$'\n'"$lim" ]
	own_check "P/esc2 is the user's (the kernel refused the move, not the helper)" "$P/esc2" "$U:0"
}

checks_names() {
	echo "# create P NAME: names that are not plain paths below P (exit 1)"
	local long65 name what
	long65=$(printf 'a%.0s' $(seq 65))
	while IFS='|' read -r -u 3 what name; do
		refused "NAME $what" 1 'components of' as_user "$SC" create "$P" "$name"
	done 3<<-EOF
		'..'|..
		'/other' (absolute)|/other
		'a//b' (empty component)|n1//b
		'n1/' (trailing slash)|n1/
		'cgroup.procs'|cgroup.procs
		'n1/cgroup.subtree_control'|n1/cgroup.subtree_control
		'n1/deep/x' (depth 3 > cgroup-depth $DEFAULT_DEPTH)|n1/deep/x
		of 65 characters|$long65
		'caf\\xc3\\xa9' (non-ASCII)|café
	EOF
	refused "NAME '' (empty)" 1 'components of' as_user "$SC" create "$P" ""
	refused "NAME 'a<newline>b'" 1 'components of' as_user "$SC" create "$P" $'a\nb'
	[ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] || fail "NAME 'a<newline>b': the message is one line" "$(_details)"
	conf "${PARENTS}cgroup-depth 1
"
	refused "cgroup-depth 1: NAME n1/d2" 1 'components of' as_user "$SC" create "$P" n1/d2
	conf "$PARENTS"
}

# pam_subid creates PARENT/user-UID for a session: a cgroup another user
# made there first would make that session fail.  subid-cgroup never
# creates a cgroup whose name begins with "user-" (exit 2); other names,
# and user-* cgroups on the way, are fine.
checks_reserved() {
	echo "# create: names reserved for pam_subid (user-*, exit 2)"
	refused "create P user-61201 (pam_subid's name for UID 61201)" 2 \
		"'user-61201': names beginning with 'user-' are reserved for pam_subid" as_user "$SC" create "$P" user-61201
	refused "create P user-$U (the caller's own)" 2 'reserved for pam_subid' as_user "$SC" create "$P" "user-$U"
	refused "create P user- (the bare prefix)" 2 'reserved for pam_subid' as_user "$SC" create "$P" user-
	refused "create P user-x.scope" 2 'reserved for pam_subid' as_user "$SC" create "$P" user-x.scope
	refused "create -o $SUB P user-$SUB" 2 'reserved for pam_subid' as_user "$SC" -o "$SUB" create "$P" "user-$SUB"
	refused "create P n1/user-61201 (deeper)" 2 'reserved for pam_subid' as_user "$SC" create "$P" n1/user-61201
	refused "--dry-run create P user-61201" 2 'reserved for pam_subid' as_user "$SC" -n create "$P" user-61201
	granted "control: create P users-61201" "$P/users-61201" "$U:0" 0:0 as_user "$SC" create "$P" users-61201
	granted "control: create P User-61201 (case matters)" "$P/User-61201" "$U:0" 0:0 as_user "$SC" create "$P" User-61201
	# Root (pam_subid) made P/user-$U for the user: below it the user's own
	# cgroups may be created, e.g. for one of its subordinate UIDs.
	mkdir "$P/user-$U"
	chown "$U:0" "$P/user-$U" "$P/user-$U/cgroup.procs" "$P/user-$U/cgroup.subtree_control" "$P/user-$U/cgroup.threads"
	granted "control: create -o $SUB P user-$U/web (below the user's own user-$U)" "$P/user-$U/web" "$SUB:0" 0:0 \
		as_user "$SC" -o "$SUB" create "$P" "user-$U/web"
	granted "control: delegate -o $SUB P/user-$U (an existing one: not a create)" "$P/user-$U" "$SUB:0" "0:0" \
		as_user "$SC" -o "$SUB" delegate "$P/user-$U"
}

# Interface files share a cgroup's directory with its children.  A child
# named like one the kernel may add later blocks that: root then cannot
# enable the controller above it (EEXIST).  So create refuses cgroup.* and
# <controller>.* for every controller the kernel has (built-in list plus
# /proc/cgroups), enabled or not (exit 1).
checks_interface() {
	local what name ctrl f
	echo "# create: names of the kernel's interface files (<controller>.*, exit 1)"
	if [ -n "$CTRL" ] && f=$(find "$P" -maxdepth 1 -type f -name "$CTRL.*" -printf '%f\n' | sort | head -1) && [ -n "$f" ]; then
		mkdir "$T/why" "$T/why/x" "$T/why/x/$f"
		run bash -c "echo +$CTRL >'$T/why/cgroup.subtree_control'"
		expect_true "why: with a child cgroup x/$f, root cannot enable $CTRL above x (the kernel: File exists)" \
			eval '[ "$RC" != 0 ] && grep -q "File exists" <<<"$ERR" && [ -z "$(cat "$T/why/cgroup.subtree_control")" ]'
		rmdir "$T/why/x/$f" "$T/why/x" "$T/why"
	else
		echo "# SKIPPED CHECK: why <controller>.* names are refused: no cgroup v2 controller available to enable"
	fi
	# The message names the component refused.
	while IFS='|' read -r -u 3 what name ctrl; do
		refused "NAME $what" 1 "'${name##*/}': '${ctrl}[.][*]' names are the kernel's interface files of the $ctrl controller" \
			as_user "$SC" create "$P" "$name"
	done 3<<-EOF
		memory.max|memory.max|memory
		memory.high|memory.high|memory
		'memory.' (the bare prefix)|memory.|memory
		memory.oom.group (a delegated file)|memory.oom.group|memory
		cpu.weight|cpu.weight|cpu
		cpu.stat (a core file, exists)|cpu.stat|cpu
		cpuset.cpus|cpuset.cpus|cpuset
		io.max|io.max|io
		pids.max|pids.max|pids
		hugetlb.2MB.max|hugetlb.2MB.max|hugetlb
		rdma.max|rdma.max|rdma
		misc.max|misc.max|misc
		dmem.max|dmem.max|dmem
		irq.pressure (PSI, no controller)|irq.pressure|irq
		debug.x|debug.x|debug
		perf_event.x (v2, no files yet)|perf_event.x|perf_event
		blkio.weight (v1)|blkio.weight|blkio
		cpuacct.usage (v1)|cpuacct.usage|cpuacct
		devices.allow (v1)|devices.allow|devices
		freezer.state (v1)|freezer.state|freezer
		net_cls.classid (v1)|net_cls.classid|net_cls
		net_prio.ifpriomap (v1)|net_prio.ifpriomap|net_prio
		n1/pids.max (depth 2)|n1/pids.max|pids
	EOF
	[ -z "$CTRL" ] || refused "NAME $CTRL.foo (a controller P passes down)" 1 "'$CTRL.foo': '${CTRL}[.][*]' names" \
		as_user "$SC" create "$P" "$CTRL.foo"
	refused "--dry-run create P memory.max" 1 "'memory[.][*]' names" as_user "$SC" -n create "$P" memory.max
	for name in app.slice foo.scope user@1000.service memory Memory.max xmemory.max; do
		granted "control: NAME $name" "$P/$name" "$U:0" 0:0 as_user "$SC" create "$P" "$name"
	done

	# A controller only /proc/cgroups names (one this build does not know):
	# a file bind-mounted over /proc/cgroups in this mount namespace.
	granted "control: NAME nss_subid_ctl.max (no such controller)" "$P/nss_subid_ctl.max" "$U:0" 0:0 \
		as_user "$SC" create "$P" nss_subid_ctl.max
	rmdir "$P/nss_subid_ctl.max"
	{
		head -1 /proc/cgroups
		printf 'nss_subid_ctl\t0\t1\t1\n'
		tail -n +2 /proc/cgroups
	} >"$W/proc-cgroups"
	if mount --bind "$W/proc-cgroups" /proc/cgroups; then
		refused "NAME nss_subid_ctl.max, with nss_subid_ctl in /proc/cgroups" 1 "'nss_subid_ctl[.][*]' names" \
			as_user "$SC" create "$P" nss_subid_ctl.max
		refused "... and memory.max still (the built-in list stays)" 1 "'memory[.][*]' names" \
			as_user "$SC" create "$P" memory.max
		umount /proc/cgroups
	else
		fail "bind mount over /proc/cgroups (to simulate a new controller)" "mount --bind failed"
	fi
}

checks_parents() {
	echo "# PARENT: not configured, prefix tricks, symlinks, magic links (exit 2 or 3)"
	refused "PARENT T/other (not configured)" 2 'not a cgroup-parent' as_user "$SC" create "$T/other" x
	refused "PARENT T/allowedX (a configured parent plus 'X')" 2 'not a cgroup-parent' as_user "$SC" create "$T/allowedX" x
	refused "PARENT P/ (trailing slash)" 2 'not a cgroup-parent' as_user "$SC" create "$P/" x
	local sym=$W/lnk/${T#"$CGROOT"/}/allowed
	expect_true "control: the symlinked parents and the magic link resolve to P for root" \
		[ -d "$sym/n1" -a -d "$W/plink/n1" -a -d "$MAGIC/n1" ]
	refused "configured PARENT through a symlink component" 3 'symbolic links' as_user "$SC" create "$sym" x
	refused "configured PARENT that is a symlink" 3 'symbolic links' as_user "$SC" create "$W/plink" x
	refused "configured PARENT through the magic link /proc/PID/root" 3 'symbolic links' as_user "$SC" create "$MAGIC" x
	refused "delegate through the magic link /proc/PID/root (P/n1)" 3 'symbolic links' as_user "$SC" -o "$SUB" delegate "$MAGIC/n1"

	echo "# PARENT not on cgroup2 (exit 3)"
	refused "configured PARENT on tmpfs" 3 'not on a cgroup2' as_user "$SC" create "$W/tmpfs/p" x
	if [ "$V1_OK" = 1 ]; then
		refused "configured PARENT on a named cgroup v1 hierarchy" 3 'not on a cgroup2.*v1' as_user "$SC" create "$W/v1" x
		v1_teardown
	else
		echo "# SKIPPED CHECK: configured PARENT on cgroup v1: the kernel refused the v1 mount: $V1_ERR"
	fi
}

# The race.  On cgroupfs a user can create no symlink (and cgroup2 has no
# rename), so the only path components a user could swap lie outside it, in
# the configured parent path.  Here that path, $W/race/x/mnt, runs through a
# directory the user owns ($W/race, an administrator's mistake simulated on
# purpose); x is a root-owned directory holding a bind mount of P.  While
# the helper runs again and again, the user swaps x between that directory
# and a symlink to $W/evil, a root-owned directory the user cannot move,
# whose mnt is a bind mount of the unconfigured cgroup T/other.  Followed at
# the wrong moment, the path would create and chown cgroups in T/other.  The
# helper opens the parent with RESOLVE_NO_SYMLINKS, so each run either works
# in P (x was the directory) or is refused (x was the symlink, or missing
# between two renames); T/other must stay untouched.
checks_race() {
	echo "# race: a component of the configured parent swapped for a symlink while the helper runs"
	local i rc n0=0 n3=0 nx=0 runs=60 made loop
	# A simple command, so that $! is the shell that loops (setpriv and env
	# exec), not a subshell that would leave it behind when killed.
	setpriv --reuid="$U" --regid=0 --clear-groups -- env -i PATH="$SAFE_PATH" \
		sh -c "cd '$W/race' && while :; do mv -T x d && ln -s '$W/evil' x && rm x && mv -T d x; done" \
		</dev/null >/dev/null 2>&1 &
	loop=$!
	for i in $(seq "$runs"); do
		as_user "$SC" create "$RACE_PARENT" "race$i" >/dev/null 2>&1
		rc=$?
		case $rc in
		0) n0=$((n0 + 1)) ;;
		3) n3=$((n3 + 1)) ;;
		*) nx=$((nx + 1)) ;;
		esac
	done
	kill "$loop" 2>/dev/null
	wait "$loop" 2>/dev/null
	sleep 0.2 # a last mv or ln of the loop may still be running
	[ -L "$W/race/x" ] && rm "$W/race/x"
	[ -d "$W/race/d" ] && [ ! -e "$W/race/x" ] && mv -T "$W/race/d" "$W/race/x"
	LAST_CMD="$runs runs of: subid-cgroup create $RACE_PARENT raceN, while the user swaps $W/race/x"
	RC="$n0 x 0, $n3 x 3, $nx other"
	OUT=''
	ERR=''
	expect_true "race: every run exits 0 or 3 ($n0 x 0, $n3 x 3), and the swap was hit" [ "$nx" = 0 -a "$n3" -gt 0 ]
	made=$(find "$P" -maxdepth 1 -name 'race*' -type d | wc -l)
	expect_true "race: each run that exited 0 made its cgroup in P ($made)" [ "$made" = "$n0" ]
	RC=$(find "$T/other" -mindepth 1 -type d | wc -l)
	OUT=$(find "$T/other" \( -user "$U" -o -user "$SUB" -o ! -group 0 \) | head -3)
	expect_true "race: T/other has no child and nothing in it changed owner" [ "$RC" = 0 -a -z "$OUT" ]
	local nbad=0 d
	for d in "$P"/race*; do
		[ -d "$d" ] || continue
		[ "$(stat -c %U "$d/cgroup.procs")" = "$(stat -c %U "$d")" ] &&
			[ "$(stat -c %u "$d/cgroup.max.depth")" = 0 ] && [ "$(stat -c %u "$d")" = "$U" ] || nbad=$((nbad + 1))
	done
	expect_true "race: the cgroups made in P are the user's, their cgroup.max.depth root's" [ "$nbad" = 0 ]
}

checks_config() {
	echo "# unsafe or absent configuration: nothing is delegated (exit 2)"
	conf "$PARENTS" "$U:0"
	refused "config owned by the user" 2 'unusable' as_user "$SC" create "$P" c1
	conf "$PARENTS" 0:0 0664
	refused "config mode 0664, group root (the user's GID 0)" 2 'unusable' as_user "$SC" create "$P" c1
	local l
	l=$(new_layer symconf)
	write_file "$W/good.conf" 0644 "$PARENTS"
	ln -s "$W/good.conf" "$l/nss_subid.conf"
	use_etc "$l"
	refused "config a symlink to a good file" 2 'unusable' as_user "$SC" create "$P" c1
	use_etc
	refused "no config (no cgroup-parent by default)" 2 'not a cgroup-parent' as_user "$SC" create "$P" c1
	conf "$PARENTS"
	ok "control: the same request with the good config" as_user "$SC" create "$P" c1
}

checks_cleanup() {
	echo "# cleanup"
	teardown
	expect_true "every test cgroup removed (${T##*/})" [ ! -d "$T" ]
	[ -z "$CTRL" ] || expect_true "the root cgroup's subtree_control is as before" [ "$ROOT_CTRL_ADDED" = 0 ]
}

all_checks() {
	setup_cgroup
	checks_setup
	checks_options
	checks_create
	checks_dry_run
	checks_delegate
	checks_containment
	checks_names
	checks_reserved
	checks_interface
	checks_parents
	checks_race
	checks_config
	checks_cleanup
}

run_tests all_checks
