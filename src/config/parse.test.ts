import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatYamlIssue } from '../yaml/index.js';
import { validateNodeConfig } from './parse.js';
import { STARTER_NODE_CONFIG } from './starter.js';

const VALID = `node_id: n1
hostname: n1.lab
role: edge
network:
  interface: eth0
volcano:
  server_url: https://v.example
  agent_id: n1
`;

function lines(text: string): string[] {
  const r = validateNodeConfig(text);
  return r.ok ? [] : r.errors.map((e) => formatYamlIssue('node.yaml', e));
}

describe('validateNodeConfig', () => {
  it('accepts a minimal config and applies defaults', () => {
    const r = validateNodeConfig(VALID);
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.value.volcano).toEqual({
        server_url: 'https://v.example',
        agent_id: 'n1',
        heartbeat: 30,
        retries: 3,
      });
  });

  it('hands out copies of a remembered result: changing one changes no later answer', () => {
    const first = validateNodeConfig(VALID);
    if (!first.ok) throw new Error('VALID must validate');
    first.value.hostname = 'changed';
    first.value.volcano.heartbeat = 1;
    const again = validateNodeConfig(VALID);
    expect(again).not.toBe(first);
    expect(again.ok && again.value.hostname).toBe('n1.lab');
    expect(again.ok && again.value.volcano.heartbeat).toBe(30);
    const bad = validateNodeConfig('- a list\n', 9);
    if (bad.ok) throw new Error('a list must not validate');
    bad.errors.length = 0;
    const badAgain = validateNodeConfig('- a list\n', 9);
    expect(!badAgain.ok && badAgain.errors.map((e) => e.code)).toEqual(['not_a_mapping']);
  });

  it('accepts the starter as it is', () => {
    expect(lines(STARTER_NODE_CONFIG)).toEqual([]);
  });

  it('reports every error with line:column, field path and what was expected, in file order', () => {
    const text = `node_id: n1
hostname: n1
role: boss
network:
  interface: eth0
  mtu: 100
  dns: [1.1.1.1, nope]
  colour: blue
volcano:
  server_url: ftp://v
  agent_id: n1
  heartbeat: 301
  retries: yes
`;
    expect(lines(text)).toEqual([
      "node.yaml:3:7: role: expected one of master, worker, edge, got 'boss'",
      'node.yaml:6:8: network.mtu: expected an integer MTU 1280-9000, got 100',
      "node.yaml:7:18: network.dns[1]: expected an IPv4 or IPv6 address, got 'nope'",
      "node.yaml:8:3: network.colour: unknown key 'colour' (expected one of interface, mac, addresses, gateway, dns, mtu, vlans)",
      "node.yaml:10:15: volcano.server_url: expected an http:// or https:// URL, got 'ftp://v'",
      'node.yaml:12:14: volcano.heartbeat: expected an integer number of seconds 10-300, got 301',
      "node.yaml:13:12: volcano.retries: expected an integer 1-10, got 'yes'",
    ]);
  });

  it('points a missing key at its mapping and an unknown top-level key at itself', () => {
    const text =
      'node_id: n1\nrole: worker\nnetwork:\n  mtu: 1500\nvolcano:\n  server_url: https://v\n  agent_id: a\nextra: 1\n';
    expect(lines(text)).toEqual([
      'node.yaml:1:1: hostname: expected a hostname, got nothing (missing key)',
      'node.yaml:4:3: network.interface: expected an interface name, got nothing (missing key)',
      "node.yaml:8:1: extra: unknown key 'extra' (expected one of node_id, hostname, role, labels, network, storage, volcano, features)",
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(lines('node_id: n1\nlabels: [a\nrole: x\n')).toEqual([
      'node.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(lines('node_id: n1\nnode_id: n2\n')).toEqual(['node.yaml:2:1: Map keys must be unique']);
    expect(lines('node_id: n1\n\thostname: x\n')[0]).toMatch(/^node\.yaml:2:1: /);
    expect(lines('a: 1\n---\nb: 2\n')[0]).toMatch(/^node\.yaml:2:1: Source contains multiple documents/);
    expect(lines('')).toEqual([
      'node.yaml:1:1: expected a mapping (a node configuration), found nothing (an empty document)',
    ]);
  });

  it('reads YAML 1.2: yes is a string, not a boolean', () => {
    expect(lines(`${VALID}features:\n  ssh: yes\n`)).toEqual([
      "node.yaml:10:8: features.ssh: expected true or false, got 'yes'",
    ]);
  });

  it('never repeats a secret in an error', () => {
    const out = lines(VALID.replace('agent_id: n1', 'agent_id: n1\n  token: [s3cr3t-value]'));
    expect(out).toEqual(['node.yaml:9:10: volcano.token: expected a string, got a value (redacted)']);
  });

  it('accepts exactly the MTUs 1280..9000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20000 }), (mtu) => {
        const r = validateNodeConfig(VALID.replace('interface: eth0', `interface: eth0\n  mtu: ${mtu}`));
        expect(r.ok).toBe(mtu >= 1280 && mtu <= 9000);
      }),
    );
  });
});
