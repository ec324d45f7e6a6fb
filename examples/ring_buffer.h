/* A single-producer, single-consumer ring of fixed-size records in a winshm
 * section, for two processes. Example code: copy it and adapt it.
 *
 * Layout: a header page (the two counters on separate cache lines, so the
 * processes do not share a line they both write), then `capacity` slots.
 * The counters only grow; slot = counter % capacity, capacity a power of 2. */
#ifndef RING_BUFFER_H
#define RING_BUFFER_H

#include <stdint.h>
#include <string.h>
#include "winshm.h"

/* Atomic loads and stores, and a pause for spin loops, for each compiler and
 * architecture (x86 has PAUSE, ARM64 has YIELD; elsewhere, nothing). */
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
static __inline int64_t ring_load(volatile int64_t *p) { return _InterlockedCompareExchange64(p, 0, 0); }
static __inline void ring_store(volatile int64_t *p, int64_t v) { _InterlockedExchange64(p, v); }
#  if defined(_M_IX86) || defined(_M_X64)
static __inline void ring_pause(void) { _mm_pause(); }
#  elif defined(_M_ARM64) || defined(_M_ARM)
static __inline void ring_pause(void) { __yield(); }
#  else
static __inline void ring_pause(void) { }
#  endif
#else
static inline int64_t ring_load(volatile int64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void ring_store(volatile int64_t *p, int64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
#  if defined(__i386__) || defined(__x86_64__)
static inline void ring_pause(void) { __builtin_ia32_pause(); }
#  elif defined(__aarch64__) || defined(__arm__)
static inline void ring_pause(void) { __asm__ __volatile__("yield"); }
#  else
static inline void ring_pause(void) { }
#  endif
#endif

#define RING_MAGIC 0x676e6952u /* "Ring" */
#define RING_HEADER_BYTES 4096u

typedef struct ring_header {
    volatile int64_t head;   /* records written; only the writer stores it */
    char pad_head[56];
    volatile int64_t tail;   /* records read; only the reader stores it */
    char pad_tail[56];
    uint32_t magic;
    uint32_t record_size;
    uint32_t capacity;
} ring_header;

/* The ring's own results; a winshm failure is RING_SHM_FAILED, with the
 * library's result in ring.shm_result. */
typedef enum ring_status {
    RING_OK = 0,
    RING_BAD_SIZE,       /* capacity not a power of two, or a record size of 0 */
    RING_NOT_A_RING,     /* the section's header does not describe a ring that fits in it */
    RING_SHM_FAILED      /* see shm_result */
} ring_status;

/* Shared memory is written by another process: anything read from it twice
 * can change between the reads. So the geometry is read from the header once,
 * checked, and kept here, in this process's memory; each side also keeps its
 * own counter here and only publishes it. The other side's counter is only
 * compared against, never used to index. */
typedef struct ring {
    winshm shm;
    winshm_view view;
    winshm_result shm_result; /* the last winshm failure, for RING_SHM_FAILED */
    ring_header *header;
    unsigned char *slots;
    uint32_t record_size;     /* local copies, checked once */
    uint32_t capacity;
    int64_t position;         /* this side's counter */
    int64_t cached_other;     /* the other side's counter, as last read */
} ring;

static inline const char *ring_status_string(const ring *r, ring_status status)
{
    switch (status) {
    case RING_OK: return "ok";
    case RING_BAD_SIZE: return "bad ring size";
    case RING_NOT_A_RING: return "not a ring, or one that does not fit its section";
    case RING_SHM_FAILED: return winshm_result_string(r->shm_result);
    }
    return "unknown ring status";
}

static inline ring_status ring_map(ring *r)
{
    r->shm_result = winshm_map(&r->shm, WINSHM_READ_WRITE, 0, 0, &r->view);
    if (r->shm_result != WINSHM_OK) {
        winshm_close(&r->shm);
        return RING_SHM_FAILED;
    }
    r->header = (ring_header *)r->view.data;
    r->slots = (unsigned char *)r->view.data + RING_HEADER_BYTES;
    return RING_OK;
}

/* Creates the ring. capacity must be a power of two. */
static inline ring_status ring_create(ring *r, const char *name, uint32_t record_size, uint32_t capacity)
{
    ring_status status;
    memset(r, 0, sizeof *r);
    if (capacity == 0 || (capacity & (capacity - 1)) != 0 || record_size == 0)
        return RING_BAD_SIZE;
    r->shm_result = winshm_create_only(&r->shm, name, WINSHM_READ_WRITE,
                                       RING_HEADER_BYTES + (uint64_t)record_size * capacity, NULL);
    if (r->shm_result != WINSHM_OK)
        return RING_SHM_FAILED;
    if ((status = ring_map(r)) != RING_OK)
        return status;
    r->record_size = record_size;
    r->capacity = capacity;
    r->header->record_size = record_size;
    r->header->capacity = capacity;
    r->header->magic = RING_MAGIC; /* a reader opens only after this (the writer starts it) */
    return RING_OK;
}

/* Opens a ring that another process created. */
static inline ring_status ring_open(ring *r, const char *name)
{
    ring_status status;
    uint32_t magic, record_size, capacity;
    memset(r, 0, sizeof *r);
    r->shm_result = winshm_open_only(&r->shm, name, WINSHM_READ_WRITE);
    if (r->shm_result != WINSHM_OK)
        return RING_SHM_FAILED;
    if ((status = ring_map(r)) != RING_OK)
        return status;
    /* Each field once, into locals; checked; only the locals are used. */
    magic = *(volatile uint32_t *)&r->header->magic;
    record_size = *(volatile uint32_t *)&r->header->record_size;
    capacity = *(volatile uint32_t *)&r->header->capacity;
    if (magic != RING_MAGIC || record_size == 0 || capacity == 0 || (capacity & (capacity - 1)) != 0 ||
        (uint64_t)record_size * capacity > r->view.size - RING_HEADER_BYTES) {
        winshm_unmap(&r->view);
        winshm_close(&r->shm);
        return RING_NOT_A_RING;
    }
    r->record_size = record_size;
    r->capacity = capacity;
    return RING_OK;
}

static inline void ring_close(ring *r)
{
    winshm_unmap(&r->view);
    winshm_close(&r->shm);
}

/* Writer: copies one record in, spinning while the ring is full. */
static inline void ring_write(ring *r, const void *record)
{
    while (r->position - r->cached_other >= (int64_t)r->capacity) {
        ring_pause();
        r->cached_other = ring_load(&r->header->tail);
    }
    memcpy(r->slots + (size_t)(r->position & (r->capacity - 1)) * r->record_size, record, r->record_size);
    ring_store(&r->header->head, ++r->position);
}

/* Reader: copies one record out, spinning while the ring is empty. */
static inline void ring_read(ring *r, void *record)
{
    while (r->cached_other <= r->position) {
        ring_pause();
        r->cached_other = ring_load(&r->header->head);
    }
    memcpy(record, r->slots + (size_t)(r->position & (r->capacity - 1)) * r->record_size, r->record_size);
    ring_store(&r->header->tail, ++r->position);
}

#endif
