#!/usr/bin/env bash
# Builds everything for 64-bit Windows with mingw-w64 and runs the whole test
# suite under Wine through ctest, installing what it needs first.
#
#   scripts/test.sh [extra ctest arguments]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
. "$root/scripts/wine-env.sh"

build=${WINSHM_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCRITERION_PREFIX="$CRITERION_PREFIX"
cmake --build "$build"

wine_start
trap wine_stop EXIT
cd "$build"
ctest --output-on-failure "$@"
