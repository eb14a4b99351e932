#!/usr/bin/env bash
# Container churn while recording (issue 15): COUNT short-lived containers (default 2000) are
# started and removed while `periscope record` runs; then every one must be in the recording
# with its name, start and stop, and the recorder's resident memory and open descriptors must
# stay flat. Prints one summary (markdown table rows) and leaves the per-5 s samples of
# /proc/PID/status VmRSS and /proc/PID/fd in the work directory it names.
#
# Each container (periscope-it-15d-churn-N, removed on every exit) runs `sleep 0.3` and is
# removed right after it is seen to exit, PARALLEL at a time (default 4), as a CI runner does.
# Descriptors are counted two ways: all of them (they follow other sessions' containers on a
# shared machine, about 13 per running container) and those still open on a cgroup or net
# file of one of ours after the run (must be 0).
#
# Usage: scripts/churn-record.sh [--binary PATH] [--parallel N] [--keep] [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY="" COUNT=2000 PARALLEL=4 KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BINARY="$2"; shift 2 ;;
    --parallel) PARALLEL="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) COUNT="$1"; shift ;;
  esac
done
log() { echo "churn-record: $*" >&2; }
PREFIX=periscope-it-15d-churn
WORK=$(mktemp -d /tmp/periscope-churn-record.XXXXXX)
RECORDER=""
SAMPLER=""
cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
  [ -n "$RECORDER" ] && kill -TERM "$RECORDER" 2>/dev/null || true
  docker ps -aq --filter "name=^/$PREFIX-" | xargs -r docker rm -f >/dev/null 2>&1 || true
  if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; else log "kept $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "$BINARY" ]; then
  swift build -c release --product periscope >&2
  BINARY="$(swift build -c release --show-bin-path)/periscope"
fi

"$BINARY" record --db "$WORK/rec.db" --interval 1s --json >"$WORK/record.out" 2>"$WORK/record.err" &
RECORDER=$!
: >"$WORK/started.txt"
for _ in $(seq 1 300); do [ -s "$WORK/record.out" ] && break; sleep 0.1; done
[ -s "$WORK/record.out" ] || { log "the recorder wrote no status line: $(cat "$WORK/record.err")"; exit 1; }

# RSS (KiB), all descriptors, containers started so far: every 5 s.
(
  while kill -0 "$RECORDER" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$RECORDER/status" 2>/dev/null || echo 0)
    fds=$(ls "/proc/$RECORDER/fd" 2>/dev/null | wc -l)
    started=$(wc -l <"$WORK/started.txt" 2>/dev/null || echo 0)
    echo "$(date +%s) $rss $fds $started $(cut -d' ' -f1 /proc/loadavg)"
    sleep 5
  done
) >"$WORK/resources.txt" &
SAMPLER=$!

one() {
  local name="$PREFIX-$1" id
  id=$(docker run -d --name "$name" periscope-test:latest sleep 0.3) || return 0
  echo "$name $id" >>"$WORK/started.txt"
  docker wait "$name" >/dev/null 2>&1 || true
  docker rm -f "$name" >/dev/null 2>&1 || true
}
export -f one
export PREFIX WORK
log "load before: $(cut -d' ' -f1-3 /proc/loadavg); $COUNT containers, $PARALLEL at a time; work in $WORK"
START=$(date +%s)
seq 0 "$((COUNT - 1))" | xargs -P "$PARALLEL" -I{} bash -c 'one {}'
END=$(date +%s)
sleep 3
leaked=0
ours=$(awk '{ print $2 }' "$WORK/started.txt")
for target in $(find "/proc/$RECORDER/fd" -type l -printf '%l\n' 2>/dev/null); do
  case "$target" in
    */docker/*) id=${target#*/docker/}; id=${id%%/*}; grep -qx "$id" <<<"$ours" && leaked=$((leaked + 1)) ;;
    /proc/*/net/dev) pid=${target#/proc/}; pid=${pid%%/*}; [ -d "/proc/$pid" ] || leaked=$((leaked + 1)) ;;
  esac
done
rss_end=$(awk '/^VmRSS:/ { print $2 }' "/proc/$RECORDER/status")
fds_end=$(ls "/proc/$RECORDER/fd" | wc -l)
kill -TERM "$RECORDER"
wait "$RECORDER" || true
RECORDER=""
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=""

# Every container ours: name, start and stop in the container table.
sqlite3 "$WORK/rec.db" "SELECT key, name, IFNULL(started_ms, ''), IFNULL(stopped_ms, '') FROM container" >"$WORK/recorded.txt"
awk -F'|' 'NR == FNR { split($1, k, ":"); ok[k[2]] = ($3 != "" && $4 != "" && $4 + 0 >= $3 + 0) ? $2 : ""; life[k[2]] = $4 - $3; next }
  { split($0, f, " "); if (!(f[2] in ok) || ok[f[2]] != f[1]) { missing++; if (missing <= 5) print "missing or incomplete: " f[1] > "/dev/stderr" }
    else { found++; print life[f[2]] > "'"$WORK"'/lifetimes.txt" } }
  END { printf "%d %d\n", found, missing }' \
  "$WORK/recorded.txt" "$WORK/started.txt" >"$WORK/check.txt"
touch "$WORK/lifetimes.txt"
life_median=$(sort -n "$WORK/lifetimes.txt" | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }')
life_max=$(sort -n "$WORK/lifetimes.txt" | tail -n 1)
read -r found missing <"$WORK/check.txt"
started=$(wc -l <"$WORK/started.txt")
# Flatness: after the first 5 % of containers (warm-up) against the end.
read -r rss_base fds_base < <(awk -v w="$((started / 20))" '$4 >= w { print $2, $3; exit }' "$WORK/resources.txt")
read -r rss_peak fds_peak < <(awk -v w="$((started / 20))" '$4 >= w { if ($2 > r) r = $2; if ($3 > f) f = $3 } END { print r, f }' "$WORK/resources.txt")
samples=$(tail -n 1 "$WORK/record.out" | sed -n 's/.*"samples":\([0-9]*\).*/\1/p')
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| containers started / recorded with name, start and stop / missing | $started / $found / $missing |"
echo "| recorded lifetime (stop - start), median / max | $life_median ms / $life_max ms |"
echo "| run | $((END - START)) s, $samples samples |"
echo "| recorder RSS after warm-up / peak / end | $rss_base / $rss_peak / $rss_end KiB |"
echo "| recorder descriptors after warm-up / peak / end (all) | $fds_base / $fds_peak / $fds_end |"
echo "| descriptors left on our removed containers' files | $leaked |"
[ "$missing" = 0 ] && [ "$leaked" = 0 ]
