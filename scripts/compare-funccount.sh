#!/usr/bin/env bash
# `periscope funccount` against bpftrace on the same workload, in the same run: the counts
# must be equal, and the cost per hit is compared.
#
# The workload is Tests/Fixtures/bpf/counted_calls.c built static: CALLS calls of one
# function (a uprobe traps on each), then SYSCALLS sched_get_priority_max system calls (a
# syscall tracepoint fires on each). A probe's BPF program runs in the context of the task
# that hits it, so its cost lands in the workload's task-clock:
# ns per hit = (task-clock with the tool - task-clock without) / hits. Each round measures the
# baseline and each tool back to back; rounds are repeated because other work on the machine
# moves the numbers. Then both tools are attached at once and run on one workload: each must
# count exactly CALLS (and SYSCALLS).
#
#   scripts/compare-funccount.sh [PERISCOPE_BINARY]    (root; CALLS, SYSCALLS, ROUNDS; ROUNDS=0: counts only)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
periscope="${1:-$root/.build/debug/periscope}"
calls="${CALLS:-1000000}"
syscalls="${SYSCALLS:-1000000}"
rounds="${ROUNDS:-5}"
command -v perf >/dev/null || { echo "needs perf (Debian linux-perf)" >&2; exit 2; }
command -v bpftrace >/dev/null || { echo "needs bpftrace (Debian bpftrace)" >&2; exit 2; }
command -v gcc >/dev/null || { echo "needs gcc" >&2; exit 2; }

work="$(mktemp -d)"
workload="$work/counted_calls"
gcc -O1 -static -o "$workload" "$root/Tests/Fixtures/bpf/counted_calls.c"
function="periscope_counted_call"
tracepoint="syscalls:sys_enter_sched_get_priority_max"

pids=()
# SIGINT makes both tools print their counts; bpftrace 0.17 sometimes hangs at exit, so a tool
# still running 10 s later is killed (its counts are then missing, never invented).
stop_tools() {
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap 'stop_tools; rm -rf "$work"' EXIT

# Starts a tool in the background, output in $work/NAME.out, and waits until it has attached
# (periscope prints its "Tracing" line after attaching; bpftrace prints "Attaching" before, so
# it gets 2 s more).
start_tool() {
  local name="$1"; shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 300); do
    grep -q -e '^Tracing' -e '^Attaching' "$work/$name.out" 2>/dev/null && break
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  if grep -q '^Attaching' "$work/$name.out"; then sleep 2; fi
}

# Prints the task-clock ms of one workload run: "$@" are its arguments.
task_clock() {
  perf stat -x, -e task-clock "$workload" "$@" 2>&1 >/dev/null | awk -F, '$3 == "task-clock" { print $1 }'
}

# The count a tool printed for NAME (periscope: `NAME COUNT`; bpftrace: `@[...NAME]: COUNT`).
count_of() {
  awk -v n="$2" '($1 == n) { print $2 } (index($1, n "]:") > 0) { print $2 }' "$work/$1.out" | tail -1
}

periscope_uprobe=("$periscope" funccount "$workload:$function")
bpftrace_uprobe=(bpftrace -e "uprobe:$workload:$function { @[probe] = count(); }")
periscope_tp=("$periscope" funccount "$tracepoint")
bpftrace_tp=(bpftrace -e "tracepoint:$tracepoint { @[probe] = count(); }")

declare -A total=()
configs=("periscope uprobe" "bpftrace uprobe" "periscope tracepoint" "bpftrace tracepoint")
printf '%-28s %14s %14s %12s\n' "round/config" "task-clock ms" "baseline ms" "ns/hit"
for round in $(seq 1 "$rounds"); do
  for config in "${configs[@]}"; do
    case "$config" in
      *uprobe) args=("$calls" 0 0); hits=$calls ;;
      *tracepoint) args=(0 0 "$syscalls"); hits=$syscalls ;;
    esac
    base=$(task_clock "${args[@]}")
    case "$config" in
      "periscope uprobe") start_tool p "${periscope_uprobe[@]}" ;;
      "bpftrace uprobe") start_tool b "${bpftrace_uprobe[@]}" ;;
      "periscope tracepoint") start_tool p "${periscope_tp[@]}" ;;
      "bpftrace tracepoint") start_tool b "${bpftrace_tp[@]}" ;;
    esac
    ms=$(task_clock "${args[@]}")
    stop_tools
    cost=$(awk -v a="$ms" -v b="$base" -v n="$hits" 'BEGIN {printf "%.0f", (a - b) * 1e6 / n}')
    total[$config]=$(( ${total[$config]:-0} + cost ))
    printf '%-28s %14s %14s %12s\n' "$round $config" "$ms" "$base" "$cost"
  done
done
echo
if [ "$rounds" -gt 0 ]; then
  printf '%-28s %14s\n' "config" "mean ns/hit"
  for config in "${configs[@]}"; do
    awk -v t="${total[$config]}" -v n="$rounds" -v c="$config" 'BEGIN {printf "%-28s %14.0f\n", c, t / n}'
  done
fi

# Both tools at once on one workload: equal counts.
echo
start_tool pu "$periscope" funccount "$workload:periscope_counted_*"
start_tool bu bpftrace -e "uprobe:$workload:periscope_counted_* { @[probe] = count(); }"
"$workload" "$calls" 1234 0
stop_tools
start_tool pt "${periscope_tp[@]}"
start_tool pc "$periscope" funccount --per-container "$tracepoint"
start_tool bt "${bpftrace_tp[@]}"
"$workload" 0 0 "$syscalls"
stop_tools
for name in periscope_counted_call periscope_counted_other; do
  expected=$([ "$name" = periscope_counted_call ] && echo "$calls" || echo 1234)
  printf '%-28s expected %10s  periscope %10s  bpftrace %10s\n' "$name" "$expected" \
    "$(count_of pu "$name")" "$(count_of bu "$name")"
done
printf '%-28s expected %10s  periscope %10s  bpftrace %10s  (per container: host %s)\n' "$tracepoint" ">= $syscalls" \
  "$(count_of pt "$tracepoint")" "$(count_of bt "$tracepoint")" "$(count_of pc "$tracepoint")"
# The counts are the point: any difference fails the run.
failed=0
for name in periscope_counted_call periscope_counted_other; do
  expected=$([ "$name" = periscope_counted_call ] && echo "$calls" || echo 1234)
  [ "$(count_of pu "$name")" = "$expected" ] && [ "$(count_of bu "$name")" = "$expected" ] || failed=1
done
[ "$(count_of pt "$tracepoint")" = "$(count_of bt "$tracepoint")" ] || failed=1
[ "$(count_of pt "$tracepoint")" -ge "$syscalls" ] 2>/dev/null || failed=1
if [ "$failed" = 1 ]; then echo "compare-funccount: the counts differ" >&2; exit 1; fi
