#!/usr/bin/env bash
# package_test.sh: builds the csmsd .deb, runs lintian on it (no errors allowed), installs, reinstalls, removes and
# purges it in a scratch root (dpkg --root with chrootless maintainer scripts, which honour $DPKG_ROOT) and checks
# files, modes, owners, the conffile marking, the csmsd user and what purge keeps. The real root is never touched.
# Usage: package_test.sh SOURCE_DIR BUILD_DIR   (exit 77 = skipped)
set -euo pipefail

source_dir=$1
build_dir=$2

if [[ $(id -u) -ne 0 ]]; then
  echo "WARN: package test skipped: it must run as root (dpkg --root and chown in a scratch root)"
  exit 77
fi
for tool in dpkg dpkg-deb dpkg-shlibdeps systemd-sysusers; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "WARN: package test skipped: $tool is missing (scripts/install-deps.sh package)"
    exit 77
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# expect_stat PATH MODE OWNER:GROUP (numeric ids for the csmsd user, as the scratch root knows them)
expect_stat() {
  local actual
  actual=$(stat -c '%a %u:%g' "$1" 2>/dev/null || echo missing)
  [[ $actual == "$2 $3" ]] || fail "$1: expected mode $2 owner $3, found $actual"
}

# The real root's state, to prove at the end that nothing here changed it.
real_state() { { getent passwd csmsd || true; ls -d /var/lib/csmsd /etc/csmsd /usr/bin/csmsd 2>/dev/null || true; }; }
real_before=$(real_state)

deb=$("$source_dir/scripts/package.sh" --build-dir "$build_dir" --output-dir "$work/dist" | tail -n 1)
[[ -f $deb ]] || { echo "FAIL: package.sh built no .deb"; exit 1; }
echo "built $deb"

# --- the archive ---
listing=$(dpkg-deb -c "$deb")
for entry in "-rwxr-xr-x root/root .* ./usr/bin/csmsd" "-rwxr-xr-x root/root .* ./usr/bin/csmsctl" \
  "-rw-r--r-- root/root .* ./usr/lib/systemd/system/csmsd.service" "-rw-r--r-- root/root .* ./etc/csmsd/csmsd.conf" \
  "-rw-r--r-- root/root .* ./usr/lib/sysusers.d/csmsd.conf" "-rw-r--r-- root/root .* ./usr/lib/tmpfiles.d/csmsd.conf" \
  "-rw-r--r-- root/root .* ./usr/share/doc/csmsd/copyright" \
  "-rw-r--r-- root/root .* ./usr/share/doc/csmsd/changelog.Debian.gz"; do
  grep -Eq -- "^$entry\$" <<<"$listing" || fail "the archive has no entry matching '$entry'"
done
for unit in "$source_dir"/systemd/*.service "$source_dir"/systemd/*.socket; do
  [[ -e $unit ]] || continue
  grep -q "./usr/lib/systemd/system/$(basename "$unit")\$" <<<"$listing" || fail "unit $(basename "$unit") is not packaged"
done
[[ $(dpkg-deb -f "$deb" Package) == csmsd ]] || fail "Package is not csmsd"
grep -q 'libc6' <<<"$(dpkg-deb -f "$deb" Depends)" || fail "Depends has no libc6 (dpkg-shlibdeps)"
dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$work" ./conffiles
[[ $(cat "$work/conffiles") == /etc/csmsd/csmsd.conf ]] || fail "conffiles is not exactly /etc/csmsd/csmsd.conf"

# --- lintian, in the background while the scratch root is exercised (it takes about half the test's time) ---
lintian_pid=
if command -v lintian >/dev/null 2>&1; then
  lintian --fail-on error --allow-root "$deb" >"$work/lintian.out" 2>&1 &
  lintian_pid=$!
else
  echo "WARN: lintian is missing (scripts/install-deps.sh package): the lintian check is skipped"
fi

# --- install into a scratch root ---
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
# The scratch root has none of the dependencies; the maintainer scripts run outside a chroot with DPKG_ROOT=$root.
# Its output (the unmet dependencies, mostly) is shown only when it fails.
run_dpkg() {
  if ! dpkg --root="$root" --log="$work/dpkg.log" --force-script-chrootless --force-depends --force-confdef \
    --force-confold "$@" >"$work/dpkg.out" 2>&1; then
    cat "$work/dpkg.out"
    return 1
  fi
}
run_dpkg -i "$deb" || fail "dpkg -i into the scratch root failed"

[[ $(dpkg --root="$root" -s csmsd | sed -n 's/^Status: //p') == "install ok installed" ]] ||
  fail "csmsd is not 'install ok installed' in the scratch root"
dpkg --root="$root" -s csmsd | grep -Eq '^ /etc/csmsd/csmsd.conf [0-9a-f]{32}$' ||
  fail "dpkg does not record /etc/csmsd/csmsd.conf as a conffile"
csmsd_uid=$(awk -F: '$1 == "csmsd" { print $3 }' "$root/etc/passwd")
csmsd_gid=$(awk -F: '$1 == "csmsd" { print $3 }' "$root/etc/group")
[[ -n $csmsd_uid && -n $csmsd_gid ]] || fail "postinst created no csmsd user and group in the scratch root"
awk -F: '$1 == "csmsd" && $6 == "/var/lib/csmsd" && $7 == "/usr/sbin/nologin" { found = 1 } END { exit !found }' \
  "$root/etc/passwd" || fail "the csmsd user's home or shell is wrong: $(grep '^csmsd:' "$root/etc/passwd")"
(( csmsd_uid > 0 && csmsd_uid < 1000 )) || fail "csmsd is not a system user (uid $csmsd_uid)"
expect_stat "$root/usr/bin/csmsd" 755 0:0
expect_stat "$root/usr/bin/csmsctl" 755 0:0
expect_stat "$root/usr/lib/systemd/system/csmsd.service" 644 0:0
expect_stat "$root/etc/csmsd/csmsd.conf" 644 0:0
expect_stat "$root/usr/lib/sysusers.d/csmsd.conf" 644 0:0
expect_stat "$root/usr/lib/tmpfiles.d/csmsd.conf" 644 0:0
expect_stat "$root/var/lib/csmsd" 700 "$csmsd_uid:$csmsd_gid"
grep -Eq '^d /var/lib/csmsd 0700 csmsd csmsd' "$root/usr/lib/tmpfiles.d/csmsd.conf" || fail "tmpfiles.d: /var/lib/csmsd"
grep -Eq '^d /run/csmsd 0750 csmsd csmsd' "$root/usr/lib/tmpfiles.d/csmsd.conf" || fail "tmpfiles.d: /run/csmsd"
version=$("$root/usr/bin/csmsd" --version) || fail "the installed csmsd does not run"
[[ $version == "csmsd $(dpkg-deb -f "$deb" Version | sed 's/-[^-]*$//')" ]] || fail "csmsd --version says '$version'"
"$root/usr/bin/csmsctl" --version >/dev/null || fail "the installed csmsctl does not run"

# --- reinstall keeps an edited conffile and the vault ---
echo "# edited by the operator" >>"$root/etc/csmsd/csmsd.conf"
echo "not a real vault" >"$root/var/lib/csmsd/csmsd.db"
run_dpkg -i "$deb" || fail "reinstalling failed"
grep -q '^# edited by the operator$' "$root/etc/csmsd/csmsd.conf" || fail "reinstalling replaced the edited conffile"
[[ -f $root/var/lib/csmsd/csmsd.db ]] || fail "reinstalling lost the vault"
expect_stat "$root/var/lib/csmsd" 700 "$csmsd_uid:$csmsd_gid"

# --- remove keeps configuration, purge drops it and keeps the vault ---
run_dpkg -r csmsd || fail "dpkg -r failed"
[[ ! -e $root/usr/bin/csmsd ]] || fail "remove left /usr/bin/csmsd"
[[ -f $root/etc/csmsd/csmsd.conf ]] || fail "remove deleted the conffile (only purge may)"
[[ $(dpkg --root="$root" -s csmsd | sed -n 's/^Status: //p') == "deinstall ok config-files" ]] ||
  fail "after remove csmsd is not 'deinstall ok config-files'"
run_dpkg -P csmsd || fail "dpkg -P failed"
[[ ! -e $root/etc/csmsd ]] || fail "purge left /etc/csmsd"
[[ -f $root/var/lib/csmsd/csmsd.db ]] || fail "purge deleted the vault (it is kept on purpose, packaging/README.md)"
! dpkg --root="$root" -s csmsd >/dev/null 2>&1 || fail "csmsd is still known to dpkg after purge"

if [[ -n $lintian_pid ]]; then
  # Warnings are shown, not fatal; an error fails the test.
  lintian_status=0
  wait "$lintian_pid" || lintian_status=$?
  cat "$work/lintian.out"
  (( lintian_status == 0 )) || fail "lintian reports errors (exit $lintian_status)"
fi

[[ $(real_state) == "$real_before" ]] || fail "the real root changed: before '$real_before', after '$(real_state)'"

if (( failures > 0 )); then
  echo "package test: $failures check(s) failed"
  exit 1
fi
echo "package test: all checks passed"
