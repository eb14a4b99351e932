#ifndef PERISCOPE_SPLICE_H
#define PERISCOPE_SPLICE_H

#include <stddef.h>
#include <sys/types.h>

/// splice(2) between two descriptors with no offsets (Swift cannot see it without _GNU_SOURCE).
/// `nonblocking` adds SPLICE_F_NONBLOCK; SPLICE_F_MOVE is always set. Returns bytes or -1/errno.
ssize_t periscope_splice(int fd_in, int fd_out, size_t length, int nonblocking);

/// pipe2(O_CLOEXEC | O_NONBLOCK), then F_SETPIPE_SZ to `capacity` (best effort).
/// Returns the pipe's capacity in bytes, or -1/errno.
int periscope_pipe_with_capacity(int fds[2], int capacity);

#endif
