#!/usr/bin/env bash
# The main job on a fresh machine, end to end: set up (packages, build, stand-in components, kernel),
# then run the pipeline that allocates a MAC, makes a key and a node config, builds, verifies and
# boots the image.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# The main job is one pipeline (pipelines/build-rock-os.yaml): allocate a MAC with rock-mac, make a
# CONFIG_KEY with rock-security and a node config with rock-config, encrypt a copy of the config,
# create the image with rock-image from pipelines/rock-image.yaml, verify it with rock-verify, and boot
# it in QEMU with that MAC, expecting the rock-init, rock-manager and volcano-agent markers.
# Output in .cache/build-rock-os/; logs in pipelines/.rock/runs/.
echo "== rock-compose run pipelines/build-rock-os.yaml"
node dist/bin/rock-compose.js run pipelines/build-rock-os.yaml
