#!/usr/bin/env bash
# Run every libFuzzer harness for SECONDS (default 60) from its seed corpus
# (a scratch copy: what the run finds is not added to the tree), one target
# at a time, one process each.
# Build first:  ./configure CC=clang --enable-fuzzing && make
#   bash tests/fuzz/run.sh [SECONDS|runs=N] [BUILDDIR] [TARGET...]
# runs=N: N executions per target instead of a time limit (a campaign).
# One line per target: "PASS: fuzz_T: N runs in S s" or "FAIL: fuzz_T: ..."
# with the crashing input kept under $TMPDIR.  Exit 1 if any target failed.
set -euo pipefail
limit=${1:-60}
case $limit in
runs=*) limit_opt=-runs=${limit#runs=} ;;
*) limit_opt=-max_total_time=$limit ;;
esac
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
builddir=${2:-$top}
shift $(($# > 2 ? 2 : $#))
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(config uidmap subuid mapreq names subsync)
rc=0
for f in "${targets[@]}"; do
  bin=$builddir/tests/fuzz/fuzz_$f
  if [ ! -x "$bin" ]; then
    echo "FAIL: fuzz_$f: missing $bin (build with ./configure CC=clang --enable-fuzzing)"
    rc=1
    continue
  fi
  work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_$f.XXXXXX")
  mkdir "$work/corpus" "$work/artifacts"
  cp "$top"/tests/fuzz/corpus/$f/* "$work/corpus/"
  # -timeout: one input taking 10 s is a hang, reported as a failure.
  if "$bin" "$limit_opt" -max_len=4096 -timeout=10 -artifact_prefix="$work/artifacts/" \
      "$work/corpus" >"$work/log" 2>&1; then
    done_line=$(grep -E '^Done [0-9]+ runs' "$work/log" | tail -1 | sed 's/^Done //')
    stats=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/log" | tail -1 | grep -oE '(cov|ft|exec/s): [0-9]+' | paste -sd' ' -)
    echo "PASS: fuzz_$f: $done_line${stats:+ ($stats)}"
    rm -rf "$work"
  else
    echo "FAIL: fuzz_$f: $(grep -E 'ERROR|SUMMARY|deadly|Test unit written' "$work/log" | head -3 | paste -sd' ' -)"
    echo "      log and crashing input kept in $work"
    tail -30 "$work/log" | sed 's/^/      /'
    rc=1
  fi
done
exit $rc
