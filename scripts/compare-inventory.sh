#!/usr/bin/env bash
# Compares the CPU cost of Periscope's inventory scan with the tools people use instead,
# in one run, on the same processes and containers:
#
#   periscope ps --json                  (with the Docker Engine API)
#   periscope ps --no-runtime --json     (/proc only)
#   periscope ps --processes --json      (adds status + cmdline per process)
#   docker ps -q | xargs docker inspect  (the client, plus dockerd's CPU for the answer)
#   cat of stat + cgroup and readlink of ns/pid for every PID (the same files, no parsing)
#
# It measures three loads: the host as it is, plus N sleeping processes, plus N processes
# and M containers, so the cost per extra process and per extra container can be read off
# the differences. CPU time is task-clock from `perf stat` (every process of the command,
# children included); without perf it falls back to GNU time's user+sys (10 ms resolution).
# dockerd's CPU during each command is read from /proc/PID/task/*/schedstat.
#
# Changes: starts N `sleep` processes and M containers named periscope-bench-I (label
# org.periscope.bench.owner=PID); all of them are removed on every exit, signals included.
# Containers left by a run that was killed with SIGKILL are removed at the next start.
#
# Usage: scripts/compare-inventory.sh [-n PROCESSES] [-m CONTAINERS] [-r REPEATS]
#                                     [--binary PATH] [--run COMMAND]
#   -n  extra sleeping processes (default 1000)
#   -m  extra containers (default 20)
#   -r  repetitions per measurement, the median is reported (default 7, at least 5)
#   --binary  a periscope binary to use instead of building `swift build -c release`
#   --run     a shell command to run while the full load is up (e.g. the benchmarks),
#             after the measurements and before clean-up
set -euo pipefail

PROCESSES=1000
CONTAINERS=20
REPEATS=7
BINARY=""
RUN_UNDER_LOAD=""
IMAGE="${PERISCOPE_TEST_IMAGE:-periscope-test:latest}"
OWNER_LABEL="org.periscope.bench.owner"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    -n) PROCESSES="$2"; shift 2 ;;
    -m) CONTAINERS="$2"; shift 2 ;;
    -r) REPEATS="$2"; shift 2 ;;
    --binary) BINARY="$2"; shift 2 ;;
    --run) RUN_UNDER_LOAD="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "compare-inventory: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
[ "$REPEATS" -ge 5 ] || { echo "compare-inventory: -r must be at least 5 to state the noise" >&2; exit 2; }
[ "$PROCESSES" -ge 1 ] && [ "$CONTAINERS" -ge 1 ] || { echo "compare-inventory: -n and -m must be at least 1" >&2; exit 2; }

log() { printf 'compare-inventory: %s\n' "$*" >&2; }
cd "$(dirname "$0")/.."

# --- clean-up: every exit path --------------------------------------------------------------

SLEEPER_GROUP=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$SLEEPER_GROUP" ]; then
    kill -TERM -- "-$SLEEPER_GROUP" 2>/dev/null || true
    wait "$SLEEPER_GROUP" 2>/dev/null || true
  fi
  local ids
  ids=$(docker ps -aq --filter "label=$OWNER_LABEL=$$" 2>/dev/null || true)
  if [ -n "$ids" ]; then
    log "removing $(echo "$ids" | wc -l) containers"
    echo "$ids" | xargs docker rm -f >/dev/null 2>&1 || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- prerequisites --------------------------------------------------------------------------

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
  log "no Docker engine answers; run scripts/test-setup.sh first"; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || {
  log "image $IMAGE missing; run scripts/test-setup.sh first"; exit 1; }
DOCKERD_PID=$(pidof dockerd | awk '{print $1}' || true)
source scripts/lib/measure.sh

if [ -z "$BINARY" ]; then
  log "building periscope (release)"
  swift build -c release --product periscope >&2
  BINARY="$(swift build -c release --show-bin-path)/periscope"
fi
[ -x "$BINARY" ] || { log "$BINARY is not executable"; exit 1; }

# Containers of an earlier run whose owner is gone (killed with SIGKILL) are removed now;
# those of a run still going are left alone and this run refuses to start beside it.
for id in $(docker ps -aq --filter "label=$OWNER_LABEL"); do
  owner=$(docker inspect --format "{{index .Config.Labels \"$OWNER_LABEL\"}}" "$id")
  if [ "$owner" != "$$" ] && kill -0 "$owner" 2>/dev/null; then
    log "another comparison (pid $owner) is running; wait for it to finish"; exit 1
  fi
  docker rm -f "$id" >/dev/null
done

# --- measuring ------------------------------------------------------------------------------

# The same files a scan reads per process, read by cat and readlink with no parsing.
CAT_FILES="cd /proc && printf '%s\\n' [0-9]* | sed 's|\$|/stat|; p; s|/stat\$|/cgroup|' | xargs cat >/dev/null 2>&1; \
printf '%s/ns/pid\\n' [0-9]* | xargs readlink >/dev/null 2>&1; true"
DOCKER_INSPECT="docker ps -q | xargs -r docker inspect >/dev/null"

declare -A TOOL_COMMANDS=(
  [ps]="'$BINARY' ps --json >/dev/null"
  [ps-noruntime]="'$BINARY' ps --no-runtime --json >/dev/null"
  [ps-processes]="'$BINARY' ps --processes --json >/dev/null"
  [docker]="$DOCKER_INSPECT"
  [cat]="$CAT_FILES"
)
TOOLS=(ps ps-noruntime ps-processes docker cat)
declare -A TOOL_LABELS=(
  [ps]="periscope ps --json"
  [ps-noruntime]="periscope ps --no-runtime --json"
  [ps-processes]="periscope ps --processes --json"
  [docker]="docker ps -q | xargs docker inspect"
  [cat]="cat stat+cgroup, readlink ns/pid"
)
declare -A RESULT PROCS CONTS

process_count() { local pids=(/proc/[0-9]*); echo "${#pids[@]}"; }
container_count() { docker ps -q | wc -l; }

measure_phase() {
  local phase="$1"
  PROCS[$phase]=$(process_count)
  CONTS[$phase]=$(container_count)
  log "phase '$phase': ${PROCS[$phase]} processes, ${CONTS[$phase]} containers"
  for tool in "${TOOLS[@]}"; do
    RESULT[$phase,$tool]=$(measure "${TOOL_COMMANDS[$tool]}")
  done
}

# --- the loads ------------------------------------------------------------------------------

start_sleepers() {
  # With job control on, the background job leads a process group of its own that holds
  # every sleeper, so one kill of that group ends them all (and ^C does not reach them
  # before the clean-up does). The sleep is bounded so that even a SIGKILLed run does not
  # leave them for long.
  set -m
  bash -c "for i in \$(seq $PROCESSES); do sleep 3600 & done; wait" </dev/null >/dev/null 2>&1 &
  SLEEPER_GROUP=$!
  set +m
  local before=$1
  for _ in $(seq 200); do
    [ "$(process_count)" -ge $((before + PROCESSES)) ] && return
    sleep 0.1
  done
  log "only $(($(process_count) - before)) of $PROCESSES sleepers appeared"
}

start_containers() {
  for i in $(seq "$CONTAINERS"); do
    docker run -d --name "periscope-bench-$i" --label "$OWNER_LABEL=$$" "$IMAGE" sleep 3600 >/dev/null
  done
}

measure_phase base
start_sleepers "$(process_count)"
measure_phase processes
start_containers
sleep 1
measure_phase containers

# --- report ---------------------------------------------------------------------------------

field() { echo "${RESULT[$1,$2]}" | awk -v i="$3" '{ print $i }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

echo
echo "Inventory scan cost on $(hostname) ($(nproc) CPUs, kernel $(uname -r)), median of $REPEATS runs"
echo "CPU: on-CPU time of the command and its children ($MEASURE_WITH); dockerd: dockerd's CPU meanwhile"
echo
for phase in base processes containers; do
  printf '%-11s %5s processes, %3s containers\n' "$phase:" "${PROCS[$phase]}" "${CONTS[$phase]}"
done
echo
printf '%-36s %-10s %9s %9s %9s %9s %12s %16s\n' TOOL LOAD "WALL ms" "CPU ms" "DOCKERD" "TOTAL" "µs/PROCESS" "CPU min..max"
for tool in "${TOOLS[@]}"; do
  for phase in base processes containers; do
    total=$(field "$phase" "$tool" 4)
    printf '%-36s %-10s %9s %9s %9s %9s %12s %16s\n' "${TOOL_LABELS[$tool]}" "$phase" \
      "$(field "$phase" "$tool" 1)" "$(field "$phase" "$tool" 2)" "$(field "$phase" "$tool" 3)" "$total" \
      "$(calc '%.1f' "$total * 1000 / ${PROCS[$phase]}")" \
      "$(field "$phase" "$tool" 5)..$(field "$phase" "$tool" 6)"
  done
done

total_of() { field "$1" "$2" 4; }
added_processes=$((PROCS[processes] - PROCS[base]))
added_containers=$((CONTS[containers] - CONTS[processes]))
added_container_processes=$((PROCS[containers] - PROCS[processes]))
echo
echo "Marginal cost (CPU incl. dockerd), from the differences between loads, of the medians"
echo "and of the minimums (the minimums are less disturbed by whatever else the machine runs):"
printf '%-36s %14s %10s %16s %10s\n' TOOL "µs/+process" "(min)" "ms/+container" "(min)"
min_of() { field "$1" "$2" 7; }
for tool in "${TOOLS[@]}"; do
  per_process=$(calc '%.1f' "($(total_of processes "$tool") - $(total_of base "$tool")) * 1000 / $added_processes")
  per_process_min=$(calc '%.1f' "($(min_of processes "$tool") - $(min_of base "$tool")) * 1000 / $added_processes")
  per_container=$(calc '%.3f' "($(total_of containers "$tool") - $(total_of processes "$tool")) / $added_containers")
  per_container_min=$(calc '%.3f' "($(min_of containers "$tool") - $(min_of processes "$tool")) / $added_containers")
  printf '%-36s %14s %10s %16s %10s\n' "${TOOL_LABELS[$tool]}" "$per_process" "$per_process_min" "$per_container" "$per_container_min"
done
echo "(+$added_processes processes; +$added_containers containers brought +$added_container_processes processes: init + shim each)"

marginal_ratio() { # TOOL_A TOOL_B FROM TO: (A's increase) / (B's increase) between two loads
  awk -v a="$(total_of "$4" "$1")" -v a0="$(total_of "$3" "$1")" -v b="$(total_of "$4" "$2")" -v b0="$(total_of "$3" "$2")" \
    'BEGIN { if (b - b0 <= 0) print "n/a (noise)"; else printf "%.2f\n", (a - a0) / (b - b0) }'
}
echo
echo "Ratios (CPU incl. dockerd; >1 means the other tool costs more than periscope):"
echo "  whole command at full load:"
ps_total=$(total_of containers ps)
noruntime_total=$(total_of containers ps-noruntime)
printf '    %-48s %6.2f\n' "docker ps+inspect / periscope ps" "$(calc '%.4f' "$(total_of containers docker) / $ps_total")"
printf '    %-48s %6.2f\n' "docker ps+inspect / periscope ps --no-runtime" "$(calc '%.4f' "$(total_of containers docker) / $noruntime_total")"
printf '    %-48s %6.2f\n' "cat+readlink / periscope ps --no-runtime" "$(calc '%.4f' "$(total_of containers cat) / $noruntime_total")"
printf '    %-48s %6.2f\n' "periscope ps --processes / ps --no-runtime" "$(calc '%.4f' "$(total_of containers ps-processes) / $noruntime_total")"
echo "  per added unit (medians):"
printf '    %-48s %6s\n' "per process: cat+readlink / ps --no-runtime" "$(marginal_ratio cat ps-noruntime base processes)"
printf '    %-48s %6s\n' "per container: docker ps+inspect / periscope ps" "$(marginal_ratio docker ps processes containers)"

echo
echo "Noise of periscope (CPU incl. dockerd, $REPEATS runs at full load): min / median / max ms"
for tool in ps ps-noruntime ps-processes; do
  printf '  %-34s %8s / %8s / %8s\n' "${TOOL_LABELS[$tool]}" "$(field containers "$tool" 7)" "$(total_of containers "$tool")" "$(field containers "$tool" 8)"
done

if [ -n "$RUN_UNDER_LOAD" ]; then
  echo
  log "running under full load: $RUN_UNDER_LOAD"
  bash -c "$RUN_UNDER_LOAD"
fi
