#!/usr/bin/env node
// Side-by-side speed and memory of our cpio newc codec against GNU cpio and bsdtar, in one run.
//
//   node bench/image-speed.mjs [TREE] [--runs N]     (build first: npm run build)
//
// TREE defaults to /usr/lib/gcc (about 120 MB of binaries and headers on Debian 12 with gcc).
// Packs TREE uncompressed and gzip'd with each tool, then lists each archive with each tool, and
// prints the median wall time, peak memory (GNU time's maxrss, when /usr/bin/time exists) and our
// ratio to each. Not a test: numbers depend on the machine; record them in the README.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const tree = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs') ?? '/usr/lib/gcc';
const repo = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rock-bench-'));
const haveTime = existsSync('/usr/bin/time');

const pack = `
import { collectTree, prepareEntries, writeArchive } from '${repo}dist/image/index.js';
import { createWriteStream } from 'node:fs';
const [tree, out, compress] = process.argv.slice(1);
await writeArchive(prepareEntries(collectTree(tree)), createWriteStream(out), compress);
`;

function measure(label, shell) {
  const times = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const cmd = haveTime ? ['/usr/bin/time', ['-f', '%M', 'sh', '-c', shell]] : ['sh', ['-c', shell]];
    const start = process.hrtime.bigint();
    const res = spawnSync(cmd[0], cmd[1], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 0) throw new Error(`${label} failed: ${res.stderr}`);
    if (haveTime) rss = Math.max(rss, Number(res.stderr.trim().split('\n').at(-1)));
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { label, ms: times[Math.floor(times.length / 2)], rssMb: haveTime ? rss / 1024 : null };
}

const q = (p) => `'${p.replaceAll("'", "'\\''")}'`;
const node = `${q(process.execPath)} --input-type=module -e ${q(pack)}`;
const files = execFileSync('sh', ['-c', `find ${q(tree)} | wc -l`], { encoding: 'utf8' }).trim();
const size = execFileSync('du', ['-sb', tree], { encoding: 'utf8' }).split('\t')[0];
console.log(
  `tree: ${tree} (${files} entries, ${(Number(size) / 1e6).toFixed(0)} MB), median of ${runs} runs`,
);

const groups = [
  [
    'pack, uncompressed',
    [
      measure('rock-os-tools', `${node} ${q(tree)} ${q(join(work, 'ours.cpio'))} none`),
      measure('GNU cpio', `cd ${q(tree)} && find . | cpio -o -H newc --quiet > ${q(join(work, 'gnu.cpio'))}`),
      measure('bsdtar', `cd ${q(tree)} && bsdtar --format newc -cf ${q(join(work, 'bsd.cpio'))} .`),
    ],
  ],
  [
    'pack, gzip',
    [
      measure('rock-os-tools', `${node} ${q(tree)} ${q(join(work, 'ours.cpio.gz'))} gzip`),
      measure(
        'GNU cpio | gzip -n',
        `cd ${q(tree)} && find . | cpio -o -H newc --quiet | gzip -n > ${q(join(work, 'gnu.cpio.gz'))}`,
      ),
      measure(
        'bsdtar | gzip -n',
        `cd ${q(tree)} && bsdtar --format newc -cf - . | gzip -n > ${q(join(work, 'bsd.cpio.gz'))}`,
      ),
    ],
  ],
  [
    'list, gzip',
    [
      measure(
        'rock-os-tools',
        `node ${q(join(repo, 'dist/bin/rock-image.js'))} ls ${q(join(work, 'ours.cpio.gz'))} > /dev/null`,
      ),
      measure(
        'gzip -dc | GNU cpio -t',
        `gzip -dc ${q(join(work, 'ours.cpio.gz'))} | cpio -it --quiet > /dev/null`,
      ),
      measure('bsdtar -t', `bsdtar -tf ${q(join(work, 'ours.cpio.gz'))} > /dev/null`),
    ],
  ],
];

for (const [name, results] of groups) {
  const ours = results[0];
  console.log(`\n${name}`);
  for (const r of results) {
    const ratio = r === ours ? '' : `  ours/theirs time ${(ours.ms / r.ms).toFixed(2)}`;
    const mem = r.rssMb === null ? '' : `  ${r.rssMb.toFixed(0).padStart(5)} MB`;
    console.log(`  ${r.label.padEnd(24)} ${(r.ms / 1000).toFixed(2).padStart(7)} s${mem}${ratio}`);
  }
}
const sizes = ['ours.cpio.gz', 'gnu.cpio.gz', 'bsd.cpio.gz'].map(
  (f) => `${f} ${statSync(join(work, f)).size}`,
);
console.log(`\nimage sizes: ${sizes.join(', ')}`);
rmSync(work, { recursive: true, force: true });
