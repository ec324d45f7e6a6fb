/* The user's side of status_service.c: opens the service's status read-only
 * and prints it. It also asks for write access, which USERS_READ refuses to
 * anyone but the service's own account.
 *
 *   status_viewer.exe        (exit 0 if the status could be read) */
#include <windows.h>
#include <stdio.h>
#include "winshm.h"

#define STATUS_NAME "Global\\winshm_example_status"

int main(void)
{
    winshm shm = {0}, writable = {0};
    winshm_view view = {0};
    winshm_result r = winshm_open_only(&shm, STATUS_NAME, WINSHM_READ_ONLY);
    if (r == WINSHM_OK)
        r = winshm_map(&shm, WINSHM_READ_ONLY, 0, 0, &view);
    if (r != WINSHM_OK) {
        fprintf(stderr, "viewer: %s: %s (Windows error %lu)\n", STATUS_NAME, winshm_result_string(r), GetLastError());
        return 1;
    }
    /* The status is text the service wrote: print at most the view's size. */
    printf("viewer: read \"%.*s\"\n", (int)strnlen((const char *)view.data, view.size), (const char *)view.data);
    r = winshm_open_only(&writable, STATUS_NAME, WINSHM_READ_WRITE);
    printf("viewer: asking for write access: %s\n", winshm_result_string(r));
    winshm_close(&writable);
    winshm_unmap(&view);
    winshm_close(&shm);
    return 0;
}
