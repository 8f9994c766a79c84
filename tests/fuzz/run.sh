#!/usr/bin/env bash
# Run every libFuzzer harness for SECONDS (default 60) from the seed corpus.
# Build first:  ./configure CC=clang --enable-fuzzing && make
#   bash tests/fuzz/run.sh [SECONDS] [BUILDDIR]
set -euo pipefail
secs=${1:-60}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
builddir=${2:-$top}
rc=0
for f in config uidmap subuid mapreq; do
  bin=$builddir/tests/fuzz/fuzz_$f
  [ -x "$bin" ] || { echo "missing $bin: build with ./configure CC=clang --enable-fuzzing" >&2; exit 2; }
  work=$(mktemp -d)
  cp "$top"/tests/fuzz/corpus/$f/* "$work"/
  echo "== fuzz_$f for ${secs}s"
  "$bin" -max_total_time="$secs" -max_len=4096 "$work" 2>&1 | grep -E 'DONE|ERROR|SUMMARY' || rc=1
  rm -rf "$work"
done
exit $rc
