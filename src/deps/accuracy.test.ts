import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElfFile } from '../elf/index.js';
import { type BinaryDeps, hostFs, resolveDeps } from './index.js';
import { lddReport } from './test-support/native.js';

// A deterministic sample of this machine's executables and libraries compared with ldd (which runs the
// loader: only tests and bench/deps-accuracy.mjs do). The full run over every object is the bench.
function* walk(dir: string): Generator<string> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'debug') yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

function sample(): string[] {
  const out: string[] = [];
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/lib/x86_64-linux-gnu']) {
    const elf = [...walk(dir)].filter((p) => {
      try {
        const info = readElfFile(p);
        return (
          info.machine === 62 && info.class === 64 && (info.kind === 'dynamic' || info.kind === 'shared')
        );
      } catch {
        return false;
      }
    });
    const step = Math.max(1, Math.floor(elf.length / 40));
    for (let i = 0; i < elf.length; i += step) out.push(elf[i] as string);
  }
  return out;
}

describe('accuracy against ldd on a sample of this machine', () => {
  const files = sample();
  const result = resolveDeps(files, hostFs());

  it('covers a real sample', () => {
    expect(files.length).toBeGreaterThan(60);
  });

  it.each(files.map((f, i) => [f, i] as const))('%s', (file, i) => {
    const b = result.binaries[i] as BinaryDeps;
    const truth = lddReport(file);
    const ours = new Set(b.libraries.filter((l) => l.realPath).map((l) => l.realPath as string));
    // ldd runs a library without PT_INTERP under ld.so, which is then listed although nothing needs it.
    const paths = b.elf?.interpreter
      ? truth.paths
      : truth.paths.filter((p) => ours.has(p) || !p.endsWith('/ld-linux-x86-64.so.2'));
    expect([...ours].sort()).toEqual(paths);
    expect(
      b.libraries
        .filter((l) => !l.path)
        .map((l) => l.soname)
        .sort(),
    ).toEqual(truth.missing);
  });
});
