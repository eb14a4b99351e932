#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs and starts what the tests need
# (scripts/test-setup.sh), then runs the unit tests in parallel and the live tests one at a time.
# CI (.ci/run) calls exactly this. With arguments (`scripts/test.sh --filter X`) it runs
# `swift test --no-parallel ARGS` instead.
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
if [ "$#" -gt 0 ]; then
  exec swift test --no-parallel "$@"
fi
# Live suites: the PeriscopeIntegrationTests target, every *LiveTests target, and a suite named
# *LiveTests inside a unit target (real containers, tracefs, perf, BPF, whole-host measurements). They run one at a time: a capped busy loop must
# reach its cap and a neighbour must be the only one using the CPU, so two side by side would
# each see the other's load. Every other test is a unit test and runs in parallel; a `.live` test
# that lands in a unit suite fails there (PERISCOPE_TEST_PHASE=unit) instead of running in parallel.
live_suites='^(PeriscopeIntegrationTests|[A-Za-z]+LiveTests)\.|\.[A-Za-z]+LiveTests(/|$)'
swift build --build-tests
echo "test.sh: unit tests, in parallel" >&2
PERISCOPE_TEST_PHASE=unit swift test --skip-build --skip "$live_suites"
echo "test.sh: live tests, one at a time" >&2
exec swift test --skip-build --no-parallel --filter "$live_suites"
