#ifndef PERISCOPE_CLINUXSUPPORT_H
#define PERISCOPE_CLINUXSUPPORT_H

#include <stddef.h>

#include "periscope_compression.h"
#include "periscope_open_in_root.h"
#include "periscope_bpf.h"
#include "periscope_probe_link.h"
#include "periscope_perf.h"
#include "periscope_splice.h"

/// Namespace type flags (CLONE_NEW*), re-exported because Swift does not import them
/// from <sched.h> without _GNU_SOURCE.
extern const int periscope_clone_newcgroup;
extern const int periscope_clone_newipc;
extern const int periscope_clone_newns;
extern const int periscope_clone_newnet;
extern const int periscope_clone_newpid;
extern const int periscope_clone_newtime;
extern const int periscope_clone_newuser;
extern const int periscope_clone_newuts;

/// Reads the hostname of the UTS namespace behind `uts_ns_fd` (an open /proc/PID/ns/uts).
///
/// setns(2) on a UTS namespace changes only the calling thread, so this joins it from a
/// short-lived private thread and never disturbs the caller's threads.
/// Returns 0, or -errno of the failing step (setns needs CAP_SYS_ADMIN).
int periscope_uts_hostname(int uts_ns_fd, char *out, size_t out_len);

/// Where `periscope_enter_exec` failed, reported to the parent through a CLOEXEC pipe.
enum periscope_enter_step {
    PERISCOPE_ENTER_OK = 0,
    PERISCOPE_ENTER_FORK = 1,
    PERISCOPE_ENTER_SETNS = 2,
    PERISCOPE_ENTER_CHDIR = 3,
    PERISCOPE_ENTER_EXEC = 4,
    PERISCOPE_ENTER_PIPE = 5,
};

/// The result of `periscope_enter_exec`.
struct periscope_enter_result {
    int step;          ///< a `periscope_enter_step`
    int error_number;  ///< errno of the failing step
    int failed_ns;     ///< index into ns_fds of the failing setns, or -1
    int wait_status;   ///< waitpid(2) status of the command when step is OK
};

/// nsenter(1) as a function: forks, joins each namespace in the child (in the given order),
/// forks again when a PID namespace was joined (setns only affects children there), then
/// searches PATH inside the joined mount namespace and execs argv. The parent waits,
/// ignoring SIGINT and SIGQUIT like system(3), so the command receives them instead.
/// Only async-signal-safe calls are made between fork and exec.
struct periscope_enter_result periscope_enter_exec(const int *ns_fds, const int *ns_types, int ns_count,
                                                   int joins_pid_ns, char *const argv[]);

#endif
