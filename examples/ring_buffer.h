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

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
static __inline int64_t ring_load(volatile int64_t *p) { return _InterlockedCompareExchange64(p, 0, 0); }
static __inline void ring_store(volatile int64_t *p, int64_t v) { _InterlockedExchange64(p, v); }
static __inline void ring_pause(void) { _mm_pause(); }
#else
static inline int64_t ring_load(volatile int64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void ring_store(volatile int64_t *p, int64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline void ring_pause(void) { __builtin_ia32_pause(); }
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

typedef struct ring {
    winshm shm;
    winshm_view view;
    ring_header *header;
    unsigned char *slots;
    int64_t cached_other;    /* the other side's counter, as last read */
} ring;

static inline winshm_result ring_map(ring *r)
{
    winshm_result result = winshm_map(&r->shm, WINSHM_READ_WRITE, 0, 0, &r->view);
    if (result != WINSHM_OK) {
        winshm_close(&r->shm);
        return result;
    }
    r->header = (ring_header *)r->view.data;
    r->slots = (unsigned char *)r->view.data + RING_HEADER_BYTES;
    r->cached_other = 0;
    return WINSHM_OK;
}

/* Creates the ring. capacity must be a power of two. */
static inline winshm_result ring_create(ring *r, const char *name, uint32_t record_size, uint32_t capacity)
{
    winshm_result result;
    memset(r, 0, sizeof *r);
    if (capacity == 0 || (capacity & (capacity - 1)) != 0 || record_size == 0)
        return WINSHM_ERROR_INVALID_ARGUMENT;
    result = winshm_create_only(&r->shm, name, WINSHM_READ_WRITE,
                                RING_HEADER_BYTES + (uint64_t)record_size * capacity, NULL);
    if (result != WINSHM_OK || (result = ring_map(r)) != WINSHM_OK)
        return result;
    r->header->record_size = record_size;
    r->header->capacity = capacity;
    r->header->magic = RING_MAGIC; /* a reader opens only after this (the writer starts it) */
    return WINSHM_OK;
}

/* Opens a ring that another process created. */
static inline winshm_result ring_open(ring *r, const char *name)
{
    winshm_result result;
    memset(r, 0, sizeof *r);
    result = winshm_open_only(&r->shm, name, WINSHM_READ_WRITE);
    if (result != WINSHM_OK || (result = ring_map(r)) != WINSHM_OK)
        return result;
    if (r->header->magic != RING_MAGIC ||
        RING_HEADER_BYTES + (uint64_t)r->header->record_size * r->header->capacity > r->view.size) {
        winshm_unmap(&r->view);
        winshm_close(&r->shm);
        return WINSHM_ERROR_INVALID_ARGUMENT;
    }
    return WINSHM_OK;
}

static inline void ring_close(ring *r)
{
    winshm_unmap(&r->view);
    winshm_close(&r->shm);
}

/* Writer: copies one record in, spinning while the ring is full. */
static inline void ring_write(ring *r, const void *record)
{
    ring_header *h = r->header;
    int64_t head = h->head;
    while (head - r->cached_other >= (int64_t)h->capacity) {
        ring_pause();
        r->cached_other = ring_load(&h->tail);
    }
    memcpy(r->slots + (size_t)(head & (h->capacity - 1)) * h->record_size, record, h->record_size);
    ring_store(&h->head, head + 1);
}

/* Reader: copies one record out, spinning while the ring is empty. */
static inline void ring_read(ring *r, void *record)
{
    ring_header *h = r->header;
    int64_t tail = h->tail;
    while (r->cached_other <= tail) {
        ring_pause();
        r->cached_other = ring_load(&h->head);
    }
    memcpy(record, r->slots + (size_t)(tail & (h->capacity - 1)) * h->record_size, h->record_size);
    ring_store(&h->tail, tail + 1);
}

#endif
