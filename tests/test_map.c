/* Views: offsets, ranges, modes, and sections past 4 GiB. */
#include "winshm_test.h"

static void fill_pattern(winshm *shm)
{
    winshm_view view = {0};
    size_t i;
    cr_assert_eq(winshm_map(shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    for (i = 0; i < view.size; ++i)
        ((unsigned char *)view.data)[i] = (unsigned char)(i * 7 + i / 251);
    winshm_unmap(&view);
}

static unsigned char pattern_at(uint64_t offset)
{
    return (unsigned char)(offset * 7 + offset / 251);
}

static DWORD protection_of(const void *address)
{
    MEMORY_BASIC_INFORMATION info;
    cr_assert_eq(VirtualQuery(address, &info, sizeof info), sizeof info);
    return info.Protect;
}

Test(map, a_whole_view_covers_the_section)
{
    winshm shm = {0};
    winshm_view view = {0};
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 200000, NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    cr_assert_not_null(view.data);
    cr_assert_eq(view.data, view.base_);
    cr_assert_eq(view.size, winshm_get_size(&shm));
    ((unsigned char *)view.data)[view.size - 1] = 0xAB;
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(map, any_offset_gives_the_byte_at_that_offset)
{
    const uint64_t page = page_size(), grain = winshm_allocation_granularity();
    const uint64_t offsets[] = {0, 1, 7, page - 1, page, page + 1, grain - 1, grain, grain + 7, 2 * grain - 1, 199999};
    winshm shm = {0};
    size_t i;
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 200000, NULL), WINSHM_OK);
    fill_pattern(&shm);
    for (i = 0; i < sizeof offsets / sizeof offsets[0]; ++i) {
        winshm_view view = {0};
        size_t size = (size_t)(winshm_get_size(&shm) - offsets[i] < 300 ? winshm_get_size(&shm) - offsets[i] : 300);
        size_t k;
        cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, offsets[i], size, &view), WINSHM_OK, "offset %llu",
                     (unsigned long long)offsets[i]);
        cr_assert_eq(view.size, size);
        for (k = 0; k < size; ++k)
            cr_assert_eq(((unsigned char *)view.data)[k], pattern_at(offsets[i] + k));
        cr_assert_eq((uintptr_t)view.base_ % 65536, 0, "the real view starts on the allocation granularity");
        winshm_unmap(&view);
        /* size 0: through the end */
        cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, offsets[i], 0, &view), WINSHM_OK);
        cr_assert_eq(view.size, winshm_get_size(&shm) - offsets[i]);
        cr_assert_eq(((unsigned char *)view.data)[view.size - 1], pattern_at(winshm_get_size(&shm) - 1));
        winshm_unmap(&view);
    }
    winshm_close(&shm);
}

Test(map, the_last_byte_alone_can_be_mapped)
{
    winshm shm = {0};
    winshm_view view = {0};
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 70000, NULL), WINSHM_OK);
    fill_pattern(&shm);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, winshm_get_size(&shm) - 1, 1, &view), WINSHM_OK);
    cr_assert_eq(view.size, 1);
    cr_assert_eq(*(unsigned char *)view.data, pattern_at(winshm_get_size(&shm) - 1));
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(map, ranges_past_the_end_are_out_of_range)
{
    winshm shm = {0};
    winshm_view view;
    uint64_t size;
    struct { uint64_t offset; size_t size; } bad[8];
    size_t i;
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 8192, NULL), WINSHM_OK);
    size = winshm_get_size(&shm);
    bad[0].offset = size;         bad[0].size = 0;
    bad[1].offset = size;         bad[1].size = 1;
    bad[2].offset = size + 1;     bad[2].size = 0;
    bad[3].offset = 0;            bad[3].size = (size_t)size + 1;
    bad[4].offset = size - 1;     bad[4].size = 2;
    bad[5].offset = 1;            bad[5].size = SIZE_MAX;
    bad[6].offset = UINT64_MAX;   bad[6].size = 1;
    bad[7].offset = UINT64_MAX - 10; bad[7].size = 20;
    for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        scribble_empty_view(&view);
        assert_result(winshm_map(&shm, WINSHM_READ_ONLY, bad[i].offset, bad[i].size, &view), WINSHM_ERROR_OUT_OF_RANGE,
                      ERROR_INVALID_PARAMETER);
        cr_assert_null(view.data);
        cr_assert_null(view.base_);
        cr_assert_eq(view.size, 0);
    }
    winshm_close(&shm);
}

Test(map, bad_arguments_are_refused_and_zero_the_view)
{
    winshm shm = {0}, empty = {0};
    winshm_view view;
    assert_result(winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    scribble_empty_view(&view);
    assert_result(winshm_map(NULL, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert_null(view.data);
    scribble_empty_view(&view);
    assert_result(winshm_map(&empty, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_ERROR_NOT_OPEN, ERROR_INVALID_HANDLE);
    cr_assert_null(view.data);
    cr_assert_null(view.base_);
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    scribble_empty_view(&view);
    assert_result(winshm_map(&shm, (winshm_mode)0, 0, 0, &view), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert_null(view.data);
    cr_assert_eq(winshm_map(&shm, (winshm_mode)4, 0, 0, &view), WINSHM_ERROR_INVALID_ARGUMENT);
    winshm_close(&shm);
}

Test(map, a_read_write_view_of_a_read_only_handle_is_denied)
{
    const char *name = unique_name("rw_of_ro");
    winshm creator = {0}, reader = {0}, copier = {0}, ro_section = {0};
    winshm_view view = {0};
    cr_assert_eq(winshm_create_only(&creator, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_open_only(&reader, name, WINSHM_READ_ONLY), WINSHM_OK);
    assert_result(winshm_map(&reader, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_ACCESS_DENIED, ERROR_ACCESS_DENIED);
    cr_assert_null(view.data);
    cr_assert_eq(winshm_open_only(&copier, name, WINSHM_COPY_ON_WRITE), WINSHM_OK);
    cr_assert_eq(winshm_map(&copier, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_ACCESS_DENIED);
    /* A section created read-only: Wine would grant this view, Windows and winshm do not. */
    cr_assert_eq(winshm_create_only(&ro_section, NULL, WINSHM_READ_ONLY, page_size(), NULL), WINSHM_OK);
    assert_result(winshm_map(&ro_section, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_ACCESS_DENIED, ERROR_ACCESS_DENIED);
    /* What each of them can map. */
    cr_assert_eq(winshm_map(&reader, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    winshm_unmap(&view);
    cr_assert_eq(winshm_map(&reader, WINSHM_COPY_ON_WRITE, 0, 0, &view), WINSHM_OK);
    winshm_unmap(&view);
    cr_assert_eq(winshm_map(&ro_section, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    winshm_unmap(&view);
    winshm_close(&ro_section);
    winshm_close(&copier);
    winshm_close(&reader);
    winshm_close(&creator);
}

Test(map, each_mode_maps_with_its_page_protection)
{
    winshm shm = {0};
    winshm_view view = {0};
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 10, 0, &view), WINSHM_OK);
    cr_assert_eq(protection_of(view.data), PAGE_READONLY);
    winshm_unmap(&view);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 10, 0, &view), WINSHM_OK);
    cr_assert_eq(protection_of(view.data), PAGE_READWRITE);
    winshm_unmap(&view);
    cr_assert_eq(winshm_map(&shm, WINSHM_COPY_ON_WRITE, 10, 0, &view), WINSHM_OK);
    cr_assert_eq(protection_of(view.data), PAGE_WRITECOPY);
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(map, copy_on_write_views_keep_their_writes_private)
{
    const char *name = unique_name("cow");
    winshm creator = {0}, copier = {0};
    winshm_view shared = {0}, private_view = {0}, other = {0};
    cr_assert_eq(winshm_create_only(&creator, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_open_only(&copier, name, WINSHM_COPY_ON_WRITE), WINSHM_OK);
    cr_assert_eq(winshm_map(&creator, WINSHM_READ_WRITE, 0, 0, &shared), WINSHM_OK);
    strcpy((char *)shared.data, "original");
    cr_assert_eq(winshm_map(&copier, WINSHM_COPY_ON_WRITE, 0, 0, &private_view), WINSHM_OK);
    cr_assert_str_eq((char *)private_view.data, "original");
    strcpy((char *)private_view.data, "private!");
    cr_assert_str_eq((char *)private_view.data, "private!");
    cr_assert_str_eq((char *)shared.data, "original");
    cr_assert_eq(winshm_map(&copier, WINSHM_READ_ONLY, 0, 0, &other), WINSHM_OK);
    cr_assert_str_eq((char *)other.data, "original");
    winshm_unmap(&other);
    winshm_unmap(&private_view);
    winshm_unmap(&shared);
    winshm_close(&copier);
    winshm_close(&creator);
}

Test(map, views_alias_the_same_bytes)
{
    winshm shm = {0};
    winshm_view a = {0}, b = {0};
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 300000, NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &a), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 200003, 100, &b), WINSHM_OK);
    cr_assert_neq(a.data, b.data);
    ((char *)a.data)[200003] = 'q';
    cr_assert_eq(((char *)b.data)[0], 'q');
    ((char *)b.data)[99] = 'z';
    cr_assert_eq(((char *)a.data)[200102], 'z');
    winshm_unmap(&a);
    winshm_unmap(&b);
    winshm_close(&shm);
}

Test(map, unmap_releases_the_address_and_zeroes_the_view)
{
    winshm shm = {0};
    winshm_view view = {0};
    MEMORY_BASIC_INFORMATION info;
    void *base;
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 5, 10, &view), WINSHM_OK);
    base = view.base_;
    winshm_unmap(&view);
    cr_assert_null(view.data);
    cr_assert_null(view.base_);
    cr_assert_eq(view.size, 0);
    cr_assert_eq(VirtualQuery(base, &info, sizeof info), sizeof info);
    cr_assert_eq(info.State, MEM_FREE);
    winshm_unmap(&view); /* twice: a no-op */
    winshm_unmap(NULL);
    memset(&view, 0, sizeof view);
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(map, a_handle_closed_behind_the_library_is_an_os_error)
{
    winshm shm = {0};
    winshm_view view = {0};
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert(CloseHandle(winshm_get_handle(&shm)));
    assert_result(winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_ERROR_OS, ERROR_INVALID_HANDLE);
    cr_assert_null(view.data);
    winshm_close(&shm); /* closes a stale value: harmless here, nothing reused it */
}

#if defined(_WIN64)
Test(map, sections_past_4_gib_with_views_past_the_4_gib_offset, .timeout = 60)
{
    const uint64_t size = ((uint64_t)5 << 30) + 1;
    const uint64_t far_offset = ((uint64_t)4 << 30) + 12345;
    const char *name = unique_name("big");
    winshm shm = {0}, opener = {0};
    winshm_view writer = {0}, reader = {0};
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, size, NULL), WINSHM_OK);
    cr_assert_eq(winshm_get_size(&shm), ((uint64_t)5 << 30) + page_size());
    cr_assert_eq(winshm_open_only(&opener, name, WINSHM_READ_ONLY), WINSHM_OK);
    cr_assert_eq(winshm_get_size(&opener), winshm_get_size(&shm));
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, far_offset, 100, &writer), WINSHM_OK);
    memcpy(writer.data, "past four gigabytes", 20);
    cr_assert_eq(winshm_map(&opener, WINSHM_READ_ONLY, far_offset - 5, 50, &reader), WINSHM_OK);
    cr_assert_str_eq((char *)reader.data + 5, "past four gigabytes");
    winshm_unmap(&reader);
    cr_assert_eq(winshm_map(&opener, WINSHM_READ_ONLY, winshm_get_size(&opener) - 1, 0, &reader), WINSHM_OK);
    cr_assert_eq(reader.size, 1);
    winshm_unmap(&reader);
    winshm_unmap(&writer);
    winshm_close(&opener);
    winshm_close(&shm);
}
#endif
