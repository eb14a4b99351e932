#!/usr/bin/env bash
# User-space cost of the continuous BPF histograms (issue 17, item 3): `periscope record
# --bpf runqlat,biolatency` against the same recorder without --bpf, with COUNT idle busybox
# containers (default 100; named periscope-it-17c-bench-N and removed on every exit) that each
# wake once a second.
#
# Each run records for DURATION seconds (default 60) at --interval 1s with the rolling
# diagnosis off. Its --json status lines give, per interval, the CPU the recording thread spent
# in the BPF source (draining both maps, attributing keys to containers, writing the slots into
# the batch: `sourcesCPUNanoseconds`); /usr/bin/time gives the whole process's CPU (every thread,
# start-up and the first inventory scan included). The difference between the two runs is what
# --bpf costs in user space; the programs' own cost is in the tasks they trace (see the runqlat
# per-event overhead section of docs/performance.md).
#
# Usage: scripts/measure-bpf-continuous.sh [--binary PATH] [-d DURATION] [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY="" DURATION=60 COUNT=100
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BINARY="$2"; shift 2 ;;
    -d) DURATION="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) COUNT="$1"; shift ;;
  esac
done
PREFIX=periscope-it-17c-bench
WORK=$(mktemp -d /tmp/periscope-measure-bpf.XXXXXX)
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
log() { echo "measure-bpf-continuous: $*" >&2; }

log "starting $COUNT containers"
for i in $(seq 1 "$COUNT"); do
  docker run -d --name "$PREFIX-$i" periscope-test:latest sh -c 'while :; do sleep 1; done' >/dev/null
done

run() { # label, extra options
  local label="$1"; shift
  local load_before; load_before=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%U %S %e' -o "$WORK/$label.time" \
    "$BINARY" record --db "$WORK/$label.db" --interval 1s --duration "${DURATION}s" --diagnose-every 0 --json "$@" \
    >"$WORK/$label.jsonl" 2>"$WORK/$label.err"
  local load_after; load_after=$(cut -d' ' -f1 /proc/loadavg)
  read -r user system wall <"$WORK/$label.time"
  local containers sources
  containers=$(tail -1 "$WORK/$label.jsonl" | sed -E 's/.*"containers":([0-9]+).*/\1/')
  # Median of the BPF source's CPU per interval, the first three intervals left out.
  sources=$(tail -n +4 "$WORK/$label.jsonl" | { grep -o '"sourcesCPUNanoseconds":[0-9]*' || true; } | cut -d: -f2 | sort -n \
    | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else printf "%.0f", v[int((NR + 1) / 2)] / 1000 }')
  printf '%-10s containers %4s  process CPU %6.2f s (user %s + system %s) over %s s = %5.2f %% of a core  BPF source median %s µs/interval  load %s -> %s\n' \
    "$label" "$containers" "$(echo "$user + $system" | bc)" "$user" "$system" "$wall" \
    "$(echo "($user + $system) * 100 / $wall" | bc -l)" "$sources" "$load_before" "$load_after"
  grep -v '^$' "$WORK/$label.err" | sed "s/^/  $label stderr: /" >&2 || true
}
run without
run with --bpf runqlat,biolatency
