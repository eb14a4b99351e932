#!/usr/bin/env bash
# What one metrics sample costs: Periscope's sampler against the floor of just reading the
# same files from C, and against `docker stats --no-stream`, in one run, on the same cgroups
# and containers:
#
#   periscope top --cgroups --batch   every cgroup of the host (the tree view), -n SAMPLES
#   periscope top --batch             host + every container, -n SAMPLES
#   C, open+read+close                the very files periscope opened (from strace), per sample
#   C, pread on kept descriptors      the same files, descriptors opened once (periscope's way)
#   docker stats --no-stream          client CPU plus dockerd's CPU for one answer
#   periscope top -d 1 in tmux        the live view at 1 Hz, as % of one core
#
# Per-sample cost is the marginal one: (CPU of -n SAMPLES+1) - (CPU of -n 1), divided by
# SAMPLES, so start-up and the first (priming) sample are left out; it is then divided by
# the number of cgroups or containers sampled. CPU is perf's task-clock; medians of REPEATS
# runs with min-max as the noise.
#
# Changes: creates CGROUPS cgroups under periscope-bench-PID in every v1 hierarchy (and the
# cgroup2 mount) with one sleeping process each, and CONTAINERS containers labelled
# org.periscope.bench.owner=PID; all are removed on every exit, signals included.
#
# Usage: scripts/compare-metrics.sh [-c CGROUPS] [-m CONTAINERS] [-s SAMPLES] [-r REPEATS]
#                                   [--binary PATH]
#   -c  cgroups to create (default 500)
#   -m  containers to start (default 100)
#   -s  samples per measured run (default 10)
#   -r  repetitions, the median is reported (default 5, at least 3)
#   --binary  a periscope binary instead of building `swift build -c release`
set -euo pipefail

CGROUPS=500
CONTAINERS=100
SAMPLES=10
REPEATS=5
BINARY=""
IMAGE="${PERISCOPE_TEST_IMAGE:-periscope-test:latest}"
OWNER_LABEL="org.periscope.bench.owner"
GROUP="periscope-bench-$$"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    -c) CGROUPS="$2"; shift 2 ;;
    -m) CONTAINERS="$2"; shift 2 ;;
    -s) SAMPLES="$2"; shift 2 ;;
    -r) REPEATS="$2"; shift 2 ;;
    --binary) BINARY="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "compare-metrics: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
[ "$REPEATS" -ge 3 ] || { echo "compare-metrics: -r must be at least 3 to state the noise" >&2; exit 2; }
[ "$CGROUPS" -ge 1 ] && [ "$CONTAINERS" -ge 1 ] && [ "$SAMPLES" -ge 2 ] || {
  echo "compare-metrics: -c and -m must be at least 1, -s at least 2" >&2; exit 2; }

log() { printf 'compare-metrics: %s\n' "$*" >&2; }
cd "$(dirname "$0")/.."
WORK="$(mktemp -d)"

# The hierarchies to create the bench cgroups in: every v1 controller mount and cgroup2.
mapfile -t HIERARCHIES < <(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts | sort -u)

# --- clean-up: every exit path --------------------------------------------------------------

SLEEPERS=()
remove_bench_cgroups() {
  [ ${#SLEEPERS[@]} -eq 0 ] || kill "${SLEEPERS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  SLEEPERS=()
  for hierarchy in "${HIERARCHIES[@]}"; do
    [ -d "$hierarchy/$GROUP" ] || continue
    # Children first; a cgroup whose last task just exited may need a moment to be removable.
    find "$hierarchy/$GROUP" -depth -type d -exec rmdir {} + 2>/dev/null || { sleep 0.5; find "$hierarchy/$GROUP" -depth -type d -exec rmdir {} + 2>/dev/null || true; }
  done
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  tmux kill-session -t "$GROUP" 2>/dev/null || true
  remove_bench_cgroups
  local ids
  ids=$(docker ps -aq --filter "label=$OWNER_LABEL=$$" 2>/dev/null || true)
  if [ -n "$ids" ]; then
    log "removing $(echo "$ids" | wc -l) containers"
    echo "$ids" | xargs docker rm -f >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- prerequisites --------------------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || { log "needs root to create cgroups"; exit 1; }
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || { log "no Docker engine answers; run scripts/test-setup.sh first"; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { log "image $IMAGE missing; run scripts/test-setup.sh first"; exit 1; }
for tool in strace tmux gcc; do
  command -v "$tool" >/dev/null || { log "installing $tool"; apt-get install -y -qq "$tool" >/dev/null; }
done
DOCKERD_PID=$(pidof dockerd | awk '{print $1}' || true)
source scripts/lib/measure.sh

if [ -z "$BINARY" ]; then
  log "building periscope (release)"
  swift build -c release --product periscope >&2
  BINARY="$(swift build -c release --show-bin-path)/periscope"
fi
[ -x "$BINARY" ] || { log "$BINARY is not executable"; exit 1; }

# The floor: read every file of a list SAMPLES times, either opening it each time or with
# descriptors opened once and pread at offset 0 (what periscope's file cache does).
cat >"$WORK/floor.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc != 5 || strcmp(argv[3], "-n") != 0) { fprintf(stderr, "usage: floor open|pread FILELIST -n SAMPLES\n"); return 2; }
    int kept = strcmp(argv[1], "pread") == 0, samples = atoi(argv[4]);
    FILE *list = fopen(argv[2], "r");
    if (!list) { perror(argv[2]); return 1; }
    char **paths = NULL; int *fds = NULL; size_t count = 0, capacity = 0; char line[4096];
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = 0;
        if (count == capacity) { capacity = capacity ? capacity * 2 : 256; paths = realloc(paths, capacity * sizeof *paths); fds = realloc(fds, capacity * sizeof *fds); }
        paths[count] = strdup(line);
        fds[count] = kept ? open(line, O_RDONLY | O_CLOEXEC) : -1;
        count++;
    }
    static char buffer[65536]; long long bytes = 0;
    for (int s = 0; s < samples; s++)
        for (size_t i = 0; i < count; i++) {
            if (kept) { if (fds[i] >= 0) bytes += pread(fds[i], buffer, sizeof buffer, 0); continue; }
            int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            bytes += read(fd, buffer, sizeof buffer);
            close(fd);
        }
    return bytes < 0;
}
C
gcc -O2 -o "$WORK/floor" "$WORK/floor.c"

# The files a periscope command opened under PATTERN, in order, one per line.
files_opened() {
  local pattern="$1"; shift
  strace -f -qq -e trace=openat -o "$WORK/strace.txt" "$@" >/dev/null 2>&1 || true
  grep -o '"[^"]*"' "$WORK/strace.txt" | tr -d '"' | grep -E "$pattern" | grep -v '/cgroup.procs$' | awk '!seen[$0]++'
}

# Median CPU ms (and min, max) of the marginal SAMPLES samples of a periscope command that
# takes -n: run with -n SAMPLES+1 and with -n 1.
marginal() {
  local command="$1" long short
  long=$(measure "$command -n $((SAMPLES + 1))")
  short=$(measure "$command -n 1")
  awk -v l="$long" -v s="$short" -v n="$SAMPLES" 'BEGIN {
    split(l, L, " "); split(s, S, " ")
    printf "%.3f %.3f %.3f\n", (L[2] - S[2]) / n, (L[5] - S[6]) / n, (L[6] - S[5]) / n }'
}
# The same for the C floor (MODE FILELIST): its start-up is left out the same way.
floor_cost() { marginal "'$WORK/floor' $1 '$2'"; }
# Per unit: (cost - base) / N, with the noise of both.
per_unit_over() {
  awk -v r="$1" -v b="$2" -v n="$3" 'BEGIN { split(r, R, " "); split(b, B, " ")
    printf "%.1f µs (%.1f-%.1f)", (R[1] - B[1]) * 1000 / n, (R[2] - B[3]) * 1000 / n, (R[3] - B[2]) * 1000 / n }'
}
per_unit_us() { awk -v r="$1" -v n="$2" 'BEGIN { split(r, R, " "); printf "%.1f µs (%.1f-%.1f)", R[1] * 1000 / n, R[2] * 1000 / n, R[3] * 1000 / n }'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, A, " "); split(b, B, " "); print A[1] - B[1] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, A, " "); split(b, B, " "); printf "%.2fx", A[1] / B[1] }'; }

# --- baseline: the host as it is -----------------------------------------------------------

TREE="'$BINARY' top --cgroups --depth 2 --batch -d 0.1"
log "baseline: the host as it is"
TREE_BASE=$(marginal "$TREE >/dev/null")
# --rescan 0: a full inventory scan at every sample (the worst case); --rescan 0.5 at -d 0.1
# is one scan every 5 samples, as the default --rescan 5 gives at 1 Hz.
TOP_BASE=$(marginal "'$BINARY' top --batch -d 0.1 --rescan 0 >/dev/null")
TOP_BASE_AMORTIZED=$(marginal "'$BINARY' top --batch -d 0.1 --rescan 0.5 >/dev/null")

# --- phase 1: many cgroups ------------------------------------------------------------------

log "creating $CGROUPS cgroups with one sleeping process each in ${#HIERARCHIES[@]} hierarchies"
for hierarchy in "${HIERARCHIES[@]}"; do
  mkdir "$hierarchy/$GROUP"
  if [ -f "$hierarchy/$GROUP/cpuset.cpus" ]; then
    cat "$hierarchy/cpuset.cpus" >"$hierarchy/$GROUP/cpuset.cpus"
    cat "$hierarchy/cpuset.mems" >"$hierarchy/$GROUP/cpuset.mems"
  fi
done
for i in $(seq "$CGROUPS"); do
  sleep 3600 &
  pid=$!
  SLEEPERS+=("$pid")
  for hierarchy in "${HIERARCHIES[@]}"; do
    mkdir "$hierarchy/$GROUP/cg$i"
    if [ -f "$hierarchy/$GROUP/cg$i/cpuset.cpus" ]; then
      cat "$hierarchy/$GROUP/cpuset.cpus" >"$hierarchy/$GROUP/cg$i/cpuset.cpus"
      cat "$hierarchy/$GROUP/cpuset.mems" >"$hierarchy/$GROUP/cg$i/cpuset.mems"
    fi
    echo "$pid" >"$hierarchy/$GROUP/cg$i/cgroup.procs"
  done
done

TREE_ROWS=$("$BINARY" top --cgroups --depth 2 --batch -d 0.1 -n 1 | awk '/^CGROUP/ { on = 1; next } on && NF' | wc -l)
files_opened "/$GROUP/" "$BINARY" top --cgroups --depth 2 --batch -d 0.1 -n 1 >"$WORK/cgroup-files.txt"
log "tree view: $TREE_ROWS rows (the $CGROUPS bench cgroups among them); $(wc -l <"$WORK/cgroup-files.txt") files of the bench cgroups per sample"
TREE_COST=$(marginal "$TREE >/dev/null")
CG_OPEN=$(floor_cost open "$WORK/cgroup-files.txt")
CG_PREAD=$(floor_cost pread "$WORK/cgroup-files.txt")

# --- phase 2: many containers ---------------------------------------------------------------

remove_bench_cgroups
log "starting $CONTAINERS containers"
for i in $(seq "$CONTAINERS"); do
  docker run -d --label "$OWNER_LABEL=$$" --name "periscope-bench-$$-$i" --memory 64m --cpus 0.5 "$IMAGE" sleep 3600 >/dev/null
done
CONTAINER_FILES_PATTERN='/sys/fs/cgroup/.*/docker/'
files_opened "$CONTAINER_FILES_PATTERN" "$BINARY" top --batch -d 0.1 -n 1 >"$WORK/container-files.txt"
log "$(wc -l <"$WORK/container-files.txt") cgroup files of containers per sample"
TOP_COST=$(marginal "'$BINARY' top --batch -d 0.1 --rescan 0 >/dev/null")
TOP_COST_AMORTIZED=$(marginal "'$BINARY' top --batch -d 0.1 --rescan 0.5 >/dev/null")
CT_OPEN=$(floor_cost open "$WORK/container-files.txt")
CT_PREAD=$(floor_cost pread "$WORK/container-files.txt")
DOCKER_STATS=$(measure "docker stats --no-stream >/dev/null")

# The live view at 1 Hz for 30 s in a real terminal (tmux), CPU from perf.
log "live top at 1 Hz for 30 s in tmux"
tmux new-session -d -s "$GROUP" -x 160 -y 50 \
  "perf stat -x, -e task-clock -o '$WORK/live.txt' -- '$BINARY' top -d 1 -n 30"
while tmux has-session -t "$GROUP" 2>/dev/null; do sleep 1; done
LIVE_MS=$(awk -F, '$3 == "task-clock" { print $1 }' "$WORK/live.txt")

# --- report ---------------------------------------------------------------------------------

cat <<EOF

Machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); CPU by $MEASURE_WITH; median of $REPEATS runs (min-max).

Phase 1: $CGROUPS cgroups, each in ${#HIERARCHIES[@]} hierarchies with one process ($TREE_ROWS rows in the tree view)
| per sample | CPU per sample | per cgroup |
| --- | --- | --- |
| periscope top --cgroups (whole tree, inventory scan included) | ${TREE_COST%% *} ms (host alone: ${TREE_BASE%% *} ms) | $(per_unit_over "$TREE_COST" "$TREE_BASE" "$CGROUPS") added per cgroup |
| C open+read+close of the same files | ${CG_OPEN%% *} ms | $(per_unit_us "$CG_OPEN" "$CGROUPS") |
| C pread on kept descriptors | ${CG_PREAD%% *} ms | $(per_unit_us "$CG_PREAD" "$CGROUPS") |
periscope's added cost / open floor: $(ratio "$(added "$TREE_COST" "$TREE_BASE")" "$CG_OPEN"); / pread floor: $(ratio "$(added "$TREE_COST" "$TREE_BASE")" "$CG_PREAD")

Phase 2: $CONTAINERS containers
| per sample | CPU per sample | per container |
| --- | --- | --- |
| periscope top --batch --rescan 0 (host + containers + their net/dev, a scan every sample) | ${TOP_COST%% *} ms (host alone: ${TOP_BASE%% *} ms) | $(per_unit_over "$TOP_COST" "$TOP_BASE" "$CONTAINERS") added per container |
| periscope top --batch, a scan every 5 samples (the default at 1 Hz) | ${TOP_COST_AMORTIZED%% *} ms (host alone: ${TOP_BASE_AMORTIZED%% *} ms) | $(per_unit_over "$TOP_COST_AMORTIZED" "$TOP_BASE_AMORTIZED" "$CONTAINERS") added per container |
| C open+read+close of the same cgroup files | ${CT_OPEN%% *} ms | $(per_unit_us "$CT_OPEN" "$CONTAINERS") |
| C pread on kept descriptors | ${CT_PREAD%% *} ms | $(per_unit_us "$CT_PREAD" "$CONTAINERS") |
| docker stats --no-stream (client + dockerd) | $(echo "$DOCKER_STATS" | awk '{ print $4 }') ms | $(awk -v t="$(echo "$DOCKER_STATS" | awk '{ print $4 }')" -v n="$CONTAINERS" 'BEGIN { printf "%.1f µs", t * 1000 / n }') |
periscope's added cost / open floor: $(ratio "$(added "$TOP_COST" "$TOP_BASE")" "$CT_OPEN"); / pread floor: $(ratio "$(added "$TOP_COST" "$TOP_BASE")" "$CT_PREAD")
docker stats / periscope (whole sample): $(awk -v d="$(echo "$DOCKER_STATS" | awk '{ print $4 }')" -v p="${TOP_COST%% *}" 'BEGIN { printf "%.1fx", d / p }') (docker stats wall $(echo "$DOCKER_STATS" | awk '{ print $1 }') ms)

Live view: periscope top -d 1 for 30 s with $CONTAINERS containers: ${LIVE_MS} ms CPU = $(awk -v c="$LIVE_MS" 'BEGIN { printf "%.2f", c / 30000 * 100 }')% of one core
EOF
