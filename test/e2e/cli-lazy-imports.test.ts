// What each built tool loads: `--version`, `--help` and a usage error load commander and the flag
// wiring only, and a read command only what its work needs (`rock-image ls` never zod, yaml, SQLite,
// pg or the zstd/xz bindings; `rock-verify integration` zod and yaml only for an image with a node.yaml; rock-mac on SQLite never pg). Counted with a module hook in the tool's own process, not timed.
// The tools run as shipped, bundled (dist/bin/): each file of the bundle it loads counts as the
// modules in it, from the bundle's dist/bin/meta.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, repoRoot, runTool } from '../support/cli.js';

/** Every tool and a usage error of one of its commands (rejected before any action runs). */
const TOOLS: readonly [string, string[]][] = [
  ['rock-image', ['ls', 'i.img', '--no-such-flag']],
  ['rock-verify', ['integration', 'i.img', '--no-such-flag']],
  ['rock-kernel', ['list', '--no-such-flag']],
  ['rock-security', ['hash', 'a', '--no-such-flag']],
  ['rock-config', ['validate', 'a', '--no-such-flag']],
  ['rock-mac', ['stats', '--no-such-flag']],
  ['rock-deps', ['scan', '/bin/ls', '--no-such-flag']],
  ['rock-cache', ['list', '--no-such-flag']],
  ['rock-compose', ['validate', 'p.yaml', '--no-such-flag']],
  ['rock-registry', ['list', '--no-such-flag']],
  ['rock-build', ['list', '--no-such-flag']],
];

/** The dependencies the program wiring may load: commander only. */
const WIRING = ['@commander-js/extra-typings', 'commander'];

let work: string;
let hook: string;
let image: string;
/** The same image with a /config/node.yaml. */
let configured: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rock-lazy-imports-'));
  // ESM modules through a load hook (its own thread), CommonJS ones from require's cache at exit:
  // between them every module of the process, whichever way it was loaded.
  writeFileSync(
    join(work, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.ROCK_TEST_LOADED, url + '\\n');
  return next(url, context);
}
`,
  );
  hook = join(work, 'record.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register(new URL('./hooks.mjs', import.meta.url));
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.ROCK_TEST_LOADED, Object.keys(cache).join('\\n') + '\\n'));
`,
  );
  image = join(work, 'rock.img');
  const key = join(work, 'key');
  writeFileSync(key, 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n', { mode: 0o600 });
  const create = (output: string, ...flags: string[]) => {
    const made = runTool('rock-image', [
      'create',
      ...componentFlags(fixturesDir()),
      '--config-key',
      key,
      ...flags,
      '-q',
      '-o',
      output,
    ]);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
  };
  create(image);
  const nodeConfig = join(work, 'node.yaml');
  writeFileSync(
    nodeConfig,
    'node_id: n1\nhostname: n1\nrole: worker\nnetwork:\n  interface: eth0\nvolcano:\n  server_url: https://v.example.com:8443\n  agent_id: n1\n',
  );
  configured = join(work, 'configured.img');
  create(configured, '--node-config', nodeConfig);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

let runs = 0;

/** The modules in each file of the bundle (scripts/bundle-cli.mjs), paths from the repository root. */
const bundled = (): Record<string, string[]> =>
  JSON.parse(readFileSync(join(repoRoot, 'dist/bin/meta.json'), 'utf8')) as Record<string, string[]>;

/** Runs a built tool with the hook; its exit code, stdout and the npm packages it loaded. */
function loading(
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; packages: string[]; modules: string[] } {
  const record = join(work, `loaded-${runs++}.txt`);
  writeFileSync(record, '');
  const run = spawnSync(
    process.execPath,
    ['--import', hook, join(repoRoot, 'dist/bin', `${tool}.js`), ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...env, ROCK_TEST_LOADED: record },
    },
  );
  const inBundle = bundled();
  const loaded = readFileSync(record, 'utf8')
    .split('\n')
    .flatMap((m) => {
      const file = /\/dist\/bin\/([^/]+\.js)$/.exec(m)?.[1];
      const inputs = file === undefined ? undefined : inBundle[file];
      return inputs ? [m, ...inputs.map((input) => join(repoRoot, input))] : [m];
    });
  const packages = new Set<string>();
  for (const m of loaded) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m);
    if (match?.[1]) packages.add(match[1]);
  }
  // The hook must have seen the tool itself: an empty record would pass every test below.
  expect(loaded.some((m) => m.endsWith(`/dist/bin/${tool}.js`))).toBe(true);
  expect(loaded.some((m) => m.endsWith(`/dist/cli/${tool}.js`))).toBe(true);
  // Our own modules, as paths under dist/ (e.g. `cpio/gzip-segment.js`).
  const modules = loaded.flatMap((m) => {
    const match = /\/dist\/(.+\.js)$/.exec(m);
    return match?.[1] && !m.includes('/node_modules/') && !match[1].startsWith('bin/') ? [match[1]] : [];
  });
  return { status: run.status, stdout: run.stdout, packages: [...packages].sort(), modules };
}

describe('tool start-up loads the program wiring only', () => {
  it.each(TOOLS)(
    '%s: --version, --help and a usage error load no dependency but commander',
    (tool, usage) => {
      const version = loading(tool, ['--version']);
      expect(version.status).toBe(0);
      expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
      expect(version.packages).toEqual(WIRING);
      const help = loading(tool, ['--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('Example');
      expect(help.packages).toEqual(WIRING);
      const bad = loading(tool, usage);
      expect(bad.status).toBe(2);
      expect(bad.packages).toEqual(WIRING);
    },
  );
});

describe('a read command loads what its work needs', () => {
  it('rock-image ls lists the image with no dependency but commander (no zod, yaml, SQLite, pg, zstd, xz)', () => {
    const run = loading('rock-image', ['ls', image]);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toContain('sbin/init');
    expect(run.packages).toEqual(WIRING);
    // A gzip image needs the gzip decoder only; the writer side of src/cpio stays unloaded too.
    expect(run.modules).toContain('cpio/gzip-segment.js');
    for (const unused of ['bzip2', 'lzo', 'lz4', 'xz', 'zstd'])
      expect(run.modules).not.toContain(`cpio/${unused}-segment.js`);
    expect(run.modules).not.toContain('cpio/newc-writer.js');
  });

  it('rock-mac stats on a SQLite dispenser never loads the PostgreSQL driver', () => {
    const run = loading('rock-mac', ['stats', '--json'], { ROCK_HOME: join(work, 'home') });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).length).toBeGreaterThan(0);
    expect(run.packages).toContain('better-sqlite3');
    expect(run.packages).not.toContain('pg');
  });

  it("rock-verify integration passes the image without rock-mac's stores, the zstd/xz bindings, zod or yaml", () => {
    const run = loading('rock-verify', ['integration', image]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^PASSED: /m);
    // No /config/node.yaml in it: nothing for the node-config schema (zod, yaml) to validate.
    for (const heavy of ['better-sqlite3', 'pg', 'zstd-napi', 'lzma-native', 'zod', 'yaml'])
      expect(run.packages).not.toContain(heavy);
  });

  it('rock-verify integration of a missing file loads no dependency but commander', () => {
    const run = loading('rock-verify', ['integration', join(work, 'missing.img')]);
    expect(run.status).toBe(2);
    expect(run.packages).toEqual(WIRING);
  });

  it('rock-verify integration of an image with a node.yaml loads the schema to validate it', () => {
    const run = loading('rock-verify', ['integration', configured]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^PASSED: /m);
    expect(run.packages).toContain('zod');
    expect(run.packages).toContain('yaml');
  });
});
