/* Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Rust's std (1.78 and later) and
 * Go's runtime load at start-up for random bytes. This stand-in, built with mingw-w64
 * into the test prefix's system32, answers from RtlGenRandom, which Wine has. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
