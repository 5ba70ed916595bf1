import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutContract } from './layout-contract.js';

let dir: string;
const components = () => ({
  init: join(dir, 'init'),
  manager: join(dir, 'manager'),
  agent: join(dir, 'agent'),
  busybox: join(dir, 'busybox'),
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rock-layout-'));
  for (const name of ['init', 'manager', 'agent', 'busybox', 'key', 'node.yaml'])
    writeFileSync(join(dir, name), name);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('layoutContract', () => {
  it('lays the components at the contract paths with mode 0755', () => {
    const files = layoutContract({ components: components() })
      .filter((e) => e.info.type === 'file')
      .map((e) => `${e.info.name} ${e.info.perm.toString(8)} ${e.info.size}`);
    expect(files).toEqual([
      'sbin/init 755 4',
      'usr/bin/rock-manager 755 7',
      'usr/bin/volcano-agent 755 5',
      'bin/busybox 755 7',
    ]);
  });

  it('adds /init, the busybox links, the device nodes and the directories', () => {
    const byName = new Map(layoutContract({ components: components() }).map((e) => [e.info.name, e.info]));
    expect(byName.get('init')).toMatchObject({ type: 'symlink', linkTarget: 'sbin/init' });
    expect(byName.get('bin/sh')).toMatchObject({ type: 'symlink', linkTarget: 'busybox' });
    expect(byName.get('dev/console')).toMatchObject({
      type: 'char-device',
      rdevMajor: 5,
      rdevMinor: 1,
      perm: 0o600,
    });
    expect(byName.get('tmp')).toMatchObject({ type: 'directory', perm: 0o1777 });
  });

  it('places the key 0400 and the node config 0644, from a file or from bytes', () => {
    const fromFile = layoutContract({
      components: components(),
      configKey: join(dir, 'key'),
      nodeConfig: join(dir, 'node.yaml'),
    });
    const info = (name: string) => fromFile.find((e) => e.info.name === name)?.info;
    expect(info('config/CONFIG_KEY')).toMatchObject({ perm: 0o400, size: 3 });
    expect(info('config/node.yaml')).toMatchObject({ perm: 0o644, size: 9 });
    const fromBytes = layoutContract({ components: components(), nodeConfig: Buffer.from('node_id: x\n') });
    expect(fromBytes.find((e) => e.info.name === 'config/node.yaml')?.info.size).toBe(11);
  });

  it('refuses a missing component naming its role, exit 2', () => {
    expect(() => layoutContract({ components: { ...components(), agent: join(dir, 'missing') } })).toThrow(
      /^volcano-agent \(.*missing\): cannot read: no such file or directory$/,
    );
    expect(() => layoutContract({ components: { ...components(), agent: dir } })).toThrow(
      expect.objectContaining({ code: 'INPUT_NOT_FILE', exitCode: 2 }),
    );
  });
});
