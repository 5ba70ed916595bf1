import type { BinaryDeps, DepLibrary, DepsResult, VersionProblem } from './types.js';

function describe(b: BinaryDeps): string {
  if (b.identity === 'script' && b.script)
    return `script (#!${b.script.interpreter}${b.script.args ? ` ${b.script.args}` : ''})`;
  if (!b.elf) return b.identity;
  const libc = b.libc ? ` (${b.libc})` : '';
  return `${b.elf.kind} ${b.elf.class}-bit ${b.elf.machineName}${libc}`;
}

function libLine(l: DepLibrary): string {
  if (l.path === null) return `${l.soname} => not found`;
  const real = l.realPath !== null && l.realPath !== l.path ? ` -> ${l.realPath}` : '';
  const err = l.error === undefined ? '' : `  ERROR: ${l.error}`;
  return `${l.soname} => ${l.path}${real} (${l.via})${err}`;
}

/**
 * One line for a symbol-version problem, worded like glibc's loader:
 * `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6: version GLIBC_9.34 not found (required by /usr/bin/true)`.
 */
export function formatVersionProblem(p: VersionProblem): string {
  if (p.kind === 'unreadable') return `version records unreadable: ${p.message}`;
  const versions = p.missing.length === 1 ? 'version' : 'versions';
  return `${p.file} => ${p.library}: ${versions} ${p.missing.join(', ')} not found (required by ${p.object})`;
}

function scanLines(b: BinaryDeps, indent: string, out: string[]): void {
  out.push(`${indent}${b.path}: ${describe(b)}`);
  if (b.error) out.push(`${indent}  ERROR: ${b.error.message}`);
  if (b.script) scanLines(b.script.target, `${indent}  `, out);
  if (b.elf && (b.elf.kind === 'static' || b.elf.kind === 'static-pie'))
    out.push(`${indent}  no interpreter, no libraries`);
  for (const l of b.libraries) {
    out.push(`${indent}  ${l.via === 'interpreter' ? 'interpreter ' : ''}${libLine(l)}`);
    if (l.path === null) {
      if (l.error !== undefined) out.push(`${indent}      error: ${l.error}`);
      out.push(
        `${indent}      searched: ${l.searched.length > 0 ? l.searched.join(' ') : '(nothing: no search path)'}`,
      );
      for (const r of l.rejected) out.push(`${indent}      passed over: ${r.path} (${r.reason})`);
      if (l.hint !== undefined) out.push(`${indent}      hint: ${l.hint}`);
    }
  }
  for (const p of b.versionProblems ?? []) out.push(`${indent}  ERROR: ${formatVersionProblem(p)}`);
}

/** The plain-text report of `rock-deps scan`: per binary, its interpreter and libraries, misses explained. */
export function formatScan(result: DepsResult): string {
  const out: string[] = [];
  for (const b of result.binaries) scanLines(b, '', out);
  const bad = result.binaries.filter((b) => !b.ok).length;
  out.push(
    bad === 0
      ? `ok: ${result.binaries.length} checked, nothing missing`
      : `FAILED: ${bad} of ${result.binaries.length} cannot start (see above)`,
  );
  return out.join('\n');
}

/**
 * The dependency tree of one binary, like lddtree: each library under the object that needs it, expanded
 * at the shallowest level it appears (deeper repeats are not printed again).
 */
export function formatTree(b: BinaryDeps): string {
  const out: string[] = [];
  let node = b;
  while (node.script) {
    out.push(
      `${node.path} (script: #!${node.script.interpreter}${node.script.args ? ` ${node.script.args}` : ''})`,
    );
    node = node.script.target;
  }
  const head = node.interpreter
    ? ` (interpreter => ${node.interpreter.path ?? `${node.interpreter.soname}: not found`})`
    : '';
  out.push(`${node.path}${head}${node.error ? `  ERROR: ${node.error.message}` : ''}`);
  const depth = new Map<number, number>();
  let level = node.needed.map((e) => e.target);
  for (let d = 1; level.length > 0; d++) {
    const next: number[] = [];
    for (const t of level) {
      if (t < 0 || depth.has(t)) continue;
      depth.set(t, d);
      next.push(...(node.libraries[t]?.needed ?? []).map((e) => e.target));
    }
    level = next;
  }
  const printed = new Set<number>();
  const walk = (edges: DepLibrary['needed'], d: number): void => {
    for (const e of edges) {
      if (e.target < 0 || printed.has(e.target) || depth.get(e.target) !== d) continue;
      printed.add(e.target);
      const lib = node.libraries[e.target] as DepLibrary;
      out.push(`${'    '.repeat(d)}${e.name} => ${lib.path ?? 'not found'}`);
      walk(lib.needed, d + 1);
    }
  };
  walk(node.needed, 1);
  return out.join('\n');
}
