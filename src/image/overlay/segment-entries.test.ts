import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { setNodeMac } from '../../config/index.js';
import { NODE_CONFIG_PATH } from '../../contract/index.js';
import { segmentEntries } from './segment-entries.js';

const nodeYaml = (config: Record<string, unknown>, mac: string): string => {
  const { entries } = segmentEntries({ nodeConfig: config, mac }, () => true);
  const entry = entries.find((e) => `/${e.info.name}` === NODE_CONFIG_PATH);
  return Buffer.from(entry?.content as Uint8Array).toString();
};

describe('segmentEntries: an inline node_config with a mac', () => {
  const config = {
    node_id: 'n1',
    hostname: 'n1',
    role: 'worker',
    network: { interface: 'eth0', dns: ['1.1.1.1'], mtu: 1500 },
    volcano: { server_url: 'https://v.example.com:8443', agent_id: 'n1' },
  };

  it('is the text setNodeMac makes of the mapping, byte for byte', () => {
    for (const network of [config.network, { ...config.network, mac: 'a4:58:0f:00:00:01' }]) {
      const inline = { ...config, network };
      expect(nodeYaml(inline, 'A4:58:0F:01:00:10')).toBe(
        setNodeMac(stringify(inline), 'A4:58:0F:01:00:10', 'node_config'),
      );
    }
  });

  it('refuses an invalid mapping with the message setNodeMac gives', () => {
    const bad = { ...config, network: { interface: 'eth0', mtu: 100 } };
    let expected: unknown;
    try {
      setNodeMac(stringify(bad), 'a4:58:0f:01:00:10', 'node_config');
    } catch (err) {
      expected = err;
    }
    expect(expected).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(() => nodeYaml(bad, 'a4:58:0f:01:00:10')).toThrow(expected as Error);
  });
});
