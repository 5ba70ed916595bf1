/**
 * Names and records: what the kernel did to each record, from the unpacker's notes. Prefixed names
 * (`./x`, `/x`) unpack fine but our writer never makes them and tools disagree about them;
 * duplicates mean the first record silently loses (last wins); a record whose parent is missing is
 * dropped; names over PATH_MAX are skipped; unsafe names climb or are not normalised; a record the
 * kernel could not apply (a non-empty directory in the way, mknod on an existing node, a failed
 * hard link, a body on a non-file) is lost. Four checks per record: name form, uniqueness, parent,
 * applied.
 */
import { archiveName } from '../../contract/index.js';
import type { RecordOrigin } from '../../cpio/index.js';
import { hexOffset } from '../../errors/index.js';
import { PATH_MAX } from '../path-walk.js';
import type { CheckResult, ImageTree, UnpackNote } from '../types.js';
import { failure, Tally } from './helpers.js';

/** `segment 0 offset 0x1f4`, for pointing at a record. */
export function where(origin: RecordOrigin): string {
  return `segment ${origin.segment} offset ${hexOffset(origin.offset)}`;
}

function toFailure(note: UnpackNote) {
  const raw = note.info.name;
  const at = where(note.origin);
  switch (note.kind) {
    case 'prefixed-name':
      return failure(
        'name.prefixed',
        note.path,
        'archive name',
        `"${archiveName(note.path)}"`,
        `"${raw}" at ${at}`,
      );
    case 'duplicate':
      return failure(
        'entry.duplicate',
        note.path,
        'entry',
        'one record per name',
        `records at ${note.previous ? where(note.previous) : 'an earlier offset'} and ${at} (the last wins)`,
      );
    case 'dropped-no-parent':
      return failure(
        'entry.dropped',
        note.path,
        'parent directory',
        'declared before its entries',
        `${note.detail} at ${at}; the kernel drops the entry`,
      );
    case 'name-too-long':
      return failure(
        'name.too-long',
        note.path,
        'name',
        `at most ${PATH_MAX - 1} bytes`,
        `${note.detail} at ${at}`,
      );
    case 'unsafe-name':
      return failure(
        'name.unsafe',
        note.path,
        'archive name',
        'a normalised relative name',
        `${note.detail} at ${at}`,
      );
    case 'kept-existing':
    case 'ignored-body':
      return failure('entry.ignored', note.path, 'entry', 'applied by the kernel', `${note.detail} at ${at}`);
    case 'link-failed':
      return failure(
        'hardlink.failed',
        note.path,
        'hard link',
        'its first link present',
        `${note.detail} at ${at}`,
      );
    default:
      // 'hardlink' is normal; 'type-replaced' always comes with its 'duplicate' when it matters.
      return null;
  }
}

/** Runs the record checks over the unpacker's notes. */
export function checkNames(tree: ImageTree): CheckResult {
  const t = new Tally();
  for (const note of tree.notes) {
    const fail = toFailure(note);
    if (fail) t.failures.push(fail);
  }
  t.checked = Math.max(4 * tree.entries, t.failures.length);
  return t.result();
}
