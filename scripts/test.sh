#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs and starts what the tests need
# (scripts/test-setup.sh), then runs `swift test --no-parallel`. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/test-setup.sh
else
  echo "test.sh: not root: tests that need root, Docker or namespaces will be skipped (they say why)" >&2
fi
# Leftovers from an interrupted earlier run would only confuse the container tests.
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  docker ps -aq --filter 'name=^periscope-it-' | xargs -r docker rm -f >/dev/null 2>&1 || true
fi
# One test at a time: the container scenarios (a capped busy loop must reach its cap, a
# neighbour must be the only one using the CPU) measure the whole 2-CPU host, so two of them
# side by side would each see the other's load. Serially the suite takes about 7 minutes.
exec swift test --no-parallel "$@"
