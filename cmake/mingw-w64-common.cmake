# Shared by the two toolchain files: cross-compiling for Windows with
# mingw-w64 (WINSHM_TRIPLE set by the includer); ctest runs the programs
# under Wine. WINSHM_WINE=10 selects Wine 10 in its chroot
# (scripts/wine10-setup.sh) instead of the host's Wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_C_COMPILER ${WINSHM_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${WINSHM_TRIPLE}-g++)
set(CMAKE_RC_COMPILER ${WINSHM_TRIPLE}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${WINSHM_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(WINSHM_WINE "8" CACHE STRING "Which Wine runs the tests: 8 (the host's) or 10 (the chroot's)")
if(WINSHM_WINE STREQUAL "10")
  set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../scripts/wine10-run.sh)
else()
  set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../scripts/wine-run.sh)
endif()
