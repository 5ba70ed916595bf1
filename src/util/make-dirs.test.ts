import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirs } from './make-dirs.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-mkdirs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('makeDirs', () => {
  it('creates missing parents and accepts an existing directory', () => {
    const deep = path.join(dir, 'a/b/c');
    makeDirs(deep);
    expect(fs.statSync(deep).isDirectory()).toBe(true);
    makeDirs(deep);
  });

  it('throws at once where the recursive mkdir of Node 20 spins (a parent that holds no directories)', () => {
    expect(() => makeDirs('/proc/rock-os-tools-test/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('throws ENOTDIR when a parent is a file', () => {
    fs.writeFileSync(path.join(dir, 'f'), '');
    expect(() => makeDirs(path.join(dir, 'f/x'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});
