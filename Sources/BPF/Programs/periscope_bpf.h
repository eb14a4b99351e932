/* The few kernel ABI definitions Periscope's BPF programs use, written out so no kernel or
 * libbpf headers are needed: helper ids and map types are fixed numbers of the bpf(2) ABI
 * (include/uapi/linux/bpf.h), and tracepoint records are read at the offsets of
 * /sys/kernel/tracing/events/<subsystem>/<event>/format, which the loader checks. */
#ifndef PERISCOPE_BPF_PROGRAM_H
#define PERISCOPE_BPF_PROGRAM_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;

#define SEC(name) __attribute__((section(name), used))
#define __always_inline inline __attribute__((always_inline))

/* Map types and update flags (enum bpf_map_type, BPF_ANY/BPF_NOEXIST). */
#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_ANY 0
#define BPF_NOEXIST 1

/* A map definition in the legacy `maps` section: the loader reads these 20 bytes per map. */
struct bpf_map_def {
    __u32 type;
    __u32 key_size;
    __u32 value_size;
    __u32 max_entries;
    __u32 map_flags;
};

/* Helpers by their fixed ids (enum bpf_func_id). */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static __u64 (*bpf_get_current_cgroup_id)(void) = (void *)80;

/* bcc's slot of a value: 0 for 0, else 1 + floor(log2(value)) (slot i holds [2^(i-1), 2^i - 1]). */
static __always_inline __u32 log2_slot(__u64 value) {
    __u32 slot = 0;
    while (value != 0 && slot < 64) {
        value >>= 1;
        slot++;
    }
    return slot;
}

#endif
