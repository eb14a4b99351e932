#define _GNU_SOURCE
#include "CLinuxSupport.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int periscope_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd, unsigned long flags) {
    return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

const unsigned long periscope_perf_event_ioc_enable = PERF_EVENT_IOC_ENABLE;
const unsigned long periscope_perf_event_ioc_disable = PERF_EVENT_IOC_DISABLE;

const uint32_t periscope_perf_type_software = PERF_TYPE_SOFTWARE;
const uint64_t periscope_perf_count_sw_cpu_clock = PERF_COUNT_SW_CPU_CLOCK;
const uint32_t periscope_perf_type_hardware = PERF_TYPE_HARDWARE;
const uint64_t periscope_perf_count_hw_cpu_cycles = PERF_COUNT_HW_CPU_CYCLES;
const uint64_t periscope_perf_sample_ip = PERF_SAMPLE_IP;
const uint64_t periscope_perf_sample_tid = PERF_SAMPLE_TID;
const uint64_t periscope_perf_sample_time = PERF_SAMPLE_TIME;
const uint64_t periscope_perf_sample_callchain = PERF_SAMPLE_CALLCHAIN;
const uint64_t periscope_perf_sample_cpu = PERF_SAMPLE_CPU;
const uint64_t periscope_perf_sample_period = PERF_SAMPLE_PERIOD;
const unsigned long periscope_perf_flag_fd_cloexec = PERF_FLAG_FD_CLOEXEC;
const unsigned long periscope_perf_flag_pid_cgroup = PERF_FLAG_PID_CGROUP;

uint64_t periscope_perf_load_data_head(const struct perf_event_mmap_page *page) {
    return __atomic_load_n(&page->data_head, __ATOMIC_ACQUIRE);
}

void periscope_perf_store_data_tail(struct perf_event_mmap_page *page, uint64_t tail) {
    __atomic_store_n(&page->data_tail, tail, __ATOMIC_RELEASE);
}
