#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmark (prints, asserts nothing): `podman unshare true` as the arbitrary
# user 1000000000:0, started cold (a fresh HOME and XDG_RUNTIME_DIR every
# time, so podman sets up its user namespace and runs newuidmap/newgidmap),
# in two setups that give the same mapping:
#
#   files     /etc/passwd and /etc/subuid/subgid lines for the user,
#             `passwd: files`, no nss_subid (what entrypoint scripts do today)
#   nss_subid no lines; `passwd: files subid`, `subid: subid`, default config,
#             the modules in the dynamic linker's cache as after installing
#
# Each measurement runs in its own private mount namespace (overlays of a
# scenario /etc and the modules; the real files are never touched); the two
# setups alternate for ROUNDS rounds and the medians are compared.
#
#   sudo bash tests/bench/podman_unshare.sh STAGE [ROUNDS]
#
# STAGE is a `make install DESTDIR=...` tree.  Prints one table row.
set -euo pipefail
stage=${1:?usage: podman_unshare.sh STAGE [ROUNDS]}
rounds=${2:-15}
U=1000000000
[ "$(id -u)" = 0 ] || { echo "podman_unshare.sh: run as root" >&2; exit 1; }
command -v podman >/dev/null || { echo "podman_unshare.sh: podman is not installed" >&2; exit 1; }
nss=$(find "$stage" -name libnss_subid.so.2 -print -quit)
plugin=$(find "$stage" -name libsubid_subid.so -print -quit)
[ -n "$nss" ] && [ -n "$plugin" ] || { echo "podman_unshare.sh: no modules in $stage" >&2; exit 1; }
libdir=$(readlink -f /usr/lib/"$(basename "$(dirname "$nss")")")

W=$(mktemp -d /tmp/nss_subid-bench-podman.XXXXXX)
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
mkdir -p "$W/lib" "$W/files" "$W/nss_subid"
cp "$nss" "$plugin" "$W/lib/"
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$W/files/nsswitch.conf"
{ cat /etc/passwd; echo "u$U:x:$U:0:entrypoint-script user:/tmp:/bin/sh"; } >"$W/files/passwd"
echo "u$U:100000:65536" >"$W/files/subuid"
echo "u$U:100000:65536" >"$W/files/subgid"
printf 'passwd: files subid\ngroup: files subid\nshadow: files\nhosts: files\nsubid: subid\n' >"$W/nss_subid/nsswitch.conf"
: >"$W/nss_subid/subuid"
: >"$W/nss_subid/subgid"
mknod "$W/nss_subid/nss_subid.conf" c 0 0 # hide any real config: built-in defaults
mknod "$W/files/nss_subid.conf" c 0 0

# An installed package leaves both modules in the dynamic linker's cache
# (dpkg's ldconfig trigger; `make install` says to run ldconfig), so that
# libsubid's dlopen("libsubid_subid.so") finds the plugin at once: build
# such a cache with the modules laid over the library directory.
unshare --mount --propagation private sh -c \
	"mount -t overlay overlay -o 'lowerdir=$W/lib:$libdir' '$libdir' && ldconfig -C '$W/ld.so.cache'"
ldconfig -C "$W/ld.so.cache" -p | grep -q libsubid_subid.so || { echo "podman_unshare.sh: ldconfig did not cache the plugin" >&2; exit 1; }

# One cold `podman unshare true`, timed inside the namespace (ns).
cat >"$W/one.sh" <<'ONE'
set -eu
W=$1 mode=$2 U=$3 libdir=$4
mount -t overlay overlay -o "lowerdir=$W/$mode:/etc" /etc
if [ "$mode" = nss_subid ]; then
	mount -t overlay overlay -o "lowerdir=$W/lib:$libdir" "$libdir"
	mount --bind "$W/ld.so.cache" /etc/ld.so.cache
fi
H=$(mktemp -d "$W/home.XXXXXX"); mkdir "$H/run"; chown -R "$U:0" "$H"; chmod 700 "$H" "$H/run"
t0=$(date +%s%N)
setpriv --reuid="$U" --regid=0 --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$H" \
  XDG_RUNTIME_DIR="$H/run" podman --runtime runc --cgroup-manager cgroupfs --log-level=error unshare true
t1=$(date +%s%N)
# Warm: the pause process keeps the namespace, podman joins it.
setpriv --reuid="$U" --regid=0 --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$H" \
  XDG_RUNTIME_DIR="$H/run" podman --runtime runc --cgroup-manager cgroupfs --log-level=error unshare true
t2=$(date +%s%N)
for p in $(cat "$H/run/libpod/tmp/pause.pid" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
lines=$(setpriv --reuid="$U" --regid=0 --clear-groups env -i PATH=/usr/bin:/bin HOME="$H" XDG_RUNTIME_DIR="$H/run" \
  podman --runtime runc --cgroup-manager cgroupfs --log-level=error unshare cat /proc/self/uid_map | wc -l)
for p in $(cat "$H/run/libpod/tmp/pause.pid" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
rm -rf "$H" 2>/dev/null || true
echo "$((t1 - t0)) $lines $((t2 - t1))"
ONE

for r in $(seq 0 "$rounds"); do
	for mode in files nss_subid; do
		out=$(unshare --mount --propagation private bash "$W/one.sh" "$W" "$mode" "$U" "$libdir")
		set -- $out
		[ "$2" -ge 2 ] || { echo "podman_unshare.sh: $mode: podman got no subordinate mapping" >&2; exit 1; }
		[ "$r" = 0 ] && continue # warm-up round: page cache, podman's first-run work
		echo "$1" >>"$W/t-$mode"
		echo "$3" >>"$W/w-$mode"
	done
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
f=$(median "$W/t-files")
s=$(median "$W/t-nss_subid")
wf=$(median "$W/w-files")
ws=$(median "$W/w-nss_subid")
awk -v s="$s" -v f="$f" -v ws="$ws" -v wf="$wf" -v n="$rounds" 'BEGIN {
	printf "%-58s %8.1f ms %8.1f ms %8.3f %s\n", "podman unshare true (cold), nss_subid vs files lines", s / 1e6, f / 1e6, s / f, "<= 1.02 (median of " n ")"
	printf "%-58s %8.1f ms %8.1f ms %8.3f %s\n", "podman unshare true (warm), nss_subid vs files lines", ws / 1e6, wf / 1e6, ws / wf, "<= 1.02 (median of " n ")" }'
