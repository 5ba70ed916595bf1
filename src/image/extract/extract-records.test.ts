import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CpioRecord } from '../../cpio/index.js';
import { InputError } from '../../errors/index.js';
import { type ExtractWarning, extractRecords } from './index.js';
import { dirRecord, fileRecord, hardlinkRecords, symlinkRecord } from './test-support/records.js';
import { caught, makeSandbox, type Sandbox } from './test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

const at = (name: string) => path.join(box.root, name);

describe('extractRecords', () => {
  it('extracts a small initramfs tree with its modes and mtimes, creating the destination', async () => {
    const records = [
      dirRecord('bin', { perm: 0o755, mtime: 100 }),
      fileRecord('bin/busybox', '\x7fELF', { perm: 0o755, mtime: 101 }),
      symlinkRecord('bin/sh', 'busybox', { mtime: 102 }),
      dirRecord('etc', { perm: 0o500, mtime: 103 }),
      dirRecord('etc/rock', { perm: 0o700, mtime: 104 }),
      fileRecord('etc/rock/config', 'k=v\n', { perm: 0o400, mtime: 105 }),
      symlinkRecord('init', '/bin/busybox', { mtime: 106 }),
    ];
    const warnings: ExtractWarning[] = [];
    const result = await extractRecords(records, box.root, { onWarning: (w) => warnings.push(w) });

    expect(result).toEqual({
      files: 2,
      directories: 3,
      symlinks: 2,
      hardlinks: 0,
      devices: 0,
      skippedDevices: [],
    });
    expect(warnings).toEqual([]);
    expect(fs.readFileSync(at('bin/busybox'), 'latin1')).toBe('\x7fELF');
    expect(fs.readFileSync(at('etc/rock/config'), 'utf8')).toBe('k=v\n');
    const modes = Object.fromEntries(
      ['bin', 'bin/busybox', 'etc', 'etc/rock', 'etc/rock/config'].map((n) => [
        n,
        fs.statSync(at(n)).mode & 0o7777,
      ]),
    );
    expect(modes).toEqual({
      bin: 0o755,
      'bin/busybox': 0o755,
      etc: 0o500,
      'etc/rock': 0o700,
      'etc/rock/config': 0o400,
    });
    const mtimes = ['bin', 'bin/busybox', 'bin/sh', 'etc', 'etc/rock', 'etc/rock/config', 'init'].map(
      (n) => fs.lstatSync(at(n)).mtimeMs / 1000,
    );
    expect(mtimes).toEqual([100, 101, 102, 103, 104, 105, 106]);
    expect(fs.readlinkSync(at('init'))).toBe('/bin/busybox');
    box.assertOutsideUnchanged();
  });

  it('reads an async iterable, as the streaming reader produces', async () => {
    async function* records(): AsyncGenerator<CpioRecord> {
      yield dirRecord('a');
      yield* hardlinkRecords(['a/x', 'a/y'], 'shared');
    }
    const result = await extractRecords(records(), box.root);
    expect(result).toMatchObject({ directories: 1, files: 1, hardlinks: 1 });
    expect(fs.statSync(at('a/x')).ino).toBe(fs.statSync(at('a/y')).ino);
  });

  it('creates parents the archive does not list, with a MISSING_PARENT warning each', async () => {
    const warnings: ExtractWarning[] = [];
    await extractRecords([fileRecord('usr/lib/x', 'x')], box.root, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([
      {
        code: 'MISSING_PARENT',
        path: 'usr',
        message: 'created directory "usr" for "usr/lib/x"; the archive does not list it',
      },
      {
        code: 'MISSING_PARENT',
        path: 'usr/lib',
        message: 'created directory "usr/lib" for "usr/lib/x"; the archive does not list it',
      },
    ]);
    expect(fs.readFileSync(at('usr/lib/x'), 'utf8')).toBe('x');
  });

  it('names the segment in messages past the first one', async () => {
    const record = fileRecord('../x', 'x', { segment: 2, offset: 0x1f4 });
    const error = await caught(() => extractRecords([record], box.root));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect(error.message).toBe(
      'segment 2 0x1f4: "../x": expected a path inside the root, got a ".." component',
    );
    expect(error.data).toEqual({ entry: '../x', offset: 0x1f4, segment: 2, written: [] });
  });

  it('refuses the filesystem root as destination', async () => {
    const error = await caught(() => extractRecords([], '/'));
    expect(error.code).toBe('EXTRACT_CONFLICT');
  });

  it('never writes outside the root, whatever sequence of hostile records it gets', async () => {
    const outside = box.outside;
    const name = fc.constantFrom(
      'a',
      'b',
      'a/b',
      'a/b/c',
      'b/a',
      '/a',
      '../a',
      'C:a',
      'l',
      'l/x',
      'a/l',
      'a/l/x',
    );
    const target = fc.constantFrom(outside, `${outside}/sentinel`, '..', '../..', 'a', '/', 'l/x', '.');
    const record = fc.oneof(
      name.map((n) => dirRecord(n, { perm: 0o500 })),
      fc.tuple(name, fc.string({ maxLength: 4 })).map(([n, c]) => fileRecord(n, c)),
      fc.tuple(name, target).map(([n, t]) => symlinkRecord(n, t)),
      fc.tuple(name, name).map(([n, m]) => hardlinkRecords([n, m], 'hl', { ino: 5 })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 12 }), async (generated) => {
        const records = generated.flat();
        const run = makeSandbox();
        try {
          await extractRecords(records, run.root, { devices: false });
        } catch (error) {
          expect(['PATH_ESCAPE', 'PATH_INVALID', 'EXTRACT_CONFLICT', 'EXTRACT_LIMIT']).toContain(
            (error as { code?: string }).code,
          );
        } finally {
          run.assertOutsideUnchanged();
          run.cleanup();
          box.assertOutsideUnchanged();
        }
      }),
      { numRuns: 150 },
    );
  });
});
