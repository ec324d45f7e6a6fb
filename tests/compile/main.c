/* Links every compile-check unit into one program and runs each. Exit 0: all
 * units compiled, linked together, and worked. */
#include <stdio.h>

#define WINSHM_COMPILE_UNITS(X) X(c_plain) X(c_windows_before) X(c_windows_after) \
    X(c_unicode_lean) X(c_second_unit) X(cpp_plain) X(cpp_windows_before) X(cpp_windows_after) \
    X(cpp_classes_11) X(cpp_classes_17_windows_before) X(cpp_classes_20_windows_after)
#define WINSHM_DECLARE(name) int name(void);
WINSHM_COMPILE_UNITS(WINSHM_DECLARE)

int main(void)
{
    int failures = 0;
#define WINSHM_RUN(name) { int f = name(); printf("%-20s %s\n", #name, f ? "FAILED" : "ok"); failures += f; }
    WINSHM_COMPILE_UNITS(WINSHM_RUN)
    return failures != 0;
}
