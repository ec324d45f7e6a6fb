# Cross-compiling for 32-bit Windows with mingw-w64; ctest runs the programs
# under Wine 10 (the host's Wine 8 cannot run 32-bit programs: no wine32).
set(CMAKE_SYSTEM_PROCESSOR i686)
set(WINSHM_TRIPLE i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
