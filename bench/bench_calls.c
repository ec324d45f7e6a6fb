/* Call overhead: winshm.h against the minimal hand-written Win32 sequence and,
 * when built with WINSHM_BENCH_BOOST, Boost.Interprocess (boost_contender.cpp).
 *
 * Each operation runs in rounds; within a round the contenders take turns,
 * in an order that rotates from round to round, so drift on a shared machine
 * hits all of them. Printed: the median time per call of each contender, the
 * spread (the middle half of the rounds, 25th to 75th percentile), and the
 * ratios of the medians. No threshold is checked here: see README "Performance".
 *
 *   bench_calls.exe [rounds] [calls_per_round]     default 21 rounds of 200 calls
 */
#include <windows.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include "winshm.h"
#include "bench_util.h"

#define NAME_A "Local\\winshm_bench_existing"
#define NAME_W L"Local\\winshm_bench_existing"
#define SECTION_SIZE (1u << 20)

typedef LONG (NTAPI *nt_query_section_fn)(HANDLE, int, PVOID, SIZE_T, PSIZE_T);
typedef struct { PVOID base; ULONG attributes; LARGE_INTEGER size; } section_basic_information;

static winshm existing;          /* the section the open and map operations use */
static HANDLE existing_raw;
static nt_query_section_fn nt_query_section;
static volatile uint64_t sink;   /* keeps results alive */
static int failures;

#define CHECK(condition) do { if (!(condition)) ++failures; } while (0)

/* ---- winshm ---- */
static void w_create_map_close(void)
{
    winshm shm = {0};
    winshm_view view = {0};
    CHECK(winshm_create_only(&shm, "Local\\winshm_bench_new", WINSHM_READ_WRITE, 65536, NULL) == WINSHM_OK);
    CHECK(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) == WINSHM_OK);
    ((volatile char *)view.data)[0] = 1;
    winshm_unmap(&view);
    winshm_close(&shm);
}
static void w_open_close(void)
{
    winshm shm = {0};
    CHECK(winshm_open_only(&shm, NAME_A, WINSHM_READ_ONLY) == WINSHM_OK);
    winshm_close(&shm);
}
static void w_open_or_create(void)
{
    winshm shm = {0};
    int created;
    CHECK(winshm_open_or_create(&shm, NAME_A, WINSHM_READ_WRITE, 4096, NULL, &created) == WINSHM_OK);
    winshm_close(&shm);
}
static void w_size(void)
{
    sink += winshm_get_size(&existing);
}
static void w_map_unaligned(void)
{
    winshm_view view = {0};
    CHECK(winshm_map(&existing, WINSHM_READ_ONLY, 100003, 65536, &view) == WINSHM_OK);
    sink += *(volatile unsigned char *)view.data;
    winshm_unmap(&view);
}

/* A mirrored view of 64 KiB against what it replaces: two plain views (which
 * do not sit back to back, so a ring over them has to split records). */
static void w_map_mirrored(void)
{
    winshm_view view = {0};
    CHECK(winshm_map_mirrored(&existing, WINSHM_READ_WRITE, 0, 65536, &view) == WINSHM_OK);
    sink += ((volatile unsigned char *)view.data)[65536];
    winshm_unmap(&view);
}
static void w_map_twice(void)
{
    winshm_view a = {0}, b = {0};
    CHECK(winshm_map(&existing, WINSHM_READ_WRITE, 0, 65536, &a) == WINSHM_OK);
    CHECK(winshm_map(&existing, WINSHM_READ_WRITE, 0, 65536, &b) == WINSHM_OK);
    sink += *(volatile unsigned char *)b.data;
    winshm_unmap(&a);
    winshm_unmap(&b);
}

/* The initialisation handshake on a section that is initialised already,
 * against open_or_create of the same section: what the handshake costs. */
#define NAME_INIT "Local\\winshm_bench_initialised"
static int init_nothing(const winshm_view *view, void *context)
{
    (void)view;
    (void)context;
    return 0;
}
static void w_open_or_init(void)
{
    winshm shm = {0};
    int created;
    CHECK(winshm_open_or_init(&shm, NAME_INIT, WINSHM_READ_WRITE, 4096, NULL, init_nothing, NULL, WINSHM_INFINITE,
                              &created) == WINSHM_OK && !created);
    winshm_close(&shm);
}
static void w_open_or_create_initialised(void)
{
    winshm shm = {0};
    int created;
    CHECK(winshm_open_or_create(&shm, NAME_INIT, WINSHM_READ_WRITE, 4096, NULL, &created) == WINSHM_OK && !created);
    winshm_close(&shm);
}

/* ---- raw Win32, as little as does the job correctly ---- */
static void r_create_map_close(void)
{
    HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536, L"Local\\winshm_bench_new");
    void *p;
    CHECK(h != NULL && GetLastError() != ERROR_ALREADY_EXISTS);
    p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
    CHECK(p != NULL);
    ((volatile char *)p)[0] = 1;
    UnmapViewOfFile(p);
    CloseHandle(h);
}
static void r_open_close(void)
{
    HANDLE h = OpenFileMappingW(FILE_MAP_READ, FALSE, NAME_W);
    CHECK(h != NULL);
    CloseHandle(h);
}
/* What winshm_open_only does: a handle plus the size it opened. */
static void r_open_query_close(void)
{
    section_basic_information info;
    SIZE_T returned;
    HANDLE h = OpenFileMappingW(FILE_MAP_READ | SECTION_QUERY, FALSE, NAME_W);
    CHECK(h != NULL);
    CHECK(nt_query_section(h, 0, &info, sizeof info, &returned) >= 0);
    sink += (uint64_t)info.size.QuadPart;
    CloseHandle(h);
}
static void r_open_or_create(void)
{
    HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NAME_W);
    CHECK(h != NULL);
    CloseHandle(h);
}
/* What winshm_open_or_create does on an existing name: check the size. */
static void r_open_or_create_query(void)
{
    section_basic_information info;
    SIZE_T returned;
    HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NAME_W);
    CHECK(h != NULL);
    CHECK(nt_query_section(h, 0, &info, sizeof info, &returned) >= 0 && info.size.QuadPart >= 4096);
    CloseHandle(h);
}
static void r_size(void)
{
    section_basic_information info;
    SIZE_T returned;
    CHECK(nt_query_section(existing_raw, 0, &info, sizeof info, &returned) >= 0);
    sink += (uint64_t)info.size.QuadPart;
}
static void r_map_unaligned(void)
{
    const uint64_t offset = 100003, aligned = offset / 65536 * 65536;
    unsigned char *p = (unsigned char *)MapViewOfFile(existing_raw, FILE_MAP_READ, 0, (DWORD)aligned,
                                                      (SIZE_T)(offset - aligned + 65536));
    CHECK(p != NULL);
    sink += *(volatile unsigned char *)(p + (offset - aligned));
    UnmapViewOfFile(p);
}

/* ---- commit on demand: 64 KiB at a time, each call a range not committed yet ---- */
#define COMMIT_STEP ((size_t)64 << 10)
static winshm_view commit_views[2]; /* winshm's and raw's, each of its own reserve-only section */
static size_t commit_cursor[2];
static void w_commit(void)
{
    CHECK(winshm_commit(&commit_views[0], commit_cursor[0], COMMIT_STEP) == WINSHM_OK);
    commit_cursor[0] += COMMIT_STEP;
}
static void r_commit(void)
{
    CHECK(VirtualAlloc((char *)commit_views[1].data + commit_cursor[1], COMMIT_STEP, MEM_COMMIT, PAGE_READWRITE) != NULL);
    commit_cursor[1] += COMMIT_STEP;
}

#ifdef WINSHM_BENCH_BOOST
extern int boost_setup(const char *existing_name);
extern void boost_teardown(void);
extern void boost_create_map_close(void);
extern void boost_open_close(void);
extern void boost_open_or_create(void);
extern void boost_size(void);
extern void boost_map_unaligned(void);
#define BOOST_OP(op) op
static const int have_boost = 1;
#else
#define BOOST_OP(op) NULL
static const int have_boost = 0;
#endif

static double percentile(double *sorted, int n, double p)
{
    return sorted[(int)(p * (n - 1) + 0.5)];
}

static double time_calls(void (*op)(void), int calls)
{
    double start = now_seconds();
    int i;
    for (i = 0; i < calls; ++i)
        op();
    return (now_seconds() - start) / calls * 1e9;
}

typedef struct contender_times { double median, low, high; } contender_times;

static contender_times summarise(double *samples, int rounds)
{
    contender_times t;
    qsort(samples, (size_t)rounds, sizeof(double), compare_double);
    t.median = percentile(samples, rounds, 0.5);
    t.low = percentile(samples, rounds, 0.25);
    t.high = percentile(samples, rounds, 0.75);
    return t;
}

static void print_times(contender_times t)
{
    char cell[64];
    snprintf(cell, sizeof cell, "%.0f (%.0f-%.0f)", t.median, t.low, t.high);
    printf(" %-26s |", cell);
}

/* Runs winshm, raw and (when present) Boost in turn, `rounds` times. */
static void compare(const char *label, void (*winshm_op)(void), void (*raw_op)(void), void (*boost_op)(void),
                    int rounds, int calls)
{
    void (*ops[3])(void);
    double *samples[3];
    contender_times times[3];
    int n = boost_op ? 3 : 2, i, k;
    ops[0] = winshm_op;
    ops[1] = raw_op;
    ops[2] = boost_op;
    for (k = 0; k < n; ++k) {
        samples[k] = (double *)malloc(sizeof(double) * (size_t)rounds);
        ops[k](); /* warm up */
    }
    for (i = 0; i < rounds; ++i)
        for (k = 0; k < n; ++k) {
            int which = (i + k) % n;
            samples[which][i] = time_calls(ops[which], calls);
        }
    for (k = 0; k < n; ++k)
        times[k] = summarise(samples[k], rounds);
    printf("| %-34s |", label);
    for (k = 0; k < n; ++k)
        print_times(times[k]);
    if (have_boost && n == 2)
        printf(" %-26s |", "");
    printf(" %6.3f |", times[0].median / times[1].median);
    if (n == 3)
        printf(" %7.3f |", times[0].median / times[2].median);
    else if (have_boost)
        printf(" %7s |", "");
    printf("\n");
    for (k = 0; k < n; ++k)
        free(samples[k]);
}

/* The process's private commit and the system's commit charge, in KiB. */
static void commit_figures(unsigned long long *process_kib, unsigned long long *system_kib)
{
    PROCESS_MEMORY_COUNTERS_EX counters;
    MEMORYSTATUSEX status;
    memset(&counters, 0, sizeof counters);
    counters.cb = sizeof counters;
    K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&counters, sizeof counters);
    status.dwLength = sizeof status;
    GlobalMemoryStatusEx(&status);
    *process_kib = (unsigned long long)counters.PrivateUsage >> 10;
    *system_kib = (status.ullTotalPageFile - status.ullAvailPageFile) >> 10;
}

static void print_commit_row(const char *label, unsigned long long process0, unsigned long long system0)
{
    unsigned long long process_kib, system_kib;
    commit_figures(&process_kib, &system_kib);
    printf("| %-52s | %+14lld | %+14lld |\n", label, (long long)(process_kib - process0), (long long)(system_kib - system0));
}

/* The commit charge a 64 GiB section costs, reserve-only and not. */
static void commit_charge(void)
{
    const uint64_t size = (uint64_t)64 << 30;
    winshm_options reserve = {NULL, WINSHM_RESERVE, 0};
    winshm shm = {0}, plain = {0};
    winshm_view view = {0};
    unsigned long long process0, system0;
    winshm_result r;
    printf("Commit charge of a 64 GiB section, KiB more than before it was created\n\n");
    printf("| %-52s | %-14s | %-14s |\n", "state", "process", "system");
    printf("|------------------------------------------------------|----------------|----------------|\n");
    commit_figures(&process0, &system0);
    CHECK(winshm_create_ex(&shm, NULL, WINSHM_READ_WRITE, size, &reserve, NULL) == WINSHM_OK);
    CHECK(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) == WINSHM_OK);
    print_commit_row("reserve-only, created and mapped", process0, system0);
    CHECK(winshm_commit(&view, 0, (size_t)1 << 20) == WINSHM_OK);
    memset(view.data, 1, (size_t)1 << 20);
    print_commit_row("reserve-only, 1 MiB committed and written", process0, system0);
    winshm_unmap(&view);
    winshm_close(&shm);
    r = winshm_create_only(&plain, NULL, WINSHM_READ_WRITE, size, NULL);
    if (r == WINSHM_OK) {
        print_commit_row("not reserve-only (committed in full), created", process0, system0);
        winshm_close(&plain);
    } else {
        printf("| %-52s | %-31s |\n", "not reserve-only (committed in full), created", winshm_result_string(r));
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 21;
    int calls = argc > 2 ? atoi(argv[2]) : 200;
    nt_query_section = (nt_query_section_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQuerySection");
    if (winshm_create_only(&existing, NAME_A, WINSHM_READ_WRITE, SECTION_SIZE, NULL) != WINSHM_OK || !nt_query_section) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    existing_raw = winshm_get_handle(&existing);
#ifdef WINSHM_BENCH_BOOST
    if (!boost_setup(NAME_A)) {
        fprintf(stderr, "Boost setup failed\n");
        return 1;
    }
#endif
    printf("Call overhead, ns per call: median (25th-75th percentile) of %d rounds of %d calls\n\n", rounds, calls);
    printf("| %-34s | %-26s | %-26s |%s %-6s |%s\n", "operation", "winshm.h", "raw Win32",
           have_boost ? " Boost.Interprocess         |" : "", "/ raw", have_boost ? " / Boost |" : "");
    printf("|------------------------------------|----------------------------|----------------------------|%s--------|%s\n",
           have_boost ? "----------------------------|" : "", have_boost ? "---------|" : "");
    compare("create+map+unmap+close", w_create_map_close, r_create_map_close, BOOST_OP(boost_create_map_close), rounds, calls);
    compare("open_only+close", w_open_close, r_open_close, BOOST_OP(boost_open_close), rounds, calls);
    compare("open_or_create (existing)+close", w_open_or_create, r_open_or_create, BOOST_OP(boost_open_or_create), rounds, calls);
    compare("open_only+close, raw learns size", w_open_close, r_open_query_close, NULL, rounds, calls);
    compare("open_or_create, raw checks size", w_open_or_create, r_open_or_create_query, NULL, rounds, calls);
    compare("size query", w_size, r_size, BOOST_OP(boost_size), rounds, calls * 100);
    compare("map+unmap 64 KiB at offset 100003", w_map_unaligned, r_map_unaligned, BOOST_OP(boost_map_unaligned), rounds, calls);
    compare("map_mirrored+unmap 64 KiB, vs 2 maps", w_map_mirrored, w_map_twice, NULL, rounds, calls);
    {
        winshm initialised = {0};
        int created;
        CHECK(winshm_open_or_init(&initialised, NAME_INIT, WINSHM_READ_WRITE, 4096, NULL, init_nothing, NULL, 0,
                                  &created) == WINSHM_OK);
        compare("open_or_init (ready)+close, vs open_or_create", w_open_or_init, w_open_or_create_initialised, NULL, rounds,
                calls);
        winshm_close(&initialised);
    }
    {
        /* Enough reserved for every call of every round, plus the warm-up. */
        const uint64_t reserved = (uint64_t)(rounds + 1) * (uint64_t)calls * COMMIT_STEP + COMMIT_STEP;
        winshm_options reserve = {NULL, WINSHM_RESERVE, 0};
        winshm sections[2] = {{0}, {0}};
        int k;
        for (k = 0; k < 2; ++k) {
            CHECK(winshm_create_ex(&sections[k], NULL, WINSHM_READ_WRITE, reserved, &reserve, NULL) == WINSHM_OK);
            CHECK(winshm_map(&sections[k], WINSHM_READ_WRITE, 0, 0, &commit_views[k]) == WINSHM_OK);
        }
        compare("commit 64 KiB, reserve-only view", w_commit, r_commit, NULL, rounds, calls);
        for (k = 0; k < 2; ++k) {
            winshm_unmap(&commit_views[k]);
            winshm_close(&sections[k]);
        }
    }
    printf("\nKernel calls per operation of the open_or_init row: open_or_init on a READY section 5\n"
           "(OpenFileMappingW, NtMapViewOfSection of the whole section, VirtualQuery, UnmapViewOfFile,\n"
           "CloseHandle; under Wine, VirtualQuery of a section that is not reserve-only needs no\n"
           "wineserver round trip), open_or_create on an existing section 3 (CreateFileMappingW,\n"
           "NtQuerySection, CloseHandle).\n\n");
    commit_charge();
#ifdef WINSHM_BENCH_BOOST
    boost_teardown();
#endif
    winshm_close(&existing);
    if (failures)
        fprintf(stderr, "%d calls failed\n", failures);
    return failures != 0;
}
