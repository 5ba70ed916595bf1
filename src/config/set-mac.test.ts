import { describe, expect, it } from 'vitest';
import { setNodeMac } from './set-mac.js';

const CONFIG = `# node
node_id: n1
hostname: n1
role: worker
network:
  interface: eth0 # the boot NIC
volcano:
  server_url: https://volcano.example.com:8443
  agent_id: n1
`;

describe('setNodeMac', () => {
  it('sets network.mac in lower case and keeps comments', () => {
    const out = setNodeMac(CONFIG, 'A4:58:0F:01:00:10', 'node.yaml');
    expect(out).toContain('  mac: a4:58:0f:01:00:10');
    expect(out).toContain('# the boot NIC');
    expect(out.startsWith('# node\n')).toBe(true);
  });

  it('refuses a malformed MAC with exit 2 and names the flag', () => {
    expect(() => setNodeMac(CONFIG, 'a4:58:0f:zz:00:10', 'node.yaml')).toThrow(
      /^mac a4:58:0f:zz:00:10: network\.mac/,
    );
    try {
      setNodeMac(CONFIG, 'nope', 'node.yaml');
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });

  it('refuses a configuration that is already invalid, with its position', () => {
    expect(() => setNodeMac('node_id: n1\n', 'a4:58:0f:01:00:10', 'node.yaml')).toThrow(/^node\.yaml:1:1: /);
  });
});
