# Shared by compare-record.sh and compare-top.sh: what `periscope top` costs per sample,
# measured the marginal way (perf task-clock of -n SAMPLES+1 minus -n 1, over SAMPLES), so
# start-up and the priming sample are left out.

# CPU milliseconds (perf task-clock) of a shell command.
task_clock_ms() { perf stat -x, -e task-clock -- bash -c "$1" 2>&1 >/dev/null | awk -F, '$3 == "task-clock" { print $1 }'; }

# Nanoseconds of CPU per sample of `BINARY top --batch -d 1 OPTIONS` over SAMPLES samples.
top_marginal_ns() {
  local binary="$1" samples="$2" options="${3:-}" long short
  long=$(task_clock_ms "'$binary' top --batch -d 1 -n $((samples + 1)) $options >/dev/null")
  short=$(task_clock_ms "'$binary' top --batch -d 1 -n 1 $options >/dev/null")
  awk -v l="$long" -v s="$short" -v n="$samples" 'BEGIN { printf "%.0f", (l - s) * 1e6 / n }'
}

# Nanoseconds of CPU per second of `BINARY top --batch -d 1 OPTIONS` in its steady state: perf's
# per-second task-clock over SAMPLES + 5 samples, the first 4 intervals (start-up, the first
# scan, the priming sample) and the last, partial one left out; prints "MEAN MEDIAN". Unlike
# the marginal way it subtracts no second run, whose start-up (a scan of every container)
# varies by more than a few µs per container per sample on a loaded VM; the mean still counts
# the periodic scans and Docker events, the median shows a typical sample.
top_steady_ns() {
  local binary="$1" samples="$2" options="${3:-}"
  # shellcheck disable=SC2086 # OPTIONS is a list of words
  perf stat -I 1000 -x, -e task-clock -- "$binary" top --batch -d 1 -n $((samples + 5)) $options 2>&1 >/dev/null |
    awk -F, '$4 == "task-clock" { print $2 }' | tail -n +5 | head -n -1 | sort -n |
    awk '{ v[NR] = $1; s += $1 } END { printf "%.0f %.0f\n", s / NR * 1e6, v[int((NR + 1) / 2)] * 1e6 }'
}
