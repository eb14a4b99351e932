#!/usr/bin/env bash
# Measures what sampling costs, Periscope against perf, in one run on the same busy workload:
#
#   periscope profile --all        -F 99 / 999   (one cpu-clock event per CPU, every task)
#   periscope profile --container  -F 99 / 999   (events scoped to the container's cgroup)
#   perf record -F 99 / 999 -a -g                (the classic system-wide profile)
#
# The workload is a container (the periscope-test image) running one busy shell loop per CPU,
# so every CPU is busy and every sample has a stack to walk. Each profiler runs for DURATION
# seconds, REPEATS times per configuration, under /tmp/periscope-bench.lock so that no other
# benchmark runs at once. The cost reported is the profiler process's own CPU time (user +
# system, from /usr/bin/time) divided by wall time: the share of one core it takes. The
# kernel's cost of taking each sample (timer interrupt, frame-pointer walk, ring write) is
# charged to the interrupted task, and is the same for both tools at one frequency; perf's
# figure includes writing perf.data and its build-id pass at exit, Periscope's includes
# symbolizing and folding (perf would need `perf script` and stackcollapse for that).
#
# Usage: scripts/compare-profile.sh [-d SECONDS] [-r REPEATS] [--binary PATH]
#   -d        seconds per profile (default 10)
#   -r        repetitions per configuration (default 3)
#   --binary  a periscope binary instead of `swift build -c release --scratch-path .build-prof`
set -euo pipefail

DURATION=10
REPEATS=3
BINARY=""
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
IMAGE="${PERISCOPE_TEST_IMAGE:-periscope-test:latest}"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    -d) DURATION="$2"; shift 2 ;;
    -r) REPEATS="$2"; shift 2 ;;
    --binary) BINARY="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "compare-profile: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || { echo "compare-profile: needs root (perf_event_open on every CPU)" >&2; exit 1; }
command -v perf >/dev/null || { echo "compare-profile: perf is needed (Debian: linux-perf)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "compare-profile: /usr/bin/time is needed (Debian: time)" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "compare-profile: no $IMAGE image: run scripts/test-setup.sh" >&2; exit 1; }

if [ -z "$BINARY" ]; then
  (cd "$ROOT" && swift build -c release --scratch-path .build-prof --product periscope >&2)
  BINARY="$ROOT/.build-prof/release/periscope"
fi

WORK="$(mktemp -d /tmp/compare-profile.XXXXXX)"
NAME="periscope-bench-busy-$$"
cleanup() { docker rm -f "$NAME" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

CPUS="$(nproc)"
LOOPS=""
for _ in $(seq 1 "$CPUS"); do LOOPS="$LOOPS while :; do :; done &"; done
docker run -d --name "$NAME" "$IMAGE" sh -c "$LOOPS wait" >/dev/null
sleep 1

# run LABEL COMMAND...: prints "LABEL cpu_percent_of_a_core wall_seconds"
run() {
  local label="$1"; shift
  /usr/bin/time -f "%U %S %e" -o "$WORK/time" "$@" >"$WORK/stdout" 2>"$WORK/stderr" || {
    echo "compare-profile: $label failed:" >&2; cat "$WORK/stderr" >&2; exit 1; }
  read -r user system wall <"$WORK/time"
  awk -v l="$label" -v u="$user" -v s="$system" -v w="$wall" 'BEGIN { printf "%s %.3f %.2f\n", l, 100 * (u + s) / w, w }'
}

echo "compare-profile: $CPUS CPUs busy in container $NAME; ${DURATION}s per profile, $REPEATS repeats; load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
flock /tmp/periscope-bench.lock bash -c '
  set -euo pipefail
  '"$(declare -f run)"'
  WORK='"$WORK"' BINARY='"$BINARY"' NAME='"$NAME"' DURATION='"$DURATION"' REPEATS='"$REPEATS"'
  for frequency in 99 999; do
    for repeat in $(seq 1 "$REPEATS"); do
      run "periscope-all-$frequency" "$BINARY" profile --all -F "$frequency" -d "$DURATION" -o "$WORK/all.folded" --json
      kept_all=$(grep -o "\"samplesKept\" : [0-9]*" "$WORK/stdout" | grep -o "[0-9]*$"); lost_all=$(grep -o "\"samplesLost\" : [0-9]*" "$WORK/stdout" | grep -o "[0-9]*$")
      echo "samples periscope-all-$frequency $kept_all $lost_all"
      run "periscope-container-$frequency" "$BINARY" profile --container "$NAME" -F "$frequency" -d "$DURATION" -o "$WORK/container.folded" --json
      kept=$(grep -o "\"samplesKept\" : [0-9]*" "$WORK/stdout" | grep -o "[0-9]*$"); lost=$(grep -o "\"samplesLost\" : [0-9]*" "$WORK/stdout" | grep -o "[0-9]*$")
      echo "samples periscope-container-$frequency $kept $lost"
      run "perf-record-$frequency" perf record -q -F "$frequency" -a -g -o "$WORK/perf.data" -- sleep "$DURATION"
      echo "samples perf-record-$frequency $(perf script -i "$WORK/perf.data" -F pid 2>/dev/null | wc -l) -"
      rm -f "$WORK/perf.data" "$WORK/perf.data.old"
    done
  done
' >"$WORK/results"
echo "compare-profile: load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Median, min and max CPU% per label, then the ratios between medians.
awk '
  $1 == "samples" { if ($3 ~ /^[0-9]+$/) { kept[$2] += $3; runs[$2]++ }; if ($4 ~ /^[0-9]+$/) lost[$2] += $4; next }
  { values[$1] = values[$1] " " $2 }
  function sorted(list, parts,   count, i, j, tmp) {
    count = split(list, parts, " ")
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (parts[j] + 0 < parts[i] + 0) { tmp = parts[i]; parts[i] = parts[j]; parts[j] = tmp }
    return count
  }
  END {
    printf "%-28s %13s %8s %8s %12s %6s\n", "profiler (per run)", "median %core", "min", "max", "samples", "lost"
    split("periscope-all periscope-container perf-record", tools, " ")
    for (f = 99; f <= 999; f += 900) for (t = 1; t <= 3; t++) {
      label = tools[t] "-" f
      count = sorted(values[label], parts)
      median[label] = count % 2 ? parts[(count + 1) / 2] : (parts[count / 2] + parts[count / 2 + 1]) / 2
      printf "%-28s %13.3f %8.3f %8.3f %12s %6s\n", label, median[label], parts[1], parts[count], (runs[label] ? int(kept[label] / runs[label]) : "-"), (label in lost ? int(lost[label] / runs[label]) : "-")
    }
    for (f = 99; f <= 999; f += 900) {
      p = "perf-record-" f
      printf "ratio at %d Hz: perf record / periscope --all = %.2f, perf record / periscope --container = %.2f\n", f, median[p] / median["periscope-all-" f], median[p] / median["periscope-container-" f]
    }
  }' "$WORK/results"
