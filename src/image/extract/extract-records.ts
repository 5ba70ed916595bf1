import type { CpioRecord } from '../../cpio/index.js';
import type { ExtractContext, Placed } from './context.js';
import { entryError } from './errors.js';
import { LinkGroups } from './link-groups.js';
import { isSpecial } from './make-node.js';
import { MetadataLedger } from './metadata.js';
import { normalizeName, PATH_MAX, symlinkTarget } from './normalize-name.js';
import { prepareRoot } from './prepare-root.js';
import type { ExtractOptions, ExtractResult } from './types.js';
import { ensureParents, joinParts } from './walk.js';
import { writeDirectory, writeFile, writeHardlink, writeSpecial, writeSymlink } from './write-entry.js';

const DEFAULT_MAX_DEPTH = 1024;

/**
 * Extracts archive records into `dir`, never writing outside it.
 *
 * - `dir` is created if missing and resolved with realpath once; below it no symlink is ever followed.
 * - Names lose every leading `/`, `./` and `C:`, then any `..` component is refused.
 * - Each entry re-walks its parents with lstat (no cache): a symlinked parent, even one pointing inside,
 *   is refused. Whatever holds the final name is unlinked first (last entry wins, as in the kernel),
 *   and files are created with O_CREAT|O_EXCL|O_NOFOLLOW.
 * - Symlinks are created verbatim; hard-link groups (same ino, dev, type, nlink >= 2, same segment)
 *   share one inode; device nodes, FIFOs and sockets are created only as root (see
 *   {@link ExtractOptions.devices}).
 * - Modes (setuid/setgid stripped by default), owners (only with `preserveOwners`) and mtimes are
 *   applied at the end, directories deepest first.
 *
 * Resolves to counts of what was created. Rejects with an InputError (exit 2) and stops at the first
 * unsafe entry: `PATH_ESCAPE` (a `..` component, a symlink on the way), `PATH_INVALID` (NUL in a name or
 * target, an empty target, a non-directory naming the root), `EXTRACT_CONFLICT` (a parent that is a
 * file, replacing a non-empty directory, a broken hard-link group, an unusable `dir`), `EXTRACT_LIMIT`
 * (depth over `maxDepth`, a name or target over PATH_MAX, a component over NAME_MAX). Entries written
 * before the error stay; nothing is ever written outside `dir`.
 *
 * @example
 * const result = await extractRecords(readRecords(input), 'out/rootfs', { onWarning: console.warn });
 * console.log(`${result.files} files, ${result.skippedDevices.length} devices skipped`);
 */
export async function extractRecords(
  records: AsyncIterable<CpioRecord> | Iterable<CpioRecord>,
  dir: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const warn = options.onWarning ?? (() => {});
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const createDevices = options.devices !== false && process.getuid?.() === 0;
  const ctx: ExtractContext = {
    root: prepareRoot(dir, warn),
    ledger: new MetadataLedger(),
    groups: new LinkGroups(),
    result: { files: 0, directories: 0, symlinks: 0, hardlinks: 0, devices: 0, skippedDevices: [] },
    warn,
  };
  for await (const record of records) {
    await extractOne(ctx, record, createDevices, maxDepth);
  }
  ctx.ledger.apply(ctx.root, {
    preserveOwners: options.preserveOwners === true,
    preserveSpecialBits: options.preserveSpecialBits === true,
  });
  return ctx.result;
}

/** Validates and writes one record; every check reads the filesystem afresh. */
async function extractOne(
  ctx: ExtractContext,
  record: CpioRecord,
  createDevices: boolean,
  maxDepth: number,
): Promise<void> {
  const { type } = record.info;
  const { parts, strippedRoot } = normalizeName(record, maxDepth);
  if (parts.length === 0) {
    // `.` or `/`: the destination itself, which exists already.
    if (type === 'directory') return;
    throw entryError('PATH_INVALID', record, `expected only a directory to name the root, got a ${type}`);
  }
  const relative = parts.join('/');
  const full = joinParts(ctx.root, parts);
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
      message: `removed leading "${strippedRoot}" from "${record.info.name}"`,
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

  ensureParents(ctx.root, parts, record, (created) =>
    ctx.warn({
      code: 'MISSING_PARENT',
      path: created,
      message: `created directory "${created}" for "${relative}"; the archive does not list it`,
    }),
  );
  const placed: Placed = { record, parts, full, relative };
  const first = ctx.groups.find(record);
  if (first !== undefined) {
    writeHardlink(ctx, placed, first);
    return;
  }
  if (type === 'directory') writeDirectory(ctx, placed);
  else if (type === 'symlink') writeSymlink(ctx, placed);
  else if (type === 'file') writeFile(ctx, placed);
  else await writeSpecial(ctx, placed, type);
  ctx.groups.remember(record, { parts });
}
