/**
 * Applies an image's records to an in-memory rootfs with the kernel's own rules (init/initramfs.c,
 * do_header / do_name / do_symlink / maybe_link / clean_path), so the verifier checks the tree the
 * kernel would really leave behind, not the list of records.
 */

import { TRAILER_NAME as TRAILER } from '../cpio/newc-header.js';
import { type ArchiveEntry, type CpioRecord, TYPE_BITS } from '../cpio/types.js';
import { hexOffset } from '../errors/index.js';
import { loadNodeConfigValidator, mayGiveNodeConfig } from './checks/node-config-validator.js';
import { captureSample, type FileSample, wholeSample } from './file-sample.js';
import { BUILTIN_RECORDS, isBuiltinOrigin } from './kernel-builtin.js';
import { NAME_MAX, PATH_MAX, splitName } from './path-walk.js';
import { locateName, nameNotes, type Where } from './record-name.js';
import { type Dirent, Rootfs } from './rootfs.js';
import type { ImageTree, UnpackNote, UnpackNoteKind } from './types.js';

/** What the unpacker takes: streamed entries, or records with their data in memory. */
export type UnpackRecord = ArchiveEntry | CpioRecord;

/**
 * Keeps what the checks need of a file's data (see file-sample.ts): config files whole, and program
 * loaders whole (`ld-*.so*`, musl's `ld-musl-*`: the dependency check reads their built-in search
 * directories from anywhere in them).
 */
function sampleOf(record: UnpackRecord, path: string): Promise<FileSample> | FileSample {
  if (!('content' in record)) return wholeSample(record.data);
  const base = path.slice(path.lastIndexOf('/') + 1);
  const whole = path.startsWith('/config/') || path.startsWith('/etc/') || base.startsWith('ld-');
  return captureSample(record.content, whole);
}

/** Per-record context: the record and a note writer. */
interface Job {
  record: UnpackRecord;
  where: Where;
  note(kind: UnpackNoteKind, detail: string, previous?: Dirent): void;
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * What the unpacker writes into: a {@link Rootfs}, or a layer over a tree already unpacked (the
 * incremental verification of per-node segments, see rootfs-layer.ts).
 */
export type UnpackTarget = Pick<
  Rootfs,
  'lookup' | 'parents' | 'get' | 'childCount' | 'newInode' | 'add' | 'remove'
>;

class KernelUnpacker {
  constructor(readonly fs: UnpackTarget) {}
  readonly notes: UnpackNote[] = [];
  readonly segments = new Set<number>();
  entries = 0;
  /** find_link's hash: (major, minor, ino, S_IFMT) to the first name; reset at every TRAILER!!!. */
  private readonly links = new Map<string, string>();
  private lastArchive: number | undefined;
  /** The node-config validator's load, once a record may put a node.yaml in the tree. */
  validator: Promise<void> | undefined;

  /** Applies one record; a promise only when a file's data must be streamed in. */
  feed(record: UnpackRecord): Promise<void> | undefined {
    const { info, origin } = record;
    // A segment ends with TRAILER!!! (free_hash), so links never cross segments even when the
    // reader does not hand the trailer over.
    if (this.lastArchive !== undefined && origin.archive !== this.lastArchive) this.links.clear();
    this.lastArchive = origin.archive;
    if (info.name === TRAILER) {
      this.links.clear();
      return;
    }
    const quiet = isBuiltinOrigin(origin);
    if (!quiet) {
      this.entries += 1;
      this.segments.add(origin.segment);
    }
    const where = locateName(this.fs.lookup, info.name, this.fs.parents);
    // The check reads /config/node.yaml through symlinks: a record there, or a symlink at /config,
    // may give the tree one to validate.
    if (mayGiveNodeConfig(where.path, info.type)) this.validator ??= loadNodeConfigValidator();
    const job: Job = {
      record,
      where,
      note: (kind, detail, previous) => {
        if (quiet) return;
        const note: UnpackNote = { kind, path: where.path, detail, origin, info };
        if (previous) note.previous = previous.origin;
        this.notes.push(note);
      },
    };
    // do_header: a name longer than PATH_MAX (NUL included) is skipped whole.
    if (byteLength(info.name) + 1 > PATH_MAX) {
      job.note(
        'name-too-long',
        `name is ${byteLength(info.name)} bytes; the kernel skips names over ${PATH_MAX - 1}`,
      );
      return;
    }
    if (info.type === 'symlink') {
      const target = linkTarget(record);
      // do_header: a symlink body over PATH_MAX is skipped whole.
      if (byteLength(target) > PATH_MAX) {
        job.note('name-too-long', `link target is ${byteLength(target)} bytes; the kernel skips it`);
        return;
      }
    } else if (info.type !== 'file' && info.size > 0) {
      // do_header reads the name only `if (S_ISREG(mode) || !body_len)`: anything else is skipped.
      job.note('ignored-body', `a ${info.type} with a ${info.size}-byte body: the kernel skips the record`);
      return;
    }
    if (!where.ok && where.why.startsWith('ENAMETOOLONG')) {
      job.note(
        'name-too-long',
        `a component is longer than ${NAME_MAX} bytes (ENAMETOOLONG); the entry is dropped`,
      );
      return;
    }
    for (const [kind, detail] of nameNotes(info.name, where)) job.note(kind, detail);
    switch (info.type) {
      case 'file':
        return this.doFile(job);
      case 'directory':
        this.doDirectory(job);
        return;
      case 'symlink':
        this.doSymlink(job, linkTarget(record));
        return;
      default:
        this.doNode(job);
        return;
    }
  }

  /** Notes a re-declared name; the built-in entries are expected to be re-declared, so not them. */
  private noteDuplicate(job: Job, path: string): void {
    const existing = this.fs.get(path);
    const { info, origin } = job.record;
    // Every appended segment carries its parent directories again: a directory re-declared the same
    // way in a later segment changes nothing, so it is nothing to report.
    const same =
      existing !== undefined &&
      existing.segment !== origin.segment &&
      existing.inode.type === 'directory' &&
      info.type === 'directory' &&
      existing.inode.perm === info.perm &&
      existing.inode.uid === info.uid &&
      existing.inode.gid === info.gid;
    if (existing && !same && !existing.builtin) {
      const before = existing.origin;
      job.note(
        'duplicate',
        `also declared at segment ${before.segment} offset ${hexOffset(before.offset)}; the last one wins`,
        existing,
      );
    }
  }

  /**
   * clean_path: an existing entry of another type is removed; rmdir fails on a non-empty directory,
   * which then stays (returns true: blocked, and noted).
   */
  private cleanPath(job: Job, path: string, type: CpioRecord['info']['type'] | null): boolean {
    const existing = this.fs.get(path);
    if (!existing || existing.inode.type === type) return false;
    if (existing.inode.type === 'directory' && this.fs.childCount(path) > 0) {
      job.note(
        'kept-existing',
        `a non-empty directory is in the way (rmdir: ENOTEMPTY); the record is lost`,
        existing,
      );
      return true;
    }
    this.fs.remove(path);
    if (type !== null || existing.inode.type !== job.record.info.type) {
      job.note(
        'type-replaced',
        `the ${existing.inode.type} there is removed for a ${job.record.info.type}`,
        existing,
      );
    }
    return false;
  }

  /** maybe_link: 0 not a later link, 1 linked, -1 linking failed (the record is then dropped). */
  private maybeLink(job: Job): 0 | 1 | -1 {
    const { info, origin } = job.record;
    if (info.nlink < 2) return 0;
    const key = `${info.devMajor}:${info.devMinor}:${info.ino}:${TYPE_BITS[info.type]}`;
    const old = this.links.get(key);
    if (old === undefined) {
      this.links.set(key, info.name);
      return 0;
    }
    const { where } = job;
    if (where.ok && !where.itself) this.cleanPath(job, where.path, null);
    // init_link(old, new) looks `old` up by name now, without following a final symlink.
    const from = locateName(this.fs.lookup, old);
    const source = from.ok && !from.itself ? this.fs.get(from.path) : undefined;
    if (!source || source.inode.type === 'directory') {
      job.note(
        'link-failed',
        `hard link to "${old}" fails: ${source ? 'it is a directory now' : 'it no longer exists'}`,
      );
      return -1;
    }
    if (!where.ok) {
      job.note('dropped-no-parent', `no parent directory (${where.why})`);
      return -1;
    }
    if (where.itself || this.fs.get(where.path)) {
      job.note('link-failed', `hard link to "${old}" fails: the name is taken (EEXIST)`);
      return -1;
    }
    this.fs.add(where.path, source.inode, origin, info.name);
    job.note('hardlink', `hard link to ${from.path} (ino ${info.ino}); they share one file`);
    return 1;
  }

  private doFile(job: Job): Promise<void> | undefined {
    const { info, origin } = job.record;
    const { where } = job;
    let blocked = false;
    if (where.ok && !where.itself) {
      this.noteDuplicate(job, where.path);
      blocked = this.cleanPath(job, where.path, 'file');
    }
    const ml = this.maybeLink(job);
    if (ml < 0 || (blocked && ml === 0)) return;
    if (!where.ok) {
      job.note('dropped-no-parent', `no parent directory (${where.why})`);
      return;
    }
    if (where.itself || where.trailingSlash) {
      job.note('kept-existing', 'names a directory; open fails (EISDIR)');
      return;
    }
    let entry = this.fs.get(where.path);
    if (entry && entry.inode.type !== 'file') {
      job.note('kept-existing', `a ${entry.inode.type} stays there; open fails`, entry);
      return;
    }
    if (!entry) {
      entry = this.fs.add(
        where.path,
        this.fs.newInode('file', info.perm, info.uid, info.gid),
        origin,
        info.name,
      );
    } else if (ml !== 1) {
      entry.inode.sample = wholeSample(new Uint8Array(0)); // O_TRUNC, except on a later hard link
    }
    entry.origin = origin;
    entry.rawName = info.name;
    // vfs_fchown / vfs_fchmod apply to the (possibly shared) inode; the body, if any, replaces its data.
    Object.assign(entry.inode, { uid: info.uid, gid: info.gid, perm: info.perm });
    if (info.size === 0) return;
    const { inode } = entry;
    const sample = sampleOf(job.record, where.path);
    if (!(sample instanceof Promise)) {
      inode.sample = sample;
      return;
    }
    return sample.then((kept) => {
      inode.sample = kept;
    });
  }

  private doDirectory(job: Job): void {
    const { info, origin } = job.record;
    const { where } = job;
    if (!where.ok) {
      job.note('dropped-no-parent', `no parent directory (${where.why})`);
      return;
    }
    if (!where.itself) {
      this.noteDuplicate(job, where.path);
      this.cleanPath(job, where.path, 'directory');
    }
    let entry = this.fs.get(where.path);
    if (!entry) {
      const inode = this.fs.newInode('directory', info.perm, info.uid, info.gid);
      entry = this.fs.add(where.path, inode, origin, info.name);
    }
    if (entry.inode.type !== 'directory') return; // a non-empty directory can only be kept, so unreachable
    // The next records are usually inside it: their parent is known without a walk.
    if (!where.itself)
      this.fs.parents.set(splitName(info.name).join('/'), { dir: where.path, escaped: where.escaped });
    // init_mkdir fails with EEXIST on an existing directory, but init_chown and init_chmod still run.
    Object.assign(entry.inode, { uid: info.uid, gid: info.gid, perm: info.perm });
    entry.origin = origin;
    entry.rawName = info.name;
  }

  private doNode(job: Job): void {
    const { info, origin } = job.record;
    const { where } = job;
    let blocked = false;
    if (where.ok && !where.itself) {
      this.noteDuplicate(job, where.path);
      blocked = this.cleanPath(job, where.path, info.type);
    }
    if (this.maybeLink(job) !== 0) return;
    if (!where.ok) {
      job.note('dropped-no-parent', `no parent directory (${where.why})`);
      return;
    }
    if (where.trailingSlash) {
      job.note('kept-existing', `a ${info.type} name ends with "/"; mknod fails`);
      return;
    }
    let entry = this.fs.get(where.path);
    if (!entry) {
      const inode = this.fs.newInode(info.type, info.perm, info.uid, info.gid);
      inode.rdevMajor = info.rdevMajor;
      inode.rdevMinor = info.rdevMinor;
      entry = this.fs.add(where.path, inode, origin, info.name);
    } else {
      // init_mknod fails with EEXIST; init_chown/init_chmod still apply to what is there, so the old
      // device numbers stay (this is what happens to every image's /dev/console over the built-in one).
      const { inode } = entry;
      // When blocked (already noted), the non-empty directory still gets the record's owner and mode.
      if (
        !blocked &&
        (inode.type !== info.type || inode.rdevMajor !== info.rdevMajor || inode.rdevMinor !== info.rdevMinor)
      ) {
        job.note(
          'kept-existing',
          `mknod fails (EEXIST): the ${inode.type} ${inode.rdevMajor}:${inode.rdevMinor} stays; the record's ${info.rdevMajor}:${info.rdevMinor} is ignored`,
          entry,
        );
      }
    }
    Object.assign(entry.inode, { uid: info.uid, gid: info.gid, perm: info.perm });
    entry.origin = origin;
    entry.rawName = info.name;
  }

  private doSymlink(job: Job, target: string): void {
    const { info, origin } = job.record;
    const { where } = job;
    let blocked = false;
    if (where.ok && !where.itself) {
      this.noteDuplicate(job, where.path);
      blocked = this.cleanPath(job, where.path, null); // clean_path(collected, 0): any type goes
    }
    // init_symlink: getname_kernel refuses a target of PATH_MAX bytes or more (no room for the NUL).
    if (byteLength(target) + 1 > PATH_MAX) {
      job.note('name-too-long', `link target is ${byteLength(target)} bytes`);
      return;
    }
    if (!where.ok) {
      job.note('dropped-no-parent', `no parent directory (${where.why})`);
      return;
    }
    const existing = where.itself || where.trailingSlash ? undefined : this.fs.get(where.path);
    if (where.itself || where.trailingSlash || existing) {
      if (existing) Object.assign(existing.inode, { uid: info.uid, gid: info.gid }); // init_chown still runs
      if (!blocked) job.note('kept-existing', 'symlink fails (EEXIST); what is there stays', existing);
      return;
    }
    const inode = this.fs.newInode('symlink', 0o777, info.uid, info.gid);
    inode.linkTarget = target;
    this.fs.add(where.path, inode, origin, info.name);
  }
}

function linkTarget(record: UnpackRecord): string {
  return record.info.linkTarget ?? ('data' in record ? Buffer.from(record.data).toString('utf8') : '');
}

/**
 * Unpacks records in memory exactly as the kernel would into rootfs (keeping of each file only what
 * the checks read, so memory does not grow with file sizes), starting from the kernel's
 * built-in `/dev`, `/dev/console` (c 5:1) and `/root` (origin segment -1). Returns the resulting
 * tree and a note for everything worth a word: prefixed or unsafe names, duplicates, entries dropped
 * for a missing parent, names too long, hard links, replaced types. Never throws on odd archives:
 * the kernel does not either.
 * @example const tree = await unpackLikeKernel(readRecords(file)); tree.nodes.get('/sbin/init')
 */
export async function unpackLikeKernel(
  records: AsyncIterable<UnpackRecord> | Iterable<UnpackRecord>,
): Promise<ImageTree> {
  const fs = new Rootfs();
  const unpacker = new KernelUnpacker(fs);
  for (const record of BUILTIN_RECORDS) await unpacker.feed(record);
  for await (const record of records) await unpacker.feed(record);
  await unpacker.validator;
  return treeOf(fs, unpacker);
}

/**
 * {@link unpackLikeKernel} over batches of records ({@link readEntryBatches}): no promise per record
 * unless a file's data streams in, so 400,000 small records unpack at the speed of the rules.
 * @example const tree = await unpackBatchesLikeKernel(readEntryBatches(file));
 */
export async function unpackBatchesLikeKernel(
  batches: AsyncIterable<readonly UnpackRecord[]>,
): Promise<ImageTree> {
  const fs = new Rootfs();
  const unpacker = new KernelUnpacker(fs);
  for (const record of BUILTIN_RECORDS) await unpacker.feed(record);
  for await (const batch of batches) {
    for (const record of batch) {
      const pending = unpacker.feed(record);
      if (pending !== undefined) await pending;
    }
  }
  await unpacker.validator;
  return treeOf(fs, unpacker);
}

function treeOf(fs: Rootfs, unpacker: KernelUnpacker): ImageTree {
  return {
    nodes: fs.toNodes(),
    notes: unpacker.notes,
    segments: unpacker.segments.size,
    entries: unpacker.entries,
  };
}

/**
 * Applies more records, with the same rules, onto a tree already unpacked (`fs`, e.g. a layer over
 * a verified base image's tree): what {@link unpackLikeKernel} of all the records would do from
 * there on. The notes, segments and entries returned are those of `records` alone.
 */
export async function unpackOnto(
  fs: UnpackTarget,
  records: AsyncIterable<UnpackRecord> | Iterable<UnpackRecord>,
): Promise<Omit<ImageTree, 'nodes'>> {
  const unpacker = new KernelUnpacker(fs);
  for await (const record of records) await unpacker.feed(record);
  await unpacker.validator;
  return { notes: unpacker.notes, segments: unpacker.segments.size, entries: unpacker.entries };
}
