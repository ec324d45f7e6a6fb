#!/usr/bin/env bash
# build-criterion-mingw.sh
#
# Cross-build the Criterion unit-test framework for Windows (mingw-w64, or
# with ABI=msvc the MSVC ABI: clang-cl, lld-link and Wine's headers, import
# libraries and ucrtbase), with its dependencies BoxFort, nanomsg and
# nanopb, from the Debian sources of the
# machine's own release (apt-get source / apt-get download, no pinned
# versions; tested with Debian 12's Criterion 2.4.1, BoxFort 0.1.2, nanomsg
# 1.1.5 and nanopb 0.4.7).
#
# Result: $PREFIX/{bin/libcriterion-3.dll, lib/libcriterion.dll.a,
#         lib/libcriterion.a, lib/libboxfort.a, lib/libnanomsg.a,
#         lib/libprotobuf_nanopb_static.a, include/criterion/...}
#         (ABI=msvc: bin/criterion-3.dll, lib/criterion.lib, include/...)
#
# Adapted for winshm from the tested recipe in shared/reference/criterion-mingw.
# It does nothing when $PREFIX already holds a build of this exact recipe (a
# stamp file records the script's hash), so reruns cost nothing.
#
# Usage:  ARCH=x86_64 ./build-criterion-mingw.sh      (default)
#         ARCH=i686   ./build-criterion-mingw.sh      (32-bit)
#         ABI=msvc WINE_ROOT=DIR ./build-criterion-mingw.sh
#                     (64-bit, MSVC ABI; DIR: where libwine-dev is installed,
#                     the Wine 10 chroot for winshm; default /)
# Env:    ROOT    work dir              (default ${WINSHM_CACHE:-$HOME/.cache/winshm}/criterion-mingw)
#         PREFIX  install prefix        (default $ROOT/prefix-x64 or $ROOT/prefix-x86)
#         SMOKE=0 skip the Wine smoke test at the end
#         JOBS    ninja -j              (default nproc)
set -euo pipefail

ARCH=${ARCH:-x86_64}
ABI=${ABI:-mingw}
here=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-${WINSHM_CACHE:-$HOME/.cache/winshm}/criterion-mingw}
JOBS=${JOBS:-$(nproc)}
SMOKE=${SMOKE:-1}

case "$ARCH" in
  x86_64) TRIPLE=x86_64-w64-mingw32; CPU_FAMILY=x86_64; CPU=x86_64; SFX=x64; WINE=/usr/lib/wine/wine64
          GCCPKG=gcc-mingw-w64-x86-64 ;;
  i686)   TRIPLE=i686-w64-mingw32;   CPU_FAMILY=x86;    CPU=i686;   SFX=x86; WINE=/usr/lib/wine/wine
          GCCPKG=gcc-mingw-w64-i686 ;;
  *) echo "ARCH must be x86_64 or i686" >&2; exit 2 ;;
esac
case "$ABI" in
  mingw) DLL=libcriterion-3.dll ;;
  msvc)  [ "$ARCH" = x86_64 ] || { echo "ABI=msvc builds x86_64 only" >&2; exit 2; }
         SFX=x64-msvc DLL=criterion-3.dll WINE_ROOT=${WINE_ROOT:-/} ;;
  *) echo "ABI must be mingw or msvc" >&2; exit 2 ;;
esac
PREFIX=${PREFIX:-$ROOT/prefix-$SFX}
# The recipe: this script and the files it adds for the MSVC ABI.
STAMP=$PREFIX/.recipe-$(cat "$0" "$here"/criterion-msvc/* | sha256sum | cut -c1-16)
if [ -f "$STAMP" ] && [ -f "$PREFIX/bin/$DLL" ]; then
  echo "criterion-mingw: cached in $PREFIX"
  exit 0
fi

# Whatever versions the distribution's mirror has (no pins: Debian 12 has
# nanopb 0.4.7 and libfml-dev of 2019, Debian 13 nanopb 0.4.9.1 and
# libfml-dev of 2022; the recipe takes each release's own). Source packages:
# criterion, boxfort, nanomsg, nanopb. Binary packages, header-only:
# debugbreak (debugbreak.h) and libfml-dev (klib's khash.h and kvec.h).

SOURCES=$ROOT/sources
WORK=$ROOT/work-$SFX
BUILD=$WORK/build
t0=$(date +%s)
log() { printf '\n=== [+%ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

# --------------------------------------------------------------------------
log "0. host tools"
# Root's work (apt, the apt sources) goes through sudo when not root, as in install-deps.sh.
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
need=()
if [ "$ABI" = msvc ]; then
  # clang-cl, lld-link, llvm-lib and llvm-ml of the one LLVM that clang is.
  command -v clang >/dev/null || need+=(clang)
  llvm=/usr/lib/llvm-$(clang -dumpversion 2>/dev/null | cut -d. -f1)/bin
  for tool in clang-cl lld-link llvm-lib llvm-ml llvm-readobj; do
    [ -x "$llvm/$tool" ] || need+=(clang lld llvm)
  done
  [ -f "$WINE_ROOT/usr/include/wine/wine/windows/windows.h" ] ||
    { echo "ABI=msvc: no Wine headers under WINE_ROOT=$WINE_ROOT (scripts/wine10-setup.sh installs them)" >&2; exit 1; }
else
  command -v $TRIPLE-gcc >/dev/null || need+=("$GCCPKG")
fi
command -v meson       >/dev/null || need+=(meson)
command -v ninja       >/dev/null || need+=(ninja-build)
command -v cmake       >/dev/null || need+=(cmake)
command -v python3     >/dev/null || need+=(python3)
command -v patch       >/dev/null || need+=(patch)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# sed, not head: head quits early and, under pipefail, its writer's SIGPIPE fails the script.
if [ "$ABI" = msvc ]; then
  llvm=/usr/lib/llvm-$(clang -dumpversion | cut -d. -f1)/bin
  "$llvm/clang-cl" --version | sed -n 1p
else
  $TRIPLE-gcc --version | sed -n 1p
fi
meson --version; ninja --version; cmake --version | sed -n 1p

# --------------------------------------------------------------------------
log "1. fetch Debian sources into $SOURCES"
mkdir -p "$SOURCES"
cd "$SOURCES"
# apt-get source needs deb-src entries and a Sources index. A fresh Debian machine has only
# 'Types: deb'; add a deb-src twin of each deb822 source file (same mirror, suites, keys).
if ! grep -rqs 'deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed 's/^Types:.*/Types: deb-src/' "$f" | $SUDO tee "/etc/apt/sources.list.d/src-$(basename "$f")" >/dev/null
  done
  if [ -f /etc/apt/sources.list ]; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee /etc/apt/sources.list.d/src-sources.list >/dev/null || true
  fi
  $SUDO apt-get update -qq
fi
ls /var/lib/apt/lists/*_Sources* >/dev/null 2>&1 || $SUDO apt-get update -qq
# The newest orig tarball of a source package here, by version.
orig_of() { ls "$SOURCES/$1"_*.orig.tar.* 2>/dev/null | sort -V | tail -1; }
fetch_src() {  # $1=srcpkg
  if [ -z "$(orig_of "$1")" ]; then
    # The .debian.tar.xz often 404s on this mirror; only the .orig tarball
    # matters, so apt-get's non-zero exit is tolerated and the tarball checked.
    apt-get source --download-only "$1" || true
  fi
  [ -n "$(orig_of "$1")" ] || { echo "missing the orig tarball of $1" >&2; exit 1; }
}
for package in criterion boxfort nanomsg nanopb; do fetch_src "$package"; done
ls debugbreak_*.deb >/dev/null 2>&1 || apt-get download debugbreak
ls libfml-dev_*.deb >/dev/null 2>&1 || apt-get download libfml-dev
sha256sum *.orig.tar.* *.deb

# --------------------------------------------------------------------------
log "2. unpack into $WORK"
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"
# Unpacks a source package's orig tarball here and prints the folder it made.
unpack() {
  local tarball top
  tarball=$(orig_of "$1")
  top=$(tar tf "$tarball" | awk -F/ 'NR == 1 {print $1}')
  tar xf "$tarball"
  echo "$WORK/$top"
}
CRIT=$(unpack criterion)
SP=$CRIT/subprojects
echo "Criterion in $CRIT"
# meson uses an existing subprojects/<dir> instead of the git wraps
# (together with --wrap-mode=nodownload nothing is fetched from the network).
mv "$(unpack boxfort)" "$SP/boxfort"
mv "$(unpack nanomsg)" "$SP/nanomsg"
mv "$(unpack nanopb)"  "$SP/nanopb"
# git submodules missing from the orig tarball: dependencies/{klib,debugbreak}
mkdir -p debx
dpkg-deb -x "$SOURCES"/debugbreak_*.deb debx
dpkg-deb -x "$SOURCES"/libfml-dev_*.deb debx
cp debx/usr/include/debugbreak.h                         "$CRIT/dependencies/debugbreak/"
cp debx/usr/include/fml/khash.h debx/usr/include/fml/kvec.h "$CRIT/dependencies/klib/"

# --------------------------------------------------------------------------
log "3. patch BoxFort (+ one Criterion fix)"
cd "$SP/boxfort"
# 3a. Criterion 2.4.1 needs BoxFort's debugger-fallback API (BXF_DBG_FALLBACK &
#     co.), which is newer than the 0.1.2 tag. Debian's libboxfort-dev 0.1.2-2
#     cherry-picked it; its debian/ tarball is not on the mirror, so add the same
#     header API here (result is identical to Debian's installed boxfort.h) and
#     mask the flag where the debugger is selected.
patch -p1 <<'EOF'
--- a/include/boxfort.h
+++ b/include/boxfort.h
@@ -203,6 +203,8 @@
     BXF_DBG_GDB, /* Spawn with gdbserver */
     BXF_DBG_LLDB, /* Spawn with lldb-server */
     BXF_DBG_WINDBG, /* Spawn with windbg (Windows only) */
+    /* add up to 32 debuggers here */
+    BXF_DBG_FALLBACK = 0x20 /* fallback to suspended sandbox */
 };
 
 #if defined (__clang__)
@@ -213,6 +215,10 @@
 # define BXF_DBG_NATIVE BXF_DBG_WINDBG
 #endif
 
+#define BXF_DBG_ENABLE_FALLBACK(debugger) (debugger |= BXF_DBG_FALLBACK)
+#define BXF_DBG_IS_FALLBACK_ENABLED(debugger) (debugger & BXF_DBG_FALLBACK)
+#define BXF_DBG_GET_DEBUGGER(debugger) (debugger & ~BXF_DBG_FALLBACK)
+
 struct bxf_debug {
     enum bxf_debugger debugger;
     int tcp;
EOF
sed -i 's/switch (sandbox->debug\.debugger)/switch (BXF_DBG_GET_DEBUGGER(sandbox->debug.debugger))/' \
    src/sandbox-windows.c src/sandbox-posix.c
grep -c 'switch (BXF_DBG_GET_DEBUGGER' src/sandbox-windows.c src/sandbox-posix.c
# 3b. Race in the Windows timeout killer: it called TerminateProcess() before
#     setting status.timed_out, so the child-exit callback could see exit code
#     0xEFFFFFFF first and report the timeout as a crash (seen once under Wine).
patch -p1 <<'EOF'
--- a/src/timeout-windows.c
+++ b/src/timeout-windows.c
@@ -38,8 +38,8 @@
     if (WaitForSingleObject(sb->proc, 0) == WAIT_OBJECT_0)
         return;
 
-    TerminateProcess(sb->proc, BXFI_TIMEOUT_STATUS);
     sb->props.status.timed_out = 1;
+    TerminateProcess(sb->proc, BXFI_TIMEOUT_STATUS);
 }
 
 int bxfi_push_timeout(struct bxfi_sandbox_s *instance, double timeout)
EOF

# 3c. The Windows arena looks for a random place between 1 and 2 GiB (32-bit)
#     whose pages VirtualQuery calls free, 10 times, and gives up with ENOMEM
#     if none is. Under 32-bit Wine 10 VirtualQuery calls that whole range
#     reserved (Wine keeps it for the program and maps there on request), so
#     every 32-bit test program died with "Could not initialize inheritable
#     arena". Ask MapViewOfFileEx instead, and try another place when it
#     refuses: on Windows an occupied place is refused the same way.
patch -p1 <<'EOF'
--- a/src/arena.c
+++ b/src/arena.c
@@ -152,17 +152,10 @@
         if (base > mmap_max || base < mmap_base)
             continue;
 
-        for (void *addr = base; addr < ptr_add(base, initial);
-                addr = ptr_add(addr, PAGE_SIZE))
-        {
-            if (page_mapped(addr))
-                goto retry;
-        }
-
         a = MapViewOfFileEx(hndl, FILE_MAP_WRITE, 0, 0, initial, base);
 
         if (!a)
-            goto error;
+            goto retry;
 
         if (!VirtualAlloc(a, initial, MEM_COMMIT, PAGE_READWRITE))
             goto error;
EOF

# 3d. Windows monotonic timestamps (Criterion compat/time.c, BoxFort timestamp.c)
#     compute count*1e9 in 64 bits, which overflows once QueryPerformanceCounter
#     exceeds ~1845 s at the usual 10 MHz frequency (under Wine: host uptime
#     > ~31 min). Reported test durations then become garbage (e.g. 1.09s for a
#     trivial test, or 18446743552.00s). Take the sub-second part from
#     count % freq instead.
cd "$CRIT"
sed -i 's|uint64_t nano = ((count\.QuadPart \* GIGA) / freq\.QuadPart) % GIGA;|uint64_t nano = ((uint64_t) (count.QuadPart % freq.QuadPart) * GIGA) / freq.QuadPart;|' \
    src/compat/time.c subprojects/boxfort/src/timestamp.c
for f in src/compat/time.c subprojects/boxfort/src/timestamp.c; do
  grep -q 'count.QuadPart % freq.QuadPart' "$f" || { echo "timestamp patch failed: $f" >&2; exit 1; }
done

# 3e. Criterion (compat/section-pe.c) and BoxFort (exe-pe.c) list the
#     process's own modules with CreateToolhelp32Snapshot(TH32CS_SNAPMODULE).
#     Wine builds that list by reading the process's memory from outside,
#     which fails (ERROR_NOACCESS) when 32-bit Wine runs under qemu-user,
#     whose guest memory sits at an offset: every test program died at start.
#     Walk the loader's own module list in-process instead (the PEB's
#     in-memory-order list), which needs no outside read, through three
#     stand-ins with the Toolhelp calls' shapes.
cat > "$CRIT/src/compat/ldr-modules.h" <<'EOF'
/* In-process stand-ins for the Toolhelp module snapshot (winshm's Criterion
   build): the loader's list, read from this process's PEB, not from outside. */
#ifndef LDR_MODULES_H
#define LDR_MODULES_H
#include <windows.h>
#include <winternl.h>
#include <tlhelp32.h>
#include <stdlib.h>

/* Wine's headers (the MSVC-ABI build uses them) name the TEB's and the
   PEB's members after Wine's own code. */
#ifdef __WINE_WINTERNL_H
# define LDR_DATA_OF_PROCESS() (NtCurrentTeb()->Peb->LdrData)
#else
# define LDR_DATA_OF_PROCESS() (NtCurrentTeb()->ProcessEnvironmentBlock->Ldr)
#endif

/* A snapshot: the module handles, counted, in load order. */
typedef struct { DWORD count; HMODULE modules[1]; } ldr_snapshot;

static HANDLE ldr_snapshot_modules(DWORD flags, DWORD pid)
{
    PEB_LDR_DATA *ldr = LDR_DATA_OF_PROCESS();
    LIST_ENTRY *head = &ldr->InMemoryOrderModuleList, *link;
    DWORD count = 0;
    ldr_snapshot *snap;
    (void) flags; (void) pid;
    for (link = head->Flink; link != head; link = link->Flink)
        count++;
    snap = (ldr_snapshot *) malloc(sizeof *snap + count * sizeof (HMODULE));
    if (!snap) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    snap->count = 0;
    for (link = head->Flink; link != head && snap->count < count; link = link->Flink) {
        LDR_DATA_TABLE_ENTRY *entry = CONTAINING_RECORD(link, LDR_DATA_TABLE_ENTRY, InMemoryOrderLinks);
        snap->modules[snap->count++] = (HMODULE) entry->DllBase;
    }
    return (HANDLE) snap;
}

/* The cursor lives in the entry's th32ModuleID, which no caller reads. */
static BOOL ldr_module_at(HANDLE handle, MODULEENTRY32 *mod, DWORD index)
{
    ldr_snapshot *snap = (ldr_snapshot *) handle;
    if (index >= snap->count) {
        SetLastError(ERROR_NO_MORE_FILES);
        return FALSE;
    }
    mod->th32ModuleID = index;
    mod->hModule = snap->modules[index];
    mod->modBaseAddr = (BYTE *) snap->modules[index];
    return TRUE;
}
static BOOL ldr_first_module(HANDLE snap, MODULEENTRY32 *mod) { return ldr_module_at(snap, mod, 0); }
static BOOL ldr_next_module(HANDLE snap, MODULEENTRY32 *mod) { return ldr_module_at(snap, mod, mod->th32ModuleID + 1); }
#endif
EOF
cp "$CRIT/src/compat/ldr-modules.h" "$SP/boxfort/src/ldr-modules.h"
for f in src/compat/section-pe.c subprojects/boxfort/src/exe-pe.c; do
  sed -i -e 's|#include <tlhelp32.h>|&\n#include "ldr-modules.h"|' \
         -e 's|CreateToolhelp32Snapshot(|ldr_snapshot_modules(|' \
         -e 's|Module32First(|ldr_first_module(|' -e 's|Module32Next(|ldr_next_module(|' "$f"
  grep -q 'ldr_next_module(' "$f" && ! grep -q 'Module32Next(\|CreateToolhelp32Snapshot(' "$f" ||
    { echo "module-list patch failed: $f" >&2; exit 1; }
done

if [ "$ABI" = msvc ]; then
  # 3f. The MSVC ABI, with clang-cl over Wine's headers and C runtime. Meson
  #     calls clang-cl "clang-cl", not "msvc", so Criterion's and BoxFort's
  #     MSVC routes need telling; the rest is what clang-cl, llvm-ml and
  #     Wine's runtime do differently from MSVC's. Each edit is checked.
  cd "$CRIT"
  check() { grep -q "$2" "$1" || { echo "MSVC patch failed: $1 ($2)" >&2; exit 1; }; }
  # clang-cl makes __pragma a #pragma line, which may not stand between an
  # initialiser and its ';' (Criterion's data_seg push and pop around each
  # section variable), nor __pragma(warning) in a parameter list.
  python3 - include/criterion/internal/common.h <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
msvc = "#elif CR_IS_MSVC\n# define CR_SECTION_START_SUFFIX(Name)\n"
unused = "#ifdef __GNUC__\n# define CR_UNUSED      CR_ATTRIBUTE(unused)"
assert msvc in s and unused in s
s = s.replace(msvc, "#elif CR_IS_MSVC && defined (__clang__)\n# define CR_SECTION_START_SUFFIX(Name)\n"
              "# define CR_SECTION_END_SUFFIX(Name)\n"
              "# define CR_SECTION_(Name) __pragma(section(Name, read)) __declspec(allocate(Name))\n"
              "# define CR_SECTION_SUFFIX_\n" + msvc, 1)
s = s.replace(unused, "#if defined (__GNUC__) || defined (__clang__)\n# define CR_UNUSED      __attribute__((unused))", 1)
open(p, "w").write(s)
PY
  check include/criterion/internal/common.h 'CR_IS_MSVC && defined (__clang__)'
  # An external definition that other files call: clang-cl emits none for
  # a __forceinline one.
  sed -i 's|^CSPTR_INLINE void \*get_smart_ptr_meta(void \*ptr) {|void *get_smart_ptr_meta(void *ptr) {|' src/csptr/mman.c
  check src/csptr/mman.c '^void \*get_smart_ptr_meta(void \*ptr) {'
  # MSVC's runtime gives every DLL its TLS directory and runs the .CRT$XC*
  # initialisers (BoxFort's start-up); Wine's does neither (msvc-runtime.c).
  cp "$here/criterion-msvc/msvc-runtime.c" src/compat/
  printf "if cc.get_id() == 'clang-cl'\n\tsources += files('compat/msvc-runtime.c')\nendif\n\n" > "$WORK/msvc-sources.meson"
  sed -i "/^configure_file(input *: 'config.h.in',/e cat $WORK/msvc-sources.meson" src/meson.build
  check src/meson.build "compat/msvc-runtime.c"
  # BoxFort's MSVC route (MASM trampoline and setjmp) for clang-cl too,
  # through llvm-ml, which wants plain labels, sized memory operands, and
  # the trampoline's indirect jump as bytes (it assembles
  # "jmp qword ptr addr_data" as a direct jump to the label).
  sed -i "s/if cc.get_id() == 'msvc'/if cc.get_id() == 'msvc' or cc.get_id() == 'clang-cl'/" "$SP/boxfort/src/meson.build"
  check "$SP/boxfort/src/meson.build" "cc.get_id() == 'clang-cl'"
  for f in "$SP"/boxfort/src/asm/*-x86_64.asm; do
    sed -i -E 's/^([A-Za-z_]+) label far/\1:/; s/^(\s+)(pop|push) \[/\1\2 qword ptr [/' "$f"
  done
  sed -i 's|^  jmp     qword ptr addr_data|  db 0FFh, 25h, 02h, 00h, 00h, 00h ; jmp qword ptr [rip + 2]|' \
    "$SP/boxfort/src/asm/trampoline-x86_64.asm"
  check "$SP/boxfort/src/asm/trampoline-x86_64.asm" '^  db 0FFh, 25h'
  check "$SP/boxfort/src/asm/setjmp-x86_64.asm" 'pop qword ptr \[rcx + 80\]'
fi

# --------------------------------------------------------------------------
log "4. meson cross file"
CROSS=$WORK/$TRIPLE.ini
if [ "$ABI" = msvc ]; then
  # clang-cl and llvm-ml behind the names meson and BoxFort look for, with
  # Wine's headers, Criterion's getopt and Wine's gaps (criterion-msvc/).
  # WINE_UNICODE_NATIVE: WCHAR is wchar_t, as in the SDK. /GS-: Wine's
  # runtime has no security cookie.
  wine_include=$WINE_ROOT/usr/include/wine/wine
  wine_lib=$WINE_ROOT/usr/lib/x86_64-linux-gnu/wine/x86_64-windows
  mkdir -p "$WORK/bin" "$WORK/import-libs"
  cat > "$WORK/bin/clang-cl" <<WRAPPER
#!/bin/sh
exec "$llvm/clang-cl" --target=x86_64-pc-windows-msvc -fuse-ld=lld -imsvc "$wine_include/msvcrt" \\
  -imsvc "$wine_include/windows" -DWINE_UNICODE_NATIVE /GS- -I"$here/criterion-msvc" \\
  /FI"$here/criterion-msvc/wine-gaps.h" "\$@"
WRAPPER
  printf '#!/bin/sh\nexec "%s/llvm-ml" -m64 "$@"\n' "$llvm" > "$WORK/bin/ml64"
  chmod +x "$WORK/bin/clang-cl" "$WORK/bin/ml64"
  # Wine's import libraries are libNAME.a; links ask for NAME.lib.
  for lib in "$wine_lib"/lib*.a; do
    name=$(basename "$lib" .a)
    ln -sf "$lib" "$WORK/import-libs/${name#lib}.lib"
  done
  # The POSIX names that ucrtbase exports only with an underscore are
  # aliased, as MSVC's oldnames.lib does.
  cat > "$CROSS" <<EOF
[binaries]
c       = '$WORK/bin/clang-cl'
c_ld    = '$llvm/lld-link'
ar      = '$llvm/llvm-lib'
windres = '$llvm/llvm-rc'
cmake   = 'cmake'

[properties]
needs_exe_wrapper = true

[cmake]
CMAKE_SYSTEM_NAME  = 'Windows'
CMAKE_C_COMPILER   = '$WORK/bin/clang-cl'
CMAKE_TRY_COMPILE_TARGET_TYPE = 'STATIC_LIBRARY'
# Compile-only checks would find POSIX threads in Wine's runtime: it has none.
CMAKE_HAVE_PTHREAD_H = 'OFF'
CMAKE_HAVE_LIBC_PTHREAD = 'OFF'
CMAKE_HAVE_PTHREADS_CREATE = 'OFF'
CMAKE_HAVE_PTHREAD_CREATE = 'OFF'

[built-in options]
b_vscrt = 'none'
c_link_args = ['/libpath:$wine_lib', '/libpath:$WORK/import-libs', '/nodefaultlib', 'libwinecrt0.a', 'libucrtbase.a',
               'libkernel32.a', '/alternatename:getcwd=_getcwd', '/alternatename:__imp_getcwd=__imp__getcwd',
               '/alternatename:isatty=_isatty', '/alternatename:__imp_isatty=__imp__isatty']

[host_machine]
system     = 'windows'
cpu_family = 'x86_64'
cpu        = 'x86_64'
endian     = 'little'
EOF
else
cat > "$CROSS" <<EOF
[binaries]
c       = '$TRIPLE-gcc'
ar      = '$TRIPLE-ar'
strip   = '$TRIPLE-strip'
windres = '$TRIPLE-windres'
cmake   = 'cmake'

[properties]
needs_exe_wrapper = true

[cmake]
CMAKE_SYSTEM_NAME  = 'Windows'
CMAKE_C_COMPILER   = '$TRIPLE-gcc'
CMAKE_RC_COMPILER  = '$TRIPLE-windres'

[built-in options]
# no libgcc_s_*.dll runtime dependency
c_link_args = ['-static-libgcc']
# mingw-w64 GCC 14 (Debian 13) makes this an error, and nanomsg's Windows
# code passes pointer types that differ only in qualifiers; harmless here.
c_args = ['-Wno-error=incompatible-pointer-types']

[host_machine]
system     = 'windows'
cpu_family = '$CPU_FAMILY'
cpu        = '$CPU'
endian     = 'little'
EOF
fi
cat "$CROSS"

# --------------------------------------------------------------------------
log "5. configure / build / install Criterion -> $PREFIX"
rm -rf "$PREFIX"
cd "$CRIT"
[ "$ABI" != msvc ] || export PATH="$WORK/bin:$PATH" # ml64, for BoxFort
meson setup "$BUILD" \
  --cross-file "$CROSS" \
  --prefix "$PREFIX" --libdir lib \
  --buildtype release \
  --wrap-mode nodownload \
  -Dtests=false -Dsamples=false -Di18n=disabled \
  -Dtheories=disabled -Ddiffs=disabled -Dcxx-support=disabled \
  -Dboxfort:tests=false -Dboxfort:samples=false
ninja -C "$BUILD" -j "$JOBS"
meson install -C "$BUILD"
if [ "$ABI" = msvc ]; then
  "$llvm/llvm-readobj" --coff-imports "$PREFIX/bin/$DLL" | sed -n 's/^ *Name: /DLL Name: /p' | sort -u
else
# BoxFort is linked into libcriterion-3.dll; install a static libboxfort.a too so
# that libcriterion.a can be used for fully static test executables. (meson's own
# libboxfort.a is a *thin* archive pointing into the build dir: repack it.)
rm -f "$PREFIX/lib/libboxfort.a"
$TRIPLE-ar crs "$PREFIX/lib/libboxfort.a" "$BUILD"/subprojects/boxfort/src/libboxfort.a.p/*.obj
$TRIPLE-objdump -p "$PREFIX/bin/libcriterion-3.dll" | grep 'DLL Name'
fi

# --------------------------------------------------------------------------
if [ "$SMOKE" = 1 ] && [ "$ABI" = msvc ]; then
  # Under Wine 10, in its chroot: a test that passes, one that fails and one
  # that crashes must each be reported as such.
  log "6. smoke test under Wine 10"
  S=$WORK/smoke; mkdir -p "$S"; cd "$S"
  cat > smoke.c <<'EOF'
#include <windows.h>
#include <criterion/criterion.h>
Test(smoke, passes) { cr_assert_eq(GetCurrentProcessId(), GetCurrentProcessId()); }
Test(smoke, fails) { cr_assert_eq(1, 2); }
Test(smoke, crashes) { *(volatile int *) 0 = 1; }
EOF
  "$WORK/bin/clang-cl" -I"$PREFIX/include" smoke.c /Fesmoke.exe /link /libpath:"$wine_lib" /libpath:"$PREFIX/lib" \
    /nodefaultlib criterion.lib libwinecrt0.a libucrtbase.a libkernel32.a
  cp "$PREFIX/bin/$DLL" .
  # shellcheck source=scripts/wine10-env.sh
  . "$here/wine10-env.sh"
  wine10_session "$S" -- "$here/wine10-run.sh" "$S/smoke.exe" --verbose >smoke.log 2>&1 </dev/null || true
  cat smoke.log
  grep -q 'Tested: 3 | Passing: 1 | Failing: 2 | Crashing: 1' smoke.log ||
    { echo "the MSVC-ABI Criterion does not report a pass, a failure and a crash as such" >&2; exit 1; }
elif [ "$SMOKE" = 1 ] && [ -x "$WINE" ]; then
  log "6. smoke test under Wine"
  S=$WORK/smoke; mkdir -p "$S"; cd "$S"
  cat > smoke.c <<'EOF'
#include <windows.h>
#include <criterion/criterion.h>
Test(smoke, shm) {
    HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "Local\\crit_smoke");
    cr_assert_not_null(h);
    char *p = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    cr_assert_not_null(p);
    p[0] = 'x';
    cr_assert_eq(p[0], 'x');
    UnmapViewOfFile(p); CloseHandle(h);
}
EOF
  $TRIPLE-gcc -std=gnu11 -I"$PREFIX/include" smoke.c -o smoke.exe -L"$PREFIX/lib" -lcriterion -static-libgcc
  cp "$PREFIX/bin/libcriterion-3.dll" .
  export WINEPREFIX=${WINEPREFIX:-$ROOT/wineprefix-$SFX} WINEDEBUG=-all WINEDLLOVERRIDES="winedbg.exe=d"
  timeout 300 "$WINE" ./smoke.exe --verbose </dev/null
  /usr/lib/wine/wineserver -k || true   # don't leave Wine helpers holding our stdout
fi

touch "$STAMP"
log "done in $(( $(date +%s) - t0 ))s; prefix size: $(du -sh "$PREFIX" | cut -f1)"
