# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Shared by test_newidmap.sh and test_newidmap_diff.sh, sourced after lib.sh.
# Never run.
#
#   - the staged tree: lib.sh's prepare_stage, plus the two helpers from
#     $STAGE/usr/libexec/nss_subid; without NSS_SUBID_STAGE, a clean copy of
#     the source tree (committed and uncommitted files alike) is configured,
#     built and installed into the temporary directory;
#   - real set-user-ID copies of the helpers in a directory on a file system
#     that honours the set-user-ID bit;
#   - user namespace holders: `sleep` started as some UID:GID, usually after
#     `unshare --user`, whose map the helpers are asked to write;
#   - nrun: like lib.sh's run, but keeps the exact bytes of stderr.

# ---------------------------------------------------------------- stage

# build_stage: copy, configure, build and install into $W/stage.
build_stage() {
	local src b=$W/build
	src=${NSS_SUBID_SRCDIR:-$(cd "$IT_DIR/../.." && pwd)}
	mkdir -p "$b"
	echo "# NSS_SUBID_STAGE unset: building a clean copy of $src (log: $W/build.log)" >&2
	if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$src" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$b") ||
			hard_error "copying $src to $b failed"
	else
		(cd "$src" && tar --exclude=./build -cf - .) | tar -C "$b" -xf - ||
			hard_error "copying $src to $b failed"
	fi
	if ! (cd "$b" && autoreconf -fi && ./configure --prefix=/usr --sysconfdir=/etc &&
		make -j2 && make install DESTDIR="$W/stage") >"$W/build.log" 2>&1; then
		tail -n 30 "$W/build.log" >&2
		hard_error "building the stage in $b failed (log above)"
	fi
	NSS_SUBID_STAGE=$W/stage
}

# lib.sh's prepare_stage, kept under another name and wrapped.
eval "lib_prepare_stage() $(declare -f prepare_stage | sed 1d)"
prepare_stage() {
	[ -n "${NSS_SUBID_STAGE:-}" ] || build_stage
	lib_prepare_stage
	NEWUIDMAP_BIN=$(find "$NSS_SUBID_STAGE" -path '*/libexec/nss_subid/newuidmap' -type f -print -quit)
	NEWGIDMAP_BIN=$(find "$NSS_SUBID_STAGE" -path '*/libexec/nss_subid/newgidmap' -type f -print -quit)
	[ -n "$NEWUIDMAP_BIN" ] || hard_error "no libexec/nss_subid/newuidmap in $NSS_SUBID_STAGE"
	[ -n "$NEWGIDMAP_BIN" ] || hard_error "no libexec/nss_subid/newgidmap in $NSS_SUBID_STAGE"
	export NEWUIDMAP_BIN NEWGIDMAP_BIN
}

# ---------------------------------------------------------------- set-user-ID copies

# nosuid_fs DIR: DIR is on a file system mounted nosuid.
nosuid_fs() {
	findmnt -no OPTIONS -T "$1" | tr , '\n' | grep -qx nosuid
}

# make_suid_dir: SUID_DIR, a new root-owned directory (mode 755) on a file
# system without nosuid: $W if possible, else /var/tmp, else the build tree.
# A directory outside $W is removed by cleanup_newidmap.
make_suid_dir() {
	local base
	SUID_DIR=
	SUID_DIR_OWN=0
	for base in "$W" /var/tmp "$IT_DIR"; do
		[ -d "$base" ] || continue
		nosuid_fs "$base" && continue
		if [ "$base" = "$W" ]; then
			SUID_DIR=$W/suid
			mkdir -p "$SUID_DIR"
		else
			SUID_DIR=$(mktemp -d "$base/nss_subid-suid.XXXXXX") || continue
			SUID_DIR_OWN=1
		fi
		break
	done
	[ -n "$SUID_DIR" ] || skip "no directory on a file system without nosuid for set-user-ID copies ($W, /var/tmp, $IT_DIR)"
	chown 0:0 "$SUID_DIR"
	chmod 755 "$SUID_DIR"
}

# install_suid SRC DST OWNER: a set-user-ID copy of SRC owned by OWNER (uid:gid).
install_suid() {
	install -m 755 "$1" "$2" || hard_error "install $1 $2"
	chown "$3" "$2" || hard_error "chown $3 $2"
	chmod 4755 "$2" || hard_error "chmod 4755 $2"
}

# ---------------------------------------------------------------- holders

HOLDERS=()

# wait_ready PID: until PID runs `sleep` (the last exec of every holder's
# chain, so its user namespace is in place) or is a userns_holder that is
# ready (comm nidm_ready).  Fails after about 5 s.
wait_ready() {
	local c
	for _ in $(seq 100); do
		c=$(cat "/proc/$1/comm" 2>/dev/null)
		[ "$c" = sleep ] || [ "$c" = nidm_ready ] && return 0
		sleep 0.05
	done
	return 1
}

# spawn_as UID GID CMD...: as UID:GID (real, effective, saved; no
# supplementary groups; clean environment) run CMD, which must end in
# `sleep` or userns_holder; HOLDER is its PID.  A simple command, so that $! is the process
# that becomes the sleep (setpriv, env, unshare, nsenter all exec).
spawn_as() {
	local u=$1 g=$2
	shift 2
	spawn setpriv --reuid="$u" --regid="$g" --clear-groups -- env -i PATH="$SAFE_PATH" "$@"
}

# spawn CMD...: run CMD in the background (it must end in `sleep` or
# userns_holder); HOLDER.
spawn() {
	"$@" </dev/null >/dev/null 2>&1 &
	HOLDER=$!
	HOLDERS+=("$HOLDER")
	wait_ready "$HOLDER" || {
		echo "# holder $* did not start" >&2
		return 1
	}
}

# stop_holder [PID]: kill and reap (default: HOLDER).
stop_holder() {
	local p=${1:-${HOLDER:-}}
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}

stop_all_holders() {
	local p
	for p in "${HOLDERS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${HOLDERS[@]}"; do
		wait "$p" 2>/dev/null
	done
	HOLDERS=()
}

# cleanup_newidmap: the inner process's exit trap.
cleanup_newidmap() {
	stop_all_holders
	# shellcheck disable=SC2046
	kill $(jobs -p) 2>/dev/null
	if [ "${SUID_DIR_OWN:-0}" = 1 ] && [ -n "${SUID_DIR:-}" ]; then
		rm -rf "$SUID_DIR"
	fi
}

# map_of PID FILE: /proc/PID/FILE (uid_map, gid_map) with the column
# padding collapsed, as root of the initial namespace sees it; empty when
# nothing was written (or the process is gone).
map_of() {
	awk '{ $1 = $1; print }' "/proc/$1/$2" 2>/dev/null
}

# show_map TEXT: a map for a PASS/FAIL line: "empty", the lines joined with
# " | ", or "N lines" when long.
show_map() {
	local n
	if [ -z "$1" ]; then
		echo empty
		return
	fi
	n=$(printf '%s\n' "$1" | wc -l)
	if [ "$n" -gt 3 ]; then
		echo "$n lines"
	else
		printf '%s\n' "$1" | paste -sd'|' - | sed 's/|/ | /g'
	fi
}

# ---------------------------------------------------------------- running

# nrun CMD...: run CMD; OUT and ERR as lib.sh's run (trailing newlines
# dropped), RC, plus ERR_NL (newlines in stderr) and ERR_LAST (hex of its
# last byte).  LAST_CMD quotes every argument, so that blanks, empty and
# control characters in hostile arguments show.
nrun() {
	local e=$W/nrun.err o=$W/nrun.out
	LAST_CMD=$(printf '%q ' "$@")
	"$@" >"$o" 2>"$e"
	RC=$?
	OUT=$(cat "$o")
	ERR=$(cat "$e")
	ERR_NL=$(tr -cd '\n' <"$e" | wc -c)
	ERR_LAST=$(tail -c1 "$e" | od -An -tx1 | tr -d ' \n')
	rm -f "$e" "$o"
}

# ndetails: what the last nrun saw, control characters made visible.
ndetails() {
	echo "command: $LAST_CMD"
	echo "exit status: $RC"
	printf 'stdout: %s\n' "${OUT:-(empty)}" | cat -v
	printf 'stderr (%s newline(s)): %s\n' "$ERR_NL" "${ERR:-(empty)}" | cat -v
}

# check_stderr DESC PROG WANT ERE: after nrun, stderr is empty when WANT is
# 0; otherwise exactly one line, "PROG: " followed by text matching ERE.
check_stderr() {
	local d=$1 prog=$2 want=$3 re=$4
	if [ "$want" = 0 ]; then
		if [ "$ERR_NL" = 0 ] && [ -z "$ERR" ]; then
			pass "$d: stderr empty"
		else
			fail "$d: stderr empty" "$(ndetails)"
		fi
		return
	fi
	if [ "$ERR_NL" = 1 ] && [ "$ERR_LAST" = 0a ] && [[ $ERR == "$prog: "?* ]] &&
		printf '%s\n' "${ERR#"$prog: "}" | grep -Eq -- "$re"; then
		pass "$d: stderr one line naming the rule"
	else
		fail "$d: stderr one line naming the rule" "expected: exactly one line '$prog: ...' matching /$re/" "$(ndetails)"
	fi
}
