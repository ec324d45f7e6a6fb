/* A lookup table that several processes share, built by whichever of them
 * starts first, and seen by none of the others until it is complete.
 *
 *   lookup_table.exe [processes]   starts a reader, then that many members
 *                                  (default 4) at once, and checks that every
 *                                  one of them saw the whole table
 *   lookup_table.exe member        one member: open the table, or build it
 *   lookup_table.exe reader        one reader: wait for the table, never build it
 *
 * Each member calls winshm_open_or_init with the same name. The first one in
 * builds the table (slowly, on purpose: it sleeps while it fills it); the
 * others wait for it, then use the finished table. If the builder crashed
 * half-way, the next member would build it again, from zeroed memory. A
 * reader passes no initialiser and size 0: it waits until a member has built
 * the table, and learns its size. */
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

/* The initialiser: runs in exactly one process, on a zeroed read-write view
 * of exactly the size asked for. */
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

static int member(int reader)
{
    winshm shm = WINSHM_EMPTY;
    winshm_view view = WINSHM_EMPTY;
    int created = 0;
    uint32_t key;
    const uint32_t *table;
    winshm_result r = reader ? winshm_open_or_init(&shm, TABLE_NAME, WINSHM_READ_ONLY, 0, NULL, NULL, NULL,
                                                   30000 /* ms */, &created)
                             : winshm_open_or_init(&shm, TABLE_NAME, WINSHM_READ_WRITE, ENTRIES * sizeof(uint32_t), NULL,
                                                   build_table, NULL, 30000 /* ms */, &created);
    if (r != WINSHM_OK) {
        fprintf(stderr, "%s %lu: %s (Windows error %lu)\n", reader ? "reader" : "member", GetCurrentProcessId(),
                winshm_result_string(r), GetLastError());
        return 1;
    }
    /* size 0: the whole table, which is exactly what the builder asked for */
    r = winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view);
    if (r != WINSHM_OK || view.size != ENTRIES * sizeof(uint32_t)) {
        winshm_unmap(&view);
        winshm_close(&shm);
        return 1;
    }
    table = (const uint32_t *)view.data;
    for (key = 0; key < ENTRIES && table[key] == entry(key); ++key)
        ;
    printf("%s %lu: %s the table; %s\n", reader ? "reader" : "member", GetCurrentProcessId(),
           created ? "built" : "found", key == ENTRIES ? "every entry right" : "AN ENTRY IS WRONG");
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
    PROCESS_INFORMATION members[17];
    int count = argc > 1 ? atoi(argv[1]) : 4, i, builders = 0, failures = 0;
    if (argc > 1 && (strcmp(argv[1], "member") == 0 || strcmp(argv[1], "reader") == 0))
        return member(strcmp(argv[1], "reader") == 0);
    if (count < 1 || count > 16) {
        fprintf(stderr, "usage: lookup_table [members, 1 to 16] | member | reader\n");
        return 2;
    }
    GetModuleFileNameW(NULL, self, MAX_PATH);
    /* the reader first: it waits for a table nobody has started to build */
    for (i = 0, ++count; i < count; ++i) {
        STARTUPINFOW startup;
        memset(&startup, 0, sizeof startup);
        startup.cb = sizeof startup;
        swprintf(command, sizeof command / sizeof command[0], i == 0 ? L"\"%ls\" reader" : L"\"%ls\" member", self);
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
    printf("a reader and %d members: %d built the table, %d failed\n", count - 1, builders, failures);
    /* What matters: no member saw a wrong entry. Usually one builder; a
     * member that starts after all the others have closed the table builds
     * it anew, since a section lives only while a process holds it. */
    return failures == 0 && builders >= 1 ? 0 : 1;
}
