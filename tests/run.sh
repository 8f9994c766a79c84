#!/usr/bin/env bash
# The whole nss_subid test suite, from a fresh Debian 12 machine:
#   sudo bash tests/run.sh
# 1. installs the build and test dependencies (contrib/install-deps.sh);
# 2. builds a clean copy of the tree with hardening and -Werror, runs the
#    unit tests (cmocka) and module tests (dlopen of the built .so files);
# 3. installs into a staging dir and runs the root integration tests with
#    the real clients (getent, whoami, id, getsubids, newuidmap, podman) in
#    private mount namespaces -- the real /etc is never modified;
# 4. rebuilds with ASan+UBSan and runs unit and module tests again;
# 5. builds the libFuzzer harnesses with clang and runs each for 30 s;
# 6. rebuilds with ThreadSanitizer and runs the module tests of the NSS
#    module and the libsubid plugin (their 64-thread stress included).
# Prints one "N passed, M failed, K skipped" line at the end; exit 1 on failure.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${NSS_SUBID_TEST_BUILD:-$top/build}
jobs=$(nproc 2>/dev/null || echo 2)

bash "$top/contrib/install-deps.sh"

pass=0 fail=0 skip=0
note() { printf '\n=== %s\n' "$*"; }

# A clean copy: the tree may be configured in place, which VPATH builds refuse.
note "copying sources to $build/src"
rm -rf "$build"
mkdir -p "$build/src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$top" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$build/src")
else
  (cd "$top" && tar --exclude=./build -cf - .) | tar -C "$build/src" -xf -
fi
(cd "$build/src" && autoreconf -fi >/dev/null 2>&1)

# Count automake's test-suite summary of one build.
count_check() {
  local log=$1 n
  n=$(sed -n 's/^# PASS: *//p' "$log" | tail -1); pass=$((pass + ${n:-0}))
  n=$(sed -n 's/^# SKIP: *//p' "$log" | tail -1); skip=$((skip + ${n:-0}))
  n=$(sed -n 's/^# FAIL: *//p' "$log" | tail -1); fail=$((fail + ${n:-0}))
  n=$(sed -n 's/^# ERROR: *//p' "$log" | tail -1); fail=$((fail + ${n:-0}))
  n=$(sed -n 's/^# XPASS: *//p' "$log" | tail -1); fail=$((fail + ${n:-0}))
}

# build_and_check NAME CONFIGURE-ARGS...: a build in $build/NAME and its
# `make check`.  CHECK_ARGS (make variables such as TESTS=...) and RUNNER (a
# command prefix for make check) apply when set.
CHECK_ARGS=() RUNNER=()
build_and_check() {
  local name=$1; shift
  local dir=$build/$name
  note "build '$name': configure $*"
  mkdir -p "$dir"
  (cd "$dir" && "$build/src/configure" --prefix=/usr --sysconfdir=/etc "$@" >configure.out 2>&1) || {
    tail -20 "$dir/configure.out"; echo "configure failed"; exit 1; }
  make -C "$dir" -j"$jobs" >"$dir/make.out" 2>&1 || { tail -40 "$dir/make.out"; echo "build failed"; exit 1; }
  note "build '$name': ${RUNNER[*]:+${RUNNER[*]} }make check ${CHECK_ARGS[*]}"
  if ! "${RUNNER[@]}" make -C "$dir" -j"$jobs" check "${CHECK_ARGS[@]}" >"$dir/check.out" 2>&1; then
    grep -E '^(FAIL|ERROR|XPASS):' "$dir/check.out" || true
    for f in $(grep -lE '^(FAIL|ERROR)' "$dir"/tests/*/*.log 2>/dev/null); do echo "--- $f"; tail -40 "$f"; done
  fi
  grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' "$dir/check.out" || true
  count_check "$dir/check.out"
}

build_and_check werror --enable-werror

note "root integration and end-to-end tests (real clients, private mount namespaces)"
stage=$build/stage
make -C "$build/werror" install DESTDIR="$stage" >/dev/null
for t in "$build"/src/tests/integration/test_*.sh "$build"/src/tests/e2e/test_*.sh; do
  [ -e "$t" ] || continue
  log=$build/$(basename "$t" .sh).log
  set +e
  NSS_SUBID_STAGE=$stage NSS_SUBID_BUILDDIR=$build/werror NSS_SUBID_SRCDIR=$build/src \
    timeout 1200 bash "$t" >"$log" 2>&1
  rc=$?
  set -e
  res=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
  if [ "$rc" -eq 77 ]; then
    echo "SKIP: $(basename "$t"): $(tail -1 "$log")"; skip=$((skip + 1))
  elif [ -n "$res" ]; then
    p=${res%% passed*}; f=${res#*passed, }; f=${f%% failed*}
    pass=$((pass + p)); fail=$((fail + f))
    [ "$rc" -eq 0 ] && [ "$f" -eq 0 ] || { fail=$((fail + (f == 0 ? 1 : 0))); grep -E '^FAIL' "$log" | head -20; tail -20 "$log"; }
    echo "$(basename "$t"): $res"
  else
    echo "ERROR: $(basename "$t") exited $rc without a summary"; tail -30 "$log"; fail=$((fail + 1))
  fi
done

note "Debian package: dpkg-buildpackage -us -uc -b of a clean copy, maintainer scripts, install in a throwaway overlay"
pkg=$build/pkg
mkdir -p "$pkg/nss-subid-0.1.0"
cp -a "$build/src/." "$pkg/nss-subid-0.1.0/"
if (cd "$pkg/nss-subid-0.1.0" && git clean -q 2>/dev/null; DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$build/dpkg-buildpackage.log" 2>&1; then
  echo "PASS: dpkg-buildpackage"; pass=$((pass + 1))
  deb=$(ls "$pkg"/libnss-subid_*_*.deb | grep -v dbgsym | head -1)
  for t in maintscripts install; do
    set +e
    timeout 900 bash "$build/src/debian/tests/$t.sh" "$deb" >"$build/deb-$t.log" 2>&1
    rc=$?
    set -e
    res=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$build/deb-$t.log" | tail -1 || true)
    if [ "$rc" -eq 77 ]; then
      echo "SKIP: debian/tests/$t.sh: $(tail -1 "$build/deb-$t.log")"; skip=$((skip + 1))
    elif [ -n "$res" ]; then
      p=${res%% passed*}; f=${res#*passed, }; f=${f%% failed*}
      pass=$((pass + p)); fail=$((fail + f))
      [ "$rc" -eq 0 ] && [ "$f" -eq 0 ] || { fail=$((fail + (f == 0 ? 1 : 0))); grep -E '^FAIL' "$build/deb-$t.log" | head; }
      echo "debian/tests/$t.sh: $res"
    else
      echo "ERROR: debian/tests/$t.sh exited $rc without a summary"; tail -20 "$build/deb-$t.log"; fail=$((fail + 1))
    fi
  done
else
  echo "FAIL: dpkg-buildpackage (log: $build/dpkg-buildpackage.log)"; tail -30 "$build/dpkg-buildpackage.log"; fail=$((fail + 1))
fi

build_and_check sanitizers --enable-asan --enable-ubsan

note "fuzz: build with clang --enable-fuzzing, run each target 30 s"
fz=$build/fuzz
mkdir -p "$fz/tmp"
if ! (cd "$fz" && "$build/src/configure" CC=clang --enable-fuzzing --enable-werror >configure.out 2>&1); then
  tail -20 "$fz/configure.out"; echo "FAIL: fuzz: configure CC=clang --enable-fuzzing"; fail=$((fail + 1))
elif ! make -C "$fz" -j"$jobs" fuzzers >"$fz/make.out" 2>&1; then
  tail -40 "$fz/make.out"; echo "FAIL: fuzz: building the harnesses"; fail=$((fail + 1))
else
  # One line per target, PASS or FAIL (a crash, leak, hang or missing harness).
  set +e
  TMPDIR=$fz/tmp bash "$build/src/tests/fuzz/run.sh" 30 "$fz" >"$fz/run.out" 2>&1
  set -e
  cat "$fz/run.out"
  n=$(grep -c '^PASS: fuzz_' "$fz/run.out" || true); pass=$((pass + n))
  n=$(grep -c '^FAIL: fuzz_' "$fz/run.out" || true); fail=$((fail + n))
  [ -s "$fz/run.out" ] || { echo "FAIL: fuzz: tests/fuzz/run.sh printed nothing"; fail=$((fail + 1)); }
fi

# ThreadSanitizer maps its shadow memory at fixed addresses; LLVM < 18 (and
# gcc 12's libtsan) abort with "unexpected memory mapping" when the kernel
# randomizes mmap with more than 28 bits (vm.mmap_rnd_bits = 32 on some 6.x
# kernels).  Probe, and fall back to running without address randomization
# (setarch -R, inherited by everything make starts), and only then to
# lowering vm.mmap_rnd_bits to 28 for this step.
tsan_runner() {
  local t=$build/tsan-probe
  mkdir -p "$t"
  printf '#include <pthread.h>\nstatic void *f(void *a) { return a; }\nint main(void) { pthread_t t; return pthread_create(&t, 0, f, 0) || pthread_join(t, 0); }\n' >"$t/p.c"
  ${CC:-cc} -fsanitize=thread -o "$t/p" "$t/p.c" >"$t/cc.out" 2>&1 || { echo "cannot build a ThreadSanitizer program: $(tail -1 "$t/cc.out")"; return 1; }
  if "$t/p" >"$t/run.out" 2>&1; then RUNNER=(); return 0; fi
  if setarch "$(uname -m)" -R "$t/p" >"$t/run.out" 2>&1; then
    echo "ThreadSanitizer needs setarch -R here ($(head -1 "$t/run.out"))"
    RUNNER=(setarch "$(uname -m)" -R); return 0
  fi
  local bits
  bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo "?")
  if [ "$bits" != "?" ] && [ "$bits" -gt 28 ] && echo 28 >/proc/sys/vm/mmap_rnd_bits 2>/dev/null; then
    TSAN_RND_BITS=$bits
    if "$t/p" >"$t/run.out" 2>&1; then
      echo "ThreadSanitizer needs vm.mmap_rnd_bits <= 28 here: lowered from $bits for this step"
      RUNNER=(); return 0
    fi
  fi
  echo "ThreadSanitizer does not run here: $(head -3 "$t/run.out" | paste -sd' ' -)"
  return 1
}
restore_rnd_bits() {
  [ -z "${TSAN_RND_BITS:-}" ] || echo "$TSAN_RND_BITS" >/proc/sys/vm/mmap_rnd_bits || true
}
trap restore_rnd_bits EXIT
if tsan_runner; then
  # halt_on_error: the first report ends the test program, which fails.
  export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
  CHECK_ARGS=("TESTS=tests/module/test_nss tests/module/test_plugin")
  build_and_check tsan --enable-werror --enable-tsan
  CHECK_ARGS=() RUNNER=()
  unset TSAN_OPTIONS
else
  echo "FAIL: ThreadSanitizer build (see above)"; fail=$((fail + 1))
fi
restore_rnd_bits
TSAN_RND_BITS=

echo
echo "nss_subid: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
