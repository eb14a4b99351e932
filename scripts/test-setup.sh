#!/usr/bin/env bash
# Installs and starts what Periscope's tests need, idempotently:
# Debian packages, a mounted tracefs, a running dockerd, and the locally built test image.
# Safe to run again: every step checks before it acts.
set -euo pipefail

TEST_IMAGE="${PERISCOPE_TEST_IMAGE:-periscope-test:latest}"
log() { printf 'test-setup: %s\n' "$*" >&2; }

need_packages=()
command -v dockerd >/dev/null 2>&1 || need_packages+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need_packages+=(busybox-static)
command -v unshare >/dev/null 2>&1 || need_packages+=(util-linux)
command -v tmux >/dev/null 2>&1 || need_packages+=(tmux)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need_packages+=(zlib1g-dev)
dpkg -s liblzma-dev >/dev/null 2>&1 || need_packages+=(liblzma-dev)
# The Recording target links SQLite through GRDB's system library.
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need_packages+=(libsqlite3-dev)
# The trace tests read Periscope's CTF output back with the reference decoder.
command -v babeltrace2 >/dev/null 2>&1 || need_packages+=(babeltrace2)
# The profile tests compile a static C program for their container and run objcopy/strip/xz.
command -v gcc >/dev/null 2>&1 || need_packages+=(gcc libc6-dev)
command -v objcopy >/dev/null 2>&1 || need_packages+=(binutils)
command -v xz >/dev/null 2>&1 || need_packages+=(xz-utils)
# The pprof tests decode Periscope's profiles with protoc.
command -v protoc >/dev/null 2>&1 || need_packages+=(protobuf-compiler)
# The JSON tests validate every --json output against docs/schemas.
/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1 || need_packages+=(python3-jsonschema)
# The flame graph is opened in headless Chromium and its search checked on a screenshot.
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
# The metrics comparison script lists the files periscope opens with strace.
command -v strace >/dev/null 2>&1 || need_packages+=(strace)
# The CTF reader tests record a user-space LTTng trace and compare it with babeltrace2.
command -v lttng >/dev/null 2>&1 || need_packages+=(lttng-tools)
dpkg -s liblttng-ust1 >/dev/null 2>&1 || need_packages+=(liblttng-ust1)
# The analysis tests compare Periscope's numbers with lttng-analyses on the same traces.
dpkg -s python3-lttnganalyses >/dev/null 2>&1 || need_packages+=(python3-lttnganalyses)
# The BPF tests check with bpftool that no program of Periscope's stays loaded after it exits.
command -v bpftool >/dev/null 2>&1 || need_packages+=(bpftool)
# The agent's tests: a real Prometheus scrapes `periscope serve` (promtool checks its
# /metrics), wrk loads it, and node_exporter is the peer its scrape cost is compared with.
command -v prometheus >/dev/null 2>&1 || need_packages+=(prometheus)
command -v promtool >/dev/null 2>&1 || need_packages+=(prometheus)
command -v wrk >/dev/null 2>&1 || need_packages+=(wrk)
command -v prometheus-node-exporter >/dev/null 2>&1 || need_packages+=(prometheus-node-exporter)
# Alert-triggered captures: a real Alertmanager posts its webhook to the agent.
command -v prometheus-alertmanager >/dev/null 2>&1 || need_packages+=(prometheus-alertmanager)
if [ ${#need_packages[@]} -gt 0 ]; then
  log "installing ${need_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

# dockerd: start it in the background if no daemon answers on the socket.
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log
  # In its own session: a caller that ends by killing its process group (a terminal closed, a
  # job runner cleaning up) must not take the daemon, and every later test's containers, with it.
  setsid nohup dockerd >/var/log/periscope-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
    log "dockerd did not come up; last lines of its log:"; tail -20 /var/log/periscope-dockerd.log >&2; exit 1; }
fi

# tracefs: the trace tests record through it; a fresh machine may not have it mounted
# (`periscope trace record --mount-tracefs` mounts it the same way).
if [ ! -e /sys/kernel/tracing/trace ]; then
  if grep -qw tracefs /proc/filesystems; then
    log "mounting tracefs at /sys/kernel/tracing"
    mount -t tracefs nodev /sys/kernel/tracing || { log "could not mount tracefs"; exit 1; }
  else
    log "this kernel has no tracefs: the trace tests will fail under CI"
  fi
fi

# lttng-sessiond for the user-space LTTng trace the CTF reader tests record.
if ! lttng list -u >/dev/null 2>&1; then
  log "starting lttng-sessiond"
  lttng-sessiond --daemonize >/dev/null 2>&1 || log "lttng-sessiond did not start; the user-space CTF test will be skipped"
fi

# The test image: a static busybox imported as a one-layer image (no registry here), with
# every applet linked. The label says which recipe built it, so a changed recipe rebuilds it.
IMAGE_RECIPE=2
if [ "$(docker image inspect --format '{{index .Config.Labels "periscope.recipe"}}' "$TEST_IMAGE" 2>/dev/null)" != "$IMAGE_RECIPE" ]; then
  log "building $TEST_IMAGE from busybox-static"
  rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,root}
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/sh"]' \
    --change "LABEL periscope.recipe=$IMAGE_RECIPE" - "$TEST_IMAGE" >/dev/null
fi
log "ready: dockerd $(docker version --format '{{.Server.Version}}'), image $TEST_IMAGE"
