#!/usr/bin/env node
// Accuracy of rock-deps against the system loader: for every ELF executable and shared library under
// /usr/bin, /usr/sbin and /usr/lib (recursively), the set of real paths our resolver finds must equal the
// set `ldd` reports (ldd runs the loader: this script is the only place, with the tests, that does).
// Uses the build: run `npx tsc -p tsconfig.json` first.
//   node bench/deps-accuracy.mjs [--dirs /usr/bin,/usr/sbin,/usr/lib] [--jobs 4] [--out bench/deps-accuracy.json]
// Compared: real paths of every object loaded (interpreter included, linux-vdso.so.1 excluded: the
// kernel maps it, no file), the names reported "not found", and the symbol versions reported
// "version `X' not found" (our checkVersions against the loader's own check). Exit 1 when anything mismatches.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkVersions, hostFs, resolveDeps } from '../dist/deps/index.js';
import { readElfFile } from '../dist/elf/index.js';

const { values } = parseArgs({
  options: {
    dirs: { type: 'string', default: '/usr/bin,/usr/sbin,/usr/lib' },
    jobs: { type: 'string', default: '4' },
    out: { type: 'string', default: 'bench/deps-accuracy.json' },
  },
});

/** Regular files under a directory, recursively, without following symlinks. */
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

/** ldd's answer: real paths loaded and names not found; null when ldd cannot list the file. */
function ldd(file) {
  return new Promise((resolve) => {
    execFile(
      'ldd',
      [file],
      { timeout: 30_000, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, maxBuffer: 1 << 22 },
      (err, stdout, stderr) => {
        const paths = new Set();
        const missing = new Set();
        const versions = new Set();
        let listed = false;
        for (const line of stdout.split('\n')) {
          // The loader's fatal version check (a weak one says "weak version" and only warns).
          const version = /: version `([^']+)' not found \(required by /.exec(line);
          if (version) versions.add(version[1]);
          const found = /^\s+(\S+) => (\/.*) \(0x[0-9a-f]+\)$/.exec(line);
          const notFound = /^\s+(\S+) => not found$/.exec(line);
          const bare = /^\s+(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
          if (found) paths.add(fs.realpathSync(found[2]));
          else if (notFound) missing.add(notFound[1]);
          else if (bare) paths.add(fs.realpathSync(bare[1]));
          else if (/^\s+linux-vdso\.so\.1 /.test(line)) {
            listed = true;
            continue;
          } else continue;
          listed = true;
        }
        const text = `${stdout}\n${stderr}`;
        if (!listed) {
          if (/statically linked|not a dynamic executable/.test(text))
            resolve({ static: true, paths, missing });
          else resolve({ error: (stderr || stdout || String(err)).trim().split('\n')[0] });
          return;
        }
        resolve({ paths, missing, versions, stderr: stderr.trim() });
      },
    );
  });
}

async function pool(items, jobs, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

const dirs = values.dirs.split(',');
const t0 = performance.now();
const candidates = dirs.flatMap((d) => [...walk(d)]).filter(isElf);
const objects = [];
const exceptions = [];
const byReason = new Map();
const except = (file, reason) => {
  exceptions.push({ file, reason });
  byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
};
for (const file of candidates) {
  let info;
  try {
    info = readElfFile(file);
  } catch (err) {
    except(file, `unreadable ELF (${err.code}): ldd cannot load it either`);
    continue;
  }
  if (info.kind === 'object') continue; // relocatable objects (.o, .ko), cores: neither run nor loaded
  if (info.machine !== 62 || info.class !== 64) {
    except(
      file,
      `foreign architecture (${info.class}-bit ${info.machineName}): this machine's ldd cannot run it`,
    );
    continue;
  }
  objects.push({ file, info });
}
const tScan = performance.now();
const host = hostFs();
const result = checkVersions(
  resolveDeps(
    objects.map((o) => o.file),
    host,
  ),
  host,
);
const tResolve = performance.now();
const answers = await pool(objects, Number(values.jobs), (o) => ldd(o.file));
const tLdd = performance.now();

let compared = 0;
let staticAgree = 0;
const mismatches = [];
for (const [i, o] of objects.entries()) {
  const ours = result.binaries[i];
  const theirs = answers[i];
  if (theirs.error) {
    except(o.file, `ldd could not list it: ${theirs.error.replace(/0x[0-9a-f]+/g, '0x…').slice(0, 160)}`);
    continue;
  }
  if (theirs.static) {
    if (ours.libraries.length === 0) staticAgree++;
    else
      mismatches.push({
        file: o.file,
        ours: ours.libraries.map((l) => l.realPath ?? `${l.soname} (not found)`),
        ldd: 'statically linked',
      });
    compared++;
    continue;
  }
  const ourPaths = new Set(ours.libraries.filter((l) => l.realPath && !l.error).map((l) => l.realPath));
  const ourMissing = new Set(ours.libraries.filter((l) => !l.realPath).map((l) => l.soname));
  // ldd runs a library without PT_INTERP as `ld.so --list`, so ld.so itself is loaded and listed even
  // when nothing needs it: remove it from ldd's set in that case only.
  if (!o.info.interpreter) {
    for (const p of theirs.paths) {
      if (/\/ld-linux-x86-64\.so\.2$/.test(p) && !ourPaths.has(p)) theirs.paths.delete(p);
    }
  }
  const onlyOurs = [...ourPaths].filter((p) => !theirs.paths.has(p));
  const onlyLdd = [...theirs.paths].filter((p) => !ourPaths.has(p));
  const missOurs = [...ourMissing].filter((n) => !theirs.missing.has(n));
  const missLdd = [...theirs.missing].filter((n) => !ourMissing.has(n));
  const ourVersions = new Set(
    (ours.versionProblems ?? []).flatMap((p) =>
      p.kind === 'missing' ? p.missing : [`unreadable: ${p.message}`],
    ),
  );
  const versionsOurs = [...ourVersions].filter((v) => !theirs.versions.has(v));
  const versionsLdd = [...theirs.versions].filter((v) => !ourVersions.has(v));
  compared++;
  if ([onlyOurs, onlyLdd, missOurs, missLdd, versionsOurs, versionsLdd].some((l) => l.length > 0)) {
    mismatches.push({
      file: o.file,
      onlyOurs,
      onlyLdd,
      missingOnlyOurs: missOurs,
      missingOnlyLdd: missLdd,
      versionsOnlyOurs: versionsOurs,
      versionsOnlyLdd: versionsLdd,
    });
  }
}

const report = {
  date: new Date().toISOString(),
  dirs,
  elfFiles: candidates.length,
  objectsResolved: objects.length,
  compared,
  staticAgree,
  versionProblems: result.binaries.filter((b) => b.versionProblems).length,
  mismatches: mismatches.length,
  mismatchList: mismatches,
  exceptionCount: exceptions.length,
  exceptionsByReason: Object.fromEntries(byReason),
  exceptions,
  seconds: {
    findAndRead: +((tScan - t0) / 1000).toFixed(2),
    resolveAll: +((tResolve - tScan) / 1000).toFixed(2),
    lddAll: +((tLdd - tResolve) / 1000).toFixed(2),
  },
};
fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`ELF files: ${candidates.length}; executables and libraries compared with ldd: ${compared}`);
console.log(
  `mismatches: ${mismatches.length}; exceptions: ${exceptions.length}; objects with a missing symbol version: ${report.versionProblems}`,
);
for (const [reason, n] of byReason) console.log(`  ${n} × ${reason}`);
for (const m of mismatches.slice(0, 20)) console.log(`MISMATCH ${JSON.stringify(m)}`);
console.log(
  `resolver: ${report.seconds.resolveAll}s for ${objects.length} objects; ldd: ${report.seconds.lddAll}s. Report: ${values.out}`,
);
process.exitCode = mismatches.length === 0 ? 0 : 1;
