#define _GNU_SOURCE
#include "periscope_splice.h"

#include <fcntl.h>
#include <unistd.h>

ssize_t periscope_splice(int fd_in, int fd_out, size_t length, int nonblocking) {
    unsigned int flags = SPLICE_F_MOVE | (nonblocking ? SPLICE_F_NONBLOCK : 0);
    return splice(fd_in, NULL, fd_out, NULL, length, flags);
}

int periscope_pipe_with_capacity(int fds[2], int capacity) {
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    (void)fcntl(fds[1], F_SETPIPE_SZ, capacity);
    return fcntl(fds[1], F_GETPIPE_SZ);
}
