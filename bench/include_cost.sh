#!/usr/bin/env bash
# Compile time of one file that includes winshm.h, against one that includes
# <windows.h> and, given a Boost include folder, one that includes Boost's
# windows_shared_memory.hpp and mapped_region.hpp (as C++). Median of 15
# compiles each, alternating, with -fsyntax-only: only what an include costs.
#
#   bench/include_cost.sh [BOOST_INCLUDE_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
boost=${1:-}
cc=x86_64-w64-mingw32-gcc
cxx=x86_64-w64-mingw32-g++
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include "winshm.h"\nint main(void) { return winshm_is_open(0); }\n' > "$tmp/winshm.c"
printf '#include <windows.h>\nint main(void) { return GetLastError() != 0; }\n' > "$tmp/windows.c"
printf 'int main(void) { return 0; }\n' > "$tmp/empty.c"
printf '#include <boost/interprocess/windows_shared_memory.hpp>\n#include <boost/interprocess/mapped_region.hpp>\nint main() { return 0; }\n' > "$tmp/boost.cpp"
printf '#include "winshm.h"\nint main() { return winshm_is_open(0); }\n' > "$tmp/winshm_cpp.cpp"
printf '#define WINSHM_NO_CPP\n#include "winshm.h"\nint main() { return winshm_is_open(0); }\n' > "$tmp/winshm_nocpp.cpp"
printf '#include "winshm.h"\nint main() { winshm_section s; winshm_mapping m; return s.create_only(nullptr, WINSHM_READ_WRITE, 1) + m.map(s, WINSHM_READ_WRITE); }\n' > "$tmp/winshm_classes.cpp"
compile() {
  case $1 in
    *.cpp) "$cxx" -std=c++17 -fsyntax-only -I"$root" ${boost:+-isystem "$boost"} "$1" ;;
    *)     "$cc" -std=c99 -fsyntax-only -I"$root" "$1" ;;
  esac
}
time_one() { local start end; start=$(date +%s%N); compile "$1"; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
files="empty winshm windows winshm_cpp winshm_nocpp winshm_classes"
[ -n "$boost" ] && files="$files boost"
declare -A samples
for round in $(seq 15); do
  for f in $files; do
    src=$tmp/$f.c; [ -f "$src" ] || src=$tmp/$f.cpp
    samples[$f]+="$(time_one "$src") "
  done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
e=$(median "${samples[empty]}")
echo "Include cost, -fsyntax-only, median of 15 alternating compiles (an empty C file takes $e ms):"
echo
echo "| file includes | ms |"
echo "|---|---|"
echo "| winshm.h (C, gcc) | $(median "${samples[winshm]}") |"
echo "| winshm.h (C++, g++, WINSHM_NO_CPP: the C API only) | $(median "${samples[winshm_nocpp]}") |"
echo "| winshm.h (C++, g++, with the classes) | $(median "${samples[winshm_cpp]}") |"
echo "| winshm.h (C++, g++, the classes used) | $(median "${samples[winshm_classes]}") |"
echo "| <windows.h> (C, gcc) | $(median "${samples[windows]}") |"
[ -n "$boost" ] && echo "| Boost windows_shared_memory.hpp + mapped_region.hpp (C++, g++) | $(median "${samples[boost]}") |"
awk -v w="$(median "${samples[winshm]}")" -v s="$(median "${samples[windows]}")" \
  'BEGIN { printf "\nwinshm.h takes %.3f of the time of <windows.h>.\n", w / s }'
