#ifndef PERISCOPE_PERF_H
#define PERISCOPE_PERF_H

#include <linux/perf_event.h>
#include <stdint.h>
#include <sys/types.h>

/// perf_event_open(2), which glibc does not wrap: syscall(SYS_perf_event_open, ...).
/// Returns the new fd, or -1 with errno set.
int periscope_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd, unsigned long flags);

/// ioctl(2) request numbers, macros that Swift cannot import.
extern const unsigned long periscope_perf_event_ioc_enable;
extern const unsigned long periscope_perf_event_ioc_disable;

/// Enum values used to fill `perf_event_attr`, re-exported as plain integers.
extern const uint32_t periscope_perf_type_software;
extern const uint64_t periscope_perf_count_sw_cpu_clock;
extern const uint32_t periscope_perf_type_hardware;
extern const uint64_t periscope_perf_count_hw_cpu_cycles;
extern const uint64_t periscope_perf_sample_ip;
extern const uint64_t periscope_perf_sample_tid;
extern const uint64_t periscope_perf_sample_time;
extern const uint64_t periscope_perf_sample_callchain;
extern const uint64_t periscope_perf_sample_cpu;
extern const uint64_t periscope_perf_sample_period;
extern const unsigned long periscope_perf_flag_fd_cloexec;
/// `pid` is an open cgroup directory: sample only tasks in that cgroup (and below it).
extern const unsigned long periscope_perf_flag_pid_cgroup;

/// `data_head` of a perf mmap page, loaded with acquire ordering: the record bytes the
/// kernel wrote before advancing the head are visible once this returns.
uint64_t periscope_perf_load_data_head(const struct perf_event_mmap_page *page);

/// Stores `data_tail` with release ordering: every read of the records before `tail`
/// completes before the kernel may overwrite them.
void periscope_perf_store_data_tail(struct perf_event_mmap_page *page, uint64_t tail);

#endif
