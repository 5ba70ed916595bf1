/**
 * Test helpers: a comparable snapshot of a directory tree (from lstat) and of records read from an
 * archive, so extraction and listing by other tools can be compared with what we wrote or read.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CpioRecord, EntryType } from '../types.js';

/** What two trees must agree on, per name. `link` names the first member of a hard-link group. */
export interface NodeFacts {
  type: EntryType;
  perm: number;
  sha?: string;
  target?: string;
  link?: string;
  rdev?: string;
}

const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex').slice(0, 16);

function typeOf(st: fs.Stats): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char-device';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isFIFO()) return 'fifo';
  return 'socket';
}

/** Snapshot of everything under `root` (sorted by name; the root itself excluded). */
export function snapshotTree(root: string): Record<string, NodeFacts> {
  const out: Record<string, NodeFacts> = {};
  const firstByIno = new Map<number, string>();
  const names: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      names.push(r);
      if (fs.lstatSync(path.join(root, r)).isDirectory()) walk(r);
    }
  };
  walk('');
  for (const name of names.sort()) {
    const full = path.join(root, name);
    const st = fs.lstatSync(full);
    const facts: NodeFacts = { type: typeOf(st), perm: st.mode & 0o7777 };
    if (facts.type === 'symlink') {
      facts.target = fs.readlinkSync(full);
      facts.perm = 0o777;
    }
    if (facts.type === 'file') facts.sha = sha(fs.readFileSync(full));
    if (facts.type === 'char-device' || facts.type === 'block-device')
      facts.rdev = `${Math.floor(st.rdev / 256)}:${st.rdev % 256}`;
    if (facts.type !== 'directory' && st.nlink > 1) {
      if (!firstByIno.has(st.ino)) firstByIno.set(st.ino, name);
      facts.link = firstByIno.get(st.ino)!;
    }
    out[name] = facts;
  }
  return out;
}

/** Snapshot of records read from an archive; `strip` removes a prefix such as './' from names. */
export function snapshotRecords(records: CpioRecord[], strip = ''): Record<string, NodeFacts> {
  const out: Record<string, NodeFacts> = {};
  const groupData = new Map<string, Uint8Array>();
  const firstByKey = new Map<string, string>();
  const key = (r: CpioRecord) => `${r.info.devMajor}:${r.info.devMinor}:${r.info.ino}`;
  const nameOf = (r: CpioRecord) =>
    r.info.name.startsWith(strip) ? r.info.name.slice(strip.length) : r.info.name;
  for (const r of records) {
    if (r.info.type !== 'directory' && r.info.nlink > 1 && r.data.length > 0) groupData.set(key(r), r.data);
  }
  for (const r of [...records].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : 1))) {
    const name = nameOf(r);
    if (name === '.' || name === '') continue;
    const facts: NodeFacts = { type: r.info.type, perm: r.info.perm };
    const linked = r.info.type !== 'directory' && r.info.nlink > 1;
    if (r.info.type === 'symlink') facts.target = r.info.linkTarget!;
    if (r.info.type === 'file') facts.sha = sha(linked ? (groupData.get(key(r)) ?? r.data) : r.data);
    if (r.info.type === 'char-device' || r.info.type === 'block-device')
      facts.rdev = `${r.info.rdevMajor}:${r.info.rdevMinor}`;
    if (linked) {
      if (!firstByKey.has(key(r))) firstByKey.set(key(r), name);
      facts.link = firstByKey.get(key(r))!;
    }
    out[name] = facts;
  }
  return out;
}
