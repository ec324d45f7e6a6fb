/* Streams messages of random sizes to another process through the zero-copy
 * ring of ring_buffer.h: creates the ring, starts ring_reader.exe on it,
 * writes each message in place, and ends with the stream's checksum, which
 * the reader compares with its own.
 *
 *   ring_writer.exe [total_bytes] [max_message] [reader]
 *
 * Defaults: 1 GB, 256 KiB, and the ring_reader.exe beside this program. A
 * reader of the other width (32-bit against 64-bit) works the same: the
 * ring's shared layout is the same in both (see ring_buffer.h).
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include "ring_buffer.h"
#include "ring_stream.h"

int main(int argc, char **argv)
{
    unsigned long long total = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000000ull;
    size_t max = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 256 * 1024;
    uint64_t sizes = STREAM_SEED, bytes = ~STREAM_SEED, checksum = 0;
    unsigned long long sent = 0, messages = 0;
    char name[64];
    wchar_t reader_path[MAX_PATH + 32], command[MAX_PATH + 160], *slash;
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    LARGE_INTEGER frequency, start, end;
    DWORD exit_code = 1;
    double seconds;
    winshm_ring r;
    winshm_ring_status status;

    if (total == 0 || max == 0) {
        fprintf(stderr, "usage: ring_writer [total_bytes > 0] [max_message > 0]\n");
        return 2;
    }
    snprintf(name, sizeof name, "Local\\winshm_example_ring_%lu", GetCurrentProcessId());
    /* Room for 16 of the largest messages. */
    status = winshm_ring_create(&r, name, 16 * (uint64_t)winshm_ring_span(max));
    if (status != WINSHM_RING_OK) {
        fprintf(stderr, "writer: %s\n", winshm_ring_status_string(&r, status));
        return 1;
    }
    memset(&startup, 0, sizeof startup);
    startup.cb = sizeof startup;
    GetModuleFileNameW(NULL, reader_path, MAX_PATH);
    slash = wcsrchr(reader_path, L'\\');
    wcscpy(slash ? slash + 1 : reader_path, L"ring_reader.exe");
    if (argc > 3 && MultiByteToWideChar(CP_UTF8, 0, argv[3], -1, reader_path, MAX_PATH) == 0) {
        fprintf(stderr, "writer: bad reader path\n");
        winshm_ring_close(&r);
        return 2;
    }
    swprintf(command, sizeof command / sizeof command[0], L"ring_reader.exe %hs %llu %llu", name, total,
             (unsigned long long)max);
    if (!CreateProcessW(reader_path, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process)) {
        fprintf(stderr, "writer: cannot start the reader (error %lu)\n", GetLastError());
        winshm_ring_close(&r);
        return 1;
    }
    winshm_ring_watch(&r, process.hProcess); /* never wait for a reader that died */
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    while (status == WINSHM_RING_OK && sent < total) {
        size_t size = stream_size(&sizes, max);
        void *at;
        status = winshm_ring_reserve(&r, size, &at);
        if (status == WINSHM_RING_OK) {
            stream_fill(&bytes, (unsigned char *)at, size);    /* written in place */
            checksum = stream_checksum(checksum, (const unsigned char *)at, size);
            winshm_ring_publish(&r);
            sent += size;
            ++messages;
        }
    }
    if (status == WINSHM_RING_OK)
        status = winshm_ring_write(&r, &checksum, sizeof checksum);
    if (status != WINSHM_RING_OK)
        fprintf(stderr, "writer: %s\n", winshm_ring_status_string(&r, status));
    WaitForSingleObject(process.hProcess, INFINITE);
    QueryPerformanceCounter(&end);
    GetExitCodeProcess(process.hProcess, &exit_code);
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
    seconds = (double)(end.QuadPart - start.QuadPart) / (double)frequency.QuadPart;
    printf("writer: %llu messages, %llu bytes in %.3f s (%.2f GB/s, generating and checksumming included); reader %s\n",
           messages, sent, seconds, (double)sent / seconds / 1e9,
           exit_code == 0 ? "verified every byte, in order" : "FAILED");
    winshm_ring_close(&r);
    return status == WINSHM_RING_OK ? (int)exit_code : 1;
}
