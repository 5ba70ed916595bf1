import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Compiles C source with gcc (or musl-gcc) into `out`; `args` are extra flags. */
export function cc(out: string, source: string, args: string[] = [], compiler = 'gcc'): string {
  const src = `${out}.c`;
  fs.writeFileSync(src, source);
  execFileSync(compiler, ['-o', out, src, ...args], { stdio: 'pipe' });
  return out;
}

/** A shared library exporting `fn` (calling `calls` functions of its own dependencies). */
export function sharedLib(out: string, fn: string, calls: string[] = [], args: string[] = []): string {
  const decl = calls.map((c) => `int ${c}(void);`).join('\n');
  const body = calls.length ? calls.map((c) => `${c}()`).join(' + ') : '1';
  return cc(out, `${decl}\nint ${fn}(void) { return ${body}; }\n`, [
    '-shared',
    '-fPIC',
    `-Wl,-soname,${path.basename(out)}`,
    ...args,
  ]);
}

/** What ldd reports: real paths of loaded objects (vdso excluded) and names not found. */
export function lddReport(
  file: string,
  env: Record<string, string> = {},
): { paths: string[]; missing: string[] } {
  let out = '';
  try {
    out = execFileSync('ldd', [file], {
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
  } catch (err) {
    out = String((err as { stdout?: Buffer }).stdout ?? '');
  }
  const paths = new Set<string>();
  const missing = new Set<string>();
  for (const line of out.split('\n')) {
    const found = /^\s+\S+ => (\/.*) \(0x[0-9a-f]+\)$/.exec(line);
    const bare = /^\s+(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    const none = /^\s+(\S+) => not found$/.exec(line);
    if (found?.[1]) paths.add(fs.realpathSync(found[1]));
    else if (bare?.[1]) paths.add(fs.realpathSync(bare[1]));
    else if (none?.[1]) missing.add(none[1]);
  }
  return { paths: [...paths].sort(), missing: [...missing].sort() };
}
