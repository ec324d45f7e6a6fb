/* An append-only log of variable-size records in a reserve-only section: the
 * layout that log_writer.c and log_reader.c share.
 *
 * The section reserves far more than will ever be used (64 GiB on 64-bit
 * Windows, 256 MiB on 32-bit), and costs commit charge only for the pages written so far. The
 * writer commits page by page as it appends; each reader commits, in its own
 * view, what the writer has published before touching it.
 *
 *   page 0      struct log_header
 *   page 1...   records: a uint32_t length, then the bytes, padded to 8
 *
 * Shared memory is written by another process, so a reader treats every
 * value it reads from it as untrusted: it reads it once into a local,
 * checks it, and uses only the local copy. */
#ifndef APPEND_LOG_H
#define APPEND_LOG_H

#include <windows.h>
#include <stdint.h>
#include "winshm.h"

#define LOG_NAME "Local\\winshm_example_append_log"
#define LOG_MAGIC 0x474F4C5753484D31ull /* "1MHSWLOG" */

typedef struct log_header {
    uint64_t magic;
    volatile LONG64 published; /* bytes of records after the header page, all complete */
    volatile LONG finished;    /* the writer will append nothing more */
} log_header;

static inline uint64_t log_reservation(void)
{
    /* 64 GiB where the address space holds a view of it. A 32-bit process
     * has 2 GiB of address space, in pieces: 256 MiB fits in one. */
    return sizeof(void *) >= 8 ? (uint64_t)64 << 30 : (uint64_t)256 << 20;
}

static inline size_t log_record_span(uint32_t length)
{
    return (sizeof(uint32_t) + (size_t)length + 7) & ~(size_t)7;
}

/* The byte at `index` of record `sequence`: both sides can compute it. */
static inline unsigned char log_record_byte(uint64_t sequence, size_t index)
{
    return (unsigned char)(sequence * 131 + index * 7 + (index >> 8));
}

/* The record sizes: 1 byte to 16 KiB, from a fixed sequence. */
static inline uint32_t log_record_length(uint64_t sequence)
{
    uint64_t x = (sequence + 1) * 0x9E3779B97F4A7C15ull;
    x ^= x >> 29;
    return (uint32_t)(1 + x % 16384);
}

#endif
