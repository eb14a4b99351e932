#!/usr/bin/env bash
# Compares Periscope's perf conversions with FlameGraph's Perl scripts, in one run, on the
# same inputs:
#
#   stackcollapse-perf.pl  vs  periscope fold        on a >= 200 MB `perf script` text
#   flamegraph.pl          vs  periscope flamegraph  on 100,000 unique folded stacks
#
# The fold outputs must be byte-identical (the script stops otherwise). Each command runs
# REPEATS times; wall time (the commands are single-threaded) is reported as min/median/max
# and the ratio is taken between medians.
#
# Inputs: the perf script text is made by repeating a real capture (the committed fixture,
# or --capture FILE) with perturbed PIDs, timestamps and addresses and a rotating set of
# renamed leaf functions, so the stack set grows like a real long profile's. Nothing is
# committed or left behind: everything lives in a temporary directory removed on exit.
#
# FlameGraph: $PERISCOPE_FLAMEGRAPH_DIR (a checkout with stackcollapse-perf.pl and
# flamegraph.pl); otherwise it is cloned from the local mirror
# /work/.mirror/brendangregg+FlameGraph/repo if present; otherwise the script says how to
# provide it (git clone https://github.com/brendangregg/FlameGraph and set the variable).
#
# Usage: scripts/compare-fold.sh [-s MEGABYTES] [-r REPEATS] [--binary PATH] [--capture FILE]
#   -s         size of the generated perf script text in MB (default 200)
#   -r         repetitions per command (default 3)
#   --binary   a periscope binary instead of `swift build -c release --scratch-path .build-prof`
#   --capture  a `perf script` text to repeat instead of Tests/Fixtures/perf/gzip-perl.perf-script.txt
set -euo pipefail

SIZE_MB=200
REPEATS=3
BINARY=""
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CAPTURE="$ROOT/Tests/Fixtures/perf/gzip-perl.perf-script.txt"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    -s) SIZE_MB="$2"; shift 2 ;;
    -r) REPEATS="$2"; shift 2 ;;
    --binary) BINARY="$2"; shift 2 ;;
    --capture) CAPTURE="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "compare-fold: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done

command -v perl >/dev/null || { echo "compare-fold: perl is needed to run FlameGraph's scripts" >&2; exit 1; }
command -v python3 >/dev/null || { echo "compare-fold: python3 is needed to generate the inputs" >&2; exit 1; }

WORK="$(mktemp -d /tmp/compare-fold.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT INT TERM

FLAMEGRAPH="${PERISCOPE_FLAMEGRAPH_DIR:-}"
if [ -z "$FLAMEGRAPH" ]; then
  MIRROR=/work/.mirror/brendangregg+FlameGraph/repo
  if [ -d "$MIRROR" ]; then
    git clone -q "$MIRROR" "$WORK/FlameGraph"
    FLAMEGRAPH="$WORK/FlameGraph"
  else
    echo "compare-fold: FlameGraph not found. Run" >&2
    echo "  git clone https://github.com/brendangregg/FlameGraph /some/dir" >&2
    echo "  PERISCOPE_FLAMEGRAPH_DIR=/some/dir $0" >&2
    exit 1
  fi
fi
for script in stackcollapse-perf.pl flamegraph.pl; do
  [ -f "$FLAMEGRAPH/$script" ] || { echo "compare-fold: no $script in $FLAMEGRAPH" >&2; exit 1; }
done

if [ -z "$BINARY" ]; then
  echo "building periscope (release)..." >&2
  (cd "$ROOT" && swift build -c release --scratch-path .build-prof >&2)
  BINARY="$ROOT/.build-prof/release/periscope"
fi

echo "generating ${SIZE_MB} MB of perf script text from $(basename "$CAPTURE")..." >&2
python3 - "$CAPTURE" "$WORK/perf.txt" "$SIZE_MB" "$WORK/unique.folded" <<'PY'
import random, re, sys
capture, output, size_mb, folded = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
random.seed(42)
samples = [s for s in open(capture, encoding="latin-1").read().split("\n\n") if s.strip()]
header = re.compile(r"^(\S+) (\d+)(/\d+)?(\s+)(\d+\.\d+):")
target = size_mb * 1024 * 1024
written = 0
round_ = 0
with open(output, "w", encoding="latin-1") as out:
    while written < target:
        round_ += 1
        for sample in samples:
            lines = sample.split("\n")
            # a new PID per round and a perturbed timestamp: the header parser sees fresh text
            lines[0] = header.sub(lambda m: "%s %d%s%s%d.%06d:" % (m.group(1), int(m.group(2)) + round_,
                                   m.group(3) or "", m.group(4), 4000 + round_, random.randrange(10**6)), lines[0])
            if len(lines) > 1 and random.random() < 0.3:
                # a leaf from a pool of 5,000 renamed functions: the stack set keeps growing
                lines[1] = re.sub(r"(\S+) (\S+?)(\+0x[0-9a-f]+)? \(", lambda m: "%x %s_v%d%s (" % (
                    random.randrange(1 << 40), m.group(2), random.randrange(5000), m.group(3) or ""), lines[1], count=1)
            text = "\n".join(lines) + "\n\n"
            out.write(text)
            written += len(text)
# 100,000 unique stacks for the SVG comparison, shaped like a service's profile
with open(folded, "w") as out:
    for index in range(100000):
        depth = 8 + index % 17
        frames = ["app"] + ["layer%d_%d" % (level, (index >> (level % 10)) % (3 + level)) for level in range(depth)]
        frames.append("leaf_%d" % index)
        out.write("%s %d\n" % (";".join(frames), 1 + (index * 7919) % 97))
PY
ls -l "$WORK/perf.txt" | awk '{printf "perf script input: %.1f MB\n", $5 / 1048576}' >&2

# time_runs NAME OUTFILE CMD...: runs CMD REPEATS times (stdout to OUTFILE), prints
# min/median/max wall seconds and leaves the median in $MEDIAN.
time_runs() {
  local name="$1" outfile="$2"; shift 2
  local times=() start end
  for _ in $(seq "$REPEATS"); do
    start=$(date +%s%N)
    "$@" > "$outfile" 2>/dev/null
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))")
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  local min median max
  min=$(echo "$sorted" | head -1)
  max=$(echo "$sorted" | tail -1)
  median=$(echo "$sorted" | sed -n "$(( (REPEATS + 1) / 2 ))p")
  printf '%-30s min %8.3f s   median %8.3f s   max %8.3f s\n' "$name" \
    "$(echo "scale=3; $min / 1000" | bc)" "$(echo "scale=3; $median / 1000" | bc)" "$(echo "scale=3; $max / 1000" | bc)"
  MEDIAN=$median
}

ratio() { echo "scale=1; $1 / $2" | bc; }

echo
echo "machine: $(nproc) CPUs, kernel $(uname -r), $REPEATS runs each (wall time)"
echo
echo "fold: $(ls -l "$WORK/perf.txt" | awk '{printf "%.0f MB", $5 / 1048576}') of perf script"
time_runs "stackcollapse-perf.pl" "$WORK/perl.folded" perl "$FLAMEGRAPH/stackcollapse-perf.pl" "$WORK/perf.txt"
PERL_FOLD=$MEDIAN
time_runs "periscope fold" "$WORK/periscope.folded" "$BINARY" fold "$WORK/perf.txt"
PERISCOPE_FOLD=$MEDIAN
if cmp -s "$WORK/perl.folded" "$WORK/periscope.folded"; then
  echo "outputs identical: $(wc -l < "$WORK/perl.folded") folded stacks"
else
  echo "compare-fold: FOLD OUTPUTS DIFFER" >&2
  diff "$WORK/perl.folded" "$WORK/periscope.folded" | head -20 >&2
  exit 1
fi
echo "ratio (median): periscope fold is $(ratio "$PERL_FOLD" "$PERISCOPE_FOLD")x faster"

echo
echo "flame graph: $(wc -l < "$WORK/unique.folded") unique stacks"
time_runs "flamegraph.pl" "$WORK/perl.svg" perl "$FLAMEGRAPH/flamegraph.pl" "$WORK/unique.folded"
PERL_SVG=$MEDIAN
time_runs "periscope flamegraph" "$WORK/periscope.svg" "$BINARY" flamegraph "$WORK/unique.folded"
PERISCOPE_SVG=$MEDIAN
echo "frames drawn: flamegraph.pl $(grep -c '<rect' "$WORK/perl.svg"), periscope $(grep -c '<rect' "$WORK/periscope.svg") (both include the background)"
echo "ratio (median): periscope flamegraph is $(ratio "$PERL_SVG" "$PERISCOPE_SVG")x faster"
