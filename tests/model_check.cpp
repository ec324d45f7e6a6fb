/* The model-based random test built as C++: the header must behave the same
 * through a C++ compiler (casts, inline, name mangling of the callbacks). */
#include "model_check.c"
