/* Result codes, their texts, the Windows error mapping, and leaks under failure. */
#include "winshm_test.h"

static const winshm_result all_results[] = {
    WINSHM_OK, WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_ERROR_INVALID_NAME, WINSHM_ERROR_ALREADY_EXISTS,
    WINSHM_ERROR_NOT_FOUND, WINSHM_ERROR_ACCESS_DENIED, WINSHM_ERROR_OUT_OF_RANGE, WINSHM_ERROR_OUT_OF_MEMORY,
    WINSHM_ERROR_NAME_IN_USE, WINSHM_ERROR_NOT_OPEN, WINSHM_ERROR_OS, WINSHM_ERROR_ADDRESS_IN_USE,
    WINSHM_ERROR_NOT_SUPPORTED, WINSHM_ERROR_TIMEOUT, WINSHM_ERROR_NOT_INITIALIZED};

Test(result_string, is_short_distinct_and_never_null)
{
    size_t i, j, n = sizeof all_results / sizeof all_results[0];
    const char *unknown = winshm_result_string((winshm_result)12345);
    cr_assert_not_null(unknown);
    cr_assert_str_eq(winshm_result_string((winshm_result)-15), unknown);
    cr_assert_str_eq(winshm_result_string((winshm_result)1), unknown);
    for (i = 0; i < n; ++i) {
        const char *text = winshm_result_string(all_results[i]);
        cr_assert_not_null(text);
        cr_assert_gt(strlen(text), 3);
        cr_assert_lt(strlen(text), 60);
        cr_assert_str_neq(text, unknown);
        for (j = 0; j < i; ++j)
            cr_assert_str_neq(text, winshm_result_string(all_results[j]));
    }
    cr_assert_str_eq(winshm_result_string(WINSHM_OK), "success");
}

Test(result_codes, keep_their_contract_values)
{
    cr_assert_eq(WINSHM_OK, 0);
    cr_assert_eq(WINSHM_ERROR_INVALID_ARGUMENT, -1);
    cr_assert_eq(WINSHM_ERROR_INVALID_NAME, -2);
    cr_assert_eq(WINSHM_ERROR_ALREADY_EXISTS, -3);
    cr_assert_eq(WINSHM_ERROR_NOT_FOUND, -4);
    cr_assert_eq(WINSHM_ERROR_ACCESS_DENIED, -5);
    cr_assert_eq(WINSHM_ERROR_OUT_OF_RANGE, -6);
    cr_assert_eq(WINSHM_ERROR_OUT_OF_MEMORY, -7);
    cr_assert_eq(WINSHM_ERROR_NAME_IN_USE, -8);
    cr_assert_eq(WINSHM_ERROR_NOT_OPEN, -9);
    cr_assert_eq(WINSHM_ERROR_OS, -10);
    cr_assert_eq(WINSHM_ERROR_ADDRESS_IN_USE, -11);
    cr_assert_eq(WINSHM_ERROR_NOT_SUPPORTED, -12);
    cr_assert_eq(WINSHM_ERROR_TIMEOUT, -13);
    cr_assert_eq(WINSHM_ERROR_NOT_INITIALIZED, -14);
    cr_assert_eq(WINSHM_INFINITE, 0xFFFFFFFFu);
    cr_assert_eq(WINSHM_RESERVE, 1);
    cr_assert_eq(WINSHM_READ_ONLY, 1);
    cr_assert_eq(WINSHM_READ_WRITE, 2);
    cr_assert_eq(WINSHM_COPY_ON_WRITE, 3);
}

/* The mapping table of the contract, checked entry by entry against the one
 * private function where all mapping happens. */
Test(error_mapping, follows_the_contract)
{
    static const struct { DWORD error; int by_name; winshm_result result; } table[] = {
        {ERROR_ALREADY_EXISTS, 1, WINSHM_ERROR_ALREADY_EXISTS},
        {ERROR_FILE_NOT_FOUND, 1, WINSHM_ERROR_NOT_FOUND},
        {ERROR_PATH_NOT_FOUND, 1, WINSHM_ERROR_INVALID_NAME},
        {ERROR_BAD_PATHNAME, 1, WINSHM_ERROR_INVALID_NAME},
        {ERROR_INVALID_NAME, 1, WINSHM_ERROR_INVALID_NAME},
        {ERROR_FILENAME_EXCED_RANGE, 1, WINSHM_ERROR_INVALID_NAME},
        {ERROR_NO_UNICODE_TRANSLATION, 1, WINSHM_ERROR_INVALID_NAME},
        {ERROR_ACCESS_DENIED, 0, WINSHM_ERROR_ACCESS_DENIED},
        {ERROR_PRIVILEGE_NOT_HELD, 1, WINSHM_ERROR_ACCESS_DENIED},
        {ERROR_NOT_ENOUGH_MEMORY, 0, WINSHM_ERROR_OUT_OF_MEMORY},
        {ERROR_OUTOFMEMORY, 0, WINSHM_ERROR_OUT_OF_MEMORY},
        {ERROR_COMMITMENT_LIMIT, 1, WINSHM_ERROR_OUT_OF_MEMORY},
        {ERROR_PAGEFILE_QUOTA, 0, WINSHM_ERROR_OUT_OF_MEMORY},
        {ERROR_NO_SYSTEM_RESOURCES, 1, WINSHM_ERROR_OUT_OF_MEMORY},
        {ERROR_INVALID_HANDLE, 1, WINSHM_ERROR_NAME_IN_USE},
        {ERROR_INVALID_HANDLE, 0, WINSHM_ERROR_OS},
        {ERROR_INVALID_PARAMETER, 0, WINSHM_ERROR_INVALID_ARGUMENT},
        {ERROR_INVALID_ADDRESS, 0, WINSHM_ERROR_ADDRESS_IN_USE},
        {ERROR_NOT_SUPPORTED, 0, WINSHM_ERROR_NOT_SUPPORTED},
        {ERROR_CALL_NOT_IMPLEMENTED, 1, WINSHM_ERROR_NOT_SUPPORTED},
        {ERROR_GEN_FAILURE, 1, WINSHM_ERROR_OS},
        {ERROR_SHARING_VIOLATION, 0, WINSHM_ERROR_OS},
        {ERROR_SUCCESS, 1, WINSHM_ERROR_OS}, /* a failure that gave no reason is still a failure */
    };
    size_t i;
    for (i = 0; i < sizeof table / sizeof table[0]; ++i)
        cr_assert_eq(winshm_impl_result_from_error(table[i].error, table[i].by_name), table[i].result,
                     "error %lu", (unsigned long)table[i].error);
}

/* Many failing calls of every kind: no handle, no heap block, no view may stay. */
Test(leaks, failing_calls_leave_nothing_behind, .timeout = 120)
{
    const char *name = unique_name("leak");
    const char *mutex_name = unique_name("leak_mutex");
    HANDLE mutex = CreateMutexW(NULL, FALSE, widen(mutex_name));
    winshm existing = {0}, target = {0}, busy = {0};
    winshm_view view = {0};
    uintptr_t before;
    int i, created, failures = 0;
    char first_failure[300] = "";
    cr_assert_not_null(mutex);
    cr_assert_eq(winshm_create_only(&existing, name, WINSHM_READ_ONLY, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_create_only(&busy, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    /* Warm up: Wine opens its object directory once, on first use. */
    winshm_open_only(&target, "Local\\winshm_no_such_name", WINSHM_READ_ONLY);
    before = next_handle_value();
    for (i = 0; i < 2000; ++i) {
        EXPECT(winshm_create_only(&target, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_ERROR_ALREADY_EXISTS);
        EXPECT(winshm_open_only(&target, "Local\\winshm_no_such_name", WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND);
        EXPECT(winshm_open_or_create(&target, name, WINSHM_READ_ONLY, 5000, NULL, &created), WINSHM_ERROR_OUT_OF_RANGE);
        EXPECT(winshm_create_only(&target, "Local\\x\xff", WINSHM_READ_WRITE, 1, NULL), WINSHM_ERROR_INVALID_NAME);
        EXPECT(winshm_open_only(&target, "Nope\\x", WINSHM_READ_WRITE), WINSHM_ERROR_INVALID_NAME);
        EXPECT(winshm_open_only(&target, mutex_name, WINSHM_READ_WRITE), WINSHM_ERROR_NAME_IN_USE);
        EXPECT(winshm_create_only(&target, NULL, (winshm_mode)9, 1, NULL), WINSHM_ERROR_INVALID_ARGUMENT);
        EXPECT(winshm_create_only(&busy, NULL, WINSHM_READ_WRITE, 1, NULL), WINSHM_ERROR_INVALID_ARGUMENT);
        EXPECT(winshm_map(&existing, WINSHM_READ_ONLY, page_size(), 1, &view), WINSHM_ERROR_OUT_OF_RANGE);
        EXPECT(winshm_map(&existing, WINSHM_READ_WRITE, 0, 1, &view), WINSHM_ERROR_ACCESS_DENIED);
        EXPECT(winshm_create_only(&target, NULL, WINSHM_READ_WRITE, (uint64_t)1 << 62, NULL), WINSHM_ERROR_OUT_OF_MEMORY);
        if (winshm_is_open(&target) && failures++ == 0)
            snprintf(first_failure, sizeof first_failure, "a failing call left its target open");
    }
    cr_assert_eq(failures, 0, "%d failing calls returned something else; the first: %s", failures, first_failure);
    cr_assert_eq(next_handle_value(), before, "handle values climbed: a failing call leaked a handle");
    cr_assert_eq(winshm_test_live_blocks, 1, "only the named section holds a name");
    winshm_close(&busy);
    winshm_close(&existing);
    cr_assert_eq(winshm_test_live_blocks, 0);
    CloseHandle(mutex);
}

/* A failed allocation of the name copies is OUT_OF_MEMORY with
 * ERROR_NOT_ENOUGH_MEMORY, and leaves nothing behind: no handle, no section. */
Test(errors, a_failed_allocation_is_out_of_memory)
{
    const char *name = unique_name("no_heap");
    winshm shm = {0}, existing = {0};
    void *handle = NULL;
    uintptr_t before;
    winshm_result r;
    cr_assert_eq(winshm_create_only(&existing, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_duplicate(&existing, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_OK);
    hold_current_heap_blocks();
    before = next_handle_value();
    winshm_test_refuse_allocations = 1;
    r = winshm_create_only(&shm, unique_name("no_heap_new"), WINSHM_READ_WRITE, page_size(), NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_MEMORY, r, ERROR_NOT_ENOUGH_MEMORY);
    r = winshm_open_or_create_w(&shm, widen(name), WINSHM_READ_WRITE, page_size(), NULL, NULL);
    assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_MEMORY, r, ERROR_NOT_ENOUGH_MEMORY);
    r = winshm_open_only(&shm, name, WINSHM_READ_ONLY);
    assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_MEMORY, r, ERROR_NOT_ENOUGH_MEMORY);
    r = winshm_adopt(&shm, handle, WINSHM_READ_ONLY); /* the adopted name needs the heap */
    assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_MEMORY, r, ERROR_NOT_ENOUGH_MEMORY);
    /* Unnamed sections need no heap at all. */
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    winshm_close(&shm);
    winshm_test_refuse_allocations = 0;
    cr_assert_eq(next_handle_value(), before, "a failed allocation leaked a handle");
    cr_assert(CloseHandle(handle), "the handle given to a failed adopt is still the caller's");
    winshm_close(&existing);
}

/* After WINSHM_OK, GetLastError() is 0, whatever was there before; the one
 * exception is an open_or_create that opened an existing section. */
#define PLANT_STALE_ERROR() SetLastError(1234)
Test(errors, every_success_clears_a_stale_error)
{
    const char *name = unique_name("stale");
    winshm_options reserve = {NULL, WINSHM_RESERVE, 0}, open_existing = {NULL, 0, 1};
    winshm created = {0}, opened = {0}, adopted = {0};
    winshm_view view = {0};
    void *handle = NULL;
    int was_created = -1;
    PLANT_STALE_ERROR();
    assert_result(winshm_create_only(&created, name, WINSHM_READ_WRITE, 5000, NULL), WINSHM_OK, 0);
    PLANT_STALE_ERROR();
    assert_result(winshm_open_only(&opened, name, WINSHM_READ_ONLY), WINSHM_OK, 0);
    winshm_close(&opened);
    PLANT_STALE_ERROR();
    assert_result(winshm_open_only_w(&opened, widen(name), WINSHM_READ_ONLY), WINSHM_OK, 0);
    winshm_close(&opened);
    PLANT_STALE_ERROR();
    assert_result(winshm_open_or_create(&opened, name, WINSHM_READ_ONLY, 1, NULL, &was_created), WINSHM_OK,
                  ERROR_ALREADY_EXISTS);
    winshm_close(&opened);
    PLANT_STALE_ERROR();
    assert_result(winshm_create_ex(&opened, name, WINSHM_READ_ONLY, 1, &open_existing, NULL), WINSHM_OK,
                  ERROR_ALREADY_EXISTS);
    winshm_close(&opened);
    PLANT_STALE_ERROR();
    assert_result(winshm_open_or_create_w(&opened, widen(unique_name("stale_new")), WINSHM_READ_ONLY, 1, NULL, &was_created),
                  WINSHM_OK, 0);
    cr_assert_eq(was_created, 1);
    winshm_close(&opened);
    PLANT_STALE_ERROR();
    assert_result(winshm_create_only_w(&opened, NULL, WINSHM_READ_WRITE, 1, NULL), WINSHM_OK, 0);
    winshm_close(&opened);
    PLANT_STALE_ERROR();
    assert_result(winshm_create_ex_w(&opened, NULL, WINSHM_READ_WRITE, 1, &reserve, NULL), WINSHM_OK, 0);
    PLANT_STALE_ERROR();
    assert_result(winshm_map(&opened, WINSHM_READ_WRITE, 1, 10, &view), WINSHM_OK, 0);
    PLANT_STALE_ERROR();
    assert_result(winshm_commit(&view, 0, 0), WINSHM_OK, 0);
    winshm_unmap(&view);
    winshm_close(&opened);
    PLANT_STALE_ERROR();
    assert_result(winshm_map(&created, WINSHM_READ_ONLY, 4097, 0, &view), WINSHM_OK, 0);
    PLANT_STALE_ERROR();
    assert_result(winshm_commit(&view, 0, 1), WINSHM_OK, 0);
    winshm_unmap(&view);
    PLANT_STALE_ERROR();
    assert_result(winshm_duplicate(&created, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_OK, 0);
    PLANT_STALE_ERROR();
    assert_result(winshm_adopt(&adopted, handle, WINSHM_READ_ONLY), WINSHM_OK, 0);
    winshm_close(&adopted);
    winshm_close(&created);
}
