#!/usr/bin/env bash
# CMAKE_CROSSCOMPILING_EMULATOR: runs one Windows program under Wine and exits
# with its exit code. Starts the wineserver detached if none is running; the
# run that started ctest holds the claim on it (wine_start).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/wine-env.sh"
wine_up
exec "$WINE" "$@" 9>&-
