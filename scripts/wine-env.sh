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
wine_start() {
  mkdir -p "$WINSHM_CACHE"
  "$WINESERVER" -p </dev/null >/dev/null 2>&1 || true
  "$WINE" cmd /c exit </dev/null >/dev/null 2>&1 || true
}
wine_stop() {
  "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true
}
