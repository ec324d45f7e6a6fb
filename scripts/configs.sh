# Sourced by test.sh and stress.sh: the test configurations, and the
# --config option both take.
all_configs=(x64-wine8 x64-wine10 x86-wine10 x64-msvc)

# parse_configs ARGS...: sets configs to every --config NAME given (all
# configurations if none) and others to the remaining arguments, in order.
# An unknown configuration is an error (exit 2).
parse_configs() {
  configs=() others=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --config) configs+=("$2"); shift 2 ;;
      --config=*) configs+=("${1#--config=}"); shift ;;
      *) others+=("$1"); shift ;;
    esac
  done
  [ ${#configs[@]} -gt 0 ] || configs=("${all_configs[@]}")
  local c
  for c in "${configs[@]}"; do
    case " ${all_configs[*]} " in
      *" $c "*) ;;
      *) echo "$(basename "$0"): unknown configuration $c (${all_configs[*]})" >&2; exit 2 ;;
    esac
  done
}
