import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_BINARIES, fixturesDir } from './test-support/test-kernel.js';

/** True for a 64-bit little-endian ELF without a PT_INTERP program header (statically linked). */
function isStaticElf(file: string): boolean {
  const b = fs.readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return false;
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    if (b.readUInt32LE(phoff + i * phentsize) === 3) return false; // PT_INTERP
  }
  return true;
}

describe('C fixtures (built by scripts/build-fixtures.sh)', () => {
  const dir = fixturesDir();

  it.each(FIXTURE_BINARIES)('%s is a static ELF', (name) => {
    expect(isStaticElf(path.join(dir, name))).toBe(true);
  });

  it('rock-init refuses to run when it is not PID 1, and does not reboot', () => {
    const run = spawnSync(path.join(dir, 'rock-init'), { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(`ROCK-INIT: not PID 1 (pid=${run.pid}), refusing to start\n`);
  });

  it.each([
    ['rock-manager', 'ROCK-MANAGER'],
    ['volcano-agent', 'VOLCANO-AGENT'],
  ])('%s prints its start line with its pid and exits 0', (name, tag) => {
    const run = spawnSync(path.join(dir, name), { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${tag}: started pid=${run.pid}\n`);
  });
});
