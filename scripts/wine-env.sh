# Sourced by the scripts: one Wine prefix and one cache for everything winshm builds.
# Wine runs with its debug channels off and winedbg disabled, so a crashing test
# process costs no backtrace dump.
WINSHM_CACHE=${WINSHM_CACHE:-$HOME/.cache/winshm}
export WINSHM_CACHE
export WINEPREFIX=${WINEPREFIX:-$WINSHM_CACHE/wineprefix}
export WINEDEBUG=${WINEDEBUG:--all}
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-winedbg.exe=d}
WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver}
CRITERION_PREFIX=${CRITERION_PREFIX:-$WINSHM_CACHE/criterion-mingw/prefix-x64}

# Wine's helper processes inherit stdout and stderr; if those are a pipe (ctest,
# CI logs) it stays open until the wineserver exits. Start the server and the
# helpers once with stdio detached, so later Wine processes reuse them.
wine_up() {
  # Fd 9 closed too: the server must not hold a run's claim (see wine_start).
  "$WINESERVER" -p </dev/null >/dev/null 2>&1 9>&- || true
  "$WINE" cmd /c exit </dev/null >/dev/null 2>&1 9>&- || true
}

# Runs that share a prefix share its wineserver, so one run stopping it would
# kill another's tests. wine_start claims the server (a shared lock on
# PREFIX.users, held on fd 9 until wine_stop or exit) before starting it, and
# wine_stop stops it only when no other run holds a claim.
wine_start() {
  if [ -z "${wine_claimed:-}" ]; then
    # The claim file sits beside the prefix: on a new machine nothing has
    # made that folder yet.
    mkdir -p "$(dirname "$WINEPREFIX")"
    exec 9>>"$WINEPREFIX.users"
    flock -s 9
    wine_claimed=1
  fi
  wine_up
}
wine_stop() {
  [ -n "${wine_claimed:-}" ] || return 0
  if flock -xn 9; then
    "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true
  fi
  exec 9>&-
  wine_claimed=""
}
