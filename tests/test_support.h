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

/* The system's page size, as the library reports it: tests size sections
 * and ranges in pages with it, never with a literal 4096. */
static inline size_t page_size(void)
{
    return winshm_page_size();
}

#endif
