#!/usr/bin/env bash
# The main job on a fresh machine, end to end: set up, build the stand-in components, create an
# image with rock-image (which verifies it), verify it again with rock-verify, boot it in QEMU and
# print the verdict. Output in .cache/quickstart/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

out=.cache/quickstart
fx=.cache/fixtures
mkdir -p "$out"
umask 077
# A fresh CONFIG_KEY: 32 random bytes, base64, owner-only. It is never printed.
[ -f "$out/CONFIG_KEY" ] || head -c 32 /dev/urandom | base64 > "$out/CONFIG_KEY"
umask 022
cat > "$out/node.yaml" <<'YAML'
node_id: quickstart-node-1
hostname: quickstart
role: worker
network:
  interface: eth0
volcano:
  server_url: https://volcano.example.com:8443
  agent_id: quickstart-node-1
YAML
# The agent proves it can read secrets: an encrypted copy of the node config, under CONFIG_KEY.
node dist/cli/rock-security.js encrypt "$out/node.yaml" -o "$out/node.yaml.enc" --key "$out/CONFIG_KEY" >/dev/null

echo "== rock-image create"
node dist/cli/rock-image.js create \
  --init "$fx/rock-init" --manager "$fx/rock-manager" --agent "$fx/volcano-agent" --busybox "$fx/busybox" \
  --config-key "$out/CONFIG_KEY" --node-config "$out/node.yaml" \
  --config "$out/node.yaml.enc:/etc/rock/node.yaml.enc" -o "$out/rock.img"

echo "== rock-verify integration"
node dist/cli/rock-verify.js integration "$out/rock.img" --cmdline "console=ttyS0 init=/sbin/init rdinit=/sbin/init"

echo "== rock-verify boot"
node dist/cli/rock-verify.js boot "$out/rock.img" --kernel .cache/kernel/vmlinuz --timeout 120 \
  --log "$out/console.log" \
  --expect "ROCK-INIT: started pid=1" --expect "ROCK-INIT: config-key ok" \
  --expect "ROCK-MANAGER: started" --expect "VOLCANO-AGENT: openssl OpenSSL 3." \
  --expect "VOLCANO-AGENT: config decrypted node_id=quickstart-node-1" --expect "ROCK-INIT: all services started"
