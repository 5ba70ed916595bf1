/**
 * Key rotation: a new CONFIG_KEY, and every config encrypted under the old key re-encrypted under the
 * new one, such that a failure at any point loses nothing.
 *
 * 1. Stage: each envelope is decrypted with the old key and encrypted with the new one, streaming,
 *    into `.<name>.rotate-<id>` beside it (an authentication failure aborts before anything is
 *    renamed); its current content is kept through a hard link `.<name>.rotate-old-<id>`; the new
 *    key is written to `.<key>.rotate-<id>`; the old key is copied to `<key>.bak-<stamp>`.
 * 2. Commit: each staged envelope is renamed over its original, then the staged key over the key.
 *    rename(2) is atomic, so every file holds either its old or its new content, never a mix. If a
 *    rename fails, the renamed originals are put back from their hard links and the backup removed:
 *    the old state, byte for byte.
 * 3. Clean up the hard links. The old key stays as `<key>.bak-<stamp>`.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, lstatSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, ToolError } from '../errors/index.js';
import { createAtomicWriteStream, writeFileAtomic } from '../util/atomic-write.js';
import { fsPath, readNames } from '../util/byte-names.js';
import { nodeFsError } from '../util/fs-errors.js';
import { openInput } from '../util/open-input.js';
import { backupFile } from './backup.js';
import { decryptChunks, ENVELOPE_MAGIC, encryptChunks, isEnvelope } from './envelope.js';
import { formatKey, generateKeyBytes, isExposed, readConfigKey } from './key-file.js';

/** Points where a test can make a rotation fail (by throwing), to prove nothing is lost. */
export interface RotateHooks {
  /** After the `index`-th envelope was staged. */
  afterStage?(file: string, index: number): void | Promise<void>;
  /** Before the `index`-th staged envelope is renamed over `file`. */
  beforeCommit?(file: string, index: number): void | Promise<void>;
}

/** Options of {@link rotateKey}. */
export interface RotateOptions {
  /** Directories searched (recursively) for envelopes; default the key's directory. */
  dirs?: string[];
  /** Clock for the backup's name. */
  now?: Date;
  hooks?: RotateHooks;
}

/** What {@link rotateKey} did. */
export interface RotateResult {
  key: string;
  /** Where the old key was kept. */
  backup: string;
  /** The envelopes now encrypted under the new key. */
  reencrypted: string[];
}

const STAGE_NAME = /^\..*\.rotate-(?:old-)?[0-9a-f]{12}$/;

/** Every file under `dirs` that starts with the envelope magic (symlinks not followed, staging files skipped). */
export function findEnvelopes(dirs: readonly string[]): string[] {
  try {
    return findEnvelopesUnchecked(dirs);
  } catch (err) {
    // An unreadable or missing --dir: the path and the errno in words (exit 2), not a crash.
    throw nodeFsError(err);
  }
}

function findEnvelopesUnchecked(dirs: readonly string[]): string[] {
  const found: string[] = [];
  const head = Buffer.alloc(ENVELOPE_MAGIC.length);
  const walk = (dir: string): void => {
    // Names are bytes (util/byte-names.ts): every fs call below gets the name's exact bytes.
    for (const name of readNames(dir)) {
      const path = join(dir, name);
      const st = lstatSync(fsPath(path));
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && !STAGE_NAME.test(name) && st.size >= head.length) {
        const fd = openSync(fsPath(path), 'r');
        try {
          if (readSync(fd, head, 0, head.length, 0) === head.length && isEnvelope(head)) found.push(path);
        } finally {
          closeSync(fd);
        }
      }
    }
  };
  for (const dir of dirs) walk(dir);
  return [...new Set(found)];
}

interface Staged {
  file: string;
  staged: string;
  old: string;
  committed: boolean;
}

function stagePath(file: string, id: string, old = false): string {
  return join(dirname(file), `.${basename(file)}.rotate-${old ? 'old-' : ''}${id}`);
}

/**
 * Replaces the key in `keyFile` by a new one and re-encrypts every envelope found under `dirs` (see
 * the file comment for the order of steps). Returns the backup's path and the files re-encrypted.
 *
 * Refuses the key errors of `readConfigKey`; an envelope that does not open with the old key
 * (ENVELOPE_AUTH_FAILED and the other envelope errors) stops the rotation with nothing changed;
 * ROTATE_FAILED (exit 2) when the filesystem fails midway, after everything was put back.
 */
export async function rotateKey(keyFile: string, options: RotateOptions = {}): Promise<RotateResult> {
  const { key: oldKey, perm } = readConfigKey(keyFile);
  const newKey = generateKeyBytes();
  const id = randomBytes(6).toString('hex');
  const files = findEnvelopes(options.dirs ?? [dirname(keyFile)]);
  const staged: Staged[] = [];
  const stagedKey = stagePath(keyFile, id);
  let backup: string | undefined;
  try {
    for (const [index, file] of files.entries()) {
      const entry = { file, staged: stagePath(file, id), old: stagePath(file, id, true), committed: false };
      await reencrypt(file, entry.staged, oldKey, newKey);
      staged.push(entry);
      linkSync(fsPath(file), fsPath(entry.old));
      await options.hooks?.afterStage?.(file, index);
    }
    await writeFileAtomic(stagedKey, formatKey(newKey), { mode: isExposed(perm) ? 0o600 : perm });
    backup = backupFile(keyFile, options.now ?? new Date());
    for (const [index, entry] of staged.entries()) {
      await options.hooks?.beforeCommit?.(entry.file, index);
      renameSync(fsPath(entry.staged), fsPath(entry.file));
      entry.committed = true;
    }
    renameSync(stagedKey, keyFile);
    for (const entry of staged) rmSync(fsPath(entry.old), { force: true });
    return { key: keyFile, backup, reencrypted: files };
  } catch (err) {
    const restored = rollBack(staged, stagedKey, backup);
    if (err instanceof ToolError && restored) {
      throw new ToolError(
        err.code,
        `${err.message}; rotation stopped, nothing was changed`,
        { ...err.data },
        err.exitCode,
      );
    }
    throw new InputError(
      'ROTATE_FAILED',
      `${keyFile}: rotation failed (${err instanceof Error ? err.message : String(err)}); ${
        restored
          ? 'every file was restored, the old key is still in use'
          : 'could not restore every file, see data.leftovers'
      }`,
      { path: keyFile, leftovers: restored ? [] : leftovers(staged, stagedKey) },
    );
  } finally {
    oldKey.fill(0);
    newKey.fill(0);
  }
}

async function reencrypt(file: string, staged: string, oldKey: Buffer, newKey: Buffer): Promise<void> {
  const mode = lstatSync(fsPath(file)).mode & 0o7777;
  const out = createAtomicWriteStream(staged, { mode });
  try {
    const chunks = encryptChunks(newKey, decryptChunks(oldKey, openInput(file), file));
    await pipeline(Readable.from(chunks), out.stream, { end: false });
  } catch (err) {
    await out.abort();
    throw err;
  }
  await out.commit();
}

/** Puts every original back and removes staging files. Returns false if anything could not be restored. */
function rollBack(staged: Staged[], stagedKey: string, backup: string | undefined): boolean {
  let ok = true;
  for (const entry of staged) {
    try {
      if (entry.committed) renameSync(fsPath(entry.old), fsPath(entry.file));
      else rmSync(fsPath(entry.old), { force: true });
      rmSync(fsPath(entry.staged), { force: true });
    } catch {
      ok = false;
    }
  }
  rmSync(stagedKey, { force: true });
  if (backup !== undefined && ok) rmSync(backup, { force: true });
  return ok;
}

function leftovers(staged: Staged[], stagedKey: string): string[] {
  return [...staged.flatMap((s) => [s.staged, s.old]), stagedKey].filter((p) => {
    try {
      lstatSync(fsPath(p));
      return true;
    } catch {
      return false;
    }
  });
}
