#!/usr/bin/env node
// Our bzip2 and lzo segment decoders beside `bzip2 -dc` and `lzop -dc`, in one run (issue 15).
//
//   node bench/codec-decode.mjs [--mb 50]      (build first: npm run build)
//
// Input: the first N MB of real binaries (/usr/bin, /usr/lib/x86_64-linux-gnu, in name order),
// compressed with `bzip2 -9` and `lzop` (default). Each decoder's output is hashed (sha256) so the
// two sides do the same work and must agree. Prints wall and CPU time (user + sys, GNU time) and
// peak RSS of each, and our/tool CPU ratios. Not a test: the numbers depend on the machine and its
// load (printed first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const mb = args.includes('--mb') ? Number(args[args.indexOf('--mb') + 1]) : 50;
const repo = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rock-codec-bench-'));

const sh = (script) => {
  const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${script}: ${run.stderr}`);
  return run;
};

const decoder = join(work, 'decode.mjs');
writeFileSync(
  decoder,
  `import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { SequentialSource } from '${repo}dist/util/sequential-source.js';
import { bunzip2Stream } from '${repo}dist/cpio/bzip2-segment.js';
import { unlzopStream } from '${repo}dist/cpio/lzo-segment.js';
const [file, kind] = process.argv.slice(2);
const src = new SequentialSource(createReadStream(file, { highWaterMark: 65536 }));
const place = { source: file, segment: 0, compression: kind, segmentOffset: 0 };
const hash = createHash('sha256');
for await (const piece of (kind === 'bzip2' ? bunzip2Stream : unlzopStream)(src, place)) hash.update(piece);
console.log(hash.digest('hex'));
`,
);

/** Runs `script` under GNU time: { wall, cpu, rssMb, out }. */
function timed(script) {
  const run = sh(`/usr/bin/time -f 'TIME %e %U %S %M' bash -c '${script}' 2>&1`);
  const line = run.stdout.split('\n').find((l) => l.startsWith('TIME '));
  const [wall, user, sys, rss] = line.split(' ').slice(1).map(Number);
  const out = run.stdout
    .split('\n')
    .find((l) => /^[0-9a-f]{64}/.test(l))
    ?.slice(0, 64);
  return { wall, cpu: user + sys, rssMb: rss / 1024, out };
}

try {
  const input = join(work, 'input.bin');
  sh(
    `find /usr/bin /usr/lib/x86_64-linux-gnu -type f -size +20k 2>/dev/null | sort | xargs cat 2>/dev/null | head -c ${mb * 1024 * 1024} > ${input}`,
  );
  sh(`bzip2 -9 -c ${input} > ${input}.bz2 && lzop -c ${input} > ${input}.lzo`);
  console.log(`load: ${sh('uptime').stdout.trim()}`);
  console.log(`input: ${mb} MB of binaries; bzip2 -9 and lzop (default) of it\n`);
  const rows = [
    ['bzip2', `bzip2 -dc ${input}.bz2 | sha256sum`, `node ${decoder} ${input}.bz2 bzip2`],
    ['lzo', `lzop -dc ${input}.lzo | sha256sum`, `node ${decoder} ${input}.lzo lzo`],
  ];
  for (const [name, tool, ours] of rows) {
    const a = timed(tool);
    const b = timed(ours);
    if (a.out !== b.out) throw new Error(`${name}: outputs differ (${a.out} vs ${b.out})`);
    const show = (label, r) =>
      console.log(
        `${label.padEnd(22)} wall ${r.wall.toFixed(2)} s  cpu ${r.cpu.toFixed(2)} s  rss ${r.rssMb.toFixed(0)} MB`,
      );
    show(`${name}: tool -dc`, a);
    show(`${name}: ours`, b);
    console.log(
      `${name}: ours/tool cpu ${(b.cpu / a.cpu).toFixed(2)}x, wall ${(b.wall / a.wall).toFixed(2)}x\n`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
