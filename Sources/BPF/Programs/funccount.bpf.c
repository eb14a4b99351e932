/* Calls of tracepoints and user functions counted per (cgroup, process, probe). One program
 * per context type (tracepoint records, uprobe registers) is attached to every matched probe
 * through a BPF link whose cookie is the probe's index: one program for a thousand probes,
 * where bcc generates one per function. */
#include "periscope_bpf.h"

/* bpf_get_attach_cookie (enum bpf_func_id 174, Linux 5.15). */
static __u64 (*bpf_get_attach_cookie)(void *ctx) = (void *)174;

struct count_key {
    __u64 cgroup_id;
    __u32 process_id;
    __u32 probe;
};

struct bpf_map_def SEC("maps") counts = {
    .type = BPF_MAP_TYPE_HASH, .key_size = sizeof(struct count_key), .value_size = 8, .max_entries = 32768,
};

/* Hits not counted because `counts` was full, in its only slot. */
struct bpf_map_def SEC("maps") dropped = {
    .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 1,
};

static __always_inline int count(void *ctx) {
    struct count_key key = {
        .cgroup_id = bpf_get_current_cgroup_id(),
        .process_id = (__u32)(bpf_get_current_pid_tgid() >> 32),
        .probe = (__u32)bpf_get_attach_cookie(ctx),
    };
    __u64 *value = bpf_map_lookup_elem(&counts, &key);
    if (!value) {
        __u64 zero = 0;
        bpf_map_update_elem(&counts, &key, &zero, BPF_NOEXIST);
        value = bpf_map_lookup_elem(&counts, &key);
        if (!value) {
            __u32 slot = 0;
            __u64 *lost = bpf_map_lookup_elem(&dropped, &slot);
            if (lost) __sync_fetch_and_add(lost, 1);
            return 0;
        }
    }
    __sync_fetch_and_add(value, 1);
    return 0;
}

SEC("tracepoint")
int funccount_tp(void *ctx) { return count(ctx); }

SEC("uprobe")
int funccount_up(void *ctx) { return count(ctx); }

char LICENSE[] SEC("license") = "GPL";
