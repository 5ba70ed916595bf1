#!/usr/bin/env node
// Side-by-side build, read and fleet benchmarks of issue 14, measured in one run (build first:
// npm run build). Not a test: the numbers depend on the machine; record them in the README with
// `uptime` (the machine may be shared).
//
//   node bench/fast-images.mjs [--tree-mb 110] [--read-mb 100,1024] [--fleet 100] [--base-mb 40] [--runs 1]
//                              [--only build|read|fleet] [--keep]
//
// --only runs one block (the build tree is made only for build and read); --keep leaves the work directory
// (its path is printed) to profile a command on the same tree.
//
// Build: one generated tree (the machine's ELF binaries with their libraries, plus text), packed by
// `rock-image cpio create` (verification included) at gzip -6 and zstd -3, against
// `find | cpio -o -H newc | gzip -6`, the same with `pigz -6` and with `zstd -T0 -3`.
// Read: `rock-image ls` and `rock-verify integration` against `gzip -dc | cpio -t` on gzip images.
// Fleet: `rock-image overlay --fleet` with full images and with --segment-only, beside `cp BASE`:
// each with the base verified anew (--no-base-cache: a first run), and with its verdict taken from
// ROCK_HOME/verified-bases/ (a later run on the same base; ROCK_HOME is the bench's own).
// Each line: wall time, CPU time (user+sys), peak RSS (GNU time), output size; ratios to the baseline.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const treeMb = Number(opt('tree-mb', '110'));
const readMbs = opt('read-mb', '100,1024').split(',').map(Number);
const fleetNodes = Number(opt('fleet', '100'));
const baseMb = Number(opt('base-mb', '40'));
const runs = Number(opt('runs', '1'));
const only = opt('only', undefined);
if (only !== undefined && !['build', 'read', 'fleet'].includes(only))
  throw new Error(`--only: expected build, read or fleet, got ${only}`);
const wants = (block) => only === undefined || only === block;
const keep = args.includes('--keep');
const repo = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rock-bench14-'));
const fixtures = join(repo, '.cache/fixtures');
const q = (p) => `'${String(p).replaceAll("'", "'\\''")}'`;
const o = (name) => join(work, name);
const cli = (tool) => `${q(process.execPath)} ${q(join(repo, `dist/bin/${tool}.js`))}`;

function measure(label, shell, output) {
  let best;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const res = spawnSync('/usr/bin/time', ['-f', '%U %S %M', 'sh', '-c', shell], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 0) throw new Error(`${label} failed: ${res.stderr.slice(-2000)}`);
    const [user, sys, rss] = res.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    const r = {
      label,
      ms,
      cpu: (user + sys) * 1000,
      rssMb: rss / 1024,
      bytes: output ? statSync(output).size : null,
    };
    if (!best || r.ms < best.ms) best = r;
  }
  return best;
}

function print(title, results) {
  const base = results.at(-1);
  console.log(`\n${title}`);
  for (const r of results) {
    const ratio = r === base ? '(baseline)' : `${(r.ms / base.ms).toFixed(2)}x wall`;
    const size = r.bytes === null ? '' : `  ${(r.bytes / 1e6).toFixed(1).padStart(7)} MB out`;
    console.log(
      `  ${r.label.padEnd(44)} ${(r.ms / 1000).toFixed(2).padStart(7)} s wall ${(r.cpu / 1000).toFixed(2).padStart(7)} s cpu ${r.rssMb.toFixed(0).padStart(5)} MB rss${size}  ${ratio}`,
    );
  }
}

/** Copies ELF binaries (and the libraries in the same directory) and text until `mb`. */
function makeTree(dir, mb) {
  const limit = mb * 1e6;
  let total = 0;
  let files = 0;
  mkdirSync(join(dir, 'usr/lib/bench'), { recursive: true });
  mkdirSync(join(dir, 'usr/share/doc/bench'), { recursive: true });
  const sources = [
    ['/usr/lib/x86_64-linux-gnu', 'usr/lib/bench'],
    ['/usr/bin', 'usr/lib/bench'],
    ['/usr/share/doc', 'usr/share/doc/bench'],
  ];
  for (const [from, to] of sources) {
    const walk = (d, depth) => {
      for (const name of readdirSync(d)) {
        if (total >= limit) return;
        const p = join(d, name);
        let st;
        try {
          st = statSync(p);
        } catch {
          continue;
        }
        if (st.isDirectory() && depth < 2) walk(p, depth + 1);
        else if (st.isFile() && st.size > 0 && st.size < 20e6 && !name.includes('libisl')) {
          copyFileSync(p, join(dir, to, `${files}-${name}`));
          total += st.size;
          files += 1;
        }
      }
    };
    walk(from, 0);
  }
  return { files, mb: total / 1e6 };
}

/**
 * Drops the files the verifier refuses to read (on this branch it keeps only parts of each ELF
 * file and some libraries fall outside them), so that every build below passes verification.
 */
function prune(dir) {
  for (let round = 0; round < 3; round++) {
    const res = spawnSync('sh', ['-c', contractImage(join(work, 'prune.img'), dir, 'none')], {
      encoding: 'utf8',
    });
    if (res.status === 0) return;
    const bad = [...res.stderr.matchAll(/^\/(usr\/(?:lib|share\/doc)\/bench\/[^:\s]+): /gm)].map((m) => m[1]);
    if (bad.length === 0) throw new Error(`the tree does not verify: ${res.stderr.slice(-1000)}`);
    for (const p of bad) rmSync(join(dir, p), { force: true });
  }
}

/** A root tree that passes the contract: the stand-in components at their paths plus `extra`. */
function contractImage(out, extraTree, compress, level) {
  const flags = [
    '--init',
    'rock-init',
    '--manager',
    'rock-manager',
    '--agent',
    'volcano-agent',
    '--busybox',
    'busybox',
  ]
    .map((v, i) => (i % 2 ? q(join(fixtures, v)) : v))
    .join(' ');
  return `${cli('rock-image')} create ${flags} --rootfs ${q(extraTree)} --config-key ${q(join(work, 'key'))} --compress ${compress}${level ? ` --level ${level}` : ''} -q -o ${q(out)} > /dev/null`;
}

writeFileSync(join(work, 'key'), 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n', { mode: 0o600 });
console.log(
  `machine: ${execFileSync('nproc').toString().trim()} cores, ${execFileSync('uptime').toString().trim()}`,
);

if (wants('build') || wants('read')) {
  // Build.
  const extra = join(work, 'extra');
  makeTree(extra, treeMb);
  prune(extra);
  // The same root for every packer: a contract image's tree (components, libraries, devices) unpacked.
  const tree = join(work, 'tree');
  execFileSync('sh', ['-c', contractImage(join(work, 'tree.img'), extra, 'none')]);
  execFileSync('sh', [
    '-c',
    `${cli('rock-image')} extract ${q(join(work, 'tree.img'))} ${q(tree)} > /dev/null`,
  ]);
  rmSync(join(work, 'tree.img'));
  const made = {
    files: Number(execFileSync('sh', ['-c', `find ${q(tree)} | wc -l`])),
    mb: Number(execFileSync('du', ['-sb', tree]).toString().split('\t')[0]) / 1e6,
  };
  console.log(`tree: ${made.files} entries, ${made.mb.toFixed(0)} MB`);
  const pack = (out, compress, extraFlags = '') =>
    `${cli('rock-image')} cpio create ${q(tree)} --compress ${compress} ${extraFlags} -q -o ${q(out)} > /dev/null`;
  if (wants('build'))
    print('build (same tree)', [
      measure(
        'rock-image cpio create --compress gzip (-6, verified)',
        pack(o('ours.gz'), 'gzip'),
        o('ours.gz'),
      ),
      measure('  the same with --threads 1', pack(o('ours1.gz'), 'gzip', '--threads 1'), o('ours1.gz')),
      measure(
        'rock-image cpio create --compress zstd --level 3',
        pack(o('ours.zst'), 'zstd', '--level 3'),
        o('ours.zst'),
      ),
      measure('rock-image cpio create --compress lz4', pack(o('ours.lz4'), 'lz4'), o('ours.lz4')),
      measure(
        'find | cpio -o -H newc | pigz -6',
        `cd ${q(tree)} && find . | cpio -o -H newc --quiet | pigz -6 > ${q(o('pigz.gz'))}`,
        o('pigz.gz'),
      ),
      measure(
        'find | cpio -o -H newc | zstd -T0 -3',
        `cd ${q(tree)} && find . | cpio -o -H newc --quiet | zstd -q -T0 -3 > ${q(o('gnu.zst'))}`,
        o('gnu.zst'),
      ),
      measure(
        'find | cpio -o -H newc | gzip -6',
        `cd ${q(tree)} && find . | cpio -o -H newc --quiet | gzip -6 > ${q(o('gnu.gz'))}`,
        o('gnu.gz'),
      ),
    ]);

  if (wants('read'))
    // Read.
    for (const mb of readMbs) {
      const t = join(work, `read-${mb}`);
      if (mb <= treeMb) execFileSync('cp', ['-r', tree, t]);
      else {
        mkdirSync(t);
        for (let i = 0, have = 0; have < mb; i++, have += made.mb)
          execFileSync('cp', ['-r', extra, join(t, `copy${i}`)]);
      }
      const img = o(`read-${mb}.img`);
      execFileSync('sh', ['-c', contractImage(img, t, 'gzip')], { stdio: 'inherit' });
      rmSync(t, { recursive: true, force: true });
      print(`read a ${(statSync(img).size / 1e6).toFixed(0)} MB gzip image (${mb} MB tree)`, [
        measure('rock-image ls', `${cli('rock-image')} ls ${q(img)} > /dev/null`),
        measure('rock-verify integration', `${cli('rock-verify')} integration ${q(img)} > /dev/null`),
        measure('gzip -dc | cpio -t', `gzip -dc ${q(img)} | cpio -t --quiet > /dev/null`),
      ]);
      rmSync(img, { force: true });
    }
}

if (wants('fleet')) {
  // Fleet.
  const baseTree = join(work, 'base-tree');
  makeTree(baseTree, baseMb);
  prune(baseTree);
  const base = o('base.img');
  execFileSync('sh', ['-c', contractImage(base, baseTree, 'gzip')]);
  const node = (i) => `node-${String(i).padStart(3, '0')}`;
  const lines = ['nodes:'];
  for (let i = 0; i < fleetNodes; i++) {
    const mac = `a4:58:0f:01:${String((i >> 8) & 255).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
    lines.push(
      `  - name: ${node(i)}`,
      `    node_config: { node_id: ${node(i)}, hostname: ${node(i)}, role: worker, network: { interface: eth0 }, volcano: { server_url: "https://v.example.com:8443", agent_id: ${node(i)} } }`,
      `    mac: ${mac}`,
      '    config_key: generate',
    );
  }
  writeFileSync(o('fleet.yaml'), `${lines.join('\n')}\n`);
  const per = (r) => ({ ...r, label: `${r.label} (${(r.ms / fleetNodes).toFixed(1)} ms/node)` });
  const overlay = (dir, flags) =>
    `ROCK_HOME=${q(o('home'))} ${cli('rock-image')} overlay ${q(base)} --fleet ${q(o('fleet.yaml'))} --out-dir ${q(o(dir))} ${flags} > /dev/null`;
  const fleet = (label, dir, flags) => per(measure(label, overlay(dir, flags)));
  const anewFull = fleet('overlay --fleet, full, base anew', 'full', '--no-base-cache');
  const anewSeg = fleet('overlay --fleet --segment-only, base anew', 'seg', '--segment-only --no-base-cache');
  execFileSync('sh', ['-c', overlay('seg', '--segment-only')]); // stores the base's verdict
  print(
    `fleet: ${fleetNodes} nodes on a ${(statSync(base).size / 1e6).toFixed(0)} MB base (verification included)`,
    [
      anewFull,
      fleet('overlay --fleet, full, base stored', 'full', ''),
      anewSeg,
      fleet('overlay --fleet --segment-only, base stored', 'seg', '--segment-only'),
      per(
        measure(
          `cp BASE x${fleetNodes}`,
          `mkdir -p ${q(o('cp'))} && for i in $(seq 1 ${fleetNodes}); do cp ${q(base)} ${q(o('cp'))}/$i.img; done`,
        ),
      ),
    ],
  );
}
console.log(`\nafter: ${execFileSync('uptime').toString().trim()}`);
if (keep) console.log(`work directory kept: ${work}`);
else rmSync(work, { recursive: true, force: true });
