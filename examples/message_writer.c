/* Two processes share a message. This one creates the section, writes the
 * message, then starts message_reader.exe, which opens it by name and reads.
 *
 *   message_writer.exe [text]
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "winshm.h"

#define SHM_NAME "Local\\winshm_example_message"

int main(int argc, char **argv)
{
    const char *message = argc > 1 ? argv[1] : "Hello from the writer process!";
    winshm shm = {0};
    winshm_view view = {0};
    wchar_t reader[MAX_PATH + 32], *slash;
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    DWORD exit_code = 1;

    winshm_result r = winshm_create_only(&shm, SHM_NAME, WINSHM_READ_WRITE, 4096, NULL);
    if (r != WINSHM_OK) {
        fprintf(stderr, "writer: create failed: %s (Windows error %lu)\n", winshm_result_string(r), GetLastError());
        return 1;
    }
    r = winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view);
    if (r != WINSHM_OK) {
        fprintf(stderr, "writer: map failed: %s\n", winshm_result_string(r));
        winshm_close(&shm);
        return 1;
    }
    strncpy((char *)view.data, message, view.size - 1);
    printf("writer: wrote \"%s\" to %s (%llu bytes)\n", (char *)view.data, winshm_get_name(&shm),
           (unsigned long long)winshm_get_size(&shm));
    fflush(stdout);

    /* The reader sits next to this program. The section lives as long as this
     * process holds it, so keep it open until the reader is done. */
    memset(&startup, 0, sizeof startup);
    startup.cb = sizeof startup;
    GetModuleFileNameW(NULL, reader, MAX_PATH);
    slash = wcsrchr(reader, L'\\');
    wcscpy(slash ? slash + 1 : reader, L"message_reader.exe");
    if (!CreateProcessW(reader, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process)) {
        fprintf(stderr, "writer: cannot start the reader (error %lu)\n", GetLastError());
    } else {
        WaitForSingleObject(process.hProcess, INFINITE);
        GetExitCodeProcess(process.hProcess, &exit_code);
        CloseHandle(process.hThread);
        CloseHandle(process.hProcess);
    }
    winshm_unmap(&view);
    winshm_close(&shm);
    return (int)exit_code;
}
