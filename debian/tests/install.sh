#!/usr/bin/env bash
# Installs, removes, reinstalls and purges the built package with the real
# dpkg, in a throwaway overlay of / inside a private mount namespace: the
# real system (its /etc, /usr and dpkg database) is never modified.
#   sudo bash debian/tests/install.sh ../libnss-subid_*.deb
# Prints PASS/FAIL lines and "N passed, M failed"; exit 1 on any failure,
# 77 (skip) when not root or when overlay mounts are unavailable.
set -uo pipefail

deb=${1:?usage: install.sh PACKAGE.deb}
deb=$(readlink -f "$deb")
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root"; exit 77; fi

if [ -z "${NSS_SUBID_IN_NS:-}" ]; then
  # Re-run inside a private mount namespace; the real checksums are compared outside.
  before=$(cat /etc/nsswitch.conf /var/lib/dpkg/status | sha256sum)
  NSS_SUBID_TMP=$(mktemp -d)
  NSS_SUBID_IN_NS=1 NSS_SUBID_TMP=$NSS_SUBID_TMP unshare --mount --propagation private bash "${BASH_SOURCE[0]}" "$deb"
  rc=$?
  rmdir "$NSS_SUBID_TMP"
  after=$(cat /etc/nsswitch.conf /var/lib/dpkg/status | sha256sum)
  if [ "$before" != "$after" ]; then echo "FAIL: the real /etc/nsswitch.conf or dpkg status changed!"; exit 1; fi
  echo "PASS: the real /etc/nsswitch.conf and dpkg status are unchanged"
  exit $rc
fi

t=$NSS_SUBID_TMP
mount -t tmpfs tmpfs "$t"
mkdir -p "$t/upper" "$t/work" "$t/m"
if ! mount -t overlay overlay -o lowerdir=/,upperdir="$t/upper",workdir="$t/work" "$t/m" 2>/dev/null; then
  echo "SKIP: cannot mount an overlay of /"; exit 77
fi
mount -t proc proc "$t/m/proc"
mount --rbind /dev "$t/m/dev"
mount -t tmpfs tmpfs "$t/m/tmp"
mount -t tmpfs tmpfs "$t/m/run"
cp "$deb" "$t/m/tmp/pkg.deb"
sed -e '$a\' /etc/nsswitch.conf >"$t/orig"

pass=0 fail=0
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); echo "PASS: $name"; else fail=$((fail + 1)); echo "FAIL: $name"; fi; }
inroot() { chroot "$t/m" "$@"; }
nss() { grep -E '^(passwd|group|subid):' "$t/m/etc/nsswitch.conf" | sed 's/^/    | /'; }
has_subid() { grep -Eq "^$1:([^#]*\\s)?subid(\\s|#|\$)" "$t/m/etc/nsswitch.conf"; }
mode() { [ "$(stat -c '%a %U:%G' "$t/m$2")" = "$1" ]; }

if inroot dpkg -i /tmp/pkg.deb >"$t/log" 2>&1; then check "dpkg -i" true; else check "dpkg -i" false; cat "$t/log"; fi
nss
check "passwd: has subid" has_subid passwd
check "group: has subid" has_subid group
check "subid: line added" grep -Eq '^subid:\s*subid\s*$' "$t/m/etc/nsswitch.conf"
check "newuidmap 4755 root:root" mode "4755 root:root" /usr/libexec/nss_subid/newuidmap
check "newgidmap 4755 root:root" mode "4755 root:root" /usr/libexec/nss_subid/newgidmap
check "subid-cgroup 4755 root:root" mode "4755 root:root" /usr/libexec/nss_subid/subid-cgroup
check "/etc/nss_subid.conf 644 root:root" mode "644 root:root" /etc/nss_subid.conf
check "/etc/nss_subid.conf is a conffile" sh -c "chroot '$t/m' dpkg-query -W -f='\${Conffiles}' libnss-subid | grep -q /etc/nss_subid.conf"
check "NSS module loads: getent passwd 1000590000" sh -c "chroot '$t/m' setpriv --reuid=1000590000 --regid=0 --clear-groups getent passwd 1000590000 | grep -q '^u1000590000:'"
if inroot sh -c 'command -v getsubids' >/dev/null; then
  check "libsubid plugin loads: getsubids" sh -c "chroot '$t/m' setpriv --reuid=1000590000 --regid=0 --clear-groups getsubids u1000590000 | grep -q u1000590000"
fi
check "subidctl check" inroot subidctl check
check "pam_subid.so in the libpam module dir" test -f "$t/m/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/security/pam_subid.so"

check "dpkg -r" inroot dpkg -r libnss-subid
nss
check "remove restores nsswitch.conf" cmp -s "$t/orig" "$t/m/etc/nsswitch.conf"
check "conffile kept after remove" test -f "$t/m/etc/nss_subid.conf"
check "reinstall from config-files" inroot dpkg -i /tmp/pkg.deb
check "reinstall adds subid again" has_subid passwd
check "dpkg -P" inroot dpkg -P libnss-subid
check "purge restores nsswitch.conf" cmp -s "$t/orig" "$t/m/etc/nsswitch.conf"
check "conffile gone after purge" test ! -e "$t/m/etc/nss_subid.conf"
check "no flag file left" sh -c "! ls '$t/m'/etc/nsswitch.conf.nss.* 2>/dev/null"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
