// The quick-start reader in C++: opens the writer's section by name, read-only.
#include <windows.h>
#include <stdio.h>
#include "winshm.h"

int main()
{
    winshm_section shm;
    winshm_mapping view;
    winshm_result r = shm.open_only("Local\\winshm_example_cpp", WINSHM_READ_ONLY);
    if (r == WINSHM_OK)
        r = view.map(shm, WINSHM_READ_ONLY);
    if (r != WINSHM_OK) {
        printf("open: %s (Windows error %lu)\n", winshm_result_string(r), GetLastError());
        return 1;
    }
    printf("reader: read \"%.*s\"\n", static_cast<int>(view.size()), view.as<const char>());
    return 0;
}
