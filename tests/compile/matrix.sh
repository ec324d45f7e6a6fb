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
src_cpp=$root/tests/compile/use_all.cpp
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
strict_cxx="-Wall -Wextra -Wuseless-cast -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wcast-qual -Wcast-align \
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

# clang-cl (MSVC mode, /W4 /WX) over real Windows header sets, which define
# what mingw-w64's do not (rpcndr.h's "#define small char"): every include
# order and the usual defines, as C and C++, 64- and 32-bit.
#   wine  Wine's Windows and C runtime headers (Debian's libwine-dev), always;
#         WINE_UNICODE_NATIVE as Wine's own PE builds define it (WCHAR is
#         then wchar_t, as in the SDK). The branches only MSVC itself takes
#         (_MSC_VER without __clang__) are forced here, by undefining
#         __clang__, on the header alone (Wine's winnt.h would then declare
#         intrinsics that clang defines).
#   sdk   the Windows SDK's um and shared headers, when WINSHM_WINSDK names
#         its Include/<version> folder, through a case-insensitive overlay
#         (the SDK's includes disagree with its files' case). The C runtime
#         and compiler headers (vcruntime.h, excpt.h) are MSVC's, not the
#         SDK's: WINSHM_MSVC_INCLUDE names MSVC's include folder (with the
#         SDK's ucrt); without it, Wine's stand in.
declare -A cl_modes=(
  [alone]="0"
  [windows-before]="1"
  [windows-after]="2"
  [lean]="1 -DWIN32_LEAN_AND_MEAN"
  [unicode]="2 -DUNICODE -D_UNICODE"
  [nominmax]="1 -DNOMINMAX"
  [strict]="2 -DSTRICT"
  [winsock2-first]="2 /FIwinsock2.h"
  [winternl-first]="2 /FIwindows.h /FIwinternl.h"
  [sddl-first]="2 /FIwindows.h /FIsddl.h"
  [aclapi-first]="2 /FIwindows.h /FIaclapi.h"
  [bcrypt-first]="2 /FIwindows.h /FIbcrypt.h"
  [ntsecapi-first]="2 /FIwindows.h /FIntsecapi.h"
  [intrin-first]="2 /FIintrin.h"
)
# clang-cl has no /std: for C99 or C++11; /clang: passes clang's own.
cl_languages=("c99|/TC /clang:-std=c99" "c11|/TC /std:c11" "c17|/TC /std:c17" "c++11|/TP /clang:-std=c++11"
              "c++14|/TP /std:c++14" "c++17|/TP /std:c++17" "c++20|/TP /std:c++20")
: > "$work/cl-not-run.txt"
# clang_cl_cells SET "HEADER FLAGS": the cells of one header set. A cell
# whose headers do not compile even without winshm.h (a file with the same
# defines and forced includes, and <windows.h> where the cell has it, as C11
# or C++17) can say nothing about winshm.h: it is listed as NOT RUN, never
# counted as passed. (Wine 8's <windows.h> is such a case as C++ under
# clang-cl 14: its winnt.h defines intrinsics that clang has built in.)
clang_cl_cells() {
  local set=$1 flags="/W4 /WX /Zs $2 -I$root" target entry lang std file mode windows defines cell kind probe
  local -A headers_fail=()
  for target in x86_64-pc-windows-msvc i686-pc-windows-msvc; do
    for mode in "${!cl_modes[@]}"; do
      read -r windows defines <<<"${cl_modes[$mode]}"
      for kind in "c|/TC /std:c11" "c++|/TP /std:c++17"; do
        IFS='|' read -r lang std <<<"$kind"
        probe=$work/probe.$set.$target.$mode.$lang
        if [ "$windows" = 0 ]; then : > "$probe"; else echo '#include <windows.h>' > "$probe"; fi
        # shellcheck disable=SC2086
        "$clang_cl" --target=$target $flags $std $defines -- "$probe" >/dev/null 2>&1 || headers_fail[$target.$mode.$lang]=1
      done
    done
    for entry in "${cl_languages[@]}"; do
      IFS='|' read -r lang std <<<"$entry"
      case $lang in c++*) file=$src_cpp kind=c++ ;; *) file=$src kind=c ;; esac
      for mode in "${!cl_modes[@]}"; do
        read -r windows defines <<<"${cl_modes[$mode]}"
        cell=clang-cl-$set.$target.$lang.$mode
        if [ -n "${headers_fail[$target.$mode.$kind]:-}" ]; then
          echo "$cell" >> "$work/cl-not-run.txt"
          continue
        fi
        echo "$cell|$clang_cl --target=$target $flags $std $defines -DWINSHM_TU=unit_a -DWINSHM_TU_WINDOWS=$windows -- $file" >> "$jobs"
      done
      if [[ $lang == c++* ]]; then
        echo "clang-cl-$set.$target.$lang.classes|$clang_cl --target=$target $flags $std /EHs-c- -DWINSHM_TU=unit_a -DWINSHM_TU_WINDOWS=0 -- $cpp_src" >> "$jobs"
      fi
    done
  done
}
wine_include=${WINSHM_WINE_INCLUDE:-/usr/include/wine/wine}
if [ ! -f "$wine_include/windows/windows.h" ]; then
  echo "matrix: no Wine headers in $wine_include (Debian's libwine-dev: scripts/install-deps.sh installs it, and scripts/wine10-setup.sh into the chroot)" >&2
  exit 1
fi
wine_flags="-imsvc $wine_include/msvcrt -imsvc $wine_include/windows -DWINE_UNICODE_NATIVE"
clang_cl_cells wine "$wine_flags"
for target in x86_64-pc-windows-msvc i686-pc-windows-msvc; do
  for entry in "c11|/TC /std:c11|$src" "c++17|/TP /std:c++17|$src_cpp"; do
    IFS='|' read -r lang std file <<<"$entry"
    echo "clang-cl-wine.$target.$lang.msvc-branches|$clang_cl --target=$target /W4 /WX /Zs $wine_flags -I$root $std -U__clang__ -Wno-builtin-macro-redefined -DWINSHM_TU=unit_a -DWINSHM_TU_WINDOWS=0 -- $file" >> "$jobs"
  done
done
sdk_note="matrix: WINSHM_WINSDK is not set, so the Windows SDK's header cells did NOT RUN (docs/testing.md: 'The Windows SDK's headers')"
if [ -n "${WINSHM_WINSDK:-}" ]; then
  [ -f "$WINSHM_WINSDK/um/Windows.h" ] || [ -f "$WINSHM_WINSDK/um/windows.h" ] ||
    { echo "matrix: WINSHM_WINSDK=$WINSHM_WINSDK has no um/Windows.h (name the SDK's Include/<version> folder)" >&2; exit 1; }
  overlay=$work/winsdk-overlay.json
  python3 - "$overlay" "$WINSHM_WINSDK"/{um,shared,ucrt} ${WINSHM_MSVC_INCLUDE:+"$WINSHM_MSVC_INCLUDE"} <<'PY'
import json, os, sys
def tree(path):
    return [{"name": n, "type": "directory", "contents": tree(os.path.join(path, n))}
            if os.path.isdir(os.path.join(path, n)) else
            {"name": n, "type": "file", "external-contents": os.path.join(path, n)}
            for n in sorted(os.listdir(path))]
roots = [{"name": os.path.abspath(d), "type": "directory", "contents": tree(d)} for d in sys.argv[2:] if os.path.isdir(d)]
json.dump({"version": 0, "case-sensitive": "false", "roots": roots}, open(sys.argv[1], "w"))
PY
  sdk_flags="/clang:-ivfsoverlay /clang:$overlay -imsvc $WINSHM_WINSDK/um -imsvc $WINSHM_WINSDK/shared"
  if [ -n "${WINSHM_MSVC_INCLUDE:-}" ]; then
    sdk_flags="$sdk_flags -imsvc $WINSHM_WINSDK/ucrt -imsvc $WINSHM_MSVC_INCLUDE"
    sdk_note="matrix: the Windows SDK's headers from $WINSHM_WINSDK, with MSVC's from $WINSHM_MSVC_INCLUDE"
  else
    sdk_flags="$sdk_flags -imsvc $wine_include/msvcrt -imsvc $wine_include/windows"
    sdk_note="matrix: the Windows SDK's headers from $WINSHM_WINSDK; its C runtime and compiler headers from Wine (WINSHM_MSVC_INCLUDE unset)"
  fi
  clang_cl_cells sdk "$sdk_flags"
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

echo "$sdk_note"
if [ -s "$work/cl-not-run.txt" ]; then
  echo "matrix: $(wc -l < "$work/cl-not-run.txt") clang-cl cells NOT RUN, because their Windows headers do not compile without winshm.h either ($("$clang_cl" --version | sed -n 1p)):"
  sed 's/\.c\(99\|11\|17\|++1[147]\|++20\)\././' "$work/cl-not-run.txt" | sort | uniq -c | sed 's/^/  /'
fi
echo "matrix: $((cells - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
