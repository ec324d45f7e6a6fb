#!/usr/bin/env bash
# Installs winshm into a scratch prefix and builds a consumer against it with
# find_package; builds the same consumer with add_subdirectory and with
# FetchContent; checks winshm.pc with pkg-config; runs one consumer under Wine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
rm -rf "$work"; mkdir -p "$work"
toolchain=$root/cmake/mingw-w64-x86_64.cmake
quiet() { "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log"; return 1; }; }

# The consumer side claims CMake 3.14. Debian's mirror (bookworm, trixie) has
# no CMake that old, so the oldest available one is used, and that is said.
cmake_version=$(cmake --version | awk 'NR == 1 {print $3}')
case $cmake_version in
  3.14.*) echo "ok   consumer side built with CMake $cmake_version, the oldest it claims" ;;
  *) echo "note consumer side built with CMake $cmake_version: 3.14, the oldest it claims, is not in Debian bookworm or trixie" ;;
esac

quiet cmake -S "$root" -B "$work/winshm-build" -G Ninja -DCMAKE_INSTALL_PREFIX="$work/prefix"
quiet cmake --build "$work/winshm-build"
quiet cmake --install "$work/winshm-build"
for f in include/winshm.h share/cmake/winshm/winshmConfig.cmake share/cmake/winshm/winshmConfigVersion.cmake \
         share/cmake/winshm/winshmTargets.cmake share/pkgconfig/winshm.pc; do
  [ -f "$work/prefix/$f" ] || { echo "FAIL: $f was not installed"; exit 1; }
done
echo "ok   cmake --install: header, CMake package and winshm.pc"

cflags=$(PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags winshm | xargs)
version=$(PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --modversion winshm)
[ "$cflags" = "-I$work/prefix/include" ] || { echo "FAIL: pkg-config --cflags gave '$cflags'"; exit 1; }
echo "ok   pkg-config: winshm $version, $cflags"

for how in find_package add_subdirectory fetchcontent; do
  quiet cmake -S "$root/tests/package/consumer" -B "$work/consumer-$how" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DHOW=$how -DCMAKE_PREFIX_PATH="$work/prefix" -DWINSHM_SOURCE_DIR="$root"
  quiet cmake --build "$work/consumer-$how"
  echo "ok   consumer built with $how"
done

# A version the package does not satisfy must be refused (SameMajorVersion).
major=${version%%.*}
mkdir -p "$work/wrong-src"
sed "s/find_package(winshm 0.1 /find_package(winshm $((major + 1)).0 /" "$root/tests/package/consumer/CMakeLists.txt" \
  > "$work/wrong-src/CMakeLists.txt"
cp "$root/tests/package/consumer/main.c" "$work/wrong-src/"
if cmake -S "$work/wrong-src" -B "$work/consumer-wrong" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
     -DHOW=find_package -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null 2>&1; then
  echo "FAIL: find_package accepted major version $((major + 1))"; exit 1
fi
echo "ok   find_package refuses major version $((major + 1))"

. "$root/scripts/wine-env.sh"
wine_start
"$WINE" "$work/consumer-find_package/app.exe"
echo "package: 6 passed, 0 failed"
