#define _GNU_SOURCE
#include "CLinuxSupport.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/utsname.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

const int periscope_clone_newcgroup = CLONE_NEWCGROUP;
const int periscope_clone_newipc = CLONE_NEWIPC;
const int periscope_clone_newns = CLONE_NEWNS;
const int periscope_clone_newnet = CLONE_NEWNET;
const int periscope_clone_newpid = CLONE_NEWPID;
const int periscope_clone_newtime = CLONE_NEWTIME;
const int periscope_clone_newuser = CLONE_NEWUSER;
const int periscope_clone_newuts = CLONE_NEWUTS;

struct uts_request {
    int fd;
    char *out;
    size_t out_len;
    int result;
};

static void *uts_thread(void *arg) {
    struct uts_request *request = arg;
    if (setns(request->fd, CLONE_NEWUTS) != 0) {
        request->result = -errno;
        return NULL;
    }
    struct utsname name;
    if (uname(&name) != 0) {
        request->result = -errno;
        return NULL;
    }
    size_t length = strnlen(name.nodename, sizeof(name.nodename));
    if (length >= request->out_len) length = request->out_len - 1;
    memcpy(request->out, name.nodename, length);
    request->out[length] = '\0';
    request->result = 0;
    return NULL;
}

int periscope_uts_hostname(int uts_ns_fd, char *out, size_t out_len) {
    if (out_len == 0) return -EINVAL;
    struct uts_request request = {uts_ns_fd, out, out_len, -EINVAL};
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, uts_thread, &request);
    if (rc != 0) return -rc;
    pthread_join(thread, NULL);
    return request.result;
}
