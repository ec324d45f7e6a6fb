#!/usr/bin/env bash
# Runs the whole suite that runs under Wine (every test but the host-side
# checks) RUNS times in a row per configuration, and stops a configuration at
# its first failing run, printing that run's log. Races that show once in
# many runs show here; one passing run of scripts/test.sh proves little.
#
#   scripts/stress.sh RUNS [--config NAME]...     (default: all three)
#
# Each run is a full ctest run with the same parallelism as scripts/test.sh,
# so the tests load each other as they do there. Logs: BUILD/stress/RUN.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] && [ "$1" -ge 1 ] 2>/dev/null || { echo "usage: scripts/stress.sh RUNS [--config NAME]..." >&2; exit 2; }
runs=$1; shift
. "$root/scripts/configs.sh"
parse_configs "$@"
[ ${#others[@]} -eq 0 ] || { echo "stress.sh: unknown argument ${others[0]}" >&2; exit 2; }

# Builds (and installs what is missing) through the test command itself;
# compile_check is its quickest test.
"$root/scripts/test.sh" "${configs[@]/#/--config=}" -R '^compile_check$' >/dev/null
. "$root/scripts/wine10-env.sh"
build_root=${WINSHM_BUILD_DIR:-$root/build}
trap wine_stop EXIT

# The loop runs inside the configuration's Wine session: $1 runs, $2 build.
# -LE host: the checks that run no Windows program (labelled in tests/CMakeLists.txt).
loop='
  mkdir -p "$2/stress"
  for i in $(seq 1 "$1"); do
    start=$(date +%s)
    if ctest --test-dir "$2" --output-on-failure --no-tests=error --parallel "$(nproc)" \
             -LE "^host$" >"$2/stress/$i.log" 2>&1; then
      echo "  run $i passed in $(( $(date +%s) - start ))s"
    else
      echo "  run $i FAILED; its log, $2/stress/$i.log:"; cat "$2/stress/$i.log"; exit 1
    fi
  done'
failed=0
for config in "${configs[@]}"; do
  build=$build_root/$config
  echo "=== $config: $runs runs of the suite"
  case "$config" in
    *-wine10|x64-msvc) run=(wine10_session "$root" "$build" --) ;;
    *) wine_start; run=() ;;
  esac
  if "${run[@]}" bash -c "$loop" stress "$runs" "$build"; then
    echo "=== $config: $runs of $runs runs passed"
  else
    echo "=== $config: FAILED"; failed=1
  fi
done
exit $failed
