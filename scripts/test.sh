#!/usr/bin/env bash
# Builds everything with mingw-w64 and runs the whole test suite through
# ctest in three configurations, each in its own build folder, installing
# what it needs first:
#
#   x64-wine8    64-bit programs under the host's Wine 8, and the checks that
#                run on the Linux host (portability matrix, lint, packaging,
#                versions, workflow file): these run once, here
#   x64-wine10   64-bit programs under Wine 10 (Debian trixie, in a chroot),
#                and the matrix and lint again with trixie's compilers and analysers
#   x86-wine10   32-bit programs under Wine 10
#   x64-msvc     64-bit programs built the way MSVC builds (clang-cl, Wine's
#                Windows and C runtime headers, lld-link against Wine's import
#                libraries; cmake/clang-cl-wine.cmake), under Wine 10: the
#                Criterion suites but cpp (Criterion's C++ API needs a C++
#                standard library, which that ABI has none of here, and the
#                summary says so), the compile checks, the model checks and
#                every example's demo
#
#   scripts/test.sh [--config NAME]... [--allow-no-x86] [extra ctest arguments]
#
# --config (repeatable) runs only the configurations named. It reports each
# configuration and fails if any failed.
#
# x86-wine10 runs 32-bit Linux programs (Wine's 32-bit loader): natively, or
# emulated by qemu-user where the kernel refuses them (scripts/x86-route.sh
# finds out and prints which). Where neither works, x86-wine10 fails, saying
# why; with --allow-no-x86 it is reported NOT RUN instead, and x64-wine10
# goes without its cross-width test. Only .ci/run passes that, as a last
# resort.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/configs.sh"
. "$root/scripts/x86-route.sh"
parse_configs "$@"
allow_no_x86=0 ctest_args=()
for arg in ${others[@]+"${others[@]}"}; do
  if [ "$arg" = --allow-no-x86 ]; then allow_no_x86=1; else ctest_args+=("$arg"); fi
done

# The Wine 10 configurations run 32- and 64-bit programs in one Wine, and
# their cross-width tests start the other width's programs: whichever of them
# runs, both are built first.
partner_of() { case "$1" in x64-wine10) echo x86-wine10 ;; x86-wine10) echo x64-wine10 ;; esac; }
builds=("${configs[@]}")
for config in "${configs[@]}"; do
  partner=$(partner_of "$config")
  if [ -n "$partner" ] && [[ " ${builds[*]} " != *" $partner "* ]]; then builds+=("$partner"); fi
done

deps_start=$SECONDS
"$root/scripts/install-deps.sh" "${builds[@]/#/--config=}"
deps_seconds=$((SECONDS - deps_start))
. "$root/scripts/wine10-env.sh"

# 32-bit Linux programs: x86-wine10 needs them, and x64-wine10's cross-width
# test starts 32-bit children.
x86_route=native x86_route_why="" not_run=()
if [[ " ${builds[*]} " == *" x86-wine10 "* ]]; then
  x86_route_detect
  echo "=== x86 route: $x86_route ($x86_route_why)"
  # The tests learn from it where the emulator, not Wine, decides what they see.
  export WINSHM_X86_ROUTE=$x86_route
  if [ "$x86_route" = none ] && [ "$allow_no_x86" = 1 ]; then
    without=""
    [[ " ${configs[*]} " != *" x64-wine10 "* ]] || without="; x64-wine10 ran without its cross-width test"
    not_run+=("$(printf '%-11s NOT RUN: %s%s' x86-wine10 "$x86_route_why" "$without")")
    without_x86() { local c; for c in "$@"; do [ "$c" = x86-wine10 ] || echo "$c"; done; }
    mapfile -t configs < <(without_x86 "${configs[@]}")
    mapfile -t builds < <(without_x86 "${builds[@]}")
  fi
fi
. "$root/scripts/configure.sh"
build_root=${WINSHM_BUILD_DIR:-$root/build}

trap wine_stop EXIT

settings() {
  toolchain="" criterion=ON note="" extra=()
  case "$1" in
    x64-wine8)  arch=x86_64 wine=8  host_checks=ON  debian13=OFF prefix=$WINSHM_CACHE/criterion-mingw/prefix-x64 ;;
    x64-wine10) arch=x86_64 wine=10 host_checks=OFF debian13=ON  prefix=$WINSHM_CACHE/criterion-mingw/prefix-x64 ;;
    x86-wine10) arch=i686   wine=10 host_checks=OFF debian13=OFF prefix=$WINSHM_CACHE/criterion-mingw/prefix-x86 ;;
    x64-msvc)   arch=x86_64 wine=10 host_checks=OFF debian13=OFF prefix=$WINSHM_CACHE/criterion-mingw/prefix-x64-msvc
                toolchain=clang-cl-wine extra=(-DWINSHM_WINE_ROOT="$WINE10_ROOT")
                note="(every suite but cpp: no C++ standard library in this ABI here)" ;;
  esac
  other=$(partner_of "$1")
  [[ " ${builds[*]} " == *" $other "* ]] || other=""
}

declare -A build_seconds
for config in "${builds[@]}"; do
  start=$(date +%s)
  settings "$config"
  build=$build_root/$config
  echo "=== $config: configure and build in $build"
  # Tests and examples forced on: a reused build folder that had them off
  # must not "pass" by running nothing (and --no-tests=error makes sure of it).
  ARCH=$arch TOOLCHAIN=$toolchain winshm_configure "$build" RelWithDebInfo -DWINSHM_BUILD_TESTS=ON -DWINSHM_BUILD_EXAMPLES=ON \
    -DWINSHM_WINE="$wine" -DWINSHM_HOST_CHECKS="$host_checks" -DWINSHM_DEBIAN13_CHECKS="$debian13" \
    -DWINSHM_CRITERION="$criterion" -DCRITERION_PREFIX="$prefix" \
    -DWINSHM_OTHER_WIDTH_DIR="${other:+$build_root/$other}" ${extra[@]+"${extra[@]}"} >/dev/null
  cmake --build "$build"
  build_seconds[$config]=$(( $(date +%s) - start ))
done

report=()
failed=0
for config in "${configs[@]}"; do
  start=$(date +%s)
  settings "$config"
  build=$build_root/$config
  if [ "$config" = x86-wine10 ] && [ "$x86_route" = none ]; then
    report+=("$(printf '%-11s FAILED: 32-bit programs cannot run here: %s. Run scripts/wine10-setup.sh as root on a kernel with binfmt_misc (it registers qemu-user), or leave x86-wine10 out with --config' "$config" "$x86_route_why")")
    failed=1
    continue
  fi
  echo "=== $config: ctest"
  # Independent tests run side by side: each uses its own names, and the leak
  # checks measure their own process only.
  run_ctest=(ctest --test-dir "$build" --output-on-failure --no-tests=error --parallel "$(nproc)" "${ctest_args[@]}")
  if [ "$wine" = 10 ]; then
    run=(wine10_session "$root" "$build" "$build_root/$other" -- "${run_ctest[@]}")
  else
    wine_start
    run=("${run_ctest[@]}")
  fi
  if "${run[@]}"; then
    result=passed
  else
    result=FAILED; failed=1
  fi
  report+=("$(printf '%-11s %-6s built in %ss, tested in %ss %s' "$config" "$result" "${build_seconds[$config]}" \
              "$(( $(date +%s) - start ))" "$note")")
done

echo "=== summary"
echo "  dependencies ready in ${deps_seconds}s (scripts/install-deps.sh: packages, Criterion, the Wine 10 chroot)"
[ -z "$x86_route_why" ] || echo "  x86 route: $x86_route ($x86_route_why)"
printf '  %s\n' ${report[@]+"${report[@]}"} ${not_run[@]+"${not_run[@]}"}
exit $failed
