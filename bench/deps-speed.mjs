#!/usr/bin/env node
// Speed of `rock-deps scan` against pax-utils' `lddtree` (Debian package pax-utils, run with Debian's
// /usr/bin/python3 and python3-pyelftools), side by side in the same run, on the same list: every ELF
// file under /usr/bin and /usr/lib that both can read (files lddtree crashes on — corrupt headers, which
// our reader reports as ELF_CORRUPT — are left out of both). Each tool is one process given every path,
// output discarded; wall time, median of --runs runs, alternating the tools.
// Uses the build: run `npx tsc -p tsconfig.json` first.
//   node bench/deps-speed.mjs [--dirs /usr/bin,/usr/lib] [--runs 3] [--out bench/deps-speed.json]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readElfFile } from '../dist/elf/index.js';

const { values } = parseArgs({
  options: {
    dirs: { type: 'string', default: '/usr/bin,/usr/lib' },
    runs: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/deps-speed.json' },
  },
});
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin', 'rock-deps.js');
const python = '/usr/bin/python3';
const lddtree = '/usr/bin/lddtree';

function* walk(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

function isElf(p) {
  try {
    const fd = fs.openSync(p, 'r');
    const b = Buffer.alloc(4);
    fs.readSync(fd, b, 0, 4, 0);
    fs.closeSync(fd);
    return b.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  }
}

const elf = values.dirs
  .split(',')
  .flatMap((d) => [...walk(d)])
  .filter(isElf);
const excluded = [];
const files = elf.filter((f) => {
  try {
    readElfFile(f);
    return true;
  } catch (err) {
    excluded.push({ file: f, reason: err.code });
    return false;
  }
});

function time(cmd, args) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  return { ms, status: r.status, stderr: r.stderr.toString().trim().split('\n').slice(-1)[0] };
}

const ours = [];
const theirs = [];
for (let i = 0; i < Number(values.runs); i++) {
  const a = time('node', [cli, 'scan', ...files]);
  if (a.status !== 0 && a.status !== 1) throw new Error(`rock-deps exited ${a.status}: ${a.stderr}`);
  ours.push(a.ms);
  const b = time(python, [lddtree, ...files]);
  if (b.status !== 0) throw new Error(`lddtree exited ${b.status}: ${b.stderr}`);
  theirs.push(b.ms);
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const report = {
  date: new Date().toISOString(),
  files: files.length,
  excluded,
  commands: {
    ours: `node dist/bin/rock-deps.js scan <${files.length} files>`,
    lddtree: `${python} ${lddtree} <${files.length} files>`,
  },
  runsMs: { ours: ours.map(Math.round), lddtree: theirs.map(Math.round) },
  medianMs: { ours: Math.round(median(ours)), lddtree: Math.round(median(theirs)) },
  ratio: +(median(theirs) / median(ours)).toFixed(1),
};
fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `${files.length} ELF files (${excluded.length} excluded: our reader reports them corrupt, lddtree crashes on them)`,
);
console.log(
  `rock-deps scan: ${report.medianMs.ours} ms (median of ${ours.length}: ${report.runsMs.ours.join(', ')})`,
);
console.log(
  `lddtree:        ${report.medianMs.lddtree} ms (median of ${theirs.length}: ${report.runsMs.lddtree.join(', ')})`,
);
console.log(`rock-deps is ${report.ratio}x faster than lddtree. Report: ${values.out}`);
process.exitCode = report.ratio >= 5 ? 0 : 1;
