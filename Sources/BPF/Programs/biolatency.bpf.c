/* Block I/O latency: from a request's issue to the device (block_rq_issue) to its completion
 * (block_rq_complete), as log2 histograms keyed by the issuing task's cgroup, process and disk.
 *
 * Requests are matched by (dev, sector). The issuer is recorded at block_rq_insert, where the
 * current task is the one that submitted the I/O into the scheduler; a request issued directly
 * (no scheduler queueing) gets its issuer at block_rq_issue. At completion the current task is
 * whoever the interrupt landed on, so nothing there names the issuer. */
#include "periscope_bpf.h"

#define MAX_SLOTS 32

/* block_rq_insert and block_rq_issue: dev 8, sector 16. block_rq_complete: same offsets. */
struct block_rq_record {
    __u8 common[8];
    __u32 dev;
    __u32 padding;
    __u64 sector;
};

struct request_key {
    __u64 sector;
    __u32 dev;
    __u32 padding;
};

struct request_entry {
    __u64 issued_ns;
    __u64 cgroup_id;
    __u32 process_id;
    __u32 padding;
};

struct latency_key {
    __u64 cgroup_id;
    __u32 process_id;
    __u32 dev;
};

/* The log2 counts, and the sum of the latencies in ns (what a Prometheus histogram's _sum needs;
 * the slots alone only bound it). */
struct latency_slots {
    __u64 counts[MAX_SLOTS];
    __u64 total_ns;
};

struct bpf_map_def SEC("maps") requests = {
    .type = BPF_MAP_TYPE_HASH, .key_size = sizeof(struct request_key), .value_size = sizeof(struct request_entry),
    .max_entries = 10240,
};

struct bpf_map_def SEC("maps") latency = {
    .type = BPF_MAP_TYPE_HASH, .key_size = sizeof(struct latency_key), .value_size = sizeof(struct latency_slots),
    .max_entries = 10240,
};

/* Index 0: the unit divisor in ns (1000 for usecs, 1000000 for msecs), written by user space. */
struct bpf_map_def SEC("maps") settings = {
    .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 1,
};

SEC("tracepoint/block/block_rq_insert")
int block_rq_insert(struct block_rq_record *record) {
    struct request_key key = {.sector = record->sector, .dev = record->dev};
    struct request_entry entry = {
        .cgroup_id = bpf_get_current_cgroup_id(), .process_id = (__u32)(bpf_get_current_pid_tgid() >> 32),
    };
    bpf_map_update_elem(&requests, &key, &entry, BPF_ANY);
    return 0;
}

SEC("tracepoint/block/block_rq_issue")
int block_rq_issue(struct block_rq_record *record) {
    struct request_key key = {.sector = record->sector, .dev = record->dev};
    __u64 now = bpf_ktime_get_ns();
    struct request_entry *entry = bpf_map_lookup_elem(&requests, &key);
    if (entry) {
        entry->issued_ns = now;
        return 0;
    }
    struct request_entry fresh = {
        .issued_ns = now, .cgroup_id = bpf_get_current_cgroup_id(),
        .process_id = (__u32)(bpf_get_current_pid_tgid() >> 32),
    };
    bpf_map_update_elem(&requests, &key, &fresh, BPF_ANY);
    return 0;
}

SEC("tracepoint/block/block_rq_complete")
int block_rq_complete(struct block_rq_record *record) {
    struct request_key key = {.sector = record->sector, .dev = record->dev};
    struct request_entry *entry = bpf_map_lookup_elem(&requests, &key);
    if (!entry) return 0;
    __u64 issued = entry->issued_ns;
    struct latency_key histogram_key = {.cgroup_id = entry->cgroup_id, .process_id = entry->process_id, .dev = record->dev};
    bpf_map_delete_elem(&requests, &key);
    if (issued == 0) return 0;
    __s64 waited = (__s64)(bpf_ktime_get_ns() - issued);
    if (waited < 0) return 0;

    __u32 zero_index = 0;
    __u64 *divisor = bpf_map_lookup_elem(&settings, &zero_index);
    __u64 units = (__u64)waited / (divisor && *divisor ? *divisor : 1000);
    __u32 slot = log2_slot(units);
    if (slot >= MAX_SLOTS) slot = MAX_SLOTS - 1;

    struct latency_slots *slots = bpf_map_lookup_elem(&latency, &histogram_key);
    if (!slots) {
        struct latency_slots empty = {};
        bpf_map_update_elem(&latency, &histogram_key, &empty, BPF_NOEXIST);
        slots = bpf_map_lookup_elem(&latency, &histogram_key);
        if (!slots) return 0;
    }
    __sync_fetch_and_add(&slots->counts[slot], 1);
    __sync_fetch_and_add(&slots->total_ns, (__u64)waited);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
