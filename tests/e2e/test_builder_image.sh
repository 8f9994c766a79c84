#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# End to end: the builder image of contrib/builder/Containerfile, run the
# way OpenShift runs it, with rootful podman on this host as the "node":
#
#   1. base image: docker.io/library/debian:bookworm made locally with
#      debootstrap --variant=minbase from the Debian mirror of
#      /etc/apt/sources.list*, then `podman import`ed under that name so the
#      unmodified FROM resolves without a registry.  Reused when present.
#   2. podman build -f contrib/builder/Containerfile of the source tree
#      (NSS_SUBID_SRCDIR, else this checkout): localhost/nss-subid-builder
#      and its "before" target (the same image without nss_subid),
#      localhost/nss-subid-builder:before; and the image built with
#      --build-arg NSS_SUBID_USERS=1000590000-1000599999 (an OpenShift
#      project's UID range, synced into /etc/subuid by subidctl sync),
#      localhost/nss-subid-builder:synced.
#   3. nested runs, each asserting what the user in the pod sees:
#      a. non-user-namespaced pod as 1000590000:0 (OpenShift's default kind
#         of pod, with an SCC that allows the set-user-ID helpers);
#      b. user-namespaced pod (map 0:200000:65536) as 1000:0;
#      c. both again with the "before" image: the original errors;
#      d. a restricted-v2-like pod (no_new_privs, no capabilities): names
#         work, but no more than a single-ID user namespace;
#      s. the synced image in a pod like a, as 1000595000:0.
#      In each: whoami, getsubids, `podman unshare` maps, and a rootless
#      `podman build` (runc, --network=none) of a Containerfile whose RUN
#      chowns to 22:22 and 65534:65534, from a busybox base imported inside
#      the pod from a tarball (no registry there either; s skips the
#      podman build, a covers it).  Then buildah
#      (Debian's is not linked to libsubid): `buildah from`, `buildah run`
#      of a chown to 22:22, `buildah commit` and `buildah bud` of the same
#      Containerfile, once inside `podman unshare` (works in a, b and s) and
#      once plain (works only in s; elsewhere it finds no /etc/subuid line,
#      and with the "before" image it cannot even name the user).
#
# Kept afterwards (as a cache for the next run): the base image and the
# builder's four tags (latest, before, build-stage, synced).  An image one
# of them named before a rebuild is removed, with its untagged parents.  Nothing
# else is left: the nested containers run with --rm and keep their storage
# inside themselves.
#
# Everything runs in a private mount namespace: the only mount made is a
# world-readable-and-writable copy of the /dev/fuse node over /dev/fuse when
# the host's is not (udev makes it 0666; a host without udev may not).
#
# Needs root, podman and runc (crun fails on this host's hybrid cgroups),
# busybox-static, and for the first run debootstrap (installed with apt-get
# if missing) and the Debian mirror.  Prints PASS:/FAIL:/SKIP: lines, then
# "N passed, M failed"; exits 77 only if nothing could run.

# shellcheck disable=SC2016,SC2317,SC2054
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${NSS_SUBID_SRCDIR:-$TOP}
BASE=docker.io/library/debian:bookworm
BUILDER=localhost/nss-subid-builder:latest
BEFORE=localhost/nss-subid-builder:before
BUILDSTAGE=localhost/nss-subid-builder:build-stage
SYNCED=localhost/nss-subid-builder:synced
SYNC_USERS=1000590000-1000599999
SKIPPED=0
T0=$SECONDS

# skip_case WHAT REASON: a case that cannot run here, and why.
skip_case() {
	SKIPPED=$((SKIPPED + 1))
	echo "SKIP: $1: $2"
}

elapsed() {
	echo "# $1: $((SECONDS - ${2:-$T0}))s"
}

finish() {
	elapsed "total"
	echo "$PASS passed, $FAIL failed"
	if [ "$PASS" = 0 ] && [ "$FAIL" = 0 ]; then
		exit 77
	fi
	[ "$FAIL" = 0 ] || exit 1
	exit 0
}

# ---------------------------------------------------------------- preconditions

require_root
require_cmds podman unshare mount tar awk
command -v runc >/dev/null 2>&1 || skip "runc is not installed (crun fails on hybrid cgroup hosts like this one)"
[ -x /bin/busybox ] || skip "busybox-static is not installed (/bin/busybox: the base image of the builds inside the pods)"
[ -f "$SRC/contrib/builder/Containerfile" ] || skip "no contrib/builder/Containerfile in $SRC"
[ -e /dev/fuse ] || skip "no /dev/fuse on this host (fuse-overlayfs, the image's storage driver, needs it)"

# The rest in a private mount namespace (see the header).
if [ -z "${_NSS_SUBID_BUILDER_NS:-}" ]; then
	_NSS_SUBID_BUILDER_NS=1 exec unshare --mount --propagation private -- bash "$0" "$@"
fi

W=$(mktemp -d /tmp/nss_subid-builder.XXXXXX) || hard_error "mktemp failed"
chmod 755 "$W"
if [ "${NSS_SUBID_KEEP:-}" = 1 ]; then
	echo "# keeping $W"
else
	trap 'rm -rf "$W"' EXIT
fi

# The node's podman: rootful, runc.
P=(podman --runtime runc)

# ---------------------------------------------------------------- 1. base image

mirror() {
	local m
	m=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list |
		grep -oE 'https?://[^ ]*/debian/?' | grep -v security | head -n 1)
	printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

make_base() {
	local t=$SECONDS r m
	if podman image exists "$BASE"; then
		echo "# base image $BASE exists: reused"
		return 0
	fi
	if ! command -v debootstrap >/dev/null 2>&1; then
		echo "# installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >"$W/apt.log" 2>&1 ||
			{ apt-get update -qq >>"$W/apt.log" 2>&1 &&
				DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >>"$W/apt.log" 2>&1; } ||
			{ tail -n 5 "$W/apt.log"; echo "cannot install debootstrap"; return 1; }
	fi
	m=$(mirror)
	r=$W/rootfs
	echo "# debootstrap --variant=minbase bookworm from $m"
	if ! debootstrap --variant=minbase bookworm "$r" "$m" >"$W/debootstrap.log" 2>&1; then
		tail -n 5 "$W/debootstrap.log"
		echo "debootstrap from $m failed"
		return 1
	fi
	# Like the official image: apt sources as deb822 with updates and
	# security, no package cache, no lists.
	rm -f "$r/etc/apt/sources.list" "$r"/var/cache/apt/archives/*.deb
	rm -rf "$r"/var/lib/apt/lists/*
	mkdir -p "$r/var/lib/apt/lists/partial"
	cat >"$r/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${m%/}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${m%/debian*}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	tar --numeric-owner -C "$r" -cf "$W/rootfs.tar" . || return 1
	rm -rf "$r"
	podman import --change 'CMD ["bash"]' --change 'LABEL org.nss-subid.base=debootstrap' \
		"$W/rootfs.tar" "$BASE" >/dev/null 2>"$W/import.log" ||
		{ tail -n 5 "$W/import.log"; echo "podman import failed"; return 1; }
	rm -f "$W/rootfs.tar"
	elapsed "base image made" "$t"
}

# ---------------------------------------------------------------- 2. builder image

# build_target TAG [--target T]: build; remove the image the tag named before
# if the build replaced it and nothing else uses it.
build_target() {
	local tag=$1 old new
	shift
	old=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null)
	run "${P[@]}" build --network=host --pull=never -f "$CTX/contrib/builder/Containerfile" -t "$tag" "$@" "$CTX"
	new=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null)
	if [ -n "$old" ] && [ "$old" != "$new" ]; then
		podman rmi "$old" >/dev/null 2>&1 || true
	fi
}

# ---------------------------------------------------------------- 3. nested runs

# What the pods get from the node.  Each flag, and why:
#   --user UID:0         OpenShift's arbitrary UID with GID 0
#   --passwd=false       podman would otherwise add the UID to the image's
#                        /etc/passwd; OpenShift does not (it does only into a
#                        group-writable /etc/passwd, which this image avoids)
#   --cap-drop ...       the pod's bounding set is then SETUID, SETGID and
#                        SYS_CHROOT only, none of them effective (the user is
#                        not root): SETUID/SETGID for the set-user-ID
#                        newuidmap/newgidmap, SYS_CHROOT because the default
#                        seccomp profile allows chroot() (buildah's copier)
#                        only to a container that has it
#   --device /dev/fuse   fuse-overlayfs, the storage driver
#   unmask=/proc/*       runc inside must mount a new /proc for the nested
#                        PID namespace; the kernel refuses while parts of the
#                        pod's /proc are hidden by masks (procMount: Unmasked)
#   --network=none       the pod's network is not needed; nested containers
#                        share it (containers.conf netns = "host")
#   --pull=never         everything is local
# Not needed: seccomp=unconfined (the default profile is kept: utsns =
# "host" in containers.conf avoids sethostname()), label=disable (no
# SELinux on Debian; on an SELinux node the pod needs a type that may mount
# fuse and proc, e.g. container_engine_t, as OpenShift's nested-container
# SCC gives).
POD=(--rm --network=none --pull=never --passwd=false
	--cap-drop CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_BIND_SERVICE,SETFCAP,SETPCAP,NET_RAW,MKNOD,AUDIT_WRITE
	--device /dev/fuse --security-opt 'unmask=/proc/*')
ULIMIT_ARGS=()

# Podman gives rootful containers RLIMIT_NOFILE/NPROC of 1048576/4194304;
# raising a hard limit needs CAP_SYS_RESOURCE, which root lacks on some
# hosts (this VM: "error setting rlimit type 7: operation not permitted").
# Then keep the limits podman's runtime already has.
probe_pods() {
	local n p
	run "${P[@]}" run "${POD[@]}" "$BUILDER" true
	[ "$RC" = 0 ] && return 0
	printf '%s\n' "$ERR" | grep -q 'error setting rlimit' || return 1
	n=$(ulimit -Hn)
	[ "$n" = unlimited ] && n=-1
	for p in $(ulimit -Hu) 32768 16384 4096; do
		[ "$p" = unlimited ] && p=-1
		ULIMIT_ARGS=(--ulimit "nofile=$n:$n" --ulimit "nproc=$p:$p")
		run "${P[@]}" run "${POD[@]}" "${ULIMIT_ARGS[@]}" "$BUILDER" true
		if [ "$RC" = 0 ]; then
			echo "# root here cannot raise rlimits (no CAP_SYS_RESOURCE): pods get ${ULIMIT_ARGS[*]}"
			return 0
		fi
	done
	return 1
}

# Material mounted read-only into the pods at /in: a busybox root file
# system as a tarball, a build context, and the script the user runs.
make_inputs() {
	local r=$W/busybox
	mkdir -p "$W/in/ctx"
	busybox_tree "$r"
	tar --numeric-owner -C "$r" -cf "$W/in/busybox.tar" .
	# The same with a file owned by 65534:65534, as in most real images:
	# storing its layer needs that ID in the user's namespace.
	mkdir -p "$r/home/nobody"
	touch "$r/home/nobody/file"
	chown -R 65534:65534 "$r/home/nobody"
	tar --numeric-owner -C "$r" -cf "$W/in/owned.tar" .
	cat >"$W/in/ctx/Containerfile" <<'EOF'
FROM localhost/busybox:latest
RUN touch /f /g && chown 22:22 /f && chown 65534:65534 /g && stat -c '%n %u:%g' /f /g
EOF
	# In the pod, as the pod's user: each step's stdout, stderr and exit
	# status go to /out/STEP.{out,err,rc}.
	cat >"$W/in/user.sh" <<'EOF'
#!/bin/sh
step() {
	n=$1
	shift
	"$@" >"/out/$n.out" 2>"/out/$n.err"
	echo $? >"/out/$n.rc"
}
me=$(id -un 2>/dev/null || id -u)
step whoami whoami
step getent getent passwd "$(id -u)"
step getsubids getsubids "$me"
step getsubids_g getsubids -g "$me"
step helper /usr/bin/newuidmap --version
step etc sh -c 'ls -l /etc/passwd /etc/group; cat /etc/subuid /etc/subgid 2>/dev/null; test -w /etc/passwd && echo "/etc/passwd is writable"; :'
step uid_map podman unshare cat /proc/self/uid_map
step gid_map podman unshare cat /proc/self/gid_map
step import podman import -q /in/busybox.tar localhost/busybox:latest
step import_owned podman import -q /in/owned.tar localhost/owned:latest
if [ "${E2E_PODMAN_BUILD:-1}" = 1 ]; then
	step build podman build --network=none -t localhost/chowned /in/ctx
	step run podman run --rm --pull=never localhost/chowned stat -c '%u:%g' /f /g
fi
[ "${E2E_BUILDAH:-1}" = 1 ] || exit 0
# buildah, which Debian does not link to libsubid: it reads /etc/subuid
# itself.  1. Inside podman's user namespace (podman asked the plugin):
# buildah runs as root of that namespace and makes no map of its own.
chown_h='touch /h && chown 22:22 /h && stat -c %u:%g /h'
step bu_from podman unshare buildah from --pull=never --name bu localhost/busybox:latest
step bu_run podman unshare buildah run --network=none bu -- sh -c "$chown_h"
step bu_commit podman unshare buildah commit -q --rm bu localhost/bu-from
step bu_from_seen podman run --rm --pull=never localhost/bu-from stat -c '%u:%g' /h
step bu_bud podman unshare buildah bud --network=none --pull=never -t localhost/bu-chowned /in/ctx
step bu_seen podman run --rm --pull=never localhost/bu-chowned stat -c '%u:%g' /f /g
step bu_images podman unshare buildah images --format '{{.Name}}'
# 2. Plain buildah: its own map, from the /etc/subuid and /etc/subgid lines.
step bp_map buildah unshare cat /proc/self/uid_map
step bp_gmap buildah unshare cat /proc/self/gid_map
step bp_from buildah from --pull=never --name bp localhost/busybox:latest
step bp_run buildah run --network=none bp -- sh -c "$chown_h"
step bp_commit buildah commit -q --rm bp localhost/bp-from
step bp_from_seen podman run --rm --pull=never localhost/bp-from stat -c '%u:%g' /h
step bp_bud buildah bud --network=none --pull=never -t localhost/bp-chowned /in/ctx
step bp_seen podman run --rm --pull=never localhost/bp-chowned stat -c '%u:%g' /f /g
EOF
	chmod -R a+rX "$W/in"
}

# pod NAME IMAGE PODMAN-RUN-ARGS...: run user.sh in a pod; results in
# $W/NAME/STEP.*, read with o/e/rc below.
pod() {
	local name=$1 image=$2 t=$SECONDS
	shift 2
	D=$W/$name
	mkdir -p "$D"
	chmod 777 "$D"
	run "${P[@]}" run "${POD[@]}" "${ULIMIT_ARGS[@]}" -v "$W/in:/in:ro" -v "$D:/out" "$@" "$image" sh /in/user.sh
	if [ "$RC" != 0 ]; then
		fail "$name: the pod ran" "$(_details)"
	fi
	elapsed "$name pod" "$t"
}
o() { cat "$D/$1.out" 2>/dev/null; }
e() { cat "$D/$1.err" 2>/dev/null; }
rc() { cat "$D/$1.rc" 2>/dev/null || echo missing; }

# check DESC STEP TEST...: a PASS/FAIL line; on failure, the step's output.
check() {
	local d=$1 s=$2
	shift 2
	if "$@"; then
		pass "$d"
	else
		fail "$d" "step $s: exit $(rc "$s")" "stdout: $(o "$s")" "stderr: $(e "$s" | tail -n 15)"
	fi
}
is() { [ "$1" = "$2" ]; }
has() { printf '%s\n' "$1" | grep -Eq -- "$2"; }
maps() { o "$1" | awk '{ $1 = $1; print }'; }
map_ids() { o "$1" | awk '{ n += $3 } END { print n + 0 }'; }

# after_checks NAME UID EXPECTED-UID-MAP EXPECTED-GID-MAP RANGES-RE MIN-IDS
after_checks() {
	local n=$1 u=$2 um=$3 gm=$4 re=$5 min=$6
	check "$n: whoami is u$u (synthesized by libnss_subid)" whoami is "$(o whoami)" "u$u"
	check "$n: getent passwd $u" getent is "$(o getent)" "u$u:x:$u:0:nss_subid synthesized user:/tmp:/bin/sh"
	check "$n: getsubids u$u (libsubid_subid.so)" getsubids has "$(o getsubids)" "$re"
	check "$n: /usr/bin/newuidmap is nss_subid's" helper has "$(o helper)" '\(nss_subid\)'
	check "$n: /etc/passwd and /etc/group not writable, no subuid/subgid lines" etc eval \
		'! has "$(o etc)" "writable|:[0-9]+:[0-9]+\$|^-.{4}w|^-.{7}w"'
	check "$n: podman unshare uid_map" uid_map is "$(maps uid_map)" "$um"
	check "$n: podman unshare gid_map" gid_map is "$(maps gid_map)" "$gm"
	check "$n: the user namespace holds at least $min IDs" uid_map test "$(map_ids uid_map)" -ge "$min"
	check "$n: podman import of the busybox tarball" import is "$(rc import)" 0
	check "$n: podman import of a tarball with a file owned by 65534" import_owned is "$(rc import_owned)" 0
	check "$n: podman build (runc, --network=none) succeeds" build is "$(rc build)" 0
	check "$n: the RUN chowned /f to 22:22 and /g to 65534:65534" build \
		is "$(o build | grep -E '^/[fg] ' | tr '\n' ' ')" "/f 22:22 /g 65534:65534 "
	check "$n: podman run of the built image sees the owners" run \
		is "$(o run | tr '\n' ' ')" "22:22 65534:65534 "
}

step_ok() { [ "$(rc "$1")" = 0 ]; }
joined() { o "$1" | grep -E "${2:-.}" | tr '\n' ' '; }

# buildah_checks NAME P HOW: buildah steps P (bu: inside `podman unshare`;
# bp: plain buildah) from, run (chown 22:22), commit, bud of the chown
# Containerfile all work, and podman sees the owners in what buildah built.
buildah_checks() {
	local n=$1 p=$2 how=$3
	check "$n: $how buildah from" "${p}_from" step_ok "${p}_from"
	check "$n: $how buildah run: chown 22:22 in the working container" "${p}_run" \
		eval 'step_ok '"${p}_run"' && is "$(o '"${p}_run"')" 22:22'
	check "$n: $how buildah commit; podman run of that image sees 22:22" "${p}_from_seen" \
		eval 'step_ok '"${p}_commit"' && is "$(o '"${p}_from_seen"')" 22:22'
	check "$n: $how buildah bud: the RUN chowned /f to 22:22 and /g to 65534:65534" "${p}_bud" \
		eval 'step_ok '"${p}_bud"' && is "$(joined '"${p}_bud"' "^/[fg] ")" "/f 22:22 /g 65534:65534 "'
	check "$n: podman run of the image $how buildah built sees the owners" "${p}_seen" \
		is "$(joined "${p}_seen")" "22:22 65534:65534 "
}

# plain_buildah_alone NAME UID: without /etc/subuid lines (no sync), plain
# buildah finds no ranges and gets a single-ID namespace: the chown fails.
plain_buildah_alone() {
	local n=$1 u=$2
	check "$n: plain buildah reads /etc/subuid itself: no subuid ranges for u$u" bp_map \
		has "$(e bp_map)" 'no subuid ranges found for user \\?"u'"$u"'\\?" in /etc/subuid'
	check "$n: plain buildah: so a single-ID user namespace" bp_map is "$(maps bp_map)" "0 $u 1"
	check "$n: plain buildah run: the chown to 22:22 is refused" bp_run \
		eval '! step_ok bp_run && has "$(e bp_run)" "chown: /h: Invalid argument"'
}

nested() {
	local t=$SECONDS
	make_inputs
	local mode
	mode=$(stat -c %a /dev/fuse)
	if [ "$mode" != 666 ]; then
		if ! mknod -m 666 "$W/fuse" c "$((0x$(stat -c %t /dev/fuse)))" "$((0x$(stat -c %T /dev/fuse)))" ||
			! mount --bind "$W/fuse" /dev/fuse; then
			hard_error "cannot lay a 0666 copy of /dev/fuse over the host's (private mount namespace)"
		fi
		echo "# /dev/fuse is $mode here (udev makes it 0666): a 0666 copy is bind-mounted over it in this test's mount namespace"
	fi
	if ! probe_pods; then
		fail "a pod of $BUILDER starts" "$(_details)"
		skip_case "pods a, b, s, c" "no pod of the builder image could start (above)"
		return
	fi

	echo "# a. non-user-namespaced pod, 1000590000:0 (OpenShift's arbitrary UID)"
	pod a "$BUILDER" --user 1000590000:0
	after_checks a 1000590000 $'0 1000590000 1\n1 3966624 65536' $'0 0 1\n1 3966624 65536' \
		'^0: u1000590000 3966624 65536$' 65537
	buildah_checks a bu "podman unshare"
	check "a: buildah inside podman unshare sees podman's storage" bu_images \
		has "$(o bu_images)" '^localhost/bu-chowned$'
	plain_buildah_alone a 1000590000

	echo "# b. user-namespaced pod (0:200000:65536), 1000:0: ranges from 'subids userns'"
	pod b "$BUILDER" --uidmap 0:200000:65536 --gidmap 0:200000:65536 --user 1000:0
	after_checks b 1000 $'0 1000 1\n1 1 999\n1000 1001 64535' $'0 0 1\n1 1 65535' \
		'^0: u1000 1 999$' 65535
	buildah_checks b bu "podman unshare"
	plain_buildah_alone b 1000

	# Plain buildah needs /etc/subuid lines: the image built with
	# NSS_SUBID_USERS (an OpenShift project's range), synced by subidctl
	# sync.  A UID in the middle of the range: slot 5000 of the pool.
	if ! podman image exists "$SYNCED"; then
		skip_case "s (synced)" "no $SYNCED image (above)"
	else
		echo "# s. the image built with NSS_SUBID_USERS=$SYNC_USERS, non-user-namespaced pod, 1000595000:0"
		pod s "$SYNCED" -e E2E_PODMAN_BUILD=0 --user 1000595000:0
		check "s: /etc/subuid has the synced line for 1000595000 (slot 5000)" etc \
			has "$(o etc)" '^1000595000:327780000:65536$'
		check "s: podman (plugin, pool) maps slot 5000" uid_map \
			is "$(maps uid_map)" $'0 1000595000 1\n1 327780000 65536'
		check "s: plain buildah's uid_map (from /etc/subuid) is podman's" bp_map \
			is "$(maps bp_map)" "$(maps uid_map)"
		check "s: plain buildah's gid_map (from /etc/subgid) is podman's" bp_gmap \
			is "$(maps bp_gmap)" "$(maps gid_map)"
		buildah_checks s bp plain
		buildah_checks s bu "podman unshare"
	fi

	# restricted-v2/v3: allowPrivilegeEscalation: false (no_new_privs),
	# all capabilities dropped.  Names still work (NSS needs no privilege),
	# but no set-user-ID or file-capability helper can gain privilege, so
	# no user namespace with more than the user's own ID.
	echo "# d. restricted-v2-like pod: no_new_privs, no capabilities"
	local t2=$SECONDS
	D=$W/d
	mkdir -p "$D"
	chmod 777 "$D"
	run "${P[@]}" run --rm --network=none --pull=never --passwd=false --cap-drop=all \
		--security-opt no-new-privileges "${ULIMIT_ARGS[@]}" -v "$W/in:/in:ro" -v "$D:/out" \
		-e E2E_BUILDAH=0 --user 1000590000:0 "$BUILDER" sh -c '. /in/user.sh' 2>/dev/null
	elapsed "d pod" "$t2"
	check "d: whoami is u1000590000" whoami is "$(o whoami)" "u1000590000"
	check "d: podman gets no more than a single-ID map (newuidmap cannot gain privilege)" uid_map \
		eval '[ "$(rc uid_map)" != 0 ] || [ "$(map_ids uid_map)" -le 1 ]'
	echo "# d: podman unshare said: $(e uid_map | grep -vi warn | tail -n 1 | cut -c1-240)"

	if ! podman image exists "$BEFORE"; then
		skip_case "c (before)" "no $BEFORE image"
		return
	fi
	echo "# c. the same pods with the image without nss_subid (--target before)"
	pod c-a "$BEFORE" --user 1000590000:0
	check "c-a: whoami fails: cannot find name for user ID 1000590000" whoami \
		eval '[ "$(rc whoami)" != 0 ] && has "$(e whoami)" "cannot find name for user ID 1000590000"'
	check "c-a: podman: no subuid ranges found for the user" uid_map \
		has "$(e uid_map)" 'cannot find (mappings|UID/GID) for user.*no subuid ranges found'
	check "c-a: so a single-ID user namespace" uid_map is "$(maps uid_map)" '0 1000590000 1'
	check "c-a: importing the tarball with a 65534-owned file fails (insufficient IDs)" import_owned \
		eval '[ "$(rc import_owned)" != 0 ] && has "$(e import_owned)" "insufficient UIDs or GIDs|not enough IDs"'
	check "c-a: podman build fails" build eval '[ "$(rc build)" != 0 ]'
	check "c-a: the chown to 22:22 is refused (not enough IDs)" build \
		has "$(e build)" 'chown: /f: Invalid argument|insufficient UIDs or GIDs|not enough IDs'
	check "c-a: plain buildah from fails: unknown userid 1000590000" bp_from \
		eval '! step_ok bp_from && has "$(e bp_from)" "error determining current user: user: unknown userid 1000590000"'
	check "c-a: buildah run in podman unshare: the chown to 22:22 is refused" bu_run \
		eval '! step_ok bu_run && has "$(e bu_run)" "chown: /h: Invalid argument"'

	pod c-b "$BEFORE" --uidmap 0:200000:65536 --gidmap 0:200000:65536 --user 1000:0
	check "c-b: whoami fails: cannot find name for user ID 1000" whoami \
		eval '[ "$(rc whoami)" != 0 ] && has "$(e whoami)" "cannot find name for user ID 1000"'
	check "c-b: podman: no subuid ranges found for the user" uid_map \
		has "$(e uid_map)" 'cannot find (mappings|UID/GID) for user.*no subuid ranges found'
	check "c-b: so a single-ID user namespace" uid_map is "$(maps uid_map)" '0 1000 1'
	check "c-b: importing the tarball with a 65534-owned file fails (insufficient IDs)" import_owned \
		eval '[ "$(rc import_owned)" != 0 ] && has "$(e import_owned)" "insufficient UIDs or GIDs|not enough IDs"'
	check "c-b: podman build fails" build eval '[ "$(rc build)" != 0 ]'
	check "c-b: the chown to 22:22 is refused (not enough IDs)" build \
		has "$(e build)" 'chown: /f: Invalid argument|insufficient UIDs or GIDs|not enough IDs'
	check "c-b: plain buildah from fails: unknown userid 1000" bp_from \
		eval '! step_ok bp_from && has "$(e bp_from)" "error determining current user: user: unknown userid 1000"'
	check "c-b: buildah run in podman unshare: the chown to 22:22 is refused" bu_run \
		eval '! step_ok bu_run && has "$(e bu_run)" "chown: /h: Invalid argument"'
	elapsed "nested runs" "$t"
}

# ---------------------------------------------------------------- main

echo "# sources: $SRC"
if ! out=$(make_base); then
	printf '%s\n' "$out"
	skip "cannot make the base image $BASE here: $(printf '%s\n' "$out" | tail -n 1)"
fi
[ -n "$out" ] && printf '%s\n' "$out"

t=$SECONDS
# One snapshot of the source tree for the three builds (the tree may change
# while they run); .containerignore then picks what is sent.
CTX=$W/src
mkdir -p "$CTX"
tar -C "$SRC" --exclude=./.git --exclude='./build*' -cf - . | tar -C "$CTX" -xf - ||
	hard_error "cannot copy $SRC to $CTX"
# The build stage gets a tag too: it is the cache of the compile step, and a
# rebuild then removes the one it replaces (with its untagged parents)
# instead of leaving it behind untagged.
build_target "$BUILDSTAGE" --target build
[ "$RC" = 0 ] && build_target "$BUILDER"
if [ "$RC" = 0 ]; then
	pass "podman build -f contrib/builder/Containerfile -t $BUILDER ."
else
	fail "podman build -f contrib/builder/Containerfile -t $BUILDER ." "$(_details | tail -n 30)"
fi
elapsed "builder image" "$t"
if [ "$RC" = 0 ]; then
	build_target "$BEFORE" --target before
	if [ "$RC" = 0 ]; then
		pass "podman build --target before -t $BEFORE"
	else
		fail "podman build --target before -t $BEFORE" "$(_details | tail -n 30)"
		podman rmi "$BEFORE" >/dev/null 2>&1
	fi
	build_target "$SYNCED" --build-arg NSS_SUBID_USERS="$SYNC_USERS"
	if [ "$RC" = 0 ]; then
		pass "podman build --build-arg NSS_SUBID_USERS=$SYNC_USERS -t $SYNCED"
	else
		fail "podman build --build-arg NSS_SUBID_USERS=$SYNC_USERS -t $SYNCED" "$(_details | tail -n 30)"
		podman rmi "$SYNCED" >/dev/null 2>&1
	fi
	nested
else
	skip_case "pods a, b, s, c" "the builder image did not build"
fi
finish
