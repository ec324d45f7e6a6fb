/* The data path: two processes pass fixed-size records through the ring in
 * examples/ring_buffer.h, against the memcpy bandwidth of one process, which
 * is the physical limit of the copy; and the round trip of a ping-pong
 * between two processes that spin on shared memory.
 *
 *   bench_data.exe                     all tables
 *   bench_data.exe reader NAME COUNT   (internal) the ring's reader
 *   bench_data.exe pong NAME COUNT     (internal) the ping-pong's other side
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../examples/ring_buffer.h"
#include "bench_util.h"

static HANDLE start_self(const char *args)
{
    wchar_t path[MAX_PATH], command[MAX_PATH + 200];
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    GetModuleFileNameW(NULL, path, MAX_PATH);
    swprintf(command, sizeof command / sizeof command[0], L"\"%ls\" %hs", path, args);
    memset(&startup, 0, sizeof startup);
    startup.cb = sizeof startup;
    if (!CreateProcessW(path, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process)) {
        fprintf(stderr, "cannot start a child: %lu\n", GetLastError());
        exit(1);
    }
    CloseHandle(process.hThread);
    return process.hProcess;
}

static int wait_exit(HANDLE process)
{
    DWORD code = 1;
    WaitForSingleObject(process, INFINITE);
    GetExitCodeProcess(process, &code);
    CloseHandle(process);
    return (int)code;
}

/* ---- the ring ---- */

static uint32_t ring_capacity_for(uint32_t record_size)
{
    uint32_t capacity = 4;
    while ((uint64_t)capacity * 2 * record_size <= ((uint64_t)4 << 20))
        capacity *= 2;
    return capacity;
}

static int run_reader(const char *name, long long count)
{
    ring r;
    unsigned char *record;
    long long i;
    if (ring_open(&r, name) != RING_OK)
        return 2;
    record = (unsigned char *)malloc(r.record_size);
    for (i = 0; i < count; ++i) {
        long long sequence;
        ring_read(&r, record);
        memcpy(&sequence, record, sizeof sequence);
        if (sequence != i)
            return 3;
    }
    free(record);
    ring_close(&r);
    return 0;
}

/* Seconds for `count` records of `size` bytes through the ring. */
static double ring_seconds(uint32_t size, long long count)
{
    char name[64], args[160];
    unsigned char *record = (unsigned char *)calloc(1, size);
    HANDLE reader;
    double start, seconds;
    long long i;
    ring r;
    snprintf(name, sizeof name, "Local\\winshm_bench_ring_%lu_%lu", GetCurrentProcessId(), (unsigned long)size);
    if (!record || ring_create(&r, name, size, ring_capacity_for(size)) != RING_OK) {
        fprintf(stderr, "cannot create the ring\n");
        exit(1);
    }
    snprintf(args, sizeof args, "reader %s %lld", name, count);
    reader = start_self(args);
    Sleep(100); /* let the reader start and map before the clock runs */
    start = now_seconds();
    for (i = 0; i < count; ++i) {
        memcpy(record, &i, sizeof i);
        ring_write(&r, record);
    }
    if (wait_exit(reader) != 0) {
        fprintf(stderr, "the reader saw a wrong record\n");
        exit(1);
    }
    seconds = now_seconds() - start;
    ring_close(&r);
    free(record);
    return seconds;
}

/* Seconds for `count` copies of `size` bytes, into the same rotating 4 MiB
 * window of slots that the ring uses: one process, one core. */
static double memcpy_seconds(uint32_t size, long long count)
{
    uint32_t capacity = ring_capacity_for(size);
    unsigned char *slots = (unsigned char *)calloc(capacity, size);
    unsigned char *record = (unsigned char *)calloc(1, size);
    volatile unsigned char sink = 0;
    double start;
    long long i;
    start = now_seconds();
    for (i = 0; i < count; ++i) {
        record[0] = (unsigned char)i;
        memcpy(slots + (size_t)(i & (capacity - 1)) * size, record, size);
    }
    sink = slots[(size_t)((count - 1) & (capacity - 1)) * size];
    (void)sink;
    start = now_seconds() - start;
    free(slots);
    free(record);
    return start;
}

static double median_of(double *values, int n)
{
    qsort(values, (size_t)n, sizeof(double), compare_double);
    return values[n / 2];
}

static void data_path_table(void)
{
    static const uint32_t sizes[] = {64, 4096, 1u << 20};
    static const long long counts[] = {4000000, 200000, 1000};
    enum { ROUNDS = 5 };
    size_t s;
    printf("Data path: records through the ring between two processes, against memcpy in one process.\n"
           "Median of %d alternating rounds.\n\n", ROUNDS);
    printf("| record | records | ring GB/s | ring records/s | memcpy GB/s | ring / memcpy |\n");
    printf("|---|---|---|---|---|---|\n");
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; ++s) {
        double ring_t[ROUNDS], copy_t[ROUNDS], ring_s, copy_s, bytes = (double)sizes[s] * (double)counts[s];
        int round;
        for (round = 0; round < ROUNDS; ++round) {
            if (round % 2 == 0) {
                ring_t[round] = ring_seconds(sizes[s], counts[s]);
                copy_t[round] = memcpy_seconds(sizes[s], counts[s]);
            } else {
                copy_t[round] = memcpy_seconds(sizes[s], counts[s]);
                ring_t[round] = ring_seconds(sizes[s], counts[s]);
            }
        }
        ring_s = median_of(ring_t, ROUNDS);
        copy_s = median_of(copy_t, ROUNDS);
        printf("| %s | %lld | %.2f | %.0f | %.2f | %.2f |\n",
               sizes[s] == 64 ? "64 B" : sizes[s] == 4096 ? "4 KiB" : "1 MiB", counts[s], bytes / ring_s / 1e9,
               (double)counts[s] / ring_s, bytes / copy_s / 1e9, copy_s / ring_s);
        fflush(stdout);
    }
}

/* ---- ping-pong ---- */

typedef struct pingpong {
    volatile int64_t ping; /* written by the timing side */
    char pad[56];
    volatile int64_t pong; /* written by the other side */
} pingpong;

static int run_pong(const char *name, long long count)
{
    winshm shm = {0};
    winshm_view view = {0};
    pingpong *p;
    long long i;
    if (winshm_open_only(&shm, name, WINSHM_READ_WRITE) != WINSHM_OK ||
        winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_OK)
        return 2;
    p = (pingpong *)view.data;
    for (i = 1; i <= count; ++i) {
        while (ring_load(&p->ping) != i)
            ring_pause();
        ring_store(&p->pong, i);
    }
    winshm_unmap(&view);
    winshm_close(&shm);
    return 0;
}

static void latency_table(void)
{
    enum { SAMPLES = 2000, PER_SAMPLE = 100 };
    static double sample[SAMPLES];
    char name[64], args[160];
    winshm shm = {0};
    winshm_view view = {0};
    HANDLE other;
    pingpong *p;
    long long trip = 0;
    int s, k;
    snprintf(name, sizeof name, "Local\\winshm_bench_pingpong_%lu", GetCurrentProcessId());
    if (winshm_create_only(&shm, name, WINSHM_READ_WRITE, sizeof(pingpong), NULL) != WINSHM_OK ||
        winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) != WINSHM_OK) {
        fprintf(stderr, "cannot create the ping-pong section\n");
        exit(1);
    }
    p = (pingpong *)view.data;
    snprintf(args, sizeof args, "pong %s %d", name, SAMPLES * PER_SAMPLE + 1000);
    other = start_self(args);
    for (k = 0; k < 1000; ++k) { /* warm up, and wait for the other side */
        ring_store(&p->ping, ++trip);
        while (ring_load(&p->pong) != trip)
            ring_pause();
    }
    for (s = 0; s < SAMPLES; ++s) {
        double start = now_seconds();
        for (k = 0; k < PER_SAMPLE; ++k) {
            ring_store(&p->ping, ++trip);
            while (ring_load(&p->pong) != trip)
                ring_pause();
        }
        sample[s] = (now_seconds() - start) / PER_SAMPLE * 1e9;
    }
    wait_exit(other);
    qsort(sample, SAMPLES, sizeof(double), compare_double);
    printf("\nPing-pong round trip between two processes spinning on one section, ns\n"
           "(%d samples, each the mean of %d round trips):\n\n", SAMPLES, PER_SAMPLE);
    printf("| median | 10th percentile | 90th percentile | 99th percentile |\n|---|---|---|---|\n");
    printf("| %.0f | %.0f | %.0f | %.0f |\n", sample[SAMPLES / 2], sample[SAMPLES / 10], sample[SAMPLES * 9 / 10],
           sample[SAMPLES * 99 / 100]);
    winshm_unmap(&view);
    winshm_close(&shm);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "reader") == 0)
        return run_reader(argv[2], strtoll(argv[3], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "pong") == 0)
        return run_pong(argv[2], strtoll(argv[3], NULL, 10));
    data_path_table();
    latency_table();
    return 0;
}
