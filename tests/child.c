/* winshm_child.exe: the other process in the multi-process tests.
 *
 *   read NAME TEXT            open_only read-only; exit 0 if the section starts with TEXT
 *   mirror NAME TEXT REPLY    open_only read-write, map the whole section mirrored; check
 *                             TEXT at offset 0 through both copies, then write REPLY (with
 *                             its NUL) through the second copy at offset 100
 *   open NAME MODE            open_only with MODE (1, 2 or 3) and map a view with it:
 *                             exit 0 if both are OK, else 20 - the first failing result
 *   write NAME TEXT           open_only read-write; write TEXT (with its NUL) at offset 0
 *   exchange NAME TEXT REPLY  check TEXT at 0, write REPLY at the second page
 *   race NAME SIZE START DONE wait for event START, open_or_create, map, count one at
 *                             offset 0, hold it until event DONE; exit 10 if this
 *                             process created it, 0 if it opened it, 20 - result on
 *                             failure, 40 if the size was smaller than asked
 *   race-ex NAME SIZE START DONE
 *                             as race, through winshm_create_ex with open_existing
 *   reserve-read NAME OFFSET TEXT
 *                             open_only read-write a reserve-only section (get_flags must
 *                             say so), map it, commit the range of TEXT at OFFSET in this
 *                             view, check TEXT there and zeros around it in its page
 *   reserve-follow NAME PAGES open_only read-only a reserve-only section whose page 0 holds
 *                             the number of pages published; commit and check each page
 *                             (page i: every byte i & 0xFF, and i in its first 4 bytes) as it
 *                             is published, re-checking all earlier ones each time, until PAGES
 *   touch-reserved            create a reserve-only section, map it and write to a page that
 *                             was never committed: must die of an access violation
 *   storm-create NAME N STATS create_only NAME, map, write, unmap, close, N times; every
 *                             create must be OK or ALREADY_EXISTS. Adds the OKs to the
 *                             counter at offset 0 of section STATS
 *   storm-open NAME N STATS   open_only NAME N times; every open must be OK with a valid
 *                             size, or NOT_FOUND. Adds the OKs at offset 8 of STATS
 *   hold NAME SIZE READY      create_only, map, signal READY, sleep until killed
 *   crash NAME SIZE READY GO  create_only, map, signal READY, wait for GO, then an
 *                             access violation (the parent opens the name in between)
 *   adopt-ro HANDLE TEXT [PID]
 *                             adopt HANDLE read-only (first pulled from process PID with
 *                             DuplicateHandle(DUPLICATE_SAME_ACCESS) when PID is given),
 *                             check that it starts with TEXT, then try to write, to map
 *                             writable and to duplicate writable: exit 0 only if every
 *                             attempt was refused
 *   adopt-named HANDLE PID NAME TEXT
 *                             pull HANDLE from process PID, adopt it read-only, check that
 *                             it is called NAME and starts with TEXT
 *   not-inherited HANDLE      exit 0 if HANDLE is not a section handle here
 *   wait-handle FLAG TEXT     wait until the section FLAG holds 1 at offset 0, then take the
 *                             handle value at offset 8 and do what adopt-ro does with it
 *   init NAME SIZE SLEEP START DONE
 *                             wait for event START, open_or_init NAME with the tests'
 *                             initialiser (SIZE bytes, sleeping SLEEP ms half-way), check
 *                             that init ran once and the whole pattern is there, hold the
 *                             section until event DONE: exit 10 if this process
 *                             initialised it, 0 if not
 *   init-hang NAME SIZE HALFWAY  open_or_init with an initialiser that signals HALFWAY
 *                             half-way and never returns (the parent kills this process)
 *   init-wait NAME SIZE       open_or_init with init NULL and a long timeout (it waits
 *                             for an initialiser); check the pattern
 *   init-size NAME SIZE       open_or_init with init NULL and size 0: 0 if it learns
 *                             SIZE, and a view of size 0 is SIZE bytes
 *   hold-mutex NAME READY     create the handshake mutex of NAME owned, signal READY,
 *                             sleep until killed
 * For the cross-width tests (the parent is the other width):
 *   w-check NAME SIZE FLAGS TEXT REPLY
 *                             open_only read-write; the size, flags and name must be what
 *                             the parent made, TEXT at offset 0; write REPLY at the second page
 *   w-ooc NAME SIZE           open_or_create an existing section: exit 0 if it opened (not
 *                             created) one of at least SIZE bytes
 *   w-large NAME SIZE OFFSET TEXT
 *                             open_only read-write a reserve-only section of exactly SIZE
 *                             bytes (above 4 GiB); a whole-section view must be OUT_OF_RANGE
 *                             in a 32-bit process (never truncated) and work in a 64-bit one;
 *                             map 64 KiB at OFFSET, commit, check TEXT, write "seen" after it
 *
 * Exit codes above 100 mean a step failed: 100 + step. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "winshm.h"
#include "test_support.h"

static HANDLE open_event(const char *name)
{
    wchar_t wide[256];
    MultiByteToWideChar(CP_UTF8, 0, name, -1, wide, 256);
    return OpenEventW(EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, wide);
}

static int *volatile nowhere;

/* go: NULL to hold until killed; else the event after which to crash. */
static int hold_or_crash(const char *name, uint64_t size, const char *ready, const char *go)
{
    winshm shm = {0};
    winshm_view view = {0};
    HANDLE event = open_event(ready);
    HANDLE crash = go ? open_event(go) : NULL;
    if (!event || (go && !crash))
        return 101;
    if (winshm_create_only(&shm, name, WINSHM_READ_WRITE, size, NULL) != WINSHM_OK)
        return 102;
    if (winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_OK)
        return 103;
    memcpy(view.data, "held", 5);
    SetEvent(event);
    if (crash) {
        if (WaitForSingleObject(crash, INFINITE) != WAIT_OBJECT_0)
            return 104;
        /* No error dialog: the test expects an access violation exit code. */
        SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
        *nowhere = 1; /* a real access violation */
    }
    for (;;) {
        ((volatile char *)view.data)[5]++;
        Sleep(1);
    }
}


/* Every way to get write access through a read-only handle must fail. */
static void *parse_handle(const char *text)
{
    return (void *)(uintptr_t)strtoull(text, NULL, 0);
}

/* Pulls the handle HANDLE out of process PID with DuplicateHandle. */
static void *pull_handle(const char *handle_text, const char *pid_text)
{
    HANDLE parent = OpenProcess(PROCESS_DUP_HANDLE, FALSE, strtoul(pid_text, NULL, 10));
    void *pulled = NULL;
    if (!parent)
        return NULL;
    if (!DuplicateHandle(parent, parse_handle(handle_text), GetCurrentProcess(), &pulled, 0, FALSE, DUPLICATE_SAME_ACCESS))
        pulled = NULL;
    CloseHandle(parent);
    return pulled;
}

static int adopt_read_only(void *handle, const char *text)
{
    winshm shm = {0}, writable = {0};
    winshm_view view = {0};
    void *escalated = NULL, *duplicate = NULL;
    if (winshm_adopt(&writable, handle, WINSHM_READ_WRITE) != WINSHM_ERROR_ACCESS_DENIED)
        return 1;
    if (winshm_adopt(&shm, handle, WINSHM_READ_ONLY) != WINSHM_OK)
        return 2;
    if (winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view) != WINSHM_OK)
        return 3;
    if (strcmp((const char *)view.data, text) != 0)
        return 4;
    winshm_unmap(&view);
    if (winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_ERROR_ACCESS_DENIED)
        return 5;
    if (MapViewOfFile(handle, FILE_MAP_WRITE, 0, 0, 0) != NULL || GetLastError() != ERROR_ACCESS_DENIED)
        return 6;
    if (DuplicateHandle(GetCurrentProcess(), handle, GetCurrentProcess(), &escalated,
                        FILE_MAP_READ | FILE_MAP_WRITE, FALSE, 0) || GetLastError() != ERROR_ACCESS_DENIED)
        return 7;
    /* Wine grants the owner WRITE_DAC whatever the DACL says (it does not know
     * the OWNER RIGHTS SID), so this refusal is checked on Windows only. */
    if (!running_on_wine() && (DuplicateHandle(GetCurrentProcess(), handle, GetCurrentProcess(), &escalated, WRITE_DAC, FALSE, 0) ||
                       GetLastError() != ERROR_ACCESS_DENIED))
        return 8;
    if (winshm_duplicate(&shm, NULL, WINSHM_READ_WRITE, 0, &duplicate) != WINSHM_ERROR_ACCESS_DENIED)
        return 9;
    /* Copy-on-write needs only read access, and its writes stay here. */
    if (winshm_map(&shm, WINSHM_COPY_ON_WRITE, 0, 0, &view) != WINSHM_OK)
        return 10;
    ((char *)view.data)[0] = '!';
    winshm_unmap(&view);
    winshm_close(&shm);
    return 0;
}

static int storm(int creating, const char *name, int rounds, const char *stats_name)
{
    winshm stats = {0}, shm = {0};
    winshm_view stats_view = {0}, view = {0};
    LONG successes = 0;
    int i;
    if (winshm_open_only(&stats, stats_name, WINSHM_READ_WRITE) != WINSHM_OK ||
        winshm_map(&stats, WINSHM_READ_WRITE, 0, 16, &stats_view) != WINSHM_OK)
        return 101;
    for (i = 0; i < rounds; ++i) {
        winshm_result r = creating ? winshm_create_only(&shm, name, WINSHM_READ_WRITE, 5000, NULL)
                                   : winshm_open_only(&shm, name, WINSHM_READ_ONLY);
        if (r == WINSHM_OK) {
            ++successes;
            if (winshm_get_size(&shm) != 8192)
                return 50;
            if (winshm_map(&shm, creating ? WINSHM_READ_WRITE : WINSHM_READ_ONLY, 0, 0, &view) != WINSHM_OK)
                return 51;
            if (creating)
                ((volatile char *)view.data)[100] = 'x';
            winshm_unmap(&view);
            winshm_close(&shm);
        } else if (r != (creating ? WINSHM_ERROR_ALREADY_EXISTS : WINSHM_ERROR_NOT_FOUND)) {
            return 60 - (int)r; /* 60 + |result|: an error the storm must never see */
        }
    }
    InterlockedExchangeAdd((volatile LONG *)((char *)stats_view.data + (creating ? 0 : 8)), successes);
    return 0;
}

static int reserve_read(const char *name, size_t offset, const char *text)
{
    winshm shm = {0};
    winshm_view view = {0};
    size_t length = strlen(text), page = winshm_page_size(), i;
    const unsigned char *bytes;
    if (winshm_open_only(&shm, name, WINSHM_READ_WRITE) != WINSHM_OK)
        return 101;
    if (winshm_get_flags(&shm) != WINSHM_RESERVE)
        return 1;
    if (winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_OK)
        return 102;
    if (winshm_commit(&view, offset, length) != WINSHM_OK || GetLastError() != 0)
        return 2;
    bytes = (const unsigned char *)view.data;
    if (memcmp(bytes + offset, text, length) != 0)
        return 3;
    for (i = offset / page * page; i < (offset + length + page - 1) / page * page; ++i)
        if ((i < offset || i >= offset + length) && bytes[i] != 0)
            return 4;
    return 0;
}

static int reserve_follow(const char *name, uint32_t pages)
{
    winshm shm = {0};
    winshm_view view = {0};
    size_t page = winshm_page_size();
    uint32_t seen = 0, i, tries;
    if (winshm_open_only(&shm, name, WINSHM_READ_ONLY) != WINSHM_OK || winshm_get_flags(&shm) != WINSHM_RESERVE)
        return 101;
    if (winshm_map(&shm, WINSHM_READ_ONLY, 0, (size_t)(pages + 1) * page, &view) != WINSHM_OK)
        return 102;
    if (winshm_commit(&view, 0, page) != WINSHM_OK)
        return 103;
    for (tries = 0; seen < pages && tries < 600000; ++tries) {
        /* The count lives in shared memory: read it once, check it, use the copy. */
        uint32_t published = *(volatile uint32_t *)view.data;
        MemoryBarrier(); /* the pages it counts were written before it */
        if (published > pages)
            return 1;
        if (published > seen) {
            if (winshm_commit(&view, page, published * page) != WINSHM_OK)
                return 2;
            seen = published;
        }
        for (i = 1; i <= seen; ++i) {
            const unsigned char *p = (const unsigned char *)view.data + (size_t)i * page;
            size_t k;
            if (*(const uint32_t *)p != i)
                return 3;
            for (k = 4; k < page; ++k)
                if (p[k] != (unsigned char)i)
                    return 4;
        }
        if (seen < pages)
            Sleep(0);
    }
    return seen == pages ? 0 : 5;
}


/* The cross-width commands: what a process of the other width made. */
static int width_command(char **argv)
{
    winshm shm = {0};
    winshm_view view = {0};
    uint64_t size = strtoull(argv[3], NULL, 10);
    if (strcmp(argv[1], "w-check") == 0) {
        unsigned flags = (unsigned)strtoul(argv[4], NULL, 10);
        if (winshm_open_only(&shm, argv[2], WINSHM_READ_WRITE) != WINSHM_OK)
            return 101;
        if (winshm_get_size(&shm) != size)
            return 102;
        if (winshm_get_flags(&shm) != flags || strcmp(winshm_get_name(&shm), argv[2]) != 0)
            return 103;
        if (winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_OK || winshm_commit(&view, 0, 0) != WINSHM_OK)
            return 104;
        if (strcmp((const char *)view.data, argv[5]) != 0)
            return 105;
        memcpy((char *)view.data + winshm_page_size(), argv[6], strlen(argv[6]) + 1);
    } else if (strcmp(argv[1], "w-ooc") == 0) {
        int created = -1;
        if (winshm_open_or_create(&shm, argv[2], WINSHM_READ_WRITE, size, NULL, &created) != WINSHM_OK)
            return 101;
        if (created != 0 || winshm_get_size(&shm) < size)
            return 102;
    } else {
        uint64_t offset = strtoull(argv[4], NULL, 10);
        winshm_result whole;
        if (winshm_open_only(&shm, argv[2], WINSHM_READ_WRITE) != WINSHM_OK)
            return 101;
        if (winshm_get_size(&shm) != size || winshm_get_flags(&shm) != WINSHM_RESERVE)
            return 102;
        whole = winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view);
        if (sizeof(void *) == 4 ? (whole != WINSHM_ERROR_OUT_OF_RANGE || view.data || view.size) : whole != WINSHM_OK)
            return 103;
        if (whole == WINSHM_OK && view.size != size)
            return 104;
        winshm_unmap(&view);
        if (winshm_map(&shm, WINSHM_READ_WRITE, offset, 65536, &view) != WINSHM_OK ||
            winshm_commit(&view, 0, 0) != WINSHM_OK)
            return 105;
        if (strcmp((const char *)view.data, argv[5]) != 0)
            return 106;
        memcpy((char *)view.data + strlen(argv[5]) + 1, "seen", 5);
    }
    winshm_unmap(&view);
    winshm_close(&shm);
    return 0;
}

/* How long the open_or_init commands wait for anything: far longer than any
 * test needs, but bounded, so that a child whose test failed (and so never
 * signalled or killed it) does not outlive the run. */
#define CHILD_PATIENCE_MS 120000

/* The open_or_init commands. */
static int init_command(char **argv)
{
    winshm shm = {0};
    winshm_view view = {0};
    init_job job = {0};
    int created = 0;
    winshm_result r;
    job.size = (size_t)strtoull(argv[3], NULL, 10);
    if (strcmp(argv[1], "init-size") == 0) {
        r = winshm_open_or_init(&shm, argv[2], WINSHM_READ_ONLY, 0, NULL, NULL, NULL, CHILD_PATIENCE_MS, &created);
        if (r != WINSHM_OK)
            return 120 - (int)r;
        if (winshm_get_size(&shm) != job.size)
            return 107;
        if (winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view) != WINSHM_OK || view.size != job.size)
            return 108;
        winshm_unmap(&view);
        winshm_close(&shm);
        return 0;
    }
    if (strcmp(argv[1], "hold-mutex") == 0) {
        wchar_t name[300];
        HANDLE ready = open_event(argv[3]), mutex;
        swprintf(name, 300, L"%hs%hs", argv[2], WINSHM_INIT_MUTEX_SUFFIX);
        mutex = CreateMutexW(NULL, TRUE, name);
        if (!ready || !mutex)
            return 101;
        SetEvent(ready);
        Sleep(CHILD_PATIENCE_MS); /* the test kills it long before */
        return 106;
    }
    if (strcmp(argv[1], "init") == 0) {
        HANDLE start = open_event(argv[5]);
        job.sleep_ms = (DWORD)atoi(argv[4]);
        if (!start || WaitForSingleObject(start, CHILD_PATIENCE_MS) != WAIT_OBJECT_0)
            return 101;
    } else if (strcmp(argv[1], "init-hang") == 0) {
        job.halfway = open_event(argv[4]);
        job.hang = 1;
        if (!job.halfway)
            return 101;
    }
    r = winshm_open_or_init(&shm, argv[2], WINSHM_READ_WRITE, job.size, NULL,
                            strcmp(argv[1], "init-wait") == 0 ? NULL : test_init, &job, CHILD_PATIENCE_MS, &created);
    if (r != WINSHM_OK)
        return 120 - (int)r;
    if (winshm_map(&shm, WINSHM_READ_ONLY, 0, job.size, &view) != WINSHM_OK)
        return 103;
    if (check_init_pattern(view.data, job.size, 1) != 0)
        return 104;
    if (strcmp(argv[1], "init") == 0) {
        HANDLE done = open_event(argv[6]);
        if (!done || WaitForSingleObject(done, CHILD_PATIENCE_MS) != WAIT_OBJECT_0)
            return 105;
    }
    winshm_unmap(&view);
    winshm_close(&shm);
    return created ? 10 : 0;
}

static int run(int argc, char **argv)
{
    winshm shm = {0};
    winshm_view view = {0};
    if (argc < 3)
        return 100;
    if ((strcmp(argv[1], "w-check") == 0 && argc == 7) || (strcmp(argv[1], "w-ooc") == 0 && argc == 4) ||
        (strcmp(argv[1], "w-large") == 0 && argc == 6))
        return width_command(argv);
    if ((strcmp(argv[1], "init") == 0 && argc == 7) || (strcmp(argv[1], "init-hang") == 0 && argc == 5) ||
        (strcmp(argv[1], "init-wait") == 0 && argc == 4) || (strcmp(argv[1], "init-size") == 0 && argc == 4) ||
        (strcmp(argv[1], "hold-mutex") == 0 && argc == 4))
        return init_command(argv);
    if (strcmp(argv[1], "mirror") == 0 && argc == 5) {
        if (winshm_open_only(&shm, argv[2], WINSHM_READ_WRITE) != WINSHM_OK)
            return 101;
        if (winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_OK)
            return 102;
        if (strcmp((char *)view.data, argv[3]) != 0 || strcmp((char *)view.data + view.size, argv[3]) != 0)
            return 103;
        strcpy((char *)view.data + view.size + 100, argv[4]);
        return 0;
    }
    if (strcmp(argv[1], "open") == 0 && argc == 4) {
        winshm_mode mode = (winshm_mode)atoi(argv[3]);
        winshm_result r = winshm_open_only(&shm, argv[2], mode);
        if (r == WINSHM_OK)
            r = winshm_map(&shm, mode, 0, 0, &view);
        winshm_unmap(&view);
        winshm_close(&shm);
        return r == WINSHM_OK ? 0 : 20 - (int)r;
    }
    if (strcmp(argv[1], "read") == 0 && argc == 4) {
        if (winshm_open_only(&shm, argv[2], WINSHM_READ_ONLY) != WINSHM_OK)
            return 101;
        if (winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view) != WINSHM_OK)
            return 102;
        return strcmp((const char *)view.data, argv[3]) == 0 ? 0 : 1;
    }
    if (strcmp(argv[1], "write") == 0 && argc == 4) {
        if (winshm_open_only(&shm, argv[2], WINSHM_READ_WRITE) != WINSHM_OK)
            return 101;
        if (winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_OK)
            return 102;
        memcpy(view.data, argv[3], strlen(argv[3]) + 1);
        return 0;
    }
    if (strcmp(argv[1], "exchange") == 0 && argc == 5) {
        if (winshm_open_only(&shm, argv[2], WINSHM_READ_WRITE) != WINSHM_OK)
            return 101;
        if (winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_OK || view.size < 2 * winshm_page_size())
            return 102;
        if (strcmp((const char *)view.data, argv[3]) != 0)
            return 1;
        memcpy((char *)view.data + winshm_page_size(), argv[4], strlen(argv[4]) + 1);
        winshm_unmap(&view);
        winshm_close(&shm);
        return 0;
    }
    if ((strcmp(argv[1], "race") == 0 || strcmp(argv[1], "race-ex") == 0) && argc == 6) {
        uint64_t size = strtoull(argv[3], NULL, 10);
        HANDLE start = open_event(argv[4]), done = open_event(argv[5]);
        int created = -1;
        winshm_result r;
        if (!start || !done || WaitForSingleObject(start, 60000) != WAIT_OBJECT_0)
            return 101;
        if (argv[1][4] == '-') {
            winshm_options options = {NULL, 0, 1};
            r = winshm_create_ex(&shm, argv[2], WINSHM_READ_WRITE, size, &options, &created);
        } else {
            r = winshm_open_or_create(&shm, argv[2], WINSHM_READ_WRITE, size, NULL, &created);
        }
        if (r != WINSHM_OK)
            return 20 - (int)r;
        if (winshm_get_size(&shm) < size)
            return 40;
        if (winshm_map(&shm, WINSHM_READ_WRITE, 0, sizeof(LONG), &view) != WINSHM_OK)
            return 102;
        InterlockedIncrement((volatile LONG *)view.data);
        /* Hold it: were the section to die before every racer opened it, a
         * later racer would rightly create a new one. */
        if (WaitForSingleObject(done, 60000) != WAIT_OBJECT_0)
            return 104;
        return created == 1 ? 10 : created == 0 ? 0 : 103;
    }
    if ((strcmp(argv[1], "storm-create") == 0 || strcmp(argv[1], "storm-open") == 0) && argc == 5)
        return storm(argv[1][6] == 'c', argv[2], atoi(argv[3]), argv[4]);
    if (strcmp(argv[1], "adopt-ro") == 0 && (argc == 4 || argc == 5)) {
        void *handle = argc == 5 ? pull_handle(argv[2], argv[4]) : parse_handle(argv[2]);
        return handle ? adopt_read_only(handle, argv[3]) : 101;
    }
    if (strcmp(argv[1], "adopt-named") == 0 && argc == 6) {
        void *handle = pull_handle(argv[2], argv[3]);
        if (!handle || winshm_adopt(&shm, handle, WINSHM_READ_ONLY) != WINSHM_OK)
            return 101;
        if (strcmp(winshm_get_name(&shm), argv[4]) != 0)
            return 102;
        if (winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view) != WINSHM_OK)
            return 103;
        return strcmp((const char *)view.data, argv[5]) == 0 ? 0 : 104;
    }
    if (strcmp(argv[1], "wait-handle") == 0 && argc == 4) {
        int tries;
        if (winshm_open_only(&shm, argv[2], WINSHM_READ_ONLY) != WINSHM_OK ||
            winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view) != WINSHM_OK)
            return 101;
        for (tries = 0; tries < 60000 && *(volatile LONG *)view.data != 1; ++tries)
            Sleep(1);
        if (*(volatile LONG *)view.data != 1)
            return 102;
        return adopt_read_only((void *)(uintptr_t)*(volatile ULONG64 *)((char *)view.data + 8), argv[3]);
    }
    if (strcmp(argv[1], "not-inherited") == 0) {
        winshm_result r = winshm_adopt(&shm, parse_handle(argv[2]), WINSHM_READ_ONLY);
        return r == WINSHM_ERROR_INVALID_ARGUMENT ? 0 : 1;
    }
    if (strcmp(argv[1], "touch-reserved") == 0) {
        winshm_options options = {NULL, WINSHM_RESERVE, 0};
        if (winshm_create_ex(&shm, NULL, WINSHM_READ_WRITE, 65536, &options, NULL) != WINSHM_OK ||
            winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_OK)
            return 101;
        SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
        ((volatile char *)view.data)[100] = 1;
        return 0;
    }
    if (strcmp(argv[1], "reserve-read") == 0 && argc == 5)
        return reserve_read(argv[2], (size_t)strtoull(argv[3], NULL, 10), argv[4]);
    if (strcmp(argv[1], "reserve-follow") == 0 && argc == 4)
        return reserve_follow(argv[2], (uint32_t)strtoul(argv[3], NULL, 10));
    if (strcmp(argv[1], "hold") == 0 && argc == 5)
        return hold_or_crash(argv[2], strtoull(argv[3], NULL, 10), argv[4], NULL);
    if (strcmp(argv[1], "crash") == 0 && argc == 6)
        return hold_or_crash(argv[2], strtoull(argv[3], NULL, 10), argv[4], argv[5]);
    return 100;
}

/* wmain, so that names reach the child as UTF-16 and become UTF-8 here,
 * whatever the ANSI code page is. */
int wmain(int argc, wchar_t **wargv)
{
    static char storage[8][1024];
    char *argv[8];
    int i;
    if (argc > 8)
        return 100;
    for (i = 0; i < argc; ++i) {
        if (WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, storage[i], 1024, NULL, NULL) <= 0)
            return 100;
        argv[i] = storage[i];
    }
    return run(argc, argv);
}
