/* Behaviour across processes, with winshm_child.exe as the other process. */
#include "winshm_test.h"

Test(processes, see_each_others_bytes)
{
    const char *name = unique_name("exchange");
    winshm shm = {0};
    winshm_view view = {0};
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, 2 * page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    strcpy((char *)view.data, "from parent");
    cr_assert_eq(wait_child(start_child("exchange %s \"from parent\" \"from child\"", name)), 0);
    cr_assert_str_eq((char *)view.data + page_size(), "from child");
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(processes, a_child_opens_a_utf8_name_given_as_utf16)
{
    char name[200];
    winshm shm = {0};
    winshm_view view = {0};
    snprintf(name, sizeof name, "%s_\xc3\xa9t\xc3\xa9_\xf0\x9f\x98\x80", unique_name("unicode"));
    cr_assert_eq(winshm_create_only_w(&shm, widen(name), WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(wait_child(start_child("write %s written", name)), 0);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    cr_assert_str_eq((char *)view.data, "written");
    winshm_unmap(&view);
    cr_assert_eq(wait_child(start_child("read %s written", name)), 0);
    winshm_close(&shm);
}

Test(processes, racing_open_or_create_reports_one_creator, .timeout = 120)
{
    int round;
    for (round = 0; round < 3; ++round)
        race_round(8, 10000);
}

/* The holder's handle keeps the section alive, and its death frees the name.
 * The child holds on until told to die (crash: it waits for GO, then faults;
 * killed: it is terminated), so the open below always meets a live holder,
 * whatever the timing, and what follows its exit always meets a dead one. */
static void section_disappears_after_holder_ends(int crash)
{
    const char *name = unique_name(crash ? "crash" : "killed");
    const char *ready_name = unique_name("ready");
    const char *go_name = unique_name("go");
    HANDLE ready = make_event(ready_name);
    HANDLE go = make_event(go_name);
    HANDLE child = crash ? start_child("crash %s %zu %s %s", name, page_size(), ready_name, go_name)
                         : start_child("hold %s %zu %s", name, page_size(), ready_name);
    winshm shm = {0};
    winshm_view view = {0};
    DWORD code, crashed;
    wait_event(ready, child);
    cr_assert_eq(winshm_open_only(&shm, name, WINSHM_READ_ONLY), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    winshm_close(&shm);
    if (crash)
        cr_assert(SetEvent(go));
    else
        cr_assert(TerminateProcess(child, 77));
    code = wait_child(child);
    /* Under qemu-user, 32-bit Wine reports the fault as an illegal
     * instruction: qemu-i386 puts trap number -1 in the signal context, and
     * Wine takes an unknown trap for one ("Got unexpected trap -1"). */
    crashed = emulated_by_qemu() ? (DWORD)EXCEPTION_ILLEGAL_INSTRUCTION : (DWORD)EXCEPTION_ACCESS_VIOLATION;
    cr_assert_eq(code, crash ? crashed : 77u, "exit code %#lx", code);
    /* The survivor's view is intact after the holder died. */
    cr_assert_str_eq((char *)view.data, "held");
    cr_assert_eq(winshm_open_only(&shm, name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND,
                 "the name must be gone with its last handle");
    winshm_unmap(&view);
    /* And the name can be created afresh. */
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    winshm_close(&shm);
    CloseHandle(go);
    CloseHandle(ready);
}

Test(processes, the_section_is_gone_once_a_killed_holder_exits)
{
    section_disappears_after_holder_ends(0);
}

Test(processes, the_section_is_gone_once_a_crashed_holder_exits)
{
    section_disappears_after_holder_ends(1);
}

Test(processes, an_inherited_handle_works_in_the_child)
{
    /* The child opens by name here; what inheritance gives is checked by its flag. */
    winshm_permissions perm = {NULL, 0, 1, WINSHM_ACCESS_DEFAULT};
    const char *name = unique_name("inheritable");
    winshm shm = {0};
    DWORD flags = 0;
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), &perm), WINSHM_OK);
    cr_assert(GetHandleInformation(winshm_get_handle(&shm), &flags));
    cr_assert(flags & HANDLE_FLAG_INHERIT);
    cr_assert_eq(wait_child(start_child_ex(1, "write %s inherited", name)), 0);
    winshm_close(&shm);
}
