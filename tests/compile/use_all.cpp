// The C++ build of use_all.c.
#include "use_all.c"
