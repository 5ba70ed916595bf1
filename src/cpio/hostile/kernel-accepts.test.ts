// What the kernel's unpacker accepts must read; what it refuses must be named. The archives are
// built here from gen_init_cpio's rules (usr/gen_init_cpio.c), not copied from its output.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodeName, escapeName } from '../../util/byte-names.js';
import { rawRecord, rawTrailer, readAll, readError } from '../test-support/records.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe('archives the kernel accepts', () => {
  it('gen_init_cpio symlinks: the target stored with its NUL (filesize = length + 1)', async () => {
    const records = await readAll(
      Buffer.concat([
        rawRecord({ name: 'bin/sh', data: 'busybox\0', fields: { mode: 0o120777 } }),
        rawTrailer(),
      ]),
    );
    expect(records[0]!.info).toMatchObject({ type: 'symlink', linkTarget: 'busybox', size: 8 });
  });

  it('gen_init_cpio -a: a name padded with NULs is read up to the first NUL', async () => {
    const padded = Buffer.concat([Buffer.from('sbin/init'), Buffer.alloc(2200)]);
    const records = await readAll(
      Buffer.concat([rawRecord({ name: padded, data: 'ELF!' }), rawRecord({ name: 'etc' }), rawTrailer()]),
    );
    expect(records.map((r) => r.info.name)).toEqual(['sbin/init', 'etc']);
    expect(Buffer.from(records[0]!.data).toString()).toBe('ELF!');
  });

  it.each([
    ['cp866', Buffer.from([0x8f, 0xe0, 0xa8, 0xa2, 0xa5, 0xe2])],
    ['EUC-JP', Buffer.from([0xc6, 0xfc, 0xcb, 0xdc, 0xb8, 0xec])],
    ['KOI8-R', Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4])],
    ['latin-1', Buffer.from('caf\xe9', 'latin1')],
  ])('a %s name keeps its exact bytes', async (_charset, bytes) => {
    const records = await readAll(
      Buffer.concat([
        rawRecord({ name: bytes }),
        rawRecord({ name: 'l', data: bytes, fields: { mode: 0o120777 } }),
        rawTrailer(),
      ]),
    );
    expect(encodeName(records[0]!.info.name)).toEqual(bytes);
    expect(encodeName(records[1]!.info.linkTarget!)).toEqual(bytes);
  });

  it('caf\\xe9 is shown escaped, like ls -b', async () => {
    const [r] = await readAll(
      Buffer.concat([rawRecord({ name: Buffer.from('caf\xe9', 'latin1') }), rawTrailer()]),
    );
    expect(escapeName(r!.info.name)).toBe('caf\\xe9');
    expect(JSON.stringify(r!.info.name)).toBe('"caf\\udce9"');
  });

  it('a trailer name padded with NULs still ends the archive', async () => {
    const trailer = rawRecord({ name: Buffer.from('TRAILER!!!\0\0\0\0\0'), fields: { mode: 0 } });
    const records = await readAll(Buffer.concat([rawRecord({ name: 'a' }), trailer]));
    expect(records.map((r) => r.info.name)).toEqual(['a']);
  });
});

describe('formats the kernel refuses are named', () => {
  const archive = Buffer.concat([rawRecord({ name: 'a' }), rawTrailer()]);
  const tarHead = Buffer.alloc(512);
  tarHead.write('etc/', 0, 'latin1');
  tarHead.write('ustar', 257, 'latin1');

  it.each([
    [
      'binary cpio (little-endian)',
      Buffer.from([0xc7, 0x71, 1, 2, 3, 4, 5, 6]),
      'an old binary cpio archive',
    ],
    ['binary cpio (big-endian)', Buffer.from([0x71, 0xc7, 1, 2, 3, 4, 5, 6]), 'an old binary cpio archive'],
    ['afio', Buffer.from('070727xxxxxxxx'), 'an afio archive'],
    ['an LZ4 frame', Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7, 0]), 'compress with lz4 -l'],
    ['.Z', Buffer.from([0x1f, 0x9d, 0x90, 0x30, 0, 0, 0, 0]), 'a compress(1) .Z file'],
    ['lzip', Buffer.from('LZIP\x01\x0cxxxx', 'latin1'), 'an lzip file'],
    ['tar', tarHead, 'a ustar/tar archive'],
    ['zip', Buffer.from('PK\x03\x04 zip file'), 'a zip archive'],
  ])('%s', async (_what, bytes, named) => {
    const err = await readError(Buffer.concat([archive, bytes]), { source: 'img' });
    expect(err.code).toBe('CPIO_UNSUPPORTED_FORMAT');
    expect(err.message).toContain(named);
    expect(err.message).toMatch(/^img:0x[0-9a-f]+: segment: expected a cpio newc archive/);
  });

  it.skipIf(!has('lz4'))('a segment made by `lz4` (frame format) is named with the -l hint', async () => {
    const frame = spawnSync('lz4', ['-c'], { input: archive }).stdout;
    const err = await readError(frame);
    expect(err.message).toContain('an LZ4 frame (04 22 4d 18); the kernel reads only the legacy LZ4 format');
  });

  it('an error line quotes at most 80 bytes of input', async () => {
    const bytes = Buffer.concat([rawRecord({ name: 'a', fields: { mode: 0o100644 } }), rawTrailer()]);
    bytes.write('zzzzzzzz', 6 + 8, 'latin1'); // a bad hex field
    const err = await readError(bytes);
    expect(err.message.length).toBeLessThan(200);
  });
});
