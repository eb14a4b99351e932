#ifndef PERISCOPE_OPEN_IN_ROOT_H
#define PERISCOPE_OPEN_IN_ROOT_H

/// openat2(2) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, read-only and close-on-exec:
/// opens `path` as if `root_fd` (an open /proc/PID/root) were "/", so absolute symlinks and
/// ".." inside a container's filesystem cannot lead out of it.
/// Returns the fd, or -1 with errno set (ENOSYS before Linux 5.6).
int periscope_open_in_root(int root_fd, const char *path);

#endif
