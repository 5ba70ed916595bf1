import type { CpioRecord, EntryType, Info } from '../../../cpio/index.js';

/** Overrides for a built record; anything not given gets a plain default. */
export interface RecordOptions {
  perm?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  ino?: number;
  nlink?: number;
  devMajor?: number;
  devMinor?: number;
  segment?: number;
  offset?: number;
}

let nextIno = 1000;

/** A record with a newc-like origin; `offset` defaults to 0 (use {@link sequence} for real offsets). */
function record(
  name: string,
  type: EntryType,
  data: Uint8Array,
  extra: Partial<Info>,
  options: RecordOptions,
): CpioRecord {
  const info: Info = {
    name,
    type,
    perm: options.perm ?? (type === 'directory' ? 0o755 : 0o644),
    uid: options.uid ?? 0,
    gid: options.gid ?? 0,
    mtime: options.mtime ?? 1_700_000_000,
    ino: options.ino ?? nextIno++,
    nlink: options.nlink ?? (type === 'directory' ? 2 : 1),
    devMajor: options.devMajor ?? 0,
    devMinor: options.devMinor ?? 0,
    rdevMajor: 0,
    rdevMinor: 0,
    size: data.length,
    ...extra,
  };
  return {
    info,
    data,
    origin: {
      segment: options.segment ?? 0,
      archive: options.segment ?? 0,
      compression: 'none',
      offset: options.offset ?? 0,
      segmentOffset: 0,
    },
  };
}

const bytes = (content: string | Uint8Array): Uint8Array =>
  typeof content === 'string' ? new TextEncoder().encode(content) : content;

/** A regular file record. */
export function fileRecord(
  name: string,
  content: string | Uint8Array = '',
  options: RecordOptions = {},
): CpioRecord {
  return record(name, 'file', bytes(content), {}, options);
}

/** A directory record. */
export function dirRecord(name: string, options: RecordOptions = {}): CpioRecord {
  return record(name, 'directory', new Uint8Array(), {}, { perm: 0o755, ...options });
}

/** A symlink record; the target is both `linkTarget` and the data, as the reader reports it. */
export function symlinkRecord(name: string, target: string, options: RecordOptions = {}): CpioRecord {
  const data = bytes(target);
  return record(name, 'symlink', data, { linkTarget: target }, { perm: 0o777, ...options });
}

/** A device node, FIFO or socket record. */
export function deviceRecord(
  name: string,
  type: 'char-device' | 'block-device' | 'fifo' | 'socket',
  rdevMajor = 0,
  rdevMinor = 0,
  options: RecordOptions = {},
): CpioRecord {
  return record(name, type, new Uint8Array(), { rdevMajor, rdevMinor }, { perm: 0o600, ...options });
}

/**
 * A hard-link group: one record per name, sharing `ino` and `nlink = names.length`; the content goes on
 * the last record (GNU cpio) or the first, the others carry none.
 */
export function hardlinkRecords(
  names: string[],
  content: string | Uint8Array,
  options: RecordOptions & { dataOn?: 'first' | 'last' } = {},
): CpioRecord[] {
  const ino = options.ino ?? nextIno++;
  const dataIndex = options.dataOn === 'first' ? 0 : names.length - 1;
  return names.map((name, index) =>
    fileRecord(name, index === dataIndex ? content : '', { nlink: names.length, ...options, ino }),
  );
}

const align4 = (n: number): number => (n + 3) & ~3;

/** Gives records the offsets a newc writer would (110-byte header, name and data padded to 4), per segment. */
export function sequence(records: CpioRecord[]): CpioRecord[] {
  const offsets = new Map<number, number>();
  return records.map((r) => {
    const offset = offsets.get(r.origin.segment) ?? 0;
    const next = align4(offset + 110 + Buffer.byteLength(r.info.name) + 1) + align4(r.data.length);
    offsets.set(r.origin.segment, next);
    return { ...r, origin: { ...r.origin, offset } };
  });
}
