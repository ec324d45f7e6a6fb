/* winshm.h - Windows native shared memory in one header, v0.3.0
 *
 * Pagefile-backed sections, named or unnamed, over CreateFileMappingW,
 * OpenFileMappingW and MapViewOfFile. Include it and link kernel32; there is
 * nothing to define and nothing to build. It does not include <windows.h>.
 *
 *     #include "winshm.h"
 *
 *     winshm shm = WINSHM_EMPTY;
 *     winshm_view view = WINSHM_EMPTY;
 *     winshm_result r = winshm_create_only(&shm, "Local\\demo", WINSHM_READ_WRITE, 4096, NULL);
 *     if (r != WINSHM_OK) { printf("%s\n", winshm_result_string(r)); return 1; }
 *     if (winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &view) == WINSHM_OK) {
 *         strcpy((char *)view.data, "hello");
 *         winshm_unmap(&view);
 *     }
 *     winshm_close(&shm);
 *
 * API at a glance (every call that can fail returns a winshm_result; on
 * failure GetLastError() holds the Windows error behind it, after success 0).
 * Each prototype below has its full contract beside it.
 *   winshm_create_only[_w]    new section; ALREADY_EXISTS if the name is taken
 *   winshm_open_or_create[_w] open it, or create it; *created tells which
 *   winshm_open_only[_w]      open an existing section; never creates
 *   winshm_create_ex[_w]      either of the two above, with options: reserve-only
 *                             sections (WINSHM_RESERVE) that commit on demand
 *   winshm_create_unique      a new section under a random name nobody can squat
 *   winshm_open_or_init[_w]   open_or_create, but nobody sees it before it is
 *                             initialised, even when an initialiser crashes;
 *                             readers can wait for it
 *   winshm_close / winshm_move / winshm_swap
 *   winshm_is_open / winshm_get_name[_w] / winshm_get_mode / winshm_get_size /
 *   winshm_get_flags / winshm_get_handle   O(1) queries: no system call, no allocation
 *   winshm_map / winshm_unmap views at any offset (alignment is done for you)
 *   winshm_map_at             a view at the address you choose
 *   winshm_map_mirrored       one range mapped twice, back to back (rings)
 *   winshm_commit             commit pages of a reserve-only section in a view
 *   winshm_page_size / winshm_allocation_granularity   the system's geometry
 *   winshm_duplicate / winshm_adopt  share a section by handle, with reduced rights
 *   winshm_result_string      a short English text for each result code
 * C++ (C++11 and later, unless WINSHM_NO_CPP): winshm_section and
 * winshm_mapping own a winshm and a winshm_view, move-only; see the end.
 *
 * Objects, threads and lifetime:
 *   - A winshm and a winshm_view are plain structs you own. Zeroed means
 *     empty (winshm s = WINSHM_EMPTY; which is {0} in C and {} in C++), and
 *     every call that fills one wants it empty.
 *   - Calls on different objects may run on any threads at once. One object
 *     is like any C object: share it read-only, or lock around the calls that
 *     change it (constructors, close, move, swap, map, unmap).
 *   - A section lives until its last handle and its last view, in every
 *     process, are gone; then its bytes are gone too. Closing a winshm frees
 *     the name at once if no other handle holds it; its views stay valid
 *     until unmapped.
 *   - winshm does not synchronise the bytes. Two processes writing one
 *     section need their own protocol: atomics, events or mutexes.
 *     Treat what another process wrote as untrusted input: read a size or an
 *     offset from shared memory once, check it, and use your checked copy.
 *
 * Configuration, define before including, the same way in every file of a
 * program that includes winshm.h (with C++ `inline`, two definitions that
 * differ break the one-definition rule; with `static`, they silently differ):
 *   WINSHM_API     linkage of every function: `static inline` (the default),
 *                  `static`, or in C++ `inline`. Every file that includes the
 *                  header gets the definitions, so keep internal linkage or
 *                  C++ inline; unused functions do not warn with any of them.
 *   WINSHM_MALLOC, WINSHM_FREE   the allocator for the name copies (both or
 *                  neither; like malloc and free: void *, NULL on failure);
 *                  default malloc and free.
 *   WINSHM_NO_CPP  leaves out the C++ classes.
 *   WINSHM_RANDOM(buffer, bytes)   the cryptographic generator behind
 *                  winshm_create_unique: fills `bytes` bytes at `buffer` and
 *                  evaluates to 0, or to a Windows error (ERROR_NOT_SUPPORTED
 *                  when there is none). Default: the system's.
 * For tests only (the project's own suites use it; applications never need it):
 *   WINSHM_USE_PLACEHOLDERS   an int expression, evaluated on each
 *                  winshm_map_mirrored: 0 makes it take its fallback even
 *                  where placeholders exist, so both paths can be tested.
 *                  Default 1.
 *
 * Sharing across widths: a section, its handles and its commits work the
 * same between 32- and 64-bit processes. What you put in it must too: only
 * fixed-width types (no pointers, size_t or long-vs-long-long guesses),
 * 64-bit fields 8-aligned from the start of the view, and 64-bit atomics
 * (single instructions on x86 too) for anything shared that changes.
 *
 * Versions: CHANGELOG.md. 0.3.0 adds open_or_init and the C++ classes, and
 * refuses a view that is still mapped; 0.2.0 added create_ex, commit,
 * reserve-only sections, map_at, map_mirrored, access presets, create_unique.
 *
 * Full manual: README.md. Licence: MIT, at the end of this file.
 */
#ifndef WINSHM_H
#define WINSHM_H

#define WINSHM_VERSION_MAJOR 0
#define WINSHM_VERSION_MINOR 3
#define WINSHM_VERSION_PATCH 0
#define WINSHM_VERSION_STRING "0.3.0"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef WINSHM_API
#  if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L)
#    define WINSHM_API static inline
#  elif defined(_MSC_VER)
#    define WINSHM_API static __inline
#  else
#    define WINSHM_API static __inline__
#  endif
#endif

#if defined(WINSHM_MALLOC) != defined(WINSHM_FREE)
#  error "winshm.h: define both WINSHM_MALLOC and WINSHM_FREE, or neither"
#endif
#ifndef WINSHM_MALLOC
#  include <stdlib.h>
#  define WINSHM_MALLOC(bytes) malloc(bytes)
#  define WINSHM_FREE(pointer) free(pointer)
#endif

/* Casts and the null pointer, spelt so that C++ builds with -Wold-style-cast
 * and -Wzero-as-null-pointer-constant stay quiet too. */
#ifdef __cplusplus
#  define WINSHM_IMPL_CAST(type, value) static_cast<type>(value)
#  define WINSHM_IMPL_PUN(type, value) reinterpret_cast<type>(value)
#  define WINSHM_IMPL_NULL nullptr
#else
#  define WINSHM_IMPL_CAST(type, value) ((type)(value))
#  define WINSHM_IMPL_PUN(type, value) ((type)(value))
#  define WINSHM_IMPL_NULL NULL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- public API */

typedef enum winshm_mode {          /* values are non-zero; 0 means "no mode" */
    WINSHM_READ_ONLY = 1,
    WINSHM_READ_WRITE = 2,
    WINSHM_COPY_ON_WRITE = 3        /* writes stay private to the view */
} winshm_mode;

/* Every call that can fail returns one of these. On failure the target is
 * left empty, nothing leaks, and GetLastError() holds the Windows error
 * behind the result. After WINSHM_OK, GetLastError() is 0 (the one exception:
 * an open_or_create that opened an existing section leaves ERROR_ALREADY_EXISTS). */
typedef enum winshm_result {
    WINSHM_OK = 0,
    WINSHM_ERROR_INVALID_ARGUMENT = -1, /* NULL pointer, unknown mode or flag, size 0, target not empty, NULL name where one is required, not a section handle */
    WINSHM_ERROR_INVALID_NAME     = -2, /* "" name, invalid UTF-8/UTF-16, a namespace path that does not exist, name too long */
    WINSHM_ERROR_ALREADY_EXISTS   = -3, /* create_only: a section of that name exists */
    WINSHM_ERROR_NOT_FOUND        = -4, /* open_only: no object of that name */
    WINSHM_ERROR_ACCESS_DENIED    = -5, /* rights or page protection forbid it (includes a read-write view of a read-only handle) */
    WINSHM_ERROR_OUT_OF_RANGE     = -6, /* view past the end; open_or_create found an existing section smaller than asked; size not addressable */
    WINSHM_ERROR_OUT_OF_MEMORY    = -7, /* commit limit, no memory, or heap allocation failed */
    WINSHM_ERROR_NAME_IN_USE      = -8, /* the name belongs to something else: a mutex, an event, a file or image section */
    WINSHM_ERROR_NOT_OPEN         = -9, /* the winshm or the view is empty */
    WINSHM_ERROR_OS               = -10, /* any other Windows error */
    WINSHM_ERROR_ADDRESS_IN_USE   = -11, /* the address range asked for is not free */
    WINSHM_ERROR_NOT_SUPPORTED    = -12, /* this version of Windows lacks what the call needs */
    WINSHM_ERROR_TIMEOUT          = -13, /* open_or_init: the handshake was not had within timeout_ms */
    WINSHM_ERROR_NOT_INITIALIZED  = -14  /* open_or_init: init failed, or (init NULL) the section exists but was never initialised */
} winshm_result;

typedef enum winshm_flags {
    WINSHM_RESERVE = 0x1      /* reserve-only: no page is committed until winshm_commit */
} winshm_flags;

/* Zero-initialises any winshm struct (winshm, winshm_view, winshm_options,
 * winshm_permissions) without a warning in C or in C++, where {0} and {}
 * each warn under -Wextra in the other language:
 *     winshm shm = WINSHM_EMPTY;
 *     winshm_view view = WINSHM_EMPTY; */
#ifdef __cplusplus
#  define WINSHM_EMPTY {}
#else
#  define WINSHM_EMPTY {0}
#endif

/* A zero-initialised winshm (WINSHM_EMPTY) is empty. The members are
 * private: use the functions below. */
typedef struct winshm {
    void *handle_;       /* section HANDLE; NULL when empty */
    wchar_t *name_w_;    /* NULL when unnamed; one allocation holds both spellings */
    char *name_;         /* UTF-8 spelling, inside the allocation of name_w_ */
    uint64_t size_;      /* page-rounded size, as the kernel reports it */
    winshm_mode mode_;
    unsigned flags_;     /* winshm_flags of the section */
} winshm;

/* Who may open a named section, as a protected DACL built without advapi32.
 * "The creating user" is the user SID of the creating process's token; it is
 * also made the owner, and nobody else gets WRITE_DAC, WRITE_OWNER or DELETE. */
typedef enum winshm_access {
    WINSHM_ACCESS_DEFAULT = 0,          /* the creating process's default DACL */
    WINSHM_ACCESS_OWNER_ONLY = 1,       /* the creating user and LocalSystem: all rights; nobody else */
    WINSHM_ACCESS_USERS_READ = 2,       /* OWNER_ONLY, plus Authenticated Users: query and map read-only */
    WINSHM_ACCESS_USERS_READ_WRITE = 3  /* OWNER_ONLY, plus Authenticated Users: query and map read-write */
} winshm_access;

typedef struct winshm_permissions {
    void *security_attributes; /* SECURITY_ATTRIBUTES*; used as given when non-NULL, then the fields below are ignored */
    int unrestricted;          /* non-zero: NULL DACL, any account may open it with any right (see README "Security") */
    int inheritable;           /* non-zero: child processes inherit the handle */
    winshm_access access;      /* a preset DACL for a named section; not with unrestricted, not for an unnamed one */
} winshm_permissions;          /* a NULL pointer or a zeroed struct means: the process default */

typedef struct winshm_options {
    const winshm_permissions *permissions; /* NULL: the process default */
    unsigned flags;                        /* winshm_flags, ORed */
    int open_existing;                     /* non-zero: open a section of that name if one exists
                                              (open_or_create); zero: create_only */
} winshm_options;                          /* NULL or zeroed: create_only, default permissions, no flags */

typedef struct winshm_view {
    void *data;                /* first byte of the requested range */
    size_t size;               /* bytes in the requested range (of one copy, if mirrored) */
    void *base_;               /* private: where the mapping starts; NULL when empty */
    size_t mirror_;            /* private: mirrored: the second copy starts this far after base_; else 0 */
    winshm_mode mode_;         /* private: the view's mode */
    unsigned flags_;           /* private: the section's winshm_flags, and how the view was placed */
} winshm_view;                 /* a zeroed view is empty; the map functions fill only an empty one */

/* Creating and opening. Each constructor needs an empty `shm` (else
 * INVALID_ARGUMENT) and a valid `mode`: the page protection when creating,
 * the access asked for when opening. `name` is UTF-8 (UTF-16 for _w);
 * "Local\", "Global\" and "Session\N\" prefixes pass through. On failure
 * `shm` stays empty and *created is 0. */

/* Creates a new section of at least `size` bytes (page-rounded; size 0 is
 * INVALID_ARGUMENT, above 2^63 minus a page OUT_OF_RANGE). name NULL: unnamed.
 * A taken name is ALREADY_EXISTS (or NAME_IN_USE if a non-section holds it).
 * Creation refused by Windows is ACCESS_DENIED, also where opening would be
 * allowed (Global\ without SeCreateGlobalPrivilege; an existing section whose
 * DACL refuses the rights creating asks for): create_only never opens.
 * perm may be NULL. Same as winshm_create_ex with options {perm}. */
WINSHM_API winshm_result winshm_create_only   (winshm *shm, const char *name, winshm_mode mode, uint64_t size, const winshm_permissions *perm);
/* Opens the named section, or creates it; *created (may be NULL) is 1 for the
 * one caller that created it, even across racing processes. An existing
 * section smaller than `size` is OUT_OF_RANGE, one that is not pagefile-backed
 * NAME_IN_USE. A NULL name is INVALID_ARGUMENT. If creating
 * is refused with ACCESS_DENIED (Global\ without SeCreateGlobalPrivilege), it
 * opens instead. Same as winshm_create_ex with options {perm, 0, 1}. */
WINSHM_API winshm_result winshm_open_or_create(winshm *shm, const char *name, winshm_mode mode, uint64_t size, const winshm_permissions *perm, int *created);
/* Opens an existing pagefile-backed section, asking only for the rights
 * `mode` needs plus SECTION_QUERY. Never creates: NOT_FOUND if nobody holds
 * the name, NAME_IN_USE if a non-section or a file or image section does,
 * ACCESS_DENIED if its DACL refuses. A NULL name is INVALID_ARGUMENT. */
WINSHM_API winshm_result winshm_open_only     (winshm *shm, const char *name, winshm_mode mode);
WINSHM_API winshm_result winshm_create_only_w   (winshm *shm, const wchar_t *name, winshm_mode mode, uint64_t size, const winshm_permissions *perm);
WINSHM_API winshm_result winshm_open_or_create_w(winshm *shm, const wchar_t *name, winshm_mode mode, uint64_t size, const winshm_permissions *perm, int *created);
WINSHM_API winshm_result winshm_open_only_w     (winshm *shm, const wchar_t *name, winshm_mode mode);

/* The constructor behind create_only and open_or_create. options NULL or
 * zeroed: create_only with default permissions. options->open_existing:
 * open_or_create, with all its rules. options->flags: WINSHM_RESERVE makes a
 * reserve-only section (mode must be WINSHM_READ_WRITE), whose pages cost no
 * commit charge until winshm_commit; an existing section that open_existing
 * finds keeps what it is. Unknown flags are INVALID_ARGUMENT. created may be NULL. */
WINSHM_API winshm_result winshm_create_ex  (winshm *shm, const char *name, winshm_mode mode, uint64_t size,
                                            const winshm_options *options, int *created);
WINSHM_API winshm_result winshm_create_ex_w(winshm *shm, const wchar_t *name, winshm_mode mode, uint64_t size,
                                            const winshm_options *options, int *created);

/* Creates a new named section whose name nobody can guess or take first:
 * `prefix` (UTF-8; NULL: "Local\winshm-") followed by 32 lowercase hex
 * digits, 128 bits from the system's cryptographic generator (ProcessPrng,
 * else BCryptGenRandom, looked up at run time; see WINSHM_RANDOM). A name
 * that is taken is drawn again, up to 16 times, then ALREADY_EXISTS (or
 * NAME_IN_USE). winshm_get_name tells the name. options as for create_ex;
 * open_existing set is INVALID_ARGUMENT. No generator: NOT_SUPPORTED. A prefix
 * that is not UTF-8 or makes the name too long: INVALID_NAME. */
WINSHM_API winshm_result winshm_create_unique(winshm *shm, const char *prefix, winshm_mode mode, uint64_t size,
                                              const winshm_options *options);

/* Fills a section the first time. view maps [0, size) read-write, zeroed:
 * a new section, or one a failed or dead initialiser left, cleared first.
 * Return 0 on success, anything else for failure. */
typedef int (*winshm_init_fn)(const winshm_view *view, void *context);

#define WINSHM_INFINITE 0xFFFFFFFFu
/* Appended to the section's name to name the handshake's mutex. */
#define WINSHM_INIT_MUTEX_SUFFIX ".winshm-init"
/* Appended to the section's name to name the event waiting readers sleep on. */
#define WINSHM_INIT_EVENT_SUFFIX ".winshm-ready"

/* open_or_create, but nobody sees the section before it is initialised, even
 * when an initialiser crashes. Every cooperating process calls it with the
 * same name. The section is size + 64 bytes, page-rounded; its last 64 bytes
 * are the library's state (READY or not), out of reach: the winshm it gives
 * reports `size` as its size (winshm_get_size), a view of size 0 ends there
 * and one past it is OUT_OF_RANGE. (A plain open_only of the name sees the
 * whole section, state included.)
 *   - Found READY and holding `size` bytes: it returns at once, taking no
 *     lock (the fast path; timeout_ms does not matter). *created = 0,
 *     GetLastError() ERROR_ALREADY_EXISTS. winshm_get_size is the size the
 *     initialiser gave, so a reader that passes size 0 learns it.
 *   - init given (mode must be READ_WRITE, size > 0, else INVALID_ARGUMENT):
 *     otherwise the calls for one name take turns on a named mutex, `name` +
 *     WINSHM_INIT_MUTEX_SUFFIX in the same namespace (with the section's
 *     security; closed before the call returns), waiting at most timeout_ms
 *     (WINSHM_INFINITE: no bound), else TIMEOUT. Holding it, the call opens or
 *     creates the section (open_or_create's rules: one too small is
 *     OUT_OF_RANGE) and, unless it is READY, zeroes [0, size) if it existed
 *     (in a reserve-only section only its committed pages; nothing new is
 *     committed), runs init(&view, context) on [0, size), and on 0 from it
 *     marks it READY and wakes the waiting readers: *created = 1,
 *     GetLastError() 0. Non-zero from init: NOT_INITIALIZED, shm empty, and
 *     the next caller initialises. READY but initialised with less than
 *     size: OUT_OF_RANGE.
 *   - init NULL (any mode) never creates and never takes the mutex. No
 *     section: NOT_FOUND; one not READY: NOT_INITIALIZED; READY with less
 *     than size (0 accepts any): OUT_OF_RANGE. With timeout_ms > 0 it first
 *     waits, until the section exists and is READY or timeout_ms has passed
 *     (then TIMEOUT), on a manual-reset event, `name` +
 *     WINSHM_INIT_EVENT_SUFFIX, with the section's security, that it creates
 *     if need be; where it may not create one and none exists, it looks
 *     again every 50 ms. A crashed initialiser leaves it waiting for the next
 *     one, or the timeout.
 * TIMEOUT leaves ERROR_TIMEOUT, NOT_INITIALIZED ERROR_NOT_READY. A dead
 * holder of the mutex is no error: the state says what it left. Another kind
 * of object holding the mutex's or (for a waiting reader) the event's name
 * is NAME_IN_USE; a name too long with a suffix, INVALID_NAME; a NULL name,
 * INVALID_ARGUMENT. A process that may not create the mutex (Global\ without
 * SeCreateGlobalPrivilege) joins a handshake in progress; with none running
 * it opens a READY section, and is ACCESS_DENIED where it would have to
 * initialise. options as for create_ex (WINSHM_RESERVE allowed: init gets a
 * view to pass to winshm_commit); open_existing is ignored. An open_or_create
 * creator of the same name defeats the handshake.
 * Why no lock is needed once READY: the initialiser stores READY last, with
 * release ordering, after everything init wrote; the fast path loads it
 * first, with acquire ordering, and checks every field of the state against
 * the others and the section; and READY never goes back, since init runs
 * only on a section that is not READY and no view made through open_or_init
 * reaches the state. */
WINSHM_API winshm_result winshm_open_or_init  (winshm *shm, const char    *name, winshm_mode mode, uint64_t size,
                                               const winshm_options *options, winshm_init_fn init, void *context,
                                               uint32_t timeout_ms, int *created);
WINSHM_API winshm_result winshm_open_or_init_w(winshm *shm, const wchar_t *name, winshm_mode mode, uint64_t size,
                                               const winshm_options *options, winshm_init_fn init, void *context,
                                               uint32_t timeout_ms, int *created);

/* Closes the handle and leaves shm empty; views stay valid until unmapped.
 * NULL or empty: nothing happens. */
WINSHM_API void winshm_close(winshm *shm);
/* Closes dst, moves src into it and leaves src empty. NULL or dst == src: nothing happens. */
WINSHM_API void winshm_move (winshm *dst, winshm *src);
/* Exchanges a and b. Either NULL: nothing happens. */
WINSHM_API void winshm_swap (winshm *a, winshm *b);

/* Queries: no system call, no allocation; NULL or empty gives 0, "" or NULL. */
WINSHM_API int            winshm_is_open   (const winshm *shm); /* non-zero if it holds a section */
WINSHM_API const char    *winshm_get_name  (const winshm *shm); /* UTF-8; "" if unnamed; valid until closed, moved or swapped */
WINSHM_API const wchar_t *winshm_get_name_w(const winshm *shm); /* UTF-16; as winshm_get_name */
WINSHM_API winshm_mode    winshm_get_mode  (const winshm *shm); /* the mode it was created or opened with */
WINSHM_API uint64_t       winshm_get_size  (const winshm *shm); /* page-rounded, the same in every process; from open_or_init, the size its initialiser gave */
WINSHM_API unsigned       winshm_get_flags (const winshm *shm); /* WINSHM_RESERVE if reserve-only, for creators, openers and adopters alike */
WINSHM_API void          *winshm_get_handle(const winshm *shm); /* the section HANDLE, still owned by shm */

/* Maps `size` bytes from any `offset` (size 0: through the end, which is
 * winshm_get_size) into `view`,
 * which must be empty (zeroed, or unmapped): a view still mapped is
 * INVALID_ARGUMENT and stays as it was. view->data points at the byte at
 * `offset`. A read-write view needs a read-write shm (else ACCESS_DENIED);
 * read-only and copy-on-write views work from any. Empty shm: NOT_OPEN. A
 * range past the end, or one whose size overflows: OUT_OF_RANGE. On any other
 * failure view is left empty. The view outlives shm. */
WINSHM_API winshm_result winshm_map  (const winshm *shm, winshm_mode mode, uint64_t offset, size_t size, winshm_view *view);
/* winshm_map with view->data placed at `address` (NULL: plain winshm_map).
 * `address` and `offset` must agree modulo the allocation granularity (the
 * mapping starts at address - offset % granularity, which must be a multiple
 * of it), else INVALID_ARGUMENT. If any of that range is not free:
 * ADDRESS_IN_USE, and nothing is mapped. Every other rule of winshm_map holds. */
WINSHM_API winshm_result winshm_map_at(const winshm *shm, winshm_mode mode, uint64_t offset, size_t size,
                                       void *address, winshm_view *view);
/* Maps the range twice, back to back: for every i < view->size, data[i] and
 * data[view->size + i] are the same byte, so a ring buffer never wraps inside
 * a record. view->size is one copy. offset and size (size 0: through the end)
 * must be multiples of the allocation granularity, and COPY_ON_WRITE is
 * refused (private copies would not alias): INVALID_ARGUMENT. Placed in one
 * address-space placeholder where Windows has them (10 1803+: VirtualAlloc2,
 * MapViewOfFile3, looked up at run time), else in a range found free, retried
 * if another thread takes it, then ADDRESS_IN_USE. No room for 2 * size:
 * OUT_OF_MEMORY (ERROR_NOT_ENOUGH_MEMORY). On a reserve-only section,
 * winshm_commit commits both copies. Every other rule of winshm_map holds. */
WINSHM_API winshm_result winshm_map_mirrored(const winshm *shm, winshm_mode mode, uint64_t offset, size_t size,
                                             winshm_view *view);
/* Unmaps and zeroes the view, of any kind (both copies of a mirrored one),
 * and releases the address space it held. NULL or empty: nothing happens. */
WINSHM_API void          winshm_unmap(winshm_view *view);

/* Commits the pages that cover bytes [offset, offset + size) of a view of a
 * reserve-only section (offsets from view->data; size 0: through the end of
 * the view; in a mirrored view, both copies). Committed pages start zeroed,
 * belong to the section (every view in every process shares them) and stay
 * until it is destroyed; there is no decommit. Each process commits in its own view before touching a page;
 * committing again is free. Not reserve-only: OK, nothing changes. NULL view:
 * INVALID_ARGUMENT; empty: NOT_OPEN; past the end: OUT_OF_RANGE; commit limit:
 * OUT_OF_MEMORY, and what was committed before stays. */
WINSHM_API winshm_result winshm_commit(const winshm_view *view, size_t offset, size_t size);

/* The system's page size and allocation granularity (where views start),
 * from GetSystemInfo, cached after the first call. */
WINSHM_API uint32_t winshm_page_size(void);
WINSHM_API uint32_t winshm_allocation_granularity(void);

/* A short static English text for each result; "unknown winshm result" otherwise. */
WINSHM_API const char *winshm_result_string(winshm_result result);

/* Sharing by handle, without a name (see README "Security").
 *
 * winshm_duplicate: duplicates the section handle into target_process (a
 * process HANDLE as void*; NULL or GetCurrentProcess() for this process) with
 * only the rights `mode` needs plus SECTION_QUERY. *out_handle (NULL on
 * failure) is the value in the target process, which must close or adopt it.
 * NULL shm or out_handle, or a bad mode: INVALID_ARGUMENT; empty shm:
 * NOT_OPEN; a read-write duplicate of a read-only shm: ACCESS_DENIED. For an
 * unnamed section, a WINSHM_READ_ONLY duplicate can never be used to map a
 * writable view, not even after DuplicateHandle by the receiver. */
WINSHM_API winshm_result winshm_duplicate(const winshm *shm, void *target_process, winshm_mode mode,
                                          int inheritable, void **out_handle);
/* winshm_adopt: takes ownership of a section handle received from elsewhere
 * (inherited, duplicated, passed on a command line) into an empty shm. Anything
 * but a pagefile-backed section handle (NULL, INVALID_HANDLE_VALUE, an event,
 * a file or image section) is INVALID_ARGUMENT with ERROR_INVALID_HANDLE; a
 * handle without SECTION_QUERY or the map rights `mode` needs is
 * ACCESS_DENIED. It learns the size, the flags and the name ("" unless one can
 * be read). On failure the handle stays the caller's. */
WINSHM_API winshm_result winshm_adopt(winshm *shm, void *handle, winshm_mode mode);

/* ------------------------------------------------------------ implementation */
/* Everything below is private. Names start with winshm_impl_ / WINSHM_IMPL_.
 *
 * With WINSHM_API `static`, a file that calls one function would otherwise
 * warn about every other one ("defined but not used"): that warning is off
 * for the definitions below, and only for them. */
#if defined(__GNUC__) || defined(__clang__)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wunused-function"
/* A cast from a 64-bit size to size_t or a pointer-sized integer narrows in
 * 32-bit code and is the identity in 64-bit code, where g++'s
 * -Wuseless-cast would flag it. */
#  if defined(__cplusplus) && !defined(__clang__)
#    pragma GCC diagnostic ignored "-Wuseless-cast"
#  endif
#  if defined(__clang__) && defined(__has_warning)
/* Two of clang's -Weverything warnings (clang 16 and later) are noise here,
 * and off for the definitions below only: GetProcAddress returns one
 * function type for every function, so the casts to the real types are the
 * point (-Wcast-function-type-strict); and C++'s hardened-buffer model flags
 * every index into an array, here a table indexed by a checked mode
 * (-Wunsafe-buffer-usage). */
#    if __has_warning("-Wcast-function-type-strict")
#      pragma clang diagnostic ignored "-Wcast-function-type-strict"
#    endif
#    if __has_warning("-Wunsafe-buffer-usage")
#      pragma clang diagnostic ignored "-Wunsafe-buffer-usage"
#    endif
#  endif
#elif defined(_MSC_VER)
#  pragma warning(push)
#  pragma warning(disable: 4505) /* unreferenced function with internal linkage removed */
#endif

/* kernel32, declared here with exactly the types <windows.h> uses, so that
 * either header may come first. SIZE_T is ULONG_PTR: unsigned long on Win32. */
#ifdef _WIN64
typedef unsigned long long winshm_impl_ulong_ptr;
typedef long long winshm_impl_int_ptr;
#else
typedef unsigned long winshm_impl_ulong_ptr;
typedef int winshm_impl_int_ptr;
#endif
/* The SDK's own names follow (HINSTANCE__, _SECURITY_ATTRIBUTES, _SYSTEM_INFO),
 * so that the prototypes match <windows.h>: they are reserved identifiers,
 * on purpose. */
#if defined(__clang__) && defined(__has_warning)
#  if __has_warning("-Wreserved-identifier")
#    pragma clang diagnostic push
#    pragma clang diagnostic ignored "-Wreserved-identifier"
#    define WINSHM_IMPL_RESERVED_PUSHED
#  endif
#endif
#if defined(STRICT) || !defined(NO_STRICT)
struct HINSTANCE__; /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): the SDK's HMODULE */
typedef struct HINSTANCE__ *winshm_impl_hmodule;
#else
typedef void *winshm_impl_hmodule;
#endif
typedef winshm_impl_int_ptr (__stdcall *winshm_impl_farproc)(void);
typedef void (*winshm_impl_any_fn)(void);
struct _SECURITY_ATTRIBUTES; /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
struct _SYSTEM_INFO;         /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
struct _MEMORY_BASIC_INFORMATION; /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#ifdef WINSHM_IMPL_RESERVED_PUSHED
#  pragma clang diagnostic pop
#  undef WINSHM_IMPL_RESERVED_PUSHED
#endif

__declspec(dllimport) void *__stdcall CreateFileMappingW(void *hFile, struct _SECURITY_ATTRIBUTES *lpFileMappingAttributes, unsigned long flProtect, unsigned long dwMaximumSizeHigh, unsigned long dwMaximumSizeLow, const wchar_t *lpName);
__declspec(dllimport) void *__stdcall OpenFileMappingW(unsigned long dwDesiredAccess, int bInheritHandle, const wchar_t *lpName);
__declspec(dllimport) int __stdcall UnmapViewOfFile(const void *lpBaseAddress);
__declspec(dllimport) void *__stdcall MapViewOfFileEx(void *hFileMappingObject, unsigned long dwDesiredAccess, unsigned long dwFileOffsetHigh, unsigned long dwFileOffsetLow, winshm_impl_ulong_ptr dwNumberOfBytesToMap, void *lpBaseAddress);
__declspec(dllimport) int __stdcall VirtualFree(void *lpAddress, winshm_impl_ulong_ptr dwSize, unsigned long dwFreeType);
__declspec(dllimport) void *__stdcall VirtualAlloc(void *lpAddress, winshm_impl_ulong_ptr dwSize, unsigned long flAllocationType, unsigned long flProtect);
__declspec(dllimport) int __stdcall CloseHandle(void *hObject);
__declspec(dllimport) unsigned long __stdcall GetLastError(void);
__declspec(dllimport) void __stdcall SetLastError(unsigned long dwErrCode);
__declspec(dllimport) void __stdcall GetSystemInfo(struct _SYSTEM_INFO *lpSystemInfo);
__declspec(dllimport) winshm_impl_hmodule __stdcall GetModuleHandleW(const wchar_t *lpModuleName);
__declspec(dllimport) winshm_impl_hmodule __stdcall LoadLibraryExW(const wchar_t *lpLibFileName, void *hFile, unsigned long dwFlags);
__declspec(dllimport) winshm_impl_farproc __stdcall GetProcAddress(winshm_impl_hmodule hModule, const char *lpProcName);
__declspec(dllimport) int __stdcall DuplicateHandle(void *hSourceProcessHandle, void *hSourceHandle, void *hTargetProcessHandle, void **lpTargetHandle, unsigned long dwDesiredAccess, int bInheritHandle, unsigned long dwOptions);
__declspec(dllimport) unsigned long __stdcall GetCurrentProcessId(void);
__declspec(dllimport) void *__stdcall CreateMutexW(struct _SECURITY_ATTRIBUTES *lpMutexAttributes, int bInitialOwner, const wchar_t *lpName);
__declspec(dllimport) void *__stdcall OpenMutexW(unsigned long dwDesiredAccess, int bInheritHandle, const wchar_t *lpName);
__declspec(dllimport) int __stdcall ReleaseMutex(void *hMutex);
__declspec(dllimport) unsigned long __stdcall WaitForSingleObject(void *hHandle, unsigned long dwMilliseconds);
__declspec(dllimport) void *__stdcall CreateEventW(struct _SECURITY_ATTRIBUTES *lpEventAttributes, int bManualReset, int bInitialState, const wchar_t *lpName);
__declspec(dllimport) void *__stdcall OpenEventW(unsigned long dwDesiredAccess, int bInheritHandle, const wchar_t *lpName);
__declspec(dllimport) int __stdcall SetEvent(void *hEvent);
__declspec(dllimport) int __stdcall ResetEvent(void *hEvent);
__declspec(dllimport) unsigned long __stdcall GetTickCount(void);
__declspec(dllimport) void __stdcall Sleep(unsigned long dwMilliseconds);
__declspec(dllimport) winshm_impl_ulong_ptr __stdcall VirtualQuery(const void *lpAddress, struct _MEMORY_BASIC_INFORMATION *lpBuffer, winshm_impl_ulong_ptr dwLength);
__declspec(dllimport) int __stdcall ProcessIdToSessionId(unsigned long dwProcessId, unsigned long *pSessionId);
__declspec(dllimport) int __stdcall MultiByteToWideChar(unsigned int CodePage, unsigned long dwFlags, const char *lpMultiByteStr, int cbMultiByte, wchar_t *lpWideCharStr, int cchWideChar);
__declspec(dllimport) int __stdcall WideCharToMultiByte(unsigned int CodePage, unsigned long dwFlags, const wchar_t *lpWideCharStr, int cchWideChar, char *lpMultiByteStr, int cbMultiByte, const char *lpDefaultChar, int *lpUsedDefaultChar);

/* MSVC's intrinsics, as <intrin.h> declares them; GCC and clang (clang-cl
 * too) use their __atomic builtins instead. */
#if defined(_MSC_VER) && !defined(__GNUC__) && !defined(__clang__)
long _InterlockedExchange(long volatile *Target, long Value);
void _ReadWriteBarrier(void);
#  pragma intrinsic(_InterlockedExchange, _ReadWriteBarrier)
#  if defined(_M_ARM64) || defined(_M_ARM)
void __dmb(unsigned int);
#    pragma intrinsic(__dmb)
#  endif
#endif

/* (HANDLE)-1, which Windows uses for two things. */
#define WINSHM_IMPL_INVALID_HANDLE_VALUE WINSHM_IMPL_PUN(void *, WINSHM_IMPL_CAST(winshm_impl_int_ptr, -1))
#define WINSHM_IMPL_CURRENT_PROCESS WINSHM_IMPL_INVALID_HANDLE_VALUE /* GetCurrentProcess()'s pseudo-handle */

/* Win32 constants, under private names so that nothing clashes with <windows.h>. */
enum {
    WINSHM_IMPL_ERROR_FILE_NOT_FOUND = 2,
    WINSHM_IMPL_ERROR_PATH_NOT_FOUND = 3,
    WINSHM_IMPL_ERROR_ACCESS_DENIED = 5,
    WINSHM_IMPL_ERROR_INVALID_HANDLE = 6,
    WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY = 8,
    WINSHM_IMPL_ERROR_NOT_READY = 21,
    WINSHM_IMPL_ERROR_OUTOFMEMORY = 14,
    WINSHM_IMPL_ERROR_NOT_SUPPORTED = 50,
    WINSHM_IMPL_ERROR_INVALID_PARAMETER = 87,
    WINSHM_IMPL_ERROR_CALL_NOT_IMPLEMENTED = 120,
    WINSHM_IMPL_ERROR_INVALID_NAME = 123,
    WINSHM_IMPL_ERROR_PROC_NOT_FOUND = 127,
    WINSHM_IMPL_ERROR_BAD_PATHNAME = 161,
    WINSHM_IMPL_ERROR_ALREADY_EXISTS = 183,
    WINSHM_IMPL_ERROR_FILENAME_EXCED_RANGE = 206,
    WINSHM_IMPL_ERROR_INVALID_ADDRESS = 487,
    WINSHM_IMPL_ERROR_NO_UNICODE_TRANSLATION = 1113,
    WINSHM_IMPL_ERROR_PRIVILEGE_NOT_HELD = 1314,
    WINSHM_IMPL_ERROR_NO_SYSTEM_RESOURCES = 1450,
    WINSHM_IMPL_ERROR_PAGEFILE_QUOTA = 1454,
    WINSHM_IMPL_ERROR_COMMITMENT_LIMIT = 1455,
    WINSHM_IMPL_ERROR_TIMEOUT = 1460,
    WINSHM_IMPL_WAIT_TIMEOUT = 0x102,
    WINSHM_IMPL_SYNCHRONIZE = 0x100000,
    WINSHM_IMPL_MUTEX_MODIFY_STATE = 0x1,
    WINSHM_IMPL_MUTEX_ALL_ACCESS = 0x1F0001,
    WINSHM_IMPL_EVENT_MODIFY_STATE = 0x2,
    WINSHM_IMPL_EVENT_ALL_ACCESS = 0x1F0003,

    WINSHM_IMPL_PAGE_READONLY = 0x02,
    WINSHM_IMPL_PAGE_READWRITE = 0x04,
    WINSHM_IMPL_PAGE_WRITECOPY = 0x08,
    WINSHM_IMPL_PAGE_NOACCESS = 0x01,
    WINSHM_IMPL_MEM_COMMIT = 0x1000,
    WINSHM_IMPL_MEM_RESERVE = 0x2000,
    WINSHM_IMPL_MEM_MAPPED = 0x40000,
    WINSHM_IMPL_MEM_REPLACE_PLACEHOLDER = 0x4000,
    WINSHM_IMPL_MEM_RESERVE_PLACEHOLDER = 0x40000,
    WINSHM_IMPL_MEM_PRESERVE_PLACEHOLDER = 0x2,
    WINSHM_IMPL_MEM_RELEASE = 0x8000,
    /* view->flags_ beyond the section's winshm_flags. For tests only:
     * tests/test_views.c reads it to know which placement path ran. */
    WINSHM_IMPL_VIEW_PLACEHOLDERS = 0x100, /* a mirrored view placed in a placeholder */
    /* the fallback's tries when another thread keeps taking the range */
    WINSHM_IMPL_MIRROR_ATTEMPTS = 32,
    WINSHM_IMPL_SEC_FILE = 0x800000,
    WINSHM_IMPL_SEC_IMAGE = 0x1000000,
    WINSHM_IMPL_SEC_RESERVE = 0x4000000,
    WINSHM_IMPL_SECTION_QUERY = 0x01,
    WINSHM_IMPL_FILE_MAP_COPY = 0x01,
    WINSHM_IMPL_FILE_MAP_WRITE = 0x02,
    WINSHM_IMPL_FILE_MAP_READ = 0x04,
    WINSHM_IMPL_SECTION_MAP_WRITE = 0x02,
    WINSHM_IMPL_SECTION_MAP_READ = 0x04,
    WINSHM_IMPL_READ_CONTROL = 0x20000,
    WINSHM_IMPL_SECTION_ALL_ACCESS = 0xF001F,
    /* DELETE, WRITE_DAC and WRITE_OWNER: only the creating user gets them */
    WINSHM_IMPL_OWNER_ONLY_RIGHTS = 0xD0000,
    WINSHM_IMPL_SE_DACL_PROTECTED = 0x1000,
    WINSHM_IMPL_TOKEN_QUERY = 0x08,
    WINSHM_IMPL_LOAD_LIBRARY_SEARCH_SYSTEM32 = 0x800,
    WINSHM_IMPL_BCRYPT_USE_SYSTEM_PREFERRED_RNG = 0x2,
    WINSHM_IMPL_SE_DACL_PRESENT = 0x04,
    WINSHM_IMPL_CP_UTF8 = 65001,
    WINSHM_IMPL_MB_ERR_INVALID_CHARS = 0x08,
    WINSHM_IMPL_WC_ERR_INVALID_CHARS = 0x80,
    /* Object names are counted strings of at most 32,767 UTF-16 units, and
     * longer ones are silently truncated: refuse them instead. */
    WINSHM_IMPL_MAX_NAME_UNITS = 32766
};

/* Same layouts as SECURITY_ATTRIBUTES, SECURITY_DESCRIPTOR (absolute),
 * SYSTEM_INFO and SECTION_BASIC_INFORMATION. */
typedef struct winshm_impl_security_attributes {
    unsigned long length;
    void *descriptor;
    int inherit;
} winshm_impl_security_attributes;

typedef struct winshm_impl_security_descriptor {
    unsigned char revision;
    unsigned char sbz1;
    unsigned short control;
    void *owner;
    void *group;
    void *sacl;
    void *dacl;
} winshm_impl_security_descriptor;

/* An ACL with one ACCESS_ALLOWED_ACE for the OWNER RIGHTS SID (S-1-3-4). */
typedef struct winshm_impl_owner_rights_acl {
    unsigned char acl_revision;
    unsigned char acl_sbz1;
    unsigned short acl_size;
    unsigned short ace_count;
    unsigned short acl_sbz2;
    unsigned char ace_type;
    unsigned char ace_flags;
    unsigned short ace_size;
    unsigned long mask;
    unsigned char sid_revision;
    unsigned char sid_sub_authority_count;
    unsigned char sid_authority[6];
    unsigned long sid_sub_authority;
} winshm_impl_owner_rights_acl;

typedef struct winshm_impl_system_info {
    unsigned long oem_id;
    unsigned long page_size;
    void *minimum_address;
    void *maximum_address;
    winshm_impl_ulong_ptr active_processor_mask;
    unsigned long processor_count;
    unsigned long processor_type;
    unsigned long allocation_granularity;
    unsigned short processor_level;
    unsigned short processor_revision;
} winshm_impl_system_info;

typedef struct winshm_impl_memory_basic_information { /* MEMORY_BASIC_INFORMATION */
    void *base_address;
    void *allocation_base;
    unsigned long allocation_protect;
    winshm_impl_ulong_ptr region_size; /* after padding in 64-bit code, where the SDK has PartitionId */
    unsigned long state;
    unsigned long protect;
    unsigned long type;
} winshm_impl_memory_basic_information;

typedef struct winshm_impl_section_basic_information {
    void *base_address;
    unsigned long allocation_attributes;
    long long maximum_size;
} winshm_impl_section_basic_information;

typedef struct winshm_impl_unicode_string {
    unsigned short length;          /* in bytes */
    unsigned short maximum_length;
    wchar_t *buffer;
} winshm_impl_unicode_string;

typedef struct winshm_impl_object_basic_information { /* OBJECT_BASIC_INFORMATION */
    unsigned long attributes;
    unsigned long granted_access;
    unsigned long handle_count;
    unsigned long pointer_count;
    unsigned long reserved[7];
    long long create_time;
} winshm_impl_object_basic_information;

/* Private functions that return a Windows error (0: success) say so with this
 * type; the others return a winshm_result, or nothing that can fail. */
typedef unsigned long winshm_impl_error;

/* ============================================== modes, errors and geometry */

/* What each winshm_mode means to Windows: the page protection of a new
 * section (and of pages committed in a view), the access of a view, and the
 * section rights a handle needs for such views. Indexed by the mode. */
typedef struct winshm_impl_mode_rights {
    unsigned long protection;
    unsigned long view_access;
    unsigned long section_access;
} winshm_impl_mode_rights;

WINSHM_API const winshm_impl_mode_rights *winshm_impl_rights(winshm_mode mode)
{
    static const winshm_impl_mode_rights table[] = {
        {0, 0, 0},
        {WINSHM_IMPL_PAGE_READONLY, WINSHM_IMPL_FILE_MAP_READ, WINSHM_IMPL_SECTION_MAP_READ},
        {WINSHM_IMPL_PAGE_READWRITE, WINSHM_IMPL_FILE_MAP_WRITE, WINSHM_IMPL_SECTION_MAP_READ | WINSHM_IMPL_SECTION_MAP_WRITE},
        /* a copy-on-write view needs only read access to the section */
        {WINSHM_IMPL_PAGE_WRITECOPY, WINSHM_IMPL_FILE_MAP_COPY, WINSHM_IMPL_SECTION_MAP_READ},
    };
    return &table[mode];
}

typedef long (__stdcall *winshm_impl_nt_query_object_fn)(void *handle, int information_class, void *information, unsigned long information_size, unsigned long *result_size);
typedef long (__stdcall *winshm_impl_nt_map_view_of_section_fn)(void *section, void *process, void **base, winshm_impl_ulong_ptr zero_bits, winshm_impl_ulong_ptr commit_size, long long *offset, winshm_impl_ulong_ptr *view_size, int inherit, unsigned long allocation_type, unsigned long protection);
typedef long (__stdcall *winshm_impl_nt_query_section_fn)(void *section, int information_class, void *information, winshm_impl_ulong_ptr information_size, winshm_impl_ulong_ptr *result_size);
typedef unsigned long (__stdcall *winshm_impl_rtl_status_to_error_fn)(long status);
typedef long (__stdcall *winshm_impl_nt_open_process_token_fn)(void *process, unsigned long access, void **token);
typedef long (__stdcall *winshm_impl_nt_query_information_token_fn)(void *token, int information_class, void *information, unsigned long information_size, unsigned long *result_size);

/* The one place where Windows errors become results. `by_name` says whether
 * the call named an object: only then does ERROR_INVALID_HANDLE mean that the
 * name belongs to an object of another type. It is called for failures only,
 * so even an error of 0 (a call that failed without saying why) is WINSHM_ERROR_OS. */
WINSHM_API winshm_result winshm_impl_result_from_error(winshm_impl_error error, int by_name)
{
    switch (error) {
    case WINSHM_IMPL_ERROR_ALREADY_EXISTS: return WINSHM_ERROR_ALREADY_EXISTS;
    case WINSHM_IMPL_ERROR_FILE_NOT_FOUND: return WINSHM_ERROR_NOT_FOUND;
    case WINSHM_IMPL_ERROR_PATH_NOT_FOUND:
    case WINSHM_IMPL_ERROR_BAD_PATHNAME:
    case WINSHM_IMPL_ERROR_INVALID_NAME:
    case WINSHM_IMPL_ERROR_FILENAME_EXCED_RANGE:
    case WINSHM_IMPL_ERROR_NO_UNICODE_TRANSLATION: return WINSHM_ERROR_INVALID_NAME;
    case WINSHM_IMPL_ERROR_ACCESS_DENIED:
    case WINSHM_IMPL_ERROR_PRIVILEGE_NOT_HELD: return WINSHM_ERROR_ACCESS_DENIED;
    case WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY:
    case WINSHM_IMPL_ERROR_OUTOFMEMORY:
    case WINSHM_IMPL_ERROR_COMMITMENT_LIMIT:
    case WINSHM_IMPL_ERROR_PAGEFILE_QUOTA:
    case WINSHM_IMPL_ERROR_NO_SYSTEM_RESOURCES: return WINSHM_ERROR_OUT_OF_MEMORY;
    case WINSHM_IMPL_ERROR_INVALID_HANDLE: return by_name ? WINSHM_ERROR_NAME_IN_USE : WINSHM_ERROR_OS;
    case WINSHM_IMPL_ERROR_INVALID_PARAMETER: return WINSHM_ERROR_INVALID_ARGUMENT;
    case WINSHM_IMPL_ERROR_INVALID_ADDRESS: return WINSHM_ERROR_ADDRESS_IN_USE;
    case WINSHM_IMPL_ERROR_NOT_SUPPORTED:
    case WINSHM_IMPL_ERROR_CALL_NOT_IMPLEMENTED: return WINSHM_ERROR_NOT_SUPPORTED;
    default: return WINSHM_ERROR_OS;
    }
}

/* Sets the last error and returns the result: every failure goes through here
 * or through winshm_impl_result_from_error, so GetLastError() always matches. */
WINSHM_API winshm_result winshm_impl_fail(winshm_result result, winshm_impl_error error)
{
    SetLastError(error);
    return result;
}

WINSHM_API winshm_result winshm_impl_fail_with(winshm_impl_error error, int by_name)
{
    SetLastError(error);
    return winshm_impl_result_from_error(error, by_name);
}

/* Every success goes through here: GetLastError() is 0 afterwards. */
WINSHM_API winshm_result winshm_impl_succeed(void)
{
    SetLastError(0);
    return WINSHM_OK;
}

WINSHM_API const char *winshm_result_string(winshm_result result)
{
    /* Indexed by -result: a table, so that no switch warning set (default
     * missing, or default with every case covered) can fire. */
    static const char *const texts[] = {
        "success",
        "invalid argument",
        "invalid name",
        "shared memory of that name already exists",
        "no shared memory of that name",
        "access denied",
        "size or range out of bounds",
        "out of memory",
        "name belongs to another kind of object",
        "shared memory is not open",
        "operating system error",
        "address range in use",
        "not supported by this version of Windows",
        "timed out waiting for the initialisation handshake",
        "shared memory was not initialised",
    };
    int index = -WINSHM_IMPL_CAST(int, result);
    if (index < 0 || index >= WINSHM_IMPL_CAST(int, sizeof texts / sizeof texts[0]))
        return "unknown winshm result";
    return texts[index];
}

WINSHM_API int winshm_impl_mode_is_valid(winshm_mode mode)
{
    return mode == WINSHM_READ_ONLY || mode == WINSHM_READ_WRITE || mode == WINSHM_COPY_ON_WRITE;
}

/* Page size and allocation granularity never change while a process runs;
 * caching them keeps GetSystemInfo off the map path. Each cached value is
 * read once into a local and is either 0 or right, so a race only repeats
 * the lookup. */
WINSHM_API void winshm_impl_memory_geometry(uint32_t *page_size, uint32_t *granularity)
{
    static volatile uint32_t cached_page_size, cached_granularity;
    uint32_t page = cached_page_size, grain = cached_granularity;
    if (page == 0 || grain == 0) {
        winshm_impl_system_info info;
        memset(&info, 0, sizeof info);
        GetSystemInfo(WINSHM_IMPL_PUN(struct _SYSTEM_INFO *, &info));
        cached_page_size = page = WINSHM_IMPL_CAST(uint32_t, info.page_size);
        cached_granularity = grain = WINSHM_IMPL_CAST(uint32_t, info.allocation_granularity);
    }
    *page_size = page;
    *granularity = grain;
}

WINSHM_API uint32_t winshm_page_size(void)
{
    uint32_t page_size, granularity;
    winshm_impl_memory_geometry(&page_size, &granularity);
    return page_size;
}

WINSHM_API uint32_t winshm_allocation_granularity(void)
{
    uint32_t page_size, granularity;
    winshm_impl_memory_geometry(&page_size, &granularity);
    return granularity;
}

/* =================================================================== ntdll */

/* The ntdll functions winshm uses. ntdll is in every process, so they are
 * looked up, never linked. */
typedef struct winshm_impl_ntdll {
    winshm_impl_nt_query_section_fn query_section;
    winshm_impl_nt_query_object_fn query_object;
    winshm_impl_rtl_status_to_error_fn status_to_error;
    winshm_impl_nt_open_process_token_fn open_process_token;
    winshm_impl_nt_query_information_token_fn query_information_token;
    winshm_impl_nt_map_view_of_section_fn map_view_of_section;
} winshm_impl_ntdll;

/* Fills `ntdll`; returns a Win32 error, 0 on success. Each cached pointer is
 * read once and is either NULL or right, so a race only repeats the lookup. */
WINSHM_API winshm_impl_error winshm_impl_load_ntdll(winshm_impl_ntdll *ntdll)
{
    static winshm_impl_nt_query_section_fn volatile cached_query_section;
    static winshm_impl_nt_query_object_fn volatile cached_query_object;
    static winshm_impl_rtl_status_to_error_fn volatile cached_status_to_error;
    static winshm_impl_nt_open_process_token_fn volatile cached_open_process_token;
    static winshm_impl_nt_query_information_token_fn volatile cached_query_information_token;
    static winshm_impl_nt_map_view_of_section_fn volatile cached_map_view_of_section;
    ntdll->query_section = cached_query_section;
    ntdll->query_object = cached_query_object;
    ntdll->status_to_error = cached_status_to_error;
    ntdll->open_process_token = cached_open_process_token;
    ntdll->query_information_token = cached_query_information_token;
    ntdll->map_view_of_section = cached_map_view_of_section;
    if (!ntdll->query_section || !ntdll->query_object || !ntdll->status_to_error ||
        !ntdll->open_process_token || !ntdll->query_information_token || !ntdll->map_view_of_section) {
        winshm_impl_hmodule module = GetModuleHandleW(L"ntdll.dll");
        if (!module)
            return WINSHM_IMPL_ERROR_PROC_NOT_FOUND;
        /* Through void (*)(void), which every compiler takes as "any function":
         * these casts between function types are deliberate. */
        cached_query_section = ntdll->query_section =
            WINSHM_IMPL_PUN(winshm_impl_nt_query_section_fn, WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(module, "NtQuerySection")));
        cached_query_object = ntdll->query_object =
            WINSHM_IMPL_PUN(winshm_impl_nt_query_object_fn, WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(module, "NtQueryObject")));
        cached_status_to_error = ntdll->status_to_error =
            WINSHM_IMPL_PUN(winshm_impl_rtl_status_to_error_fn, WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(module, "RtlNtStatusToDosError")));
        cached_open_process_token = ntdll->open_process_token =
            WINSHM_IMPL_PUN(winshm_impl_nt_open_process_token_fn, WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(module, "NtOpenProcessToken")));
        cached_query_information_token = ntdll->query_information_token =
            WINSHM_IMPL_PUN(winshm_impl_nt_query_information_token_fn, WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(module, "NtQueryInformationToken")));
        cached_map_view_of_section = ntdll->map_view_of_section =
            WINSHM_IMPL_PUN(winshm_impl_nt_map_view_of_section_fn, WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(module, "NtMapViewOfSection")));
        if (!ntdll->query_section || !ntdll->query_object || !ntdll->status_to_error ||
            !ntdll->open_process_token || !ntdll->query_information_token || !ntdll->map_view_of_section)
            return WINSHM_IMPL_ERROR_PROC_NOT_FOUND;
    }
    return 0;
}

/* Learns the section's size and flags from the kernel, into `shm`. Only a
 * pagefile-backed data section is accepted: anything else, a file or image
 * section included, is ERROR_INVALID_HANDLE, as a handle of another type is. */
WINSHM_API winshm_impl_error winshm_impl_query_section(void *handle, winshm *shm)
{
    winshm_impl_ntdll ntdll;
    winshm_impl_section_basic_information info;
    winshm_impl_ulong_ptr returned = 0;
    long status;
    winshm_impl_error error = winshm_impl_load_ntdll(&ntdll);
    if (error)
        return error;
    memset(&info, 0, sizeof info);
    status = ntdll.query_section(handle, 0 /* SectionBasicInformation */, &info, sizeof info, &returned);
    if (status < 0)
        return ntdll.status_to_error(status);
    if (info.allocation_attributes & (WINSHM_IMPL_SEC_FILE | WINSHM_IMPL_SEC_IMAGE))
        return WINSHM_IMPL_ERROR_INVALID_HANDLE;
    shm->size_ = WINSHM_IMPL_CAST(uint64_t, info.maximum_size);
    shm->flags_ = (info.allocation_attributes & WINSHM_IMPL_SEC_RESERVE) ? WINSHM_IMPL_CAST(unsigned, WINSHM_RESERVE) : 0u;
    return 0;
}

/* =================================================================== names */

/* One allocation for both spellings of a name: `units` UTF-16 units and
 * `bytes` UTF-8 bytes, each with room for its terminator. */
WINSHM_API winshm_impl_error winshm_impl_name_alloc(winshm *shm, size_t units, size_t bytes)
{
    /* sizeof *shm->name_w_, not sizeof(wchar_t): cppcheck 2.17, which sees
     * no system header, reads "(wchar_t) + bytes" as a cast */
    const size_t block_bytes = ((units + 1) * sizeof *shm->name_w_) + bytes + 1;
    void *block = WINSHM_MALLOC(block_bytes);
    if (!block)
        return WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY;
    shm->name_w_ = WINSHM_IMPL_CAST(wchar_t *, block);
    shm->name_ = WINSHM_IMPL_PUN(char *, shm->name_w_ + units + 1);
    shm->name_w_[units] = 0;
    shm->name_[bytes] = 0;
    return 0;
}

/* A name of `length` units (bytes or UTF-16 units), counted no further than
 * `limit` + 1: empty is an invalid name, past `limit` too long. */
WINSHM_API winshm_impl_error winshm_impl_name_length_error(size_t length, size_t limit)
{
    if (length == 0)
        return WINSHM_IMPL_ERROR_INVALID_NAME;
    return length > limit ? WINSHM_IMPL_CAST(winshm_impl_error, WINSHM_IMPL_ERROR_FILENAME_EXCED_RANGE) : 0;
}

/* Fills shm->name_w_ and shm->name_ from a name given in one spelling, UTF-8
 * or UTF-16 (the other pointer NULL). */
WINSHM_API winshm_impl_error winshm_impl_set_name(winshm *shm, const char *utf8, const wchar_t *utf16)
{
    /* A UTF-16 unit takes at most 3 UTF-8 bytes, so a longer UTF-8 name is
     * too long whatever it says: stop counting there. */
    const size_t units_limit = WINSHM_IMPL_MAX_NAME_UNITS;
    const size_t limit = utf8 ? 3 * units_limit : units_limit;
    size_t given = 0; /* bytes of utf8, or units of utf16 */
    int other;        /* units of the UTF-16 spelling, or bytes of the UTF-8 one */
    winshm_impl_error error;
    if (utf8) {
        while (given <= limit && utf8[given])
            ++given;
    } else {
        while (given <= limit && utf16[given])
            ++given;
    }
    error = winshm_impl_name_length_error(given, limit);
    if (error)
        return error;
    other = utf8 ? MultiByteToWideChar(WINSHM_IMPL_CP_UTF8, WINSHM_IMPL_MB_ERR_INVALID_CHARS, utf8, WINSHM_IMPL_CAST(int, given),
                                       WINSHM_IMPL_NULL, 0)
                 : WideCharToMultiByte(WINSHM_IMPL_CP_UTF8, WINSHM_IMPL_WC_ERR_INVALID_CHARS, utf16, WINSHM_IMPL_CAST(int, given),
                                       WINSHM_IMPL_NULL, 0, WINSHM_IMPL_NULL, WINSHM_IMPL_NULL);
    if (other <= 0)
        return GetLastError();
    if (utf8 && other > WINSHM_IMPL_MAX_NAME_UNITS)
        return WINSHM_IMPL_ERROR_FILENAME_EXCED_RANGE;
    if (utf8) {
        error = winshm_impl_name_alloc(shm, WINSHM_IMPL_CAST(size_t, other), given);
        if (error)
            return error;
        MultiByteToWideChar(WINSHM_IMPL_CP_UTF8, 0, utf8, WINSHM_IMPL_CAST(int, given), shm->name_w_, other);
        memcpy(shm->name_, utf8, given);
    } else {
        size_t unit;
        error = winshm_impl_name_alloc(shm, given, WINSHM_IMPL_CAST(size_t, other));
        if (error)
            return error;
        /* A loop, not memcpy: where a caller passes utf16 NULL, GCC's
         * constant propagation would see memcpy(..., NULL, ...) on this
         * branch, which such callers never reach, and warn (-Wnonnull). */
        for (unit = 0; unit < given; ++unit)
            shm->name_w_[unit] = utf16[unit];
        WideCharToMultiByte(WINSHM_IMPL_CP_UTF8, 0, utf16, WINSHM_IMPL_CAST(int, given), shm->name_, other, WINSHM_IMPL_NULL,
                            WINSHM_IMPL_NULL);
    }
    return 0;
}

WINSHM_API void winshm_impl_free_name(winshm *shm)
{
    WINSHM_FREE(shm->name_w_);
    shm->name_w_ = WINSHM_IMPL_NULL;
    shm->name_ = WINSHM_IMPL_NULL;
}

/* The rights OpenFileMappingW and DuplicateHandle ask for: what `mode` maps,
 * plus SECTION_QUERY for the size. */
WINSHM_API unsigned long winshm_impl_open_access(winshm_mode mode)
{
    return WINSHM_IMPL_SECTION_QUERY | winshm_impl_rights(mode)->section_access;
}

/* Opens by name into `shm`, whose name is already set and stays set. */
WINSHM_API winshm_impl_error winshm_impl_open_named(winshm *shm, winshm_mode mode)
{
    winshm_impl_error error;
    void *handle = OpenFileMappingW(winshm_impl_open_access(mode), 0, shm->name_w_);
    if (!handle)
        return GetLastError();
    error = winshm_impl_query_section(handle, shm);
    if (error) {
        CloseHandle(handle);
        return error;
    }
    shm->handle_ = handle;
    shm->mode_ = mode;
    return 0;
}

/* winshm_impl_open_named, but on failure the name is freed. */
WINSHM_API winshm_impl_error winshm_impl_open(winshm *shm, winshm_mode mode)
{
    const winshm_impl_error error = winshm_impl_open_named(shm, mode);
    if (error)
        winshm_impl_free_name(shm);
    return error;
}

/* ================================================================ security */

/* Storage for the security attributes a create call passes. */
typedef struct winshm_impl_security {
    winshm_impl_security_attributes attributes;
    winshm_impl_security_descriptor descriptor;
    winshm_impl_owner_rights_acl owner_rights_dacl;  /* unnamed sections */
    union { void *align; unsigned char bytes[128]; } token_user; /* TOKEN_USER and its SID (at most 68 bytes) */
    union { unsigned long align; unsigned char bytes[160]; } preset_dacl; /* header and up to three ACEs */
} winshm_impl_security;

/* Appends an ACCESS_ALLOWED_ACE for `sid` to the ACL in `acl` (byte by byte:
 * the layout is packed and the SID is of any length). */
WINSHM_API void winshm_impl_acl_allow(unsigned char *acl, unsigned long mask, const unsigned char *sid)
{
    unsigned short acl_size, ace_count;
    const unsigned short sid_size = WINSHM_IMPL_CAST(unsigned short, 8 + (4 * sid[1]));
    const unsigned short ace_size = WINSHM_IMPL_CAST(unsigned short, 8 + sid_size);
    unsigned char *ace;
    memcpy(&acl_size, acl + 2, 2);
    memcpy(&ace_count, acl + 4, 2);
    ace = acl + acl_size;
    ace[0] = 0; /* ACCESS_ALLOWED_ACE_TYPE */
    ace[1] = 0; /* no inheritance flags */
    memcpy(ace + 2, &ace_size, 2);
    memcpy(ace + 4, &mask, 4);
    memcpy(ace + 8, sid, sid_size);
    acl_size = WINSHM_IMPL_CAST(unsigned short, acl_size + ace_size);
    ++ace_count;
    memcpy(acl + 2, &acl_size, 2);
    memcpy(acl + 4, &ace_count, 2);
}

/* The user SID of this process's token, into `storage`; *sid points into it. */
WINSHM_API winshm_impl_error winshm_impl_token_user(winshm_impl_security *storage, unsigned char **sid)
{
    winshm_impl_ntdll ntdll;
    void *token = WINSHM_IMPL_NULL;
    unsigned long returned = 0;
    long status;
    winshm_impl_error error = winshm_impl_load_ntdll(&ntdll);
    if (error)
        return error;
    status = ntdll.open_process_token(WINSHM_IMPL_CURRENT_PROCESS, WINSHM_IMPL_TOKEN_QUERY, &token);
    if (status >= 0) {
        status = ntdll.query_information_token(token, 1 /* TokenUser */, storage->token_user.bytes,
                                               sizeof storage->token_user.bytes, &returned);
        CloseHandle(token);
    }
    if (status < 0)
        return ntdll.status_to_error(status);
    /* TOKEN_USER starts with the pointer to its SID, which follows it. */
    *sid = WINSHM_IMPL_CAST(unsigned char *, storage->token_user.align);
    return 0;
}

/* What each party of an access preset gets, for one kind of object. */
typedef struct winshm_impl_preset_rights {
    unsigned long user;             /* the creating user: everything */
    unsigned long local_system;     /* everything but DELETE, WRITE_DAC and WRITE_OWNER */
    unsigned long users_read;       /* Authenticated Users, USERS_READ */
    unsigned long users_read_write; /* Authenticated Users, USERS_READ_WRITE */
} winshm_impl_preset_rights;

WINSHM_API const winshm_impl_preset_rights *winshm_impl_section_preset_rights(void)
{
    static const winshm_impl_preset_rights rights = {
        WINSHM_IMPL_SECTION_ALL_ACCESS,
        WINSHM_IMPL_SECTION_ALL_ACCESS & ~WINSHM_IMPL_CAST(unsigned long, WINSHM_IMPL_OWNER_ONLY_RIGHTS),
        WINSHM_IMPL_SECTION_QUERY | WINSHM_IMPL_SECTION_MAP_READ,
        WINSHM_IMPL_SECTION_QUERY | WINSHM_IMPL_SECTION_MAP_READ | WINSHM_IMPL_SECTION_MAP_WRITE};
    return &rights;
}

/* The protected DACL of an access preset, and the creating user as owner. */
WINSHM_API winshm_impl_error winshm_impl_preset_descriptor(winshm_impl_security *security, winshm_access access,
                                                           const winshm_impl_preset_rights *rights)
{
    static const unsigned char local_system[12] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};        /* S-1-5-18 */
    static const unsigned char authenticated_users[12] = {1, 1, 0, 0, 0, 0, 0, 5, 11, 0, 0, 0}; /* S-1-5-11 */
    unsigned char *user = WINSHM_IMPL_NULL;
    unsigned char *acl = security->preset_dacl.bytes;
    winshm_impl_error error = winshm_impl_token_user(security, &user);
    if (error)
        return error;
    acl[0] = 2; /* ACL_REVISION */
    acl[2] = 8; /* the size so far: the header */
    winshm_impl_acl_allow(acl, rights->user, user);
    /* A service creating it is LocalSystem already: one ACE is enough. */
    if (user[1] != 1 || memcmp(user, local_system, sizeof local_system) != 0)
        winshm_impl_acl_allow(acl, rights->local_system, local_system);
    if (access == WINSHM_ACCESS_USERS_READ)
        winshm_impl_acl_allow(acl, rights->users_read, authenticated_users);
    else if (access == WINSHM_ACCESS_USERS_READ_WRITE)
        winshm_impl_acl_allow(acl, rights->users_read_write, authenticated_users);
    /* The owner is the user, not the token's default owner (for an
     * administrator, the Administrators group): else every administrator
     * would hold WRITE_DAC through ownership. */
    security->descriptor.owner = user;
    security->descriptor.control |= WINSHM_IMPL_SE_DACL_PROTECTED;
    security->descriptor.dacl = acl;
    return 0;
}

/* The SECURITY_ATTRIBUTES for CreateFileMappingW, into *out: NULL for the
 * default. An unnamed section gets a DACL that grants nobody anything (the
 * creator's handle has its rights from creation) and takes away the owner's
 * implicit WRITE_DAC: so a reduced-rights duplicate can never be duplicated
 * back to more rights, by anyone. A named section keeps the default DACL, or
 * it could not be opened by name, unless an access preset replaces it. */
WINSHM_API winshm_impl_error winshm_impl_security_for(winshm_impl_security *security, const winshm_permissions *perm,
                                                      int named, const winshm_impl_preset_rights *rights,
                                                      winshm_impl_security_attributes **out)
{
    int unrestricted = perm && perm->unrestricted;
    int inheritable = perm && perm->inheritable;
    winshm_access access = perm ? perm->access : WINSHM_ACCESS_DEFAULT;
    *out = WINSHM_IMPL_NULL;
    if (perm && perm->security_attributes) {
        *out = WINSHM_IMPL_CAST(winshm_impl_security_attributes *, perm->security_attributes);
        return 0;
    }
    if (named && !unrestricted && !inheritable && access == WINSHM_ACCESS_DEFAULT)
        return 0;
    memset(security, 0, sizeof *security);
    security->attributes.length = WINSHM_IMPL_CAST(unsigned long, sizeof security->attributes);
    security->attributes.inherit = inheritable;
    *out = &security->attributes;
    if (named && !unrestricted && access == WINSHM_ACCESS_DEFAULT)
        return 0; /* only inheritable: the default descriptor */
    security->attributes.descriptor = &security->descriptor;
    security->descriptor.revision = 1; /* SECURITY_DESCRIPTOR_REVISION */
    security->descriptor.control = WINSHM_IMPL_SE_DACL_PRESENT;
    if (unrestricted)
        return 0; /* a NULL DACL: everyone */
    if (named)
        return winshm_impl_preset_descriptor(security, access, rights);
    security->descriptor.dacl = &security->owner_rights_dacl;
    security->owner_rights_dacl.acl_revision = 2; /* ACL_REVISION */
    security->owner_rights_dacl.acl_size = WINSHM_IMPL_CAST(unsigned short, sizeof security->owner_rights_dacl);
    security->owner_rights_dacl.ace_count = 1;
    security->owner_rights_dacl.ace_type = 0; /* ACCESS_ALLOWED_ACE_TYPE */
    security->owner_rights_dacl.ace_size = WINSHM_IMPL_CAST(unsigned short, sizeof security->owner_rights_dacl - 8);
    security->owner_rights_dacl.mask = WINSHM_IMPL_READ_CONTROL;
    security->owner_rights_dacl.sid_revision = 1;
    security->owner_rights_dacl.sid_sub_authority_count = 1;
    security->owner_rights_dacl.sid_authority[5] = 3;          /* SECURITY_CREATOR_SID_AUTHORITY */
    security->owner_rights_dacl.sid_sub_authority = 4;         /* OWNER RIGHTS: S-1-3-4 */
    return 0;
}

/* ============================================================ construction */

/* Creates (or, with options->open_existing, opens) the section named in
 * `staged` and moves it into `shm` on success. Owns staged's name either way. */
WINSHM_API winshm_result winshm_impl_create(winshm *shm, winshm *staged, winshm_mode mode, uint64_t size,
                                            const winshm_options *options, int *created)
{
    winshm_impl_security security_storage;
    winshm_impl_security_attributes *security;
    unsigned long protection = winshm_impl_rights(mode)->protection;
    winshm_impl_error error;
    void *handle;
    int by_name = staged->name_w_ != WINSHM_IMPL_NULL, existed;

    error = winshm_impl_security_for(&security_storage, options->permissions, by_name,
                                     winshm_impl_section_preset_rights(), &security);
    if (error) {
        winshm_impl_free_name(staged);
        return winshm_impl_fail_with(error, 0);
    }
    if (options->flags & WINSHM_RESERVE)
        protection |= WINSHM_IMPL_SEC_RESERVE;
    handle = CreateFileMappingW(WINSHM_IMPL_INVALID_HANDLE_VALUE /* the pagefile */,
                                WINSHM_IMPL_PUN(struct _SECURITY_ATTRIBUTES *, security), protection,
                                WINSHM_IMPL_CAST(unsigned long, size >> 32), WINSHM_IMPL_CAST(unsigned long, size & 0xFFFFFFFFu),
                                staged->name_w_);
    error = GetLastError();
    if (!handle && options->open_existing && error == WINSHM_IMPL_ERROR_ACCESS_DENIED) {
        /* Creating may be refused where opening is allowed (Global\ without
         * SeCreateGlobalPrivilege, or a DACL that denies full access). */
        handle = OpenFileMappingW(winshm_impl_open_access(mode), security ? security->inherit : 0, staged->name_w_);
        error = handle ? WINSHM_IMPL_CAST(winshm_impl_error, WINSHM_IMPL_ERROR_ALREADY_EXISTS) : GetLastError();
        if (error == WINSHM_IMPL_ERROR_FILE_NOT_FOUND)
            error = WINSHM_IMPL_ERROR_ACCESS_DENIED; /* nothing to open: report the refusal */
    }
    if (!handle) {
        winshm_impl_free_name(staged);
        return winshm_impl_fail_with(error, by_name);
    }

    existed = error == WINSHM_IMPL_ERROR_ALREADY_EXISTS;
    if (existed) {
        /* Windows opened the existing section and ignored size, protection
         * and flags: learn what it really is. */
        if (!options->open_existing) {
            CloseHandle(handle);
            winshm_impl_free_name(staged);
            return winshm_impl_fail(WINSHM_ERROR_ALREADY_EXISTS, WINSHM_IMPL_ERROR_ALREADY_EXISTS);
        }
        error = winshm_impl_query_section(handle, staged);
        if (error || staged->size_ < size) {
            CloseHandle(handle);
            winshm_impl_free_name(staged);
            if (error)
                return winshm_impl_fail_with(error, 1);
            return winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
        }
    } else {
        /* A new pagefile-backed section is exactly `size` rounded up to whole
         * pages: what NtQuerySection reports to every opener. */
        uint64_t page_size = winshm_page_size();
        staged->size_ = (size + page_size - 1) & ~(page_size - 1);
        staged->flags_ = options->flags;
        if (created)
            *created = 1;
    }
    staged->handle_ = handle;
    staged->mode_ = mode;
    *shm = *staged;
    if (existed) {
        SetLastError(WINSHM_IMPL_ERROR_ALREADY_EXISTS); /* as CreateFileMappingW leaves it */
        return WINSHM_OK;
    }
    return winshm_impl_succeed();
}

/* Checks shared by every constructor. Returns WINSHM_OK or a failure with
 * the last error set. */
WINSHM_API winshm_result winshm_impl_check_target(const winshm *shm, winshm_mode mode, int *created)
{
    if (created)
        *created = 0;
    if (!shm || shm->handle_ || !winshm_impl_mode_is_valid(mode))
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    return WINSHM_OK;
}

/* Checks that `shm` is open and can serve `mode` (a view, or a duplicate).
 * A read-write grant needs a read-write winshm: checked here, not left to
 * Windows, because Wine grants a read-write view of a read-only section. */
WINSHM_API winshm_result winshm_impl_check_grant(const winshm *shm, winshm_mode mode)
{
    if (!shm)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    if (!shm->handle_)
        return winshm_impl_fail(WINSHM_ERROR_NOT_OPEN, WINSHM_IMPL_ERROR_INVALID_HANDLE);
    if (!winshm_impl_mode_is_valid(mode))
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    if (mode == WINSHM_READ_WRITE && shm->mode_ != WINSHM_READ_WRITE)
        return winshm_impl_fail(WINSHM_ERROR_ACCESS_DENIED, WINSHM_IMPL_ERROR_ACCESS_DENIED);
    return WINSHM_OK;
}

/* Whether `perm` asks for something that cannot be: an unknown access
 * preset, one together with a NULL DACL, or one for an unnamed section
 * (nobody can open it by name; it has its own DACL already). Given security
 * attributes are used as they are, so nothing else is checked then. */
WINSHM_API int winshm_impl_permissions_are_valid(const winshm_permissions *perm, int named)
{
    unsigned access;
    if (!perm || perm->security_attributes)
        return 1;
    access = WINSHM_IMPL_CAST(unsigned, perm->access);
    if (access > WINSHM_IMPL_CAST(unsigned, WINSHM_ACCESS_USERS_READ_WRITE))
        return 0;
    return access == WINSHM_IMPL_CAST(unsigned, WINSHM_ACCESS_DEFAULT) || (named && !perm->unrestricted);
}

/* Checks what create_ex is asked for, before any name is built. */
WINSHM_API winshm_result winshm_impl_check_creation(int named, winshm_mode mode, uint64_t size,
                                                    const winshm_options *options)
{
    uint64_t page_size;
    if (!winshm_impl_permissions_are_valid(options->permissions, named) ||
        (options->flags & ~WINSHM_IMPL_CAST(unsigned, WINSHM_RESERVE)) != 0 ||
        ((options->flags & WINSHM_RESERVE) && mode != WINSHM_READ_WRITE) ||
        (options->open_existing && !named) || size == 0)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    /* Near 2^64 the page rounding wraps, and Wine creates a 0-byte section. */
    page_size = winshm_page_size();
    if (size > (WINSHM_IMPL_CAST(uint64_t, 1) << 63) - page_size)
        return winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    return WINSHM_OK;
}

/* Every constructor in one. The name comes as UTF-8 or as UTF-16 (the other
 * pointer NULL), or not at all: an unnamed section, which only creating
 * without open_existing accepts. options NULL: open by name only. */
WINSHM_API winshm_result winshm_impl_construct(winshm *shm, const char *utf8, const wchar_t *utf16, winshm_mode mode,
                                               uint64_t size, const winshm_options *options, int *created)
{
    winshm staged;
    winshm_impl_error error = 0;
    winshm_result r = winshm_impl_check_target(shm, mode, created);
    if (r != WINSHM_OK)
        return r;
    memset(&staged, 0, sizeof staged);
    if (!options && !utf8 && !utf16)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    if (options) {
        r = winshm_impl_check_creation(utf8 || utf16, mode, size, options);
        if (r != WINSHM_OK)
            return r;
    }
    if (utf8 || utf16)
        error = winshm_impl_set_name(&staged, utf8, utf16);
    if (!error && !options)
        error = winshm_impl_open(&staged, mode);
    if (error)
        return winshm_impl_fail_with(error, 1);
    if (!options) {
        *shm = staged;
        return winshm_impl_succeed();
    }
    return winshm_impl_create(shm, &staged, mode, size, options, created);
}

/* create_ex's options, NULL meaning the defaults (create_only, no flags). */
WINSHM_API const winshm_options *winshm_impl_options_or_defaults(const winshm_options *options)
{
    static const winshm_options defaults = {WINSHM_IMPL_NULL, 0, 0};
    return options ? options : &defaults;
}

WINSHM_API winshm_result winshm_create_ex(winshm *shm, const char *name, winshm_mode mode, uint64_t size,
                                          const winshm_options *options, int *created)
{
    return winshm_impl_construct(shm, name, WINSHM_IMPL_NULL, mode, size, winshm_impl_options_or_defaults(options), created);
}

WINSHM_API winshm_result winshm_create_ex_w(winshm *shm, const wchar_t *name, winshm_mode mode, uint64_t size,
                                            const winshm_options *options, int *created)
{
    return winshm_impl_construct(shm, WINSHM_IMPL_NULL, name, mode, size, winshm_impl_options_or_defaults(options), created);
}

WINSHM_API winshm_result winshm_create_only(winshm *shm, const char *name, winshm_mode mode, uint64_t size, const winshm_permissions *perm)
{
    winshm_options options = {WINSHM_IMPL_NULL, 0, 0};
    options.permissions = perm;
    return winshm_create_ex(shm, name, mode, size, &options, WINSHM_IMPL_NULL);
}

WINSHM_API winshm_result winshm_create_only_w(winshm *shm, const wchar_t *name, winshm_mode mode, uint64_t size, const winshm_permissions *perm)
{
    winshm_options options = {WINSHM_IMPL_NULL, 0, 0};
    options.permissions = perm;
    return winshm_create_ex_w(shm, name, mode, size, &options, WINSHM_IMPL_NULL);
}

WINSHM_API winshm_result winshm_open_or_create(winshm *shm, const char *name, winshm_mode mode, uint64_t size, const winshm_permissions *perm, int *created)
{
    winshm_options options = {WINSHM_IMPL_NULL, 0, 1};
    options.permissions = perm;
    return winshm_create_ex(shm, name, mode, size, &options, created);
}

WINSHM_API winshm_result winshm_open_or_create_w(winshm *shm, const wchar_t *name, winshm_mode mode, uint64_t size, const winshm_permissions *perm, int *created)
{
    winshm_options options = {WINSHM_IMPL_NULL, 0, 1};
    options.permissions = perm;
    return winshm_create_ex_w(shm, name, mode, size, &options, created);
}

WINSHM_API winshm_result winshm_open_only(winshm *shm, const char *name, winshm_mode mode)
{
    return winshm_impl_construct(shm, name, WINSHM_IMPL_NULL, mode, 0, WINSHM_IMPL_NULL, WINSHM_IMPL_NULL);
}

WINSHM_API winshm_result winshm_open_only_w(winshm *shm, const wchar_t *name, winshm_mode mode)
{
    return winshm_impl_construct(shm, WINSHM_IMPL_NULL, name, mode, 0, WINSHM_IMPL_NULL, WINSHM_IMPL_NULL);
}

/* ============================================================ unique names */

typedef int (__stdcall *winshm_impl_process_prng_fn)(unsigned char *data, winshm_impl_ulong_ptr bytes);
typedef long (__stdcall *winshm_impl_bcrypt_gen_random_fn)(void *algorithm, unsigned char *buffer, unsigned long bytes,
                                                            unsigned long flags);

/* The system's cryptographic generator: ProcessPrng (bcryptprimitives.dll,
 * Windows 10 and later; never fails), else BCryptGenRandom with the system's
 * preferred generator (bcrypt.dll, Vista and later). Loaded from System32
 * only, at run time, so that kernel32 stays the only import. */
WINSHM_API winshm_impl_error winshm_impl_system_random(unsigned char *buffer, size_t bytes)
{
    static winshm_impl_process_prng_fn volatile cached_process_prng;
    static winshm_impl_bcrypt_gen_random_fn volatile cached_bcrypt_gen_random;
    winshm_impl_process_prng_fn process_prng = cached_process_prng;
    winshm_impl_bcrypt_gen_random_fn bcrypt_gen_random = cached_bcrypt_gen_random;
    long status;
    if (!process_prng && !bcrypt_gen_random) {
        winshm_impl_hmodule module = LoadLibraryExW(L"bcryptprimitives.dll", WINSHM_IMPL_NULL, WINSHM_IMPL_LOAD_LIBRARY_SEARCH_SYSTEM32);
        if (module)
            cached_process_prng = process_prng = WINSHM_IMPL_PUN(winshm_impl_process_prng_fn,
                WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(module, "ProcessPrng")));
        if (!process_prng) {
            module = LoadLibraryExW(L"bcrypt.dll", WINSHM_IMPL_NULL, WINSHM_IMPL_LOAD_LIBRARY_SEARCH_SYSTEM32);
            if (module)
                cached_bcrypt_gen_random = bcrypt_gen_random = WINSHM_IMPL_PUN(winshm_impl_bcrypt_gen_random_fn,
                    WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(module, "BCryptGenRandom")));
        }
        /* The modules stay loaded: the cached pointers point into them. */
    }
    if (process_prng)
        return process_prng(buffer, bytes) ? 0 : WINSHM_IMPL_CAST(winshm_impl_error, WINSHM_IMPL_ERROR_NOT_SUPPORTED);
    if (!bcrypt_gen_random)
        return WINSHM_IMPL_ERROR_NOT_SUPPORTED;
    status = bcrypt_gen_random(WINSHM_IMPL_NULL, buffer, WINSHM_IMPL_CAST(unsigned long, bytes),
                               WINSHM_IMPL_BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    return status < 0 ? WINSHM_IMPL_CAST(winshm_impl_error, WINSHM_IMPL_ERROR_NOT_SUPPORTED) : 0;
}

#ifndef WINSHM_RANDOM
#  define WINSHM_RANDOM(buffer, bytes) winshm_impl_system_random(buffer, bytes)
#endif

enum { WINSHM_IMPL_UNIQUE_ATTEMPTS = 16, WINSHM_IMPL_UNIQUE_RANDOM_BYTES = 16 };

WINSHM_API winshm_result winshm_create_unique(winshm *shm, const char *prefix, winshm_mode mode, uint64_t size,
                                              const winshm_options *options)
{
    static const char hex[] = "0123456789abcdef";
    const size_t max_bytes = WINSHM_IMPL_CAST(size_t, 3) * WINSHM_IMPL_MAX_NAME_UNITS;
    const size_t digits = WINSHM_IMPL_CAST(size_t, 2) * WINSHM_IMPL_UNIQUE_RANDOM_BYTES;
    unsigned char drawn[WINSHM_IMPL_UNIQUE_RANDOM_BYTES];
    size_t prefix_bytes = 0, i;
    char *name;
    int attempt;
    winshm_impl_error error;
    winshm_result r = winshm_impl_check_target(shm, mode, WINSHM_IMPL_NULL);
    if (r != WINSHM_OK)
        return r;
    options = winshm_impl_options_or_defaults(options);
    if (options->open_existing)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    r = winshm_impl_check_creation(1, mode, size, options);
    if (r != WINSHM_OK)
        return r;
    if (!prefix)
        prefix = "Local\\winshm-";
    while (prefix_bytes <= max_bytes && prefix[prefix_bytes])
        ++prefix_bytes;
    if (prefix_bytes + digits > max_bytes)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_NAME, WINSHM_IMPL_ERROR_FILENAME_EXCED_RANGE);
    name = WINSHM_IMPL_CAST(char *, WINSHM_MALLOC(prefix_bytes + digits + 1));
    if (!name)
        return winshm_impl_fail(WINSHM_ERROR_OUT_OF_MEMORY, WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY);
    memcpy(name, prefix, prefix_bytes);
    name[prefix_bytes + digits] = 0;
    for (attempt = 0; attempt < WINSHM_IMPL_UNIQUE_ATTEMPTS; ++attempt) {
        error = WINSHM_RANDOM(drawn, sizeof drawn);
        if (error) {
            r = winshm_impl_fail_with(error, 0);
            break;
        }
        for (i = 0; i < sizeof drawn; ++i) {
            name[prefix_bytes + (2 * i)] = hex[drawn[i] >> 4];
            name[prefix_bytes + (2 * i) + 1] = hex[drawn[i] & 15];
        }
        r = winshm_impl_construct(shm, name, WINSHM_IMPL_NULL, mode, size, options, WINSHM_IMPL_NULL);
        if (r != WINSHM_ERROR_ALREADY_EXISTS && r != WINSHM_ERROR_NAME_IN_USE)
            break;
    }
    memset(drawn, 0, sizeof drawn);
    error = GetLastError();
    WINSHM_FREE(name);
    SetLastError(error); /* as construct left it: free may touch it */
    return r;
}

/* ========================================== the initialisation handshake */

/* How open_or_init stays safe without a lock once a section is READY:
 *   - The last 64 bytes of the section are the trailer. A winshm from
 *     open_or_init is sized to [0, data_size), so no view made through it
 *     reaches the trailer; only a plain open_only of the name does.
 *   - An initialiser writes every other field, then stores READY last, with
 *     release ordering. A reader loads the state first, with acquire
 *     ordering, then the rest, once, into local memory, and believes READY
 *     only if every field agrees with the others and with the section.
 *   - READY never goes back: init runs only on a section that is not READY.
 * So a caller that reads READY can use the section without the mutex: that
 * is the fast path. Initialising takes the mutex; waiting readers sleep on a
 * manual-reset event that each initialiser sets after READY. */
typedef struct winshm_impl_trailer {
    uint64_t magic;        /* WINSHM_IMPL_TRAILER_MAGIC */
    uint64_t section_size; /* the section's size when it was marked READY */
    uint64_t data_size;    /* the size init was given: all that callers of open_or_init see */
    uint64_t check;        /* winshm_impl_trailer_check() of the other fields */
    long state;            /* WINSHM_IMPL_TRAILER_READY, stored last; anything else: not ready */
    long flags;            /* the section's winshm_flags (0.3 left it 0) */
    long reserved[6];
} winshm_impl_trailer;

#define WINSHM_IMPL_TRAILER_MAGIC 0x31746e4969687377ull /* "wshiInt1" */
enum {
    WINSHM_IMPL_TRAILER_BYTES = 64,
    WINSHM_IMPL_TRAILER_READY = 0x59444552, /* "REDY" */
    /* how often a waiting reader that may not create the event looks again */
    WINSHM_IMPL_POLL_MS = 50
};
typedef char winshm_impl_trailer_is_64_bytes[sizeof(winshm_impl_trailer) == WINSHM_IMPL_TRAILER_BYTES ? 1 : -1];

/* A peer may write anything here: READY counts only with every field
 * consistent, so a stray or partial write never reads as READY. flags adds
 * nothing when 0, so a trailer written by 0.3 checks the same. */
WINSHM_API uint64_t winshm_impl_trailer_check(const winshm_impl_trailer *t)
{
    return (t->magic ^ (t->section_size * 0x9E3779B97F4A7C15ull) ^ (t->data_size * 0xC2B2AE3D27D4EB4Full)) +
           WINSHM_IMPL_CAST(uint64_t, WINSHM_IMPL_CAST(unsigned long, t->state)) +
           (WINSHM_IMPL_CAST(uint64_t, WINSHM_IMPL_CAST(unsigned long, t->flags)) * 0x165667B19E3779F9ull);
}

/* The state with acquire ordering: what init wrote is visible once READY is.
 * A plain load, never an interlocked one: the trailer may be mapped read-only. */
WINSHM_API long winshm_impl_load_acquire(const volatile long *p)
{
#if defined(__GNUC__) || defined(__clang__)
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
#else
    const long value = *p;
#  if defined(_M_ARM64) || defined(_M_ARM)
    __dmb(0xB); /* ISH: the loads that follow stay after this one */
#  else
    _ReadWriteBarrier(); /* x86 keeps loads in order; the compiler must too */
#  endif
    return value;
#endif
}

WINSHM_API void winshm_impl_store_release(volatile long *p, long value) /* NOLINT(readability-non-const-parameter): it is written */
{
#if defined(__GNUC__) || defined(__clang__)
    __atomic_store_n(p, value, __ATOMIC_RELEASE);
#else
    _InterlockedExchange(p, value);
#endif
}

/* Reads the trailer at `shared` once, into `local`, and says whether it is
 * READY for a section of `section_size` bytes. */
WINSHM_API int winshm_impl_read_trailer(const volatile winshm_impl_trailer *shared, uint64_t section_size,
                                        winshm_impl_trailer *local)
{
    local->state = winshm_impl_load_acquire(&shared->state);
    local->magic = shared->magic;
    local->section_size = shared->section_size;
    local->data_size = shared->data_size;
    local->check = shared->check;
    local->flags = shared->flags;
    return local->state == WINSHM_IMPL_TRAILER_READY && local->magic == WINSHM_IMPL_TRAILER_MAGIC &&
           section_size >= WINSHM_IMPL_TRAILER_BYTES && local->section_size == section_size && local->data_size > 0 &&
           local->data_size <= section_size - WINSHM_IMPL_TRAILER_BYTES &&
           (local->flags & ~WINSHM_IMPL_CAST(long, WINSHM_RESERVE)) == 0 &&
           local->check == winshm_impl_trailer_check(local);
}

/* Whether the page at `address` is committed in this view: VirtualQuery.
 * (Wine's answer misses what other views committed; Windows' does not.) */
WINSHM_API int winshm_impl_is_committed(const void *address, winshm_impl_memory_basic_information *memory)
{
    memset(memory, 0, sizeof *memory);
    return VirtualQuery(address, WINSHM_IMPL_PUN(struct _MEMORY_BASIC_INFORMATION *, memory), sizeof *memory) == sizeof *memory &&
           memory->state == WINSHM_IMPL_MEM_COMMIT;
}

/* The fast path: opens the section named in `staged` for `mode` and reads
 * its trailer through one read-only view of the whole section. The view's
 * size, which NtMapViewOfSection reports, is the section's, so no
 * NtQuerySection is needed; VirtualQuery, answered without a trip to the
 * object manager, says whether the section is reserve-only. There, the
 * trailer's page is committed in the view before it is read: reading a page
 * that no view committed faults, and committing one that is already
 * committed costs nothing. Returns 1, with `staged` open and sized to
 * the usable size, if the section is READY and holds `size` bytes; else 0,
 * nothing open, and *error the Windows error of the open (0 if it opened).
 * What backs the section is not asked: a section whose last 64 bytes hold a
 * READY trailer was made by open_or_init. */
WINSHM_API int winshm_impl_open_ready(winshm *staged, winshm_mode mode, uint64_t size, winshm_impl_error *error)
{
    winshm_impl_ntdll ntdll;
    winshm_impl_memory_basic_information first;
    winshm_impl_trailer local;
    winshm_impl_ulong_ptr view_size = 0;
    long long offset = 0;
    void *base = WINSHM_IMPL_NULL;
    void *handle;
    int ready = 0, reserve = 0;
    *error = winshm_impl_load_ntdll(&ntdll);
    if (*error)
        return 0;
    handle = OpenFileMappingW(winshm_impl_open_access(mode), 0, staged->name_w_);
    if (!handle) {
        *error = GetLastError();
        return 0;
    }
    if (ntdll.map_view_of_section(handle, WINSHM_IMPL_CURRENT_PROCESS, &base, 0, 0, &offset, &view_size, 2 /* ViewUnmap */, 0,
                                  WINSHM_IMPL_PAGE_READONLY) >= 0) {
        void *trailer = WINSHM_IMPL_CAST(unsigned char *, base) + view_size - WINSHM_IMPL_TRAILER_BYTES;
        const int committed = view_size >= WINSHM_IMPL_TRAILER_BYTES && winshm_impl_is_committed(base, &first);
        if (view_size >= WINSHM_IMPL_TRAILER_BYTES && first.type == WINSHM_IMPL_MEM_MAPPED) {
            /* Only a reserve-only section has pages that are not committed. */
            reserve = !committed || first.region_size < view_size;
            if (!reserve || VirtualAlloc(trailer, WINSHM_IMPL_TRAILER_BYTES, WINSHM_IMPL_MEM_COMMIT, WINSHM_IMPL_PAGE_READONLY))
                ready = winshm_impl_read_trailer(WINSHM_IMPL_CAST(const volatile winshm_impl_trailer *, trailer), view_size,
                                                 &local) &&
                        local.data_size >= size;
        }
        UnmapViewOfFile(base);
    }
    if (!ready) {
        CloseHandle(handle);
        return 0;
    }
    staged->handle_ = handle;
    staged->mode_ = mode;
    staged->size_ = local.data_size;
    /* A fully committed section says nothing of how it was made: the
     * trailer does, checked with the rest. */
    staged->flags_ = reserve ? WINSHM_IMPL_CAST(unsigned, WINSHM_RESERVE) : WINSHM_IMPL_CAST(unsigned, local.flags);
    return 1;
}

/* Maps the trailer of the section open in `shm` (whose size_ is still the
 * section's), read-write for an initialiser, else read-only, commits its page
 * in a reserve-only section, and reads it. */
WINSHM_API winshm_result winshm_impl_map_trailer(const winshm *shm, int initialiser, winshm_view *view,
                                                 winshm_impl_trailer *local, int *ready)
{
    winshm_result r;
    *ready = 0;
    memset(local, 0, sizeof *local);
    if (shm->size_ < WINSHM_IMPL_TRAILER_BYTES) /* too small to hold one: never READY, nothing to initialise */
        return winshm_impl_fail(WINSHM_ERROR_NOT_INITIALIZED, WINSHM_IMPL_ERROR_NOT_READY);
    r = winshm_map(shm, initialiser ? WINSHM_READ_WRITE : WINSHM_READ_ONLY, shm->size_ - WINSHM_IMPL_TRAILER_BYTES,
                   WINSHM_IMPL_TRAILER_BYTES, view);
    if (r == WINSHM_OK)
        r = winshm_commit(view, 0, 0);
    if (r != WINSHM_OK) {
        winshm_unmap(view);
        return r;
    }
    *ready = winshm_impl_read_trailer(WINSHM_IMPL_CAST(const volatile winshm_impl_trailer *, view->data), shm->size_, local);
    return WINSHM_OK;
}

/* Closes the handle of `staged`, keeping its name for another try. */
WINSHM_API void winshm_impl_close_keeping_name(winshm *staged)
{
    if (staged->handle_)
        CloseHandle(staged->handle_);
    staged->handle_ = WINSHM_IMPL_NULL;
    staged->size_ = 0;
    staged->flags_ = 0;
    staged->mode_ = WINSHM_IMPL_CAST(winshm_mode, 0);
}

/* Opens the section named in `staged` for `mode` if it is READY and holds
 * `size` bytes: the fast path, else the kernel asked what the section is.
 * WINSHM_OK with staged open and sized; else NOT_FOUND, NOT_INITIALIZED,
 * OUT_OF_RANGE or another failure, staged closed but still named. */
WINSHM_API winshm_result winshm_impl_open_initialised(winshm *staged, winshm_mode mode, uint64_t size)
{
    winshm_impl_trailer local;
    winshm_view view;
    winshm_impl_error error;
    winshm_result r;
    int ready = 0;
    if (winshm_impl_open_ready(staged, mode, size, &error))
        return winshm_impl_succeed();
    if (error)
        return winshm_impl_fail_with(error, 1);
    error = winshm_impl_open_named(staged, mode);
    if (error)
        return winshm_impl_fail_with(error, 1);
    memset(&view, 0, sizeof view);
    r = winshm_impl_map_trailer(staged, 0, &view, &local, &ready);
    winshm_unmap(&view);
    if (r == WINSHM_OK && !ready)
        r = winshm_impl_fail(WINSHM_ERROR_NOT_INITIALIZED, WINSHM_IMPL_ERROR_NOT_READY);
    if (r == WINSHM_OK && local.data_size < size)
        r = winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    if (r != WINSHM_OK) {
        error = GetLastError();
        winshm_impl_close_keeping_name(staged);
        return winshm_impl_fail(r, error);
    }
    staged->size_ = local.data_size;
    return winshm_impl_succeed();
}

/* Zeroes a view, or in a reserve-only section only the pages committed in
 * it: touching the others would fault, and committing them would charge
 * commit that nobody asked for. */
WINSHM_API void winshm_impl_zero_committed(const winshm_view *view)
{
    unsigned char *at = WINSHM_IMPL_CAST(unsigned char *, view->data);
    const unsigned char *const end = at + view->size;
    winshm_impl_memory_basic_information memory;
    if (!(view->flags_ & WINSHM_RESERVE)) {
        memset(view->data, 0, view->size);
        return;
    }
    while (at < end) {
        const int committed = winshm_impl_is_committed(at, &memory);
        size_t run;
        if (memory.region_size == 0)
            return; /* VirtualQuery failed: cannot happen inside a view */
        run = WINSHM_IMPL_CAST(size_t, (WINSHM_IMPL_CAST(unsigned char *, memory.base_address) + memory.region_size) - at);
        if (run > WINSHM_IMPL_CAST(size_t, end - at))
            run = WINSHM_IMPL_CAST(size_t, end - at);
        if (committed)
            memset(at, 0, run);
        at += run;
    }
}

/* Runs init on [0, size) of the section in `staged` and, if it succeeds,
 * marks the trailer (mapped in `trailer_view`) READY. `recover`: the section
 * existed, not READY: zero it first, so that init sees what a new section
 * looks like, not what a failed or dead initialiser left. */
WINSHM_API winshm_result winshm_impl_run_init(const winshm *staged, uint64_t size, int recover, winshm_init_fn init,
                                              void *context, const winshm_view *trailer_view)
{
    volatile winshm_impl_trailer *shared = WINSHM_IMPL_CAST(volatile winshm_impl_trailer *, trailer_view->data);
    winshm_impl_trailer local;
    winshm_view view;
    winshm_result r;
    int failed;
    memset(&view, 0, sizeof view);
    /* Not READY while init runs: if this process dies, the next caller
     * sees that and initialises again. */
    winshm_impl_store_release(&shared->state, 0);
#if SIZE_MAX < UINT64_MAX
    if (size > WINSHM_IMPL_CAST(uint64_t, SIZE_MAX))
        return winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
#endif
    r = winshm_map(staged, WINSHM_READ_WRITE, 0, WINSHM_IMPL_CAST(size_t, size), &view);
    if (r != WINSHM_OK)
        return r;
    if (recover)
        winshm_impl_zero_committed(&view);
    failed = init(&view, context);
    winshm_unmap(&view);
    if (failed)
        return winshm_impl_fail(WINSHM_ERROR_NOT_INITIALIZED, WINSHM_IMPL_ERROR_NOT_READY);
    memset(&local, 0, sizeof local);
    local.magic = WINSHM_IMPL_TRAILER_MAGIC;
    local.section_size = staged->size_;
    local.data_size = size;
    local.state = WINSHM_IMPL_TRAILER_READY;
    local.flags = WINSHM_IMPL_CAST(long, staged->flags_ & WINSHM_RESERVE);
    local.check = winshm_impl_trailer_check(&local);
    shared->magic = local.magic;
    shared->section_size = local.section_size;
    shared->data_size = local.data_size;
    shared->flags = local.flags;
    shared->check = local.check;
    winshm_impl_store_release(&shared->state, WINSHM_IMPL_TRAILER_READY);
    return WINSHM_OK;
}

/* The names of the handshake's mutex and event, `name` + each suffix, in one
 * allocation that *mutex_name owns (WINSHM_FREE it). */
WINSHM_API winshm_impl_error winshm_impl_handshake_names(const wchar_t *name, wchar_t **mutex_name, wchar_t **event_name)
{
    static const wchar_t mutex_suffix[] = L"" WINSHM_INIT_MUTEX_SUFFIX;
    static const wchar_t event_suffix[] = L"" WINSHM_INIT_EVENT_SUFFIX;
    const size_t mutex_units = (sizeof mutex_suffix / sizeof mutex_suffix[0]) - 1;
    const size_t event_units = (sizeof event_suffix / sizeof event_suffix[0]) - 1;
    size_t units = 0;
    while (name[units])
        ++units;
    if (units + (mutex_units > event_units ? mutex_units : event_units) > WINSHM_IMPL_MAX_NAME_UNITS)
        return WINSHM_IMPL_ERROR_FILENAME_EXCED_RANGE;
    *mutex_name = WINSHM_IMPL_CAST(wchar_t *, WINSHM_MALLOC((units + mutex_units + 1 + units + event_units + 1) * sizeof(wchar_t)));
    if (!*mutex_name)
        return WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY;
    *event_name = *mutex_name + units + mutex_units + 1;
    memcpy(*mutex_name, name, units * sizeof(wchar_t));
    memcpy(*mutex_name + units, mutex_suffix, (mutex_units + 1) * sizeof(wchar_t));
    memcpy(*event_name, name, units * sizeof(wchar_t));
    memcpy(*event_name + units, event_suffix, (event_units + 1) * sizeof(wchar_t));
    return 0;
}

/* Creates or opens the handshake's mutex (is_event 0) or event (manual
 * reset, not set), with the section's security mapped to that object's
 * rights. *object stays NULL (with 0 returned) when this process may not
 * create it and nobody holds it. */
WINSHM_API winshm_impl_error winshm_impl_sync_object(const wchar_t *object_name, int is_event, const winshm_permissions *perm,
                                                     void **object)
{
    static const winshm_impl_preset_rights mutex_rights = {
        WINSHM_IMPL_MUTEX_ALL_ACCESS,
        WINSHM_IMPL_MUTEX_ALL_ACCESS & ~WINSHM_IMPL_CAST(unsigned long, WINSHM_IMPL_OWNER_ONLY_RIGHTS),
        WINSHM_IMPL_SYNCHRONIZE | WINSHM_IMPL_MUTEX_MODIFY_STATE,
        WINSHM_IMPL_SYNCHRONIZE | WINSHM_IMPL_MUTEX_MODIFY_STATE};
    static const winshm_impl_preset_rights event_rights = {
        WINSHM_IMPL_EVENT_ALL_ACCESS,
        WINSHM_IMPL_EVENT_ALL_ACCESS & ~WINSHM_IMPL_CAST(unsigned long, WINSHM_IMPL_OWNER_ONLY_RIGHTS),
        WINSHM_IMPL_SYNCHRONIZE | WINSHM_IMPL_EVENT_MODIFY_STATE,
        WINSHM_IMPL_SYNCHRONIZE | WINSHM_IMPL_EVENT_MODIFY_STATE};
    winshm_impl_security security_storage;
    winshm_impl_security_attributes *security;
    winshm_permissions not_inherited;
    winshm_impl_error error;
    *object = WINSHM_IMPL_NULL;
    memset(&not_inherited, 0, sizeof not_inherited);
    if (perm)
        not_inherited = *perm;
    not_inherited.inheritable = 0; /* closed before the call returns */
    error = winshm_impl_security_for(&security_storage, &not_inherited, 1, is_event ? &event_rights : &mutex_rights, &security);
    if (error)
        return error;
    *object = is_event ? CreateEventW(WINSHM_IMPL_PUN(struct _SECURITY_ATTRIBUTES *, security), 1, 0, object_name)
                       : CreateMutexW(WINSHM_IMPL_PUN(struct _SECURITY_ATTRIBUTES *, security), 0, object_name);
    error = *object ? 0 : GetLastError();
    if (error == WINSHM_IMPL_ERROR_ACCESS_DENIED) {
        /* Creating is refused (Global\ without SeCreateGlobalPrivilege, or a
         * DACL that grants less than every right): join the one that exists. */
        *object = is_event ? OpenEventW(WINSHM_IMPL_SYNCHRONIZE | WINSHM_IMPL_EVENT_MODIFY_STATE, 0, object_name)
                           : OpenMutexW(WINSHM_IMPL_SYNCHRONIZE | WINSHM_IMPL_MUTEX_MODIFY_STATE, 0, object_name);
        error = *object ? 0 : GetLastError();
        if (error == WINSHM_IMPL_ERROR_FILE_NOT_FOUND)
            error = 0;
    }
    return error;
}

/* Waits for the mutex at most `timeout_ms`. A dead holder is no error
 * (WAIT_ABANDONED): the trailer says what it left. */
WINSHM_API winshm_result winshm_impl_lock(void *mutex, unsigned long timeout_ms)
{
    const unsigned long waited = WaitForSingleObject(mutex, timeout_ms);
    if (waited == 0 || waited == 0x80 /* WAIT_ABANDONED */)
        return WINSHM_OK;
    if (waited == WINSHM_IMPL_WAIT_TIMEOUT)
        return winshm_impl_fail(WINSHM_ERROR_TIMEOUT, WINSHM_IMPL_ERROR_TIMEOUT);
    return winshm_impl_fail_with(GetLastError(), 0);
}

/* Creates or opens the handshake's mutex and waits for it at most
 * timeout_ms. OK with *mutex held, or with *mutex NULL when this process
 * may not create it and nobody holds it; on failure nothing stays open. */
WINSHM_API winshm_result winshm_impl_take_mutex(const wchar_t *mutex_name, const winshm_permissions *perm,
                                                unsigned long timeout_ms, void **mutex)
{
    winshm_result r;
    winshm_impl_error error = winshm_impl_sync_object(mutex_name, 0, perm, mutex);
    if (error)
        return winshm_impl_fail_with(error, 1);
    if (!*mutex)
        return WINSHM_OK;
    r = winshm_impl_lock(*mutex, timeout_ms);
    if (r != WINSHM_OK) {
        error = GetLastError();
        CloseHandle(*mutex);
        *mutex = WINSHM_IMPL_NULL;
        return winshm_impl_fail(r, error);
    }
    return WINSHM_OK;
}

/* Releases and closes the mutex, keeping the last error. */
WINSHM_API void winshm_impl_unlock(void *mutex)
{
    const winshm_impl_error error = GetLastError();
    ReleaseMutex(mutex);
    CloseHandle(mutex);
    SetLastError(error);
}

/* Holding the mutex: opens or creates the section named in `staged` and,
 * unless it is READY, runs init on it and marks it READY. `staged` owns its
 * name from here on: on failure, everything is freed. */
WINSHM_API winshm_result winshm_impl_initialise(winshm *staged, uint64_t size, const winshm_options *options,
                                                winshm_init_fn init, void *context, const wchar_t *event_name, int *created)
{
    winshm_options create = *options;
    winshm_impl_trailer local;
    winshm_view trailer_view;
    winshm_result r;
    int made = 0, ready = 0;
    create.open_existing = 1;
    r = winshm_impl_create(staged, staged, WINSHM_READ_WRITE, size + WINSHM_IMPL_TRAILER_BYTES, &create, &made);
    if (r != WINSHM_OK)
        return r;
    memset(&trailer_view, 0, sizeof trailer_view);
    r = winshm_impl_map_trailer(staged, 1, &trailer_view, &local, &ready);
    if (r == WINSHM_OK && ready && local.data_size < size)
        r = winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    if (r == WINSHM_OK && !ready)
        r = winshm_impl_run_init(staged, size, !made, init, context, &trailer_view);
    winshm_unmap(&trailer_view);
    if (r != WINSHM_OK) {
        const winshm_impl_error error = GetLastError();
        winshm_close(staged);
        return winshm_impl_fail(r, error);
    }
    staged->size_ = ready ? local.data_size : size;
    if (!ready) {
        /* READY is stored: wake the readers that wait, if any do. */
        void *event = OpenEventW(WINSHM_IMPL_EVENT_MODIFY_STATE, 0, event_name);
        if (event) {
            SetEvent(event);
            CloseHandle(event);
        }
    }
    *created = !ready;
    return WINSHM_OK;
}

/* open_or_init with an initialiser, when the fast path found no READY
 * section: the mutex, then a look under it. */
WINSHM_API winshm_result winshm_impl_init_turn(winshm *staged, uint64_t size, const winshm_options *options,
                                               winshm_init_fn init, void *context, uint32_t timeout_ms,
                                               const wchar_t *mutex_name, const wchar_t *event_name, int *created)
{
    void *mutex;
    winshm_result r = winshm_impl_take_mutex(mutex_name, options->permissions, timeout_ms, &mutex);
    if (r != WINSHM_OK)
        return r;
    if (!mutex) {
        /* May not create the mutex, and no handshake runs: join a section
         * that is READY; one that needs initialising needs that right. */
        r = winshm_impl_open_initialised(staged, WINSHM_READ_WRITE, size);
        if (r == WINSHM_ERROR_NOT_FOUND || r == WINSHM_ERROR_NOT_INITIALIZED)
            r = winshm_impl_fail(WINSHM_ERROR_ACCESS_DENIED, WINSHM_IMPL_ERROR_ACCESS_DENIED);
        return r;
    }
    r = winshm_impl_initialise(staged, size, options, init, context, event_name, created);
    winshm_impl_unlock(mutex);
    return r;
}

/* Milliseconds left of timeout_ms since `started` (GetTickCount, which
 * wraps after 49.7 days: unsigned arithmetic keeps the difference right). */
WINSHM_API unsigned long winshm_impl_remaining(unsigned long started, uint32_t timeout_ms)
{
    unsigned long elapsed;
    if (timeout_ms == WINSHM_INFINITE)
        return WINSHM_INFINITE;
    elapsed = (GetTickCount() - started) & 0xFFFFFFFFul;
    return elapsed >= timeout_ms ? 0ul : WINSHM_IMPL_CAST(unsigned long, timeout_ms - elapsed);
}

/* Whether a reader should wait and look again. */
WINSHM_API int winshm_impl_not_yet(winshm_result r)
{
    return r == WINSHM_ERROR_NOT_FOUND || r == WINSHM_ERROR_NOT_INITIALIZED;
}

/* A waiting reader woke to the event set but the section not READY: it was
 * destroyed or scribbled on after an initialiser set it. Resets the event,
 * holding the mutex so that no initialiser sets it in between, unseen; else
 * every wait would return at once until the next initialiser. Returns OK to
 * wait again, the section's state if it turned READY, or a failure. */
WINSHM_API winshm_result winshm_impl_reset_stale(void *event, winshm *staged, winshm_mode mode, uint64_t size,
                                                 const winshm_options *options, const wchar_t *mutex_name,
                                                 unsigned long timeout_ms, int *polling)
{
    void *mutex;
    winshm_result r = winshm_impl_take_mutex(mutex_name, options->permissions, timeout_ms, &mutex);
    if (r != WINSHM_OK)
        return r;
    if (!mutex) {
        *polling = 1; /* may not create the mutex: look now and then instead */
        return WINSHM_ERROR_NOT_INITIALIZED;
    }
    r = winshm_impl_open_initialised(staged, mode, size);
    if (winshm_impl_not_yet(r))
        ResetEvent(event);
    winshm_impl_unlock(mutex);
    return r;
}

/* open_or_init without an initialiser: look, and unless timeout_ms is 0,
 * wait on the event until an initialiser marks the section READY. */
WINSHM_API winshm_result winshm_impl_wait_ready(winshm *staged, winshm_mode mode, uint64_t size,
                                                const winshm_options *options, uint32_t timeout_ms,
                                                const wchar_t *mutex_name, const wchar_t *event_name)
{
    const unsigned long started = GetTickCount();
    void *event = WINSHM_IMPL_NULL;
    int polling = 0, woken = 0;
    winshm_impl_error error;
    winshm_result r;
    for (;;) {
        unsigned long remaining, waited;
        r = winshm_impl_open_initialised(staged, mode, size);
        if (!winshm_impl_not_yet(r) || timeout_ms == 0)
            break;
        if (!event && !polling) {
            /* The event exists before the state is looked at again: an
             * initialiser that stores READY after that look finds the event
             * and sets it. */
            error = winshm_impl_sync_object(event_name, 1, options->permissions, &event);
            if (error) {
                r = winshm_impl_fail_with(error, 1);
                break;
            }
            polling = !event; /* may not create it, and nobody else waits */
            continue;
        }
        remaining = winshm_impl_remaining(started, timeout_ms);
        if (woken && !polling && remaining) {
            woken = 0;
            r = winshm_impl_reset_stale(event, staged, mode, size, options, mutex_name, remaining, &polling);
            if (!winshm_impl_not_yet(r))
                break;
            remaining = winshm_impl_remaining(started, timeout_ms);
        }
        if (remaining == 0) {
            r = winshm_impl_fail(WINSHM_ERROR_TIMEOUT, WINSHM_IMPL_ERROR_TIMEOUT);
            break;
        }
        if (polling) {
            Sleep(remaining > WINSHM_IMPL_POLL_MS ? WINSHM_IMPL_CAST(unsigned long, WINSHM_IMPL_POLL_MS) : remaining);
            continue;
        }
        waited = WaitForSingleObject(event, remaining);
        if (waited == 0) {
            woken = 1;
        } else if (waited != WINSHM_IMPL_WAIT_TIMEOUT) {
            r = winshm_impl_fail_with(GetLastError(), 0);
            break;
        }
    }
    if (event) {
        error = GetLastError();
        CloseHandle(event);
        SetLastError(error);
    }
    return r;
}

WINSHM_API winshm_result winshm_impl_open_or_init(winshm *shm, const char *utf8, const wchar_t *utf16, winshm_mode mode,
                                                  uint64_t size, const winshm_options *options, winshm_init_fn init,
                                                  void *context, uint32_t timeout_ms, int *created)
{
    winshm staged;
    wchar_t *mutex_name = WINSHM_IMPL_NULL, *event_name = WINSHM_IMPL_NULL;
    int fresh = 0;
    winshm_impl_error error;
    winshm_result r = winshm_impl_check_target(shm, mode, created);
    if (r != WINSHM_OK)
        return r;
    memset(&staged, 0, sizeof staged);
    options = winshm_impl_options_or_defaults(options);
    if ((!utf8 && !utf16) || (init && (mode != WINSHM_READ_WRITE || size == 0)))
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    if (size > UINT64_MAX - WINSHM_IMPL_TRAILER_BYTES)
        return winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    r = winshm_impl_check_creation(1, WINSHM_READ_WRITE, size + WINSHM_IMPL_TRAILER_BYTES, options);
    if (r != WINSHM_OK)
        return r;
    error = winshm_impl_set_name(&staged, utf8, utf16);
    if (error)
        return winshm_impl_fail_with(error, 1);
    if (winshm_impl_open_ready(&staged, init ? WINSHM_READ_WRITE : mode, size, &error)) {
        r = WINSHM_OK; /* READY: the fast path */
    } else {
        error = winshm_impl_handshake_names(staged.name_w_, &mutex_name, &event_name);
        if (error)
            r = winshm_impl_fail_with(error, 1);
        else if (init)
            r = winshm_impl_init_turn(&staged, size, options, init, context, timeout_ms, mutex_name, event_name, &fresh);
        else
            r = winshm_impl_wait_ready(&staged, mode, size, options, timeout_ms, mutex_name, event_name);
        error = GetLastError();
        WINSHM_FREE(mutex_name);
    }
    if (r != WINSHM_OK) {
        winshm_impl_close_keeping_name(&staged);
        winshm_impl_free_name(&staged);
        return winshm_impl_fail(r, error);
    }
    *shm = staged;
    if (created)
        *created = fresh;
    if (fresh)
        return winshm_impl_succeed();
    SetLastError(WINSHM_IMPL_ERROR_ALREADY_EXISTS); /* as open_or_create leaves it */
    return WINSHM_OK;
}

WINSHM_API winshm_result winshm_open_or_init(winshm *shm, const char *name, winshm_mode mode, uint64_t size,
                                             const winshm_options *options, winshm_init_fn init, void *context,
                                             uint32_t timeout_ms, int *created)
{
    return winshm_impl_open_or_init(shm, name, WINSHM_IMPL_NULL, mode, size, options, init, context, timeout_ms, created);
}

WINSHM_API winshm_result winshm_open_or_init_w(winshm *shm, const wchar_t *name, winshm_mode mode, uint64_t size,
                                               const winshm_options *options, winshm_init_fn init, void *context,
                                               uint32_t timeout_ms, int *created)
{
    return winshm_impl_open_or_init(shm, WINSHM_IMPL_NULL, name, mode, size, options, init, context, timeout_ms, created);
}

/* =========================================== close, move, swap and queries */

WINSHM_API void winshm_close(winshm *shm)
{
    if (!shm || !shm->handle_)
        return;
    CloseHandle(shm->handle_);
    winshm_impl_free_name(shm);
    memset(shm, 0, sizeof *shm);
}

WINSHM_API void winshm_move(winshm *dst, winshm *src)
{
    if (!dst || !src || dst == src)
        return;
    winshm_close(dst);
    *dst = *src;
    memset(src, 0, sizeof *src);
}

WINSHM_API void winshm_swap(winshm *a, winshm *b)
{
    winshm held;
    if (!a || !b)
        return;
    held = *a;
    *a = *b;
    *b = held;
}

WINSHM_API int winshm_is_open(const winshm *shm)
{
    return shm && shm->handle_;
}

WINSHM_API const char *winshm_get_name(const winshm *shm)
{
    return shm && shm->name_ ? shm->name_ : "";
}

WINSHM_API const wchar_t *winshm_get_name_w(const winshm *shm)
{
    return shm && shm->name_w_ ? shm->name_w_ : L"";
}

WINSHM_API winshm_mode winshm_get_mode(const winshm *shm)
{
    return shm ? shm->mode_ : WINSHM_IMPL_CAST(winshm_mode, 0);
}

WINSHM_API uint64_t winshm_get_size(const winshm *shm)
{
    return shm ? shm->size_ : 0;
}

WINSHM_API unsigned winshm_get_flags(const winshm *shm)
{
    return shm ? shm->flags_ : 0u;
}

WINSHM_API void *winshm_get_handle(const winshm *shm)
{
    return shm ? shm->handle_ : WINSHM_IMPL_NULL;
}

/* =================================================================== views */

/* Checks a view request (shared by the three map functions): refuses a view
 * that is not empty, zeroes it, checks `shm` and `mode`, and the range,
 * resolving *size 0 to the end. */
WINSHM_API winshm_result winshm_impl_check_view(const winshm *shm, winshm_mode mode, uint64_t offset, size_t *size,
                                                winshm_view *view)
{
    uint64_t remaining;
    winshm_result r;
    /* A view still mapped would be overwritten and its mapping lost for the
     * life of the process: refuse it, as the constructors refuse an open shm. */
    if (!view || view->base_)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    memset(view, 0, sizeof *view);
    r = winshm_impl_check_grant(shm, mode);
    if (r != WINSHM_OK)
        return r;
    if (offset >= shm->size_)
        return winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    remaining = shm->size_ - offset;
    if (*size == 0) {
#if SIZE_MAX < UINT64_MAX
        if (remaining > WINSHM_IMPL_CAST(uint64_t, SIZE_MAX)) /* 32-bit: more than the address space holds */
            return winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
#endif
        *size = WINSHM_IMPL_CAST(size_t, remaining);
    } else if (*size > remaining) {
        return winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    }
    return WINSHM_OK;
}

/* Maps `lead` + `size` bytes from offset - lead at `base` (NULL: anywhere)
 * into `view`, whose data is `lead` bytes in. */
WINSHM_API winshm_result winshm_impl_map_into(const winshm *shm, winshm_mode mode, uint64_t offset, size_t lead,
                                              size_t size, void *base, winshm_view *view)
{
    const uint64_t aligned = offset - lead;
    void *mapped;
    if (size > SIZE_MAX - lead)
        return winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    mapped = MapViewOfFileEx(shm->handle_, winshm_impl_rights(mode)->view_access, WINSHM_IMPL_CAST(unsigned long, aligned >> 32),
                             WINSHM_IMPL_CAST(unsigned long, aligned & 0xFFFFFFFFu), lead + size, base);
    if (!mapped)
        return winshm_impl_fail_with(GetLastError(), 0);
    view->base_ = mapped;
    view->data = WINSHM_IMPL_CAST(unsigned char *, mapped) + lead;
    view->size = size;
    view->mode_ = mode;
    view->flags_ = shm->flags_;
    return winshm_impl_succeed();
}

WINSHM_API winshm_result winshm_map(const winshm *shm, winshm_mode mode, uint64_t offset, size_t size, winshm_view *view)
{
    winshm_result r = winshm_impl_check_view(shm, mode, offset, &size, view);
    if (r != WINSHM_OK)
        return r;
    /* Views must start on the allocation granularity: map from the boundary
     * below `offset` and hand out the byte at `offset`. */
    return winshm_impl_map_into(shm, mode, offset, WINSHM_IMPL_CAST(size_t, offset % winshm_allocation_granularity()), size,
                                WINSHM_IMPL_NULL, view);
}

WINSHM_API winshm_result winshm_map_at(const winshm *shm, winshm_mode mode, uint64_t offset, size_t size,
                                       void *address, winshm_view *view)
{
    const uint32_t grain = winshm_allocation_granularity();
    size_t lead;
    winshm_result r;
    if (!address)
        return winshm_map(shm, mode, offset, size, view);
    r = winshm_impl_check_view(shm, mode, offset, &size, view);
    if (r != WINSHM_OK)
        return r;
    lead = WINSHM_IMPL_CAST(size_t, offset % grain);
    if (WINSHM_IMPL_PUN(uintptr_t, address) % grain != lead)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    /* An occupied range fails with ERROR_INVALID_ADDRESS: ADDRESS_IN_USE. */
    return winshm_impl_map_into(shm, mode, offset, lead, size, WINSHM_IMPL_CAST(unsigned char *, address) - lead, view);
}

WINSHM_API void winshm_unmap(winshm_view *view)
{
    if (!view || !view->base_)
        return;
    UnmapViewOfFile(view->base_);
    if (view->mirror_)
        UnmapViewOfFile(WINSHM_IMPL_CAST(unsigned char *, view->base_) + view->mirror_);
    memset(view, 0, sizeof *view);
}

/* ========================================================== mirrored views */

#ifndef WINSHM_USE_PLACEHOLDERS
#  define WINSHM_USE_PLACEHOLDERS 1
#endif

typedef void *(__stdcall *winshm_impl_virtual_alloc2_fn)(void *process, void *base, winshm_impl_ulong_ptr size,
                                                          unsigned long type, unsigned long protection,
                                                          void *parameters, unsigned long parameter_count);
typedef void *(__stdcall *winshm_impl_map_view_of_file3_fn)(void *section, void *process, void *base, uint64_t offset,
                                                             winshm_impl_ulong_ptr size, unsigned long type,
                                                             unsigned long protection, void *parameters,
                                                             unsigned long parameter_count);

/* Maps both copies of a mirror into one placeholder, which no other thread
 * can take between the steps. ERROR_NOT_SUPPORTED: this Windows has no
 * placeholders (before 10 1803; Wine 8 refuses them with
 * ERROR_INVALID_PARAMETER), so the caller falls back. */
WINSHM_API winshm_impl_error winshm_impl_mirror_in_placeholder(void *section, uint64_t offset, size_t size,
                                                               unsigned long protection, void **out)
{
    static winshm_impl_virtual_alloc2_fn volatile cached_virtual_alloc2;
    static winshm_impl_map_view_of_file3_fn volatile cached_map_view_of_file3;
    winshm_impl_virtual_alloc2_fn virtual_alloc2 = cached_virtual_alloc2;
    winshm_impl_map_view_of_file3_fn map_view_of_file3 = cached_map_view_of_file3;
    unsigned char *placeholder, *second;
    winshm_impl_error error;
    if (!virtual_alloc2 || !map_view_of_file3) {
        winshm_impl_hmodule kernelbase = GetModuleHandleW(L"kernelbase.dll");
        if (!kernelbase)
            return WINSHM_IMPL_ERROR_NOT_SUPPORTED;
        cached_virtual_alloc2 = virtual_alloc2 = WINSHM_IMPL_PUN(winshm_impl_virtual_alloc2_fn,
            WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(kernelbase, "VirtualAlloc2")));
        cached_map_view_of_file3 = map_view_of_file3 = WINSHM_IMPL_PUN(winshm_impl_map_view_of_file3_fn,
            WINSHM_IMPL_PUN(winshm_impl_any_fn, GetProcAddress(kernelbase, "MapViewOfFile3")));
        if (!virtual_alloc2 || !map_view_of_file3)
            return WINSHM_IMPL_ERROR_NOT_SUPPORTED;
    }
    placeholder = WINSHM_IMPL_CAST(unsigned char *, virtual_alloc2(WINSHM_IMPL_NULL, WINSHM_IMPL_NULL, 2 * size,
        WINSHM_IMPL_MEM_RESERVE | WINSHM_IMPL_MEM_RESERVE_PLACEHOLDER, WINSHM_IMPL_PAGE_NOACCESS, WINSHM_IMPL_NULL, 0));
    if (!placeholder) {
        error = GetLastError();
        return error == WINSHM_IMPL_ERROR_INVALID_PARAMETER ? WINSHM_IMPL_CAST(winshm_impl_error, WINSHM_IMPL_ERROR_NOT_SUPPORTED)
                                                            : error;
    }
    second = placeholder + size;
    /* Split it in two placeholders, one for each copy. */
    if (!VirtualFree(placeholder, size, WINSHM_IMPL_MEM_RELEASE | WINSHM_IMPL_MEM_PRESERVE_PLACEHOLDER)) {
        error = GetLastError();
        VirtualFree(placeholder, 0, WINSHM_IMPL_MEM_RELEASE);
        return error;
    }
    if (!map_view_of_file3(section, WINSHM_IMPL_CURRENT_PROCESS, placeholder, offset, size, WINSHM_IMPL_MEM_REPLACE_PLACEHOLDER,
                           protection, WINSHM_IMPL_NULL, 0)) {
        error = GetLastError();
        VirtualFree(placeholder, 0, WINSHM_IMPL_MEM_RELEASE);
        VirtualFree(second, 0, WINSHM_IMPL_MEM_RELEASE);
        return error;
    }
    if (!map_view_of_file3(section, WINSHM_IMPL_CURRENT_PROCESS, second, offset, size, WINSHM_IMPL_MEM_REPLACE_PLACEHOLDER,
                           protection, WINSHM_IMPL_NULL, 0)) {
        error = GetLastError();
        UnmapViewOfFile(placeholder);
        VirtualFree(second, 0, WINSHM_IMPL_MEM_RELEASE);
        return error;
    }
    *out = placeholder;
    return 0;
}

/* Without placeholders: find a free range of 2 * size, release it, and map
 * both copies there. Another thread may take the range in between; then try
 * again, a bounded number of times. */
WINSHM_API winshm_impl_error winshm_impl_mirror_in_free_range(void *section, uint64_t offset, size_t size,
                                                              unsigned long access, void **out)
{
    const unsigned long high = WINSHM_IMPL_CAST(unsigned long, offset >> 32);
    const unsigned long low = WINSHM_IMPL_CAST(unsigned long, offset & 0xFFFFFFFFu);
    int attempt;
    for (attempt = 0; attempt < WINSHM_IMPL_MIRROR_ATTEMPTS; ++attempt) {
        unsigned char *range = WINSHM_IMPL_CAST(unsigned char *, VirtualAlloc(WINSHM_IMPL_NULL, 2 * size,
                                                                               WINSHM_IMPL_MEM_RESERVE, WINSHM_IMPL_PAGE_NOACCESS));
        const void *first, *second;
        winshm_impl_error error;
        if (!range) /* no hole of 2 * size (87 if it exceeds the whole address space) */
            return WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY;
        VirtualFree(range, 0, WINSHM_IMPL_MEM_RELEASE);
        first = MapViewOfFileEx(section, access, high, low, size, range);
        if (!first) {
            error = GetLastError();
            if (error == WINSHM_IMPL_ERROR_INVALID_ADDRESS)
                continue;
            return error;
        }
        second = MapViewOfFileEx(section, access, high, low, size, range + size);
        if (!second) {
            error = GetLastError();
            UnmapViewOfFile(first);
            if (error == WINSHM_IMPL_ERROR_INVALID_ADDRESS)
                continue;
            return error;
        }
        *out = range;
        return 0;
    }
    return WINSHM_IMPL_ERROR_INVALID_ADDRESS;
}

WINSHM_API winshm_result winshm_map_mirrored(const winshm *shm, winshm_mode mode, uint64_t offset, size_t size,
                                             winshm_view *view)
{
    const uint32_t grain = winshm_allocation_granularity();
    const winshm_impl_mode_rights *rights;
    winshm_impl_error error = WINSHM_IMPL_ERROR_NOT_SUPPORTED;
    void *base = WINSHM_IMPL_NULL;
    unsigned placement = 0;
    winshm_result r = winshm_impl_check_view(shm, mode, offset, &size, view);
    if (r != WINSHM_OK)
        return r;
    if (mode == WINSHM_COPY_ON_WRITE || offset % grain != 0 || size % grain != 0)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    if (size > SIZE_MAX / 2)
        return winshm_impl_fail(WINSHM_ERROR_OUT_OF_MEMORY, WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY);
    rights = winshm_impl_rights(mode);
    if (WINSHM_USE_PLACEHOLDERS) {
        error = winshm_impl_mirror_in_placeholder(shm->handle_, offset, size, rights->protection, &base);
        placement = WINSHM_IMPL_VIEW_PLACEHOLDERS;
    }
    if (error == WINSHM_IMPL_ERROR_NOT_SUPPORTED) {
        error = winshm_impl_mirror_in_free_range(shm->handle_, offset, size, rights->view_access, &base);
        placement = 0;
    }
    if (error)
        return winshm_impl_fail_with(error, 0);
    view->base_ = base;
    view->data = base;
    view->size = size;
    view->mirror_ = size;
    view->mode_ = mode;
    view->flags_ = shm->flags_ | placement;
    return winshm_impl_succeed();
}

/* ================================================================== commit */

WINSHM_API winshm_result winshm_commit(const winshm_view *view, size_t offset, size_t size)
{
    uintptr_t page_mask, first, end;
    if (!view)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    if (!view->base_)
        return winshm_impl_fail(WINSHM_ERROR_NOT_OPEN, WINSHM_IMPL_ERROR_INVALID_HANDLE);
    if (offset >= view->size || size > view->size - offset)
        return winshm_impl_fail(WINSHM_ERROR_OUT_OF_RANGE, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    if (size == 0)
        size = view->size - offset;
    if (!(view->flags_ & WINSHM_RESERVE))
        return winshm_impl_succeed(); /* every page is committed already */
    /* Whole pages, from the one holding the first byte to the one holding
     * the last: never below base_, which is on the allocation granularity. */
    page_mask = WINSHM_IMPL_CAST(uintptr_t, winshm_page_size()) - 1;
    first = (WINSHM_IMPL_PUN(uintptr_t, view->data) + offset) & ~page_mask;
    end = (WINSHM_IMPL_PUN(uintptr_t, view->data) + offset + size + page_mask) & ~page_mask;
    if (!VirtualAlloc(WINSHM_IMPL_PUN(void *, first), end - first, WINSHM_IMPL_MEM_COMMIT,
                      winshm_impl_rights(view->mode_)->protection))
        return winshm_impl_fail_with(GetLastError(), 0);
    /* The second copy of a mirror is the same pages, but a view of them of
     * its own: each mapping commits for itself. */
    if (view->mirror_ && !VirtualAlloc(WINSHM_IMPL_PUN(void *, first + view->mirror_), end - first, WINSHM_IMPL_MEM_COMMIT,
                                       winshm_impl_rights(view->mode_)->protection))
        return winshm_impl_fail_with(GetLastError(), 0);
    return winshm_impl_succeed();
}

/* ======================================================= sharing by handle */

WINSHM_API winshm_result winshm_duplicate(const winshm *shm, void *target_process, winshm_mode mode,
                                          int inheritable, void **out_handle)
{
    void *duplicate = WINSHM_IMPL_NULL;
    winshm_result r;
    if (!out_handle)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_PARAMETER);
    *out_handle = WINSHM_IMPL_NULL;
    r = winshm_impl_check_grant(shm, mode);
    if (r != WINSHM_OK)
        return r;
    if (!target_process)
        target_process = WINSHM_IMPL_CURRENT_PROCESS;
    if (!DuplicateHandle(WINSHM_IMPL_CURRENT_PROCESS, shm->handle_, target_process, &duplicate, winshm_impl_open_access(mode),
                         inheritable != 0, 0))
        return winshm_impl_fail_with(GetLastError(), 0);
    *out_handle = duplicate;
    return winshm_impl_succeed();
}

/* Rewrites a kernel object path as the name that opens it from this process:
 * \Sessions\N\BaseNamedObjects\x is Local\x in this session and
 * Session\N\x in another; \BaseNamedObjects\x is Global\x. Other paths
 * (private namespaces, none) have no such name: *out stays NULL. Returns a
 * Win32 error (only on a failed allocation), 0 otherwise. */
WINSHM_API winshm_impl_error winshm_impl_user_name(const wchar_t *path, size_t units, wchar_t **out)
{
    static const wchar_t sessions[] = L"\\Sessions\\", objects[] = L"\\BaseNamedObjects\\";
    const size_t sessions_units = (sizeof sessions / sizeof sessions[0]) - 1;
    const size_t objects_units = (sizeof objects / sizeof objects[0]) - 1;
    wchar_t prefix[40];
    size_t prefix_units, rest;
    *out = WINSHM_IMPL_NULL;
    if (units > sessions_units && memcmp(path, sessions, sessions_units * sizeof(wchar_t)) == 0) {
        size_t digits = 0;
        unsigned long session = 0, own_session = 0;
        while (sessions_units + digits < units && digits < 9 &&
               path[sessions_units + digits] >= L'0' && path[sessions_units + digits] <= L'9')
            session = session * 10 + WINSHM_IMPL_CAST(unsigned long, path[sessions_units + digits++] - L'0');
        rest = sessions_units + digits;
        if (digits == 0 || units <= rest + objects_units ||
            memcmp(path + rest, objects, objects_units * sizeof(wchar_t)) != 0)
            return 0;
        rest += objects_units;
        if (ProcessIdToSessionId(GetCurrentProcessId(), &own_session) && own_session == session) {
            memcpy(prefix, L"Local\\", 7 * sizeof(wchar_t));
            prefix_units = 6;
        } else {
            memcpy(prefix, L"Session\\", 9 * sizeof(wchar_t));
            memcpy(prefix + 8, path + sessions_units, digits * sizeof(wchar_t));
            prefix[8 + digits] = L'\\';
            prefix_units = 9 + digits;
        }
    } else if (units > objects_units && memcmp(path, objects, objects_units * sizeof(wchar_t)) == 0) {
        rest = objects_units;
        memcpy(prefix, L"Global\\", 8 * sizeof(wchar_t));
        prefix_units = 7;
    } else {
        return 0;
    }
    *out = WINSHM_IMPL_CAST(wchar_t *, WINSHM_MALLOC((prefix_units + units - rest + 1) * sizeof(wchar_t)));
    if (!*out)
        return WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY;
    memcpy(*out, prefix, prefix_units * sizeof(wchar_t));
    memcpy(*out + prefix_units, path + rest, (units - rest) * sizeof(wchar_t));
    (*out)[prefix_units + units - rest] = 0;
    return 0;
}

/* Sets staged's name from the object name of `handle`; no name if it has
 * none or it cannot be read. Returns a Win32 error, only for a failed allocation. */
WINSHM_API winshm_impl_error winshm_impl_name_from_handle(winshm *staged, void *handle, const winshm_impl_ntdll *ntdll)
{
    union { winshm_impl_unicode_string name; unsigned char bytes[512]; } stack_info;
    winshm_impl_unicode_string *info = &stack_info.name, *heap_info = WINSHM_IMPL_NULL;
    unsigned long needed = 0;
    winshm_impl_error error = 0;
    wchar_t *user_name = WINSHM_IMPL_NULL;
    long status = ntdll->query_object(handle, 1 /* ObjectNameInformation */, &stack_info, sizeof stack_info, &needed);
    if (status < 0 && needed > sizeof stack_info) {
        heap_info = WINSHM_IMPL_CAST(winshm_impl_unicode_string *, WINSHM_MALLOC(needed));
        if (!heap_info)
            return WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY;
        info = heap_info;
        status = ntdll->query_object(handle, 1, info, needed, &needed);
    }
    if (status >= 0 && info->length > 0 && info->buffer)
        error = winshm_impl_user_name(info->buffer, info->length / sizeof(wchar_t), &user_name);
    if (user_name) {
        error = winshm_impl_set_name(staged, WINSHM_IMPL_NULL, user_name);
        if (error != WINSHM_IMPL_ERROR_NOT_ENOUGH_MEMORY)
            error = 0; /* a name that cannot be spelt in UTF-8 stays unread */
        WINSHM_FREE(user_name);
    }
    WINSHM_FREE(heap_info);
    return error;
}

WINSHM_API winshm_result winshm_adopt(winshm *shm, void *handle, winshm_mode mode)
{
    winshm staged;
    winshm_impl_ntdll ntdll;
    winshm_impl_object_basic_information basic;
    winshm_impl_error error;
    unsigned long needed = 0, required;
    long status;
    winshm_result r = winshm_impl_check_target(shm, mode, WINSHM_IMPL_NULL);
    if (r != WINSHM_OK)
        return r;
    memset(&staged, 0, sizeof staged);
    if (!handle || handle == WINSHM_IMPL_INVALID_HANDLE_VALUE)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, WINSHM_IMPL_ERROR_INVALID_HANDLE);
    /* Proves that it is a pagefile-backed section we may query, and learns
     * its size and flags. */
    error = winshm_impl_query_section(handle, &staged);
    if (error == WINSHM_IMPL_ERROR_INVALID_HANDLE)
        return winshm_impl_fail(WINSHM_ERROR_INVALID_ARGUMENT, error);
    if (!error)
        error = winshm_impl_load_ntdll(&ntdll);
    if (error)
        return winshm_impl_fail_with(error, 0);
    memset(&basic, 0, sizeof basic);
    status = ntdll.query_object(handle, 0 /* ObjectBasicInformation */, &basic, sizeof basic, &needed);
    if (status < 0)
        return winshm_impl_fail_with(ntdll.status_to_error(status), 0);
    required = winshm_impl_rights(mode)->section_access;
    if ((basic.granted_access & required) != required)
        return winshm_impl_fail(WINSHM_ERROR_ACCESS_DENIED, WINSHM_IMPL_ERROR_ACCESS_DENIED);
    error = winshm_impl_name_from_handle(&staged, handle, &ntdll);
    if (error)
        return winshm_impl_fail_with(error, 0);
    staged.handle_ = handle;
    staged.mode_ = mode;
    *shm = staged;
    return winshm_impl_succeed();
}

#if defined(__GNUC__) || defined(__clang__)
#  pragma GCC diagnostic pop
#elif defined(_MSC_VER)
#  pragma warning(pop)
#endif

#ifdef __cplusplus
}
#endif

/* ==================================================================== C++ */
/* Owning, move-only C++ types over the C API, unless WINSHM_NO_CPP is
 * defined (C++11 or later). No exceptions and no standard header: every
 * member returns the C function's winshm_result, with the same contract
 * (GetLastError(), nothing left behind on failure). bool replaces the C
 * API's int flags. They are in the global namespace, prefixed, because a
 * namespace winshm would clash with the C type winshm. Their members call
 * the C functions; define WINSHM_API as `inline` in C++ for one copy of
 * those across a program's files (the default gives each file its own). */
#if defined(__cplusplus) && !defined(WINSHM_NO_CPP) && \
    (__cplusplus >= 201103L || (defined(_MSVC_LANG) && _MSVC_LANG >= 201103L))

/* Owns one winshm: the destructor closes it. Move-only; a moved-from object
 * is empty. Every constructor member needs an empty object (else
 * INVALID_ARGUMENT, and it keeps what it held). */
class winshm_section {
public:
    winshm_section() noexcept : shm_() {}                         /* empty */
    ~winshm_section() { winshm_close(&shm_); }
    winshm_section(winshm_section &&other) noexcept : shm_() { winshm_move(&shm_, &other.shm_); }
    /* Closes what this held first; self-move does nothing. */
    winshm_section &operator=(winshm_section &&other) noexcept
    {
        winshm_move(&shm_, &other.shm_);
        return *this;
    }
    winshm_section(const winshm_section &) = delete;
    winshm_section &operator=(const winshm_section &) = delete;
    void swap(winshm_section &other) noexcept { winshm_swap(&shm_, &other.shm_); }

    /* As winshm_create_only; a nullptr name creates an unnamed section. */
    winshm_result create_only(const char *name, winshm_mode mode, uint64_t size,
                              const winshm_permissions *perm = nullptr) noexcept
    {
        return winshm_create_only(&shm_, name, mode, size, perm);
    }
    winshm_result create_only(const wchar_t *name, winshm_mode mode, uint64_t size,
                              const winshm_permissions *perm = nullptr) noexcept
    {
        return winshm_create_only_w(&shm_, name, mode, size, perm);
    }
    winshm_result create_only(decltype(nullptr), winshm_mode mode, uint64_t size,
                              const winshm_permissions *perm = nullptr) noexcept
    {
        return winshm_create_only(&shm_, nullptr, mode, size, perm);
    }
    /* As winshm_open_or_create; *created (may be nullptr) tells which. */
    winshm_result open_or_create(const char *name, winshm_mode mode, uint64_t size,
                                 const winshm_permissions *perm = nullptr, bool *created = nullptr) noexcept
    {
        int made = 0;
        winshm_result r = winshm_open_or_create(&shm_, name, mode, size, perm, &made);
        set_flag(created, made);
        return r;
    }
    winshm_result open_or_create(const wchar_t *name, winshm_mode mode, uint64_t size,
                                 const winshm_permissions *perm = nullptr, bool *created = nullptr) noexcept
    {
        int made = 0;
        winshm_result r = winshm_open_or_create_w(&shm_, name, mode, size, perm, &made);
        set_flag(created, made);
        return r;
    }
    /* As winshm_open_only. */
    winshm_result open_only(const char *name, winshm_mode mode) noexcept { return winshm_open_only(&shm_, name, mode); }
    winshm_result open_only(const wchar_t *name, winshm_mode mode) noexcept
    {
        return winshm_open_only_w(&shm_, name, mode);
    }
    /* As winshm_create_ex; a nullptr name creates an unnamed section. */
    winshm_result create_ex(const char *name, winshm_mode mode, uint64_t size, const winshm_options *options = nullptr,
                            bool *created = nullptr) noexcept
    {
        int made = 0;
        winshm_result r = winshm_create_ex(&shm_, name, mode, size, options, &made);
        set_flag(created, made);
        return r;
    }
    winshm_result create_ex(const wchar_t *name, winshm_mode mode, uint64_t size, const winshm_options *options = nullptr,
                            bool *created = nullptr) noexcept
    {
        int made = 0;
        winshm_result r = winshm_create_ex_w(&shm_, name, mode, size, options, &made);
        set_flag(created, made);
        return r;
    }
    winshm_result create_ex(decltype(nullptr), winshm_mode mode, uint64_t size, const winshm_options *options = nullptr,
                            bool *created = nullptr) noexcept
    {
        return create_ex(static_cast<const char *>(nullptr), mode, size, options, created);
    }
    /* As winshm_create_unique. */
    winshm_result create_unique(const char *prefix, winshm_mode mode, uint64_t size,
                                const winshm_options *options = nullptr) noexcept
    {
        return winshm_create_unique(&shm_, prefix, mode, size, options);
    }
    /* As winshm_open_or_init. */
    winshm_result open_or_init(const char *name, winshm_mode mode, uint64_t size, const winshm_options *options,
                               winshm_init_fn init, void *context, uint32_t timeout_ms, bool *created = nullptr) noexcept
    {
        int made = 0;
        winshm_result r = winshm_open_or_init(&shm_, name, mode, size, options, init, context, timeout_ms, &made);
        set_flag(created, made);
        return r;
    }
    winshm_result open_or_init(const wchar_t *name, winshm_mode mode, uint64_t size, const winshm_options *options,
                               winshm_init_fn init, void *context, uint32_t timeout_ms, bool *created = nullptr) noexcept
    {
        int made = 0;
        winshm_result r = winshm_open_or_init_w(&shm_, name, mode, size, options, init, context, timeout_ms, &made);
        set_flag(created, made);
        return r;
    }
    /* As winshm_adopt: takes ownership of handle on success only. */
    winshm_result adopt(void *handle, winshm_mode mode) noexcept { return winshm_adopt(&shm_, handle, mode); }
    /* As winshm_duplicate. */
    winshm_result duplicate(void *target_process, winshm_mode mode, bool inheritable, void **handle) const noexcept
    {
        return winshm_duplicate(&shm_, target_process, mode, inheritable ? 1 : 0, handle);
    }
    /* As winshm_close: empty afterwards; mappings stay valid. */
    void close() noexcept { winshm_close(&shm_); }

    bool is_open() const noexcept { return winshm_is_open(&shm_) != 0; }
    explicit operator bool() const noexcept { return is_open(); }
    const char *name() const noexcept { return winshm_get_name(&shm_); }
    const wchar_t *name_w() const noexcept { return winshm_get_name_w(&shm_); }
    winshm_mode mode() const noexcept { return winshm_get_mode(&shm_); }
    uint64_t size() const noexcept { return winshm_get_size(&shm_); }
    unsigned flags() const noexcept { return winshm_get_flags(&shm_); }
    void *handle() const noexcept { return winshm_get_handle(&shm_); } /* still owned by this object */
    winshm *get() noexcept { return &shm_; }                            /* the C object, for C calls */
    const winshm *get() const noexcept { return &shm_; }

private:
    /* Sets *flag without touching GetLastError(). */
    static void set_flag(bool *flag, int value) noexcept
    {
        if (flag)
            *flag = value != 0;
    }
    winshm shm_;
};

inline void swap(winshm_section &a, winshm_section &b) noexcept { a.swap(b); }

/* Owns one winshm_view: the destructor unmaps it. Move-only; a moved-from
 * object is empty. A mapping outlives the section it came from. */
class winshm_mapping {
public:
    winshm_mapping() noexcept : view_() {}                        /* empty */
    ~winshm_mapping() { winshm_unmap(&view_); }
    winshm_mapping(winshm_mapping &&other) noexcept : view_(other.view_) { other.view_ = winshm_view(); }
    /* Unmaps what this held first; self-move does nothing. */
    winshm_mapping &operator=(winshm_mapping &&other) noexcept
    {
        if (this != &other) {
            winshm_unmap(&view_);
            view_ = other.view_;
            other.view_ = winshm_view();
        }
        return *this;
    }
    winshm_mapping(const winshm_mapping &) = delete;
    winshm_mapping &operator=(const winshm_mapping &) = delete;
    void swap(winshm_mapping &other) noexcept
    {
        winshm_view held = view_;
        view_ = other.view_;
        other.view_ = held;
    }

    /* As winshm_map, winshm_map_at and winshm_map_mirrored: the mapping must
     * be empty (else INVALID_ARGUMENT, and it keeps what it held). */
    winshm_result map(const winshm_section &section, winshm_mode mode, uint64_t offset = 0, size_t size = 0) noexcept
    {
        return winshm_map(section.get(), mode, offset, size, &view_);
    }
    winshm_result map_at(const winshm_section &section, winshm_mode mode, uint64_t offset, size_t size,
                         void *address) noexcept
    {
        return winshm_map_at(section.get(), mode, offset, size, address, &view_);
    }
    winshm_result map_mirrored(const winshm_section &section, winshm_mode mode, uint64_t offset, size_t size) noexcept
    {
        return winshm_map_mirrored(section.get(), mode, offset, size, &view_);
    }
    /* As winshm_commit. */
    winshm_result commit(size_t offset, size_t size) const noexcept { return winshm_commit(&view_, offset, size); }
    /* As winshm_unmap: empty afterwards. */
    void unmap() noexcept { winshm_unmap(&view_); }

    void *data() const noexcept { return view_.data; }
    size_t size() const noexcept { return view_.size; }
    template <class T> T *as() const noexcept { return static_cast<T *>(view_.data); }
    explicit operator bool() const noexcept { return view_.base_ != nullptr; }
    const winshm_view *get() const noexcept { return &view_; }

private:
    winshm_view view_;
};

inline void swap(winshm_mapping &a, winshm_mapping &b) noexcept { a.swap(b); }

#endif /* C++ */

#endif /* WINSHM_H */

/*
MIT License

Copyright (c) 2026 the winshm authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
*/
