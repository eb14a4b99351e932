#!/usr/bin/env bash
# Capture cost and loss of `periscope trace record` against `perf record -e` on the same
# tracepoints, the same load and the same per-CPU buffer size, in the same run.
#
# Load: N parallel `dd bs=1` (each byte is one read and one write: 4 syscall events plus the
# context switches). For each load level and tool it reports the load's wall time (vs no
# tracing: the overhead the traced workload pays), the tool's own CPU time, the events it
# captured per second and the events it lost.
#
# Usage (root, tracefs mounted): scripts/compare-trace-capture.sh
#   PERISCOPE=.build/release/periscope LOAD_BYTES=1000000 LEVELS="1 2" BUFFER_KB=32768 (periscope's default)
#   BASELINE=/path/to/other/periscope: also runs that binary first in every repetition (before/after
#   in the same run); PERISCOPE_FLAGS="...": extra `trace record` options for PERISCOPE only.
# Each periscope row also gives its ring-buffer size at the end (KiB per CPU: larger than
# BUFFER_KB when the buffers grew) and every row the 1-minute load average when it ended.
set -euo pipefail

PERISCOPE=${PERISCOPE:-.build/release/periscope}
LOAD_BYTES=${LOAD_BYTES:-1000000}
LEVELS=${LEVELS:-"1 2"}
BUFFER_KB=${BUFFER_KB:-32768}
REPEATS=${REPEATS:-2}
BASELINE=${BASELINE:-}
PERISCOPE_FLAGS=${PERISCOPE_FLAGS:-}
work=$(mktemp -d /tmp/periscope-compare-capture.XXXXXX)
trap 'rm -rf "$work"' EXIT

command -v perf >/dev/null || { echo "needs perf (apt-get install linux-perf)" >&2; exit 1; }
[ -x "$PERISCOPE" ] || { echo "build first: swift build -c release (or set PERISCOPE)" >&2; exit 1; }

now() { date +%s.%N; }
load() {  # runs $1 parallel dd; prints wall seconds
  local start
  start=$(now)
  for _ in $(seq 1 "$1"); do dd if=/dev/zero of=/dev/null bs=1 count="$LOAD_BYTES" status=none & done
  wait
  echo "$(now) - $start" | bc -l
}
cpu_of() {  # user+sys seconds from a /usr/bin/time -f "%U %S" file (last line: an exit note may precede it)
  tail -1 "$1" | awk '{ printf "%.2f", $1 + $2 }'
}

printf '%-10s %5s %9s %9s %12s %12s %10s %9s %6s\n' tool procs load_s tool_cpu events events/s lost buffer_kb load1
loadavg() { cut -d' ' -f1 /proc/loadavg; }
record() {  # LABEL BINARY LEVEL [FLAGS...]: one periscope capture under the load, one row
  local label=$1 binary=$2 level=$3 tool wall summary events lost size
  shift 3
  rm -rf "$work/p"
  /usr/bin/time -f "%U %S" -o "$work/p.time" "$binary" trace record -e syscalls sched:sched_switch \
    --buffer-size-kb "$BUFFER_KB" "$@" -o "$work/p" >/dev/null 2>"$work/p.err" &
  tool=$!
  for _ in $(seq 1 100); do ls /sys/kernel/tracing/instances 2>/dev/null | grep -q periscope- && break; sleep 0.1; done
  sleep 1
  wall=$(load "$level")
  sleep 0.5
  kill -INT "$(pgrep -P "$tool" periscope || echo "$tool")" 2>/dev/null || kill -INT "$tool"
  wait "$tool" || true
  summary=$("$binary" trace dump "$work/p" --json)
  events=$(echo "$summary" | awk -F: '/"events"/ { gsub(/[ ,]/, "", $2); print $2 }')
  lost=$(echo "$summary" | awk -F: '/"metadataLostEvents"/ { gsub(/[ ,]/, "", $2); print $2 }')
  size=$(grep -o '"bufferSizeKBPerCPU" *: *[0-9]*' "$work/p/metadata.json" | grep -o '[0-9]*$')
  printf '%-10s %5s %9.2f %9s %12s %12.0f %10s %9s %6s\n' "$label" "$level" "$wall" "$(cpu_of "$work/p.time")" "$events" \
    "$(echo "$events / $wall" | bc -l)" "$lost" "$size" "$(loadavg)"
  grep -h "grown\|could not grow" "$work/p.err" | sed 's/^/           /' || true
}

for level in $LEVELS; do
  for repeat in $(seq 1 "$REPEATS"); do
    base=$(load "$level")
    printf '%-10s %5s %9.2f %9s %12s %12s %10s %9s %6s\n' none "$level" "$base" - - - - - "$(loadavg)"

    # periscope: until SIGINT, like a user with Ctrl-C
    if [ -n "$BASELINE" ]; then record baseline "$BASELINE" "$level"; fi
    # shellcheck disable=SC2086
    record periscope "$PERISCOPE" "$level" $PERISCOPE_FLAGS

    # perf: same events, same buffer per CPU (-m pages of 4 KiB); --exclude-perf keeps perf's
    # own writes out of the trace as Periscope keeps its own (set_event_notrace_pid), or the
    # recorder would trace itself in a feedback loop.
    rm -f "$work/perf.data"
    /usr/bin/time -f "%U %S" -o "$work/perf.time" perf record -q -a -m $((BUFFER_KB / 4)) \
      -e raw_syscalls:sys_enter --exclude-perf -e raw_syscalls:sys_exit --exclude-perf -e sched:sched_switch --exclude-perf -o "$work/perf.data" -- sleep 600 2>"$work/perf.err" &
    tool=$!
    sleep 1.5
    wall=$(load "$level")
    sleep 0.5
    # perf stops when its workload does: end this run's own `sleep 600` (found by parent, not by name).
    perf_pid=$(pgrep -P "$tool" -x perf || true)
    kill -INT $(pgrep -P "${perf_pid:-0}" -x sleep || echo "$tool") 2>/dev/null || true
    wait "$tool" || true
    stats=$(perf report --stats -i "$work/perf.data" 2>/dev/null)
    # Per-event sections ("EVENT stats:") hold the samples and the lost-sample counts perf
    # attributed to each event; the aggregated block above them would count twice.
    events=$(echo "$stats" | awk '/ stats:$/ { per = !/^Aggregated/ } per && /SAMPLE events:/ && !/LOST/ { sum += $3 } END { print sum + 0 }')
    lost=$(echo "$stats" | awk '/ stats:$/ { per = !/^Aggregated/ } per && /LOST_SAMPLES events:/ { sum += $3 } END { print sum + 0 }')
    printf '%-10s %5s %9.2f %9s %12s %12.0f %10s %9s %6s\n' perf "$level" "$wall" "$(cpu_of "$work/perf.time")" "$events" \
      "$(echo "$events / $wall" | bc -l)" "$lost" "$BUFFER_KB" "$(loadavg)"
  done
done
