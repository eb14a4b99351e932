#!/usr/bin/env bash
# CPU cost of one `periscope diagnose` window against the classic 60-second checklist tools
# (vmstat, mpstat, pidstat, iostat, sar -n DEV,TCP,ETCP) run for the same window, in the
# same run. CPU is perf stat's task-clock (the command and its children), repeated -r times.
#
#   scripts/compare-diagnose.sh [-r RUNS] [-d SECONDS] [--binary PATH]
#
# Needs root (diagnose reads every process and /dev/kmsg), perf and sysstat. Takes the
# benchmark lock so two measurements never run together. Other sessions may load the machine:
# say so next to the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 seconds=10 binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    -r) runs="$2"; shift 2 ;;
    -d) seconds="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    *) echo "usage: $0 [-r RUNS] [-d SECONDS] [--binary PATH]" >&2; exit 64 ;;
  esac
done
for tool in perf vmstat mpstat pidstat iostat sar; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found (apt-get install linux-perf sysstat)" >&2; exit 1; }
done
if [ -z "$binary" ]; then
  swift build -c release --product periscope >/dev/null
  binary=.build/release/periscope
fi

checklist() {
  vmstat 1 "$seconds" & mpstat -P ALL 1 "$seconds" & pidstat 1 "$seconds" & iostat -xz 1 "$seconds" &
  sar -n DEV,TCP,ETCP 1 "$seconds" & wait
}
export -f checklist
export seconds

flock /tmp/periscope-bench.lock bash -c '
  echo "window ${0}s, ${1} runs, $(nproc) CPUs, load $(cut -d" " -f1-3 /proc/loadavg), $(docker ps -q 2>/dev/null | wc -l) containers"
  printf "%-32s %s\n" "command" "task-clock ms per run"
  for i in $(seq "$1"); do
    d=$(perf stat -x, -e task-clock -- "$2" diagnose --json -d "${0}s" 2>&1 >/dev/null | awk -F, "/task-clock/ { printf \"%.1f\", \$1 }")
    c=$(perf stat -x, -e task-clock -- bash -c checklist 2>&1 >/dev/null | awk -F, "/task-clock/ { printf \"%.1f\", \$1 }")
    printf "%-32s %s\n" "periscope diagnose" "$d" "checklist tools" "$c"
  done
' "$seconds" "$runs" "$binary"
