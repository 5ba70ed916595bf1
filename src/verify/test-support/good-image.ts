/**
 * Records of a fully valid ROCK-OS image, built in memory for the verifier's tests, and helpers to
 * break it one rule at a time. Offsets are those a newc writer would give (110-byte header, name
 * and data padded to 4).
 */

import {
  archiveName,
  BUSYBOX_APPLETS,
  BUSYBOX_LINK_DIR,
  COMPONENTS,
  CONFIG_KEY_PATH,
  DEVICE_NODES,
  DIRECTORIES,
  INIT_LINK,
  NODE_CONFIG_PATH,
} from '../../contract/index.js';
import type { CpioRecord, EntryType, Info, RecordOrigin } from '../../cpio/index.js';

/** One record to build: the name as stored and whatever differs from the defaults. */
export interface Spec {
  name: string;
  type: EntryType;
  perm: number;
  uid?: number;
  gid?: number;
  ino?: number;
  nlink?: number;
  devMajor?: number;
  devMinor?: number;
  rdev?: [number, number];
  target?: string;
  data?: Uint8Array | string;
  segment?: number;
  /** Size to declare for a non-file (the kernel skips such a record when it is not 0). */
  size?: number;
}

/** 64 bytes that start like a static x86-64 ELF executable (no program headers). */
export function fakeElf(tag = ''): Uint8Array {
  const bytes = new Uint8Array(64 + tag.length);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  bytes.set(Buffer.from(tag), 64);
  return bytes;
}

const pad4 = (n: number): number => (n + 3) & ~3;
const bytesOf = (d: Uint8Array | string | undefined): Uint8Array =>
  d === undefined ? new Uint8Array(0) : typeof d === 'string' ? new Uint8Array(Buffer.from(d)) : d;

/** Turns specs into records with realistic offsets; `ino` defaults to the record's index + 1. */
export function buildRecords(specs: readonly Spec[]): CpioRecord[] {
  const offsets = new Map<number, number>();
  return specs.map((s, i) => {
    const segment = s.segment ?? 0;
    const data = s.type === 'symlink' ? bytesOf(s.target ?? '') : bytesOf(s.data);
    const info: Info = {
      name: s.name,
      type: s.type,
      perm: s.perm,
      uid: s.uid ?? 0,
      gid: s.gid ?? 0,
      mtime: 0,
      ino: s.ino ?? i + 1,
      nlink: s.nlink ?? (s.type === 'directory' ? 2 : 1),
      devMajor: s.devMajor ?? 0,
      devMinor: s.devMinor ?? 0,
      rdevMajor: s.rdev?.[0] ?? 0,
      rdevMinor: s.rdev?.[1] ?? 0,
      size: s.size ?? data.length,
    };
    if (s.type === 'symlink') info.linkTarget = s.target ?? '';
    const offset = offsets.get(segment) ?? 0;
    offsets.set(segment, offset + pad4(110 + Buffer.byteLength(s.name) + 1) + pad4(data.length));
    const origin: RecordOrigin = { segment, archive: segment, compression: 'none', offset, segmentOffset: 0 };
    return { info, data: s.type === 'file' ? data : new Uint8Array(0), origin };
  });
}

/** The specs of a valid image, parents before children, every contract item present. */
export function goodSpecs(): Spec[] {
  const specs: Spec[] = [];
  for (const d of DIRECTORIES) specs.push({ name: archiveName(d.path), type: 'directory', perm: d.mode });
  for (const dev of DEVICE_NODES) {
    specs.push({
      name: archiveName(dev.path),
      type: 'char-device',
      perm: dev.mode,
      rdev: [dev.major, dev.minor],
    });
  }
  for (const c of COMPONENTS) {
    specs.push({ name: archiveName(c.path), type: 'file', perm: c.mode, data: fakeElf(c.component) });
  }
  for (const applet of BUSYBOX_APPLETS) {
    specs.push({
      name: archiveName(`${BUSYBOX_LINK_DIR}/${applet}`),
      type: 'symlink',
      perm: 0o777,
      target: 'busybox',
    });
  }
  specs.push({ name: archiveName(INIT_LINK.path), type: 'symlink', perm: 0o777, target: INIT_LINK.target });
  // 32 bytes, base64, newline: the shape rock-security keygen writes.
  specs.push({ name: archiveName(CONFIG_KEY_PATH), type: 'file', perm: 0o400, data: `${'k'.repeat(43)}=\n` });
  specs.push({ name: archiveName(NODE_CONFIG_PATH), type: 'file', perm: 0o644, data: GOOD_NODE_CONFIG });
  return specs;
}

/** The records of the valid image. */
export function goodImage(): CpioRecord[] {
  return buildRecords(goodSpecs());
}

/** The valid image with one spec changed (matched by stored name); throws when the name is absent. */
export function withChange(name: string, change: Partial<Spec>): CpioRecord[] {
  const specs = goodSpecs();
  const at = specs.findIndex((s) => s.name === name);
  if (at < 0) throw new Error(`no spec named ${name}`);
  specs[at] = { ...(specs[at] as Spec), ...change };
  return buildRecords(specs);
}

/** The valid image without the named records. */
export function without(...names: string[]): CpioRecord[] {
  return buildRecords(goodSpecs().filter((s) => !names.includes(s.name)));
}

/** The valid image with extra specs appended (or placed by `edit`). */
export function withExtra(extra: Spec[], edit?: (specs: Spec[]) => Spec[]): CpioRecord[] {
  const specs = [...goodSpecs(), ...extra];
  return buildRecords(edit ? edit(specs) : specs);
}

/** A node configuration that validates against the node.yaml schema. */
export const GOOD_NODE_CONFIG = [
  'node_id: n1',
  'hostname: n1',
  'role: worker',
  'network:',
  '  interface: eth0',
  'volcano:',
  '  server_url: https://volcano.example.com:8443',
  '  agent_id: n1',
  '',
].join('\n');
