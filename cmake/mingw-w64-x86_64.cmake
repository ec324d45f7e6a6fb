# Cross-compiling for 64-bit Windows with mingw-w64; ctest runs the programs under Wine.
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(WINSHM_TRIPLE x86_64-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
