/* The iocp benchmarks' calls in C, printed in go test -bench format so that
 * benchstat compares them with the Go ones (bench/run-iocp). Build with
 * x86_64-w64-mingw32-gcc -O2; run on Windows or under Wine. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static double now_ns(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER t;
	if (!freq.QuadPart)
		QueryPerformanceFrequency(&freq);
	QueryPerformanceCounter(&t);
	return (double)t.QuadPart * 1e9 / (double)freq.QuadPart;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	DWORD bytes;
	ULONG_PTR key;
	LPOVERLAPPED ov;
	OVERLAPPED_ENTRY entries[16];
	ULONG got;
	double t0;
	long i, k;

	SYSTEM_INFO si;

	if (port == NULL)
		return 1;
	GetSystemInfo(&si); /* the -N suffix go test gives: GOMAXPROCS, the processor count */
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		PostQueuedCompletionStatus(port, 1, 2, NULL);
		if (!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0) || key != 2)
			return 2;
	}
	printf("BenchmarkPostDequeue/impl=c-%lu \t%ld\t%.1f ns/op\n", si.dwNumberOfProcessors, n, (now_ns() - t0) / n);

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0) || GetLastError() != WAIT_TIMEOUT)
			return 3;
	}
	printf("BenchmarkDequeueEmpty/impl=c-%lu \t%ld\t%.1f ns/op\n", si.dwNumberOfProcessors, n, (now_ns() - t0) / n);

	t0 = now_ns();
	for (i = 0; i < n / 16; i++) {
		for (k = 0; k < 16; k++)
			PostQueuedCompletionStatus(port, 0, (ULONG_PTR)k, NULL);
		if (!GetQueuedCompletionStatusEx(port, entries, 16, &got, 0, FALSE) || got != 16)
			return 4;
	}
	printf("BenchmarkDequeueBatch/impl=c-%lu \t%ld\t%.1f ns/op\n", si.dwNumberOfProcessors, n / 16, (now_ns() - t0) / (n / 16));
	CloseHandle(port);
	return 0;
}
