#!/usr/bin/env bash
# Builds the benchmarks and prints their tables (README "Performance"):
# call overhead against raw Win32 and Boost.Interprocess, the data path
# through the example ring against memcpy, ping-pong latency, include cost
# and footprint. Runs under Wine. Installs what it needs (Boost's headers
# from Debian's libboost-dev, copied to a folder of their own so that mingw
# never sees the host's /usr/include).
#
#   scripts/bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --no-criterion
. "$root/scripts/wine-env.sh"

boost=$WINSHM_CACHE/boost-headers
if [ ! -f "$boost/boost/interprocess/windows_shared_memory.hpp" ]; then
  if [ ! -f /usr/include/boost/interprocess/windows_shared_memory.hpp ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libboost-dev >/dev/null
  fi
  rm -rf "$boost"; mkdir -p "$boost"
  cp -r /usr/include/boost "$boost/"
fi

build=${WINSHM_BUILD_DIR:-$root/build-bench}
. "$root/scripts/configure.sh"
winshm_configure "$build" Release -DWINSHM_BUILD_TESTS=OFF -DWINSHM_BUILD_EXAMPLES=OFF -DWINSHM_BUILD_BENCH=ON \
  -DWINSHM_BOOST_INCLUDE_DIR="$boost" >/dev/null
cmake --build "$build" >/dev/null

echo "Machine: $(nproc) cores, $(uname -sr), $("$WINE" --version 2>/dev/null), mingw-w64 gcc $(x86_64-w64-mingw32-gcc -dumpversion)"
echo
wine_start
trap wine_stop EXIT
"$WINE" "$build/bin/bench_calls.exe"
echo
"$WINE" "$build/bin/bench_data.exe"
echo
"$root/bench/include_cost.sh" "$boost"
echo
"$root/bench/footprint.sh" "$boost"
