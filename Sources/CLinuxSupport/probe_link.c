#define _GNU_SOURCE
#include "CLinuxSupport.h"

#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int periscope_perf_event_open_probe(uint32_t pmu_type, uint64_t config, const char *path, uint64_t offset) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.type = pmu_type;
    attr.size = sizeof(attr);
    attr.config = config;
    attr.config1 = (uint64_t)(uintptr_t)path;
    attr.config2 = offset;
    attr.sample_period = 1;
    attr.wakeup_events = 1;
    long fd;
    do {
        fd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    return fd < 0 ? -errno : (int)fd;
}

int periscope_bpf_link_create_perf_event(int prog_fd, int perf_fd, uint64_t cookie) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.link_create.prog_fd = (uint32_t)prog_fd;
    attr.link_create.target_fd = (uint32_t)perf_fd;
    attr.link_create.attach_type = BPF_PERF_EVENT;
    attr.link_create.perf_event.bpf_cookie = cookie;
    long fd;
    do {
        fd = syscall(SYS_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return -errno;
    if (ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
        int error = errno;
        close((int)fd);
        return -error;
    }
    return (int)fd;
}

int periscope_raise_open_files_limit(uint64_t needed, uint64_t *hard_limit) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) < 0) return -errno;
    *hard_limit = limit.rlim_max;
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed) return 0;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) return -EMFILE;
    limit.rlim_cur = needed;
    return setrlimit(RLIMIT_NOFILE, &limit) < 0 ? -errno : 0;
}

const uint32_t periscope_bpf_prog_type_kprobe = BPF_PROG_TYPE_KPROBE;
