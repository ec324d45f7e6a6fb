// The C++ build of strictest.c.
#include "strictest.c"
