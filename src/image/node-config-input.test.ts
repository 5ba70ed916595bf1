import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelEntries } from './kernel-input.js';
import { nodeConfigInput } from './node-config-input.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rock-inputs-'));
  writeFileSync(
    join(dir, 'node.yaml'),
    'node_id: n1\nhostname: n1\nrole: worker\nnetwork:\n  interface: eth0\nvolcano:\n  server_url: https://v.example.com\n  agent_id: n1\n',
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nodeConfigInput', () => {
  it('passes the file through without a MAC', () => {
    expect(nodeConfigInput(join(dir, 'node.yaml'), undefined)).toBe(join(dir, 'node.yaml'));
    expect(nodeConfigInput(undefined, undefined)).toBeUndefined();
  });

  it('writes the MAC into the bytes it returns, leaving the file alone', () => {
    const out = nodeConfigInput(join(dir, 'node.yaml'), 'a4:58:0f:01:00:01');
    expect(Buffer.from(out as Uint8Array).toString()).toContain('mac: a4:58:0f:01:00:01');
  });

  it('refuses a MAC without a node config, and an unreadable node config, exit 2', () => {
    expect(() => nodeConfigInput(undefined, 'a4:58:0f:01:00:01')).toThrow(
      expect.objectContaining({ code: 'MAC_WITHOUT_NODE_CONFIG', exitCode: 2 }),
    );
    expect(() => nodeConfigInput(join(dir, 'none.yaml'), 'a4:58:0f:01:00:01')).toThrow(
      expect.objectContaining({ code: 'INPUT_NOT_FOUND' }),
    );
  });
});

describe('kernelEntries', () => {
  it('adds nothing and checks nothing without a kernel', async () => {
    expect(await kernelEntries({ compress: 'gzip', mtime: 0, home: '/nonexistent' })).toEqual([]);
  });

  it('refuses modules without a kernel, exit 2', async () => {
    await expect(
      kernelEntries({ modules: ['virtio_net'], compress: 'gzip', mtime: 0, home: '/nonexistent' }),
    ).rejects.toMatchObject({
      code: 'MODULES_WITHOUT_KERNEL',
      exitCode: 2,
    });
  });
});
