# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Shared helpers for the root integration tests.  Sourced, never run.
#
# Each test script defines a function with its checks and ends with
#     run_tests FUNCTION
# which does the work in two processes:
#
#   outer  checks the preconditions (root, commands: exit 77 with a reason),
#          finds or builds the staged install tree, records the state of the
#          real /etc and library directory, and re-runs the script under
#          `unshare --mount --propagation private`;
#   inner  (the re-run) mounts a fake /etc and the staged libraries over the
#          real ones with overlayfs (setup_ns), runs FUNCTION, and hands its
#          counts back through a file.
#
# The outer process then checks that nothing outside the namespace changed
# and prints the final "N passed, M failed" line.
#
# Environment:
#   NSS_SUBID_STAGE     staged install tree (make install DESTDIR=...);
#                       built into a temporary directory when unset
#   NSS_SUBID_BUILDDIR  build tree for that (default: the tree holding this
#                       file)
#   NSS_SUBID_KEEP=1    keep the temporary directory for debugging

set -u
umask 022

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IT_NAME=$(basename "$0")
SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The OpenShift-style arbitrary user: UID 1000000000, GID 0, in no file.
USER_UID=1000000000
USER_GID=0

PASS=0
FAIL=0

# ---------------------------------------------------------------- reporting

skip() {
	echo "SKIP: $IT_NAME: $*"
	exit 77
}

# Not a test failure: the test could not be run at all (automake's 99).
hard_error() {
	echo "ERROR: $IT_NAME: $*" >&2
	exit 99
}

pass() {
	PASS=$((PASS + 1))
	echo "PASS: $1"
}

# fail DESCRIPTION [DETAIL...]: one FAIL line, then the details indented.
fail() {
	local d=$1
	shift
	FAIL=$((FAIL + 1))
	echo "FAIL: $d"
	local l
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/      /'
	done
}

# run CMD...: run CMD, keep its stdout in OUT, stderr in ERR, status in RC.
# Trailing newlines are dropped from OUT and ERR, as $(...) does.
run() {
	local e
	LAST_CMD=$*
	e=$(mktemp "$W/err.XXXXXX")
	OUT=$("$@" 2>"$e")
	RC=$?
	ERR=$(cat "$e")
	rm -f "$e"
	return 0
}

_details() {
	echo "command: $LAST_CMD"
	echo "exit status: $RC"
	echo "stdout: ${OUT:-(empty)}"
	echo "stderr: ${ERR:-(empty)}"
}

# expect_eq DESC EXPECTED CMD...: CMD exits 0 and prints exactly EXPECTED.
expect_eq() {
	local d=$1 want=$2
	shift 2
	run "$@"
	if [ "$RC" = 0 ] && [ "$OUT" = "$want" ]; then
		pass "$d"
	else
		fail "$d" "expected (exit 0): $want" "$(_details)"
	fi
}

# expect_fail DESC STATUS CMD...: CMD exits with STATUS (a number, or
# "nonzero") and prints nothing on stdout: nothing was found or granted.
expect_fail() {
	local d=$1 want=$2
	shift 2
	run "$@"
	local ok=1
	if [ "$want" = nonzero ]; then
		[ "$RC" != 0 ] || ok=0
	else
		[ "$RC" = "$want" ] || ok=0
	fi
	[ -z "$OUT" ] || ok=0
	if [ "$ok" = 1 ]; then
		pass "$d"
	else
		fail "$d" "expected: exit $want, empty stdout" "$(_details)"
	fi
}

# expect_match DESC STATUS STREAM ERE CMD...: CMD exits with STATUS and a
# line of STREAM (out or err) matches the extended regular expression ERE.
expect_match() {
	local d=$1 want=$2 stream=$3 re=$4
	shift 4
	run "$@"
	local text=$OUT
	[ "$stream" = err ] && text=$ERR
	if [ "$RC" = "$want" ] && printf '%s\n' "$text" | grep -Eq -- "$re"; then
		pass "$d"
	else
		fail "$d" "expected: exit $want, std$stream matching /$re/" "$(_details)"
	fi
}

# expect_true DESC CMD...: CMD, a test on what the last run() gathered,
# succeeds.  That run's details are shown on failure.
expect_true() {
	local d=$1
	shift
	if "$@"; then
		pass "$d"
	else
		fail "$d" "condition failed: $*" "$(_details)"
	fi
}

# Collapse the column padding of /proc/PID/[ug]id_map for comparison.
squeeze() {
	awk '{ $1 = $1; print }'
}

# ---------------------------------------------------------------- preconditions

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (overlay mounts in a private mount namespace, setpriv to other UIDs)"
}

require_cmds() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs the command '$c', which is not installed"
	done
}

# ---------------------------------------------------------------- running as someone

# as_id UID GID CMD...: run CMD with real, effective and saved UID and GID set
# and no supplementary groups, in a clean environment (nss_subid never reads
# the environment, but the clients' messages and lookups should not depend on
# ours either).  Extra variables: as_id UID GID env VAR=... CMD.
as_id() {
	local u=$1 g=$2
	shift 2
	setpriv --reuid="$u" --regid="$g" --clear-groups -- \
		env -i PATH="$SAFE_PATH" HOME=/ LC_ALL=C "$@"
}

# as_user CMD...: as the arbitrary user 1000000000:0.
as_user() {
	as_id "$USER_UID" "$USER_GID" "$@"
}

# as_root CMD...: as root, in the same clean environment.
as_root() {
	env -i PATH="$SAFE_PATH" HOME=/root LC_ALL=C "$@"
}

# ---------------------------------------------------------------- podman

# new_home: a HOME and XDG_RUNTIME_DIR of the user's own (podman keeps its
# storage and its pause process there) in PH.  Each podman call gets a fresh
# one, so that it never joins the user namespace of an earlier call.
new_home() {
	local U=$USER_UID
	PH=$(mktemp -d "$W/home.XXXXXX")
	mkdir "$PH/run"
	chown -R "$U:$USER_GID" "$PH"
	chmod 700 "$PH" "$PH/run"
}

# podman_in HOME ARGS...: run podman as the user, then end the pause process
# it left behind.
podman_in() {
	local h=$1 rc pid
	shift
	as_user env HOME="$h" XDG_RUNTIME_DIR="$h/run" podman "$@"
	rc=$?
	# The pause process (catatonit -P) keeps the rootless user namespace
	# alive for later podman calls; this suite started it, so end it.
	for pid in $(cat "$h/run/libpod/tmp/pause.pid" 2>/dev/null); do
		kill "$pid" 2>/dev/null
	done
	return "$rc"
}

# ---------------------------------------------------------------- cgroups

# cg_remove_tree DIR TO: remove the cgroup DIR and everything below it,
# leaf first, after moving any process left in them to the cgroup TO.
# Status: DIR is gone.
cg_remove_tree() {
	local d p
	[ -d "$1" ] || return 0
	find "$1" -depth -type d | while read -r d; do
		for _ in $(seq 50); do
			while read -r p; do
				echo "$p" >"$2/cgroup.procs" 2>/dev/null
			done <"$d/cgroup.procs" 2>/dev/null
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
	done
	[ ! -d "$1" ]
}

# ---------------------------------------------------------------- images and namespaces

# busybox_tree DIR: a minimal root file system in DIR (busybox-static and
# the applets the tests use, root and nobody in passwd/group).
busybox_tree() {
	local r=$1 a
	mkdir -p "$r/bin" "$r/etc" "$r/tmp"
	cp /bin/busybox "$r/bin/busybox"
	for a in sh chown ls mkdir touch stat id cat echo; do
		ln -s busybox "$r/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
}

# make_rootfs: ROOTFS, a busybox tarball anyone can `podman import` as
# localhost/nss-subid-busybox, and CTX, a build context whose Containerfile
# chowns files to 22:22 and 65534:65534 (the build that fails in pods today).
make_rootfs() {
	local r
	r=$(mktemp -d "$W/rootfs.XXXXXX")
	busybox_tree "$r"
	ROOTFS=$W/rootfs.tar
	tar -C "$r" -cf "$ROOTFS" .
	chmod 644 "$ROOTFS"
	CTX=$(mktemp -d "$W/ctx.XXXXXX")
	cat >"$CTX/Containerfile" <<'CF'
FROM localhost/nss-subid-busybox:latest
RUN touch /f /g && chown 22:22 /f && chown 65534:65534 /g && stat -c '%n %u:%g' /f /g
CF
	chmod -R a+rX "$CTX"
}

# wait_userns PID REF: until PID has left the user namespace of process REF
# (it has run unshare --user).
wait_userns() {
	local ref
	ref=$(readlink "/proc/$2/ns/user")
	for _ in $(seq 100); do
		[ "$(readlink "/proc/$1/ns/user" 2>/dev/null)" != "$ref" ] && return 0
		sleep 0.05
	done
	return 1
}

# ns_holder UID GID: a `sleep 60` of UID:GID in a new user namespace with
# no map yet (newuidmap/newgidmap fill it in); its PID goes to HOLDER.  A
# simple command, not as_id, so that $! is the process that becomes the
# sleep (setpriv, env and unshare all exec).  ns_holder_stop ends it.
ns_holder() {
	setpriv --reuid="$1" --regid="$2" --clear-groups -- \
		env -i PATH="$SAFE_PATH" unshare --user sleep 60 </dev/null >/dev/null 2>&1 &
	HOLDER=$!
	wait_userns "$HOLDER" $$
}

ns_holder_stop() {
	kill "$HOLDER" 2>/dev/null
	wait "$HOLDER" 2>/dev/null
}

# pod_image: the files of a simulated pod's image, in which UID 1000 is in
# no file, and the namespace's root (host NSROOT); ENTRY is what nss_subid
# synthesizes for UID 1000 there.  Call before run_tests.
pod_image() {
	FAKE_PASSWD="root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"
	FAKE_GROUP="root:x:0:
daemon:x:1:
nogroup:x:65534:
"
	NSROOT=200000
	ENTRY="u1000:x:1000:0:nss_subid synthesized user:/tmp:/bin/sh"
}

# ---------------------------------------------------------------- the fake system

# Defaults for the fake files; a script may set its own before run_tests.
: "${FAKE_NSSWITCH:=passwd: files subid
group: files subid
shadow: files
gshadow: files
hosts: files
subid: subid
}"
: "${FAKE_PASSWD:=root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1000:1000:Alice:/home/alice:/bin/sh
containers:x:1001:1001:container storage:/var/lib/containers:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
}"
: "${FAKE_GROUP:=root:x:0:
daemon:x:1:
alice:x:1000:
containers:x:1001:
nogroup:x:65534:
}"

# setup_ns: build the fake tree under $O and mount it.  Must run in the
# private mount namespace (the inner process).
#
#   $O/lib    the two staged modules, laid over the system library directory
#             so that the dynamic linker finds them without LD_LIBRARY_PATH,
#             which it ignores for the set-user-ID newuidmap/newgidmap;
#   $O/base   nsswitch.conf, passwd, group, empty subuid/subgid, and a
#             whiteout (char device 0/0) that hides any real
#             /etc/nss_subid.conf, so "no file" means the built-in defaults;
#   $O/bin    subidctl, where every UID can execute it.
#
# /etc is then an overlay of LAYER (see new_layer/use_etc), $O/base and the
# real /etc.  Overlay lower layers are read-only: nothing is ever written to
# the real directories.
setup_ns() {
	O=$W/o
	mkdir -p "$O/lib" "$O/base" "$O/bin" "$O/layers"
	chmod 755 "$W" "$O"
	install -m 755 "$NSS_SO" "$O/lib/libnss_subid.so.2"
	install -m 755 "$PLUGIN_SO" "$O/lib/libsubid_subid.so"
	install -m 755 "$SUBIDCTL_BIN" "$O/bin/subidctl"
	SUBIDCTL=$O/bin/subidctl
	printf '%s' "$FAKE_NSSWITCH" >"$O/base/nsswitch.conf"
	printf '%s' "$FAKE_PASSWD" >"$O/base/passwd"
	printf '%s' "$FAKE_GROUP" >"$O/base/group"
	: >"$O/base/subuid"
	: >"$O/base/subgid"
	mknod "$O/base/nss_subid.conf" c 0 0 || hard_error "cannot create an overlay whiteout in $O/base"
	LIB_MOUNTED=0
	ETC_MOUNTED=0
	use_lib on
	use_etc
	[ "$(cat /etc/nsswitch.conf)" = "$(cat "$O/base/nsswitch.conf")" ] ||
		hard_error "the fake /etc/nsswitch.conf is not visible in the namespace"
	[ -e /etc/nss_subid.conf ] && hard_error "/etc/nss_subid.conf is still visible in the namespace"
	[ -e "$LIBDIR/libnss_subid.so.2" ] || hard_error "libnss_subid.so.2 is not visible in $LIBDIR"
}

# use_lib on|off: lay the staged modules over the system library directory,
# or take them away again (the "before the package" case).
use_lib() {
	if [ "$LIB_MOUNTED" = 1 ]; then
		umount -l "$LIBDIR" || hard_error "umount $LIBDIR"
		LIB_MOUNTED=0
	fi
	if [ "$1" = on ]; then
		mount -t overlay overlay -o "lowerdir=$O/lib:$LIBDIR" "$LIBDIR" ||
			hard_error "overlay mount on $LIBDIR failed"
		LIB_MOUNTED=1
	fi
}

# new_layer NAME: print the path of a new, empty /etc layer.  Write files
# into it, then use_etc it.
new_layer() {
	local d=$O/layers/$1
	rm -rf "$d"
	mkdir -p "$d"
	printf '%s\n' "$d"
}

# before_layer NAME: print the path of a new /etc layer whose nsswitch.conf
# names no nss_subid source: the system before the package.
before_layer() {
	local d
	d=$(new_layer "$1")
	write_file "$d/nsswitch.conf" 644 "passwd: files
group: files
shadow: files
hosts: files
"
	printf '%s\n' "$d"
}

# use_etc [LAYER]: (re)mount /etc as LAYER over $O/base over the real /etc.
# Remounting (not editing a mounted layer) because overlayfs leaves changes to
# its lower layers undefined.  The lazy unmount lets "/etc" in the new
# lowerdir resolve to the real directory again.
use_etc() {
	if [ "$ETC_MOUNTED" = 1 ]; then
		umount -l /etc || hard_error "umount /etc"
		ETC_MOUNTED=0
	fi
	mount -t overlay overlay -o "lowerdir=${1:+$1:}$O/base:/etc" /etc ||
		hard_error "overlay mount on /etc failed"
	ETC_MOUNTED=1
}

# write_file PATH MODE TEXT: create PATH (owned by root) with TEXT.
write_file() {
	printf '%s' "$3" >"$1"
	chmod "$2" "$1"
}

# ---------------------------------------------------------------- stage

# Find the staged tree (or build one) and the files the tests use.
prepare_stage() {
	if [ -z "${NSS_SUBID_STAGE:-}" ]; then
		local b=${NSS_SUBID_BUILDDIR:-$(cd "$IT_DIR/../.." && pwd)}
		[ -f "$b/Makefile" ] || hard_error "no NSS_SUBID_STAGE, and $b has no Makefile to build one"
		NSS_SUBID_STAGE=$W/stage
		if ! make -C "$b" install DESTDIR="$NSS_SUBID_STAGE" >"$W/build.log" 2>&1; then
			tail -n 30 "$W/build.log" >&2
			hard_error "make install DESTDIR=$NSS_SUBID_STAGE in $b failed (log above)"
		fi
	fi
	[ -d "$NSS_SUBID_STAGE" ] || hard_error "NSS_SUBID_STAGE=$NSS_SUBID_STAGE is not a directory"
	NSS_SO=$(find "$NSS_SUBID_STAGE" -name libnss_subid.so.2 \( -type f -o -type l \) -print -quit)
	PLUGIN_SO=$(find "$NSS_SUBID_STAGE" -name libsubid_subid.so \( -type f -o -type l \) -print -quit)
	SUBIDCTL_BIN=$(find "$NSS_SUBID_STAGE" -path '*/bin/subidctl' -type f -print -quit)
	[ -n "$NSS_SO" ] || hard_error "no libnss_subid.so.2 in $NSS_SUBID_STAGE"
	[ -n "$PLUGIN_SO" ] || hard_error "no libsubid_subid.so in $NSS_SUBID_STAGE"
	[ -n "$SUBIDCTL_BIN" ] || hard_error "no bin/subidctl in $NSS_SUBID_STAGE"
	# Optional here (only test_cgroup.sh needs it, and checks it is set).
	SUBID_CGROUP_BIN=$(find "$NSS_SUBID_STAGE" -path '*/libexec/nss_subid/subid-cgroup' -type f -print -quit)
	# The staged modules sit in lib/<triplet> (Debian multiarch) or lib64:
	# lay them over the directory of the system that the dynamic linker
	# searches by default.
	local m
	m=$(basename "$(dirname "$NSS_SO")")
	case $m in
	lib | lib64 | lib32) LIBDIR=/usr/$m ;;
	*) LIBDIR=/usr/lib/$m ;;
	esac
	LIBDIR=$(readlink -f "$LIBDIR")
	[ -d "$LIBDIR" ] || hard_error "system library directory $LIBDIR for $m does not exist"
	export NSS_SUBID_STAGE NSS_SO PLUGIN_SO SUBIDCTL_BIN SUBID_CGROUP_BIN LIBDIR
}

# ---------------------------------------------------------------- host state

# The files this suite must never touch, outside the namespace.
host_paths() {
	printf '%s\n' /etc/nsswitch.conf /etc/nss_subid.conf /etc/passwd /etc/group \
		/etc/subuid /etc/subgid "$LIBDIR/libnss_subid.so.2" "$LIBDIR/libsubid_subid.so"
}

host_state() {
	local p
	host_paths | while read -r p; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			printf '%s %s\n' "$p" "$(sha256sum <"$p" | cut -d' ' -f1)"
		else
			printf '%s absent\n' "$p"
		fi
	done
}

# ---------------------------------------------------------------- driver

run_tests() {
	local fn=$1
	if [ -n "${_NSS_SUBID_INNER:-}" ]; then
		W=$_NSS_SUBID_INNER
		# Background processes this shell started (user namespace holders)
		# must not outlive it, even after a hard error.
		trap 'kill $(jobs -p) 2>/dev/null' EXIT
		setup_ns
		"$fn"
		echo "$PASS $FAIL" >"$W/counts"
		exit 0
	fi

	local t0=$SECONDS
	W=$(mktemp -d /tmp/nss_subid-it.XXXXXX) || hard_error "mktemp failed"
	if [ "${NSS_SUBID_KEEP:-}" = 1 ]; then
		echo "# keeping $W" >&2
	else
		# shellcheck disable=SC2064
		trap "rm -rf '$W'" EXIT
	fi
	prepare_stage
	host_state >"$W/host.before"

	_NSS_SUBID_INNER=$W unshare --mount --propagation private -- bash "$0"
	local irc=$?

	if [ -r "$W/counts" ]; then
		local p f
		read -r p f <"$W/counts"
		PASS=$((PASS + p))
		FAIL=$((FAIL + f))
	else
		fail "the checks in the private mount namespace ran to the end" "inner exit status: $irc"
	fi

	# Nothing outside the namespace may have changed.
	host_state >"$W/host.after"
	local line p
	while read -r line; do
		p=${line%% *}
		if grep -qxF -- "$line" "$W/host.after"; then
			local h=${line##* }
			pass "host $p unchanged (${h:0:12})"
		else
			fail "host $p unchanged" "before: $line" "after:  $(grep -F -- "$p " "$W/host.after")"
		fi
	done <"$W/host.before"

	echo "# $IT_NAME: $((SECONDS - t0))s"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ] || exit 1
	exit 0
}
