/* Run-queue latency: the time from a task becoming runnable (woken, or preempted while still
 * runnable) to it running, as a log2 histogram per woken thread.
 *
 * Keyed by the woken thread's id (`next_pid` of sched_switch), never by the current task:
 * sched_switch runs in the context of the task being switched out, so bpf_get_current_*()
 * there names the wrong task (bcc's `runqlat --pidnss` bug). User space maps each thread id
 * to its container through /proc/TID/cgroup; that works on cgroup v1, v2 and hybrid hosts,
 * where bpf_get_current_cgroup_id() sees only the v2 hierarchy. */
#include "periscope_bpf.h"

#define MAX_SLOTS 32

/* sched_wakeup and sched_wakeup_new: `pid` at offset 24. */
struct sched_wakeup_record {
    __u8 common[8];
    char comm[16];
    __s32 pid;
    __s32 prio;
    __s32 target_cpu;
};

/* sched_switch: prev_pid 24, prev_state 32, next_pid 56. */
struct sched_switch_record {
    __u8 common[8];
    char prev_comm[16];
    __s32 prev_pid;
    __s32 prev_prio;
    __s64 prev_state;
    char next_comm[16];
    __s32 next_pid;
    __s32 next_prio;
};

struct latency_slots {
    __u64 counts[MAX_SLOTS];
};

/* Thread id -> CLOCK_MONOTONIC ns when it became runnable. */
struct bpf_map_def SEC("maps") runnable_since_ns = {
    .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8, .max_entries = 10240,
};

/* Thread id -> histogram of its run-queue latency. */
struct bpf_map_def SEC("maps") latency_by_tid = {
    .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = sizeof(struct latency_slots), .max_entries = 10240,
};

/* Index 0: the unit divisor in ns (1000 for usecs, 1000000 for msecs), written by user space. */
struct bpf_map_def SEC("maps") settings = {
    .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 1,
};

static __always_inline int mark_runnable(__s32 pid) {
    __u32 tid = (__u32)pid;
    __u64 now = bpf_ktime_get_ns();
    if (tid == 0) return 0;
    bpf_map_update_elem(&runnable_since_ns, &tid, &now, BPF_ANY);
    return 0;
}

SEC("tracepoint/sched/sched_wakeup")
int sched_wakeup(struct sched_wakeup_record *record) {
    return mark_runnable(record->pid);
}

SEC("tracepoint/sched/sched_wakeup_new")
int sched_wakeup_new(struct sched_wakeup_record *record) {
    return mark_runnable(record->pid);
}

SEC("tracepoint/sched/sched_switch")
int sched_switch(struct sched_switch_record *record) {
    /* A preempted task stays runnable: its wait starts now. The low byte holds the sleep
     * states; 0 there is TASK_RUNNING (0x100, TASK_REPORT_MAX, marks preemption). */
    if ((record->prev_state & 0xff) == 0) mark_runnable(record->prev_pid);

    __u32 tid = (__u32)record->next_pid;
    if (tid == 0) return 0;
    __u64 *since = bpf_map_lookup_elem(&runnable_since_ns, &tid);
    if (!since) return 0;
    __u64 now = bpf_ktime_get_ns();
    __s64 waited = (__s64)(now - *since);
    bpf_map_delete_elem(&runnable_since_ns, &tid);
    if (waited < 0) return 0;

    __u32 zero_index = 0;
    __u64 *divisor = bpf_map_lookup_elem(&settings, &zero_index);
    __u64 units = (__u64)waited / (divisor && *divisor ? *divisor : 1000);
    __u32 slot = log2_slot(units);
    if (slot >= MAX_SLOTS) slot = MAX_SLOTS - 1;

    struct latency_slots *slots = bpf_map_lookup_elem(&latency_by_tid, &tid);
    if (!slots) {
        struct latency_slots empty = {};
        bpf_map_update_elem(&latency_by_tid, &tid, &empty, BPF_NOEXIST);
        slots = bpf_map_lookup_elem(&latency_by_tid, &tid);
        if (!slots) return 0;
    }
    __sync_fetch_and_add(&slots->counts[slot], 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
