// The package's `bin` entries as npm installs them: each one a bundled tool under dist/bin/
// (scripts/bundle-cli.mjs), run through a symlink by its shebang, the way `npm link` or a global
// install puts it on PATH (node_modules/.bin/rock-image -> ../rock-os-tools/dist/bin/rock-image.js).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const work = mkdtempSync(join(tmpdir(), 'rock-bin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('package.json bin', () => {
  it('names the eleven tools, each its bundle in dist/bin/', () => {
    expect(Object.keys(pkg.bin).sort()).toEqual(
      [
        'rock-build',
        'rock-cache',
        'rock-compose',
        'rock-config',
        'rock-deps',
        'rock-image',
        'rock-kernel',
        'rock-mac',
        'rock-registry',
        'rock-security',
        'rock-verify',
      ].sort(),
    );
    for (const [tool, file] of Object.entries(pkg.bin)) expect(file).toBe(`./dist/bin/${tool}.js`);
  });

  it.each(Object.entries(pkg.bin))('%s runs through a symlink by its shebang', (tool, file) => {
    const script = join(repoRoot, file);
    expect(readFileSync(script, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const link = join(work, tool);
    symlinkSync(script, link);
    const run = spawnSync(link, ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${pkg.version}\n`);
    expect(run.status).toBe(0);
  });
});
