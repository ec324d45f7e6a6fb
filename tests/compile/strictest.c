/* The header alone under the strictest warning sets users turn on (clang's
 * -Weverything, gcc's long lists, C++'s -Wold-style-cast and
 * -Wzero-as-null-pointer-constant): its inline functions are compiled even
 * if unused, so including it is enough. */
#include "winshm.h"

int main(void)
{
    return winshm_is_open(WINSHM_IMPL_NULL);
}
