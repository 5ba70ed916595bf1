/**
 * The incremental verdict on a base plus a node segment equals a full `verifyImage` of the combined
 * file: over random overlays, and over segments aimed at each shortcut the incremental path takes
 * (the ELF check reused from the base, the copy-on-write layer over the base's tree).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteCompression } from '../../compression/index.js';
import { newInfo, type WriteEntry } from '../../cpio/index.js';
import { fixturesDir } from '../../qemu/test-support/test-kernel.js';
import { decodeBase, encodeBase } from '../../verify/base-store.js';
import { type VerifiedBase, verifyBase, verifyImage, verifyWithSegment } from '../../verify/index.js';
import { segmentBytes, segmentPadding } from './segment-bytes.js';
import { KEY, makeBases, NODE } from './test-support/bases.js';

let work: string;
let bases: Partial<Record<WriteCompression, string>> = {};
const at = (name: string) => path.join(work, name);

const LIB = 'usr/lib/x86_64-linux-gnu';
/** A host program that needs libraries the base lacks (libselinux, libpcre2), and one that needs libc only. */
const HOST_LS = '/usr/bin/ls';
const HOST_GZIP = '/usr/bin/gzip';
const hasHostElves = fs.existsSync(HOST_LS) && fs.existsSync(HOST_GZIP);

const file = (name: string, data: string | Uint8Array, perm = 0o644, extra: Partial<WriteEntry> = {}) => {
  const content = typeof data === 'string' ? Buffer.from(data) : data;
  return { info: newInfo(name, 'file', perm, { size: content.length }), content, ...extra };
};
const link = (name: string, target: string): WriteEntry => ({
  info: newInfo(name, 'symlink', 0o777, { size: target.length, linkTarget: target }),
});
const dir = (name: string, perm = 0o755): WriteEntry => ({ info: newInfo(name, 'directory', perm) });
const fixture = (name: string) => fs.readFileSync(path.join(fixturesDir(), name));

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-overlay-diff-'));
  bases = await makeBases(work, ['gzip', 'lz4', 'none']);
  // A base with hard links: the gzip base and a segment with two names for one file.
  const linked = await verifyBase(bases.gzip as string);
  const segment = await segmentBytes(
    [
      file('usr/bin/a', '#!/bin/sh\necho a\n', 0o755, { linkGroup: 'ab' }),
      file('usr/bin/b', '#!/bin/sh\necho a\n', 0o755, { linkGroup: 'ab' }),
    ],
    { compress: 'gzip', padding: segmentPadding(linked.bytes, linked.lastCompression, 'gzip'), mtime: 0 },
  );
  fs.writeFileSync(at('base.links.img'), Buffer.concat([fs.readFileSync(linked.path), segment]));
}, 180_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const restoredBases = new Map<string, VerifiedBase>();

/** `baseFile` verified, stored and restored as a later run takes it from its store (base-store.ts). */
async function restoredBase(baseFile: string): Promise<VerifiedBase> {
  let restored = restoredBases.get(baseFile);
  if (restored === undefined) {
    const fresh = await verifyBase(baseFile);
    const key = { sha256: fresh.sha256, source: path.basename(baseFile), cmdline: null };
    restored = decodeBase(encodeBase(fresh, key, 'test-build'), key, 'test-build', fresh.path);
    if (restored === undefined) throw new Error(`${baseFile}: the stored base did not decode`);
    restoredBases.set(baseFile, restored);
  }
  return restored;
}

/**
 * Verifies `entries` on `baseFile` both ways, on the base verified in this run and on that base
 * stored and restored; returns the verdict and how the ELF check was made.
 */
async function differential(baseFile: string, entries: WriteEntry[], compress: WriteCompression = 'gzip') {
  const base = await verifyBase(baseFile);
  const padding = segmentPadding(base.bytes, base.lastCompression, compress);
  const segment = await segmentBytes(entries, { compress, padding, mtime: 0 });
  const combined = at('combined.img');
  fs.writeFileSync(combined, Buffer.concat([fs.readFileSync(base.path), segment]));
  const before = { ...base.elfChecks };
  const incremental = await verifyWithSegment(base, segment, { source: 'combined.img' });
  const full = await verifyImage(combined);
  expect(incremental).toEqual(full);
  expect(await verifyWithSegment(await restoredBase(baseFile), segment, { source: 'combined.img' })).toEqual(
    full,
  );
  const how = (Object.keys(before) as (keyof typeof before)[]).find((k) => base.elfChecks[k] !== before[k]);
  return { report: full, how };
}

describe('the verified base', () => {
  it('is what verifyImage reports of the base file, stored and restored too', async () => {
    for (const file of [bases.gzip, bases.lz4, bases.none, at('base.links.img')] as string[]) {
      const full = await verifyImage(file);
      expect((await verifyBase(file)).report).toEqual(full);
      expect((await restoredBase(file)).report).toEqual(full);
    }
  });
});

describe('incremental verification (differential), aimed at the shortcuts', () => {
  const rules = (r: { failures: { rule: string }[] }) => r.failures.map((f) => f.rule);

  it("reuses the base's ELF check for a node's configuration, and the verdict passes", async () => {
    const { report, how } = await differential(bases.gzip as string, [
      file('config/node.yaml', NODE('n7')),
      file('config/CONFIG_KEY', KEY, 0o400),
    ]);
    expect(report.passed).toBe(true);
    expect(how).toBe('base');
  });

  it("reruns only the checks that list the tree or look at what a node's configuration changes", async () => {
    const base = await verifyBase(bases.gzip as string);
    const before = new Map(base.checksRun);
    const { report } = await differential(bases.gzip as string, [
      file('config/node.yaml', NODE('n8')),
      file('config/CONFIG_KEY', KEY, 0o400),
    ]);
    expect(report.passed).toBe(true);
    const rerun = [...base.checksRun]
      .filter(([name, n]) => n > (before.get(name) ?? 0))
      .map(([name]) => name)
      .sort();
    // Listing the tree (symlinks, config placement and modes), counting entries (names), reading
    // the unpack notes (devices: the segment's node.yaml replacing the base's is one), or looking
    // up /config/* (owners, the config files): the others are the base's results.
    expect(rerun).toEqual([
      'config-content',
      'config-files',
      'config-placement',
      'devices',
      'names',
      'owners',
      'symlinks',
    ]);
  });

  it('checks the loader again when a segment replaces an ELF library', async () => {
    const { report, how } = await differential(bases.gzip as string, [
      file(`${LIB}/libssl.so.3`, fixture('rock-manager'), 0o644),
    ]);
    expect(how).toBe('full');
    // The program in its place has no SONAME and defines none of libssl's symbols.
    expect(report.passed).toBe(false);
  });

  it('checks the loader again when a library is replaced by text, or the loader by a symlink elsewhere', async () => {
    const text = await differential(bases.gzip as string, [file(`${LIB}/libc.so.6`, 'not a library\n')]);
    expect(text.how).toBe('full');
    expect(text.report.passed).toBe(false);
    const loader = await differential(bases.none as string, [
      dir('usr/lib64'),
      link('usr/lib64/ld-linux-x86-64.so.2', 'nowhere'),
    ]);
    expect(loader.how).toBe('full');
    expect(loader.report.passed).toBe(false);
  });

  it('replaces /sbin/init with a symlink', async () => {
    for (const target of ['../bin/busybox', 'init', '/bin/sh']) {
      const { report } = await differential(bases.gzip as string, [link('sbin/init', target)]);
      expect(report.passed).toBe(false);
    }
  });

  it("removes /bin/sh's target by replacing busybox with a directory", async () => {
    const { report } = await differential(bases.lz4 as string, [
      dir('bin/busybox'),
      file('bin/busybox/x', 'x\n'),
    ]);
    expect(rules(report)).toContain('component.type');
  });

  it('changes the mode of /config/CONFIG_KEY', async () => {
    for (const perm of [0o644, 0o600, 0o444]) {
      await differential(bases.gzip as string, [file('config/CONFIG_KEY', KEY, perm)], 'none');
    }
  });

  it('adds files under a directory the base has as a symlink (/lib -> usr/lib)', async () => {
    const { how } = await differential(bases.gzip as string, [
      file('lib/x86_64-linux-gnu/libnew.so.1', 'text\n'),
      file('lib/extra.conf', 'x\n'),
    ]);
    // Nothing asks for libnew.so.1 and the loader lists no directory: the base's check holds.
    expect(how).toBe('base');
    const replaced = await differential(bases.gzip as string, [dir('lib'), file('lib/x', 'x\n')]);
    expect(replaced.report.passed).toBe(false);
  });

  it('re-declares directories with other modes', async () => {
    const same = await differential(bases.gzip as string, [dir('tmp', 0o1777), dir('config', 0o755)]);
    expect(same.report.passed).toBe(true);
    await differential(
      bases.gzip as string,
      [dir('tmp', 0o755), dir('usr/lib', 0o700), dir('etc', 0o777)],
      'zstd',
    );
    await differential(
      bases.none as string,
      [dir('usr', 0o700), dir('dev', 0o700), dir('usr/lib/x86_64-linux-gnu', 0o700)],
      'lz4',
    );
  });

  it.skipIf(!hasHostElves)(
    'adds ELF programs: one needing libraries the base lacks, one needing libc',
    async () => {
      const missing = await differential(bases.gzip as string, [
        file('usr/bin/ls', fs.readFileSync(HOST_LS), 0o755),
      ]);
      expect(missing.how).toBe('added');
      expect(missing.report.failures.map((f) => `${f.rule} ${f.path}`)).toContain('deps.missing /usr/bin/ls');
      const fine = await differential(bases.lz4 as string, [
        file('usr/bin/gz', fs.readFileSync(HOST_GZIP), 0o755),
      ]);
      expect(fine.how).toBe('added');
      expect(fine.report.passed).toBe(true);
    },
  );

  it('writes through hard links of the base, and links of its own', async () => {
    const base = at('base.links.img');
    await differential(base, [file('usr/bin/a', 'not a script any more\n', 0o644)]);
    await differential(base, [file('usr/bin/b', fixture('rock-manager'), 0o755)]);
    await differential(base, [link('usr/bin/a', 'b'), dir('usr/bin/b')]);
    await differential(base, [
      file('usr/bin/c', '#!/bin/sh\n', 0o755, { linkGroup: 'c' }),
      file('sbin/init', '#!/bin/sh\n', 0o755, { linkGroup: 'c' }),
    ]);
  });
});

/** Records a random overlay may carry: good, broken and odd ones, aimed at the shortcuts too. */
const overlayEntry: fc.Arbitrary<WriteEntry> = fc.oneof(
  fc
    .record({
      name: fc.constantFrom(
        'config/extra.yaml',
        'etc/rock/agent.conf',
        'usr/bin/tool',
        'sbin/init',
        'usr/bin/rock-manager',
        'config/CONFIG_KEY',
        'config/node.yaml',
        'missing/dir/file',
        'tmp/x',
        `${LIB}/libssl.so.3`,
        'lib/x86_64-linux-gnu/libnew.so.1',
        'bin/busybox',
        'lib64/ld-linux-x86-64.so.2',
      ),
      perm: fc.constantFrom(0o644, 0o755, 0o600, 0o400, 0o666),
      data: fc.constantFrom<string | (() => Buffer)>(
        '',
        'text\n',
        KEY,
        NODE('r1'),
        'node_id: [\n',
        '#!/bin/sh\necho hi\n',
        '#!/nowhere\n',
        () => fixture('volcano-agent'),
        () => fixture('rock-manager'),
      ),
    })
    .map(({ name, perm, data }) => file(name, typeof data === 'string' ? data : data(), perm)),
  fc
    .record({
      name: fc.constantFrom(
        'init',
        'bin/sh',
        'usr/lib/x',
        'sbin/init',
        'lib',
        'usr/lib64/ld-linux-x86-64.so.2',
      ),
      target: fc.constantFrom('sbin/init', 'busybox', 'nowhere', 'usr/lib', `/${LIB}/libc.so.6`),
    })
    .map(({ name, target }) => link(name, target)),
  fc
    .record({
      name: fc.constantFrom('tmp', 'config', 'newdir', 'etc/rock', 'lib', 'bin/busybox', 'usr/lib'),
      perm: fc.constantFrom(0o755, 0o700, 0o1777),
    })
    .map(({ name, perm }) => dir(name, perm)),
);

describe('incremental verification (differential)', () => {
  it('gives the verdict a full verification of the combined file gives, over random overlays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(overlayEntry, { minLength: 1, maxLength: 6 }),
        fc.constantFrom<WriteCompression>('gzip', 'none', 'zstd', 'lz4'),
        fc.constantFrom('gzip', 'lz4', 'none', 'links'),
        async (entries, compress, baseName) => {
          const base =
            baseName === 'links' ? at('base.links.img') : (bases[baseName as WriteCompression] as string);
          await differential(base, entries, compress);
        },
      ),
      { numRuns: 40 },
    );
  }, 300_000);

  it('a fixed counterexample: the loader replaced by a dynamic program whose PT_INTERP is that loader', async () => {
    // Once a stack overflow (exit 70): the exec model followed the loader's own PT_INTERP for ever.
    await differential(
      bases.gzip as string,
      [file('lib64/ld-linux-x86-64.so.2', fixture('volcano-agent'), 0o755)],
      'gzip',
    );
  });
});
