import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helperEnv, installCredentialHelper } from '../../src/oci/test-support/credential-helper-fixture.js';
import { hostOf, testRegistries } from '../../src/oci/test-support/test-registry.js';
import { runTool } from '../support/cli.js';

// The built rock-registry as a user runs it (npm test builds dist/ first).
const registries = testRegistries();
let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-registry-e2e-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  return { ROCK_HOME: path.join(root, 'home'), DOCKER_CONFIG: path.join(root, 'docker') };
}

describe('rock-registry (built)', () => {
  it('--help of every command shows an example', () => {
    const commands = [
      'add',
      'get',
      'list',
      'search',
      'deps',
      'remove',
      'export',
      'import',
      'push',
      'pull',
      'push-image',
      'pull-image',
      'inspect',
      'login',
      'logout',
    ];
    const top = runTool('rock-registry', ['--help']);
    expect(top.status).toBe(0);
    for (const c of commands) {
      expect(top.stdout).toContain(`  ${c}`);
      const help = runTool('rock-registry', [c, '--help']);
      expect(help.status, c).toBe(0);
      expect(help.stdout, c).toMatch(/Examples?:\n {2}\$ .*rock-registry /);
    }
  });

  it('a registry that is down: exit 2, and with --json only the error object on stdout', () => {
    const r = runTool('rock-registry', ['inspect', 'oci://127.0.0.1:1/rock/x:1', '--json'], { env: env() });
    expect(r.status).toBe(2);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.error.code).toBe('OCI_UNREACHABLE');
    expect(parsed.error.message).toMatch(/^127\.0\.0\.1:1: GET \/v2\/rock\/x\/manifests\/1: no answer: /);
  });

  it.skipIf(registries.auth === undefined)(
    'login reads the password from stdin only and stores it 0600; logout removes it',
    () => {
      const auth = registries.auth ?? { url: 'http://x', username: '', password: '' };
      const host = hostOf(auth.url);
      const login = runTool(
        'rock-registry',
        ['login', host, '--username', auth.username, '--password-stdin'],
        {
          input: `${auth.password}\n`,
          env: env(),
        },
      );
      expect(login.status).toBe(0);
      expect(login.stdout).toBe(
        `logged in to ${host} as ${auth.username} (${path.join(root, 'docker', 'config.json')})\n`,
      );
      expect(login.stdout + login.stderr).not.toContain(auth.password);
      const file = path.join(root, 'docker', 'config.json');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const logout = runTool('rock-registry', ['logout', host], { env: env() });
      expect(logout.status).toBe(0);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ auths: {} });
    },
  );

  it.skipIf(registries.auth === undefined)(
    "with credsStore in docker's config.json, login stores in the credential helper and later commands use it",
    () => {
      const auth = registries.auth ?? { url: 'http://x', username: '', password: '' };
      const host = hostOf(auth.url);
      const fixture = installCredentialHelper(root);
      const withHelper = { ...env(), ...helperEnv(fixture) };
      fs.mkdirSync(path.join(root, 'docker'));
      const file = path.join(root, 'docker', 'config.json');
      fs.writeFileSync(file, JSON.stringify({ credsStore: 'rocktest' }));
      const inspect = () =>
        runTool('rock-registry', ['inspect', `oci://${host}/rock/absent:1`, '--json'], { env: withHelper });
      expect(JSON.parse(inspect().stdout).error.code).toBe('OCI_CREDENTIALS_REQUIRED');
      const login = runTool(
        'rock-registry',
        ['login', host, '--username', auth.username, '--password-stdin'],
        {
          input: `${auth.password}\n`,
          env: withHelper,
        },
      );
      expect(login.status, login.stderr).toBe(0);
      expect(login.stdout).toBe(
        `logged in to ${host} as ${auth.username} (docker-credential-rocktest, noted in ${file})\n`,
      );
      expect(fs.readFileSync(file, 'utf8')).not.toContain(auth.password);
      expect(JSON.parse(fs.readFileSync(fixture.storeFile, 'utf8'))[host].Username).toBe(auth.username);
      // Authenticated now: the registry answers about the manifest itself.
      expect(JSON.parse(inspect().stdout).error.code).toBe('OCI_NOT_FOUND');
      expect(runTool('rock-registry', ['logout', host], { env: withHelper }).status).toBe(0);
      expect(JSON.parse(fs.readFileSync(fixture.storeFile, 'utf8'))).toEqual({});
      expect(fs.readFileSync(fixture.argvLog, 'utf8')).not.toContain(auth.password);
    },
  );

  it('login without --password-stdin is a usage error: a password never goes on argv', () => {
    const r = runTool('rock-registry', ['login', '127.0.0.1:5000', '--username', 'u'], { env: env() });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("required option '--password-stdin' not specified");
  });
});
