#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# All benchmarks in one run, one table (prints ratios; asserts nothing):
#
#   sudo bash tests/bench/run.sh [BUILDDIR]
#
# BUILDDIR: a configured and built tree (default: build a clean copy of this
# tree in a temporary directory).  Rows: the NSS module and libsubid plugin
# against glibc's files backend and shadow's files source at 10 and 100 000
# /etc/subuid lines, our newuidmap/newgidmap against shadow's (tests/bench/
# bench.c), then a cold `podman unshare true` with nss_subid against the
# same mapping from /etc/passwd + /etc/subuid lines (podman_unshare.sh).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "bench: run as root (mount namespaces, setuid helpers)" >&2; exit 1; }
W=$(mktemp -d /tmp/nss_subid-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
b=${1:-}
if [ -z "$b" ]; then
  bash "$top/contrib/install-deps.sh"
  echo "bench: building a clean copy in $W/src" >&2
  mkdir -p "$W/src"
  (cd "$top" && git ls-files -co --exclude-standard -z 2>/dev/null | xargs -0 cp --parents -t "$W/src") ||
    (cd "$top" && tar --exclude=./build -cf - . | tar -C "$W/src" -xf -)
  (cd "$W/src" && autoreconf -fi >/dev/null 2>&1 && ./configure --prefix=/usr --sysconfdir=/etc >/dev/null &&
    make -j"$(nproc)" >/dev/null && make tests/bench/bench >/dev/null)
  b=$W/src
fi
b=$(cd "$b" && pwd)
[ -x "$b/tests/bench/bench" ] || make -C "$b" tests/bench/bench >/dev/null
make -C "$b" install DESTDIR="$W/stage" >/dev/null
"$b/tests/bench/bench" "$b/.libs" "$b"
bash "$top/tests/bench/podman_unshare.sh" "$W/stage" "${PODMAN_ROUNDS:-30}"
