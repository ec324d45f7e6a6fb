# Cross-compiling for 64-bit Windows the way MSVC builds: clang-cl in MSVC
# mode, Wine's Windows and C runtime headers (Debian's libwine-dev), lld-link
# against Wine's PE import libraries and its C runtime (ucrtbase), no
# mingw-w64 anywhere. ctest runs the programs under Wine.
#
#   WINSHM_WINE_ROOT  where libwine-dev is installed: "/" for the host's, or
#                     the Wine 10 chroot (scripts/test.sh passes it)
#   WINSHM_WINE       8 or 10: which Wine runs the programs, as in
#                     mingw-w64-common.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(WINSHM_WINE_ROOT "/" CACHE PATH "Where Wine's libwine-dev is installed")
set(WINSHM_WINE "10" CACHE STRING "Which Wine runs the tests: 8 (the host's) or 10 (the chroot's)")
# The clang-cl, lld-link and llvm-lib of one LLVM: the one of clang.
execute_process(COMMAND clang -dumpversion OUTPUT_VARIABLE winshm_clang_version OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX MATCH "^[0-9]+" winshm_llvm "${winshm_clang_version}")
set(winshm_llvm_bin /usr/lib/llvm-${winshm_llvm}/bin)
set(CMAKE_C_COMPILER ${winshm_llvm_bin}/clang-cl)
set(CMAKE_CXX_COMPILER ${winshm_llvm_bin}/clang-cl)
set(CMAKE_LINKER ${winshm_llvm_bin}/lld-link)
set(CMAKE_AR ${winshm_llvm_bin}/llvm-lib)
set(CMAKE_MT ${winshm_llvm_bin}/llvm-mt)
set(CMAKE_RC_COMPILER ${winshm_llvm_bin}/llvm-rc)
set(CMAKE_C_COMPILER_TARGET x86_64-pc-windows-msvc)
set(CMAKE_CXX_COMPILER_TARGET x86_64-pc-windows-msvc)
set(winshm_wine_include ${WINSHM_WINE_ROOT}/usr/include/wine/wine)
set(winshm_wine_lib ${WINSHM_WINE_ROOT}/usr/lib/x86_64-linux-gnu/wine/x86_64-windows)
# WINE_UNICODE_NATIVE: WCHAR is wchar_t, as in the SDK (Wine's own PE builds
# define it too). /GS-: Wine's runtime has no security cookie.
set(winshm_flags "-imsvc ${winshm_wine_include}/msvcrt -imsvc ${winshm_wine_include}/windows -DWINE_UNICODE_NATIVE /GS-")
# What Wine's headers leave out and the SDK's have (wine-msvc-gaps.h).
string(APPEND winshm_flags " /FI${CMAKE_CURRENT_LIST_DIR}/wine-msvc-gaps.h")
set(CMAKE_C_FLAGS_INIT "${winshm_flags}")
set(CMAKE_CXX_FLAGS_INIT "${winshm_flags} /EHsc")
# Wine's import libraries are named libNAME.a; a link of NAME (advapi32)
# asks for NAME.lib. A folder of NAME.lib links to them answers.
set(winshm_lib_links ${CMAKE_BINARY_DIR}/wine-import-libs)
file(MAKE_DIRECTORY ${winshm_lib_links})
file(GLOB winshm_wine_import_libs ${winshm_wine_lib}/lib*.a)
foreach(lib IN LISTS winshm_wine_import_libs)
  get_filename_component(name ${lib} NAME_WE)
  string(REGEX REPLACE "^lib" "" name ${name})
  if(NOT EXISTS ${winshm_lib_links}/${name}.lib)
    file(CREATE_LINK ${lib} ${winshm_lib_links}/${name}.lib SYMBOLIC)
  endif()
endforeach()
# Wine's C runtime and start-up code stand in for MSVC's.
set(CMAKE_C_STANDARD_LIBRARIES "libwinecrt0.a libucrtbase.a libkernel32.a" CACHE STRING "" FORCE)
set(CMAKE_CXX_STANDARD_LIBRARIES "libwinecrt0.a libucrtbase.a libkernel32.a" CACHE STRING "" FORCE)
foreach(kind EXE SHARED MODULE)
  set(CMAKE_${kind}_LINKER_FLAGS_INIT "/libpath:${winshm_wine_lib} /libpath:${winshm_lib_links} /nodefaultlib /manifest:no")
endforeach()
set(CMAKE_MSVC_RUNTIME_LIBRARY "")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
if(WINSHM_WINE STREQUAL "10")
  set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../scripts/wine10-run.sh)
else()
  set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../scripts/wine-run.sh)
endif()
