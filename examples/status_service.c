/* A service publishes its status to every signed-in user, read-only.
 *
 * The service (here: this program) creates a Global\ section with the
 * USERS_READ preset: it and LocalSystem hold every right, Authenticated
 * Users may query and map it read-only, and nobody else may change who
 * may do what. No NULL DACL, no SDDL, no advapi32 in winshm itself.
 *
 * To show the user's side without a second account, it starts
 * status_viewer.exe as "another user": with a copy of its own token in which
 * its user SID only denies (CreateRestrictedToken). On Windows the viewer
 * may then read but not write; Wine does not enforce that restriction, so
 * there the viewer is refused nothing.
 *
 *   status_service.exe
 *
 * Creating a Global\ name needs SeCreateGlobalPrivilege, which services and
 * administrators have; an ordinary user gets WINSHM_ERROR_ACCESS_DENIED. */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "winshm.h"

#define STATUS_NAME "Global\\winshm_example_status"

/* This process's token, with its user SID made deny-only. */
static HANDLE other_user_token(void)
{
    HANDLE token = NULL, restricted = NULL;
    union { TOKEN_USER user; unsigned char bytes[256]; } info;
    DWORD returned = 0;
    SID_AND_ATTRIBUTES deny;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ASSIGN_PRIMARY, &token))
        return NULL;
    if (GetTokenInformation(token, TokenUser, &info, sizeof info, &returned)) {
        deny.Sid = info.user.User.Sid;
        deny.Attributes = 0;
        if (!CreateRestrictedToken(token, 0, 1, &deny, 0, NULL, 0, NULL, &restricted))
            restricted = NULL;
    }
    CloseHandle(token);
    return restricted;
}

int main(void)
{
    winshm_permissions perm = {0};
    winshm shm = {0};
    winshm_view view = {0};
    wchar_t viewer[MAX_PATH + 32], *slash;
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    DWORD exit_code = 1;
    HANDLE token;
    winshm_result r;

    perm.access = WINSHM_ACCESS_USERS_READ;
    r = winshm_create_only(&shm, STATUS_NAME, WINSHM_READ_WRITE, 4096, &perm);
    if (r == WINSHM_OK)
        r = winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view);
    if (r != WINSHM_OK) {
        fprintf(stderr, "service: %s: %s (Windows error %lu)%s\n", STATUS_NAME, winshm_result_string(r), GetLastError(),
                r == WINSHM_ERROR_ACCESS_DENIED ? "; Global\\ names need SeCreateGlobalPrivilege" : "");
        return 1;
    }
    strcpy((char *)view.data, "service: running, 3 jobs queued");
    printf("service: published \"%s\" in %s\n", (char *)view.data, winshm_get_name(&shm));
    fflush(stdout);

    token = other_user_token();
    if (!token) {
        fprintf(stderr, "service: cannot make a restricted token (error %lu)\n", GetLastError());
        return 1;
    }
    GetModuleFileNameW(NULL, viewer, MAX_PATH);
    slash = wcsrchr(viewer, L'\\');
    wcscpy(slash ? slash + 1 : viewer, L"status_viewer.exe");
    memset(&startup, 0, sizeof startup);
    startup.cb = sizeof startup;
    if (CreateProcessAsUserW(token, viewer, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process)) {
        WaitForSingleObject(process.hProcess, INFINITE);
        GetExitCodeProcess(process.hProcess, &exit_code);
        CloseHandle(process.hThread);
        CloseHandle(process.hProcess);
    } else {
        fprintf(stderr, "service: cannot start the viewer (error %lu)\n", GetLastError());
    }
    CloseHandle(token);
    winshm_unmap(&view);
    winshm_close(&shm);
    return (int)exit_code;
}
