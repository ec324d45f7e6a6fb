/* Construction: create_only, open_or_create, open_only, names and permissions. */
#include "winshm_test.h"
#include <aclapi.h>
#include <sddl.h>

static uint64_t round_to_page(uint64_t size)
{
    return (size + page_size() - 1) / page_size() * page_size();
}

Test(create_only, creates_a_page_rounded_named_section)
{
    const char *name = unique_name("create");
    winshm shm = {0};
    SetLastError(12345);
    assert_result(winshm_create_only(&shm, name, WINSHM_READ_WRITE, 5000, NULL), WINSHM_OK, 0);
    cr_assert(winshm_is_open(&shm));
    cr_assert_not_null(winshm_get_handle(&shm));
    cr_assert_eq(winshm_get_size(&shm), round_to_page(5000));
    cr_assert_eq(winshm_get_mode(&shm), WINSHM_READ_WRITE);
    cr_assert_str_eq(winshm_get_name(&shm), name);
    cr_assert(wcscmp(winshm_get_name_w(&shm), widen(name)) == 0);
    winshm_close(&shm);
    cr_assert_eq(winshm_test_live_blocks, 0);
}

Test(create_only, sizes_that_are_already_whole_pages_are_kept)
{
    winshm shm = {0};
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 1, NULL), WINSHM_OK);
    cr_assert_eq(winshm_get_size(&shm), page_size());
    winshm_close(&shm);
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 3 * (uint64_t)page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_get_size(&shm), 3 * (uint64_t)page_size());
    winshm_close(&shm);
}

Test(create_only, the_creator_and_an_opener_see_the_same_size)
{
    /* around a page, around the granularity, and large */
    const uint64_t page = page_size(), grain = winshm_allocation_granularity();
    const uint64_t sizes[] = {1, page - 1, page, page + 1, grain + 1, 1000000};
    size_t i;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
        const char *name = unique_name("samesize");
        winshm creator = {0}, opener = {0};
        cr_assert_eq(winshm_create_only(&creator, name, WINSHM_READ_WRITE, sizes[i], NULL), WINSHM_OK);
        cr_assert_eq(winshm_open_only(&opener, name, WINSHM_READ_ONLY), WINSHM_OK);
        cr_assert_eq(winshm_get_size(&creator), winshm_get_size(&opener), "size %llu",
                     (unsigned long long)sizes[i]);
        cr_assert_geq(winshm_get_size(&opener), sizes[i]);
        winshm_close(&opener);
        winshm_close(&creator);
    }
}

Test(create_only, unnamed_sections_are_distinct_and_have_empty_names)
{
    winshm a = {0}, b = {0};
    winshm_view va = {0}, vb = {0};
    cr_assert_eq(winshm_create_only(&a, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_create_only_w(&b, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_str_eq(winshm_get_name(&a), "");
    cr_assert(wcscmp(winshm_get_name_w(&b), L"") == 0);
    cr_assert_eq(winshm_map(&a, WINSHM_READ_WRITE, 0, 0, &va), WINSHM_OK);
    cr_assert_eq(winshm_map(&b, WINSHM_READ_WRITE, 0, 0, &vb), WINSHM_OK);
    ((char *)va.data)[0] = 'a';
    cr_assert_eq(((char *)vb.data)[0], 0);
    winshm_unmap(&va);
    winshm_unmap(&vb);
    winshm_close(&a);
    winshm_close(&b);
}

Test(create_only, an_existing_name_is_already_exists_and_leaks_nothing)
{
    const char *name = unique_name("exists");
    winshm first = {0}, second = {0};
    uintptr_t before;
    int i;
    cr_assert_eq(winshm_create_only(&first, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    hold_current_heap_blocks();
    before = next_handle_value();
    for (i = 0; i < 200; ++i) {
        winshm_result r = winshm_create_only(&second, name, WINSHM_READ_WRITE, page_size(), NULL);
        assert_failed_empty(&second, WINSHM_ERROR_ALREADY_EXISTS, r, ERROR_ALREADY_EXISTS);
        r = winshm_create_only_w(&second, widen(name), WINSHM_READ_ONLY, 1, NULL);
        assert_failed_empty(&second, WINSHM_ERROR_ALREADY_EXISTS, r, ERROR_ALREADY_EXISTS);
    }
    cr_assert_eq(next_handle_value(), before, "handles leaked");
    winshm_close(&first);
}

Test(create_only, bad_arguments_are_refused)
{
    winshm shm = {0};
    winshm_result r;
    r = winshm_create_only(NULL, NULL, WINSHM_READ_WRITE, page_size(), NULL);
    assert_result(r, WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    r = winshm_create_only_w(NULL, NULL, WINSHM_READ_WRITE, page_size(), NULL);
    cr_assert_eq(r, WINSHM_ERROR_INVALID_ARGUMENT);
    r = winshm_create_only(&shm, NULL, (winshm_mode)0, page_size(), NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    r = winshm_create_only(&shm, NULL, (winshm_mode)4, page_size(), NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    r = winshm_create_only_w(&shm, NULL, (winshm_mode)-1, page_size(), NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    r = winshm_create_only(&shm, unique_name("zero"), WINSHM_READ_WRITE, 0, NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    r = winshm_create_only_w(&shm, NULL, WINSHM_READ_WRITE, 0, NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
}

Test(create_only, a_target_that_is_not_empty_is_left_unchanged)
{
    const char *name = unique_name("busy");
    winshm shm = {0};
    void *handle;
    const char *held_name;
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    handle = winshm_get_handle(&shm);
    held_name = winshm_get_name(&shm);
    assert_result(winshm_create_only(&shm, unique_name("other"), WINSHM_READ_WRITE, page_size(), NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert_eq(winshm_open_or_create(&shm, name, WINSHM_READ_WRITE, page_size(), NULL, NULL), WINSHM_ERROR_INVALID_ARGUMENT);
    cr_assert_eq(winshm_open_only_w(&shm, widen(name), WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT);
    cr_assert_eq(winshm_get_handle(&shm), handle);
    cr_assert_eq(winshm_get_name(&shm), held_name);
    cr_assert_str_eq(winshm_get_name(&shm), name);
    cr_assert_eq(winshm_get_size(&shm), page_size());
    cr_assert_eq(winshm_get_mode(&shm), WINSHM_READ_WRITE);
    winshm_close(&shm);
}

Test(create_only, sizes_past_two_to_the_63_are_out_of_range)
{
    /* the one place for sizes past 2^63 - page (hostile::sizes_at_the_edges
     * covers the other edges) */
    const uint64_t sizes[] = {UINT64_MAX, UINT64_MAX - page_size() + 1, (uint64_t)1 << 63,
                              ((uint64_t)1 << 63) - page_size() + 1};
    winshm shm = {0};
    size_t i;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
        winshm_result r = winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, sizes[i], NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_RANGE, r, ERROR_INVALID_PARAMETER);
        r = winshm_open_or_create(&shm, unique_name("huge"), WINSHM_READ_WRITE, sizes[i], NULL, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_RANGE, r, ERROR_INVALID_PARAMETER);
    }
}

Test(create_only, sizes_the_machine_cannot_commit_are_out_of_memory)
{
    /* 2^63 - page is the largest size accepted; no machine commits it. */
    winshm shm = {0};
    uint64_t size = ((uint64_t)1 << 63) - page_size();
    winshm_result r = winshm_create_only(&shm, unique_name("commit"), WINSHM_READ_WRITE, size, NULL);
    DWORD error = GetLastError();
    cr_assert_eq(r, WINSHM_ERROR_OUT_OF_MEMORY, "result %s, error %lu", winshm_result_string(r), error);
    cr_assert(error == ERROR_NOT_ENOUGH_MEMORY || error == ERROR_COMMITMENT_LIMIT || error == ERROR_OUTOFMEMORY ||
              error == ERROR_NO_SYSTEM_RESOURCES || error == ERROR_PAGEFILE_QUOTA, "error %lu", error);
    cr_assert_not(winshm_is_open(&shm));
    cr_assert_eq(winshm_test_live_blocks, 0);
    /* The process carries on working. */
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    winshm_close(&shm);
}

Test(names, empty_names_are_invalid)
{
    winshm shm = {0};
    winshm_result r = winshm_create_only(&shm, "", WINSHM_READ_WRITE, page_size(), NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_INVALID_NAME);
    r = winshm_create_only_w(&shm, L"", WINSHM_READ_WRITE, page_size(), NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_INVALID_NAME);
    r = winshm_open_or_create(&shm, "", WINSHM_READ_WRITE, page_size(), NULL, NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_INVALID_NAME);
    r = winshm_open_only_w(&shm, L"", WINSHM_READ_WRITE);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_INVALID_NAME);
}

/* Invalid UTF-8 and lone surrogates: tests/test_reliability.c, hostile::names_with_bad_encodings. */

static char *long_name(size_t units, char last)
{
    char *name = (char *)malloc(units + 1);
    cr_assert_not_null(name);
    memcpy(name, "Local\\", 6);
    memset(name + 6, 'n', units - 6);
    name[units - 1] = last;
    name[units] = 0;
    return name;
}

Test(names, names_of_32767_units_or_more_are_too_long)
{
    static const size_t lengths[] = {32767, 32768, 70000};
    winshm shm = {0};
    size_t i;
    for (i = 0; i < sizeof lengths / sizeof lengths[0]; ++i) {
        char *name = long_name(lengths[i], 'a');
        wchar_t *wide = (wchar_t *)malloc((lengths[i] + 1) * sizeof(wchar_t));
        size_t k;
        winshm_result r = winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_FILENAME_EXCED_RANGE);
        for (k = 0; k <= lengths[i]; ++k)
            wide[k] = (wchar_t)(unsigned char)name[k];
        r = winshm_open_or_create_w(&shm, wide, WINSHM_READ_WRITE, page_size(), NULL, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_FILENAME_EXCED_RANGE);
        r = winshm_open_only_w(&shm, wide, WINSHM_READ_WRITE);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_FILENAME_EXCED_RANGE);
        free(wide);
        free(name);
    }
    {
        /* 10,923 three-byte characters are 32,769 bytes but 10,923 units: fine. */
        size_t n = 10923, k;
        char *name = (char *)malloc(6 + 3 * n + 1);
        memcpy(name, "Local\\", 6);
        for (k = 0; k < n; ++k)
            memcpy(name + 6 + 3 * k, "\xe2\x82\xac", 3); /* U+20AC */
        name[6 + 3 * n] = 0;
        cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
        cr_assert_str_eq(winshm_get_name(&shm), name);
        cr_assert_eq(wcslen(winshm_get_name_w(&shm)), 6 + n);
        winshm_close(&shm);
        free(name);
    }
}

/* The library's own limit is 32,766 units; past it, the kernel decides. A
 * bare name is used: Windows expands Local\ into a longer path and refuses
 * that itself. Nobody holds it, so open_only must reach the kernel and come
 * back NOT_FOUND: an off-by-one in the library's count says INVALID_NAME. */
Test(names, a_name_of_exactly_32766_units_reaches_the_kernel)
{
    const size_t units = 32766;
    char *name = (char *)malloc(units + 2);
    wchar_t *wide = (wchar_t *)malloc((units + 2) * sizeof(wchar_t));
    winshm shm = {0};
    winshm_result r;
    size_t k;
    cr_assert(name && wide);
    snprintf(name, 40, "winshm_len_%lu_", (unsigned long)GetCurrentProcessId());
    for (k = strlen(name); k < units; ++k)
        name[k] = 'x';
    name[units] = 0;
    for (k = 0; k <= units; ++k)
        wide[k] = (wchar_t)(unsigned char)name[k];
    hold_current_heap_blocks();
    r = winshm_open_only(&shm, name, WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_NOT_FOUND, r, ERROR_FILE_NOT_FOUND);
    r = winshm_open_only_w(&shm, wide, WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_NOT_FOUND, r, ERROR_FILE_NOT_FOUND);
    /* one unit more is the library's refusal */
    name[units] = 'x';
    name[units + 1] = 0;
    wide[units] = L'x';
    wide[units + 1] = 0;
    r = winshm_open_only(&shm, name, WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_FILENAME_EXCED_RANGE);
    r = winshm_open_only_w(&shm, wide, WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_FILENAME_EXCED_RANGE);
    free(wide);
    free(name);
}

Test(names, long_names_that_differ_at_the_end_name_different_sections)
{
    char *a = long_name(32000, 'a'), *b = long_name(32000, 'b');
    winshm first = {0}, second = {0};
    cr_assert_eq(winshm_create_only(&first, a, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_create_only(&second, b, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    winshm_close(&first);
    winshm_close(&second);
    free(a);
    free(b);
}

Test(names, utf8_and_utf16_spellings_name_one_object)
{
    char name[200];
    winshm creator = {0}, opener = {0};
    winshm_view write_view = {0}, read_view = {0};
    /* U+00FC, U+4E2D, and U+1F600 (a surrogate pair in UTF-16). */
    snprintf(name, sizeof name, "%s_\xc3\xbc\xe4\xb8\xad\xf0\x9f\x98\x80", unique_name("utf"));
    cr_assert_eq(winshm_create_only(&creator, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_open_only_w(&opener, widen(name), WINSHM_READ_ONLY), WINSHM_OK);
    cr_assert_str_eq(winshm_get_name(&opener), name);
    cr_assert(wcscmp(winshm_get_name_w(&creator), widen(name)) == 0);
    cr_assert_eq(winshm_map(&creator, WINSHM_READ_WRITE, 0, 0, &write_view), WINSHM_OK);
    cr_assert_eq(winshm_map(&opener, WINSHM_READ_ONLY, 0, 0, &read_view), WINSHM_OK);
    strcpy((char *)write_view.data, "one object");
    cr_assert_str_eq((const char *)read_view.data, "one object");
    cr_assert_eq(winshm_create_only_w(&opener, widen(name), WINSHM_READ_WRITE, page_size(), NULL), WINSHM_ERROR_INVALID_ARGUMENT);
    winshm_unmap(&write_view);
    winshm_unmap(&read_view);
    winshm_close(&opener);
    cr_assert_eq(winshm_create_only_w(&opener, widen(name), WINSHM_READ_WRITE, page_size(), NULL), WINSHM_ERROR_ALREADY_EXISTS);
    winshm_close(&creator);
}

Test(names, namespaces_pass_through_unchanged)
{
    char name[200];
    winshm shm = {0}, opener = {0};
    snprintf(name, sizeof name, "Global\\%s", unique_name("global") + 6);
    cr_assert_eq(winshm_open_or_create(&shm, name, WINSHM_READ_WRITE, page_size(), NULL, NULL), WINSHM_OK);
    cr_assert_str_eq(winshm_get_name(&shm), name);
    cr_assert_eq(winshm_open_only(&opener, name, WINSHM_READ_ONLY), WINSHM_OK);
    winshm_close(&opener);
    /* Local\x and x name the same object in a process's own session. */
    winshm_close(&shm);
    snprintf(name, sizeof name, "%s", unique_name("local"));
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_open_only(&opener, name + 6, WINSHM_READ_ONLY), WINSHM_OK);
    cr_assert_str_eq(winshm_get_name(&opener), name + 6);
    winshm_close(&opener);
    winshm_close(&shm);
}

Test(names, a_namespace_that_does_not_exist_is_an_invalid_name)
{
    static const char *names[] = {"NoSuchNamespace\\x", "Local\\a\\b"};
    winshm shm = {0};
    size_t i;
    for (i = 0; i < 2; ++i) {
        winshm_result r = winshm_create_only(&shm, names[i], WINSHM_READ_WRITE, page_size(), NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_PATH_NOT_FOUND);
        r = winshm_open_only(&shm, names[i], WINSHM_READ_WRITE);
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_PATH_NOT_FOUND);
    }
}

Test(names, a_name_held_by_a_mutex_is_in_use)
{
    const char *name = unique_name("mutex");
    HANDLE mutex = CreateMutexW(NULL, FALSE, widen(name));
    winshm shm = {0};
    winshm_result r;
    cr_assert_not_null(mutex);
    r = winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_NAME_IN_USE, r, ERROR_INVALID_HANDLE);
    r = winshm_open_or_create(&shm, name, WINSHM_READ_WRITE, page_size(), NULL, NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_NAME_IN_USE, r, ERROR_INVALID_HANDLE);
    r = winshm_open_only(&shm, name, WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_NAME_IN_USE, r, ERROR_INVALID_HANDLE);
    CloseHandle(mutex);
}

Test(open_or_create, exactly_one_call_creates)
{
    const char *name = unique_name("ooc");
    winshm first = {0}, second = {0};
    winshm_view view = {0};
    int created = -1;
    assert_result(winshm_open_or_create(&first, name, WINSHM_READ_WRITE, 6000, NULL, &created), WINSHM_OK, ERROR_SUCCESS);
    cr_assert_eq(created, 1);
    cr_assert_eq(winshm_get_size(&first), round_to_page(6000));
    created = -1;
    /* An open of an existing section is reported as CreateFileMapping reports it. */
    assert_result(winshm_open_or_create_w(&second, widen(name), WINSHM_READ_WRITE, 100, NULL, &created), WINSHM_OK,
                  ERROR_ALREADY_EXISTS);
    cr_assert_eq(created, 0);
    cr_assert_eq(winshm_get_size(&second), winshm_get_size(&first), "the existing size, not the size asked for");
    cr_assert_str_eq(winshm_get_name(&second), name);
    cr_assert_eq(winshm_map(&first, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    strcpy((char *)view.data, "shared");
    winshm_unmap(&view);
    cr_assert_eq(winshm_map(&second, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    cr_assert_str_eq((const char *)view.data, "shared");
    winshm_unmap(&view);
    winshm_close(&second);
    cr_assert_eq(winshm_open_or_create(&second, name, WINSHM_READ_WRITE, 100, NULL, NULL), WINSHM_OK,
                 "created may be NULL");
    winshm_close(&second);
    winshm_close(&first);
}

Test(open_or_create, an_existing_section_smaller_than_asked_is_out_of_range)
{
    const char *name = unique_name("small");
    winshm existing = {0}, shm = {0};
    uintptr_t before;
    int created = -1, i;
    cr_assert_eq(winshm_create_only(&existing, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    hold_current_heap_blocks();
    before = next_handle_value();
    for (i = 0; i < 100; ++i) {
        winshm_result r = winshm_open_or_create(&shm, name, WINSHM_READ_WRITE, 4097, NULL, &created);
        assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_RANGE, r, ERROR_INVALID_PARAMETER);
        cr_assert_eq(created, 0);
    }
    cr_assert_eq(next_handle_value(), before, "the handle of the too-small section leaked");
    cr_assert_eq(winshm_open_or_create(&shm, name, WINSHM_READ_WRITE, page_size(), NULL, &created), WINSHM_OK);
    winshm_close(&shm);
    winshm_close(&existing);
}

Test(open_or_create, bad_arguments_set_created_to_zero)
{
    winshm shm = {0};
    int created = -1;
    winshm_result r = winshm_open_or_create(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    cr_assert_eq(created, 0);
    created = -1;
    r = winshm_open_or_create_w(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    cr_assert_eq(created, 0);
    created = -1;
    r = winshm_open_or_create(&shm, unique_name("zero"), WINSHM_READ_WRITE, 0, NULL, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    cr_assert_eq(created, 0);
    created = -1;
    r = winshm_open_or_create(&shm, unique_name("mode"), (winshm_mode)7, page_size(), NULL, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    cr_assert_eq(created, 0);
    created = -1;
    cr_assert_eq(winshm_open_or_create(NULL, "x", WINSHM_READ_WRITE, page_size(), NULL, &created), WINSHM_ERROR_INVALID_ARGUMENT);
    cr_assert_eq(created, 0);
}

/* A section whose DACL lets everyone query and map it for reading, and no more. */
static HANDLE create_read_only_dacl_section(const char *name)
{
    SECURITY_ATTRIBUTES attributes;
    PSECURITY_DESCRIPTOR descriptor = NULL;
    HANDLE section;
    cr_assert(ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;;0x5;;;WD)", SDDL_REVISION_1, &descriptor, NULL));
    attributes.nLength = sizeof attributes;
    attributes.lpSecurityDescriptor = descriptor;
    attributes.bInheritHandle = FALSE;
    section = CreateFileMappingW(INVALID_HANDLE_VALUE, &attributes, PAGE_READWRITE, 0, 8192, widen(name));
    LocalFree(descriptor);
    cr_assert_not_null(section);
    return section;
}

Test(open_or_create, falls_back_to_opening_when_creating_is_refused)
{
    const char *name = unique_name("fallback");
    HANDLE section = create_read_only_dacl_section(name);
    winshm shm = {0};
    winshm_view view = {0};
    int created = -1;
    winshm_result r = winshm_open_or_create(&shm, name, WINSHM_READ_WRITE, page_size(), NULL, &created);
    /* Read-write rights are denied, whether by creating or by opening. */
    assert_failed_empty(&shm, WINSHM_ERROR_ACCESS_DENIED, r, ERROR_ACCESS_DENIED);
    cr_assert_eq(created, 0);
    r = winshm_open_or_create(&shm, name, WINSHM_READ_ONLY, page_size(), NULL, &created);
    cr_assert_eq(r, WINSHM_OK, "%s", winshm_result_string(r));
    cr_assert_eq(created, 0);
    cr_assert_eq(winshm_get_size(&shm), 8192);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    winshm_unmap(&view);
    winshm_close(&shm);
    r = winshm_open_or_create(&shm, name, WINSHM_READ_ONLY, 8193, NULL, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_RANGE, r, ERROR_INVALID_PARAMETER);
    CloseHandle(section);
}

Test(open_only, opens_an_existing_section_in_each_mode)
{
    const char *name = unique_name("open");
    static const winshm_mode modes[] = {WINSHM_READ_ONLY, WINSHM_READ_WRITE, WINSHM_COPY_ON_WRITE};
    winshm creator = {0};
    size_t i;
    cr_assert_eq(winshm_create_only(&creator, name, WINSHM_READ_WRITE, 10000, NULL), WINSHM_OK);
    for (i = 0; i < 3; ++i) {
        winshm shm = {0};
        SetLastError(777);
        cr_assert_eq(winshm_open_only(&shm, name, modes[i]), WINSHM_OK);
        cr_assert_eq(winshm_get_mode(&shm), modes[i]);
        cr_assert_eq(winshm_get_size(&shm), winshm_get_size(&creator));
        cr_assert_str_eq(winshm_get_name(&shm), name);
        cr_assert_neq(winshm_get_handle(&shm), winshm_get_handle(&creator));
        winshm_close(&shm);
    }
    winshm_close(&creator);
}

Test(open_only, never_creates)
{
    const char *name = unique_name("missing");
    winshm shm = {0};
    winshm_result r = winshm_open_only(&shm, name, WINSHM_READ_WRITE);
    assert_failed_empty(&shm, WINSHM_ERROR_NOT_FOUND, r, ERROR_FILE_NOT_FOUND);
    r = winshm_open_only_w(&shm, widen(name), WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_NOT_FOUND, r, ERROR_FILE_NOT_FOUND);
    r = winshm_open_only(&shm, name, WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_NOT_FOUND, r, ERROR_FILE_NOT_FOUND);
}

Test(open_only, bad_arguments_are_refused)
{
    winshm shm = {0};
    winshm_result r = winshm_open_only(&shm, NULL, WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    r = winshm_open_only_w(&shm, NULL, WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    r = winshm_open_only(&shm, "x", (winshm_mode)0);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    cr_assert_eq(winshm_open_only(NULL, "x", WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT);
    cr_assert_eq(winshm_open_only_w(NULL, L"x", WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT);
}

Test(open_only, a_read_only_open_gets_no_write_right)
{
    const char *name = unique_name("rights");
    winshm creator = {0}, reader = {0};
    void *view;
    DWORD error;
    cr_assert_eq(winshm_create_only(&creator, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_open_only(&reader, name, WINSHM_READ_ONLY), WINSHM_OK);
    /* Past the library's own check: the handle itself must refuse. */
    view = MapViewOfFile(winshm_get_handle(&reader), FILE_MAP_WRITE, 0, 0, 0);
    error = GetLastError();
    cr_assert_null(view, "a read-only open mapped a writable view");
    cr_assert_eq(error, ERROR_ACCESS_DENIED);
    winshm_close(&reader);
    winshm_close(&creator);
}

Test(permissions, zeroed_and_null_permissions_are_the_default)
{
    winshm_permissions none;
    winshm shm = {0};
    DWORD flags = 0xFFFFFFFFu;
    memset(&none, 0, sizeof none);
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, page_size(), &none), WINSHM_OK);
    cr_assert(GetHandleInformation(winshm_get_handle(&shm), &flags));
    cr_assert_eq(flags & HANDLE_FLAG_INHERIT, 0);
    winshm_close(&shm);
}

Test(permissions, inheritable_handles_are_inheritable)
{
    winshm_permissions perm;
    winshm shm = {0}, opened = {0};
    DWORD flags = 0;
    const char *name = unique_name("inherit");
    memset(&perm, 0, sizeof perm);
    perm.inheritable = 1;
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), &perm), WINSHM_OK);
    cr_assert(GetHandleInformation(winshm_get_handle(&shm), &flags));
    cr_assert_neq(flags & HANDLE_FLAG_INHERIT, 0);
    cr_assert_eq(winshm_open_or_create(&opened, name, WINSHM_READ_WRITE, page_size(), &perm, NULL), WINSHM_OK);
    cr_assert(GetHandleInformation(winshm_get_handle(&opened), &flags));
    cr_assert_neq(flags & HANDLE_FLAG_INHERIT, 0);
    winshm_close(&opened);
    winshm_close(&shm);
}

Test(permissions, unrestricted_means_a_null_dacl)
{
    winshm_permissions perm;
    winshm shm = {0};
    PSECURITY_DESCRIPTOR descriptor = NULL;
    PACL dacl = (PACL)1;
    BOOL present = FALSE, defaulted = FALSE;
    DWORD flags = 0;
    memset(&perm, 0, sizeof perm);
    perm.unrestricted = 1;
    cr_assert_eq(winshm_create_only(&shm, unique_name("open_to_all"), WINSHM_READ_WRITE, page_size(), &perm), WINSHM_OK);
    cr_assert_eq(GetSecurityInfo(winshm_get_handle(&shm), SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
                                 &dacl, NULL, &descriptor), ERROR_SUCCESS);
    cr_assert(GetSecurityDescriptorDacl(descriptor, &present, &dacl, &defaulted));
    cr_assert(present, "the DACL must be present");
    cr_assert_null(dacl, "and NULL: everyone has access");
    cr_assert(GetHandleInformation(winshm_get_handle(&shm), &flags));
    cr_assert_eq(flags & HANDLE_FLAG_INHERIT, 0);
    LocalFree(descriptor);
    winshm_close(&shm);
}

Test(permissions, given_security_attributes_are_used_as_they_are)
{
    const char *name = unique_name("sa");
    PSECURITY_DESCRIPTOR descriptor = NULL;
    SECURITY_ATTRIBUTES attributes;
    winshm_permissions perm;
    winshm shm = {0}, opener = {0};
    DWORD flags = 0;
    cr_assert(ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;;0x5;;;WD)", SDDL_REVISION_1, &descriptor, NULL));
    attributes.nLength = sizeof attributes;
    attributes.lpSecurityDescriptor = descriptor;
    attributes.bInheritHandle = TRUE;
    perm.security_attributes = &attributes;
    perm.unrestricted = 1; /* ignored */
    perm.inheritable = 0;  /* ignored */
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), &perm), WINSHM_OK);
    cr_assert(GetHandleInformation(winshm_get_handle(&shm), &flags));
    cr_assert_neq(flags & HANDLE_FLAG_INHERIT, 0, "bInheritHandle of the given attributes");
    /* The descriptor is in force: everyone may read, nobody may open to write. */
    cr_assert_eq(winshm_open_only(&opener, name, WINSHM_READ_ONLY), WINSHM_OK);
    winshm_close(&opener);
    assert_result(winshm_open_only(&opener, name, WINSHM_READ_WRITE), WINSHM_ERROR_ACCESS_DENIED, ERROR_ACCESS_DENIED);
    LocalFree(descriptor);
    winshm_close(&shm);
}
