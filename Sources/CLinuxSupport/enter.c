#define _GNU_SOURCE
#include "CLinuxSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct enter_report {
    int step;
    int error_number;
    int failed_ns;
};

static void report_and_exit(int fd, int step, int error_number, int failed_ns) {
    struct enter_report report = {step, error_number, failed_ns};
    ssize_t ignored = write(fd, &report, sizeof(report));
    (void)ignored;
    _exit(127);
}

/// PATH search with stack buffers only (execvp may allocate, which is unsafe after fork
/// in a multi-threaded parent). Runs after setns(mnt), so it finds the container's binaries.
static void exec_in_path(char *const argv[]) {
    const char *file = argv[0];
    if (strchr(file, '/') != NULL) {
        execve(file, argv, environ);
        return;
    }
    const char *path = NULL;
    for (char **entry = environ; *entry != NULL; entry++) {
        if (strncmp(*entry, "PATH=", 5) == 0) { path = *entry + 5; break; }
    }
    if (path == NULL || *path == '\0') path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    char candidate[4096];
    size_t file_length = strlen(file);
    int saw_eacces = 0;
    while (1) {
        const char *end = strchr(path, ':');
        size_t dir_length = end ? (size_t)(end - path) : strlen(path);
        if (dir_length + 1 + file_length + 1 <= sizeof(candidate)) {
            size_t at = 0;
            if (dir_length == 0) { candidate[at++] = '.'; }
            else { memcpy(candidate, path, dir_length); at = dir_length; }
            candidate[at++] = '/';
            memcpy(candidate + at, file, file_length + 1);
            execve(candidate, argv, environ);
            if (errno == EACCES) saw_eacces = 1;
        }
        if (end == NULL) break;
        path = end + 1;
    }
    errno = saw_eacces ? EACCES : ENOENT;
}

struct periscope_enter_result periscope_enter_exec(const int *ns_fds, const int *ns_types, int ns_count,
                                                   int joins_pid_ns, char *const argv[]) {
    struct periscope_enter_result result = {PERISCOPE_ENTER_OK, 0, -1, 0};
    int report_pipe[2];
    if (pipe2(report_pipe, O_CLOEXEC) != 0) {
        result.step = PERISCOPE_ENTER_PIPE;
        result.error_number = errno;
        return result;
    }

    struct sigaction ignore = {0}, old_int, old_quit;
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGINT, &ignore, &old_int);
    sigaction(SIGQUIT, &ignore, &old_quit);

    pid_t child = fork();
    if (child < 0) {
        result.step = PERISCOPE_ENTER_FORK;
        result.error_number = errno;
        close(report_pipe[0]);
        close(report_pipe[1]);
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        return result;
    }
    if (child == 0) {
        close(report_pipe[0]);
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        for (int i = 0; i < ns_count; i++) {
            if (setns(ns_fds[i], ns_types[i]) != 0) report_and_exit(report_pipe[1], PERISCOPE_ENTER_SETNS, errno, i);
        }
        if (chdir("/") != 0) report_and_exit(report_pipe[1], PERISCOPE_ENTER_CHDIR, errno, -1);
        if (joins_pid_ns) {
            pid_t grandchild = fork();
            if (grandchild < 0) report_and_exit(report_pipe[1], PERISCOPE_ENTER_FORK, errno, -1);
            if (grandchild > 0) {
                close(report_pipe[1]);
                signal(SIGINT, SIG_IGN);
                signal(SIGQUIT, SIG_IGN);
                int status = 0;
                while (waitpid(grandchild, &status, 0) < 0 && errno == EINTR) {}
                if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
                /* Re-raise the signal so the parent sees the same cause of death. */
                signal(WTERMSIG(status), SIG_DFL);
                kill(getpid(), WTERMSIG(status));
                _exit(128 + WTERMSIG(status));
            }
        }
        exec_in_path(argv);
        report_and_exit(report_pipe[1], PERISCOPE_ENTER_EXEC, errno, -1);
    }

    close(report_pipe[1]);
    struct enter_report report = {PERISCOPE_ENTER_OK, 0, -1};
    ssize_t got;
    while ((got = read(report_pipe[0], &report, sizeof(report))) < 0 && errno == EINTR) {}
    close(report_pipe[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    if (got == (ssize_t)sizeof(report) && report.step != PERISCOPE_ENTER_OK) {
        result.step = report.step;
        result.error_number = report.error_number;
        result.failed_ns = report.failed_ns;
        return result;
    }
    result.wait_status = status;
    return result;
}
