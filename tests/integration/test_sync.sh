#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# `subidctl sync`: the pool blocks of the explicit `users` ranges written into
# /etc/subuid and /etc/subgid for clients that read those files themselves
# (Debian's buildah is not linked to libsubid).  In a private mount namespace
# whose /etc is a writable overlay (upper layer in the test's temporary
# directory): what sync writes, that foreign lines stay byte for byte, that a
# second run changes nothing, that every refusal (conflict, damaged block,
# non-root, too many lines, a held lock) leaves both files as they were, that
# --dry-run writes nothing; then buildah as 1000000000:0 with shadow's
# newuidmap, nsswitch.conf having no "subid" line so that both read the files.
#
# Needs root; exits 77 with a reason otherwise.  buildah is optional (its
# checks are skipped with a note when it is missing).

# Functions below are called through run_tests and run, which shellcheck
# cannot follow; single-quoted $ in sh -c and awk programs is intended.
# shellcheck disable=SC2317,SC2016

# No "subid:" line: shadow's newuidmap must read /etc/subuid, not the plugin.
# shellcheck disable=SC2034  # read by lib.sh
FAKE_NSSWITCH="passwd: files subid
group: files subid
shadow: files
gshadow: files
hosts: files
"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmds setpriv unshare mount umount awk sha256sum cmp stat

U=$USER_UID
BEGIN='# BEGIN nss_subid sync (managed by subidctl sync; do not edit)'
END='# END nss_subid sync'
PROJECT_CONF='users 1000000000-1000009999
subids pool 100000 65536
'
# A file as an administrator might leave it: a comment, other owners, no
# newline at the end.
FOREIGN_UID='# local ranges
alice:700000000:65536
containers:800000000:65536'
FOREIGN_GID='# local ranges
alice:700000000:65536'

# use_etc_rw NAME LAYER: /etc as LAYER over $O/base over the real /etc, with a
# writable upper layer in $O/rw/NAME (the real /etc stays a lower layer,
# never written).
use_etc_rw() {
	local d=$O/rw/$1
	if [ "$ETC_MOUNTED" = 1 ]; then
		umount -l /etc || hard_error "umount /etc"
		ETC_MOUNTED=0
	fi
	rm -rf "$d"
	mkdir -p "$d/upper" "$d/work"
	mount -t overlay overlay -o "lowerdir=$2:$O/base:/etc,upperdir=$d/upper,workdir=$d/work" /etc ||
		hard_error "writable overlay mount on /etc failed"
	ETC_MOUNTED=1
}

# layer NAME CONF SUBUID SUBGID: a new writable /etc with these files.
layer() {
	local L
	L=$(new_layer "$1")
	write_file "$L/nss_subid.conf" 644 "$2"
	write_file "$L/subuid" 644 "$3"
	write_file "$L/subgid" 644 "$4"
	use_etc_rw "$1" "$L"
}

# block FIRST N BASE COUNT: the block sync writes for N UIDs from FIRST.
block() {
	echo "$BEGIN"
	awk -v f="$1" -v n="$2" -v b="$3" -v c="$4" \
		'BEGIN { for (i = 0; i < n; i++) printf "%d:%d:%d\n", f + i, b + i * c, c }'
	echo "$END"
}

sums() {
	sha256sum /etc/subuid /etc/subgid | cut -d' ' -f1 | tr '\n' ' '
}

# Files sync may leave behind by mistake: locks, temporaries, backups.
leftovers() {
	find /etc -maxdepth 1 \( -name 'subuid?*' -o -name 'subgid?*' \) ! -name 'subuid-' ! -name 'subgid-' -print
}

no_leftovers() {
	[ -z "$(leftovers)" ]
}

both_empty() {
	[ ! -s /etc/subuid ] && [ ! -s /etc/subgid ]
}

same_sums() {
	[ "$(sums)" = "$1" ]
}

sync_as_root() {
	as_root "$SUBIDCTL" sync "$@"
}

checks_write() {
	echo "# an OpenShift project's 10000 UIDs, foreign lines around"
	layer write "$PROJECT_CONF" "$FOREIGN_UID" "$FOREIGN_GID"
	{ printf '%s\n' "$FOREIGN_UID"; block 1000000000 10000 100000 65536; } >"$W/want.uid"
	{ printf '%s\n' "$FOREIGN_GID"; block 1000000000 10000 100000 65536; } >"$W/want.gid"

	expect_match "sync writes 10000 lines per file" 0 out \
		'^/etc/subuid: wrote 10000 lines, UID 1000000000 \(100000\+65536\) \.\. UID 1000009999 \(655394464\+65536\), as a new block at the end; 3 other lines kept$' \
		sync_as_root
	expect_true "/etc/subuid: foreign lines byte for byte (a newline added to the last), then the block" \
		cmp -s "$W/want.uid" /etc/subuid
	expect_true "/etc/subgid: the same block" cmp -s "$W/want.gid" /etc/subgid
	run stat -c '%u:%g %a' /etc/subuid /etc/subgid
	expect_true "both files are root:root 0644" [ "$OUT" = "0:0 644
0:0 644" ]
	expect_true "no lock, temporary or backup file is left in /etc" no_leftovers
	expect_match "subidctl explain agrees with the new line" 0 out '^granted: 655394464-655459999' \
		as_root "$SUBIDCTL" explain 1000009999 655394464 65536

	local before ino
	before=$(sums)
	ino=$(stat -c %i /etc/subuid)
	expect_match "a second sync changes nothing" 0 out '^/etc/subuid: already in sync \(10000 lines\)$' sync_as_root
	expect_true "second sync: both files identical" same_sums "$before"
	expect_true "second sync: /etc/subuid not even rewritten (same inode)" [ "$(stat -c %i /etc/subuid)" = "$ino" ]

	echo "# the config changes: the block is replaced in place, then removed"
	printf 'alice:400000000:1\n' >>/etc/subuid
	write_file /etc/nss_subid.conf 644 'users 1000000000-1000000001
subids pool 100000 1000
'
	{ printf '%s\n' "$FOREIGN_UID"; block 1000000000 2 100000 1000; echo 'alice:400000000:1'; } >"$W/want.uid2"
	expect_match "resync after a config change" 0 out '^/etc/subuid: wrote 2 lines.*replacing the block; 4 other lines kept$' \
		sync_as_root
	expect_true "the block is replaced where it was; the line added after it stays" cmp -s "$W/want.uid2" /etc/subuid
	write_file /etc/nss_subid.conf 644 'users self
'
	expect_match "users self only: sync says why it cannot sync it" 0 err "'users self' cannot be synced" sync_as_root
	{ printf '%s\n' "$FOREIGN_UID"; echo 'alice:400000000:1'; } >"$W/want.uid3"
	expect_true "the block is removed, foreign lines left" cmp -s "$W/want.uid3" /etc/subuid
	expect_true "no leftovers after the removal" no_leftovers
}

checks_dry_run() {
	echo "# --dry-run, non-root"
	layer dry "$PROJECT_CONF" "$FOREIGN_UID" "$FOREIGN_GID"
	local before
	before=$(sums)
	expect_match "--dry-run shows the block it would write" 0 out '^  \+1000000000:100000:65536$' \
		sync_as_root --dry-run
	expect_true "--dry-run: nothing written" same_sums "$before"
	expect_true "--dry-run: no lock taken or left" no_leftovers
	expect_match "non-root sync is refused with the reason" 1 err 'must run as root' as_user "$SUBIDCTL" sync
	expect_true "non-root: nothing written" same_sums "$before"
	expect_match "non-root --dry-run is allowed (reads only)" 0 out '^/etc/subgid: would write 10000 lines' \
		as_user "$SUBIDCTL" sync --dry-run
	expect_fail "sync takes no other argument" 2 sync_as_root --force
}

checks_refusals() {
	local before
	echo "# refusals leave both files untouched"
	layer conflict "$PROJECT_CONF" "$FOREIGN_UID" "# x
alice:700000000:65536
bob:655394464:1
"
	before=$(sums)
	expect_match "a foreign range overlapping a synced one is refused with file:line" 1 err \
		"^/etc/subgid:3: range of 'bob' overlaps 655394464-655459999, which sync would write for UID 1000009999" \
		sync_as_root
	expect_true "conflict in subgid: subuid is not written either" same_sums "$before"
	expect_true "conflict: no leftovers" no_leftovers

	local cr=$'\r'
	layer damaged "$PROJECT_CONF" "x:1:1
$BEGIN$cr
1000000000:100000:65536
$END
" "$FOREIGN_GID"
	before=$(sums)
	expect_match "a damaged marker (CRLF) is refused with file:line" 1 err '^/etc/subuid:2: damaged nss_subid sync marker' \
		sync_as_root
	expect_true "damaged: nothing written" same_sums "$before"

	layer twoblocks "$PROJECT_CONF" "$BEGIN
$END
$BEGIN
$END
" "$FOREIGN_GID"
	expect_match "two blocks are refused" 1 err '^/etc/subuid:3: second nss_subid sync block' sync_as_root

	layer edited "$PROJECT_CONF" "$BEGIN
1000000000:100000:65536
alice:1:1
$END
" "$FOREIGN_GID"
	expect_match "a hand-edited block is refused, not overwritten" 1 err '^/etc/subuid:3: line inside the nss_subid sync block' \
		sync_as_root

	layer toomany 'users 1000000000-1000065536
subids pool 100000 1
' "" ""
	expect_match "more than 65536 lines are refused with the reason" 1 err '65537 UIDs; sync writes at most 65536 lines' \
		sync_as_root
	expect_true "too many: files still empty" both_empty

	layer badconf 'users 1000000000-1000009999
subids pool 0 65536
' "" ""
	expect_match "an invalid config is refused with file:line" 1 err '^/etc/nss_subid.conf:2: subids pool' sync_as_root

	echo "# shadow's lock: /etc/subuid.lock holding a PID"
	layer lock "$PROJECT_CONF" "$FOREIGN_UID" "$FOREIGN_GID"
	before=$(sums)
	sleep 60 &
	local holder=$!
	printf '%s\0' "$holder" >/etc/subuid.lock
	expect_match "a lock held by a live process is respected" 3 err "/etc/subuid.lock is locked by PID $holder" sync_as_root
	expect_true "locked: nothing written" same_sums "$before"
	expect_true "locked: the other process's lock is left alone" [ -e /etc/subuid.lock ]
	kill "$holder"
	wait "$holder" 2>/dev/null
	expect_match "a stale lock (dead PID) is taken over" 0 out '^/etc/subuid: wrote 10000 lines' sync_as_root
	expect_true "stale lock: removed afterwards" no_leftovers
}

# ---------------------------------------------------------------- buildah

buildah_in() {
	local h=$1
	shift
	as_user env HOME="$h" XDG_RUNTIME_DIR="$h/run" STORAGE_DRIVER=vfs buildah "$@"
}

buildah_uid_map() {
	new_home
	buildah_in "$PH" unshare cat /proc/self/uid_map | awk '{ $1 = $1; print }'
	return "${PIPESTATUS[0]}"
}

checks_buildah() {
	if ! command -v buildah >/dev/null 2>&1; then
		echo "# buildah is not installed: its checks are skipped"
		return 0
	fi
	echo "# buildah (not linked to libsubid) as $U:0, shadow's newuidmap, files only"
	layer buildah "$PROJECT_CONF" "" ""
	expect_eq "before sync: buildah finds no range, single-ID map" "0 $U 1" buildah_uid_map
	expect_eq "sync" "" sh -c "'$SUBIDCTL' sync >/dev/null"
	expect_eq "after sync: buildah unshare uid_map has the synced range" "0 $U 1
1 100000 65536" buildah_uid_map
	new_home
	run buildah_in "$PH" unshare cat /proc/self/gid_map
	expect_true "after sync: gid_map has it too" [ "$(printf '%s\n' "$OUT" | awk '{ $1 = $1; print }')" = "0 0 1
1 100000 65536" ]
	new_home
	expect_match "buildah from scratch works" 0 out '^working-container' buildah_in "$PH" from scratch
}

all_checks() {
	checks_write
	checks_dry_run
	checks_refusals
	checks_buildah
}

run_tests all_checks
