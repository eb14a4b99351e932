#!/usr/bin/env bash
# Compares two periscope binaries on `periscope flamegraph`, in one run: the SVGs must be
# byte-identical, and the CPU time (user+sys) and peak RSS of each are measured alternately.
#
#   1. identity: every input below with the default, --min-width 0, --min-width 0 --inverted and
#      --min-width 1%, and differential graphs (--baseline, with --normalize and --negate);
#   2. cost: N unique stacks shaped like scripts/compare-fold.sh's (9-25 frames, a unique leaf
#      each; 200,000 by default, 34 MB), OLD and NEW alternated REPEATS times (/usr/bin/time).
#
# Inputs for (1): the committed golden folded files, the generated large input, and random
# stacks built to stress flamegraph.pl's order (names that extend each other, control bytes,
# empty frames, prefixes that are whole stacks, repeated stacks, zero counts). Everything lives
# in a temporary directory removed on exit.
#
# Usage: scripts/compare-flamegraph-binaries.sh OLD NEW [-n STACKS] [-r REPEATS]
set -euo pipefail

STACKS=200000
REPEATS=3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
[ $# -ge 2 ] || usage 2 >&2
OLD="$1" NEW="$2"
shift 2
while [ $# -gt 0 ]; do
  case "$1" in
    -n) STACKS="$2"; shift 2 ;;
    -r) REPEATS="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "compare-flamegraph-binaries: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
for binary in "$OLD" "$NEW"; do
  [ -x "$binary" ] || { echo "compare-flamegraph-binaries: $binary is not an executable" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "compare-flamegraph-binaries: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/compare-flamegraph.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT INT TERM

python3 - "$WORK" "$STACKS" <<'PY'
import random, sys
work, count = sys.argv[1], int(sys.argv[2])
with open(work + "/unique.folded", "w") as out:
    for index in range(count):
        depth = 8 + index % 17
        frames = ["app"] + ["layer%d_%d" % (level, (index >> (level % 10)) % (3 + level)) for level in range(depth)]
        frames.append("leaf_%d" % index)
        out.write("%s %d\n" % (";".join(frames), 1 + (index * 7919) % 97))
names = [b"a", b"a:", b"a\x01", b"a\x02", b"a\x00", b"a ", b"a!", b"ab", b"a-b", b"b", b"", b"\x1f", b"\xff",
         b"a\x7f", b"x[k]", b"run", b"runc", b"runc:[2:INIT]", b" sp", b"b\tc", b"\x01", b"\x02"]
for seed in range(1, 7):
    random.seed(seed)
    lines, previous = [], []
    for _ in range(seed * 700):
        shape = random.random()
        if previous and shape < 0.3:
            stack = previous[:random.randint(0, len(previous))]
        elif previous and shape < 0.5:
            stack = previous + [random.choice(names) for _ in range(random.randint(1, 3))]
        else:
            stack = [random.choice(names) for _ in range(random.randint(1, 6))]
        if random.random() < 0.05:
            stack = stack + [b""]
        previous = stack
        lines.append(b";".join(stack) + b" " + str(random.choice([0, 1, 2, 3, 7, 100])).encode())
        if random.random() < 0.05:
            lines.append(random.choice(lines))
    random.shuffle(lines)
    with open("%s/random%d.folded" % (work, seed), "wb") as out:
        out.write(b"\n".join(lines) + b"\n")
PY

failed=0 compared=0
same() { # label, then the flamegraph arguments
  local label="$1"; shift
  "$OLD" flamegraph "$@" > "$WORK/old.svg" 2>&1 || true
  "$NEW" flamegraph "$@" > "$WORK/new.svg" 2>&1 || true
  compared=$((compared + 1))
  cmp -s "$WORK/old.svg" "$WORK/new.svg" || { echo "DIFFERENT: $label" >&2; failed=1; }
}
for input in "$WORK"/unique.folded "$WORK"/random*.folded "$ROOT"/Tests/Fixtures/perf/golden/*.folded; do
  for options in "" "--min-width 0" "--min-width 0 --inverted" "--min-width 1%"; do
    # shellcheck disable=SC2086
    same "flamegraph $options $(basename "$input")" "$input" $options
  done
done
for input in "$WORK"/random1.folded "$WORK"/random3.folded "$WORK"/random5.folded; do
  for options in "--min-width 0" "--min-width 0 --normalize" "--min-width 0 --negate"; do
    # shellcheck disable=SC2086
    same "differential $options $(basename "$input")" "$input" --baseline "$WORK/random2.folded" $options
  done
done
echo "identity: $compared outputs compared, $([ $failed = 0 ] && echo "all byte-identical" || echo "SOME DIFFER")"

ls -l "$WORK/unique.folded" | awk -v n="$STACKS" '{printf "cost: %d unique stacks, %.1f MB\n", n, $5 / 1e6}'
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$REPEATS"); do
  for binary in "$OLD" "$NEW"; do
    /usr/bin/time -f "%U %S %M" -o "$WORK/time" "$binary" flamegraph "$WORK/unique.folded" > /dev/null
    awk -v b="$binary" '{printf "%-50s cpu %.2f s  peak rss %.1f MiB\n", b, $1 + $2, $3 / 1024}' "$WORK/time"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $failed
