import { NODE_CONFIG_PATH } from '../contract/index.js';

/**
 * The commented starter node.yaml `rock-config init` writes. It validates as it is (a test keeps it
 * so); every value is an example to replace.
 */
export const STARTER_NODE_CONFIG = `# ROCK-OS node configuration: rock-init reads it from ${NODE_CONFIG_PATH}.
# Check it with \`rock-config validate node.yaml\`; editors can use schemas/node.schema.json.
# Unknown keys are errors, so a misspelt key never goes unnoticed.

# Unique id of this node: lower-case letters, digits and '-', 1-63 characters.
node_id: node-01
# The hostname the node sets (RFC 1123, lower case).
hostname: node-01
# master, worker or edge.
role: worker
# Free-form labels (key: value) for scheduling.
labels:
  zone: lab

network:
  # The interface rock-init configures.
  interface: eth0
  # Require this hardware address (lower case):
  # mac: 52:54:00:12:34:56
  # Static addresses with their prefix length; leave the list out for DHCP.
  addresses:
    - 192.168.1.10/24
  gateway: 192.168.1.1
  # Up to 3 servers.
  dns:
    - 192.168.1.1
  # Bytes, 1280-9000.
  mtu: 1500
  # 802.1Q VLANs on the interface:
  # vlans:
  #   - id: 100
  #     addresses: [10.100.0.10/24]

storage:
  # Filesystems rock-init mounts, in order.
  mounts:
    - device: tmpfs
      path: /var/lib/rock
      fstype: tmpfs

volcano:
  # The server volcano-agent reports to.
  server_url: https://volcano.example.com:8443
  agent_id: node-01
  # Enrolment token (a secret: \`rock-config show\` redacts it; encrypt the file that holds it).
  # token: ...
  # Seconds between heartbeats, 10-300.
  heartbeat: 30
  # Attempts before giving up, 1-10.
  retries: 3

# Optional features; absent means off.
features:
  ssh: false
  metrics: true
`;
