/* The data path: two processes pass messages through the zero-copy ring in
 * examples/ring_buffer.h, against the memcpy bandwidth of one process, which
 * is the physical limit of the copy; the round trip of a ping-pong between
 * two processes that spin on shared memory; and the same through two rings,
 * spinning and blocking on their events.
 *
 *   bench_data.exe                              all tables
 *   bench_data.exe reader NAME WORKLOAD COUNT   (internal) the ring's reader
 *   bench_data.exe pong NAME COUNT              (internal) the ping-pong's other side
 *   bench_data.exe ringpong NAME COUNT SPIN     (internal) the ring ping-pong's other side
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

/* What flows through the ring: messages of one size, or of sizes drawn
 * uniformly from [1, max] by a generator both processes run. */
typedef struct workload {
    const char *label;
    size_t fixed;     /* every message this size, or 0 */
    size_t max;       /* else uniform in [1, max] */
    long long count;
} workload;

static const workload workloads[] = {
    {"64 B", 64, 0, 4000000},
    {"4 KiB", 4096, 0, 500000},
    {"1 MiB", 1 << 20, 0, 2000},
    {"1 B to 64 KiB", 0, 65536, 60000},
};

/* Publishing costs a fence: small messages are published in batches of at
 * least this many bytes (and whenever the ring is full). */
#define PUBLISH_BATCH (64 * 1024)

static size_t next_size(const workload *w, uint64_t *state)
{
    uint64_t x = *state; /* xorshift64 */
    if (w->fixed)
        return w->fixed;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return 1 + (size_t)(x % w->max);
}

static uint64_t capacity_for(const workload *w)
{
    uint64_t capacity = (uint64_t)4 << 20, largest = w->fixed ? w->fixed : w->max;
    while (capacity < 8 * winshm_ring_span(largest))
        capacity *= 2;
    return capacity;
}

/* The reader: every message in place; checks its size and, from 8 bytes on,
 * its sequence number. */
static int run_reader(const char *name, int index, long long count)
{
    const workload *w = &workloads[index];
    uint64_t state = 88172645463325252ull;
    const void *at;
    size_t size;
    long long i;
    winshm_ring r;
    if (winshm_ring_open(&r, name) != WINSHM_RING_OK)
        return 2;
    for (i = 0; i < count; ++i) {
        long long sequence;
        if (winshm_ring_peek(&r, &at, &size) != WINSHM_RING_OK || size != next_size(w, &state))
            return 3;
        if (size >= sizeof sequence) {
            memcpy(&sequence, at, sizeof sequence);
            if (sequence != i)
                return 4;
        }
        winshm_ring_release(&r);
    }
    winshm_ring_close(&r);
    return 0;
}

/* Seconds for the workload through the ring: the writer copies each
 * message's bytes into place, as memcpy does below. */
static double ring_seconds(int index)
{
    const workload *w = &workloads[index];
    const size_t largest = w->fixed ? w->fixed : w->max;
    uint64_t state = 88172645463325252ull;
    unsigned char *source = (unsigned char *)calloc(1, largest);
    char name[64], args[160];
    HANDLE reader;
    double start, seconds;
    size_t pending = 0;
    long long i;
    winshm_ring r;
    snprintf(name, sizeof name, "Local\\winshm_bench_ring_%lu_%d", GetCurrentProcessId(), index);
    if (!source || winshm_ring_create(&r, name, capacity_for(w)) != WINSHM_RING_OK) {
        fprintf(stderr, "cannot create the ring\n");
        exit(1);
    }
    snprintf(args, sizeof args, "reader %s %d %lld", name, index, w->count);
    reader = start_self(args);
    winshm_ring_watch(&r, reader);
    Sleep(100); /* let the reader start and map before the clock runs */
    start = now_seconds();
    for (i = 0; i < w->count; ++i) {
        size_t size = next_size(w, &state);
        void *at;
        if (winshm_ring_reserve(&r, size, &at) != WINSHM_RING_OK) {
            fprintf(stderr, "the reader stopped\n");
            exit(1);
        }
        memcpy(at, source, size);
        if (size >= sizeof i)
            memcpy(at, &i, sizeof i);
        pending += size;
        if (pending >= PUBLISH_BATCH) {
            winshm_ring_publish(&r);
            pending = 0;
        }
    }
    winshm_ring_publish(&r);
    /* The clock stops when the reader has released the last byte (it does at
     * its close), not when its process has exited. */
    while (winshm_ring_load(&r.header->tail) != r.position && WaitForSingleObject(reader, 0) == WAIT_TIMEOUT)
        winshm_ring_pause();
    seconds = now_seconds() - start;
    if (wait_exit(reader) != 0) {
        fprintf(stderr, "the reader saw a wrong message\n");
        exit(1);
    }
    winshm_ring_close(&r);
    free(source);
    return seconds;
}

/* Seconds for the same bytes copied by memcpy in one process, one core,
 * into a window the size of the ring. */
static double memcpy_seconds(int index)
{
    const workload *w = &workloads[index];
    const size_t largest = w->fixed ? w->fixed : w->max;
    const uint64_t capacity = capacity_for(w);
    uint64_t state = 88172645463325252ull, position = 0;
    unsigned char *window = (unsigned char *)calloc(1, (size_t)capacity + largest);
    unsigned char *source = (unsigned char *)calloc(1, largest);
    volatile unsigned char sink = 0;
    double start;
    long long i;
    start = now_seconds();
    for (i = 0; i < w->count; ++i) {
        size_t size = next_size(w, &state);
        unsigned char *at = window + (position & (capacity - 1));
        memcpy(at, source, size);
        if (size >= sizeof i)
            memcpy(at, &i, sizeof i);
        position += winshm_ring_span(size);
    }
    sink = window[0];
    (void)sink;
    start = now_seconds() - start;
    free(window);
    free(source);
    return start;
}

/* The fair limit of crossing cores: the same bytes, records, batches and
 * spinning as the ring, between two threads of one process through a plain
 * single-producer single-consumer queue in private memory. What stays
 * between this and memcpy is the cost of moving the bytes between cores;
 * what stays between the ring and this is the ring's (and the section's). */
typedef struct spsc {
    volatile int64_t head; /* published by the producer */
    char pad_head[56];
    volatile int64_t tail; /* released by the consumer */
    char pad_tail[56];
    unsigned char *window; /* capacity bytes, plus the largest message past the end */
    uint64_t capacity;
    int index;
    int failed;
} spsc;

static DWORD WINAPI spsc_consumer(void *context)
{
    spsc *q = (spsc *)context;
    const workload *w = &workloads[q->index];
    uint64_t state = 88172645463325252ull, position = 0;
    int64_t published = 0;
    long long i;
    for (i = 0; i < w->count; ++i) {
        const size_t size = next_size(w, &state);
        const uint64_t span = winshm_ring_span(size);
        while (published < (int64_t)(position + span))
            if ((published = winshm_ring_load(&q->head)) < (int64_t)(position + span))
                winshm_ring_pause();
        if (size >= sizeof i) {
            long long sequence;
            memcpy(&sequence, q->window + (position & (q->capacity - 1)), sizeof sequence);
            if (sequence != i) {
                q->failed = 1;
                break;
            }
        }
        position += span;
        winshm_ring_store(&q->tail, (int64_t)position);
    }
    return 0;
}

static double threads_seconds(int index)
{
    const workload *w = &workloads[index];
    const size_t largest = w->fixed ? w->fixed : w->max;
    uint64_t state = 88172645463325252ull, position = 0;
    unsigned char *source = (unsigned char *)calloc(1, largest);
    spsc *q = (spsc *)calloc(1, sizeof *q);
    double start, seconds;
    size_t pending = 0;
    HANDLE consumer;
    long long i;
    if (!source || !q) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    q->capacity = capacity_for(w);
    q->window = (unsigned char *)calloc(1, (size_t)q->capacity + largest + 64);
    q->index = index;
    consumer = q->window ? CreateThread(NULL, 0, spsc_consumer, q, 0, NULL) : NULL;
    if (!consumer) {
        fprintf(stderr, "cannot start the consumer thread\n");
        exit(1);
    }
    start = now_seconds();
    for (i = 0; i < w->count; ++i) {
        const size_t size = next_size(w, &state);
        const uint64_t span = winshm_ring_span(size);
        unsigned char *at = q->window + (position & (q->capacity - 1));
        if ((int64_t)(position + span) - winshm_ring_load(&q->tail) > (int64_t)q->capacity) {
            winshm_ring_store(&q->head, (int64_t)position); /* full: publish, then wait for room */
            pending = 0;
            while ((int64_t)(position + span) - winshm_ring_load(&q->tail) > (int64_t)q->capacity)
                winshm_ring_pause();
        }
        memcpy(at, source, size);
        if (size >= sizeof i)
            memcpy(at, &i, sizeof i);
        position += span;
        pending += size;
        if (pending >= PUBLISH_BATCH) {
            winshm_ring_store(&q->head, (int64_t)position);
            pending = 0;
        }
    }
    winshm_ring_store(&q->head, (int64_t)position);
    while (winshm_ring_load(&q->tail) != (int64_t)position && WaitForSingleObject(consumer, 0) == WAIT_TIMEOUT)
        winshm_ring_pause();
    seconds = now_seconds() - start;
    WaitForSingleObject(consumer, INFINITE);
    CloseHandle(consumer);
    if (q->failed) {
        fprintf(stderr, "the consumer thread saw a wrong message\n");
        exit(1);
    }
    free(q->window);
    free(q);
    free(source);
    return seconds;
}

static double median_of(double *values, int n)
{
    qsort(values, (size_t)n, sizeof(double), compare_double);
    return values[n / 2];
}

static void data_path_table(void)
{
    enum { ROUNDS = 5 };
    int index;
    printf("Data path: messages written in place in the zero-copy ring (examples/ring_buffer.h) and\n"
           "read in place by another process, against memcpy of the same bytes in one process, and\n"
           "against the same records passed between two threads of one process (a plain SPSC queue).\n"
           "Median of %d rounds, the three taking turns in an order that rotates.\n\n", ROUNDS);
    printf("| messages | count | ring GB/s | ring messages/s | memcpy GB/s | threads GB/s | ring / memcpy | threads / memcpy | ring / threads |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    for (index = 0; index < (int)(sizeof workloads / sizeof workloads[0]); ++index) {
        const workload *w = &workloads[index];
        double ring_t[ROUNDS], copy_t[ROUNDS], threads_t[ROUNDS], ring_s, copy_s, threads_s, bytes = 0;
        uint64_t state = 88172645463325252ull;
        long long i;
        int round;
        for (i = 0; i < w->count; ++i)
            bytes += (double)next_size(w, &state);
        for (round = 0; round < ROUNDS; ++round) {
            int turn;
            for (turn = 0; turn < 3; ++turn) {
                switch ((round + turn) % 3) {
                case 0: ring_t[round] = ring_seconds(index); break;
                case 1: copy_t[round] = memcpy_seconds(index); break;
                default: threads_t[round] = threads_seconds(index); break;
                }
            }
        }
        ring_s = median_of(ring_t, ROUNDS);
        copy_s = median_of(copy_t, ROUNDS);
        threads_s = median_of(threads_t, ROUNDS);
        printf("| %s | %lld | %.2f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", w->label, w->count,
               bytes / ring_s / 1e9, (double)w->count / ring_s, bytes / copy_s / 1e9, bytes / threads_s / 1e9,
               copy_s / ring_s, copy_s / threads_s, threads_s / ring_s);
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
        while (winshm_ring_load(&p->ping) != i)
            winshm_ring_pause();
        winshm_ring_store(&p->pong, i);
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
        winshm_ring_store(&p->ping, ++trip);
        while (winshm_ring_load(&p->pong) != trip)
            winshm_ring_pause();
    }
    for (s = 0; s < SAMPLES; ++s) {
        double start = now_seconds();
        for (k = 0; k < PER_SAMPLE; ++k) {
            winshm_ring_store(&p->ping, ++trip);
            while (winshm_ring_load(&p->pong) != trip)
                winshm_ring_pause();
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

/* ---- ping-pong through two rings, spinning or sleeping on the events ---- */

static int run_ring_pong(const char *name, long long count, int spin)
{
    char ping_name[96], pong_name[96];
    winshm_ring in, out;
    long long i, value;
    size_t size;
    snprintf(ping_name, sizeof ping_name, "%s-ping", name);
    snprintf(pong_name, sizeof pong_name, "%s-pong", name);
    if (winshm_ring_open(&in, ping_name) != WINSHM_RING_OK || winshm_ring_create(&out, pong_name, 1) != WINSHM_RING_OK)
        return 2;
    in.spin = out.spin = spin;
    for (i = 0; i < count; ++i)
        if (winshm_ring_read(&in, &value, sizeof value, &size) != WINSHM_RING_OK || winshm_ring_write(&out, &value, sizeof value) != WINSHM_RING_OK)
            return 3;
    winshm_ring_close(&out);
    winshm_ring_close(&in);
    return 0;
}

/* Median round trip in ns, and the 99th percentile in *p99. */
static double ring_round_trip(int spin, double *p99)
{
    enum { SAMPLES = 400, PER_SAMPLE = 50, WARM = 200 };
    static double sample[SAMPLES];
    char name[64], ping_name[96], pong_name[96], args[160];
    long long trip = 0, value;
    size_t size;
    winshm_ring ping, pong;
    HANDLE other;
    int s, k;
    snprintf(name, sizeof name, "Local\\winshm_bench_ringpong_%lu_%d", GetCurrentProcessId(), spin);
    snprintf(ping_name, sizeof ping_name, "%s-ping", name);
    snprintf(pong_name, sizeof pong_name, "%s-pong", name);
    if (winshm_ring_create(&ping, ping_name, 1) != WINSHM_RING_OK) {
        fprintf(stderr, "cannot create the ping ring\n");
        exit(1);
    }
    snprintf(args, sizeof args, "ringpong %s %d %d", name, SAMPLES * PER_SAMPLE + WARM, spin);
    other = start_self(args);
    while (winshm_ring_open(&pong, pong_name) != WINSHM_RING_OK)
        Sleep(1);
    ping.spin = pong.spin = spin;
    winshm_ring_watch(&pong, other);
    for (s = -1; s < SAMPLES; ++s) {
        double start = now_seconds();
        for (k = 0; k < (s < 0 ? WARM : PER_SAMPLE); ++k) {
            ++trip;
            if (winshm_ring_write(&ping, &trip, sizeof trip) != WINSHM_RING_OK || winshm_ring_read(&pong, &value, sizeof value, &size) != WINSHM_RING_OK ||
                value != trip) {
                fprintf(stderr, "ring ping-pong failed\n");
                exit(1);
            }
        }
        if (s >= 0)
            sample[s] = (now_seconds() - start) / PER_SAMPLE * 1e9;
    }
    wait_exit(other);
    winshm_ring_close(&pong);
    winshm_ring_close(&ping);
    qsort(sample, SAMPLES, sizeof(double), compare_double);
    *p99 = sample[SAMPLES * 99 / 100];
    return sample[SAMPLES / 2];
}

static void ring_latency_table(void)
{
    double spin_p99, sleep_p99;
    double spin_median = ring_round_trip(1 << 30, &spin_p99);
    double sleep_median = ring_round_trip(0, &sleep_p99);
    printf("\nPing-pong round trip through two rings (8-byte messages), ns: spinning, and\n"
           "sleeping on the rings' events at once (an idle side uses no CPU):\n\n");
    printf("| waiting | median | 99th percentile |\n|---|---|---|\n");
    printf("| spinning | %.0f | %.0f |\n", spin_median, spin_p99);
    printf("| blocking on the events | %.0f | %.0f |\n", sleep_median, sleep_p99);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "reader") == 0)
        return run_reader(argv[2], atoi(argv[3]), strtoll(argv[4], NULL, 10));
    if (argc == 5 && strcmp(argv[1], "ringpong") == 0)
        return run_ring_pong(argv[2], strtoll(argv[3], NULL, 10), atoi(argv[4]));
    if (argc == 4 && strcmp(argv[1], "pong") == 0)
        return run_pong(argv[2], strtoll(argv[3], NULL, 10));
    data_path_table();
    latency_table();
    ring_latency_table();
    return 0;
}
