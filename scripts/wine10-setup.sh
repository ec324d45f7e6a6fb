#!/usr/bin/env bash
# Builds the Wine 10 chroot once (Debian trixie: wine, wine64, wine32:i386 and
# a Wine prefix made after wine32), in $WINSHM_CACHE/wine10-trixie. A second
# run finds it ready and does nothing. Needs root or sudo, debootstrap and the
# Debian mirror.
#
#   scripts/wine10-setup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/wine10-env.sh"
mirror=${WINSHM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ready=$WINE10_ROOT/var/lib/winshm/ready
[ -f "$ready" ] && exit 0

sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
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
echo "wine10-setup: installing wine, wine64, wine32:i386"
$sudo chroot "$work" /bin/sh -c '
  set -e
  dpkg --add-architecture i386
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    wine wine64 wine32:i386 >/dev/null
  apt-get clean
  mkdir -p /var/lib/winshm'
WINE10_ROOT=$work
echo "wine10-setup: creating the Wine prefix"
wine10_session -- "$here/wine10-run.sh" --raw /bin/sh -c \
  'wineboot -i </dev/null >/dev/null 2>&1; test -f "$WINEPREFIX/drive_c/windows/syswow64/kernel32.dll"' ||
  { echo "wine10-setup: the prefix has no 32-bit kernel32" >&2; exit 1; }
$sudo touch "$work/var/lib/winshm/ready"
$sudo rm -rf "${work%.partial}"
$sudo mv "$work" "${work%.partial}"
echo "wine10-setup: ready in ${work%.partial}"
