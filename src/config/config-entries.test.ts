import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configEntries } from './config-entries.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function file(content: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
  dirs.push(d);
  fs.writeFileSync(path.join(d, 'agent.yaml'), content);
  return path.join(d, 'agent.yaml');
}

describe('configEntries', () => {
  it('places files under /etc/rock or /config with mode 0644, owner 0:0', () => {
    const src = file('a: 1\n');
    const entries = configEntries([`${src}:/etc/rock/agent.yaml`, `${src}:/config/sub/extra.yaml`], {
      mtime: 7,
    });
    expect(
      entries.map((e) => [
        e.info.name,
        e.info.type,
        e.info.perm.toString(8),
        e.info.uid,
        e.info.mtime,
        e.info.size,
      ]),
    ).toEqual([
      ['etc/rock/agent.yaml', 'file', '644', 0, 7, 5],
      ['config/sub/extra.yaml', 'file', '644', 0, 7, 5],
    ]);
    expect(Buffer.from(entries[0]!.content as Uint8Array).toString()).toBe('a: 1\n');
  });

  it.each([
    ['no destination', (s: string) => s, 'CONFIG_SPEC'],
    ['outside the config directories', (s: string) => `${s}:/etc/passwd`, 'CONFIG_DEST'],
    ['a sibling that only shares the prefix', (s: string) => `${s}:/etc/rocker/x`, 'CONFIG_DEST'],
    ['the directory itself', (s: string) => `${s}:/etc/rock`, 'CONFIG_DEST'],
    ['a path with ..', (s: string) => `${s}:/config/../sbin/init`, 'CONFIG_DEST'],
    ['a relative path', (s: string) => `${s}:config/x`, 'CONFIG_DEST'],
    ['the key', (s: string) => `${s}:/config/CONFIG_KEY`, 'CONFIG_DEST_RESERVED'],
    ['the node config', (s: string) => `${s}:/config/node.yaml`, 'CONFIG_DEST_RESERVED'],
    ['a missing source', (s: string) => `${s}.missing:/etc/rock/x`, 'INPUT_NOT_FOUND'],
  ])('refuses %s with one line, exit 2', (_name, spec, code) => {
    const s = spec(file('x'));
    try {
      configEntries([s]);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code, exitCode: 2 });
      expect((err as Error).message).toMatch(/^configs .+: /);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('refuses the same destination twice', () => {
    const s = file('x');
    expect(() => configEntries([`${s}:/etc/rock/a`, `${s}:/etc/rock/a`])).toThrow(
      expect.objectContaining({ code: 'CONFIG_DEST_DUPLICATE' }),
    );
  });
});
