/* A lookup table that several processes share, built by whichever of them
 * starts first, and seen by none of the others until it is complete.
 *
 *   lookup_table.exe [processes]   starts that many copies of itself (default
 *                                  4) at once, each a member, and checks that
 *                                  every member saw the whole table
 *   lookup_table.exe member        one member: open the table, or build it
 *
 * Each member calls winshm_open_or_init with the same name. The first one in
 * builds the table (slowly, on purpose: it sleeps while it fills it); the
 * others wait for it, then use the finished table. If the builder crashed
 * half-way, the next member would build it again. */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "winshm.h"

#define TABLE_NAME "Local\\winshm_example_lookup_table"
#define ENTRIES (1u << 20) /* 4 MiB of uint32_t */

/* The value the table holds for `key`: something worth computing once. */
static uint32_t entry(uint32_t key)
{
    uint32_t x = key * 2654435761u;
    return (x ^ (x >> 15)) * 2246822519u;
}

/* The initialiser: runs in exactly one process, on a zeroed read-write view. */
static int build_table(const winshm_view *view, void *context)
{
    uint32_t *table = (uint32_t *)view->data, key;
    (void)context;
    for (key = 0; key < ENTRIES; ++key) {
        table[key] = entry(key);
        if (key % (ENTRIES / 8) == 0)
            Sleep(50); /* slow on purpose: the others must wait, not see half a table */
    }
    return 0; /* non-zero: not built, and the next process tries again */
}

static int member(void)
{
    winshm shm = {0};
    winshm_view view = {0};
    int created = 0;
    uint32_t key;
    const uint32_t *table;
    winshm_result r = winshm_open_or_init(&shm, TABLE_NAME, WINSHM_READ_WRITE, ENTRIES * sizeof(uint32_t), NULL,
                                          build_table, NULL, 30000 /* ms */, &created);
    if (r != WINSHM_OK) {
        fprintf(stderr, "member %lu: %s (Windows error %lu)\n", GetCurrentProcessId(), winshm_result_string(r),
                GetLastError());
        return 1;
    }
    r = winshm_map(&shm, WINSHM_READ_ONLY, 0, ENTRIES * sizeof(uint32_t), &view);
    if (r != WINSHM_OK) {
        winshm_close(&shm);
        return 1;
    }
    table = (const uint32_t *)view.data;
    for (key = 0; key < ENTRIES && table[key] == entry(key); ++key)
        ;
    printf("member %lu: %s the table; %s\n", GetCurrentProcessId(), created ? "built" : "found",
           key == ENTRIES ? "every entry right" : "AN ENTRY IS WRONG");
    fflush(stdout);
    winshm_unmap(&view);
    winshm_close(&shm);
    if (key != ENTRIES)
        return 1;
    return created ? 10 : 0;
}

int main(int argc, char **argv)
{
    wchar_t self[MAX_PATH], command[MAX_PATH + 16];
    PROCESS_INFORMATION members[16];
    int count = argc > 1 ? atoi(argv[1]) : 4, i, builders = 0, failures = 0;
    if (argc > 1 && strcmp(argv[1], "member") == 0)
        return member();
    if (count < 1 || count > 16) {
        fprintf(stderr, "usage: lookup_table [processes, 1 to 16] | member\n");
        return 2;
    }
    GetModuleFileNameW(NULL, self, MAX_PATH);
    for (i = 0; i < count; ++i) {
        STARTUPINFOW startup;
        memset(&startup, 0, sizeof startup);
        startup.cb = sizeof startup;
        swprintf(command, sizeof command / sizeof command[0], L"\"%ls\" member", self);
        if (!CreateProcessW(self, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &members[i])) {
            fprintf(stderr, "cannot start a member (error %lu)\n", GetLastError());
            return 1;
        }
    }
    for (i = 0; i < count; ++i) {
        DWORD code = 1;
        WaitForSingleObject(members[i].hProcess, INFINITE);
        GetExitCodeProcess(members[i].hProcess, &code);
        CloseHandle(members[i].hThread);
        CloseHandle(members[i].hProcess);
        builders += code == 10;
        failures += code != 10 && code != 0;
    }
    printf("%d members: %d built the table, %d failed\n", count, builders, failures);
    /* What matters: no member saw a wrong entry. Usually one builder; a
     * member that starts after all the others have closed the table builds
     * it anew, since a section lives only while a process holds it. */
    return failures == 0 && builders >= 1 ? 0 : 1;
}
