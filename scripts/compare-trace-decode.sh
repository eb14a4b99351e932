#!/usr/bin/env bash
# Decoding speed of Periscope's ftrace ring-buffer decoder against babeltrace2 on the CTF
# conversion of the same trace, in the same run.
#
# Records a trace of at least MIN_EVENTS (syscalls + sched under a dd load), converts it to
# CTF, then times: decoding every event (periscope `trace dump --json`, which decodes and
# counts; babeltrace2 with the dummy sink, which decodes and discards) and printing every
# event as text to /dev/null. Reports CPU seconds (user+sys) and events per CPU second.
# Leaves the trace in TRACE_DIR for `swift package --package-path Benchmarks benchmark`.
#
# Usage (root, tracefs): scripts/compare-trace-decode.sh
#   PERISCOPE=.build/release/periscope TRACE_DIR=/tmp/periscope-bench-trace MIN_EVENTS=10000000
set -euo pipefail

PERISCOPE=${PERISCOPE:-.build/release/periscope}
TRACE_DIR=${TRACE_DIR:-/tmp/periscope-bench-trace}
MIN_EVENTS=${MIN_EVENTS:-10000000}
TEXT=${TEXT:-1}
CTF_DIR="$TRACE_DIR-ctf"
work=$(mktemp -d /tmp/periscope-compare-decode.XXXXXX)
trap 'rm -rf "$work"' EXIT

command -v babeltrace2 >/dev/null || { echo "needs babeltrace2 (apt-get install babeltrace2)" >&2; exit 1; }
[ -x "$PERISCOPE" ] || { echo "build first: swift build -c release (or set PERISCOPE)" >&2; exit 1; }

count_events() { "$PERISCOPE" trace dump "$1" --json | awk -F: '/"events"/ { gsub(/[ ,]/, "", $2); print $2 }'; }

if [ ! -f "$TRACE_DIR/metadata.json" ] || [ "$(count_events "$TRACE_DIR")" -lt "$MIN_EVENTS" ]; then
  rm -rf "$TRACE_DIR" "$CTF_DIR"
  bytes=$(( MIN_EVENTS / 4 / 2 + MIN_EVENTS / 40 ))
  "$PERISCOPE" trace record -e syscalls sched --buffer-size-kb 65536 -o "$TRACE_DIR" >"$work/record.out" 2>&1 &
  recorder=$!
  for _ in $(seq 1 100); do ls /sys/kernel/tracing/instances | grep -q "periscope-$recorder" && break; sleep 0.1; done
  sleep 1
  dd if=/dev/zero of=/dev/null bs=1 count="$bytes" status=none &
  dd if=/dev/zero of=/dev/null bs=1 count="$bytes" status=none &
  wait %2 %3 2>/dev/null || wait
  sleep 0.5
  kill -INT "$recorder"
  wait "$recorder" || true
  cat "$work/record.out"
fi
[ -f "$CTF_DIR/metadata" ] || "$PERISCOPE" trace convert "$TRACE_DIR" --to ctf "$CTF_DIR"
events=$(count_events "$TRACE_DIR")
echo "trace: $events events in $TRACE_DIR ($(du -sh "$TRACE_DIR" | cut -f1)), CTF $(du -sh "$CTF_DIR" | cut -f1)"

timed() {  # label, events, command...: prints CPU seconds and rate
  local label=$1 n=$2
  shift 2
  /usr/bin/time -f "%U %S %e" -o "$work/time" "$@" >/dev/null
  awk -v label="$label" -v n="$n" '{ cpu = $1 + $2; printf "%-34s cpu %7.2f s  wall %7.2f s  %12.0f events/cpu-s\n", label, cpu, $3, n / cpu }' "$work/time"
}

for _ in 1 2 3; do timed "periscope decode (dump --json)" "$events" "$PERISCOPE" trace dump "$TRACE_DIR" --json; done
timed "babeltrace2 decode (-o dummy)" "$events" babeltrace2 "$CTF_DIR" -o dummy
if [ "$TEXT" = 1 ]; then
  timed "periscope text (dump)" "$events" "$PERISCOPE" trace dump "$TRACE_DIR"
  timed "babeltrace2 text" "$events" babeltrace2 "$CTF_DIR"
fi
