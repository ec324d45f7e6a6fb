/* The header alone under the strictest warning sets users turn on (clang's
 * -Weverything, gcc's long lists, C++'s -Wold-style-cast and
 * -Wzero-as-null-pointer-constant): its inline functions are compiled even
 * if unused, so including it is enough. */
#include "winshm.h"

int main(void)
{
    /* the documented zero-initialisation, warning-free as C and as C++ */
    winshm shm = WINSHM_EMPTY;
    winshm_view view = WINSHM_EMPTY;
    winshm_options options = WINSHM_EMPTY;
    winshm_permissions permissions = WINSHM_EMPTY;
    return winshm_is_open(&shm) + (view.data != WINSHM_IMPL_NULL) + (options.flags != 0) + permissions.inheritable;
}
