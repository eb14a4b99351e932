#!/usr/bin/env bash
# Builds periscope in release mode with the Swift runtime and Foundation linked statically and
# installs it as PREFIX/bin/periscope.
#
# Static linking is what makes a command cheap to start: the dynamic linker no longer resolves
# the Swift runtime's and Foundation's symbols at every start (docs/performance.md, "Start-up").
# The binary then needs no Swift toolchain on the target host (only glibc, zlib, liblzma and
# libstdc++, which Debian installs by default).
#
# Linked so that it exports none of its own symbols (`--no-export-dynamic`): the dynamic table
# holds ~600 symbols instead of ~41,000, which every library symbol lookup and dladdr (the Swift
# runtime calls it at every start) would search (docs/performance.md, "Start-up: a non-PIE
# executable that exports no symbols"). It stays a position-independent executable: a non-PIE
# link saves another ~1 ms of relocations per command, but would load the code of a root
# daemon that listens on the network (`serve`) at a fixed address.
#
# Idempotent: rebuilding is incremental, and the installed file is replaced atomically (a copy
# next to it, then rename), so a running periscope keeps its old binary and a second run with
# the same sources installs the same bytes.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/install.sh [--prefix DIR] [--strip] [--scratch-path DIR] [-h|--help]

Builds periscope (swift build -c release --static-swift-stdlib -Xlinker --no-export-dynamic)
and copies it to DIR/bin/periscope.

  --prefix DIR        where to install (default: /usr/local; the binary goes to DIR/bin)
  --strip             strip symbols from the installed copy (smaller file; profiles of
                      periscope itself then show no function names)
  --scratch-path DIR  SwiftPM build directory (default: .build-static: switching
                      --static-swift-stdlib recompiles every module, so a directory of its
                      own keeps both this build and a plain `swift build` incremental)
  -h, --help          show this help

Environment: SWIFT (default: swift on PATH, else /opt/swift/usr/bin/swift).
EOF
}

prefix=/usr/local
strip_binary=0
scratch=.build-static
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --strip) strip_binary=1; shift ;;
    --scratch-path) [ $# -ge 2 ] || { echo "install.sh: --scratch-path needs a directory" >&2; exit 2; }; scratch=$2; shift 2 ;;
    --scratch-path=*) scratch=${1#--scratch-path=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ -n "$prefix" ] || { echo "install.sh: --prefix is empty" >&2; exit 2; }

swift=${SWIFT:-$(command -v swift || echo /opt/swift/usr/bin/swift)}
[ -x "$swift" ] || { echo "install.sh: no Swift toolchain (set SWIFT or put swift on PATH)" >&2; exit 1; }
if [ "$strip_binary" = 1 ]; then command -v strip >/dev/null || { echo "install.sh: --strip needs strip (binutils)" >&2; exit 1; }; fi

cd "$(dirname "$0")/.."
build=(-c release --static-swift-stdlib -Xlinker --no-export-dynamic --scratch-path "$scratch")
"$swift" build "${build[@]}" --product periscope
binary="$("$swift" build "${build[@]}" --show-bin-path)/periscope"
[ -x "$binary" ] || { echo "install.sh: build produced no $binary" >&2; exit 1; }

mkdir -p "$prefix/bin"
target="$prefix/bin/periscope"
# Never replace a symlink or a device with a regular file: say so and let the user decide.
if [ -L "$target" ] || { [ -e "$target" ] && [ ! -f "$target" ]; }; then
  echo "install.sh: $target exists and is not a regular file; remove it or choose another --prefix" >&2
  exit 1
fi
staged=$(mktemp "$prefix/bin/.periscope.XXXXXX")
trap 'rm -f "$staged"' EXIT
cp "$binary" "$staged"
if [ "$strip_binary" = 1 ]; then strip "$staged"; fi
chmod 0755 "$staged"
mv -f "$staged" "$target"
trap - EXIT
echo "installed $target ($(du -h "$target" | cut -f1), Swift runtime linked statically)"
