#!/usr/bin/env bash
# Compile time of one file that includes winshm.h, against one that includes
# <windows.h>: the median of 15 alternating compiles each (-fsyntax-only, so
# only the preprocessing and parsing that an include costs is measured).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-x86_64-w64-mingw32-gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include "winshm.h"\nint main(void) { return winshm_is_open(0); }\n' > "$tmp/winshm.c"
printf '#include <windows.h>\nint main(void) { return GetLastError() != 0; }\n' > "$tmp/windows.c"
printf 'int main(void) { return 0; }\n' > "$tmp/empty.c"
time_one() { # file -> milliseconds
  local start end
  start=$(date +%s%N)
  "$cc" -std=c99 -fsyntax-only -I"$root" "$1"
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
declare -A samples
for round in $(seq 15); do
  for f in empty winshm windows; do samples[$f]+="$(time_one "$tmp/$f.c") "; done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
e=$(median "${samples[empty]}"); w=$(median "${samples[winshm]}"); s=$(median "${samples[windows]}")
echo "Include cost ($cc -fsyntax-only, median of 15; an empty file takes $e ms):"
echo
echo "| file includes | ms | ms above an empty file |"
echo "|---|---|---|"
echo "| winshm.h | $w | $((w - e)) |"
echo "| <windows.h> | $s | $((s - e)) |"
awk -v w="$w" -v s="$s" -v e="$e" 'BEGIN { printf "\nwinshm.h / <windows.h>: %.2f of the whole compile, %.3f of the include cost\n", w / s, (w - e) / (s - e) }'
