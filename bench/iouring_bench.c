/*
 * The iouring package's three benchmarks, written in C with liburing, for
 * bench/run-iouring. Prints one line per benchmark in the format of
 * go test -bench (time per operation: per NOP or per read), so that
 * benchstat reads it beside the Go results.
 *
 *   iouring_bench N FILE [nop32|nop1|read32]
 *
 * N operations each (a multiple of 32); FILE: a 128 KiB file in the page
 * cache; the third argument runs one benchmark only (for callgrind).
 */
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, int err) {
	fprintf(stderr, "%s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* reap submits, waits for n completions, checks them and marks them all
 * seen at once (io_uring_for_each_cqe and io_uring_cq_advance). */
static void reap(struct io_uring *ring, unsigned n) {
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	int ret = io_uring_submit_and_wait(ring, n);
	if (ret < 0)
		die("io_uring_submit_and_wait", ret);
	io_uring_for_each_cqe(ring, head, cqe) {
		if (cqe->res < 0)
			die("cqe", cqe->res);
		seen++;
	}
	if (seen != n)
		die("fewer completions than waited for", 5);
	io_uring_cq_advance(ring, seen);
}

static struct io_uring ring;
static char *buf;
static int fd;

/* (a) batches of 32 NOPs, one submit and wait each. */
__attribute__((noinline)) static void bench_nop32(long n) {
	for (long done = 0; done < n; done += 32) {
		for (int i = 0; i < 32; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			io_uring_prep_nop(sqe);
			sqe->user_data = i;
		}
		reap(&ring, 32);
	}
}

/* (b) one NOP, submitted and waited for. */
__attribute__((noinline)) static void bench_nop1(long n) {
	for (long i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		sqe->user_data = i;
		reap(&ring, 1);
	}
}

/* (c) batches of 32 reads of 4 KiB from a file in the page cache. */
__attribute__((noinline)) static void bench_read32(long n) {
	for (long done = 0; done < n; done += 32) {
		for (int i = 0; i < 32; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			io_uring_prep_read(sqe, fd, buf + i * 4096, 4096, (unsigned long long)i * 4096);
			sqe->user_data = i;
		}
		reap(&ring, 32);
	}
}

static void run(const char *name, void (*bench)(long), long n, long procs) {
	double t0 = now();
	bench(n);
	printf("Benchmark%s/impl=liburing-%ld \t%ld\t%.2f ns/op\n", name, procs, n, (now() - t0) / n);
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: iouring_bench N FILE [nop32|nop1|read32]\n");
		return 2;
	}
	long n = atol(argv[1]);
	const char *only = argc > 3 ? argv[3] : "";
	long procs = sysconf(_SC_NPROCESSORS_ONLN); /* go test's -N suffix */
	int ret = io_uring_queue_init(64, &ring, 0);
	if (ret < 0)
		die("io_uring_queue_init", ret);
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	buf = aligned_alloc(4096, 32 * 4096);
	if (fd < 0 || buf == NULL)
		die("open", 2);
	if (!*only || !strcmp(only, "nop32"))
		run("NopBatch32", bench_nop32, n, procs);
	if (!*only || !strcmp(only, "nop1"))
		run("NopRoundTrip", bench_nop1, n, procs);
	if (!*only || !strcmp(only, "read32"))
		run("Read4KBatch32", bench_read32, n, procs);
	io_uring_queue_exit(&ring);
	return 0;
}
