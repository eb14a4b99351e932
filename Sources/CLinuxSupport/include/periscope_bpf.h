#ifndef PERISCOPE_BPF_H
#define PERISCOPE_BPF_H

#include <stdint.h>

/// bpf(2) commands, each filling its part of `union bpf_attr` (Swift cannot build that union
/// of anonymous structs). Every function returns a descriptor or 0 on success, -errno on failure.

/// BPF_MAP_CREATE: returns the map's fd. `name` is truncated to 15 bytes (BPF_OBJ_NAME_LEN).
int periscope_bpf_map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                             uint32_t map_flags, const char *name);
/// BPF_MAP_LOOKUP_ELEM: copies the value of `key` into `value` (value_size bytes).
int periscope_bpf_map_lookup_elem(int map_fd, const void *key, void *value);
/// BPF_MAP_UPDATE_ELEM with `flags` (BPF_ANY 0, BPF_NOEXIST 1, BPF_EXIST 2).
int periscope_bpf_map_update_elem(int map_fd, const void *key, const void *value, uint64_t flags);
/// BPF_MAP_DELETE_ELEM.
int periscope_bpf_map_delete_elem(int map_fd, const void *key);
/// BPF_MAP_GET_NEXT_KEY: the first key when `key` is NULL; -ENOENT after the last one.
int periscope_bpf_map_get_next_key(int map_fd, const void *key, void *next_key);
/// BPF_PROG_LOAD: returns the program's fd. On rejection the verifier writes its log into
/// `log_buffer` (NUL-terminated) when `log_level` is 1 or more.
int periscope_bpf_prog_load(uint32_t prog_type, const void *instructions, uint32_t instruction_count,
                            const char *license, const char *name, char *log_buffer, uint32_t log_size,
                            uint32_t log_level);

/// perf_event_open(PERF_TYPE_TRACEPOINT, config = `tracepoint_id`) on CPU 0 for every task,
/// close-on-exec: the event a BPF program is attached to (the program then runs on every CPU).
int periscope_perf_event_open_tracepoint(uint64_t tracepoint_id);
/// ioctl(PERF_EVENT_IOC_SET_BPF, prog_fd) then ioctl(PERF_EVENT_IOC_ENABLE).
int periscope_perf_event_attach_bpf(int perf_fd, int prog_fd);

/// Constants of <linux/bpf.h> the Swift side names.
extern const uint32_t periscope_bpf_prog_type_tracepoint;
extern const uint8_t periscope_bpf_pseudo_map_fd;

#endif
