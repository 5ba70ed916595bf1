import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatKey } from '../security/index.js';
import {
  decryptConfig,
  encryptConfig,
  mergeConfigFiles,
  showConfig,
  validateConfigFile,
  writeStarter,
} from './config-files.js';
import { STARTER_NODE_CONFIG } from './starter.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
  dirs.push(dir);
  const key = path.join(dir, 'CONFIG_KEY');
  fs.writeFileSync(key, formatKey(Buffer.alloc(32, 3)), { mode: 0o600 });
  const node = path.join(dir, 'node.yaml');
  fs.writeFileSync(
    node,
    STARTER_NODE_CONFIG.replace('  agent_id: node-01\n', '  agent_id: node-01\n  token: t0ps3cret\n'),
  );
  return { dir, key, node };
}

describe('config files', () => {
  it('encrypts a valid config, then shows, validates and merges it through the key, decrypting in memory', async () => {
    const { dir, key, node } = setup();
    const enc = path.join(dir, 'node.yaml.enc');
    await encryptConfig(node, enc, key);
    expect(fs.readFileSync(enc).subarray(0, 7).toString()).toBe('ROCKENC');
    expect(() => showConfig(enc)).toThrow(expect.objectContaining({ code: 'CONFIG_ENCRYPTED' }));
    const shown = showConfig(enc, { key });
    expect(shown).toContain('token: <redacted>');
    expect(shown).not.toContain('t0ps3cret');
    expect(validateConfigFile(enc, { key })).toMatchObject({ encrypted: true, result: { ok: true } });
    expect(mergeConfigFiles(enc, [node], { key }).validation.ok).toBe(true);
    const out = path.join(dir, 'out.yaml');
    const r = await decryptConfig(enc, out, key);
    expect(r.validation.ok).toBe(true);
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(node, 'utf8'));
  });

  it('refuses to encrypt an invalid config unless told, and never encrypts twice', async () => {
    const { dir, key } = setup();
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'node_id: n1\n');
    await expect(encryptConfig(bad, path.join(dir, 'bad.enc'), key)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      exitCode: 1,
      message: `${bad}:1:1: hostname: expected a hostname, got nothing (missing key) (and 3 more)`,
    });
    expect(fs.existsSync(path.join(dir, 'bad.enc'))).toBe(false);
    await encryptConfig(bad, path.join(dir, 'bad.enc'), key, { validate: false });
    await expect(encryptConfig(path.join(dir, 'bad.enc'), path.join(dir, 'x'), key)).rejects.toMatchObject({
      code: 'CONFIG_ALREADY_ENCRYPTED',
    });
  });

  it('writes the starter once, mode 0644', async () => {
    const { dir } = setup();
    const file = path.join(dir, 'new.yaml');
    await writeStarter(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(STARTER_NODE_CONFIG);
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    await expect(writeStarter(file)).rejects.toMatchObject({ code: 'CONFIG_EXISTS' });
  });
});
