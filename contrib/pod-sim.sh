#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A user-namespaced pod without a container engine:   sudo bash contrib/pod-sim.sh [STAGE]
#
# STAGE is a `make install DESTDIR=STAGE` tree; without it, a clean copy of
# this source tree is built into a temporary one (as contrib/demo.sh does).
# Then, in a private mount namespace (the real /etc and libraries are never
# touched) and a fresh user namespace whose uid_map and gid_map
# `0 200000 65536` host root writes from outside (as a pod's runtime does;
# util-linux `unshare --map-users` would call newuidmap itself), the
# workload runs as UID 1000, GID 0, in no file of the image, and runs
# `podman unshare` and a small `podman build` (runc, --network=none,
# cgroupfs, from a busybox-static rootfs) whose RUN chowns to 22:22 and
# 65534:65534: first without nss_subid, then with the package's files laid
# over /etc, the library directory and /usr/bin/newuidmap,newgidmap (no
# configuration edits: the ranges come from "subids userns").
#
# The /etc files are owned by host UID 200000, root inside: nss_subid trusts
# only files owned by root of the caller's namespace.  The set-user-ID
# helpers are owned by host 200000 too: the kernel ignores the bit of a file
# whose owner is not mapped, as host root is not here.
# Nothing is left behind: the mounts die with the namespace, the processes
# started here are ended and the temporary directory is removed.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NSROOT=200000
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { echo "pod-sim: $*" >&2; exit 1; }

# ------------------------------------------------------------ inside the mount namespace
inner() {
	local W=$1 S=$2 O=$1/o so m lib h
	so=$(find "$S" -name libnss_subid.so.2 -print -quit)
	m=$(basename "$(dirname "$so")")
	case $m in lib | lib64 | lib32) lib=/usr/$m ;; *) lib=/usr/lib/$m ;; esac
	lib=$(readlink -f "$lib")
	mkdir -p "$O/lib" "$O/bin" "$O/before" "$O/after"
	cp "$so" "$(dirname "$so")/libsubid_subid.so" "$O/lib/"
	for d in before after; do # the image's own files: UID 1000 is in none
		printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$O/$d/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' >"$O/$d/group"
		: >"$O/$d/subuid"
		: >"$O/$d/subgid"
	done
	printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$O/before/nsswitch.conf"
	printf 'passwd: files subid\ngroup: files subid\nshadow: files\nhosts: files\nsubid: subid\n' >"$O/after/nsswitch.conf"
	if [ -f "$S/etc/nss_subid.conf" ]; then cp "$S/etc/nss_subid.conf" "$O/after/"; else mknod "$O/after/nss_subid.conf" c 0 0; fi
	mknod "$O/before/nss_subid.conf" c 0 0 # whiteouts hide a real /etc/nss_subid.conf
	chown -R "$NSROOT:$NSROOT" "$O/before" "$O/after"
	for h in newuidmap newgidmap; do
		install -o "$NSROOT" -g "$NSROOT" -m 4755 "$S/usr/libexec/nss_subid/$h" "$O/bin/$h"
	done

	say "a user namespace with uid_map and gid_map '0 $NSROOT 65536', written by host root"
	unshare --user sleep 3600 </dev/null >/dev/null 2>&1 &
	holder=$!
	# shellcheck disable=SC2064 # expanded now: W is local
	trap "kill $holder 2>/dev/null || true; for f in $W/home.*/run/libpod/tmp/pause.pid; do [ -f \"\$f\" ] && xargs -r kill <\"\$f\" 2>/dev/null || true; done" EXIT
	for _ in $(seq 100); do
		[ "$(readlink /proc/$holder/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
		sleep 0.05
	done
	echo "0 $NSROOT 65536" >"/proc/$holder/uid_map"
	echo "0 $NSROOT 65536" >"/proc/$holder/gid_map"

	# pod CMD...: as UID 1000, GID 0 in the namespace, with the HOME that
	# scenario made (podman keeps its storage and pause process there).
	pod() {
		nsenter --target "$holder" --user -- setpriv --reuid=1000 --regid=0 --clear-groups -- \
			env -i PATH="$PATH" HOME="$H" XDG_RUNTIME_DIR="$H/run" LC_ALL=C "$@"
	}
	pm() { pod podman --runtime runc --cgroup-manager cgroupfs --log-level=error "$@"; }
	show() { # show pod|pm CMD...: print the command, run it, indent its output
		local c="$*"
		c=${c#pod }
		echo "\$ ${c/#pm /podman }"
		"$@" 2>&1 | sed 's/^/    /'
		return "${PIPESTATUS[0]}"
	}

	scenario() {
		H=$W/home.$1
		mkdir -p "$H/run"
		chown -R "$((NSROOT + 1000)):$NSROOT" "$H"
		chmod 700 "$H" "$H/run"
		show pod id || true
		show pod cat /proc/self/uid_map
		show pod getsubids 1000 || true
		show pm unshare cat /proc/self/uid_map || true
		echo "\$ podman build --network=none (runc, cgroupfs) of: $(tail -n 1 "$W/ctx/Containerfile")"
		if pm import "$W/rootfs.tar" localhost/busybox:latest >/dev/null 2>"$W/$1.err" &&
			pm build --network=none -t localhost/chowned "$W/ctx" >"$W/$1.out" 2>>"$W/$1.err"; then
			grep '^/[fg] ' "$W/$1.out" | sed 's/^/    /'
			echo "\$ podman run --rm --network=none localhost/chowned stat -c '%n %u:%g' /f /g"
			if pm run --rm --network=none localhost/chowned stat -c '%n %u:%g' /f /g 2>&1 | sed 's/^/    /'; then
				echo ok >"$W/result.$1"
			else
				echo "build ok, run failed" >"$W/result.$1"
			fi
		else
			grep -hEi 'subuid ranges|invalid argument|error' "$W/$1.err" "$W/$1.out" | awk '!seen[$0]++' | tail -n 4 | sed 's/^/    /'
			echo failed >"$W/result.$1"
		fi
		xargs -r kill <"$H/run/libpod/tmp/pause.pid" 2>/dev/null || true # podman's pause process
		rm -f "$H/run/libpod/tmp/pause.pid"
	}

	say "BEFORE: uid 1000 gid 0 in the pod, no nss_subid (nsswitch.conf without subid)"
	mount -t overlay overlay -o "lowerdir=$O/before:/etc" /etc
	scenario before

	say "AFTER: the package's files laid over /etc, $lib and /usr/bin/new[ug]idmap (no config edits)"
	umount -l /etc
	mount -t overlay overlay -o "lowerdir=$O/after:/etc" /etc
	mount -t overlay overlay -o "lowerdir=$O/lib:$lib" "$lib"
	for h in newuidmap newgidmap; do mount --bind "$O/bin/$h" "/usr/bin/$h"; done
	scenario after
}

if [ -n "${_POD_SIM_INNER:-}" ]; then
	inner "$_POD_SIM_INNER" "$1"
	exit 0
fi

# ------------------------------------------------------------ outside
[ "$(id -u)" = 0 ] || die "run as root (mount and user namespaces, maps written from outside): sudo bash $0 [STAGE]"
for c in podman runc unshare nsenter setpriv getsubids tar; do
	command -v "$c" >/dev/null || die "needs '$c' (Debian: podman runc util-linux uidmap tar)"
done
[ -x /bin/busybox ] || die "needs busybox-static (for a base image without a registry)"

work=$(mktemp -d /tmp/nss_subid-podsim.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
stage=${1:-}
if [ -z "$stage" ]; then
	say "building nss_subid from a clean copy into $work/stage"
	mkdir -p "$work/src"
	(cd "$top" && git ls-files -co --exclude-standard -z 2>/dev/null | xargs -0 cp --parents -t "$work/src") ||
		(cd "$top" && tar --exclude=./build -cf - . | tar -C "$work/src" -xf -)
	(cd "$work/src" && autoreconf -fi && ./configure --prefix=/usr --sysconfdir=/etc &&
		make -j"$(nproc)" && make install DESTDIR="$work/stage") >"$work/build.log" 2>&1 ||
		{ tail -n 30 "$work/build.log"; die "the build failed (log above)"; }
	stage=$work/stage
fi
stage=$(cd "$stage" && pwd)
[ -n "$(find "$stage" -name libnss_subid.so.2 -print -quit)" ] || die "no libnss_subid.so.2 in $stage"
[ -x "$stage/usr/libexec/nss_subid/newuidmap" ] || die "no usr/libexec/nss_subid/newuidmap in $stage"

say "a busybox base image and a Containerfile (no registry is needed)"
r=$work/rootfs
mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$work/ctx"
cp /bin/busybox "$r/bin/busybox"
for a in sh chown touch stat id cat; do ln -s busybox "$r/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
tar -C "$r" -cf "$work/rootfs.tar" . && chmod 644 "$work/rootfs.tar"
printf '%s\n' 'FROM localhost/busybox:latest' \
	"RUN touch /f /g && chown 22:22 /f && chown 65534:65534 /g && stat -c '%n %u:%g' /f /g" >"$work/ctx/Containerfile"
chmod -R a+rX "$work/ctx"

_POD_SIM_INNER=$work unshare --mount --propagation private -- bash "${BASH_SOURCE[0]}" "$stage"
b=$(cat "$work/result.before" 2>/dev/null || echo failed)
a=$(cat "$work/result.after" 2>/dev/null || echo failed)
say "summary: podman build as uid 1000:0 in the pod: before nss_subid: $b; with nss_subid: $a"
[ "$a" = ok ] && [ "$b" = failed ]
