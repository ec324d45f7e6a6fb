/* Footprint: a program that uses every function of winshm.h (built at -Os by
 * bench/footprint.sh), and that reports the sizes of the objects and the heap
 * bytes one open winshm holds. Its Boost twin is footprint_boost.cpp. */
#include <stdio.h>
#include <stdlib.h>

static size_t heap_bytes;
static void *counting_malloc(size_t bytes)
{
    heap_bytes += bytes;
    return malloc(bytes);
}
#define WINSHM_MALLOC(bytes) counting_malloc(bytes)
#define WINSHM_FREE(pointer) free(pointer)
#include "winshm.h"

#define NAME "Local\\winshm_footprint_section"

int main(void)
{
    winshm shm = {0}, other = {0};
    winshm_view view = {0};
    void *duplicate = NULL;
    int created = 0;
    size_t heap_per_open;
    if (winshm_create_only(&shm, NAME, WINSHM_READ_WRITE, 65536, NULL) != WINSHM_OK)
        return 1;
    heap_per_open = heap_bytes;
    winshm_map(&shm, WINSHM_READ_WRITE, 100003 % 65536, 4096, &view);
    ((char *)view.data)[0] = 1;
    winshm_unmap(&view);
    winshm_open_or_create(&other, NAME, WINSHM_READ_WRITE, 4096, NULL, &created);
    winshm_close(&other);
    winshm_open_only(&other, NAME, WINSHM_READ_ONLY);
    winshm_swap(&shm, &other);
    winshm_move(&other, &shm);
    winshm_close(&shm);
    winshm_open_only_w(&shm, L"Local\\winshm_footprint_section", WINSHM_READ_ONLY);
    winshm_close(&shm);
    winshm_open_or_create_w(&shm, L"Local\\winshm_footprint_section", WINSHM_READ_ONLY, 1, NULL, NULL);
    winshm_close(&shm);
    winshm_create_only_w(&shm, NULL, WINSHM_READ_ONLY, 1, NULL);
    winshm_duplicate(&other, NULL, WINSHM_READ_ONLY, 0, &duplicate);
    winshm_close(&shm);
    winshm_adopt(&shm, duplicate, WINSHM_READ_ONLY);
    printf("winshm: sizeof(winshm) %u, sizeof(winshm_view) %u, heap bytes per open section named \"%s\": %u\n",
           (unsigned)sizeof(winshm), (unsigned)sizeof(winshm_view), NAME, (unsigned)heap_per_open);
    printf("%d %llu %d %s %ls %s\n", winshm_is_open(&other), (unsigned long long)winshm_get_size(&other),
           (int)winshm_get_mode(&other), winshm_get_name(&other), winshm_get_name_w(&other),
           winshm_result_string(WINSHM_OK));
    printf("%p\n", winshm_get_handle(&other));
    winshm_close(&shm);
    winshm_close(&other);
    return 0;
}
