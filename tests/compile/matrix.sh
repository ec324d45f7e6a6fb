#!/usr/bin/env bash
# The portability matrix: winshm.h compiled and linked by every compiler, in
# every language standard, with every arrangement of <windows.h>, as one and
# as two translation units, at -Werror. The cells compile and link (the test
# suite itself runs 32-bit programs, in x86-wine10). Also: the import table of the
# programs, and clang-cl in MSVC mode where mingw-w64's headers allow it.
#
#   tests/compile/matrix.sh [work_dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
src=$root/tests/compile/use_all.c
# -O2: some warnings (-Wnonnull, -Warray-bounds) need the optimiser's view.
warnings="-O2 -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Werror"

# toolchain -> "C compiler|C++ compiler|link flags"
declare -A toolchains
gcc_lib() { dirname "$("$1-gcc" -print-libgcc-file-name)"; }
for triple in x86_64-w64-mingw32 i686-w64-mingw32; do
  lib=$(gcc_lib $triple)
  toolchains[gcc-$triple]="$triple-gcc|$triple-g++|-static-libgcc -static-libstdc++"
  toolchains[clang-$triple]="clang --target=$triple|clang++ --target=$triple -isystem $lib/include/c++ -isystem $lib/include/c++/$triple|-L$lib -static-libgcc -static-libstdc++"
done
# mode -> "WINSHM_TU_WINDOWS and the user's own defines"
declare -A modes=(
  [alone]="0"
  [windows-before]="1"
  [windows-after]="2"
  [unicode]="2 -DUNICODE -D_UNICODE"
  [lean-nominmax]="1 -DWIN32_LEAN_AND_MEAN -DNOMINMAX"
)
languages="c99 c11 c++11 c++17"

# Writes one line per cell: "name|compile-and-link commands".
jobs=$work/jobs.txt
: > "$jobs"
for tc in "${!toolchains[@]}"; do
  IFS='|' read -r cc cxx ldflags <<<"${toolchains[$tc]}"
  for lang in $languages; do
    case $lang in c++*) compiler="$cxx -x c++ -std=$lang" ;; *) compiler="$cc -std=$lang" ;; esac
    for mode in "${!modes[@]}"; do
      read -r windows defines <<<"${modes[$mode]}"
      cell=$tc.$lang.$mode
      base="$compiler $warnings -I$root -DWINSHM_TU_WINDOWS=$windows $defines"
      d=$work/$cell
      echo "$cell|mkdir -p $d && $base -DWINSHM_TU=unit_a -DWINSHM_TU_MAIN=1 -c $src -o $d/one.o && $base -DWINSHM_TU=unit_a -DWINSHM_TU_MAIN=2 -c $src -o $d/a.o && $base -DWINSHM_TU=unit_b -c $src -o $d/b.o && ${compiler%% -x*} $d/one.o -o $d/one.exe $ldflags && ${compiler%% -x*} $d/a.o $d/b.o -o $d/two.exe $ldflags" >> "$jobs"
    done
  done
done
# The C++ classes: every member, C++11 to C++20, without exceptions, with
# <windows.h> or not, two units linked; and WINSHM_NO_CPP, under which they
# are gone (no_cpp.cpp declares classes of the same names).
cpp_src=$root/tests/compile/use_cpp.cpp
for tc in "${!toolchains[@]}"; do
  IFS='|' read -r cc cxx ldflags <<<"${toolchains[$tc]}"
  for lang in c++11 c++14 c++17 c++20; do
    for mode in alone windows-before windows-after; do
      read -r windows defines <<<"${modes[$mode]}"
      cell=classes.$tc.$lang.$mode
      base="$cxx -x c++ -std=$lang -fno-exceptions $warnings -I$root -DWINSHM_TU_WINDOWS=$windows"
      d=$work/$cell
      echo "$cell|mkdir -p $d && $base -DWINSHM_TU=unit_a -DWINSHM_TU_MAIN=2 -c $cpp_src -o $d/a.o && $base -DWINSHM_TU=unit_b -c $cpp_src -o $d/b.o && ${cxx%% -isystem*} $d/a.o $d/b.o -o $d/two.exe $ldflags" >> "$jobs"
    done
  done
  echo "no-cpp.$tc|mkdir -p $work/no-cpp.$tc && $cxx -x c++ -std=c++11 $warnings -I$root -c $root/tests/compile/no_cpp.cpp -o $work/no-cpp.$tc/no_cpp.o" >> "$jobs"
done

# Each documented WINSHM_API value, in a file that calls one function: the
# functions it does not call must not warn (-Wunused-function).
one=$root/tests/compile/one_function.c
for tc in "${!toolchains[@]}"; do
  IFS='|' read -r cc cxx ldflags <<<"${toolchains[$tc]}"
  d=$work/api.$tc
  for api in "default|$cc -std=c99" "static|$cc -std=c99 -DWINSHM_API=static" \
             "cxx-inline|$cxx -x c++ -std=c++11 -DWINSHM_API=inline" "cxx-static|$cxx -x c++ -std=c++11 -DWINSHM_API=static"; do
    IFS='|' read -r label compiler <<<"$api"
    echo "api-$label.$tc|mkdir -p $d && $compiler $warnings -Wunused -Wunused-function -I$root -c $one -o $d/$label.o" >> "$jobs"
  done
done

# The strictest warning sets users turn on, on the header alone, 64- and 32-bit.
strict_c="-Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wcast-qual -Wstrict-prototypes \
  -Wmissing-prototypes -Wundef -Wdouble-promotion -Wcast-align -Wold-style-definition -Wredundant-decls \
  -Wnested-externs -Wwrite-strings -Wformat=2 -Wnull-dereference -Wduplicated-cond -Wlogical-op \
  -Wjump-misses-init -Wbad-function-cast -Wswitch-enum -Wswitch-default"
strict_cxx="-Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wcast-qual -Wcast-align \
  -Wold-style-cast -Wzero-as-null-pointer-constant -Wredundant-decls -Wundef -Wswitch-enum -Wswitch-default"
for triple in x86_64-w64-mingw32 i686-w64-mingw32; do
  lib=$(gcc_lib $triple)
  cxx_includes="-isystem $lib/include/c++ -isystem $lib/include/c++/$triple"
  d=$work/strictest.$triple
  echo "strictest.gcc-$triple.c99|mkdir -p $d && $triple-gcc -std=c99 -O2 $strict_c -Werror -I$root -c $root/tests/compile/strictest.c -o $d/gcc-c.o" >> "$jobs"
  echo "strictest.g++-$triple.c++11|mkdir -p $d && $triple-g++ -std=c++11 -O2 $strict_cxx -Werror -I$root -c $root/tests/compile/strictest.cpp -o $d/gcc-cpp.o" >> "$jobs"
  echo "strictest.clang-$triple.c11-Weverything|mkdir -p $d && clang --target=$triple -std=c11 -O2 -Weverything -Wno-padded -Werror -I$root -c $root/tests/compile/strictest.c -o $d/clang-c.o" >> "$jobs"
  echo "strictest.clang++-$triple.c++17-Weverything|mkdir -p $d && clang++ --target=$triple -std=c++17 -O2 -Weverything -Wno-padded -Wno-c++98-compat -Wno-c++98-compat-pedantic -Werror $cxx_includes -I$root -c $root/tests/compile/strictest.cpp -o $d/clang-cpp.o" >> "$jobs"
done

# clang-cl (MSVC mode, /W4 /WX), syntax only, over mingw-w64's headers. Those
# headers' stdlib.h does not parse in MSVC mode, so the cells define the
# allocator macros (and so do not include it); <windows.h> does not parse
# either, so these cells include winshm.h alone.
# The clang-cl of the same LLVM as clang (Debian: clang-tools-N, pulled in by
# the clang-tools package of each release), not one fixed version.
clang_major=$(clang -dumpversion | cut -d. -f1)
clang_cl=$(command -v "clang-cl-$clang_major" || command -v "/usr/lib/llvm-$clang_major/bin/clang-cl" || true)
if [ -n "$clang_cl" ]; then
  for target in x86_64-pc-windows-msvc i686-pc-windows-msvc; do
    for lang in "/TC" "/TP /std:c++17"; do
      cell="clang-cl.$target.${lang%% *}"
      echo "$cell|$clang_cl --target=$target /W4 /WX /Zs $lang -imsvc /usr/share/mingw-w64/include -I$root '-DWINSHM_MALLOC(n)=((void)(n), (void *)0)' '-DWINSHM_FREE(p)=((void)(p))' -DWINSHM_TU=unit_a -DWINSHM_TU_WINDOWS=0 -- $src" >> "$jobs"
    done
  done
else
  echo "matrix: clang-cl-$clang_major not found (package clang-tools-$clang_major); its cells are missing" >&2
  exit 1
fi

run_cell() {
  local line=$1 cell=${1%%|*} cmd=${1#*|}
  if out=$(bash -c "$cmd" 2>&1); then echo "ok   $cell"; else printf 'FAIL %s\n%s\n' "$cell" "$out"; fi
}
export -f run_cell
results=$work/results.txt
tr '\n' '\0' < "$jobs" | xargs -0 -P "$(nproc)" -I{} bash -c 'run_cell "$1"' _ {} > "$results"
sort "$results" | grep -v '^ok ' || true
cells=$(wc -l < "$jobs")
failed=$(grep -c '^FAIL' "$results" || true)

# The import table of a program using every function: kernel32 and the C runtime only.
for exe in "$work/gcc-x86_64-w64-mingw32.c99.alone/one.exe" "$work/gcc-i686-w64-mingw32.c++17.alone/two.exe" \
           "$work/clang-x86_64-w64-mingw32.c++11.windows-after/two.exe"; do
  cells=$((cells + 1))
  dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | awk '/DLL Name:/ {print tolower($3)}' | sort -u | tr '\n' ' ')
  extra=$(tr ' ' '\n' <<<"$dlls" | grep -v -E '^(kernel32\.dll|msvcrt\.dll|api-ms-win-crt-.*\.dll|ucrtbase\.dll)?$' || true)
  if [ -n "$extra" ]; then echo "FAIL imports of $exe: $dlls"; failed=$((failed + 1)); else echo "ok   imports of ${exe#$work/}: $dlls"; fi
done

echo "matrix: $((cells - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
