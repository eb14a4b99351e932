#!/usr/bin/env bash
# Analysis throughput of `periscope analyze cputop|schedlat` (single-threaded) against
# `babeltrace2 TRACE > /dev/null` and, when installed, lttng-analyses' `lttng-cputop`, all on the
# same recorded trace of at least MIN_EVENTS events, in the same run.
#
# The trace is the one scripts/compare-trace-decode.sh records (syscalls + sched under a dd
# load) into TRACE_DIR, with its CTF conversion in TRACE_DIR-ctf; it is recorded first if
# missing. Reports CPU seconds (user+sys), events per CPU second, and peak RSS.
#
# Usage (root, tracefs): scripts/compare-analyze.sh
#   PERISCOPE=.build/release/periscope TRACE_DIR=/tmp/periscope-bench-trace MIN_EVENTS=10000000
# lttng-cputop: apt-get install python3-babeltrace && /usr/bin/python3 -m pip install --break-system-packages lttnganalyses
set -euo pipefail

PERISCOPE=${PERISCOPE:-.build/release/periscope}
TRACE_DIR=${TRACE_DIR:-/tmp/periscope-bench-trace}
MIN_EVENTS=${MIN_EVENTS:-10000000}
CTF_DIR="$TRACE_DIR-ctf"
work=$(mktemp -d /tmp/periscope-compare-analyze.XXXXXX)
trap 'rm -rf "$work"' EXIT

command -v babeltrace2 >/dev/null || { echo "needs babeltrace2 (apt-get install babeltrace2)" >&2; exit 1; }
[ -x "$PERISCOPE" ] || { echo "build first: swift build -c release (or set PERISCOPE)" >&2; exit 1; }

if [ ! -f "$TRACE_DIR/metadata.json" ] || [ ! -f "$CTF_DIR/metadata" ]; then
  echo "recording the benchmark trace with scripts/compare-trace-decode.sh" >&2
  PERISCOPE="$PERISCOPE" TRACE_DIR="$TRACE_DIR" MIN_EVENTS="$MIN_EVENTS" TEXT=0 "$(dirname "$0")/compare-trace-decode.sh" >&2
fi
events=$("$PERISCOPE" analyze cputop "$TRACE_DIR" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
ctf_events=$("$PERISCOPE" analyze cputop "$CTF_DIR" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
echo "trace: $events events in $TRACE_DIR ($(du -sh "$TRACE_DIR" | cut -f1)); CTF: $ctf_events events ($(du -sh "$CTF_DIR" | cut -f1))"

timed() {  # label, events, command...: CPU seconds, wall, rate, peak RSS
  local label=$1 n=$2
  shift 2
  /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { echo "$label: failed: $(tail -3 "$work/stderr")"; return; }
  awk -v label="$label" -v n="$n" '{ cpu = $1 + $2; printf "%-44s cpu %7.2f s  wall %7.2f s  %11.0f events/cpu-s  peak RSS %6.0f MiB\n", label, cpu, $3, n / cpu, $4 / 1024 }' "$work/time"
}

for _ in 1 2; do
  timed "periscope analyze cputop (trace directory)" "$events" "$PERISCOPE" analyze cputop "$TRACE_DIR"
  timed "periscope analyze schedlat (trace directory)" "$events" "$PERISCOPE" analyze schedlat "$TRACE_DIR"
  timed "periscope analyze cputop (CTF)" "$ctf_events" "$PERISCOPE" analyze cputop "$CTF_DIR"
  timed "periscope analyze schedlat (CTF)" "$ctf_events" "$PERISCOPE" analyze schedlat "$CTF_DIR"
done
timed "babeltrace2 CTF > /dev/null" "$ctf_events" babeltrace2 "$CTF_DIR"
# lttng-analyses 0.6.1 predates Python 3.10, which moved collections.Mapping & co. to
# collections.abc: put them back before loading it (Debian's python3-babeltrace is 3.11).
cat >"$work/lttng-cputop.py" <<'PY'
import collections, collections.abc, sys
for name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable"):
    setattr(collections, name, getattr(collections.abc, name))
from lttnganalyses.cli.cputop import run
sys.argv[0] = "lttng-cputop"
run()
PY
# lttng-cputop runs at well under 1 M events/s, so it gets the real LTTng 2.10 kernel trace of
# shared/traces/lttng-ref (134,500 events) instead; periscope runs on it too.
REF_ARCHIVE=${REF_ARCHIVE:-$(dirname "$0")/../../shared/traces/lttng-ref/basic-kernel-analysis.tar.xz}
if /usr/bin/python3 -c 'import babeltrace, lttnganalyses' 2>/dev/null && [ -f "$REF_ARCHIVE" ]; then
  tar -xJf "$REF_ARCHIVE" -C "$work"
  ref="$work/basic-kernel-analysis"
  ref_events=$("$PERISCOPE" analyze cputop "$ref" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
  for _ in 1 2; do
    timed "periscope analyze cputop (lttng-ref, $ref_events)" "$ref_events" "$PERISCOPE" analyze cputop "$ref"
    timed "lttng-cputop (lttng-analyses 0.6.1, lttng-ref)" "$ref_events" /usr/bin/python3 "$work/lttng-cputop.py" --skip-validation --no-progress "$ref"
    timed "babeltrace2 lttng-ref > /dev/null" "$ref_events" babeltrace2 "$ref"
  done
else
  echo "lttng-cputop: not installed (apt-get install python3-babeltrace; /usr/bin/python3 -m pip install --break-system-packages lttnganalyses)"
fi
