/* Compiled for ARM64 by tests/lint.sh, which reads the assembly: the
 * trailer's state must be loaded with acquire and stored with release
 * ordering. x86 keeps loads and stores in order, so no test under Wine
 * could notice a plain load; ARM64 code shows which one it is. */
#include "winshm.h"

int probe_load(const volatile winshm_impl_trailer *shared, winshm_impl_trailer *local)
{
    return winshm_impl_read_trailer(shared, 8192, local);
}

void probe_store(volatile long *state)
{
    winshm_impl_store_release(state, 1);
}
