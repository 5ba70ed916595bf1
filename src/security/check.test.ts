import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKeys, formatKeyReport } from './check.js';
import { sealBytes } from './envelope.js';
import { formatKey } from './key-file.js';
import { createSigningKeyPair } from './keygen.js';
import { useTempDirs } from './test-support/temp-dir.js';

const tmp = useTempDirs();
const KEY = Buffer.alloc(32, 0x42);

function put(file: string, data: string | Uint8Array, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  fs.chmodSync(file, mode);
}

/** A gzip'd newc image of `root`, made by GNU cpio (an independent writer). */
function image(root: string, out: string): string {
  const list = execFileSync('find', ['.', '-mindepth', '1'], { cwd: root, encoding: 'utf8' });
  const cpio = execFileSync('cpio', ['-o', '-H', 'newc', '--quiet', '-R', '0:0'], { cwd: root, input: list });
  fs.writeFileSync(out, execFileSync('gzip', ['-9n'], { input: cpio }));
  return out;
}

describe('checking key files in a directory', () => {
  it('reads names that are not UTF-8 as bytes and shows them escaped', async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'etc/rock'), { recursive: true });
    const raw = Buffer.concat([
      Buffer.from(`${dir}/etc/rock/bad`),
      Buffer.of(0xff, 0xfe),
      Buffer.from('.key'),
    ]);
    fs.writeFileSync(raw, formatKey(KEY), { mode: 0o600 });
    fs.chmodSync(raw, 0o600);
    const r = await checkKeys(dir);
    expect(r.findings.map((f) => [f.path, f.rule])).toEqual([
      [`${dir}/etc/rock/bad\\xff\\xfe.key`, 'key.ok'],
    ]);
  });

  it('passes owner-only keys of the right size', async () => {
    const dir = tmp();
    put(path.join(dir, 'config/CONFIG_KEY'), formatKey(KEY), 0o600);
    await createSigningKeyPair(path.join(dir, 'sign.key'), path.join(dir, 'sign.pub'));
    const r = await checkKeys(dir);
    expect(r.passed).toBe(true);
    expect(r.findings.map((f) => [path.relative(dir, f.path), f.level, f.rule])).toEqual([
      ['config/CONFIG_KEY', 'ok', 'key.ok'],
      ['sign.key', 'ok', 'signing-key.ok'],
    ]);
  });

  it('warns about a key with mode 0644 (an error with strict modes), and fails a wrong size or a symlink', async () => {
    const dir = tmp();
    put(path.join(dir, 'CONFIG_KEY'), formatKey(KEY), 0o644);
    const loose = await checkKeys(dir);
    expect(loose.passed).toBe(true);
    expect(loose.warnings).toBe(1);
    expect(loose.findings[0]?.message).toBe(
      `${path.join(dir, 'CONFIG_KEY')}: mode: expected 0400 or 0600, found 0644`,
    );
    const strict = await checkKeys(dir, { strictModes: true });
    expect(strict.passed).toBe(false);
    expect(strict.findings[0]).toMatchObject({ level: 'error', rule: 'key.mode' });

    put(path.join(dir, 'sub/CONFIG_KEY'), `${formatKey(KEY).trim()}AAAA\n`, 0o600);
    fs.symlinkSync('../CONFIG_KEY', path.join(dir, 'sub/CONFIG_KEY.bak-1'));
    const bad = await checkKeys(dir);
    expect(bad.passed).toBe(false);
    expect(bad.findings.filter((f) => f.level === 'error').map((f) => f.rule)).toEqual([
      'key.format',
      'key.type',
    ]);
    expect(formatKeyReport(bad).split('\n').at(-1)).toBe(`FAILED: ${dir}: 2 errors, 1 warnings`);
  });
});

describe('checking key files inside an image', () => {
  it('reads the image without extracting it: modes, sizes, and envelopes that must open with the key', async () => {
    const dir = tmp();
    const root = path.join(dir, 'root');
    put(path.join(root, 'config/CONFIG_KEY'), formatKey(KEY), 0o400);
    put(path.join(root, 'config/node.yaml.enc'), sealBytes(KEY, Buffer.from('node_id: n1\n')), 0o644);
    const good = await checkKeys(image(root, path.join(dir, 'good.img')));
    expect(good.kind).toBe('image');
    expect(good.passed).toBe(true);
    expect(good.findings.map((f) => [f.path, f.level])).toEqual([
      ['/config/CONFIG_KEY', 'ok'],
      ['/config/node.yaml.enc', 'ok'],
    ]);

    fs.chmodSync(path.join(root, 'config/CONFIG_KEY'), 0o644);
    put(path.join(root, 'etc/rock/foreign.enc'), sealBytes(Buffer.alloc(32, 1), Buffer.from('x')), 0o644);
    const bad = await checkKeys(image(root, path.join(dir, 'bad.img')));
    expect(bad.findings.map((f) => [f.path, f.level, f.rule])).toEqual([
      ['/config/CONFIG_KEY', 'warning', 'key.mode'],
      ['/config/node.yaml.enc', 'ok', 'envelope.ok'],
      ['/etc/rock/foreign.enc', 'error', 'envelope.open'],
    ]);
    const strict = await checkKeys(path.join(dir, 'bad.img'), { strictModes: true });
    expect(strict.findings[0]).toMatchObject({
      level: 'error',
      message: '/config/CONFIG_KEY: mode: expected 0400 or 0600, found 0644',
    });
  });

  it('warns when the image carries no key', async () => {
    const dir = tmp();
    put(path.join(dir, 'root/etc/hostname'), 'x\n', 0o644);
    const r = await checkKeys(image(path.join(dir, 'root'), path.join(dir, 'nokey.img')));
    expect(r.findings.map((f) => [f.path, f.level, f.rule])).toEqual([
      ['/config/CONFIG_KEY', 'warning', 'key.missing'],
    ]);
  });
});
