/* A stand-in for bcryptprimitives.dll, which Wine 8.0 lacks and Go 1.22+
 * binaries load at start-up for ProcessPrng. It fills the buffer from
 * advapi32's RtlGenRandom (exported as SystemFunction036). Test use only. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!SystemFunction036(data, chunk))
			return FALSE;
		data += chunk;
		size -= chunk;
	}
	return TRUE;
}
