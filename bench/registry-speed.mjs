#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// Push and pull speed of rock-registry against a real local OCI registry, beside curl moving the
// same blob (the floor: one HTTP request, no hashing), in one run.
//
//   bash scripts/start-registry.sh && npm run build && node bench/registry-speed.mjs [--mb 100] [--runs 3]
//
// The registry is $ROCK_TEST_REGISTRY, else the one in .cache/registry.env. Each run pushes to a new
// repository, so every byte is sent (a HEAD finds nothing). Prints the median MB/s and, with GNU time,
// the peak memory of each rock-registry process (streaming: far below the image size). Not a test.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const mb = flag('--mb', 100);
const runs = flag('--runs', 3);
const repo = new URL('..', import.meta.url).pathname;

function registryUrl() {
  if (process.env.ROCK_TEST_REGISTRY) return process.env.ROCK_TEST_REGISTRY;
  const envFile = join(repo, '.cache', 'registry.env');
  if (existsSync(envFile)) {
    const line = readFileSync(envFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('ROCK_TEST_REGISTRY='));
    if (line) return line.slice('ROCK_TEST_REGISTRY='.length);
  }
  throw new Error('no registry: run bash scripts/start-registry.sh (or set ROCK_TEST_REGISTRY)');
}

const base = registryUrl();
const host = new URL(base).host;
const work = mkdtempSync(join(tmpdir(), 'rock-registry-bench-'));
const haveTime = existsSync('/usr/bin/time');
const cli = join(repo, 'dist', 'bin', 'rock-registry.js');
const env = {
  ...process.env,
  ROCK_HOME: join(work, 'home'),
  DOCKER_CONFIG: join(work, 'docker'),
  NO_COLOR: '1',
};

// A 100 MB image of random bytes (incompressible), written in 1 MiB pieces.
const image = join(work, 'image.img');
const hash = createHash('sha256');
const fd = openSync(image, 'w');
for (let i = 0; i < mb; i++) {
  const chunk = randomBytes(1 << 20);
  hash.update(chunk);
  writeSync(fd, chunk);
}
closeSync(fd);
const digest = `sha256:${hash.digest('hex')}`;
const megabytes = (mb * (1 << 20)) / 1e6;

function timed(label, command, argv) {
  const full = haveTime ? ['/usr/bin/time', ['-f', '%M', command, ...argv]] : [command, argv];
  const start = process.hrtime.bigint();
  const res = spawnSync(full[0], full[1], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (res.status !== 0) throw new Error(`${label} failed (${res.status}): ${res.stderr}`);
  const rss = haveTime ? Number(res.stderr.trim().split('\n').at(-1)) : undefined;
  return { seconds, rss, stdout: res.stdout };
}

/** curl: POST a session, then PUT the whole file to its Location with ?digest= (what a client must do at least). */
function curlPush(repository) {
  const post = spawnSync(
    'curl',
    ['-s', '-D', '-', '-o', '/dev/null', '-X', 'POST', `${base}/v2/${repository}/blobs/uploads/`],
    {
      encoding: 'utf8',
    },
  );
  const location = /^location: (.+)$/im.exec(post.stdout)?.[1]?.trim();
  if (!location) throw new Error(`curl POST: no Location: ${post.stdout}`);
  const url = new URL(location, base);
  url.searchParams.set('digest', digest);
  return timed('curl PUT', 'curl', [
    '-sf',
    '-o',
    '/dev/null',
    '-X',
    'PUT',
    '-H',
    'content-type: application/octet-stream',
    '-T',
    image,
    url.href,
  ]);
}

const rows = {
  'rock-registry push-image': [],
  'curl PUT (one request)': [],
  'rock-registry pull-image': [],
  'curl GET blob': [],
};
const rss = { push: 0, pull: 0 };
for (let run = 0; run < runs; run++) {
  const repository = `bench/r${Date.now().toString(36)}${run}`;
  const push = timed('push-image', process.execPath, [
    cli,
    'push-image',
    image,
    `oci://${host}/${repository}:1`,
  ]);
  rows['rock-registry push-image'].push(push.seconds);
  rss.push = Math.max(rss.push, push.rss ?? 0);
  const out = join(work, `pulled-${run}.img`);
  const pull = timed('pull-image', process.execPath, [
    cli,
    'pull-image',
    `oci://${host}/${repository}:1`,
    '-o',
    out,
  ]);
  rows['rock-registry pull-image'].push(pull.seconds);
  rss.pull = Math.max(rss.pull, pull.rss ?? 0);
  rmSync(out);
  rows['curl PUT (one request)'].push(curlPush(`bench/c${Date.now().toString(36)}${run}`).seconds);
  rows['curl GET blob'].push(
    timed('curl GET', 'curl', [
      '-sf',
      '-o',
      join(work, 'curl.img'),
      `${base}/v2/${repository}/blobs/${digest}`,
    ]).seconds,
  );
  rmSync(join(work, 'curl.img'));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `registry ${base} (docker-registry, filesystem storage), ${mb} MiB random image, median of ${runs} runs`,
);
for (const [label, times] of Object.entries(rows)) {
  const s = median(times);
  console.log(
    `${label.padEnd(28)} ${s.toFixed(2).padStart(6)} s  ${(megabytes / s).toFixed(0).padStart(5)} MB/s`,
  );
}
if (haveTime)
  console.log(
    `peak memory: push ${(rss.push / 1024).toFixed(0)} MiB, pull ${(rss.pull / 1024).toFixed(0)} MiB (image ${mb} MiB)`,
  );
rmSync(work, { recursive: true, force: true });
