/**
 * Which module files an image needs for a set of module names: their closure over modules.dep,
 * dependencies first, and the image entries that put them at `/lib/modules/<release>/` (where
 * modprobe looks: `uname -r` is the release).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Codec, decompressBuffer } from '../archive/index.js';
import { type Info, newInfo, type WriteEntry } from '../cpio/index.js';
import { InputError } from '../errors/index.js';
import {
  type DepLine,
  loadOrder,
  MODULE_EXTENSIONS,
  moduleCodec,
  moduleNameOfPath,
  normalizeModuleName,
  parseModulesDep,
} from './modules-dep.js';
import { resolveKernel, type StoredKernel } from './store.js';

/** One module file of a closure. */
export interface ModuleFile {
  /** Module name, `_` spelling (`virtio_net`). */
  name: string;
  /** Path as modules.dep spells it, relative to `lib/modules/<release>/`. */
  path: string;
  /** Where the file is in the store. */
  file: string;
  codec: Codec;
}

/** The modules a set of names needs. */
export interface ModuleClosure {
  /** The store entry's name. */
  kernel: string;
  release: string;
  /** The names asked for, normalised. */
  requested: string[];
  /** Every module to load, each after the ones it depends on. */
  modules: ModuleFile[];
  /** Requested names that are built into the kernel (modules.builtin): nothing to load. */
  builtin: string[];
}

/** Options of {@link moduleClosure} and {@link moduleEntries}. */
export interface ModulesOptions {
  /** `ROCK_HOME` (the kernel store). */
  home: string;
}

/** A store entry from a name, or from its directory (holding meta.json). */
export function kernelFrom(kernel: string | undefined, home: string): StoredKernel {
  if (kernel?.includes('/') && fs.existsSync(path.join(kernel, 'meta.json'))) {
    const dir = path.resolve(kernel);
    return resolveKernel(path.basename(dir), path.dirname(path.dirname(dir)));
  }
  return resolveKernel(kernel, home);
}

/**
 * The closure of `names` (with `-` or `_`, `.ko` suffix optional) over the kernel's modules.dep.
 *
 * Refuses (InputError) a kernel stored without modules (`KERNEL_NO_MODULES`) and a name that is
 * neither a module nor built in (`MODULE_NOT_FOUND`, naming close matches).
 */
export function moduleClosure(
  kernel: string | undefined,
  names: readonly string[],
  options: ModulesOptions,
): ModuleClosure {
  const stored = kernelFrom(kernel, options.home);
  const dir = stored.modulesDir;
  const depFile = dir ? path.join(dir, 'modules.dep') : undefined;
  if (!dir || !depFile || !fs.existsSync(depFile)) {
    throw new InputError(
      'KERNEL_NO_MODULES',
      `kernel ${stored.meta.name}: stored without modules (add its package, or --modules DIR)`,
      {
        kernel: stored.meta.name,
      },
    );
  }
  const dep = parseModulesDep(fs.readFileSync(depFile, 'utf8'), depFile);
  const builtinNames = readBuiltin(path.join(dir, 'modules.builtin'));
  const requested = names.map((n) => normalizeModuleName(stripExtension(n)));
  const builtin: string[] = [];
  const roots: string[] = [];
  for (const name of requested) {
    if (dep.has(name)) roots.push(name);
    else if (builtinNames.has(name)) builtin.push(name);
    else throw notFound(name, stored, dep);
  }
  const byPath = new Map([...dep.values()].map((line) => [line.path, line]));
  // depmod lists a module's dependencies so that modprobe loads them from the last: visit them so.
  const order = loadOrder(roots, (name) =>
    [...(dep.get(name)?.depends ?? [])].reverse().map((p) => {
      const depName = byPath.get(p) ? moduleNameOfPath(p) : undefined;
      if (depName === undefined) {
        throw new InputError(
          'MODULES_DEP_SYNTAX',
          `${depFile}: ${name} depends on ${p}, which has no line of its own`,
          {
            file: depFile,
            module: name,
          },
        );
      }
      return depName;
    }),
  );
  const modules = order.map((name) => {
    const line = dep.get(name) as DepLine;
    return {
      name,
      path: line.path,
      file: path.join(dir, ...line.path.split('/')),
      codec: moduleCodec(line.path),
    };
  });
  return { kernel: stored.meta.name, release: stored.meta.release, requested, modules, builtin };
}

/** Options of {@link moduleEntries}. */
export interface ModuleEntriesOptions extends ModulesOptions {
  /** mtime of every entry (SOURCE_DATE_EPOCH); default 0. */
  mtime?: number;
}

/**
 * Image entries putting the closure of `names` at `lib/modules/<release>/`: the directories (the
 * kernel's initramfs unpacker creates no parents), each module, decompressed to `.ko` (finit_module
 * then needs no in-kernel decompressor, and the stand-in init no xz), and a modules.dep and
 * modules.alias reduced to those modules, plus modules.builtin when the kernel has one.
 *
 * Refuses what {@link moduleClosure} refuses, and corrupt module files (`DECOMPRESS_FAILED`).
 */
export async function moduleEntries(
  kernel: string | undefined,
  names: readonly string[],
  options: ModuleEntriesOptions,
): Promise<WriteEntry[]> {
  const closure = moduleClosure(kernel, names, options);
  const stored = kernelFrom(kernel, options.home);
  const modulesDir = stored.modulesDir as string;
  const mtime = options.mtime ?? 0;
  const base = `lib/modules/${closure.release}`;
  const dirs = new Set<string>(['lib', 'lib/modules', base]);
  const files: WriteEntry[] = [];
  const imagePath = (p: string) => stripCompression(p);
  for (const mod of closure.modules) {
    const rel = imagePath(mod.path);
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i += 1) dirs.add(`${base}/${parts.slice(0, i).join('/')}`);
    const raw = fs.readFileSync(mod.file);
    const content = await decompressBuffer(raw, mod.codec, mod.file);
    files.push({ info: info(`${base}/${rel}`, 'file', 0o644, mtime), content });
  }
  const inClosure = new Set(closure.modules.map((m) => m.name));
  const depFile = path.join(modulesDir, 'modules.dep');
  const dep = parseModulesDep(fs.readFileSync(depFile, 'utf8'), depFile);
  const depText = closure.modules
    .map((m) => {
      const line = dep.get(m.name) as DepLine;
      return `${imagePath(line.path)}:${line.depends.map((d) => ` ${imagePath(d)}`).join('')}`;
    })
    .join('\n');
  files.push({
    info: info(`${base}/modules.dep`, 'file', 0o644, mtime),
    content: Buffer.from(`${depText}\n`),
  });
  const aliasFile = path.join(modulesDir, 'modules.alias');
  const aliases = fs.existsSync(aliasFile)
    ? fs
        .readFileSync(aliasFile, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('alias ') && inClosure.has(normalizeModuleName(l.split(/\s+/)[2] ?? '')))
    : [];
  files.push({
    info: info(`${base}/modules.alias`, 'file', 0o644, mtime),
    content: Buffer.from(`${aliases.join('\n')}\n`),
  });
  const builtinFile = path.join(modulesDir, 'modules.builtin');
  if (fs.existsSync(builtinFile)) {
    files.push({
      info: info(`${base}/modules.builtin`, 'file', 0o644, mtime),
      content: fs.readFileSync(builtinFile),
    });
  }
  const dirEntries = [...dirs].sort().map((d) => ({ info: info(d, 'directory', 0o755, mtime) }));
  return [...dirEntries, ...files];
}

function info(name: string, type: 'file' | 'directory', perm: number, mtime: number): Info {
  return newInfo(name, type, perm, { mtime });
}

function stripExtension(name: string): string {
  const ext = MODULE_EXTENSIONS.find((e) => name.endsWith(e));
  return ext ? name.slice(0, -ext.length) : name;
}

/** `x.ko.xz` → `x.ko`: the image carries modules uncompressed. */
function stripCompression(p: string): string {
  return p.replace(/\.ko\.(xz|zst|gz)$/, '.ko');
}

function readBuiltin(file: string): Set<string> {
  if (!fs.existsSync(file)) return new Set();
  return new Set(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((l) => {
        const name = moduleNameOfPath(l.trim());
        return name ? [name] : [];
      }),
  );
}

function notFound(name: string, stored: StoredKernel, dep: Map<string, DepLine>): InputError {
  const close = [...dep.keys()].filter((k) => k.includes(name) || name.includes(k)).slice(0, 5);
  const hint = close.length > 0 ? `; similar: ${close.join(', ')}` : '';
  return new InputError(
    'MODULE_NOT_FOUND',
    `module ${name}: not in kernel ${stored.meta.name} (neither in modules.dep nor built in)${hint}`,
    { module: name, kernel: stored.meta.name, similar: close },
  );
}
