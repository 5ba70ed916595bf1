import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateNodeConfig } from './generate.js';

describe('generateNodeConfig', () => {
  it("fills the starter with one node's values, lowering the MAC, and keeps the comments", () => {
    const text = generateNodeConfig({ nodeId: 'edge-7', mac: '52:54:00:AB:CD:EF', role: 'edge' });
    const v = parse(text);
    expect(v).toMatchObject({
      node_id: 'edge-7',
      hostname: 'edge-7',
      role: 'edge',
      volcano: { agent_id: 'edge-7' },
    });
    expect(v.network.mac).toBe('52:54:00:ab:cd:ef');
    expect(text).toContain('# master, worker or edge.');
  });

  it('refuses values the schema refuses, saying which', () => {
    expect(() => generateNodeConfig({ nodeId: 'Edge_7' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        exitCode: 1,
        message:
          "generate: node_id: expected a node id of lower-case letters, digits and - (1-63), got 'Edge_7'",
      }),
    );
    expect(() => generateNodeConfig({ nodeId: 'e', mac: '52:54:00' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
