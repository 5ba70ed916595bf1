import { linkSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refuseOutputAmongInputs } from './output-among-inputs.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rock-among-'));
  writeFileSync(join(dir, 'K'), 'key\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const refused = (output: string, path: string) => () =>
  refuseOutputAmongInputs(
    output,
    [
      { path: join(dir, 'other'), field: 'input' },
      { path, field: 'configKey' },
    ],
    dir,
  );

describe('refuseOutputAmongInputs', () => {
  it('refuses the same path, however written, naming the field and the input', () => {
    expect(refused('./K', join(dir, 'K'))).toThrow(
      expect.objectContaining({
        code: 'OUTPUT_IS_INPUT',
        exitCode: 2,
        message: `./K: output: expected a file that is not an input, found the configKey input ${dir}/K; nothing was written`,
      }),
    );
    expect(refused(join(dir, 'new'), 'new')).toThrow(expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }));
  });

  it('refuses the same file by device and inode: a hard link, a symlink', () => {
    linkSync(join(dir, 'K'), join(dir, 'hard'));
    symlinkSync('K', join(dir, 'soft'));
    expect(refused('hard', 'K')).toThrow(expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }));
    expect(refused('soft', 'K')).toThrow(expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }));
  });

  it('accepts an output that is none of the inputs', () => {
    expect(refused('image.cpio.gz', 'K')).not.toThrow();
  });
});
