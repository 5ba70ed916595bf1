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

  // Everything PID 1 needs before a loader exists is static; volcano-agent is linked against
  // glibc and OpenSSL like the real agent, so the image must carry its interpreter and libraries.
  const statics = FIXTURE_BINARIES.filter((name) => name !== 'volcano-agent');
  it.each(statics)('%s is a static ELF', (name) => {
    expect(isStaticElf(path.join(dir, name))).toBe(true);
  });

  it('volcano-agent is a dynamic ELF that needs libssl.so.3 and libcrypto.so.3', () => {
    const file = path.join(dir, 'volcano-agent');
    expect(isStaticElf(file)).toBe(false);
    const bytes = fs.readFileSync(file).toString('latin1');
    expect(bytes).toContain('libssl.so.3');
    expect(bytes).toContain('libcrypto.so.3');
  });

  it('rock-init refuses to run when it is not PID 1, and does not reboot', () => {
    const run = spawnSync(path.join(dir, 'rock-init'), { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(`ROCK-INIT: not PID 1 (pid=${run.pid}), refusing to start\n`);
  });

  it('rock-manager prints its start line with its pid and exits 0', () => {
    const run = spawnSync(path.join(dir, 'rock-manager'), { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`ROCK-MANAGER: started pid=${run.pid}\n`);
  });

  it('volcano-agent prints its start line, the OpenSSL it loaded, and exits 0', () => {
    const run = spawnSync(path.join(dir, 'volcano-agent'), { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^VOLCANO-AGENT: started pid=${run.pid}\nVOLCANO-AGENT: openssl OpenSSL 3\\.[^\n]*\n$`),
    );
  });
});
