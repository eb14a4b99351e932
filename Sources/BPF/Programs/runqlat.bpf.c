/* Run-queue latency: the time from a task becoming runnable (woken, or preempted while still
 * runnable) to it running, as log2 histograms keyed by the woken task's cgroup and process.
 *
 * Which task the latency belongs to: the one switched IN (`next_pid`). sched_switch runs in
 * the context of the task switched OUT, so bpf_get_current_*() there describes `prev`, never
 * `next` (bcc's `runqlat --pidnss` keys on it: the wrong container). And at sched_wakeup the
 * current task is the waker. So each task's cgroup id and process id are recorded when they
 * ARE current: at each switch-out (prev == current), and at sched_wakeup_new from the parent
 * (a child starts in its parent's cgroup). The histogram of a latency is keyed by what was
 * recorded for `next`. Keying by cgroup id in the kernel (rather than by thread id resolved
 * later through /proc) keeps short-lived processes attributed after they exit. */
#include "periscope_bpf.h"

#define MAX_SLOTS 32
/* The histogram key's `id` is a thread id, not a process id (flags bit 0): the task was
 * woken before it was ever seen as current, so its process is unknown to the kernel side. */
#define KEY_ID_IS_THREAD 1

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

/* What is known of a thread: when it became runnable (0: not waiting), and its cgroup (v2 id)
 * and process as last seen while it was current. */
struct task_entry {
    __u64 runnable_since_ns;
    __u64 cgroup_id;
    __u32 process_id;
    __u32 flags;
};

struct latency_key {
    __u64 cgroup_id;
    __u32 id;
    __u32 flags;
};

/* The log2 counts, and the sum of the latencies in ns (what a Prometheus histogram's _sum needs;
 * the slots alone only bound it). */
struct latency_slots {
    __u64 counts[MAX_SLOTS];
    __u64 total_ns;
};

/* Thread id -> task_entry; removed at sched_process_exit. */
struct bpf_map_def SEC("maps") tasks = {
    .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = sizeof(struct task_entry), .max_entries = 32768,
};

/* (cgroup id, process id) -> histogram of run-queue latency. */
struct bpf_map_def SEC("maps") latency = {
    .type = BPF_MAP_TYPE_HASH, .key_size = sizeof(struct latency_key), .value_size = sizeof(struct latency_slots),
    .max_entries = 10240,
};

/* Index 0: the unit divisor in ns (1000 for usecs, 1000000 for msecs), written by user space. */
struct bpf_map_def SEC("maps") settings = {
    .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 1,
};

SEC("tracepoint/sched/sched_wakeup")
int sched_wakeup(struct sched_wakeup_record *record) {
    __u32 tid = (__u32)record->pid;
    if (tid == 0) return 0;
    __u64 now = bpf_ktime_get_ns();
    struct task_entry *task = bpf_map_lookup_elem(&tasks, &tid);
    if (task) {
        task->runnable_since_ns = now;
        return 0;
    }
    struct task_entry fresh = {.runnable_since_ns = now, .process_id = tid, .flags = KEY_ID_IS_THREAD};
    bpf_map_update_elem(&tasks, &tid, &fresh, BPF_NOEXIST);
    return 0;
}

/* The new task's cgroup is its parent's, the current task's. Its process id is its own tid
 * for a process and the parent's for a thread: unknown here, so the tid is kept as a thread id. */
SEC("tracepoint/sched/sched_wakeup_new")
int sched_wakeup_new(struct sched_wakeup_record *record) {
    __u32 tid = (__u32)record->pid;
    if (tid == 0) return 0;
    struct task_entry fresh = {
        .runnable_since_ns = bpf_ktime_get_ns(), .cgroup_id = bpf_get_current_cgroup_id(),
        .process_id = tid, .flags = KEY_ID_IS_THREAD,
    };
    bpf_map_update_elem(&tasks, &tid, &fresh, BPF_ANY);
    return 0;
}

SEC("tracepoint/sched/sched_switch")
int sched_switch(struct sched_switch_record *record) {
    __u64 now = bpf_ktime_get_ns();
    __u32 prev = (__u32)record->prev_pid;
    if (prev != 0) {
        /* A preempted task stays runnable: its wait starts now. The low byte holds the sleep
         * states; 0 there is TASK_RUNNING (0x100, TASK_REPORT_MAX, marks preemption). */
        __u64 since = (record->prev_state & 0xff) == 0 ? now : 0;
        __u64 cgroup_id = bpf_get_current_cgroup_id();
        __u32 process_id = (__u32)(bpf_get_current_pid_tgid() >> 32);
        struct task_entry *task = bpf_map_lookup_elem(&tasks, &prev);
        if (task) {
            task->runnable_since_ns = since;
            task->cgroup_id = cgroup_id;
            task->process_id = process_id;
            task->flags = 0;
        } else {
            struct task_entry fresh = {.runnable_since_ns = since, .cgroup_id = cgroup_id, .process_id = process_id};
            bpf_map_update_elem(&tasks, &prev, &fresh, BPF_ANY);
        }
    }

    __u32 next = (__u32)record->next_pid;
    if (next == 0) return 0;
    struct task_entry *task = bpf_map_lookup_elem(&tasks, &next);
    if (!task || task->runnable_since_ns == 0) return 0;
    __s64 waited = (__s64)(now - task->runnable_since_ns);
    task->runnable_since_ns = 0;
    if (waited < 0) return 0;

    __u32 zero_index = 0;
    __u64 *divisor = bpf_map_lookup_elem(&settings, &zero_index);
    __u64 units = (__u64)waited / (divisor && *divisor ? *divisor : 1000);
    __u32 slot = log2_slot(units);
    if (slot >= MAX_SLOTS) slot = MAX_SLOTS - 1;

    struct latency_key key = {.cgroup_id = task->cgroup_id, .id = task->process_id, .flags = task->flags};
    struct latency_slots *slots = bpf_map_lookup_elem(&latency, &key);
    if (!slots) {
        struct latency_slots empty = {};
        bpf_map_update_elem(&latency, &key, &empty, BPF_NOEXIST);
        slots = bpf_map_lookup_elem(&latency, &key);
        if (!slots) return 0;
    }
    __sync_fetch_and_add(&slots->counts[slot], 1);
    __sync_fetch_and_add(&slots->total_ns, (__u64)waited);
    return 0;
}

/* The exiting thread is current: forget it, so the map holds live threads only. */
SEC("tracepoint/sched/sched_process_exit")
int sched_process_exit(void *record) {
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    bpf_map_delete_elem(&tasks, &tid);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
