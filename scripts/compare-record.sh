#!/usr/bin/env bash
# Recording cost per container per sample (issue 15): `periscope record` against `periscope top`
# in the same run, and the pread floor from C of the very files the recorder keeps open.
#
# For each count of idle busybox containers (default 10 100 500; named PREFIX-N, default
# periscope-it-15d-bench-N, and removed on every exit): the recorder runs SAMPLES+3 samples at --interval 1s with the
# rolling diagnosis off; its --json status lines give the CPU of each sample on the recording
# thread (reads, event drain, kernel log, D-state gate, engine ping) and of each store write.
# The medians over the samples after the first three are used for sampling; the store write is
# the mean (one sample a minute also packs the minute's block: run at least 60 samples to see
# it). Then `top --batch` is measured the marginal way (perf task-clock of -n TOP+1 minus -n 1,
# over TOP samples), and the C floor
# preads the files the recorder held open (read from /proc/PID/fd while it ran).
# Per-container figures subtract the same measurement with none of our containers and divide
# by the change in the number of containers sampled (other sessions' containers included).
#
# Extra `record` options (e.g. --memory-stat-every 10) go after --record-options.
# --diagnosis: at the largest count, one more recorder with the rolling diagnosis on (the last
# 10 s replayed from its store every 10 s) prints what one evaluation cost on its thread.
#
# Usage: scripts/compare-record.sh [--binary PATH] [-s SAMPLES] [-t TOP] [--record-options "OPTS"]
#                                  [--name-prefix PREFIX] [--diagnosis] [COUNT...]
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY="" SAMPLES=20 TOP_SAMPLES=10 RECORD_OPTIONS="" PREFIX=periscope-it-15d-bench DIAGNOSIS=0
COUNTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BINARY="$2"; shift 2 ;;
    -s) SAMPLES="$2"; shift 2 ;;
    -t) TOP_SAMPLES="$2"; shift 2 ;;
    --record-options) RECORD_OPTIONS="$2"; shift 2 ;;
    --name-prefix) PREFIX="$2"; shift 2 ;;
    --diagnosis) DIAGNOSIS=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) COUNTS+=("$1"); shift ;;
  esac
done
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(10 100 500)
log() { echo "compare-record: $*" >&2; }
WORK=$(mktemp -d /tmp/periscope-compare-record.XXXXXX)
cleanup() {
  docker ps -aq --filter "name=^/$PREFIX-" | xargs -r docker rm -f >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "$BINARY" ]; then
  swift build -c release --product periscope >&2
  BINARY="$(swift build -c release --show-bin-path)/periscope"
fi

gcc -O2 -o "$WORK/floor" scripts/lib/pread-floor.c

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
. scripts/lib/top-cost.sh

# One stage: prints "containers record_sample_us record_write_us record_containers_us top_us floor_us floor_files
# process_us" (process_us: the whole recorder process, every thread, per second from /proc/PID/stat).
stage() {
  local db="$WORK/rec-$1.db" out="$WORK/rec-$1.out"
  rm -f "$db"*
  "$BINARY" record --db "$db" --interval 1s --diagnose-every 0 --json --duration "$((SAMPLES + 3))s" $RECORD_OPTIONS >"$out" 2>"$WORK/rec.err" &
  local pid=$!
  sleep 5
  local ticks_start ticks_end
  ticks_start=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
  find /proc/$pid/fd -type l -printf '%l\n' 2>/dev/null | grep -E '^/sys/fs/cgroup/|^/proc/[0-9]+/net/dev$' >"$WORK/files-$1.txt" || true
  sleep "$((SAMPLES - 4))"
  ticks_end=$(awk '{ print $14 + $15 }' /proc/$pid/stat 2>/dev/null || echo "$ticks_start")
  wait $pid
  local lines; lines=$(tail -n +4 "$out")
  local containers sample write inner
  containers=$(echo "$lines" | sed -n 's/.*"containers":\([0-9]*\).*/\1/p' | median)
  sample=$(echo "$lines" | sed -n 's/.*"sampleCPUNanoseconds":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { printf "%d", NR ? s / NR : 0 }')
  write=$(echo "$lines" | sed -n 's/.*"writeCPUNanoseconds":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { printf "%d", NR ? s / NR : 0 }')
  inner=$(echo "$lines" | sed -n 's/.*"containersCPUNanoseconds":\([0-9]*\).*/\1/p' | median)
  # Where the mean goes beyond the loop: inventory (scans, started containers) and D-state sweeps.
  mean_of() { echo "$lines" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" | awk '{ s += $1; if ($1 > 0) n++ } END { printf "%d µs mean, %d of %d samples", NR ? s / NR / 1000 : 0, n, NR }'; }
  log "$1: inventory $(mean_of inventoryCPUNanoseconds); D-state gate and sweeps $(mean_of dStateSweepCPUNanoseconds); containers' loop mean $(mean_of containersCPUNanoseconds)"
  # Samples that swept every thread for D state (all of them, the first three included), and
  # what one sweep cost: the mean per sample above depends on how many fell in the window.
  grep '"dStateSwept":true' "$out" | sed -n 's/.*"dStateSweepCPUNanoseconds":\([0-9]*\).*/\1/p' |
    awk -v n="$(wc -l <"$out")" -v s="$1" -v threads="$(ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l)" \
      '{ t += $1 } END { printf "compare-record: %s: %d of %d samples swept every thread for D state, %d µs per sweep (%d threads on the host)\n", s, NR, n, NR ? t / NR / 1000 : 0, threads }' >&2
  local top; top=$(top_marginal_ns "$BINARY" "$TOP_SAMPLES")
  local floor; floor=$("$WORK/floor" "$WORK/files-$1.txt" 200)
  local process=$(((ticks_end - ticks_start) * 10000 / (SAMPLES - 4)))
  echo "$containers $((sample / 1000)) $((write / 1000)) $((inner / 1000)) $((top / 1000)) $(echo "$floor" | awk '{ printf "%d %d", $2 / 1000, $1 }') $process"
}

log "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
BASE=$(stage base)
log "base (no containers of ours): $BASE"
printf "| containers sampled | record: sample (mean) | record: write (mean) | record: containers' loop (median) | record: whole process (/proc stat) | top --batch | C pread floor (files) |\n"
printf "| --- | --- | --- | --- | --- | --- | --- |\n"
set -- $BASE
printf "| %s (none of ours) | %s µs | %s µs | %s µs | %s µs | %s µs | %s µs (%s) |\n" "$1" "$2" "$3" "$4" "$8" "$5" "$6" "$7"
RUNNING=0
for count in "${COUNTS[@]}"; do
  log "starting containers up to $count"
  seq "$RUNNING" "$((count - 1))" | xargs -r -P 8 -I{} docker run -d --name "$PREFIX-{}" periscope-test:latest sleep 3600 >/dev/null
  RUNNING=$count
  sleep 3
  RESULT=$(stage "$count")
  log "$count: $RESULT (load $(cut -d' ' -f1-3 /proc/loadavg))"
  set -- $RESULT
  awk -v r="$RESULT" -v b="$BASE" -v n="$count" 'BEGIN { split(r, R, " "); split(b, B, " "); d = R[1] - B[1]; if (d <= 0) d = n
    printf "| %d (+%d) | %d µs: **%.1f µs/container** | %d µs: %.1f µs/container | %d µs: %.1f µs/container | %d µs: %.1f µs/container | %d µs: **%.1f µs/container** | %d µs: %.1f µs/container (%d files) |\n",
      R[1], d, R[2], (R[2] - B[2]) / d, R[3], (R[3] - B[3]) / d, R[4], (R[4] - B[4]) / d, R[8], (R[8] - B[8]) / d, R[5], (R[5] - B[5]) / d, R[6], (R[6] - B[6]) / d, R[7] }'
done
# What each file costs to read (C pread on kept descriptors), for the largest count: the price
# of each file the recorder reads every sample, and what reading one less often saves.
printf "\n| file (largest count's containers) | C pread, ns per read |\n| --- | --- |\n"
for name in $(sed 's|.*/||' "$WORK/files-$count.txt" | sort -u); do
  grep "/$name\$" "$WORK/files-$count.txt" >"$WORK/one-file.txt"
  set -- $("$WORK/floor" "$WORK/one-file.txt" 200)
  printf "| %s | %d (%d files) |\n" "$name" "$(($2 / $1))" "$1"
done
if [ "$DIAGNOSIS" = 1 ]; then
  "$BINARY" record --db "$WORK/diagnosis.db" --interval 1s --diagnose-every 10s --diagnose-window 10s --json \
    --duration 35s >"$WORK/diagnosis.out" 2>/dev/null
  grep '"diagnosisReplayCPUNanoseconds"' "$WORK/diagnosis.out" | tail -n 1 | sed -n \
    's/.*"containers":\([0-9]*\).*"diagnosisReplayCPUNanoseconds":\([0-9]*\).*"diagnosisRulesCPUNanoseconds":\([0-9]*\).*/rolling diagnosis with \1 containers: replaying 10 s from the store \2 ns, rules \3 ns (one evaluation, its own thread)/p' >&2
fi
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
