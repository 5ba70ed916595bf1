import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { statRegularFile } from './regular-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('statRegularFile', () => {
  it('accepts a file and a symlink to one (stat follows links)', () => {
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'abc');
    fs.symlinkSync('f', path.join(dir, 'link'));
    expect(statRegularFile(file).size).toBe(3);
    expect(statRegularFile(path.join(dir, 'link')).size).toBe(3);
  });

  it('refuses what is not there with the errno in words, exit 2', () => {
    const missing = path.join(dir, 'missing');
    expect(() => statRegularFile(missing, 'rock-init (missing)')).toThrow(
      expect.objectContaining({
        code: 'INPUT_NOT_FOUND',
        exitCode: 2,
        message: 'rock-init (missing): cannot read: no such file or directory',
        data: { path: missing, errno: 'ENOENT' },
      }),
    );
    fs.symlinkSync('nowhere', path.join(dir, 'dangling'));
    expect(() => statRegularFile(path.join(dir, 'dangling'))).toThrow(
      expect.objectContaining({ code: 'INPUT_NOT_FOUND' }),
    );
  });

  it('refuses a directory and a device, saying what it found', () => {
    expect(() => statRegularFile(dir)).toThrow(
      expect.objectContaining({
        code: 'INPUT_NOT_FILE',
        message: `${dir}: expected a regular file, found a directory`,
      }),
    );
    expect(() => statRegularFile('/dev/null')).toThrow(
      expect.objectContaining({ message: '/dev/null: expected a regular file, found a device' }),
    );
  });
});
