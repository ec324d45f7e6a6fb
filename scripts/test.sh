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
#
#   scripts/test.sh [--config NAME]... [extra ctest arguments]
#
# --config (repeatable) runs only the configurations named. It reports each
# configuration and fails if any failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/configs.sh"
parse_configs "$@"
ctest_args=("${others[@]}")

# The Wine 10 configurations run 32- and 64-bit programs in one Wine, and
# their cross-width tests start the other width's programs: whichever of them
# runs, both are built first.
partner_of() { case "$1" in x64-wine10) echo x86-wine10 ;; x86-wine10) echo x64-wine10 ;; esac; }
builds=("${configs[@]}")
for config in "${configs[@]}"; do
  partner=$(partner_of "$config")
  if [ -n "$partner" ] && [[ " ${builds[*]} " != *" $partner "* ]]; then builds+=("$partner"); fi
done

"$root/scripts/install-deps.sh" "${builds[@]/#/--config=}"
. "$root/scripts/wine10-env.sh"
. "$root/scripts/configure.sh"
build_root=${WINSHM_BUILD_DIR:-$root/build}

trap wine_stop EXIT

settings() {
  case "$1" in
    x64-wine8)  arch=x86_64 wine=8  host_checks=ON  debian13=OFF prefix=$WINSHM_CACHE/criterion-mingw/prefix-x64 ;;
    x64-wine10) arch=x86_64 wine=10 host_checks=OFF debian13=ON  prefix=$WINSHM_CACHE/criterion-mingw/prefix-x64 ;;
    x86-wine10) arch=i686   wine=10 host_checks=OFF debian13=OFF prefix=$WINSHM_CACHE/criterion-mingw/prefix-x86 ;;
  esac
  other=$(partner_of "$1")
}

declare -A build_seconds
for config in "${builds[@]}"; do
  start=$(date +%s)
  settings "$config"
  build=$build_root/$config
  echo "=== $config: configure and build in $build"
  # Tests and examples forced on: a reused build folder that had them off
  # must not "pass" by running nothing (and --no-tests=error makes sure of it).
  ARCH=$arch winshm_configure "$build" RelWithDebInfo -DWINSHM_BUILD_TESTS=ON -DWINSHM_BUILD_EXAMPLES=ON \
    -DWINSHM_WINE="$wine" -DWINSHM_HOST_CHECKS="$host_checks" -DWINSHM_DEBIAN13_CHECKS="$debian13" \
    -DCRITERION_PREFIX="$prefix" -DWINSHM_OTHER_WIDTH_DIR="${other:+$build_root/$other}" >/dev/null
  cmake --build "$build"
  build_seconds[$config]=$(( $(date +%s) - start ))
done

report=()
failed=0
for config in "${configs[@]}"; do
  start=$(date +%s)
  settings "$config"
  build=$build_root/$config
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
  report+=("$(printf '%-11s %-6s built in %ss, tested in %ss' "$config" "$result" "${build_seconds[$config]}" \
              "$(( $(date +%s) - start ))")")
done

echo "=== summary"
printf '  %s\n' "${report[@]}"
exit $failed
