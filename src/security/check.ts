import { lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEY_PATH } from '../contract/index.js';
import { readRecords } from '../cpio/index.js';
import { InputError } from '../errors/index.js';
import { escapeName, fsPath, readNames } from '../util/byte-names.js';
import { withFsError } from '../util/fs-errors.js';
import { openInput } from '../util/open-input.js';
import { openBytes } from './envelope.js';
import { errnoCode, parseKey } from './key-file.js';
import {
  classify,
  type InspectOptions,
  inspectKeyFile,
  type KeyFileFacts,
  type KeyFinding,
} from './key-inspect.js';

/** The verdict of {@link checkKeys}. */
export interface KeyCheckReport {
  target: string;
  kind: 'directory' | 'image';
  /** Every finding, in path order; `ok` findings included. */
  findings: KeyFinding[];
  errors: number;
  warnings: number;
  /** No finding is an error. */
  passed: boolean;
}

/** Files larger than this are never keys: their content is not read. */
const MAX_CANDIDATE = 4096;

/**
 * Finds the key files in a directory (recursively, symlinks not followed) or in an image (read as the
 * kernel reads it, without extracting) and judges each: config keys (`CONFIG_KEY`, its backups,
 * `*.key` of key size) must be 44 base64 characters of 32 bytes with mode 0400 or 0600; minisign secret
 * keys must parse and be owner-only. In an image, the contract's CONFIG_KEY is expected, and every
 * encrypted config must decrypt under it. A group- or world-readable key is a warning here (an error
 * with `strictModes`, as rock-verify treats it). Returns the report; never prints key material.
 *
 * Refuses CHECK_TARGET_NOT_FOUND (exit 2) and the cpio reader's errors for a malformed image.
 */
export async function checkKeys(target: string, options: InspectOptions = {}): Promise<KeyCheckReport> {
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch (err) {
    throw new InputError('CHECK_TARGET_NOT_FOUND', `${target}: cannot read: ${errnoCode(err)}`, {
      path: target,
    });
  }
  const findings = isDir ? checkDirectory(target, options) : await checkImage(target, options);
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.filter((f) => f.level === 'warning').length;
  return { target, kind: isDir ? 'directory' : 'image', findings, errors, warnings, passed: errors === 0 };
}

function checkDirectory(root: string, options: InspectOptions): KeyFinding[] {
  const findings: KeyFinding[] = [];
  const walk = (dir: string): void => {
    // Names are bytes: read as bytes, shown escaped (`bad\xff`), opened by their exact bytes.
    for (const name of withFsError(escapeName(dir), 'cannot read directory', () => readNames(dir))) {
      const path = join(dir, name);
      const st = withFsError(escapeName(path), 'cannot read', () => lstatSync(fsPath(path)));
      if (st.isDirectory()) {
        walk(path);
        continue;
      }
      const type = st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
      const candidate: KeyFileFacts = {
        path: escapeName(path),
        type,
        perm: st.mode & 0o7777,
        size: st.size,
        data: new Uint8Array(),
      };
      if (type === 'file' && st.size <= MAX_CANDIDATE)
        candidate.data = withFsError(escapeName(path), 'cannot read', () => readFileSync(fsPath(path)));
      findings.push(...inspectKeyFile(candidate, options));
      candidate.data.fill(0);
    }
  };
  walk(root);
  return findings;
}

async function checkImage(image: string, options: InspectOptions): Promise<KeyFinding[]> {
  // The kernel keeps the last record of a name; so does this map.
  const files = new Map<string, KeyFileFacts>();
  for await (const { info, data } of readRecords(openInput(image), { source: image })) {
    const path = `/${info.name.replace(/^(?:\.?\/)+/, '')}`;
    if (info.type === 'directory') continue;
    const type = info.type === 'file' ? 'file' : info.type === 'symlink' ? 'symlink' : 'other';
    // Records hold their data in memory already; only candidates' data outlives the loop.
    const facts: KeyFileFacts = {
      path,
      type,
      perm: info.perm,
      size: info.size,
      data: type === 'file' ? data : new Uint8Array(),
    };
    if (classify(facts) === 'none') files.delete(path);
    else files.set(path, facts);
  }
  const findings = [...files.values()].flatMap((f) => inspectKeyFile(f, options));
  const key = files.get(CONFIG_KEY_PATH);
  if (key === undefined) {
    findings.push({
      path: CONFIG_KEY_PATH,
      level: 'warning',
      rule: 'key.missing',
      message: `${image}: ${CONFIG_KEY_PATH}: expected the config key rock-init reads, found nothing`,
    });
  }
  findings.push(...checkEnvelopes(image, files, key));
  return findings;
}

/** Every encrypted config in the image must open with the image's own key. */
function checkEnvelopes(
  image: string,
  files: Map<string, KeyFileFacts>,
  key: KeyFileFacts | undefined,
): KeyFinding[] {
  const envelopes = [...files.values()].filter((f) => classify(f) === 'envelope');
  if (envelopes.length === 0) return [];
  let keyBytes: Buffer | undefined;
  try {
    if (key !== undefined && key.type === 'file') keyBytes = parseKey(key.data, key.path);
  } catch {
    keyBytes = undefined;
  }
  const out = envelopes.map((env): KeyFinding => {
    if (keyBytes === undefined) {
      return {
        path: env.path,
        level: 'error',
        rule: 'envelope.no-key',
        message: `${env.path}: encrypted config: expected a valid ${CONFIG_KEY_PATH} to open it, found none in ${image}`,
      };
    }
    try {
      openBytes(keyBytes, env.data, env.path).fill(0);
      return {
        path: env.path,
        level: 'ok',
        rule: 'envelope.ok',
        message: `${env.path}: encrypted config, opens with ${CONFIG_KEY_PATH}`,
      };
    } catch (err) {
      return { path: env.path, level: 'error', rule: 'envelope.open', message: (err as Error).message };
    }
  });
  keyBytes?.fill(0);
  return out;
}

/** The report as lines: one per finding (`ok`, `warning`, `error`), then a summary line. */
export function formatKeyReport(report: KeyCheckReport): string {
  const lines = report.findings.map((f) => `${f.level === 'ok' ? 'ok' : f.level}: ${f.message}`);
  if (report.findings.length === 0) lines.push(`no key files found in ${report.target}`);
  const verdict = report.passed ? 'PASSED' : 'FAILED';
  lines.push(`${verdict}: ${report.target}: ${report.errors} errors, ${report.warnings} warnings`);
  return lines.join('\n');
}
