#!/usr/bin/env bash
# CMAKE_CROSSCOMPILING_EMULATOR: runs one Windows program under Wine and exits
# with its exit code. Starts the wineserver detached if none is running.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/wine-env.sh"
wine_start
exec "$WINE" "$@"
