#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
/* floor FILELIST ROUNDS: opens every file once, then preads all of them ROUNDS times;
   prints the CPU nanoseconds of one round (the opens left out). */
int main(int argc, char **argv) {
    FILE *list = fopen(argv[1], "r"); int rounds = atoi(argv[2]);
    int fds[65536]; size_t count = 0; char line[4096]; static char buffer[65536];
    while (list && fgets(line, sizeof line, list) && count < 65536) {
        line[strcspn(line, "\n")] = 0;
        int fd = open(line, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) fds[count++] = fd;
    }
    struct timespec a, b; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    for (int r = 0; r < rounds; r++) for (size_t i = 0; i < count; i++) pread(fds[i], buffer, sizeof buffer, 0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    printf("%zu %.0f\n", count, ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / rounds);
    return 0;
}
