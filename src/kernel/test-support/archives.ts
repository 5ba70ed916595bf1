import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** One member for {@link ustar}. */
export interface TarSpec {
  name: string;
  data?: Uint8Array | string;
  type?: 'file' | 'directory' | 'symlink';
  linkName?: string;
  mode?: number;
}

function header(name: string, size: number, typeflag: string, linkName: string, mode: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(typeflag, 156);
  h.write(linkName, 157, 100, 'utf8');
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/**
 * A tar stream written by hand (so hostile names such as `../x` or `/etc/x` can be made): names over
 * 100 bytes get a pax `path` record. `end: false` leaves out the end-of-archive blocks.
 */
export function ustar(members: TarSpec[], options: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? '');
    const type = m.type ?? 'file';
    const flag = type === 'directory' ? '5' : type === 'symlink' ? '2' : '0';
    let name = m.name;
    if (Buffer.byteLength(name) > 100) {
      const body = (n: number) => ` path=${name}\n`.length + String(n).length;
      let len = body(0);
      while (body(len) !== len) len = body(len);
      const record = Buffer.from(`${len} path=${name}\n`);
      parts.push(header('PaxHeader', record.length, 'x', '', 0o644), padded(record));
      name = name.slice(0, 99);
    }
    parts.push(
      header(
        name,
        type === 'file' ? data.length : 0,
        flag,
        m.linkName ?? '',
        m.mode ?? (type === 'directory' ? 0o755 : 0o644),
      ),
    );
    if (type === 'file') parts.push(padded(data));
  }
  if (options.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** An `ar` archive (deb(5) layout when given debian-binary, control.tar.*, data.tar.*). */
export function arArchive(members: { name: string; data: Uint8Array }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n')];
  for (const m of members) {
    const h = Buffer.alloc(60, 0x20);
    h.write(m.name, 0);
    h.write('0', 16);
    h.write('0', 28);
    h.write('0', 34);
    h.write('100644', 40);
    h.write(String(m.data.length), 48);
    h.write('`\n', 58);
    parts.push(h, Buffer.from(m.data));
    if (m.data.length % 2 === 1) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** A .deb whose data.tar.<codec> holds `members` (xz and zstd by the host's xz and zstd tools). */
export function debWith(members: TarSpec[], codec: 'gz' | 'xz' | 'zst' = 'gz'): Buffer {
  const data = ustar(members);
  const packed =
    codec === 'gz'
      ? zlib.gzipSync(data)
      : execFileSync(codec === 'xz' ? 'xz' : 'zstd', ['-0', '-c', '-q'], { input: data, maxBuffer: 1 << 28 });
  return arArchive([
    { name: 'debian-binary', data: Buffer.from('2.0\n') },
    {
      name: 'control.tar.gz',
      data: zlib.gzipSync(ustar([{ name: './control', data: 'Package: linux-image-test\n' }])),
    },
    { name: `data.tar.${codec}`, data: packed },
  ]);
}

/**
 * An Alpine-style .apk: gzip streams concatenated, the signature and control segments cut without
 * end-of-archive blocks (as abuild-tar --cut does), the data segment complete.
 */
export function apkWith(members: TarSpec[]): Buffer {
  return Buffer.concat([
    zlib.gzipSync(
      ustar([{ name: '.SIGN.RSA.alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub', data: 'sig' }], {
        end: false,
      }),
    ),
    zlib.gzipSync(ustar([{ name: '.PKGINFO', data: 'pkgname = linux-virt\n' }], { end: false })),
    zlib.gzipSync(ustar(members)),
  ]);
}

/** Writes the first `bytes` of a real kernel's setup code, patched by `patch`, to `file`. */
export function patchedKernelHead(
  kernel: string,
  file: string,
  patch: (head: Buffer) => void,
  bytes = 32768,
): string {
  const head = Buffer.alloc(bytes);
  const fd = fs.openSync(kernel, 'r');
  fs.readSync(fd, head, 0, bytes, 0);
  fs.closeSync(fd);
  patch(head);
  fs.writeFileSync(file, head);
  return file;
}

/** Compiles fixtures/c/<name>.c statically (musl-gcc, else gcc) into `dir`; returns the binary. */
export function compileFixture(repoRoot: string, name: string, dir: string): string {
  const out = path.join(dir, name);
  const src = path.join(repoRoot, 'fixtures/c', `${name}.c`);
  let cc = 'musl-gcc';
  try {
    execFileSync('sh', ['-c', 'command -v musl-gcc']);
  } catch {
    cc = 'gcc';
  }
  execFileSync(cc, ['-static', '-Os', '-Wall', '-Wextra', '-Werror', '-o', out, src]);
  return out;
}
