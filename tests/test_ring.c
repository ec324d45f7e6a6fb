/* The zero-copy ring of examples/ring_buffer.h: in place both ways, the
 * wrap, blocking, closing, and a peer that scribbles on the shared header. */
#include "winshm_test.h"
#include "../examples/ring_buffer.h"

/* A writer and a reader of one ring, in this process. */
static void make_pair(winshm_ring *writer, winshm_ring *reader, uint64_t capacity)
{
    const char *name = unique_name("ring");
    cr_assert_eq(winshm_ring_create(writer, name, capacity), WINSHM_RING_OK);
    cr_assert_eq(winshm_ring_open(reader, name), WINSHM_RING_OK);
}

Test(ring, messages_are_written_and_read_in_place_across_the_wrap)
{
    winshm_ring w, rd;
    size_t wrong = 0;
    int failures = 0;
    char first_failure[160] = "";
    make_pair(&w, &rd, winshm_allocation_granularity());
    /* odd sizes, so that messages straddle the end of the ring again and
     * again; mismatches are counted and asserted once (Criterion reports
     * every assertion to its runner, which is slow in a loop) */
    for (int round = 0; round < 2000 && failures == 0; ++round) {
        size_t size = 1 + (size_t)(round * 7919) % 3000, n = 0;
        void *at = NULL;
        const void *in = NULL;
        winshm_ring_status wrote = winshm_ring_try_reserve(&w, size, &at), read;
        if (wrote == WINSHM_RING_OK) {
            memset(at, (unsigned char)round, size);
            winshm_ring_publish(&w);
        }
        read = winshm_ring_try_peek(&rd, &in, &n);
        if (wrote != WINSHM_RING_OK || read != WINSHM_RING_OK || n != size ||
            /* in place: the same bytes of the ring (each side has its own mirror) */
            (const unsigned char *)in - rd.data != (unsigned char *)at - w.data) {
            snprintf(first_failure, sizeof first_failure, "round %d: reserve %d, peek %d, %zu bytes of %zu", round,
                     (int)wrote, (int)read, n, size);
            ++failures;
            break;
        }
        for (size_t i = 0; i < n; ++i)
            wrong += ((const unsigned char *)in)[i] != (unsigned char)round;
        winshm_ring_release(&rd);
    }
    cr_assert_eq(failures, 0, "%s", first_failure);
    cr_assert_eq(wrong, 0, "%zu bytes read differ from those written", wrong);
    winshm_ring_close(&rd);
    winshm_ring_close(&w);
}

Test(ring, full_and_empty_and_too_big_never_block_in_try)
{
    winshm_ring w, rd;
    void *at;
    const void *in;
    size_t n;
    int fitted = 0;
    make_pair(&w, &rd, winshm_allocation_granularity());
    cr_assert_eq(winshm_ring_try_peek(&rd, &in, &n), WINSHM_RING_EMPTY);
    cr_assert_eq(winshm_ring_try_reserve(&w, winshm_ring_max_message(&w) + 1, &at), WINSHM_RING_TOO_BIG);
    while (winshm_ring_try_reserve(&w, 1000, &at) == WINSHM_RING_OK)
        ++fitted;
    cr_assert_eq(fitted, (int)(w.capacity / winshm_ring_span(1000)));
    cr_assert_eq(winshm_ring_try_reserve(&w, 1000, &at), WINSHM_RING_FULL);
    cr_assert_eq(winshm_ring_try_peek(&rd, &in, &n), WINSHM_RING_EMPTY, "nothing is the reader's before winshm_ring_publish");
    winshm_ring_publish(&w);
    cr_assert_eq(winshm_ring_try_peek(&rd, &in, &n), WINSHM_RING_OK);
    winshm_ring_close(&w);
    /* what was published stays readable after the writer closed; then CLOSED */
    for (int i = 0; i < fitted; ++i) {
        cr_assert_eq(winshm_ring_try_peek(&rd, &in, &n), WINSHM_RING_OK, "message %d", i);
        winshm_ring_release(&rd);
    }
    cr_assert_eq(winshm_ring_try_peek(&rd, &in, &n), WINSHM_RING_CLOSED);
    winshm_ring_close(&rd);
}

Test(ring, the_copy_api_round_trips_and_refuses_a_small_buffer)
{
    winshm_ring w, rd;
    char out[64];
    size_t n = 0;
    make_pair(&w, &rd, winshm_allocation_granularity());
    cr_assert_eq(winshm_ring_write(&w, "hello, ring", 12), WINSHM_RING_OK);
    cr_assert_eq(winshm_ring_read(&rd, out, 4, &n), WINSHM_RING_TOO_BIG);
    cr_assert_eq(n, 12);
    cr_assert_eq(winshm_ring_read(&rd, out, sizeof out, &n), WINSHM_RING_OK);
    cr_assert_str_eq(out, "hello, ring");
    winshm_ring_close(&w);
    winshm_ring_close(&rd);
}

/* A reader that scribbles on the header (or a writer that does) is caught
 * by the checks on every value read from it: WINSHM_RING_CORRUPT, and no access
 * outside the ring (an access violation would crash this test). */
Test(ring, a_peer_that_scribbles_on_the_header_gets_corrupt_not_an_overrun)
{
    winshm_ring w, rd;
    void *at;
    const void *in;
    size_t n;
    make_pair(&w, &rd, winshm_allocation_granularity());
    cr_assert_eq(winshm_ring_write(&w, "x", 1), WINSHM_RING_OK);
    /* head far ahead of anything written */
    w.header->head = (int64_t)1 << 40;
    cr_assert_eq(winshm_ring_try_peek(&rd, &in, &n), WINSHM_RING_CORRUPT);
    /* head behind the reader */
    rd.position = rd.limit = 64; /* as if 64 bytes were read */
    w.header->head = 8;
    cr_assert_eq(winshm_ring_try_peek(&rd, &in, &n), WINSHM_RING_CORRUPT);
    winshm_ring_close(&rd);
    winshm_ring_close(&w);

    make_pair(&w, &rd, winshm_allocation_granularity());
    cr_assert_eq(winshm_ring_write(&w, "x", 1), WINSHM_RING_OK);
    /* a length past the end of what was published, and one past the ring */
    *(volatile uint64_t *)w.data = 100000;
    cr_assert_eq(winshm_ring_try_peek(&rd, &in, &n), WINSHM_RING_CORRUPT);
    *(volatile uint64_t *)w.data = UINT64_MAX - 3; /* its span would wrap to a small number */
    cr_assert_eq(winshm_ring_try_peek(&rd, &in, &n), WINSHM_RING_CORRUPT);
    /* a tail ahead of what the writer published, and one too far behind */
    w.header->tail = 1 << 20;
    w.limit = 0; /* make the writer look */
    cr_assert_eq(winshm_ring_try_reserve(&w, 8, &at), WINSHM_RING_CORRUPT);
    w.header->tail = -((int64_t)1 << 40);
    cr_assert_eq(winshm_ring_try_reserve(&w, 8, &at), WINSHM_RING_CORRUPT);
    /* the geometry was copied at open: changing it later changes nothing */
    w.header->capacity = (uint64_t)1 << 40;
    cr_assert_eq(rd.capacity, (uint64_t)winshm_allocation_granularity());
    winshm_ring_close(&rd);
    winshm_ring_close(&w);
}

Test(ring, open_refuses_a_header_that_does_not_describe_a_ring_that_fits)
{
    const uint64_t bad[] = {0, 3, (uint64_t)1 << 40, (uint64_t)1 << 30};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        winshm_ring w, rd;
        const char *name = unique_name("ring_bad");
        cr_assert_eq(winshm_ring_create(&w, name, winshm_allocation_granularity()), WINSHM_RING_OK);
        w.header->capacity = bad[i];
        cr_assert_eq(winshm_ring_open(&rd, name), WINSHM_RING_NOT_A_RING, "capacity %llu", (unsigned long long)bad[i]);
        winshm_ring_close(&w);
    }
}

/* ---- blocking, across two threads ---- */

typedef struct stream { winshm_ring *r; int count; int failures; } stream;

static DWORD WINAPI read_stream(void *arg)
{
    stream *s = arg;
    for (int i = 0; i < s->count; ++i) {
        int value = -1;
        size_t n = 0;
        if (winshm_ring_read(s->r, &value, sizeof value, &n) != WINSHM_RING_OK || n != sizeof value || value != i)
            ++s->failures;
    }
    return 0;
}

Test(ring, blocking_calls_sleep_and_wake_and_a_dead_peer_ends_the_wait, .timeout = 120)
{
    winshm_ring w, rd;
    stream s = {&rd, 20000, 0};
    HANDLE reader;
    make_pair(&w, &rd, winshm_allocation_granularity());
    w.spin = 0; /* always sleep on the events, so that they are what is tested */
    rd.spin = 0;
    reader = CreateThread(NULL, 0, read_stream, &s, 0, NULL);
    int refused = 0;
    for (int i = 0; i < s.count; ++i)
        refused += winshm_ring_write(&w, &i, sizeof i) != WINSHM_RING_OK;
    cr_assert_eq(refused, 0);
    cr_assert_eq(WaitForSingleObject(reader, 60000), WAIT_OBJECT_0);
    CloseHandle(reader);
    cr_assert_eq(s.failures, 0);
    /* a reader waiting on an empty ring, whose peer is gone */
    {
        HANDLE peer = start_child("read nobody nothing"); /* exits at once */
        const void *in;
        size_t n;
        winshm_ring_watch(&rd, peer);
        cr_assert_eq(winshm_ring_peek(&rd, &in, &n), WINSHM_RING_PEER_GONE);
        CloseHandle(peer);
    }
    winshm_ring_close(&w);
    winshm_ring_close(&rd);
}
