import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runTool } from '../support/cli.js';

/** rock-cache --remote as a user runs it: its own processes, two cache directories, a real registry. */
const built = fs.existsSync(path.join(repoRoot, 'dist/bin/rock-cache.js'));
const registry = process.env.ROCK_TEST_REGISTRY;

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-cache-remote-e2e-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function cache(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return runTool('rock-cache', ['--dir', path.join(root, dir), ...args], {
    cwd: root,
    env: { ROCK_HOME: path.join(root, 'home'), ...env },
  });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!built)('rock-cache with a registry that is down', () => {
  it('a local hit exits 0; a miss exits 1 with a warning; --remote-required exits 2', async () => {
    const down = `oci://127.0.0.1:${await closedPort()}/rock-cache`;
    fs.writeFileSync(path.join(root, 'f'), 'bytes');
    const put = cache('a', ['--remote', down, 'put', 'k@1', 'f']);
    expect(put.status).toBe(0);
    expect(put.stderr).toMatch(new RegExp(`^rock-cache: warning: remote ${down}: push k@1: .*no answer`));

    const hit = cache('a', ['get', 'k@1', 'out'], { ROCK_CACHE_REMOTE: down });
    expect([hit.status, hit.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(path.join(root, 'out'), 'utf8')).toBe('bytes');

    const miss = cache('a', ['get', 'k@2', 'out2'], { ROCK_CACHE_REMOTE: down });
    expect(miss.status).toBe(1);
    expect(miss.stderr.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^rock-cache: warning: remote ${down}: get k@2: .*no answer.*continuing with the local cache`,
        ),
      ),
      `rock-cache: k@2: not in the cache (nor on ${down})`,
      '',
    ]);
    const strict = cache('a', ['--remote-required', 'get', 'k@2', 'out2'], { ROCK_CACHE_REMOTE: down });
    expect(strict.status).toBe(2);
    expect(strict.stderr).toMatch(new RegExp(`^rock-cache: remote ${down}: get k@2: `));
    expect(fs.existsSync(path.join(root, 'out2'))).toBe(false);
    expect(cache('a', ['--no-remote', 'has', 'k@2'], { ROCK_CACHE_REMOTE: down })).toMatchObject({
      status: 1,
      stderr: '',
    });
  });
});

describe.skipIf(!built || registry === undefined)(
  'rock-cache --remote on docker-registry 2.8 (ROCK_TEST_REGISTRY)',
  () => {
    it('put on one machine, get on another with an empty cache directory', () => {
      const remote = `oci://${new URL(registry!).host}/rock-cache-e2e/${Date.now().toString(36)}`;
      fs.writeFileSync(path.join(root, 'kernel'), Buffer.alloc(1 << 20, 3));
      expect(
        cache('a', ['--remote', remote, '--remote-required', 'put', 'kernel@6.1', 'kernel']),
      ).toMatchObject({
        status: 0,
        stderr: '',
      });
      fs.mkdirSync(path.join(root, 'home'), { recursive: true });
      fs.writeFileSync(path.join(root, 'home/cache.yaml'), `remote: ${remote}\n`);
      const got = cache('b', ['get', 'kernel@6.1', 'vmlinuz', '--json']);
      expect(got.status).toBe(0);
      expect(JSON.parse(got.stdout)).toMatchObject({ key: 'kernel@6.1', size: 1 << 20 });
      expect(fs.readFileSync(path.join(root, 'vmlinuz')).equals(Buffer.alloc(1 << 20, 3))).toBe(true);
      expect(JSON.parse(cache('b', ['--no-remote', 'list', '--json']).stdout)).toHaveLength(1);
    });
  },
);
