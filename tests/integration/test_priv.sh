#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The privilege drop of the set-user-ID helpers (helpers/priv.c: priv_drop,
# priv_verify_dropped, priv_caps_lower) and its callers in newidmap.c and
# subid-cgroup.c, as root with real set-user-ID copies run by unprivileged
# callers:
#
#   - the kernel's view of a helper right after the drop, read from
#     /proc/PID/status while it is stopped there: the caller's UIDs and GIDs,
#     no supplementary groups, only the kept capabilities permitted, none
#     effective, inheritable or ambient, the bounding set cut to the kept ones
#     (set-user-ID root), no_new_privs -- for a caller with groups, a
#     set-group-ID copy, root as the caller and a file-capability copy;
#   - a real kernel refusal with the installed (staged) helpers: the caller
#     locks SECBIT_KEEP_CAPS (setpriv --securebits +keep_caps_locked), so
#     PR_SET_KEEPCAPS fails: exit 4 (system error), one stderr line naming
#     the step, and nothing written although the request is one that is
#     otherwise granted (the control case);
#   - every other step through test builds of the helpers (tests/priv/,
#     -DPRIV_TEST_FAULTS, never installed: checked here too), whose
#     NSS_SUBID_TEST_FAULT makes one step fail (fail:STEP: exit 4, the step
#     named, nothing written), silently not happen (skip:STEP: the
#     verification must find what is still held, and exit 4), or hold a
#     capability back after the drop (leak:effective, leak:ambient); a
#     capability that cannot be lowered again (fail:lower) is exit 4 too,
#     before anything else is done.
#
# Needs root; exits 77 with a reason otherwise.  NSS_SUBID_STAGE as in
# lib.sh; the test builds come from NSS_SUBID_BUILDDIR (made there with
# `make` when missing).

# Functions below are called through run_tests and nrun, which shellcheck
# cannot follow.
# shellcheck disable=SC2317
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=newidmap_lib.sh
. "$(dirname "$0")/newidmap_lib.sh"

require_root
require_cmds setpriv setcap unshare mount umount awk findmnt od install strings pgrep

U=$USER_UID  # 1000590000:0, covered by "users self": own UID and the pool
ALICE=1000   # alice:1000:1000 of the fake /etc/passwd, no subordinate GIDs

# Capability numbers (linux/capability.h) and the sets each helper keeps.
CAP_CHOWN=0 CAP_DAC_OVERRIDE=1 CAP_SETGID=6 CAP_SETUID=7 CAP_AUDIT_WRITE=29 CAP_SETFCAP=31
capmask() {
	local m=0 c
	for c in "$@"; do m=$((m | (1 << c))); done
	printf '%016x' "$m"
}
KEEP_UID=$(capmask $CAP_SETUID $CAP_SETFCAP $CAP_AUDIT_WRITE)
KEEP_GID=$(capmask $CAP_SETGID $CAP_AUDIT_WRITE)
KEEP_CG=$(capmask $CAP_CHOWN $CAP_DAC_OVERRIDE $CAP_SETUID $CAP_SETGID $CAP_AUDIT_WRITE)

# ---------------------------------------------------------------- setup

# The test builds of the helpers, from the build tree of the stage:
# NSS_SUBID_BUILDDIR, or the copy newidmap_lib.sh's build_stage made, or
# this tree.
find_fault_builds() {
	local b=${NSS_SUBID_BUILDDIR:-} t
	if [ -z "$b" ]; then
		b=$(cd "$IT_DIR/../.." && pwd)
		[ -f "$W/build/Makefile" ] && b=$W/build
	fi
	for t in newuidmap newgidmap subid-cgroup; do
		if [ ! -x "$b/tests/priv/$t" ]; then
			[ -f "$b/Makefile" ] || hard_error "no test build $b/tests/priv/$t and no Makefile in $b to make one"
			make -C "$b" "tests/priv/$t" >>"$W/faultbuild.log" 2>&1 ||
				hard_error "make tests/priv/$t in $b failed (log: $W/faultbuild.log)"
		fi
	done
	FAULT_SRC=$b/tests/priv
}

setup_helpers() {
	[ -n "${SUBID_CGROUP_BIN:-}" ] || hard_error "no libexec/nss_subid/subid-cgroup in $NSS_SUBID_STAGE"
	make_suid_dir
	find_fault_builds
	# The installed helpers...
	NUM=$SUID_DIR/newuidmap
	NGM=$SUID_DIR/newgidmap
	SCG=$SUID_DIR/subid-cgroup
	install_suid "$NEWUIDMAP_BIN" "$NUM" 0:0
	install_suid "$NEWGIDMAP_BIN" "$NGM" 0:0
	install_suid "$SUBID_CGROUP_BIN" "$SCG" 0:0
	# ...and the test builds, set-user-ID root like them.
	mkdir -p "$SUID_DIR/t"
	chmod 755 "$SUID_DIR/t"
	FNUM=$SUID_DIR/t/newuidmap
	FNGM=$SUID_DIR/t/newgidmap
	FSCG=$SUID_DIR/t/subid-cgroup
	install_suid "$FAULT_SRC/newuidmap" "$FNUM" 0:0
	install_suid "$FAULT_SRC/newgidmap" "$FNGM" 0:0
	install_suid "$FAULT_SRC/subid-cgroup" "$FSCG" 0:0
	# Set-user-ID and set-group-ID root: the drop must change the GIDs too.
	FNUM_SG=$SUID_DIR/t/newuidmap-sgid
	install_suid "$FAULT_SRC/newuidmap" "$FNUM_SG" 0:0
	chmod 6755 "$FNUM_SG"
	# With file capabilities instead (--with-helper-mode=caps).
	FNUM_CAPS=$SUID_DIR/t/newuidmap-caps
	install -m 755 "$FAULT_SRC/newuidmap" "$FNUM_CAPS"
	setcap cap_setuid,cap_setfcap,cap_audit_write=ep "$FNUM_CAPS" || hard_error "setcap $FNUM_CAPS"
	# No privilege at all (nosuid, or a pod with allowPrivilegeEscalation: false).
	FNUM_PLAIN=$SUID_DIR/t/newuidmap-plain
	install -m 755 "$FAULT_SRC/newuidmap" "$FNUM_PLAIN"
}

# as_ids UID GID GROUPS CMD...: CMD as UID:GID with supplementary GROUPS
# ("" for none), clean environment.
as_ids() {
	local u=$1 g=$2 gr=$3
	shift 3
	if [ -n "$gr" ]; then
		setpriv --reuid="$u" --regid="$g" --groups="$gr" -- env -i PATH="$SAFE_PATH" HOME=/ LC_ALL=C "$@"
	else
		setpriv --reuid="$u" --regid="$g" --clear-groups -- env -i PATH="$SAFE_PATH" HOME=/ LC_ALL=C "$@"
	fi
}

# as_locked CMD...: CMD as U:0 with SECBIT_KEEP_CAPS locked (off), which
# only a privileged setpriv can set, and an exec keeps.
as_locked() {
	setpriv --reuid="$U" --regid=0 --clear-groups --securebits +keep_caps_locked -- \
		env -i PATH="$SAFE_PATH" HOME=/ LC_ALL=C "$@"
}

# fresh: a new holder of HOLDER_IDS (UID GID, default the caller U:0) in a
# new user namespace.
HOLDER_IDS="$U 0"
fresh() {
	stop_holder
	# shellcheck disable=SC2086
	spawn_as $HOLDER_IDS unshare --user sleep 600 || fail "start a user namespace holder ($HOLDER_IDS)"
}

# pcase DESC KIND RC MAP ERE CMD...: run CMD (its "@PID@" replaced by a
# fresh holder's PID) and check exit RC, empty stdout, /proc/HOLDER/KIND_map
# equal to MAP ("" = nothing written), and stderr (check_stderr with PROG
# from KIND: uid, gid, or cg for subid-cgroup, which has no map).
pcase() {
	local d=$1 kind=$2 want=$3 wmap=$4 re=$5 a map prog
	local -a cmd=()
	shift 5
	fresh
	for a in "$@"; do cmd+=("${a//@PID@/$HOLDER}"); done
	nrun "${cmd[@]}"
	case $kind in
	cg) map="" prog=subid-cgroup ;;
	*) map=$(map_of "$HOLDER" "${kind}_map") prog=new${kind}map ;;
	esac
	local what="nothing written"
	[ "$kind" = cg ] && what="nothing printed"
	[ -z "$wmap" ] || what="${kind}_map $(show_map "$wmap")"
	if [ "$RC" = "$want" ] && [ -z "$OUT" ] && [ "$map" = "$wmap" ]; then
		pass "$d: exit $want, $what"
	else
		fail "$d: exit $want, $what" "$(ndetails)" "map now: $(show_map "$map")"
	fi
	check_stderr "$d" "$prog" "$want" "$re"
}

# status_field PID NAME: the value of NAME: in /proc/PID/status, blanks squeezed.
status_field() {
	awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "/proc/$1/status" 2>/dev/null
}

# stopped_view DESC WANT_UID WANT_GID CAPPRM CAPBND CMD...: run CMD (a test
# build with NSS_SUBID_TEST_FAULT=stop:dropped) in the background, wait until
# it stops itself right after a successful verification, and check what the
# kernel holds for it.  CAPBND "-": not checked (file capabilities cannot
# cut the bounding set).  Then continue it; it must exit 0.
stopped_view() {
	local d=$1 wu=$2 wg=$3 prm=$4 bnd=$5 bg pid st ok=1 got rc
	shift 5
	# A function (as_ids) in the background runs in a subshell: the helper
	# (setpriv and env exec it) is that subshell's child.
	"$@" </dev/null >"$W/view.out" 2>"$W/view.err" &
	bg=$!
	for _ in $(seq 250); do
		pid=$(pgrep -P "$bg" | head -1)
		[ -n "$pid" ] || pid=$bg
		st=$(status_field "$pid" State)
		[[ $st == T* ]] && break
		[ -e "/proc/$bg" ] || break
		sleep 0.02
	done
	if [[ $st != T* ]]; then
		kill "$pid" "$bg" 2>/dev/null
		wait "$bg"
		fail "$d: the helper stops after the drop" "state: ${st:-gone}, exit $?" "stderr: $(cat "$W/view.err")"
		return
	fi
	got="Uid=$(status_field "$pid" Uid) Gid=$(status_field "$pid" Gid) Groups=$(status_field "$pid" Groups)"
	got+=" CapInh=$(status_field "$pid" CapInh) CapPrm=$(status_field "$pid" CapPrm)"
	got+=" CapEff=$(status_field "$pid" CapEff) CapBnd=$(status_field "$pid" CapBnd)"
	got+=" CapAmb=$(status_field "$pid" CapAmb) NoNewPrivs=$(status_field "$pid" NoNewPrivs)"
	local want="Uid=$wu $wu $wu $wu Gid=$wg $wg $wg $wg Groups= CapInh=0000000000000000 CapPrm=$prm"
	want+=" CapEff=0000000000000000 CapBnd=$bnd CapAmb=0000000000000000 NoNewPrivs=1"
	if [ "$bnd" = - ]; then
		got=$(sed 's/ CapBnd=[0-9a-f]*/ CapBnd=-/' <<<"$got")
	fi
	[ "$got" = "$want" ] || ok=0
	kill -CONT "$pid"
	wait "$bg"
	rc=$?
	if [ "$ok" = 1 ] && [ "$rc" = 0 ]; then
		pass "$d: kernel view after the drop: $want; then exit 0"
	else
		fail "$d: kernel view after the drop" "want: $want" "got:  $got" "exit after SIGCONT: $rc" \
			"stderr: $(cat "$W/view.err")"
	fi
}

# ---------------------------------------------------------------- checks

checks_builds() {
	echo "# the fault hooks exist only in the test builds"
	local b
	for b in "$NEWUIDMAP_BIN" "$NEWGIDMAP_BIN" "$SUBID_CGROUP_BIN"; do
		if strings "$b" | grep -q NSS_SUBID_TEST_FAULT; then
			fail "installed $(basename "$b") has no fault hook" "$b contains NSS_SUBID_TEST_FAULT"
		else
			pass "installed $(basename "$b") has no fault hook (no NSS_SUBID_TEST_FAULT)"
		fi
	done
	for b in "$FNUM" "$FNGM" "$FSCG"; do
		if strings "$b" | grep -q NSS_SUBID_TEST_FAULT; then
			pass "control: test build $(basename "$b") has the fault hook"
		else
			fail "control: test build $(basename "$b") has the fault hook" "$b lacks NSS_SUBID_TEST_FAULT"
		fi
	done
}

checks_kernel_view() {
	echo "# the kernel's view right after the drop (test builds stopped there)"
	local S="NSS_SUBID_TEST_FAULT=stop:dropped"
	fresh
	stopped_view "newuidmap, caller $U:0 with groups 1000,1001" "$U" 0 "$KEEP_UID" "$KEEP_UID" \
		as_ids "$U" 0 1000,1001 env "$S" "$FNUM" "$HOLDER" 0 "$U" 1
	expect_true "newuidmap after SIGCONT: the map is written" [ "$(map_of "$HOLDER" uid_map)" = "0 $U 1" ]
	fresh
	stopped_view "newgidmap, caller $U:0" "$U" 0 "$KEEP_GID" "$KEEP_GID" \
		as_ids "$U" 0 "" env "$S" "$FNGM" "$HOLDER" 0 0 1 1 100000 65536
	stopped_view "subid-cgroup --version, caller $U:0" "$U" 0 "$KEEP_CG" "$KEEP_CG" \
		as_ids "$U" 0 "" env "$S" "$FSCG" --version
	stopped_view "set-group-ID copy of newuidmap, caller $U:1000" "$U" 1000 "$KEEP_UID" "$KEEP_UID" \
		as_ids "$U" 1000 "" env "$S" "$FNUM_SG" --version
	stopped_view "newuidmap, root as the caller (keeps UID 0)" 0 0 "$KEEP_UID" "$KEEP_UID" \
		env -i "$S" "$FNUM" --version
	stopped_view "newuidmap with file capabilities (bounding set left alone)" "$U" 0 "$KEEP_UID" - \
		as_ids "$U" 0 "" env "$S" "$FNUM_CAPS" --version
	stopped_view "newuidmap without privilege (no set-user-ID bit): nothing permitted" "$U" 0 \
		0000000000000000 - as_ids "$U" 0 "" env "$S" "$FNUM_PLAIN" --version
}

checks_real_kernel() {
	echo "# the installed helpers: the kernel refuses PR_SET_KEEPCAPS (keep_caps_locked)"
	pcase "control: newuidmap own UID, no securebits" uid 0 "0 $U 1" "" as_ids "$U" 0 "" "$NUM" @PID@ 0 "$U" 1
	pcase "newuidmap, keep_caps_locked" uid 4 "" "cannot drop privileges: keepcaps: Operation not permitted" \
		as_locked "$NUM" @PID@ 0 "$U" 1
	pcase "control: newgidmap own GID and pool, no securebits" gid 0 $'0 0 1\n1 100000 65536' "" \
		as_ids "$U" 0 "" "$NGM" @PID@ 0 0 1 1 100000 65536
	pcase "newgidmap, keep_caps_locked" gid 4 "" "cannot drop privileges: keepcaps: Operation not permitted" \
		as_locked "$NGM" @PID@ 0 0 1 1 100000 65536
	nrun as_ids "$U" 0 "" "$SCG" --version
	expect_true "control: subid-cgroup --version, no securebits: exit 0, version" \
		[ "$RC" = 0 -a -n "$OUT" ]
	pcase "subid-cgroup --version, keep_caps_locked" cg 4 "" \
		"cannot drop privileges: keepcaps: Operation not permitted" as_locked "$SCG" --version
}

checks_fail_steps() {
	echo "# a step of the drop fails (fail:STEP): exit 4, the step named, nothing done"
	local s F
	pcase "control: test build of newuidmap, no fault" uid 0 "0 $U 1" "" as_ids "$U" 0 "" "$FNUM" @PID@ 0 "$U" 1
	pcase "control: test build of newgidmap, no fault" gid 0 "0 0 1" "" as_ids "$U" 0 "" "$FNGM" @PID@ 0 0 1
	nrun as_ids "$U" 0 "" "$FSCG" --version
	expect_true "control: test build of subid-cgroup --version, no fault: exit 0" [ "$RC" = 0 -a -n "$OUT" ]
	pcase "newuidmap, fail:dumpable" uid 4 "" "cannot make the process non-dumpable: Input/output error" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=fail:dumpable "$FNUM" @PID@ 0 "$U" 1
	for s in bounding ambient keepcaps setgroups setresgid setresuid keepcaps-off capset nnp; do
		F=NSS_SUBID_TEST_FAULT=fail:$s
		pcase "newuidmap, fail:$s" uid 4 "" "cannot drop privileges: $s: Input/output error" \
			as_ids "$U" 0 "" env "$F" "$FNUM" @PID@ 0 "$U" 1
		pcase "newgidmap, fail:$s" gid 4 "" "cannot drop privileges: $s: Input/output error" \
			as_ids "$U" 0 "" env "$F" "$FNGM" @PID@ 0 0 1
		pcase "subid-cgroup --version, fail:$s" cg 4 "" "cannot drop privileges: $s: Input/output error" \
			as_ids "$U" 0 "" env "$F" "$FSCG" --version
	done
	# The dumpable step after setresuid (fs.suid_dumpable may undo the first).
	pcase "subid-cgroup --version, fail:dumpable" cg 4 "" "non-dumpable: Input/output error" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=fail:dumpable "$FSCG" --version
}

checks_skip_steps() {
	echo "# a step silently does not happen (skip:STEP): the verification finds what is held"
	local V="privileges not dropped"
	pcase "newuidmap, skip:setresuid (effective UID 0 kept)" uid 4 "" "$V: setresuid\(0, 0, 0\) succeeded" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:setresuid "$FNUM" @PID@ 0 "$U" 1
	pcase "newgidmap, skip:setresuid" gid 4 "" "$V: setresuid\(0, 0, 0\) succeeded" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:setresuid "$FNGM" @PID@ 0 0 1
	pcase "subid-cgroup --version, skip:setresuid" cg 4 "" "$V: setresuid\(0, 0, 0\) succeeded" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:setresuid "$FSCG" --version
	pcase "control: set-group-ID newuidmap, caller $U:1000, no fault" uid 0 "0 $U 1" "" \
		as_ids "$U" 1000 "" "$FNUM_SG" @PID@ 0 "$U" 1
	pcase "set-group-ID newuidmap, skip:setresgid (effective GID 0 kept)" uid 4 "" \
		"$V: setresgid\(0, 0, 0\) succeeded" \
		as_ids "$U" 1000 "" env NSS_SUBID_TEST_FAULT=skip:setresgid "$FNUM_SG" @PID@ 0 "$U" 1
	pcase "newuidmap, caller with groups 1000,1001, skip:setgroups" uid 4 "" "$V: supplementary groups" \
		as_ids "$U" 0 1000,1001 env NSS_SUBID_TEST_FAULT=skip:setgroups "$FNUM" @PID@ 0 "$U" 1
	pcase "newuidmap, skip:capset (every capability still permitted)" uid 4 "" "$V: cap_chown could be raised" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:capset "$FNUM" @PID@ 0 "$U" 1
	pcase "newgidmap, skip:capset" gid 4 "" "$V: cap_chown could be raised" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:capset "$FNGM" @PID@ 0 0 1
	pcase "subid-cgroup --version, skip:capset" cg 4 "" "$V: cap_dac_read_search could be raised" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:capset "$FSCG" --version
	pcase "newuidmap, skip:bounding" uid 4 "" "$V: bounding set holds cap_chown" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:bounding "$FNUM" @PID@ 0 "$U" 1
	pcase "newuidmap, skip:nnp" uid 4 "" "$V: no_new_privs is not set" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:nnp "$FNUM" @PID@ 0 "$U" 1
	pcase "newuidmap, skip:keepcaps-off" uid 4 "" "$V: keep-capabilities is still set" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:keepcaps-off "$FNUM" @PID@ 0 "$U" 1
	pcase "newuidmap, leak:effective (CAP_AUDIT_WRITE left raised)" uid 4 "" "$V: cap_audit_write still effective" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=leak:effective "$FNUM" @PID@ 0 "$U" 1
	pcase "newuidmap, leak:ambient (CAP_AUDIT_WRITE inheritable and ambient)" uid 4 "" \
		"$V: ambient set holds cap_audit_write" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=leak:ambient "$FNUM" @PID@ 0 "$U" 1
	# A privileged exec is never dumpable (suid_dumpable), so this needs a
	# copy without privilege, which the user's exec leaves dumpable.
	pcase "control: newuidmap without privilege, own UID" uid 0 "0 $U 1" "" as_ids "$U" 0 "" "$FNUM_PLAIN" @PID@ 0 "$U" 1
	pcase "newuidmap without privilege, skip:dumpable" uid 4 "" "$V: the process is dumpable" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=skip:dumpable "$FNUM_PLAIN" @PID@ 0 "$U" 1
}

checks_lower() {
	echo "# a capability that cannot be lowered again (fail:lower) is fatal at once"
	# newuidmap: the lowering comes right after the write.
	pcase "newuidmap, fail:lower (after the write)" uid 4 "0 $U 1" "cannot lower capabilities" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=fail:lower "$FNUM" @PID@ 0 "$U" 1
	# newgidmap for a caller without subordinate GIDs writes "deny" to
	# setgroups first (CVE-2018-7169): when CAP_SETGID cannot be lowered
	# after that write, gid_map is never written.
	HOLDER_IDS="$ALICE $ALICE"
	pcase "control: newgidmap, alice's own GID, no fault" gid 0 "0 $ALICE 1" "" \
		as_ids "$ALICE" "$ALICE" "" "$FNGM" @PID@ 0 "$ALICE" 1
	expect_true "control: setgroups is deny" [ "$(cat "/proc/$HOLDER/setgroups")" = deny ]
	fresh
	HOLDER_IDS="$U 0"
	nrun as_ids "$ALICE" "$ALICE" "" env NSS_SUBID_TEST_FAULT=fail:lower "$FNGM" "$HOLDER" 0 "$ALICE" 1
	if [ "$RC" = 4 ] && [ "$(cat "/proc/$HOLDER/setgroups")" = deny ] && [ -z "$(map_of "$HOLDER" gid_map)" ]; then
		pass "newgidmap, fail:lower after the setgroups write: exit 4, gid_map never written"
	else
		fail "newgidmap, fail:lower after the setgroups write: exit 4, gid_map never written" "$(ndetails)" \
			"setgroups: $(cat "/proc/$HOLDER/setgroups") gid_map: $(show_map "$(map_of "$HOLDER" gid_map)")"
	fi
	check_stderr "newgidmap, fail:lower" newgidmap 4 "cannot lower capabilities: Input/output error"
	pcase "newuidmap, fail:raise" uid 4 "" "cannot raise capability" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=fail:raise "$FNUM" @PID@ 0 "$U" 1

	# subid-cgroup: the filesystem IDs are set with CAP_SETUID/CAP_SETGID
	# raised just for that, before any cgroup is touched.  A configured
	# parent that does not exist: without the fault, exit 3 (path).
	local P=/sys/fs/cgroup/nss_subid-priv-test.$$ L
	L=$(new_layer cgconf)
	write_file "$L/nss_subid.conf" 644 "cgroup-parent $P
"
	use_etc "$L"
	pcase "control: subid-cgroup --dry-run create under a missing parent, no fault" cg 3 "" "." \
		as_ids "$U" 0 "" "$FSCG" --dry-run create "$P" x
	pcase "subid-cgroup --dry-run create, fail:lower (before the cgroup is looked at)" cg 4 "" \
		"cannot lower capabilities: Input/output error" \
		as_ids "$U" 0 "" env NSS_SUBID_TEST_FAULT=fail:lower "$FSCG" --dry-run create "$P" x
	use_etc
}

# The others need nothing besides the checks that still pass with no privilege: a
# verification that misfires would fail these too.
checks_no_misfire() {
	echo "# the verification does not refuse legitimate callers"
	nrun env -i "$NUM" --version
	expect_true "root runs the installed newuidmap: exit 0" [ "$RC" = 0 -a -z "$ERR" ]
	nrun as_ids "$U" 0 "" setpriv --no-new-privs "$NUM" --version
	expect_true "a caller with no_new_privs (set-user-ID ignored): exit 0" [ "$RC" = 0 -a -z "$ERR" ]
	nrun as_ids "$U" 0 1000 "$SCG" --version
	expect_true "subid-cgroup, a caller with a supplementary group: exit 0" [ "$RC" = 0 -a -z "$ERR" ]
}

all_checks() {
	trap cleanup_newidmap EXIT
	setup_helpers
	checks_builds
	checks_kernel_view
	checks_real_kernel
	checks_fail_steps
	checks_skip_steps
	checks_lower
	checks_no_misfire
	stop_all_holders
}

run_tests all_checks
