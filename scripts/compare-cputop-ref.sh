#!/usr/bin/env bash
# `periscope analyze cputop` against lttng-analyses' `lttng-cputop` on the real LTTng kernel
# traces of shared/traces/lttng-ref, in the same rounds: the issue-18 goal is 100x less CPU.
#
# A round, per trace: RUNS single runs of each periscope binary, interleaved (CPU time of each
# from `perf stat`, their median), then one lttng-cputop run (user+sys). The ratio of a round is
# lttng-cputop's time over periscope's median; the summary is the median of the rounds' ratios.
# Single runs and medians, not `perf stat -r`'s mean: on a VM a run sometimes takes half again
# as long, and one such run moves a mean of ten.
#
# Usage: scripts/compare-cputop-ref.sh [-r ROUNDS] [-n RUNS] [-t TRACE]... PERISCOPE [BASELINE]
#   -r ROUNDS   rounds (default 3)
#   -n RUNS     single periscope runs per binary, trace and round (default 10)
#   -t TRACE    basic-kernel-analysis, 16-cores-rt or picotrace; repeatable (default: the first two)
# BASELINE, when given, is a second periscope binary measured in the same rounds (a build of main).
# Needs perf (linux-perf) and lttng-cputop (apt-get install python3-babeltrace; /usr/bin/python3 -m
# pip install --break-system-packages lttnganalyses; scripts/test-setup.sh installs both).
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
rounds=3
runs=10
traces=()
while getopts "r:n:t:h" option; do
  case $option in
    r) rounds=$OPTARG ;;
    n) runs=$OPTARG ;;
    t) traces+=("$OPTARG") ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] && [ $# -le 2 ] || { usage >&2; exit 2; }
[ ${#traces[@]} -gt 0 ] || traces=(basic-kernel-analysis 16-cores-rt)
binaries=("$@")
labels=(periscope baseline)
for binary in "${binaries[@]}"; do
  [ -x "$binary" ] || { echo "compare-cputop-ref.sh: $binary is not an executable" >&2; exit 1; }
done
command -v perf >/dev/null || { echo "compare-cputop-ref.sh: needs perf (apt-get install linux-perf)" >&2; exit 1; }
command -v lttng-cputop >/dev/null || { echo "compare-cputop-ref.sh: needs lttng-cputop (see --help)" >&2; exit 1; }
archives=${REF_ARCHIVES:-$(dirname "$0")/../../shared/traces/lttng-ref}
[ -d "$archives" ] || { echo "compare-cputop-ref.sh: no $archives (set REF_ARCHIVES)" >&2; exit 1; }

work=$(mktemp -d /tmp/periscope-compare-cputop.XXXXXX)
trap 'rm -rf "$work"' EXIT
for trace in "${traces[@]}"; do
  [ -f "$archives/$trace.tar.xz" ] || { echo "compare-cputop-ref.sh: no $archives/$trace.tar.xz" >&2; exit 1; }
  tar -xJf "$archives/$trace.tar.xz" -C "$work"
done

cpu_ms() {  # one run's task-clock in ms
  perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "# $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg); periscope: ${binaries[0]}${binaries[1]:+; baseline: ${binaries[1]}}"
declare -A ratios
for round in $(seq "$rounds"); do
  for trace in "${traces[@]}"; do
    declare -A times=()
    for _ in $(seq "$runs"); do
      for index in "${!binaries[@]}"; do
        times[$index]+="$(cpu_ms "${binaries[$index]}" analyze cputop "$work/$trace") "
      done
    done
    lttng=$({ /usr/bin/time -f "%U %S" lttng-cputop --skip-validation --no-progress "$work/$trace" >/dev/null; } 2>&1 |
      tail -1 | awk '{ print ($1 + $2) * 1000 }')
    line="$round $trace lttng-cputop ${lttng} ms"
    for index in "${!binaries[@]}"; do
      ms=$(echo "${times[$index]}" | median)
      ratio=$(awk -v l="$lttng" -v p="$ms" 'BEGIN { printf "%.1f", l / p }')
      ratios[$index,$trace]+="$ratio "
      line+=" | ${labels[$index]} $ms ms ${ratio}x"
    done
    echo "$line"
  done
done
for trace in "${traces[@]}"; do
  line="median of the rounds, $trace:"
  for index in "${!binaries[@]}"; do
    line+=" ${labels[$index]} $(echo "${ratios[$index,$trace]}" | median)x"
  done
  echo "$line"
done
