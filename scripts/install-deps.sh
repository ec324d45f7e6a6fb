#!/usr/bin/env bash
# Installs what building and testing winshm under Wine needs on Debian 12 or
# Ubuntu: the mingw-w64 cross compilers, Wine, CMake and Ninja from the
# distribution, then Criterion cross-built for mingw (cached in $WINSHM_CACHE,
# default ~/.cache/winshm, so a second run does nothing).
#
#   scripts/install-deps.sh [--no-criterion]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/wine-env.sh"

packages=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 gcc-mingw-w64-i686 g++-mingw-w64-i686
          wine64 cmake ninja-build meson python3 patch
          clang clang-tools-14 clang-tidy cppcheck pkg-config python3-yaml)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" != "--no-criterion" ]; then
  ROOT="$WINSHM_CACHE/criterion-mingw" "$here/build-criterion-mingw.sh"
fi
