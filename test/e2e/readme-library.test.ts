import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';

/** The ```js block of README.md's "Use it as a library" section, verbatim. */
function readmeProgram(): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split('\n## Use it as a library\n')[1]?.split('\n## ')[0] ?? '';
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('README.md: no ```js block under "## Use it as a library"');
  return code;
}

const fixtures = path.join(repoRoot, '.cache/fixtures');
const vmlinuz = path.join(repoRoot, '.cache/kernel/vmlinuz');
const ready = fs.existsSync(path.join(fixtures, 'rock-init')) && fs.existsSync(vmlinuz);

// The program imports 'rock-os-tools' as a user's would: through node_modules and package.json's
// exports (dist/), so a temp directory gets node_modules/rock-os-tools -> this repository.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-readme-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function ensureBuilt(): void {
  const dist = path.join(repoRoot, 'dist/index.js');
  const newest = Math.max(
    ...['src/index.ts', 'src/image/create-image.ts', 'src/verify/index.ts'].map(
      (f) => fs.statSync(path.join(repoRoot, f)).mtimeMs,
    ),
  );
  // tsc emits even when files of other folders have type errors; its exit code is not ours.
  if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < newest)
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: repoRoot });
}

describe('README "Use it as a library"', () => {
  const program = readmeProgram();
  fs.mkdirSync(path.join(work, 'node_modules'));
  fs.symlinkSync(repoRoot, path.join(work, 'node_modules/rock-os-tools'));
  const file = path.join(work, 'example.mjs');
  fs.writeFileSync(file, program);

  it('type-checks against the published types (dist/index.d.ts)', () => {
    ensureBuilt();
    const tsc = spawnSync(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--allowJs',
        '--checkJs',
        '--strict',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        '--typeRoots',
        path.join(repoRoot, 'node_modules/@types'),
        '--types',
        'node',
        file,
      ],
      { cwd: work, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it.skipIf(!ready)(
    'creates, verifies and boots an image (needs .cache/fixtures and .cache/kernel)',
    () => {
      ensureBuilt();
      const run = spawnSync(process.execPath, [file, fixtures, vmlinuz], {
        cwd: work,
        encoding: 'utf8',
        timeout: 300_000,
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^(.*\/)?rock\.img: \d+ bytes, sha256 [0-9a-f]{64}$/);
      expect(lines.slice(1)).toEqual(['verified', 'boot: passed']);
      expect(fs.statSync(path.join(work, 'rock.img')).size).toBeGreaterThan(0);
    },
    320_000,
  );
});
