/* One translation unit of the compile checks: it includes winshm.h in the way
 * the macros below select and uses every public function. Built as C and as
 * C++ (use_all.cpp), several times, and linked into one program. Its function
 * returns 0 when everything worked, so the program also runs as a test.
 *
 *   WINSHM_TU              name of this unit's function
 *   WINSHM_TU_WINDOWS      0: no <windows.h>, 1: before winshm.h, 2: after it
 *   WINSHM_TU_MAIN         1: also define main() calling this unit; 2: calling
 *                          this unit and unit_b (the two-unit program shape)
 */
#if WINSHM_TU_WINDOWS == 1
#include <windows.h>
#endif
#include "winshm.h"
#if WINSHM_TU_WINDOWS == 2
#include <windows.h>
#endif

#if WINSHM_TU_WINDOWS == 0
/* winshm.h alone must not leak Windows macros into the includer. min and max
 * are checked where the C runtime does not define them itself: the MSVC
 * runtime's <stdlib.h> does, in C (and Wine's, which copies it). */
#if !defined(_MSC_VER) || defined(__cplusplus)
#if defined(min) || defined(max)
#error "winshm.h leaked min or max"
#endif
#endif
#if defined(WINAPI) || defined(_WINDOWS_) || defined(CreateFileMapping) || \
    defined(near) || defined(far) || defined(INVALID_HANDLE_VALUE) || defined(ERROR_ALREADY_EXISTS)
#error "winshm.h leaked a Windows macro"
#endif
#endif

/* An initialiser for winshm_open_or_init: writes one byte. */
#define WINSHM_TU_INIT_NAME2(tu) tu##_init
#define WINSHM_TU_INIT_NAME(tu) WINSHM_TU_INIT_NAME2(tu)
static int WINSHM_TU_INIT_NAME(WINSHM_TU)(const winshm_view *view, void *context)
{
    *(unsigned char *)view->data = *(const unsigned char *)context;
    return 0;
}

#ifdef __cplusplus
extern "C" int WINSHM_TU(void);
#else
int WINSHM_TU(void);
#endif
#define ZEROED WINSHM_EMPTY

int WINSHM_TU(void)
{
    winshm shm = ZEROED, other = ZEROED;
    winshm_view view = ZEROED;
    winshm_permissions perm = ZEROED;
    int created = 0, failures = 0;
    const char *text = winshm_result_string(WINSHM_ERROR_OS);
    failures += text == 0;
    failures += winshm_create_only(&shm, 0, WINSHM_READ_WRITE, 4096, &perm) != WINSHM_OK;
    failures += winshm_map(&shm, WINSHM_READ_WRITE, 1, 0, &view) != WINSHM_OK;
    if (view.data)
        *(unsigned char *)view.data = 1;
    winshm_unmap(&view);
    winshm_move(&other, &shm);
    winshm_swap(&shm, &other);
    failures += !winshm_is_open(&shm);
    failures += winshm_get_size(&shm) < 4096;
    failures += winshm_get_mode(&shm) != WINSHM_READ_WRITE;
    failures += winshm_get_handle(&shm) == 0;
    failures += winshm_get_name(&shm)[0] != 0;
    failures += winshm_get_name_w(&shm)[0] != 0;
    winshm_close(&shm);
    failures += winshm_open_or_create(&shm, "Local\\winshm_compile_check", WINSHM_READ_ONLY, 1, 0, &created) != WINSHM_OK;
    failures += winshm_open_only(&other, "Local\\winshm_compile_check", WINSHM_READ_ONLY) != WINSHM_OK;
    winshm_close(&other);
    failures += winshm_open_only_w(&other, L"Local\\winshm_compile_check", WINSHM_COPY_ON_WRITE) != WINSHM_OK;
    winshm_close(&other);
    failures += winshm_open_or_create_w(&other, L"Local\\winshm_compile_check", WINSHM_READ_ONLY, 1, 0, 0) != WINSHM_OK;
    winshm_close(&other);
    failures += winshm_create_only_w(&other, L"Local\\winshm_compile_check", WINSHM_READ_ONLY, 1, 0) != WINSHM_ERROR_ALREADY_EXISTS;
    winshm_close(&shm);
    /* NULL where a name is required: constant-propagated at -O2, this must
     * not trip -Wnonnull inside the header. */
    failures += winshm_open_only(&shm, 0, WINSHM_READ_ONLY) != WINSHM_ERROR_INVALID_ARGUMENT;
    failures += winshm_open_only_w(&shm, 0, WINSHM_READ_ONLY) != WINSHM_ERROR_INVALID_ARGUMENT;
    failures += winshm_open_or_create(&shm, 0, WINSHM_READ_ONLY, 1, 0, 0) != WINSHM_ERROR_INVALID_ARGUMENT;
    failures += winshm_open_or_create_w(&shm, 0, WINSHM_READ_ONLY, 1, 0, 0) != WINSHM_ERROR_INVALID_ARGUMENT;
    {
        void *duplicate = 0;
        failures += winshm_create_only(&shm, 0, WINSHM_READ_WRITE, 1, 0) != WINSHM_OK;
        failures += winshm_duplicate(&shm, 0, WINSHM_READ_ONLY, 0, &duplicate) != WINSHM_OK;
        failures += winshm_adopt(&other, duplicate, WINSHM_READ_ONLY) != WINSHM_OK;
        winshm_close(&other);
        winshm_close(&shm);
    }
    {
        winshm_options options = ZEROED;
        winshm_view mirrored = ZEROED, placed = ZEROED;
        const size_t grain = winshm_allocation_granularity();
        options.flags = WINSHM_RESERVE;
        failures += winshm_page_size() == 0 || grain < winshm_page_size();
        failures += winshm_create_ex(&shm, 0, WINSHM_READ_WRITE, 2 * grain, &options, 0) != WINSHM_OK;
        failures += winshm_get_flags(&shm) != WINSHM_RESERVE;
        failures += winshm_map_mirrored(&shm, WINSHM_READ_WRITE, 0, 0, &mirrored) != WINSHM_OK;
        failures += winshm_commit(&mirrored, 0, 1) != WINSHM_OK;
        if (mirrored.data) {
            ((unsigned char *)mirrored.data)[0] = 7;
            failures += ((unsigned char *)mirrored.data)[mirrored.size] != 7;
        }
        failures += winshm_map_at(&shm, WINSHM_READ_ONLY, 0, 0, 0, &placed) != WINSHM_OK;
        winshm_unmap(&placed);
        winshm_unmap(&mirrored);
        winshm_close(&shm);
        options.flags = 0;
        failures += winshm_create_ex_w(&shm, 0, WINSHM_READ_ONLY, 1, &options, &created) != WINSHM_OK;
        winshm_close(&shm);
        perm.access = WINSHM_ACCESS_OWNER_ONLY;
        options.permissions = &perm;
        failures += winshm_create_unique(&shm, 0, WINSHM_READ_WRITE, 1, &options) != WINSHM_OK;
        winshm_close(&shm);
    }
    {
        static const unsigned char seven = 7;
        void *context = (void *)&seven;
        failures += winshm_open_or_init(&shm, "Local\\winshm_compile_init", WINSHM_READ_WRITE, 1, 0,
                                        WINSHM_TU_INIT_NAME(WINSHM_TU), context, WINSHM_INFINITE, &created) != WINSHM_OK;
        failures += winshm_open_or_init_w(&other, L"Local\\winshm_compile_init", WINSHM_READ_ONLY, 0, 0, 0, 0, 1000,
                                          &created) != WINSHM_OK || created != 0;
        failures += winshm_map(&other, WINSHM_READ_ONLY, 0, 1, &view) != WINSHM_OK || *(unsigned char *)view.data != 7;
        winshm_unmap(&view);
        winshm_close(&other);
        winshm_close(&shm);
    }
    return failures;
}

#if defined(WINSHM_TU_MAIN)
#if WINSHM_TU_MAIN == 2
#ifdef __cplusplus
extern "C"
#endif
int unit_b(void);
#endif

int main(void)
{
#if WINSHM_TU_MAIN == 2
    return WINSHM_TU() + unit_b() != 0;
#else
    return WINSHM_TU() != 0;
#endif
}
#endif
