#include <stdio.h>
#include "winshm.h"

int main(void)
{
    winshm shm = {0};
    winshm_result r = winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 1, NULL);
    printf("winshm %s: %s, %llu bytes\n", WINSHM_VERSION_STRING, winshm_result_string(r),
           (unsigned long long)winshm_get_size(&shm));
    winshm_close(&shm);
    return r != WINSHM_OK;
}
