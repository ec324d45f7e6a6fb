/* The consumer of ring_writer.c: reads `records` records and checks each.
 *
 *   ring_reader.exe NAME RECORDS
 */
#include <stdio.h>
#include <stdlib.h>
#include "ring_buffer.h"

int main(int argc, char **argv)
{
    long long records, i;
    unsigned char *record;
    ring r;
    ring_status status;
    if (argc != 3) {
        fprintf(stderr, "usage: ring_reader NAME RECORDS\n");
        return 2;
    }
    records = strtoll(argv[2], NULL, 10);
    status = ring_open(&r, argv[1]);
    if (status != RING_OK) {
        fprintf(stderr, "reader: %s\n", ring_status_string(&r, status));
        return 1;
    }
    record = (unsigned char *)malloc(r.record_size);
    for (i = 0; record && i < records; ++i) {
        long long sequence;
        ring_read(&r, record);
        memcpy(&sequence, record, sizeof sequence);
        if (sequence != i || record[r.record_size - 1] != (unsigned char)(i * 31)) {
            fprintf(stderr, "reader: record %lld is wrong (sequence %lld)\n", i, sequence);
            break;
        }
    }
    free(record);
    ring_close(&r);
    return i == records ? 0 : 1;
}
