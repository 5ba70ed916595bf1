import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SequentialSource } from '../../util/sequential-source.js';
import type { StreamPlace } from '../errors.js';
import type { SegmentDecoder } from '../segment-decoder.js';
import { chunked } from './records.js';

/** Whether a command-line tool is installed (tests that need it are skipped visibly without it). */
export const hasTool = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Runs a tool on `input` and returns its stdout, failing loudly on a non-zero exit. */
export function runTool(tool: string, args: readonly string[], input: Uint8Array): Buffer {
  const run = spawnSync(tool, args, { input, maxBuffer: 512 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${tool} ${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** A newc archive written by GNU cpio of a small tree (a directory, text, a binary, a symlink). */
export function gnuCpioArchive(): Buffer {
  const root = mkdtempSync(join(tmpdir(), 'codec-tree-'));
  try {
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/hostname'), 'rock\n');
    writeFileSync(join(root, 'etc/motd'), 'welcome to rock\n'.repeat(4000));
    writeFileSync(join(root, 'busybox'), readFileSync('/bin/sh'));
    const names = ['etc', 'etc/hostname', 'etc/motd', 'busybox'].join('\n');
    const run = spawnSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: root, input: `${names}\n` });
    if (run.status !== 0) throw new Error(`cpio: ${run.stderr}`);
    return run.stdout;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** About `size` bytes of real binaries from /usr/bin, the first files in name order. */
export function realBinaries(size: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  for (const name of readdirSync('/usr/bin').sort()) {
    const path = join('/usr/bin', name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size === 0 || st.size > size) continue;
    parts.push(readFileSync(path));
    total += st.size;
    if (total >= size) break;
  }
  return Buffer.concat(parts);
}

/** Runs one segment decoder over `bytes` in `chunk`-byte pieces: the output and what it left. */
export async function decodeSegment(
  decoder: SegmentDecoder,
  bytes: Uint8Array,
  compression: StreamPlace['compression'],
  chunk = 64 * 1024,
): Promise<{ out: Buffer; left: number }> {
  const src = new SequentialSource(chunked(bytes, chunk));
  const parts: Buffer[] = [];
  for await (const piece of decoder(src, { source: 'img', segment: 0, compression, segmentOffset: 0 }))
    parts.push(Buffer.from(piece));
  let left = 0;
  while (!(await src.atEnd())) left += (await src.nextChunk(1 << 20))?.length ?? 0;
  return { out: Buffer.concat(parts), left };
}
