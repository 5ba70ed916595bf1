import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeConfigs } from './merge.js';
import { STARTER_NODE_CONFIG } from './starter.js';

const base = { text: STARTER_NODE_CONFIG, source: 'base.yaml' };

describe('mergeConfigs', () => {
  it('merges mappings deeply, replaces lists, removes keys set to null, keeps the base comments', () => {
    const site = {
      text: 'network:\n  mtu: 9000\n  dns: [9.9.9.9, 1.1.1.1]\nlabels: null\n',
      source: 'site.yaml',
    };
    const node = { text: 'node_id: n9\nhostname: n9\nvolcano:\n  retries: 5\n', source: 'n9.yaml' };
    const r = mergeConfigs(base, [site, node]);
    expect(r.validation.ok).toBe(true);
    const v = parse(r.text);
    expect(v.network).toEqual({
      interface: 'eth0',
      addresses: ['192.168.1.10/24'],
      gateway: '192.168.1.1',
      dns: ['9.9.9.9', '1.1.1.1'],
      mtu: 9000,
    });
    expect(v.labels).toBeUndefined();
    expect(v.node_id).toBe('n9');
    expect(v.volcano).toMatchObject({ retries: 5, heartbeat: 30, agent_id: 'node-01' });
    expect(r.text).toContain('# Seconds between heartbeats, 10-300.');
  });

  it('validates the result, with positions in the merged text', () => {
    const r = mergeConfigs(base, [{ text: 'network:\n  mtu: 100\n', source: 'o.yaml' }]);
    expect(r.validation.ok).toBe(false);
    if (!r.validation.ok) {
      const e = r.validation.errors[0]!;
      expect(e.path).toBe('network.mtu');
      expect(r.text.split('\n')[e.line - 1]).toBe('  mtu: 100');
    }
  });

  it('refuses inputs that are not YAML or whose override is not a mapping', () => {
    expect(() => mergeConfigs(base, [{ text: 'a: [1\n', source: 'o.yaml' }])).toThrow(
      expect.objectContaining({ code: 'CONFIG_YAML', message: expect.stringMatching(/^o\.yaml:2:1: /) }),
    );
    expect(() => mergeConfigs(base, [{ text: '- 1\n', source: 'l.yaml' }])).toThrow(
      expect.objectContaining({
        code: 'CONFIG_OVERRIDE_NOT_MAPPING',
        message: 'l.yaml: expected a mapping at the top, got a list',
      }),
    );
  });
});
