#!/usr/bin/env bash
# package.sh: builds the csmsd Debian package (csmsd, csmsctl, units, config, sysusers/tmpfiles, maintainer scripts).
# Usage: scripts/package.sh [--build-dir DIR] [--output-dir DIR]
#   --build-dir DIR   take csmsd and csmsctl from this CMake build tree (default: a Release build in build-package)
#   --output-dir DIR  where the .deb goes (default: dist); its path is printed on the last line
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=
output_dir=$repo/dist
while [[ $# -gt 0 ]]; do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --output-dir) output_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

for tool in dpkg-deb dpkg strip gzip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "package.sh: $tool is missing (scripts/install-deps.sh package)" >&2; exit 1; }
done

if [[ -z $build_dir ]]; then
  build_dir=$repo/build-package
  cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCSMSD_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build_dir" --target csmsd csmsctl -j "$(nproc)"
fi
for binary in csmsd csmsctl; do
  [[ -x $build_dir/$binary ]] || { echo "package.sh: $build_dir/$binary is missing (build it first)" >&2; exit 1; }
done

version=$(sed -n 's/^project(csmsd VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
revision=$(sed -n '1s/^csmsd ([^-]*-\([^)]*\)).*/\1/p' "$repo/packaging/deb/changelog")
changelog_version=$(sed -n '1s/^csmsd (\([^-]*\)-.*/\1/p' "$repo/packaging/deb/changelog")
if [[ $version != "$changelog_version" ]]; then
  echo "package.sh: CMakeLists.txt says $version but packaging/deb/changelog says $changelog_version" >&2
  exit 1
fi
arch=$(dpkg --print-architecture)
package_version=$version-$revision

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/csmsd
umask 022

# Files, with the modes lintian and Debian policy expect; dpkg-deb --root-owner-group makes them all root:root.
install -d "$stage/usr/bin" "$stage/usr/lib/systemd/system" "$stage/usr/lib/sysusers.d" "$stage/usr/lib/tmpfiles.d" \
  "$stage/etc/csmsd" "$stage/usr/share/doc/csmsd" "$stage/DEBIAN"
for binary in csmsd csmsctl; do
  install -m 0755 "$build_dir/$binary" "$stage/usr/bin/$binary"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/$binary"
done
for unit in "$repo"/systemd/*.service "$repo"/systemd/*.socket "$repo"/systemd/*.timer; do
  [[ -e $unit ]] && install -m 0644 "$unit" "$stage/usr/lib/systemd/system/"
done
install -m 0644 "$repo/packaging/csmsd.conf" "$stage/etc/csmsd/csmsd.conf"
install -m 0644 "$repo/packaging/sysusers.d/csmsd.conf" "$stage/usr/lib/sysusers.d/csmsd.conf"
install -m 0644 "$repo/packaging/tmpfiles.d/csmsd.conf" "$stage/usr/lib/tmpfiles.d/csmsd.conf"
install -m 0644 "$repo/packaging/deb/copyright" "$stage/usr/share/doc/csmsd/copyright"
gzip -9n -c "$repo/packaging/deb/changelog" >"$stage/usr/share/doc/csmsd/changelog.Debian.gz"
chmod 0644 "$stage/usr/share/doc/csmsd/changelog.Debian.gz"
# The unit's Documentation= points here.
install -m 0644 "$repo/README.md" "$stage/usr/share/doc/csmsd/README.md"

# Control area.
for script in postinst prerm postrm; do
  install -m 0755 "$repo/packaging/deb/$script" "$stage/DEBIAN/$script"
done
echo /etc/csmsd/csmsd.conf >"$stage/DEBIAN/conffiles"
chmod 0644 "$stage/DEBIAN/conffiles"

# Shared library dependencies, as dpkg-shlibdeps finds them for the two binaries.
mkdir -p "$work/src/debian"
printf 'Source: csmsd\n\nPackage: csmsd\nArchitecture: any\n' >"$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$stage/usr/bin/csmsd" "$stage/usr/bin/csmsctl" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || { echo "package.sh: dpkg-shlibdeps found no dependencies (is dpkg-dev installed?)" >&2; exit 1; }

installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$package_version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  -e "s/@DEPENDS@/$depends/" "$repo/packaging/deb/control.in" >"$stage/DEBIAN/control"
(cd "$stage" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
  >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

mkdir -p "$output_dir"
deb=$output_dir/csmsd_${package_version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
