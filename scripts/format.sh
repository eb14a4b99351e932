#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's swift-format and the repository's
# .swift-format (line length 120, 4-space indent), or with --check only shows what it would
# change and exits 1 when anything would (for CI and before a commit). --check compares with
# the formatter's output rather than running `swift format lint`: lint also flags lines the
# formatter cannot shorten (long string literals and comments), so it would never pass.
#
# Covers the package (Package.swift, Sources, Tests) and the benchmark package (Benchmarks).
# Generated BPF sources (Sources/BPF/Generated) are left as scripts/generate-bpf.sh writes them.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/format.sh [--check] [-h|--help] [PATH...]

Formats the Swift files in place with swift-format and .swift-format.

  --check     change nothing: print the diff formatting would make, exit 1 if it is not empty
  -h, --help  show this help
  PATH...     files or directories to format (default: Package.swift Sources Tests Benchmarks)

Environment: SWIFT (default: swift on PATH, else /opt/swift/usr/bin/swift).
USAGE
}

check=false
paths=()
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=true ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "format.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) paths+=("$1") ;;
  esac
  shift
done

cd "$(dirname "$0")/.."
swift=${SWIFT:-$(command -v swift || echo /opt/swift/usr/bin/swift)}
[ -x "$swift" ] || { echo "format.sh: no Swift toolchain (set SWIFT or put swift on PATH)" >&2; exit 1; }

if [ ${#paths[@]} -eq 0 ]; then
  paths=(Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Benchmarks)
fi
# Every .swift file under the paths except generated ones, NUL-separated for odd names.
files=()
while IFS= read -r -d '' file; do files+=("$file"); done < <(
  find "${paths[@]}" -name '*.swift' -not -path '*/Generated/*' -not -path '*/.build/*' -print0 | sort -z)
[ ${#files[@]} -gt 0 ] || { echo "format.sh: no Swift files under ${paths[*]}" >&2; exit 1; }

if $check; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  cp --parents "${files[@]}" "$scratch/"
  (cd "$scratch" && "$swift" format format --configuration "$OLDPWD/.swift-format" --parallel --in-place "${files[@]}")
  status=0
  for file in "${files[@]}"; do
    diff -u --label "$file" --label "$file (formatted)" "$file" "$scratch/$file" || status=1
  done
  [ $status -eq 0 ] || echo "format.sh: the files above are not formatted; run scripts/format.sh" >&2
  exit $status
else
  "$swift" format format --configuration .swift-format --parallel --in-place "${files[@]}"
fi
