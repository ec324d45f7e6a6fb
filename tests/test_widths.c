/* Both widths, one section: this suite runs in x64-wine10 and x86-wine10, and
 * each test starts a child of the other width (WINSHM_OTHER_WIDTH_CHILD, the
 * other configuration's winshm_child.exe, which scripts/test.sh builds before
 * either runs). So every check below runs 64 -> 32 in one configuration and
 * 32 -> 64 in the other. Wine 10 runs both widths in one prefix and one
 * wineserver, as Windows runs them in one session. */
#include "winshm_test.h"

#ifndef WINSHM_OTHER_WIDTH_CHILD
#error "tests/CMakeLists.txt defines WINSHM_OTHER_WIDTH_CHILD for this suite"
#endif

static const char *width(void)
{
    return sizeof(void *) == 8 ? "64-bit" : "32-bit";
}

/* Starts the other width's winshm_child.exe. */
#define start_other(...) (child_of_other_width = 1, start_child_ex(0, __VA_ARGS__))

static void expect_child(HANDLE child, DWORD expected, const char *what)
{
    DWORD code = wait_child(child);
    child_of_other_width = 0;
    cr_assert_eq(code, expected, "%s: the other width's child (parent %s) exited %lu", what, width(), code);
}

/* The PE machine of an executable: 0x14c for 32-bit x86, 0x8664 for x64. */
static WORD machine_of(const wchar_t *path)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    unsigned char header[4096];
    DWORD got = 0, pe;
    WORD machine;
    cr_assert_neq(file, INVALID_HANDLE_VALUE, "cannot read %ls", path);
    cr_assert(ReadFile(file, header, sizeof header, &got, NULL));
    CloseHandle(file);
    memcpy(&pe, header + 0x3C, 4);
    cr_assert(pe + 6 <= got && memcmp(header + pe, "PE\0\0", 4) == 0, "%ls is not a PE file", path);
    memcpy(&machine, header + pe + 4, 2);
    return machine;
}

Test(widths, the_other_widths_child_is_there_and_of_the_other_width)
{
    wchar_t path[MAX_PATH], own[MAX_PATH];
    child_of_other_width = 1;
    child_path(path, MAX_PATH); /* fails, saying why, if the other build is missing */
    child_of_other_width = 0;
    cr_assert_gt(GetModuleFileNameW(NULL, own, MAX_PATH), 0);
    cr_assert_eq(machine_of(own), sizeof(void *) == 8 ? 0x8664 : 0x14c);
    cr_assert_eq(machine_of(path), sizeof(void *) == 8 ? 0x14c : 0x8664, "%ls must be of the other width", path);
}

Test(widths, names_sizes_flags_and_bytes_agree_both_ways)
{
    const char *name = unique_name("widths_names"), *ready_name = unique_name("widths_ready");
    const uint64_t asked = 3 * page_size() + 5;
    winshm shm = {0}, opened = {0};
    winshm_view view = {0};
    int created = 0;
    HANDLE ready, child;
    /* made here, checked there: size, flags, name, bytes; a reply back */
    cr_assert_eq(winshm_open_or_create(&shm, name, WINSHM_READ_WRITE, asked, NULL, &created), WINSHM_OK);
    cr_assert_eq(created, 1);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    strcpy((char *)view.data, "from the parent");
    expect_child(start_other("w-check %s %llu 0 \"from the parent\" back", name,
                             (unsigned long long)winshm_get_size(&shm)), 0, "w-check");
    cr_assert_str_eq((char *)view.data + page_size(), "back");
    expect_child(start_other("w-ooc %s %llu", name, (unsigned long long)asked), 0, "open_or_create of an existing one");
    winshm_unmap(&view);
    winshm_close(&shm);
    /* made there, checked here */
    name = unique_name("widths_theirs");
    ready = make_event(ready_name);
    child = start_other("hold %s %llu %s", name, (unsigned long long)asked, ready_name);
    wait_event(ready, child);
    assert_result(winshm_open_only(&opened, name, WINSHM_READ_WRITE), WINSHM_OK, 0);
    cr_assert_eq(winshm_get_size(&opened), 4 * page_size());
    cr_assert_str_eq(winshm_get_name(&opened), name);
    cr_assert_eq(winshm_get_flags(&opened), 0u);
    cr_assert_eq(winshm_map(&opened, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    cr_assert_str_eq((char *)view.data, "held");
    created = 1;
    assert_result(winshm_open_or_create(&shm, name, WINSHM_READ_ONLY, asked, NULL, &created), WINSHM_OK,
                  ERROR_ALREADY_EXISTS);
    cr_assert_eq(created, 0);
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, 1, NULL), WINSHM_ERROR_INVALID_ARGUMENT);
    winshm_close(&shm);
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, 1, NULL), WINSHM_ERROR_ALREADY_EXISTS);
    cr_assert(TerminateProcess(child, 0));
    wait_child(child);
    child_of_other_width = 0;
    winshm_unmap(&view);
    winshm_close(&opened);
    CloseHandle(ready);
}

Test(widths, open_or_init_is_one_handshake_across_widths, .timeout = 120)
{
    const char *name = unique_name("widths_init");
    const char *start_name = unique_name("widths_start"), *done_name = unique_name("widths_done");
    HANDLE start = make_event(start_name), done = make_event(done_name), child;
    const size_t size = 1 << 20;
    winshm shm = {0};
    winshm_view view = {0};
    init_job job = {0};
    int created = 1;
    /* initialised there (slowly); this side waits without init, then sees it whole */
    child = start_other("init %s %llu 500 %s %s", name, (unsigned long long)size, start_name, done_name);
    SetEvent(start);
    for (int waited = 0; winshm_open_only(&shm, name, WINSHM_READ_ONLY) == WINSHM_ERROR_NOT_FOUND && waited < 60000; ++waited)
        Sleep(1);
    cr_assert(winshm_is_open(&shm));
    winshm_close(&shm);
    assert_result(winshm_open_or_init(&shm, name, WINSHM_READ_ONLY, size, NULL, NULL, NULL, 60000, &created), WINSHM_OK,
                  ERROR_ALREADY_EXISTS);
    cr_assert_eq(created, 0);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, size, &view), WINSHM_OK);
    cr_assert_eq(check_init_pattern(view.data, size, 1), 0);
    winshm_unmap(&view);
    winshm_close(&shm);
    SetEvent(done);
    expect_child(child, 10, "the other width initialised");
    /* initialised here; the other width's reader waits and checks */
    name = unique_name("widths_init_here");
    job.size = size;
    cr_assert_eq(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, size, NULL, test_init, &job, 1000, &created),
                 WINSHM_OK);
    cr_assert_eq(created, 1);
    expect_child(start_other("init-wait %s %llu", name, (unsigned long long)size), 0, "init-wait");
    winshm_close(&shm);
    CloseHandle(start);
    CloseHandle(done);
}

/* Above 4 GiB: whichever side creates it, each sees its exact size; the
 * 32-bit side maps a window above 4 GiB and gets OUT_OF_RANGE, never a
 * truncated view, for the whole section (w-large checks by its own width). */
Test(widths, a_section_above_four_gib_keeps_its_size_in_both_widths)
{
    const char *name = unique_name("widths_large");
    const uint64_t size = ((uint64_t)5 << 30) + 3 * page_size();
    const uint64_t offset = ((uint64_t)4 << 30) + 65536 + 100;
    winshm_options options = {0};
    winshm shm = {0};
    winshm_view window = {0};
    options.flags = WINSHM_RESERVE;
    cr_assert_eq(winshm_create_ex(&shm, name, WINSHM_READ_WRITE, size, &options, NULL), WINSHM_OK);
    cr_assert_eq(winshm_get_size(&shm), size);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, offset, 65536, &window), WINSHM_OK);
    cr_assert_eq(winshm_commit(&window, 0, 0), WINSHM_OK);
    strcpy((char *)window.data, "above 4 GiB");
    expect_child(start_other("w-large %s %llu %llu \"above 4 GiB\"", name, (unsigned long long)size,
                             (unsigned long long)offset), 0, "w-large");
    cr_assert_str_eq((char *)window.data + 12, "seen");
    winshm_unmap(&window);
    winshm_close(&shm);
}

Test(widths, handles_cross_as_32_bit_numbers_and_keep_their_reduced_rights)
{
    winshm shm = {0}, flag = {0};
    winshm_view view = {0}, flag_view = {0};
    const char *flag_name = unique_name("widths_flag");
    void *handle = NULL, *remote = NULL;
    HANDLE child;
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    strcpy((char *)view.data, "by handle");
    /* pulled by the child: the value on its command line, as a 32-bit number */
    cr_assert_eq(winshm_duplicate(&shm, NULL, WINSHM_READ_ONLY, 0, &handle), WINSHM_OK);
    cr_assert_eq((uintptr_t)handle >> 31, 0u, "a handle value fits in 32 bits");
    expect_child(start_other("adopt-ro %lu \"by handle\" %lu", (unsigned long)(uintptr_t)handle,
                             (unsigned long)GetCurrentProcessId()), 0, "adopt-ro, pulled");
    CloseHandle(handle);
    /* pushed into the child: the value through shared memory */
    cr_assert_eq(winshm_create_only(&flag, flag_name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&flag, WINSHM_READ_WRITE, 0, 0, &flag_view), WINSHM_OK);
    child = start_other("wait-handle %s \"by handle\"", flag_name);
    cr_assert_eq(winshm_duplicate(&shm, child, WINSHM_READ_ONLY, 0, &remote), WINSHM_OK);
    *(volatile ULONG64 *)((char *)flag_view.data + 8) = (ULONG64)(uintptr_t)remote;
    InterlockedExchange((volatile LONG *)flag_view.data, 1);
    expect_child(child, 0, "wait-handle, pushed");
    /* the child's copy-on-write write stayed private */
    cr_assert_str_eq((char *)view.data, "by handle");
    winshm_unmap(&flag_view);
    winshm_close(&flag);
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(widths, commits_on_one_side_are_seen_page_by_page_on_the_other, .timeout = 120)
{
    const char *name = unique_name("widths_commit");
    const uint32_t pages = 200;
    winshm_options options = {0};
    winshm shm = {0};
    winshm_view view = {0};
    HANDLE child;
    options.flags = WINSHM_RESERVE;
    cr_assert_eq(winshm_create_ex(&shm, name, WINSHM_READ_WRITE, (uint64_t)(pages + 1) * page_size(), &options, NULL),
                 WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    cr_assert_eq(winshm_commit(&view, 0, page_size()), WINSHM_OK);
    child = start_other("reserve-follow %s %u", name, pages);
    publish_pages(&view, pages);
    expect_child(child, 0, "reserve-follow");
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(widths, presets_and_unique_names_open_from_the_other_width)
{
    static const winshm_access presets[] = {WINSHM_ACCESS_OWNER_ONLY, WINSHM_ACCESS_USERS_READ,
                                            WINSHM_ACCESS_USERS_READ_WRITE};
    for (size_t i = 0; i < 3; ++i) {
        winshm_permissions perm = {0};
        winshm shm = {0};
        const char *name = unique_name("widths_preset");
        perm.access = presets[i];
        cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), &perm), WINSHM_OK);
        for (int mode = 1; mode <= 3; ++mode)
            expect_child(start_other("open %s %d", name, mode), 0, "open a preset's section");
        winshm_close(&shm);
    }
    {
        winshm shm = {0};
        winshm_view view = {0};
        cr_assert_eq(winshm_create_unique(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
        cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
        strcpy((char *)view.data, "unique");
        expect_child(start_other("read %s unique", winshm_get_name(&shm)), 0, "read a unique name");
        winshm_unmap(&view);
        winshm_close(&shm);
    }
}
