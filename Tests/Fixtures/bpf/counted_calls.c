/* A workload whose calls are known exactly, for funccount's live tests and
 * scripts/compare-funccount.sh:
 *   counted_calls CALLS [OTHERS [SYSCALLS]]
 * calls periscope_counted_call CALLS times, periscope_counted_other OTHERS times, and makes
 * SYSCALLS sched_get_priority_max system calls (one nothing else on the machine makes).
 * Built static (gcc -O1 -static) so it runs in the busybox test image. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((noinline)) int periscope_counted_call(int x) {
    __asm__ volatile("" ::: "memory");
    return x + 1;
}

__attribute__((noinline)) int periscope_counted_other(int x) {
    __asm__ volatile("" ::: "memory");
    return x ^ 1;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    long calls = atol(argv[1]);
    long others = argc > 2 ? atol(argv[2]) : 0;
    long syscalls = argc > 3 ? atol(argv[3]) : 0;
    volatile int sink = 0;
    for (long i = 0; i < calls; i++) sink += periscope_counted_call((int)i);
    for (long i = 0; i < others; i++) sink += periscope_counted_other((int)i);
    for (long i = 0; i < syscalls; i++) syscall(SYS_sched_get_priority_max, 0);
    return 0;
}
