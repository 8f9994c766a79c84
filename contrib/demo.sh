#!/usr/bin/env bash
# nss_subid demonstration on a fresh Debian 12 machine:   sudo bash contrib/demo.sh
# Builds the package, then shows -- inside a private mount namespace, so the
# real /etc and libraries are never touched -- what an OpenShift-style
# arbitrary UID (1000590000, gid 0, in no file) sees before and after
# nss_subid is installed: getent/whoami, getsubids, and podman's user
# namespace mapping (through Debian's own setuid newuidmap).
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

# Overlay a fake /etc (and the libraries) inside a private mount namespace.
cat >"$work/scenario.sh" <<'SCEN'
set -u
mode=$1 work=$2 uid=$3
O=$work/ovl-$mode
mkdir -p "$O/etc" "$O/lib"
if [ "$mode" = after ]; then
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
SCEN

say "BEFORE: uid $USER_UID gid 0, no nss_subid (what an OpenShift pod sees today)"
unshare --mount --propagation private bash "$work/scenario.sh" before "$work" "$USER_UID" || true
say "AFTER: the same user with nss_subid installed and the default /etc/nss_subid.conf (no edits)"
unshare --mount --propagation private bash "$work/scenario.sh" after "$work" "$USER_UID"

b=$(cat "$work/maplines-before" 2>/dev/null || echo 0); a=$(cat "$work/maplines-after" 2>/dev/null || echo 0)
say "summary"
cat <<SUM
    before: no name for uid $USER_UID, no subordinate IDs, podman maps $b line(s) (only the user itself):
            image layers owning files as uid 22 fail with "not enough IDs in namespace".
    after:  uid $USER_UID is u$USER_UID (gid 0), owns subordinate IDs 100000-165535, and podman maps
            $a line(s): container root = $USER_UID, container IDs 1..65536 = host 100000..165535.
            Nothing in /etc/passwd or /etc/subuid was edited; the real system files were never touched.
SUM
[ "$a" -ge 2 ] || { echo "demo: podman did not get the mapping" >&2; exit 1; }
