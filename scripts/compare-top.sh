#!/usr/bin/env bash
# `periscope top` sampling cost per container per sample (issue 18): binaries alternating on
# the same containers, beside the C pread floor of the files `top` keeps open and
# `docker stats --no-stream`.
#
# For each count of idle busybox containers (named PREFIX-N, default periscope-it-top-bench-N,
# removed on every exit unless --keep; those already running are reused; the runs wait until
# Docker has reported no event for 5 s, since a start or a removal still under way would
# make `top` scan in the measured samples), RUNS times: each binary's
# `top --batch -d 1` (with its extra options) measured the marginal way (perf task-clock of
# -n TOP+1 minus -n 1, over TOP samples) and the steady way (per-second task-clock of one
# run, start-up left out: mean and median; see scripts/lib/top-cost.sh), divided by the
# containers running (other sessions' included: top samples them all). Then the C floor preads the files the last binary's top
# held open (read from /proc/PID/fd while it ran), and one `docker stats --no-stream` costs
# its client's CPU plus dockerd's and containerd's CPU delta.
#
# Usage: scripts/compare-top.sh --binary 'NAME=PATH [TOP OPTIONS]' [--binary ...] [-r RUNS]
#                               [-t TOP] [--name-prefix PREFIX] [--keep] [COUNT...]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=3 TOP_SAMPLES=6 PREFIX=periscope-it-top-bench KEEP=0
COUNTS=() NAMES=() COMMANDS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) NAMES+=("${2%%=*}"); COMMANDS+=("${2#*=}"); shift 2 ;;
    -r) RUNS="$2"; shift 2 ;;
    -t) TOP_SAMPLES="$2"; shift 2 ;;
    --name-prefix) PREFIX="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) COUNTS+=("$1"); shift ;;
  esac
done
[ ${#NAMES[@]} -gt 0 ] || { sed -n '2,18p' "$0"; exit 2; }
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(100 400)
log() { echo "compare-top: $*" >&2; }
WORK=$(mktemp -d /tmp/periscope-compare-top.XXXXXX)
cleanup() {
  [ "$KEEP" = 1 ] || docker ps -aq --filter "name=^/$PREFIX-" | xargs -r docker rm -f >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
# Waits (at most a minute) until Docker has reported no event for 5 s.
settle() {
  local waited=0
  while [ "$waited" -lt 60 ] && [ -n "$(docker events --since 5s --until "$(date +%s)" 2>/dev/null | head -1)" ]; do
    sleep 1
    waited=$((waited + 1))
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
gcc -O2 -o "$WORK/floor" scripts/lib/pread-floor.c

. scripts/lib/top-cost.sh
# µs per sample of a binary's top (PATH [OPTIONS]) over TOP_SAMPLES samples, the first
# sample (priming) left out.
marginal_us() {
  local binary="${1%% *}" options=""
  [ "$binary" = "$1" ] || options="${1#* }"
  awk -v ns="$(top_marginal_ns "$binary" "$TOP_SAMPLES" "$options")" 'BEGIN { printf "%.0f", ns / 1000 }'
}
ticks() { awk '{ s += $14 + $15 } END { print s }' $(pgrep -x "$1" | sed 's|.*|/proc/&/stat|') 2>/dev/null || echo 0; }

RUNNING=0
for count in "${COUNTS[@]}"; do
  log "starting containers up to $count"
  # Names already running (an earlier interrupted run) are kept.
  seq "$RUNNING" "$((count - 1))" | xargs -r -P 8 -I{} sh -c \
    "docker inspect $PREFIX-{} >/dev/null 2>&1 || docker run -d --name $PREFIX-{} periscope-test:latest sleep 86400 >/dev/null"
  RUNNING=$count
  printf "\n| run | load | containers running |"
  for name in "${NAMES[@]}"; do printf " %s: µs per sample, **per container** | %s steady: mean / median per container |" "$name" "$name"; done
  printf "\n| --- | --- | --- |%s\n" "$(printf ' --- | --- |%.0s' "${NAMES[@]}")"
  for run in $(seq 1 "$RUNS"); do
    settle
    line="| $run | $(cut -d' ' -f1 /proc/loadavg) | $(docker ps -q | wc -l) |"
    for command in "${COMMANDS[@]}"; do
      running=$(docker ps -q | wc -l)
      line+=$(awk -v us="$(marginal_us "$command")" -v n="$running" 'BEGIN { printf " %d: **%.1f** |", us, us / n }')
      read -r mean median < <(top_steady_ns "${command%% *}" "$TOP_SAMPLES" "$([ "${command%% *}" = "$command" ] || echo "${command#* }")")
      line+=$(awk -v a="$mean" -v m="$median" -v n="$running" 'BEGIN { printf " %.1f / %.1f |", a / 1000 / n, m / 1000 / n }')
    done
    echo "$line"
  done
  # The files the last binary's top keeps open, for the C floor.
  last="${COMMANDS[${#COMMANDS[@]} - 1]}"
  ${last%% *} top --batch -d 1 -n 4 >/dev/null &
  pid=$!
  sleep 2.5
  find /proc/$pid/fd -type l -printf '%l\n' 2>/dev/null | grep -E '^/sys/fs/cgroup/|^/proc/[0-9]+/' >"$WORK/files.txt" || true
  wait $pid
  set -- $("$WORK/floor" "$WORK/files.txt" 200)
  running=$(docker ps -q | wc -l)
  awk -v f="$1" -v ns="$2" -v n="$running" 'BEGIN { printf "\nC pread floor of the %d files top keeps open: %.0f µs a round, **%.1f µs per container**\n", f, ns / 1000, ns / 1000 / n }'
  for name in $(sed 's|.*/||' "$WORK/files.txt" | sort -u); do
    grep "/$name\$" "$WORK/files.txt" >"$WORK/one-file.txt"
    set -- $("$WORK/floor" "$WORK/one-file.txt" 200)
    [ "$1" -gt 0 ] || continue
    printf -- "- %s: %d ns per read (%d files)\n" "$name" "$(($2 / $1))" "$1"
  done
  daemon_before=$(($(ticks dockerd) + $(ticks containerd)))
  client=$(task_clock_ms "docker stats --no-stream >/dev/null")
  daemon_after=$(($(ticks dockerd) + $(ticks containerd)))
  awk -v c="$client" -v d="$((daemon_after - daemon_before))" -v n="$running" \
    'BEGIN { t = c + d * 10; printf "docker stats --no-stream: %.0f ms client + %d ms dockerd/containerd = **%.0f µs per container**\n", c, d * 10, t * 1000 / n }'
done
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
