/*
 * The same three calls as epoll's Go benchmarks, made from C through glibc,
 * for bench/run. Prints one line per call in the format of go test -bench,
 * so that benchstat can read it beside the Go results.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what) {
	perror(what);
	exit(1);
}

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long procs = sysconf(_SC_NPROCESSORS_ONLN); /* go test's -N suffix */
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int efd = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
	int efd2 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN}, out[1];
	if (ep < 0 || efd < 0 || efd2 < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) < 0)
		die("setup");

	double t0 = now();
	for (long i = 0; i < n; i++)
		if (epoll_wait(ep, out, 1, 0) != 1)
			die("epoll_wait");
	printf("BenchmarkEpollWait/impl=c-%ld \t%ld\t%.1f ns/op\n", procs, n, (now() - t0) / n);

	t0 = now();
	for (long i = 0; i < n; i++)
		if (epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev) != 0)
			die("epoll_ctl");
	printf("BenchmarkEpollCtlMod/impl=c-%ld \t%ld\t%.1f ns/op\n", procs, n, (now() - t0) / n);

	t0 = now();
	for (long i = 0; i < n; i++) {
		eventfd_t v;
		if (eventfd_write(efd2, 1) != 0 || eventfd_read(efd2, &v) != 0)
			die("eventfd");
	}
	printf("BenchmarkEventfdWriteRead/impl=c-%ld \t%ld\t%.1f ns/op\n", procs, n, (now() - t0) / n);
	return 0;
}
