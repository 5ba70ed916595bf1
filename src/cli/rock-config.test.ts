import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rockConfigProgram } from './rock-config.js';
import { type Captured, runInProcess } from './test-support/run-in-process.js';

function cli(...argv: string[]): Promise<Captured> {
  return runInProcess('rock-config', rockConfigProgram, argv);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
  dirs.push(d);
  return d;
}

describe('rock-config', () => {
  it('init writes a starter that validate accepts; validate exits 1 with positioned errors', async () => {
    const dir = tmp();
    const file = path.join(dir, 'node.yaml');
    expect((await cli('init', '-o', file)).code).toBe(0);
    expect(await cli('validate', file)).toEqual({ code: 0, out: `${file}: valid`, err: '' });
    const badText = fs.readFileSync(file, 'utf8').replace('mtu: 1500', 'mtu: 100');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), badText);
    const line = badText.split('\n').indexOf('  mtu: 100') + 1;
    expect(line).toBeGreaterThan(1);
    const bad = await cli('validate', file, path.join(dir, 'bad.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.out.split('\n')).toEqual([
      `${file}: valid`,
      `${path.join(dir, 'bad.yaml')}:${line}:8: network.mtu: expected an integer MTU 1280-9000, got 100`,
    ]);
    const json = await cli('validate', path.join(dir, 'bad.yaml'), '--json');
    expect(JSON.parse(json.out)[0].errors[0]).toMatchObject({
      line,
      column: 8,
      path: 'network.mtu',
      code: 'too_small',
    });
    expect((await cli('validate', path.join(dir, 'missing.yaml'))).code).toBe(2);
  });

  it('generate, merge, show, encrypt and decrypt', async () => {
    const dir = tmp();
    const node = path.join(dir, 'n7.yaml');
    expect((await cli('generate', '--node-id', 'n7', '--mac', '52:54:00:00:00:07', '-o', node)).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'o.yaml'), 'volcano:\n  token: abc-secret\n');
    const merged = await cli('merge', node, path.join(dir, 'o.yaml'), '-o', path.join(dir, 'm.yaml'));
    expect(merged.code).toBe(0);
    const shown = await cli('show', path.join(dir, 'm.yaml'));
    expect(shown.out).toContain('token: <redacted>');
    expect(shown.out).not.toContain('abc-secret');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'network:\n  mtu: 1\n');
    const badMerge = await cli('merge', node, path.join(dir, 'bad.yaml'), '-o', path.join(dir, 'never.yaml'));
    expect(badMerge.code).toBe(1);
    expect(badMerge.err).toContain('network.mtu: expected an integer MTU 1280-9000, got 1');
    expect(fs.existsSync(path.join(dir, 'never.yaml'))).toBe(false);

    const key = path.join(dir, 'K');
    fs.writeFileSync(key, `${Buffer.alloc(32, 5).toString('base64')}\n`, { mode: 0o600 });
    expect(
      (await cli('encrypt', path.join(dir, 'm.yaml'), '-o', path.join(dir, 'm.enc'), '--key', key)).code,
    ).toBe(0);
    expect((await cli('show', path.join(dir, 'm.enc'))).code).toBe(2);
    expect((await cli('show', path.join(dir, 'm.enc'), '--key', key)).out).toContain('node_id: n7');
    const dec = await cli(
      'decrypt',
      path.join(dir, 'm.enc'),
      '-o',
      path.join(dir, 'back.yaml'),
      '--key',
      key,
    );
    expect(dec.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'back.yaml'), 'utf8')).toBe(
      fs.readFileSync(path.join(dir, 'm.yaml'), 'utf8'),
    );
    expect(
      (await cli('encrypt', path.join(dir, 'bad.yaml'), '-o', path.join(dir, 'b.enc'), '--key', key)).code,
    ).toBe(1);
  });

  it('schema prints the JSON Schema', async () => {
    const r = await cli('schema');
    expect(JSON.parse(r.out).title).toBe('ROCK-OS node.yaml');
  });

  it('never echoes a CONFIG_KEY or binary data given where a node config was expected', async () => {
    const dir = tmp();
    const keyText = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
    const key = path.join(dir, 'CONFIG_KEY');
    fs.writeFileSync(key, `${keyText}\n`, { mode: 0o600 });
    const blob = path.join(dir, 'blob');
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) % 256));
    fs.writeFileSync(blob, bytes);
    const keyWords = 'found one line of base64 of 44 characters (a CONFIG_KEY?)';
    const runs = {
      validate: await cli('validate', key),
      validateJson: await cli('validate', key, '--json'),
      show: await cli('show', key),
      encrypt: await cli('encrypt', key, '--key', key, '-o', path.join(dir, 'out.enc')),
      encryptJson: await cli('encrypt', key, '--key', key, '-o', path.join(dir, 'out.enc'), '--json'),
      showBinary: await cli('show', blob),
      validateBinary: await cli('validate', blob),
    };
    for (const run of Object.values(runs)) {
      expect(run.out + run.err).not.toContain(keyText.slice(0, 12));
      expect(run.out + run.err).not.toContain(bytes.subarray(20, 24).toString('latin1'));
    }
    expect(runs.validate).toEqual({
      code: 1,
      out: `${key}:1:1: expected a mapping (a node configuration), ${keyWords}`,
      err: '',
    });
    expect(runs.show).toEqual({
      code: 2,
      out: '',
      err: `rock-config: ${key}: expected a node configuration (a YAML mapping), ${keyWords}; nothing of it is shown`,
    });
    expect(runs.encrypt.err).toContain(keyWords);
    expect(fs.existsSync(path.join(dir, 'out.enc'))).toBe(false);
    expect(runs.showBinary).toEqual({
      code: 2,
      out: '',
      err: `rock-config: ${blob}: expected a node configuration (a YAML mapping), found binary data (300 bytes); nothing of it is shown`,
    });
    expect(runs.validateBinary.out).toBe(
      `${blob}:1:1: expected a mapping (a node configuration), found binary data (300 bytes)`,
    );
  });
});
