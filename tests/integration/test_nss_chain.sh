#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A second NSS module after nss_subid in the chain: a directory service
# (sssd, LDAP) played by libnss_testdir.so.2 (nss_testdir.c, built here),
# which knows user diruser (UID 61200, GID 61200), user dirpod (UID
# 1000010000, the first UID of OpenShift project block 1) and group
# dirgroup (GID 61300), and which on every lookup also calls getpwuid_r()
# and getgrgid_r() for 61201 through glibc, i.e. through nss_subid again.
#
#   passwd: files subid testdir
#   group:  files subid testdir
#   subid:  subid
#
# testdir comes AFTER subid, so only nss_subid's own check (it asks every
# other service of the line before synthesizing) keeps it from answering
# u61200 for the directory's user, from granting that UID subordinate IDs
# and from treating a directory GID as a private group.  Real clients:
# getent, getsubids, shadow's set-user-ID newuidmap/newgidmap (through the
# plugin), subidctl; with no /etc/nss_subid.conf (built-in defaults) and
# with `users 61000-61999` + `subids pool 100000 65536`.  Lookup loops
# under `timeout` and the module's call trace show that the re-entry
# through glibc neither hangs nor recurses, and that nss_subid answers
# NOTFOUND to a lookup made from inside its own call to the directory.
#
# Needs root and a C compiler; exits 77 with a reason otherwise.

# Functions below are called through run_tests and run, which shellcheck
# cannot follow; single-quoted $ in sh -c and awk programs is intended.
# shellcheck disable=SC2317,SC2016
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmds getent setpriv unshare getsubids newuidmap newgidmap cc timeout mount umount awk grep sha256sum
for c in newuidmap newgidmap; do
	[ -u "$(command -v "$c")" ] || skip "shadow's $c is not set-user-ID (Debian's uidmap installs it so)"
done

DIRUSER="diruser:x:61200:61200:Directory User:/home/diruser:/bin/sh"
DIRPOD="dirpod:x:1000010000:0:Directory pod user:/tmp:/bin/sh"
DIRGROUP="dirgroup:x:61300:diruser"
NSSWITCH="passwd: files subid testdir
group: files subid testdir
shadow: files
gshadow: files
hosts: files
subid: subid
"
RANGE_CONF="users 61000-61999
subids pool 100000 65536
"
# Pool blocks under RANGE_CONF: slot = UID - 61000.
block_of() {
	echo $((100000 + ($1 - 61000) * 65536))
}

map_of() {
	awk '{ $1 = $1; print }' "/proc/$1/$2"
}

# chain_layer NAME [CONF]: an /etc layer with the three-service chain and,
# if given, CONF as /etc/nss_subid.conf; mounted.
chain_layer() {
	local L
	L=$(new_layer "$1")
	write_file "$L/nsswitch.conf" 644 "$NSSWITCH"
	[ $# -lt 2 ] || write_file "$L/nss_subid.conf" 644 "$2"
	use_etc "$L"
}

# reset_trace: empty TRACE, the file libnss_testdir appends to when a
# process has TESTDIR_TRACE=$TRACE (as_id's environment is clean: pass it
# as as_id UID GID env TESTDIR_TRACE="$TRACE" CMD...).
reset_trace() {
	: >"$TRACE"
	chmod 666 "$TRACE"
}

# loop N UID GID CMD...: run CMD N times as UID:GID, each under timeout
# LOOP_TIMEOUT seconds (10); prints each distinct result with its count:
# the output of a run that exited 0, "exit=STATUS" for any other (124:
# timeout killed it).
loop() {
	local n=$1 u=$2 g=$3
	shift 3
	as_id "$u" "$g" sh -c '
		n=$1; t=$2; shift 2
		for i in $(seq "$n"); do
			out=$(timeout "$t" "$@"); rc=$?
			if [ "$rc" = 0 ]; then printf "%s\n" "$out"; else echo "exit=$rc"; fi
		done | sort | uniq -c | awk "{ \$1 = \$1; print }"' sh "$n" "${LOOP_TIMEOUT:-10}" "$@"
}

# expect_refused DESC ERE MAP CMD...: CMD (shadow's newuidmap or newgidmap
# on HOLDER) exits nonzero with a line of stderr matching ERE (the reason
# it refused), and HOLDER's MAP (uid_map or gid_map) is still empty.
expect_refused() {
	local d=$1 re=$2 k=$3 m
	shift 3
	run "$@"
	m=$(map_of "$HOLDER" "$k")
	if [ "$RC" != 0 ] && printf '%s\n' "$ERR" | grep -Eq -- "$re" && [ -z "$m" ]; then
		pass "$d"
	else
		fail "$d" "expected: nonzero exit, stderr matching /$re/, $k empty" "$k: ${m:-(empty)}" "$(_details)"
	fi
}

# shadow's newuidmap/newgidmap refuse a range with this message (and only
# then ask libsubid, after checking pw_uid and pw_gid of getpwuid(getuid())
# against the caller and the target process).
NOT_ALLOWED='range \[.*\) -> \[.*\) not allowed'

# The checks every configuration shares: the directory's own user and group
# are the directory's, whoever asks.  With the built-in defaults (users self)
# nothing covers 61200 or GID 61300 when root asks, so root's view and the
# group 61300 checks are controls there (CTL); with a users range covering
# them, they are what the directory check alone protects.
checks_directory_wins() {
	local tag=$1 conf_block=$2 CTL=
	[ "$tag" = defaults ] && CTL=" (control)"
	expect_eq "$tag$CTL: root: getent passwd 61200 is the directory's diruser" "$DIRUSER" getent passwd 61200
	expect_eq "$tag: 61200 itself: getent passwd 61200 is diruser" "$DIRUSER" as_id 61200 61200 getent passwd 61200
	expect_eq "$tag: 61200 itself: whoami is diruser" diruser as_id 61200 61200 whoami
	expect_fail "$tag$CTL: root: getent passwd u61200 finds nothing" 2 getent passwd u61200
	expect_fail "$tag: 61200 itself: getent passwd u61200 finds nothing" 2 as_id 61200 61200 getent passwd u61200
	expect_fail "$tag: 61200 itself: getent group 61200 (a directory UID) gives no u61200 group" 2 \
		as_id 61200 61200 getent group 61200
	expect_fail "$tag: 61200 itself: getent group u61200 finds nothing" 2 as_id 61200 61200 getent group u61200
	expect_eq "$tag$CTL: root: getent group 61300 is the directory's dirgroup" "$DIRGROUP" getent group 61300
	expect_eq "$tag$CTL: 61200 itself: getent group 61300 is dirgroup" "$DIRGROUP" \
		as_id 61200 61200 getent group 61300
	expect_fail "$tag$CTL: root: getent group u61300 finds nothing" 2 getent group u61300

	expect_fail "$tag: 61200 itself: getsubids u61200 grants nothing" nonzero as_id 61200 61200 getsubids u61200
	expect_fail "$tag: 61200 itself: getsubids 61200 grants nothing" nonzero as_id 61200 61200 getsubids 61200
	expect_fail "$tag: 61200 itself: getsubids -g 61200 grants nothing" nonzero as_id 61200 61200 getsubids -g 61200
	expect_fail "$tag: 61200 itself: getsubids diruser grants nothing" nonzero as_id 61200 61200 getsubids diruser
	expect_fail "$tag$CTL: root: getsubids 61200 grants nothing" nonzero getsubids 61200

	run as_id 61200 61200 "$SUBIDCTL" show
	expect_true "$tag: subidctl show as 61200: no synthesized passwd line, and says why" \
		eval 'printf "%s\n" "$OUT" | grep -Eq "^passwd +none: another NSS source knows the ID\$" &&
			! printf "%s\n" "$OUT" | grep -Eq "u61200|^passwd +[^ ]+:x:"'
	expect_true "$tag: subidctl show as 61200: no subordinate range" \
		eval 'printf "%s\n" "$OUT" | grep -Eq "^subuid +none" && ! printf "%s\n" "$OUT" | grep -Eq "^sub[ug]id +[0-9]"'
	expect_match "$tag: subidctl explain as 61200: its would-be block denied" 1 out '^denied' \
		as_id 61200 61200 "$SUBIDCTL" explain 61200 "$conf_block" 65536

	# shadow's set-user-ID newuidmap/newgidmap: getpwuid(61200) is diruser
	# (pw_gid 61200, the caller's GID), so they go on to ask the plugin
	# (shadow_subid_has_range) for diruser's ranges, which must refuse.
	if ns_holder 61200 61200; then
		expect_refused "$tag: shadow's newuidmap as 61200:61200: the plugin refuses the block $conf_block" \
			"$NOT_ALLOWED" uid_map as_id 61200 61200 newuidmap "$HOLDER" 0 61200 1 1 "$conf_block" 65536
		expect_refused "$tag: shadow's newgidmap as 61200:61200: the plugin refuses the block $conf_block" \
			"$NOT_ALLOWED" gid_map as_id 61200 61200 newgidmap "$HOLDER" 0 61200 1 1 "$conf_block" 65536
	else
		fail "$tag: start a user namespace as 61200" "unshare --user did not create a namespace"
	fi
	ns_holder_stop
	# A `--user 61200` container keeps GID 0: if u61200 (GID 0 for itself)
	# were synthesized, newuidmap would map the block.
	if ns_holder 61200 0; then
		expect_refused "$tag: shadow's newuidmap as 61200:0 maps nothing" '' uid_map \
			as_id 61200 0 newuidmap "$HOLDER" 0 61200 1 1 "$conf_block" 65536
	else
		fail "$tag: start a user namespace as 61200:0" "unshare --user did not create a namespace"
	fi
	ns_holder_stop

	# Re-entry: 50 lookups each, none may hang (timeout 10 s each).
	expect_eq "$tag$CTL: 50 x timeout 10 getent passwd 61200 as root: diruser every time" \
		"50 $DIRUSER" loop 50 0 0 getent passwd 61200
	expect_eq "$tag: 50 x timeout 10 getent passwd 61200 as 61200: diruser every time" \
		"50 $DIRUSER" loop 50 61200 61200 getent passwd 61200
	expect_eq "$tag$CTL: 50 x timeout 10 getent group 61300 as 61200: dirgroup every time" \
		"50 $DIRGROUP" loop 50 61200 61200 getent group 61300
}

checks_defaults() {
	echo "# no /etc/nss_subid.conf (users self, pool 100000 65536), chain: files subid testdir"
	chain_layer defaults
	expect_eq "(control) the chain is in place: getent passwd dirprobe (testdir answers)" \
		"dirprobe:x:61299:61299:pw61201=- gr61201=-:/:/bin/sh" getent passwd dirprobe
	checks_directory_wins defaults 100000

	# dirpod is the first UID of OpenShift project block 1: `users self`
	# would give it pool slot 1 if it counted as unknown.
	expect_eq "defaults: dirpod itself: getent passwd 1000010000 is the directory's" "$DIRPOD" \
		as_id 1000010000 0 getent passwd 1000010000
	expect_fail "defaults: dirpod itself: getent passwd u1000010000 finds nothing" 2 \
		as_id 1000010000 0 getent passwd u1000010000
	expect_fail "defaults: dirpod itself: getsubids 1000010000 grants nothing (not self's slot 1)" nonzero \
		as_id 1000010000 0 getsubids 1000010000
	expect_fail "defaults: dirpod itself: no subordinate name for a pool ID (getent passwd 100021)" 2 \
		as_id 1000010000 0 getent passwd 100021

	# Controls: the same clients work for a UID nobody knows.
	expect_eq "defaults (control): u1000000000 itself: synthesized" \
		"u1000000000:x:1000000000:0:nss_subid synthesized user:/tmp:/bin/sh" as_user getent passwd 1000000000
	expect_eq "defaults (control): u1000000000 itself: pool slot 0" "0: u1000000000 100000 65536" \
		as_user getsubids u1000000000
	if ns_holder "$USER_UID" "$USER_GID"; then
		expect_eq "defaults (control): shadow's newuidmap maps u1000000000's pool block" "" \
			as_user newuidmap "$HOLDER" 0 "$USER_UID" 1 1 100000 65536
		expect_eq "defaults (control): resulting uid_map" $'0 1000000000 1\n1 100000 65536' \
			map_of "$HOLDER" uid_map
	else
		fail "defaults: start a user namespace as $USER_UID" "unshare --user did not create a namespace"
	fi
	ns_holder_stop
}

checks_range() {
	local b61200 b61201
	b61200=$(block_of 61200)
	b61201=$(block_of 61201)
	echo "# users 61000-61999, subids pool 100000 65536, chain: files subid testdir"
	chain_layer range "$RANGE_CONF"
	expect_match "range (control): subidctl check: valid" 0 err '^$' "$SUBIDCTL" check
	checks_directory_wins range "$b61200"

	# The covered neighbour is still ours.
	expect_eq "range: root: getent passwd 61201 (covered, unknown): synthesized, private group" \
		"u61201:x:61201:61201:nss_subid synthesized user:/tmp:/bin/sh" getent passwd 61201
	expect_eq "range (control): root: getent group 61201: synthesized" "u61201:x:61201:" getent group 61201
	expect_eq "range (control): root: getsubids 61201: slot 201" "0: 61201 $b61201 65536" getsubids 61201
	expect_eq "range (control): 61201 itself: getsubids u61201: slot 201" "0: u61201 $b61201 65536" \
		as_id 61201 61201 getsubids u61201
	# GID 0: shadow's newuidmap wants pw_gid = the caller's GID, and
	# before issue 10 a synthesized entry always carried GID 0.
	if ns_holder 61201 0; then
		expect_eq "range (control): shadow's newuidmap as 61201:0 maps 61201's block" "" \
			as_id 61201 0 newuidmap "$HOLDER" 0 61201 1 1 "$b61201" 65536
		expect_eq "range (control): resulting uid_map" "0 61201 1
1 $b61201 65536" map_of "$HOLDER" uid_map
	else
		fail "range: start a user namespace as 61201" "unshare --user did not create a namespace"
	fi
	ns_holder_stop
	# Slot 200's IDs have no owner to be named after.
	expect_fail "range: no subordinate name in 61200's would-be block (getent passwd $((b61200 + 21)))" 2 \
		getent passwd $((b61200 + 21))

	# Primary GID: 61300 is covered and unknown as a UID, but GID 61300 is
	# the directory's dirgroup, so others see 65534, not dirgroup.
	expect_eq "range: root: getent passwd 61300: primary GID 65534 (GID 61300 is dirgroup)" \
		"u61300:x:61300:65534:nss_subid synthesized user:/tmp:/bin/sh" getent passwd 61300
	expect_eq "range: 61300 itself (gid 61300): its own real GID" \
		"u61300:x:61300:61300:nss_subid synthesized user:/tmp:/bin/sh" as_id 61300 61300 getent passwd 61300
	run "$SUBIDCTL" show 61300
	expect_true "range: subidctl show 61300 as root: primary GID 65534, no group u61300" \
		eval 'printf "%s\n" "$OUT" | grep -Eq "^passwd +u61300:x:61300:65534:" &&
			printf "%s\n" "$OUT" | grep -Eq "^group +none: another NSS source knows the ID\$"'

	echo "# re-entry: what the directory's inner lookups got (TESTDIR_TRACE)"
	expect_eq "range (control): inner lookups from a glibc call reach nss_subid (dirprobe)" \
		"dirprobe:x:61299:61299:pw61201=u61201 gr61201=u61201:/:/bin/sh" getent passwd dirprobe
	reset_trace
	expect_eq "range: traced root getent passwd 61200" "$DIRUSER" env TESTDIR_TRACE="$TRACE" getent passwd 61200
	run cat "$TRACE"
	sed 's/^/# trace: /' "$TRACE"
	# (depth: how deep the directory module itself was nested; an
	# unbounded re-entry would show depth 2 and more, or hang)
	expect_true "range: nss_subid itself asked the directory about UID 61200 (no nesting past depth 1)" \
		eval 'grep -Eq "^[0-9]+ libnss_subid\.so\.2 getpwuid\(61200\) depth=0 found " "$TRACE" &&
			! grep -Ev " depth=[01] " "$TRACE" | grep -q .'
	expect_true "range: during that call, nss_subid answered the directory's inner lookups NOTFOUND" \
		grep -Eq '^[0-9]+ libnss_subid\.so\.2 getpwuid\(61200\) depth=0 found pw61201=- gr61201=-$' "$TRACE"
	expect_true "range: glibc then asked the directory and got diruser" \
		grep -Eq '^[0-9]+ libc\.so\.6 getpwuid\(61200\) depth=0 found pw61201=u61201 gr61201=u61201$' "$TRACE"

	reset_trace
	expect_fail "range: traced getsubids 61200 as 61200 (plugin): nothing" nonzero \
		as_id 61200 61200 env TESTDIR_TRACE="$TRACE" getsubids 61200
	run cat "$TRACE"
	sed 's/^/# trace: /' "$TRACE"
	expect_true "range: the plugin asked the directory about UID 61200 (no nesting past depth 1)" \
		eval 'grep -Eq "^[0-9]+ libsubid_subid\.so getpwuid\(61200\) depth=0 found pw61201=[^ ]+ gr61201=[^ ]+\$" "$TRACE" &&
			! grep -Ev " depth=[01] " "$TRACE" | grep -q .'
}

# A directory module whose initializer looks a user up (as one whose
# library resolves the caller when it is loaded would): nss_subid loads it
# first (subid comes before testdir), from inside a lookup.  That lookup
# re-entered nss_subid under its own module lock and hung for ever.
checks_initializer() {
	echo "# a directory module whose constructor calls getpwuid_r/getgrgid_r"
	cc -O2 -Wall -shared -fPIC -DTESTDIR_CTOR_LOOKUP -Wl,-soname,libnss_testdir.so.2 \
		-o "$O/lib/libnss_testdir.so.2" "$IT_DIR/nss_testdir.c" -ldl ||
		hard_error "cc -DTESTDIR_CTOR_LOOKUP nss_testdir.c failed"
	use_lib on
	chain_layer ctor "$RANGE_CONF"
	reset_trace
	expect_eq "ctor (control): the constructor runs (traced getent passwd dirprobe)" \
		"dirprobe:x:61299:61299:pw61201=u61201 gr61201=u61201:/:/bin/sh" \
		env TESTDIR_TRACE="$TRACE" getent passwd dirprobe
	run cat "$TRACE"
	expect_true "ctor (control): the trace shows the constructor's lookups" \
		grep -Eq '^[0-9]+ [^ ]+ constructor\(-\) depth=0 found pw61201=[^ ]+ gr61201=[^ ]+$' "$TRACE"
	LOOP_TIMEOUT=5
	expect_eq "ctor: 3 x timeout 5 getent passwd 61200 as root: diruser, no hang" \
		"3 $DIRUSER" loop 3 0 0 getent passwd 61200
	expect_eq "ctor: 3 x timeout 5 getent passwd 61200 as 61200: diruser, no hang" \
		"3 $DIRUSER" loop 3 61200 61200 getent passwd 61200
	expect_eq "ctor: 3 x timeout 5 getent group 61300 as root: dirgroup, no hang" \
		"3 $DIRGROUP" loop 3 0 0 getent group 61300
	expect_eq "ctor: 3 x timeout 5 getent passwd 61201 as root: synthesized, no hang" \
		"3 u61201:x:61201:61201:nss_subid synthesized user:/tmp:/bin/sh" loop 3 0 0 getent passwd 61201
	expect_eq "ctor: 3 x timeout 5 getsubids 61200 as 61200 (plugin): nothing, no hang" \
		"3 exit=1" loop 3 61200 61200 getsubids 61200
	LOOP_TIMEOUT=10
}

all_checks() {
	TRACE=$W/trace/trace.log
	mkdir -p "$W/trace"
	chmod 755 "$W/trace"
	reset_trace
	cc -O2 -Wall -shared -fPIC -Wl,-soname,libnss_testdir.so.2 -o "$O/lib/libnss_testdir.so.2" \
		"$IT_DIR/nss_testdir.c" -ldl || hard_error "cc nss_testdir.c failed"
	use_lib on
	[ -e "$LIBDIR/libnss_testdir.so.2" ] || hard_error "libnss_testdir.so.2 is not visible in $LIBDIR"

	checks_defaults
	checks_range
	checks_initializer
}

run_tests all_checks
