import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsEntries } from './deps-input.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rock-deps-input-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('depsEntries', () => {
  it("adds the interpreter and libraries of a dynamic host program at the loader's paths, symlinks kept", () => {
    const entries = depsEntries([{ path: '/bin/ls', label: 'ls' }]);
    const byName = new Map(entries.map((e) => [e.info.name, e.info]));
    // Debian's merged /usr: the loader asks for /lib64/ld-linux-x86-64.so.2 and /lib/x86_64-linux-gnu/...
    expect(byName.get('lib64')).toMatchObject({ type: 'symlink', linkTarget: 'usr/lib64' });
    expect(byName.get('lib')).toMatchObject({ type: 'symlink', linkTarget: 'usr/lib' });
    expect(byName.get('usr/lib/x86_64-linux-gnu/libc.so.6')?.type).toBe('file');
    expect(byName.get('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')?.type).toBe('file');
    // Each path once, however many programs need it.
    expect(
      depsEntries([
        { path: '/bin/ls', label: 'ls' },
        { path: '/bin/cat', label: 'cat' },
      ]).filter((e) => e.info.name === 'lib'),
    ).toHaveLength(1);
  });

  it('adds nothing for a static program', () => {
    expect(depsEntries([{ path: '/bin/busybox', label: 'busybox' }])).toEqual([]);
  });

  it('refuses a program whose library cannot be found, naming it, exit 2', () => {
    // A copy of ls that needs a library no search path holds.
    const odd = join(dir, 'ls');
    copyFileSync('/bin/ls', odd);
    const bytes = readFileSync(odd);
    const at = bytes.indexOf(Buffer.from('libselinux.so.1\0'));
    expect(at).toBeGreaterThan(0);
    // Same length as the name it replaces, so the string table keeps its layout.
    bytes.write('libnothere.so.1', at, 'latin1');
    writeFileSync(odd, bytes);
    expect(() => depsEntries([{ path: odd, label: '--agent ls' }])).toThrow(
      expect.objectContaining({
        code: 'DEPS_MISSING',
        exitCode: 2,
        message: expect.stringMatching(
          /^--agent ls: libnothere\.so\.1: not found \(searched \/lib\/x86_64-linux-gnu\/libnothere\.so\.1, /,
        ),
      }),
    );
  });
});
