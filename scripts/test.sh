#!/usr/bin/env bash
# Runs every test on this machine: sets up what the tests need (scripts/setup.sh), then lint,
# type check and the whole vitest suite (unit, differential against GNU cpio and bsdtar, hostile
# archives, real QEMU boots). Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit $?
# rock-mac's shared backend is tested against a real PostgreSQL server on 127.0.0.1.
bash scripts/start-postgres.sh || exit $?
# rock-registry and rock-cache --remote are tested against two real OCI registries on 127.0.0.1
# (anonymous and Basic auth): their URLs reach the tests as ROCK_TEST_REGISTRY*.
bash scripts/start-registry.sh >/dev/null || exit $?
set -a
. .cache/registry.env
set +a
mkdir -p .cache
rm -f .cache/vitest-report.json
npm test -- --reporter=default --reporter=json --outputFile.json=.cache/vitest-report.json
status=$?
node scripts/test-summary.mjs .cache/vitest-report.json || status=1
exit $status
