/* What ring_writer.c and ring_reader.c agree on: the message sizes (random,
 * from a seeded generator both sides run) and a checksum of the stream. */
#ifndef WINSHM_RING_STREAM_H
#define WINSHM_RING_STREAM_H

#include <stdint.h>
#include <string.h>

#define STREAM_SEED 0x9E3779B97F4A7C15ull

static inline uint64_t stream_next(uint64_t *state)
{
    uint64_t x = *state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* The size of the next message: uniform in [1, max]. */
static inline size_t stream_size(uint64_t *sizes, size_t max)
{
    return 1 + (size_t)(stream_next(sizes) % max);
}

/* Fills a message with bytes from the generator. */
static inline void stream_fill(uint64_t *bytes, unsigned char *out, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word = stream_next(bytes);
        memcpy(out + i, &word, 8);
    }
    if (i < n) {
        uint64_t word = stream_next(bytes);
        memcpy(out + i, &word, n - i);
    }
}

/* A running checksum that depends on every byte and on their order. */
static inline uint64_t stream_checksum(uint64_t sum, const unsigned char *data, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        memcpy(&word, data + i, 8);
        sum = (sum ^ word) * 0x100000001B3ull;
    }
    for (; i < n; ++i)
        sum = (sum ^ data[i]) * 0x100000001B3ull;
    return (sum ^ n) * 0x100000001B3ull;
}

#endif
