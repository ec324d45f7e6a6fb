/* Sharing without a name: the parent creates an unnamed section, writes to
 * it, and gives a child a read-only handle, inherited by the child and named
 * on its command line. Nobody can open the section by name, and the child
 * cannot turn its handle into a writable one.
 *
 *   share_handle_parent.exe
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "winshm.h"

int main(void)
{
    winshm shm = {0};
    winshm_view view = {0};
    void *read_only = NULL;
    wchar_t child_path[MAX_PATH + 32], command[MAX_PATH + 64], *slash;
    STARTUPINFOEXW startup;
    PROCESS_INFORMATION process;
    SIZE_T list_size = 0;
    DWORD exit_code = 1;
    winshm_result r;

    r = winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, 4096, NULL);
    if (r == WINSHM_OK)
        r = winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view);
    /* Inheritable, read-only, and only for the child: duplicate it so. */
    if (r == WINSHM_OK)
        r = winshm_duplicate(&shm, NULL, WINSHM_READ_ONLY, 1, &read_only);
    if (r != WINSHM_OK) {
        fprintf(stderr, "parent: %s (Windows error %lu)\n", winshm_result_string(r), GetLastError());
        return 1;
    }
    strcpy((char *)view.data, "a secret only my child may read");
    printf("parent: wrote \"%s\" to an unnamed section\n", (char *)view.data);
    fflush(stdout);

    /* Let the child inherit this one handle, not every inheritable handle. */
    memset(&startup, 0, sizeof startup);
    startup.StartupInfo.cb = sizeof startup;
    InitializeProcThreadAttributeList(NULL, 1, 0, &list_size);
    startup.lpAttributeList = (LPPROC_THREAD_ATTRIBUTE_LIST)HeapAlloc(GetProcessHeap(), 0, list_size);
    if (!startup.lpAttributeList || !InitializeProcThreadAttributeList(startup.lpAttributeList, 1, 0, &list_size) ||
        !UpdateProcThreadAttribute(startup.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, &read_only,
                                   sizeof read_only, NULL, NULL)) {
        fprintf(stderr, "parent: cannot prepare the child's handle list (error %lu)\n", GetLastError());
        return 1;
    }
    GetModuleFileNameW(NULL, child_path, MAX_PATH);
    slash = wcsrchr(child_path, L'\\');
    wcscpy(slash ? slash + 1 : child_path, L"share_handle_child.exe");
    swprintf(command, sizeof command / sizeof command[0], L"share_handle_child.exe %llu",
             (unsigned long long)(uintptr_t)read_only);
    if (CreateProcessW(child_path, command, NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                       &startup.StartupInfo, &process)) {
        WaitForSingleObject(process.hProcess, INFINITE);
        GetExitCodeProcess(process.hProcess, &exit_code);
        CloseHandle(process.hThread);
        CloseHandle(process.hProcess);
    } else {
        fprintf(stderr, "parent: cannot start the child (error %lu)\n", GetLastError());
    }
    DeleteProcThreadAttributeList(startup.lpAttributeList);
    HeapFree(GetProcessHeap(), 0, startup.lpAttributeList);
    CloseHandle(read_only); /* the parent's copy of what it handed out */
    printf("parent: the bytes are still \"%s\"\n", (char *)view.data);
    winshm_unmap(&view);
    winshm_close(&shm);
    return (int)exit_code;
}
