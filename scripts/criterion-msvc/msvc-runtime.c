/* What MSVC's runtime (vcruntime) puts in every DLL and Wine's C runtime
 * does not, for Criterion built in the MSVC ABI over Wine's ucrtbase
 * (winshm's scripts/build-criterion-mingw.sh, ABI=msvc):
 *   - the thread-local storage directory (_tls_index, _tls_used), which
 *     _Thread_local and __declspec(thread) need;
 *   - a DLL entry point that runs the C and C++ initialisers of the
 *     .CRT$XI* and .CRT$XC* sections, where BoxFort registers its start-up
 *     (Wine's DllMainCRTStartup calls DllMain only). */
#include <windows.h>

ULONG _tls_index = 0;

#pragma section(".tls$AAA", read, write)
#pragma section(".tls$ZZZ", read, write)
__declspec(allocate(".tls$AAA")) char _tls_start = 0;
__declspec(allocate(".tls$ZZZ")) char _tls_end = 0;

#pragma section(".CRT$XLA", read)
#pragma section(".CRT$XLZ", read)
__declspec(allocate(".CRT$XLA")) const PIMAGE_TLS_CALLBACK winshm_xl_a = 0;
__declspec(allocate(".CRT$XLZ")) const PIMAGE_TLS_CALLBACK winshm_xl_z = 0;

const IMAGE_TLS_DIRECTORY _tls_used = {
    (ULONG_PTR) &_tls_start, (ULONG_PTR) &_tls_end, (ULONG_PTR) &_tls_index,
    (ULONG_PTR) (&winshm_xl_a + 1), 0, 0
};

typedef int (__cdecl *winshm_crt_int_init)(void);
typedef void (__cdecl *winshm_crt_init)(void);

/* The linker sorts .CRT$X?? by name: what lies between A and Z are the
 * initialisers the objects registered. */
#pragma section(".CRT$XIA", read)
#pragma section(".CRT$XIZ", read)
#pragma section(".CRT$XCA", read)
#pragma section(".CRT$XCZ", read)
__declspec(allocate(".CRT$XIA")) const winshm_crt_int_init winshm_xi_a = 0;
__declspec(allocate(".CRT$XIZ")) const winshm_crt_int_init winshm_xi_z = 0;
__declspec(allocate(".CRT$XCA")) const winshm_crt_init winshm_xc_a = 0;
__declspec(allocate(".CRT$XCZ")) const winshm_crt_init winshm_xc_z = 0;

BOOL WINAPI _DllMainCRTStartup(HINSTANCE instance, DWORD reason, void *reserved)
{
    (void) instance;
    (void) reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        const winshm_crt_int_init *i;
        const winshm_crt_init *c;
        for (i = &winshm_xi_a + 1; i < &winshm_xi_z; ++i)
            if (*i && (*i)() != 0)
                return FALSE;
        for (c = &winshm_xc_a + 1; c < &winshm_xc_z; ++c)
            if (*c)
                (*c)();
    }
    return TRUE;
}
