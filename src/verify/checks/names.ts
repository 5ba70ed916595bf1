/**
 * Names and records: what the kernel did to each record, from the unpacker's notes. None of these
 * fails an image by itself (the kernel accepts all of them; what the merged tree then gets wrong,
 * a missing component or directory, fails in the check that owns it): prefixed names (`./x`, `/x`)
 * and unsafe names resolve from /, a record whose parent is missing is dropped, names over PATH_MAX
 * are skipped, a record the kernel could not apply is lost — each a warning. A name declared twice:
 * across segments it is how appended segments and overlays work (a notice says which record wins;
 * a directory re-declared the same way is nothing), within one segment a warning. One check per
 * record: was it applied as written.
 */
import { archiveName } from '../../contract/index.js';
import type { RecordOrigin } from '../../cpio/index.js';
import { hexOffset } from '../../errors/index.js';
import { escapeName } from '../../util/byte-names.js';
import { PATH_MAX } from '../path-walk.js';
import type { CheckFailure, CheckResult, ImageTree, UnpackNote } from '../types.js';
import { failure, Tally } from './helpers.js';

/** `segment 0 offset 0x1f4`, for pointing at a record. */
export function where(origin: RecordOrigin): string {
  return `segment ${origin.segment} offset ${hexOffset(origin.offset)}`;
}

type Finding = { severity: 'warning' | 'notice'; item: CheckFailure };

function toFinding(note: UnpackNote): Finding | null {
  const raw = escapeName(note.info.name);
  const path = escapeName(note.path);
  const at = where(note.origin);
  const warn = (item: CheckFailure): Finding => ({ severity: 'warning', item });
  switch (note.kind) {
    case 'prefixed-name':
      return warn(
        failure('name.prefixed', path, 'archive name', `"${archiveName(path)}"`, `"${raw}" at ${at}`),
      );
    case 'duplicate': {
      const before = note.previous ? where(note.previous) : 'an earlier offset';
      if (note.previous && note.previous.segment !== note.origin.segment) {
        return {
          severity: 'notice',
          item: failure(
            'entry.replaced',
            path,
            'entry',
            'one record',
            `the record at ${at} replaces the one at ${before}`,
          ),
        };
      }
      return warn(
        failure(
          'entry.duplicate',
          path,
          'entry',
          'one record per name in a segment',
          `records at ${before} and ${at} (the last wins)`,
        ),
      );
    }
    case 'dropped-no-parent':
      return warn(
        failure(
          'entry.dropped',
          path,
          'parent directory',
          'declared before its entries',
          `${note.detail} at ${at}; the kernel drops the entry`,
        ),
      );
    case 'name-too-long':
      return warn(
        failure('name.too-long', path, 'name', `at most ${PATH_MAX - 1} bytes`, `${note.detail} at ${at}`),
      );
    case 'unsafe-name':
      return warn(
        failure('name.unsafe', path, 'archive name', 'a normalised relative name', `${note.detail} at ${at}`),
      );
    case 'kept-existing':
    case 'ignored-body':
      return warn(
        failure('entry.ignored', path, 'entry', 'applied by the kernel', `${note.detail} at ${at}`),
      );
    case 'link-failed':
      return warn(
        failure('hardlink.failed', path, 'hard link', 'its first link present', `${note.detail} at ${at}`),
      );
    default:
      // 'hardlink' is normal; 'type-replaced' always comes with its 'duplicate' when it matters.
      return null;
  }
}

/** Runs the record checks over the unpacker's notes: one check per record. */
export function checkNames(tree: ImageTree): CheckResult {
  const t = new Tally();
  const notices: CheckFailure[] = [];
  for (const note of tree.notes) {
    const found = toFinding(note);
    if (found?.severity === 'warning') t.warnings.push(found.item);
    else if (found) notices.push(found.item);
  }
  t.checked = tree.entries;
  return { ...t.result(), notices };
}
