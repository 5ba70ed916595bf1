import type { ElfInfo } from '../elf/index.js';
import { defaultPlatform, glibcDefaultInterpreter, hostPlatform, libcFlavor, muslArch } from './abi.js';
import { type LoadedObject, type LoaderRules, walkClosure } from './closure.js';
import { originOf } from './dst.js';
import type { FsView } from './fs-view.js';
import { GlibcRules } from './glibc-search.js';
import { Setups } from './loader-setup.js';
import { MuslRules } from './musl-search.js';
import { type Probe, Prober } from './probe.js';
import type { BinaryDeps, DepLibrary, DepsResult, ResolveOptions } from './types.js';

/** `#!` interpreters followed in a row, as the kernel (fs/exec.c allows 5 levels of binfmt rewrite). */
const MAX_SCRIPT_DEPTH = 4;

/**
 * Resolves, for each path, what the kernel and the dynamic loader need to start it, with the loader's
 * own rules and without running anything: the interpreter, then every library of the closure in load
 * order (glibc: RPATH chain, LD_LIBRARY_PATH, RUNPATH, ld.so.cache, trusted directories; musl:
 * LD_LIBRARY_PATH, RPATH/RUNPATH chain, ld-musl-<arch>.path), each with the path it resolved to, its
 * symlink chain, or the paths searched when it is missing. `#!` scripts resolve their interpreter.
 *
 * Works on any {@link FsView}: the host (`hostFs()`), a sysroot (`hostFs(dir)`), an image in memory.
 * Never throws for bad binaries: a missing, unreadable or corrupt file is reported in its entry
 * (`identity` and `error`) and makes `ok` false.
 */
export function resolveDeps(paths: readonly string[], fs: FsView, options: ResolveOptions = {}): DepsResult {
  const resolver = new DepsResolver(fs, options);
  const binaries = paths.map((p) => resolver.resolve(p));
  return { binaries, ok: binaries.every((b) => b.ok), notes: resolver.notes };
}

/**
 * {@link resolveDeps} one binary at a time, with the same caches for the run (each file parsed once,
 * each directory entry stat'ed once): a caller that checks each result and drops it holds one
 * closure at a time, not thousands (the verifier over an image of 6,000 ELF files).
 */
export class DepsResolver {
  readonly #prober: Prober;
  readonly #setups: Setups;
  readonly #options: ResolveOptions;

  constructor(fs: FsView, options: ResolveOptions = {}) {
    this.#prober = new Prober(fs, options.cwd ?? '/');
    this.#setups = new Setups(this.#prober);
    this.#options = { ...options, runsHere: options.runsHere ?? fs.runsHere === true };
  }

  /** What {@link resolveDeps} says of `path`. */
  resolve(path: string): BinaryDeps {
    return resolveBinary(path, this.#prober, this.#setups, this.#options, 0);
  }

  /** How the search was set up so far ({@link DepsResult.notes}). */
  get notes(): string[] {
    return this.#setups.notes;
  }
}

function failed(
  path: string,
  identity: BinaryDeps['identity'],
  code: string,
  message: string,
  p?: Probe,
): BinaryDeps {
  return {
    path,
    realPath: p?.resolved.ok ? p.resolved.path : null,
    identity,
    interpreter: null,
    libraries: [],
    needed: [],
    error: { code, message },
    ok: false,
  };
}

function resolveBinary(
  path: string,
  prober: Prober,
  setups: Setups,
  opts: ResolveOptions,
  depth: number,
): BinaryDeps {
  const p = prober.probe(path);
  if (!p.resolved.ok) {
    return failed(
      path,
      'missing',
      'DEPS_NOT_FOUND',
      `${path}: not found (${p.resolved.reason} at ${p.resolved.at})`,
    );
  }
  if (p.script) {
    const base: BinaryDeps = {
      path,
      realPath: p.resolved.path,
      identity: 'script',
      interpreter: null,
      libraries: [],
      needed: [],
      ok: false,
    };
    if (depth >= MAX_SCRIPT_DEPTH) {
      return {
        ...base,
        error: {
          code: 'DEPS_SCRIPT_LOOP',
          message: `${path}: more than ${MAX_SCRIPT_DEPTH} nested #! interpreters`,
        },
      };
    }
    const target = resolveBinary(p.script.interpreter, prober, setups, opts, depth + 1);
    return { ...base, script: { ...p.script, target }, ok: target.ok && target.identity === 'elf' };
  }
  if (!p.info) {
    const problem = p.problem ?? {
      code: 'DEPS_NOT_EXECUTABLE',
      message: `${path}: not an ELF object or a #! script`,
    };
    return failed(
      path,
      problem.code === 'DEPS_NOT_EXECUTABLE' ? 'other' : 'error',
      problem.code,
      problem.message,
      p,
    );
  }
  const info = p.info;
  const result: BinaryDeps = {
    path,
    realPath: p.resolved.path,
    identity: 'elf',
    elf: info,
    interpreter: null,
    libraries: [],
    needed: [],
    ok: true,
  };
  if (info.kind === 'static' || info.kind === 'static-pie') return result;
  if (info.kind === 'object') {
    return {
      ...failed(path, 'elf', 'DEPS_NOT_LOADABLE', `${path}: e_type ${info.type} cannot be run or loaded`, p),
      elf: info,
    };
  }
  const flavor = libcFlavor(info);
  result.libc = flavor;
  const main: LoadedObject = {
    index: -1,
    path,
    realPath: p.resolved.path,
    id: p.resolved.stat.id ?? p.resolved.path,
    info,
    names: new Set(info.soname === undefined ? [] : [info.soname]),
    loader: null,
    // The kernel starts the binary: its origin is that of /proc/self/exe, the real path.
    origin: originOf(p.resolved.path),
    lib: null,
  };
  const interp =
    info.interpreter === undefined ? null : interpreterObject(info.interpreter, info, path, prober);
  const preloaded = interp === null ? loadedInterpreter(flavor, info, path, prober) : null;
  let rules: LoaderRules;
  if (flavor === 'musl') {
    const ldso = info.interpreter ?? `/lib/ld-musl-${muslArch(info) ?? 'unknown'}.so.1`;
    rules = new MuslRules(prober, setups.muslPath(ldso, info), main, opts);
  } else {
    const loaderPath = interp?.realPath ?? preloaded?.realPath ?? glibcDefaultInterpreter(info);
    const setup = setups.glibcFor(loaderPath, info, opts.lib);
    rules = new GlibcRules(
      prober,
      setup,
      main,
      opts,
      opts.platform ?? (opts.runsHere ? hostPlatform(info) : defaultPlatform(info)),
    );
  }
  const walked = walkClosure(main, interp, rules, originOf, preloaded);
  result.interpreter = interp?.lib ?? null;
  result.libraries = walked.libraries;
  result.needed = walked.needed;
  const bad = walked.libraries.filter((l) => l.path === null || l.error !== undefined);
  if (bad.length > 0) result.ok = false;
  return result;
}

/**
 * A library has no PT_INTERP, yet whenever glibc loads it the program's interpreter is already
 * loaded, and the loader matches every DT_NEEDED against loaded objects by soname before searching
 * (elf/dl-load.c _dl_map_object): libc.so.6's NEEDED `ld-linux-x86-64.so.2` is that interpreter,
 * wherever it lives (often only at /lib64). So a shared library is resolved with the machine's
 * default interpreter loaded, when the tree has it.
 */
function loadedInterpreter(
  flavor: string,
  info: ElfInfo,
  path: string,
  prober: Prober,
): (LoadedObject & { lib: DepLibrary }) | null {
  const standard = glibcDefaultInterpreter(info);
  if (flavor !== 'glibc' || info.kind !== 'shared' || standard === null) return null;
  const obj = interpreterObject(standard, info, path, prober);
  return obj.lib.path !== null && obj.lib.error === undefined ? obj : null;
}

/** The PT_INTERP entry: the kernel opens that exact path; it must be an ELF of the binary's machine. */
function interpreterObject(
  interpPath: string,
  want: ElfInfo,
  binary: string,
  prober: Prober,
): LoadedObject & { lib: DepLibrary } {
  const p = prober.probe(interpPath);
  const lib: DepLibrary = {
    soname: interpPath,
    names: [interpPath],
    path: null,
    realPath: null,
    chain: [],
    via: 'interpreter',
    searched: [interpPath],
    rejected: [],
    requiredBy: [binary],
    needed: [],
  };
  const obj = {
    index: 0,
    path: interpPath,
    realPath: '',
    id: `interp:${interpPath}`,
    info: want,
    names: new Set([interpPath]),
    loader: null,
    origin: originOf(interpPath),
    lib,
  };
  if (!p.resolved.ok) return obj;
  lib.path = interpPath;
  lib.realPath = p.resolved.path;
  lib.chain = [...p.resolved.links, p.resolved.path];
  obj.realPath = p.resolved.path;
  obj.id = p.resolved.stat.id ?? p.resolved.path;
  if (!p.info) {
    lib.error = p.problem?.message ?? `${interpPath}: not an ELF object`;
    return obj;
  }
  const i = p.info;
  lib.elf = i;
  obj.info = i;
  if (i.soname !== undefined) {
    obj.names.add(i.soname);
    lib.names.push(i.soname);
  }
  if (i.class !== want.class || i.endian !== want.endian || i.machine !== want.machine) {
    lib.error = `${interpPath}: interpreter is ${i.class}-bit ${i.endian}-endian ${i.machineName}, binary is ${want.class}-bit ${want.endian}-endian ${want.machineName}`;
  }
  return obj;
}
