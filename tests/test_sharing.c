/* Sharing without names: winshm_duplicate and winshm_adopt. */
#include "winshm_test.h"

static HANDLE current_process(void)
{
    return GetCurrentProcess();
}

/* An unnamed read-write section holding `text`. */
static void make_unnamed(winshm *shm, const char *text)
{
    winshm_view view = {0};
    cr_assert_eq(winshm_create_only(shm, NULL, WINSHM_READ_WRITE, 5000, NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    strcpy((char *)view.data, text);
    winshm_unmap(&view);
}

Test(duplicate, a_read_only_duplicate_can_never_write)
{
    winshm shm = {0}, adopted = {0}, writable = {0};
    winshm_view view = {0};
    void *handle = NULL, *escalated = NULL, *again = NULL;
    DWORD error;
    BOOL ok;
    make_unnamed(&shm, "secret");
    assert_result(winshm_duplicate(&shm, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_OK, ERROR_SUCCESS);
    cr_assert_not_null(handle);
    cr_assert_neq(handle, winshm_get_handle(&shm));
    assert_result(winshm_adopt(&writable, handle, WINSHM_READ_WRITE), WINSHM_ERROR_ACCESS_DENIED, ERROR_ACCESS_DENIED);
    cr_assert_not(winshm_is_open(&writable));
    assert_result(winshm_adopt(&adopted, handle, WINSHM_READ_ONLY), WINSHM_OK, ERROR_SUCCESS);
    cr_assert_eq(winshm_get_handle(&adopted), handle);
    cr_assert_eq(winshm_get_size(&adopted), winshm_get_size(&shm));
    cr_assert_eq(winshm_get_mode(&adopted), WINSHM_READ_ONLY);
    cr_assert_str_eq(winshm_get_name(&adopted), "");
    cr_assert_eq(winshm_map(&adopted, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    cr_assert_str_eq((char *)view.data, "secret");
    winshm_unmap(&view);
    assert_result(winshm_map(&adopted, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_ERROR_ACCESS_DENIED, ERROR_ACCESS_DENIED);
    /* Below the library: the handle itself has no write right, and cannot get one. */
    escalated = MapViewOfFile(handle, FILE_MAP_WRITE, 0, 0, 0);
    error = GetLastError();
    cr_assert_null(escalated);
    cr_assert_eq(error, ERROR_ACCESS_DENIED);
    ok = DuplicateHandle(current_process(), handle, current_process(), &escalated, FILE_MAP_READ | FILE_MAP_WRITE, FALSE, 0);
    error = GetLastError();
    cr_assert_not(ok);
    cr_assert_eq(error, ERROR_ACCESS_DENIED);
    assert_result(winshm_duplicate(&adopted, NULL, WINSHM_READ_WRITE, 0, &again), WINSHM_ERROR_ACCESS_DENIED,
                  ERROR_ACCESS_DENIED);
    cr_assert_null(again);
    winshm_close(&adopted);
    winshm_close(&shm);
}

/* The owner's implicit WRITE_DAC would let it rewrite the DACL and then
 * duplicate with write access; winshm's OWNER RIGHTS entry takes it away.
 * Skipped on Wine only: Wine does not know the OWNER RIGHTS SID and grants
 * the owner WRITE_DAC whatever the DACL says. */
Test(duplicate, the_owner_cannot_take_write_dac_to_rewrite_the_dacl)
{
    winshm shm = {0};
    void *handle = NULL, *escalated = NULL;
    DWORD error;
    BOOL ok;
    if (running_on_wine())
        cr_skip_test("Wine ignores the OWNER RIGHTS SID (S-1-3-4); this runs on Windows");
    make_unnamed(&shm, "guarded");
    cr_assert_eq(winshm_duplicate(&shm, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_OK);
    ok = DuplicateHandle(current_process(), handle, current_process(), &escalated, WRITE_DAC, FALSE, 0);
    error = GetLastError();
    cr_assert_not(ok, "WRITE_DAC was granted");
    cr_assert_eq(error, ERROR_ACCESS_DENIED);
    CloseHandle(handle);
    winshm_close(&shm);
}

Test(duplicate, read_write_duplicates_and_same_access_copies_still_work)
{
    winshm shm = {0}, adopted = {0};
    winshm_view view = {0};
    void *handle = NULL, *copy = NULL;
    make_unnamed(&shm, "rw");
    cr_assert_eq(winshm_duplicate(&shm, current_process(), WINSHM_READ_WRITE, 0, &handle), WINSHM_OK);
    cr_assert_eq(winshm_adopt(&adopted, handle, WINSHM_READ_WRITE), WINSHM_OK);
    cr_assert_eq(winshm_map(&adopted, WINSHM_READ_WRITE, 1, 0, &view), WINSHM_OK);
    ((char *)view.data)[0] = 'W';
    winshm_unmap(&view);
    cr_assert(DuplicateHandle(current_process(), winshm_get_handle(&shm), current_process(), &copy, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    cr_assert_not_null(MapViewOfFile(copy, FILE_MAP_WRITE, 0, 0, 0) , "the creator's full rights survive a copy");
    CloseHandle(copy);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    cr_assert_str_eq((char *)view.data, "rW");
    winshm_unmap(&view);
    winshm_close(&adopted);
    winshm_close(&shm);
}

Test(duplicate, bad_arguments_are_refused)
{
    winshm shm = {0}, empty = {0}, reader = {0};
    void *handle = (void *)1;
    const char *name = unique_name("dup_args");
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    assert_result(winshm_duplicate(&shm, NULL, WINSHM_READ_ONLY, 0, NULL), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_duplicate(NULL, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert_null(handle);
    handle = (void *)1;
    assert_result(winshm_duplicate(&empty, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_ERROR_NOT_OPEN, ERROR_INVALID_HANDLE);
    cr_assert_null(handle);
    assert_result(winshm_duplicate(&shm, NULL, (winshm_mode)0, 0, &handle), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert_eq(winshm_open_only(&reader, name, WINSHM_READ_ONLY), WINSHM_OK);
    assert_result(winshm_duplicate(&reader, NULL, WINSHM_READ_WRITE, 0, &handle), WINSHM_ERROR_ACCESS_DENIED, ERROR_ACCESS_DENIED);
    cr_assert_null(handle);
    /* A target that is not a process. */
    assert_result(winshm_duplicate(&shm, winshm_get_handle(&reader), WINSHM_READ_ONLY, 0, &handle), WINSHM_ERROR_OS,
                  ERROR_INVALID_HANDLE);
    cr_assert_null(handle);
    winshm_close(&reader);
    winshm_close(&shm);
}

Test(adopt, refuses_what_is_not_a_section_and_leaves_it_to_the_caller)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    HANDLE mutex = CreateMutexW(NULL, FALSE, NULL);
    HANDLE file = CreateFileW(L"C:\\windows\\win.ini", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                              OPEN_EXISTING, 0, NULL);
    HANDLE closed = CreateEventW(NULL, FALSE, FALSE, NULL);
    void *wrong[6];
    winshm shm = {0};
    uintptr_t before;
    size_t i;
    int round;
    cr_assert_not_null(event);
    cr_assert_not_null(mutex);
    cr_assert_neq(file, INVALID_HANDLE_VALUE);
    CloseHandle(closed);
    wrong[0] = NULL;
    wrong[1] = INVALID_HANDLE_VALUE;
    wrong[2] = event;
    wrong[3] = mutex;
    wrong[4] = file;
    wrong[5] = closed;
    before = next_handle_value();
    for (round = 0; round < 50; ++round) {
        for (i = 0; i < sizeof wrong / sizeof wrong[0]; ++i) {
            winshm_result r = winshm_adopt(&shm, wrong[i], WINSHM_READ_ONLY);
            assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_HANDLE);
        }
    }
    cr_assert_eq(next_handle_value(), before, "handles leaked");
    /* The caller still owns working handles. */
    cr_assert(SetEvent(event));
    cr_assert(ReleaseMutex(mutex) || GetLastError() == ERROR_NOT_OWNER);
    cr_assert(CloseHandle(event));
    cr_assert(CloseHandle(mutex));
    cr_assert(CloseHandle(file));
}

Test(adopt, bad_arguments_are_refused)
{
    winshm shm = {0}, busy = {0};
    void *handle = NULL;
    make_unnamed(&shm, "x");
    cr_assert_eq(winshm_duplicate(&shm, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_OK);
    assert_result(winshm_adopt(NULL, handle, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(winshm_adopt(&busy, handle, (winshm_mode)5), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert_not(winshm_is_open(&busy));
    /* A target that is not empty is not changed. */
    assert_result(winshm_adopt(&shm, handle, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert_neq(winshm_get_handle(&shm), handle);
    cr_assert(CloseHandle(handle), "still the caller's after every failure");
    winshm_close(&shm);
}

Test(adopt, needs_the_right_to_query_the_size)
{
    const char *name = unique_name("noquery");
    winshm shm = {0}, adopted = {0};
    HANDLE handle;
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    handle = OpenFileMappingW(FILE_MAP_READ, FALSE, widen(name));
    cr_assert_not_null(handle);
    assert_result(winshm_adopt(&adopted, handle, WINSHM_READ_ONLY), WINSHM_ERROR_ACCESS_DENIED, ERROR_ACCESS_DENIED);
    cr_assert(CloseHandle(handle));
    winshm_close(&shm);
}

/* The adopted name must open the very section adopted. */
static void assert_name_opens_it(const winshm *adopted, const winshm *original, const char *spelt)
{
    winshm reopened = {0};
    winshm_view write_view = {0}, read_view = {0};
    const char *name = winshm_get_name(adopted);
    const char *base = strchr(spelt, '\\'), *adopted_base = strchr(name, '\\');
    cr_assert_str_neq(name, "", "the name of a named section was not read");
    DWORD session = 0;
    cr_assert(base && adopted_base && strcmp(base, adopted_base) == 0, "adopted name %s for %s", name, spelt);
    if (ProcessIdToSessionId(GetCurrentProcessId(), &session) && session != 0)
        cr_assert_str_eq(name, spelt, "outside session 0 the spelling is the one it was created with");
    cr_assert(wcscmp(winshm_get_name_w(adopted), widen(name)) == 0);
    cr_assert_eq(winshm_open_only(&reopened, name, WINSHM_READ_ONLY), WINSHM_OK, "%s does not open", name);
    cr_assert_eq(winshm_map(original, WINSHM_READ_WRITE, 0, 0, &write_view), WINSHM_OK);
    cr_assert_eq(winshm_map(&reopened, WINSHM_READ_ONLY, 0, 0, &read_view), WINSHM_OK);
    strcpy((char *)write_view.data, spelt);
    cr_assert_str_eq((char *)read_view.data, spelt, "%s opens another section", name);
    winshm_unmap(&read_view);
    winshm_unmap(&write_view);
    winshm_close(&reopened);
}

Test(adopt, takes_ownership_and_reads_the_name)
{
    const char *name = unique_name("adopt_named");
    char global_name[200];
    winshm shm = {0}, adopted = {0}, global = {0};
    void *handle = NULL;
    DWORD flags;
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_duplicate(&shm, NULL, WINSHM_COPY_ON_WRITE, 0, &handle), WINSHM_OK);
    cr_assert_eq(winshm_adopt(&adopted, handle, WINSHM_COPY_ON_WRITE), WINSHM_OK);
    /* In the caller's own session it is spelt Local\ as created. (In session
     * 0, where services run, Local\ and Global\ are one namespace, and either
     * spelling is right.) */
    assert_name_opens_it(&adopted, &shm, name);
    cr_assert_eq(winshm_test_live_blocks, 2);
    winshm_close(&adopted);
    cr_assert_not(GetHandleInformation(handle, &flags), "closing the winshm closed the adopted handle");
    cr_assert_eq(winshm_test_live_blocks, 1);
    snprintf(global_name, sizeof global_name, "Global\\%s", unique_name("adopt_global") + 6);
    cr_assert_eq(winshm_create_only(&global, global_name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_duplicate(&global, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_OK);
    cr_assert_eq(winshm_adopt(&adopted, handle, WINSHM_READ_ONLY), WINSHM_OK);
    assert_name_opens_it(&adopted, &global, global_name);
    winshm_close(&adopted);
    winshm_close(&global);
    winshm_close(&shm);
}

Test(sharing, a_child_gets_a_read_only_handle_by_value_and_cannot_write)
{
    winshm shm = {0};
    winshm_view view = {0};
    void *handle = NULL;
    make_unnamed(&shm, "for the child");
    cr_assert_eq(winshm_duplicate(&shm, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_OK);
    cr_assert_eq(wait_child(start_child("adopt-ro %llu \"for the child\" %lu", (unsigned long long)(uintptr_t)handle,
                                        (unsigned long)GetCurrentProcessId())), 0);
    cr_assert(CloseHandle(handle));
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    cr_assert_str_eq((char *)view.data, "for the child", "the child's copy-on-write stayed private");
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(sharing, inheritable_duplicates_are_inherited_and_others_are_not)
{
    winshm shm = {0};
    void *inherited = NULL, *kept = NULL;
    DWORD flags = 0;
    make_unnamed(&shm, "inherited");
    cr_assert_eq(winshm_duplicate(&shm, NULL, WINSHM_READ_ONLY, 1, &inherited), WINSHM_OK);
    cr_assert_eq(winshm_duplicate(&shm, NULL, WINSHM_READ_ONLY, 0, &kept), WINSHM_OK);
    cr_assert(GetHandleInformation(inherited, &flags));
    cr_assert_neq(flags & HANDLE_FLAG_INHERIT, 0);
    cr_assert(GetHandleInformation(kept, &flags));
    cr_assert_eq(flags & HANDLE_FLAG_INHERIT, 0);
    cr_assert_eq(wait_child(start_child_ex(1, "adopt-ro %llu inherited", (unsigned long long)(uintptr_t)inherited)), 0);
    cr_assert_eq(wait_child(start_child_ex(1, "not-inherited %llu", (unsigned long long)(uintptr_t)kept)), 0);
    CloseHandle(inherited);
    CloseHandle(kept);
    winshm_close(&shm);
}

Test(sharing, duplicates_reach_another_process_by_push)
{
    /* The parent duplicates straight into a child it started; the child
     * reports through the section that it adopted and read it. */
    winshm shm = {0}, flag = {0};
    const char *flag_name = unique_name("push_flag");
    HANDLE child;
    void *remote = NULL;
    DWORD code;
    make_unnamed(&shm, "pushed");
    cr_assert_eq(winshm_create_only(&flag, flag_name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    child = start_child("wait-handle %s pushed", flag_name);
    cr_assert_eq(winshm_duplicate(&shm, child, WINSHM_READ_ONLY, 0, &remote), WINSHM_OK);
    cr_assert_not_null(remote);
    {
        winshm_view view = {0};
        cr_assert_eq(winshm_map(&flag, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
        *(volatile ULONG64 *)((char *)view.data + 8) = (ULONG64)(uintptr_t)remote;
        InterlockedExchange((volatile LONG *)view.data, 1);
        winshm_unmap(&view);
    }
    code = wait_child(child);
    cr_assert_eq(code, 0, "child exit code %lu", code);
    winshm_close(&flag);
    winshm_close(&shm);
}

/* A section over a file, or over an image: real ones, made here. */
static HANDLE open_own_executable(void)
{
    wchar_t path[MAX_PATH];
    HANDLE file;
    cr_assert_gt(GetModuleFileNameW(NULL, path, MAX_PATH), 0);
    file = CreateFileW(path, GENERIC_READ | GENERIC_EXECUTE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    cr_assert_neq(file, INVALID_HANDLE_VALUE);
    return file;
}

static HANDLE make_data_file(wchar_t *path)
{
    wchar_t directory[MAX_PATH];
    HANDLE file;
    DWORD written = 0;
    cr_assert_gt(GetTempPathW(MAX_PATH, directory), 0);
    cr_assert_neq(GetTempFileNameW(directory, L"wsh", 0, path), 0);
    file = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    cr_assert_neq(file, INVALID_HANDLE_VALUE);
    cr_assert(WriteFile(file, "file bytes", 10, &written, NULL) && written == 10);
    return file;
}

Test(adopt, refuses_image_and_file_sections)
{
    wchar_t path[MAX_PATH];
    HANDLE executable = open_own_executable(), data = make_data_file(path);
    HANDLE image = CreateFileMappingW(executable, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, NULL);
    HANDLE file_section = CreateFileMappingW(data, NULL, PAGE_READWRITE, 0, 4096, NULL);
    HANDLE sections[2];
    winshm shm = {0};
    size_t i;
    cr_assert_not_null(image, "SEC_IMAGE section: error %lu", GetLastError());
    cr_assert_not_null(file_section);
    sections[0] = image;
    sections[1] = file_section;
    hold_current_heap_blocks();
    for (i = 0; i < 2; ++i) {
        winshm_result r = winshm_adopt(&shm, sections[i], WINSHM_READ_ONLY);
        void *view;
        assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_HANDLE);
        /* still the caller's, and still working */
        view = MapViewOfFile(sections[i], FILE_MAP_READ, 0, 0, 0);
        cr_assert_not_null(view, "section %zu no longer maps", i);
        UnmapViewOfFile(view);
        cr_assert(CloseHandle(sections[i]));
    }
    CloseHandle(executable);
    CloseHandle(data);
}

Test(open, refuses_named_image_and_file_sections)
{
    const char *image_name = unique_name("image"), *file_name = unique_name("file");
    wchar_t path[MAX_PATH];
    HANDLE executable = open_own_executable(), data = make_data_file(path);
    HANDLE image = CreateFileMappingW(executable, NULL, PAGE_READONLY | SEC_IMAGE, 0, 0, widen(image_name));
    HANDLE file_section = CreateFileMappingW(data, NULL, PAGE_READWRITE, 0, 4096, widen(file_name));
    const char *names[2];
    winshm shm = {0};
    uintptr_t before;
    size_t i;
    cr_assert_not_null(image);
    cr_assert_not_null(file_section);
    names[0] = image_name;
    names[1] = file_name;
    hold_current_heap_blocks();
    before = next_handle_value();
    for (i = 0; i < 2; ++i) {
        int created = -1;
        winshm_result r = winshm_open_only(&shm, names[i], WINSHM_READ_ONLY);
        assert_failed_empty(&shm, WINSHM_ERROR_NAME_IN_USE, r, ERROR_INVALID_HANDLE);
        r = winshm_open_only_w(&shm, widen(names[i]), WINSHM_READ_ONLY);
        assert_failed_empty(&shm, WINSHM_ERROR_NAME_IN_USE, r, ERROR_INVALID_HANDLE);
        r = winshm_open_or_create(&shm, names[i], WINSHM_READ_ONLY, 1, NULL, &created);
        assert_failed_empty(&shm, WINSHM_ERROR_NAME_IN_USE, r, ERROR_INVALID_HANDLE);
        cr_assert_eq(created, 0);
        /* create_only: the name is taken, whatever holds it */
        r = winshm_create_only(&shm, names[i], WINSHM_READ_ONLY, 1, NULL);
        assert_failed_empty(&shm, WINSHM_ERROR_ALREADY_EXISTS, r, ERROR_ALREADY_EXISTS);
    }
    cr_assert_eq(next_handle_value(), before, "handles leaked");
    CloseHandle(image);
    CloseHandle(file_section);
    CloseHandle(executable);
    CloseHandle(data);
}
