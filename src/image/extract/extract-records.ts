import { InputError } from '../../errors/index.js';
import { escapeName } from '../../util/byte-names.js';
import { fsError } from '../../util/fs-errors.js';
import type { ExtractContext, ExtractRecord, Placed } from './context.js';
import { DirHandles, StaleDirectory } from './dir-handles.js';
import { entryError } from './errors.js';
import { LinkGroups } from './link-groups.js';
import { isSpecial } from './make-node.js';
import { memberParts, PATH_MAX, symlinkTarget } from './member-path.js';
import { MetadataLedger } from './metadata.js';
import { abandonRoot, finishRoot, type PreparedRoot, prepareRoot } from './prepare-root.js';
import type { ExtractOptions, ExtractResult } from './types.js';
import { ensureParents } from './walk.js';
import { writeDirectory, writeFile, writeHardlink, writeSpecial, writeSymlink } from './write-entry.js';

/** PATH_MAX bounds a name to 2,048 components anyway; this bounds the work before that check. */
const DEFAULT_MAX_DEPTH = 2048;
/** Written entries named in the message of a failed run into an existing directory (all are in data). */
const NAMED_WRITTEN = 20;

/**
 * Extracts archive records into `dir`, never writing outside it.
 *
 * - A missing `dir` is filled as a fresh temporary directory beside it and renamed into place on
 *   success: a failed run leaves nothing. Into an existing `dir`, a failed run applies the modes of
 *   what it wrote (no 0700 directories are left) and its error lists every entry written in
 *   `data.written` (see {@link writtenSentence}).
 * - `dir` is resolved with realpath once; below it no symlink is ever followed.
 * - Names lose every leading `/`, `./` and `C:`, then any `..` component is refused. Names are bytes:
 *   what is created has the archive's exact bytes.
 * - Parents are checked with lstat unless this run knows them (created or checked, and not removed
 *   since: see DirHandles): a symlinked parent, even one pointing inside, is refused. Whatever holds
 *   the final name is unlinked first (last entry wins, as in the kernel), and files are created with
 *   O_CREAT|O_EXCL|O_NOFOLLOW and written as their data streams in.
 * - Symlinks are created verbatim; hard-link groups (same ino, dev, type, nlink >= 2, same segment)
 *   share one inode; device nodes, FIFOs and sockets are created only as root (see
 *   {@link ExtractOptions.devices}).
 * - Modes (setuid/setgid stripped unless `preserveSpecialBits`), owners (only with `preserveOwners`)
 *   and mtimes are applied at the end, directories deepest first.
 *
 * Resolves to counts of what was created. Rejects with an InputError (exit 2) and stops at the first
 * unsafe entry: `PATH_ESCAPE` (a `..` component, a symlink on the way), `PATH_INVALID` (an empty
 * target, a non-directory naming the root), `EXTRACT_CONFLICT` (a parent that is a file, replacing a
 * non-empty directory, a broken hard-link group, an unusable `dir`), `EXTRACT_LIMIT` (depth over
 * `maxDepth`, a name or target over PATH_MAX, a component over NAME_MAX), `FS_ERROR` (the filesystem
 * refused: read-only, no permission, no space). Messages start with `options.source` when given.
 *
 * @example
 * const result = await extractRecords(readEntries(input), 'out/rootfs', { onWarning: console.warn });
 * console.log(`${result.files} files, ${result.skippedDevices.length} devices skipped`);
 */
export async function extractRecords(
  records: AsyncIterable<ExtractRecord> | Iterable<ExtractRecord>,
  dir: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const warn = options.onWarning ?? (() => {});
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const createDevices = options.devices !== false && process.getuid?.() === 0;
  const prepared = withSource(options.source, () => prepareRoot(dir, warn));
  const dirs = withSource(options.source, () => {
    try {
      return new DirHandles(prepared.root);
    } catch (err) {
      abandonRoot(prepared);
      throw fsError(err, dir, 'cannot open directory');
    }
  });
  const ctx: ExtractContext = {
    root: prepared.root,
    ledger: new MetadataLedger(),
    groups: new LinkGroups(),
    dirs,
    result: { files: 0, directories: 0, symlinks: 0, hardlinks: 0, devices: 0, skippedDevices: [] },
    written: [],
    warn,
  };
  const metadata = {
    preserveOwners: options.preserveOwners === true,
    preserveSpecialBits: options.preserveSpecialBits === true,
  };
  try {
    for await (const record of records) {
      await extractOne(ctx, record, createDevices, maxDepth);
    }
    ctx.ledger.apply(ctx.dirs, metadata);
    ctx.dirs.close();
    finishRoot(prepared);
  } catch (err) {
    throw failed(err, ctx, prepared, dir, options.source, metadata);
  }
  return ctx.result;
}

/** Runs `fn`, naming the archive in front of its error. */
function withSource<T>(source: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw named(fsError(err, '', 'cannot extract'), source);
  }
}

function named(err: unknown, source: string | undefined): unknown {
  // The reader's own errors already start with the archive's name.
  if (source === undefined || !(err instanceof InputError) || err.message.startsWith(`${source}:`))
    return err;
  const sep = /^0x/.test(err.message) ? ':' : ': ';
  return new InputError(err.code, `${source}${sep}${err.message}`, { ...err.data, file: source });
}

/**
 * Cleans up after a failure and says what is left: a staged tree is removed; into an existing
 * directory, the modes of what was written are applied and the error lists it.
 */
function failed(
  err: unknown,
  ctx: ExtractContext,
  prepared: PreparedRoot,
  dir: string,
  source: string | undefined,
  metadata: { preserveOwners: boolean; preserveSpecialBits: boolean },
): unknown {
  const cause = named(fsError(err, dir, 'cannot extract'), source);
  if (prepared.staging !== undefined) {
    ctx.dirs.close();
    const left = abandonRoot(prepared);
    if (left === undefined || !(cause instanceof InputError)) return cause;
    return new InputError(cause.code, `${cause.message} (the partial tree could not be removed: ${left})`, {
      ...cause.data,
      left,
    });
  }
  try {
    ctx.ledger.apply(ctx.dirs, metadata);
  } catch {
    // The first failure is the one to report; applying modes is best effort here.
  }
  ctx.dirs.close();
  if (!(cause instanceof InputError)) return cause;
  return new InputError(cause.code, cause.message, { ...cause.data, written: ctx.written });
}

/**
 * The sentence a person needs after a failed run into an existing directory: which entries were
 * written (`data.written` of the error {@link extractRecords} throws), the first few by name.
 */
export function writtenSentence(dir: string, written: readonly string[]): string {
  if (written.length === 0) return `nothing was written into ${dir}`;
  const shown = written.slice(0, NAMED_WRITTEN).map(escapeName).join(', ');
  const more =
    written.length > NAMED_WRITTEN ? ` and ${written.length - NAMED_WRITTEN} more (data.written)` : '';
  return `written into ${dir} before it: ${written.length} entries: ${shown}${more}`;
}

/** Validates and writes one record. */
async function extractOne(
  ctx: ExtractContext,
  record: ExtractRecord,
  createDevices: boolean,
  maxDepth: number,
): Promise<void> {
  const { type } = record.info;
  const { parts, strippedRoot } = memberParts(record, maxDepth);
  if (parts.length === 0) {
    // `.` or `/`: the destination itself, which exists already.
    if (type === 'directory') return;
    throw entryError('PATH_INVALID', record, `expected only a directory to name the root, got a ${type}`);
  }
  const relative = parts.join('/');
  const full = `${ctx.root}/${relative}`;
  if (Buffer.byteLength(full) > PATH_MAX) {
    throw entryError(
      'EXTRACT_LIMIT',
      record,
      `path: expected <= ${PATH_MAX} bytes, got ${Buffer.byteLength(full)}`,
      {
        path: relative,
      },
    );
  }
  if (type === 'symlink') symlinkTarget(record);
  if (strippedRoot !== '') {
    ctx.warn({
      code: 'PATH_STRIPPED',
      path: relative,
      message: `removed leading "${strippedRoot}" from "${escapeName(record.info.name)}"`,
    });
  }
  if (isSpecial(type) && !createDevices) {
    const { rdevMajor: major, rdevMinor: minor } = record.info;
    ctx.result.skippedDevices.push({ path: relative, type, major, minor });
    ctx.warn({
      code: 'DEVICE_SKIPPED',
      path: relative,
      message: `${type} ${major}:${minor} not created (needs root and devices !== false)`,
    });
    return;
  }

  const parent = ensureParents(ctx.dirs, parts, relative, record, (created) => {
    ctx.written.push(created);
    ctx.warn({
      code: 'MISSING_PARENT',
      path: created,
      message: `created directory "${escapeName(created)}" for "${escapeName(relative)}"; the archive does not list it`,
    });
  });
  const name = parts[parts.length - 1] as string;
  const placed: Placed = { record, parts, full, relative, dir: parent, name };
  ctx.written.push(relative);
  try {
    await writePlaced(ctx, placed);
  } catch (error) {
    if (!(error instanceof StaleDirectory)) throw error;
    throw entryError(
      'EXTRACT_CONFLICT',
      record,
      `directory "${escapeName(error.relative)}": expected the directory this run made or checked, got another (replaced during extraction)`,
      { path: relative, parent: error.relative },
    );
  }
}

/** Writes one placed record by its type (or as a later member of its hard-link group). */
async function writePlaced(ctx: ExtractContext, placed: Placed): Promise<void> {
  const { record } = placed;
  const { type } = record.info;
  const first = ctx.groups.find(record);
  if (first !== undefined) {
    await writeHardlink(ctx, placed, first);
    return;
  }
  if (type === 'directory') writeDirectory(ctx, placed);
  else if (type === 'symlink') writeSymlink(ctx, placed);
  else if (type === 'file') await writeFile(ctx, placed);
  else await writeSpecial(ctx, placed, type);
  ctx.groups.remember(record, { parts: placed.parts });
}
