#!/usr/bin/env bash
# Static analysis of winshm.h: clang-tidy with the checked-in .clang-tidy
# (bugprone, cert, portability, readability) as C99, C11 (32-bit) and C++17,
# cppcheck for 64- and 32-bit Windows, no identifier that is a macro of the
# Windows headers (the SDK's list, and Wine's headers as installed), and the
# open_or_init state's acquire and release, read from ARM64 assembly. Any
# finding fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tu=tests/lint/winshm_tu.c
failed=0 checks=8
if out=$(python3 tests/lint/windows_macros.py winshm.h 2>&1); then
  echo "ok   no Windows header macro names: ${out##*: }"
else
  echo "FAIL Windows header macro names"; echo "$out"; failed=$((failed + 1))
fi
for flags in "--target=x86_64-w64-mingw32 -std=c99" "--target=i686-w64-mingw32 -std=c11" \
             "--target=x86_64-w64-mingw32 -x c++ -std=c++17"; do
  # shellcheck disable=SC2086
  if out=$(clang-tidy --quiet "$tu" -- $flags -I. 2>&1) && ! grep -qE 'warning:|error:' <<<"$out"; then
    echo "ok   clang-tidy $flags"
  else
    echo "FAIL clang-tidy $flags"; echo "$out"; failed=$((failed + 1))
  fi
done
# cppcheck 2.11 and later limit branch analysis unless told otherwise, and
# report that as an "information" that fails --error-exitcode: analyse all.
# The help is read whole first: "cppcheck --help | grep -q" lets grep quit
# early, cppcheck dies of SIGPIPE, and pipefail turns a match into a miss.
exhaustive=""
cppcheck_help=$(cppcheck --help 2>&1 || true)
[[ $cppcheck_help == *--check-level* ]] && exhaustive=--check-level=exhaustive
for platform in win64 win32W; do
  # --max-configs: the header's #if branches (C/C++, compilers, widths, ARM)
  # make more than cppcheck's default 12 configurations.
  # -U: cppcheck would also try WINSHM_MALLOC and WINSHM_FREE defined as
  # empty object-like macros, which no user can do (the header needs them
  # function-like), and cppcheck 2.17 calls that configuration a syntax error.
  # shellcheck disable=SC2086
  if out=$(cppcheck -q $exhaustive --enable=warning,style,performance,portability --inline-suppr --error-exitcode=1 \
                    --std=c99 --platform=$platform --max-configs=16 -UWINSHM_MALLOC -UWINSHM_FREE -I. "$tu" 2>&1) && [ -z "$out" ]; then
    echo "ok   cppcheck --platform=$platform"
  else
    echo "FAIL cppcheck --platform=$platform"; echo "$out"; failed=$((failed + 1))
  fi
done
# The trailer's state, in ARM64 code (tests/lint/ordering_probe.c): the
# GCC/clang branch loads it with ldar/ldapr and stores it with stlr; the MSVC
# branch (forced: clang in MSVC mode without __clang__, over Wine's headers)
# loads it with a plain ldr followed by dmb ish, and stores it with an
# interlocked exchange. The state is at offset 32 of the trailer.
body() { awk -v f="$1:" '$1 == f {on = 1; next} on && /^\.Lfunc_end|^[a-z_]+:/ {exit} on' ; }
mingw_include=/usr/share/mingw-w64/include
wine_include=/usr/include/wine/wine
gnu_asm=$(clang --target=aarch64-w64-mingw32 -isystem "$mingw_include" -O2 -S -o - -I. tests/lint/ordering_probe.c 2>&1) || true
msvc_asm=$(clang --target=aarch64-pc-windows-msvc -fms-extensions -fms-compatibility -U__clang__ \
             -isystem "$wine_include/msvcrt" -isystem "$wine_include/windows" -O2 -S -o - -I. \
             tests/lint/ordering_probe.c 2>&1) || true
if body probe_load <<<"$gnu_asm" | grep -qE '^\s*(ldar|ldapr)\s+w[0-9]+, \[x[0-9]+(, #32)?\]' &&
   body probe_store <<<"$gnu_asm" | grep -qE '^\s*stlr\s'; then
  echo "ok   acquire and release of the open_or_init state (ARM64, __atomic)"
else
  echo "FAIL acquire and release of the open_or_init state (ARM64, __atomic): no ldar/ldapr load or stlr store"
  echo "$gnu_asm" | head -n 60; failed=$((failed + 1))
fi
if body probe_load <<<"$msvc_asm" | grep -A1 -E '^\s*ldr\s+w[0-9]+, \[x[0-9]+, #32\]' | grep -qE '^\s*dmb\s+ish' &&
   body probe_store <<<"$msvc_asm" | grep -qE '^\s*(swpal|swpl|stlxr)\s'; then
  echo "ok   acquire and release of the open_or_init state (ARM64, MSVC branch)"
else
  echo "FAIL acquire and release of the open_or_init state (ARM64, MSVC branch): no ldr then dmb ish, or no interlocked store"
  echo "$msvc_asm" | head -n 60; failed=$((failed + 1))
fi
echo "lint: $((checks - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
