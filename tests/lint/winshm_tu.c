/* The translation unit clang-tidy and cppcheck analyse: the header, as a user includes it. */
#include "winshm.h"
