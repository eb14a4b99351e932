/* Off-CPU time by stack: at sched:sched_switch the task switched out is still current, so its
 * kernel and user stacks are taken there (bpf_get_stackid into a stack trace map) with the
 * time it left; when the same thread is switched back in, the time it was away is added to
 * (process, thread, user stack, kernel stack). libbpf-tools' offcputime does the same; the
 * filter here is a PID namespace (a container's), checked in the kernel with
 * bpf_get_ns_current_pid_tgid, so other tasks pay no stack walk. */
#include "periscope_bpf.h"

#define BPF_MAP_TYPE_STACK_TRACE 7
/* bpf_get_stackid flags: walk the user stack instead of the kernel's. */
#define BPF_F_USER_STACK (1ULL << 8)
/* perf_event_max_stack's default: the frames a stack trace map value holds. */
#define MAX_STACK_DEPTH 127

struct bpf_pidns_info {
    __u32 pid;
    __u32 tgid;
};

static long (*bpf_get_stackid)(void *ctx, void *map, __u64 flags) = (void *)27;
static long (*bpf_get_ns_current_pid_tgid)(__u64 dev, __u64 ino, struct bpf_pidns_info *nsdata, __u32 size) = (void *)120;

/* sched:sched_switch: prev_pid at 24, next_pid at 56. */
struct sched_switch_record {
    __u8 common[24];
    __s32 prev_pid;
    __s32 prev_prio;
    __s64 prev_state;
    char next_comm[16];
    __s32 next_pid;
};

struct offcpu_key {
    __u32 tgid;
    __u32 pid;
    /* Negative: no stack (a kernel thread has no user stack; -EFAULT, -EEXIST on a full map). */
    __s32 user_stack_id;
    __s32 kernel_stack_id;
};

struct switched_out {
    __u64 start_ns;
    struct offcpu_key key;
};

/* Written by user space before attaching: which PID namespace to keep (filter_pidns = 0:
 * every task) and the shortest off-CPU period counted. */
struct offcpu_settings {
    __u64 pidns_dev;
    __u64 pidns_ino;
    __u32 filter_pidns;
    __u32 pad;
    __u64 min_ns;
};

struct bpf_map_def SEC("maps") settings = {
    .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = sizeof(struct offcpu_settings), .max_entries = 1,
};

/* Thread id -> when it was switched out, and with which stacks. */
struct bpf_map_def SEC("maps") starts = {
    .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = sizeof(struct switched_out), .max_entries = 32768,
};

struct bpf_map_def SEC("maps") stacks = {
    .type = BPF_MAP_TYPE_STACK_TRACE, .key_size = 4, .value_size = MAX_STACK_DEPTH * 8, .max_entries = 16384,
};

/* offcpu_key -> total ns off CPU. */
struct bpf_map_def SEC("maps") offcpu = {
    .type = BPF_MAP_TYPE_HASH, .key_size = sizeof(struct offcpu_key), .value_size = 8, .max_entries = 16384,
};

SEC("tracepoint/sched/sched_switch")
int sched_switch(struct sched_switch_record *record) {
    __u32 zero = 0;
    struct offcpu_settings *config = bpf_map_lookup_elem(&settings, &zero);
    if (!config) return 0;
    __u64 now = bpf_ktime_get_ns();

    __u32 prev = (__u32)record->prev_pid;
    if (prev != 0) {
        int keep = 1;
        if (config->filter_pidns) {
            struct bpf_pidns_info ns = {};
            keep = bpf_get_ns_current_pid_tgid(config->pidns_dev, config->pidns_ino, &ns, sizeof(ns)) == 0;
        }
        if (keep) {
            struct switched_out entry = {};
            entry.start_ns = now;
            entry.key.tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
            entry.key.pid = prev;
            entry.key.user_stack_id = (__s32)bpf_get_stackid(record, &stacks, BPF_F_USER_STACK);
            entry.key.kernel_stack_id = (__s32)bpf_get_stackid(record, &stacks, 0);
            bpf_map_update_elem(&starts, &prev, &entry, BPF_ANY);
        }
    }

    __u32 next = (__u32)record->next_pid;
    struct switched_out *out = bpf_map_lookup_elem(&starts, &next);
    if (!out) return 0;
    __u64 delta = now - out->start_ns;
    struct offcpu_key key = out->key;
    bpf_map_delete_elem(&starts, &next);
    if (delta < config->min_ns) return 0;
    __u64 *total = bpf_map_lookup_elem(&offcpu, &key);
    if (!total) {
        __u64 empty = 0;
        bpf_map_update_elem(&offcpu, &key, &empty, BPF_NOEXIST);
        total = bpf_map_lookup_elem(&offcpu, &key);
        if (!total) return 0;
    }
    __sync_fetch_and_add(total, delta);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
