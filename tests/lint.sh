#!/usr/bin/env bash
# Static analysis of winshm.h: clang-tidy with the checked-in .clang-tidy
# (bugprone, cert, portability, readability) as C99, C11 (32-bit) and C++17,
# cppcheck for 64- and 32-bit Windows, and no identifier that is a macro of
# the Windows headers (the SDK's list, and Wine's headers as installed). Any
# finding fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tu=tests/lint/winshm_tu.c
failed=0 checks=6
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
  # -U: cppcheck would also try WINSHM_MALLOC and WINSHM_FREE defined as
  # empty object-like macros, which no user can do (the header needs them
  # function-like), and cppcheck 2.17 calls that configuration a syntax error.
  # shellcheck disable=SC2086
  if out=$(cppcheck -q $exhaustive --enable=warning,style,performance,portability --inline-suppr --error-exitcode=1 \
                    --std=c99 --platform=$platform -UWINSHM_MALLOC -UWINSHM_FREE -I. "$tu" 2>&1) && [ -z "$out" ]; then
    echo "ok   cppcheck --platform=$platform"
  else
    echo "FAIL cppcheck --platform=$platform"; echo "$out"; failed=$((failed + 1))
  fi
done
echo "lint: $((checks - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
