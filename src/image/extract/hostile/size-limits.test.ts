/**
 * Attack 10: size limits. node-tar CVE-2024-28863 (deep nesting exhausted memory; fixed with `maxDepth`):
 * depth over 1024, names over PATH_MAX, components over NAME_MAX and symlink bodies that are too long
 * or contain NUL each give a typed error, checked on the name alone (no filesystem work, no recursion).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractRecords } from '../index.js';
import { fileRecord, symlinkRecord } from '../test-support/records.js';
import { caught, makeSandbox, type Sandbox } from '../test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

const deep = (depth: number) => `${'d/'.repeat(depth - 1)}f`;

describe('size limits', () => {
  it('refuses depth 1025 under a limit of 1024, before creating anything', async () => {
    const error = await caught(() =>
      extractRecords([fileRecord(deep(1025), 'x')], box.root, { maxDepth: 1024 }),
    );
    expect(error.code).toBe('EXTRACT_LIMIT');
    expect(error.message).toBe(
      `0x0: "${deep(1025).slice(0, 80)}..." (2049 bytes): depth: expected <= 1024 components, got 1025`,
    );
    expect(fs.readdirSync(box.root)).toEqual([]);
    box.assertOutsideUnchanged();
  });

  it('survives a 2 000 000-component name without a stack overflow', async () => {
    const name = '/'.repeat(10) + 'a/'.repeat(2_000_000);
    const error = await caught(() => extractRecords([fileRecord(name, 'x')], box.root));
    // Over PATH_MAX before it is even split.
    expect(error.code).toBe('EXTRACT_LIMIT');
    expect(error.message).toMatch(/name: expected <= 4095 bytes, got 4000010$/);
  });

  it('maxDepth is an option; positive twin: exactly maxDepth is extracted', async () => {
    const result = await extractRecords([fileRecord(deep(6), 'ok')], box.root, { maxDepth: 6 });
    expect(result.files).toBe(1);
    expect(fs.readFileSync(path.join(box.root, deep(6)), 'utf8')).toBe('ok');
    const error = await caught(() => extractRecords([fileRecord(deep(7), 'x')], box.root, { maxDepth: 6 }));
    expect(error.code).toBe('EXTRACT_LIMIT');
  });

  it('refuses a component over NAME_MAX (255 bytes); positive twin: exactly 255', async () => {
    await extractRecords([fileRecord('n'.repeat(255), 'ok')], box.root);
    expect(fs.readFileSync(path.join(box.root, 'n'.repeat(255)), 'utf8')).toBe('ok');
    const error = await caught(() => extractRecords([fileRecord(`d/${'é'.repeat(128)}`, 'x')], box.root));
    expect(error.code).toBe('EXTRACT_LIMIT');
    expect(error.message).toMatch(/component: expected <= 255 bytes, got 256$/);
  });

  it('refuses a name that fits PATH_MAX alone but not joined under the root', async () => {
    const name = [...Array.from({ length: 16 }, () => 'p'.repeat(240)), 'q'.repeat(234)].join('/');
    expect(Buffer.byteLength(name)).toBe(4090);
    const error = await caught(() => extractRecords([fileRecord(name, 'x')], box.root));
    expect(error.code).toBe('EXTRACT_LIMIT');
    expect(error.message).toBe(
      `0x0: "${'p'.repeat(80)}..." (4090 bytes): path: expected <= 4095 bytes, got ${Buffer.byteLength(box.root) + 1 + 4090}`,
    );
    expect(fs.readdirSync(box.root)).toEqual([]);
  });

  it('refuses a symlink body over PATH_MAX; positive twin: 4095 bytes is created', async () => {
    const longest = `${'t/'.repeat(2047)}t`;
    expect(Buffer.byteLength(longest)).toBe(4095);
    await extractRecords([symlinkRecord('ok', longest)], box.root);
    expect(fs.readlinkSync(path.join(box.root, 'ok'))).toBe(longest);

    const error = await caught(() => extractRecords([symlinkRecord('long', `${longest}t`)], box.root));
    expect(error.code).toBe('EXTRACT_LIMIT');
    expect(error.message).toBe('0x0: "long": symlink target: expected <= 4095 bytes, got 4096');
    expect(fs.existsSync(path.join(box.root, 'long'))).toBe(false);
  });

  it('refuses a symlink body containing NUL or empty', async () => {
    const nul = await caught(() => extractRecords([symlinkRecord('s', `${box.outside}\0/x`)], box.root));
    expect(nul.code).toBe('PATH_INVALID');
    expect(nul.message).toBe('0x0: "s": symlink target: expected no NUL, got a NUL');
    const empty = await caught(() => extractRecords([symlinkRecord('e', '')], box.root));
    expect(empty.code).toBe('PATH_INVALID');
    expect(fs.readdirSync(box.root)).toEqual([]);
    box.assertOutsideUnchanged();
  });
});
