#!/usr/bin/env bash
# Builds the Wine 10 chroot once (Debian trixie: wine, wine64, wine32:i386 and
# a Wine prefix made after wine32), in $WINSHM_CACHE/wine10-trixie, with
# trixie's own compilers and analysers too (mingw-w64 GCC 14, clang 19,
# clang-tidy, cppcheck 2.17), so that the portability matrix and lint also run
# with the tools of Debian 13. Every run also finds this machine's route for
# 32-bit programs (scripts/x86-route.sh: native, or qemu-user through
# binfmt_misc, which it sets up) and prints it. A second run finds the chroot
# ready and does only that; when the package list below changes, it installs
# what is missing, and a prefix made while no 32-bit route existed is made
# again once one does. Needs root or sudo, debootstrap and the Debian mirror.
#
#   scripts/wine10-setup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/wine10-env.sh"
. "$here/x86-route.sh"
mirror=${WINSHM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ready=$WINE10_ROOT/var/lib/winshm/ready
wine_packages="wine wine64 wine32:i386"
tool_packages="gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 gcc-mingw-w64-i686 g++-mingw-w64-i686
  clang clang-tools clang-tidy cppcheck binutils-mingw-w64-x86-64 binutils-mingw-w64-i686 python3 make libwine-dev"
install_packages() {  # $1: the chroot; the rest: packages
  local into=$1; shift
  $sudo chroot "$into" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends $* >/dev/null && apt-get clean"
}
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo

# The Wine prefix, made with the 64-bit loader (the 32-bit one would be
# emulated on a machine without native i386). Its syswow64 is filled only if
# 32-bit programs run while it is made; a prefix made without them is made
# again once a route exists (wineboot -u does not fill it).
prefix=$WINE10_ROOT/var/lib/winshm/wineprefix
make_prefix() {
  local want=system32
  [ "$x86_route" = none ] || want=syswow64
  [ -f "$prefix/drive_c/windows/$want/kernel32.dll" ] && return 0
  echo "wine10-setup: creating the Wine prefix ($want)"
  $sudo rm -rf "$prefix"
  wine10_session -- "$here/wine10-run.sh" --raw /bin/sh -c \
    'mkdir -p "$(dirname "$WINEPREFIX")"
     /usr/lib/wine/wine64 wineboot -i </dev/null >/dev/null 2>&1
     # wineboot returns before the prefix is complete, and the session keeps a
     # persistent wineserver (so wineserver -w would wait for ever): poll.
     for second in $(seq 300); do
       test -f "$WINEPREFIX/drive_c/windows/$0/kernel32.dll" && exit 0
       sleep 1
     done
     exit 1' "$want" ||
    { echo "wine10-setup: the prefix has no $want/kernel32.dll" >&2; exit 1; }
}

if [ -f "$ready" ]; then
  if [ "$(cat "$ready")" != "$tool_packages" ]; then
    echo "wine10-setup: installing the Debian 13 tools"
    install_packages "$WINE10_ROOT" $tool_packages
    echo "$tool_packages" | $sudo tee "$ready" >/dev/null
  fi
  x86_route_setup "$WINE10_ROOT"
  make_prefix
  exit 0
fi

if ! command -v debootstrap >/dev/null; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# Built beside its final place and moved there when complete, so that a run
# killed half-way is started again rather than taken for a finished one.
work=$WINE10_ROOT.partial
$sudo rm -rf "$work"
mkdir -p "$(dirname "$work")"
echo "wine10-setup: debootstrap trixie into $work"
$sudo debootstrap --variant=minbase trixie "$work" "$mirror" >/dev/null
$sudo cp /etc/resolv.conf "$work/etc/resolv.conf"
$sudo chroot "$work" /bin/sh -c 'dpkg --add-architecture i386 && mkdir -p /var/lib/winshm'
# The route first: with qemu registered, the i386 packages' own scripts run too.
x86_route_setup "$work"
echo "wine10-setup: installing wine, wine64, wine32:i386"
install_packages "$work" $wine_packages
echo "wine10-setup: installing the Debian 13 tools"
install_packages "$work" $tool_packages
WINE10_ROOT=$work prefix=$work/var/lib/winshm/wineprefix
make_prefix
echo "$tool_packages" | $sudo tee "$work/var/lib/winshm/ready" >/dev/null
$sudo rm -rf "${work%.partial}"
$sudo mv "$work" "${work%.partial}"
echo "wine10-setup: ready in ${work%.partial}"
