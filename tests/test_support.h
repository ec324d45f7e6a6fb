/* What every test program shares, without Criterion: the Criterion suites
 * (through winshm_test.h), the child process (child.c) and the model-based
 * test (model_check.c). Include it after winshm.h. */
#ifndef WINSHM_TEST_SUPPORT_H
#define WINSHM_TEST_SUPPORT_H

#include <windows.h>

/* Wine implements most of the API but not all of its checks. Tests that
 * need real Windows skip on Wine only, and say why beside the test. */
static inline int running_on_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/* Whether this is a 32-bit program emulated by qemu-user (Wine's 32-bit
 * loader on a machine whose kernel refuses i386 programs): the scripts say
 * so with WINSHM_X86_ROUTE=qemu (scripts/x86-route.sh). Used only where the
 * emulator, not Windows or Wine, decides what a test sees. */
static inline int emulated_by_qemu(void)
{
    char route[8] = "";
    DWORD length = GetEnvironmentVariableA("WINSHM_X86_ROUTE", route, sizeof route);
    return sizeof(void *) == 4 && length == 4 && lstrcmpA(route, "qemu") == 0;
}

/* The system's page size, as the library reports it: tests size sections
 * and ranges in pages with it, never with a literal 4096. */
static inline size_t page_size(void)
{
    return winshm_page_size();
}

/* ---- winshm_open_or_init: what the initialisers of the tests write ----
 * A count of init runs in the first 4 bytes (LONG), then a pattern. */
static inline unsigned char init_pattern_byte(size_t i)
{
    return (unsigned char)((i * 131u) + 7u + (i >> 12));
}

typedef struct init_job {
    size_t size;      /* bytes init fills */
    DWORD sleep_ms;   /* in the middle */
    HANDLE halfway;   /* set when half is written (NULL: none) */
    int hang;         /* do not return (the test kills this process; it exits after 2 minutes) */
    int fail;         /* return this */
    int expect_zero;  /* fail with 98 unless the whole view reads zero first */
} init_job;

static inline int test_init(const winshm_view *view, void *context)
{
    const init_job *job = (const init_job *)context;
    unsigned char *p = (unsigned char *)view->data;
    size_t i;
    if (job->expect_zero)
        for (i = 0; i < view->size; ++i)
            if (p[i] != 0)
                return 98;
    InterlockedIncrement((volatile LONG *)view->data);
    for (i = 4; i < job->size; ++i) {
        p[i] = init_pattern_byte(i);
        if (i == job->size / 2) {
            if (job->halfway)
                SetEvent(job->halfway);
            if (job->sleep_ms)
                Sleep(job->sleep_ms);
            if (job->hang) {
                Sleep(120000); /* the test kills this process long before */
                ExitProcess(107);
            }
        }
    }
    return job->fail;
}

/* 0 if [4, size) holds the whole pattern and init ran `runs` times, else
 * 1 + the first bad offset's distance from the end (never 0). */
static inline size_t check_init_pattern(const void *data, size_t size, LONG runs)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t i;
    if (*(const volatile LONG *)data != runs)
        return size + 1;
    for (i = 4; i < size; ++i)
        if (p[i] != init_pattern_byte(i))
            return size - i;
    return 0;
}

#endif
