#define _GNU_SOURCE
#include "CLinuxSupport.h"

#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int periscope_bpf(int command, union bpf_attr *attr) {
    long result;
    do {
        result = syscall(SYS_bpf, command, attr, sizeof(*attr));
    } while (result < 0 && errno == EINTR);
    return result < 0 ? -errno : (int)result;
}

int periscope_bpf_map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                             uint32_t map_flags, const char *name) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = map_type;
    attr.key_size = key_size;
    attr.value_size = value_size;
    attr.max_entries = max_entries;
    attr.map_flags = map_flags;
    if (name) strncpy(attr.map_name, name, BPF_OBJ_NAME_LEN - 1);
    return periscope_bpf(BPF_MAP_CREATE, &attr);
}

static int periscope_bpf_map_element(int command, int map_fd, const void *key, void *value, uint64_t flags) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_fd = (uint32_t)map_fd;
    attr.key = (uint64_t)(uintptr_t)key;
    attr.value = (uint64_t)(uintptr_t)value;
    attr.flags = flags;
    return periscope_bpf(command, &attr);
}

int periscope_bpf_map_lookup_elem(int map_fd, const void *key, void *value) {
    return periscope_bpf_map_element(BPF_MAP_LOOKUP_ELEM, map_fd, key, value, 0);
}

int periscope_bpf_map_update_elem(int map_fd, const void *key, const void *value, uint64_t flags) {
    return periscope_bpf_map_element(BPF_MAP_UPDATE_ELEM, map_fd, key, (void *)value, flags);
}

int periscope_bpf_map_delete_elem(int map_fd, const void *key) {
    return periscope_bpf_map_element(BPF_MAP_DELETE_ELEM, map_fd, key, NULL, 0);
}

int periscope_bpf_map_get_next_key(int map_fd, const void *key, void *next_key) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_fd = (uint32_t)map_fd;
    attr.key = (uint64_t)(uintptr_t)key;
    attr.next_key = (uint64_t)(uintptr_t)next_key;
    return periscope_bpf(BPF_MAP_GET_NEXT_KEY, &attr);
}

int periscope_bpf_prog_load(uint32_t prog_type, const void *instructions, uint32_t instruction_count,
                            const char *license, const char *name, char *log_buffer, uint32_t log_size,
                            uint32_t log_level) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = prog_type;
    attr.insns = (uint64_t)(uintptr_t)instructions;
    attr.insn_cnt = instruction_count;
    attr.license = (uint64_t)(uintptr_t)license;
    if (log_buffer && log_size > 0) {
        log_buffer[0] = 0;
        attr.log_buf = (uint64_t)(uintptr_t)log_buffer;
        attr.log_size = log_size;
        attr.log_level = log_level;
    }
    if (name) strncpy(attr.prog_name, name, BPF_OBJ_NAME_LEN - 1);
    return periscope_bpf(BPF_PROG_LOAD, &attr);
}

int periscope_perf_event_open_tracepoint(uint64_t tracepoint_id) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.size = sizeof(attr);
    attr.config = tracepoint_id;
    attr.sample_period = 1;
    attr.wakeup_events = 1;
    long fd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : (int)fd;
}

int periscope_perf_event_attach_bpf(int perf_fd, int prog_fd) {
    if (ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0) return -errno;
    if (ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0) < 0) return -errno;
    return 0;
}

const uint32_t periscope_bpf_prog_type_tracepoint = BPF_PROG_TYPE_TRACEPOINT;
const uint8_t periscope_bpf_pseudo_map_fd = BPF_PSEUDO_MAP_FD;
