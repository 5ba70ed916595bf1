// End to end: an output that is one of the command's inputs is refused (exit 2) and left untouched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, repoRoot, runTool } from '../support/cli.js';

let work: string;
const KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n';
const NODE =
  'node_id: n1\nhostname: n1\nrole: worker\nnetwork:\n  interface: eth0\nvolcano:\n  server_url: https://volcano.example.com:8443\n  agent_id: n1\n';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rock-outin-'));
  writeFileSync(join(work, 'CONFIG_KEY'), KEY, { mode: 0o600 });
  writeFileSync(join(work, 'node.yaml'), NODE);
  writeFileSync(join(work, 'site.yaml'), 'hostname: n2\n');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cases: [string, string, () => string[], string, string][] = [
  [
    'rock-image create --config-key K -o K',
    'rock-image',
    () => ['create', ...componentFlags(fixturesDir()), '--config-key', 'CONFIG_KEY', '-o', 'CONFIG_KEY'],
    'CONFIG_KEY',
    KEY,
  ],
  [
    'rock-image create -o the busybox it packs',
    'rock-image',
    () => ['create', ...componentFlags(fixturesDir()), '-o', join(fixturesDir(), 'busybox')],
    join(fixturesDir(), 'busybox'),
    '',
  ],
  [
    'rock-security encrypt -o the key',
    'rock-security',
    () => ['encrypt', 'node.yaml', '--key', 'CONFIG_KEY', '-o', './CONFIG_KEY'],
    'CONFIG_KEY',
    KEY,
  ],
  [
    'rock-security decrypt -o its input',
    'rock-security',
    () => ['decrypt', 'node.yaml', '--key', 'CONFIG_KEY', '-o', 'node.yaml'],
    'node.yaml',
    NODE,
  ],
  [
    'rock-security sign -x the secret key',
    'rock-security',
    () => ['sign', 'node.yaml', '--key', 'CONFIG_KEY', '-x', 'CONFIG_KEY'],
    'CONFIG_KEY',
    KEY,
  ],
  [
    'rock-config encrypt -o its input',
    'rock-config',
    () => ['encrypt', 'node.yaml', '--key', 'CONFIG_KEY', '-o', 'node.yaml'],
    'node.yaml',
    NODE,
  ],
  [
    'rock-config merge -o the base',
    'rock-config',
    () => ['merge', 'node.yaml', 'site.yaml', '-o', 'node.yaml'],
    'node.yaml',
    NODE,
  ],
];

describe('an output that is one of the inputs', () => {
  for (const [name, tool, args, victim, content] of cases) {
    it(`${name}: refused, exit 2, nothing written`, () => {
      const before = readFileSync(resolve(work, victim));
      const run = runTool(tool, args(), { cwd: work });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        /output: expected a file that is not an input, found the \w+ input .*nothing was written\n$/,
      );
      expect(readFileSync(resolve(work, victim))).toEqual(before);
      if (content !== '') expect(readFileSync(resolve(work, victim), 'utf8')).toBe(content);
    });
  }
});

describe('rock-kernel boot --log', () => {
  it('refuses a log file that is the image it boots, before QEMU starts', () => {
    const env = { ROCK_HOME: join(work, 'home') };
    const vmlinuz = join(repoRoot, '.cache/kernel/vmlinuz');
    expect(runTool('rock-kernel', ['add', vmlinuz, '-q'], { env }).status).toBe(0);
    writeFileSync(join(work, 'rock.img'), 'image bytes');
    const run = runTool('rock-kernel', ['boot', '--image', 'rock.img', '--log', './rock.img'], {
      cwd: work,
      env,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('found the image input rock.img; nothing was written');
    expect(readFileSync(join(work, 'rock.img'), 'utf8')).toBe('image bytes');
  });
});
