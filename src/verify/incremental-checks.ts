/**
 * The contract checks of a merged tree from its base's, the way incremental-deps.ts does it for the
 * ELF check: each check is a pure function of the tree and the options (types.ts), so one run on the
 * base through a recording view of the tree says what its result depends on (the paths it looked
 * up, present or not; the unpack notes; or everything, when it listed the nodes or read a count).
 * On a merged tree in which none of that changed, with the same options, its result is the base's;
 * every other check runs again on the merged tree.
 */
import { CHECKS } from './checks/index.js';
import type { CheckResult, ImageNode, ImageTree, VerifyOptions } from './types.js';

/** What one check's run on the base read of the tree, and its result. */
export interface TracedCheck {
  result: CheckResult;
  /** Paths it asked the tree about (get or has), whether or not they were there. */
  paths: ReadonlySet<string>;
  /** It read the unpack notes. */
  notes: boolean;
  /** It listed the nodes, or read a count: any change may change its result. */
  whole: boolean;
}

/** The base's checks as traced by {@link traceChecks}, for the options they ran with. */
export interface TracedChecks {
  byName: ReadonlyMap<string, TracedCheck>;
  /** The options, as a key: a result is reused only under the same ones. */
  options: string;
}

const optionsKey = (options: VerifyOptions): string => JSON.stringify([options.cmdline ?? null]);

interface Trace {
  paths: Set<string>;
  notes: boolean;
  whole: boolean;
}

/** The nodes of a tree, noting every path asked about and any listing. */
class RecordingNodes implements ReadonlyMap<string, ImageNode> {
  constructor(
    private readonly nodes: ReadonlyMap<string, ImageNode>,
    private readonly trace: Trace,
  ) {}

  get size(): number {
    this.trace.whole = true;
    return this.nodes.size;
  }

  get(path: string): ImageNode | undefined {
    this.trace.paths.add(path);
    return this.nodes.get(path);
  }

  has(path: string): boolean {
    this.trace.paths.add(path);
    return this.nodes.has(path);
  }

  entries(): MapIterator<[string, ImageNode]> {
    this.trace.whole = true;
    return this.nodes.entries();
  }

  keys(): MapIterator<string> {
    this.trace.whole = true;
    return this.nodes.keys();
  }

  values(): MapIterator<ImageNode> {
    this.trace.whole = true;
    return this.nodes.values();
  }

  [Symbol.iterator](): MapIterator<[string, ImageNode]> {
    return this.entries();
  }

  forEach(callback: (value: ImageNode, key: string, map: ReadonlyMap<string, ImageNode>) => void): void {
    this.trace.whole = true;
    for (const [path, node] of this.nodes) callback(node, path, this);
  }
}

/** A view of `tree` recording into `trace`; any field but the nodes and the notes counts as everything. */
function recording(tree: ImageTree, trace: Trace): ImageTree {
  const nodes = new RecordingNodes(tree.nodes, trace);
  return new Proxy(tree, {
    get(target, field, receiver) {
      if (field === 'nodes') return nodes;
      if (field === 'notes') trace.notes = true;
      else trace.whole = true;
      return Reflect.get(target, field, receiver);
    },
  });
}

/** Runs every check but those in `skip` on the base's tree, recording what each read. */
export function traceChecks(
  tree: ImageTree,
  options: VerifyOptions,
  skip: ReadonlySet<string>,
): TracedChecks {
  const byName = new Map<string, TracedCheck>();
  for (const check of CHECKS) {
    if (skip.has(check.name)) continue;
    const trace: Trace = { paths: new Set(), notes: false, whole: false };
    const result = check.run(recording(tree, trace), options);
    byName.set(check.name, { result, ...trace });
  }
  return { byName, options: optionsKey(options) };
}

/**
 * The base's results still true of a merged tree in which the paths in `changed` may differ and
 * `moreNotes` notes were added, by check name (the checks not in it must run again).
 */
export function checksStillTrue(
  base: TracedChecks,
  options: VerifyOptions,
  changed: ReadonlySet<string>,
  moreNotes: number,
): Map<string, CheckResult> {
  const kept = new Map<string, CheckResult>();
  if (optionsKey(options) !== base.options) return kept;
  for (const [name, traced] of base.byName) {
    if (traced.whole || (traced.notes && moreNotes > 0)) continue;
    let touched = false;
    for (const path of changed) {
      if (traced.paths.has(path)) {
        touched = true;
        break;
      }
    }
    if (!touched) kept.set(name, traced.result);
  }
  return kept;
}
