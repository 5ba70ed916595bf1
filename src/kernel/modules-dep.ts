/**
 * modules.dep, the file modprobe reads: one line per module, `path: dep-path dep-path ...`, paths
 * relative to /lib/modules/<release>/. Debian's packages ship no modules.dep (depmod writes it at
 * install time), so the store writes one itself from each module's .modinfo, as depmod would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Codec, codecOfName, decompressBuffer } from '../archive/index.js';
import { InputError } from '../errors/index.js';
import { readModInfo } from './modinfo.js';

/** Module file extensions modules.dep may name, longest first. */
export const MODULE_EXTENSIONS = ['.ko.xz', '.ko.zst', '.ko.gz', '.ko'] as const;

/** modprobe treats `-` and `_` in module names as the same character. */
export function normalizeModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/** The module name of a path: `kernel/drivers/net/virtio_net.ko.xz` → `virtio_net`. */
export function moduleNameOfPath(file: string): string | undefined {
  const base = path.posix.basename(file);
  const ext = MODULE_EXTENSIONS.find((e) => base.endsWith(e));
  return ext ? normalizeModuleName(base.slice(0, -ext.length)) : undefined;
}

/** The compression of a module file, from its name. */
export function moduleCodec(file: string): Codec {
  return codecOfName(file) ?? 'none';
}

/** One modules.dep line: the module's path and the paths it depends on. */
export interface DepLine {
  path: string;
  depends: string[];
}

/**
 * Parses modules.dep text. `file` names it in messages.
 *
 * Refuses (InputError `MODULES_DEP_SYNTAX`, with the line number) a line without `:` or naming a
 * file that is not a module.
 */
export function parseModulesDep(text: string, file: string): Map<string, DepLine> {
  const out = new Map<string, DepLine>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const modPath = colon < 0 ? '' : line.slice(0, colon).trim();
    const name = moduleNameOfPath(modPath);
    if (name === undefined) {
      throw new InputError(
        'MODULES_DEP_SYNTAX',
        `${file}:${index + 1}: expected '<module>.ko[.xz|.zst]: deps...', got ${JSON.stringify(line.slice(0, 60))}`,
        {
          file,
          line: index + 1,
        },
      );
    }
    const depends = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter((d) => d !== '');
    out.set(name, { path: modPath, depends });
  });
  return out;
}

/** Every module file under `dir`, as paths relative to it with `/` separators, sorted. */
export function findModuleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && moduleNameOfPath(child) !== undefined) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/**
 * Writes the text of modules.dep and modules.alias for the modules under `dir` (a
 * `lib/modules/<release>` tree) from their .modinfo, in depmod's form: each line lists the whole
 * dependency closure, the module loaded first last (modprobe loads the list from the end).
 *
 * Refuses (InputError `MODULE_DEPENDENCY_MISSING`) a module depending on a module that is not there.
 */
export async function generateModulesDep(
  dir: string,
): Promise<{ dep: string; alias: string; modules: number }> {
  const files = findModuleFiles(dir);
  const byName = new Map<string, { path: string; depends: string[] }>();
  const aliasLines: string[] = [];
  for (const rel of files) {
    const raw = fs.readFileSync(path.join(dir, rel));
    const info = readModInfo(await decompressBuffer(raw, moduleCodec(rel), rel), rel);
    const name = normalizeModuleName(info.name ?? moduleNameOfPath(rel)!);
    byName.set(name, { path: rel, depends: info.depends.map(normalizeModuleName) });
    for (const alias of info.aliases) aliasLines.push(`alias ${alias} ${name}`);
  }
  const lines: string[] = [];
  for (const [name, mod] of byName) {
    const order = loadOrder([name], (n) => {
      const m = byName.get(n);
      if (!m) {
        throw new InputError(
          'MODULE_DEPENDENCY_MISSING',
          `${mod.path}: depends on ${n}, which is not among the modules`,
          {
            module: name,
            missing: n,
          },
        );
      }
      return m.depends;
    });
    const deps = order
      .slice(0, -1)
      .reverse()
      .map((n) => byName.get(n)!.path);
    lines.push(`${mod.path}:${deps.length > 0 ? ` ${deps.join(' ')}` : ''}`);
  }
  return {
    dep: `${lines.join('\n')}\n`,
    alias: `# Aliases extracted from modules themselves.\n${aliasLines.join('\n')}\n`,
    modules: files.length,
  };
}

/**
 * Orders `roots` and everything they depend on so that every module comes after its dependencies
 * (depth-first post-order; a dependency cycle is broken where it is met, as modprobe would fail on it
 * anyway). `dependsOf` returns a module's direct dependencies.
 */
export function loadOrder(
  roots: readonly string[],
  dependsOf: (name: string) => readonly string[],
): string[] {
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const dep of dependsOf(name)) visit(dep);
    visiting.delete(name);
    done.add(name);
    order.push(name);
  };
  for (const root of roots) visit(root);
  return order;
}
