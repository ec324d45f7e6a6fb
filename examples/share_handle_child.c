/* The child of share_handle_parent.c: adopts the inherited read-only handle
 * named on its command line, reads, and shows that writing is refused. */
#include <stdio.h>
#include <stdlib.h>
#include "winshm.h"

int main(int argc, char **argv)
{
    winshm shm = {0};
    winshm_view view = {0};
    winshm_result r;
    if (argc != 2) {
        fprintf(stderr, "usage: share_handle_child HANDLE\n");
        return 2;
    }
    r = winshm_adopt(&shm, (void *)(uintptr_t)strtoull(argv[1], NULL, 10), WINSHM_READ_ONLY);
    if (r != WINSHM_OK) {
        fprintf(stderr, "child: adopt failed: %s\n", winshm_result_string(r));
        return 1;
    }
    r = winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view);
    if (r == WINSHM_OK) {
        printf("child:  read  \"%s\" (%llu bytes, name \"%s\")\n", (const char *)view.data,
               (unsigned long long)winshm_get_size(&shm), winshm_get_name(&shm));
        winshm_unmap(&view);
    }
    printf("child:  a writable view: %s\n", winshm_result_string(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view)));
    winshm_close(&shm);
    return r == WINSHM_OK ? 0 : 1;
}
