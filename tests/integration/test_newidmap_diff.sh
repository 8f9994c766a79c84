#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Differential test: nss_subid's newuidmap (a set-user-ID copy of the staged
# helper) against shadow's /usr/bin/newuidmap (Debian uidmap 4.13,
# set-user-ID root), same requests, same caller, fresh targets.
#
# The fake system: nsswitch.conf WITHOUT "subid:" (shadow reads /etc/subuid
# itself, through its files backend) and without the nss_subid modules, no
# /etc/nss_subid.conf (built-in defaults), and an /etc/subuid with lines for
# builder (1000:1000 in /etc/passwd), for owners written as decimal UIDs,
# and malformed or suspicious lines.  builder is not covered by "users self"
# (it is in /etc/passwd), so nss_subid's policy grants it exactly its
# /etc/subuid lines, matched by name and decimal UID, like shadow; our helper
# reads /etc/subuid through lib/ directly, whatever nsswitch.conf says.
#
# For every request, as builder, each helper gets a target of its own (a
# fresh `unshare --user sleep`, or the same kind of wrong target) and:
#   - whenever ours grants (exit 0), shadow grants too and both maps are
#     identical: ours is a subset of shadow;
#   - the requests marked "valid" are granted by both, with identical maps;
#   - ours exits with the status the contract gives (docs/newidmap-contract.md);
#   - a helper that fails leaves its target's map as it was;
#   - where shadow grants and ours denies, the case is printed, and it must
#     be marked with one of the documented stricter rules below; any other
#     difference fails.
#
# Documented stricter rules (ours denies, shadow 4.13 may grant):
#   parse        argv numbers are strict canonical decimal (no sign, blank,
#                hex, octal or leading zero): shadow parses them with
#                strtoul(), which takes "+1", " 1", and hex/octal per base.
#   parse-pid    the same for the PID (shadow: strtoll(), "+PID", " PID",
#                "0PID").
#   lower0       lower ID 0 is never granted, and /etc/subuid lines whose
#                range contains 0 are skipped (shadow would map host root).
#   subuid-end   /etc/subuid lines whose range reaches 4294967295 or beyond
#                are skipped.
#   subuid-num   /etc/subuid numbers are canonical decimal too (shadow:
#                strtoul(), so "+10", leading zeros or hex may parse).
#   alias-owner  a line is the caller's when its owner is the caller's name
#                or decimal UID; shadow also takes a line of another
#                /etc/passwd name that has the same UID.
#   nondumpable  a non-dumpable target is refused (exit 3): its ns/user and
#                uid_map are closed to a helper without CAP_SYS_PTRACE and
#                CAP_DAC_OVERRIDE, which ours never holds; shadow's helper
#                runs with all of root's capabilities and maps it.
# (Count 0, IDs or ranges past 4294967294, overlaps and more than 340 extents
# are usage errors for ours; the kernel rejects them for shadow, so both deny.)
#
# fd:N targets are not compared: shadow 4.13 does not know that syntax (4.14
# does); test_newidmap.sh covers them.
#
# Needs root and shadow's newuidmap; exits 77 with a reason otherwise.

# Functions below are called through run_tests, which shellcheck cannot
# follow.
# shellcheck disable=SC2317
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=newidmap_lib.sh
. "$(dirname "$0")/newidmap_lib.sh"

require_root
require_cmds setpriv unshare mount umount awk sha256sum findmnt od install cc
SHADOW_NUM=/usr/bin/newuidmap
SHADOW_NGM=/usr/bin/newgidmap
for _p in "$SHADOW_NUM" "$SHADOW_NGM"; do
	if ! [ -x "$_p" ] || ! [ -u "$_p" ] || [ "$(stat -c %u "$_p")" != 0 ]; then
		skip "needs shadow's set-user-ID root $_p (Debian package uidmap)"
	fi
done

DOCUMENTED="parse parse-pid lower0 subuid-end subuid-num alias-owner nondumpable"

FAKE_NSSWITCH="passwd: files
group: files
shadow: files
gshadow: files
hosts: files
"
FAKE_PASSWD="root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
builder:x:1000:1000:Builder:/home/builder:/bin/sh
builder2:x:1000:1000:Builder alias:/home/builder:/bin/sh
other:x:2000:2000:Other:/home/other:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"
FAKE_GROUP="root:x:0:
daemon:x:1:
builder:x:1000:
other:x:2000:
nogroup:x:65534:
"
B=1000 # builder

SUBUID="builder:100000:65536
builder:300000:100
builder:300100:100
1000:400000:1000
builder:995:10
builder:0:10
builder:500000:abc
builder:4294967000:1000
builder2:800000:100
builder:0900000:10
builder:+910000:10
builder:920000:+10
builder:0xe30d0:16
other:600000:65536
2000:700000:100
1000000000:200000:65536
01000:710000:10
"
SUBGID="builder:100000:65536
"

# start TARGETKIND: a target of that kind for one helper; TGT is its PID.
#   fresh       builder's process in a new user namespace (the normal case)
#   other       other's (2000:2000) process in a new user namespace
#   mapped      builder's namespace that already mapped itself
#   own         builder's process in the initial namespace
#   grandchild  builder's process two user namespaces down
#   nondumpable builder's non-dumpable process (PR_SET_DUMPABLE 0) in a new
#               user namespace: a proper child, whose /proc files the
#               kernel makes root's
start_target() {
	case $1 in
	fresh) spawn_as "$B" "$B" unshare --user sleep 600 ;;
	other) spawn_as 2000 2000 unshare --user sleep 600 ;;
	mapped) spawn_as "$B" "$B" unshare --user --map-root-user sleep 600 ;;
	own) spawn_as "$B" "$B" sleep 600 ;;
	grandchild) spawn_as "$B" "$B" unshare --user --map-root-user unshare --user sleep 600 ;;
	nondumpable) spawn_as "$B" "$B" "$HOLD" -u -n ;;
	*) hard_error "unknown target kind $1" ;;
	esac || fail "start a $1 target"
	TGT=$HOLDER
}

# one HELPER TARGETKIND MAPFILE ARG...: run HELPER as builder on a new
# target; R_RC, R_BEFORE, R_MAP (map before and after), R_ERR, R_SG
# (setgroups after).
one() {
	local bin=$1 kind=$2 file=$3 a
	local -a args=()
	shift 3
	start_target "$kind"
	for a in "$@"; do
		args+=("${a//@PID@/$TGT}")
	done
	R_BEFORE=$(map_of "$TGT" "$file")
	nrun as_id "$B" "$B" "$bin" "${args[@]}"
	R_RC=$RC
	R_ERR=$ERR
	R_MAP=$(map_of "$TGT" "$file")
	R_SG=$(cat "/proc/$TGT/setgroups" 2>/dev/null)
	R_CMD=$LAST_CMD
	stop_holder "$TGT"
}

NCASES=0
NSTRICT=0

# dcase CLASS OURS [TARGETKIND] -- ARG...: one request, both helpers.
#   CLASS  valid | deny | strict:RULE (RULE from DOCUMENTED)
#   OURS   the exit status the contract gives our helper
# Without TARGETKIND the target is "fresh".  "@PID@" in an ARG is the
# target's PID.  Prints one PASS/FAIL line.
dcase() {
	local class=$1 want=$2 kind=fresh d why=() rule
	shift 2
	if [ "$1" != -- ]; then
		kind=$1
		shift
	fi
	shift # --
	NCASES=$((NCASES + 1))
	d=$(printf 'diff %02d [%s, %s target] newuidmap %s' "$NCASES" "$class" "$kind" "$(describe "$@")")

	one "$NUM" "$kind" uid_map "$@"
	local o_rc=$R_RC o_before=$R_BEFORE o_map=$R_MAP o_err=$R_ERR o_cmd=$R_CMD
	one "$SHADOW_NUM" "$kind" uid_map "$@"
	local s_rc=$R_RC s_before=$R_BEFORE s_map=$R_MAP s_err=$R_ERR s_cmd=$R_CMD

	[ "$o_rc" = "$want" ] || why+=("ours exited $o_rc, the contract says $want")
	if [ "$o_rc" = 0 ]; then
		[ "$s_rc" = 0 ] || why+=("ours granted but shadow denied (exit $s_rc): ours is not a subset")
		[ "$o_map" = "$s_map" ] || why+=("maps differ")
	else
		[ "$o_map" = "$o_before" ] || why+=("ours failed but changed the map")
	fi
	[ "$s_rc" = 0 ] || [ "$s_map" = "$s_before" ] || why+=("shadow failed but changed the map")
	case $class in
	valid)
		[ "$o_rc" = 0 ] && [ "$s_rc" = 0 ] || why+=("a valid request: both must grant")
		;;
	deny)
		[ "$s_rc" != 0 ] || [ "$o_rc" = 0 ] || why+=("shadow grants, ours denies, and no documented stricter rule is named")
		;;
	strict:*)
		rule=${class#strict:}
		[[ " $DOCUMENTED " == *" $rule "* ]] || why+=("'$rule' is not a documented stricter rule")
		[ "$o_rc" != 0 ] || why+=("ours granted a request its stricter rule '$rule' denies")
		if [ "$s_rc" = 0 ] && [ "$o_rc" != 0 ]; then
			NSTRICT=$((NSTRICT + 1))
			echo "# stricter ($rule): shadow grants, ours denies: newuidmap $(describe "$@")"
			echo "#   shadow's map: $(show_map "$s_map"); ours: exit $o_rc: $(printf '%s' "$o_err" | cat -v)"
		fi
		;;
	*) hard_error "unknown class $class" ;;
	esac
	if [ "${#why[@]}" = 0 ]; then
		pass "$d: ours exit $o_rc ($(show_map "$o_map")), shadow exit $s_rc ($(show_map "$s_map"))"
	else
		fail "$d" "${why[@]}" \
			"ours:   $o_cmd" "        exit $o_rc, map before: $(show_map "$o_before"), after: $(show_map "$o_map")" \
			"        stderr: $(printf '%s' "$o_err" | cat -v)" \
			"shadow: $s_cmd" "        exit $s_rc, map before: $(show_map "$s_before"), after: $(show_map "$s_map")" \
			"        stderr: $(printf '%s' "$s_err" | cat -v)"
	fi
}

# describe ARG...: the request, quoted where needed, long lists shortened.
describe() {
	local -a q=()
	local a
	if [ "$#" -gt 12 ]; then
		printf '%s ... (%d extents)' "$(describe "${@:1:7}")" $((($# - 1) / 3))
		return
	fi
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9@:._+-]+$ ]]; then
			q+=("$a")
		else
			q+=("$(printf '%q' "$a")")
		fi
	done
	printf '%s' "${q[*]}"
}

checks_newuidmap() {
	local k
	local -a many=() toomany=()
	echo "# valid requests: both grant, identical maps"
	dcase valid 0 -- @PID@ 0 "$B" 1
	dcase valid 0 -- @PID@ 0 "$B" 1 1 100000 65536
	dcase valid 0 -- @PID@ 1 100000 65536
	dcase valid 0 -- @PID@ 0 100000 1
	dcase valid 0 -- @PID@ 1 165535 1
	dcase valid 0 -- @PID@ 0 "$B" 1 1 300000 200
	dcase valid 0 -- @PID@ 1 400000 1000
	dcase valid 0 -- @PID@ 0 "$B" 1 1 100000 100 101 400000 1000 1101 300000 200
	dcase valid 0 -- @PID@ 5 100005 10
	dcase valid 0 -- @PID@ 4294967294 100000 1
	dcase valid 0 -- @PID@ 4294967290 100000 5
	dcase valid 0 -- @PID@ 1 995 5
	dcase valid 0 -- @PID@ 1 995 10
	# builder:995:10 holds builder's own UID: a line is granted as written,
	# so "own UID with count 2" is inside it here, for both helpers.
	dcase valid 0 -- @PID@ 0 "$B" 2
	dcase valid 0 -- @PID@ 0 "$B" 1 1 100000 65536 65537 300000 200 65737 400000 1000
	for k in $(seq 0 299); do many+=("$k" $((100000 + k)) 1); done
	dcase valid 0 -- @PID@ "${many[@]}"

	echo "# boundary and invalid requests: ours denies (exit status per contract)"
	dcase deny 2 -- @PID@ 0 "$B" 11
	dcase deny 2 -- @PID@ 1 100000 65537
	dcase deny 2 -- @PID@ 1 99999 2
	dcase deny 2 -- @PID@ 0 "$B" 1 1 166000 10
	dcase deny 2 -- @PID@ 0 600000 1
	dcase deny 2 -- @PID@ 0 700000 1
	dcase deny 2 -- @PID@ 0 200000 1
	dcase deny 2 -- @PID@ 1 500000 1
	dcase deny 2 -- @PID@ 1 710000 10
	dcase deny 2 -- @PID@ 0 1000000000 1
	dcase deny 1 -- @PID@ 0 "$B" 1 1 100000 0
	dcase deny 1 -- @PID@ 4294967295 100000 1
	dcase deny 1 -- @PID@ 4294967290 100000 10
	dcase deny 1 -- @PID@ 1 4294967295 1
	dcase deny 1 -- @PID@ 0 "$B" 1 0 100000 10
	dcase deny 1 -- @PID@ 0 100000 10 100 100005 10
	dcase deny 1 -- @PID@ 0 "$B" 1 1 "$B" 1
	toomany=("${many[@]}")
	for k in $(seq 300 340); do toomany+=("$k" $((100000 + k)) 1); done
	dcase deny 1 -- @PID@ "${toomany[@]}"
	dcase deny 1 -- @PID@ 0 "$B" 1 1x 100000 10
	dcase deny 1 -- @PID@ 0 "$B" 1 1 100000 "10 "
	dcase deny 1 -- @PID@ 0 "$B" 1 -1 100000 1
	dcase deny 1 -- @PID@ 0 "$B" 1 4294967296 100000 1
	dcase deny 1 -- @PID@ 0 "$B"
	dcase deny 1 -- @PID@
	dcase deny 1 -- "@PID@x" 0 "$B" 1

	echo "# wrong targets: both deny"
	dcase deny 3 other -- @PID@ 0 "$B" 1
	dcase deny 3 mapped -- @PID@ 1 100000 10
	dcase deny 3 own -- @PID@ 0 "$B" 1
	dcase deny 3 grandchild -- @PID@ 0 "$B" 1
	dcase deny 3 -- "$(cat /proc/sys/kernel/pid_max)" 0 "$B" 1
	# A proper child that is non-dumpable: refused by the documented
	# stricter rule 'nondumpable' (contract rule 2).
	dcase strict:nondumpable 3 nondumpable -- @PID@ 0 "$B" 1 1 100000 65536

	echo "# documented stricter rules: ours denies, shadow may grant"
	dcase strict:lower0 2 -- @PID@ 0 0 1
	dcase strict:lower0 2 -- @PID@ 1 1 9
	dcase strict:lower0 2 -- @PID@ 0 "$B" 1 1 0 10
	dcase strict:subuid-end 2 -- @PID@ 1 4294967200 50
	dcase strict:alias-owner 2 -- @PID@ 1 800000 100
	dcase strict:subuid-num 2 -- @PID@ 1 900000 10
	dcase strict:subuid-num 2 -- @PID@ 1 910000 10
	dcase strict:subuid-num 2 -- @PID@ 1 920000 10
	dcase strict:subuid-num 2 -- @PID@ 1 930000 16
	dcase strict:parse 1 -- @PID@ 0 "$B" 1 1 0x186a0 10
	dcase strict:parse 1 -- @PID@ 0 "$B" 1 1 0303240 10
	dcase strict:parse 1 -- @PID@ 0 "$B" 1 1 0100000 10
	dcase strict:parse 1 -- @PID@ 0 "$B" 1 +1 100000 10
	dcase strict:parse 1 -- @PID@ 0 "$B" 1 " 1" 100000 10
	dcase strict:parse 1 -- @PID@ 0 "+$B" 1
	dcase strict:parse 1 -- @PID@ 0 "$B" 01
	dcase strict:parse-pid 1 -- "+@PID@" 0 "$B" 1
	dcase strict:parse-pid 1 -- " @PID@" 0 "$B" 1
	dcase strict:parse-pid 1 -- "0@PID@" 0 "$B" 1
}

# newgidmap: the maps are compared the same way; setgroups differs by design
# (contract rule 4: ours writes "deny" only when the caller holds no
# subordinate GID range; shadow 4.13 whenever no extent used one).
checks_newgidmap() {
	local d
	echo "# newgidmap: gid_map compared, setgroups per contract rule 4"
	gdcase() {
		local want=$1 sg_want=$2
		shift 2
		d="diff newgidmap $(describe "$@")"
		one "$NGM" fresh gid_map "$@"
		local o_rc=$R_RC o_map=$R_MAP o_sg=$R_SG o_cmd=$R_CMD o_err=$R_ERR
		one "$SHADOW_NGM" fresh gid_map "$@"
		local s_rc=$R_RC s_map=$R_MAP s_sg=$R_SG
		NCASES=$((NCASES + 1))
		if [ "$o_rc" = "$want" ] && { [ "$o_rc" != 0 ] || { [ "$s_rc" = 0 ] && [ "$o_map" = "$s_map" ]; }; } &&
			{ [ "$o_rc" != 0 ] || [ "$o_sg" = "$sg_want" ]; }; then
			pass "$d: ours exit $o_rc ($(show_map "$o_map"), setgroups $o_sg), shadow exit $s_rc ($(show_map "$s_map"), setgroups $s_sg)"
		else
			fail "$d" "ours: $o_cmd" "  exit $o_rc (want $want), map $(show_map "$o_map"), setgroups $o_sg (want $sg_want)" \
				"  stderr: $(printf '%s' "$o_err" | cat -v)" \
				"shadow: exit $s_rc, map $(show_map "$s_map"), setgroups $s_sg"
		fi
	}
	gdcase 0 allow @PID@ 0 "$B" 1 1 100000 65536
	gdcase 0 allow @PID@ 1 100000 65536
	gdcase 0 allow @PID@ 0 "$B" 1
	gdcase 2 - @PID@ 0 "$B" 1 1 100000 65537
	gdcase 2 - @PID@ 0 0 1
}

all_checks() {
	local L
	trap cleanup_newidmap EXIT
	make_suid_dir
	NUM=$SUID_DIR/newuidmap
	NGM=$SUID_DIR/newgidmap
	install_suid "$NEWUIDMAP_BIN" "$NUM" 0:0
	install_suid "$NEWGIDMAP_BIN" "$NGM" 0:0
	mkdir -p "$W/cbin"
	chmod 755 "$W/cbin"
	HOLD=$W/cbin/userns_holder
	cc -O2 -Wall -o "$HOLD" "$IT_DIR/userns_holder.c" || hard_error "cc userns_holder.c failed"
	# Our helper reads /etc/subuid itself: no NSS module, no plugin.
	use_lib off
	L=$(new_layer diff)
	write_file "$L/subuid" 644 "$SUBUID"
	write_file "$L/subgid" 644 "$SUBGID"
	use_etc "$L"
	expect_true "nsswitch.conf has no subid line (shadow uses its files backend)" \
		eval '! grep -q "^subid:" /etc/nsswitch.conf'
	expect_true "no nss_subid module in $LIBDIR" [ ! -e "$LIBDIR/libnss_subid.so.2" ]
	expect_eq "getent passwd 1000 is builder" "builder:x:1000:1000:Builder:/home/builder:/bin/sh" getent passwd 1000

	checks_newuidmap
	checks_newgidmap
	echo "# $NCASES requests compared; $NSTRICT where shadow grants and ours denies (documented rules)"
	stop_all_holders
}

run_tests all_checks
