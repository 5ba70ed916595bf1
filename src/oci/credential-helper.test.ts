import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InputError } from '../errors/index.js';
import { readCredentials, removeCredentials, storeCredentials } from './docker-config.js';
import { helperEnv, installCredentialHelper } from './test-support/credential-helper-fixture.js';

let dir: string;
let env: Record<string, string>;
let fixture: ReturnType<typeof installCredentialHelper>;
const config = () => path.join(dir, 'config.json');
const writeConfig = (value: unknown) => fs.writeFileSync(config(), JSON.stringify(value));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-cred-helper-'));
  fixture = installCredentialHelper(dir);
  env = { DOCKER_CONFIG: dir, ...helperEnv(fixture) };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    return error as InputError;
  }
  throw new Error('expected a throw');
}

describe('docker credential helpers (credsStore, credHelpers)', () => {
  it('credsStore: login stores in the helper (config.json keeps an empty entry), reads and erases there', async () => {
    writeConfig({ credsStore: 'rocktest', auths: { 'reg.example': { auth: 'b2xkOm9sZA==' } } });
    const stored = await storeCredentials('reg.example', 'ann', 's3cret:x', env);
    expect(stored).toEqual({ file: config(), helper: 'docker-credential-rocktest' });
    const file = fs.readFileSync(config(), 'utf8');
    expect(JSON.parse(file)).toEqual({ credsStore: 'rocktest', auths: { 'reg.example': {} } });
    expect(file).not.toContain('s3cret');
    expect(JSON.parse(fs.readFileSync(fixture.storeFile, 'utf8'))).toEqual({
      'reg.example': { Username: 'ann', Secret: 's3cret:x' },
    });
    expect(readCredentials('reg.example', env)).toEqual({
      username: 'ann',
      password: 's3cret:x',
      source: `docker-credential-rocktest (${config()})`,
    });
    // The helper is asked, and says it has nothing: anonymous, as docker does (no fall-back to auths).
    expect(readCredentials('other.example', env)).toBeUndefined();
    expect(await removeCredentials('reg.example', env)).toBe(true);
    expect(readCredentials('reg.example', env)).toBeUndefined();
    expect(await removeCredentials('reg.example', env)).toBe(false);
    // Secrets went through stdin only: the helper's argv is the verb alone.
    const argv = fs.readFileSync(fixture.argvLog, 'utf8').trim().split('\n');
    expect(new Set(argv)).toEqual(new Set(['store', 'get', 'erase']));
  });

  it('credHelpers[host] wins over credsStore; other hosts keep the file entry', async () => {
    writeConfig({
      credsStore: 'absent',
      credHelpers: { 'reg.example': 'rocktest' },
      auths: {},
    });
    await storeCredentials('reg.example', 'bob', 'pw', env);
    expect(readCredentials('reg.example', env)?.username).toBe('bob');
    const err = thrown(() => readCredentials('plain.example', env));
    expect(err.code).toBe('DOCKER_CREDENTIAL_HELPER_FAILED');
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`${config()}: docker-credential-absent get: not found on PATH`);
  });

  it('a helper that fails is one line that never quotes what it printed (it may hold the secret)', async () => {
    writeConfig({ credsStore: 'rocktest' });
    const err = await storeCredentials('reg.example', 'refuse-me', 'hunter2', env).then(
      () => undefined,
      (e: InputError) => e,
    );
    expect(err?.code).toBe('DOCKER_CREDENTIAL_HELPER_FAILED');
    expect(err?.message).toBe(`${config()}: docker-credential-rocktest store: exited 3`);
    expect(JSON.stringify(err)).not.toContain('hunter2');
    expect(JSON.parse(fs.readFileSync(config(), 'utf8'))).toEqual({ credsStore: 'rocktest' });
  });

  it('refuses an identity token (docker login through a browser) with what to do instead', () => {
    writeConfig({ credsStore: 'rocktest' });
    fs.writeFileSync(
      fixture.storeFile,
      JSON.stringify({ 'reg.example': { Username: '<token>', Secret: 'rt' } }),
    );
    const err = thrown(() => readCredentials('reg.example', env));
    expect(err.message).toMatch(/holds an identity token for reg\.example, not a user name and password/);
    expect(err.message).not.toContain('rt"');
  });

  it('refuses a credsStore or credHelpers of the wrong type, naming the field', () => {
    writeConfig({ credsStore: 7 });
    expect(thrown(() => readCredentials('h', env)).message).toBe(
      `${config()}: credsStore: expected a helper name`,
    );
    writeConfig({ credHelpers: { h: 1 } });
    expect(thrown(() => readCredentials('h', env)).message).toBe(
      `${config()}: credHelpers: expected an object of helper names`,
    );
  });
});
