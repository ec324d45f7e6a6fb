# Sourced by the scripts: the one configure step, for Windows with mingw-w64,
# or with another toolchain file of cmake/ (programs run under Wine through
# the toolchain file's emulator).
#
#   [ARCH=x86_64|i686] [TOOLCHAIN=NAME] winshm_configure BUILD_DIR BUILD_TYPE [more cmake arguments]
winshm_configure() {
  local build=$1 type=$2
  shift 2
  cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/${TOOLCHAIN:-mingw-w64-${ARCH:-x86_64}}.cmake" \
    -DCMAKE_BUILD_TYPE="$type" "$@"
}
