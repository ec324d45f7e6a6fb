/* A single-producer, single-consumer ring of variable-size messages between
 * two processes, over a mirrored winshm view: every message is one
 * contiguous span, written in place and read in place. No copy inside the
 * ring, and no message is ever split at the wrap, because the byte after the
 * end of the ring is the first byte again.
 *
 * An example, not part of the library: tested (tests/test_ring.c, and ctest's
 * example_ring streams 1 GB through it) and meant to be copied into your
 * project and adapted. Every name starts with winshm_ring_ / WINSHM_RING_,
 * so a copy does not collide with yours. It needs <windows.h> for events.
 *
 *   writer                             reader
 *   void *p;                           const void *p; size_t n;
 *   winshm_ring_reserve(&r, n, &p);    winshm_ring_peek(&r, &p, &n);   (in place)
 *   ...fill p...                       ...use p...
 *   winshm_ring_publish(&r);           winshm_ring_release(&r);
 *   (publish after one or many)
 *
 * winshm_ring_write / winshm_ring_read copy a whole message in or out, for
 * users who want copies. winshm_ring_try_* never block. The blocking forms
 * spin briefly, then sleep on a named event (one per direction), so an idle
 * side uses no CPU.
 *
 * Layout of the section: one allocation granule of header, then `capacity`
 * bytes of ring (a power of two, a multiple of the granularity), mapped
 * twice back to back. Positions are byte counters that only grow; a
 * message at position p starts at data[p % capacity]: an 8-byte length
 * word, then the bytes, padded to 8.
 *
 * Shared memory is written by another process: anything read from it twice
 * can change between the reads, and a peer may write anything. So the
 * geometry is read once at open, checked, and kept in this process's
 * memory; each side keeps its own position here and only publishes it; the
 * other side's position and every message length are read once, checked
 * against what is possible, and only then used. A peer that scribbles on
 * the header gets WINSHM_RING_CORRUPT, never an access outside the ring. (The
 * message bytes themselves are the peer's: check what you read from them
 * once, as for any input.) */
#ifndef WINSHM_RING_BUFFER_H
#define WINSHM_RING_BUFFER_H

#include <windows.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "winshm.h"

/* Atomic loads and stores, a full fence, and a pause for spin loops, for
 * each compiler and architecture (x86 has PAUSE, ARM64 has YIELD). */
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
static __inline int64_t winshm_ring_load(volatile int64_t *p) { return _InterlockedCompareExchange64(p, 0, 0); }
static __inline void winshm_ring_store(volatile int64_t *p, int64_t v) { _InterlockedExchange64(p, v); }
static __inline void winshm_ring_fence(void) { MemoryBarrier(); }
#  if defined(_M_IX86) || defined(_M_X64)
static __inline void winshm_ring_pause(void) { _mm_pause(); }
#  elif defined(_M_ARM64) || defined(_M_ARM)
static __inline void winshm_ring_pause(void) { __yield(); }
#  else
static __inline void winshm_ring_pause(void) { }
#  endif
#else
static inline int64_t winshm_ring_load(volatile int64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void winshm_ring_store(volatile int64_t *p, int64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline void winshm_ring_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
#  if defined(__i386__) || defined(__x86_64__)
static inline void winshm_ring_pause(void) { __builtin_ia32_pause(); }
#  elif defined(__aarch64__) || defined(__arm__)
static inline void winshm_ring_pause(void) { __asm__ __volatile__("yield"); }
#  else
static inline void winshm_ring_pause(void) { }
#  endif
#endif

#define WINSHM_RING_MAGIC 0x32676e6952ull /* "Ring2" */
#define WINSHM_RING_LENGTH_BYTES 8u        /* the length word before each message */
#define WINSHM_RING_DEFAULT_SPIN 4000      /* pauses before a blocking call sleeps */

/* The shared header, at the start of the section. It is the same for 32- and
 * 64-bit processes, so the two widths can share a ring:
 *   - fixed-width fields only (int64_t, uint64_t, and LONG, which is 32 bits
 *     in both Windows ABIs); no pointer, size_t or long long-vs-long guess;
 *   - every 64-bit field at an offset that is a multiple of 8 from the start
 *     of the view, which is on the allocation granularity: so aligned;
 *   - the 64-bit positions are read and written with 64-bit atomics, which
 *     are single instructions on x86 too (cmpxchg8b, or an SSE/x87 8-byte
 *     move), never two 32-bit halves. The layout check below fails the build
 *     of a header that would differ between widths. */
typedef struct winshm_ring_header {
    volatile int64_t head;           /* bytes published; only the writer stores it */
    char pad_head[56];
    volatile int64_t tail;           /* bytes released; only the reader stores it */
    char pad_tail[56];
    volatile LONG reader_sleeping;   /* the reader waits on the data event */
    volatile LONG writer_sleeping;   /* the writer waits on the space event */
    volatile LONG writer_closed;     /* the writer will publish nothing more */
    volatile LONG reader_closed;     /* the reader will release nothing more */
    char pad_flags[48];
    uint64_t magic;
    uint64_t capacity;
} winshm_ring_header;
typedef char winshm_ring_header_layout_is_fixed[
    (offsetof(winshm_ring_header, tail) == 64 && offsetof(winshm_ring_header, reader_sleeping) == 128 &&
     offsetof(winshm_ring_header, magic) == 192 && offsetof(winshm_ring_header, capacity) == 200 &&
     sizeof(winshm_ring_header) == 208) ? 1 : -1];

/* The ring's own results; a winshm failure is WINSHM_RING_SHM_FAILED, with the
 * library's result in ring.shm_result and the Windows error in GetLastError(). */
typedef enum winshm_ring_status {
    WINSHM_RING_OK = 0,
    WINSHM_RING_EMPTY,          /* winshm_ring_try_peek: no message yet */
    WINSHM_RING_FULL,           /* winshm_ring_try_reserve: no room yet */
    WINSHM_RING_CLOSED,         /* the other side closed, and nothing more will come or go */
    WINSHM_RING_PEER_GONE,      /* the process given to winshm_ring_watch exited */
    WINSHM_RING_TOO_BIG,        /* a message larger than winshm_ring_max_message(), or a buffer too small for one */
    WINSHM_RING_BAD_SIZE,       /* winshm_ring_create: capacity 0 or above 1 GiB */
    WINSHM_RING_NOT_A_RING,     /* winshm_ring_open: the section does not hold a ring that fits in it */
    WINSHM_RING_CORRUPT,        /* the other side wrote a position or a length that cannot be */
    WINSHM_RING_SYSTEM_FAILED,  /* an event could not be made, opened or waited on: see GetLastError() */
    WINSHM_RING_SHM_FAILED      /* see shm_result */
} winshm_ring_status;

typedef struct winshm_ring {
    winshm shm;
    winshm_view header_view;    /* the first granule */
    winshm_view data_view;      /* the ring, mirrored */
    winshm_result shm_result;   /* the last winshm failure, for WINSHM_RING_SHM_FAILED */
    winshm_ring_header *header;
    unsigned char *data;
    uint64_t capacity;          /* local copies, checked once */
    uint64_t mask;
    int64_t position;           /* writer: bytes reserved; reader: bytes released */
    int64_t shared_position;    /* this side's position as last stored in the header */
    int64_t limit;              /* writer: released + capacity; reader: published (as last read) */
    uint64_t current;           /* reader: the span of the message being peeked, 0 if none */
    HANDLE data_event;          /* writer -> reader: "published" */
    HANDLE space_event;         /* reader -> writer: "released" */
    HANDLE peer;                /* winshm_ring_watch: the other process, or NULL */
    int spin;                   /* pauses before sleeping */
    int is_writer;
} winshm_ring;

static inline const char *winshm_ring_status_string(const winshm_ring *r, winshm_ring_status status)
{
    switch (status) {
    case WINSHM_RING_OK: return "ok";
    case WINSHM_RING_EMPTY: return "ring empty";
    case WINSHM_RING_FULL: return "ring full";
    case WINSHM_RING_CLOSED: return "the other side closed the ring";
    case WINSHM_RING_PEER_GONE: return "the other process exited";
    case WINSHM_RING_TOO_BIG: return "message too big for the ring or the buffer";
    case WINSHM_RING_BAD_SIZE: return "bad ring size";
    case WINSHM_RING_NOT_A_RING: return "not a ring, or one that does not fit its section";
    case WINSHM_RING_CORRUPT: return "the other side corrupted the ring";
    case WINSHM_RING_SYSTEM_FAILED: return "an event call failed";
    case WINSHM_RING_SHM_FAILED: return winshm_result_string(r->shm_result);
    }
    return "unknown ring status";
}

/* The largest message the ring takes. */
static inline size_t winshm_ring_max_message(const winshm_ring *r)
{
    return (size_t)(r->capacity - WINSHM_RING_LENGTH_BYTES);
}

static inline uint64_t winshm_ring_span(uint64_t length)
{
    return WINSHM_RING_LENGTH_BYTES + ((length + 7) & ~(uint64_t)7);
}

/* The events are named after the section: NAME.data and NAME.space. */
static inline HANDLE winshm_ring_event(const char *name, const char *suffix, int create)
{
    char full[512];
    wchar_t wide[512];
    if ((size_t)snprintf(full, sizeof full, "%s.%s", name, suffix) >= sizeof full ||
        !MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, full, -1, wide, 512))
        return NULL;
    return create ? CreateEventW(NULL, FALSE, FALSE, wide) : OpenEventW(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, wide);
}

static inline void winshm_ring_close(winshm_ring *r);

/* Maps the header and the mirrored ring of a section of `capacity` bytes of
 * ring, and opens or creates the events. */
static inline winshm_ring_status winshm_ring_attach(winshm_ring *r, const char *name, uint64_t capacity, int create)
{
    const uint64_t grain = winshm_allocation_granularity();
    r->shm_result = winshm_map(&r->shm, WINSHM_READ_WRITE, 0, (size_t)grain, &r->header_view);
    if (r->shm_result == WINSHM_OK)
        r->shm_result = winshm_map_mirrored(&r->shm, WINSHM_READ_WRITE, grain, (size_t)capacity, &r->data_view);
    if (r->shm_result != WINSHM_OK) {
        winshm_ring_close(r);
        return WINSHM_RING_SHM_FAILED;
    }
    r->header = (winshm_ring_header *)r->header_view.data;
    r->data = (unsigned char *)r->data_view.data;
    r->capacity = capacity;
    r->mask = capacity - 1;
    r->spin = WINSHM_RING_DEFAULT_SPIN;
    r->data_event = winshm_ring_event(name, "data", create);
    r->space_event = winshm_ring_event(name, "space", create);
    if (!r->data_event || !r->space_event) {
        DWORD error = GetLastError();
        winshm_ring_close(r);
        SetLastError(error);
        return WINSHM_RING_SYSTEM_FAILED;
    }
    return WINSHM_RING_OK;
}

/* Creates the ring as its writer. capacity is rounded up to a power of two
 * and to the allocation granularity; at most 1 GiB. */
static inline winshm_ring_status winshm_ring_create(winshm_ring *r, const char *name, uint64_t capacity)
{
    const uint64_t grain = winshm_allocation_granularity();
    uint64_t rounded = grain;
    winshm_ring_status status;
    memset(r, 0, sizeof *r);
    if (capacity == 0 || capacity > ((uint64_t)1 << 30))
        return WINSHM_RING_BAD_SIZE;
    while (rounded < capacity)
        rounded *= 2;
    r->shm_result = winshm_create_only(&r->shm, name, WINSHM_READ_WRITE, grain + rounded, NULL);
    if (r->shm_result != WINSHM_OK)
        return WINSHM_RING_SHM_FAILED;
    if ((status = winshm_ring_attach(r, name, rounded, 1)) != WINSHM_RING_OK)
        return status;
    r->is_writer = 1;
    r->limit = (int64_t)rounded;
    r->header->capacity = rounded;
    r->header->magic = WINSHM_RING_MAGIC; /* a reader opens only after this (the writer starts it) */
    return WINSHM_RING_OK;
}

/* Opens, as its reader, a ring that another process created. */
static inline winshm_ring_status winshm_ring_open(winshm_ring *r, const char *name)
{
    const uint64_t grain = winshm_allocation_granularity();
    winshm_view peek = {0};
    uint64_t magic, capacity;
    memset(r, 0, sizeof *r);
    r->shm_result = winshm_open_only(&r->shm, name, WINSHM_READ_WRITE);
    if (r->shm_result == WINSHM_OK)
        r->shm_result = winshm_map(&r->shm, WINSHM_READ_ONLY, 0, sizeof(winshm_ring_header), &peek);
    if (r->shm_result != WINSHM_OK) {
        winshm_close(&r->shm);
        return WINSHM_RING_SHM_FAILED;
    }
    /* Each field once, into locals; checked; only the locals are used. */
    magic = ((volatile winshm_ring_header *)peek.data)->magic;
    capacity = ((volatile winshm_ring_header *)peek.data)->capacity;
    winshm_unmap(&peek);
    if (magic != WINSHM_RING_MAGIC || capacity < grain || capacity > ((uint64_t)1 << 30) || (capacity & (capacity - 1)) != 0 ||
        grain + capacity > winshm_get_size(&r->shm)) {
        winshm_close(&r->shm);
        return WINSHM_RING_NOT_A_RING;
    }
    return winshm_ring_attach(r, name, capacity, 0);
}

/* Wait for `process` as well: if it exits, a blocked call returns
 * WINSHM_RING_PEER_GONE instead of waiting for ever. The handle stays the caller's. */
static inline void winshm_ring_watch(winshm_ring *r, HANDLE process)
{
    r->peer = process;
}

/* Sleeps on `event` until woken, or the peer is gone. */
static inline winshm_ring_status winshm_ring_sleep(winshm_ring *r, HANDLE event)
{
    HANDLE handles[2];
    DWORD count = 0, woke;
    handles[count++] = event;
    if (r->peer)
        handles[count++] = r->peer;
    woke = WaitForMultipleObjects(count, handles, FALSE, INFINITE);
    if (woke == WAIT_OBJECT_0)
        return WINSHM_RING_OK;
    if (woke == WAIT_OBJECT_0 + 1)
        return WINSHM_RING_PEER_GONE;
    return WINSHM_RING_SYSTEM_FAILED;
}

/* Stores this side's position where the other side reads it (head for the
 * writer, tail for the reader), and wakes the other side if it sleeps. */
static inline void winshm_ring_share_position(winshm_ring *r, volatile int64_t *shared, volatile LONG *other_sleeping, HANDLE other_event)
{
    if (r->shared_position == r->position)
        return;
    winshm_ring_store(shared, r->position);
    r->shared_position = r->position;
    /* The store above and the load below must not swap: a side that said
     * "sleeping" after we looked would sleep through this position. */
    winshm_ring_fence();
    if (*other_sleeping) {
        InterlockedExchange(other_sleeping, 0);
        SetEvent(other_event);
    }
}

/* ---- writer ---- */

/* Makes every message reserved so far visible to the reader, and wakes it
 * if it sleeps. Publishing after many messages costs one store for all. */
static inline void winshm_ring_publish(winshm_ring *r)
{
    winshm_ring_share_position(r, &r->header->head, &r->header->reader_sleeping, r->data_event);
}

/* Reserves room for a message of `size` bytes and sets *out to it, in the
 * ring; it is the reader's after winshm_ring_publish. Never blocks. */
static inline winshm_ring_status winshm_ring_try_reserve(winshm_ring *r, size_t size, void **out)
{
    const uint64_t span = winshm_ring_span(size);
    unsigned char *at;
    *out = NULL;
    if (size > winshm_ring_max_message(r))
        return WINSHM_RING_TOO_BIG;
    if (r->position + (int64_t)span > r->limit) {
        const int64_t released = winshm_ring_load(&r->header->tail);
        if (released > r->shared_position || r->position - released > (int64_t)r->capacity)
            return WINSHM_RING_CORRUPT;
        if (InterlockedCompareExchange(&r->header->reader_closed, 0, 0))
            return WINSHM_RING_CLOSED;
        r->limit = released + (int64_t)r->capacity;
        if (r->position + (int64_t)span > r->limit)
            return WINSHM_RING_FULL;
    }
    at = r->data + (r->position & (int64_t)r->mask);
    *(volatile uint64_t *)at = size;
    r->position += (int64_t)span;
    *out = at + WINSHM_RING_LENGTH_BYTES;
    return WINSHM_RING_OK;
}

/* As winshm_ring_try_reserve, waiting while the ring is full (what was reserved
 * before is published first, or the reader could never free room). */
static inline winshm_ring_status winshm_ring_reserve(winshm_ring *r, size_t size, void **out)
{
    int spins = 0;
    for (;;) {
        winshm_ring_status status = winshm_ring_try_reserve(r, size, out);
        if (status != WINSHM_RING_FULL)
            return status;
        winshm_ring_publish(r);
        if (spins++ < r->spin) {
            winshm_ring_pause();
            continue;
        }
        InterlockedExchange(&r->header->writer_sleeping, 1);
        status = winshm_ring_try_reserve(r, size, out); /* room made before the flag was seen? */
        if (status != WINSHM_RING_FULL)
            return status;
        if ((status = winshm_ring_sleep(r, r->space_event)) != WINSHM_RING_OK)
            return status;
    }
}

/* Copies one message in and publishes it. */
static inline winshm_ring_status winshm_ring_write(winshm_ring *r, const void *message, size_t size)
{
    void *at;
    winshm_ring_status status = winshm_ring_reserve(r, size, &at);
    if (status == WINSHM_RING_OK) {
        memcpy(at, message, size);
        winshm_ring_publish(r);
    }
    return status;
}

/* ---- reader ---- */

/* Makes every released byte free for the writer, and wakes it if it sleeps. */
static inline void winshm_ring_release_all(winshm_ring *r)
{
    winshm_ring_share_position(r, &r->header->tail, &r->header->writer_sleeping, r->space_event);
}

/* Sets *data and *size to the next message, in the ring; it stays valid
 * until winshm_ring_release. Peeking again without releasing gives the same one.
 * Never blocks. */
static inline winshm_ring_status winshm_ring_try_peek(winshm_ring *r, const void **data, size_t *size)
{
    const unsigned char *at = r->data + (r->position & (int64_t)r->mask);
    uint64_t length;
    *data = NULL;
    *size = 0;
    if (r->position == r->limit) {
        const int64_t published = winshm_ring_load(&r->header->head);
        if (published < r->position || published - r->position > (int64_t)r->capacity)
            return WINSHM_RING_CORRUPT;
        r->limit = published;
        if (published == r->position) {
            winshm_ring_release_all(r); /* before the writer could wait for it */
            /* the flag with a full barrier, then head again: a writer
             * publishes before it closes */
            if (InterlockedCompareExchange(&r->header->writer_closed, 0, 0) && winshm_ring_load(&r->header->head) == r->position)
                return WINSHM_RING_CLOSED;
            return WINSHM_RING_EMPTY;
        }
    }
    length = *(const volatile uint64_t *)at; /* once */
    if (length > winshm_ring_max_message(r) || winshm_ring_span(length) > (uint64_t)(r->limit - r->position))
        return WINSHM_RING_CORRUPT;
    r->current = winshm_ring_span(length);
    *data = at + WINSHM_RING_LENGTH_BYTES;
    *size = (size_t)length;
    return WINSHM_RING_OK;
}

/* As winshm_ring_try_peek, waiting while the ring is empty. */
static inline winshm_ring_status winshm_ring_peek(winshm_ring *r, const void **data, size_t *size)
{
    int spins = 0;
    for (;;) {
        winshm_ring_status status = winshm_ring_try_peek(r, data, size);
        if (status != WINSHM_RING_EMPTY)
            return status;
        if (spins++ < r->spin) {
            winshm_ring_pause();
            continue;
        }
        InterlockedExchange(&r->header->reader_sleeping, 1);
        status = winshm_ring_try_peek(r, data, size); /* published before the flag was seen? */
        if (status != WINSHM_RING_EMPTY)
            return status;
        if ((status = winshm_ring_sleep(r, r->data_event)) != WINSHM_RING_OK)
            return status;
    }
}

/* Done with the message from winshm_ring_peek. The room goes back to the writer in
 * batches (a quarter of the ring at a time, or whenever the reader finds the
 * ring empty), so that releasing costs no shared store per message. */
static inline void winshm_ring_release(winshm_ring *r)
{
    r->position += (int64_t)r->current;
    r->current = 0;
    if (r->position - r->shared_position >= (int64_t)(r->capacity / 4))
        winshm_ring_release_all(r);
}

/* Copies the next message out into `buffer` (of `capacity` bytes), waiting
 * for one; *size is its length. WINSHM_RING_TOO_BIG leaves it in the ring. */
static inline winshm_ring_status winshm_ring_read(winshm_ring *r, void *buffer, size_t capacity, size_t *size)
{
    const void *at;
    winshm_ring_status status = winshm_ring_peek(r, &at, size);
    if (status != WINSHM_RING_OK)
        return status;
    if (*size > capacity)
        return WINSHM_RING_TOO_BIG;
    memcpy(buffer, at, *size);
    winshm_ring_release(r);
    return WINSHM_RING_OK;
}

/* ---- both ---- */

/* Publishes (or releases) what is pending, tells the other side that this
 * one is done, and unmaps and closes everything. Safe on a failed ring. */
static inline void winshm_ring_close(winshm_ring *r)
{
    if (r->header) {
        if (r->is_writer) {
            winshm_ring_publish(r);
            InterlockedExchange(&r->header->writer_closed, 1);
        } else {
            winshm_ring_release_all(r);
            InterlockedExchange(&r->header->reader_closed, 1);
        }
        if (r->data_event)
            SetEvent(r->data_event);
        if (r->space_event)
            SetEvent(r->space_event);
    }
    if (r->data_event)
        CloseHandle(r->data_event);
    if (r->space_event)
        CloseHandle(r->space_event);
    winshm_unmap(&r->data_view);
    winshm_unmap(&r->header_view);
    winshm_close(&r->shm);
    memset(r, 0, sizeof *r);
}

#endif
