#!/usr/bin/env bash
# Mutation testing: how much of winshm.h's behaviour the suite pins down.
# Each file in tests/mutants/ is one plausible bug, written as an exact
# find/replace edit of winshm.h (see tests/mutants/README.md). For each, this
# script applies the edit to a copy of the tree, rebuilds the x64-wine8
# configuration there and runs the suites that run under Wine (the host
# checks only where a mutant's "suites:" line names one, such as lint for
# what only ARM64 code shows), and reports whether a test noticed
# ("killed") or not ("SURVIVED").
#
#   scripts/mutants.sh [NAME...]      (default: every mutant)
#
# A mutant's "suites:" line names where it should die; those run first, and
# the whole suite only if they pass, so killed mutants cost about a minute
# and survivors a full run. Not part of CI: it takes tens of minutes.
# Output: a table on stdout, logs in build/mutants/<name>.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
. "$root/scripts/wine-env.sh"
. "$root/scripts/configure.sh"

work=${WINSHM_BUILD_DIR:-$root/build}/mutants
tree=$work/tree
build=$work/build
mkdir -p "$work"
rm -rf "$tree"
mkdir -p "$tree"
# The tracked files and the working tree's edits, without build folders.
(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
  (cd "$root" && xargs -0 cp --parents -t "$tree")
cp "$tree/winshm.h" "$work/winshm.h.orig"

root=$tree ARCH=x86_64 winshm_configure "$build" RelWithDebInfo -DWINSHM_BUILD_TESTS=ON -DWINSHM_BUILD_EXAMPLES=ON \
  -DWINSHM_WINE=8 -DWINSHM_HOST_CHECKS=ON -DCRITERION_PREFIX="$CRITERION_PREFIX" >/dev/null
wine_start
trap wine_stop EXIT

# The unmutated tree must pass, or no mutant's result means anything.
echo "mutants: building and running the unmutated suite"
cmake --build "$build" >"$work/baseline.log" 2>&1
if ! ctest --test-dir "$build" --no-tests=error --parallel "$(nproc)" -LE '^host$' >>"$work/baseline.log" 2>&1; then
  echo "mutants: the unmutated suite fails; see $work/baseline.log" >&2
  exit 1
fi

if [ $# -gt 0 ]; then
  mutants=("${@/#/$root/tests/mutants/}"); mutants=("${mutants[@]/%/.mutant}")
else
  mutants=("$root"/tests/mutants/*.mutant)
fi

# apply MUTANT: writes the mutated header over the tree's; fails if the edit
# does not match exactly once (a stale mutant, to be rewritten).
apply() {
  python3 - "$1" "$work/winshm.h.orig" "$tree/winshm.h" <<'PY'
import sys
text = open(sys.argv[1]).read()
find = text.split("@@ find\n", 1)[1].split("\n@@ replace\n", 1)[0]
replace = text.split("\n@@ replace\n", 1)[1].split("\n@@ end\n", 1)[0]
header = open(sys.argv[2]).read()
count = header.count(find)
if count != 1:
    sys.exit(f"{sys.argv[1]}: the find text occurs {count} times in winshm.h")
open(sys.argv[3], "w").write(header.replace(find, replace))
PY
}

killed=0 survived=0 broken=0 rows=()
for mutant in "${mutants[@]}"; do
  name=$(basename "$mutant" .mutant)
  breaks=$(sed -n 's/^breaks: //p' "$mutant")
  suites=$(sed -n 's/^suites: //p' "$mutant")
  wine_only=$(sed -n 's/^survives on wine: //p' "$mutant")
  log=$work/$name.log
  apply "$mutant"
  result="SURVIVED" first=""
  if ! cmake --build "$build" >"$log" 2>&1; then
    # A mutant must be a bug the compiler lets through: rewrite it.
    result="BROKEN" first="(does not compile)"
  else
    for pass in first rest; do
      if [ "$pass" = first ]; then
        [ -n "$suites" ] || continue
        select=(-R "^($(echo "$suites" | tr ' ' '|'))\$")
      else
        select=(-LE '^host$')
      fi
      if ! ctest --test-dir "$build" --no-tests=error --parallel "$(nproc)" --stop-on-failure \
                 "${select[@]}" >>"$log" 2>&1; then
        result="killed"
        first=$(sed -n 's/^.*Test *#[0-9]*: \([^ ]*\) .*\*\*\*.*/\1/p' "$log" | head -n 1)
        break
      fi
    done
  fi
  if [ "$result" = killed ]; then
    killed=$((killed + 1))
  elif [ "$result" = BROKEN ]; then
    broken=$((broken + 1))
  else
    survived=$((survived + 1))
    [ -z "$wine_only" ] || first="Wine cannot show it: $wine_only"
  fi
  row=$(printf '| %s | %s | %s | %s |' "$name" "$result" "${first:-}" "$breaks")
  rows+=("$row")
  echo "$row"
done
cp "$work/winshm.h.orig" "$tree/winshm.h"

total=$((killed + survived))
echo
echo "| mutant | result | first failing test | what it breaks |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "mutants: $killed of $total killed ($(( total ? 100 * killed / total : 0 ))%)"
[ "$broken" -eq 0 ] || echo "mutants: $broken do not compile; rewrite them"
[ "$survived" -eq 0 ] && [ "$broken" -eq 0 ]
