/* The consumer of ring_writer.c: reads each message in place, checks its
 * size against the sizes both sides draw, checksums the stream, and compares
 * the sum with the writer's, which comes last.
 *
 *   ring_reader.exe NAME TOTAL_BYTES MAX_MESSAGE    (exit 0: every byte arrived, in order)
 */
#include <stdio.h>
#include <stdlib.h>
#include "ring_buffer.h"
#include "ring_stream.h"

int main(int argc, char **argv)
{
    unsigned long long total, received = 0, messages = 0;
    uint64_t sizes = STREAM_SEED, checksum = 0, theirs = 0;
    size_t max, size;
    const void *at;
    winshm_ring r;
    winshm_ring_status status;
    if (argc != 4) {
        fprintf(stderr, "usage: ring_reader NAME TOTAL_BYTES MAX_MESSAGE\n");
        return 2;
    }
    total = strtoull(argv[2], NULL, 10);
    max = (size_t)strtoull(argv[3], NULL, 10);
    status = winshm_ring_open(&r, argv[1]);
    while (status == WINSHM_RING_OK && received < total) {
        size_t expected = stream_size(&sizes, max);
        status = winshm_ring_peek(&r, &at, &size);
        if (status != WINSHM_RING_OK)
            break;
        if (size != expected) {
            fprintf(stderr, "reader: message %llu has %zu bytes, expected %zu\n", messages, size, expected);
            winshm_ring_close(&r);
            return 1;
        }
        checksum = stream_checksum(checksum, (const unsigned char *)at, size); /* used in place */
        winshm_ring_release(&r);
        received += size;
        ++messages;
    }
    if (status == WINSHM_RING_OK)
        status = winshm_ring_read(&r, &theirs, sizeof theirs, &size);
    if (status != WINSHM_RING_OK) {
        fprintf(stderr, "reader: %s\n", winshm_ring_status_string(&r, status));
        winshm_ring_close(&r);
        return 1;
    }
    winshm_ring_close(&r);
    if (size != sizeof theirs || theirs != checksum) {
        fprintf(stderr, "reader: checksum %016llx, the writer's %016llx\n", (unsigned long long)checksum,
                (unsigned long long)theirs);
        return 1;
    }
    printf("reader: %llu messages, %llu bytes, checksum %016llx matches\n", messages, received,
           (unsigned long long)checksum);
    return 0;
}
