#!/usr/bin/env node
// How the reader side scales, beside GNU cpio, in one run (issue 15): depth, file size, entry count.
//
//   node bench/reader-scale.mjs [--only depth|big|many]      (build first: npm run build)
//
// - depth: 2,000 nested directories with a file in each (gzip). rock-verify integration, rock-image
//   extract, `gzip -dc | cpio -id`.
// - big: one 1 GiB file of zeros (gzip, about 1 MB). rock-image ls, rock-verify integration,
//   rock-image extract, `gzip -dc | cpio -t` and `cpio -id`: peak memory must stay flat.
// - many: 400,000 empty files in 400 directories (uncompressed). rock-image ls vs `cpio -t`,
//   rock-verify integration (its memory per entry).
// Prints wall time and peak RSS (GNU time's maxrss) of each. Not a test: the numbers depend on the
// machine. The archives are written here byte by byte (newc, the kernel's rules), not by our writer.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, createWriteStream, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const repo = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rock-reader-bench-'));
const cli = (tool) => `node ${repo}dist/bin/${tool}.js`;

const pad4 = (n) => Math.ceil(n / 4) * 4;
const hex = (n) => n.toString(16).toUpperCase().padStart(8, '0');

/** One newc record (header, name, padding); the data (if any) follows from the caller. */
function header(name, mode, size, ino) {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [ino, mode, 0, 0, mode >>> 12 === 0o04 ? 2 : 1, 0, size, 0, 0, 0, 0, nameBytes.length, 0];
  const head = Buffer.from(`070701${fields.map(hex).join('')}`, 'latin1');
  const padding = Buffer.alloc(pad4(110 + nameBytes.length) - 110 - nameBytes.length);
  return Buffer.concat([head, nameBytes, padding]);
}
const trailer = () => header('TRAILER!!!', 0, 0, 0);

async function writeGzip(path, produce) {
  const gz = zlib.createGzip({ level: 1 });
  const out = createWriteStream(path);
  gz.pipe(out);
  for (const chunk of produce()) if (!gz.write(chunk)) await once(gz, 'drain');
  gz.end();
  await once(out, 'close');
}

function* deepArchive(depth) {
  let name = '';
  let ino = 1;
  for (let i = 0; i < depth; i++) {
    name = name === '' ? 'd' : `${name}/d`;
    yield header(name, 0o40755, 0, ino++);
    yield Buffer.concat([header(`${name}/f`, 0o100644, 1, ino++), Buffer.from('x\0\0\0')]);
  }
  yield trailer();
}

function* bigArchive(size) {
  yield header('big', 0o100644, size, 1);
  const zeros = Buffer.alloc(1 << 20);
  for (let left = size; left > 0; left -= zeros.length) yield zeros.subarray(0, Math.min(left, zeros.length));
  yield Buffer.alloc(pad4(size) - size);
  yield trailer();
}

function writeMany(path, count, perDir) {
  const fd = openSync(path, 'w');
  let batch = [];
  let ino = 1;
  for (let d = 0; d < count / perDir; d++) {
    batch.push(header(`d${d}`, 0o40755, 0, ino++));
    for (let f = 0; f < perDir; f++) batch.push(header(`d${d}/file-${f}`, 0o100644, 0, ino++));
    writeSync(fd, Buffer.concat(batch));
    batch = [];
  }
  writeSync(fd, trailer());
  closeSync(fd);
}

function measure(label, shell) {
  const start = process.hrtime.bigint();
  const res = spawnSync('/usr/bin/time', ['-f', '%M', 'sh', '-c', shell], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  const rss = Number(res.stderr.trim().split('\n').at(-1)) / 1024;
  const status = res.status === 0 ? '' : ` (exit ${res.status}: ${res.stderr.trim().split('\n')[0]})`;
  console.log(`${label.padEnd(52)} ${s.toFixed(2).padStart(7)} s ${rss.toFixed(0).padStart(6)} MB${status}`);
  return { s, rss };
}

function fresh(name) {
  const dir = join(work, name);
  spawnSync('rm', ['-rf', dir]);
  return dir;
}

try {
  if (!only || only === 'depth') {
    const img = join(work, 'deep.img');
    await writeGzip(img, () => deepArchive(2000));
    console.log('depth 2,000 (4,000 entries, gzip)');
    measure('  rock-verify integration', `${cli('rock-verify')} integration ${img} >/dev/null; true`);
    measure('  rock-image extract', `${cli('rock-image')} extract ${img} ${fresh('deep-ours')} >/dev/null`);
    const gnu = fresh('deep-gnu');
    measure('  gzip -dc | cpio -id', `mkdir ${gnu} && cd ${gnu} && gzip -dc ${img} | cpio -id --quiet`);
  }
  if (!only || only === 'big') {
    const img = join(work, 'big.img');
    await writeGzip(img, () => bigArchive(1 << 30));
    console.log('one 1 GiB file (gzip)');
    measure('  rock-image ls', `${cli('rock-image')} ls ${img} >/dev/null`);
    measure('  gzip -dc | cpio -t', `gzip -dc ${img} | cpio -t --quiet >/dev/null`);
    measure('  rock-verify integration', `${cli('rock-verify')} integration ${img} >/dev/null; true`);
    measure('  rock-image extract', `${cli('rock-image')} extract ${img} ${fresh('big-ours')} >/dev/null`);
    spawnSync('rm', ['-rf', join(work, 'big-ours')]);
    const gnu = fresh('big-gnu');
    measure('  gzip -dc | cpio -id', `mkdir ${gnu} && cd ${gnu} && gzip -dc ${img} | cpio -id --quiet`);
    spawnSync('rm', ['-rf', gnu]);
  }
  if (!only || only === 'many') {
    const img = join(work, 'many.cpio');
    writeMany(img, 400_000, 1000);
    console.log('400,000 entries (uncompressed)');
    const ours = measure('  rock-image ls', `${cli('rock-image')} ls ${img} >/dev/null`);
    const gnu = measure('  cpio -t', `cpio -t --quiet < ${img} >/dev/null`);
    console.log(`  ls ratio to cpio -t: ${(ours.s / gnu.s).toFixed(2)}x`);
    const v = measure(
      '  rock-verify integration',
      `${cli('rock-verify')} integration ${img} >/dev/null; true`,
    );
    const base = measure('  node (baseline: start-up only)', 'node -e 0');
    console.log(
      `  verify memory per entry: ${(((v.rss - base.rss) * 1024 * 1024) / 400_400).toFixed(0)} bytes`,
    );
  }
} finally {
  // rm(1): Node's recursive rm recurses once per level and overflows its stack at depth 2,000.
  spawnSync('rm', ['-rf', work]);
}
