import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBytes, sealBytes } from './envelope.js';
import { formatKey, parseKey } from './key-file.js';
import { findEnvelopes, rotateKey } from './rotate.js';
import { snapshot, useTempDirs } from './test-support/temp-dir.js';

const tmp = useTempDirs();
const OLD = Buffer.alloc(32, 0x11);

/** A root with the key in config/, two envelopes in config/ and etc/rock/, and a plain file. */
function tree(): { root: string; key: string; dirs: string[] } {
  const root = tmp();
  fs.mkdirSync(path.join(root, 'config'));
  fs.mkdirSync(path.join(root, 'etc/rock'), { recursive: true });
  const key = path.join(root, 'config/CONFIG_KEY');
  fs.writeFileSync(key, formatKey(OLD), { mode: 0o400 });
  fs.chmodSync(key, 0o400);
  fs.writeFileSync(path.join(root, 'config/node.yaml.enc'), sealBytes(OLD, Buffer.from('node_id: n1\n')));
  fs.writeFileSync(path.join(root, 'etc/rock/agent.enc'), sealBytes(OLD, Buffer.from('agent: yes\n')), {
    mode: 0o640,
  });
  fs.chmodSync(path.join(root, 'etc/rock/agent.enc'), 0o640);
  fs.writeFileSync(path.join(root, 'etc/rock/plain.yaml'), 'x: 1\n');
  return { root, key, dirs: [path.join(root, 'config'), path.join(root, 'etc')] };
}

describe('key rotation', () => {
  it('finds envelopes by their magic', () => {
    const { root, dirs } = tree();
    expect(findEnvelopes(dirs).map((f) => path.relative(root, f))).toEqual([
      'config/node.yaml.enc',
      'etc/rock/agent.enc',
    ]);
  });

  it('re-encrypts an envelope whose name is not UTF-8, by its exact bytes', async () => {
    const { root, key, dirs } = tree();
    const raw = Buffer.concat([
      Buffer.from(`${root}/etc/rock/bad`),
      Buffer.of(0xff, 0xfe),
      Buffer.from('.enc'),
    ]);
    fs.writeFileSync(raw, sealBytes(OLD, Buffer.from('odd: name\n')));
    const r = await rotateKey(key, { dirs });
    expect(r.reencrypted).toContain(`${root}/etc/rock/bad\udcff\udcfe.enc`);
    const fresh = parseKey(fs.readFileSync(key), 'k');
    expect(openBytes(fresh, fs.readFileSync(raw), 'raw').toString()).toBe('odd: name\n');
  });

  it('re-encrypts every envelope under a new key and keeps the old key as a backup', async () => {
    const { root, key, dirs } = tree();
    const now = new Date('2031-05-06T07:08:09Z');
    const r = await rotateKey(key, { dirs, now });
    expect(r.backup).toBe(`${key}.bak-20310506T070809Z`);
    expect(parseKey(fs.readFileSync(r.backup), 'b').equals(OLD)).toBe(true);
    const fresh = parseKey(fs.readFileSync(key), 'k');
    expect(fresh.equals(OLD)).toBe(false);
    expect(fs.statSync(key).mode & 0o777).toBe(0o400);
    const node = fs.readFileSync(path.join(root, 'config/node.yaml.enc'));
    expect(openBytes(fresh, node, 'n').toString()).toBe('node_id: n1\n');
    expect(() => openBytes(OLD, node, 'n')).toThrow(
      expect.objectContaining({ code: 'ENVELOPE_AUTH_FAILED' }),
    );
    expect(openBytes(fresh, fs.readFileSync(path.join(root, 'etc/rock/agent.enc')), 'a').toString()).toBe(
      'agent: yes\n',
    );
    expect(fs.statSync(path.join(root, 'etc/rock/agent.enc')).mode & 0o777).toBe(0o640);
    expect(r.reencrypted.map((f) => path.relative(root, f))).toEqual([
      'config/node.yaml.enc',
      'etc/rock/agent.enc',
    ]);
    expect(Object.keys(snapshot(root))).toEqual([
      'config/CONFIG_KEY',
      'config/CONFIG_KEY.bak-20310506T070809Z',
      'config/node.yaml.enc',
      'etc/rock/agent.enc',
      'etc/rock/plain.yaml',
    ]);
  });

  it.each([
    ['while staging', { afterStage: (_f: string, i: number) => i === 1 }],
    ['after the first rename', { beforeCommit: (_f: string, i: number) => i === 1 }],
  ])('loses nothing when it fails %s', async (_when, points) => {
    const { root, key, dirs } = tree();
    const before = snapshot(root);
    const fail = (check?: (f: string, i: number) => boolean) => (f: string, i: number) => {
      if (check?.(f, i)) throw new Error('injected failure');
    };
    const hooks = {
      afterStage: fail((points as { afterStage?: (f: string, i: number) => boolean }).afterStage),
      beforeCommit: fail((points as { beforeCommit?: (f: string, i: number) => boolean }).beforeCommit),
    };
    await expect(rotateKey(key, { dirs, hooks })).rejects.toMatchObject({
      code: 'ROTATE_FAILED',
      message: expect.stringContaining('every file was restored, the old key is still in use'),
    });
    expect(snapshot(root)).toEqual(before);
  });

  it('stops with nothing changed when an envelope does not open with the old key', async () => {
    const { root, key, dirs } = tree();
    fs.writeFileSync(
      path.join(root, 'etc/rock/zz-foreign.enc'),
      sealBytes(Buffer.alloc(32, 9), Buffer.from('x')),
    );
    const before = snapshot(root);
    await expect(rotateKey(key, { dirs })).rejects.toMatchObject({
      code: 'ENVELOPE_AUTH_FAILED',
      message: expect.stringMatching(
        /zz-foreign\.enc: cannot decrypt: .*; rotation stopped, nothing was changed$/,
      ),
    });
    expect(snapshot(root)).toEqual(before);
  });
});
