/* Appends variable-size records to a 64 GiB reserve-only section, committing
 * pages only as the log reaches them, while log_reader.exe (started from
 * here) follows it in another process.
 *
 *   log_writer.exe [records]      default 20000
 *
 * See append_log.h for the layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "append_log.h"

static HANDLE start_reader(void)
{
    wchar_t path[MAX_PATH + 32], *slash;
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    memset(&startup, 0, sizeof startup);
    startup.cb = sizeof startup;
    GetModuleFileNameW(NULL, path, MAX_PATH);
    slash = wcsrchr(path, L'\\');
    wcscpy(slash ? slash + 1 : path, L"log_reader.exe");
    if (!CreateProcessW(path, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process))
        return NULL;
    CloseHandle(process.hThread);
    return process.hProcess;
}

int main(int argc, char **argv)
{
    const uint64_t records = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000;
    const size_t page = winshm_page_size();
    winshm_options options = {NULL, WINSHM_RESERVE, 0};
    winshm shm = {0};
    winshm_view view = {0};
    log_header *header;
    unsigned char *log;
    size_t capacity, used = 0, committed = 0;
    uint64_t sequence;
    HANDLE reader;
    DWORD reader_exit = 1;

    winshm_result r = winshm_create_ex(&shm, LOG_NAME, WINSHM_READ_WRITE, log_reservation(), &options, NULL);
    if (r == WINSHM_OK)
        r = winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view);
    if (r == WINSHM_OK)
        r = winshm_commit(&view, 0, page); /* the header page */
    if (r != WINSHM_OK) {
        fprintf(stderr, "log_writer: %s (Windows error %lu)\n", winshm_result_string(r), GetLastError());
        winshm_close(&shm);
        return 1;
    }
    header = (log_header *)view.data;
    header->magic = LOG_MAGIC;
    log = (unsigned char *)view.data + page;
    capacity = view.size - page;
    printf("log_writer: reserved %llu GiB\n", (unsigned long long)(winshm_get_size(&shm) >> 30));
    fflush(stdout);

    reader = start_reader();
    if (!reader)
        fprintf(stderr, "log_writer: cannot start log_reader.exe (error %lu)\n", GetLastError());
    for (sequence = 0; reader && sequence < records; ++sequence) {
        uint32_t length = log_record_length(sequence);
        size_t span = log_record_span(length), i;
        if (span > capacity - used) {
            fprintf(stderr, "log_writer: the reservation is full\n");
            break;
        }
        /* Commit only the pages this record reaches that are not committed yet. */
        if (used + span > committed) {
            r = winshm_commit(&view, page + committed, used + span - committed);
            if (r != WINSHM_OK) {
                fprintf(stderr, "log_writer: commit: %s\n", winshm_result_string(r));
                break;
            }
            committed = (used + span + page - 1) / page * page;
        }
        memcpy(log + used, &length, sizeof length);
        for (i = 0; i < length; ++i)
            log[used + sizeof length + i] = log_record_byte(sequence, i);
        used += span;
        /* Publish after the bytes: the interlocked store orders them first. */
        InterlockedExchange64(&header->published, (LONG64)used);
    }
    InterlockedExchange(&header->finished, 1);
    if (reader) {
        WaitForSingleObject(reader, INFINITE);
        GetExitCodeProcess(reader, &reader_exit);
        CloseHandle(reader);
    }
    printf("log_writer: appended %llu records, %zu bytes; committed %zu KiB of %llu GiB reserved\n",
           (unsigned long long)sequence, used, (committed + page) >> 10,
           (unsigned long long)(winshm_get_size(&shm) >> 30));
    winshm_unmap(&view);
    winshm_close(&shm);
    return sequence == records ? (int)reader_exit : 1;
}
