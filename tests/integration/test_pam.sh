#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Root integration test of the PAM session module pam_subid.so
# (pam/pam_subid.c), loaded by the real libpam from a service file in a
# fake /etc/pam.d, driven by pamtester and by pam_session.c (a libpam client
# that also prints the PAM environment and can keep a session open while
# another one starts).  The service runs pam_subid with the options of each
# case, then pam_permit, so that PAM_IGNORE of ours is a successful stack
# and every failure is ours.
#
# In the private mount namespace of lib.sh, /etc/nss_subid.conf says
# "users 1000000000-1000000099", so that root's process (pamtester) sees
# u1000000000 synthesized.  The runtime directories go to a tmpfs of the
# namespace ($W/rt; /run/user gets a tmpfs of its own for the default).
# Every case checks the status libpam returned and what is on disk
# afterwards: owner, mode, the reference count in .pam_subid, and that a
# refused session created or changed nothing.  The cgroup cases use a
# private cgroup2 mount ($W/cg) and a test-only parent nss_subid-pam.PID,
# removed at the end and by an exit trap (the hierarchy is the host's).
#
# Needs root, pamtester and a C compiler with the libpam headers; exits 77
# with a reason otherwise.  NSS_SUBID_STAGE as in lib.sh.

# Functions below are called through run_tests and run, which shellcheck
# cannot follow; LAST_CMD is read by lib.sh; single-quoted $ in sh -c
# programs is intended.
# shellcheck disable=SC2317,SC2034,SC2016
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmds pamtester getent setpriv unshare mount umount mountpoint stat find cc sha256sum
[ -r /usr/include/security/pam_appl.h ] || skip "needs the libpam headers (libpam0g-dev) for pam_session.c"

U=$USER_UID
# root looks the user up (the users range): its private group, never a fixed GID
ENTRY="u$U:x:$U:$U:nss_subid synthesized user:/tmp:/bin/sh"
SVC=nss_subid_pam_it
CONF_USERS="users 1000000000-1000000099
"
# libpam's numbers (security/_pam_types.h).
PAM_SESSION_ERR=14
PAM_USER_UNKNOWN=10
# pamtester reports failures with pam_strerror.
MSG_SESSION='Cannot make/remove an entry for the specified session'
MSG_UNKNOWN='User not known to the underlying authentication module'

# ---------------------------------------------------------------- helpers

# configure ARGS [CONF [PASSWD]]: a new /etc layer with /etc/pam.d/$SVC
# running pam_subid.so ARGS then pam_permit, /etc/nss_subid.conf CONF
# (default: the users range) and, when given, /etc/passwd PASSWD.
configure() {
	local args=$1 conf=${2-$CONF_USERS} l
	l=$(new_layer "pam$((++NLAYER))")
	mkdir "$l/pam.d"
	write_file "$l/pam.d/$SVC" 644 "session required $PAM_SO $args
session required pam_permit.so
"
	write_file "$l/nss_subid.conf" 644 "$conf"
	[ $# -ge 3 ] && write_file "$l/passwd" 644 "$3"
	use_etc "$l"
}
NLAYER=0

# pt USER OP...: pamtester on our service, as root in a clean environment.
pt() {
	as_root pamtester "$SVC" "$@"
}

# ps_ USER: one session through pam_session (open, print, close).
ps_() {
	as_root "$PSESS" "$SVC" "$1"
}

# pt_ok DESC USER OP...: pamtester succeeds.
pt_ok() {
	local d=$1
	shift
	run pt "$@"
	if [ "$RC" = 0 ]; then
		pass "$d"
	else
		fail "$d" "expected: exit 0" "$(_details)"
	fi
}

# pt_err DESC MESSAGE USER OP...: pamtester fails with MESSAGE.
pt_err() {
	local d=$1 m=$2
	shift 2
	run pt "$@"
	if [ "$RC" != 0 ] && printf '%s\n' "$ERR" | grep -qF -- "$m"; then
		pass "$d"
	else
		fail "$d" "expected: a failure, stderr with '$m'" "$(_details)"
	fi
}

# what PATH: type, owner and mode of PATH (not following a symlink), or
# "absent".
what() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		stat -c '%F %u:%g %a' -- "$1"
	else
		echo absent
	fi
}

# tree DIR: every entry below DIR with type, owner, mode and link target.
tree() {
	find "$1" -mindepth 1 -printf '%P %y %U:%G %m %l\n' | LC_ALL=C sort
}

# expect_what DESC EXPECTED PATH
expect_what() {
	expect_eq "$1" "$2" what "$3"
}

# count: the reference count pam_subid keeps for U in $RTB, or "absent".
count() {
	if [ -e "$RTB/.pam_subid/$U" ]; then
		cat "$RTB/.pam_subid/$U"
	else
		echo absent
	fi
}

# reset_rt [MODE]: an empty runtime base $RTB (MODE, default 755, root's)
# on the tmpfs $W/rt, with nothing else there.
reset_rt() {
	local m
	for m in $(findmnt -rn -o TARGET | grep -F "$W/rt/" | sort -r); do
		umount -l "$m"
	done
	find "$W/rt" -mindepth 1 -delete
	mkdir -m "${1:-755}" "$RTB"
}

# hold NAME USER: start a session through pam_session that stays open until
# release NAME; its output goes to $W/hold.NAME, its PID to HPID[NAME].
# Status: the session was opened.
declare -A HPID
hold() {
	local n=$1 i
	rm -f "$W/go.$n" "$W/hold.$n"
	"$PSESS" "$SVC" "$2" "$W/go.$n" >"$W/hold.$n" 2>&1 </dev/null &
	HPID[$n]=$!
	for i in $(seq 500); do
		grep -q '^XDG_RUNTIME_DIR=' "$W/hold.$n" 2>/dev/null && break
		sleep 0.02
	done
	grep -qx 'open 0' "$W/hold.$n"
}

# release NAME: let the held session close; its output is then in OUT,
# its status in RC (for expect_true and _details).
release() {
	touch "$W/go.$1"
	wait "${HPID[$1]}"
	RC=$?
	LAST_CMD="pam_session $SVC (held session $1)"
	OUT=$(cat "$W/hold.$1")
	ERR=
}

# refused_session USER: pam_session's output when it exits 1 (a refused
# open_session); exit 1 otherwise.
refused_session() {
	as_root "$PSESS" "$SVC" "$1"
	[ $? = 1 ]
}

# rmcg DIR: remove the (empty) cgroup DIR; a process that has just exited
# may take a moment to leave it.
rmcg() {
	for _ in $(seq 50); do
		rmdir "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	rmdir "$1"
}

# closed_ok: the session release waited for closed successfully.
closed_ok() {
	[ "$RC" = 0 ] && [ "${OUT##*$'\n'}" = "close 0" ]
}

# ---------------------------------------------------------------- setup

pam_cleanup() {
	local m
	# shellcheck disable=SC2046
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	if [ -n "${CGP:-}" ] && ! cg_remove_tree "$CGP" "$W/cg"; then
		echo "# WARNING: test cgroup $CGP is still there" >&2
	fi
	for m in $(findmnt -rn -o TARGET | grep -F "$W/" | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	return 0
}

setup_pam() {
	trap pam_cleanup EXIT
	PAM_SO_STAGED=$(find "$NSS_SUBID_STAGE" -name pam_subid.so \( -type f -o -type l \) -print -quit)
	[ -n "$PAM_SO_STAGED" ] || hard_error "no pam_subid.so in $NSS_SUBID_STAGE"
	mkdir -p "$O/pam"
	PAM_SO=$O/pam/pam_subid.so
	install -m 644 "$PAM_SO_STAGED" "$PAM_SO"
	PSESS=$O/bin/pam_session
	cc -O2 -Wall -o "$PSESS" "$IT_DIR/pam_session.c" -lpam || hard_error "cc pam_session.c failed"

	mkdir -p "$W/rt"
	chmod 755 "$W/rt"
	mount -t tmpfs -o mode=755 none "$W/rt" || hard_error "cannot mount tmpfs on $W/rt"
	RTB=$W/rt/user
	# The default runtime_dir: a tmpfs of the namespace over /run/user (or
	# over /run, where there is no /run/user to mount on).
	if [ -d /run/user ]; then
		mount -t tmpfs -o mode=755 none /run/user || hard_error "cannot mount tmpfs on /run/user"
	else
		mount -t tmpfs -o mode=755 none /run || hard_error "cannot mount tmpfs on /run"
		mkdir -m 755 /run/user
	fi
	mkdir -m 755 "$W/victim"
	echo precious >"$W/victim/file"
}

# ---------------------------------------------------------------- checks

checks_nss() {
	echo "# the fake system: u$U is synthesized for root's process"
	configure "runtime_dir=$RTB"
	expect_eq "root: getent passwd u$U (users range)" "$ENTRY" as_root getent passwd "u$U"
	expect_eq "root: getent passwd $U" "$ENTRY" as_root getent passwd "$U"
	expect_eq "root: alice comes from /etc/passwd" "alice:x:1000:1000:Alice:/home/alice:/bin/sh" \
		as_root getent passwd alice
}

checks_session() {
	echo "# a synthesized user: create, count, remove"
	configure "debug runtime_dir=$RTB"
	reset_rt
	pt_ok "open_session as u$U succeeds" "u$U" open_session
	expect_what "open_session created $RTB/$U: 0700, owned by $U:$U" "directory $U:$U 700" "$RTB/$U"
	expect_what "the state directory .pam_subid is root's, 0700" "directory 0:0 700" "$RTB/.pam_subid"
	expect_what "the count file is root's, 0600" "regular file 0:0 600" "$RTB/.pam_subid/$U"
	expect_eq "a session that did not close keeps its count (1)" 1 count
	local ino
	ino=$(stat -c %i "$RTB/$U")
	pt_ok "a second session opens and closes" "u$U" open_session close_session
	expect_eq "the directory of the first session is still there (same inode)" "$ino" stat -c %i "$RTB/$U"
	expect_eq "... and its count is 1 again" 1 count
	pt_ok "close_session on a handle that opened nothing succeeds (ignored)" "u$U" close_session
	expect_eq "... and counts nothing down" 1 count
	expect_what "... and removes nothing" "directory $U:$U 700" "$RTB/$U"
	pt_ok "a third session that does not close" "u$U" open_session
	expect_eq "... counts up to 2" 2 count

	reset_rt
	pt_ok "open_session close_session succeeds" "u$U" open_session close_session
	expect_what "the runtime directory is gone afterwards" absent "$RTB/$U"
	expect_eq "... and so is its count file" absent count
	expect_eq "nothing but the empty state directory is left" ".pam_subid d 0:0 700 " tree "$RTB"

	reset_rt
	expect_eq "pam_getenv: XDG_RUNTIME_DIR is the new directory" \
		"open 0
XDG_RUNTIME_DIR=$RTB/$U
close 0" ps_ "u$U"
	expect_what "pam_session: the directory is gone after close" absent "$RTB/$U"

	echo "# a stale count (its directory removed by someone else)"
	reset_rt
	mkdir -m 700 "$RTB/.pam_subid"
	printf '5\n' >"$RTB/.pam_subid/$U"
	pt_ok "open_session succeeds" "u$U" open_session
	expect_eq "a directory created anew restarts the count at 1" 1 count
	pt_ok "close_session in another run" "u$U" open_session close_session
	expect_eq "... the count is still 1" 1 count

	echo "# a directory this module did not create"
	reset_rt
	mkdir -m 700 "$RTB/$U"
	echo mine >"$RTB/$U/file"
	chown -R "$U:$U" "$RTB/$U"
	expect_eq "open and close succeed, XDG_RUNTIME_DIR set" \
		"open 0
XDG_RUNTIME_DIR=$RTB/$U
close 0" ps_ "u$U"
	expect_what "the directory is left alone by close" "directory $U:$U 700" "$RTB/$U"
	expect_eq "... with its contents" mine cat "$RTB/$U/file"
	expect_eq "... and was never counted" absent count
	pt_ok "pamtester open_session close_session succeeds" "u$U" open_session close_session
	expect_eq "the directory is still left alone" mine cat "$RTB/$U/file"

	echo "# the default runtime_dir /run/user (a tmpfs of the namespace)"
	configure ""
	find /run/user -mindepth 1 -delete
	expect_eq "XDG_RUNTIME_DIR=/run/user/$U" "open 0
XDG_RUNTIME_DIR=/run/user/$U
close 0" ps_ "u$U"
	pt_ok "open_session without options" "u$U" open_session
	expect_what "/run/user/$U: 0700, owned by $U:$U" "directory $U:$U 700" "/run/user/$U"
	expect_eq "/run/user/.pam_subid/$U counts 1" 1 cat "/run/user/.pam_subid/$U"
	pt_ok "another session opens and closes" "u$U" open_session close_session
	expect_what "/run/user/$U stays" "directory $U:$U 700" "/run/user/$U"
	find /run/user -mindepth 1 -delete
	pt_ok "open_session close_session" "u$U" open_session close_session
	expect_eq "nothing is left in /run/user but the state directory" ".pam_subid d 0:0 700 " tree /run/user
	find /run/user -mindepth 1 -delete
}

checks_overlap() {
	echo "# overlapping sessions (pam_session, held open)"
	configure "runtime_dir=$RTB"
	reset_rt
	if ! hold a "u$U"; then
		fail "first session opens" "$(cat "$W/hold.a")"
		return
	fi
	pass "first session opens"
	expect_eq "count 1" 1 count
	if ! hold b "u$U"; then
		fail "second session opens" "$(cat "$W/hold.b")"
		release a
		return
	fi
	pass "second session opens"
	expect_eq "count 2" 2 count
	expect_eq "the second session's XDG_RUNTIME_DIR" "XDG_RUNTIME_DIR=$RTB/$U" sed -n 2p "$W/hold.b"
	release a
	expect_true "first session closes (close 0)" closed_ok
	expect_eq "count 1 after the first close" 1 count
	expect_what "the directory stays while the second session is open" "directory $U:$U 700" "$RTB/$U"
	release b
	expect_true "second session closes (close 0)" closed_ok
	expect_what "the directory is removed at the last close" absent "$RTB/$U"
	expect_eq "... and its count file" absent count

	reset_rt
	pt_ok "open_session twice on one handle, then close_session" "u$U" open_session open_session close_session
	expect_what "... one session: the directory is removed at its close" absent "$RTB/$U"
	expect_eq "... and nothing stays counted" absent count

	echo "# removal: no symlink followed, no other file system entered"
	reset_rt
	mkdir -m 755 "$W/victim2"
	echo precious >"$W/victim2/file"
	if ! hold c "u$U"; then
		fail "session opens" "$(cat "$W/hold.c")"
		return
	fi
	as_user sh -c 'cd "$1" && mkdir -p a/b/c && echo x >a/b/c/f && echo y >top &&
		ln -s "$2" link && ln -s "$2/file" flink && mkdir mnt' sh "$RTB/$U" "$W/victim2"
	echo root >"$RTB/$U/rootfile"
	mount -t tmpfs -o mode=755 none "$RTB/$U/mnt"
	echo other-fs >"$RTB/$U/mnt/keep"
	release c
	expect_true "the session closes (close 0)" closed_ok
	expect_eq "everything of this file system below the directory is removed" "mnt d 0:0 755 
mnt/keep f 0:0 644 " tree "$RTB/$U"
	expect_eq "the other file system mounted inside is untouched" other-fs cat "$RTB/$U/mnt/keep"
	expect_eq "the target of a symlink inside is untouched" "file f 0:0 644 " tree "$W/victim2"
	expect_eq "... and its file" precious cat "$W/victim2/file"
	expect_eq "the count file is gone" absent count
	umount "$RTB/$U/mnt"
}

checks_users() {
	echo "# who is handled"
	configure "runtime_dir=$RTB"
	reset_rt
	pt_ok "alice (/etc/passwd) without all_users: ignored, stack succeeds" alice open_session close_session
	pt_ok "... open_session alone" alice open_session
	expect_eq "... nothing created" "" tree "$RTB"
	expect_eq "... no XDG_RUNTIME_DIR" "open 0
XDG_RUNTIME_DIR=(unset)
close 0" ps_ alice
	pt_ok "root: ignored" root open_session
	expect_eq "... nothing created" "" tree "$RTB"

	# A UID of the users range that /etc/passwd names: not ours.
	configure "runtime_dir=$RTB" "$CONF_USERS" "root:x:0:0:root:/root:/bin/bash
alice:x:1000:1000:Alice:/home/alice:/bin/sh
bob:x:1000000001:0:Bob:/home/bob:/bin/sh
"
	pt_ok "bob (/etc/passwd, UID 1000000001 in the users range): ignored" bob open_session
	pt_err "u1000000001 (that UID's template name): unknown user" "$MSG_UNKNOWN" u1000000001 open_session
	expect_eq "... nothing created" "" tree "$RTB"

	configure "all_users runtime_dir=$RTB"
	pt_ok "alice with all_users: open_session" alice open_session
	expect_what "... $RTB/1000: 0700, owned by 1000:1000" "directory 1000:1000 700" "$RTB/1000"
	expect_eq "... counted" 1 cat "$RTB/.pam_subid/1000"
	reset_rt
	pt_ok "alice with all_users: open_session close_session" alice open_session close_session
	expect_what "... the directory is gone" absent "$RTB/1000"
	pt_ok "root with all_users: ignored" root open_session
	expect_eq "... nothing created for root" ".pam_subid d 0:0 700 " tree "$RTB"
	pt_ok "u$U with all_users" "u$U" open_session close_session
	expect_what "... gone after close" absent "$RTB/$U"
}

checks_names() {
	echo "# hostile and unknown PAM_USER values: refused, nothing created"
	configure "all_users runtime_dir=$RTB"
	reset_rt
	local n
	local -a names=('a:b' 'a/b' '..' '../x' "a
b" 'abcdefghijabcdefghijabcdefghijabcdefghij' 'abcdefghijabcdefghijabcdefghijab' ''
		'üser' "u$U " " u$U" "$U" "u$U/" "u$U
" "u$U\\" '.hidden' "U$U" "u0$U" u1000000100 nosuchuser)
	for n in "${names[@]}"; do
		pt_err "PAM_USER $(printf '%q' "$n"): unknown user" "$MSG_UNKNOWN" "$n" open_session
	done
	# pamtester would take these for options: straight to libpam.
	for n in '-rf' '--help' 'a/b' '../x'; do
		expect_eq "PAM_USER '$n' through pam_session: status $PAM_USER_UNKNOWN, no XDG_RUNTIME_DIR" \
			"open $PAM_USER_UNKNOWN
XDG_RUNTIME_DIR=(unset)" refused_session "$n"
	done
	expect_eq "nothing at all was created in the runtime base" "" tree "$RTB"
	expect_eq "nothing in the tmpfs but the empty base" "user d 0:0 755 " tree "$W/rt"
	expect_eq "nothing in /run/user" "" tree /run/user
}

checks_attacks() {
	echo "# what is already at RUNTIME_DIR/UID"
	configure "runtime_dir=$RTB"
	local v
	v=$(what "$W/victim")

	reset_rt
	ln -s "$W/victim" "$RTB/$U"
	pt_err "a symlink to a directory of root's: session error" "$MSG_SESSION" "u$U" open_session
	expect_eq "... pam_session: status $PAM_SESSION_ERR, no XDG_RUNTIME_DIR" "open $PAM_SESSION_ERR
XDG_RUNTIME_DIR=(unset)" refused_session "u$U"
	expect_eq "... the target keeps owner and mode" "$v" what "$W/victim"
	expect_eq "... and its contents" "file f 0:0 644 " tree "$W/victim"
	expect_eq "... the symlink is left as it was, nothing counted" ".pam_subid d 0:0 700 
$U l 0:0 777 $W/victim" tree "$RTB"

	reset_rt
	mkdir -m 700 "$W/rt/uservictim"
	chown "$U:$U" "$W/rt/uservictim"
	ln -s ../uservictim "$RTB/$U"
	pt_err "a symlink to a directory of the user's own (0700): still refused" "$MSG_SESSION" "u$U" open_session
	expect_eq "... nothing counted or created" ".pam_subid d 0:0 700 
$U l 0:0 777 ../uservictim" tree "$RTB"
	rm -rf "$W/rt/uservictim"

	reset_rt
	mkdir -m 700 "$RTB/$U"
	chown 1000:1000 "$RTB/$U"
	pt_err "a directory owned by another UID: session error" "$MSG_SESSION" "u$U" open_session
	expect_what "... left with its owner and mode" "directory 1000:1000 700" "$RTB/$U"
	expect_eq "... not counted" absent count

	reset_rt
	mkdir -m 755 "$RTB/$U"
	chown "$U:$U" "$RTB/$U"
	pt_err "a directory of the user's with mode 0755: session error" "$MSG_SESSION" "u$U" open_session
	expect_what "... left with mode 0755" "directory $U:$U 755" "$RTB/$U"

	reset_rt
	mkdir -m 1700 "$RTB/$U"
	chown "$U:$U" "$RTB/$U"
	pt_err "a directory of the user's with mode 1700: session error" "$MSG_SESSION" "u$U" open_session

	reset_rt
	mkdir -m 700 "$RTB/$U"
	pt_err "a directory of root's, 0700: session error" "$MSG_SESSION" "u$U" open_session
	expect_what "... left as it was" "directory 0:0 700" "$RTB/$U"

	reset_rt
	echo data >"$RTB/$U"
	pt_err "a regular file: session error" "$MSG_SESSION" "u$U" open_session
	expect_what "... left as it was" "regular file 0:0 644" "$RTB/$U"

	echo "# the state directory"
	reset_rt
	ln -s "$W/victim" "$RTB/.pam_subid"
	pt_err ".pam_subid is a symlink: session error" "$MSG_SESSION" "u$U" open_session
	expect_eq "... the new runtime directory is taken back" ".pam_subid l 0:0 777 $W/victim" tree "$RTB"
	expect_eq "... the target is untouched" "file f 0:0 644 " tree "$W/victim"
	expect_eq "... its owner and mode too" "$v" what "$W/victim"

	reset_rt
	mkdir -m 755 "$RTB/.pam_subid"
	pt_err ".pam_subid with mode 0755: session error" "$MSG_SESSION" "u$U" open_session
	expect_eq "... nothing left but it" ".pam_subid d 0:0 755 " tree "$RTB"

	reset_rt
	mkdir -m 700 "$RTB/.pam_subid"
	chown "$U:$U" "$RTB/.pam_subid"
	pt_err ".pam_subid owned by the user: session error" "$MSG_SESSION" "u$U" open_session
	expect_eq "... nothing left but it" ".pam_subid d $U:$U 700 " tree "$RTB"

	echo "# the runtime base"
	reset_rt 1777
	pt_err "a base with mode 1777: refused" "$MSG_SESSION" "u$U" open_session
	expect_eq "... nothing created in it" "" tree "$RTB"
	reset_rt 775
	pt_err "a base with mode 0775: refused" "$MSG_SESSION" "u$U" open_session
	expect_eq "... nothing created in it" "" tree "$RTB"
	reset_rt
	chown 1000:0 "$RTB"
	pt_err "a base owned by alice: refused" "$MSG_SESSION" "u$U" open_session
	expect_eq "... nothing created in it" "" tree "$RTB"
	reset_rt
	rmdir "$RTB"
	mkdir -m 755 "$W/rt/real"
	ln -s real "$RTB"
	pt_err "a base that is a symlink: refused" "$MSG_SESSION" "u$U" open_session
	expect_eq "... nothing created behind it" "" tree "$W/rt/real"
	rm -rf "$W/rt/real" "$RTB"

	reset_rt
	rmdir "$RTB"
	pt_ok "a missing base is created" "u$U" open_session close_session
	expect_what "... root's, 0755" "directory 0:0 755" "$RTB"
	expect_what "... and the session's directory removed again" absent "$RTB/$U"
	configure "runtime_dir=$W/rt/no/such"
	pt_err "a base whose parent is missing: session error" "$MSG_SESSION" "u$U" open_session
	expect_what "... nothing created" absent "$W/rt/no"
}

checks_options() {
	echo "# module options"
	reset_rt
	local a
	for a in bogus DEBUG all_users=yes "runtime_dir=" "runtime_dir=run/user" "runtime_dir=/" \
		"runtime_dir=$RTB/" "runtime_dir=$W/rt//user" "runtime_dir=$W/rt/../rt/user" \
		"runtime_dir=$W/rt/./user" "runtime_dir=$RTB/.." "cgroup=" "cgroup=sys/fs/cgroup" \
		"cgroup=/sys/fs/cgroup/" "cgroup=/sys/fs/cgroup/../x"; do
		configure "runtime_dir=$RTB $a"
		pt_err "option '$a': session error" "$MSG_SESSION" "u$U" open_session
	done
	configure "bogus runtime_dir=$RTB"
	pt_err "an unknown option also fails the session of root" "$MSG_SESSION" root open_session
	pt_err "... and close_session" "$MSG_SESSION" "u$U" close_session
	expect_eq "nothing was created" "" tree "$RTB"
	configure "runtime_dir=$W/rt/x runtime_dir=$RTB"
	pt_ok "the last runtime_dir= counts" "u$U" open_session
	expect_what "... $RTB/$U" "directory $U:$U 700" "$RTB/$U"
	expect_what "... not in the first" absent "$W/rt/x"
}

# cg_files DIR: owner of the directory and of each delegated file.
cg_files() {
	local f
	for f in "" cgroup.procs cgroup.subtree_control cgroup.threads; do
		printf '%s %s\n' "${f:-.}" "$(stat -c %u:%g "$1/$f")"
	done
}

# checks_cgroup_squat C CONF OWNED: nobody takes user-UID before pam_subid.
# Another covered user, with a set-user-ID copy of subid-cgroup, asks for
# PARENT/user-U (pam_subid's name for U's session cgroup): a cgroup of that
# user's there would make U's session fail.  subid-cgroup reserves the name.
checks_cgroup_squat() {
	local C=$1 conf=$2 owned=$3 other=$((U + 1)) sc=$W/suid/subid-cgroup
	echo "# squatting: subid-cgroup cannot take pam_subid's user-UID"
	[ -n "${SUBID_CGROUP_BIN:-}" ] || hard_error "no libexec/nss_subid/subid-cgroup in $NSS_SUBID_STAGE"
	if findmnt -no OPTIONS -T "$W" | tr , '\n' | grep -qx nosuid; then
		echo "# SKIPPED CHECK: squatting: $W is on a nosuid file system, no set-user-ID copy of subid-cgroup"
		return
	fi
	mkdir -p "$W/suid"
	install -o 0 -g 0 -m 4755 "$SUBID_CGROUP_BIN" "$sc"
	configure "runtime_dir=$RTB cgroup" "$conf"
	reset_rt
	expect_eq "control: u$other may create PARENT other-$other with subid-cgroup" "" \
		as_id "$other" 0 "$sc" create "$CGP" "other-$other"
	expect_what "... it is $other's" "directory $other:0 755" "$CGP/other-$other"
	rmcg "$CGP/other-$other"
	expect_match "u$other: subid-cgroup create PARENT user-$U is refused (exit 2, reserved)" 2 err \
		"^subid-cgroup: 'user-$U': names beginning with 'user-' are reserved for pam_subid" \
		as_id "$other" 0 "$sc" create "$CGP" "user-$U"
	expect_what "... nothing was created" absent "$C"
	expect_match "u$U: subid-cgroup create PARENT user-$U (its own) is refused too (exit 2)" 2 err 'reserved for pam_subid' \
		as_user "$sc" create "$CGP" "user-$U"
	expect_match "u$other: subid-cgroup -n create PARENT user-$U is refused too (exit 2)" 2 err 'reserved for pam_subid' \
		as_id "$other" 0 "$sc" -n create "$CGP" "user-$U"
	expect_what "... nothing was created" absent "$C"
	pt_ok "then u$U's session opens (pam_subid, root, creates user-$U through cg_apply)" "u$U" open_session
	expect_eq "... $C is u$U's" "$owned" cg_files "$C"
	rmcg "$C"
	reset_rt
	pt_ok "... and a whole session opens and closes" "u$U" open_session close_session
	expect_what "... and the cgroup is removed again" absent "$C"
	rm -f "$sc"
}

checks_cgroup() {
	echo "# cgroup delegation"
	if ! grep -qw cgroup2 /proc/filesystems; then
		echo "# the kernel has no cgroup2 file system: no cgroup checks"
		return
	fi
	mkdir -p "$W/cg"
	mount -t cgroup2 none "$W/cg" || hard_error "cannot mount cgroup2 on $W/cg"
	CGP=$W/cg/nss_subid-pam.$$
	mkdir "$CGP" || hard_error "cannot create the test cgroup $CGP"
	local C=$CGP/user-$U
	local conf="${CONF_USERS}cgroup-parent $CGP
"
	local owned=". $U:$U
cgroup.procs $U:$U
cgroup.subtree_control $U:$U
cgroup.threads $U:$U"

	configure "runtime_dir=$RTB cgroup" "$conf"
	reset_rt
	pt_ok "cgroup: open_session" "u$U" open_session
	expect_eq "... created $C, the directory and the three files the user's" "$owned" cg_files "$C"
	expect_eq "... cgroup.max.depth stays root's" 0:0 stat -c %u:%g "$C/cgroup.max.depth"
	expect_what "... and the runtime directory" "directory $U:$U 700" "$RTB/$U"
	rmcg "$C"
	reset_rt

	pt_ok "cgroup: open_session close_session" "u$U" open_session close_session
	expect_what "... the cgroup is removed again" absent "$C"
	expect_what "... and the runtime directory" absent "$RTB/$U"
	expect_eq "... nothing else below the parent" "" find "$CGP" -mindepth 1 -type d

	if hold cg "u$U"; then
		pass "cgroup: a held session opens"
		# Root's session process is never put into a cgroup the user
		# controls (the user could freeze or kill it from a sub-cgroup).
		expect_eq "... the session process stays outside $C (empty)" "" cat "$C/cgroup.procs"
		release cg
		expect_true "... closes (close 0)" closed_ok
		expect_what "... and the cgroup is gone" absent "$C"
	else
		fail "cgroup: a held session opens" "$(cat "$W/hold.cg")"
		release cg
	fi

	if hold busy "u$U"; then
		pass "cgroup: a session whose cgroup has another process opens"
		sleep 60 >/dev/null 2>&1 &
		local sp=$!
		echo "$sp" >"$C/cgroup.procs"
		release busy
		expect_true "... closes (close 0)" closed_ok
		expect_eq "... the cgroup is left in place, with the other process" "$sp" cat "$C/cgroup.procs"
		expect_what "... the runtime directory is removed all the same" absent "$RTB/$U"
		echo "$sp" >"$W/cg/cgroup.procs"
		kill "$sp"
		wait "$sp" 2>/dev/null
		rmcg "$C"
	else
		fail "cgroup: a session whose cgroup has another process opens" "$(cat "$W/hold.busy")"
		release busy
	fi

	configure "runtime_dir=$RTB cgroup=$CGP" "$conf"
	pt_ok "cgroup=PARENT (configured): open_session close_session" "u$U" open_session close_session
	expect_what "... the cgroup is removed again" absent "$C"

	echo "# an existing cgroup"
	mkdir "$C"
	chown "$U:$U" "$C"
	pt_ok "the user's own existing cgroup is delegated again" "u$U" open_session close_session
	expect_what "... and left in place at close (not created by this session)" "directory $U:$U 755" "$C"
	rmcg "$C"
	mkdir "$C"
	pt_err "an existing cgroup of root's: session error" "$MSG_SESSION" "u$U" open_session
	expect_eq "... it stays root's" "$(printf '%s\n' ". 0:0" "cgroup.procs 0:0" "cgroup.subtree_control 0:0" \
		"cgroup.threads 0:0")" cg_files "$C"
	expect_what "... and no runtime directory is left" absent "$RTB/$U"
	rmcg "$C"

	checks_cgroup_squat "$C" "$conf" "$owned"

	echo "# refused parents"
	reset_rt
	mkdir "$CGP/other"
	configure "runtime_dir=$RTB cgroup=$CGP/other" "$conf"
	pt_err "cgroup=PARENT that is not configured: session error" "$MSG_SESSION" "u$U" open_session
	expect_eq "... nothing created below it" "" find "$CGP/other" -mindepth 1 -type d
	expect_what "... no runtime directory left" absent "$RTB/$U"
	expect_eq "... no count left" absent count
	rmdir "$CGP/other"
	configure "runtime_dir=$RTB cgroup=$CGP" "$CONF_USERS"
	pt_err "cgroup=PARENT with no cgroup-parent configured: session error" "$MSG_SESSION" "u$U" open_session
	configure "runtime_dir=$RTB cgroup" "$CONF_USERS"
	pt_err "cgroup with no cgroup-parent configured: session error" "$MSG_SESSION" "u$U" open_session
	run refused_session "u$U"
	expect_true "... pam_session: status $PAM_SESSION_ERR" [ "${OUT%%$'\n'*}" = "open $PAM_SESSION_ERR" ]
	expect_what "... nothing created" absent "$C"
	expect_what "... no runtime directory left" absent "$RTB/$U"
	mkdir -m 755 "$W/rt/notcg"
	configure "runtime_dir=$RTB cgroup" "${CONF_USERS}cgroup-parent $W/rt/notcg
"
	pt_err "a configured parent that is not on cgroup2: session error" "$MSG_SESSION" "u$U" open_session
	expect_eq "... nothing created in it" "" tree "$W/rt/notcg"
	configure "runtime_dir=$RTB cgroup" "${CONF_USERS}cgroup-parent $CGP
bogus directive
"
	pt_err "an invalid nss_subid.conf: nothing synthesized, unknown user" "$MSG_UNKNOWN" "u$U" open_session
	expect_what "... nothing created" absent "$C"
	expect_eq "the test parent is empty at the end" "" find "$CGP" -mindepth 1 -type d
}

checks() {
	setup_pam
	checks_nss
	checks_session
	checks_overlap
	checks_users
	checks_names
	checks_attacks
	checks_options
	checks_cgroup
}

run_tests checks
