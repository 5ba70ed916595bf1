import fs from 'node:fs';
import path from 'node:path';
import { hashFile } from './blob-store.js';
import { digestHex } from './key.js';
import { type StoreLayout, tempOwner } from './layout.js';
import { blobHexes, listDir, readRefFile, refFiles } from './ref-store.js';
import type { VerifyReport } from './types.js';

/** A temp file older than this is abandoned even if its pid is alive again (pid reuse, another host). */
const TEMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Re-hashes every blob and reads every ref: corrupt blobs, refs whose blob is missing and unreadable
 * refs are removed and reported; temp files of writers that are gone (killed mid-put) are removed.
 */
export async function verifyStore(layout: StoreLayout, now = Date.now()): Promise<VerifyReport> {
  const report: VerifyReport = {
    blobsChecked: 0,
    entriesChecked: 0,
    corruptBlobs: [],
    danglingEntries: [],
    badRefs: [],
    tempFilesRemoved: 0,
    ok: true,
  };
  report.tempFilesRemoved = removeAbandonedTemps(layout, now);

  const good = new Set<string>();
  for (const hex of blobHexes(layout)) {
    const file = layout.blob(hex);
    let actual: string;
    try {
      actual = (await hashFile(file)).digest;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // pruned meanwhile
      throw err;
    }
    report.blobsChecked += 1;
    if (actual === `sha256:${hex}`) good.add(hex);
    else {
      fs.rmSync(file, { force: true });
      report.corruptBlobs.push({ digest: `sha256:${hex}`, actual });
    }
  }

  for (const file of refFiles(layout)) {
    const result = readRefFile(file);
    if ('absent' in result) continue;
    if ('bad' in result) {
      fs.rmSync(file, { force: true, recursive: true });
      report.badRefs.push({ file: path.relative(layout.dir, file), reason: result.bad });
      continue;
    }
    report.entriesChecked += 1;
    const hex = digestHex(result.entry.digest);
    // A blob put after the scan above is fine too: only a blob absent now is dangling.
    if (!good.has(hex) && !fs.existsSync(layout.blob(hex))) {
      fs.rmSync(file, { force: true });
      report.danglingEntries.push({ key: result.entry.key, digest: result.entry.digest });
    }
  }
  report.ok =
    report.corruptBlobs.length === 0 && report.danglingEntries.length === 0 && report.badRefs.length === 0;
  return report;
}

/** Removes temp files whose writer process is gone (or that are a day old); returns how many. */
export function removeAbandonedTemps(layout: StoreLayout, now: number): number {
  let removed = 0;
  for (const name of listDir(layout.tmp)) {
    const file = path.join(layout.tmp, name);
    const pid = tempOwner(name);
    let old = false;
    try {
      old = now - fs.lstatSync(file).mtimeMs > TEMP_MAX_AGE_MS;
    } catch {
      continue;
    }
    if (pid !== undefined && !old && isAlive(pid)) continue;
    fs.rmSync(file, { force: true, recursive: true });
    removed += 1;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
