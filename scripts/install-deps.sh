#!/usr/bin/env bash
# Installs what building and testing winshm under Wine needs on Debian 12 or
# Ubuntu: the mingw-w64 cross compilers, Wine, CMake and Ninja from the
# distribution, then what each test configuration needs: Criterion
# cross-built for mingw (64-bit, and 32-bit for x86-wine10) and the Wine 10
# chroot (for the *-wine10 configurations). All of it is cached in
# $WINSHM_CACHE, default ~/.cache/winshm, so a second run does nothing.
#
#   scripts/install-deps.sh [--no-criterion] [--config=NAME]...
#
# Without --config: what x64-wine8 needs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/wine-env.sh"

packages=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 gcc-mingw-w64-i686 g++-mingw-w64-i686
          wine64 cmake ninja-build meson python3 patch
          clang clang-tools clang-tidy cppcheck pkg-config python3-yaml debootstrap libwine-dev lld llvm)
missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

criterion=1 configs=()
for arg in "$@"; do
  case "$arg" in
    --no-criterion) criterion=0 ;;
    --config=*) configs+=("${arg#--config=}") ;;
    *) echo "install-deps: unknown argument $arg" >&2; exit 2 ;;
  esac
done
[ ${#configs[@]} -gt 0 ] || configs=(x64-wine8)
# Criterion once per architecture, the chroot once, whatever the configurations.
arches="" wine10=0 msvc=0
for config in "${configs[@]}"; do
  # x64-msvc: Wine 10's chroot has the headers, import libraries and C
  # runtime it builds with, Criterion included, so the chroot comes first.
  if [ "$config" = x64-msvc ]; then wine10=1 msvc=1; continue; fi
  case "$config" in x86-*) arch=i686 ;; *) arch=x86_64 ;; esac
  case " $arches " in *" $arch "*) ;; *) arches="$arches $arch" ;; esac
  case "$config" in *-wine10) wine10=1 ;; esac
done
if [ "$criterion" = 1 ]; then
  for arch in $arches; do
    ARCH=$arch ROOT="$WINSHM_CACHE/criterion-mingw" "$here/build-criterion-mingw.sh"
  done
fi
[ "$wine10" = 0 ] || "$here/wine10-setup.sh"
if [ "$criterion" = 1 ] && [ "$msvc" = 1 ]; then
  ABI=msvc WINE_ROOT="${WINE10_ROOT:-$WINSHM_CACHE/wine10-trixie}" ROOT="$WINSHM_CACHE/criterion-mingw" \
    "$here/build-criterion-mingw.sh"
fi
