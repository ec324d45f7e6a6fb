/* Reliability under pressure: churn, races, storms, faults and threads.
 * The figures (cycles, processes, rounds) are in README "Reliability". */
#include "winshm_test.h"
#include <process.h>

/* Committed private bytes and the number of mapped views, by walking the
 * address space (GetProcessMemoryInfo is incomplete under Wine). */
typedef struct { SIZE_T private_bytes; int views; } memory_use;

static memory_use measure_memory(void)
{
    memory_use use = {0, 0};
    MEMORY_BASIC_INFORMATION info;
    unsigned char *address = NULL;
    while (VirtualQuery(address, &info, sizeof info) == sizeof info) {
        if (info.State == MEM_COMMIT && info.Type == MEM_PRIVATE)
            use.private_bytes += info.RegionSize;
        if (info.Type == MEM_MAPPED && info.AllocationBase == info.BaseAddress)
            ++use.views;
        address = (unsigned char *)info.BaseAddress + info.RegionSize;
        if (address < (unsigned char *)info.BaseAddress)
            break;
    }
    return use;
}

static int churn_cycles(void)
{
    const char *text = getenv("WINSHM_CHURN_CYCLES");
    return text ? atoi(text) : 100000;
}

Test(reliability, churn_of_100000_cycles_leaks_nothing, .timeout = 600)
{
    const char *name = unique_name("churn");
    const char *held_name = unique_name("churn_held");
    const char *mutex_name = unique_name("churn_mutex");
    HANDLE mutex = CreateMutexW(NULL, FALSE, widen(mutex_name));
    winshm held = {0}, shm = {0}, probe = {0};
    winshm_view view = {0}, extra = {0};
    memory_use before_memory, after_memory;
    uintptr_t before_handle;
    int cycles = churn_cycles(), i, failures = 0, created;
    char first_failure[300] = "";
    cr_assert_not_null(mutex);
    cr_assert_eq(winshm_create_only(&held, held_name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    /* Warm up every path once, so that first-use allocations of the C runtime
     * and of Wine are not counted as growth. */
    for (i = 0; i < 50; ++i) {
        winshm_create_only(&shm, name, WINSHM_READ_WRITE, 65536, NULL);
        winshm_map(&shm, WINSHM_READ_WRITE, 70000 % 65536, 100, &view);
        winshm_unmap(&view);
        winshm_open_only(&probe, "Local\\winshm_no_such_name", WINSHM_READ_ONLY);
        winshm_close(&shm);
    }
    before_handle = next_handle_value();
    before_memory = measure_memory();
    for (i = 0; i < cycles; ++i) {
        EXPECT(winshm_create_only(&shm, name, WINSHM_READ_WRITE, 65536, NULL), WINSHM_OK);
        EXPECT(winshm_map(&shm, WINSHM_READ_WRITE, (uint64_t)(i % 60000), 1000, &view), WINSHM_OK);
        if (view.data)
            ((volatile unsigned char *)view.data)[i % 1000] = (unsigned char)i;
        switch (i % 7) { /* one failing call of each kind, in turn */
        case 0: EXPECT(winshm_create_only(&probe, name, WINSHM_READ_WRITE, 1, NULL), WINSHM_ERROR_ALREADY_EXISTS); break;
        case 1: EXPECT(winshm_open_only(&probe, "Local\\winshm_no_such_name", WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND); break;
        case 2: EXPECT(winshm_open_or_create(&probe, name, WINSHM_READ_WRITE, 65537, NULL, &created), WINSHM_ERROR_OUT_OF_RANGE); break;
        case 3: EXPECT(winshm_open_only(&probe, (i & 8) ? "Local\\bad\xc3" : mutex_name, WINSHM_READ_ONLY),
                       (i & 8) ? WINSHM_ERROR_INVALID_NAME : WINSHM_ERROR_NAME_IN_USE); break;
        case 4: EXPECT(winshm_create_only(&probe, NULL, (winshm_mode)(4 + i % 3), 1, NULL), WINSHM_ERROR_INVALID_ARGUMENT); break;
        case 5: EXPECT(winshm_map(&shm, WINSHM_READ_ONLY, 65536 - 10, 11, &extra), WINSHM_ERROR_OUT_OF_RANGE);
                EXPECT(winshm_map(&held, WINSHM_READ_ONLY, (uint64_t)-1 - (uint64_t)i, 1, &extra), WINSHM_ERROR_OUT_OF_RANGE); break;
        default: EXPECT(winshm_open_only(&held, name, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT); break;
        }
        winshm_unmap(&view);
        winshm_close(&shm);
        if (winshm_is_open(&probe) && failures++ == 0)
            snprintf(first_failure, sizeof first_failure, "a failing call left its target open");
    }
    after_memory = measure_memory();
    cr_assert_eq(failures, 0, "%d unexpected results; the first: %s", failures, first_failure);
    cr_assert_eq(next_handle_value(), before_handle, "handle values climbed over %d cycles", cycles);
    cr_assert_eq(after_memory.views, before_memory.views, "views leaked");
    /* Heap pages may move; a leak of even 8 bytes a cycle would be 800 KB. */
    cr_assert_lt(after_memory.private_bytes, before_memory.private_bytes + 256 * 1024,
                 "private bytes grew from %zu to %zu", (size_t)before_memory.private_bytes,
                 (size_t)after_memory.private_bytes);
    cr_assert_eq(winshm_test_live_blocks, 1, "only the held section's name");
    winshm_close(&held);
    CloseHandle(mutex);
    cr_log_info("churn: %d cycles, %d failing calls, private bytes %llu -> %llu", cycles, cycles + cycles / 7,
                (unsigned long long)before_memory.private_bytes, (unsigned long long)after_memory.private_bytes);
}

/* 20 rounds; 4 where 32-bit programs are emulated, whose every start costs
 * about a second of CPU (each round still races 16 processes). */
Test(reliability, sixteen_processes_race_open_or_create_repeatedly, .timeout = 600)
{
    int round, rounds = emulated_by_qemu() ? 4 : 20;
    for (round = 0; round < rounds; ++round)
        race_round(16, 4096 * 3 + 1);
    cr_log_info("race: %d rounds of 16 processes", rounds);
}

Test(reliability, create_close_storms_see_only_expected_results, .timeout = 300)
{
    enum { creators = 2, openers = 3, rounds = 1500 };
    const char *name = unique_name("storm");
    const char *stats_name = unique_name("storm_stats");
    HANDLE processes[creators + openers];
    winshm stats = {0};
    winshm_view counts = {0};
    int i;
    cr_assert_eq(winshm_create_only(&stats, stats_name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&stats, WINSHM_READ_ONLY, 0, 16, &counts), WINSHM_OK);
    for (i = 0; i < creators + openers; ++i)
        processes[i] = start_child("%s %s %d %s", i < creators ? "storm-create" : "storm-open", name, rounds, stats_name);
    for (i = 0; i < creators + openers; ++i) {
        DWORD code = wait_child(processes[i]);
        cr_assert_eq(code, 0, "%s child %d: exit code %lu (60 + |result| is an unexpected result)",
                     i < creators ? "creating" : "opening", i, code);
    }
    cr_log_info("storm: %ld creates and %ld opens succeeded", *(volatile LONG *)counts.data,
                *(volatile LONG *)((char *)counts.data + 8));
    cr_assert_gt(*(volatile LONG *)counts.data, 0, "no create succeeded");
    cr_assert_gt(*(volatile LONG *)((char *)counts.data + 8), 0,
                 "no open ever met a live section: the storm tested nothing");
    winshm_unmap(&counts);
    winshm_close(&stats);
}

Test(reliability, survivors_keep_their_views_when_writers_are_killed, .timeout = 120)
{
    enum { writers = 3 };
    const char *name = unique_name("killed");
    HANDLE processes[writers], ready[writers];
    winshm shm = {0}, again = {0};
    winshm_view view = {0};
    int i;
    for (i = 0; i < writers; ++i) {
        const char *ready_name = unique_name("killed_ready");
        char writer_name[200];
        snprintf(writer_name, sizeof writer_name, "%s_%d", name, i);
        ready[i] = make_event(ready_name);
        processes[i] = start_child("hold %s 65536 %s", writer_name, ready_name);
        wait_event(ready[i], processes[i]);
    }
    for (i = 0; i < writers; ++i) {
        char writer_name[200];
        unsigned char seen, later;
        snprintf(writer_name, sizeof writer_name, "%s_%d", name, i);
        cr_assert_eq(winshm_open_only(&shm, writer_name, WINSHM_READ_WRITE), WINSHM_OK);
        cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
        seen = ((volatile unsigned char *)view.data)[5];
        for (later = seen; later == seen;) /* the writer is writing */
            later = ((volatile unsigned char *)view.data)[5];
        Sleep(20 + 13 * (DWORD)i);      /* kill it at some point in its writing */
        cr_assert(TerminateProcess(processes[i], 9));
        cr_assert_eq(wait_child(processes[i]), 9);
        cr_assert_str_eq((char *)view.data, "held", "the survivor's view lost the bytes");
        ((volatile unsigned char *)view.data)[6] = 0x5A; /* and stays writable */
        cr_assert_eq(((volatile unsigned char *)view.data)[6], 0x5A);
        winshm_close(&shm);
        cr_assert_eq(winshm_open_only(&again, writer_name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND,
                     "the section must go with its last handle");
        winshm_unmap(&view);
        CloseHandle(ready[i]);
    }
}

Test(reliability, commit_exhaustion_is_out_of_memory_and_the_process_carries_on)
{
    static const uint64_t sizes[] = {(uint64_t)1 << 62, ((uint64_t)1 << 63) - 65536};
    winshm shm = {0};
    winshm_view view = {0};
    int created = -1;
    size_t i;
    for (i = 0; i < 2; ++i) {
        winshm_result r = winshm_create_only(&shm, unique_name("exhaust"), WINSHM_READ_WRITE, sizes[i], NULL);
        DWORD error = GetLastError();
        cr_assert_eq(r, WINSHM_ERROR_OUT_OF_MEMORY, "size %llu: %s (%lu)", (unsigned long long)sizes[i],
                     winshm_result_string(r), error);
        cr_assert_not(winshm_is_open(&shm));
        r = winshm_open_or_create(&shm, unique_name("exhaust"), WINSHM_READ_WRITE, sizes[i], NULL, &created);
        cr_assert_eq(r, WINSHM_ERROR_OUT_OF_MEMORY);
        cr_assert_eq(created, 0);
        cr_assert_not(winshm_is_open(&shm));
    }
    cr_assert_eq(winshm_test_live_blocks, 0);
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 1 << 20, NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    memset(view.data, 0xA5, view.size);
    winshm_unmap(&view);
    winshm_close(&shm);
}

/* ---- threads ---- */

typedef struct {
    const char *shared_name;
    int index;
    volatile LONG *stop;
    LONG cycles;
    LONG failures;
    char first_failure[300];
} thread_work;

#define SLICE 4096

static unsigned __stdcall thread_cycles(void *argument)
{
    thread_work *work = (thread_work *)argument;
    winshm own = {0}, shared = {0};
    winshm_view own_view = {0}, shared_view = {0};
    int failures = 0;
    char first_failure[300] = "";
    unsigned char stamp = 0;
    while (!*work->stop) {
        size_t k;
        ++stamp;
        EXPECT(winshm_create_only(&own, NULL, WINSHM_READ_WRITE, 8192, NULL), WINSHM_OK);
        EXPECT(winshm_map(&own, WINSHM_READ_WRITE, (uint64_t)work->index * 7, 100, &own_view), WINSHM_OK);
        if (own_view.data)
            memset(own_view.data, stamp, own_view.size);
        winshm_unmap(&own_view);
        winshm_close(&own);
        /* The shared section: this thread owns one slice and checks it. */
        EXPECT(winshm_open_only(&shared, work->shared_name, WINSHM_READ_WRITE), WINSHM_OK);
        EXPECT(winshm_map(&shared, WINSHM_READ_WRITE, (uint64_t)work->index * SLICE + 1, SLICE - 1, &shared_view), WINSHM_OK);
        if (shared_view.data) {
            unsigned char *bytes = (unsigned char *)shared_view.data;
            for (k = 0; k < shared_view.size; ++k)
                if (bytes[k] != (unsigned char)(stamp - 1) && failures++ == 0)
                    snprintf(first_failure, sizeof first_failure, "thread %d: byte %zu of its slice corrupted", work->index, k);
            memset(bytes, stamp, shared_view.size);
        }
        winshm_unmap(&shared_view);
        winshm_close(&shared);
        ++work->cycles;
    }
    work->failures = failures;
    memcpy(work->first_failure, first_failure, sizeof first_failure);
    return 0;
}

Test(reliability, eight_threads_cycle_and_share_without_corruption, .timeout = 120)
{
    enum { threads = 8 };
    const char *shared_name = unique_name("threads");
    winshm shared = {0};
    thread_work work[threads];
    HANDLE handles[threads];
    volatile LONG stop = 0;
    LONG total = 0;
    int i;
    cr_assert_eq(winshm_create_only(&shared, shared_name, WINSHM_READ_WRITE, (uint64_t)threads * SLICE, NULL), WINSHM_OK);
    for (i = 0; i < threads; ++i) {
        memset(&work[i], 0, sizeof work[i]);
        work[i].shared_name = shared_name;
        work[i].index = i;
        work[i].stop = &stop;
        handles[i] = (HANDLE)_beginthreadex(NULL, 0, thread_cycles, &work[i], 0, NULL);
        cr_assert_not_null(handles[i]);
    }
    Sleep(3000);
    InterlockedExchange(&stop, 1);
    cr_assert_eq(WaitForMultipleObjects(threads, handles, TRUE, 60000), WAIT_OBJECT_0);
    for (i = 0; i < threads; ++i) {
        CloseHandle(handles[i]);
        cr_assert_eq(work[i].failures, 0, "%s", work[i].first_failure);
        cr_assert_gt(work[i].cycles, 0);
        total += work[i].cycles;
    }
    cr_log_info("threads: %d threads ran %ld cycles in 3 s", threads, total);
    cr_assert_eq(winshm_test_live_blocks, 1);
    winshm_close(&shared);
}

/* ---- hostile input ---- */

/* Every pointer argument NULL in turn: each call gets its documented result,
 * crashes nothing, and leaves nothing behind. */
Test(hostile, null_pointers_in_every_position)
{
    winshm shm = {0}, open = {0};
    winshm_view view = {0};
    void *handle = NULL;
    int created = -1;
    cr_assert_eq(winshm_create_only(&open, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    assert_result(winshm_create_only(NULL, "x", WINSHM_READ_WRITE, 1, NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_create_only_w(NULL, L"x", WINSHM_READ_WRITE, 1, NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_open_or_create(NULL, "x", WINSHM_READ_WRITE, 1, NULL, &created), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert_eq(created, 0);
    assert_result(winshm_open_or_create(&shm, NULL, WINSHM_READ_WRITE, 1, NULL, NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_open_or_create_w(NULL, L"x", WINSHM_READ_WRITE, 1, NULL, NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_open_or_create_w(&shm, NULL, WINSHM_READ_WRITE, 1, NULL, NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_open_only(NULL, "x", WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_open_only(&shm, NULL, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_open_only_w(NULL, L"x", WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_open_only_w(&shm, NULL, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_map(NULL, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_map(&open, WINSHM_READ_ONLY, 0, 0, NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_duplicate(NULL, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_duplicate(&open, NULL, WINSHM_READ_ONLY, 0, NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_adopt(NULL, winshm_get_handle(&open), WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_adopt(&shm, NULL, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_HANDLE);
    /* The void functions and the queries take NULL quietly. */
    winshm_close(NULL);
    winshm_move(NULL, NULL);
    winshm_move(&shm, NULL);
    winshm_swap(NULL, &open);
    winshm_unmap(NULL);
    cr_assert_not(winshm_is_open(NULL));
    cr_assert_str_eq(winshm_get_name(NULL), "");
    cr_assert_eq(winshm_get_name_w(NULL)[0], 0);
    cr_assert_eq((int)winshm_get_mode(NULL), 0);
    cr_assert_eq(winshm_get_size(NULL), 0);
    cr_assert_null(winshm_get_handle(NULL));
    cr_assert_not(winshm_is_open(&shm));
    cr_assert(winshm_is_open(&open));
    winshm_close(&open);
    cr_assert_eq(winshm_test_live_blocks, 0);
}

Test(hostile, enums_out_of_range)
{
    static const int modes[] = {0, 4, 5, -1, -3, 0x7fffffff, (int)0x80000000};
    winshm shm = {0}, open = {0};
    winshm_view view = {0};
    void *handle = NULL;
    size_t i;
    cr_assert_eq(winshm_create_only(&open, unique_name("enums"), WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    hold_current_heap_blocks();
    for (i = 0; i < sizeof modes / sizeof modes[0]; ++i) {
        winshm_mode mode = (winshm_mode)modes[i];
        winshm_result r = winshm_create_only(&shm, NULL, mode, 1, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
        r = winshm_open_or_create(&shm, winshm_get_name(&open), mode, 1, NULL, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
        r = winshm_open_only(&shm, winshm_get_name(&open), mode);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
        r = winshm_adopt(&shm, winshm_get_handle(&open), mode);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
        assert_result(winshm_map(&open, mode, 0, 0, &view), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
        cr_assert_null(view.data);
        assert_result(winshm_duplicate(&open, NULL, mode, 0, &handle), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
        cr_assert_null(handle);
        cr_assert_not_null(winshm_result_string((winshm_result)modes[i]));
    }
    winshm_close(&open);
}

Test(hostile, names_with_bad_encodings)
{
    static const char *utf8[] = {
        "Local\\a\xff\x62",           /* never valid in UTF-8 (\x62: b, not part of the \xff escape) */
        "Local\\\xc3",                 /* truncated sequence at the end */
        "Local\\\xc3(mid",             /* truncated sequence in the middle */
        "Local\\\xe0\x80\xaf",         /* overlong */
        "Local\\\xed\xa0\x80",         /* an encoded surrogate */
        "Local\\\xf4\x90\x80\x80",     /* past U+10FFFF */
        "\x80",
    };
    static const wchar_t high_at_end[] = {'L', 'o', 'c', 'a', 'l', '\\', 'a', 0xD83D, 0};
    static const wchar_t low_alone[] = {0xDE00, 'a', 0};
    static const wchar_t reversed[] = {'a', 0xDE00, 0xD83D, 0};
    static const wchar_t *utf16[] = {high_at_end, low_alone, reversed};
    winshm shm = {0};
    size_t i;
    for (i = 0; i < sizeof utf8 / sizeof utf8[0]; ++i) {
        winshm_result r = winshm_create_only(&shm, utf8[i], WINSHM_READ_WRITE, 1, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_NO_UNICODE_TRANSLATION);
        r = winshm_open_or_create(&shm, utf8[i], WINSHM_READ_WRITE, 1, NULL, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_NO_UNICODE_TRANSLATION);
        r = winshm_open_only(&shm, utf8[i], WINSHM_READ_ONLY);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_NO_UNICODE_TRANSLATION);
    }
    for (i = 0; i < sizeof utf16 / sizeof utf16[0]; ++i) {
        winshm_result r = winshm_create_only_w(&shm, utf16[i], WINSHM_READ_WRITE, 1, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_NO_UNICODE_TRANSLATION);
        r = winshm_open_or_create_w(&shm, utf16[i], WINSHM_READ_WRITE, 1, NULL, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_NO_UNICODE_TRANSLATION);
        r = winshm_open_only_w(&shm, utf16[i], WINSHM_READ_ONLY);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_NO_UNICODE_TRANSLATION);
    }
}

/* Sizes past 2^63 - page: tests/test_create.c, create_only::sizes_past_two_to_the_63_are_out_of_range. */
Test(hostile, sizes_at_the_edges, .timeout = 120)
{
    static const uint64_t edges[] = {1, 0xFFFFFFFFu, (uint64_t)1 << 32, ((uint64_t)1 << 32) + 1};
    winshm shm = {0};
    winshm_view view = {0};
    size_t i;
    winshm_result r = winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 0, NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    for (i = 0; i < sizeof edges / sizeof edges[0]; ++i) {
        /* Sections this large may not be committable on a small machine:
         * then the documented result is OUT_OF_MEMORY, and nothing is left. */
        r = winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, edges[i], NULL);
        cr_assert(r == WINSHM_OK || r == WINSHM_ERROR_OUT_OF_MEMORY, "size %llu: %s", (unsigned long long)edges[i],
                  winshm_result_string(r));
        if (r != WINSHM_OK) {
            cr_assert_not(winshm_is_open(&shm));
            continue;
        }
        cr_assert_eq(winshm_get_size(&shm), (edges[i] + page_size() - 1) / page_size() * page_size());
        /* The last byte, and offsets near 2^64. */
        cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, winshm_get_size(&shm) - 1, 1, &view), WINSHM_OK);
        *(volatile unsigned char *)view.data = 1;
        winshm_unmap(&view);
        assert_result(winshm_map(&shm, WINSHM_READ_ONLY, UINT64_MAX, 0, &view), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
        assert_result(winshm_map(&shm, WINSHM_READ_ONLY, UINT64_MAX - page_size() + 1, page_size(), &view),
                      WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
        assert_result(winshm_map(&shm, WINSHM_READ_ONLY, page_size(), SIZE_MAX - 100, &view), WINSHM_ERROR_OUT_OF_RANGE,
                      ERROR_INVALID_PARAMETER);
        cr_assert_null(view.data);
        winshm_close(&shm);
    }
    cr_assert_eq(winshm_test_live_blocks, 0);
}
