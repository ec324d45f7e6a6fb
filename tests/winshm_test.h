/* Helpers shared by the Criterion suites. Tests may include <windows.h>; the
 * header's own independence from it is checked in tests/compile/. */
#ifndef WINSHM_TEST_H
#define WINSHM_TEST_H

#include <windows.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Count the library's heap blocks, so that every test can assert that a
 * failing call left none behind. */
static long winshm_test_live_blocks;
static int winshm_test_refuse_allocations; /* non-zero: the allocator fails, as when memory is out */
static inline void *winshm_test_malloc(size_t bytes)
{
    void *p = winshm_test_refuse_allocations ? NULL : malloc(bytes);
    if (p)
        InterlockedIncrement(&winshm_test_live_blocks);
    return p;
}
static inline void winshm_test_free(void *p)
{
    if (p)
        InterlockedDecrement(&winshm_test_live_blocks);
    free(p);
}
#define WINSHM_MALLOC(bytes) winshm_test_malloc(bytes)
#define WINSHM_FREE(pointer) winshm_test_free(pointer)
#include "winshm.h"

#include "test_support.h"

#include <criterion/criterion.h>

/* A name no other test or process of this run uses: Criterion runs tests in
 * parallel processes, and named objects are machine-wide. */
static inline const char *unique_name(const char *tag)
{
    static char names[16][160];
    static unsigned counter;
    char *name = names[counter % 16];
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now); /* process ids are reused; the clock is not */
    snprintf(name, sizeof names[0], "Local\\winshm_test_%lu_%llx_%s_%u", (unsigned long)GetCurrentProcessId(),
             (unsigned long long)now.QuadPart, tag, counter);
    ++counter;
    return name;
}

static inline const wchar_t *widen(const char *utf8)
{
    static wchar_t buffers[4][400];
    static unsigned next;
    wchar_t *out = buffers[next++ % 4];
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, out, 400);
    cr_assert_gt(n, 0, "widen(%s) failed", utf8);
    return out;
}

/* The value the next new handle gets. Handle tables reuse the lowest free
 * slot, so if this climbs across a loop, the loop leaked handles. (Wine's
 * GetProcessHandleCount always says 0, so counting is not possible there.) */
static inline uintptr_t next_handle_value(void)
{
    HANDLE probe = CreateEventW(NULL, FALSE, FALSE, NULL);
    cr_assert_not_null(probe);
    CloseHandle(probe);
    return (uintptr_t)probe;
}

/* Bytes of this process's address space in use: all of it, or only what
 * views of sections hold (only_views). */
static inline uint64_t address_space_in_use(int only_views)
{
    SYSTEM_INFO info;
    MEMORY_BASIC_INFORMATION region;
    uint64_t used = 0;
    unsigned char *p;
    GetSystemInfo(&info);
    for (p = (unsigned char *)info.lpMinimumApplicationAddress; p < (unsigned char *)info.lpMaximumApplicationAddress;
         p = (unsigned char *)region.BaseAddress + region.RegionSize) {
        if (!VirtualQuery(p, &region, sizeof region))
            break;
        if (region.State != MEM_FREE && (!only_views || region.Type == MEM_MAPPED))
            used += region.RegionSize;
    }
    return used;
}

/* The writer side of the child's reserve-follow: commits and fills pages
 * 1..pages of a reserve-only view one by one, publishing the count in
 * page 0 after each (the child checks every page as it appears). */
static inline void publish_pages(const winshm_view *view, uint32_t pages)
{
    uint32_t i;
    for (i = 1; i <= pages; ++i) {
        unsigned char *p = (unsigned char *)view->data + (size_t)i * page_size();
        cr_assert_eq(winshm_commit(view, (size_t)i * page_size(), page_size()), WINSHM_OK);
        memset(p, (int)(i & 0xFF), page_size());
        *(uint32_t *)p = i;
        MemoryBarrier();
        *(volatile uint32_t *)view->data = i;
        if (i % 16 == 0)
            Sleep(1); /* let the reader catch up now and then, so that both run at once */
    }
}

/* Heap blocks the test holds on purpose (the names of its open sections);
 * failing calls must not add to them. */
static long winshm_test_blocks_held;
static inline void hold_current_heap_blocks(void)
{
    winshm_test_blocks_held = winshm_test_live_blocks;
}

/* Checks a call's result and the Windows error it left. GetLastError() is
 * read first: Criterion's own assertions may change it. */
#define assert_result(call, expected_result, expected_error)                                       \
    do {                                                                                            \
        winshm_result result_ = (call);                                                             \
        DWORD error_ = GetLastError();                                                              \
        cr_assert_eq(result_, (expected_result), "%s: result %d (%s), expected %d", #call,         \
                     (int)result_, winshm_result_string(result_), (int)(expected_result));         \
        cr_assert_eq(error_, (DWORD)(expected_error), "%s: GetLastError() %lu, expected %lu", #call, \
                     (unsigned long)error_, (unsigned long)(expected_error));                      \
    } while (0)

/* Asserts that a failed constructor left the target empty, set the Windows
 * error that the contract names, and left no heap block behind. */
#define assert_failed_empty(shm, expected_result, result, expected_error)                          \
    do {                                                                                            \
        DWORD error_ = GetLastError();                                                              \
        cr_assert_eq((result), (expected_result), "result %d (%s), expected %d", (int)(result),    \
                     winshm_result_string(result), (int)(expected_result));                        \
        cr_assert_eq(error_, (DWORD)(expected_error), "GetLastError() %lu, expected %lu",          \
                     (unsigned long)error_, (unsigned long)(expected_error));                      \
        cr_assert_not(winshm_is_open(shm));                                                        \
        cr_assert_null(winshm_get_handle(shm));                                                    \
        cr_assert_eq(winshm_get_size(shm), 0);                                                     \
        cr_assert_eq((int)winshm_get_mode(shm), 0);                                                \
        cr_assert_str_eq(winshm_get_name(shm), "");                                                \
        cr_assert_eq(winshm_test_live_blocks, winshm_test_blocks_held, "%ld heap blocks leaked",   \
                     winshm_test_live_blocks - winshm_test_blocks_held);                            \
    } while (0)

/* An empty view whose public members hold garbage: the map functions must
 * leave it empty when they fail (a view that is still mapped, with a private
 * base, is refused untouched instead). */
static inline void scribble_empty_view(winshm_view *view)
{
    memset(view, 0x5A, sizeof *view);
    view->base_ = NULL;
}

/* Criterion reports every assertion to its runner, which is slow in tight
 * loops: loops count mismatches with EXPECT, in a scope that declares
 * `int failures` and `char first_failure[N]`, and assert once afterwards. */
#define EXPECT(call, expected)                                                                      \
    do {                                                                                            \
        winshm_result got_ = (call);                                                                \
        if (got_ != (expected) && failures++ == 0)                                                  \
            snprintf(first_failure, sizeof first_failure, "%s gave %s", #call, winshm_result_string(got_)); \
    } while (0)

/* ---- child processes: tests/child.c, built next to the test programs ---- */

#ifdef WINSHM_OTHER_WIDTH_CHILD
/* Non-zero: start_child starts the other width's child (tests/test_widths.c),
 * WINSHM_OTHER_WIDTH_CHILD, built by scripts/test.sh in the same run. */
static int child_of_other_width;
#endif

static inline void child_path(wchar_t *out, size_t cap)
{
    DWORD n;
#ifdef WINSHM_OTHER_WIDTH_CHILD
    if (child_of_other_width) {
        cr_assert_lt(wcslen(WINSHM_OTHER_WIDTH_CHILD), cap);
        wcscpy(out, WINSHM_OTHER_WIDTH_CHILD);
        cr_assert_neq(GetFileAttributesW(out), INVALID_FILE_ATTRIBUTES,
                      "the other width's winshm_child.exe (%ls) is missing: scripts/test.sh builds both widths "
                      "before it runs either Wine 10 configuration", out);
        return;
    }
#endif
    n = GetModuleFileNameW(NULL, out, (DWORD)cap);
    cr_assert(n > 0 && n < cap);
    while (n > 0 && out[n - 1] != L'\\' && out[n - 1] != L'/')
        --n;
    cr_assert_lt(n + 20, cap);
    wcscpy(out + n, L"winshm_child.exe");
}

/* Starts winshm_child.exe with the arguments formatted from `fmt` (UTF-8),
 * under `token` (NULL: this process's). `inherit` lets it inherit this
 * process's inheritable handles. */
static inline HANDLE start_child_va(HANDLE token, int inherit, const char *fmt, va_list ap)
{
    wchar_t path[MAX_PATH], command[2048];
    char args[1536];
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    int n, attempt;
    child_path(path, MAX_PATH);
    vsnprintf(args, sizeof args, fmt, ap);
    n = swprintf(command, 2048, L"\"%ls\" ", path);
    cr_assert_gt(n, 0);
    cr_assert_gt(MultiByteToWideChar(CP_UTF8, 0, args, -1, command + n, 2048 - n), 0);
    memset(&startup, 0, sizeof startup);
    startup.cb = sizeof startup;
    /* Under load, Wine's CreateProcessW now and then fails with
     * ERROR_INTERNAL_ERROR while it starts the new process; that is the test
     * harness's trouble, not the library's, so try again a few times. */
    for (attempt = 0;; ++attempt) {
        DWORD error;
        BOOL started = token ? CreateProcessAsUserW(token, path, command, NULL, NULL, inherit, 0, NULL, NULL, &startup, &process)
                             : CreateProcessW(path, command, NULL, NULL, inherit, 0, NULL, NULL, &startup, &process);
        if (started)
            break;
        error = GetLastError();
        cr_assert(error == ERROR_INTERNAL_ERROR && attempt < 5, "CreateProcess failed: %lu", error);
        Sleep(50);
    }
    CloseHandle(process.hThread);
    return process.hProcess;
}

static inline HANDLE start_child_ex(int inherit, const char *fmt, ...)
{
    HANDLE child;
    va_list ap;
    va_start(ap, fmt);
    child = start_child_va(NULL, inherit, fmt, ap);
    va_end(ap);
    return child;
}

static inline HANDLE start_child_as(HANDLE token, const char *fmt, ...)
{
    HANDLE child;
    va_list ap;
    va_start(ap, fmt);
    child = start_child_va(token, 0, fmt, ap);
    va_end(ap);
    return child;
}
#define start_child(...) start_child_ex(0, __VA_ARGS__)

/* Waits for a child and returns its exit code. */
static inline DWORD wait_child(HANDLE process)
{
    DWORD code = 0xFFFFFFFFu;
    cr_assert_eq(WaitForSingleObject(process, 60000), WAIT_OBJECT_0, "child did not finish");
    cr_assert(GetExitCodeProcess(process, &code));
    CloseHandle(process);
    return code;
}

/* Waits until a child signals the named event `name` (created here). */
static inline HANDLE make_event(const char *name)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, widen(name));
    cr_assert_not_null(event);
    return event;
}

static inline void wait_event(HANDLE event, HANDLE child)
{
    HANDLE both[2];
    both[0] = event;
    both[1] = child;
    cr_assert_eq(WaitForMultipleObjects(2, both, FALSE, 60000), WAIT_OBJECT_0,
                 "the child exited or hung before it signalled");
}

/* One round of racing open_or_create (or `how` the child is told to open):
 * `children` processes start together
 * from one event, each opens or creates `name`, counts itself in, and holds
 * the section until all have counted. Asserts one creator, the count, and
 * that no child saw a size smaller than asked (its exit code says so). */
static inline void race_round_with(const char *how, int children, uint64_t size)
{
    const char *name = unique_name("race");
    const char *start_name = unique_name("race_start");
    const char *done_name = unique_name("race_done");
    HANDLE start = make_event(start_name), done = make_event(done_name);
    HANDLE processes[64];
    winshm shm;
    winshm_view view;
    int i, creators = 0, openers = 0, waited;
    memset(&shm, 0, sizeof shm); /* = {0} warns in C++ (missing initialisers) */
    memset(&view, 0, sizeof view);
    cr_assert_leq(children, 64);
    for (i = 0; i < children; ++i)
        processes[i] = start_child("%s %s %llu %s %s", how, name, (unsigned long long)size, start_name, done_name);
    cr_assert_eq(winshm_open_only(&shm, name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND);
    SetEvent(start);
    for (waited = 0; winshm_open_only(&shm, name, WINSHM_READ_ONLY) == WINSHM_ERROR_NOT_FOUND && waited < 60000; ++waited)
        Sleep(1);
    cr_assert(winshm_is_open(&shm), "nobody created the section");
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, sizeof(LONG), &view), WINSHM_OK);
    for (waited = 0; *(volatile LONG *)view.data < children && waited < 60000; ++waited)
        Sleep(1);
    SetEvent(done);
    for (i = 0; i < children; ++i) {
        DWORD code = wait_child(processes[i]);
        cr_assert(code == 10 || code == 0, "child exit code %lu", code);
        creators += code == 10;
        openers += code == 0;
    }
    cr_assert_eq(creators, 1, "%d creators", creators);
    cr_assert_eq(openers, children - 1);
    cr_assert_eq(*(volatile LONG *)view.data, children);
    cr_assert_geq(winshm_get_size(&shm), size);
    winshm_unmap(&view);
    winshm_close(&shm);
    CloseHandle(start);
    CloseHandle(done);
}
/* race: the children call winshm_open_or_create; race-ex: winshm_create_ex with open_existing. */
#define race_round(children, size) race_round_with("race", (children), (size))

#endif
