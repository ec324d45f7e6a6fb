/* Views where you want them: winshm_map_at and winshm_map_mirrored, the
 * latter through both of its placement paths. */

/* Both placements of a mirrored view are tested wherever placeholders exist:
 * this switch makes winshm_map_mirrored take its fallback when 0. */
static volatile int use_placeholders = 1;
#define WINSHM_USE_PLACEHOLDERS use_placeholders
#include "winshm_test.h"

static size_t grain(void)
{
    return winshm_allocation_granularity();
}

/* A range of `size` bytes that was free a moment ago. */
static unsigned char *free_range(size_t size)
{
    void *p = VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_NOACCESS);
    cr_assert_not_null(p);
    cr_assert(VirtualFree(p, 0, MEM_RELEASE));
    return (unsigned char *)p;
}

/* Whether this Windows maps views into placeholders, asked directly. Wine 8
 * refuses MEM_RESERVE_PLACEHOLDER (error 87); Wine 10 and Windows 10 1803+
 * have it. */
static int system_has_placeholders(void)
{
    typedef void *(WINAPI *virtual_alloc2_fn)(HANDLE, void *, SIZE_T, ULONG, ULONG, void *, ULONG);
    HMODULE kernelbase = GetModuleHandleW(L"kernelbase.dll");
    virtual_alloc2_fn virtual_alloc2 =
        kernelbase ? (virtual_alloc2_fn)(void (*)(void))GetProcAddress(kernelbase, "VirtualAlloc2") : NULL;
    void *p;
    if (!virtual_alloc2 || !GetProcAddress(kernelbase, "MapViewOfFile3"))
        return 0;
    p = virtual_alloc2(NULL, NULL, 2 * grain(), MEM_RESERVE | 0x40000 /* MEM_RESERVE_PLACEHOLDER */, PAGE_NOACCESS, NULL, 0);
    if (!p)
        return 0;
    VirtualFree(p, 0, MEM_RELEASE);
    return 1;
}

/* The state of the page at p, or 0 if VirtualQuery fails (no assertion:
 * loops call this, and Criterion reports every assertion). */
static DWORD page_state(const void *p)
{
    MEMORY_BASIC_INFORMATION region;
    return VirtualQuery(p, &region, sizeof region) ? region.State : 0;
}

static void assert_view_empty(const winshm_view *view)
{
    static const winshm_view empty;
    cr_assert(memcmp(view, &empty, sizeof empty) == 0, "the view must be zeroed");
}

/* The two placements a test runs through: with placeholders where the
 * system has them, and the fallback. */
static const int placements[] = {1, 0};
#define FOR_EACH_PLACEMENT(p) for (size_t p##_i = 0; p##_i < 2 && (use_placeholders = placements[p##_i], 1); ++p##_i)

/* A mirrored view says how it was placed (a private flag): with
 * placeholders exactly when they were asked for and exist. */
static void assert_placement(const winshm_view *view)
{
    int placed_in_placeholder = (view->flags_ & 0x100) != 0;
    cr_assert_eq(placed_in_placeholder, use_placeholders && system_has_placeholders(),
                 "placeholders asked %d, system has %d, used %d", use_placeholders, system_has_placeholders(),
                 placed_in_placeholder);
}

/* ---- winshm_map_at ---- */

Test(map_at, the_view_lands_exactly_where_asked)
{
    winshm shm = {0};
    winshm_view at = {0}, plain = {0};
    unsigned char *address;
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 4 * grain(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &plain), WINSHM_OK);
    address = free_range(4 * grain());
    assert_result(winshm_map_at(&shm, WINSHM_READ_WRITE, 0, 0, address, &at), WINSHM_OK, 0);
    cr_assert_eq(at.data, (void *)address);
    cr_assert_eq(at.size, 4 * grain());
    strcpy((char *)at.data + grain(), "placed");
    cr_assert_str_eq((char *)plain.data + grain(), "placed");
    winshm_unmap(&at);
    assert_view_empty(&at);
    cr_assert_eq(page_state(address), MEM_FREE, "unmap must free the range");
    winshm_unmap(&plain);
    winshm_close(&shm);
}

Test(map_at, an_unaligned_offset_with_a_congruent_address_works)
{
    winshm shm = {0};
    winshm_view at = {0}, plain = {0};
    const uint64_t offset = grain() + 100;
    unsigned char *address;
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 4 * grain(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &plain), WINSHM_OK);
    strcpy((char *)plain.data + offset, "at an odd offset");
    address = free_range(4 * grain()) + 100;
    assert_result(winshm_map_at(&shm, WINSHM_READ_ONLY, offset, 1000, address, &at), WINSHM_OK, 0);
    cr_assert_eq(at.data, (void *)address);
    cr_assert_eq(at.size, 1000);
    cr_assert_str_eq((char *)at.data, "at an odd offset");
    winshm_unmap(&at);
    winshm_unmap(&plain);
    winshm_close(&shm);
}

Test(map_at, an_incongruent_address_is_invalid)
{
    winshm shm = {0};
    winshm_view at = {0};
    unsigned char *address = free_range(4 * grain());
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 4 * grain(), NULL), WINSHM_OK);
    assert_result(winshm_map_at(&shm, WINSHM_READ_WRITE, grain() + 100, 10, address + 101, &at),
                  WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_view_empty(&at);
    assert_result(winshm_map_at(&shm, WINSHM_READ_WRITE, 0, 0, address + winshm_page_size(), &at),
                  WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_view_empty(&at);
    cr_assert_eq(page_state(address), MEM_FREE, "nothing was mapped");
    winshm_close(&shm);
}

Test(map_at, an_occupied_range_is_address_in_use_and_leaks_nothing)
{
    winshm shm = {0};
    winshm_view at = {0};
    unsigned char *taken = VirtualAlloc(NULL, 4 * grain(), MEM_RESERVE, PAGE_NOACCESS);
    uintptr_t handles;
    uint64_t used;
    cr_assert_not_null(taken);
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 8 * grain(), NULL), WINSHM_OK);
    handles = next_handle_value();
    used = address_space_in_use(0);
    for (int i = 0; i < 100; ++i) {
        /* wholly inside the taken range, and overlapping its end */
        assert_result(winshm_map_at(&shm, WINSHM_READ_WRITE, 0, grain(), taken, &at), WINSHM_ERROR_ADDRESS_IN_USE,
                      ERROR_INVALID_ADDRESS);
        assert_view_empty(&at);
        assert_result(winshm_map_at(&shm, WINSHM_READ_WRITE, 0, 4 * grain(), taken + 2 * grain(), &at),
                      WINSHM_ERROR_ADDRESS_IN_USE, ERROR_INVALID_ADDRESS);
        assert_view_empty(&at);
    }
    cr_assert_eq(next_handle_value(), handles, "a refused map_at leaked a handle");
    cr_assert_eq(address_space_in_use(0), used, "a refused map_at left address space behind");
    cr_assert_eq(page_state(taken), MEM_RESERVE, "the range's owner keeps it");
    VirtualFree(taken, 0, MEM_RELEASE);
    winshm_close(&shm);
}

Test(map_at, null_is_plain_map_and_every_map_rule_holds)
{
    winshm shm = {0}, read_only = {0}, empty = {0};
    winshm_view at = {0};
    unsigned char *address = free_range(4 * grain());
    const char *name = unique_name("map_at_rules");
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, 2 * grain(), NULL), WINSHM_OK);
    assert_result(winshm_map_at(&shm, WINSHM_READ_WRITE, 5, 0, NULL, &at), WINSHM_OK, 0);
    cr_assert_eq(at.size, 2 * grain() - 5);
    winshm_unmap(&at);
    assert_result(winshm_map_at(&empty, WINSHM_READ_ONLY, 0, 0, address, &at), WINSHM_ERROR_NOT_OPEN, ERROR_INVALID_HANDLE);
    assert_view_empty(&at);
    assert_result(winshm_map_at(NULL, WINSHM_READ_ONLY, 0, 0, address, &at), WINSHM_ERROR_INVALID_ARGUMENT,
                  ERROR_INVALID_PARAMETER);
    assert_result(winshm_map_at(&shm, WINSHM_READ_ONLY, 0, 0, address, NULL), WINSHM_ERROR_INVALID_ARGUMENT,
                  ERROR_INVALID_PARAMETER);
    assert_result(winshm_map_at(&shm, (winshm_mode)9, 0, 0, address, &at), WINSHM_ERROR_INVALID_ARGUMENT,
                  ERROR_INVALID_PARAMETER);
    assert_result(winshm_map_at(&shm, WINSHM_READ_ONLY, 2 * grain(), 0, address, &at), WINSHM_ERROR_OUT_OF_RANGE,
                  ERROR_INVALID_PARAMETER);
    assert_result(winshm_map_at(&shm, WINSHM_READ_ONLY, 0, 2 * grain() + 1, address, &at), WINSHM_ERROR_OUT_OF_RANGE,
                  ERROR_INVALID_PARAMETER);
    cr_assert_eq(winshm_open_only(&read_only, name, WINSHM_READ_ONLY), WINSHM_OK);
    assert_result(winshm_map_at(&read_only, WINSHM_READ_WRITE, 0, 0, address, &at), WINSHM_ERROR_ACCESS_DENIED,
                  ERROR_ACCESS_DENIED);
    assert_view_empty(&at);
    /* the view outlives the winshm */
    assert_result(winshm_map_at(&read_only, WINSHM_COPY_ON_WRITE, 0, 0, address, &at), WINSHM_OK, 0);
    winshm_close(&read_only);
    winshm_close(&shm);
    ((char *)at.data)[0] = 'x'; /* copy-on-write: private */
    cr_assert_eq(((char *)at.data)[0], 'x');
    winshm_unmap(&at);
}

/* ---- winshm_map_mirrored ---- */

Test(mirrored, both_copies_alias_over_the_whole_range_in_both_directions)
{
    FOR_EACH_PLACEMENT(p) {
        winshm shm = {0};
        winshm_view view = {0};
        unsigned char *data;
        size_t size, i, bad = 0;
        cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 4 * grain(), NULL), WINSHM_OK);
        assert_result(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK, 0);
        assert_placement(&view);
        data = view.data;
        size = view.size;
        cr_assert_eq(size, 4 * grain());
        for (i = 0; i < size; ++i)
            data[i] = (unsigned char)(i * 7 + 1);
        for (i = 0; i < size; ++i)
            bad += data[size + i] != (unsigned char)(i * 7 + 1);
        cr_assert_eq(bad, 0, "%zu bytes of the second copy differ from the first", bad);
        for (i = 0; i < size; ++i)
            data[size + i] = (unsigned char)(i * 13 + 5);
        for (i = 0; i < size; ++i)
            bad += data[i] != (unsigned char)(i * 13 + 5);
        cr_assert_eq(bad, 0, "%zu bytes of the first copy differ from the second", bad);
        /* byte by byte at the edges: a record written across the end of the
         * first copy lands at the start of the ring */
        for (i = 0; i < 64; ++i)
            data[size - 32 + i] = (unsigned char)(200 + i);
        for (i = 0; i < 32; ++i) {
            cr_assert_eq(data[size - 32 + i], data[2 * size - 32 + i]);
            cr_assert_eq(data[i], (unsigned char)(232 + i), "byte %zu after the wrap", i);
        }
        winshm_unmap(&view);
        winshm_close(&shm);
    }
}

Test(mirrored, a_mirror_of_part_of_the_section_sees_that_part)
{
    FOR_EACH_PLACEMENT(p) {
        winshm shm = {0};
        winshm_view view = {0}, plain = {0};
        cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 4 * grain(), NULL), WINSHM_OK);
        cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &plain), WINSHM_OK);
        strcpy((char *)plain.data + grain(), "second granule");
        assert_result(winshm_map_mirrored(&shm, WINSHM_READ_ONLY, grain(), 2 * grain(), &view), WINSHM_OK, 0);
        cr_assert_eq(view.size, 2 * grain());
        cr_assert_str_eq((char *)view.data, "second granule");
        cr_assert_str_eq((char *)view.data + view.size, "second granule");
        winshm_unmap(&view);
        winshm_unmap(&plain);
        winshm_close(&shm);
    }
}

Test(mirrored, another_process_maps_its_own_mirror_and_sees_the_writes)
{
    winshm shm = {0};
    winshm_view view = {0};
    const char *name = unique_name("mirror");
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, 2 * grain(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    strcpy((char *)view.data + view.size, "from the parent"); /* through the second copy */
    cr_assert_eq(wait_child(start_child("mirror %s \"from the parent\" \"from the child\"", name)), 0u);
    cr_assert_str_eq((char *)view.data + 100, "from the child");
    cr_assert_str_eq((char *)view.data + view.size + 100, "from the child");
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(mirrored, the_granularity_rules_and_copy_on_write_are_enforced)
{
    winshm shm = {0}, odd = {0}, read_only = {0}, empty = {0};
    winshm_view view = {0};
    const char *name = unique_name("mirror_rules");
    uintptr_t handles;
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, 4 * grain(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_create_only(&odd, NULL, WINSHM_READ_WRITE, grain() + winshm_page_size(), NULL), WINSHM_OK);
    hold_current_heap_blocks();
    handles = next_handle_value();
    FOR_EACH_PLACEMENT(p) {
        assert_result(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, winshm_page_size(), grain(), &view),
                      WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
        assert_view_empty(&view);
        assert_result(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, grain() + winshm_page_size(), &view),
                      WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
        assert_view_empty(&view);
        /* size 0: the remainder, one granule and a page, is not a multiple */
        assert_result(winshm_map_mirrored(&odd, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_INVALID_ARGUMENT,
                      ERROR_INVALID_PARAMETER);
        assert_view_empty(&view);
        assert_result(winshm_map_mirrored(&shm, WINSHM_COPY_ON_WRITE, 0, 0, &view), WINSHM_ERROR_INVALID_ARGUMENT,
                      ERROR_INVALID_PARAMETER);
        assert_view_empty(&view);
        /* and winshm_map's rules */
        assert_result(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 4 * grain(), 0, &view), WINSHM_ERROR_OUT_OF_RANGE,
                      ERROR_INVALID_PARAMETER);
        assert_result(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, grain(), 4 * grain(), &view),
                      WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
        assert_view_empty(&view);
        assert_result(winshm_map_mirrored(&empty, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_NOT_OPEN,
                      ERROR_INVALID_HANDLE);
        assert_result(winshm_map_mirrored(NULL, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_INVALID_ARGUMENT,
                      ERROR_INVALID_PARAMETER);
        assert_result(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, NULL), WINSHM_ERROR_INVALID_ARGUMENT,
                      ERROR_INVALID_PARAMETER);
    }
    cr_assert_eq(winshm_open_only(&read_only, name, WINSHM_READ_ONLY), WINSHM_OK);
    assert_result(winshm_map_mirrored(&read_only, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_ACCESS_DENIED,
                  ERROR_ACCESS_DENIED);
    assert_view_empty(&view);
    winshm_close(&read_only);
    cr_assert_eq(next_handle_value(), handles, "a refused mirror leaked a handle");
    cr_assert_eq(winshm_test_live_blocks, winshm_test_blocks_held);
    winshm_close(&odd);
    winshm_close(&shm);
}

Test(mirrored, unmap_releases_everything_over_ten_thousand_cycles, .timeout = 300)
{
    FOR_EACH_PLACEMENT(p) {
        winshm shm = {0};
        winshm_view view = {0};
        uint64_t used;
        uintptr_t handles;
        int failures = 0;
        char first_failure[200] = "";
        cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 2 * grain(), NULL), WINSHM_OK);
        /* one cycle first, so that one-time lookups are not counted */
        cr_assert_eq(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
        winshm_unmap(&view);
        used = address_space_in_use(0);
        handles = next_handle_value();
        for (int i = 0; i < 10000; ++i) {
            void *base;
            EXPECT(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
            base = view.data;
            winshm_unmap(&view);
            if (base && page_state(base) != MEM_FREE && failures++ == 0)
                snprintf(first_failure, sizeof first_failure, "cycle %d: the range is not free after unmap", i);
        }
        cr_assert_eq(failures, 0, "%d failures; first: %s", failures, first_failure);
        cr_assert_eq(address_space_in_use(0), used, "address space grew by %lld bytes",
                     (long long)(address_space_in_use(0) - used));
        cr_assert_eq(next_handle_value(), handles, "handle values climbed");
        winshm_close(&shm);
    }
}

Test(mirrored, commit_on_a_reserve_only_section_commits_both_copies)
{
    FOR_EACH_PLACEMENT(p) {
        winshm_options options = {0};
        winshm shm = {0};
        winshm_view view = {0};
        unsigned char *data;
        options.flags = WINSHM_RESERVE;
        cr_assert_eq(winshm_create_ex(&shm, NULL, WINSHM_READ_WRITE, 4 * grain(), &options, NULL), WINSHM_OK);
        cr_assert_eq(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
        data = view.data;
        cr_assert_eq(page_state(data + grain()), MEM_RESERVE);
        cr_assert_eq(page_state(data + view.size + grain()), MEM_RESERVE);
        assert_result(winshm_commit(&view, grain() + 10, 100), WINSHM_OK, 0);
        cr_assert_eq(page_state(data + grain()), MEM_COMMIT);
        cr_assert_eq(page_state(data + view.size + grain()), MEM_COMMIT);
        cr_assert_eq(page_state(data + 2 * grain()), MEM_RESERVE, "only the pages asked for");
        cr_assert_eq(page_state(data + view.size + 2 * grain()), MEM_RESERVE);
        data[grain() + 10] = 42;
        cr_assert_eq(data[view.size + grain() + 10], 42);
        /* offsets reach up to view->size, not into the second copy */
        assert_result(winshm_commit(&view, view.size, 1), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
        assert_result(winshm_commit(&view, 0, view.size + 1), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
        assert_result(winshm_commit(&view, 0, 0), WINSHM_OK, 0);
        cr_assert_eq(page_state(data + 2 * view.size - 1), MEM_COMMIT);
        winshm_unmap(&view);
        winshm_close(&shm);
    }
}

/* No room for both copies: OUT_OF_MEMORY. The test takes every hole of the
 * address space big enough for two copies (reservations cost no memory on
 * Windows), so that only smaller holes are left. 64-bit: skipped, because
 * under Wine every reserved page costs real memory for its bookkeeping, and
 * filling 128 TiB exhausts the machine (measured: the process was killed);
 * the code path is the same, and the 32-bit configuration runs it. */
Test(mirrored, no_room_for_two_copies_is_out_of_memory, .timeout = 120)
{
    enum { MAX_HOLES = 64 };
    void *taken[MAX_HOLES];
    winshm_options options = {0};
    winshm shm = {0};
    winshm_view view = {0};
    const uint64_t size = (uint64_t)64 << 20;
    int holes = 0;
    if (sizeof(void *) != 4)
        cr_skip_test("64-bit: filling the address space costs Wine gigabytes; see the comment above");
    options.flags = WINSHM_RESERVE;
    cr_assert_eq(winshm_create_ex(&shm, NULL, WINSHM_READ_WRITE, size, &options, NULL), WINSHM_OK);
    while (holes < MAX_HOLES && (taken[holes] = VirtualAlloc(NULL, (SIZE_T)(2 * size), MEM_RESERVE, PAGE_NOACCESS)) != NULL)
        ++holes;
    cr_assert_gt(holes, 0, "there must have been room to take away");
    cr_assert_lt(holes, MAX_HOLES);
    FOR_EACH_PLACEMENT(p) {
        assert_result(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_OUT_OF_MEMORY,
                      ERROR_NOT_ENOUGH_MEMORY);
        assert_view_empty(&view);
    }
    while (holes > 0)
        VirtualFree(taken[--holes], 0, MEM_RELEASE);
    /* and with the room back, it maps */
    assert_result(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK, 0);
    winshm_unmap(&view);
    winshm_close(&shm);
}

/* 32-bit: two copies of 1.25 GiB exceed the whole address space, and two of
 * 2.5 GiB do not even fit in a size_t. 64-bit: no section that Wine can
 * create is half the address space. */
Test(mirrored, two_copies_larger_than_the_address_space_are_out_of_memory)
{
    const uint64_t sizes[] = {(uint64_t)5 << 28, (uint64_t)5 << 29};
    if (sizeof(void *) != 4)
        cr_skip_test("64-bit: no section Wine can create is half the address space");
    for (size_t i = 0; i < 2; ++i) {
        winshm_options options = {0};
        winshm shm = {0};
        winshm_view view = {0};
        options.flags = WINSHM_RESERVE;
        cr_assert_eq(winshm_create_ex(&shm, NULL, WINSHM_READ_WRITE, sizes[i], &options, NULL), WINSHM_OK);
        FOR_EACH_PLACEMENT(p) {
            assert_result(winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_OUT_OF_MEMORY,
                          ERROR_NOT_ENOUGH_MEMORY);
            assert_view_empty(&view);
        }
        winshm_close(&shm);
    }
}

/* ---- contention: other threads take and free address space all along ---- */

static volatile LONG stop_churning;

static DWORD WINAPI churn(void *size)
{
    while (!stop_churning) {
        void *p = VirtualAlloc(NULL, 2 * (SIZE_T)(uintptr_t)size, MEM_RESERVE, PAGE_NOACCESS);
        if (p)
            VirtualFree(p, 0, MEM_RELEASE);
    }
    return 0;
}

Test(mirrored, racing_threads_never_see_a_half_mapped_view, .timeout = 300)
{
    FOR_EACH_PLACEMENT(p) {
        winshm shm = {0};
        HANDLE threads[2];
        int ok = 0, in_use = 0, failures = 0;
        char first_failure[200] = "";
        uint64_t mapped_before;
        cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 2 * grain(), NULL), WINSHM_OK);
        mapped_before = address_space_in_use(1);
        stop_churning = 0;
        for (int t = 0; t < 2; ++t) {
            threads[t] = CreateThread(NULL, 0, churn, (void *)(uintptr_t)(2 * grain()), 0, NULL);
            cr_assert_not_null(threads[t]);
        }
        for (int i = 0; i < 2000; ++i) {
            winshm_view view = {0};
            winshm_result r = winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view);
            if (r == WINSHM_OK) {
                unsigned char *data = view.data;
                ++ok;
                data[0] = (unsigned char)i;
                data[view.size - 1] = (unsigned char)(i + 1);
                if ((data[view.size] != (unsigned char)i || data[2 * view.size - 1] != (unsigned char)(i + 1)) &&
                    failures++ == 0)
                    snprintf(first_failure, sizeof first_failure, "cycle %d: the copies do not alias", i);
                winshm_unmap(&view);
            } else if (r == WINSHM_ERROR_ADDRESS_IN_USE) {
                static const winshm_view empty;
                ++in_use;
                if (memcmp(&view, &empty, sizeof empty) != 0 && failures++ == 0)
                    snprintf(first_failure, sizeof first_failure, "cycle %d: ADDRESS_IN_USE left a view", i);
            } else if (failures++ == 0) {
                snprintf(first_failure, sizeof first_failure, "cycle %d: %s", i, winshm_result_string(r));
            }
        }
        stop_churning = 1;
        WaitForMultipleObjects(2, threads, TRUE, INFINITE);
        CloseHandle(threads[0]);
        CloseHandle(threads[1]);
        cr_assert_eq(failures, 0, "%d failures; first: %s", failures, first_failure);
        cr_log_info("placeholders %d: %d mapped, %d ADDRESS_IN_USE", use_placeholders, ok, in_use);
        /* The fallback tries again when it loses the range: without that, about
         * 40% of these maps failed; with it, none in thousands of runs. */
        cr_assert_leq(in_use, 20, "%d of 2000 maps were ADDRESS_IN_USE: lost races are not retried", in_use);
        /* A copy mapped before the race was lost is unmapped again. */
        cr_assert_eq(address_space_in_use(1), mapped_before, "%lld bytes of views leaked",
                     (long long)(address_space_in_use(1) - mapped_before));
        winshm_close(&shm);
    }
}

/* ---- a view that is still mapped is refused by every map function ---- */

typedef winshm_result (*map_fn)(const winshm *shm, winshm_view *view);
static winshm_result map_plain(const winshm *shm, winshm_view *view)
{
    return winshm_map(shm, WINSHM_READ_WRITE, 0, 0, view);
}
static winshm_result map_placed(const winshm *shm, winshm_view *view)
{
    return winshm_map_at(shm, WINSHM_READ_WRITE, 0, 0, free_range(2 * grain()), view);
}
static winshm_result map_mirror(const winshm *shm, winshm_view *view)
{
    return winshm_map_mirrored(shm, WINSHM_READ_WRITE, 0, 0, view);
}

Test(views, a_view_still_mapped_is_refused_and_kept)
{
    const map_fn fns[] = {map_plain, map_placed, map_mirror};
    const char *names[] = {"winshm_map", "winshm_map_at", "winshm_map_mirrored"};
    winshm shm = {0};
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 2 * grain(), NULL), WINSHM_OK);
    for (size_t first = 0; first < 3; ++first) {
        for (size_t again = 0; again < 3; ++again) {
            winshm_view view = {0}, copy;
            uint64_t mapped;
            uintptr_t handles;
            cr_assert_eq(fns[first](&shm, &view), WINSHM_OK);
            strcpy((char *)view.data, "still here");
            copy = view;
            mapped = address_space_in_use(1);
            handles = next_handle_value();
            SetLastError(0);
            assert_result(fns[again](&shm, &view), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
            cr_assert(memcmp(&view, &copy, sizeof view) == 0, "%s changed a view mapped by %s", names[again],
                      names[first]);
            cr_assert_eq(address_space_in_use(1), mapped, "%s mapped something", names[again]);
            cr_assert_eq(next_handle_value(), handles);
            cr_assert_str_eq((const char *)view.data, "still here");
            /* and unmapping it frees all of it */
            winshm_unmap(&view);
            cr_assert_eq(page_state(copy.base_), MEM_FREE, "%s after %s: the first mapping stayed", names[again],
                         names[first]);
        }
    }
    winshm_close(&shm);
}
