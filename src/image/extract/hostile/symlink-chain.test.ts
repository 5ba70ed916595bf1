/**
 * Attack 4: a chain of symlinks each harmless alone (node-tar CVE-2021-37701 family): `c/up -> ../..`,
 * then `esc -> c/up/../..`, then `esc/f`. No string check on targets can see it; walking the real
 * components with lstat does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractRecords } from '../index.js';
import { dirRecord, fileRecord, symlinkRecord } from '../test-support/records.js';
import { caught, makeSandbox, type Sandbox } from '../test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

const chain = () => [dirRecord('c'), symlinkRecord('c/up', '../..'), symlinkRecord('esc', 'c/up/../..')];

describe('symlink chain', () => {
  it('up -> ../.., esc -> c/up/../.., then esc/f is refused', async () => {
    const error = await caught(() => extractRecords([...chain(), fileRecord('esc/f', 'pwned')], box.root));
    expect(error.code).toBe('PATH_ESCAPE');
    expect(error.message).toBe('0x0: "esc/f": parent "esc": expected a directory, got a symlink');
    box.assertOutsideUnchanged();
  });

  it('c/up/outside/sentinel is refused at the symlink in the middle', async () => {
    const records = [...chain(), fileRecord('c/up/outside/sentinel', 'pwned')];
    const error = await caught(() => extractRecords(records, box.root));
    expect(error.code).toBe('PATH_ESCAPE');
    expect(error.message).toContain('parent "c/up"');
    box.assertOutsideUnchanged();
  });

  it('positive twin: the links themselves are created verbatim', async () => {
    const result = await extractRecords(chain(), box.root);
    expect(result.symlinks).toBe(2);
    expect(fs.readlinkSync(path.join(box.root, 'c/up'))).toBe('../..');
    expect(fs.readlinkSync(path.join(box.root, 'esc'))).toBe('c/up/../..');
    box.assertOutsideUnchanged();
  });

  it('positive twin: an in-root chain is created and its real directory filled', async () => {
    const records = [
      dirRecord('d'),
      symlinkRecord('l1', 'd'),
      symlinkRecord('l2', 'l1'),
      fileRecord('d/f', 'ok'),
    ];
    await extractRecords(records, box.root);
    expect(fs.readFileSync(path.join(box.root, 'l2/f'), 'utf8')).toBe('ok');
    box.assertOutsideUnchanged();
  });
});
