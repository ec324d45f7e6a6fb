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
. "$root/scripts/configure.sh"
# Tests and examples forced on: a reused build folder that had them off must
# not "pass" by running nothing (and --no-tests=error makes sure of it).
winshm_configure "$build" RelWithDebInfo -DWINSHM_BUILD_TESTS=ON -DWINSHM_BUILD_EXAMPLES=ON \
  -DCRITERION_PREFIX="$CRITERION_PREFIX"
cmake --build "$build"

wine_start
trap wine_stop EXIT
cd "$build"
# Independent tests run side by side: each uses its own names, and the leak
# checks measure their own process only.
ctest --output-on-failure --no-tests=error --parallel "$(nproc)" "$@"
