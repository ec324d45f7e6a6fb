#!/usr/bin/env bash
# Builds the two-process example for 64-bit Windows and runs it under Wine:
# message_writer.exe creates a section and writes a message, then starts
# message_reader.exe, which opens the section by name and prints it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --no-criterion
. "$root/scripts/wine-env.sh"

build=${WINSHM_BUILD_DIR:-$root/build-examples}
. "$root/scripts/configure.sh"
winshm_configure "$build" Release -DWINSHM_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target message_writer

wine_start
trap wine_stop EXIT
"$WINE" "$build/bin/message_writer.exe" "$@"
