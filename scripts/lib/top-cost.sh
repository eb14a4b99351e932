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
