/* A file that calls one function of winshm.h, built with each documented
 * WINSHM_API value (static inline, static, and C++ inline) at -Werror: none of
 * the functions it does not call may warn. Built as C and as C++. */
#include "winshm.h"

int main(void)
{
    return winshm_result_string(WINSHM_OK)[0] == 's' ? 0 : 1;
}
