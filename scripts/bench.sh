#!/usr/bin/env bash
# Builds the benchmarks and prints their tables: call overhead against raw
# Win32, and the compile-time cost of including winshm.h. Runs under Wine.
#
#   scripts/bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --no-criterion
. "$root/scripts/wine-env.sh"

build=${WINSHM_BUILD_DIR:-$root/build-bench}
cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DWINSHM_BUILD_TESTS=OFF -DWINSHM_BUILD_EXAMPLES=OFF -DWINSHM_BUILD_BENCH=ON >/dev/null
cmake --build "$build" >/dev/null

echo "Machine: $(nproc) cores, $(uname -sr), $(/usr/lib/wine/wine64 --version 2>/dev/null || echo wine), x86_64-w64-mingw32-gcc $(x86_64-w64-mingw32-gcc -dumpversion)"
echo
wine_start
trap wine_stop EXIT
"$WINE" "$build/bin/bench_calls.exe"
echo
"$root/bench/include_cost.sh"
