#!/usr/bin/env bash
# Footprint: object sizes, heap bytes per open object, and the code size of a
# program that uses every function, built at -Os and stripped, for winshm.h
# and for the same program written with Boost.Interprocess.
#
#   bench/footprint.sh BOOST_INCLUDE_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
boost=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
x86_64-w64-mingw32-gcc -Os -s -I"$root" "$root/bench/footprint_winshm.c" -o "$work/winshm.exe" -static-libgcc
x86_64-w64-mingw32-g++ -Os -s -std=c++17 -isystem "$boost" "$root/bench/footprint_boost.cpp" -o "$work/boost.exe" \
  -static-libgcc -static-libstdc++
. "$root/scripts/wine-env.sh"
wine_start
"$WINE" "$work/winshm.exe" | sed -n 1p
"$WINE" "$work/boost.exe" | sed -n 1p
text() { x86_64-w64-mingw32-size -A "$1" | awk '$1 == ".text" {print $2}'; }
echo
echo "| program using every function, -Os, stripped | .text bytes | file bytes |"
echo "|---|---|---|"
echo "| winshm.h (C) | $(text "$work/winshm.exe") | $(stat -c %s "$work/winshm.exe") |"
echo "| Boost.Interprocess (C++, static libstdc++) | $(text "$work/boost.exe") | $(stat -c %s "$work/boost.exe") |"
