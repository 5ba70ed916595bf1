import { ElfError, type ElfInfo, identifySource } from '../elf/index.js';
import { ToolError } from '../errors/index.js';
import { pagedSource, type RandomAccessSource } from '../util/random-access-source.js';
import type { FsView } from './fs-view.js';
import { CachedView, type Resolved } from './resolve-path.js';

/** A candidate path looked at: where it leads, and what the file there is. */
export interface Probe {
  /** The path as asked (unnormalised, like the loader's string). */
  path: string;
  resolved: Resolved;
  /** ELF facts when the file is a readable ELF object. */
  info?: ElfInfo;
  /** Script line when the file starts with `#!`. */
  script?: { interpreter: string; args: string };
  /** Why the file is not usable: not ELF, corrupt, unreadable, not a regular file. */
  problem?: { code: string; message: string };
}

/**
 * Looks at paths inside a view and remembers every answer for the run: each file is parsed once however
 * many binaries need it, each directory entry stat'ed once.
 */
export class Prober {
  readonly view: CachedView;
  private readonly probes = new Map<string, Probe>();
  private readonly files = new Map<string, Pick<Probe, 'info' | 'script' | 'problem'>>();

  constructor(
    fs: FsView,
    readonly cwd: string,
  ) {
    this.view = new CachedView(fs);
  }

  probe(path: string): Probe {
    let p = this.probes.get(path);
    if (p === undefined) {
      const resolved = this.view.resolve(path, true, this.cwd);
      p = { path, resolved, ...(resolved.ok ? this.inspect(resolved) : {}) };
      this.probes.set(path, p);
    }
    return p;
  }

  /** A source of the bytes of a resolved regular file. */
  source(realPath: string, size: number): RandomAccessSource {
    return pagedSource(size, (offset, length) => this.view.read(realPath, offset, length));
  }

  private inspect(r: Extract<Resolved, { ok: true }>): Pick<Probe, 'info' | 'script' | 'problem'> {
    const key = r.stat.id ?? r.path;
    let hit = this.files.get(key);
    if (hit === undefined) {
      hit = this.identify(r);
      this.files.set(key, hit);
    }
    return hit;
  }

  private identify(r: Extract<Resolved, { ok: true }>): Pick<Probe, 'info' | 'script' | 'problem'> {
    if (r.type !== 'file') {
      return {
        problem: {
          code: 'DEPS_NOT_A_FILE',
          message: `${r.path}: expected a regular file, found a ${r.type}`,
        },
      };
    }
    const known = this.view.elf(r.path);
    if (known !== undefined) return { info: known.info };
    try {
      const id = identifySource(this.source(r.path, r.stat.size), r.path);
      if (id.kind === 'elf') return { info: id.info };
      if (id.kind === 'script') return { script: { interpreter: id.interpreter, args: id.args } };
      return {
        problem: { code: 'DEPS_NOT_EXECUTABLE', message: `${r.path}: not an ELF object or a #! script` },
      };
    } catch (err) {
      if (err instanceof ElfError || err instanceof ToolError)
        return { problem: { code: err.code, message: err.message } };
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      return { problem: { code: 'FILE_UNREADABLE', message: `${r.path}: cannot read: ${code}` } };
    }
  }
}
