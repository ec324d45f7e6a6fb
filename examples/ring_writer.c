/* Passes a stream of records to another process through ring_buffer.h.
 * Creates the ring, starts ring_reader.exe on it, writes the records, and
 * reports the throughput. The reader checks every record.
 *
 *   ring_writer.exe [record_bytes] [records]     default: 4096 bytes, 100000 records
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include "ring_buffer.h"

int main(int argc, char **argv)
{
    uint32_t record_size = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 4096;
    long long records = argc > 2 ? strtoll(argv[2], NULL, 10) : 100000;
    uint32_t capacity = 1;
    char name[64];
    wchar_t reader_path[MAX_PATH + 32], command[MAX_PATH + 128], *slash;
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    LARGE_INTEGER frequency, start, end;
    unsigned char *record;
    DWORD exit_code = 1;
    double seconds;
    long long i;
    ring r;
    ring_status status;

    if (record_size < 8 || records <= 0) {
        fprintf(stderr, "usage: ring_writer [record_bytes >= 8] [records > 0]\n");
        return 2;
    }
    /* About 4 MiB of slots, and at least 4 of them. */
    while (capacity < 4 || (uint64_t)capacity * 2 * record_size <= ((uint64_t)4 << 20))
        capacity *= 2;
    snprintf(name, sizeof name, "Local\\winshm_example_ring_%lu", GetCurrentProcessId());
    status = ring_create(&r, name, record_size, capacity);
    if (status != RING_OK) {
        fprintf(stderr, "writer: %s\n", ring_status_string(&r, status));
        return 1;
    }
    record = (unsigned char *)calloc(1, record_size);

    memset(&startup, 0, sizeof startup);
    startup.cb = sizeof startup;
    GetModuleFileNameW(NULL, reader_path, MAX_PATH);
    slash = wcsrchr(reader_path, L'\\');
    wcscpy(slash ? slash + 1 : reader_path, L"ring_reader.exe");
    swprintf(command, sizeof command / sizeof command[0], L"ring_reader.exe %hs %lld", name, records);
    if (!record || !CreateProcessW(reader_path, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process)) {
        fprintf(stderr, "writer: cannot start the reader (error %lu)\n", GetLastError());
        ring_close(&r);
        return 1;
    }
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    for (i = 0; i < records; ++i) {
        memcpy(record, &i, sizeof i);                    /* sequence number */
        record[record_size - 1] = (unsigned char)(i * 31); /* and a tail byte to check */
        ring_write(&r, record);
    }
    WaitForSingleObject(process.hProcess, INFINITE);
    QueryPerformanceCounter(&end);
    GetExitCodeProcess(process.hProcess, &exit_code);
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
    seconds = (double)(end.QuadPart - start.QuadPart) / (double)frequency.QuadPart;
    printf("writer: %lld records of %lu bytes in %.3f s: %.0f records/s, %.2f GB/s; reader %s\n", records,
           (unsigned long)record_size, seconds, (double)records / seconds,
           (double)records * record_size / seconds / 1e9, exit_code == 0 ? "verified every record" : "FAILED");
    free(record);
    ring_close(&r);
    return (int)exit_code;
}
