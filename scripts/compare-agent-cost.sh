#!/usr/bin/env bash
# What the agent costs: `periscope serve` against prometheus-node-exporter and `docker stats`,
# in one run, with COUNTS idle containers (default 10, 100 and 500):
#
#   idle agent CPU      % of one core over IDLE seconds at --interval 1s: the in-process
#                       recorder writing a temporary --db, plus its rolling diagnosis (the last
#                       10 s replayed every DIAGNOSE_EVERY, default 60s: give --idle 60 or more
#                       to include one); nobody scrapes meanwhile
#   CPU per /metrics    agent CPU during SCRAPES sequential scrapes, minus its idle CPU over
#                       the same time, divided by SCRAPES (mostly scrapes of a batch already
#                       rendered: the cached text)
#   CPU per fresh       the same over FRESH scrapes spaced 1.1 s apart, so that each one finds
#     /metrics          a new batch: it moves the Prometheus registry to it and renders
#   HTTP CPU per fresh  the same fresh scrapes measured on the threads that serve them only:
#     /metrics          every thread of the agent but the recorder's and the rolling
#                       diagnosis' (/proc/PID/task/TID/schedstat, nanoseconds), minus those
#                       threads' CPU over an idle period as long: the scrape's own cost without
#                       the recorder's noise (the registry update plus the render)
#   node_exporter       the same per-scrape figure for its host metrics (its default collectors)
#   docker stats        CPU of the client plus dockerd for one `docker stats --no-stream` of
#                       the same containers
#   load test           wrk -t2 -c8 for LOAD seconds on /metrics: requests/s, latency
#                       percentiles and the agent's CPU meanwhile
#
# CPU is utime + stime from /proc/PID/stat (every thread, exited ones included).
# Changes: starts containers labelled org.periscope.bench.owner=PID, an agent and a
# node_exporter on free loopback ports; all are removed or stopped on every exit.
#
# Usage: scripts/compare-agent-cost.sh [--counts "10 100 500"] [--idle SECONDS] [--scrapes N]
#                                      [--fresh N] [--load SECONDS] [--binary PATH]
#                                      [--name-prefix PREFIX] [--diagnose-every DURATION]
#                                      [--serve-options "OPTS"] [--no-peers]
#                                      [--container-command "SHELL COMMAND"]
# --serve-options: extra `serve` options (e.g. "--bpf runqlat,biolatency"). --no-peers: skip
# node_exporter, docker stats and wrk (the agent's own figures only). --container-command:
# what each container runs under `sh -c` instead of `sleep 3600` (an idle container has no
# run-queue or block I/O latencies, so --bpf exports no histogram for it).
# Containers are named PREFIX-N (default periscope-bench-PID).
set -euo pipefail

COUNTS="10 100 500"
IDLE=30
SCRAPES=300
FRESH=30
LOAD=15
BINARY=""
IMAGE="${PERISCOPE_TEST_IMAGE:-periscope-test:latest}"
OWNER_LABEL="org.periscope.bench.owner=$$"
NAME_PREFIX="periscope-bench-$$"
DIAGNOSE_EVERY=60s
SERVE_OPTIONS=""
CONTAINER_COMMAND=""
PEERS=1

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --counts) COUNTS="$2"; shift 2 ;;
    --idle) IDLE="$2"; shift 2 ;;
    --scrapes) SCRAPES="$2"; shift 2 ;;
    --fresh) FRESH="$2"; shift 2 ;;
    --load) LOAD="$2"; shift 2 ;;
    --binary) BINARY="$2"; shift 2 ;;
    --name-prefix) NAME_PREFIX="$2"; shift 2 ;;
    --diagnose-every) DIAGNOSE_EVERY="$2"; shift 2 ;;
    --serve-options) SERVE_OPTIONS="$2"; shift 2 ;;
    --no-peers) PEERS=0; shift ;;
    --container-command) CONTAINER_COMMAND="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "compare-agent-cost: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
log() { printf 'compare-agent-cost: %s\n' "$*" >&2; }
cd "$(dirname "$0")/.."
for tool in wrk curl prometheus-node-exporter docker; do
  command -v "$tool" >/dev/null 2>&1 || { log "$tool missing: run scripts/test-setup.sh"; exit 1; }
done
if [ -z "$BINARY" ]; then
  log "building release periscope"
  swift build -c release --product periscope >&2
  BINARY=.build/release/periscope
fi

WORK=$(mktemp -d)
AGENT_PID=""
EXPORTER_PID=""
cleanup() {
  [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null || true
  [ -n "$EXPORTER_PID" ] && kill "$EXPORTER_PID" 2>/dev/null && wait "$EXPORTER_PID" 2>/dev/null || true
  docker ps -aq --filter "label=$OWNER_LABEL" | xargs -r docker rm -f >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ticks=$(getconf CLK_TCK)
# CPU seconds of PID so far (user + system, all threads).
cpu_seconds() { awk -v t="$ticks" '{ print ($14 + $15) / t }' "/proc/$1/stat"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 150); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; log "no answer from $1"; exit 1; }

# Agent CPU per scrape of URL by PID: N scrapes PAUSE seconds apart, idle CPU subtracted.
per_scrape_ms() {
  local pid=$1 url=$2 idle_rate=$3 count=${4:-$SCRAPES} pause=${5:-0}
  local start_cpu start_time end_cpu end_time
  start_cpu=$(cpu_seconds "$pid"); start_time=$(date +%s.%N)
  for _ in $(seq 1 "$count"); do curl -s -o /dev/null "$url"; [ "$pause" = 0 ] || sleep "$pause"; done
  end_cpu=$(cpu_seconds "$pid"); end_time=$(date +%s.%N)
  awk -v a="$start_cpu" -v b="$end_cpu" -v s="$start_time" -v e="$end_time" -v r="$idle_rate" -v n="$count" \
    'BEGIN { c = (b - a) - r * (e - s); if (c < 0) c = 0; printf "%.2f", c / n * 1000 }'
}

# Nanoseconds on CPU of PID's threads that serve HTTP: all but the recorder's and the rolling
# diagnosis' (threads named periscope-rec and periscope-diag).
http_ns() {
  local pid=$1 total=0 task name ns
  for task in /proc/"$pid"/task/*; do
    name=$(cat "$task/comm" 2>/dev/null) || continue
    case "$name" in periscope-rec|periscope-diag) continue ;; esac
    ns=$(cut -d' ' -f1 "$task/schedstat" 2>/dev/null) || continue
    total=$((total + ns))
  done
  echo "$total"
}

# HTTP threads' CPU per fresh scrape (ms): COUNT scrapes 1.1 s apart, minus the same threads'
# CPU over an idle period as long.
http_fresh_ms() {
  local pid=$1 url=$2 count=$3 a b c d s0 s1 s2
  s0=$(date +%s.%N); a=$(http_ns "$pid")
  sleep "$(awk -v n="$count" 'BEGIN { print n * 1.1 }')"
  s1=$(date +%s.%N); b=$(http_ns "$pid")
  for _ in $(seq 1 "$count"); do curl -s -o /dev/null "$url"; sleep 1.1; done
  s2=$(date +%s.%N); c=$(http_ns "$pid")
  awk -v a="$a" -v b="$b" -v c="$c" -v s0="$s0" -v s1="$s1" -v s2="$s2" -v n="$count" \
    'BEGIN { idle = (b - a) / (s1 - s0); v = (c - b) - idle * (s2 - s1); if (v < 0) v = 0; printf "%.2f", v / n / 1e6 }'
}

idle_rate() {  # CPU seconds per second of PID over SECONDS
  local pid=$1 seconds=$2 a b
  a=$(cpu_seconds "$pid"); sleep "$seconds"; b=$(cpu_seconds "$pid")
  awk -v a="$a" -v b="$b" -v s="$seconds" 'BEGIN { printf "%.5f", (b - a) / s }'
}

if [ "$PEERS" = 1 ]; then
  EXPORTER_PORT=$(free_port)
  prometheus-node-exporter --web.listen-address="127.0.0.1:$EXPORTER_PORT" >"$WORK/exporter.log" 2>&1 &
  EXPORTER_PID=$!
  wait_http "http://127.0.0.1:$EXPORTER_PORT/metrics"
fi
log "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

printf '%-10s %-14s %-16s %-16s %-16s %-14s %-16s %-18s %-12s\n' containers "agent idle %" "agent ms/scrape" "agent ms/fresh" "http ms/fresh" "metrics bytes" "exporter ms/scrape" "docker stats CPU s" "stats wall s"
started=0
for count in $COUNTS; do
  if [ -n "$CONTAINER_COMMAND" ]; then
    seq "$started" "$((count - 1))" | xargs -r -P 8 -I{} \
      docker run -d --label "$OWNER_LABEL" --name "$NAME_PREFIX-{}" "$IMAGE" sh -c "$CONTAINER_COMMAND" >/dev/null
  else
    seq "$started" "$((count - 1))" | xargs -r -P 8 -I{} \
      docker run -d --label "$OWNER_LABEL" --name "$NAME_PREFIX-{}" "$IMAGE" sleep 3600 >/dev/null
  fi
  started=$count
  AGENT_PORT=$(free_port)
  rm -f "$WORK"/agent.db*
  "$BINARY" serve --listen "127.0.0.1:$AGENT_PORT" --db "$WORK/agent.db" --interval 1s --window 10s \
    --diagnose-every "$DIAGNOSE_EVERY" $SERVE_OPTIONS >"$WORK/agent.log" 2>&1 &
  AGENT_PID=$!
  wait_http "http://127.0.0.1:$AGENT_PORT/metrics"
  sleep 12  # the first rolling diagnosis (after 10 s of samples), names and images looked up
  agent_idle=$(idle_rate "$AGENT_PID" "$IDLE")
  bytes=$(curl -s "http://127.0.0.1:$AGENT_PORT/metrics" | wc -c)
  agent_ms=$(per_scrape_ms "$AGENT_PID" "http://127.0.0.1:$AGENT_PORT/metrics" "$agent_idle")
  fresh_ms=$(per_scrape_ms "$AGENT_PID" "http://127.0.0.1:$AGENT_PORT/metrics" "$agent_idle" "$FRESH" 1.1)
  http_ms=$(http_fresh_ms "$AGENT_PID" "http://127.0.0.1:$AGENT_PORT/metrics" "$FRESH")
  exporter_ms="" docker_cpu="" wall=""
  if [ "$PEERS" = 1 ]; then
    exporter_idle=$(idle_rate "$EXPORTER_PID" 5)
    exporter_ms=$(per_scrape_ms "$EXPORTER_PID" "http://127.0.0.1:$EXPORTER_PORT/metrics" "$exporter_idle")
    dockerd=$(pidof dockerd | awk '{print $1}')
    d0=$(cpu_seconds "$dockerd"); t0=$(date +%s.%N)
    # docker stats takes names, not filters; the client's own CPU from its /proc entry at exit.
    docker ps -q --filter "label=$OWNER_LABEL" >"$WORK/ids"
    stats_cpu=$( { TIMEFORMAT='%U %S'; time docker stats --no-stream $(cat "$WORK/ids") >/dev/null; } 2>&1 | awk '{ print $1 + $2 }')
    d1=$(cpu_seconds "$dockerd"); t1=$(date +%s.%N)
    docker_cpu=$(awk -v a="$d0" -v b="$d1" -v c="$stats_cpu" 'BEGIN { printf "%.2f", b - a + c }')
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  fi
  printf '%-10s %-14s %-16s %-16s %-16s %-14s %-16s %-18s %-12s\n' "$count" \
    "$(awk -v r="$agent_idle" 'BEGIN { printf "%.2f", r * 100 }')" "$agent_ms" "$fresh_ms" "$http_ms" "$bytes" \
    "$exporter_ms" "$docker_cpu" "$wall"
  log "$count: load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$PEERS" = 1 ] && { [ "$count" = "$(echo "$COUNTS" | awk '{print $NF}')" ] || [ "$count" = 100 ]; }; then
    a=$(cpu_seconds "$AGENT_PID")
    wrk -t2 -c8 -d"${LOAD}s" --latency "http://127.0.0.1:$AGENT_PORT/metrics" >"$WORK/wrk-$count.txt"
    b=$(cpu_seconds "$AGENT_PID")
    log "wrk -t2 -c8 -d${LOAD}s on /metrics with $count containers: agent CPU $(awk -v a="$a" -v b="$b" -v s="$LOAD" 'BEGIN { printf "%.0f", (b - a) / s * 100 }')% of one core"
    grep -E "Requests/sec|Latency|50%|90%|99%" "$WORK/wrk-$count.txt" >&2
  fi
  kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=""
done
