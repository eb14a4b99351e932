/* System calls counted per (cgroup, process, syscall), with errors and, when the enter program
 * is attached too, total time. At raw_syscalls:sys_exit the current task is the caller, so
 * bpf_get_current_*() name the right task and cgroup. */
#include "periscope_bpf.h"

/* raw_syscalls:sys_enter: id at 8. raw_syscalls:sys_exit: id at 8, ret at 16. */
struct sys_enter_record {
    __u8 common[8];
    __s64 id;
};

struct sys_exit_record {
    __u8 common[8];
    __s64 id;
    __s64 ret;
};

struct syscall_key {
    __u64 cgroup_id;
    __u32 process_id;
    __u32 syscall;
};

struct syscall_stats {
    __u64 count;
    __u64 errors;
    __u64 total_ns;
};

/* Thread id -> CLOCK_MONOTONIC ns at sys_enter (only when latency is asked for). */
struct bpf_map_def SEC("maps") entered = {
    .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8, .max_entries = 32768,
};

struct bpf_map_def SEC("maps") stats = {
    .type = BPF_MAP_TYPE_HASH, .key_size = sizeof(struct syscall_key), .value_size = sizeof(struct syscall_stats),
    .max_entries = 10240,
};

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter(struct sys_enter_record *record) {
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    __u64 now = bpf_ktime_get_ns();
    bpf_map_update_elem(&entered, &tid, &now, BPF_ANY);
    return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit(struct sys_exit_record *record) {
    if (record->id < 0) return 0;
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u32 tid = (__u32)pid_tgid;
    __u64 elapsed = 0;
    __u64 *since = bpf_map_lookup_elem(&entered, &tid);
    if (since) {
        elapsed = bpf_ktime_get_ns() - *since;
        bpf_map_delete_elem(&entered, &tid);
    }
    struct syscall_key key = {
        .cgroup_id = bpf_get_current_cgroup_id(), .process_id = (__u32)(pid_tgid >> 32), .syscall = (__u32)record->id,
    };
    struct syscall_stats *entry = bpf_map_lookup_elem(&stats, &key);
    if (!entry) {
        struct syscall_stats empty = {};
        bpf_map_update_elem(&stats, &key, &empty, BPF_NOEXIST);
        entry = bpf_map_lookup_elem(&stats, &key);
        if (!entry) return 0;
    }
    __sync_fetch_and_add(&entry->count, 1);
    if (record->ret < 0) __sync_fetch_and_add(&entry->errors, 1);
    __sync_fetch_and_add(&entry->total_ns, elapsed);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
