/* winshm_create_ex and its options; reserve-only sections, winshm_commit,
 * winshm_get_flags and the geometry queries. */
#include "winshm_test.h"

/* MEM_COMMIT or MEM_RESERVE: the state of the page holding `address`. */
static DWORD state_of(const void *address)
{
    MEMORY_BASIC_INFORMATION info;
    cr_assert_eq(VirtualQuery(address, &info, sizeof info), sizeof info);
    return info.State;
}

static void make_reserved(winshm *shm, const char *name, uint64_t size)
{
    winshm_options options = {NULL, WINSHM_RESERVE, 0};
    int created = -1;
    SetLastError(4321);
    assert_result(winshm_create_ex(shm, name, WINSHM_READ_WRITE, size, &options, &created), WINSHM_OK, 0);
    cr_assert_eq(created, 1);
    cr_assert_eq(winshm_get_flags(shm), WINSHM_RESERVE);
}

Test(geometry, page_size_and_granularity_are_the_systems)
{
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    cr_assert_eq(winshm_page_size(), info.dwPageSize);
    cr_assert_eq(winshm_allocation_granularity(), info.dwAllocationGranularity);
    cr_assert_eq(winshm_page_size(), info.dwPageSize, "cached, and still right");
    cr_assert_eq(winshm_allocation_granularity() % winshm_page_size(), 0);
}

Test(options, null_and_zeroed_options_are_create_only)
{
    const char *name = unique_name("opt_create");
    winshm_options zeroed;
    winshm shm = {0}, again = {0}, unnamed = {0};
    int created = -1;
    memset(&zeroed, 0, sizeof zeroed);
    SetLastError(77);
    assert_result(winshm_create_ex(&shm, name, WINSHM_READ_WRITE, 5000, NULL, &created), WINSHM_OK, 0);
    cr_assert_eq(created, 1);
    cr_assert_eq(winshm_get_size(&shm), (5000 + page_size() - 1) / page_size() * page_size());
    cr_assert_eq(winshm_get_flags(&shm), 0);
    cr_assert_str_eq(winshm_get_name(&shm), name);
    hold_current_heap_blocks();
    created = -1;
    {
        winshm_result r = winshm_create_ex(&again, name, WINSHM_READ_WRITE, 5000, &zeroed, &created);
        assert_failed_empty(&again, WINSHM_ERROR_ALREADY_EXISTS, r, ERROR_ALREADY_EXISTS);
        cr_assert_eq(created, 0);
        r = winshm_create_ex_w(&again, widen(name), WINSHM_READ_WRITE, 5000, NULL, NULL);
        assert_failed_empty(&again, WINSHM_ERROR_ALREADY_EXISTS, r, ERROR_ALREADY_EXISTS);
    }
    SetLastError(77);
    assert_result(winshm_create_ex(&unnamed, NULL, WINSHM_READ_ONLY, 1, &zeroed, NULL), WINSHM_OK, 0);
    cr_assert_eq(winshm_get_mode(&unnamed), WINSHM_READ_ONLY);
    cr_assert_str_eq(winshm_get_name(&unnamed), "");
    winshm_close(&unnamed);
    winshm_close(&shm);
    cr_assert_eq(winshm_test_live_blocks, 0);
}

Test(options, open_existing_is_open_or_create)
{
    const char *name = unique_name("opt_open");
    winshm_options options = {NULL, 0, 1};
    winshm first = {0}, second = {0}, too_small = {0};
    winshm_view view = {0};
    int created = -1;
    SetLastError(55);
    assert_result(winshm_create_ex(&first, name, WINSHM_READ_WRITE, 3 * page_size(), &options, &created), WINSHM_OK, 0);
    cr_assert_eq(created, 1);
    cr_assert_eq(winshm_map(&first, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    strcpy((char *)view.data, "first");
    winshm_unmap(&view);
    created = -1;
    SetLastError(55);
    assert_result(winshm_create_ex_w(&second, widen(name), WINSHM_READ_ONLY, page_size(), &options, &created), WINSHM_OK,
                  ERROR_ALREADY_EXISTS);
    cr_assert_eq(created, 0);
    cr_assert_eq(winshm_get_size(&second), 3 * page_size(), "the existing size, not the one asked");
    cr_assert_eq(winshm_get_mode(&second), WINSHM_READ_ONLY);
    cr_assert_eq(winshm_map(&second, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    cr_assert_str_eq((const char *)view.data, "first");
    winshm_unmap(&view);
    hold_current_heap_blocks();
    {
        /* smaller than asked, a NULL name, and created may be NULL */
        winshm_result r = winshm_create_ex(&too_small, name, WINSHM_READ_WRITE, 4 * page_size(), &options, NULL);
        assert_failed_empty(&too_small, WINSHM_ERROR_OUT_OF_RANGE, r, ERROR_INVALID_PARAMETER);
        created = -1;
        r = winshm_create_ex(&too_small, NULL, WINSHM_READ_WRITE, page_size(), &options, &created);
        assert_failed_empty(&too_small, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
        cr_assert_eq(created, 0);
    }
    winshm_close(&second);
    winshm_close(&first);
}

Test(options, open_existing_races_have_one_creator, .timeout = 240)
{
    int round;
    for (round = 0; round < 4; ++round)
        race_round_with("race-ex", 8, 3 * page_size() + 1);
}

Test(options, unknown_flags_and_bad_modes_are_refused)
{
    static const unsigned bad_flags[] = {0x2, 0x4, 0x100, 0x80000000u, WINSHM_RESERVE | 0x2};
    static const winshm_mode reserve_modes[] = {WINSHM_READ_ONLY, WINSHM_COPY_ON_WRITE};
    winshm shm = {0};
    size_t i;
    hold_current_heap_blocks();
    for (i = 0; i < sizeof bad_flags / sizeof bad_flags[0]; ++i) {
        winshm_options options = {NULL, bad_flags[i], 0};
        int created = -1;
        winshm_result r = winshm_create_ex(&shm, unique_name("badflags"), WINSHM_READ_WRITE, page_size(), &options, &created);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
        cr_assert_eq(created, 0);
        options.open_existing = 1;
        r = winshm_create_ex_w(&shm, L"Local\\winshm_test_badflags", WINSHM_READ_WRITE, page_size(), &options, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    }
    for (i = 0; i < sizeof reserve_modes / sizeof reserve_modes[0]; ++i) {
        winshm_options options = {NULL, WINSHM_RESERVE, 0};
        winshm_result r = winshm_create_ex(&shm, NULL, reserve_modes[i], page_size(), &options, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    }
}

Test(reserve, a_tebibyte_reservation_succeeds)
{
    const uint64_t tebibyte = (uint64_t)1 << 40;
    winshm shm = {0};
    winshm_view view = {0};
    size_t window = winshm_allocation_granularity();
    make_reserved(&shm, NULL, tebibyte);
    cr_assert_eq(winshm_get_size(&shm), tebibyte);
    /* A window far inside it, committed and written: the reservation is real. */
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, tebibyte / 2, window, &view), WINSHM_OK);
    cr_assert_eq(view.size, window);
    assert_result(winshm_commit(&view, 0, 0), WINSHM_OK, 0);
    ((unsigned char *)view.data)[window - 1] = 0x5A;
    cr_assert_eq(((unsigned char *)view.data)[window - 1], 0x5A);
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(reserve, committed_pages_start_zeroed_and_others_stay_reserved)
{
    winshm shm = {0};
    winshm_view view = {0};
    unsigned char *bytes;
    size_t i;
    make_reserved(&shm, NULL, 16 * page_size());
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    bytes = (unsigned char *)view.data;
    cr_assert_eq(state_of(bytes + 3 * page_size()), MEM_RESERVE);
    /* 10 bytes that straddle pages 3 and 4 commit both, and only those. */
    SetLastError(999);
    assert_result(winshm_commit(&view, 4 * page_size() - 5, 10), WINSHM_OK, 0);
    cr_assert_eq(state_of(bytes + 3 * page_size()), MEM_COMMIT);
    cr_assert_eq(state_of(bytes + 4 * page_size()), MEM_COMMIT);
    cr_assert_eq(state_of(bytes + 2 * page_size()), MEM_RESERVE);
    cr_assert_eq(state_of(bytes + 5 * page_size()), MEM_RESERVE);
    for (i = 3 * page_size(); i < 5 * page_size(); ++i)
        cr_assert_eq(bytes[i], 0, "byte %zu", i);
    memset(bytes + 3 * page_size(), 0xC3, 2 * page_size());
    /* committing again is harmless and keeps the bytes */
    assert_result(winshm_commit(&view, 3 * page_size(), 2 * page_size()), WINSHM_OK, 0);
    cr_assert_eq(bytes[3 * page_size()], 0xC3);
    cr_assert_eq(bytes[5 * page_size() - 1], 0xC3);
    winshm_unmap(&view);
    winshm_close(&shm);
}

/* Wine 8 leaves the uncommitted pages of a section view accessible (while
 * VirtualQuery says MEM_RESERVE), so the fault is checked on Windows only. */
Test(reserve, touching_a_page_that_was_never_committed_faults)
{
    if (running_on_wine())
        cr_skip_test("Wine does not fault on uncommitted pages of a SEC_RESERVE view");
    cr_assert_eq(wait_child(start_child("touch-reserved x")), (DWORD)STATUS_ACCESS_VIOLATION);
}

Test(reserve, an_unaligned_view_commits_from_its_data_pointer)
{
    winshm shm = {0};
    winshm_view whole = {0}, part = {0};
    const size_t offset = winshm_allocation_granularity() + page_size() + 123;
    make_reserved(&shm, NULL, 4 * (uint64_t)winshm_allocation_granularity());
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, offset, 100, &part), WINSHM_OK);
    assert_result(winshm_commit(&part, 0, 0), WINSHM_OK, 0);
    memcpy(part.data, "offset", 7);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &whole), WINSHM_OK);
    assert_result(winshm_commit(&whole, offset, 7), WINSHM_OK, 0);
    cr_assert_str_eq((const char *)whole.data + offset, "offset");
    cr_assert_eq(state_of((const char *)whole.data + offset - 124), MEM_RESERVE, "the page before stays reserved");
    winshm_unmap(&whole);
    winshm_unmap(&part);
    winshm_close(&shm);
}

Test(reserve, another_process_sees_the_flag_commits_and_reads)
{
    const char *name = unique_name("reserve_child");
    const size_t offset = 5 * page_size() + 17;
    winshm shm = {0};
    winshm_view view = {0};
    make_reserved(&shm, name, 64 * page_size());
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    cr_assert_eq(winshm_commit(&view, offset, 12), WINSHM_OK);
    memcpy((char *)view.data + offset, "from-parent", 11);
    cr_assert_eq(wait_child(start_child("reserve-read %s %zu %s", name, offset, "from-parent")), 0);
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(reserve, committing_while_another_process_reads_loses_nothing, .timeout = 120)
{
    const char *name = unique_name("reserve_follow");
    const uint32_t pages = 256;
    winshm shm = {0};
    winshm_view view = {0};
    HANDLE child;
    uint32_t i;
    make_reserved(&shm, name, (uint64_t)(pages + 1) * page_size());
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    cr_assert_eq(winshm_commit(&view, 0, page_size()), WINSHM_OK);
    child = start_child("reserve-follow %s %u", name, pages);
    publish_pages(&view, pages);
    cr_assert_eq(wait_child(child), 0);
    for (i = 1; i <= pages; ++i)
        cr_assert_eq(*(uint32_t *)((unsigned char *)view.data + (size_t)i * page_size()), i);
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(reserve, open_existing_keeps_what_the_section_is)
{
    const char *name = unique_name("reserve_keep");
    winshm_options reserve_or_open = {NULL, WINSHM_RESERVE, 1}, plain_or_open = {NULL, 0, 1};
    winshm reserved = {0}, plain = {0}, opened = {0};
    int created = -1;
    cr_assert_eq(winshm_create_ex(&reserved, name, WINSHM_READ_WRITE, 8 * page_size(), &reserve_or_open, &created), WINSHM_OK);
    cr_assert_eq(created, 1);
    cr_assert_eq(winshm_create_ex(&opened, name, WINSHM_READ_WRITE, page_size(), &plain_or_open, &created), WINSHM_OK);
    cr_assert_eq(created, 0);
    cr_assert_eq(winshm_get_flags(&opened), WINSHM_RESERVE, "an opener learns it is reserve-only");
    winshm_close(&opened);
    cr_assert_eq(winshm_open_only(&opened, name, WINSHM_READ_ONLY), WINSHM_OK);
    cr_assert_eq(winshm_get_flags(&opened), WINSHM_RESERVE);
    winshm_close(&opened);
    winshm_close(&reserved);

    name = unique_name("plain_keep");
    cr_assert_eq(winshm_create_ex(&plain, name, WINSHM_READ_WRITE, 8 * page_size(), &plain_or_open, &created), WINSHM_OK);
    cr_assert_eq(winshm_create_ex(&opened, name, WINSHM_READ_WRITE, page_size(), &reserve_or_open, &created), WINSHM_OK);
    cr_assert_eq(created, 0);
    cr_assert_eq(winshm_get_flags(&opened), 0, "the flag does not change an existing section");
    winshm_close(&opened);
    winshm_close(&plain);
}

Test(commit, bounds_and_empty_views)
{
    winshm shm = {0};
    winshm_view view = {0}, empty = {0};
    char *data;
    make_reserved(&shm, NULL, 8 * page_size());
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 100, 3 * page_size(), &view), WINSHM_OK);
    data = (char *)view.data;
    assert_result(winshm_commit(&view, view.size, 0), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    assert_result(winshm_commit(&view, view.size, 1), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    assert_result(winshm_commit(&view, 0, view.size + 1), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    assert_result(winshm_commit(&view, view.size - 1, 2), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    assert_result(winshm_commit(&view, 1, SIZE_MAX), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    assert_result(winshm_commit(&view, SIZE_MAX, 1), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    assert_result(winshm_commit(&view, SIZE_MAX, 0), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    cr_assert_eq(state_of(data), MEM_RESERVE, "a refused commit commits nothing");
    cr_assert_eq(state_of(data + view.size - 1), MEM_RESERVE);
    assert_result(winshm_commit(&empty, 0, 0), WINSHM_ERROR_NOT_OPEN, ERROR_INVALID_HANDLE);
    assert_result(winshm_commit(NULL, 0, 0), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    /* the last byte alone, then size 0: through the end */
    assert_result(winshm_commit(&view, view.size - 1, 1), WINSHM_OK, 0);
    cr_assert_eq(state_of(data + view.size - 1), MEM_COMMIT);
    cr_assert_eq(state_of(data), MEM_RESERVE);
    assert_result(winshm_commit(&view, 0, 0), WINSHM_OK, 0);
    cr_assert_eq(state_of(data), MEM_COMMIT);
    data[0] = 1;
    data[view.size - 1] = 2;
    winshm_unmap(&view);
    assert_result(winshm_commit(&view, 0, 0), WINSHM_ERROR_NOT_OPEN, ERROR_INVALID_HANDLE);
    winshm_close(&shm);
}

Test(commit, a_section_that_is_not_reserve_only_is_left_alone)
{
    winshm shm = {0};
    winshm_view view = {0}, read_only = {0};
    MEMORY_BASIC_INFORMATION before, after;
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 4 * page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_get_flags(&shm), 0);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    cr_assert_eq(view.flags_, 0);
    strcpy((char *)view.data, "kept");
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &read_only), WINSHM_OK);
    cr_assert_eq(VirtualQuery(read_only.data, &before, sizeof before), sizeof before);
    SetLastError(31);
    assert_result(winshm_commit(&read_only, 0, 0), WINSHM_OK, 0);
    assert_result(winshm_commit(&view, page_size(), 1), WINSHM_OK, 0);
    cr_assert_eq(VirtualQuery(read_only.data, &after, sizeof after), sizeof after);
    cr_assert_eq(after.Protect, before.Protect);
    cr_assert_eq(after.State, MEM_COMMIT);
    cr_assert_str_eq((const char *)read_only.data, "kept");
    /* A page the program made read-only stays read-only: commit changes
     * nothing here, not even a protection that differs from the view's. */
    {
        DWORD old_protection = 0;
        unsigned char *page = (unsigned char *)view.data + (2 * page_size());
        cr_assert(VirtualProtect(page, page_size(), PAGE_READONLY, &old_protection));
        assert_result(winshm_commit(&view, 0, 0), WINSHM_OK, 0);
        cr_assert_eq(VirtualQuery(page, &after, sizeof after), sizeof after);
        cr_assert_eq(after.Protect, (DWORD)PAGE_READONLY, "commit changed the protection to %#lx",
                     (unsigned long)after.Protect);
    }
    /* the range is still checked */
    assert_result(winshm_commit(&view, view.size, 0), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    winshm_unmap(&read_only);
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(commit, read_only_and_copy_on_write_views_commit_too)
{
    const char *name = unique_name("commit_modes");
    winshm creator = {0}, reader = {0};
    winshm_view writer = {0}, read_only = {0}, private_copy = {0};
    make_reserved(&creator, name, 4 * page_size());
    cr_assert_eq(winshm_map(&creator, WINSHM_READ_WRITE, 0, 0, &writer), WINSHM_OK);
    cr_assert_eq(winshm_commit(&writer, 0, page_size()), WINSHM_OK);
    strcpy((char *)writer.data, "shared");
    cr_assert_eq(winshm_open_only(&reader, name, WINSHM_READ_ONLY), WINSHM_OK);
    cr_assert_eq(winshm_map(&reader, WINSHM_READ_ONLY, 0, 0, &read_only), WINSHM_OK);
    assert_result(winshm_commit(&read_only, 0, 10), WINSHM_OK, 0);
    cr_assert_str_eq((const char *)read_only.data, "shared");
    cr_assert_eq(winshm_map(&reader, WINSHM_COPY_ON_WRITE, 0, 0, &private_copy), WINSHM_OK);
    assert_result(winshm_commit(&private_copy, 0, 10), WINSHM_OK, 0);
    cr_assert_str_eq((const char *)private_copy.data, "shared");
    ((char *)private_copy.data)[0] = 'S';
    cr_assert_str_eq((const char *)writer.data, "shared", "a private write stays private");
    winshm_unmap(&private_copy);
    winshm_unmap(&read_only);
    winshm_unmap(&writer);
    winshm_close(&reader);
    winshm_close(&creator);
}

/* Wine charges no commit for the pages of a SEC_RESERVE section (committing
 * 512 GiB of one succeeds), so no commit limit can be reached there; on
 * Windows the limit is RAM plus pagefile. A 32-bit process cannot map enough
 * of a section to reach it. */
Test(commit, the_commit_limit_is_out_of_memory_and_loses_nothing, .timeout = 300)
{
    const uint64_t reserved = (uint64_t)1 << 45; /* 32 TiB: beyond any commit limit */
    const size_t chunk = (size_t)1 << 30;
    winshm shm = {0}, after = {0};
    winshm_view view = {0};
    size_t committed = 0;
    winshm_result r = WINSHM_OK;
    DWORD error = 0;
    if (running_on_wine())
        cr_skip_test("Wine has no commit charge for SEC_RESERVE pages");
    if (sizeof(void *) < 8)
        cr_skip_test("a 32-bit address space cannot hold views past the commit limit");
    make_reserved(&shm, NULL, reserved);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    cr_assert_eq(winshm_commit(&view, 0, page_size()), WINSHM_OK);
    strcpy((char *)view.data, "still here");
    while (committed + chunk <= view.size) {
        r = winshm_commit(&view, committed + page_size(), chunk);
        error = GetLastError();
        if (r != WINSHM_OK)
            break;
        committed += chunk;
    }
    cr_assert_eq(r, WINSHM_ERROR_OUT_OF_MEMORY, "%s after %zu GiB", winshm_result_string(r), committed >> 30);
    cr_assert(error == ERROR_COMMITMENT_LIMIT || error == ERROR_NOT_ENOUGH_MEMORY || error == ERROR_PAGEFILE_QUOTA,
              "GetLastError() %lu", (unsigned long)error);
    cr_assert_str_eq((const char *)view.data, "still here");
    ((char *)view.data)[page_size() - 1] = 'x'; /* the view stays usable */
    winshm_unmap(&view);
    winshm_close(&shm);
    /* the process carries on once the charge is gone */
    cr_assert_eq(winshm_create_only(&after, NULL, WINSHM_READ_WRITE, chunk, NULL), WINSHM_OK);
    winshm_close(&after);
}

Test(flags, follow_the_section_through_move_swap_close_duplicate_and_adopt)
{
    winshm reserved = {0}, plain = {0}, moved = {0}, adopted = {0};
    void *handle = NULL;
    make_reserved(&reserved, NULL, 4 * page_size());
    cr_assert_eq(winshm_create_only(&plain, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_get_flags(&plain), 0);
    cr_assert_eq(winshm_get_flags(NULL), 0);
    cr_assert_eq(winshm_get_flags(&moved), 0);
    winshm_move(&moved, &reserved);
    cr_assert_eq(winshm_get_flags(&moved), WINSHM_RESERVE);
    cr_assert_eq(winshm_get_flags(&reserved), 0);
    winshm_swap(&moved, &plain);
    cr_assert_eq(winshm_get_flags(&moved), 0);
    cr_assert_eq(winshm_get_flags(&plain), WINSHM_RESERVE);
    cr_assert_eq(winshm_duplicate(&plain, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_OK);
    cr_assert_eq(winshm_adopt(&adopted, handle, WINSHM_READ_ONLY), WINSHM_OK);
    cr_assert_eq(winshm_get_flags(&adopted), WINSHM_RESERVE);
    winshm_close(&adopted);
    cr_assert_eq(winshm_duplicate(&moved, NULL, WINSHM_READ_WRITE, 0, &handle), WINSHM_OK);
    cr_assert_eq(winshm_adopt(&adopted, handle, WINSHM_READ_WRITE), WINSHM_OK);
    cr_assert_eq(winshm_get_flags(&adopted), 0);
    winshm_close(&adopted);
    winshm_close(&plain);
    cr_assert_eq(winshm_get_flags(&plain), 0, "closed is empty");
    winshm_close(&moved);
}
