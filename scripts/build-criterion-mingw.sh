#!/usr/bin/env bash
# build-criterion-mingw.sh
#
# Cross-build the Criterion unit-test framework for Windows (mingw-w64), with
# its dependencies BoxFort, nanomsg and nanopb, from the Debian sources of the
# machine's own release (apt-get source / apt-get download, no pinned
# versions; tested with Debian 12's Criterion 2.4.1, BoxFort 0.1.2, nanomsg
# 1.1.5 and nanopb 0.4.7).
#
# Result: $PREFIX/{bin/libcriterion-3.dll, lib/libcriterion.dll.a,
#         lib/libcriterion.a, lib/libboxfort.a, lib/libnanomsg.a,
#         lib/libprotobuf_nanopb_static.a, include/criterion/...}
#
# Adapted for winshm from the tested recipe in shared/reference/criterion-mingw.
# It does nothing when $PREFIX already holds a build of this exact recipe (a
# stamp file records the script's hash), so reruns cost nothing.
#
# Usage:  ARCH=x86_64 ./build-criterion-mingw.sh      (default)
#         ARCH=i686   ./build-criterion-mingw.sh      (32-bit)
# Env:    ROOT    work dir              (default ${WINSHM_CACHE:-$HOME/.cache/winshm}/criterion-mingw)
#         PREFIX  install prefix        (default $ROOT/prefix-x64 or $ROOT/prefix-x86)
#         SMOKE=0 skip the Wine smoke test at the end
#         JOBS    ninja -j              (default nproc)
set -euo pipefail

ARCH=${ARCH:-x86_64}
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
PREFIX=${PREFIX:-$ROOT/prefix-$SFX}
STAMP=$PREFIX/.recipe-$(sha256sum "$0" | cut -c1-16)
if [ -f "$STAMP" ] && [ -f "$PREFIX/bin/libcriterion-3.dll" ]; then
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
command -v $TRIPLE-gcc >/dev/null || need+=("$GCCPKG")
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
$TRIPLE-gcc --version | sed -n 1p; meson --version; ninja --version; cmake --version | sed -n 1p

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

/* A snapshot: the module handles, counted, in load order. */
typedef struct { DWORD count; HMODULE modules[1]; } ldr_snapshot;

static HANDLE ldr_snapshot_modules(DWORD flags, DWORD pid)
{
    PEB_LDR_DATA *ldr = NtCurrentTeb()->ProcessEnvironmentBlock->Ldr;
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

# --------------------------------------------------------------------------
log "4. meson cross file"
CROSS=$WORK/$TRIPLE.ini
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
cat "$CROSS"

# --------------------------------------------------------------------------
log "5. configure / build / install Criterion -> $PREFIX"
rm -rf "$PREFIX"
cd "$CRIT"
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
# BoxFort is linked into libcriterion-3.dll; install a static libboxfort.a too so
# that libcriterion.a can be used for fully static test executables. (meson's own
# libboxfort.a is a *thin* archive pointing into the build dir: repack it.)
rm -f "$PREFIX/lib/libboxfort.a"
$TRIPLE-ar crs "$PREFIX/lib/libboxfort.a" "$BUILD"/subprojects/boxfort/src/libboxfort.a.p/*.obj
$TRIPLE-objdump -p "$PREFIX/bin/libcriterion-3.dll" | grep 'DLL Name'

# --------------------------------------------------------------------------
if [ "$SMOKE" = 1 ] && [ -x "$WINE" ]; then
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
