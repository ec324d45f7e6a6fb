/* winshm_open_or_init: a section nobody sees half-initialised, even when its
 * initialiser fails or dies. The initialiser of these tests (test_support.h)
 * counts its runs in the first 4 bytes and writes a pattern after them. */
#include "winshm_test.h"

#include <sddl.h>

/* The trailer: the last 64 bytes of the section (the library's layout). */
typedef struct trailer {
    uint64_t magic, section_size, data_size, check;
    LONG state, reserved[7];
} trailer;

static const char *mutex_name_of(const char *name)
{
    static char out[400];
    snprintf(out, sizeof out, "%s%s", name, WINSHM_INIT_MUTEX_SUFFIX);
    return out;
}

/* Opens the section by name, read-write, bypassing the handshake. */
static void open_raw(winshm *shm, winshm_view *view, const char *name)
{
    cr_assert_eq(winshm_open_only(shm, name, WINSHM_READ_WRITE), WINSHM_OK);
    cr_assert_eq(winshm_map(shm, WINSHM_READ_WRITE, 0, 0, view), WINSHM_OK);
}

static trailer *trailer_of(const winshm_view *view)
{
    return (trailer *)((unsigned char *)view->data + view->size - sizeof(trailer));
}

/* A child initialises `name` and is killed half-way through init; `holder`
 * (NULL: nobody) opens the section first, bypassing the handshake; `waiter`
 * (NULL: nobody) gets a handle to the mutex first, as a caller waiting its
 * turn has, so that the mutex outlives the child, abandoned. */
static void kill_initialiser_half_way(const char *name, size_t size, winshm *holder, winshm_view *held, HANDLE *waiter)
{
    const char *halfway_name = unique_name("init_halfway");
    HANDLE halfway = make_event(halfway_name);
    HANDLE child = start_child("init-hang %s %llu %s", name, (unsigned long long)size, halfway_name);
    wait_event(halfway, child);
    if (holder)
        open_raw(holder, held, name);
    if (waiter) {
        *waiter = OpenMutexW(SYNCHRONIZE, FALSE, widen(mutex_name_of(name)));
        cr_assert_not_null(*waiter);
    }
    cr_assert(TerminateProcess(child, 77));
    cr_assert_eq(wait_child(child), 77u);
    CloseHandle(halfway);
}

Test(init, the_first_caller_initialises_and_the_next_opens)
{
    const char *name = unique_name("init_first");
    init_job job = {0};
    winshm first = {0}, second = {0};
    winshm_view view = {0};
    int created = -1;
    job.size = 3 * page_size() + 100;
    assert_result(winshm_open_or_init(&first, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, WINSHM_INFINITE,
                                      &created), WINSHM_OK, 0);
    cr_assert_eq(created, 1);
    /* size + 64, page-rounded: the whole section is reported */
    cr_assert_eq(winshm_get_size(&first), 4 * page_size());
    assert_result(winshm_open_or_init(&second, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created),
                  WINSHM_OK, ERROR_ALREADY_EXISTS);
    cr_assert_eq(created, 0);
    cr_assert_eq(winshm_map(&second, WINSHM_READ_ONLY, 0, job.size, &view), WINSHM_OK);
    cr_assert_eq(check_init_pattern(view.data, job.size, 1), 0, "init must have run exactly once");
    winshm_unmap(&view);
    winshm_close(&second);
    /* a reader that only waits, by UTF-16 name, with any mode */
    assert_result(winshm_open_or_init_w(&second, widen(name), WINSHM_READ_ONLY, 0, NULL, NULL, NULL, 0, &created), WINSHM_OK,
                  ERROR_ALREADY_EXISTS);
    cr_assert_eq(created, 0);
    cr_assert_eq(winshm_get_mode(&second), WINSHM_READ_ONLY);
    winshm_close(&second);
    assert_result(winshm_open_or_init(&second, name, WINSHM_COPY_ON_WRITE, job.size, NULL, NULL, NULL, 0, &created),
                  WINSHM_OK, ERROR_ALREADY_EXISTS);
    winshm_close(&second);
    winshm_close(&first);
}

Test(init, sixteen_racing_processes_initialise_once_and_none_sees_it_half_done, .timeout = 240)
{
    const char *name = unique_name("init_race");
    const char *start_name = unique_name("init_start"), *done_name = unique_name("init_done");
    HANDLE start = make_event(start_name), done = make_event(done_name), children[16];
    const size_t size = 4 << 20; /* 4 MiB of pattern, a sleep half-way */
    winshm shm = {0};
    winshm_view view = {0};
    int creators = 0, waited;
    for (int i = 0; i < 16; ++i)
        children[i] = start_child("init %s %llu 300 %s %s", name, (unsigned long long)size, start_name, done_name);
    SetEvent(start);
    /* Hold the section from outside the handshake, so that it outlives the
     * children that finish first. */
    for (waited = 0; winshm_open_only(&shm, name, WINSHM_READ_ONLY) == WINSHM_ERROR_NOT_FOUND && waited < 60000; ++waited)
        Sleep(1);
    cr_assert(winshm_is_open(&shm), "nobody created the section");
    SetEvent(done);
    for (int i = 0; i < 16; ++i) {
        DWORD code = wait_child(children[i]);
        cr_assert(code == 10 || code == 0, "child %d exit code %lu (104: it saw the pattern incomplete)", i, code);
        creators += code == 10;
    }
    cr_assert_eq(creators, 1, "%d processes initialised it", creators);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, size, &view), WINSHM_OK);
    cr_assert_eq(check_init_pattern(view.data, size, 1), 0);
    winshm_unmap(&view);
    winshm_close(&shm);
    CloseHandle(start);
    CloseHandle(done);
}

/* The initialiser is killed half-way while another process holds the
 * section: its mutex is abandoned, the state is not READY, and the next
 * caller initialises the same section again. */
Test(init, an_initialiser_killed_half_way_is_redone_on_the_same_section, .timeout = 120)
{
    const char *name = unique_name("init_killed");
    const size_t size = 2 * page_size();
    winshm holder = {0}, shm = {0}, reader = {0};
    winshm_view held = {0}, view = {0};
    init_job job = {0};
    int created = 0;
    kill_initialiser_half_way(name, size, &holder, &held, NULL);
    cr_assert_neq(check_init_pattern(held.data, size, 1), 0, "the killed initialiser cannot have finished");
    /* a reader is told, and does not initialise */
    hold_current_heap_blocks();
    {
        winshm_result r = winshm_open_or_init(&reader, name, WINSHM_READ_ONLY, 0, NULL, NULL, NULL, 5000, &created);
        assert_failed_empty(&reader, WINSHM_ERROR_NOT_INITIALIZED, r, ERROR_NOT_READY);
    }
    job.size = size;
    assert_result(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, size, NULL, test_init, &job, 5000, &created), WINSHM_OK,
                  0);
    cr_assert_eq(created, 1);
    /* the same section: the dead initialiser's count is there too */
    cr_assert_eq(check_init_pattern(held.data, size, 2), 0);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, size, &view), WINSHM_OK);
    cr_assert_eq(*(volatile LONG *)view.data, 2);
    winshm_unmap(&view);
    winshm_unmap(&held);
    winshm_close(&holder);
    winshm_close(&shm);
}

Test(init, an_initialiser_killed_with_no_other_holder_leaves_a_fresh_start, .timeout = 120)
{
    const char *name = unique_name("init_killed_alone");
    const size_t size = 2 * page_size();
    winshm shm = {0};
    winshm_view view = {0};
    init_job job = {0};
    int created = 0;
    kill_initialiser_half_way(name, size, NULL, NULL, NULL);
    job.size = size;
    assert_result(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, size, NULL, test_init, &job, 5000, &created), WINSHM_OK,
                  0);
    cr_assert_eq(created, 1);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 0, size, &view), WINSHM_OK);
    cr_assert_eq(check_init_pattern(view.data, size, 1), 0, "a new section, initialised once");
    winshm_unmap(&view);
    winshm_close(&shm);
}

Test(init, an_initialiser_that_fails_leaves_nothing_and_the_next_caller_initialises)
{
    const char *name = unique_name("init_fails");
    init_job job = {0};
    winshm shm = {0}, holder = {0};
    winshm_view view = {0};
    int created = 1;
    uintptr_t handles;
    winshm_result r;
    job.size = page_size();
    job.fail = 5;
    hold_current_heap_blocks();
    handles = next_handle_value();
    r = winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_NOT_INITIALIZED, r, ERROR_NOT_READY);
    cr_assert_eq(created, 0);
    cr_assert_eq(next_handle_value(), handles, "a handle was left behind");
    /* nobody held it: it is gone, mutex and all */
    assert_result(winshm_open_only(&holder, name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND, ERROR_FILE_NOT_FOUND);
    cr_assert_null(OpenMutexW(SYNCHRONIZE, FALSE, widen(mutex_name_of(name))));
    /* the next caller initialises */
    job.fail = 0;
    assert_result(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created),
                  WINSHM_OK, 0);
    cr_assert_eq(created, 1);
    winshm_close(&shm);
    /* With a holder, the failed init leaves the section not READY. */
    job.fail = 1;
    cr_assert_eq(winshm_create_only(&holder, name, WINSHM_READ_WRITE, 2 * page_size(), NULL), WINSHM_OK);
    hold_current_heap_blocks();
    r = winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_NOT_INITIALIZED, r, ERROR_NOT_READY);
    job.fail = 0;
    assert_result(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created),
                  WINSHM_OK, 0);
    cr_assert_eq(created, 1);
    cr_assert_eq(winshm_map(&holder, WINSHM_READ_ONLY, 0, job.size, &view), WINSHM_OK);
    cr_assert_eq(check_init_pattern(view.data, job.size, 2), 0, "two runs: the failed one and the good one");
    winshm_unmap(&view);
    winshm_close(&shm);
    winshm_close(&holder);
}

Test(init, a_process_holding_the_mutex_makes_callers_time_out, .timeout = 120)
{
    const char *name = unique_name("init_timeout"), *ready_name = unique_name("init_ready");
    HANDLE ready = make_event(ready_name), child;
    init_job job = {0};
    winshm shm = {0};
    int created = 1;
    uintptr_t handles;
    ULONGLONG started, elapsed;
    winshm_result r;
    child = start_child("hold-mutex %s %s", name, ready_name);
    wait_event(ready, child);
    job.size = page_size();
    hold_current_heap_blocks();
    handles = next_handle_value();
    started = GetTickCount64();
    r = winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 300, &created);
    elapsed = GetTickCount64() - started;
    assert_failed_empty(&shm, WINSHM_ERROR_TIMEOUT, r, ERROR_TIMEOUT);
    cr_assert_eq(created, 0);
    /* the tick count moves in steps of up to 16 ms */
    cr_assert_geq(elapsed, 300 - 16, "gave up after %llu ms", elapsed);
    cr_assert_eq(next_handle_value(), handles);
    r = winshm_open_or_init(&shm, name, WINSHM_READ_ONLY, 0, NULL, NULL, NULL, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_TIMEOUT, r, ERROR_TIMEOUT);
    /* nothing was created while it waited */
    assert_result(winshm_open_only(&shm, name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND, ERROR_FILE_NOT_FOUND);
    cr_assert(TerminateProcess(child, 0));
    wait_child(child);
    /* an abandoned mutex is no error */
    assert_result(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created),
                  WINSHM_OK, 0);
    winshm_close(&shm);
    CloseHandle(ready);
}

Test(init, a_reader_without_init_finds_nothing_waits_or_is_told, .timeout = 120)
{
    const char *name = unique_name("init_reader");
    HANDLE child, reader;
    const size_t size = 2 * page_size();
    winshm shm = {0};
    int created = 1;
    winshm_result r;
    hold_current_heap_blocks();
    r = winshm_open_or_init(&shm, name, WINSHM_READ_ONLY, 0, NULL, NULL, NULL, WINSHM_INFINITE, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_NOT_FOUND, r, ERROR_FILE_NOT_FOUND);
    cr_assert_eq(created, 0);
    /* Behind a slow initialiser: a child initialises, sleeping half-way,
     * and another child that only reads waits for it, then sees it whole. */
    {
        const char *start_name = unique_name("init_start"), *done_name = unique_name("init_done");
        HANDLE start = make_event(start_name), done = make_event(done_name);
        child = start_child("init %s %llu 1000 %s %s", name, (unsigned long long)size, start_name, done_name);
        SetEvent(start);
        for (int waited = 0; winshm_open_only(&shm, name, WINSHM_READ_ONLY) == WINSHM_ERROR_NOT_FOUND && waited < 60000;
             ++waited)
            Sleep(1);
        cr_assert(winshm_is_open(&shm));
        reader = start_child("init-wait %s %llu", name, (unsigned long long)size);
        cr_assert_eq(wait_child(reader), 0u, "the reader must wait for the initialiser and see it all");
        SetEvent(done);
        cr_assert_eq(wait_child(child), 10u);
        winshm_close(&shm);
        CloseHandle(start);
        CloseHandle(done);
    }
}

Test(init, a_peer_scribbling_on_the_trailer_never_makes_it_ready)
{
    const char *name = unique_name("init_scribble");
    init_job job = {0};
    winshm shm = {0}, raw = {0}, reader = {0};
    winshm_view view = {0};
    int created = 0;
    job.size = page_size() - 64;
    cr_assert_eq(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created),
                 WINSHM_OK);
    cr_assert_eq(winshm_get_size(&shm), page_size(), "exactly one page: the trailer is the last 64 bytes");
    open_raw(&raw, &view, name);
    {
        trailer *t = trailer_of(&view), good = *t;
        const LONG runs_before = *(volatile LONG *)view.data;
        static const char *const cases[] = {
            "wrong magic", "state not READY", "READY without its check", "a section size it does not have",
            "a data size past the section", "all ones", "all zeros",
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
            winshm_result r;
            *t = good;
            switch (i) {
            case 0: t->magic ^= 1; break;
            case 1: t->state = 1; break;
            case 2: t->check += 1; break;
            case 3: t->section_size = UINT64_MAX; break;
            case 4: t->data_size = (uint64_t)1 << 62; break;
            case 5: memset(t, 0xFF, sizeof *t); break;
            default: memset(t, 0, sizeof *t); break;
            }
            hold_current_heap_blocks();
            r = winshm_open_or_init(&reader, name, WINSHM_READ_ONLY, 0, NULL, NULL, NULL, 1000, &created);
            {
                DWORD error = GetLastError();
                cr_log_info("%s: %s", cases[i], winshm_result_string(r));
                SetLastError(error);
            }
            assert_failed_empty(&reader, WINSHM_ERROR_NOT_INITIALIZED, r, ERROR_NOT_READY);
            /* an initialiser redoes it */
            assert_result(winshm_open_or_init(&reader, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000,
                                              &created), WINSHM_OK, 0);
            cr_assert_eq(created, 1, "%s", cases[i]);
            cr_assert_eq(*(volatile LONG *)view.data, runs_before + (LONG)i + 1);
            winshm_close(&reader);
        }
    }
    winshm_unmap(&view);
    winshm_close(&raw);
    winshm_close(&shm);
}

static int init_commits(const winshm_view *view, void *context)
{
    (void)context;
    if (winshm_commit(view, 0, 0) != WINSHM_OK)
        return 1;
    memset(view->data, 0x42, view->size);
    return 0;
}

Test(init, a_reserve_only_section_is_initialised_through_commit)
{
    const char *name = unique_name("init_reserve");
    winshm_options options = {0};
    winshm shm = {0}, reader = {0};
    winshm_view view = {0};
    int created = 0;
    options.flags = WINSHM_RESERVE;
    options.open_existing = 0; /* ignored: open_or_init always opens an existing one */
    assert_result(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, 3 * page_size(), &options, init_commits, NULL, 1000,
                                      &created), WINSHM_OK, 0);
    cr_assert_eq(created, 1);
    cr_assert_eq(winshm_get_flags(&shm), (unsigned)WINSHM_RESERVE);
    assert_result(winshm_open_or_init(&reader, name, WINSHM_READ_ONLY, 3 * page_size(), NULL, NULL, NULL, 1000, &created),
                  WINSHM_OK, ERROR_ALREADY_EXISTS);
    cr_assert_eq(winshm_map(&reader, WINSHM_READ_ONLY, 0, 3 * page_size(), &view), WINSHM_OK);
    cr_assert_eq(winshm_commit(&view, 0, 0), WINSHM_OK);
    cr_assert_eq(((unsigned char *)view.data)[3 * page_size() - 1], 0x42);
    winshm_unmap(&view);
    winshm_close(&reader);
    winshm_close(&shm);
}

Test(init, every_argument_rule_has_its_result)
{
    const char *name = unique_name("init_args");
    init_job job = {0};
    winshm shm = {0}, open = {0};
    winshm_options options = {0};
    HANDLE event;
    int created = 1;
    winshm_result r;
    static char long_name[32767];
    job.size = page_size();
    hold_current_heap_blocks();
    r = winshm_open_or_init(&shm, NULL, WINSHM_READ_WRITE, 1, NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    cr_assert_eq(created, 0);
    r = winshm_open_or_init_w(&shm, NULL, WINSHM_READ_ONLY, 0, NULL, NULL, NULL, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    assert_result(winshm_open_or_init(NULL, name, WINSHM_READ_WRITE, 1, NULL, test_init, &job, 0, NULL),
                  WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    /* init needs READ_WRITE and a size */
    r = winshm_open_or_init(&shm, name, WINSHM_READ_ONLY, 1, NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    r = winshm_open_or_init(&shm, name, WINSHM_COPY_ON_WRITE, 1, NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    r = winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, 0, NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    r = winshm_open_or_init(&shm, name, (winshm_mode)0, 0, NULL, NULL, NULL, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    options.flags = 0x80;
    r = winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, 1, &options, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_ARGUMENT, r, ERROR_INVALID_PARAMETER);
    /* sizes: past the limit, or an existing section too small */
    r = winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, UINT64_MAX - 10, NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_RANGE, r, ERROR_INVALID_PARAMETER);
    r = winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, (uint64_t)1 << 63, NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_RANGE, r, ERROR_INVALID_PARAMETER);
    cr_assert_eq(winshm_open_or_init(&open, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 0, &created), WINSHM_OK);
    hold_current_heap_blocks();
    r = winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, 2 * page_size(), NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_RANGE, r, ERROR_INVALID_PARAMETER);
    r = winshm_open_or_init(&shm, name, WINSHM_READ_ONLY, 2 * page_size(), NULL, NULL, NULL, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_OUT_OF_RANGE, r, ERROR_INVALID_PARAMETER);
    /* a target that is not empty */
    assert_result(winshm_open_or_init(&open, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 0, &created),
                  WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert(winshm_is_open(&open));
    winshm_close(&open);
    hold_current_heap_blocks();
    /* a name too long once the suffix is added (the section alone would fit) */
    memset(long_name, 'n', 32766 - strlen(WINSHM_INIT_MUTEX_SUFFIX) + 1);
    r = winshm_open_or_init(&shm, long_name, WINSHM_READ_WRITE, 1, NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_FILENAME_EXCED_RANGE);
    r = winshm_open_or_init(&shm, "Local\\bad-\xC3(-", WINSHM_READ_WRITE, 1, NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_INVALID_NAME, r, ERROR_NO_UNICODE_TRANSLATION);
    /* another kind of object holds the mutex's name */
    name = unique_name("init_squatted");
    event = CreateEventW(NULL, TRUE, FALSE, widen(mutex_name_of(name)));
    cr_assert_not_null(event);
    r = winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, 1, NULL, test_init, &job, 0, &created);
    assert_failed_empty(&shm, WINSHM_ERROR_NAME_IN_USE, r, ERROR_INVALID_HANDLE);
    assert_result(winshm_open_only(&shm, name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND, ERROR_FILE_NOT_FOUND);
    CloseHandle(event);
}

/* open_or_create's own rules hold for the section: the mutex is gone after
 * every call, so winshm does not grow and no handle stays. */
Test(init, nothing_stays_open_but_the_section, .timeout = 120)
{
    init_job job = {0};
    uintptr_t handles;
    job.size = page_size();
    hold_current_heap_blocks();
    handles = next_handle_value();
    for (int i = 0; i < 200; ++i) {
        winshm shm = {0}, reader = {0};
        const char *name = unique_name("init_cycle");
        int created = 0;
        cr_assert_eq(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created),
                     WINSHM_OK);
        cr_assert_eq(winshm_open_or_init(&reader, name, WINSHM_READ_ONLY, 0, NULL, NULL, NULL, 1000, &created), WINSHM_OK);
        cr_assert_null(OpenMutexW(SYNCHRONIZE, FALSE, widen(mutex_name_of(name))), "the mutex outlived the call");
        winshm_close(&reader);
        winshm_close(&shm);
    }
    cr_assert_eq(next_handle_value(), handles);
    cr_assert_eq(winshm_test_live_blocks, winshm_test_blocks_held);
}

/* A caller that may not create the mutex (CreateMutexW on the existing name
 * is refused: it asks for every right) joins the handshake by opening it with
 * only the rights it needs. The mutex here grants all but DELETE. */
Test(init, a_caller_refused_the_mutexs_full_rights_still_takes_its_turn)
{
    const char *name = unique_name("init_join");
    SECURITY_ATTRIBUTES attributes = {sizeof attributes, NULL, FALSE};
    init_job job = {0};
    winshm shm = {0};
    int created = 0;
    HANDLE mutex;
    cr_assert(ConvertStringSecurityDescriptorToSecurityDescriptorA("D:P(D;;0x10000;;;WD)(A;;0x1F0001;;;WD)",
                                                                    SDDL_REVISION_1, &attributes.lpSecurityDescriptor,
                                                                    NULL));
    mutex = CreateMutexW(&attributes, FALSE, widen(mutex_name_of(name)));
    LocalFree(attributes.lpSecurityDescriptor);
    cr_assert_not_null(mutex);
    {
        HANDLE again = CreateMutexW(NULL, FALSE, widen(mutex_name_of(name)));
        DWORD error = GetLastError();
        cr_assert(again == NULL && error == ERROR_ACCESS_DENIED, "creating it again must be refused (error %lu)", error);
    }
    job.size = page_size();
    assert_result(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created),
                  WINSHM_OK, 0);
    cr_assert_eq(created, 1);
    winshm_close(&shm);
    CloseHandle(mutex);
}

/* A caller waiting its turn when the initialiser dies gets the mutex
 * abandoned (WAIT_ABANDONED): no error, the state says what was left, and it
 * initialises. (With nobody waiting, the dead initialiser's mutex is simply
 * gone; the tests above.) */
Test(init, a_waiter_gets_the_abandoned_mutex_and_initialises, .timeout = 120)
{
    const char *name = unique_name("init_abandoned");
    const size_t size = 2 * page_size();
    winshm holder = {0}, shm = {0}, reader = {0};
    winshm_view held = {0};
    init_job job = {0};
    int created = 0;
    HANDLE waiter = NULL;
    kill_initialiser_half_way(name, size, &holder, &held, &waiter);
    /* the first caller in is told, and nothing more */
    assert_result(winshm_open_or_init(&reader, name, WINSHM_READ_ONLY, 0, NULL, NULL, NULL, 5000, &created),
                  WINSHM_ERROR_NOT_INITIALIZED, ERROR_NOT_READY);
    job.size = size;
    assert_result(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, size, NULL, test_init, &job, 5000, &created), WINSHM_OK,
                  0);
    cr_assert_eq(created, 1);
    cr_assert_eq(check_init_pattern(held.data, size, 2), 0);
    CloseHandle(waiter);
    winshm_unmap(&held);
    winshm_close(&holder);
    winshm_close(&shm);
}

/* The mutex is released, not only closed: a call that forgot to release it
 * would keep it owned by its thread for as long as another handle keeps the
 * mutex alive, and every other thread would time out. */
typedef struct reader_call { const char *name; winshm_result result; } reader_call;

static DWORD WINAPI read_from_another_thread(void *context)
{
    reader_call *call = (reader_call *)context;
    winshm shm = {0};
    int created = 0;
    call->result = winshm_open_or_init(&shm, call->name, WINSHM_READ_ONLY, 0, NULL, NULL, NULL, 5000, &created);
    winshm_close(&shm);
    return 0;
}

Test(init, the_mutex_is_released_for_the_next_caller, .timeout = 120)
{
    const char *name = unique_name("init_released");
    HANDLE keep = CreateMutexW(NULL, FALSE, widen(mutex_name_of(name))), thread;
    init_job job = {0};
    winshm shm = {0};
    reader_call call;
    int created = 0;
    cr_assert_not_null(keep);
    job.size = page_size();
    cr_assert_eq(winshm_open_or_init(&shm, name, WINSHM_READ_WRITE, job.size, NULL, test_init, &job, 1000, &created),
                 WINSHM_OK);
    call.name = name;
    call.result = WINSHM_ERROR_OS;
    thread = CreateThread(NULL, 0, read_from_another_thread, &call, 0, NULL);
    cr_assert_not_null(thread);
    cr_assert_eq(WaitForSingleObject(thread, 60000), WAIT_OBJECT_0);
    CloseHandle(thread);
    cr_assert_eq(call.result, WINSHM_OK, "another thread's turn: %s", winshm_result_string(call.result));
    winshm_close(&shm);
    CloseHandle(keep);
}
