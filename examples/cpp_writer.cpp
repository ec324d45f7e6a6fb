// The quick-start writer in C++: winshm_section and winshm_mapping close and
// unmap themselves on every path out.
//
//   cpp_writer.exe     creates the section, writes into it, starts cpp_reader.exe
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "winshm.h"

int main()
{
    winshm_section shm;
    winshm_mapping view;
    winshm_result r = shm.create_only("Local\\winshm_example_cpp", WINSHM_READ_WRITE, 4096);
    if (r != WINSHM_OK) {
        printf("create: %s (Windows error %lu)\n", winshm_result_string(r), GetLastError());
        return 1;
    }
    r = view.map(shm, WINSHM_READ_WRITE);
    if (r != WINSHM_OK) {
        printf("map: %s\n", winshm_result_string(r));
        return 1; // shm closes itself
    }
    strcpy(view.as<char>(), "hello from the C++ writer");
    printf("writer: wrote \"%s\" to %s\n", view.as<char>(), shm.name());
    fflush(stdout);

    // The section lives while this process holds it: run the reader now.
    wchar_t reader[MAX_PATH + 32];
    GetModuleFileNameW(nullptr, reader, MAX_PATH);
    wchar_t *slash = wcsrchr(reader, L'\\');
    wcscpy(slash ? slash + 1 : reader, L"cpp_reader.exe");
    STARTUPINFOW startup = {};
    startup.cb = sizeof startup;
    PROCESS_INFORMATION process = {};
    if (!CreateProcessW(reader, nullptr, nullptr, nullptr, FALSE, 0, nullptr, nullptr, &startup, &process)) {
        printf("cannot start the reader (Windows error %lu)\n", GetLastError());
        return 1;
    }
    DWORD code = 1;
    WaitForSingleObject(process.hProcess, INFINITE);
    GetExitCodeProcess(process.hProcess, &code);
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
    return static_cast<int>(code);
}
