#!/usr/bin/env bash
# nss_subid demonstration on a fresh Debian 12 machine:   sudo bash contrib/demo.sh
# Builds the package, then shows -- inside a private mount namespace, so the
# real /etc and libraries are never touched -- what an OpenShift-style
# arbitrary UID (1000590000, gid 0, in no file) sees before and after
# nss_subid is installed: getent/whoami, getsubids, podman's user namespace
# mapping, and a rootless `podman build` whose RUN chowns files to 22:22 and
# 65534:65534 -- the build that fails in OpenShift pods today.  "after" uses
# nss_subid's own set-user-ID newuidmap/newgidmap, bind-mounted over
# Debian's inside the namespace.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
USER_UID=1000590000
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "demo: run as root (it installs packages and uses mount namespaces): sudo bash $0" >&2
  exit 1
fi
say "installing build dependencies (if missing)"
bash "$top/contrib/install-deps.sh"

work=$(mktemp -d /tmp/nss_subid-demo.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
say "building nss_subid in $work"
mkdir -p "$work/src"
(cd "$top" && git ls-files -co --exclude-standard -z 2>/dev/null | xargs -0 cp --parents -t "$work/src") ||
  (cd "$top" && tar --exclude=./build -cf - . | tar -C "$work/src" -xf -)
(cd "$work/src" && autoreconf -fi >/dev/null 2>&1 && ./configure --prefix=/usr --sysconfdir=/etc >/dev/null &&
  make -j"$(nproc)" >/dev/null && make install DESTDIR="$work/stage" >/dev/null)
echo "built: $(cd "$work/stage" && find . -type f | sort | tr '\n' ' ')"

say "making a tiny base image offline (busybox-static; no registry is needed)"
r=$work/rootfs
mkdir -p "$r/bin" "$r/etc" "$r/tmp"
cp /bin/busybox "$r/bin/busybox"
for a in sh chown ls touch stat id cat; do ln -s busybox "$r/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
tar -C "$r" -cf "$work/rootfs.tar" . && chmod 644 "$work/rootfs.tar"
mkdir -p "$work/ctx"
cat >"$work/ctx/Containerfile" <<'CF'
FROM localhost/demo-busybox:latest
RUN touch /f /g && chown 22:22 /f && chown 65534:65534 /g && stat -c '%n is owned by %u:%g' /f /g
CF
chmod -R a+rX "$work/ctx"
echo "Containerfile:"; sed 's/^/    /' "$work/ctx/Containerfile"

# Overlay a fake /etc (and the libraries) inside a private mount namespace.
cat >"$work/scenario.sh" <<'SCEN'
set -u
mode=$1 work=$2 uid=$3
O=$work/ovl-$mode
mkdir -p "$O/etc" "$O/lib"
if [ "$mode" = after ]; then
  for h in newuidmap newgidmap; do   # nss_subid's hardened helpers in place of shadow's
    install -o root -g root -m 4755 "$work/stage/usr/libexec/nss_subid/$h" "$O/$h"
    mount --bind "$O/$h" "/usr/bin/$h"
  done
  cp "$work"/stage/lib/*/libnss_subid.so.2 "$work"/stage/lib/*/libsubid_subid.so "$O/lib/"
  cp "$work/stage/etc/nss_subid.conf" "$O/etc/"
  printf 'passwd: files subid\ngroup: files subid\nshadow: files\nhosts: files\nsubid: subid\n' >"$O/etc/nsswitch.conf"
else
  printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$O/etc/nsswitch.conf"
fi
: >"$O/etc/subuid"; : >"$O/etc/subgid"
mount -t overlay overlay -o "lowerdir=$O/etc:/etc" /etc
mount -t overlay overlay -o "lowerdir=$O/lib:/usr/lib/x86_64-linux-gnu" /usr/lib/x86_64-linux-gnu
H=$work/home-$mode; mkdir -p "$H/run"; chown -R "$uid:0" "$H"; chmod 700 "$H"
as() { setpriv --reuid="$uid" --regid=0 --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$H" XDG_RUNTIME_DIR="$H/run" "$@"; }
cd /
echo "\$ id";                 as id 2>&1 | sed 's/^/    /'
echo "\$ whoami";             as whoami 2>&1 | sed 's/^/    /'
echo "\$ getent passwd $uid"; as getent passwd "$uid" 2>&1 | sed 's/^/    /' || echo "    (not found)"
echo "\$ getsubids u$uid";    as getsubids "u$uid" 2>&1 | sed 's/^/    /'
echo "\$ podman unshare cat /proc/self/uid_map"
as podman --log-level=error unshare cat /proc/self/uid_map 2>&1 | sed 's/^/    /'
as podman --log-level=error unshare cat /proc/self/uid_map 2>/dev/null | wc -l >"$work/maplines-$mode"
echo "\$ podman build (runc, --network=none) of the Containerfile above"
H=$work/home-$mode-build; mkdir -p "$H/run"; chown -R "$uid:0" "$H"; chmod 700 "$H"
pm() { as podman --log-level=error --runtime runc --cgroup-manager cgroupfs "$@"; }
if pm import "$work/rootfs.tar" localhost/demo-busybox:latest >/dev/null 2>"$work/build-$mode.err" &&
   pm build --network=none -t localhost/demo-built "$work/ctx" >"$work/build-$mode.out" 2>>"$work/build-$mode.err"; then
  grep '^/. is owned by' "$work/build-$mode.out" | sed 's/^/    /'
  echo ok >"$work/build-$mode"
else
  grep -Ei 'error|not enough|cannot|invalid' "$work/build-$mode.err" "$work/build-$mode.out" 2>/dev/null |
    sed 's/^[^:]*://' | tail -3 | sed 's/^/    /'
  echo failed >"$work/build-$mode"
fi
# podman's pause processes (one per HOME); pause.pid has no final newline.
for f in "$H/run/libpod/tmp/pause.pid" "$work/home-$mode/run/libpod/tmp/pause.pid"; do
  p=$(cat "$f" 2>/dev/null) && kill "$p" 2>/dev/null || true
done
exit 0
SCEN

say "BEFORE: uid $USER_UID gid 0, no nss_subid (what an OpenShift pod sees today)"
unshare --mount --propagation private bash "$work/scenario.sh" before "$work" "$USER_UID" || true
say "AFTER: the same user with nss_subid installed and the default /etc/nss_subid.conf (no edits)"
unshare --mount --propagation private bash "$work/scenario.sh" after "$work" "$USER_UID"

b=$(cat "$work/maplines-before" 2>/dev/null || echo 0); a=$(cat "$work/maplines-after" 2>/dev/null || echo 0)
bb=$(cat "$work/build-before" 2>/dev/null || echo failed); ab=$(cat "$work/build-after" 2>/dev/null || echo failed)
say "summary"
cat <<SUM
    before: no name for uid $USER_UID, no subordinate IDs, podman maps $b line(s) (only the user itself):
            so files can only belong to one UID: podman build with chown 22:22: $bb
            ("chown: Invalid argument"; images with such files fail with "not enough IDs in namespace").
    after:  uid $USER_UID is u$USER_UID (gid 0), owns subordinate IDs 3966624-4032159 (pool block 59, its OpenShift project), and podman maps
            $a line(s): container root = $USER_UID, container IDs 1..65536 = host 3966624..4032159.
            podman build with chown 22:22: $ab.
            Nothing in /etc/passwd or /etc/subuid was edited; the real system files were never touched.
SUM
[ "$a" -ge 2 ] || { echo "demo: podman did not get the mapping" >&2; exit 1; }
[ "$ab" = ok ] || { echo "demo: the podman build failed with nss_subid" >&2; exit 1; }
