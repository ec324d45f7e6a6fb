/* The other half of message_writer.c: opens the section by name, read-only,
 * and prints the message. */
#include <stdio.h>
#include "winshm.h"

int main(void)
{
    winshm shm = {0};
    winshm_view view = {0};
    winshm_result r = winshm_open_only(&shm, "Local\\winshm_example_message", WINSHM_READ_ONLY);
    if (r != WINSHM_OK) {
        fprintf(stderr, "reader: open failed: %s\n", winshm_result_string(r));
        return 1;
    }
    r = winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view);
    if (r == WINSHM_OK) {
        printf("reader: read  \"%s\" from %s\n", (const char *)view.data, winshm_get_name(&shm));
        winshm_unmap(&view);
    }
    winshm_close(&shm);
    return r == WINSHM_OK ? 0 : 1;
}
