# Shared by the comparison scripts: CPU time of a command (perf task-clock, or GNU time),
# dockerd's CPU during it, and medians over REPEATS runs. Needs log() and REPEATS defined and
# DOCKERD_PID set (empty when Docker is not part of the comparison).

if perf stat -x, -e task-clock -- true >/dev/null 2>&1; then
  MEASURE_WITH=perf
else
  if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (perf is unavailable)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  fi
  MEASURE_WITH=time
  log "perf stat unavailable: CPU from GNU time, 10 ms resolution"
fi

# Sum of on-CPU nanoseconds of every thread of dockerd, precise (unlike the tick counters).
dockerd_cpu_ns() {
  local total=0 runtime _
  [ -n "$DOCKERD_PID" ] || { echo 0; return; }
  for file in /proc/"$DOCKERD_PID"/task/*/schedstat; do
    read -r runtime _ 2>/dev/null <"$file" || continue
    total=$((total + runtime))
  done
  echo "$total"
}

# Runs a shell command once; prints "wall_ms cpu_ms dockerd_ms".
measure_once() {
  local command="$1" start end d0 d1 cpu
  d0=$(dockerd_cpu_ns)
  start=$(date +%s%N)
  if [ "$MEASURE_WITH" = perf ]; then
    cpu=$(perf stat -x, -e task-clock -- bash -c "$command" 2>&1 >/dev/null | awk -F, '$3 == "task-clock" { print $1 }')
  else
    cpu=$(/usr/bin/time -f '%U %S' bash -c "$command" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.3f", ($1 + $2) * 1000 }')
  fi
  end=$(date +%s%N)
  d1=$(dockerd_cpu_ns)
  awk -v w=$(((end - start) / 1000)) -v c="$cpu" -v d=$((d1 - d0)) 'BEGIN { printf "%.3f %.3f %.3f\n", w / 1000, c, d / 1e6 }'
}

# Runs a command REPEATS times (after one warm-up) and prints, space-separated, the medians
# of wall, cpu, dockerd and total (cpu + dockerd), then cpu min, cpu max, total min, total max.
measure() {
  local command="$1" samples=""
  measure_once "$command" >/dev/null
  for _ in $(seq "$REPEATS"); do samples+="$(measure_once "$command")"$'\n'; done
  printf '%s' "$samples" | awk '
    { wall[NR] = $1; cpu[NR] = $2; dockerd[NR] = $3; total[NR] = $2 + $3 }
    function median(a, n,   i, j, t, b) {
      for (i = 1; i <= n; i++) b[i] = a[i]
      for (i = 2; i <= n; i++) for (j = i; j > 1 && b[j-1] > b[j]; j--) { t = b[j]; b[j] = b[j-1]; b[j-1] = t }
      return n % 2 ? b[(n+1)/2] : (b[n/2] + b[n/2+1]) / 2
    }
    function lo(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
    function hi(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
    END { printf "%.2f %.2f %.2f %.2f %.2f %.2f %.2f %.2f\n", median(wall, NR), median(cpu, NR), median(dockerd, NR),
          median(total, NR), lo(cpu, NR), hi(cpu, NR), lo(total, NR), hi(total, NR) }'
}

