#!/usr/bin/env bash
# Tests of libnss-subid's preinst/postinst/postrm (the /etc/nsswitch.conf
# edits), never touching the real /etc:
#   bash debian/tests/maintscripts.sh [PACKAGE.deb]
# With a .deb, the scripts are taken from its control archive; otherwise
# from debian/libnss-subid.{preinst,postinst,postrm}.  Most cases run the
# scripts with DPKG_ROOT pointing at a scratch directory (any user); as root,
# one more case runs them on the real path /etc/nsswitch.conf inside a
# private mount namespace with an overlay over /etc, and checks that the
# real file is unchanged afterwards.
# Prints PASS/FAIL lines and "N passed, M failed"; exit 1 on any failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok()  { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# ------------------------------------------------------------------ scripts
scripts=$tmp/scripts
mkdir -p "$scripts"
if [ $# -ge 1 ]; then
  dpkg-deb -e "$1" "$tmp/control" || { echo "cannot extract $1"; exit 1; }
  for s in preinst postinst postrm; do cp "$tmp/control/$s" "$scripts/$s"; done
else
  for s in preinst postinst postrm; do cp "$here/../libnss-subid.$s" "$scripts/$s"; done
fi

root=$tmp/root
conf=$root/etc/nsswitch.conf
flag=$root/etc/nsswitch.conf.nss.libnss-subid-will-install
out=$tmp/out

# run SCRIPT ARGS...: as dpkg would, against $root.
run() {
  local s=$1; shift
  DPKG_ROOT=$root DPKG_MAINTSCRIPT_PACKAGE=libnss-subid DPKG_MAINTSCRIPT_NAME=$s \
    sh "$scripts/$s" "$@" >"$out" 2>&1
}
install_() { run preinst install && run postinst configure; }

# fresh CONTENT: a new scratch root whose nsswitch.conf is CONTENT (printf %b).
fresh() {
  rm -rf "$root"; mkdir -p "$root/etc"
  printf '%b' "$1" >"$conf"
  cp "$conf" "$tmp/orig"
}
snap() { cp "$conf" "$tmp/$1"; }
# expect NAME CONTENT: the file is exactly CONTENT.
expect() {
  local name=$1
  printf '%b' "$2" >"$tmp/want"
  if cmp -s "$tmp/want" "$conf"; then ok "$name"; else
    bad "$name"; diff -u "$tmp/want" "$conf" | sed 's/^/    /'; fi
}
# same NAME SNAPSHOT: unchanged since SNAPSHOT.
same() {
  if cmp -s "$tmp/$2" "$conf"; then ok "$1"; else
    bad "$1"; diff -u "$tmp/$2" "$conf" | sed 's/^/    /'; fi
}
show() { echo "    --- $1"; sed -e 's/^/    | /' -e '$a\' "$conf"; }
status() { if "$@"; then return 0; else bad "exit status of: $*"; cat "$out"; return 1; fi; }

# ------------------------------------------------ Debian 12 default file
deb12='# /etc/nsswitch.conf\n#\n# Example configuration of GNU Name Service Switch functionality.\n\npasswd:         files systemd\ngroup:          files systemd\nshadow:         files systemd\ngshadow:        files systemd\n\nhosts:          files dns\nnetworks:       files\n\nprotocols:      db files\nservices:       db files\nethers:         db files\nrpc:            db files\n\nnetgroup:       nis'
deb12_added='# /etc/nsswitch.conf\n#\n# Example configuration of GNU Name Service Switch functionality.\n\npasswd:         files subid systemd\ngroup:          files subid systemd\nshadow:         files systemd\ngshadow:        files systemd\n\nhosts:          files dns\nnetworks:       files\n\nprotocols:      db files\nservices:       db files\nethers:         db files\nrpc:            db files\n\nnetgroup:       nis\nsubid:          subid\n'

echo "== Debian 12 default nsswitch.conf (no final newline, like the real one)"
fresh "$deb12"; show initial
status install_ && ok "first install: scripts succeed"
expect "first install adds subid after files and a subid: line" "$deb12_added"
[ -e "$flag" ] && bad "flag file left behind" || ok "postinst removed the preinst flag"
show "after install"
snap installed
status install_ && same "second install (reinstall) changes nothing" installed
status run postinst configure && same "configure without flag changes nothing" installed
status run postinst configure 0.1.0-1 && same "configure (upgrade) changes nothing" installed
status run postrm remove && expect "remove restores the original (plus final newline)" "$deb12\n"
show "after remove"
snap removed
status run postrm remove && same "second remove changes nothing" removed
status run postrm purge && same "purge after remove changes nothing" removed
fresh "$deb12"; install_; status run postrm purge && expect "purge straight from installed restores the original" "$deb12\n"

echo "== the administrator took subid out; upgrades respect that"
fresh "passwd: files\ngroup: files\n"
install_
sed -i 's/^group: files subid$/group: files/' "$conf"; snap edited
status run preinst upgrade 0.1.0-1 && status run postinst configure 0.1.0-1 && same "upgrade does not re-add subid" edited
status run postrm remove && expect "remove takes out only what is left" "passwd: files\ngroup: files\n"
show "after remove"
status run preinst install 0.1.0-1 && status run postinst configure 0.1.0-1 &&
  expect "reinstall after remove (config-files) adds again" "passwd: files subid\ngroup: files subid\nsubid:          subid\n"

echo "== existing subid: line with another source"
fresh "passwd: files\ngroup: files\nsubid: files\n"
status install_ && expect "subid: files kept, passwd/group get subid" "passwd: files subid\ngroup: files subid\nsubid: files\n"
if grep -q "only the first source" "$out"; then ok "a note about the subid: line is printed"; else bad "no note printed"; cat "$out"; fi
status run postrm remove && same "remove restores it, subid: files untouched" orig

echo "== already configured by hand"
fresh "passwd:\tfiles subid\ngroup: files  subid # mine\nsubid: subid\n"
status install_ && same "nothing is added twice" orig

echo "== actions, comments, tabs, other sources"
fresh "passwd: files [SUCCESS=merge] systemd\ngroup:\tfiles\tsystemd # local\n#passwd: files\n"
status install_ && expect "insertion after files' actions, before comments, tabs kept" \
  "passwd: files [SUCCESS=merge] subid systemd\ngroup:\tfiles subid\tsystemd # local\n#passwd: files\nsubid:          subid\n"
show "after install"
status run postrm remove && same "remove restores exactly" orig
fresh "passwd: compat\ngroup: sss # remote\n"
status install_ && expect "after compat; at the end when there is no files" \
  "passwd: compat subid\ngroup: sss subid # remote\nsubid:          subid\n"
status run postrm remove && same "remove restores exactly" orig
fresh "passwd: files mysubid subidx\ngroup: files\n"
status install_ && expect "words that only contain subid do not count" \
  "passwd: files subid mysubid subidx\ngroup: files subid\nsubid:          subid\n"
status run postrm remove && same "remove leaves mysubid and subidx" orig
fresh "passwd: subid [NOTFOUND=return] files\ngroup: files subid#c\nsubid:  subid \n"
status run postrm remove && expect "remove handles subid first, its actions, '#' right after, blanks" \
  "passwd: files\ngroup: files#c\n"

echo "== missing or empty nsswitch.conf"
rm -rf "$root"; mkdir -p "$root/etc"
status install_ && { [ -e "$conf" ] && bad "nsswitch.conf created" || ok "missing file: not created, exit 0"; }
status run postrm purge && ok "missing file: purge exit 0"
fresh ""
status install_ && expect "empty file: only the subid: line" "subid:          subid\n"
status run postrm purge && expect "empty file: back to empty" ""

echo "== failed install"
fresh "passwd: files\n"
status run preinst install && status run postrm abort-install
[ -e "$flag" ] && bad "abort-install left the flag" || ok "abort-install removes the flag"
same "abort-install leaves nsswitch.conf alone" orig

echo "== symlinked nsswitch.conf"
fresh "passwd: files\ngroup: files\n"
mv "$conf" "$root/etc/nsswitch.real"; ln -s nsswitch.real "$conf"
install_
if [ -L "$conf" ] && grep -q '^passwd: files subid$' "$root/etc/nsswitch.real"; then
  ok "symlink kept, target edited"; else bad "symlink replaced or target not edited"; fi

echo "== shell portability"
for s in preinst postinst postrm; do
  if sh -n "$scripts/$s"; then ok "$s: sh -n"; else bad "$s: sh -n"; fi
  if command -v checkbashisms >/dev/null; then
    if checkbashisms "$scripts/$s" >"$out" 2>&1; then ok "$s: checkbashisms"; else bad "$s: checkbashisms"; cat "$out"; fi
  fi
done

# ------------------------------------ the real path, in a private namespace
echo "== real /etc/nsswitch.conf path, overlay in a private mount namespace"
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
  echo "SKIP: needs root and unshare"
else
  before=$(sha256sum /etc/nsswitch.conf 2>/dev/null || echo missing)
  mkdir -p "$tmp/ov/upper" "$tmp/ov/work"
  cp -r "$scripts" "$tmp/ov/scripts"
  # Inside: overlay /etc, install twice, show, remove; print the states.
  unshare --mount --propagation private sh -ec '
    mount -t overlay overlay -o lowerdir=/etc,upperdir="$1/upper",workdir="$1/work" /etc
    s="$1/scripts"
    cp /etc/nsswitch.conf "$1/real.orig" 2>/dev/null || : > "$1/real.orig"
    export DPKG_MAINTSCRIPT_PACKAGE=libnss-subid
    sh "$s/preinst" install; sh "$s/postinst" configure
    cp /etc/nsswitch.conf "$1/real.installed"
    sh "$s/preinst" install; sh "$s/postinst" configure
    cp /etc/nsswitch.conf "$1/real.installed2"
    sh "$s/postrm" remove; sh "$s/postrm" purge
    cp /etc/nsswitch.conf "$1/real.removed"
  ' sh "$tmp/ov" >"$out" 2>&1
  rc=$?
  after=$(sha256sum /etc/nsswitch.conf 2>/dev/null || echo missing)
  if [ $rc -eq 0 ]; then ok "scripts ran in the namespace"; else bad "namespace run failed ($rc)"; cat "$out"; fi
  if [ "$before" = "$after" ]; then ok "the real /etc/nsswitch.conf is unchanged"; else bad "the real /etc/nsswitch.conf changed!"; fi
  if [ -f "$tmp/ov/real.installed" ]; then
    echo "    --- after install"; sed 's/^/    | /' "$tmp/ov/real.installed"
    if grep -Eq '^passwd:([^#]*\s)?subid(\s|#|$)' "$tmp/ov/real.installed" &&
       grep -Eq '^group:([^#]*\s)?subid(\s|#|$)' "$tmp/ov/real.installed" &&
       grep -Eq '^subid:' "$tmp/ov/real.installed"; then ok "real path: configured"; else bad "real path: not configured"; fi
    cmp -s "$tmp/ov/real.installed" "$tmp/ov/real.installed2" && ok "real path: second install changes nothing" ||
      bad "real path: second install changed the file"
    # Removal restores the original up to a final newline sed adds.
    if diff <(sed '$a\' "$tmp/ov/real.orig") "$tmp/ov/real.removed" >/dev/null ||
       grep -Eq '^(passwd|group):([^#]*\s)?subid(\s|#|$)' "$tmp/ov/real.orig"; then
      ok "real path: remove restores the original"
    else bad "real path: remove did not restore the original"; diff -u "$tmp/ov/real.orig" "$tmp/ov/real.removed"; fi
  fi
fi

echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
