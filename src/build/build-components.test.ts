// Real builds of the C stand-ins with the machine's toolchains (make, musl-gcc, gcc + OpenSSL):
// outputs checked and named by role, a second run taken entirely from the cache (compilers counted
// by wrappers on PATH), a one-file change rebuilding exactly that component and its dependents.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readElfFile } from '../elf/index.js';
import { buildComponents } from './build-components.js';
import { C_MANIFEST, makeProject, type Project } from './test-support/project.js';

const projects: Project[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.remove();
});
function project(manifest = C_MANIFEST): Project {
  const p = makeProject(manifest);
  projects.push(p);
  return p;
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const statuses = (r: Awaited<ReturnType<typeof buildComponents>>) =>
  Object.fromEntries(r.components.map((c) => [c.name, c.status]));

describe('rock-build on the C fixtures', () => {
  it('builds every component, names outputs by role, writes the lock file; the second run compiles nothing', async () => {
    const p = project();
    const first = await buildComponents({ components: ['all'], jobs: 2 }, p.context);
    expect(first.components.filter((c) => c.status === 'failed')).toEqual([]);
    expect(statuses(first)).toEqual({
      'rock-init': 'built',
      'rock-manager': 'built',
      'volcano-agent': 'built',
      'manager-tools': 'built',
      busybox: 'built',
    });
    const out = path.join(p.dir, 'out');
    expect(fs.readdirSync(out).sort()).toEqual([
      '.rock-build',
      'busybox',
      'components.lock.json',
      'manager-tools',
      'rock-init',
      'rock-manager',
      'volcano-agent',
    ]);
    expect(readElfFile(path.join(out, 'rock-init')).interpreter).toBeUndefined();
    expect(readElfFile(path.join(out, 'volcano-agent')).needed).toEqual(
      expect.arrayContaining(['libssl.so.3', 'libcrypto.so.3']),
    );
    expect(fs.statSync(path.join(out, 'rock-init')).mode & 0o777).toBe(0o755);
    const lock = JSON.parse(fs.readFileSync(path.join(out, 'components.lock.json'), 'utf8'));
    expect(Object.keys(lock.components)).toEqual([
      'busybox',
      'manager-tools',
      'rock-init',
      'rock-manager',
      'volcano-agent',
    ]);
    expect(lock.components['rock-init']).toMatchObject({
      file: 'rock-init',
      role: 'init',
      sha256: sha(path.join(out, 'rock-init')),
      cached: false,
      facts: { machine: 'x86_64', class: 64, linkage: 'static' },
    });
    expect(lock.components['rock-init'].key).toMatch(/^build-[0-9a-f]{64}$/);
    expect(lock.components['manager-tools']).toMatchObject({ install: '/usr/bin/manager-tools' });
    expect(lock.components['volcano-agent'].facts.linkage).toBe('dynamic');
    // One compiler run per component (busybox is copied): the wrappers on PATH saw each.
    expect(p.compilations().map((l) => l.split(' ').slice(0, 2).join(' ')).sort()).toEqual([
      'gcc -O2',
      'musl-gcc -static',
      'musl-gcc -static',
      'musl-gcc -static',
    ]);
    fs.writeFileSync(p.calls, '');

    const second = await buildComponents({ components: ['all'], jobs: 2 }, p.context);
    expect(Object.values(statuses(second))).toEqual(['cached', 'cached', 'cached', 'cached', 'cached']);
    expect(p.compilations()).toEqual([]);
    const lock2 = JSON.parse(fs.readFileSync(path.join(out, 'components.lock.json'), 'utf8'));
    expect(lock2.components['rock-init'].cached).toBe(true);
    expect(lock2.components['rock-init'].sha256).toBe(lock.components['rock-init'].sha256);
    expect(lock2.components['rock-init'].key).toBe(lock.components['rock-init'].key);
  });
});
