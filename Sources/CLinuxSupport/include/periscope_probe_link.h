#ifndef PERISCOPE_PROBE_LINK_H
#define PERISCOPE_PROBE_LINK_H

#include <stdint.h>

/// perf_event_open(2) on a dynamic probe PMU (the `uprobe` PMU: its type from
/// /sys/bus/event_source/devices/uprobe/type): config1 = `path`, config2 = the file offset
/// `offset`, config = `config` (the retprobe bit). Every task, CPU 0: a BPF program attached to
/// it runs on every CPU. The kernel creates a private probe that is removed when the event's
/// last reference closes (nothing is written to uprobe_events). Returns the fd or -errno.
int periscope_perf_event_open_probe(uint32_t pmu_type, uint64_t config, const char *path, uint64_t offset);

/// bpf(BPF_LINK_CREATE, attach_type BPF_PERF_EVENT) of `prog_fd` to the perf event `perf_fd`
/// with `cookie` (what bpf_get_attach_cookie() returns in the program), then
/// PERF_EVENT_IOC_ENABLE. The link holds the perf event: closing the link's fd (or exiting)
/// detaches and releases both. Returns the link fd or -errno.
int periscope_bpf_link_create_perf_event(int prog_fd, int perf_fd, uint64_t cookie);

/// Raises the soft RLIMIT_NOFILE to at least `needed` descriptors when it is lower (one
/// descriptor per probe). Returns 0 (also when already enough), or -EMFILE with `*hard_limit`
/// set when the hard limit is below `needed`, or -errno.
int periscope_raise_open_files_limit(uint64_t needed, uint64_t *hard_limit);

/// BPF_PROG_TYPE_KPROBE: the program type of uprobe programs too.
extern const uint32_t periscope_bpf_prog_type_kprobe;

#endif
