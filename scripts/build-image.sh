#!/usr/bin/env bash
# Builds the agent's container image (`periscope serve`) without a registry or a base image:
# a root file system holding only the release binary (Swift runtime linked statically by
# scripts/install.sh) and the shared libraries `ldd` says it loads (glibc, libstdc++, zlib,
# liblzma: there is no fully static Swift SDK here), imported with `docker import`.
#
# Idempotent: the binary build is incremental, and importing again replaces the tag.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/build-image.sh [--tag NAME:TAG] [--binary FILE] [-h|--help]

Builds the periscope agent image (default tag periscope-agent:latest).

  --tag NAME:TAG   the image tag (default: periscope-agent:latest)
  --binary FILE    package this periscope binary instead of building one with scripts/install.sh
  -h, --help       show this help

Run it (docs/deployment.md says what each capability and mount is for):
  docker run -d --name periscope-agent --pid=host --cgroupns=host --net=host \
    --cap-drop=ALL --cap-add=SYS_PTRACE --cap-add=DAC_READ_SEARCH --cap-add=SYS_ADMIN --cap-add=SYSLOG \
    -v /sys:/sys:ro -v /var/run/docker.sock:/var/run/docker.sock \
    periscope-agent:latest serve --listen 127.0.0.1:9798
EOF
}

tag=periscope-agent:latest
binary=
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) [ $# -ge 2 ] || { echo "build-image.sh: --tag needs NAME:TAG" >&2; exit 2; }; tag=$2; shift 2 ;;
    --tag=*) tag=${1#--tag=}; shift ;;
    --binary) [ $# -ge 2 ] || { echo "build-image.sh: --binary needs a file" >&2; exit 2; }; binary=$2; shift 2 ;;
    --binary=*) binary=${1#--binary=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-image.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
command -v docker >/dev/null 2>&1 || { echo "build-image.sh: docker is not installed (scripts/test-setup.sh installs and starts it)" >&2; exit 1; }

cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$binary" ]; then
  scripts/install.sh --prefix "$work/prefix" --strip >&2
  binary=$work/prefix/bin/periscope
fi
[ -x "$binary" ] || { echo "build-image.sh: $binary is not an executable" >&2; exit 1; }

root=$work/rootfs
mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc"
chmod 1777 "$root/tmp"
install -m 0755 "$binary" "$root/usr/local/bin/periscope"
# Every library the binary loads, and the dynamic loader itself, at the paths ldd names.
ldd "$binary" | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }' | sort -u | while read -r library; do
  mkdir -p "$root$(dirname "$library")"
  cp -L "$library" "$root$library"
done
# Names for the user ids in `ps` output, and a hosts file for loopback names.
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"

tar -C "$root" -cf "$work/rootfs.tar" .
docker import \
  --change 'ENTRYPOINT ["/usr/local/bin/periscope"]' \
  --change 'CMD ["serve"]' \
  --change 'EXPOSE 9798' \
  --change 'LABEL org.opencontainers.image.title="periscope agent"' \
  "$work/rootfs.tar" "$tag" >/dev/null
echo "build-image.sh: built $tag ($(du -sh "$root" | cut -f1) root file system: $(ls "$root"/lib*/* "$root"/usr/lib*/* 2>/dev/null | wc -l) files of libraries and the binary)" >&2
