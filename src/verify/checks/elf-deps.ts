/**
 * Every ELF program and library in the image can be loaded at boot: its program interpreter and
 * every library it needs resolve inside the image with the loader's own search rules (rock-deps'
 * resolver over the image's tree), each library found is loadable (right class and machine, its
 * segments inside the file: a truncated library dies with SIGBUS), and the file at a library's path
 * is that library (its DT_SONAME is the name asked for; another library there fails with undefined
 * symbols at run time) and defines every symbol version asked of it (see `elf-versions.ts`).
 */
import type { BinaryDeps, DepLibrary, DepsResult } from '../../deps/index.js';
import { loadSegmentProblem } from '../../elf/index.js';
import { imageResolver } from '../image-deps.js';
import type { CheckResult, ImageTree } from '../types.js';
import { VersionCheck } from './elf-versions.js';
import { failure, Tally } from './helpers.js';

/** Runs the dynamic-loading checks over every ELF file of the image. */
export function checkElfDeps(tree: ImageTree): CheckResult {
  // One closure at a time: an image of 6,000 ELF files would otherwise hold 6,000 resolutions
  // (20 MB) while they are checked.
  const { elves, resolve } = imageResolver(tree);
  return findings(tree, programsFirst(tree, elves, resolve));
}

/** {@link checkElfDeps} on a resolution of the tree's ELF files already made (`imageDeps`). */
export function elfDepsFindings(tree: ImageTree, result: DepsResult): CheckResult {
  return findings(
    tree,
    [...result.binaries].sort((a, b) => rank(a) - rank(b)),
  );
}

/**
 * The resolutions of `elves` (in path order), programs first: what they load is checked as a
 * failure before the same file comes round again as a stray library (a warning). A file's kind is
 * known from the tree before it is resolved; one whose ELF facts the tree lacks is resolved to
 * learn it and, when it is a library, resolved again in its turn.
 */
function* programsFirst(
  tree: ImageTree,
  elves: readonly string[],
  resolve: (path: string) => BinaryDeps,
): Generator<BinaryDeps> {
  const libraries: string[] = [];
  for (const path of elves) {
    const node = tree.nodes.get(path);
    const known = node?.type === 'file' ? node.content.elf?.info.kind : undefined;
    if (known === 'shared') {
      libraries.push(path);
      continue;
    }
    const binary = resolve(path);
    if (rank(binary) === 0) yield binary;
    else libraries.push(path);
  }
  for (const path of libraries) yield resolve(path);
}

/** The checks over resolutions in the order given (programs first). */
function findings(tree: ImageTree, binaries: Iterable<BinaryDeps>): CheckResult {
  const t = new Tally();
  const checkedFiles = new Set<string>();
  const versions = new VersionCheck();
  for (const binary of binaries) {
    if (binary.identity === 'error') {
      t.expect(
        false,
        () =>
          failure(
            'elf.corrupt',
            binary.path,
            'ELF',
            'a readable ELF object',
            binary.error?.message ?? 'an unreadable file',
          ),
        severityOf(binary),
      );
      continue;
    }
    checkSegments(t, tree, binary.path, checkedFiles, severityOf(binary));
    for (const lib of binary.libraries) checkLibrary(t, tree, binary, lib, checkedFiles);
    if (binary.identity === 'elf') versions.check(t, binary, severityOf(binary));
  }
  return t.result();
}

function checkLibrary(
  t: Tally,
  tree: ImageTree,
  binary: BinaryDeps,
  lib: DepLibrary,
  seen: Set<string>,
): void {
  const what = lib === binary.interpreter ? 'program interpreter' : `library ${lib.soname}`;
  const severity = severityOf(binary);
  const found = t.expect(
    lib.path !== null && lib.error === undefined,
    () =>
      lib.path === null
        ? failure('deps.missing', binary.path, what, `in the image (searched ${searched(lib)})`, 'not found')
        : failure(
            'deps.unloadable',
            binary.path,
            what,
            `a loadable object at ${lib.path}`,
            lib.error ?? 'an error',
          ),
    severity,
  );
  if (!found || lib.realPath === null) return;
  const soname = lib.elf?.soname;
  const asked = lib.soname.includes('/') ? undefined : lib.soname;
  if (asked !== undefined && soname !== undefined) {
    t.expect(
      soname === asked,
      () => failure('deps.soname', lib.path ?? lib.realPath ?? '', 'DT_SONAME', asked, soname),
      severity,
    );
  }
  checkSegments(t, tree, lib.realPath, seen, severity);
}

function checkSegments(
  t: Tally,
  tree: ImageTree,
  path: string | null,
  seen: Set<string>,
  severity: Severity,
): void {
  if (path === null || seen.has(path)) return;
  seen.add(path);
  const node = tree.nodes.get(path);
  if (node?.type !== 'file') return;
  let problem: string | null;
  try {
    const known = node.content.elf;
    problem = known !== undefined ? known.loadProblem : loadSegmentProblem(node.content, path);
  } catch (err) {
    problem = (err as Error).message;
  }
  t.expect(
    problem === null,
    () => failure('elf.truncated', path, 'segments', 'every PT_LOAD inside the file', problem ?? ''),
    severity,
  );
}

type Severity = 'failure' | 'warning';

function rank(binary: BinaryDeps): number {
  return severityOf(binary) === 'failure' ? 0 : 1;
}

/**
 * Programs the image runs fail the image; a stray ELF nobody starts (a tool in an overlay, a helper
 * library) only warns. What rock-init starts, and whatever those load, are programs: the services
 * are checked through their closure, so every object reached from them is checked as a failure.
 */
function severityOf(binary: BinaryDeps): Severity {
  return binary.elf?.kind === 'shared' ? 'warning' : 'failure';
}

function searched(lib: DepLibrary): string {
  const list = lib.searched.length > 0 ? lib.searched.join(', ') : 'nothing';
  return list.length > 200 ? `${list.slice(0, 200)}...` : list;
}
