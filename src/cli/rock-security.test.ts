import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runTool } from '../../test/support/cli.js';
import { rockSecurityProgram } from './rock-security.js';
import { type Captured, runInProcess } from './test-support/run-in-process.js';

function cli(...argv: string[]): Promise<Captured> {
  return runInProcess('rock-security', rockSecurityProgram, argv);
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

/** Every spelling of a key a careless message could leak: its base64, hex and base64url. */
function spellings(keyFile: string): string[] {
  const b64 = fs.readFileSync(keyFile, 'utf8').trim();
  const bytes = Buffer.from(b64, 'base64');
  return [
    b64,
    b64.slice(0, 20),
    bytes.toString('hex'),
    bytes.toString('hex').slice(0, 20),
    bytes.toString('base64url'),
  ];
}

function ensureBuilt(): void {
  const bin = path.join(repoRoot, 'dist/bin/rock-security.js');
  const newest = ['src/cli/rock-security.ts', 'src/security/rotate.ts', 'src/security/envelope.ts'].map(
    (f) => fs.statSync(path.join(repoRoot, f)).mtimeMs,
  );
  if (!fs.existsSync(bin) || fs.statSync(bin).mtimeMs < Math.max(...newest)) {
    // tsc emits even when files of other folders have type errors; its exit code is not ours.
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: repoRoot });
  }
}

describe('rock-security', () => {
  it('never prints key material, whatever the command and however it ends', async () => {
    const dir = tmp();
    const key = path.join(dir, 'CONFIG_KEY');
    const outputs: string[] = [];
    const run = async (...argv: string[]) => {
      const r = await cli(...argv);
      outputs.push(r.out, r.err);
      return r;
    };
    expect((await run('keygen', '--out', key)).code).toBe(0);
    const first = spellings(key);
    fs.writeFileSync(path.join(dir, 'node.yaml'), 'node_id: n1\n');
    expect(
      (await run('encrypt', path.join(dir, 'node.yaml'), '-o', path.join(dir, 'node.enc'), '--key', key))
        .code,
    ).toBe(0);
    expect(
      (await run('decrypt', path.join(dir, 'node.enc'), '-o', path.join(dir, 'out'), '--key', key, '--json'))
        .code,
    ).toBe(0);
    expect((await run('keygen', '--out', key)).code).toBe(2);
    expect((await run('check', dir)).code).toBe(0);
    expect((await run('check', dir, '--json')).code).toBe(0);
    fs.chmodSync(key, 0o644);
    expect((await run('check', dir, '--strict')).code).toBe(1);
    expect(
      (await run('encrypt', path.join(dir, 'node.yaml'), '-o', path.join(dir, 'n2.enc'), '--key', key)).err,
    ).toContain('warning');
    fs.chmodSync(key, 0o600);
    // A key file one character off: the error must describe it without quoting it.
    const near = path.join(dir, 'NEAR_KEY');
    fs.writeFileSync(near, `${fs.readFileSync(key, 'utf8').trim()}A\n`);
    const refused = await run(
      'decrypt',
      path.join(dir, 'node.enc'),
      '-o',
      path.join(dir, 'x'),
      '--key',
      near,
      '--json',
    );
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.out).error.code).toBe('KEY_BAD_FORMAT');
    expect((await run('rotate', '--key', key, '--json')).code).toBe(0);
    const second = spellings(key);
    const backup = fs.readdirSync(dir).find((n) => n.startsWith('CONFIG_KEY.bak-'))!;
    expect(spellings(path.join(dir, backup))).toEqual(first);
    const other = path.join(dir, 'OTHER');
    await run('keygen', '--out', other);
    expect(
      (await run('decrypt', path.join(dir, 'node.enc'), '-o', path.join(dir, 'y'), '--key', other)).code,
    ).toBe(2);
    const all = outputs.join('\n');
    for (const secret of [...first, ...second, ...spellings(other)]) expect(all).not.toContain(secret);
    expect(all).toContain('new config key (32 bytes, mode 0600)');
  });

  it('verify exits 1 for a bad signature and 0 for a good one', async () => {
    const dir = tmp();
    expect((await cli('keygen', '--sign', '--out', path.join(dir, 's.key'))).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 's.pub'))).toBe(true);
    const file = path.join(dir, 'rock.img');
    fs.writeFileSync(file, 'image');
    expect((await cli('sign', file, '--key', path.join(dir, 's.key'))).code).toBe(0);
    const ok = await cli('verify', file, '--pub', path.join(dir, 's.pub'));
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(
      /^.*rock\.img: signature verified \(key [0-9A-F]{16}\)\ntrusted comment: timestamp:\d+\tfile:rock\.img\thashed$/,
    );
    fs.appendFileSync(file, '!');
    const bad = await cli('verify', file, '--pub', path.join(dir, 's.pub'));
    expect(bad).toEqual({
      code: 1,
      out: '',
      err: `rock-security: ${file}: signature verification failed against ${path.join(dir, 's.pub')}`,
    });
  });

  it('hash prints sha256sum lines', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'abc'), 'abc');
    const r = await cli('hash', path.join(dir, 'abc'));
    expect(r.out).toBe(
      `ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  ${path.join(dir, 'abc')}`,
    );
    expect((await cli('hash', '--algo', 'md5', path.join(dir, 'abc'))).code).toBe(2);
  });

  it('runs as a process: exit codes, JSON on stdout, one-line errors on stderr, no key printed', () => {
    ensureBuilt();
    const dir = tmp();
    const key = path.join(dir, 'CONFIG_KEY');
    const gen = runTool('rock-security', ['keygen', '--out', key, '--json']);
    expect(gen.status).toBe(0);
    expect(JSON.parse(gen.stdout)).toEqual({ path: key });
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    const enc = runTool('rock-security', [
      'encrypt',
      path.join(dir, 'f'),
      '-o',
      path.join(dir, 'f.enc'),
      '--key',
      key,
    ]);
    expect(enc.status).toBe(0);
    const tampered = fs.readFileSync(path.join(dir, 'f.enc'));
    tampered[25]! ^= 4;
    fs.writeFileSync(path.join(dir, 'f.enc'), tampered);
    const dec = runTool('rock-security', [
      'decrypt',
      path.join(dir, 'f.enc'),
      '-o',
      path.join(dir, 'out'),
      '--key',
      key,
    ]);
    expect(dec.status).toBe(2);
    expect(dec.stdout).toBe('');
    expect(dec.stderr).toBe(
      `rock-security: ${path.join(dir, 'f.enc')}: cannot decrypt: wrong key, or the file was modified or truncated (AES-256-GCM tag mismatch)\n`,
    );
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    for (const s of spellings(key))
      expect(gen.stdout + gen.stderr + enc.stdout + enc.stderr + dec.stderr).not.toContain(s);
  });
});
