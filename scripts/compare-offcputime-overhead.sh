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
# On a loaded machine the storm's task-clock moves by more than the tools cost, so a second
# phase measures the programs themselves: with kernel.bpf_stats_enabled=1 (restored on exit) the
# kernel sums each program's run time and run count; both tools are attached at once, through the
# same storms, and ns per run = run_time_ns / run_cnt of each one's sched_switch program (this
# leaves out the tracepoint's dispatch, the same for both).
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
  if [ -n "$tool_pid" ]; then
    kill -INT "$tool_pid" 2>/dev/null || true
    # Symbolizing every process of a busy host takes a while; a stuck tool is killed.
    for _ in $(seq 1 600); do kill -0 "$tool_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$tool_pid" 2>/dev/null || true
    wait "$tool_pid" 2>/dev/null || true
  fi
  tool_pid=""
}
stats_before=$(sysctl -n kernel.bpf_stats_enabled)
other_pid=""
cleanup() {
  stop_tool
  if [ -n "$other_pid" ]; then kill -INT "$other_pid" 2>/dev/null || true; wait "$other_pid" 2>/dev/null || true; fi
  sysctl -q -w kernel.bpf_stats_enabled="$stats_before" || true
  docker rm -f "$container" >/dev/null 2>&1 || true
}
trap cleanup EXIT
docker run -d --name "$container" "$image" sh -c 'while :; do sleep 1; done' >/dev/null
container_pid=$(docker inspect --format '{{.State.Pid}}' "$container")

# Prints "SWITCHES TASK_CLOCK_MS" of one storm.
storm() {
  taskset -c 0 perf stat -x, -e context-switches,task-clock perf bench sched pipe -l "$loops" 2>&1 >/dev/null |
    awk -F, '/context-switches/ {s = $1} /task-clock/ {t = $1} END {print s, t}'
}

# Ids of loaded programs named sched_switch, one a line.
switch_programs() { bpftool -j prog show | python3 -c 'import json,sys; [print(p["id"]) for p in json.load(sys.stdin) if p.get("name") == "sched_switch"]'; }
# "RUN_TIME_NS RUN_CNT" of program $1.
program_stats() { bpftool -j prog show id "$1" | python3 -c 'import json,sys; p=json.load(sys.stdin); print(p.get("run_time_ns", 0), p.get("run_cnt", 0))'; }
# The id of the sched_switch program that appeared after "$1" (a list of ids) was taken,
# waiting up to 60 s for it (a tool loads its program only after its own start-up).
new_program() {
  local id=""
  for _ in $(seq 1 300); do
    id=$(comm -13 <(printf '%s\n' $1 | sort) <(switch_programs | sort) | head -1)
    [ -n "$id" ] && break
    sleep 0.2
  done
  [ -n "$id" ] || { echo "no new sched_switch program appeared" >&2; exit 1; }
  echo "$id"
}

# Runs the storm with "$@" tracing in the background, once its program is attached: a tool
# stopped before it installed its handler would never stop (a background job ignores SIGINT).
with_tool() {
  local before
  before=$(switch_programs)
  "$@" >/dev/null 2>&1 &
  tool_pid=$!
  new_program "$before" >/dev/null
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

echo
echo "program cost, both tools attached together (kernel.bpf_stats_enabled=1)"
for mode in all container; do
  sysctl -q -w kernel.bpf_stats_enabled=1
  before=$(switch_programs)
  if [ "$mode" = all ]; then "$periscope" offcputime --folded >/dev/null 2>&1 & else "$periscope" offcputime --container "$container" --folded >/dev/null 2>&1 & fi
  other_pid=$!
  ours=$(new_program "$before")
  before=$(switch_programs)
  if [ "$mode" = all ]; then "$offcputime" >/dev/null 2>&1 & else "$offcputime" -p "$container_pid" >/dev/null 2>&1 & fi
  tool_pid=$!
  theirs=$(new_program "$before")
  for round in $(seq 1 "$rounds"); do storm >/dev/null; done
  read -r our_ns our_runs < <(program_stats "$ours")
  read -r their_ns their_runs < <(program_stats "$theirs")
  stop_tool
  kill -INT "$other_pid"; wait "$other_pid" 2>/dev/null || true; other_pid=""
  sysctl -q -w kernel.bpf_stats_enabled="$stats_before"
  awk -v m="$mode" -v a="$our_ns" -v b="$our_runs" -v c="$their_ns" -v d="$their_runs" 'BEGIN {
    printf "%-10s periscope: %d runs, %.0f ns/run   libbpf-tools: %d runs, %.0f ns/run\n", m, b, (b ? a / b : 0), d, (d ? c / d : 0) }'
done
