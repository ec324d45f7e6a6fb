/* Forced into every file of the clang-cl configuration (clang-cl-wine.cmake):
 * what the Windows SDK's winnt.h declares for x64 and Wine's headers leave
 * out in MSVC mode, and an example uses. */
#ifdef __cplusplus
extern "C"
#endif
__int64 _InterlockedExchange64(__int64 volatile *target, __int64 value);
#define InterlockedExchange64 _InterlockedExchange64
