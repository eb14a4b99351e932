#!/usr/bin/env bash
# Per-switch overhead of `periscope offcputime` against libbpf-tools' offcputime (Debian
# `libbpf-tools`) under the same context-switch storm, in the same run.
#
# The storm is `perf bench sched pipe` pinned to CPU 0 (two processes ping-pong over pipes:
# two context switches per loop). A BPF program runs in the context of the task that fires
# sched_switch, so its cost lands in the workload's task-clock:
# ns per switch = (task-clock with the tool - task-clock without) / context switches.
# Configurations: every task (each switch walks two stacks of the task switched out), and one
# container that is not the storm (the filter rejects every switch: periscope checks the PID
# namespace in the kernel, libbpf-tools `-p` the process id). Rounds repeat because other work
# on the machine moves the numbers.
#
#   scripts/compare-offcputime-overhead.sh [PERISCOPE_BINARY]    (root; LOOPS, ROUNDS, IMAGE)
set -euo pipefail
periscope="${1:-$(cd "$(dirname "$0")/.." && pwd)/.build/debug/periscope}"
offcputime="${OFFCPUTIME:-/usr/sbin/offcputime}"
loops="${LOOPS:-200000}"
rounds="${ROUNDS:-5}"
image="${IMAGE:-periscope-test:latest}"
command -v perf >/dev/null || { echo "needs perf (Debian linux-perf)" >&2; exit 2; }
[ -x "$offcputime" ] || { echo "needs $offcputime (Debian libbpf-tools)" >&2; exit 2; }

container="periscope-offcpu-bench-$$"
tool_pid=""
stop_tool() {
  if [ -n "$tool_pid" ]; then kill -INT "$tool_pid" 2>/dev/null || true; wait "$tool_pid" 2>/dev/null || true; fi
  tool_pid=""
}
cleanup() { stop_tool; docker rm -f "$container" >/dev/null 2>&1 || true; }
trap cleanup EXIT
docker run -d --name "$container" "$image" sh -c 'while :; do sleep 1; done' >/dev/null
container_pid=$(docker inspect --format '{{.State.Pid}}' "$container")

# Prints "SWITCHES TASK_CLOCK_MS" of one storm.
storm() {
  taskset -c 0 perf stat -x, -e context-switches,task-clock perf bench sched pipe -l "$loops" 2>&1 >/dev/null |
    awk -F, '/context-switches/ {s = $1} /task-clock/ {t = $1} END {print s, t}'
}

# Runs the storm with "$@" tracing in the background (started 2 s before).
with_tool() {
  "$@" >/dev/null 2>&1 &
  tool_pid=$!
  sleep 2
  kill -0 "$tool_pid" || { echo "$* exited early" >&2; exit 1; }
  storm
  stop_tool
}

declare -A total=() squares=()
configs=("periscope offcputime" "libbpf-tools offcputime" "periscope offcputime --container" "libbpf-tools offcputime -p")
printf '%-36s %10s %12s %14s\n' "round/config" "switches" "task-clock ms" "ns/switch"
for round in $(seq 1 "$rounds"); do
  read -r base_switches base_ms < <(storm)
  printf '%-36s %10s %12s %14s\n' "$round baseline" "$base_switches" "$base_ms" "-"
  for config in "${configs[@]}"; do
    case "$config" in
      "periscope offcputime") read -r switches ms < <(with_tool "$periscope" offcputime --folded) ;;
      "libbpf-tools offcputime") read -r switches ms < <(with_tool "$offcputime") ;;
      "periscope offcputime --container") read -r switches ms < <(with_tool "$periscope" offcputime --container "$container" --folded) ;;
      "libbpf-tools offcputime -p") read -r switches ms < <(with_tool "$offcputime" -p "$container_pid") ;;
    esac
    cost=$(awk -v a="$ms" -v b="$base_ms" -v s="$switches" 'BEGIN {printf "%.0f", (a - b) * 1e6 / s}')
    total[$config]=$(( ${total[$config]:-0} + cost ))
    squares[$config]=$(( ${squares[$config]:-0} + cost * cost ))
    printf '%-36s %10s %12s %14s\n' "$round $config" "$switches" "$ms" "$cost"
  done
done
echo
printf '%-36s %14s %10s\n' "config" "mean ns/switch" "stdev"
for config in "${configs[@]}"; do
  awk -v t="${total[$config]}" -v q="${squares[$config]}" -v n="$rounds" -v c="$config" \
    'BEGIN {m = t / n; v = (n > 1) ? (q - n * m * m) / (n - 1) : 0; if (v < 0) v = 0; printf "%-36s %14.0f %10.0f\n", c, m, sqrt(v)}'
done
