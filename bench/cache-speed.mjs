#!/usr/bin/env node
// rock-cache put and get of one file (default 100 MiB), beside the floor: `sha256sum` + `cp` of the
// same file (a put must hash and copy; a get copies and re-checks the hash). Uses the build: run
// `npm run build` first. With --remote oci://HOST/REPO (e.g. the registry scripts/start-registry.sh
// starts), also a put that pushes and a get from an empty cache directory that pulls.
//   node bench/cache-speed.mjs [--mb 100] [--remote oci://127.0.0.1:PORT/bench]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openCache } from '../dist/cache/index.js';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '100' }, remote: { type: 'string' } },
});
const mb = Number(values.mb);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-cache-bench-'));
try {
  const src = path.join(root, 'artifact');
  const fd = fs.openSync(src, 'w');
  for (let i = 0; i < mb; i++) fs.writeSync(fd, randomBytes(1 << 20));
  fs.closeSync(fd);

  const time = (fn) => {
    const t = process.hrtime.bigint();
    const r = fn();
    return r instanceof Promise
      ? r.then(() => Number(process.hrtime.bigint() - t) / 1e9)
      : Number(process.hrtime.bigint() - t) / 1e9;
  };
  const rate = (s) => `${s.toFixed(2)} s (${(mb / s).toFixed(0)} MiB/s)`;
  const rows = [];

  rows.push([
    'floor: sha256sum + cp',
    rate(
      time(() => {
        execFileSync('sha256sum', [src]);
        execFileSync('cp', [src, path.join(root, 'copy')]);
      }),
    ),
  ]);
  const local = openCache({ dir: path.join(root, 'store'), remote: false });
  rows.push(['rock-cache put', rate(await time(() => local.put('bench@1', src)))]);
  rows.push([
    'rock-cache get (copy + re-hash)',
    rate(await time(() => local.get('bench@1', path.join(root, 'out')))),
  ]);
  if (values.remote) {
    const remote = `${values.remote}-${Date.now().toString(36)}`;
    const pusher = openCache({ dir: path.join(root, 'push'), remote, remoteRequired: true });
    rows.push([`put + push to ${remote}`, rate(await time(() => pusher.put('bench@1', src)))]);
    const puller = openCache({ dir: path.join(root, 'pull'), remote, remoteRequired: true });
    rows.push([
      'get from an empty cache (pull)',
      rate(await time(() => puller.get('bench@1', path.join(root, 'pulled')))),
    ]);
  }
  console.log(`${mb} MiB of random bytes, ${os.cpus().length} cores`);
  for (const [what, result] of rows) console.log(`${what.padEnd(60)} ${result}`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
