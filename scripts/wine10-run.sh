#!/usr/bin/env bash
# CMAKE_CROSSCOMPILING_EMULATOR of the Wine 10 configurations: runs one
# Windows program under Wine 10, in the chroot of scripts/wine10-setup.sh,
# and exits with its exit code. It must run inside a Wine 10 session
# (scripts/wine10-env.sh), which scripts/test.sh opens:
#
#   scripts/test.sh --config x64-wine10 -R reserve      (one suite, quickly)
#
#   wine10-run.sh PROGRAM [ARGS]     wine64 PROGRAM ARGS
#   wine10-run.sh --raw COMMAND...   any command in the chroot (wineserver -k)
#
# Every program starts with the 64-bit loader: it runs 64-bit programs
# itself and hands 32-bit ones to the 32-bit loader, which may be emulated
# (scripts/x86-route.sh). The chroot's "wine" is that 32-bit loader, so it
# would emulate the start of 64-bit programs too. WINSHM_X86_ROUTE (set by
# scripts/test.sh) tells the tests whether 32-bit programs are emulated.
if [ -z "${WINSHM_WINE10_SESSION:-}" ]; then
  echo "wine10-run.sh: not in a Wine 10 session; run the tests with scripts/test.sh --config x64-wine10 (or x86-wine10)" >&2
  exit 125
fi
if [ "$1" = --raw ]; then shift; else set -- /usr/lib/wine/wine64 "$@"; fi
exec chroot "$WINSHM_WINE10_SESSION" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root \
  XDG_RUNTIME_DIR=/tmp/xdg-runtime WINEPREFIX=/var/lib/winshm/wineprefix \
  WINSHM_X86_ROUTE="${WINSHM_X86_ROUTE:-}" \
  WINEDEBUG="${WINEDEBUG:--all}" WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-winedbg.exe=d}" \
  /bin/sh -c 'mkdir -p -m 700 /tmp/xdg-runtime; cd "$0" 2>/dev/null || cd /; exec "$@"' "$PWD" "$@"
