import fs from 'node:fs';
import { encodeName } from '../../util/byte-names.js';
import type { ExtractContext, ExtractRecord, Placed } from './context.js';
import { entryError } from './errors.js';
import type { GroupFirst } from './link-groups.js';
import { makeNode, type SpecialType } from './make-node.js';
import { symlinkTarget } from './member-path.js';
import { clearLeaf, inspectParents, lstatKey } from './walk.js';

/** New files: never follow (O_NOFOLLOW), never reuse (O_EXCL) — the name was just cleared. */
const CREATE_FLAGS =
  fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

function writeAll(fd: number, data: Uint8Array): void {
  let written = 0;
  while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written);
}

/** The record's data as chunks: streamed from the reader, or the bytes a test record carries. */
function dataChunks(record: ExtractRecord): AsyncIterable<Uint8Array> {
  if ('content' in record) return record.content.chunks();
  const { data } = record;
  return (async function* () {
    if (data.length > 0) yield data;
  })();
}

/** Writes the record's data chunk by chunk: memory holds one decoded chunk, whatever the file size. */
async function writeData(fd: number, record: ExtractRecord): Promise<number> {
  let total = 0;
  for await (const chunk of dataChunks(record)) {
    writeAll(fd, chunk);
    total += chunk.length;
  }
  return total;
}

/** The identity of what we just created at `full` (it must exist: we made it). */
function createdKey(ctx: ExtractContext, placed: Placed): { key: string; stats: fs.BigIntStats } {
  const found = lstatKey(ctx.dirs.at(placed.dir, placed.name));
  if (found === null) throw new Error(`${placed.full}: vanished right after it was created`);
  return found;
}

/** Clears the record's name (see {@link clearLeaf}). */
function clear(ctx: ExtractContext, placed: Placed, keepDirectory: boolean): boolean {
  return clearLeaf(ctx.dirs, placed.dir, placed.name, placed.relative, placed.record, keepDirectory);
}

/** A directory: an existing real directory is kept (its mode is applied at the end), anything else replaced. */
export function writeDirectory(ctx: ExtractContext, placed: Placed): void {
  const kept = clear(ctx, placed, true);
  // 0700 while filling; the archive's mode (maybe 0500) is applied at the end.
  if (!kept) fs.mkdirSync(ctx.dirs.at(placed.dir, placed.name), { mode: 0o700 });
  const { stats } = createdKey(ctx, placed);
  ctx.dirs.add(placed.dir, placed.name, stats);
  ctx.ledger.created(stats, placed.record, placed);
  ctx.result.directories++;
}

/** A regular file with its data, created 0600 through O_EXCL|O_NOFOLLOW after clearing the name. */
export async function writeFile(ctx: ExtractContext, placed: Placed): Promise<void> {
  clear(ctx, placed, false);
  const fd = fs.openSync(ctx.dirs.at(placed.dir, placed.name), CREATE_FLAGS, 0o600);
  let stats: fs.BigIntStats;
  try {
    await writeData(fd, placed.record);
    stats = fs.fstatSync(fd, { bigint: true });
  } finally {
    fs.closeSync(fd);
  }
  ctx.ledger.created(stats, placed.record, placed);
  ctx.result.files++;
}

/** A symlink, target verbatim (absolute targets are normal in an initramfs); never followed afterwards. */
export function writeSymlink(ctx: ExtractContext, placed: Placed): void {
  const target = symlinkTarget(placed.record);
  clear(ctx, placed, false);
  fs.symlinkSync(encodeName(target), ctx.dirs.at(placed.dir, placed.name));
  ctx.ledger.created(createdKey(ctx, placed).stats, placed.record, placed);
  ctx.result.symlinks++;
}

/** A device node, FIFO or socket (the caller decided it may be created). */
export async function writeSpecial(ctx: ExtractContext, placed: Placed, type: SpecialType): Promise<void> {
  clear(ctx, placed, false);
  await makeNode(placed.full, type, placed.record.info.rdevMajor, placed.record.info.rdevMinor);
  ctx.ledger.created(createdKey(ctx, placed).stats, placed.record, placed);
  ctx.result.devices++;
}

/** The entry type an lstat result shows. */
function typeOf(stats: fs.BigIntStats): string {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isCharacterDevice()) return 'char-device';
  if (stats.isBlockDevice()) return 'block-device';
  if (stats.isFIFO()) return 'fifo';
  return 'socket';
}

/**
 * A later member of a hard-link group: `link(2)` to the first member's name, then its data (if any: GNU
 * cpio puts it on the last link, others on the first) written into the shared inode. Like the kernel's
 * `find_link()`, the first member is found by name: if a later record replaced it with another inode
 * of the same type, that one is linked (it was created by this run, after unlinking whatever was there).
 *
 * Refuses: a first member whose path now goes through or is a symlink (`PATH_ESCAPE`: never follow);
 * one that is gone or is now of another type, such as a directory (`EXTRACT_CONFLICT`).
 */
export async function writeHardlink(ctx: ExtractContext, placed: Placed, first: GroupFirst): Promise<void> {
  const { record } = placed;
  const firstRelative = first.parts.join('/');
  const data = { path: placed.relative, linkTo: firstRelative };
  const refuse = (code: 'PATH_ESCAPE' | 'EXTRACT_CONFLICT', expected: string, found: string) =>
    entryError(code, record, `hard link to "${firstRelative}": expected ${expected}, got ${found}`, data);

  const parents = inspectParents(ctx.dirs, first.parts);
  if (!parents.ok) {
    const parent = first.parts.slice(0, parents.index + 1).join('/');
    const code = parents.found === 'symlink' ? 'PATH_ESCAPE' : 'EXTRACT_CONFLICT';
    throw refuse(code, `directory "${parent}"`, `a ${parents.found}`);
  }
  const firstName = first.parts[first.parts.length - 1] as string;
  const samePlace = parents.dir === placed.dir && firstName === placed.name;
  const found = lstatKey(ctx.dirs.at(parents.dir, firstName));
  if (found === null) throw refuse('EXTRACT_CONFLICT', `a ${record.info.type}`, 'nothing');
  const foundType = typeOf(found.stats);
  if (foundType === 'symlink') throw refuse('PATH_ESCAPE', `a ${record.info.type}`, 'a symlink');
  if (foundType !== record.info.type)
    throw refuse('EXTRACT_CONFLICT', `a ${record.info.type}`, `a ${foundType}`);

  if (!samePlace) {
    clear(ctx, placed, false);
    // Both names through their directories' descriptors: the second lookup never closes the first's.
    const from = ctx.dirs.at(parents.dir, firstName);
    fs.linkSync(from, ctx.dirs.at(placed.dir, placed.name));
  }
  if (record.info.type === 'file' && record.info.size > 0) {
    // The name was just linked to our own inode; still never follow and never create here.
    const fd = fs.openSync(
      ctx.dirs.at(placed.dir, placed.name),
      fs.constants.O_WRONLY | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW,
    );
    try {
      await writeData(fd, record);
    } finally {
      fs.closeSync(fd);
    }
  }
  ctx.ledger.linked(found.key, record, placed);
  ctx.result.hardlinks++;
}
