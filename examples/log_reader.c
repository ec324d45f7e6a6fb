/* Follows the log that log_writer.exe appends, in another process: commits
 * in its own view what the writer has published, checks every record, and
 * exits 0 when it has read the whole log intact.
 *
 * Everything it reads from the section is untrusted: a length or a position
 * is read once, checked against what this process knows, and only then used. */
#include <stdio.h>
#include "append_log.h"

int main(void)
{
    const size_t page = winshm_page_size();
    winshm shm = {0};
    winshm_view view = {0};
    const log_header *header;
    const unsigned char *log;
    size_t capacity, read_to = 0, committed = 0;
    uint64_t sequence = 0, checksum = 0;
    int idle = 0;

    winshm_result r = winshm_open_only(&shm, LOG_NAME, WINSHM_READ_ONLY);
    if (r == WINSHM_OK && winshm_get_flags(&shm) != WINSHM_RESERVE)
        r = WINSHM_ERROR_NAME_IN_USE; /* someone else's section under our name */
    if (r == WINSHM_OK)
        r = winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view);
    if (r == WINSHM_OK)
        r = winshm_commit(&view, 0, page);
    if (r != WINSHM_OK || view.size <= page) {
        fprintf(stderr, "log_reader: %s\n", winshm_result_string(r));
        return 2;
    }
    header = (const log_header *)view.data;
    if (header->magic != LOG_MAGIC) {
        fprintf(stderr, "log_reader: not a log\n");
        return 3;
    }
    log = (const unsigned char *)view.data + page;
    capacity = view.size - page;

    for (;;) {
        /* `finished` first: once it is set, `published` is final. */
        LONG finished = header->finished;
        LONG64 published_value;
        size_t published;
        MemoryBarrier();
        published_value = header->published;
        MemoryBarrier(); /* the records it counts were written before it */
        if (published_value < 0 || (uint64_t)published_value > capacity || (size_t)published_value < read_to) {
            fprintf(stderr, "log_reader: the published size %lld is impossible\n", (long long)published_value);
            return 4;
        }
        published = (size_t)published_value;
        if (published > committed) {
            r = winshm_commit(&view, page + committed, published - committed);
            if (r != WINSHM_OK) {
                fprintf(stderr, "log_reader: commit: %s\n", winshm_result_string(r));
                return 5;
            }
            committed = (published + page - 1) / page * page;
        }
        while (read_to < published) {
            uint32_t length;
            size_t span, i;
            memcpy(&length, log + read_to, sizeof length);
            span = log_record_span(length);
            if (length == 0 || span > published - read_to) {
                fprintf(stderr, "log_reader: record %llu overruns the published log\n", (unsigned long long)sequence);
                return 6;
            }
            if (length != log_record_length(sequence)) {
                fprintf(stderr, "log_reader: record %llu has length %u\n", (unsigned long long)sequence, length);
                return 7;
            }
            for (i = 0; i < length; ++i) {
                unsigned char byte = log[read_to + sizeof length + i];
                if (byte != log_record_byte(sequence, i)) {
                    fprintf(stderr, "log_reader: record %llu differs at byte %zu\n", (unsigned long long)sequence, i);
                    return 8;
                }
                checksum = checksum * 31 + byte;
            }
            read_to += span;
            ++sequence;
        }
        if (finished && read_to == published)
            break;
        if (++idle % 64 == 0)
            Sleep(1);
    }
    printf("log_reader: read %llu records, %zu bytes, all intact (checksum %016llx); committed %zu KiB in this view\n",
           (unsigned long long)sequence, read_to, (unsigned long long)checksum, (committed + page) >> 10);
    winshm_unmap(&view);
    winshm_close(&shm);
    return 0;
}
