// One translation unit of the C++ compile checks: includes winshm.h as the
// macros below select and uses every member of winshm_section and
// winshm_mapping. Built as C++11 to C++20, with -fno-exceptions, with
// <windows.h> before, after or not at all, and linked two units to a program.
// Its function returns 0 when everything worked.
//
//   WINSHM_TU          name of this unit's function
//   WINSHM_TU_WINDOWS  0: no <windows.h>, 1: before winshm.h, 2: after it
//   WINSHM_TU_MAIN     2: also define main() calling this unit and unit_b
#if WINSHM_TU_WINDOWS == 1
#include <windows.h>
#endif
#include "winshm.h"
#if WINSHM_TU_WINDOWS == 2
#include <windows.h>
#endif

#define WINSHM_TU_INIT_NAME2(tu) tu##_init
#define WINSHM_TU_INIT_NAME(tu) WINSHM_TU_INIT_NAME2(tu)
static int WINSHM_TU_INIT_NAME(WINSHM_TU)(const winshm_view *view, void *)
{
    *static_cast<unsigned char *>(view->data) = 9;
    return 0;
}

extern "C" int WINSHM_TU(void);

int WINSHM_TU(void)
{
    int failures = 0;
    bool created = false;
    winshm_section a, b;
    winshm_mapping m, n;
    winshm_options options = {};
    void *handle = nullptr;
    failures += a.create_only(nullptr, WINSHM_READ_WRITE, 65536) != WINSHM_OK;
    failures += b.create_only(L"Local\\winshm_cpp_compile", WINSHM_READ_WRITE, 65536) != WINSHM_OK;
    failures += !a || !a.is_open() || a.size() != 65536 || a.mode() != WINSHM_READ_WRITE || a.flags() != 0;
    failures += *a.name() != 0 || *a.name_w() != 0 || a.handle() == nullptr || a.get() == nullptr;
    failures += m.map(a, WINSHM_READ_WRITE) != WINSHM_OK || !m || m.size() != 65536 || m.data() == nullptr;
    *m.as<unsigned char>() = 1;
    failures += n.map_mirrored(a, WINSHM_READ_WRITE, 0, 0) != WINSHM_OK || n.as<unsigned char>()[65536] != 1;
    n.unmap();
    failures += n.map_at(a, WINSHM_READ_ONLY, 0, 0, nullptr) != WINSHM_OK || n.commit(0, 0) != WINSHM_OK;
    failures += n.get()->data == nullptr;
    n = static_cast<winshm_mapping &&>(m);
    winshm_mapping moved(static_cast<winshm_mapping &&>(n));
    swap(m, moved);
    m.swap(moved);
    failures += a.duplicate(nullptr, WINSHM_READ_ONLY, false, &handle) != WINSHM_OK;
    {
        winshm_section adopted;
        failures += adopted.adopt(handle, WINSHM_READ_ONLY) != WINSHM_OK;
    }
    winshm_section c(static_cast<winshm_section &&>(a));
    a = static_cast<winshm_section &&>(c);
    swap(a, c);
    a.swap(c);
    c.close();
    failures += c.open_only("Local\\winshm_cpp_compile", WINSHM_READ_ONLY) != WINSHM_OK;
    c.close();
    failures += c.open_only(L"Local\\winshm_cpp_compile", WINSHM_READ_ONLY) != WINSHM_OK;
    c.close();
    failures += c.open_or_create("Local\\winshm_cpp_compile", WINSHM_READ_ONLY, 1, nullptr, &created) != WINSHM_OK || created;
    c.close();
    failures += c.open_or_create(L"Local\\winshm_cpp_compile", WINSHM_READ_ONLY, 1) != WINSHM_OK;
    c.close();
    failures += c.create_ex("Local\\winshm_cpp_compile", WINSHM_READ_WRITE, 1) != WINSHM_ERROR_ALREADY_EXISTS;
    failures += c.create_ex(L"Local\\winshm_cpp_compile", WINSHM_READ_WRITE, 1, &options, &created) != WINSHM_ERROR_ALREADY_EXISTS;
    options.flags = WINSHM_RESERVE;
    failures += c.create_ex(nullptr, WINSHM_READ_WRITE, 65536, &options) != WINSHM_OK;
    c.close();
    failures += c.create_unique(nullptr, WINSHM_READ_WRITE, 1) != WINSHM_OK;
    c.close();
    failures += c.open_or_init("Local\\winshm_cpp_init", WINSHM_READ_WRITE, 1, nullptr, WINSHM_TU_INIT_NAME(WINSHM_TU),
                               nullptr, WINSHM_INFINITE, &created) != WINSHM_OK;
    failures += b.open_or_init(L"Local\\winshm_cpp_init", WINSHM_READ_ONLY, 0, nullptr, nullptr, nullptr, 0)
                != WINSHM_ERROR_INVALID_ARGUMENT; // b is open
    const winshm_section &constant = b;
    failures += constant.get() == nullptr;
    return failures;
}

#if defined(WINSHM_TU_MAIN)
extern "C" int unit_b(void);
int main()
{
    return WINSHM_TU() + unit_b() != 0;
}
#endif
