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
# system, from /usr/bin/time) divided by wall time: the share of one core it takes. Each
# tool also runs for 0.5 s to measure its fixed cost (start-up, kallsyms, the inventory scan,
# symbol loading, writing output); "per second" is the CPU of a long run less that of a short
# one, over the difference in duration: what sampling itself costs while it goes on. The
# kernel's cost of taking each sample (timer interrupt, frame-pointer walk, ring write) is
# charged to the interrupted task, and is the same for both tools at one frequency; perf's
# figure includes writing perf.data and its build-id pass at exit, Periscope's includes
# symbolizing and folding, which perf leaves to `perf script`: that is timed too, and the
# "perf record + script" line adds the two (stackcollapse-perf.pl not included).
#
# Periscope is measured as users install it: built by scripts/install.sh (release, the Swift
# runtime linked statically, in .build-static) into a temporary prefix. --dynamic measures the
# dynamically linked release build instead (what `swift build -c release` gives, and what the
# runs before 2026-12-04 19:00 measured).
#
# Usage: scripts/compare-profile.sh [-d SECONDS] [-r REPEATS] [--dynamic | --binary PATH]
#   -d         seconds per profile (default 10)
#   -r         repetitions per configuration (default 3)
#   --dynamic  build with `swift build -c release --scratch-path .build-prof` instead
#   --binary   a periscope binary to measure instead of building one
set -euo pipefail

DURATION=10
REPEATS=3
BINARY=""
DYNAMIC=0
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
IMAGE="${PERISCOPE_TEST_IMAGE:-periscope-test:latest}"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    -d) DURATION="$2"; shift 2 ;;
    -r) REPEATS="$2"; shift 2 ;;
    --binary) BINARY="$2"; shift 2 ;;
    --dynamic) DYNAMIC=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "compare-profile: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || { echo "compare-profile: needs root (perf_event_open on every CPU)" >&2; exit 1; }
command -v perf >/dev/null || { echo "compare-profile: perf is needed (Debian: linux-perf)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "compare-profile: /usr/bin/time is needed (Debian: time)" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "compare-profile: no $IMAGE image: run scripts/test-setup.sh" >&2; exit 1; }

WORK="$(mktemp -d /tmp/compare-profile.XXXXXX)"
NAME="${BENCH_CONTAINER:-periscope-bench-busy-$$}"
cleanup() { docker rm -f "$NAME" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

if [ -z "$BINARY" ] && [ "$DYNAMIC" = 1 ]; then
  (cd "$ROOT" && swift build -c release --scratch-path .build-prof --product periscope >&2)
  BINARY="$ROOT/.build-prof/release/periscope"
elif [ -z "$BINARY" ]; then
  "$ROOT/scripts/install.sh" --prefix "$WORK/install" >&2
  BINARY="$WORK/install/bin/periscope"
fi

CPUS="$(nproc)"
LOOPS=""
for _ in $(seq 1 "$CPUS"); do LOOPS="$LOOPS while :; do :; done &"; done
docker run -d --name "$NAME" "$IMAGE" sh -c "$LOOPS wait" >/dev/null
sleep 1

# run LABEL COMMAND...: prints "LABEL cpu_seconds wall_seconds"
run() {
  local label="$1"; shift
  /usr/bin/time -f "%U %S %e" -o "$WORK/time" "$@" >"$WORK/stdout" 2>"$WORK/stderr" || {
    echo "compare-profile: $label failed:" >&2; cat "$WORK/stderr" >&2; exit 1; }
  read -r user system wall <"$WORK/time"
  awk -v l="$label" -v u="$user" -v s="$system" -v w="$wall" 'BEGIN { printf "%s %.3f %.2f\n", l, u + s, w }'
}

echo "compare-profile: $BINARY; $CPUS CPUs busy in container $NAME; ${DURATION}s per profile, $REPEATS repeats; load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
flock /tmp/periscope-bench.lock bash -c '
  set -euo pipefail
  '"$(declare -f run)"'
  WORK='"$WORK"' BINARY='"$BINARY"' NAME='"$NAME"' DURATION='"$DURATION"' REPEATS='"$REPEATS"'
  for frequency in 99 999; do
    for repeat in $(seq 1 "$REPEATS"); do
      run "short periscope-all-$frequency" "$BINARY" profile --all -F "$frequency" -d 0.5 -o "$WORK/all.folded" --json
      run "short periscope-container-$frequency" "$BINARY" profile --container "$NAME" -F "$frequency" -d 0.5 -o "$WORK/container.folded" --json
      run "short perf-record-$frequency" perf record -q -F "$frequency" -a -g -o "$WORK/perf.data" -- sleep 0.5
      rm -f "$WORK/perf.data" "$WORK/perf.data.old"
      run "periscope-all-$frequency" "$BINARY" profile --all -F "$frequency" -d "$DURATION" -o "$WORK/all.folded" --json
      kept_all=$(grep -o "\"samplesKept\" : [0-9]*" "$WORK/stdout" | grep -o "[0-9]*$"); lost_all=$(grep -o "\"samplesLost\" : [0-9]*" "$WORK/stdout" | grep -o "[0-9]*$")
      echo "samples periscope-all-$frequency $kept_all $lost_all"
      run "periscope-container-$frequency" "$BINARY" profile --container "$NAME" -F "$frequency" -d "$DURATION" -o "$WORK/container.folded" --json
      kept=$(grep -o "\"samplesKept\" : [0-9]*" "$WORK/stdout" | grep -o "[0-9]*$"); lost=$(grep -o "\"samplesLost\" : [0-9]*" "$WORK/stdout" | grep -o "[0-9]*$")
      echo "samples periscope-container-$frequency $kept $lost"
      run "perf-record-$frequency" perf record -q -F "$frequency" -a -g -o "$WORK/perf.data" -- sleep "$DURATION"
      run "perf-script-$frequency" perf script -i "$WORK/perf.data"
      echo "samples perf-record-$frequency $(grep -c "cpu-clock" "$WORK/stdout") -"
      rm -f "$WORK/perf.data" "$WORK/perf.data.old"
    done
  done
' >"$WORK/results"
echo "compare-profile: load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Per label: median CPU% of a core over the whole run, min and max, and the per-second cost
# (median long-run CPU less median short-run CPU, over the extra seconds); then the ratios.
awk -v duration="$DURATION" '
  $1 == "samples" { if ($3 ~ /^[0-9]+$/) { kept[$2] += $3; runs[$2]++ }; if ($4 ~ /^[0-9]+$/) lost[$2] += $4; next }
  $1 == "short" { shortcpu[$2] = shortcpu[$2] " " $3; shortwall[$2] = shortwall[$2] " " $4; next }
  { percent[$1] = percent[$1] " " (100 * $2 / $3); cpu[$1] = cpu[$1] " " $2; wall[$1] = wall[$1] " " $3 }
  function median(list,   parts, count, i, j, tmp) {
    count = split(list, parts, " ")
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (parts[j] + 0 < parts[i] + 0) { tmp = parts[i]; parts[i] = parts[j]; parts[j] = tmp }
    low = parts[1]; high = parts[count]
    return count % 2 ? parts[(count + 1) / 2] : (parts[count / 2] + parts[count / 2 + 1]) / 2
  }
  END {
    printf "%-26s %12s %7s %7s %14s %12s %9s %5s\n", "profiler", "%core total", "min", "max", "fixed cpu s", "%core per s", "samples", "lost"
    split("periscope-all periscope-container perf-record", tools, " ")
    for (f = 99; f <= 999; f += 900) for (t = 1; t <= 4; t++) {
      if (t == 4) {
        label = "perf-record+script-" f
        total[label] = median(percent["perf-script-" f]) * median(wall["perf-script-" f]) / median(wall["perf-record-" f]) + total["perf-record-" f]
        printf "%-26s %12.3f\n", label, total[label]
        continue
      }
      label = tools[t] "-" f
      total[label] = median(percent[label]); lo = low; hi = high
      fixed = median(shortcpu[label]); shortw = median(shortwall[label])
      steady[label] = 100 * (median(cpu[label]) - fixed) / (median(wall[label]) - shortw)
      printf "%-26s %12.3f %7.3f %7.3f %14.3f %12.3f %9s %5s\n", label, total[label], lo, hi, fixed, steady[label], (runs[label] ? int(kept[label] / runs[label]) : "-"), (label in lost ? int(lost[label] / runs[label]) : "-")
    }
    for (f = 99; f <= 999; f += 900) {
      p = "perf-record-" f
      printf "%d Hz, whole run: perf record / periscope --all = %.2f, / periscope --container = %.2f; perf record + script / periscope --all = %.2f\n", f, total[p] / total["periscope-all-" f], total[p] / total["periscope-container-" f], total["perf-record+script-" f] / total["periscope-all-" f]
      if (steady["periscope-all-" f] > 0 && steady["periscope-container-" f] > 0)
        printf "%d Hz, per second: perf record / periscope --all = %.2f, / periscope --container = %.2f\n", f, steady[p] / steady["periscope-all-" f], steady[p] / steady["periscope-container-" f]
    }
  }' "$WORK/results"
