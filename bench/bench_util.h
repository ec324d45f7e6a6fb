/* What the benchmark programs share: a clock and a sort for medians. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <windows.h>

static double now_seconds(void)
{
    static LARGE_INTEGER frequency;
    LARGE_INTEGER count;
    if (!frequency.QuadPart)
        QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&count);
    return (double)count.QuadPart / (double)frequency.QuadPart;
}

/* qsort's comparison for doubles, ascending. */
static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
