/* Forced into every file of Criterion's MSVC-ABI build
 * (scripts/build-criterion-mingw.sh, ABI=msvc): what the Windows SDK and
 * MSVC's runtime headers have and Wine's leave out, and Criterion uses. */
#ifndef PIPE_REJECT_REMOTE_CLIENTS
#define PIPE_REJECT_REMOTE_CLIENTS 0x00000008 /* winbase.h; nanomsg's named pipes */
#endif
#ifndef PATH_MAX
#define PATH_MAX 260 /* MAX_PATH; Criterion's compat/path.c */
#endif
#ifndef _sctprintf
#define _sctprintf _scprintf /* tchar.h, for ANSI builds; BoxFort's sandbox-windows.c */
#endif
