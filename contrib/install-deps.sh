#!/usr/bin/env bash
# Install what nss_subid needs to build, test and demonstrate on Debian 12.
# Idempotent: does nothing (not even apt-get update) when all is present.
set -euo pipefail

# clang and its runtimes (libFuzzer, ThreadSanitizer; only Recommended by
# clang, hence named) for the fuzz step; libcap2-bin (setcap) and procps
# (pgrep) for the privilege-drop tests.
PKGS=(
  build-essential autoconf automake libtool pkg-config git
  libsubid-dev libcap-dev libselinux1-dev libaudit-dev libpam0g-dev libcmocka-dev
  uidmap podman runc fuse-overlayfs busybox-static util-linux valgrind
  pamtester systemd strace libnss-wrapper
  dpkg-dev debhelper fakeroot buildah debootstrap
  clang libclang-rt-dev libcap2-bin procps
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
